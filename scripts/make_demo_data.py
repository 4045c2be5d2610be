#!/usr/bin/env python3
"""Regenerate the shipped demo data folder (``hub_data/demo/``) deterministically.

Usage::

    python scripts/make_demo_data.py [--out DIR] [--seed N]

The demo is a year in the life of a Nigerian group with five divisions (Motors,
Power, Medical, GRAS Restaurant, Cube 65 Clinic), pinned to the date ``AS_OF``.
It writes, into the output folder:

* one Interaction Hub workbook per division (Medical's Interactions sheet is the
  Microsoft Forms response table), with the staggered pilot, the adoption curve
  and realistic data-entry mess of shared/spec/demo-data.md;
* ``erp/``: an SAP Business One style export (customers, A/R invoices, quotations)
  plus ``mapping.toml`` mapping its headers onto the contract's;
* ``reviews.csv``, ``survey.csv``, ``settings.toml``, ``store_seed/*.csv`` and a README.

Everything comes from one ``random.Random(seed)`` and the ``AS_OF`` constant, so two
runs with the same seed give byte-identical files.  Only the standard library and
xlsxwriter are used.  The layout follows shared/spec/hub-data-contract.md and the
journeys are shaped so that every KPI of shared/spec/metrics.md has data.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

T = TypeVar("T")

# --------------------------------------------------------------------------- dates
AS_OF = date(2026, 7, 15)                 # a Wednesday; nothing observed is dated later
NOW = datetime(2026, 7, 15, 17, 45)       # the demo's "now": no interaction after this
LOG_LIMIT = datetime(2026, 7, 15, 18, 30)  # latest Forms completion / file modification
ERP_START = date(2025, 4, 1)              # ERP history (>= 13 months before AS_OF)
CLIENTELE_START = date(2024, 10, 1)       # restaurant/clinic customers arrive from here on
FILE_STAMP = datetime(2026, 7, 15, 18, 0)  # xlsx document properties (reproducible)
DEFAULT_SEED = 20260715
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "hub_data" / "demo"

OFFICE_HOURS = ((8, 0.6), (9, 1.0), (10, 1.2), (11, 1.2), (12, 1.0), (13, 0.45),
                (14, 0.9), (15, 1.0), (16, 0.9), (17, 0.5))
RESTAURANT_HOURS = ((10, 0.5), (11, 0.9), (12, 1.2), (13, 1.0), (14, 0.8), (15, 0.6),
                    (16, 0.6), (17, 0.9), (18, 1.1), (19, 1.0))


@dataclass(frozen=True)
class DivisionSpec:
    """One division: ERP code, Interaction ID prefix, pilot start and rhythm."""

    name: str
    code: str                      # SAP U_Division
    prefix: str                    # Interaction ID prefix (INT-<prefix>-000001)
    pilot_start: date              # Monday of the first logged week
    declared: bool                 # written to settings.toml (else: first interaction)
    adoption: tuple[float, ...]    # share of customer-facing staff logging, per pilot week
    saturday: float                # Saturday activity relative to a weekday
    hours: tuple[tuple[int, float], ...]

    @property
    def workbook(self) -> str:
        return f"Interaction Hub - {self.name}.xlsx"


MOTORS = DivisionSpec("Motors", "MOT", "M", date(2026, 3, 2), True,
                      (0.45, 0.55, 0.6, 0.67, 0.72, 0.76, 0.8, 0.85, 0.84, 0.88, 0.85,
                       0.9, 0.85, 0.88, 0.9, 0.86, 0.9, 0.88, 0.9, 0.9), 0.35, OFFICE_HOURS)
POWER = DivisionSpec("Power", "PWR", "P", date(2026, 5, 4), True,
                     (0.33, 0.45, 0.5, 0.55, 0.6, 0.5, 0.6, 0.7, 0.6, 0.65, 0.6),
                     0.3, OFFICE_HOURS)
MEDICAL = DivisionSpec("Medical", "MED", "MD", date(2026, 6, 1), True,
                       (0.57, 0.71, 0.86, 0.71, 0.86, 0.86, 0.86), 0.3, OFFICE_HOURS)
GRAS = DivisionSpec("GRAS Restaurant", "GRAS", "GR", date(2026, 6, 22), False,
                    (0.56, 0.67, 0.78, 0.78), 0.9, RESTAURANT_HOURS)
CUBE = DivisionSpec("Cube 65 Clinic", "C65", "C65", date(2026, 6, 22), False,
                    (0.5, 0.63, 0.75, 0.75), 0.6, OFFICE_HOURS)
DIVISIONS = (MOTORS, POWER, MEDICAL, GRAS, CUBE)
BY_NAME = {d.name: d for d in DIVISIONS}

# --------------------------------------------------------------------------- journeys
# Shares of the decisions that shape the KPIs. Each is dealt from a shuffled deck (see
# Deck) so that any few weeks of data show about these shares, not a lucky streak.
DECKS: dict[str, dict[object, int]] = {
    "motors_reply": {"fast": 19, "slow": 5, "none": 1},        # answered <= 12 h / later / never
    "motors_first": {"Follow-up": 13, "Test Drive": 2, "Quote": 5},
    "motors_quote": {True: 6, False: 5},                        # a quote after the first reply
    "motors_outcome": {"W": 9, "L": 7, "O": 4},                 # ERP quote: won / lost / open
    "service_fixed": {True: 17, False: 3},                      # first-contact resolution
    "complaint_fixed": {True: 7, False: 3},
    "power_reply": {(0.3, 3.0): 7, (3.0, 6.0): 7, (6.0, 10.0): 4, (16.0, 30.0): 2},  # hours
    "power_site_visit": {True: 11, False: 9},
    "flag_on_spot": {True: 7, False: 13},                       # Quality Flag resolved on the row
}

# --------------------------------------------------------------------------- lists
LIST_DIVISIONS = [d.name for d in DIVISIONS]
LIST_CHANNELS = ["Phone", "WhatsApp", "Meeting", "Email", "Walk-in", "Social Media",
                 "Website", "Other"]
LIST_TYPES = ["Inquiry", "Follow-up", "Quote", "Test Drive", "Purchase", "Delivery",
              "Service Request", "Complaint", "Lead", "Qualification Call", "Site Visit",
              "Proposal", "Negotiation", "Contract Signed", "Maintenance Visit",
              "Distributor Prospect", "Distributor Signed", "Order", "Quality Flag",
              "Quality Resolved", "Business Review", "Feedback"]
LIST_ACCOUNT_TYPES = ["Customer", "Prospect", "Distributor", "Partner"]
CLOSING_WORDS = (("No further action", 0.6), ("None", 0.2), ("N/A", 0.2))

ACCOUNT_COLUMNS = ["Account ID", "Company Name", "Division", "Account Type", "Industry",
                   "Address", "Main Phone Number", "ERP Customer ID", "Account Owner"]
CONTACT_COLUMNS = ["Contact ID", "Full Name", "Job Title", "Email", "Mobile Number",
                   "Associated Account ID"]
INTERACTION_COLUMNS = ["Interaction ID", "Date", "Contact ID", "Account ID", "Division",
                       "Channel", "Interaction Type", "Notes", "Next Action",
                       "Action Due Date", "Logged By", "Resolved"]
FORMS_COLUMNS = ["Id", "Start time", "Completion time", "Email", "Name", "Contact ID",
                 "Account ID", "Division", "Channel", "Interaction Type", "Date", "Notes",
                 "Next Action", "Action Due Date", "Resolved"]
STAFF_COLUMNS = ["Name", "Division", "Role", "Customer Facing", "Start Date", "Leave Date"]

# --------------------------------------------------------------------------- people
# (name, role, customer facing, start date, leave date, never logs)
Roster = tuple[str, str, bool, date | None, date | None, bool]
ROSTERS: dict[str, list[Roster]] = {
    "Motors": [
        ("Adebayo Okonkwo", "Senior Sales Executive", True, None, None, False),
        ("Chinedu Okafor", "Sales Executive", True, None, None, False),
        ("Musa Abdullahi", "Fleet Sales Manager", True, None, None, False),
        ("Chiamaka Eze", "Sales Executive", True, None, None, False),
        ("Olumide Bankole", "Senior Sales Executive", True, None, None, True),
        ("Ngozi Obi", "Service Advisor", True, None, None, False),
        ("Ibrahim Sani", "Service Advisor", True, None, None, False),
        ("Yetunde Balogun", "Customer Care Officer", True, None, None, False),
        ("Kelechi Nwosu", "Sales Executive", True, None, date(2026, 5, 29), False),
        ("Femi Adeleke", "Aftersales Manager", True, None, None, False),
        ("Zhang Lei", "Technical Sales Advisor", True, None, None, False),
        ("Temitope Ajayi", "Sales Executive", True, date(2026, 4, 13), None, False),
        ("Emeka Okeke", "Sales Executive", True, None, date(2025, 11, 28), False),
        ("Bukola Ogundipe", "Sales Coordinator (Data Steward)", False, None, None, False),
        ("Hauwa Garba", "Sales Administrator", False, None, None, False),
        ("Segun Olawale", "Finance Officer", False, None, None, False),
    ],
    "Power": [
        ("Babatunde Adeyemi", "Business Development Manager", True, None, None, False),
        ("Aliyu Danjuma", "Sales Engineer", True, None, None, False),
        ("Oghenekaro Ovie", "Sales Engineer", True, None, None, False),
        ("Nkechi Okoro", "Key Account Manager", True, None, None, False),
        ("Kayode Afolabi", "Project Sales Engineer", True, None, None, False),
        ("Rami Khoury", "Head of Projects", True, None, None, False),
        ("Hadiza Lawal", "Sales Engineer", True, None, None, False),
        ("Uchenna Ibe", "Service Engineer", True, None, None, False),
        ("Efosa Osagie", "Maintenance Coordinator", True, None, None, False),
        ("Tamuno Briggs", "Sales Engineer", True, date(2026, 6, 1), None, False),
        ("Gbenga Oyebanji", "Sales Engineer", True, None, date(2025, 9, 30), False),
        ("Ejiro Omonigho", "Sales Coordinator (Data Steward)", False, None, None, False),
        ("Zainab Yakubu", "Sales Administrator", False, None, None, False),
        ("Wale Akande", "Finance Officer", False, None, None, False),
    ],
    "Medical": [
        ("Aisha Bello", "Distributor Manager", True, None, None, False),
        ("Obinna Nwankwo", "Regional Sales Manager (East)", True, None, None, False),
        ("Folake Adesina", "Key Account Manager", True, None, None, False),
        ("Yusuf Tanko", "Sales Representative (North)", True, None, None, False),
        ("Ekaette Bassey", "Medical Sales Representative", True, None, None, False),
        ("Ikenna Uzor", "Quality & Regulatory Officer", True, None, None, False),
        ("Sanjay Pillai", "Product Specialist", True, None, None, False),
        ("Doosuur Iyorchia", "Admin Officer (Data Steward)", False, None, None, False),
        ("Kabiru Shehu", "Sales Administrator", False, None, None, False),
    ],
    "GRAS Restaurant": [
        ("Funmilayo Ogunleye", "Restaurant Manager", True, None, None, False),
        ("Ebuka Anyanwu", "Guest Relations Officer", True, None, None, False),
        ("Halima Suleiman", "Events Coordinator", True, None, None, False),
        ("Damilola Oladipo", "Head Waiter", True, None, None, False),
        ("Imoh Edet", "Reservations Officer", True, None, None, False),
        ("Chioma Ogbonna", "Guest Relations Officer", True, None, None, False),
        ("Karim Haddad", "Executive Chef", True, None, None, False),
        ("Jumoke Akinola", "Floor Supervisor", True, None, None, False),
        ("Nnamdi Ezeh", "Events Sales Executive", True, None, None, False),
        ("Mfon Ekpo", "Admin Officer (Data Steward)", False, None, None, False),
        ("Usman Idris", "Accountant", False, None, None, False),
    ],
    "Cube 65 Clinic": [
        ("Ifeoma Chukwu", "Front Desk Lead", True, None, None, False),
        ("Adeola Salami", "Front Desk Officer", True, None, None, False),
        ("Amina Jibril", "Nurse Coordinator", True, None, None, False),
        ("Terhemba Tor", "Patient Relations Officer", True, None, None, False),
        ("Ogechi Umeh", "Corporate Health Plans Manager", True, None, None, False),
        ("Oluwaseun Adewale", "Medical Officer", True, None, None, False),
        ("Nafisa Aminu", "Nurse", True, None, None, False),
        ("Ita Etim", "Front Desk Officer", True, None, None, False),
        ("Remi Omotosho", "Clinic Administrator (Data Steward)", False, None, None, False),
        ("Chibuzor Onwuka", "Billing Officer", False, None, None, False),
    ],
}
# The roster name, a variant that normalises to it (warning) and one that does not.
NAME_VARIANTS = {
    "Motors": ("Chinedu Okafor", "Chinedu  okafor", "Chinedu Okafur"),
    "Power": ("Babatunde Adeyemi", "babatunde adeyemi", "Tunde Adeyemi"),
    "Medical": ("Aisha Bello", "AISHA BELLO", "Aisha Bello-Umar"),
    "GRAS Restaurant": ("Funmilayo Ogunleye", "Funmilayo  Ogunleye", "Funmi Ogunleye"),
    "Cube 65 Clinic": ("Ifeoma Chukwu", "ifeoma chukwu", "Ifeoma Chukwuh"),
}

FIRST_NAMES = (
    "Adebayo Tunde Olumide Funmilayo Yetunde Adeola Folake Kehinde Taiwo Segun Femi Bisi "
    "Damilola Temitope Oluwaseun Kayode Wale Bukola Titilayo Abiodun Gbenga Remi Tolulope "
    "Morenike Ayodele Jumoke Ibukun Chinedu Chiamaka Ngozi Emeka Ifeoma Obinna Nkechi "
    "Uchenna Adaeze Ikenna Chidinma Kelechi Nnamdi Amaka Chioma Ebuka Onyeka Ifeanyi Somto "
    "Ogechi Chibuzor Ugochi Musa Ibrahim Aisha Abubakar Fatima Usman Zainab Sani Hauwa "
    "Yusuf Amina Halima Aliyu Hadiza Suleiman Maryam Kabiru Nafisa Umar Osaze Ese Efosa "
    "Eki Ita Ekaette Imoh Ebiere Tamuno Terhemba Doosuur Oghenekaro Ejiro Mfon Tobi "
    "Bolanle Kemi Dapo Lanre Nneka Chika Obiageli Tochukwu Habiba Idris Rukayat").split()
SURNAMES = (
    "Adeyemi Ogunleye Adebayo Olawale Adeleke Ogundipe Akinola Oyelaran Balogun Oladipo "
    "Ajayi Odukoya Adesina Oyebanji Afolabi Olaniyan Ogunbiyi Akande Salami Adewale "
    "Ayodeji Omotosho Okonkwo Eze Obi Okafor Nwosu Chukwu Okeke Nwankwo Okoro Onyekachi "
    "Ibe Nwachukwu Uzor Anyanwu Ezeh Obiora Nnaji Agu Umeh Ogbonna Onwuka Abdullahi Sani "
    "Bello Mohammed Danjuma Garba Lawal Yakubu Suleiman Aminu Umar Shehu Idris Tanko "
    "Ahmed Jibril Usman Osagie Igbinedion Edet Bassey Okon Etim Ekpo Briggs Amachree "
    "Iyorchia Ovie Omonigho Akpan Efiong Ikpeme Adegoke Oyewole Nwafor Mbah Ugwu Yusuf").split()
EXPAT_NAMES = ["Vikram Shenoy", "Rajesh Menon", "Li Na", "Rami Saad", "Marc Aoun",
               "Sophie Laurent", "Priya Nair"]
NAME_BLOCKLIST = {"Tunde Bakare", "Ngozi Okonjo"}   # real public figures

# --------------------------------------------------------------------------- places
CITIES: dict[str, list[str]] = {
    "Lagos": ["Adeola Odeku Street, Victoria Island", "Awolowo Road, Ikoyi",
              "Allen Avenue, Ikeja", "Admiralty Way, Lekki Phase 1",
              "Kudirat Abiola Way, Oregun", "Creek Road, Apapa", "Ago Palace Way, Okota",
              "Isheri Road, Ojodu", "Herbert Macaulay Way, Yaba", "Oba Akran Avenue, Ikeja"],
    "Abuja": ["Aminu Kano Crescent, Wuse II", "Ahmadu Bello Way, Garki",
              "Gimbiya Street, Area 11, Garki", "Adetokunbo Ademola Crescent, Wuse II",
              "Ebitu Ukiwe Street, Jabi"],
    "Port Harcourt": ["Aba Road, Rumuola", "Trans-Amadi Industrial Layout",
                      "Olu Obasanjo Road", "Stadium Road, Rumuomasi"],
    "Kano": ["Murtala Mohammed Way", "Bompai Road, Nassarawa", "Zoo Road",
             "Sharada Industrial Estate"],
    "Ibadan": ["Ring Road", "Bodija Estate", "Iwo Road", "Oluyole Industrial Estate"],
    "Enugu": ["Ogui Road", "Independence Layout", "Okpara Avenue", "Emene Industrial Layout"],
    "Ota": ["Idiroko Road", "Sango-Ota Industrial Estate"],
}
CITY_WEIGHTS = {"Lagos": 0.5, "Abuja": 0.17, "Port Harcourt": 0.1, "Kano": 0.07,
                "Ibadan": 0.07, "Enugu": 0.06, "Ota": 0.03}
LANDLINE = {"Lagos": "01", "Abuja": "09", "Port Harcourt": "084", "Kano": "064",
            "Ibadan": "02", "Enugu": "042", "Ota": "039"}
MOBILE_PREFIXES = ["0803", "0806", "0813", "0816", "0703", "0706", "0805", "0807", "0815",
                   "0811", "0705", "0802", "0808", "0812", "0708", "0809", "0817", "0818",
                   "0909", "0908"]
BRAND_WORDS = (
    "Bluecrest Oakridge Primeview Goldspring Harmattan Lagoon Crestwood Palmgrove Riverside "
    "Unity Heritage Kingsway Sunrise Evergreen Ashford Savannah Arewa Cedarpoint Ebony "
    "Tamarind Baobab Kola Mangrove Zuma Olumo Idanre Obudu Yankari Benue Kainji Tropicana "
    "Crownfield Brightway Northgate Seaview Landmark Pinnacle Horizon Summit Emerald "
    "Fountain Citadel Rockview Greenfield Starlite Silverline Harbour Mainland Eastgate "
    "Westbridge Coastal Delta Niger Okpara Oduduwa Crescent Zenith Apex Meridian Trident "
    "Keystone Bridgeway Goldcoast Oasis Royalton Peaceville Victory Liberty").split()
# industry -> (name patterns, job titles); {w} = brand word, {s} = surname
INDUSTRIES: dict[str, tuple[list[str], list[str]]] = {
    "Logistics": (["{w} Logistics Nigeria Ltd", "{s} Haulage & Sons Ltd",
                   "{w} Freight Services Ltd"],
                  ["Fleet Manager", "Transport Manager", "Procurement Officer",
                   "Managing Director"]),
    "Oil & Gas": (["{w} Petroleum Services Ltd", "{w} Energy Nigeria Ltd",
                   "{w} Oilfield Services Ltd"],
                  ["Logistics Manager", "Procurement Manager", "Facility Manager"]),
    "Hospitality": (["{w} Hotel & Suites Ltd", "{w} Resort Ltd", "{w} Lodge & Suites"],
                    ["General Manager", "Facility Manager", "Chief Engineer",
                     "Events Coordinator", "Procurement Manager"]),
    "Healthcare": (["{w} Specialist Hospital", "{w} Hospital Ltd", "{w} Medical Centre",
                    "{w} Diagnostics Ltd"],
                   ["Chief Medical Director", "Hospital Administrator", "Pharmacist",
                    "Head of Procurement", "Facility Manager", "Matron"]),
    "Education": (["{w} International School", "{w} College", "{w} Academy"],
                  ["Bursar", "Principal", "Facility Manager"]),
    "Religious organisation": (["{w} Assembly Church", "Christ {w} Chapel",
                                "{w} Covenant Church"],
                               ["Church Administrator", "Logistics Coordinator"]),
    "Manufacturing": (["{w} Industries Ltd", "{w} Foods Plc", "{w} Packaging Nigeria Ltd",
                       "{w} Plastics Industries Ltd", "{s} & Sons Manufacturing Ltd"],
                      ["Plant Manager", "Maintenance Engineer", "Procurement Manager",
                       "Chief Engineer", "Operations Director"]),
    "Telecoms": (["{w} Towers Nigeria Ltd", "{w} Telecom Infrastructure Ltd"],
                 ["Site Operations Manager", "Energy Manager", "Procurement Lead"]),
    "Banking": (["{w} Microfinance Bank Ltd", "{w} Capital Plc", "{w} Trust Bank Plc"],
                ["Head of Admin", "HR Manager", "Facility Manager", "Events Coordinator"]),
    "Real Estate": (["{w} Gardens Estate Ltd", "{w} Properties Ltd", "{w} Court Estate"],
                    ["Estate Manager", "Facility Manager",
                     "Chairman, Residents' Association"]),
    "Pharmaceutical distribution": (["{w} Pharmaceuticals Ltd", "{w} Medical Supplies Ltd",
                                     "{w} Healthcare Distributors Ltd",
                                     "{s} Pharma & Sons Ltd"],
                                    ["Managing Director", "Sales Manager", "Pharmacist",
                                     "Operations Manager"]),
    "Construction": (["{w} Construction Company Ltd", "{w} Engineering Ltd"],
                     ["Project Manager", "Procurement Officer", "Plant Manager"]),
    "Agriculture": (["{w} Farms Ltd", "{w} Agro Allied Ltd"],
                    ["Farm Manager", "Managing Director"]),
}
GOVERNMENT = ["Lagos State Ministry of Health", "Lagos State Ministry of Transportation",
              "Ogun State Ministry of Agriculture", "Kano State Ministry of Works",
              "Rivers State Ministry of Environment", "Oyo State Ministry of Education",
              "Enugu State Ministry of Health", "FCT Transport Secretariat"]
GOV_TITLES = ["Director of Procurement", "Head, Transport Unit", "Procurement Officer",
              "Director of Administration"]
PROFESSIONS = ["Business Owner", "Lawyer", "Doctor", "Engineer", "Civil Servant",
               "Entrepreneur", "Banker", "Architect", "Pharmacist", "Lecturer", ""]

# --------------------------------------------------------------------------- goods
# (model, unit price range in naira)
VEHICLES = [("Geely Emgrand", 19e6, 24e6), ("Geely Coolray", 28e6, 34e6),
            ("Geely Okavango", 38e6, 45e6), ("Changan CS35 Plus", 26e6, 31e6),
            ("Changan Hunter pickup", 33e6, 40e6), ("Toyota Hilux", 45e6, 58e6),
            ("Toyota Hiace bus", 55e6, 68e6), ("Toyota Coaster bus", 82e6, 95e6)]
SERVICES = ["10,000 km service", "30,000 km service", "brake pads replacement",
            "AC repair", "gearbox check", "wheel alignment", "warranty repair",
            "body work after a minor accident", "battery replacement", "suspension repair"]
FAULTS = ["AC blowing warm air", "a rattling noise", "check-engine light",
          "a weak battery", "brake squeal", "gear slipping"]
KVA = [20, 40, 60, 100, 150, 200, 250, 300, 500, 650, 800, 1000, 1250, 1500, 2000]
SITES = ["head office", "main building", "warehouse", "branch office"]
SITES_BY_INDUSTRY = {
    "Hospitality": ["new hotel wing", "main hotel building", "laundry block"],
    "Healthcare": ["theatre block", "main hospital building", "ICU wing"],
    "Telecoms": ["BTS site IKJ-014", "BTS site ABJ-221", "switching centre"],
    "Manufacturing": ["Ota plant", "Agbara factory", "Sharada plant"],
    "Real Estate": ["Lekki estate", "estate clubhouse", "pump house"],
    "Banking": ["head office", "data centre", "Ikeja branch"],
    "Education": ["hostel block", "admin block", "science labs"],
    "Oil & Gas": ["Onne base", "Trans-Amadi yard"],
    "Religious organisation": ["main auditorium", "mission house"],
    "Agriculture": ["cold room", "feed mill"],
    "Government": ["secretariat complex", "state hospital annex"],
    "Construction": ["batching plant", "site office"],
    "Logistics": ["Apapa warehouse", "Kano depot"],
}
PRODUCTS = ["2 ml syringes", "5 ml syringes", "10 ml syringes", "insulin syringes",
            "0.5 ml auto-disable syringes", "safety syringes"]
REGIONS = ["Lagos West", "Lagos Island", "South-East", "South-South", "North-West",
           "North-Central", "Oyo/Osun", "FCT"]
DISHES = ["jollof rice", "pepper soup", "grilled croaker fish", "asun", "suya platter",
          "ofada rice", "egusi soup with pounded yam", "chapman", "seafood okra",
          "catfish pepper soup", "small chops"]
CLINIC_SERVICES = ["general consultation", "annual health check", "lab tests",
                   "dental check-up", "physiotherapy session", "antenatal visit",
                   "eye test", "vaccination"]

# --------------------------------------------------------------------------- texts
# Notes per division and interaction type; {slots} are filled per journey.
NOTES: dict[str, dict[str, list[str]]] = {
    "Motors": {
        "Inquiry": ["Asked for {model} price list, wants {units} unit(s)",
                    "Enquired about {model} availability and colours",
                    "Wants trade-in value for old Corolla against a new {model}",
                    "Fleet manager asked for {units} x {model} for staff transport",
                    "Saw Instagram promo for {model}; asked about the 6-year warranty",
                    "Asked about financing options for {model}",
                    "Requested brochure and delivery timeline for {model}"],
        "Follow-up": ["Sent {model} price list on WhatsApp; customer reviewing",
                      "Called back: budget around {amount}, wants a test drive",
                      "Shared spec sheet and warranty terms for {model}",
                      "Customer comparing with a competitor quote; explained service package",
                      "Awaiting board approval for the {model} purchase",
                      "Checked in on the quote, customer to revert next week"],
        "Test Drive": ["Test drive {model} at Ikeja showroom, liked the ride",
                       "Test drive done with checklist; asked about fuel economy",
                       "Test drive at customer site, staff drove the {model}"],
        "Quote": ["Quote sent for {units} x {model}, {amount}",
                  "Formal quote issued: {model} with 3 free services, {amount}",
                  "Revised quote after fleet discount: {amount}"],
        "Purchase": ["Payment confirmed for {units} x {model} ({amount})",
                     "Invoice paid for {model}; booking delivery",
                     "Paid deposit on {model}, balance on delivery"],
        "Delivery": ["Delivered {units} x {model}; delivery checklist signed; first service booked",
                     "{model} handed over at showroom; first service reminder set"],
        "Service Request": ["{service} for {model}, reg {plate}",
                            "Customer reports {fault} on {model}",
                            "Booked {service}; quote approved before work started"],
        "Complaint": ["Complained about delay on {service}",
                      "Unhappy that final bill was above the approved quote",
                      "Vehicle returned with the same {fault}",
                      "Waited 3 hours at the service centre for {service}"],
        "Lost": ["Customer went with a competitor on price",
                 "Purchase postponed to next year's budget",
                 "Bought elsewhere; keep in touch for service"],
        "Resolution": ["Part arrived; {service} completed, customer satisfied",
                       "Called customer: issue fixed, goodwill discount given"],
    },
    "Power": {
        "Lead": ["Inbound call: needs {kva} kVA genset for {site}",
                 "Website form: diesel costs too high, asking about a gas generator",
                 "Referral from an existing client; {kva} kVA standby for {site}",
                 "Email RFQ for {kva} kVA with synchronisation panel",
                 "Met at trade fair; planning power for {site}"],
        "Qualification Call": ["Qualification checklist done: load about {load} kW, 14 h/day",
                               "Confirmed budget window and decision maker for {site}",
                               "Discussed grid/diesel hybrid and maintenance needs",
                               "Asked for last 3 months' diesel bills for sizing"],
        "Site Visit": ["Genset {kva} kVA site survey at {site}",
                       "Site survey at {site}: {kva} kVA, space for canopy OK",
                       "Checked ATS and cabling route at {site}"],
        "Proposal": ["Proposal sent: {kva} kVA + installation, {amount}",
                     "Submitted technical & commercial proposal, {amount}"],
        "Negotiation": ["Client asked for 7% discount; offered free first-year maintenance",
                        "Negotiating payment terms: 60/40",
                        "Competitor quote lower by {pct}%; defended on after-sales",
                        "Revised delivery to 8 weeks for {kva} kVA set"],
        "Contract Signed": ["Contract signed for {kva} kVA, {amount}; handover to projects",
                            "PO received: {amount}; first maintenance visit booked at handover"],
        "Maintenance Visit": ["Routine 250-hour service on {kva} kVA set at {site}",
                              "Replaced filters and coolant; load test OK",
                              "Emergency call-out: AVR fault fixed at {site}",
                              "Quarterly maintenance visit at {site}"],
        "Follow-up": ["Chased decision on proposal", "Client reviewing proposal with board",
                      "Sent revised single-line drawings", "Shared fuel-saving estimate"],
        "Lost": ["Client chose a cheaper competitor set", "Project shelved for this year"],
    },
    "Medical": {
        "Distributor Prospect": ["Met the MD; covers {n} hospitals in {region}",
                                 "Potential distributor for {region}; asked for price list",
                                 "Shared onboarding kit; credit terms under discussion"],
        "Distributor Signed": ["Distribution agreement signed for {region}; onboarding kit handed over",
                               "Signed as distributor for {region}; first order expected"],
        "Order": ["Order {cartons} cartons {product}, {amount}",
                  "Repeat order: {cartons} cartons {product}; delivery Friday"],
        "Quality Flag": ["Hospital reported leaking plungers, batch {batch}",
                         "Needle detachment complaint via distributor, batch {batch}",
                         "{cartons} cartons damaged in transit",
                         "Wrong labelling on {product}, batch {batch}"],
        "Quality Resolved": ["Replacement stock delivered for batch {batch}; hospital confirmed",
                             "QA investigation closed: storage issue at distributor",
                             "Credit note issued for damaged cartons"],
        "Business Review": ["Quarterly review: volume up {pct}%, target {cartons} cartons next quarter",
                            "Reviewed stock levels and payment history; promo agreed for {region}"],
        "Inquiry": ["Pharmacist asked about {product} availability",
                    "Hospital asked for {product} samples",
                    "Procurement asked which distributor covers {region}"],
        "Follow-up": ["Sent {product} samples to pharmacy",
                      "Connected hospital to our distributor in {region}",
                      "Followed up on payment of last invoice"],
        "Lead": ["Facility manager complained about genset downtime; wants a maintenance contract"],
    },
    "GRAS Restaurant": {
        "Inquiry": ["Table for {guests} on {weekday} at {clock}",
                    "Reservation request: birthday dinner for {guests}",
                    "Asked if we host a corporate lunch for {guests} staff",
                    "Event inquiry: end-of-year party for {guests} guests",
                    "Asked about the Sunday brunch menu"],
        "Follow-up": ["Confirmed reservation by WhatsApp", "Sent event menu options and deposit details",
                      "Called to thank guest for the visit", "Reminder sent the day before the booking"],
        "Feedback": ["Loved the {dish}; asked for the recipe", "Praised service from the floor team",
                     "Said the {dish} portion was small", "Enjoyed the live band on Friday",
                     "Suggested more vegetarian options", "Table {table}: happy with {dish}"],
        "Complaint": ["Food took 45 minutes to arrive", "Overcharged: {dish} billed twice",
                      "Air conditioning not working in the private room", "{dish} was served cold"],
        "Resolution": ["Apologised and refunded the extra charge", "Manager called guest; voucher sent"],
    },
    "Cube 65 Clinic": {
        "Inquiry": ["Booked {clinic} appointment for {weekday}",
                    "Asked about a corporate health plan for {guests} staff",
                    "Asked if the clinic accepts her HMO card",
                    "Asked for {clinic} price list"],
        "Follow-up": ["Post-visit call: patient feeling better", "Reminded patient to pick up lab results",
                      "Sent annual check-up schedule to HR", "Confirmed appointment by WhatsApp"],
        "Feedback": ["Happy with the short waiting time", "Praised the doctor's explanation",
                     "Said the pharmacy queue was long", "Liked the new online booking"],
        "Complaint": ["Waited over 1 hour for consultation", "Lab result delayed by 2 days",
                      "Billing error on HMO claim", "Could not reach the front desk by phone"],
        "Resolution": ["Apologised; results sent by e-mail", "Billing corrected and patient informed"],
    },
}
# What the previous row's Next Action says when the next step is of this kind.
ACTIONS: dict[str, list[str]] = {
    "Reply": ["Call back within 12 hours", "Reply on WhatsApp today", "Send price list on WhatsApp"],
    "Follow-up": ["Send price list on WhatsApp", "Call back Thursday", "Follow up on budget approval",
                  "Check the quote was received", "Call back Monday"],
    "Test Drive": ["Book test drive", "Confirm test drive slot"],
    "Quote": ["Send quote", "Prepare fleet quote", "Send revised quote"],
    "Purchase": ["Follow up on payment", "Send proforma invoice"],
    "Delivery": ["Schedule delivery", "Prepare delivery checklist"],
    "Service Request": ["Book service appointment", "Order parts"],
    "Complaint": ["Escalate to aftersales manager"],
    "Resolution": ["Call customer to confirm fix", "Update customer on part arrival"],
    "Lost": ["Chase decision", "Call back to check status"],
    "Qualification Call": ["Call to qualify lead", "Pass to sales engineer"],
    "Site Visit": ["Book site survey", "Confirm site visit date"],
    "Proposal": ["Prepare proposal", "Send technical proposal"],
    "Negotiation": ["Chase decision on proposal", "Review discount request with Head of Projects"],
    "Contract Signed": ["Send contract for signature", "Collect PO"],
    "Maintenance Visit": ["Schedule next maintenance visit", "Send service report"],
    "Distributor Prospect": ["Send onboarding kit"],
    "Distributor Signed": ["Send agreement for signature", "Agree credit terms"],
    "Order": ["Confirm next order", "Check stock at distributor"],
    "Quality Flag": ["Log batch number with QA"],
    "Quality Resolved": ["QA to investigate batch", "Arrange replacement stock"],
    "Business Review": ["Book quarterly review"],
    "Inquiry": ["Call back"],
    "Feedback": ["Call guest back", "Share feedback with kitchen team"],
}
# Division-specific wording of the same steps (falls back to ACTIONS).
DIVISION_ACTIONS: dict[str, dict[str, list[str]]] = {
    "Power": {"Follow-up": ["Chase decision on proposal", "Call client Monday", "Send revised drawings"],
              "Lost": ["Chase decision on proposal", "Call to confirm the board's decision"]},
    "Medical": {"Follow-up": ["Send samples", "Connect hospital to distributor", "Call pharmacist back",
                              "Chase payment of last invoice"],
                "Lost": ["Call back to check status"]},
    "GRAS Restaurant": {"Follow-up": ["Confirm reservation on WhatsApp", "Call guest back",
                                      "Send event menu and deposit details", "Send reminder the day before"],
                        "Resolution": ["Manager to call guest", "Send apology voucher"],
                        "Complaint": ["Manager to call guest"], "Inquiry": ["Call guest back"]},
    "Cube 65 Clinic": {"Follow-up": ["Post-visit check call", "Remind patient about lab results",
                                     "Send check-up schedule to HR", "Confirm appointment"],
                       "Resolution": ["Call patient with an update", "Correct the bill"],
                       "Feedback": ["Share feedback with clinic team"],
                       "Complaint": ["Clinic administrator to call patient"],
                       "Inquiry": ["Call patient back"]},
}
DANGLING = ["Call back to check status", "Send update on WhatsApp", "Follow up next week",
            "Visit customer", "Confirm availability"]
SURVEY_COMMENTS = {
    "good": ["Easy once you know the form", "Weekly review is much faster now",
             "I can see who spoke to the customer last", "Good, but the form needs a WhatsApp field",
             "Helps me prove my follow-ups", "", "", "Saves time in the Monday meeting"],
    "mixed": ["Too many fields for a site engineer on the road", "Excel is slow on my laptop",
              "Not sure who reads it", "Useful for leads, not for maintenance",
              "Double work with the ERP", "", "Need training for new staff"],
}


# =========================================================================== model
@dataclass
class Staff:
    """A roster member."""

    name: str
    division: str
    role: str
    facing: bool
    start: date | None          # as written on the Staff sheet (blank = always)
    leave: date | None
    never_logs: bool = False

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.leave is None or self.leave >= day)

    def active_in_week(self, monday: date) -> bool:
        """Active in ISO week (Start Date <= Sunday, Leave Date blank or >= Monday)."""
        sunday = monday + timedelta(days=6)
        return (self.start is None or self.start <= sunday) and (self.leave is None or self.leave >= monday)

    @property
    def email(self) -> str:
        return ascii_slug(self.name, ".") + "@mikano.ng.example"


@dataclass
class Customer:
    """An ERP business partner (SAP OCRD)."""

    code: str
    name: str
    division: str
    created: date | None = None


@dataclass
class Quote:
    """An ERP sales quotation / proposal."""

    day: date
    customer: Customer
    division: str
    slp: str
    amount: float
    outcome: str = "O"
    close: date | None = None
    docnum: int = 0
    blank_division: bool = False


@dataclass
class Sale:
    """An ERP A/R invoice (or credit note when the amount is negative)."""

    day: date
    customer: Customer
    division: str
    slp: str
    amount: float
    quote: Quote | None = None
    docnum: int = 0
    lines: int = 1
    text_amount: bool = False
    blank_division: bool = False


@dataclass
class Contact:
    id: str
    name: str
    title: str
    email: str
    mobile: str
    account_ref: str              # Associated Account ID as written


@dataclass
class Account:
    """A Hub account (one row on an Accounts sheet)."""

    id: str
    name: str
    division: str
    kind: str                     # company, individual, government, distributor, walkin...
    industry: str
    address: str
    phone: str
    domain: str
    owner: str
    type_text: str
    erp: Customer | None = None
    contacts: list[Contact] = field(default_factory=list)
    weight: float = 1.0
    tags: tuple[str, ...] = ()


@dataclass
class Event:
    """One interaction as it happened (before data-entry mess)."""

    dt: datetime
    account: Account
    contact: Contact
    itype: str
    channel: str
    notes: str
    todo: str = ""                # becomes the previous row's Next Action
    resolved: bool | None = None
    handler: Staff | None = None
    division_text: str | None = None
    next_action: str = ""
    due: date | None = None
    logger: Staff | None = None
    fixed_logger: bool = False
    workbook: str = ""            # division whose workbook holds the row
    logged_name: str = ""
    mess: str = ""
    show_account: bool = True


class ErpBook:
    """Collects ERP customers, quotations and invoices; numbers them at the end."""

    def __init__(self) -> None:
        self.customers: list[Customer] = []
        self.quotes: list[Quote] = []
        self.sales: list[Sale] = []
        self._next = {"C": 10001, "GL": 101, "PT": 201}

    def customer(self, rng: random.Random, name: str, division: str, prefix: str = "C",
                 created: date | None = None) -> Customer:
        number = self._next[prefix]
        self._next[prefix] = number + rng.choice((1, 1, 1, 2, 3))
        code = f"C{number}" if prefix == "C" else f"{prefix}{number:05d}"
        cust = Customer(code, name, division, created)
        self.customers.append(cust)
        return cust

    def add_quote(self, quote: Quote) -> Quote:
        self.quotes.append(quote)
        return quote

    def add_sale(self, sale: Sale) -> Sale:
        if sale.day <= AS_OF:
            self.sales.append(sale)
        return sale


# =========================================================================== helpers
class Deck:
    """Deals values in shuffled rounds: every round holds each value ``count`` times."""

    def __init__(self, counts: dict[object, int]) -> None:
        self.counts = counts
        self.hand: list[object] = []

    def deal(self, rng: random.Random) -> object:
        if not self.hand:
            self.hand = [value for value, n in self.counts.items() for _ in range(n)]
            rng.shuffle(self.hand)
        return self.hand.pop()


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters/digits of ``text`` joined by ``sep``."""
    words = ["".join(ch for ch in w.lower() if ch.isascii() and ch.isalnum()) for w in text.split()]
    return sep.join(w for w in words if w)


def pick(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    """Weighted choice from (item, weight) pairs."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, weight in pairs:
        x -= weight
        if x < 0:
            return item
    return pairs[-1][0]


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def workdays(start: date, end: date) -> list[date]:
    """Mondays to Saturdays from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 6]


def off_sunday(day: date) -> date:
    return day + timedelta(days=1) if day.weekday() == 6 else day


def day_weight(spec: DivisionSpec, day: date) -> float:
    return spec.saturday if day.weekday() == 5 else 1.0


def clock(rng: random.Random, day: date, hours: Sequence[tuple[int, float]]) -> datetime:
    hour = pick(rng, hours)
    return datetime.combine(day, time(hour, rng.randrange(60)))


def hours_later(rng: random.Random, t: datetime, lo: float, hi: float) -> datetime:
    """A moment lo..hi hours after t that falls 07:30-20:30 on a Monday-Saturday."""
    for _ in range(30):
        c = t + timedelta(minutes=round(rng.uniform(lo, hi) * 60))
        if c.weekday() < 6 and time(7, 30) <= c.time() <= time(20, 30):
            return c
    day = off_sunday((t + timedelta(hours=lo)).date() + timedelta(days=1))
    return datetime.combine(day, time(8, rng.randrange(15, 59)))


def days_later(rng: random.Random, t: datetime, lo: int, hi: int, spec: DivisionSpec) -> datetime:
    """A working-hours moment lo..hi days after t (never before t)."""
    day = off_sunday(t.date() + timedelta(days=rng.randint(lo, hi)))
    c = clock(rng, day, spec.hours)
    return c if c > t else hours_later(rng, t, 0.5, 3)


def person_name(rng: random.Random, used: set[str], expat: float = 0.0) -> str:
    """A new Nigerian (rarely expatriate) full name not used before."""
    while True:
        if rng.random() < expat:
            name = rng.choice(EXPAT_NAMES)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name not in used and name not in NAME_BLOCKLIST:
            used.add(name)
            return name


def mobile(rng: random.Random) -> str:
    """A Nigerian mobile number in one of the usual local spellings."""
    pre, a, b = rng.choice(MOBILE_PREFIXES), rng.randrange(100, 1000), rng.randrange(1000, 10000)
    style = pick(rng, ((0, 0.35), (1, 0.25), (2, 0.25), (3, 0.15)))
    if style == 0:
        return f"{pre} {a} {b}"
    if style == 1:
        return f"+234 {pre[1:]} {a} {b}"
    if style == 2:
        return f"{pre}{a}{b}"
    return f"{pre}-{a}-{b}"


def bad_phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)} {rng.randrange(10, 100)}"


def naira(amount: float) -> str:
    """Short naira text for notes: 48.5 M, 850k."""
    if amount >= 1e6:
        return f"₦{amount / 1e6:,.1f} M".replace(".0 M", " M")
    return f"₦{amount / 1e3:,.0f}k"


def growth(day: date, rate: float) -> float:
    """Price level relative to ERP_START for a yearly growth ``rate``."""
    return (1 + rate) ** ((day - ERP_START).days / 365.0)


class Slots(dict):
    """Template slots; unknown ones are invented on first use (and then kept)."""

    def __init__(self, rng: random.Random, **known: object) -> None:
        super().__init__(**known)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        makers: dict[str, Callable[[], object]] = {
            "model": lambda: rng.choice(VEHICLES)[0], "units": lambda: rng.choice((1, 1, 2, 3)),
            "service": lambda: rng.choice(SERVICES), "fault": lambda: rng.choice(FAULTS),
            "plate": lambda: f"{rng.choice(['LSD', 'KJA', 'EKY', 'ABJ', 'FST', 'AAA'])}-"
                             f"{rng.randrange(100, 999)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
            "kva": lambda: rng.choice(KVA), "site": lambda: rng.choice(SITES),
            "load": lambda: rng.randrange(30, 900, 10), "pct": lambda: rng.randrange(5, 25),
            "n": lambda: rng.randrange(8, 60), "region": lambda: rng.choice(REGIONS),
            "cartons": lambda: rng.randrange(20, 400, 10), "product": lambda: rng.choice(PRODUCTS),
            "batch": lambda: f"MK{rng.randrange(2500, 2699)}-{rng.randrange(10, 99)}",
            "guests": lambda: rng.choice((2, 4, 6, 8, 12, 20, 35, 60)),
            "weekday": lambda: rng.choice(("Friday", "Saturday", "Sunday", "Thursday")),
            "clock": lambda: rng.choice(("1pm", "7pm", "7:30pm", "8pm", "2pm")),
            "dish": lambda: rng.choice(DISHES), "table": lambda: rng.randrange(1, 30),
            "clinic": lambda: rng.choice(CLINIC_SERVICES), "amount": lambda: naira(rng.uniform(2e6, 9e7)),
        }
        value = makers[key]() if key in makers else key
        self[key] = value
        return str(value)


def note(rng: random.Random, division: str, kind: str, slots: Slots) -> str:
    text = rng.choice(NOTES[division][kind]).format_map(slots)
    return text[0].upper() + text[1:]


# =========================================================================== people & accounts
SHARED_COMPANIES = [  # one ERP customer, one Hub account per division: the cross-sell story
    ("Harbour Crest Hotel & Suites Ltd", "Hospitality", "Lagos", ("Power", "Motors")),
    ("Lagoon Crest Specialist Hospital", "Healthcare", "Lagos", ("Medical", "Power")),
    ("Bluecrest Logistics Nigeria Ltd", "Logistics", "Lagos", ("Motors", "Power")),
    ("Kingsway Trust Bank Plc", "Banking", "Lagos", ("GRAS Restaurant", "Cube 65 Clinic")),
]


@dataclass
class World:
    """Everything generated so far, plus the one random generator."""

    rng: random.Random
    staff: list[Staff]
    book: ErpBook = field(default_factory=ErpBook)
    accounts: list[Account] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)
    used_companies: set[str] = field(default_factory=set)
    shared: dict[str, Customer] = field(default_factory=dict)
    decks: dict[str, Deck] = field(default_factory=dict)
    acc_no: int = 0
    con_no: int = 0

    def deal(self, name: str):
        """The next value of the named deck of DECKS."""
        return self.decks.setdefault(name, Deck(DECKS[name])).deal(self.rng)

    def team(self, division: str, facing: bool = True) -> list[Staff]:
        return [s for s in self.staff if s.division == division and s.facing == facing]

    def accounts_of(self, division: str, *tags: str) -> list[Account]:
        return [a for a in self.accounts if a.division == division
                and all(t in a.tags for t in tags)]

    def seller(self, division: str, day: date, prefer: str = "") -> str:
        """The salesperson on an ERP document: the account owner if active, else a colleague."""
        team = [s for s in self.team(division) if s.active_on(day)]
        if prefer and any(s.name == prefer for s in team) and self.rng.random() < 0.9:
            return prefer
        return self.rng.choice(team).name


def build_staff(rng: random.Random) -> list[Staff]:
    """The rosters of ROSTERS; about half get a hire date on the Staff sheet."""
    staff = []
    for division, rows in ROSTERS.items():
        for name, role, facing, start, leave, never in rows:
            if start is None and rng.random() < 0.55:
                start = date(rng.randint(2014, 2024), rng.randint(1, 12), rng.randint(1, 28))
            staff.append(Staff(name, division, role, facing, start, leave, never))
    return staff


def company_name(w: World, industry: str) -> str:
    rng = w.rng
    free = [g for g in GOVERNMENT if g not in w.used_companies]
    if industry == "Government" and free:
        name = rng.choice(free)
    else:
        industry = "Manufacturing" if industry == "Government" else industry
        while True:
            name = rng.choice(INDUSTRIES[industry][0]).format(w=rng.choice(BRAND_WORDS),
                                                               s=rng.choice(SURNAMES))
            if name not in w.used_companies:
                break
    w.used_companies.add(name)
    return name


def company_domain(name: str, industry: str) -> str:
    if industry == "Government":
        first = name.split()[0].lower()
        return ("fct" if first == "fct" else first + "state") + ".gov.ng.example"
    drop = {"ltd", "plc", "nigeria", "&", "sons", "company", "limited"}
    words = [w for w in name.split() if w.lower() not in drop][:2]
    return ascii_slug(" ".join(words)) + ".ng.example"


def account_phone(rng: random.Random, city: str, individual: bool) -> str:
    if rng.random() < 0.012:
        return bad_phone(rng)
    if individual or rng.random() < 0.4:
        return mobile(rng)
    code = LANDLINE[city]
    return f"{code} {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}"


def choose_owner(w: World, division: str) -> str:
    """Account Owner: a customer-facing colleague still there when the pilot started."""
    start = BY_NAME[division].pilot_start
    team = [s for s in w.team(division) if s.leave is None or s.leave >= start]
    return pick(w.rng, [(s.name, 1.6 if "Manager" in s.role else 1.0) for s in team])


def orphan_accounts(w: World) -> None:
    """About 2 % of accounts have no owner, and colleagues who left before the pilot still
    own three customer accounts each (the orphans of the ownership view)."""
    rng = w.rng
    for division in ROSTERS:
        accounts = w.accounts_of(division)
        for acc in rng.sample(accounts, max(1, round(0.02 * len(accounts)))):
            acc.owner = ""
        start = BY_NAME[division].pilot_start
        for leaver in [s for s in w.team(division) if s.leave is not None and s.leave < start]:
            for acc in rng.sample([a for a in accounts if a.erp and a.owner], 3):
                acc.owner = leaver.name


def new_account(w: World, division: str, name: str, kind: str, industry: str, city: str,
                type_text: str, **extra: object) -> Account:
    rng = w.rng
    w.acc_no += 1
    street = rng.choice(CITIES[city])
    individual = kind in ("individual", "patient", "regular")
    acc = Account(
        id=f"ACC-{w.acc_no:05d}", name=name, division=division, kind=kind, industry=industry,
        address=f"{rng.randint(1, 140)} {street}, {city}", phone=account_phone(rng, city, individual),
        domain=company_domain(name, industry) if not individual else "",
        owner=str(extra.pop("owner", None) or choose_owner(w, division)), type_text=type_text)
    for key, value in extra.items():
        setattr(acc, key, value)
    w.accounts.append(acc)
    return acc


def contact_email(rng: random.Random, name: str, domain: str) -> str:
    first, last = ascii_slug(name.split()[0]), ascii_slug(name.split()[-1])
    if domain:
        email = rng.choice((f"{first}.{last}@{domain}", f"{first[0]}{last}@{domain}"))
    else:
        host = rng.choice(("mailbox.example", "inbox.ng.example", "post.example"))
        email = f"{first}{last}{rng.randrange(1, 99)}@{host}"
    r = rng.random()
    if r < 0.015:
        return email.replace("@", ".")          # missing @
    if r < 0.03:
        return email + "."                      # trailing dot
    return "" if r < 0.09 else email


def add_contact(w: World, acc: Account, title: str, name: str | None = None) -> Contact:
    rng = w.rng
    w.con_no += 1
    name = name or person_name(rng, w.used_names, expat=0.03)
    phone = bad_phone(rng) if rng.random() < 0.02 else ("" if rng.random() < 0.04 else mobile(rng))
    con = Contact(f"CON-{w.con_no:05d}", name, title, contact_email(rng, name, acc.domain), phone, acc.id)
    acc.contacts.append(con)
    return con


def company_account(w: World, division: str, industry: str, linked: float,
                    name: str = "", city: str = "") -> Account:
    """A company account with 1-3 contacts; ``linked`` = chance it is an ERP customer."""
    rng = w.rng
    city = city or pick(rng, list(CITY_WEIGHTS.items()))
    name = name or company_name(w, industry)
    kind = "government" if industry == "Government" else "company"
    is_linked = rng.random() < linked
    acc = new_account(w, division, name, kind, industry, city,
                      "Customer" if is_linked else "Prospect", weight=rng.uniform(0.6, 2.0))
    if is_linked:
        acc.erp = w.shared.get(name) or w.book.customer(rng, name, division, created=old_date(rng))
    titles = GOV_TITLES if kind == "government" else INDUSTRIES[industry][1]
    for title in rng.sample(titles, k=min(len(titles), pick(rng, ((1, 0.45), (2, 0.4), (3, 0.15))))):
        add_contact(w, acc, title)
    return acc


def person_account(w: World, division: str, kind: str, linked: float, prefix: str = "C",
                   created: date | None = None) -> Account:
    """An individual (private buyer, restaurant regular, clinic patient) and their contact."""
    rng = w.rng
    name = person_name(rng, w.used_names, expat=0.04)
    city = "Lagos" if kind != "individual" else pick(rng, list(CITY_WEIGHTS.items()))
    is_linked = rng.random() < linked
    industry = {"individual": "Private individual", "regular": "Restaurant guest",
                "patient": "Patient"}[kind]
    acc = new_account(w, division, name, kind, industry, city,
                      "Customer" if is_linked else "Prospect", weight=rng.uniform(0.5, 1.2))
    if is_linked:
        acc.erp = w.book.customer(rng, name, division, prefix, created or old_date(rng))
    add_contact(w, acc, rng.choice(PROFESSIONS) if kind == "individual" else "", name=name)
    return acc


def old_date(rng: random.Random) -> date:
    """A customer creation date before the ERP history window."""
    return date(2016, 1, 4) + timedelta(days=rng.randrange((ERP_START - date(2016, 1, 4)).days))


def shared_customers(w: World) -> None:
    for name, _industry, _city, divisions in SHARED_COMPANIES:
        w.shared[name] = w.book.customer(w.rng, name, divisions[0], created=old_date(w.rng))
        w.used_companies.add(name)


def shared_accounts(w: World, division: str) -> list[Account]:
    out = []
    for name, industry, city, divisions in SHARED_COMPANIES:
        if division in divisions:
            acc = company_account(w, division, industry, 1.0, name=name, city=city)
            acc.tags = ("shared",)
            out.append(acc)
    return out


def build_accounts(w: World) -> None:
    """Accounts and contacts of every division, in workbook order (global IDs)."""
    shared_customers(w)
    motors_accounts(w)
    power_accounts(w)
    medical_accounts(w)
    hospitality_accounts(w, GRAS.name, "regular", "GL", GRAS_CORPORATE, 44)
    hospitality_accounts(w, CUBE.name, "patient", "PT", CUBE_CORPORATE, 45)
    account_type_slips(w)
    orphan_accounts(w)


MOTORS_INDUSTRIES = {"Logistics": 17, "Oil & Gas": 8, "Government": 6, "Hospitality": 6,
                     "Education": 6, "Religious organisation": 5, "Manufacturing": 10,
                     "Banking": 6, "Real Estate": 5, "Construction": 6, "Agriculture": 3,
                     "Telecoms": 2, "Healthcare": 3}
POWER_INDUSTRIES = {"Manufacturing": 16, "Hospitality": 9, "Healthcare": 7, "Real Estate": 10,
                    "Telecoms": 8, "Banking": 5, "Education": 5, "Oil & Gas": 5,
                    "Religious organisation": 3, "Agriculture": 3, "Government": 2,
                    "Construction": 2}
GRAS_CORPORATE = {"Banking": 3, "Oil & Gas": 3, "Telecoms": 2, "Real Estate": 2,
                  "Manufacturing": 2, "Education": 1}
CUBE_CORPORATE = {"Banking": 2, "Oil & Gas": 3, "Manufacturing": 3, "Telecoms": 2,
                  "Education": 2}


def shuffled_slots(rng: random.Random, counts: dict[str, int], extra: dict[str, int]) -> list[str]:
    slots = [k for k, n in {**counts, **extra}.items() for _ in range(n)]
    rng.shuffle(slots)
    return slots


def motors_accounts(w: World) -> None:
    """~150 accounts: fleet buyers, agencies and private buyers; some silent customers."""
    shared_accounts(w, "Motors")
    for slot in shuffled_slots(w.rng, MOTORS_INDUSTRIES, {"individual": 63}):
        if slot == "individual":
            person_account(w, "Motors", "individual", 0.55)
        else:
            company_account(w, "Motors", slot, 0.8)
    linked = [a for a in w.accounts_of("Motors") if a.erp and "shared" not in a.tags]
    for acc in w.rng.sample(linked, 8):
        acc.tags = ("silent",)


def power_accounts(w: World) -> None:
    """~80 accounts: factories, hotels, hospitals, estates, telecom sites."""
    shared_accounts(w, "Power")
    for slot in shuffled_slots(w.rng, POWER_INDUSTRIES, {}):
        company_account(w, "Power", slot, 0.78)
    linked = [a for a in w.accounts_of("Power") if a.erp]
    for acc in w.rng.sample(linked, 26):
        acc.tags = acc.tags + ("maintenance",)
    for acc in w.rng.sample([a for a in linked if not a.tags], 3):
        acc.tags = ("silent",)
    stray = add_contact(w, w.rng.choice(w.accounts_of("Power")), "Site Engineer")
    stray.account_ref = "ACC-0231"                 # a contact pointing at an unknown account


def medical_accounts(w: World) -> None:
    """Distributors (6 established, 3 signed during the pilot, 2 prospects) and hospitals."""
    rng = w.rng
    for tag in ("established",) * 6 + ("sign_jun", "sign_jul", "sign_jul") + ("prospect",) * 2:
        acc = company_account(w, "Medical", "Pharmaceutical distribution",
                              1.0 if tag == "established" else 0.0)
        acc.type_text = "Prospect" if tag == "prospect" else "Distributor"
        acc.kind = "distributor"
        acc.tags = ("distributor", tag) if tag != "prospect" else ("dist_prospect",)
    shared_accounts(w, "Medical")
    for _ in range(28):
        acc = company_account(w, "Medical", "Healthcare", 0.33)
        acc.type_text = acc.type_text if acc.erp else rng.choice(("Prospect", "", "Customer"))


def hospitality_accounts(w: World, division: str, kind: str, prefix: str,
                         corporate: dict[str, int], people: int) -> None:
    """Regulars / patients (loyalty or patient IDs), corporate clients, walk-ins."""
    rng = w.rng
    if kind == "regular":
        walk = new_account(w, division, "Walk-in Guests", "walkin", "Restaurant guest", "Lagos",
                           "Customer", tags=("walkin",))
        walk.erp = Customer("CASHGRAS", "GRAS Walk-in Guests (Cash Sales)", division, date(2023, 2, 1))
        w.book.customers.append(walk.erp)
        add_contact(w, walk, "Guest", name="Walk-in Guest").email = ""
        walk.contacts[0].mobile = ""
    shared_accounts(w, division)
    for slot in shuffled_slots(rng, corporate, {kind: people}):
        if slot == kind:
            acc = person_account(w, division, kind, 1.0, prefix)
            acc.tags = ("person",)
        else:
            acc = company_account(w, division, slot, 0.8)
            acc.tags = ("corporate",)


def account_type_slips(w: World) -> None:
    """A few blank Account Types (= Customer), one 'customer' and one off-list 'Client'."""
    rng = w.rng
    for acc in w.accounts:
        if acc.type_text == "Customer" and rng.random() < 0.08:
            acc.type_text = ""
    rng.choice([a for a in w.accounts_of("Motors") if a.type_text == "Customer"]).type_text = "customer"
    rng.choice(w.accounts_of("GRAS Restaurant", "corporate")).type_text = "Client"


# =========================================================================== ERP history
def settle(rng: random.Random, quote: Quote, outcome: str,
           won_days: tuple[int, int], lost_days: tuple[int, int]) -> tuple[str, date | None]:
    """Date a quote's fate; the ERP only shows it once decided on or before AS_OF."""
    plan: tuple[str, date | None] = (outcome, None)
    if outcome != "O":
        days = won_days if outcome == "W" else lost_days
        plan = (outcome, off_sunday(quote.day + timedelta(days=rng.randint(*days))))
    if plan[1] is not None and plan[1] <= AS_OF:
        quote.outcome, quote.close = plan
    return plan


def won_sale(w: World, quote: Quote, lag: int = 0) -> None:
    if quote.outcome == "W" and quote.close is not None:
        day = min(AS_OF, quote.close + timedelta(days=lag))
        w.book.add_sale(Sale(day, quote.customer, quote.division, quote.slp,
                              round(quote.amount * w.rng.uniform(0.97, 1.0), -3), quote=quote))


def vehicle_deal(rng: random.Random, slots: Slots) -> float:
    """A vehicle deal of 18-95 M naira; fills the model/units/amount slots."""
    model, lo, hi = rng.choice(VEHICLES)
    unit = round(rng.uniform(lo, hi) / 5e4) * 5e4
    units = max(1, min(pick(rng, ((1, 0.62), (2, 0.25), (3, 0.13))), int(95e6 // unit)))
    slots.update(model=model, units=units, amount=naira(unit * units))
    return unit * units


def motors_erp_quote(w: World, cust: Customer, day: date, owner: str) -> None:
    rng = w.rng
    amount = vehicle_deal(rng, Slots(rng))
    q = w.book.add_quote(Quote(day, cust, "Motors", w.seller("Motors", day, owner), amount))
    settle(rng, q, pick(rng, (("W", 0.42), ("L", 0.35), ("O", 0.23))), (1, 12), (5, 40))
    won_sale(w, q)


def service_invoice(w: World, cust: Customer, day: date, owner: str) -> None:
    rng = w.rng
    amount = round(min(1.5e6, max(6e4, rng.lognormvariate(math.log(2.2e5), 0.8))), -3)
    w.book.add_sale(Sale(day, cust, "Motors", w.seller("Motors", day, owner), amount))


def motors_erp_history(w: World) -> None:
    """Vehicle quotes/sales and service invoices since ERP_START; during the pilot only for
    customers the Hub does not follow (walk-in buyers) and the 'silent' accounts."""
    rng = w.rng
    linked = [a for a in w.accounts_of("Motors") if a.erp]
    silent = w.accounts_of("Motors", "silent")
    walkins = [w.book.customer(rng, person_name(rng, w.used_names, 0.03), "Motors",
                               created=old_date(rng) if rng.random() < 0.5 else None)
               for _ in range(150)]
    walkins += [w.book.customer(rng, company_name(w, rng.choice(["Logistics", "Construction",
                "Manufacturing"])), "Motors") for _ in range(15)]
    walk = [(c, "") for c in walkins]
    hub = [((a.erp, a.owner), a.weight) for a in linked]
    quiet = [(a.erp, a.owner) for a in silent]
    for day in workdays(ERP_START, AS_OF):
        piloting, dw = day >= MOTORS.pilot_start, day_weight(MOTORS, day)
        for _ in range(poisson(rng, (0.5 if piloting else 1.25) * dw)):
            cust, owner = rng.choice(walk) if piloting or rng.random() < 0.45 else pick(rng, hub)
            motors_erp_quote(w, cust, day, owner)
        for _ in range(poisson(rng, 1.3 * dw)):
            cust, owner = rng.choice(walk + quiet if piloting else walk + [c for c, _ in hub])
            service_invoice(w, cust, day, owner)
    for acc in silent:
        service_invoice(w, acc.erp, off_sunday(AS_OF - timedelta(days=rng.randint(5, 80))), acc.owner)


def power_amount(rng: random.Random, slots: Slots) -> float:
    kva = rng.choice(KVA[2:])
    amount = min(4.5e8, max(8e6, kva * rng.uniform(1.8e5, 2.6e5)))
    slots.update(kva=kva, amount=naira(amount))
    return round(amount, -4)


def power_erp_history(w: World) -> None:
    """Proposals (30-180 day cycles) before the Power pilot, and maintenance invoices."""
    rng = w.rng
    linked = [a for a in w.accounts_of("Power") if a.erp]
    others = [w.book.customer(rng, company_name(w, rng.choice(list(POWER_INDUSTRIES))), "Power",
                              created=old_date(rng)) for _ in range(20)]
    for day in workdays(ERP_START, POWER.pilot_start - timedelta(days=1)):
        for _ in range(poisson(rng, 0.65 * day_weight(POWER, day))):
            acc = pick(rng, [(a, a.weight) for a in linked]) if rng.random() < 0.75 else None
            cust = acc.erp if acc else rng.choice(others)
            q = w.book.add_quote(Quote(day, cust, "Power", w.seller("Power", day, acc.owner if acc else ""),
                                       power_amount(rng, Slots(rng))))
            settle(rng, q, pick(rng, POWER_OUTCOMES), (30, 180), (30, 180))
            won_sale(w, q, rng.randint(0, 7))
    window_proposals(w, linked)
    for acc in w.accounts_of("Power", "maintenance") + w.accounts_of("Power", "silent"):
        base, day = rng.uniform(0.8e6, 4.5e6), ERP_START + timedelta(days=rng.randrange(90))
        while day <= AS_OF:
            w.book.add_sale(Sale(off_sunday(day), acc.erp, "Power", w.seller("Power", day, acc.owner),
                                 round(base * growth(day, 0.15), -3)))
            day += timedelta(days=rng.randint(85, 95))


def window_proposals(w: World, linked: list[Account]) -> None:
    """Older proposals (Dec 2025 - Mar 2026) decided in the last four weeks, so the
    proposal win rate and the sales cycle have data in the window ending AS_OF."""
    rng = w.rng
    for outcome in "WWWLLLLL":
        acc = rng.choice(linked)
        day = off_sunday(date(2025, 12, 1) + timedelta(days=rng.randrange(110)))
        q = w.book.add_quote(Quote(day, acc.erp, "Power", w.seller("Power", day, acc.owner),
                                   power_amount(rng, Slots(rng))))
        q.outcome, q.close = outcome, off_sunday(AS_OF - timedelta(days=rng.randint(1, 26)))
        won_sale(w, q, rng.randint(0, 3))


def balance_power_window(w: World) -> None:
    """Top up the proposals decided in the 28 days ending AS_OF with proposals of ERP-only
    customers until there are at least 14 and about a third are won (target 35 %)."""
    rng, start = w.rng, AS_OF - timedelta(days=27)
    decided = [q.outcome for q in w.book.quotes if q.division == "Power" and q.close is not None
               and start <= q.close <= AS_OF and q.outcome in ("W", "L")]
    linked = {a.erp.code for a in w.accounts if a.erp is not None}
    others = [c for c in w.book.customers if c.division == "Power" and c.code not in linked]
    while len(decided) < 14 or not 0.3 <= decided.count("W") / len(decided) <= 0.38:
        outcome = "W" if decided.count("W") / max(1, len(decided)) < 0.3 else "L"
        day = off_sunday(date(2025, 11, 3) + timedelta(days=rng.randrange(150)))
        cust = rng.choice(others)
        q = w.book.add_quote(Quote(day, cust, "Power", w.seller("Power", day), power_amount(rng, Slots(rng))))
        q.outcome, q.close = outcome, off_sunday(AS_OF - timedelta(days=rng.randint(1, 26)))
        won_sale(w, q, rng.randint(0, 3))
        decided.append(outcome)


def medical_erp_history(w: World) -> None:
    """Distributor orders (a few a month each, since ERP_START) and hospital orders."""
    rng = w.rng
    # (days after ERP_START of the first order, typical order size): four since the start
    # of the history, one acquired in Q3 2025, one in Q1 2026
    starts = [(0, 7e6), (0, 8.5e6), (0, 9e6), (0, 10.5e6), (160, 12e6), (280, 11e6)]
    for acc, (offset, base) in zip(w.accounts_of("Medical", "established"), starts):
        first = ERP_START + timedelta(days=offset + rng.randrange(10))
        distributor_orders(w, acc, first, base * rng.uniform(0.9, 1.1))
    for acc in [a for a in w.accounts_of("Medical") if a.erp and "distributor" not in a.tags]:
        day = ERP_START + timedelta(days=rng.randrange(60))
        while day <= AS_OF:
            w.book.add_sale(Sale(off_sunday(day), acc.erp, "Medical", w.seller("Medical", day, acc.owner),
                                 round(rng.uniform(2e6, 7e6), -3)))
            day += timedelta(days=rng.randint(40, 100))


def distributor_orders(w: World, acc: Account, first: date, base: float) -> None:
    """Two to four orders a month from ``first`` to AS_OF, growing ~16 % a year."""
    rng = w.rng
    month = date(first.year, first.month, 1)
    while month <= AS_OF:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        days = [d for d in workdays(max(month, first), min(nxt - timedelta(days=1), AS_OF))]
        for day in sorted(rng.sample(days, min(len(days), rng.choice((2, 3, 3, 4))))):
            amount = min(4e7, max(2e6, base * growth(day, 0.16) * rng.uniform(0.8, 1.2)))
            w.book.add_sale(Sale(day, acc.erp, "Medical", w.seller("Medical", day, acc.owner),
                                 round(amount, -3)))
        month = nxt


def hospitality_erp_history(w: World, spec: DivisionSpec, prefix: str, newcomers: int) -> None:
    """Bills of regulars/patients, of newcomers (about half come back within six months),
    of corporate clients (GRAS: event invoices twice a month) and GRAS cash sales."""
    rng = w.rng
    for acc in w.accounts_of(spec.name, "person"):
        regular_visits(w, spec, acc.erp, ERP_START + timedelta(days=rng.randrange(25)), acc.owner)
    for _ in range(newcomers):                    # arrivals since before the ERP history
        arrival = CLIENTELE_START + timedelta(days=rng.randrange((AS_OF - CLIENTELE_START).days + 1))
        cust = w.book.customer(rng, person_name(rng, w.used_names, 0.03), spec.name, prefix)
        newcomer_visits(w, spec, cust, arrival)
    corporates = [a for a in w.accounts_of(spec.name) if a.erp and a.kind != "person"
                  and "walkin" not in a.tags and "person" not in a.tags]
    for acc in corporates:
        day, gap = ERP_START + timedelta(days=rng.randrange(40)), (20, 60) if spec is GRAS else (4, 14)
        while day <= AS_OF:
            bill(w, spec, acc.erp, day, acc.owner, corporate=True)
            day += timedelta(days=rng.randint(*gap))
    if spec is GRAS:
        gras_events_and_cash(w, corporates)


def bill(w: World, spec: DivisionSpec, cust: Customer, day: date, owner: str,
         corporate: bool = False) -> None:
    """A restaurant bill (8k-180k) or a clinic visit bill (15k-250k)."""
    rng = w.rng
    if spec is CUBE:
        day = off_sunday(day)
        amount = min(2.5e5, max(1.5e4, rng.lognormvariate(math.log(4.2e4), 0.65) * growth(day, 0.12)))
    else:
        party = pick(rng, ((1, 0.25), (2, 0.35), (3, 0.12), (4, 0.15), (6, 0.08), (8, 0.05)))
        party = max(party, 6) if corporate else party
        amount = min(1.8e5, max(8e3, party * rng.uniform(8e3, 2.2e4) * growth(day, 0.2)))
    if ERP_START <= day <= AS_OF:
        w.book.add_sale(Sale(day, cust, spec.name, w.seller(spec.name, day, owner), round(amount, -2)))


def regular_visits(w: World, spec: DivisionSpec, cust: Customer, first: date, owner: str) -> None:
    day = first
    while day <= AS_OF:
        bill(w, spec, cust, day, owner)
        day += timedelta(days=w.rng.randint(7, 45))


def newcomer_visits(w: World, spec: DivisionSpec, cust: Customer, first: date) -> None:
    """First visit; ~50 % return within 170 days and may keep coming; a few return late."""
    rng = w.rng
    bill(w, spec, cust, first, "")
    if rng.random() < 0.5:
        day = first + timedelta(days=rng.randint(2, 170))
        while day <= AS_OF:
            bill(w, spec, cust, day, "")
            if rng.random() < 0.3:
                break
            day += timedelta(days=rng.randint(15, 90))
    elif rng.random() < 0.12:
        bill(w, spec, cust, first + timedelta(days=rng.randint(190, 300)), "")


def gras_events_and_cash(w: World, corporates: list[Account]) -> None:
    """Event invoices on the 10th and 24th of each month (1-6 M naira, the same calendar
    slot costing the same a year later but for price growth) and walk-in cash bills."""
    rng = w.rng
    walkin = w.accounts_of(GRAS.name, "walkin")[0]
    bases = {(m, slot): rng.uniform(1.0e6, 4.6e6) for m in range(1, 13) for slot in (10, 24)}
    month = ERP_START
    while month <= AS_OF:
        for slot in (10, 24):
            day = off_sunday(month.replace(day=slot) + timedelta(days=rng.choice((-1, 0, 0, 1))))
            acc = rng.choice(corporates)
            amount = bases[(month.month, slot)] * growth(day, 0.2)
            if day <= AS_OF:
                w.book.add_sale(Sale(day, acc.erp, GRAS.name, w.seller(GRAS.name, day, acc.owner),
                                     round(amount, -3)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for i in range((AS_OF - ERP_START).days + 1):
        day = ERP_START + timedelta(days=i)
        for _ in range(poisson(rng, 2.2 if day.weekday() >= 4 else 1.4)):
            bill(w, GRAS, walkin.erp, day, "")


def erp_finishing_touches(w: World) -> None:
    """Credit notes, two line-level invoices, text amounts and blank divisions."""
    rng = w.rng
    motors_service = [s for s in w.book.sales if s.division == "Motors" and s.amount < 1.6e6
                      and s.day > date(2026, 1, 1)]
    medical = [s for s in w.book.sales if s.division == "Medical" and s.day > date(2026, 5, 1)]
    for source, share in ((rng.choice(motors_service), 0.5), (rng.choice(medical), 0.1)):
        credit_day = min(AS_OF, off_sunday(source.day + timedelta(days=rng.randint(3, 12))))
        w.book.add_sale(Sale(credit_day, source.customer, source.division, source.slp,
                             -round(source.amount * share, -3)))
    rng.choice(motors_service).lines = 2
    rng.choice(medical).lines = 2
    for sale in w.book.sales:
        sale.text_amount = rng.random() < 0.03
        sale.blank_division = rng.random() < 0.01
    for quote in w.book.quotes:
        quote.blank_division = rng.random() < 0.015


# =========================================================================== journeys
class Journey:
    """A chain of interactions with one contact, handled by one colleague.

    Steps after NOW are not observed: the first of them becomes the last observed row's
    Next Action (with its due date), so the backlog has upcoming work."""

    def __init__(self, w: World, spec: DivisionSpec, account: Account, day: date,
                 contact: Contact | None = None) -> None:
        self.w, self.spec, self.account = w, spec, account
        rng = w.rng
        self.contact = contact or rng.choice([c for c in account.contacts if c.account_ref == account.id])
        self.handler = handler_for(w, spec.name, account.owner, day)
        self.slots = Slots(rng, site=rng.choice(SITES_BY_INDUSTRY.get(account.industry, SITES)))
        self.events: list[Event] = []
        self.pending: tuple[str, datetime] | None = None
        self.cursor = datetime.combine(day, time(8))

    @property
    def last(self) -> datetime:
        """The moment of the latest step (logged or not)."""
        return self.cursor

    def add(self, dt: datetime, itype: str, channel: str, kind: str = "", todo: str = "",
            resolved: bool | None = None) -> bool:
        """Log a step (False if it lies after NOW: the journey stops there)."""
        rng = self.w.rng
        self.cursor = max(self.cursor, dt)
        step = todo or kind or itype
        action = rng.choice(DIVISION_ACTIONS.get(self.spec.name, {}).get(step) or ACTIONS.get(step, DANGLING))
        if self.pending is not None or dt > NOW:
            self.pending = self.pending or (action, dt)
            return False
        text = note(rng, self.spec.name, kind or itype, self.slots)
        event = Event(dt, self.account, self.contact, itype, channel, text, todo=action,
                      resolved=resolved, handler=self.handler, workbook=self.spec.name,
                      show_account=rng.random() < 0.85,
                      division_text=self.spec.name if rng.random() < 0.12 else None)
        self.events.append(event)
        return True

    def finish(self, close: bool) -> None:
        """Set every row's Next Action and due date, then hand the rows to the world."""
        rng = self.w.rng
        for a, b in zip(self.events, self.events[1:]):
            a.next_action, a.due = b.todo, due_between(rng, a.dt, b.dt)
        if self.events:
            last = self.events[-1]
            if self.pending is not None:
                last.next_action, last.due = self.pending[0], due_between(rng, last.dt, self.pending[1])
            elif close:
                last.next_action = pick(rng, CLOSING_WORDS)
            else:
                last.next_action = rng.choice(DANGLING)
                last.due = last.dt.date() + timedelta(days=rng.randint(2, 10))
        self.w.events.extend(self.events)


def due_between(rng: random.Random, a: datetime, b: datetime) -> date:
    """Due date for the action leading from a to b: around b, 1-14 days after a."""
    if (b.date() - a.date()).days > 14:
        return a.date() + timedelta(days=rng.randint(5, 14))
    jitter = pick(rng, ((-2, 0.06), (-1, 0.09), (0, 0.45), (1, 0.25), (2, 0.15)))
    due = b.date() + timedelta(days=jitter)
    return min(max(due, a.date() + timedelta(days=1)), a.date() + timedelta(days=14))


def handler_for(w: World, division: str, owner: str, day: date) -> Staff:
    team = [s for s in w.team(division) if s.active_on(day)]
    mine = [s for s in team if s.name == owner]
    if mine and w.rng.random() < 0.75:
        return mine[0]
    return w.rng.choice(team)


def adoption_rate(spec: DivisionSpec, day: date) -> float:
    week = (monday_of(day) - spec.pilot_start).days // 7
    return spec.adoption[min(max(week, 0), len(spec.adoption) - 1)]


def volume(spec: DivisionSpec, day: date) -> float:
    """Logged volume grows with adoption (unlogged work never reaches the Hub)."""
    return (0.45 + 0.55 * min(1.0, adoption_rate(spec, day) / 0.85)) * day_weight(spec, day)


def daily(w: World, spec: DivisionSpec, rates: Sequence[tuple[float, Callable[[date], None]]]) -> None:
    """Start journeys every working day of the pilot at the given daily rates."""
    for day in workdays(spec.pilot_start, AS_OF):
        for rate, start in rates:
            for _ in range(poisson(w.rng, rate * volume(spec, day))):
                start(day)


INQUIRY_CHANNELS = (("WhatsApp", 0.35), ("Phone", 0.3), ("Walk-in", 0.12), ("Social Media", 0.08),
                    ("Website", 0.07), ("Email", 0.08))
TALK_CHANNELS = (("WhatsApp", 0.45), ("Phone", 0.4), ("Email", 0.1), ("Meeting", 0.05))


def motors_journeys(w: World) -> None:
    """Sales (Inquiry -> response -> Quote -> Purchase/Delivery), service and complaints."""
    rng = w.rng
    pool = [(a, a.weight) for a in w.accounts_of("Motors") if "silent" not in a.tags]
    owners = [(a, a.weight) for a, _ in pool if a.erp or a.kind == "individual"]
    daily(w, MOTORS, [
        (4.2, lambda d: motors_sale(w, pick(rng, pool), d)),
        (2.7, lambda d: motors_service(w, pick(rng, owners), d, "Service Request")),
        (0.4, lambda d: motors_service(w, pick(rng, owners), d, "Complaint")),
        (0.6, lambda d: check_in(w, MOTORS, pick(rng, owners), d)),
    ])


def motors_sale(w: World, acc: Account, day: date) -> None:
    rng = w.rng
    j = Journey(w, MOTORS, acc, day)
    amount = vehicle_deal(rng, j.slots)
    t = clock(rng, day, MOTORS.hours)
    j.add(t, "Inquiry", pick(rng, INQUIRY_CHANNELS))
    reply = w.deal("motors_reply")
    if reply == "none":
        return j.finish(close=False)
    t = hours_later(rng, t, 0.2, 11.5) if reply == "fast" else hours_later(rng, t, 13, 70)
    first = w.deal("motors_first")
    if first == "Quote":
        return motors_quote(j, t, amount)
    j.add(t, first, "Walk-in" if first == "Test Drive" else pick(rng, TALK_CHANNELS), todo="Reply")
    if first != "Test Drive" and rng.random() < 0.3:
        t = days_later(rng, t, 1, 6, MOTORS)
        j.add(t, "Test Drive", pick(rng, (("Walk-in", 0.7), ("Meeting", 0.3))))
    if w.deal("motors_quote"):
        lag = pick(rng, (((0, 1), 0.55), ((2, 6), 0.33), ((7, 20), 0.12)))
        return motors_quote(j, days_later(rng, t, *lag, MOTORS), amount)
    if rng.random() < 0.5:
        j.add(days_later(rng, t, 2, 9, MOTORS), "Follow-up", pick(rng, TALK_CHANNELS))
    j.finish(close=rng.random() < 0.35)


def motors_quote(j: Journey, t: datetime, amount: float) -> None:
    """Hub Quote row (plus the ERP quotation when the account is, or becomes, a customer)."""
    w, rng, acc = j.w, j.w.rng, j.account
    if not j.add(t, "Quote", pick(rng, (("Email", 0.4), ("WhatsApp", 0.4), ("Meeting", 0.2)))):
        return j.finish(close=False)
    if acc.erp is None and rng.random() < 0.5:
        acc.erp = w.book.customer(rng, acc.name, "Motors", created=t.date())
    if acc.erp is None:
        lost = rng.random() < 0.45             # a prospect without an ERP record: Hub-only quote
        outcome, close = ("L", t.date() + timedelta(days=rng.randint(5, 30))) if lost else ("O", None)
    else:
        quote = w.book.add_quote(Quote(t.date(), acc.erp, "Motors",
                                       w.seller("Motors", t.date(), acc.owner), amount))
        outcome, close = settle(rng, quote, w.deal("motors_outcome"), (1, 8), (5, 40))
        won_sale(w, quote)
    motors_outcome(j, outcome, close)


def motors_outcome(j: Journey, outcome: str, close: date | None) -> None:
    rng = j.w.rng
    if close is not None:
        at = clock(rng, close, MOTORS.hours)
        at = at if at > j.last else hours_later(rng, j.last, 1, 4)
    if outcome == "W":
        j.add(at, "Purchase", pick(rng, (("Walk-in", 0.5), ("Email", 0.2), ("Phone", 0.3))))
        j.add(days_later(rng, at, 3, 14, MOTORS), "Delivery", "Walk-in")
        return j.finish(close=rng.random() < 0.8)
    if outcome == "L":
        j.add(at, "Follow-up", pick(rng, TALK_CHANNELS), kind="Lost", todo="Lost")
        return j.finish(close=True)
    t = j.last
    for _ in range(rng.choice((1, 1, 2))):
        t = days_later(rng, t, 4, 12, MOTORS)
        j.add(t, "Follow-up", pick(rng, TALK_CHANNELS))
    j.finish(close=False)


def motors_service(w: World, acc: Account, day: date, itype: str) -> None:
    """A Service Request or Complaint; unresolved ones get a follow-up a few days later."""
    rng = w.rng
    j = Journey(w, MOTORS, acc, day)
    t = clock(rng, day, MOTORS.hours)
    resolved = bool(w.deal("service_fixed" if itype == "Service Request" else "complaint_fixed"))
    channel = pick(rng, (("Phone", 0.4), ("WhatsApp", 0.35), ("Walk-in", 0.25)))
    j.add(t, itype, channel, todo="Service Request", resolved=resolved)
    if acc.erp is not None and itype == "Service Request" and rng.random() < 0.75:
        service_invoice(w, acc.erp, off_sunday(day + timedelta(days=rng.randint(0, 4))), acc.owner)
    if resolved:
        return j.finish(close=rng.random() < 0.7)
    j.add(days_later(rng, t, 1, 5, MOTORS), "Follow-up", pick(rng, TALK_CHANNELS),
          kind="Resolution", todo="Resolution")
    j.finish(close=rng.random() < 0.8)


def check_in(w: World, spec: DivisionSpec, acc: Account, day: date) -> None:
    """A single courtesy Follow-up (service reminder, thank-you call)."""
    j = Journey(w, spec, acc, day)
    j.add(clock(w.rng, day, spec.hours), "Follow-up", pick(w.rng, TALK_CHANNELS))
    j.finish(close=w.rng.random() < 0.6)


def power_journeys(w: World) -> None:
    """Leads, maintenance visits, and the pilot-time end of proposals made before it."""
    rng = w.rng
    pool = [(a, a.weight) for a in w.accounts_of("Power") if "silent" not in a.tags]
    daily(w, POWER, [
        (2.6, lambda d: power_lead(w, pick(rng, pool), d)),
        (1.2, lambda d: power_callout(w, rng.choice(w.accounts_of("Power", "maintenance")), d)),
        (1.2, lambda d: check_in(w, POWER, pick(rng, pool), d)),
    ])
    for acc in w.accounts_of("Power", "maintenance"):
        maintenance_round(w, acc)
    by_code = {a.erp.code: a for a in w.accounts_of("Power") if a.erp}
    for quote in [q for q in w.book.quotes if q.division == "Power" and q.day < POWER.pilot_start]:
        acc = by_code.get(quote.customer.code)
        if acc is not None and (quote.close is None or quote.close >= POWER.pilot_start):
            open_proposal(w, acc, quote)


POWER_OUTCOMES = (("W", 0.36), ("L", 0.44), ("O", 0.2))


def power_lead(w: World, acc: Account, day: date) -> None:
    """Lead -> Qualification Call (median ~4 h) -> Site Visit -> Proposal -> Negotiation -> close."""
    rng = w.rng
    j = Journey(w, POWER, acc, day)
    amount = power_amount(rng, j.slots)
    t = clock(rng, day, POWER.hours)
    j.add(t, "Lead", pick(rng, (("Phone", 0.35), ("Email", 0.2), ("Website", 0.15),
                                    ("WhatsApp", 0.2), ("Meeting", 0.1))))
    if rng.random() > 0.97:
        return j.finish(close=False)
    t = hours_later(rng, t, *w.deal("power_reply"))
    j.add(t, "Qualification Call", pick(rng, (("Phone", 0.75), ("Meeting", 0.25))))
    if not w.deal("power_site_visit"):
        if rng.random() < 0.5:
            j.add(days_later(rng, t, 3, 20, POWER), "Follow-up", "Phone", kind="Lost", todo="Lost")
            return j.finish(close=True)
        return j.finish(close=False)
    t = days_later(rng, t, 2, 40, POWER)
    j.add(t, "Site Visit", "Meeting")
    if rng.random() > 0.75:
        return j.finish(close=False)
    t = days_later(rng, t, 4, 21, POWER)
    if not j.add(t, "Proposal", "Email"):
        return j.finish(close=False)
    if acc.erp is None:
        acc.erp = w.book.customer(rng, acc.name, "Power", created=t.date())
    quote = w.book.add_quote(Quote(t.date(), acc.erp, "Power", w.seller("Power", t.date(), acc.owner),
                                   amount))
    outcome, close = settle(rng, quote, pick(rng, POWER_OUTCOMES), (30, 150), (30, 170))
    won_sale(w, quote, rng.randint(0, 7))
    proposal_end(j, outcome, close, negotiate=rng.random() < 0.65)


def proposal_end(j: Journey, outcome: str, close: date | None, negotiate: bool) -> None:
    """Negotiation and chasing while open, then Contract Signed or a lost note at close."""
    rng = j.w.rng
    t = j.last
    end = datetime.combine(close, time(9)) if close else NOW + timedelta(days=60)
    if negotiate and t + timedelta(days=8) < end:
        t = days_later(rng, t, 7, max(7, min(30, (end - t).days - 1)), POWER)
        j.add(t, "Negotiation", pick(rng, (("Meeting", 0.5), ("Phone", 0.3), ("Email", 0.2))))
    while close is None or t + timedelta(days=25) < end:
        t = days_later(rng, t, 12, 25, POWER)
        if not j.add(t, "Follow-up", pick(rng, TALK_CHANNELS)) or close is None and rng.random() < 0.4:
            return j.finish(close=False)
    at = clock(rng, close, POWER.hours)
    at = at if at > j.last else hours_later(rng, j.last, 1, 5)
    if outcome == "W":
        j.add(at, "Contract Signed", pick(rng, (("Meeting", 0.6), ("Email", 0.4))))
    else:
        j.add(at, "Follow-up", "Phone", kind="Lost", todo="Lost")
    j.finish(close=True)


def open_proposal(w: World, acc: Account, quote: Quote) -> None:
    """A proposal sent before the pilot: chasing rows during the pilot, then the close."""
    rng = w.rng
    outcome, close = quote.outcome, quote.close
    day = off_sunday(POWER.pilot_start + timedelta(days=rng.randint(0, 20)))
    j = Journey(w, POWER, acc, day)
    j.slots.update(amount=naira(quote.amount),
                   kva=min(KVA, key=lambda k: abs(k * 2.2e5 - quote.amount)))
    if close is not None and close < day + timedelta(days=2):
        day = close
    if not j.add(clock(rng, day, POWER.hours), "Negotiation", pick(rng, TALK_CHANNELS)):
        return j.finish(close=False)
    proposal_end(j, outcome, close, negotiate=False)


def maintenance_round(w: World, acc: Account) -> None:
    """Planned Maintenance Visits every 2-5 weeks; the next one is the Next Action."""
    rng = w.rng
    day = off_sunday(POWER.pilot_start + timedelta(days=rng.randint(0, 20)))
    j = Journey(w, POWER, acc, day)
    t = clock(rng, day, POWER.hours)
    while j.add(t, "Maintenance Visit", "Meeting", todo="Maintenance Visit"):
        t = days_later(rng, t, 14, 35, POWER)
    j.finish(close=False)


def power_callout(w: World, acc: Account, day: date) -> None:
    j = Journey(w, POWER, acc, day)
    t = clock(w.rng, day, POWER.hours)
    j.add(t, "Maintenance Visit", pick(w.rng, (("Phone", 0.5), ("Meeting", 0.5))))
    j.finish(close=w.rng.random() < 0.7)


# (first Distributor Prospect row, Distributor Signed) for the three distributors signed
# during the pilot: one in June (Q2), two in July (Q3: new_distributors = 2).
SIGNINGS = [(date(2026, 6, 3), date(2026, 6, 17)), (date(2026, 6, 8), date(2026, 7, 3)),
            (date(2026, 6, 12), date(2026, 7, 9))]


def medical_journeys(w: World) -> None:
    """Orders (from the ERP invoices), quality flags, distributor signings and reviews."""
    rng = w.rng
    hospitals = [a for a in w.accounts_of("Medical") if a.kind != "distributor"]
    flag_accounts = w.accounts_of("Medical", "distributor") + [a for a in hospitals if a.erp]
    for acc, (first, signed) in zip(w.accounts_of("Medical", "distributor")[6:], SIGNINGS):
        distributor_signing(w, acc, first, signed)
    for acc in w.accounts_of("Medical", "dist_prospect"):
        prospect_chase(w, acc, off_sunday(MEDICAL.pilot_start + timedelta(days=rng.randint(3, 30))))
    for sale in [s for s in w.book.sales if s.division == "Medical" and s.day >= MEDICAL.pilot_start]:
        acc = next((a for a in w.accounts_of("Medical") if a.erp is sale.customer), None)
        if acc is not None and "distributor" in acc.tags and rng.random() < 0.75:
            order_row(w, acc, sale)
    for acc in w.accounts_of("Medical", "established"):
        single(w, MEDICAL, acc, off_sunday(MEDICAL.pilot_start + timedelta(days=rng.randint(5, 40))),
               "Business Review", "Meeting", close=False)
    daily(w, MEDICAL, [
        (0.6, lambda d: quality_flag(w, rng.choice(flag_accounts), d)),
        (2.2, lambda d: hospital_inquiry(w, rng.choice(hospitals), d)),
        (1.5, lambda d: check_in(w, MEDICAL, rng.choice(flag_accounts), d)),
    ])
    unresolved_flag(w, rng.choice([a for a in hospitals if a.erp is None]))


def distributor_signing(w: World, acc: Account, first: date, signed: date) -> None:
    """Distributor Prospect -> Follow-up -> Distributor Signed; orders start after signing."""
    rng = w.rng
    j = Journey(w, MEDICAL, acc, first)
    j.add(clock(rng, first, MEDICAL.hours), "Distributor Prospect", "Meeting")
    j.add(days_later(rng, j.last, 3, 8, MEDICAL), "Follow-up", "Email", todo="Distributor Signed")
    j.add(clock(rng, signed, MEDICAL.hours), "Distributor Signed", "Meeting", todo="Distributor Signed")
    j.finish(close=False)
    acc.erp = w.book.customer(rng, acc.name, "Medical", created=signed)
    acc.type_text = "Distributor"
    distributor_orders(w, acc, signed + timedelta(days=5), rng.uniform(7e6, 9e6))


def prospect_chase(w: World, acc: Account, day: date) -> None:
    j = Journey(w, MEDICAL, acc, day)
    t = clock(w.rng, day, MEDICAL.hours)
    j.add(t, "Distributor Prospect", "Meeting")
    j.add(days_later(w.rng, t, 5, 15, MEDICAL), "Follow-up", "Phone")
    j.finish(close=False)


def order_row(w: World, acc: Account, sale: Sale) -> None:
    rng = w.rng
    day = off_sunday(sale.day - timedelta(days=rng.choice((0, 0, 1))))
    j = Journey(w, MEDICAL, acc, day)
    j.slots.update(amount=naira(sale.amount))
    j.add(clock(rng, day, MEDICAL.hours), "Order", pick(rng, (("WhatsApp", 0.5), ("Email", 0.3),
                                                                   ("Phone", 0.2))), todo="Order")
    j.finish(close=rng.random() < 0.5)


def quality_flag(w: World, acc: Account, day: date) -> None:
    """Resolved on the spot (~35 %) or by a Quality Resolved row 10-90 hours later."""
    rng = w.rng
    j = Journey(w, MEDICAL, acc, day)
    t = clock(rng, day, MEDICAL.hours)
    on_spot = bool(w.deal("flag_on_spot"))
    j.add(t, "Quality Flag", pick(rng, (("Phone", 0.4), ("WhatsApp", 0.4), ("Email", 0.2))),
          todo="Quality Flag", resolved=on_spot)
    if not on_spot:
        j.add(hours_later(rng, t, 10, 90), "Quality Resolved", "Phone", todo="Quality Resolved")
    j.finish(close=True)


def unresolved_flag(w: World, acc: Account) -> None:
    j = Journey(w, MEDICAL, acc, date(2026, 7, 8))
    j.add(datetime(2026, 7, 8, 11, 20), "Quality Flag", "WhatsApp", todo="Quality Flag", resolved=False)
    j.finish(close=False)


def hospital_inquiry(w: World, acc: Account, day: date) -> None:
    rng = w.rng
    j = Journey(w, MEDICAL, acc, day)
    t = clock(rng, day, MEDICAL.hours)
    j.add(t, "Inquiry", pick(rng, (("Phone", 0.4), ("Email", 0.3), ("Meeting", 0.3))))
    if rng.random() < 0.6:
        j.add(days_later(rng, t, 1, 7, MEDICAL), "Follow-up", pick(rng, TALK_CHANNELS))
    j.finish(close=rng.random() < 0.5)


def single(w: World, spec: DivisionSpec, acc: Account, day: date, itype: str, channel: str,
           close: bool, resolved: bool | None = None, kind: str = "") -> None:
    j = Journey(w, spec, acc, day)
    j.add(clock(w.rng, day, spec.hours), itype, channel, kind=kind, resolved=resolved)
    j.finish(close=close)


def hospitality_journeys(w: World, spec: DivisionSpec) -> None:
    """Reservations/appointments (Inquiry -> Follow-up), feedback, complaints, events."""
    rng = w.rng
    people = w.accounts_of(spec.name, "person")
    corporate = [a for a in w.accounts_of(spec.name) if a.kind in ("company", "government")]
    guests = w.accounts_of(spec.name, "walkin") or people
    social = (("Phone", 0.35), ("WhatsApp", 0.35), ("Social Media", 0.15), ("Website", 0.15))
    daily(w, spec, [
        (6.0, lambda d: booking(w, spec, rng.choice(people), d, social)),
        (4.2, lambda d: single(w, spec, rng.choice(guests if rng.random() < 0.6 else people), d,
                               "Feedback", "Walk-in", close=rng.random() < 0.75)),
        (0.7, lambda d: complaint(w, spec, rng.choice(guests + people), d)),
        (0.5, lambda d: booking(w, spec, rng.choice(corporate), d, (("Email", 0.5), ("Phone", 0.5)))),
    ])


def booking(w: World, spec: DivisionSpec, acc: Account, day: date,
            channels: Sequence[tuple[str, float]]) -> None:
    rng = w.rng
    j = Journey(w, spec, acc, day)
    t = clock(rng, day, spec.hours)
    j.add(t, "Inquiry", pick(rng, channels))
    if rng.random() < 0.65:
        j.add(hours_later(rng, t, 0.5, 30), "Follow-up", pick(rng, (("WhatsApp", 0.6), ("Phone", 0.4))))
    if acc.kind != "person" and acc.kind in ("company", "government") and rng.random() < 0.6:
        j.add(days_later(rng, j.last, 2, 8, spec), "Follow-up", "Meeting")
    j.finish(close=rng.random() < 0.6)


def complaint(w: World, spec: DivisionSpec, acc: Account, day: date) -> None:
    rng = w.rng
    j = Journey(w, spec, acc, day)
    t = clock(rng, day, spec.hours)
    fixed = rng.random() < 0.7
    j.add(t, "Complaint", pick(rng, (("Walk-in", 0.5), ("Phone", 0.25), ("Social Media", 0.25))),
          resolved=fixed, todo="Complaint")
    if not fixed:
        j.add(days_later(rng, t, 1, 3, spec), "Follow-up", "Phone", kind="Resolution", todo="Resolution")
    j.finish(close=True)


# (when, logger, account's division, company, type, channel, notes, next action)
COLLABORATIONS = [
    (datetime(2026, 3, 19, 11, 5), "Musa Abdullahi", "Power", "Bluecrest Logistics Nigeria Ltd",
     "Lead", "Meeting", "At fleet handover the MD said the depot generator keeps failing; passed to Power team",
     "Introduce Power sales engineer"),
    (datetime(2026, 4, 22, 15, 40), "Adebayo Okonkwo", "Power", "Harbour Crest Hotel & Suites Ltd",
     "Lead", "Meeting", "Hotel GM wants a second 500 kVA genset for the new wing; passed to Power team",
     "Hand over to Power sales"),
    (datetime(2026, 6, 10, 10, 30), "Nkechi Okoro", "Motors", "Bluecrest Logistics Nigeria Ltd",
     "Inquiry", "Meeting", "During maintenance visit the transport manager asked for 3 Hunter pickups",
     "Pass to Motors fleet sales"),
    (datetime(2026, 6, 24, 14, 10), "Folake Adesina", "Power", "Lagoon Crest Specialist Hospital",
     "Lead", "Meeting", "Facility manager complained about genset downtime; wants a maintenance contract",
     "Introduce Power maintenance team"),
    (datetime(2026, 7, 2, 12, 15), "Ogechi Umeh", "GRAS Restaurant", "Kingsway Trust Bank Plc",
     "Inquiry", "Meeting", "HR manager asked about hosting the bank's staff party at GRAS",
     "Connect with GRAS events team"),
]


def collaboration_rows(w: World) -> None:
    """Rows a colleague logs in their own Hub about another division's account, and the
    other division's answer once its pilot runs."""
    rng = w.rng
    for when, who, division, company, itype, channel, text, action in COLLABORATIONS:
        logger = next(s for s in w.staff if s.name == who)
        acc = next(a for a in w.accounts_of(division) if a.name == company)
        w.events.append(Event(when, acc, acc.contacts[0], itype, channel, text, next_action=action,
                              due=when.date() + timedelta(days=3), logger=logger, fixed_logger=True,
                              workbook=logger.division, division_text=division))
        spec = BY_NAME[division]
        day = off_sunday(max(when.date() + timedelta(days=1), spec.pilot_start + timedelta(days=2)))
        j = Journey(w, spec, acc, day, contact=acc.contacts[0])
        answer = "Qualification Call" if itype == "Lead" else "Follow-up"
        j.add(clock(rng, day, spec.hours), answer, "Phone")
        j.finish(close=False)


# =========================================================================== who logged it
def assign_loggers(w: World, spec: DivisionSpec) -> None:
    """Each pilot week a share of the customer-facing staff logs (the adoption curve);
    a row goes to its handler when they log that week, else to a colleague who does."""
    rng = w.rng
    team = w.team(spec.name)
    diligence = {s.name: rng.uniform(0.5, 1.5) for s in team}
    admin = [s for s in w.team(spec.name, facing=False) if "Administrator" in s.role]
    weeks: dict[date, list[Event]] = {}
    for e in sorted((e for e in w.events if e.workbook == spec.name and not e.fixed_logger),
                    key=lambda e: e.dt):
        weeks.setdefault(monday_of(e.dt.date()), []).append(e)
    for monday, events in weeks.items():
        loggers = weekly_loggers(rng, spec, team, monday, diligence)
        for e in events:
            if admin and e.itype in ("Quote", "Order", "Proposal") and rng.random() < 0.07:
                e.logger = admin[0]
                continue
            able = [s for s in loggers if s.active_on(e.dt.date())] or loggers
            e.logger = e.handler if e.handler in able else pick(rng, [(s, diligence[s.name]) for s in able])
        cover_everyone(rng, events, loggers)


def weekly_loggers(rng: random.Random, spec: DivisionSpec, team: list[Staff], monday: date,
                   diligence: dict[str, float]) -> list[Staff]:
    active = [s for s in team if s.active_in_week(monday)]
    wanted = int(adoption_rate(spec, monday) * len(active) + 0.5)
    pool = [s for s in active if not s.never_logs]
    chosen: list[Staff] = []
    while pool and len(chosen) < wanted:
        s = pick(rng, [(p, diligence[p.name]) for p in pool])
        chosen.append(s)
        pool.remove(s)
    return chosen


def cover_everyone(rng: random.Random, events: list[Event], loggers: list[Staff]) -> None:
    """Make sure every chosen logger has at least one row that week."""
    for person in loggers:
        counts: dict[str, int] = {}
        for e in events:
            counts[e.logger.name] = counts.get(e.logger.name, 0) + 1
        if counts.get(person.name):
            continue
        movable = [e for e in events if counts[e.logger.name] > 1 and e.logger.facing
                   and person.active_on(e.dt.date())]
        if movable:
            rng.choice(movable).logger = person


# =========================================================================== mess
MESS_KINDS = (("dup_same_id", 10.0), ("dup_new_id", 12.0), ("blank_next", 14.0),
              ("missing_due", 12.0), ("channel_case", 10.0), ("type_case", 7.0),
              ("text_date", 9.0), ("bad_date", 2.5), ("due_before", 5.0),
              ("wrong_contact", 6.0), ("account_mismatch", 4.0), ("division_case", 4.0),
              ("missing_contact", 2.0))
FORMS_NO_MESS = {"dup_same_id", "channel_case", "type_case", "text_date", "division_case"}
CHANNEL_SLIPS = {"WhatsApp": ["whatsapp", "WhatsApp ", "Whatsapp"], "Phone": ["Phone ", "phone"],
                 "Email": ["email", "Email "], "Meeting": ["meeting", "Meeting "],
                 "Walk-in": ["walk-in", "Walk-In"], "Social Media": ["social media"],
                 "Website": ["website"]}


def mess_rate(spec: DivisionSpec, day: date) -> float:
    """8 % of rows in the first pilot week, falling to 2 % by week 11."""
    week = max(1, (monday_of(day) - spec.pilot_start).days // 7 + 1)
    return max(0.02, 0.08 - 0.0065 * (week - 1))


def add_mess(w: World, spec: DivisionSpec, events: list[Event]) -> None:
    """Each week, mess_rate of the rows get one mess kind; one colleague's name is also
    spelled two ways."""
    rng = w.rng
    kinds = [(k, wt) for k, wt in MESS_KINDS if not (spec is MEDICAL and k in FORMS_NO_MESS)]
    roster_name, variant_ok, variant_bad = NAME_VARIANTS[spec.name]
    weeks: dict[date, list[Event]] = {}
    for e in events:
        weeks.setdefault(monday_of(e.dt.date()), []).append(e)
    for monday, rows in weeks.items():
        for e in rng.sample(rows, round(mess_rate(spec, monday) * len(rows))):
            kind = pick(rng, kinds)
            e.mess = "blank_next" if kind in ("missing_due", "due_before") and e.due is None else kind
    for e in events:
        if e.logger.name == roster_name:
            r = rng.random()
            e.logged_name = variant_ok if r < 0.1 else (variant_bad if r < 0.12 else "")
    every_kind_once(rng, [k for k, _ in kinds], events, (variant_ok, variant_bad), roster_name)


def every_kind_once(rng: random.Random, kinds: list[str], events: list[Event],
                    variants: tuple[str, str], roster_name: str) -> None:
    """Every mess kind (and both name spellings) shows up at least once per workbook: a
    missing kind replaces a kind drawn twice, else goes to a clean row early in the pilot."""
    early = [e for e in events[: max(20, len(events) // 3)] if not e.fixed_logger]
    for kind in kinds:
        counts = {k: sum(e.mess == k for e in events) for k in kinds}
        if counts[kind]:
            continue
        fits = [e for e in early if e.due is not None or kind not in ("missing_due", "due_before")]
        spare = [e for e in fits if e.mess and counts[e.mess] > 1] or [e for e in fits if not e.mess]
        if spare:
            rng.choice(spare).mess = kind
    own = [e for e in events if e.logger.name == roster_name]
    for variant in variants:
        if own and not any(e.logged_name == variant for e in own):
            rng.choice(own).logged_name = variant


def avoid_accidental_duplicates(events: list[Event]) -> None:
    """Two genuine rows must never look like a double submission (same contact, day,
    channel, type and notes): give the later one its time in the notes."""
    seen: set[tuple[str, date, str, str, str]] = set()
    for e in events:
        key = (e.contact.id, e.dt.date(), e.channel, e.itype, e.notes.strip().casefold())
        if key in seen:
            e.notes = f"{e.notes} ({e.dt:%H:%M})"
        seen.add((e.contact.id, e.dt.date(), e.channel, e.itype, e.notes.strip().casefold()))


def yes_no(rng: random.Random, value: bool | None) -> str | None:
    if value is None:
        return None
    if value:
        return pick(rng, (("Yes", 0.9), ("yes", 0.04), ("Y", 0.03), ("TRUE", 0.03)))
    return pick(rng, (("No", 0.93), ("no", 0.04), ("N", 0.03)))


def text_date(rng: random.Random, dt: datetime) -> str:
    """A valid date typed as text (DMY), sometimes without the time."""
    return rng.choice((f"{dt:%d/%m/%Y %H:%M}", f"{dt.day}.{dt.month}.{dt.year}", f"{dt:%Y-%m-%d}",
                       f"{dt.day}/{dt.month}/{dt.year} {dt.hour}:{dt.minute:02d}"))


def wrong_contact_id(rng: random.Random, contact_id: str) -> str:
    digits = contact_id.split("-")[1]
    return rng.choice((f"CON-{int(digits)}", f"CN-{digits}", f"CON-{digits[1:]}"))


def render(rng: random.Random, e: Event, spec: DivisionSpec, accounts: list[Account]) -> dict[str, object]:
    """The row as typed into the Hub, with this row's mess applied."""
    row: dict[str, object] = {
        "Date": e.dt, "Contact ID": e.contact.id, "Account ID": e.account.id if e.show_account else None,
        "Division": e.division_text, "Channel": e.channel, "Interaction Type": e.itype,
        "Notes": e.notes, "Next Action": e.next_action or None, "Action Due Date": e.due,
        "Logged By": e.logged_name or e.logger.name, "Resolved": yes_no(rng, e.resolved)}
    kind = e.mess
    if kind == "blank_next":
        row["Next Action"], row["Action Due Date"] = None, None
    elif kind == "missing_due":
        row["Action Due Date"] = None
    elif kind == "due_before":
        row["Action Due Date"] = e.dt.date() - timedelta(days=rng.randint(1, 3))
    elif kind == "channel_case":
        row["Channel"] = rng.choice(CHANNEL_SLIPS.get(e.channel, [e.channel.lower()]))
    elif kind == "type_case":
        row["Interaction Type"] = rng.choice((e.itype.lower(), e.itype + " "))
    elif kind == "division_case":
        row["Division"] = rng.choice((spec.name.lower(), spec.name + " "))
    elif kind == "text_date":
        row["Date"] = text_date(rng, e.dt)
    elif kind == "bad_date":
        row["Date"] = None if spec is MEDICAL else rng.choice(("TBD", f"{e.dt:%d/%m/%y}"))
    elif kind == "wrong_contact":
        row["Contact ID"] = wrong_contact_id(rng, e.contact.id)
    elif kind == "missing_contact":
        row["Contact ID"] = None
    elif kind == "account_mismatch":
        row["Account ID"] = rng.choice([a.id for a in accounts if a.id != e.account.id])
    return row


def logged_time(rng: random.Random, dt: datetime, forms: bool) -> datetime:
    """When the row was entered: minutes to a day after the touchpoint (never after LOG_LIMIT)."""
    lo, hi = pick(rng, (((2, 30), 0.5), ((30, 240), 0.3), ((240, 1560), 0.2))) if forms else (1, 180)
    at = dt + timedelta(minutes=rng.randint(lo, hi), seconds=rng.randrange(60) if forms else 0)
    return at if at <= LOG_LIMIT else min(LOG_LIMIT, dt + timedelta(minutes=rng.randint(1, 20)))


@dataclass
class HubRows:
    """The Interactions rows of one workbook and when each was entered."""

    rows: list[dict[str, object]]
    stamps: list[datetime]


def hub_rows(w: World, spec: DivisionSpec, events: list[Event]) -> HubRows:
    rng, out = w.rng, HubRows([], [])
    accounts = w.accounts_of(spec.name)
    forms = spec is MEDICAL
    for e in events:
        row = render(rng, e, spec, accounts)
        stamp = logged_time(rng, e.dt, forms)
        copies = [(row, stamp)]
        if e.mess == "dup_same_id":
            copies.append((row, stamp))            # the same row object: the same ID
        elif e.mess == "dup_new_id":
            twin = dict(row)
            if isinstance(twin["Date"], datetime):
                twin["Date"] = e.dt + timedelta(minutes=rng.randint(1, 4))
            copies.append((twin, stamp + timedelta(minutes=rng.randint(1, 3), seconds=rng.randrange(60))))
        for r, s in copies:
            if forms:
                r.update({"Email": e.logger.email, "Name": r.pop("Logged By")})
            out.rows.append(r)
            out.stamps.append(s)
    order = sorted(range(len(out.rows)), key=lambda i: (out.stamps[i] if forms else 0, i))
    out.rows, out.stamps = [out.rows[i] for i in order], [out.stamps[i] for i in order]
    number_rows(spec, out)
    return out


def number_rows(spec: DivisionSpec, out: HubRows) -> None:
    """Interaction IDs (a same-ID duplicate keeps its twin's ID); Forms Ids and times."""
    n = 0
    for row, stamp in zip(out.rows, out.stamps):
        if spec is MEDICAL:
            n += 1
            row.update({"Id": n, "Completion time": stamp,
                        "Start time": stamp - timedelta(minutes=1 + n % 5, seconds=(n * 37) % 60)})
            continue
        if "Interaction ID" not in row:
            n += 1
            row["Interaction ID"] = f"INT-{spec.prefix}-{n:06d}"


# =========================================================================== workbooks
WB_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
              "strings_to_numbers": False, "in_memory": True}
WIDTHS = {"Interaction ID": 17, "Date": 17, "Contact ID": 12, "Account ID": 12, "Division": 16,
          "Channel": 13, "Interaction Type": 19, "Notes": 62, "Next Action": 34,
          "Action Due Date": 15, "Logged By": 20, "Resolved": 10, "Company Name": 40,
          "Account Type": 13, "Industry": 26, "Address": 48, "Main Phone Number": 19,
          "ERP Customer ID": 16, "Account Owner": 20, "Full Name": 24, "Job Title": 30,
          "Email": 38, "Mobile Number": 18, "Associated Account ID": 21, "Name": 22,
          "Role": 34, "Customer Facing": 16, "Start Date": 12, "Leave Date": 12, "Id": 6,
          "Start time": 19, "Completion time": 19, "Divisions": 18, "Channels": 14,
          "Interaction Types": 22, "Account Types": 15}
LIST_SOURCES = {"Division": "=Lists!$A$2:$A$6", "Channel": "=Lists!$B$2:$B$9",
                "Interaction Type": "=Lists!$C$2:$C$23", "Account Type": "=Lists!$D$2:$D$5"}


class Sheets:
    """Writes the Hub's sheets with the look of a real shared workbook."""

    def __init__(self, path: Path, spec: DivisionSpec) -> None:
        self.wb = xlsxwriter.Workbook(str(path), WB_OPTIONS)
        self.wb.set_properties({"title": f"Interaction Hub - {spec.name}", "author": "Mikano P&BI",
                                "company": "Mikano International Limited (demo data)",
                                "comments": "Generated by scripts/make_demo_data.py",
                                "created": FILE_STAMP})
        self.header = self.wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                          "border": 1, "valign": "vcenter"})
        self.formats = {"dt": self.wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
                        "dts": self.wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
                        "d": self.wb.add_format({"num_format": "dd/mm/yyyy"})}

    def cell(self, ws: Worksheet, r: int, c: int, value: object, column: str) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime):
            ws.write_datetime(r, c, value, self.formats["dts" if column.endswith("time") else "dt"])
        elif isinstance(value, date):
            ws.write_datetime(r, c, datetime.combine(value, time(0)), self.formats["d"])
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value)
        else:
            ws.write_string(r, c, str(value))

    def sheet(self, name: str, columns: list[str], rows: Iterable[dict[str, object]],
              validate: Sequence[str] = ()) -> None:
        ws = self.wb.add_worksheet(name)
        rows = list(rows)
        for c, col in enumerate(columns):
            ws.write_string(0, c, col, self.header)
            ws.set_column(c, c, WIDTHS.get(col, 14))
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(columns):
                self.cell(ws, r, c, row.get(col), col)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(rows)), len(columns) - 1)
        for col in validate:
            c = columns.index(col)
            ws.data_validation(1, c, 20000, c, {"validate": "list", "source": LIST_SOURCES[col],
                                                "error_type": "warning",
                                                "error_message": "Please pick a value from the list."})

    def forms_sheet(self, rows: list[dict[str, object]]) -> None:
        """The Microsoft Forms response table, as Excel Online writes it."""
        ws = self.wb.add_worksheet("Interactions")
        ws.add_table(0, 0, max(1, len(rows)), len(FORMS_COLUMNS) - 1, {
            "name": "Table1", "style": "Table Style Medium 2",
            "columns": [{"header": col} for col in FORMS_COLUMNS]})
        for c, col in enumerate(FORMS_COLUMNS):
            ws.set_column(c, c, WIDTHS.get(col, 14))
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(FORMS_COLUMNS):
                self.cell(ws, r, c, row.get(col), col)
        ws.freeze_panes(1, 0)

    def lists(self, channels: Sequence[str] = ()) -> None:
        columns = {"Divisions": LIST_DIVISIONS, "Channels": [*LIST_CHANNELS, *channels],
                   "Interaction Types": LIST_TYPES, "Account Types": LIST_ACCOUNT_TYPES}
        rows = [{k: v[i] for k, v in columns.items() if i < len(v)}
                for i in range(max(len(v) for v in columns.values()))]
        self.sheet("Lists", list(columns), rows)

    def close(self) -> None:
        self.wb.close()


def account_row(acc: Account) -> dict[str, object]:
    return {"Account ID": acc.id, "Company Name": acc.name, "Division": acc.division,
            "Account Type": acc.type_text, "Industry": acc.industry, "Address": acc.address,
            "Main Phone Number": acc.phone, "ERP Customer ID": acc.erp.code if acc.erp else None,
            "Account Owner": acc.owner}


def account_rows(w: World, spec: DivisionSpec) -> list[dict[str, object]]:
    """The division's accounts; Motors also has one account keyed in twice (same ID)."""
    rows = [account_row(a) for a in w.accounts_of(spec.name)]
    if spec is MOTORS:
        twin = dict(rows[40])
        twin["Company Name"] = str(twin["Company Name"]).replace(" Ltd", " Limited") + " "
        rows.insert(len(rows) - 25, twin)
    return rows


def contact_rows(w: World, spec: DivisionSpec) -> list[dict[str, object]]:
    return [{"Contact ID": c.id, "Full Name": c.name, "Job Title": c.title, "Email": c.email,
             "Mobile Number": c.mobile, "Associated Account ID": c.account_ref}
            for a in w.accounts_of(spec.name) for c in a.contacts]


def staff_rows(w: World, spec: DivisionSpec) -> list[dict[str, object]]:
    rng = w.rng
    return [{"Name": s.name, "Division": s.division, "Role": s.role,
             "Customer Facing": yes_no(rng, s.facing), "Start Date": s.start, "Leave Date": s.leave}
            for s in w.staff if s.division == spec.name]


# Local changes to the template, as divisions make them (the Data status page's "template
# drift"): Power added a State column to its accounts, GRAS a table number to walk-in
# touchpoints and Instagram to its channels. Derived from the rows, never from the random
# stream, so the rest of the demo does not move.
STATES = {"Lagos": "Lagos", "Abuja": "FCT", "Port Harcourt": "Rivers", "Kano": "Kano",
          "Ibadan": "Oyo", "Enugu": "Enugu"}


def with_state(row: dict[str, object]) -> dict[str, object]:
    city = str(row.get("Address") or "").rsplit(",", 1)[-1].strip()
    return {**row, "State": STATES.get(city)}


def with_table_number(row: dict[str, object]) -> dict[str, object]:
    if row.get("Channel") != "Walk-in":
        return row
    key = str(row.get("Interaction ID") or row.get("Date") or "")
    return {**row, "Table No.": f"T{zlib.crc32(key.encode()) % 24 + 1}"}


def write_workbook(w: World, spec: DivisionSpec, rows: HubRows, out: Path) -> Path:
    path = out / spec.workbook
    book = Sheets(path, spec)
    accounts = account_rows(w, spec)
    if spec is POWER:
        book.sheet("Accounts", [*ACCOUNT_COLUMNS, "State"], [with_state(r) for r in accounts],
                   validate=("Division", "Account Type"))
    else:
        book.sheet("Accounts", ACCOUNT_COLUMNS, accounts, validate=("Division", "Account Type"))
    book.sheet("Contacts", CONTACT_COLUMNS, contact_rows(w, spec))
    if spec is MEDICAL:
        book.forms_sheet(rows.rows)
    elif spec is GRAS:
        book.sheet("Interactions", [*INTERACTION_COLUMNS, "Table No."],
                   [with_table_number(r) for r in rows.rows],
                   validate=("Division", "Channel", "Interaction Type"))
    else:
        book.sheet("Interactions", INTERACTION_COLUMNS, rows.rows,
                   validate=("Division", "Channel", "Interaction Type"))
    book.sheet("Staff", STAFF_COLUMNS, staff_rows(w, spec), validate=("Division",))
    book.lists(["Instagram"] if spec is GRAS else ())
    book.close()
    return path


# =========================================================================== ERP export
MAPPING_TOML = """\
# SAP Business One export -> the Hub data contract (shared/spec/hub-data-contract.md).
# Left: our column; right: the SAP header in the CSV.

[customers]
"ERP Customer ID" = "CardCode"
"Customer Name" = "CardName"
Division = "U_Division"
"Created Date" = "CreateDate"

[customers.values.Division]
{codes}
[sales]
"Document ID" = "DocNum"
Date = "DocDate"
"ERP Customer ID" = "CardCode"
Division = "U_Division"
Salesperson = "SlpName"
Amount = "DocTotal"
"Quote ID" = "BaseRef"

[sales.values.Division]
{codes}
[quotes]
"Quote ID" = "DocNum"
Date = "DocDate"
"ERP Customer ID" = "CardCode"
Division = "U_Division"
Salesperson = "SlpName"
Amount = "DocTotal"
Status = "U_Outcome"
"Closed Date" = "CloseDate"

[quotes.values.Status]
O = "Open"
W = "Won"
L = "Lost"

[quotes.values.Division]
{codes}"""


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], sap: bool = False) -> int:
    """UTF-8 CSV; SAP/Excel style (BOM, CRLF) when ``sap``. Returns the number of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if sap else "\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if sap else "").encode("utf-8") + buf.getvalue().encode("utf-8"))
    return count


def finalise_erp(w: World) -> None:
    """Creation dates of new customers, two renamed customers, and document numbers."""
    rng, book = w.rng, w.book
    first: dict[str, date] = {}
    for doc in [*book.quotes, *book.sales]:
        code = doc.customer.code
        first[code] = min(first.get(code, doc.day), doc.day)
    for cust in book.customers:
        if cust.created is None or cust.created > first.get(cust.code, AS_OF):
            start = first.get(cust.code, AS_OF - timedelta(days=rng.randint(10, 400)))
            cust.created = start - timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
    for cust in rng.sample([a.erp for a in w.accounts_of("Motors") if a.erp and a.name.endswith(" Ltd")], 2):
        cust.name = cust.name[:-4] + " Limited"
    book.quotes.sort(key=lambda q: q.day)
    for i, quote in enumerate(book.quotes):
        quote.docnum = 300001 + i
    book.sales.sort(key=lambda s: s.day)
    invoice, credit = 500001, 700001
    for sale in book.sales:
        if sale.amount < 0:
            sale.docnum, credit = credit, credit + 1
        else:
            sale.docnum, invoice = invoice, invoice + rng.choice((1, 1, 1, 2))


def code_of(division: str, blank: bool) -> str:
    return "" if blank else BY_NAME[division].code


def amount_text(amount: float, as_text: bool) -> str:
    return f"₦{amount:,.2f}" if as_text else f"{amount:.2f}"


def sale_rows(book: ErpBook) -> Iterable[list[object]]:
    for s in sorted(book.sales, key=lambda s: s.docnum):
        first = round(s.amount * 0.6, -2)
        parts = [s.amount] if s.lines == 1 else [first, s.amount - first]
        for part in parts:
            yield [s.docnum, s.day.isoformat(), s.customer.code, s.customer.name,
                   code_of(s.division, s.blank_division), s.slp, amount_text(part, s.text_amount),
                   s.quote.docnum if s.quote else ""]


def write_erp(w: World, out: Path) -> dict[str, int]:
    erp, book = out / "erp", w.book
    customers = ([c.code, c.name, BY_NAME[c.division].code, c.created.isoformat()]
                 for c in sorted(book.customers, key=lambda c: c.code))
    quotes = ([q.docnum, q.day.isoformat(), q.customer.code, code_of(q.division, q.blank_division), q.slp,
               f"{q.amount:.2f}", q.outcome, q.close.isoformat() if q.close else ""] for q in book.quotes)
    counts = {
        "customers": write_csv(erp / "customers.csv", ["CardCode", "CardName", "U_Division", "CreateDate"],
                               customers, sap=True),
        "sales": write_csv(erp / "sales.csv", ["DocNum", "DocDate", "CardCode", "CardName", "U_Division",
                                               "SlpName", "DocTotal", "BaseRef"], sale_rows(book), sap=True),
        "quotes": write_csv(erp / "quotes.csv", ["DocNum", "DocDate", "CardCode", "U_Division", "SlpName",
                                                 "DocTotal", "U_Outcome", "CloseDate"], quotes, sap=True)}
    codes = "".join(f'{d.code} = "{d.name}"\n' for d in DIVISIONS)
    (erp / "mapping.toml").write_text(MAPPING_TOML.format(codes=codes), encoding="utf-8")
    return counts


# =========================================================================== reviews & survey
# division -> (reviews a week, platforms, a deck of ratings dealt in shuffled order so
# that any few weeks average close to the deck: GRAS 4.35, Cube 65 4.6)
REVIEW_MIX = {GRAS.name: (5, (("Google", 0.45), ("TripAdvisor", 0.2), ("Facebook", 0.15), ("Instagram", 0.2)),
                          {5: 11, 4: 6, 3: 2, 2: 1}),
              CUBE.name: (4, (("Google", 0.6), ("Facebook", 0.25), ("Instagram", 0.15)),
                          {5: 7, 4: 2, 3: 1})}


def write_reviews(w: World, out: Path) -> int:
    """A few online reviews a week for the restaurant and the clinic since ERP_START."""
    rng, rows = w.rng, []
    decks = {name: Deck(mix[2]) for name, mix in REVIEW_MIX.items()}
    for week in range((AS_OF - ERP_START).days // 7 + 1):
        monday = ERP_START + timedelta(days=7 * week)
        for division, (count, platforms, _ratings) in REVIEW_MIX.items():
            for offset in sorted(rng.randrange(7) for _ in range(count)):
                day = monday + timedelta(days=offset)
                if day <= AS_OF:
                    rows.append([day.isoformat(), division, pick(rng, platforms), decks[division].deal(rng)])
    rows.sort(key=lambda r: r[0])
    return write_csv(out / "reviews.csv", ["Date", "Division", "Platform", "Rating"], rows)


# (division, first day of the round, answers, share of happy answers)
SURVEY_ROUNDS = [("Motors", date(2026, 4, 6), 10, 0.8), ("Motors", date(2026, 5, 18), 11, 0.82),
                 ("Power", date(2026, 6, 8), 9, 0.45)]


def write_survey(w: World, out: Path) -> int:
    """The stakeholder confidence survey as exported from Microsoft Forms."""
    rng, answers = w.rng, []
    for division, first, count, happy in SURVEY_ROUNDS:
        moods = [i < round(count * happy) for i in range(count)]
        rng.shuffle(moods)
        for good in moods:
            done = datetime.combine(first + timedelta(days=rng.randint(0, 4)),
                                    time(rng.randint(8, 18), rng.randrange(60), rng.randrange(60)))
            ease, value = ((rng.choice((4, 4, 5)), rng.choice((4, 5, 5))) if good else
                           (rng.choice((2, 3, 3, 4, 5)), rng.choice((2, 3, 3))))
            comment = rng.choice(SURVEY_COMMENTS["good" if good else "mixed"])
            answers.append([done, division, ease, value, comment])
    answers.append([datetime(2026, 5, 20, 16, 2, 11), "", 4, 4, "Good tool"])
    answers.sort(key=lambda a: a[0])
    rows = [[i, f"{a[0] - timedelta(minutes=3, seconds=i * 7 % 60):%Y-%m-%d %H:%M:%S}",
             f"{a[0]:%Y-%m-%d %H:%M:%S}", "anonymous", "Anonymous", *a[1:]]
            for i, a in enumerate(answers, start=1)]
    return write_csv(out / "survey.csv", ["ID", "Start time", "Completion time", "Email", "Name", "Division",
                                          "Ease of Use", "Value", "Comments"], rows, sap=True)


SETTINGS_TOML = """\
# Demo settings: the as-of date is pinned so the demo never goes stale.
# GRAS Restaurant and Cube 65 Clinic are not declared on purpose: their pilot starts on
# the Monday of their first logged interaction (2026-06-22).
as_of = 2026-07-15
date_order = "DMY"

[divisions.Motors]
pilot_start = 2026-03-02

[divisions.Power]
pilot_start = 2026-05-04

[divisions.Medical]
pilot_start = 2026-06-01

[thresholds]
file_size_mb = 100
open_time_s = 10
steward_hours = 2

[display]
min_n = 10
"""


# =========================================================================== store seed
# division -> (pilot weeks with a review, weeks missed, weeks held without the Hub)
MEETINGS = {"Motors": (range(1, 21), {9}, {3}), "Power": (range(1, 12), {5, 6}, set()),
            "Medical": ((1, 2, 4, 6), set(), set())}
COMMON_DECISIONS = ["Reassign accounts of leavers to active colleagues",
                    "Steward to merge duplicate contacts before Friday",
                    "Pipeline review only from the Hub, no side spreadsheets",
                    "Overdue next actions reviewed first every week"]
DECISIONS = {"Motors": ["Every inquiry gets a reply within 12 hours; WhatsApp alert agreed",
                        "Service quotes approved by the customer before work starts",
                        "Book the first service at every delivery"],
             "Power": ["Log maintenance visits the same day", "Leads passed to an engineer within 4 hours",
                       "Log every discount discussed in negotiations"],
             "Medical": ["Quality flags escalated to QA within 24 hours",
                         "Quarterly business review with each distributor"]}


def steward_of(w: World, division: str) -> Staff:
    return next(s for s in w.team(division, facing=False) if "Steward" in s.role)


def meeting_rows(w: World) -> list[list[object]]:
    rng, rows = w.rng, []
    for division, (weeks, missed, paper) in MEETINGS.items():
        spec, team = BY_NAME[division], w.team(division)
        for week in weeks:
            held = spec.pilot_start + timedelta(days=7 * (week - 1) + rng.choice((0, 0, 0, 1)))
            if week in missed or held > AS_OF:
                continue
            if held == date(2026, 4, 6):                      # Easter Monday
                held += timedelta(days=1)
            start = datetime.combine(held, time(rng.choice((8, 9, 10)), rng.choice((0, 30))))
            actions = "; ".join(f"{s.name} to {a}" for s, a in zip(
                rng.sample([s for s in team if s.active_on(held)], 2),
                rng.sample(["close overdue next actions", "call back open inquiries", "update Account Owners",
                            "chase open quotes", "fix missing due dates", "log last week's visits"], 2)))
            recorded = start + timedelta(hours=rng.randint(1, 5), minutes=rng.randrange(60))
            rows.append([division, held.isoformat(), "false" if week in paper else "true",
                         rng.randint(4, 12), rng.choice(COMMON_DECISIONS + DECISIONS[division]), actions,
                         steward_of(w, division).name, recorded.isoformat()])
    return rows


STEWARD_TREND = {"Motors": (2.6, 1.4), "Power": (1.9, 2.7), "Medical": (1.8, 1.6),
                 "GRAS Restaurant": (1.6, 1.5), "Cube 65 Clinic": (1.4, 1.3)}


def steward_rows(w: World) -> list[list[object]]:
    """Weekly cleaning hours per steward for each complete pilot week (Power above 2)."""
    rng, rows = w.rng, []
    for division, (first, last) in STEWARD_TREND.items():
        spec = BY_NAME[division]
        weeks = (monday_of(AS_OF) - spec.pilot_start).days // 7
        for k in range(weeks):
            monday = spec.pilot_start + timedelta(days=7 * k)
            level = first + (last - first) * k / max(1, weeks - 1) + rng.uniform(-0.2, 0.2)
            friday = datetime.combine(monday + timedelta(days=4), time(16, rng.randrange(60)))
            rows.append([division, monday.isoformat(), round(min(3.0, max(1.0, level)), 1),
                         steward_of(w, division).name, friday.isoformat()])
    return rows


def growth_points(rows: HubRows, reference_rows: int, final_size: int, start: date) -> list[list[object]]:
    """Weekly loads of one workbook: rows then, size in proportion, last change before."""
    stamps = sorted(rows.stamps)
    final_rows = reference_rows + len(stamps)
    moments = [datetime.combine(start + timedelta(days=7 * k), time(8, 30 + k % 25))
               for k in range((AS_OF - start).days // 7 + 1)] + [datetime(2026, 7, 15, 18, 40)]
    points = []
    for at in moments:
        done = [s for s in stamps if s <= at]
        count = reference_rows + len(done)
        modified = done[-1] if done else datetime.combine(start, time(7, 45)) - timedelta(days=3)
        size = final_size if at == moments[-1] else round(final_size * count / final_rows)
        points.append([at.isoformat(), size, modified.replace(microsecond=0).isoformat(), count,
                       round(0.35 + count / 2500, 2)])
    return points


def write_store_seed(w: World, out: Path, hub: dict[str, tuple[HubRows, Path]]) -> dict[str, int]:
    seed, counts = out / "store_seed", {}
    counts["review_meetings"] = write_csv(seed / "review_meetings.csv", ["division", "held_on", "used_hub",
                                          "attendees", "decisions", "actions", "recorded_by", "recorded_at"],
                                          meeting_rows(w))
    counts["steward_hours"] = write_csv(seed / "steward_hours.csv", ["division", "week_start", "hours",
                                        "steward", "recorded_at"], steward_rows(w))
    history, times = [], []
    for spec in DIVISIONS:
        rows, path = hub[spec.name]
        reference = len(account_rows(w, spec)) + len(contact_rows(w, spec)) + len(ROSTERS[spec.name])
        points = growth_points(rows, reference, path.stat().st_size, spec.pilot_start)
        history += [[p[0], spec.workbook, p[1], p[2], p[3], p[4]] for p in points]
        if spec in (MOTORS, POWER):
            times += open_time_rows(w, spec, points)
    history.sort(key=lambda r: (r[0], r[1]))
    counts["load_history"] = write_csv(seed / "load_history.csv", ["loaded_at", "file", "size_bytes",
                                       "modified_at", "rows", "seconds"], history)
    counts["open_times"] = write_csv(seed / "open_times.csv", ["measured_at", "workbook", "seconds",
                                     "size_bytes", "measured_by"], sorted(times))
    counts["requirements"] = write_csv(seed / "requirements.csv", ["id", "raised_on", "division", "raised_by",
                                       "pain_point", "evidence_metric", "status"],
                                       [[f"REQ-{i:03d}", *r] for i, r in enumerate(REQUIREMENTS, start=1)])
    return counts


def open_time_rows(w: World, spec: DivisionSpec, points: list[list[object]]) -> list[list[object]]:
    """Excel open times a steward timed on Fridays (Motors: five, growing; Power: one)."""
    weeks = (2, 5, 8, 12, 16) if spec is MOTORS else (7,)
    rows = []
    for week in weeks:
        at = datetime.combine(spec.pilot_start + timedelta(days=7 * (week - 1) + 4), time(15, 10 + week))
        size = int(points[min(week, len(points) - 1)][1])
        seconds = round(1.8 + 4.6 * week / 20 + w.rng.uniform(-0.2, 0.3), 1)
        rows.append([at.isoformat(), spec.workbook, seconds, size, steward_of(w, spec.name).name])
    return rows


REQUIREMENTS = [
    ("2026-03-10", "Motors", "Chiamaka Eze",
     "WhatsApp messages can't be linked to the contact automatically; we retype them",
     "adoption_rate", "Accepted"),
    ("2026-03-24", "Motors", "Bukola Ogundipe",
     "No duplicate check when a contact is added twice under slightly different names",
     "data_quality_error_rate", "Accepted"),
    ("2026-04-21", "Motors", "Femi Adeleke", "Excel file slow to open on OneDrive from the showroom laptops",
     "open_time_s", "Under review"),
    ("2026-05-12", "Motors", "Musa Abdullahi",
     "Need an automatic reminder when an inquiry has had no reply for 12 hours", "inquiry_response_12h",
     "Accepted"),
    ("2026-05-19", "Power", "Babatunde Adeyemi",
     "Website leads should land in the Hub and alert a sales engineer without retyping",
     "lead_response_hours", "Open"),
    ("2026-06-09", "Power", "Ejiro Omonigho",
     "Cleaning the Hub takes over 2 hours a week; we need validation when the row is entered",
     "steward_hours", "Under review"),
    ("2026-06-23", "Medical", "Ikenna Uzor",
     "Quality flags need photo attachments and a batch-number field", "data_quality_error_rate", "Open"),
    ("2026-07-06", "Motors", "Bukola Ogundipe",
     "One workbook per division keeps growing; archive old years without losing the KPIs",
     "file_size_mb", "Open"),
    ("2026-07-08", "Cube 65 Clinic", "Ogechi Umeh",
     "Patient details in a shared Excel file: staff hesitate to log; need role-based access",
     "adoption_rate", "Open"),
]


# =========================================================================== README & main
def readme(counts: dict[str, int], hub: dict[str, tuple[HubRows, Path]], seed: int) -> str:
    lines = [
        "# Demo data (generated)",
        "",
        "A year in the life of a fictitious Nigerian group with five divisions, as of **15 Jul 2026**",
        "(`as_of` in `settings.toml`). Regenerate it with",
        "",
        "    python scripts/make_demo_data.py            # --out DIR, --seed N (default 20260715)",
        "",
        "Do not edit these files by hand: the generator rewrites them (byte-identical for the same seed).",
        "All names, companies, addresses, phone numbers and e-mail addresses are fictitious; e-mails use",
        "the reserved `.example` domains.",
        "",
        "| file | rows | story |",
        "|---|---|---|",
    ]
    stories = {
        MOTORS.name: "pilot from 2 Mar 2026: adoption 45 % in week 1 to ~85 % by week 8, one person "
                     "never logs; inquiries, 12 h responses, quotes, purchases, service",
        POWER.name: "pilot from 4 May 2026, adoption stuck at 50-70 %; leads, site visits, proposals",
        MEDICAL.name: "Microsoft Forms response table; pilot from 1 Jun 2026; distributors, orders, "
                      "quality flags",
        GRAS.name: "starts logging 22 Jun 2026 (pilot start not declared); reservations, feedback",
        CUBE.name: "starts logging 22 Jun 2026 (pilot start not declared); appointments, feedback",
    }
    for spec in DIVISIONS:
        lines.append(f"| `{spec.workbook}` | {len(hub[spec.name][0].rows)} interactions | {stories[spec.name]} |")
    lines += [
        f"| `erp/customers.csv` | {counts['customers']} | SAP Business One business partners "
        "(CSV UTF-8 with BOM) |",
        f"| `erp/sales.csv` | {counts['sales']} | A/R invoices since 1 Apr 2025; two credit notes, two "
        "line-level documents, some amounts as text |",
        f"| `erp/quotes.csv` | {counts['quotes']} | quotations (Motors) and proposals (Power): O/W/L |",
        "| `erp/mapping.toml` | - | SAP headers and codes mapped onto the Hub data contract |",
        f"| `reviews.csv` | {counts['reviews']} | online reviews of GRAS Restaurant and Cube 65 Clinic |",
        f"| `survey.csv` | {counts['survey']} | stakeholder survey (MS Forms export): Motors weeks 6 "
        "and 12, Power |",
        "| `settings.toml` | - | pinned as-of date, DMY dates, pilot starts, CRM-review thresholds |",
    ]
    for name in ("review_meetings", "steward_hours", "open_times", "load_history", "requirements"):
        lines.append(f"| `store_seed/{name}.csv` | {counts[name]} | seeds the dashboard's own store |")
    lines += [
        "",
        "Data-entry mess is deliberate (2-8 % of rows, falling over each pilot): double submissions, blank",
        "Next Action or due date, `whatsapp` / `Phone ` spellings, dates typed as text (some invalid), a",
        "mistyped Contact ID, an Account ID that differs from the contact's account, a colleague's name",
        "spelled two ways, one duplicate Account ID and one contact pointing at an unknown account.",
        "",
        "Local changes to the master template (the Data status page's template drift): Power added a",
        "`State` column to its Accounts, GRAS Restaurant a `Table No.` column to its Interactions and",
        "`Instagram` to its Channels list.",
        "",
        f"Seed: {seed}.",
        "",
    ]
    return "\n".join(lines)


OWNED_FILES = ["settings.toml", "reviews.csv", "survey.csv", "erp/customers.csv", "erp/sales.csv",
               "erp/quotes.csv", "erp/mapping.toml", "store_seed/review_meetings.csv",
               "store_seed/steward_hours.csv", "store_seed/open_times.csv",
               "store_seed/load_history.csv", "store_seed/requirements.csv"]


def clean_output(out: Path) -> None:
    """Delete the files this script generates (stale workbooks included); keep anything else."""
    for path in [*out.glob("Interaction Hub - *.xlsx"), *(out / f for f in OWNED_FILES)]:
        if path.is_file():
            path.unlink()


def build_world(seed: int) -> World:
    """People, accounts, ERP history, pilot journeys and who logged each row."""
    rng = random.Random(seed)
    w = World(rng, build_staff(rng))
    w.used_names.update(s.name for s in w.staff)
    build_accounts(w)
    motors_erp_history(w)
    power_erp_history(w)
    medical_erp_history(w)
    hospitality_erp_history(w, GRAS, "GL", 600)
    hospitality_erp_history(w, CUBE, "PT", 530)
    motors_journeys(w)
    power_journeys(w)
    medical_journeys(w)
    hospitality_journeys(w, GRAS)
    hospitality_journeys(w, CUBE)
    collaboration_rows(w)
    balance_power_window(w)
    erp_finishing_touches(w)
    promote_buyers(w)
    reassign_leavers(w)
    for spec in DIVISIONS:
        assign_loggers(w, spec)
    finalise_erp(w)
    return w


def reassign_leavers(w: World) -> None:
    """Accounts of colleagues who left during a pilot went to colleagues at the monthly
    review, all but three (still orphans). Their ERP sales keep the leaver's name, so the
    ERP owner and the Hub owner now differ (ownership conflicts)."""
    rng = w.rng
    for spec in DIVISIONS:
        leavers = [s for s in w.team(spec.name) if s.leave is not None and s.leave >= spec.pilot_start]
        current = [s.name for s in w.team(spec.name) if s.leave is None]
        for leaver in leavers:
            owned = [a for a in w.accounts_of(spec.name) if a.owner == leaver.name]
            for acc in rng.sample(owned, max(0, len(owned) - 3)):
                acc.owner = rng.choice(current)


def promote_buyers(w: World) -> None:
    """Prospects that bought during the pilot are Customers now."""
    buyers = {s.customer.code for s in w.book.sales if s.amount > 0}
    for acc in w.accounts:
        if acc.type_text == "Prospect" and acc.erp is not None and acc.erp.code in buyers:
            acc.type_text = "Customer"


def workbook_events(w: World, spec: DivisionSpec) -> list[Event]:
    events = sorted((e for e in w.events if e.workbook == spec.name), key=lambda e: (e.dt, e.contact.id))
    avoid_accidental_duplicates(events)
    add_mess(w, spec, events)
    return events


def generate(out: Path, seed: int) -> dict[str, int]:
    """Write the whole demo folder; returns row counts per output."""
    w = build_world(seed)
    out.mkdir(parents=True, exist_ok=True)
    clean_output(out)
    (out / "settings.toml").write_text(SETTINGS_TOML, encoding="utf-8")
    hub: dict[str, tuple[HubRows, Path]] = {}
    for spec in DIVISIONS:
        rows = hub_rows(w, spec, workbook_events(w, spec))
        hub[spec.name] = (rows, write_workbook(w, spec, rows, out))
    counts = write_erp(w, out)
    counts["reviews"] = write_reviews(w, out)
    counts["survey"] = write_survey(w, out)
    counts.update(write_store_seed(w, out, hub))
    (out / "README.md").write_text(readme(counts, hub, seed), encoding="utf-8")
    counts.update({spec.name: len(hub[spec.name][0].rows) for spec in DIVISIONS})
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: hub_data/demo)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: 20260715)")
    args = parser.parse_args(argv)
    counts = generate(args.out.resolve(), args.seed)
    print(f"Demo data written to {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
