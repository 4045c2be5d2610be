"""The ERP export: mapping.toml headers and values, line-level sales, amounts, real data."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from hub_data import build_database
from tests.conftest import DATA, tiny_hub

MAVEN = DATA / "real-data" / "maven-crm-sales-opportunities"
UCI = DATA / "real-data" / "uci-online-retail-by-day"


def _erp(folder: Path, files: dict[str, str], mapping: str = "") -> Path:
    tiny_hub(folder)
    erp = folder / "erp"
    erp.mkdir()
    for name, text in files.items():
        (erp / name).write_text(text, encoding="utf-8-sig")
    if mapping:
        (erp / "mapping.toml").write_text(mapping, encoding="utf-8")
    return folder


def test_sap_headers_and_codes_are_mapped(tmp_path: Path) -> None:
    folder = _erp(tmp_path, {
        "customers.csv": "CardCode,CardName,U_Division\nC1,Lekki Logistics Ltd,MOT\n",
        "quotes.csv": "DocNum,DocDate,CardCode,U_Division,SlpName,DocTotal,U_Outcome,CloseDate\n"
                      "9001,2026-03-02,C1,,Ada Obi,\"₦48,500,000.00\",W,05/03/2026\n"
                      "9002,2026-03-03,C1,MOT,Ada Obi,1000,x,\n",
    }, mapping='[customers]\n"ERP Customer ID" = "CardCode"\n"Customer Name" = "CardName"\n'
               'Division = "U_Division"\n[customers.values.Division]\nMOT = "Motors"\n'
               '[quotes]\n"Quote ID" = "DocNum"\nDate = "DocDate"\n"ERP Customer ID" = "CardCode"\n'
               'Division = "U_Division"\nSalesperson = "SlpName"\nAmount = "DocTotal"\n'
               'Status = "U_Outcome"\n"Closed Date" = "CloseDate"\n'
               '[quotes.values.Status]\nO = "Open"\nW = "Won"\nL = "Lost"\n'
               '[quotes.values.Division]\nMOT = "Motors"\n')
    cur = build_database(folder).cursor()
    assert cur.execute("SELECT * FROM erp_customers").fetchall()[0][4:] == (
        "C1", "Lekki Logistics Ltd", "Motors", None)
    assert cur.execute("""SELECT quote_id, date, division, amount, status, closed_date
                          FROM erp_quotes ORDER BY quote_id""").fetchall() == [
        ("9001", dt.date(2026, 3, 2), "Motors", 48_500_000.0, "Won", dt.date(2026, 3, 5)),
        ("9002", dt.date(2026, 3, 3), "Motors", 1000.0, None, None)]
    assert cur.execute("""SELECT "table", "column", value, code FROM findings""").fetchall() == [
        ("erp_quotes", "Status", "x", "BAD_VALUE")]


@pytest.mark.parametrize(("amount", "parsed"), [
    ("1250000", 1_250_000.0), ("₦1,250,000.00", 1_250_000.0), ("NGN 1,250,000", 1_250_000.0),
    (" 1,250,000.50 ", 1_250_000.5), ("(45,000.00)", -45_000.0), ("-45000", -45_000.0),
    ("1.25E+06", 1_250_000.0), ("₦ 0.00", 0.0), ("N/A", None), ("1.250.000,00", None),
    ("12,50,000", None)])
def test_naira_amounts_as_text(tmp_path: Path, amount: str, parsed: float | None) -> None:
    folder = _erp(tmp_path, {"sales.csv": f'Document ID,Date,ERP Customer ID,Amount\n'
                                          f'1,2026-03-02,C1,"{amount}"\n',
                             "customers.csv": "ERP Customer ID,Customer Name\nC1,Lekki\n"})
    cur = build_database(folder).cursor()
    assert cur.execute("SELECT amount FROM erp_sales").fetchone() == (parsed,)
    codes = [c for (c,) in cur.execute("SELECT code FROM findings").fetchall()]
    assert codes == ([] if parsed is not None else ["BAD_AMOUNT"])


def test_unknown_customer_and_bad_mapping(tmp_path: Path) -> None:
    folder = _erp(tmp_path, {"sales.csv": "Document ID,Date,ERP Customer ID,Amount\n1,2026-03-02,C9,5\n",
                             "customers.csv": "ERP Customer ID,Customer Name\nC1,Lekki\n"},
                  mapping='[invoices]\nDate = "DocDate"\n[sales]\nColour = "Red"\n')
    cur = build_database(folder).cursor()
    assert cur.execute("SELECT code FROM findings").fetchall() == [("UNKNOWN_CUSTOMER",)]
    problems = cur.execute("SELECT file, code, message FROM load_problems").fetchall()
    assert [(f, c) for f, c, _ in problems] == [("erp/mapping.toml", "BAD_MAPPING")] * 2
    assert "invoices" in problems[0][2] and "Colour" in problems[1][2]


def test_maven_pipeline_as_quotes_with_a_value_map(tmp_path: Path) -> None:
    folder = tmp_path / "maven"
    tiny_hub(folder)
    erp = folder / "erp"
    erp.mkdir()
    (erp / "quotes.csv").write_bytes((MAVEN / "sales_pipeline.csv").read_bytes())
    with (MAVEN / "accounts.csv").open(encoding="utf-8") as source, \
            (erp / "customers.csv").open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["account", "Division"])
        writer.writerows([row["account"], "Power"] for row in csv.DictReader(source))
    (erp / "mapping.toml").write_text(
        '[quotes]\n"Quote ID" = "opportunity_id"\nDate = "engage_date"\n'
        '"ERP Customer ID" = "account"\nSalesperson = "sales_agent"\nAmount = "close_value"\n'
        'Status = "deal_stage"\n"Closed Date" = "close_date"\n'
        '[quotes.values.Status]\nEngaging = "Open"\nProspecting = "Open"\n'
        '[customers]\n"ERP Customer ID" = "account"\n"Customer Name" = "account"\n',
        encoding="utf-8")
    cur = build_database(folder).cursor()
    assert dict(cur.execute("SELECT status, count(*) FROM erp_quotes GROUP BY ALL").fetchall()) == {
        "Won": 4238, "Lost": 2473, "Open": 2089}
    assert cur.execute("SELECT count(*) FROM erp_customers").fetchone() == (85,)
    assert cur.execute("SELECT DISTINCT division FROM erp_quotes WHERE erp_customer_id IS NOT NULL"
                       ).fetchall() == [("Power",)]
    found = dict(cur.execute("""SELECT code || ' ' || "column", count(*) FROM findings
                                GROUP BY ALL""").fetchall())
    assert found == {"MISSING_REQUIRED ERP Customer ID": 1425,  # pipeline rows without account
                     "MISSING_REQUIRED Date": 500}  # Prospecting rows have no engage_date


def test_uci_invoice_lines_become_documents(tmp_path: Path) -> None:
    folder = tmp_path / "uci"
    tiny_hub(folder)
    erp = folder / "erp"
    erp.mkdir()
    lines = [row for day in sorted(UCI.glob("*.csv"))
             for row in csv.DictReader(day.open(encoding="utf-8"))]
    with (erp / "sales.csv").open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    customers = sorted({row["CustomerID"] for row in lines if row["CustomerID"]})
    (erp / "customers.csv").write_text(
        "CustomerID,Name\n" + "".join(f"{c},{c}\n" for c in customers), encoding="utf-8")
    (erp / "mapping.toml").write_text(
        '[sales]\n"Document ID" = "InvoiceNo"\nDate = "InvoiceDate"\n"ERP Customer ID" = "CustomerID"\n'
        'Quantity = "Quantity"\n"Unit Price" = "UnitPrice"\n'
        '[customers]\n"ERP Customer ID" = "CustomerID"\n"Customer Name" = "Name"\n', encoding="utf-8")
    cur = build_database(folder).cursor()
    assert cur.execute("SELECT count(*), sum(lines) FROM erp_sales").fetchone() == (418, 7419)
    assert cur.execute("SELECT count(*) FROM erp_customers").fetchone() == (255,)
    assert cur.execute("SELECT erp_customer_id, date FROM erp_sales WHERE document_id = '536365'"
                       ).fetchone() == ("17850", dt.date(2010, 12, 1))
    expected = sum(int(r["Quantity"]) * float(r["UnitPrice"]) for r in lines
                   if r["InvoiceNo"] == "536365")
    assert cur.execute("SELECT amount FROM erp_sales WHERE document_id = '536365'"
                       ).fetchone()[0] == pytest.approx(expected)
    assert cur.execute("SELECT count(*) FROM erp_sales WHERE amount < 0").fetchone()[0] == 36
    assert cur.execute("SELECT count(*) FROM erp_sales WHERE erp_customer_id IS NULL"
                       ).fetchone() == (67,)
    codes = {c for (c,) in cur.execute("SELECT DISTINCT code FROM findings").fetchall()}
    assert codes == {"MISSING_REQUIRED"}  # lines without a customer; repeated IDs are lines


def test_erp_workbook_is_read_from_its_first_sheet_and_side_files_are_checked(tmp_path: Path) -> None:
    from tests.conftest import write_xlsx
    tiny_hub(tmp_path)
    (tmp_path / "erp").mkdir()
    write_xlsx(tmp_path / "erp" / "sales.xlsx", {
        "Invoices": [["Document ID", "Date", "ERP Customer ID", "Amount"],
                     [17850.0, D(2026, 3, 2, 16, 57), "C1", 1250.5]],
        "Notes": [["ignored"]]})
    (tmp_path / "erp" / "customers.csv").write_text("ERP Customer ID,Customer Name\nC1,Lekki\n",
                                                    encoding="utf-8")
    (tmp_path / "reviews.csv").write_text("Date,Division,Platform,Rating\n2026-03-01,GRAS Restaurant,"
                                          "Google,5\n2026-03-02,Restaurant,Google,6\n", encoding="utf-8")
    (tmp_path / "survey.csv").write_text(
        "ID,Start time,Completion time,Email,Name,Division,Ease of Use,Value,Comments\n"
        "1,2026-03-01 09:00,2026-03-01 09:05,anonymous,Anonymous,Motors,4,5,Good\n"
        "2,2026-03-01 09:00,2026-03-01 09:06,anonymous,Anonymous,,4,0,\n", encoding="utf-8")
    cur = build_database(tmp_path).cursor()
    assert cur.execute("SELECT document_id, date, amount FROM erp_sales").fetchall() == [
        ("17850", dt.date(2026, 3, 2), 1250.5)]
    assert cur.execute("SELECT date, division, ease_of_use, value FROM survey ORDER BY row_id"
                       ).fetchall() == [(dt.date(2026, 3, 1), "Motors", 4, 5),
                                        (dt.date(2026, 3, 1), None, 4, None)]
    found = cur.execute("""SELECT "table", "column", value, code FROM findings
                           ORDER BY "table", code""").fetchall()
    assert found == [("reviews", "Rating", "6", "BAD_RATING"),
                     ("reviews", "Division", "Restaurant", "OFF_LIST"),
                     ("survey", "Value", "0", "BAD_RATING"),
                     ("survey", "Division", None, "MISSING_REQUIRED")]


D = dt.datetime
