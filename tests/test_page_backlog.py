"""AppTest of pages/backlog.py: on the demo the tiles are metrics.backlog's status counts, the
division link and the owner filter narrow everything, the status control narrows the table,
the downloads are formula-safe workbooks, and viewers get masked contacts."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.store import Store
from metrics import backlog
from metrics import backlog_view as bv
from metrics.calendar import window_ending
from metrics.inputs import workspace
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, contact, interaction, member

PAGE = str(ROOT / "pages" / "backlog.py")
EVIL = '=HYPERLINK("http://evil.example","click")'


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


def _tiles(at: AppTest) -> dict[str, int]:
    """The count tiles: ``data-status`` and the number shown."""
    found = {}
    for block in at.markdown:
        match = re.search(r"data-status='(\w+)'[^>]*>([\d,]+)<", block.value)
        if match:
            found[match.group(1)] = int(match.group(2).replace(",", ""))
    return found


def _table(at: AppTest, column: str = "Status") -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.fixture(scope="module")
def demo():
    hub = HubLoader(DEMO).get()
    return workspace(hub.con, Store.for_settings(hub.settings).read_all()), hub.settings.as_of


def test_demo_tiles_are_the_status_counts(demo) -> None:
    cur, as_of = demo
    at = _run()
    _ok(at)
    assert at.title[0].value == "Next-action backlog"
    assert at.sidebar.selectbox(key="backlog_division").value == "All divisions"
    counts = backlog.status_counts(cur, as_of=as_of, division=None)
    assert _tiles(at) == {s: counts[s] for s in bv.OPEN_STATUSES}
    assert counts["overdue"] > 0 and "✗ act first" in next(
        m.value for m in at.markdown if "data-status='overdue'" in m.value)
    table = _table(at)
    assert len(table) == sum(counts[s] for s in bv.OPEN_STATUSES)   # all open by default
    assert list(table.columns) == list(bv.THREAD_COLUMNS.values())
    # most overdue first: the overdue threads lead, by days overdue
    overdue = table[table["Status"] == "Overdue"]
    assert list(table.index[:len(overdue)]) == list(overdue.index)
    assert overdue["Days overdue"].is_monotonic_decreasing
    # the follow-through tile is the metric's rate
    rate = bv.follow_through(cur, window=window_ending(as_of), as_of=as_of,
                             division=None).result
    tile = next(m.value for m in at.markdown if "Follow-through on next actions" in m.value)
    assert f"{rate.value * 100:.0f} %" in tile
    assert f"{rate.numerator:,} of {rate.denominator:,} actions" in tile
    # aging chart: one bar per bucket, the backlog's counts
    [chart] = at.get("plotly_chart")
    bars = json.loads(chart.proto.spec)["data"][0]
    assert bars["y"] == list(backlog.aging(cur, as_of=as_of)["threads"])


def test_division_link_narrows_everything(demo) -> None:
    cur, as_of = demo
    at = _run(division="motors")
    _ok(at)
    assert at.sidebar.selectbox(key="backlog_division").value == "Motors"
    assert at.query_params["division"] == "Motors"
    counts = backlog.status_counts(cur, as_of=as_of, division="Motors")
    assert _tiles(at) == {s: counts[s] for s in bv.OPEN_STATUSES}
    table = _table(at)
    assert set(table["Division"]) == {"Motors"}
    assert len(table) == sum(counts[s] for s in bv.OPEN_STATUSES)
    assert at.segmented_control(key="backlog_show").options == ["Threads", "People"]
    at.sidebar.selectbox(key="backlog_division").set_value("Power").run()
    _ok(at)
    assert at.query_params["division"] == "Power"
    power = backlog.status_counts(cur, as_of=as_of, division="Power")
    assert _tiles(at) == {s: power[s] for s in bv.OPEN_STATUSES}


def test_owner_filter_narrows_the_table(demo) -> None:
    cur, as_of = demo
    at = _run(division="Motors")
    everyone = len(_table(at))
    owners = at.sidebar.selectbox(key="backlog_owner").options
    assert owners[0] == "Everyone" and "Femi Adeleke" in owners
    at.sidebar.selectbox(key="backlog_owner").set_value("Femi Adeleke").run()
    _ok(at)
    assert at.query_params["owner"] == "Femi Adeleke"
    table = _table(at)
    assert 0 < len(table) < everyone and set(table["Action owner"]) == {"Femi Adeleke"}
    mine = bv.filter_owner(bv.division_threads(cur, as_of=as_of, division="Motors"),
                           "Femi Adeleke")
    assert _tiles(at) == {s: bv.status_counts(mine)[s] for s in bv.OPEN_STATUSES}
    # the account owner instead
    at.sidebar.radio(key="backlog_owner_role").set_value("account").run()
    _ok(at)
    if at.sidebar.selectbox(key="backlog_owner").value == "Femi Adeleke":
        assert set(_table(at)["Account owner"]) == {"Femi Adeleke"}
    # back to everyone: the link loses its owner
    at.sidebar.radio(key="backlog_owner_role").set_value("action").run()
    at.sidebar.selectbox(key="backlog_owner").set_value("Everyone").run()
    _ok(at)
    assert "owner" not in at.query_params and len(_table(at)) == everyone


def test_owner_link_is_honoured() -> None:
    at = _run(division="Motors", owner="femi adeleke")
    _ok(at)
    assert at.sidebar.selectbox(key="backlog_owner").value == "Femi Adeleke"
    assert set(_table(at)["Action owner"]) == {"Femi Adeleke"}


def test_status_control_filters_the_table(demo) -> None:
    cur, as_of = demo
    at = _run()
    counts = backlog.status_counts(cur, as_of=as_of, division=None)
    for status in ("overdue", "due_this_week", "closed"):
        at.segmented_control(key="backlog_status").set_value(status).run()
        _ok(at)
        table = _table(at)
        assert len(table) == counts[status]
        assert set(table["Status"]) == {bv.STATUS_LABELS[status]}
    at.segmented_control(key="backlog_status").set_value("overdue").run()
    assert _table(at)["Days overdue"].is_monotonic_decreasing


def test_people_and_divisions_views(demo) -> None:
    cur, as_of = demo
    at = _run()
    at.segmented_control(key="backlog_show").set_value("People").run()
    _ok(at)
    people = _table(at, "What to pick up")
    expected = bv.status_table(bv.division_threads(cur, as_of=as_of, division=None), "owner")
    assert list(people["Action owner"]) == list(expected["owner"])
    assert list(people["Overdue"]) == list(expected["overdue"])
    assert people["Overdue"].is_monotonic_decreasing
    assert any("not a ranking" in c.value for c in at.caption)
    at.segmented_control(key="backlog_show").set_value("Divisions").run()
    _ok(at)
    divisions = _table(at, "Division")
    for row in divisions.itertuples():
        if row.Division in ("Motors", "Power"):
            assert row.Overdue == backlog.status_counts(cur, as_of=as_of,
                                                        division=row.Division)["overdue"]


def test_exports_open_in_excel_without_formulas(deferred) -> None:
    at = _run(division="Motors")
    _ok(at)
    assert set(deferred) == {"motors-backlog-2026-07-15.xlsx", "motors-backlog-2026-07-15.csv"}
    book = openpyxl.load_workbook(io.BytesIO(deferred["motors-backlog-2026-07-15.xlsx"]()))
    assert book.sheetnames == ["Threads", "Per person", "Aging", "Follow-through"]
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    threads = book["Threads"]
    assert threads["A1"].value == "Next-action backlog · Motors"
    assert threads["A2"].value.startswith("as of 15 Jul 2026 · data loaded ")
    assert threads.max_row - 4 == len(_table(at))     # title, stamp, blank, header
    rows = list(csv.reader(io.StringIO(
        deferred["motors-backlog-2026-07-15.csv"]().decode("utf-8-sig"))))
    assert rows[0] == list(bv.THREAD_COLUMNS.values()) and len(rows) - 1 == len(_table(at))


def test_owner_in_the_file_name(deferred) -> None:
    _ok(_run(division="Power", owner="Rami Khoury"))
    assert "power-backlog-rami-khoury-2026-07-15.xlsx" in deferred


def test_viewers_get_masked_contacts_and_a_lead_sees_their_own(monkeypatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run(division="Motors")
    _ok(at)
    emails = _table(at)["Email"].dropna()
    assert len(emails) and all("•••" in e for e in emails)
    lead = Role("division_lead", division="Motors", email="l@x")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run(division="Motors")
    emails = _table(at)["Email"].dropna()
    assert len(emails) and not any("•••" in e for e in emails)
    at = _run(division="Power")          # another division: as a viewer
    assert all("•••" in e for e in _table(at)["Email"].dropna())


def test_tiny_hub_with_formula_text_exports_safely(make_hub, monkeypatch, deferred) -> None:
    t = dt.datetime(2026, 3, 10, 9)
    hub = make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi", name=EVIL)],
        contacts=[contact("C1", "A1", name="=1+1")],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction("I1", t, "C1", "Inquiry", "Ada Obi", next_action=EVIL,
                                  due=dt.datetime(2026, 3, 12))],
        settings='as_of = 2026-03-16\n')
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    assert _tiles(at) == {"overdue": 1, "due_this_week": 0, "missing_next_action": 0,
                          "no_due_date": 0, "upcoming": 0}
    assert list(_table(at)["Days overdue"]) == [4]
    data = deferred["all-divisions-backlog-2026-03-16.xlsx"]()
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts: set[Any] = {c.value for c in cells}
    assert "'" + EVIL in texts and "'=1+1" in texts
    text = deferred["all-divisions-backlog-2026-03-16.csv"]().decode("utf-8-sig")
    assert "'=1+1" in text


def test_a_long_list_shows_its_most_urgent_threads_and_the_downloads_hold_all(
        deferred, monkeypatch) -> None:
    monkeypatch.setattr("pages._common.LISTED_ROWS", 5)
    at = _run(division="Motors")
    _ok(at)
    table = _table(at)
    assert len(table) == 5
    rows = list(csv.reader(io.StringIO(
        deferred["motors-backlog-2026-07-15.csv"]().decode("utf-8-sig"))))
    assert len(rows) - 1 > 5
    assert list(table["Status"]) == [r[0] for r in rows[1:6]]   # the first of the same order
    # One caption says both how many and how many are listed (not two stacked).
    threads = len(rows) - 1
    book = openpyxl.load_workbook(io.BytesIO(deferred["motors-backlog-2026-07-15.xlsx"]()))
    actions = book["Follow-through"].max_row - 4          # title, stamp, blank, header
    assert actions > 5 and len(_table(at, "Followed up")) == 5
    assert [c.value for c in at.caption if "Listing" in c.value] == [
        f"Listing the first 5 of {actions:,} actions; the XLSX download's Follow-through "
        "sheet has all.",
        f"{threads:,} threads, most overdue first. Listing the first 5; the downloads hold "
        "all of them."]
