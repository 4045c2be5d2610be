"""Write a large, realistic Interaction Hub workbook (or five division workbooks) for benchmarks.

``python benchmarks/make_large_hub.py --out DIR [--interactions 1000000] [--seed 1]
[--folder-of-five] [--verify]``

The default writes ``DIR/Interaction Hub - Large.xlsx``: the contract's sheets (Accounts,
Contacts, Interactions, Staff, Lists) with exactly its headers, scaled to 1,000,000
interactions, 20,000 accounts, 60,000 contacts and ~300 staff over the five divisions. Accounts
and contacts scale with ``--interactions`` (2,000 and 6,000 for the 100k cut) unless given;
staff stays ~300. ``--folder-of-five`` writes ``Interaction Hub - <Division>.xlsx`` instead,
each with its division's interactions, accounts, contacts and staff (the same world, split).

The workbook is written the way Excel saves one, without holding the cells in memory: each
sheet's XML is streamed into a deflate (level 6) zip part by a writer thread while the main
thread formats rows, text cells are ``t="s"`` references into ``xl/sharedStrings.xml`` (built
on the way and written last), dates are serial numbers styled with a date format, and the
package carries the usual parts ([Content_Types].xml, _rels, workbook, styles, docProps).
Everything derives from ``--seed`` (numpy PCG64 + fixed zip timestamps): same seed, same bytes.

About 3 % of interaction rows carry the mess real hubs have: a blank Next Action, a text date
(``05/03/2026 10:15``), a ``whatsapp`` spelling of a channel, an unknown Contact ID.

Notes are one of a few hundred phrases followed by ``--note-detail`` per-row specifics (a plate,
an amount, a phone number, an invoice number...; default 2). Phrases alone (``--note-detail 0``)
compress too well: 1M rows then make a 62 MB file; the default gives ~82 MB, the size of a real
hub of that many rows. Sizes at 1M: 0 -> 62 MB, 1 -> 75 MB, 1.5 -> 79 MB, 2 -> 82 MB.
"""
from __future__ import annotations

import argparse
import datetime as dt
import queue
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from hub_data.contract import HUB_HEADERS  # noqa: E402 - the contract's headers, not a copy
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

LARGE_NAME = "Interaction Hub - Large.xlsx"
DEFAULT_INTERACTIONS = 1_000_000
ACCOUNTS_PER_INTERACTION = 20_000 / 1_000_000
CONTACTS_PER_INTERACTION = 60_000 / 1_000_000
COMPRESS_LEVEL = 6
ZIP_TIME = (2026, 6, 30, 9, 0, 0)
BLOCK_ROWS = 20_000            # rows formatted per numpy -> Python conversion
CHUNK_ROWS = 4_000             # rows joined into one write to the zip part
EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_DAY = dt.date(2024, 7, 1)
DAYS = 730                     # two years of interactions

STYLE_DATETIME, STYLE_DATE, STYLE_HEADER = 1, 2, 3

# ----------------------------------------------------------------------------- the contract
HEADERS: dict[str, list[str]] = HUB_HEADERS
DIVISIONS = ("Motors", "Power", "Medical", "GRAS Restaurant", "Cube 65 Clinic")
DIVISION_WEIGHTS = (0.30, 0.20, 0.20, 0.17, 0.13)
STAFF_PER_DIVISION = (90, 60, 55, 55, 40)
CHANNELS = ("Phone", "WhatsApp", "Meeting", "Email", "Walk-in", "Social Media", "Website",
            "Other")
CHANNEL_WEIGHTS = (0.30, 0.32, 0.08, 0.12, 0.08, 0.05, 0.04, 0.01)
INTERACTION_TYPES = (
    "Inquiry", "Follow-up", "Quote", "Test Drive", "Purchase", "Delivery", "Service Request",
    "Complaint", "Lead", "Qualification Call", "Site Visit", "Proposal", "Negotiation",
    "Contract Signed", "Maintenance Visit", "Distributor Prospect", "Distributor Signed", "Order",
    "Quality Flag", "Quality Resolved", "Business Review", "Feedback")
ACCOUNT_TYPES = ("Customer", "Prospect", "Distributor", "Partner")
RESOLVABLE = ("Service Request", "Complaint", "Quality Flag")
DIVISION_TYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "Motors": (("Inquiry", 25), ("Follow-up", 20), ("Quote", 12), ("Test Drive", 8),
               ("Purchase", 5), ("Delivery", 4), ("Service Request", 18), ("Complaint", 4),
               ("Feedback", 4)),
    "Power": (("Lead", 14), ("Qualification Call", 12), ("Site Visit", 10), ("Proposal", 9),
              ("Negotiation", 6), ("Contract Signed", 3), ("Maintenance Visit", 16),
              ("Service Request", 14), ("Complaint", 4), ("Follow-up", 12)),
    "Medical": (("Inquiry", 18), ("Distributor Prospect", 8), ("Distributor Signed", 2),
                ("Order", 25), ("Quality Flag", 5), ("Quality Resolved", 4),
                ("Business Review", 6), ("Follow-up", 28), ("Complaint", 4)),
    "GRAS Restaurant": (("Inquiry", 20), ("Order", 35), ("Complaint", 8), ("Feedback", 20),
                        ("Follow-up", 10), ("Service Request", 7)),
    "Cube 65 Clinic": (("Inquiry", 25), ("Service Request", 30), ("Feedback", 15),
                       ("Complaint", 6), ("Follow-up", 24)),
}

# ----------------------------------------------------------------------------- value pools
FIRST_NAMES = (
    "Adebayo Tunde Olumide Funmilayo Yetunde Adeola Folake Kehinde Taiwo Segun Femi Bisi "
    "Damilola Temitope Oluwaseun Kayode Wale Bukola Titilayo Abiodun Gbenga Remi Tolulope "
    "Ayodele Jumoke Ibukun Chinedu Chiamaka Ngozi Emeka Ifeoma Obinna Nkechi Uchenna Adaeze "
    "Ikenna Chidinma Kelechi Nnamdi Amaka Chioma Ebuka Onyeka Ifeanyi Ogechi Musa Ibrahim "
    "Aisha Abubakar Fatima Usman Zainab Sani Hauwa Yusuf Amina Halima Aliyu Hadiza Maryam "
    "Kabiru Osaze Ese Efosa Ita Ekaette Imoh Tamuno Terhemba Ejiro Mfon Tobi Kemi Lanre").split()
SURNAMES = (
    "Adeyemi Ogunleye Olawale Adeleke Ogundipe Akinola Balogun Oladipo Ajayi Odukoya Adesina "
    "Afolabi Olaniyan Akande Salami Adewale Omotosho Okonkwo Eze Obi Okafor Nwosu Chukwu "
    "Okeke Nwankwo Okoro Ibe Nwachukwu Uzor Anyanwu Obiora Nnaji Agu Ogbonna Onwuka Abdullahi "
    "Bello Mohammed Danjuma Garba Lawal Yakubu Suleiman Aminu Shehu Idris Tanko Ahmed Jibril "
    "Osagie Igbinedion Edet Bassey Okon Etim Ekpo Briggs Amachree Ovie Akpan Efiong Mbah "
    "Ugwu").split()
COMPANY_WORDS = (
    "Harbour Crest Bluecrest Sunrise Eko Lagoon Zenith Unity Crown Palm Royal Delta Savannah "
    "Niger Benue Atlantic Lekki Ikoyi Marina Apapa Kano Jos Plateau Golden Silverline Evergreen "
    "Summit Pinnacle Horizon Meridian Trinity Victory Heritage Cornerstone Keystone Greenfield "
    "Riverside Hilltop Oakwood Cedar").split()
COMPANY_TRADES = (
    "Logistics", "Haulage", "Foods", "Hotels & Suites", "Hospital", "Pharmacy", "Diagnostics",
    "Construction", "Estates", "Farms", "Energy", "Telecoms", "Schools", "Bottling", "Motors",
    "Cold Stores", "Textiles", "Plastics", "Oil & Gas Services", "Security Services",
    "Supermarkets", "Bakery", "Events", "Printing", "Cables", "Steel", "Agro-Allied",
    "Medical Supplies", "Microfinance Bank", "Church")
COMPANY_SUFFIXES = ("Ltd", "Nigeria Ltd", "Plc", "Enterprises", "& Sons Ltd", "Ventures",
                    "Global Ltd", "Int'l Ltd")
INDUSTRIES = ("Logistics", "Hospitality", "Healthcare", "Manufacturing", "Construction",
              "Agriculture", "Oil & Gas", "Retail", "Education", "Government", "Finance",
              "Telecoms", "Real Estate", "Private individual", "NGO", "Religious")
STREETS = ("Adeola Odeku Street", "Admiralty Way", "Ring Road", "Oba Akran Avenue",
           "Awolowo Road", "Allen Avenue", "Herbert Macaulay Way", "Ahmadu Bello Way",
           "Aminu Kano Crescent", "Ozumba Mbadiwe Avenue", "Isaac John Street", "Opebi Road",
           "Toyin Street", "Adetokunbo Ademola Street", "Broad Street", "Marina Road",
           "Trans-Amadi Road", "Aba Road", "Murtala Mohammed Way", "Zik Avenue")
PLACES = ("Victoria Island, Lagos", "Lekki Phase 1, Lagos", "Ikeja, Lagos", "Ikoyi, Lagos",
          "Yaba, Lagos", "Surulere, Lagos", "Apapa, Lagos", "Wuse 2, Abuja", "Garki, Abuja",
          "Maitama, Abuja", "Port Harcourt", "Ibadan", "Kano", "Enugu", "Benin City", "Kaduna",
          "Abeokuta", "Owerri", "Uyo", "Jos")
JOB_TITLES = ("Managing Director", "Procurement Manager", "Fleet Manager", "Facility Manager",
              "Operations Manager", "Finance Manager", "Chief Medical Director", "Pharmacist",
              "Head of Admin", "Purchasing Officer", "Personal Assistant", "Owner",
              "Chief Engineer", "Matron", "Store Keeper", "Doctor", "Lab Scientist",
              "Event Planner", "HR Manager", "IT Manager")
ROLES = ("Sales Executive", "Senior Sales Executive", "Customer Service Officer",
         "Service Advisor", "Account Manager", "Business Development Manager", "Front Desk",
         "Technician", "Supervisor", "Division Lead")
PRODUCTS = ("Toyota Hilux", "Geely Coolray", "Toyota Coaster bus", "Hyundai Tucson",
            "Kia Sportage", "Changan CS35", "a 60 kVA generator", "a 100 kVA generator",
            "a 250 kVA generator", "solar inverter kit", "changeover panel", "diesel genset",
            "surgical gloves", "IV cannulas", "syringes", "infusion sets", "face masks",
            "a birthday lunch", "the jollof platter", "a corporate dinner", "outdoor catering",
            "the Sunday buffet", "a dental check-up", "a blood test", "an eye test",
            "the wellness package", "physiotherapy", "a lab result", "spare parts",
            "the service contract")
NOTE_TEMPLATES = (
    "Asked about financing options for {}", "Requested a quote for {}",
    "Called to confirm delivery date for {}", "Complained about delay on {}",
    "Follow-up on last week's enquiry about {}", "Wants a discount on {}",
    "Asked for the price list including {}", "Booked a visit to see {}",
    "Confirmed payment for {}", "Reported a fault with {}", "Asked about warranty on {}",
    "Sent pictures of {} on WhatsApp", "Referred by a friend, interested in {}",
    "Compared our price for {} with a competitor", "Asked to reschedule {}",
    "Happy with {}; may order again", "Needs {} urgently before month end",
    "Asked for invoice copy for {}", "Wants a callback about {}",
    "Questions about maintenance of {}")
NOTE_PHRASES = 400
NEXT_ACTIONS = (("No further action", 18.0), ("None", 3.0), ("N/A", 2.0),
                ("Follow up next week", 12.0), ("Send quote", 8.0), ("Call back", 10.0),
                ("Send price list on WhatsApp", 6.0), ("Prepare fleet quote", 3.0),
                ("Book site visit", 4.0), ("Schedule test drive", 3.0),
                ("Send update on WhatsApp", 6.0), ("Confirm delivery date", 4.0),
                ("Escalate to division lead", 2.0), ("Send invoice", 4.0),
                ("Arrange technician visit", 4.0), ("Book appointment", 5.0),
                ("Share brochure by email", 3.0), ("Chase payment", 3.0))
CLOSING = {"No further action", "None", "N/A"}
WHATSAPP_VARIANTS = ("whatsapp", "Whatsapp", "WHATSAPP", "Whats App", "WhatsApp ")

# Per-row specifics appended to a note phrase ("...; reg ABJ-434KE"), as real notes carry.
PLATE_PREFIXES = ("ABJ", "LAG", "KJA", "EKY", "APP", "GGE", "FKJ", "LND", "SMK", "KRD", "BDG",
                  "AAA", "EPE", "JJJ", "KTU", "MUS", "RBC", "YAB", "AKD", "FST")
DETAIL_KINDS = 8
PHONE_PREFIXES = ("0803", "0806", "0805", "0807", "0813", "0816", "0703", "0706", "0810", "0818")
DEFAULT_NOTE_DETAIL = 2.0

# Mess rates per interaction row (sum ~3 %).
MESS_BLANK_NEXT_ACTION = 0.008
MESS_TEXT_DATE = 0.008
MESS_CHANNEL_SPELLING = 0.008
MESS_UNKNOWN_CONTACT = 0.006


# ============================================================================ the world
@dataclass
class Staff:
    """The roster: one entry per person."""

    name: list[str]
    division: np.ndarray          # int index into DIVISIONS
    role: list[str]
    facing: np.ndarray            # bool
    start: list[int | None]       # Excel serial or blank
    leave: list[int | None]


@dataclass
class Accounts:
    """Accounts as columns; ``division`` indexes DIVISIONS."""

    company: list[str]
    division: np.ndarray
    account_type: list[str | None]
    industry: list[str | None]
    address: list[str | None]
    phone: list[str | None]
    erp_id: list[str | None]
    owner: list[str | None]


@dataclass
class Contacts:
    """Contacts as columns; ``account`` indexes Accounts."""

    name: list[str]
    title: list[str | None]
    email: list[str | None]
    mobile: list[str | None]
    account: np.ndarray


@dataclass
class Interactions:
    """Interactions as numpy columns (indices into pools), in logging order."""

    contact: np.ndarray           # int index into Contacts
    division: np.ndarray          # the contact's division
    serial: np.ndarray            # Excel serial date-time
    show_account: np.ndarray      # bool: Account ID filled
    show_division: np.ndarray     # bool: Division filled
    channel: np.ndarray           # index into CHANNELS; -1-k = WHATSAPP_VARIANTS[k]
    itype: np.ndarray             # index into INTERACTION_TYPES
    note: np.ndarray              # index into notes
    details: np.ndarray           # (n, 2): -1 = none, else a DETAIL_KINDS kind
    detail_values: np.ndarray     # (n, 2): the random numbers the details are made of
    action: np.ndarray            # index into NEXT_ACTIONS, -1 = blank
    due: np.ndarray               # Excel serial date (int) or -1 = blank
    logger: np.ndarray            # index into Staff
    resolved: np.ndarray          # 0 blank, 1 Yes, 2 No
    text_date: np.ndarray         # bool
    unknown_contact: np.ndarray   # bool


@dataclass
class World:
    """Everything one seed generates; written as one workbook or split by division."""

    staff: Staff
    accounts: Accounts
    contacts: Contacts
    interactions: Interactions
    notes: list[str]


def _serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def _weights(values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array / array.sum()


def _pick(rng: np.random.Generator, pool: Sequence[str], n: int) -> list[str]:
    return [pool[i] for i in rng.integers(0, len(pool), n).tolist()]


def _person_names(rng: np.random.Generator, n: int) -> list[str]:
    first = _pick(rng, FIRST_NAMES, n)
    last = _pick(rng, SURNAMES, n)
    return [f"{a} {b}" for a, b in zip(first, last)]


def _phones(rng: np.random.Generator, n: int) -> list[str]:
    """Nigerian mobile numbers in the three spellings people type."""
    prefixes = PHONE_PREFIXES
    pre = rng.integers(0, len(prefixes), n).tolist()
    mid = rng.integers(100, 1000, n).tolist()
    end = rng.integers(1000, 10000, n).tolist()
    style = rng.integers(0, 3, n).tolist()
    out = []
    for p, m, e, s in zip(pre, mid, end, style):
        prefix = prefixes[p]
        if s == 0:
            out.append(f"{prefix} {m} {e}")
        elif s == 1:
            out.append(f"{prefix}-{m}-{e}")
        else:
            out.append(f"+234 {prefix[1:]} {m} {e}")
    return out


def _blank(rng: np.random.Generator, values: list[str], rate: float) -> list[str | None]:
    mask = (rng.random(len(values)) < rate).tolist()
    return [None if m else v for v, m in zip(values, mask)]


def make_staff(rng: np.random.Generator) -> Staff:
    """~300 unique roster names spread over the five divisions."""
    total = sum(STAFF_PER_DIVISION)
    combos = [f"{a} {b}" for a in FIRST_NAMES for b in SURNAMES]
    order = rng.permutation(len(combos))[:total].tolist()
    names = [combos[i] for i in order]
    division = np.repeat(np.arange(len(DIVISIONS)), STAFF_PER_DIVISION)
    facing = rng.random(total) < 0.85
    start_days = rng.integers(_serial(dt.date(2012, 1, 1)), _serial(dt.date(2026, 1, 1)), total)
    start = [int(s) if r < 0.7 else None
             for s, r in zip(start_days.tolist(), rng.random(total).tolist())]
    leave_days = rng.integers(_serial(dt.date(2025, 1, 1)), _serial(dt.date(2026, 6, 1)), total)
    leave = [int(s) if r < 0.04 else None
             for s, r in zip(leave_days.tolist(), rng.random(total).tolist())]
    return Staff(names, division, _pick(rng, ROLES, total), facing, start, leave)


def _company_names(rng: np.random.Generator, n: int, individual: np.ndarray) -> list[str]:
    words = _pick(rng, COMPANY_WORDS, n)
    trades = _pick(rng, COMPANY_TRADES, n)
    suffixes = _pick(rng, COMPANY_SUFFIXES, n)
    people = _person_names(rng, n)
    return [person if ind else f"{w} {t} {s}"
            for w, t, s, person, ind in zip(words, trades, suffixes, people, individual.tolist())]


def make_accounts(rng: np.random.Generator, n: int, staff: Staff) -> Accounts:
    """``n`` accounts; owners are staff of the account's division (3 % orphans)."""
    division = rng.choice(len(DIVISIONS), n, p=_weights(DIVISION_WEIGHTS))
    individual = rng.random(n) < 0.25
    numbers = rng.integers(1, 250, n).tolist()
    addresses = [f"{k} {s}, {p}" for k, s, p in
                 zip(numbers, _pick(rng, STREETS, n), _pick(rng, PLACES, n))]
    types = [ACCOUNT_TYPES[i] for i in rng.choice(4, n, p=[0.80, 0.12, 0.05, 0.03]).tolist()]
    types = _blank(rng, types, 0.15)
    industries = ["Private individual" if ind else INDUSTRIES[i] for ind, i in
                  zip(individual.tolist(), rng.integers(0, len(INDUSTRIES) - 3, n).tolist())]
    erp = [f"C{100001 + i}" if r < 0.6 else None
           for i, r in enumerate(rng.random(n).tolist())]
    by_division = [np.flatnonzero(staff.division == d) for d in range(len(DIVISIONS))]
    owner_pick = rng.random(n)
    owners: list[str | None] = []
    for d, r in zip(division.tolist(), owner_pick.tolist()):
        pool = by_division[d]
        owners.append(None if r < 0.03 else staff.name[int(pool[int(r * len(pool))])])
    return Accounts(_company_names(rng, n, individual), division, types,
                    _blank(rng, industries, 0.1), _blank(rng, addresses, 0.2),
                    _blank(rng, _phones(rng, n), 0.3), erp, owners)


def _email(name: str, company: str, style: int) -> str:
    first, _, last = name.lower().partition(" ")
    domain = "".join(ch for ch in company.lower().split(" ")[0] if ch.isalpha()) or "mail"
    local = f"{first}.{last}" if style == 0 else f"{first[0]}{last}"
    return f"{local}@{domain}.ng.example"


def make_contacts(rng: np.random.Generator, n: int, accounts: Accounts) -> Contacts:
    """``n`` contacts, every account with at least one (when n >= accounts)."""
    n_accounts = len(accounts.company)
    first = np.arange(min(n, n_accounts))
    rest = rng.integers(0, n_accounts, max(n - n_accounts, 0))
    account = rng.permutation(np.concatenate([first, rest]))
    names = _person_names(rng, n)
    styles = rng.integers(0, 2, n).tolist()
    emails = [_email(name, accounts.company[a], s)
              for name, a, s in zip(names, account.tolist(), styles)]
    return Contacts(names, _blank(rng, _pick(rng, JOB_TITLES, n), 0.3),
                    _blank(rng, emails, 0.25), _blank(rng, _phones(rng, n), 0.15), account)


def make_notes(rng: np.random.Generator) -> list[str]:
    """A few hundred distinct note phrases (templates x products)."""
    combos = [t.format(p) for t in NOTE_TEMPLATES for p in PRODUCTS]
    return [combos[i] for i in rng.permutation(len(combos))[:NOTE_PHRASES].tolist()]


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Excel serial date-times on working days (Sundays moved to Monday), 08:00-18:00."""
    day = rng.integers(0, DAYS, n)
    first = _serial(FIRST_DAY)
    weekday = (first + day - 2) % 7            # serial 2 = 1900-01-01 (a Monday) -> 0
    day = np.where(weekday == 6, day + 1, day)
    minute = rng.integers(8 * 60, 18 * 60, n)
    return np.sort(first + day + minute / 1440.0, kind="stable")


def _types(rng: np.random.Generator, division: np.ndarray) -> np.ndarray:
    itype = np.zeros(len(division), dtype=np.int16)
    for d, name in enumerate(DIVISIONS):
        rows = np.flatnonzero(division == d)
        pairs = DIVISION_TYPES[name]
        choices = np.array([INTERACTION_TYPES.index(t) for t, _ in pairs], dtype=np.int16)
        itype[rows] = choices[rng.choice(len(pairs), len(rows), p=_weights([w for _, w in pairs]))]
    return itype


def _loggers(rng: np.random.Generator, division: np.ndarray, staff: Staff) -> np.ndarray:
    logger = np.zeros(len(division), dtype=np.int32)
    for d in range(len(DIVISIONS)):
        pool = np.flatnonzero((staff.division == d) & staff.facing)
        rows = np.flatnonzero(division == d)
        # a few busy people log most rows: a Zipf-like skew over the pool
        weights = _weights(1.0 / np.arange(1, len(pool) + 1) ** 0.8)
        logger[rows] = pool[rng.choice(len(pool), len(rows), p=weights)]
    return logger


def _details(rng: np.random.Generator, n: int, per_note: float) -> np.ndarray:
    """Detail kinds per note: ``per_note`` specifics on average (0 to 2), -1 = none."""
    kinds = rng.integers(0, DETAIL_KINDS, (n, 2))
    draw = rng.random((n, 2))
    first = draw[:, 0] < min(per_note, 1.0)
    second = first & (draw[:, 1] < max(per_note - 1.0, 0.0))
    return np.where(np.column_stack([first, second]), kinds, -1).astype(np.int8)


def make_interactions(rng: np.random.Generator, n: int, accounts: Accounts,
                      contacts: Contacts, staff: Staff, n_notes: int,
                      note_detail: float) -> Interactions:
    """``n`` interactions in logging order, with ~3 % mess.

    Rows are in the order they were logged; the Date is when the touchpoint happened, which
    is up to a few days earlier for rows logged late, so the Date column is nearly sorted.
    """
    contact = rng.integers(0, len(contacts.name), n)
    division = accounts.division[contacts.account[contact]]
    happened = _dates(rng, n)
    logged = happened + np.where(rng.random(n) < 0.3, rng.exponential(1.5, n), 0.0)
    serial = happened[np.argsort(logged, kind="stable")]
    channel = rng.choice(len(CHANNELS), n, p=_weights(CHANNEL_WEIGHTS)).astype(np.int16)
    respell = rng.random(n) < MESS_CHANNEL_SPELLING
    channel = np.where(respell, -1 - rng.integers(0, len(WHATSAPP_VARIANTS), n), channel)
    itype = _types(rng, division)
    action = rng.choice(len(NEXT_ACTIONS), n, p=_weights([w for _, w in NEXT_ACTIONS]))
    action = np.where(rng.random(n) < MESS_BLANK_NEXT_ACTION, -1, action)
    closing = np.array([a in CLOSING for a, _ in NEXT_ACTIONS])
    open_action = (action >= 0) & ~closing[np.maximum(action, 0)]
    due = np.where(open_action, np.floor(serial).astype(np.int64) + rng.integers(1, 15, n), -1)
    resolvable = np.isin(itype, [INTERACTION_TYPES.index(t) for t in RESOLVABLE])
    resolved = np.where(resolvable, rng.choice(3, n, p=[0.1, 0.7, 0.2]), 0)
    return Interactions(
        contact=contact, division=division, serial=serial,
        show_account=rng.random(n) < 0.7, show_division=rng.random(n) < 0.5,
        channel=channel, itype=itype, note=rng.integers(0, n_notes, n),
        details=_details(rng, n, note_detail),
        detail_values=rng.integers(0, 2 ** 31 - 1, (n, 2)), action=action, due=due, logger=_loggers(rng, division, staff), resolved=resolved,
        text_date=rng.random(n) < MESS_TEXT_DATE,
        unknown_contact=rng.random(n) < MESS_UNKNOWN_CONTACT)


def make_world(seed: int, interactions: int, accounts: int, contacts: int,
               note_detail: float = DEFAULT_NOTE_DETAIL) -> World:
    """The whole deterministic world for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    staff = make_staff(rng)
    acc = make_accounts(rng, accounts, staff)
    con = make_contacts(rng, contacts, acc)
    notes = make_notes(rng)
    return World(staff, acc, con, make_interactions(rng, interactions, acc, con, staff,
                                                    len(notes), note_detail), notes)


# ============================================================================ rows per sheet
Row = list
RowSource = Callable[[], Iterator[Row]]


def _account_id(i: int) -> str:
    return f"ACC-{i + 1:06d}"


def _contact_id(i: int) -> str:
    return f"CON-{i + 1:06d}"


def accounts_rows(world: World, keep: np.ndarray) -> Iterator[Row]:
    """Accounts sheet rows (without header) for account indices ``keep``."""
    a = world.accounts
    for i in keep.tolist():
        yield [_account_id(i), a.company[i], DIVISIONS[a.division[i]], a.account_type[i],
               a.industry[i], a.address[i], a.phone[i], a.erp_id[i], a.owner[i]]


def contacts_rows(world: World, keep: np.ndarray) -> Iterator[Row]:
    """Contacts sheet rows for contact indices ``keep``."""
    c = world.contacts
    for i in keep.tolist():
        yield [_contact_id(i), c.name[i], c.title[i], c.email[i], c.mobile[i],
               _account_id(int(c.account[i]))]


def staff_rows(world: World, keep: np.ndarray) -> Iterator[Row]:
    """Staff sheet rows for roster indices ``keep``."""
    s = world.staff
    for i in keep.tolist():
        yield [s.name[i], DIVISIONS[s.division[i]], s.role[i], "Yes" if s.facing[i] else "No",
               s.start[i], s.leave[i]]


def lists_rows() -> Iterator[Row]:
    """The contract's default lists, one per column."""
    columns = [DIVISIONS, CHANNELS, INTERACTION_TYPES, ACCOUNT_TYPES]
    for k in range(max(len(c) for c in columns)):
        yield [c[k] if k < len(c) else None for c in columns]


def _text_date(serial: float) -> str:
    """A date-time typed as text, the way people do: ``05/03/2026 10:15`` (DMY)."""
    day = EXCEL_EPOCH + dt.timedelta(days=int(serial))
    minutes = int(round((serial - int(serial)) * 1440))
    return f"{day.day:02d}/{day.month:02d}/{day.year} {minutes // 60:02d}:{minutes % 60:02d}"


def note_detail(kind: int, value: int) -> str:
    """The specific a note carries besides its phrase: a plate, an amount, a phone number..."""
    if kind == 0:
        letters = chr(65 + value % 26) + chr(65 + value // 26 % 26)
        return f"reg {PLATE_PREFIXES[value // 676 % 20]}-{value // 13520 % 1000:03d}{letters}"
    if kind == 1:
        return f"budget \u20a6{(value % 200000 + 10) * 250:,}"
    if kind == 2:
        return (f"call {PHONE_PREFIXES[value % 10]} {value // 10 % 900 + 100} "
                f"{value // 9000 % 9000 + 1000}")
    if kind == 3:
        return (f"visit {value % 28 + 1:02d}/{value // 28 % 12 + 1:02d} "
                f"{value // 336 % 10 + 8:02d}:{value // 3360 % 4 * 15:02d}")
    if kind == 4:
        return (f"spoke to {FIRST_NAMES[value % len(FIRST_NAMES)]} "
                f"{SURNAMES[value // 97 % len(SURNAMES)]}")
    if kind == 5:
        return f"inv {value % 900000 + 100000}"
    if kind == 6:
        return (f"S/N {PLATE_PREFIXES[value % 20][:2]}{value // 20 % 100000:05d}-"
                f"{value // 2000000 % 1000:03d}")
    return f"{value % 400 + 1} units, quote Q-{value // 400 % 90000 + 10000}"


def _note(phrase: str, k1: int, v1: int, k2: int, v2: int) -> str:
    if k1 < 0:
        return phrase
    if k2 < 0:
        return f"{phrase}; {note_detail(k1, v1)}"
    return f"{phrase}; {note_detail(k1, v1)}, {note_detail(k2, v2)}"


def interactions_rows(world: World, keep: np.ndarray) -> Iterator[Row]:
    """Interactions sheet rows for interaction indices ``keep`` (global IDs INT-0000001...)."""
    it, con = world.interactions, world.contacts
    notes, staff_names = world.notes, world.staff.name
    actions = [a for a, _ in NEXT_ACTIONS]
    resolved_text = (None, "Yes", "No")
    for start in range(0, len(keep), BLOCK_ROWS):
        idx = keep[start:start + BLOCK_ROWS]
        cols = zip(idx.tolist(), it.contact[idx].tolist(), it.division[idx].tolist(),
                   it.serial[idx].tolist(), it.show_account[idx].tolist(),
                   it.show_division[idx].tolist(), it.channel[idx].tolist(),
                   it.itype[idx].tolist(), it.note[idx].tolist(), it.action[idx].tolist(),
                   it.due[idx].tolist(), it.logger[idx].tolist(), it.resolved[idx].tolist(),
                   it.text_date[idx].tolist(), it.unknown_contact[idx].tolist(),
                   it.details[idx].tolist(), it.detail_values[idx].tolist())
        for (i, c, d, serial, show_a, show_d, ch, ty, note, act, due, log, res, as_text,
             unknown, (k1, k2), (v1, v2)) in cols:
            yield [f"INT-{i + 1:07d}",
                   _text_date(serial) if as_text else serial,
                   f"CON-9{i % 100000:05d}" if unknown else _contact_id(c),
                   _account_id(int(con.account[c])) if show_a and not unknown else None,
                   DIVISIONS[d] if show_d else None,
                   CHANNELS[ch] if ch >= 0 else WHATSAPP_VARIANTS[-1 - ch],
                   INTERACTION_TYPES[ty],
                   _note(notes[note], k1, v1, k2, v2),
                   actions[act] if act >= 0 else None,
                   due if due >= 0 else None,
                   staff_names[log], resolved_text[res]]


# ============================================================================ xlsx writing
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letters(n: int) -> list[str]:
    """Excel column letters A, B, ... for ``n`` columns."""
    letters = []
    for k in range(1, n + 1):
        name = ""
        while k:
            k, rem = divmod(k - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name)
    return letters


def xml_escape(text: str) -> str:
    """Escape text for an XML element body."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SharedStrings:
    """The shared-strings table: index per distinct string, in first-use order."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def xml_chunks(self) -> Iterator[bytes]:
        """``xl/sharedStrings.xml`` in chunks."""
        yield (f'{XML_HEAD}<sst xmlns="{NS_MAIN}" count="{self.count}" '
               f'uniqueCount="{len(self.index)}">').encode()
        batch: list[str] = []
        for text in self.index:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            batch.append(f"<si><t{space}>{xml_escape(text)}</t></si>")
            if len(batch) >= 50_000:
                yield "".join(batch).encode()
                batch = []
        batch.append("</sst>")
        yield "".join(batch).encode()


class SheetWriter:
    """Formats rows as SpreadsheetML, interning text into a SharedStrings table."""

    def __init__(self, headers: list[str], styles: list[int], sst: SharedStrings) -> None:
        self.headers = headers
        self.styles = styles
        self.sst = sst
        self.letters = column_letters(len(headers))
        self.spans = f"1:{len(headers)}"

    def header_xml(self, rows: int, widths: list[float], selected: bool) -> str:
        last = f"{self.letters[-1]}{rows + 1}"
        cols = "".join(f'<col min="{k}" max="{k}" width="{w:.7g}" customWidth="1"/>'
                       for k, w in enumerate(widths, start=1))
        tab = ' tabSelected="1"' if selected else ""
        return (f'{XML_HEAD}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}" '
                'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                'mc:Ignorable="x14ac" '
                'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
                f'<dimension ref="A1:{last}"/><sheetViews><sheetView{tab} workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '</sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
                f"<cols>{cols}</cols><sheetData>"
                + self.row_xml(1, self.headers, [STYLE_HEADER] * len(self.headers)))

    @staticmethod
    def footer_xml() -> str:
        return ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                'header="0.3" footer="0.3"/></worksheet>')

    def row_xml(self, r: int, values: Row, styles: list[int] | None = None) -> str:
        """One ``<row>``: text as shared-string references, numbers with their column style."""
        index = self.sst.index
        parts = [f'<row r="{r}" spans="{self.spans}" x14ac:dyDescent="0.25">']
        refs = 0
        for letter, style, value in zip(self.letters, styles or self.styles, values):
            if value is None:
                continue
            if value.__class__ is str:
                k = index.get(value)
                if k is None:
                    k = index[value] = len(index)
                refs += 1
                s = f' s="{style}"' if style == STYLE_HEADER else ""
                parts.append(f'<c r="{letter}{r}"{s} t="s"><v>{k}</v></c>')
            elif style:
                parts.append(f'<c r="{letter}{r}" s="{style}"><v>{value:.17g}</v></c>')
            else:
                parts.append(f'<c r="{letter}{r}"><v>{value:.17g}</v></c>')
        self.sst.count += refs
        parts.append("</row>")
        return "".join(parts)

    def chunks(self, rows: Iterable[Row], n_rows: int, widths: list[float],
               selected: bool) -> Iterator[bytes]:
        """The whole worksheet XML in byte chunks of CHUNK_ROWS rows."""
        yield self.header_xml(n_rows, widths, selected).encode()
        batch: list[str] = []
        row_xml = self.row_xml
        for r, values in enumerate(rows, start=2):
            batch.append(row_xml(r, values))
            if len(batch) >= CHUNK_ROWS:
                yield "".join(batch).encode()
                batch = []
        batch.append(self.footer_xml())
        yield "".join(batch).encode()


class ZipPartWriter:
    """Writes zip parts deterministically; compression runs in a thread beside formatting."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                                   compresslevel=COMPRESS_LEVEL)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 0      # as Excel (MS-DOS), whatever platform writes it
        info.external_attr = 0
        return info

    def write_text(self, name: str, text: str) -> None:
        self.zip.writestr(self._info(name), text.encode(), compresslevel=COMPRESS_LEVEL)

    def write_stream(self, name: str, chunks: Iterable[bytes], big: bool = False) -> None:
        """Stream ``chunks`` into part ``name``; a writer thread deflates while we format."""
        pending: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        failure: list[BaseException] = []
        info = self._info(name)
        info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]  # zipfile honours it

        def drain() -> None:
            try:
                with self.zip.open(info, "w", force_zip64=big) as part:
                    while (chunk := pending.get()) is not None:
                        part.write(chunk)
            except BaseException as exc:  # re-raised in the producing thread
                failure.append(exc)
                while pending.get() is not None:
                    pass

        worker = threading.Thread(target=drain, name=f"deflate {name}")
        worker.start()
        try:
            for chunk in chunks:
                if failure:
                    break
                pending.put(chunk)
        finally:
            pending.put(None)
            worker.join()
        if failure:
            raise failure[0]

    def close(self) -> None:
        self.zip.close()


@dataclass
class SheetPlan:
    """One sheet to write: its name, header, per-column number style, widths and rows."""

    name: str
    styles: list[int]
    widths: list[float]
    n_rows: int
    rows: RowSource


def _package_parts(sheets: list[str]) -> dict[str, str]:
    """The small fixed parts of an xlsx package, Excel-shaped."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for k in range(1, len(sheets) + 1))
    content_types = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>' + overrides +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    root_rels = (
        f'{XML_HEAD}<Relationships xmlns="{NS_PKG_REL}">'
        f'<Relationship Id="rId3" Type="{NS_REL}/extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
    sheet_elems = "".join(f'<sheet name="{xml_escape(name)}" sheetId="{k}" r:id="rId{k}"/>'
                          for k, name in enumerate(sheets, start=1))
    workbook = (
        f'{XML_HEAD}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        '<workbookPr defaultThemeVersion="164011"/><bookViews><workbookView xWindow="0" '
        'yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>'
        f'<sheets>{sheet_elems}</sheets><calcPr calcId="191029"/></workbook>')
    n = len(sheets)
    sheet_rels = "".join(
        f'<Relationship Id="rId{k}" Type="{NS_REL}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, n + 1))
    workbook_rels = (
        f'{XML_HEAD}<Relationships xmlns="{NS_PKG_REL}">{sheet_rels}'
        f'<Relationship Id="rId{n + 1}" Type="{NS_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{NS_REL}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>')
    titles = "".join(f"<vt:lpstr>{xml_escape(name)}</vt:lpstr>" for name in sheets)
    app = (
        f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>'
        '<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" baseType="variant">'
        '<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant>'
        f'<vt:i4>{n}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>'
        f'<vt:vector size="{n}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
        '<Company>Mikano (benchmark)</Company><LinksUpToDate>false</LinksUpToDate>'
        '<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>'
        '<AppVersion>16.0300</AppVersion></Properties>')
    core = (
        f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Interaction Hub'
        '</dc:title><dc:creator>P&amp;BI</dc:creator><cp:lastModifiedBy>P&amp;BI'
        '</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-06-30T09:00:00Z'
        '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-06-30T09:00:00Z'
        '</dcterms:modified></cp:coreProperties>')
    return {"[Content_Types].xml": content_types, "_rels/.rels": root_rels,
            "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": workbook_rels,
            "docProps/app.xml": app, "docProps/core.xml": core}


STYLES_XML = (
    f'{XML_HEAD}<styleSheet xmlns="{NS_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
    '<family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def write_workbook(path: Path, plans: list[SheetPlan]) -> None:
    """Write one xlsx at ``path`` from ``plans``; the file appears only when complete."""
    temporary = path.with_name(f".{path.name}.partial")
    sst = SharedStrings()
    writer = ZipPartWriter(temporary)
    try:
        parts = _package_parts([plan.name for plan in plans])
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels"):
            writer.write_text(name, parts[name])
        for k, plan in enumerate(plans, start=1):
            sheet = SheetWriter(HEADERS[plan.name], plan.styles, sst)
            big = plan.n_rows * 400 > 1.8 * 1024 ** 3
            writer.write_stream(f"xl/worksheets/sheet{k}.xml",
                                sheet.chunks(plan.rows(), plan.n_rows, plan.widths, k == 1), big)
        writer.write_text("xl/styles.xml", STYLES_XML)
        writer.write_stream("xl/sharedStrings.xml", sst.xml_chunks())
        writer.write_text("docProps/core.xml", parts["docProps/core.xml"])
        writer.write_text("docProps/app.xml", parts["docProps/app.xml"])
    finally:
        writer.close()
    temporary.replace(path)


def sheet_plans(world: World, division: int | None = None) -> list[SheetPlan]:
    """The five sheets of one workbook: all divisions (None) or one division's share."""
    def keep(values: np.ndarray) -> np.ndarray:
        return np.arange(len(values)) if division is None else np.flatnonzero(values == division)

    acc = keep(world.accounts.division)
    con = keep(world.accounts.division[world.contacts.account])
    staff = keep(world.staff.division)
    inter = keep(world.interactions.division)
    return [
        SheetPlan("Accounts", [0] * 9, [12, 36, 16, 14, 18, 44, 18, 16, 20], len(acc),
                  lambda: accounts_rows(world, acc)),
        SheetPlan("Contacts", [0] * 6, [12, 22, 24, 40, 18, 22], len(con),
                  lambda: contacts_rows(world, con)),
        SheetPlan("Interactions",
                  [0, STYLE_DATETIME, 0, 0, 0, 0, 0, 0, 0, STYLE_DATE, 0, 0],
                  [14, 17, 12, 12, 16, 12, 18, 50, 28, 15, 20, 10], len(inter),
                  lambda: interactions_rows(world, inter)),
        SheetPlan("Staff", [0, 0, 0, 0, STYLE_DATE, STYLE_DATE], [22, 16, 28, 16, 12, 12],
                  len(staff), lambda: staff_rows(world, staff)),
        SheetPlan("Lists", [0] * 4, [16, 14, 22, 14], len(INTERACTION_TYPES), lists_rows),
    ]


# ============================================================================ verification
@dataclass
class Expected:
    """What one written workbook must read back as."""

    rows: dict[str, int]          # data rows per sheet (header excluded)
    text_dates: int               # Interactions rows whose Date is text, not a real date


def expected(path: Path, world: World) -> Expected:
    """What ``path`` (the large workbook or one division's) must contain."""
    name = path.stem.removeprefix("Interaction Hub - ")
    division = DIVISIONS.index(name) if name in DIVISIONS else None
    text = world.interactions.text_date
    if division is not None:
        text = text[world.interactions.division == division]
    return Expected({plan.name: plan.n_rows for plan in sheet_plans(world, division)},
                    int(text.sum()))


def verify_fastexcel(path: Path, want: Expected) -> list[str]:
    """Problems reading ``path`` with fastexcel: row counts; every real date a datetime."""
    import fastexcel

    problems = []
    reader = fastexcel.read_excel(str(path))
    for name, rows in want.rows.items():
        dtypes = {"Date": "datetime"} if name == "Interactions" else None
        sheet = reader.load_sheet(name, dtypes=dtypes)
        if sheet.height != rows:
            problems.append(f"fastexcel: {name} has {sheet.height} rows, expected {rows}")
        if name == "Interactions":
            dates = sheet.to_arrow().column("Date")
            real = len(dates) - dates.null_count
            if real != rows - want.text_dates:
                problems.append(f"fastexcel: {real} Interactions dates read as datetimes, "
                                f"expected {rows - want.text_dates}")
    return problems


def verify_openpyxl(path: Path, want: Expected) -> list[str]:
    """Problems reading ``path`` with openpyxl read_only (every row iterated)."""
    import openpyxl

    problems = []
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for name, rows in want.rows.items():
            count, dates = 0, 0
            for row in book[name].iter_rows(min_row=2, values_only=True):
                count += 1
                dates += name == "Interactions" and isinstance(row[1], dt.datetime)
            if count != rows:
                problems.append(f"openpyxl: {name} has {count} rows, expected {rows}")
            if name == "Interactions" and dates != rows - want.text_dates:
                problems.append(f"openpyxl: {dates} Interactions dates read as datetimes, "
                                f"expected {rows - want.text_dates}")
    finally:
        book.close()
    return problems


# ============================================================================ command line
def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--interactions", type=int, default=DEFAULT_INTERACTIONS)
    parser.add_argument("--accounts", type=int, help="default: 2 %% of --interactions (>= 50)")
    parser.add_argument("--contacts", type=int, help="default: 6 %% of --interactions (>= 150)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--note-detail", type=float, default=DEFAULT_NOTE_DETAIL,
                        help="specifics per note after its phrase, 0 to 2 on average "
                             f"(default {DEFAULT_NOTE_DETAIL}; 0 = phrases only)")
    parser.add_argument("--folder-of-five", action="store_true",
                        help="write five division workbooks instead of one large workbook")
    parser.add_argument("--verify", action="store_true",
                        help="read every written workbook back with fastexcel and openpyxl")
    return parser.parse_args(argv)


def generate(out: Path, interactions: int, seed: int = 1, accounts: int | None = None,
             contacts: int | None = None, folder_of_five: bool = False,
             note_detail: float = DEFAULT_NOTE_DETAIL) -> tuple[list[Path], World]:
    """Write the workbook(s) into ``out``; returns their paths and the world they hold."""
    accounts = accounts or max(50, round(interactions * ACCOUNTS_PER_INTERACTION))
    contacts = contacts or max(150, round(interactions * CONTACTS_PER_INTERACTION))
    out.mkdir(parents=True, exist_ok=True)
    world = make_world(seed, interactions, accounts, contacts, note_detail)
    if not folder_of_five:
        path = out / LARGE_NAME
        write_workbook(path, sheet_plans(world))
        return [path], world
    paths = []
    for d, name in enumerate(DIVISIONS):
        path = out / f"Interaction Hub - {name}.xlsx"
        write_workbook(path, sheet_plans(world, d))
        paths.append(path)
    return paths, world


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    started = time.perf_counter()
    paths, world = generate(args.out, args.interactions, args.seed, args.accounts, args.contacts,
                            args.folder_of_five, args.note_detail)
    seconds = time.perf_counter() - started
    for path in paths:
        size = path.stat().st_size
        print(f"{path}: {size / 1e6:,.1f} MB ({size:,} bytes)")
    print(f"{args.interactions:,} interactions, {len(world.accounts.company):,} accounts, "
          f"{len(world.contacts.name):,} contacts, {len(world.staff.name)} staff; "
          f"written in {seconds:,.1f} s")
    if not args.verify:
        return 0
    problems = []
    for path in paths:
        want = expected(path, world)
        for check in (verify_fastexcel, verify_openpyxl):
            t = time.perf_counter()
            found = check(path, want)
            print(f"{check.__name__} {path.name}: {'ok' if not found else found} "
                  f"({time.perf_counter() - t:,.1f} s)")
            problems += found
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
