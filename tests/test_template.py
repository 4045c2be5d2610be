"""hub_data/template.py: the master Hub workbook generated from the contract.

It has every contract sheet and header, text formats for IDs, drop-downs from the Lists sheet,
the structure protected and an Interactions table; loaded empty it gives no problem, no
finding and no drift; filled with openpyxl it loads exactly the rows typed into it."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from hub_data import build_database
from hub_data.contract import DEFAULT_LISTS, HUB_HEADERS
from hub_data.template import INTERACTIONS_TABLE, README_SHEET, master_template

GENERATED = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def template() -> bytes:
    return master_template(GENERATED)


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_every_contract_sheet_and_header_in_order(template: bytes) -> None:
    book = _book(template)
    assert book.sheetnames == [README_SHEET, "Accounts", "Contacts", "Interactions", "Staff",
                               "Lists"]
    for sheet, headers in HUB_HEADERS.items():
        assert [c.value for c in book[sheet][1]] == headers, sheet


def test_structure_is_protected_and_header_rows_locked(template: bytes) -> None:
    book = _book(template)
    assert book.security is not None and book.security.lockStructure
    for sheet in ("Accounts", "Contacts", "Staff", "Lists"):
        assert book[sheet].protection.sheet, sheet
        assert book[sheet].protection.insertRows is False  # False = allowed (OOXML inverts)
    # The Form-fed table stays open so it can grow with each response.
    assert not book["Interactions"].protection.sheet


def test_interactions_is_an_excel_table_a_form_can_feed(template: bytes) -> None:
    sheet = _book(template)["Interactions"]
    table = sheet.tables[INTERACTIONS_TABLE]
    assert [c.name for c in table.tableColumns] == HUB_HEADERS["Interactions"]
    assert table.ref.startswith("A1:")


def test_drop_downs_come_from_the_lists_sheet(template: bytes) -> None:
    book = _book(template)
    names = {name: book.defined_names[name].attr_text for name in book.defined_names}
    assert names["HubChannels"].startswith("OFFSET(Lists!$B$2")
    rules = {str(v.sqref): (v.type, v.formula1) for v in book["Interactions"].data_validations.dataValidation}
    assert rules["F2:F1048576"] == ("list", "HubChannels")       # Channel
    assert rules["G2:G1048576"] == ("list", "HubInteractionTypes")
    assert rules["K2:K1048576"] == ("list", "HubStaffNames")     # Logged By: the roster
    assert rules["L2:L1048576"] == ("list", '"Yes,No"')          # Resolved
    assert rules["B2:B1048576"][0] == "date"
    accounts = {str(v.sqref): v.formula1 for v in book["Accounts"].data_validations.dataValidation}
    assert accounts["C2:C1048576"] == "HubDivisions"
    lists = book["Lists"]
    assert [c.value for c in lists["B"][1:] if c.value] == list(DEFAULT_LISTS["channels"])


def test_id_and_phone_columns_are_text_and_dates_are_dates(template: bytes) -> None:
    book = _book(template)
    formats = {c.min: c.number_format for c in book["Accounts"].column_dimensions.values()}
    assert formats[1] == "@"   # Account ID
    assert formats[7] == "@"   # Main Phone Number keeps its leading 0
    interactions = {c.min: c.number_format
                    for c in book["Interactions"].column_dimensions.values()}
    assert interactions[2] == "dd/mm/yyyy hh:mm"   # Date
    assert interactions[10] == "dd/mm/yyyy"        # Action Due Date


def test_the_empty_template_loads_without_a_problem(tmp_path: Path, template: bytes,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "hub.xlsx").write_bytes(template)
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    cur = build_database(tmp_path / "data").cursor()
    assert cur.execute("SELECT count(*) FROM load_problems").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM drift").fetchone()[0] == 0
    assert cur.execute("SELECT status FROM files").fetchall() == [("loaded",)]
    for table in ("accounts", "contacts", "interactions", "staff"):
        assert cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_rows_typed_into_the_template_load_exactly(tmp_path: Path, template: bytes,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book(template)
    book["Accounts"].append(["ACC-1", "Lekki Logistics Ltd", "Motors", "Customer", "Logistics",
                             "Lekki, Lagos", "08031234567", "C-17", "Ada Obi"])
    book["Accounts"].append([12, "Ikeja Cold Stores", "Power", None, None, None, None, None,
                             None])
    book["Contacts"].append(["CON-1", "Emeka Nwosu", "Fleet Manager", "emeka@lekki.ng.example",
                             "0803 123 4567", "ACC-1"])
    book["Contacts"].append(["CON-2", "Halima Yusuf", None, None, None, "12"])
    book["Staff"].append(["Ada Obi", "Motors", "Sales Executive", "Yes",
                          dt.datetime(2025, 1, 6), None])
    book["Interactions"].append(["INT-1", dt.datetime(2026, 6, 10, 9, 30), "CON-1", "ACC-1",
                                 "Motors", "WhatsApp", "Inquiry", "Asked for a fleet quote",
                                 "Send quote", dt.datetime(2026, 6, 12), "Ada Obi", None])
    book["Interactions"].append(["INT-2", dt.datetime(2026, 6, 11, 14, 0), "CON-2", None,
                                 None, "Phone", "Follow-up", None, "No further action", None,
                                 "Ada Obi", "Yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "hub.xlsx").write_bytes(buffer.getvalue())
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    cur = build_database(tmp_path / "data").cursor()
    assert cur.execute("SELECT count(*) FROM load_problems").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM drift").fetchone()[0] == 0
    assert cur.execute("SELECT account_id, company_name, division, account_type, main_phone, "
                       "erp_customer_id, account_owner FROM accounts ORDER BY row_id"
                       ).fetchall() == [
        ("ACC-1", "Lekki Logistics Ltd", "Motors", "Customer", "08031234567", "C-17", "Ada Obi"),
        ("12", "Ikeja Cold Stores", "Power", "Customer", None, None, None)]
    assert cur.execute("SELECT contact_id, account_id FROM contacts ORDER BY row_id"
                       ).fetchall() == [("CON-1", "ACC-1"), ("CON-2", "12")]
    assert cur.execute("SELECT name, division, customer_facing, start_date FROM staff"
                       ).fetchall() == [("Ada Obi", "Motors", True, dt.date(2025, 1, 6))]
    rows = cur.execute("""
        SELECT interaction_id, date, contact_id, account_id, division, channel,
               interaction_type, notes, next_action, due_date, logged_by, resolved
        FROM interactions ORDER BY row_id""").fetchall()
    assert rows == [
        ("INT-1", dt.datetime(2026, 6, 10, 9, 30), "CON-1", "ACC-1", "Motors", "WhatsApp",
         "Inquiry", "Asked for a fleet quote", "Send quote", dt.datetime(2026, 6, 12),
         "Ada Obi", None),
        ("INT-2", dt.datetime(2026, 6, 11, 14, 0), "CON-2", "12", "Power", "Phone",
         "Follow-up", None, "No further action", None, "Ada Obi", True)]
