"""Downloads: formula-safe text, numbers kept, one sheet per table, frozen header, filter."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from metrics.exports import file_name, safe_text, to_csv, to_xlsx

HOSTILE = pd.DataFrame({
    "note": ["=HYPERLINK(\"http://x\",\"y\")", "+2348031234567", "-1", "@SUM(A1)", "\tx",
             "plain"],
    "amount": [1250000.0, -5.0, 0.0, 3.5, float("nan"), 7.0],
    "date": [dt.date(2026, 6, 15)] * 6,
})


def test_text_that_would_run_gets_an_apostrophe_numbers_stay_numbers():
    assert safe_text("=1+1") == "'=1+1" and safe_text("Lagos") == "Lagos"
    assert safe_text(-1) == -1
    text = to_csv(HOSTILE).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+234" in text and "\n'-1," in text
    assert ",-5.0," in text  # a negative number is not text


def test_xlsx_has_a_sheet_per_table_and_no_live_formula():
    data = to_xlsx({"Fix list": HOSTILE, "Per code": pd.DataFrame({"code": ["BAD_DATE"],
                                                                   "rows": [3]})},
                   title="Fix list", stamp="as of 15 Jun 2026")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Fix list", "Per code"]
    sheet = book["Fix list"]
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A5"].value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert sheet["B5"].value == 1250000 and sheet["B6"].value == -5
    assert sheet["C5"].is_date


def test_file_names_say_what_and_when():
    assert file_name("Motors backlog", dt.date(2026, 6, 15), "xlsx") == \
        "motors-backlog-2026-06-15.xlsx"
