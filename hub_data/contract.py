"""The Hub data contract as data: sheets, columns, lists, codes (shared/spec/hub-data-contract.md).

Everything that names a sheet, a column, a list value or a finding code comes from here, so
the readers (workbook.py, erp.py), the SQL (database.py, validate.py) and the metrics never
spell a header twice. Header matching is written once: :func:`normalize_header`.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# Column kinds: how a raw (text) cell is typed in database.py.
TEXT, ID, DATE, LIST, BOOL, NAME, AMOUNT, RATING = (
    "text", "id", "date", "list", "bool", "name", "amount", "rating")


@dataclass(frozen=True)
class ColumnSpec:
    """One contract column: its header, its DuckDB column name, its kind and aliases."""

    name: str
    column: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """One contract sheet (or ERP table): where it loads and which columns it has."""

    name: str
    table: str
    columns: tuple[ColumnSpec, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()

    def column(self, name: str) -> ColumnSpec:
        """The column spec called ``name`` (a contract header)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


C = ColumnSpec

ACCOUNTS = SheetSpec("Accounts", "accounts", (
    C("Account ID", "account_id", ID, True),
    C("Company Name", "company_name", TEXT, True),
    C("Division", "division", LIST, True),
    C("Account Type", "account_type", LIST),
    C("Industry", "industry"),
    C("Address", "address"),
    C("Main Phone Number", "main_phone"),
    C("ERP Customer ID", "erp_customer_id", ID),
    C("Account Owner", "account_owner", NAME),
))

CONTACTS = SheetSpec("Contacts", "contacts", (
    C("Contact ID", "contact_id", ID, True),
    C("Full Name", "full_name", TEXT, True),
    C("Job Title", "job_title"),
    C("Email", "email"),
    C("Mobile Number", "mobile", TEXT, False, ("Mobile", "Phone", "Phone Number")),
    C("Associated Account ID", "account_id", ID, True, ("Account ID",)),
))

# Microsoft Forms response tables: `Id` stands in for Interaction ID (as F-<Id>), `Name`
# for Logged By and `Completion time` is when the entry was logged.
FORMS_ID, FORMS_NAME, FORMS_COMPLETION = "Id", "Name", "Completion time"

INTERACTIONS = SheetSpec("Interactions", "interactions", (
    C("Interaction ID", "interaction_id", ID, True),
    C("Date", "date", DATE, True),
    C("Contact ID", "contact_id", ID, True),
    C("Account ID", "account_id", ID),
    C("Division", "division", LIST),
    C("Channel", "channel", LIST, True),
    C("Interaction Type", "interaction_type", LIST, True, ("Type",)),
    C("Notes", "notes"),
    C("Next Action", "next_action", TEXT, True),
    C("Action Due Date", "due_date", DATE, False, ("Due Date",)),
    C("Logged By", "logged_by", NAME, True),
    C("Resolved", "resolved", BOOL),
    C(FORMS_ID, "forms_id", ID),
    C(FORMS_NAME, "forms_name", NAME),
    C(FORMS_COMPLETION, "logged_at", DATE),
))

STAFF = SheetSpec("Staff", "staff", (
    C("Name", "name", NAME, True, ("Staff Name", "Full Name")),
    C("Division", "division", LIST, True),
    C("Role", "role"),
    C("Customer Facing", "customer_facing", BOOL, True),
    C("Start Date", "start_date", DATE),
    C("Leave Date", "leave_date", DATE),
), required=False, aliases=("Staff Roster", "Roster"))

LISTS = SheetSpec("Lists", "lists", (
    C("Divisions", "divisions"),
    C("Channels", "channels"),
    C("Interaction Types", "interaction_types"),
    C("Account Types", "account_types"),
), required=False)

HUB_SHEETS: tuple[SheetSpec, ...] = (ACCOUNTS, CONTACTS, INTERACTIONS, STAFF, LISTS)

# Interactions columns a Forms table may supply instead: required only when no stand-in exists.
FORMS_STAND_INS = {"Interaction ID": FORMS_ID, "Logged By": FORMS_NAME}

# The headers of the master template: every contract column, in order, without the Forms
# stand-ins (used by the template, the tests' tiny hubs and the benchmark's large hub).
HUB_HEADERS: dict[str, list[str]] = {
    spec.name: [col.name for col in spec.columns if not (
        spec is INTERACTIONS and col.name in (FORMS_ID, FORMS_NAME, FORMS_COMPLETION))]
    for spec in HUB_SHEETS}

ERP_CUSTOMERS = SheetSpec("customers", "erp_customers", (
    C("ERP Customer ID", "erp_customer_id", ID, True),
    C("Customer Name", "customer_name", TEXT, True),
    C("Division", "division", LIST),
    C("Created Date", "created_date", DATE),
))

ERP_SALES = SheetSpec("sales", "erp_sales", (
    C("Document ID", "document_id", ID, True),
    C("Date", "date", DATE, True),
    C("ERP Customer ID", "erp_customer_id", ID, True),
    C("Division", "division", LIST),
    C("Salesperson", "salesperson", NAME),
    C("Amount", "amount", AMOUNT),
    C("Quote ID", "quote_id", ID),
    C("Quantity", "quantity", AMOUNT),
    C("Unit Price", "unit_price", AMOUNT),
))

ERP_QUOTES = SheetSpec("quotes", "erp_quotes", (
    C("Quote ID", "quote_id", ID, True),
    C("Date", "date", DATE, True),
    C("ERP Customer ID", "erp_customer_id", ID, True),
    C("Division", "division", LIST),
    C("Salesperson", "salesperson", NAME),
    C("Amount", "amount", AMOUNT),
    C("Status", "status", TEXT, True),
    C("Closed Date", "closed_date", DATE),
))

ERP_TABLES: tuple[SheetSpec, ...] = (ERP_CUSTOMERS, ERP_SALES, ERP_QUOTES)

REVIEWS = SheetSpec("reviews", "reviews", (
    C("Date", "date", DATE, True),
    C("Division", "division", LIST, True),
    C("Platform", "platform"),
    C("Rating", "rating", RATING, True),
))

SURVEY = SheetSpec("survey", "survey", (
    C("Date", "date", DATE, True, (FORMS_COMPLETION,)),
    C("Division", "division", LIST, True),
    C("Ease of Use", "ease_of_use", RATING, True),
    C("Value", "value", RATING, True),
    C("Comments", "comments"),
))

SIDE_FILES: tuple[SheetSpec, ...] = (REVIEWS, SURVEY)

QUOTE_STATUSES = ("Open", "Won", "Lost")

DEFAULT_LISTS: dict[str, tuple[str, ...]] = {
    "divisions": ("Motors", "Power", "Medical", "GRAS Restaurant", "Cube 65 Clinic"),
    "channels": ("Phone", "WhatsApp", "Meeting", "Email", "Walk-in", "Social Media",
                 "Website", "Other"),
    "interaction_types": (
        "Inquiry", "Follow-up", "Quote", "Test Drive", "Purchase", "Delivery",
        "Service Request", "Complaint", "Lead", "Qualification Call", "Site Visit",
        "Proposal", "Negotiation", "Contract Signed", "Maintenance Visit",
        "Distributor Prospect", "Distributor Signed", "Order", "Quality Flag",
        "Quality Resolved", "Business Review", "Feedback"),
    "account_types": ("Customer", "Prospect", "Distributor", "Partner"),
}

CLOSING_WORDS = ("no further action", "none", "n/a")

# Every KPI id of metrics.md, so settings.toml targets can be checked without importing metrics.
PILOT_KPI_IDS = ("adoption_rate", "data_quality_error_rate", "process_compliance",
                 "stakeholder_confidence")
DIVISION_KPI_IDS: dict[str, tuple[str, ...]] = {
    "Motors": ("qualified_inquiries", "inquiry_response_12h", "inquiry_to_quote_rate",
               "quote_to_purchase_rate", "first_contact_resolution"),
    "Power": ("lead_response_hours", "lead_to_site_visit_rate", "proposal_win_rate",
              "avg_sales_cycle_days"),
    "Medical": ("new_distributors", "distributor_order_frequency", "avg_order_volume_yoy",
                "quality_flag_resolution_hours"),
    "GRAS Restaurant": ("avg_spend_per_customer_yoy", "repeat_customer_rate",
                        "online_review_score"),
    "Cube 65 Clinic": ("avg_spend_per_customer_yoy", "repeat_customer_rate",
                       "online_review_score"),
}
KPI_IDS: tuple[str, ...] = PILOT_KPI_IDS + tuple(dict.fromkeys(
    kpi for ids in DIVISION_KPI_IDS.values() for kpi in ids))

ENTRY_ERROR_CODES = (
    "DUPLICATE", "MISSING_CONTACT", "UNKNOWN_CONTACT", "MISSING_NEXT_ACTION",
    "MISSING_DUE_DATE", "BAD_DATE", "NONSTANDARD_VALUE", "UNKNOWN_STAFF", "ACCOUNT_MISMATCH")

ERROR, WARNING = "error", "warning"
FINDING_SEVERITY: dict[str, str] = {
    **{code: ERROR for code in ENTRY_ERROR_CODES},
    "DUPLICATE_ID": ERROR, "UNKNOWN_ACCOUNT": ERROR, "MISSING_REQUIRED": ERROR,
    "BAD_AMOUNT": ERROR, "BAD_RATING": ERROR, "BAD_VALUE": ERROR,
    "BAD_BOOL": ERROR, "BAD_ID": ERROR,
    "UNKNOWN_CUSTOMER": WARNING, "BAD_EMAIL": WARNING, "BAD_PHONE": WARNING,
    "STAFF_NAME_VARIANT": WARNING, "FORMULA_NO_VALUE": WARNING, "OFF_LIST": WARNING,
}

LOAD_PROBLEM_CODES = (
    "EMPTY_FILE", "NOT_A_WORKBOOK", "DAMAGED", "ENCRYPTED", "LEGACY_FORMAT", "TOO_LARGE",
    "UNSAFE_XML", "MISSING_SHEET", "MISSING_COLUMN", "UNREADABLE", "BAD_SETTINGS",
    "BAD_MAPPING")

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_header(text: object) -> str:
    """A header as compared: NFC, case-folded, runs of space/``_``/``-`` as one space."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    return _SEPARATORS.sub(" ", value).strip().casefold()


def normalize_name(text: object) -> str:
    """A name as compared (metrics.md common rules): NFC, white space collapsed, case-folded."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    return " ".join(value.split()).casefold()


def closest(name: str, candidates: list[str]) -> str | None:
    """The candidate that looks most like ``name`` (for 'did you mean' messages)."""
    by_norm = {normalize_header(c): c for c in candidates if c}
    match = difflib.get_close_matches(normalize_header(name), list(by_norm), n=1, cutoff=0.5)
    if match:
        return by_norm[match[0]]
    words = set(normalize_header(name).split())
    overlapping = [c for key, c in by_norm.items() if words & set(key.split())]
    return overlapping[0] if overlapping else None


def match_columns(spec: SheetSpec, headers: list[object]) -> dict[ColumnSpec, int]:
    """Contract column -> the position of the first header naming it (by name or alias).

    One header may feed several columns (mapping.toml can map two of ours onto one ERP
    header, e.g. an account name that is also its ID).
    """
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        positions.setdefault(normalize_header(header), position)
    found: dict[ColumnSpec, int] = {}
    for col in spec.columns:
        for label in (col.name, *col.aliases):
            position = positions.get(normalize_header(label))
            if position is not None:
                found[col] = position
                break
    return found
