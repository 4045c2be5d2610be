"""Contract tables: one tiny hub per rule of hub-data-contract.md and metrics.md's entry errors.

Each case changes one cell of an otherwise valid hub and names the finding it must give
(code, sheet, column, value) — or none.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hub_data import build_database
from hub_data.contract import FINDING_SEVERITY, closest, normalize_header
from tests.conftest import tiny_hub

D = dt.datetime
BASE = ["INT-1", D(2026, 3, 2, 9, 30), "CON-1", "", "", "Phone", "Inquiry", "Price list",
        "Send quote", D(2026, 3, 5), "Ada Obi", ""]
COLUMNS = ["Interaction ID", "Date", "Contact ID", "Account ID", "Division", "Channel",
           "Interaction Type", "Notes", "Next Action", "Action Due Date", "Logged By", "Resolved"]


def _row(**changes: Any) -> list[Any]:
    row = list(BASE)
    for header, value in changes.items():
        row[COLUMNS.index(header.replace("_", " "))] = value
    return row


CASES = [
    ("valid row", [_row()], []),
    ("closing words need no due date", [_row(Next_Action="No further action", Action_Due_Date="")], []),
    ("N/A closes too", [_row(Next_Action=" n/a ", Action_Due_Date="")], []),
    ("blank contact", [_row(Contact_ID="")], [("MISSING_CONTACT", "Contact ID", None)]),
    ("unknown contact", [_row(Contact_ID="CON-9")], [("UNKNOWN_CONTACT", "Contact ID", "CON-9")]),
    ("blank next action", [_row(Next_Action="", Action_Due_Date="")],
     [("MISSING_NEXT_ACTION", "Next Action", None)]),
    ("real action without due date", [_row(Action_Due_Date="")],
     [("MISSING_DUE_DATE", "Action Due Date", None)]),
    ("text date, day first", [_row(Date="02/03/2026 09:30")], []),
    ("two-digit year", [_row(Date="02/03/26")], [("BAD_DATE", "Date", "02/03/26")]),
    ("month name", [_row(Date="2 Mar 2026")], [("BAD_DATE", "Date", "2 Mar 2026")]),
    ("bare number is not a date", [_row(Date=46083)], [("BAD_DATE", "Date", "46083")]),
    ("blank date", [_row(Date="")], [("BAD_DATE", "Date", None)]),
    ("due date before date", [_row(Action_Due_Date=D(2026, 3, 1))],
     [("BAD_DATE", "Action Due Date", "2026-03-01 00:00:00")]),
    ("due date same day is fine", [_row(Action_Due_Date=D(2026, 3, 2))], []),
    ("due date not a date", [_row(Action_Due_Date="soon")], [("BAD_DATE", "Action Due Date", "soon")]),
    ("channel case", [_row(Channel="whatsapp")], [("NONSTANDARD_VALUE", "Channel", "whatsapp")]),
    ("channel trailing space", [_row(Channel="Phone ")], [("NONSTANDARD_VALUE", "Channel", "Phone ")]),
    ("channel off the list", [_row(Channel="Telegram")], [("NONSTANDARD_VALUE", "Channel", "Telegram")]),
    ("blank type", [_row(Interaction_Type="")], [("NONSTANDARD_VALUE", "Interaction Type", None)]),
    ("division case", [_row(Division="motors")], [("NONSTANDARD_VALUE", "Division", "motors")]),
    ("unknown staff", [_row(Logged_By="Ada Obiora")], [("UNKNOWN_STAFF", "Logged By", "Ada Obiora")]),
    ("blank logged by", [_row(Logged_By="")], [("UNKNOWN_STAFF", "Logged By", None)]),
    ("staff name variant", [_row(Logged_By="ada  OBI")],
     [("STAFF_NAME_VARIANT", "Logged By", "ada  OBI")]),
    ("account mismatch", [_row(Account_ID="ACC-2")], [("ACCOUNT_MISMATCH", "Account ID", "ACC-2")]),
    ("bad yes/no", [_row(Resolved="maybe")], [("BAD_BOOL", "Resolved", "maybe")]),
    ("decimal id", [_row(Interaction_ID=7.5)], [("BAD_ID", "Interaction ID", "7.5")]),
    ("blank interaction id", [_row(Interaction_ID="")],
     [("MISSING_REQUIRED", "Interaction ID", None)]),
    ("same id twice: the later row", [_row(), _row(Notes="other")],
     [("DUPLICATE", "Interaction ID", "INT-1")]),
    ("same content twice", [_row(), _row(Interaction_ID="INT-2", Notes=" PRICE LIST ")],
     [("DUPLICATE", "Interaction ID", "INT-2")]),
    ("same content another day is no duplicate",
     [_row(), _row(Interaction_ID="INT-2", Date=D(2026, 3, 3, 9, 30), Action_Due_Date=D(2026, 3, 6))], []),
    # Cells of white space only are blank (read as empty: the finding has no value).
    ("white-space interaction id", [_row(Interaction_ID=" \u00a0")],
     [("MISSING_REQUIRED", "Interaction ID", None)]),
    ("white-space contact", [_row(Contact_ID="\u00a0 ")],
     [("MISSING_CONTACT", "Contact ID", None)]),
    ("white-space next action", [_row(Next_Action="  ", Action_Due_Date="")],
     [("MISSING_NEXT_ACTION", "Next Action", None)]),
    ("white-space due date", [_row(Action_Due_Date=" ")],
     [("MISSING_DUE_DATE", "Action Due Date", None)]),
    ("white-space channel", [_row(Channel="\u3000")],
     [("NONSTANDARD_VALUE", "Channel", None)]),
    ("white-space resolved is blank, not a bad yes/no", [_row(Resolved=" ")], []),
    ("own account agrees with the contact's", [_row(Account_ID="ACC-1")], []),
    ("account of a contact not in Contacts", [_row(Contact_ID="CON-9", Account_ID="ACC-2")],
     [("UNKNOWN_CONTACT", "Contact ID", "CON-9")]),
    ("whole-number id typed as a number", [_row(Interaction_ID=12.0)], []),
    ("no contact is never a content duplicate",
     [_row(Contact_ID=""), _row(Interaction_ID="INT-2", Contact_ID="")],
     [("MISSING_CONTACT", "Contact ID", None)] * 2),
]


@pytest.mark.parametrize(("rows", "expected"), [(r, e) for _, r, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_interaction_rule(tmp_path: Path, rows: list[list[Any]],
                          expected: list[tuple[str, str, str | None]]) -> None:
    tiny_hub(tmp_path, interactions=rows)
    cur = build_database(tmp_path).cursor()
    found = cur.execute("""SELECT code, "column", value, severity FROM findings
                           WHERE sheet = 'Interactions' ORDER BY row_id, code""").fetchall()
    assert [f[:3] for f in found] == expected
    assert all(severity == FINDING_SEVERITY[code] for code, _, _, severity in found)


def test_people_rules(tmp_path: Path) -> None:
    from tests.conftest import HUB_HEADERS, write_xlsx
    write_xlsx(tmp_path / "hub.xlsx", {
        "Accounts": [HUB_HEADERS["Accounts"],
                     ["ACC-1", "Lekki Ltd", "Motors", "Customer", "", "", "0803 123 4567", "", "Ada Obi"],
                     ["ACC-1", "Repeat Ltd", "Motors", "", "", "", "", "", ""],
                     ["ACC-2", "Ikeja Ltd", "Power ", "customer", "", "", "12", "", "ADA OBI"],
                     ["ACC-3", "", "Construction", "Client", "", "", "", "", ""]],
        "Contacts": [HUB_HEADERS["Contacts"],
                     ["CON-1", "Emeka", "", "emeka@lekki", "0803-123-4567", "ACC-1"],
                     ["CON-2", "Halima", "", "halima@ikeja.example", "(0803) 123 4567", "ACC-9"]],
        "Interactions": [HUB_HEADERS["Interactions"]],
        "Staff": [HUB_HEADERS["Staff"], ["Ada Obi", "Motors", "", "Yes", "", ""],
                  ["ada obi", "Motors", "", "Yes", "", ""],
                  ["Musa", "motors", "", "sometimes", "01/13/2026", ""]],
    })
    cur = build_database(tmp_path).cursor()
    found = cur.execute("""SELECT sheet, excel_row, "column", code FROM findings
                           ORDER BY sheet, excel_row, "column" """).fetchall()
    assert found == [
        ("Accounts", 3, "Account ID", "DUPLICATE_ID"),
        ("Accounts", 4, "Account Owner", "STAFF_NAME_VARIANT"),
        ("Accounts", 4, "Account Type", "OFF_LIST"),
        ("Accounts", 4, "Division", "OFF_LIST"),
        ("Accounts", 4, "Main Phone Number", "BAD_PHONE"),
        ("Accounts", 5, "Account Type", "OFF_LIST"),
        ("Accounts", 5, "Company Name", "MISSING_REQUIRED"),
        ("Accounts", 5, "Division", "OFF_LIST"),
        ("Contacts", 2, "Email", "BAD_EMAIL"),
        ("Contacts", 3, "Associated Account ID", "UNKNOWN_ACCOUNT"),
        ("Staff", 3, "Name", "DUPLICATE_ID"),
        ("Staff", 4, "Customer Facing", "BAD_BOOL"),
        ("Staff", 4, "Division", "OFF_LIST"),
        ("Staff", 4, "Start Date", "BAD_DATE"),
    ]
    assert cur.execute("SELECT division, account_type FROM accounts WHERE account_id = 'ACC-2'"
                       ).fetchone() == ("Power", "Customer")  # mapped, still flagged
    assert cur.execute("SELECT company_name FROM accounts WHERE account_id = 'ACC-1'").fetchone() == (
        "Lekki Ltd",)  # the first row wins


def test_a_lists_sheet_replaces_the_default_for_its_workbook(tmp_path: Path) -> None:
    from tests.conftest import HUB_HEADERS, write_xlsx
    write_xlsx(tmp_path / "hub.xlsx", {
        "Accounts": [HUB_HEADERS["Accounts"], ["ACC-1", "Lekki", "Motors", "", "", "", "", "", ""]],
        "Contacts": [HUB_HEADERS["Contacts"], ["CON-1", "Emeka", "", "", "", "ACC-1"]],
        "Interactions": [HUB_HEADERS["Interactions"],
                         _row(Channel="Telegram"), _row(Interaction_ID="INT-2", Channel="Phone")],
        "Staff": [HUB_HEADERS["Staff"], ["Ada Obi", "Motors", "", "Yes", "", ""]],
        "Lists": [["Channels", "Divisions"], ["Telegram", None]],
    })
    cur = build_database(tmp_path).cursor()
    assert cur.execute("""SELECT value FROM findings WHERE code = 'NONSTANDARD_VALUE'""").fetchall() == [
        ("Phone",)]  # the workbook's own Channels list, not the default
    assert cur.execute("""SELECT source_sheet, source_row FROM lists WHERE source_file = 'hub.xlsx'
                          AND list = 'channels'""").fetchall() == [("Lists", 2)]
    assert cur.execute("""SELECT count(*) FROM lists WHERE source_file = 'hub.xlsx'
                          AND list = 'divisions' AND source_row IS NULL""").fetchone() == (5,)


@pytest.mark.parametrize(("header", "normalised"), [
    ("Account ID", "account id"), ("account_id", "account id"), ("  ACCOUNT-ID ", "account id"),
    ("Account\u00a0ID", "account id")])
def test_header_normalisation(header: str, normalised: str) -> None:
    assert normalize_header(header) == normalised


def test_closest_header_for_messages() -> None:
    assert closest("Contact ID", ["Full Name", "Contact Identifier"]) == "Contact Identifier"
    assert closest("Contacts", ["Accounts", "Contact List", "Staff"]) == "Contact List"


def test_template_headers_are_the_contracts() -> None:
    from hub_data.contract import HUB_HEADERS
    assert HUB_HEADERS == {
        "Accounts": ["Account ID", "Company Name", "Division", "Account Type", "Industry",
                     "Address", "Main Phone Number", "ERP Customer ID", "Account Owner"],
        "Contacts": ["Contact ID", "Full Name", "Job Title", "Email", "Mobile Number",
                     "Associated Account ID"],
        "Interactions": ["Interaction ID", "Date", "Contact ID", "Account ID", "Division",
                         "Channel", "Interaction Type", "Notes", "Next Action",
                         "Action Due Date", "Logged By", "Resolved"],
        "Staff": ["Name", "Division", "Role", "Customer Facing", "Start Date", "Leave Date"],
        "Lists": ["Divisions", "Channels", "Interaction Types", "Account Types"],
    }


def test_every_finding_code_of_the_contract_has_a_rule() -> None:
    from hub_data import validate
    codes = {c.code for c in validate._checks_interactions() + validate._checks_people()
             + validate._checks_erp()} | {"FORMULA_NO_VALUE"}
    assert codes == set(FINDING_SEVERITY)
