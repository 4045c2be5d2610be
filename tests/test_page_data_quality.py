"""AppTest of pages/data_quality.py: the demo renders every view with the metric functions'
numbers, the filters drive the fix list, the downloads are formula-safe and roles are kept."""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from metrics import data_quality as dq
from metrics.calendar import week_of, window_ending
from metrics.formatting import percent
from tests.conftest import DEMO, ROOT, page_ok, run_page
from tests.hubfactory import account, contact, interaction, member

PAGE = str(ROOT / "pages" / "data_quality.py")
T = dt.datetime
AS_OF = dt.date(2026, 3, 18)
EVIL = '=HYPERLINK("http://evil.example","click")'


def _run(**state: Any) -> AppTest:
    return run_page(PAGE, state=state)


_ok = page_ok


def _tile(at: AppTest, label: str) -> str:
    return next(m.value for m in at.markdown if label in m.value)


@pytest.fixture
def demo_cursor():
    hub = HubLoader(DEMO).get()
    return hub.cursor(), hub.settings.as_of


def test_demo_runs_and_shows_the_metric_values(demo_cursor) -> None:
    cur, as_of = demo_cursor
    at = _run()
    _ok(at)
    assert at.title[0].value == "Data quality"
    this_week = dq.window_error_rate(cur, window=week_of(as_of), as_of=as_of)
    recent = dq.window_error_rate(cur, window=window_ending(as_of), as_of=as_of)
    assert percent(this_week.value) in _tile(at, "Entry errors this week")
    assert f"{this_week.numerator} of {this_week.denominator} entries" in _tile(
        at, "Entry errors this week")
    assert percent(recent.value) in _tile(at, "Entry errors, 28 days")
    assert "target &lt; 10 %" in _tile(at, "Entry errors, 28 days")
    metrics = {m.label: m.value for m in at.metric}
    rows, undated = dq.rows_to_fix(cur, as_of=as_of)
    assert metrics == {"Entries, 28 days": f"{recent.denominator:,}", "Rows to fix": f"{rows:,}"}
    table = at.dataframe[0].value
    expected = dq.fix_list(cur, as_of=as_of)
    assert len(table) == len(expected) > 0
    assert list(table["row_id"]) == list(expected["row_id"])
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download XLSX", "Download CSV"]


def test_filters_change_the_fix_list(demo_cursor) -> None:
    cur, as_of = demo_cursor
    at = _run()
    everything = len(at.dataframe[0].value)
    at.selectbox(key="data_quality_division").set_value("Motors").run()
    _ok(at)
    motors = dq.fix_list(cur, as_of=as_of, division="Motors")
    assert len(at.dataframe[0].value) == len(motors) < everything
    at.multiselect(key="data_quality_codes").set_value(["MISSING_NEXT_ACTION"]).run()
    _ok(at)
    shown = at.dataframe[0].value
    assert set(shown["code"]) == {"MISSING_NEXT_ACTION"}
    assert len(shown) == len(dq.fix_list(cur, as_of=as_of, division="Motors",
                                         codes=["MISSING_NEXT_ACTION"]))
    person = shown["logged_by"].iloc[0]
    at.selectbox(key="data_quality_logger").set_value(person).run()
    _ok(at)
    assert set(at.dataframe[0].value["logged_by"]) == {person}
    week = dq.filter_options(cur, as_of=as_of, division="Motors")["weeks"][0]
    at.selectbox(key="data_quality_week").set_value(week).run()
    _ok(at)
    expected = dq.fix_list(cur, as_of=as_of, division="Motors", week_start=week,
                           codes=["MISSING_NEXT_ACTION"], logged_by=person)
    if expected.empty:
        assert any("Nothing to fix for this selection" in s.value for s in at.success)
    else:
        assert len(at.dataframe[0].value) == len(expected)
    at.toggle(key="data_quality_all").set_value(True).run()
    _ok(at)


def test_every_view_renders_on_the_demo(demo_cursor) -> None:
    cur, as_of = demo_cursor
    at = _run()
    at.segmented_control(key="data_quality_view").set_value("Trends").run()
    _ok(at)
    assert len(at.get("plotly_chart")) == 2
    at.segmented_control(key="data_quality_view").set_value("Coaching").run()
    _ok(at)
    people = dq.error_rate_by_logger(cur, as_of=as_of)
    shown = at.dataframe[0].value
    assert list(shown["logged_by"]) == list(people["logged_by"].fillna("(blank)"))
    assert list(shown["entries_with_errors"]) == list(people["entries_with_errors"])
    at.segmented_control(key="data_quality_view").set_value("Possible duplicates").run()
    _ok(at)
    assert len(at.dataframe[0].value) == len(dq.duplicate_candidates(cur))


@pytest.fixture
def tiny(make_hub, monkeypatch: pytest.MonkeyPatch):
    """A Motors hub as of 18 Mar 2026: I1 carries text that looks like formulas (unknown
    contact and staff); I2 misses its due date; C1 and C2 share a mobile number."""
    hub = make_hub(
        accounts=[account("A1", "Motors", name="Lekki Logistics Ltd")],
        contacts=[{**contact("C1", "A1", name="Emeka Nwosu"), "Mobile Number": "0803 123 4567",
                   "Email": "emeka@lekki.example"},
                  {**contact("C2", "A1", name="Halima Yusuf"),
                   "Mobile Number": "0803 123 4567"}],
        staff=[member("Ada Obi", "Motors")],
        interactions=[
            interaction("I1", T(2026, 3, 16, 9), "=1+1", "Inquiry", EVIL, division="Motors"),
            interaction("I2", T(2026, 3, 17, 9), "C1", "Follow-up", "Ada Obi", due=""),
            interaction("I3", T(2026, 3, 17, 10), "C2", "Inquiry", "Ada Obi")],
        settings="as_of = 2026-03-18\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def test_downloads_are_formula_safe(tiny, deferred) -> None:
    at = _run()
    _ok(at)
    assert set(deferred) == {"data-quality-fix-list-2026-03-18.xlsx",
                             "data-quality-fix-list-2026-03-18.csv"}
    book = openpyxl.load_workbook(io.BytesIO(deferred["data-quality-fix-list-2026-03-18.xlsx"]()))
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells}
    assert "'=1+1" in texts and "'" + EVIL in texts
    assert {"Workbook", "Excel row", "What to do"} <= texts
    assert any(str(v).startswith("Add an Action Due Date") for v in texts)
    rows = list(csv.reader(io.StringIO(
        deferred["data-quality-fix-list-2026-03-18.csv"]().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Workbook", "Excel row", "Column"] and len(rows) == 4
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    at.selectbox(key="data_quality_division").set_value("Motors").run()
    assert "motors-data-quality-fix-list-2026-03-18.xlsx" in deferred
    at.segmented_control(key="data_quality_view").set_value("Possible duplicates").run()
    _ok(at)
    assert "possible-duplicates-2026-03-18.xlsx" in deferred


def test_viewers_get_no_coaching_and_masked_contacts(tiny, monkeypatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x.example"))
    at = _run()
    _ok(at)
    assert "Coaching" not in at.segmented_control(key="data_quality_view").options
    at.segmented_control(key="data_quality_view").set_value("Possible duplicates").run()
    _ok(at)
    pairs = at.dataframe[0].value
    assert list(pairs["phone"]) == ["0803 ••• 4567"]
    lead = Role("division_lead", division="Motors", email="l@x")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run(data_quality_view="Coaching")          # all divisions: a lead is a viewer there
    _ok(at)
    assert not at.dataframe and "Motors only" in at.info[-1].value
    at = _run(data_quality_view="Coaching", data_quality_division="Motors")
    _ok(at)
    assert list(at.dataframe[0].value["logged_by"]) == [EVIL, "Ada Obi"]
    monkeypatch.setattr("pages._common.current_role", lambda: Role("steward", email="s@x"))
    at = _run(data_quality_view="Possible duplicates")
    assert list(at.dataframe[0].value["phone"]) == ["0803 123 4567"]
    assert "Coaching" in at.segmented_control(key="data_quality_view").options


def test_empty_states(make_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", "Motors")],
                   interactions=[interaction("I1", T(2026, 3, 17, 9), "C1", "Inquiry",
                                             "Ada Obi")],
                   settings="as_of = 2026-03-18\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    assert any("No entry errors — nothing to fix" in s.value for s in at.success)
    assert not at.dataframe
    assert {m.label: m.value for m in at.metric}["Rows to fix"] == "0"
    assert "too few data (n = 1)" in _tile(at, "Entry errors this week")
    at.segmented_control(key="data_quality_view").set_value("Trends").run()
    _ok(at)
    assert any("nothing to fix" in s.value for s in at.success)
    at.segmented_control(key="data_quality_view").set_value("Possible duplicates").run()
    _ok(at)
    assert any("No possible duplicates" in s.value for s in at.success)
