"""CRM readiness (metrics/crm_readiness.py): the projections worked by hand on points chosen
for round numbers, the ranking rule on a tiny example, and the CRM Requirements Document
(XLSX opens and is formula-safe, Markdown and HTML escaped).

T = Sun 15 Feb 2026. The hub's own workbook is a few KB; the store rows are seeded.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from metrics import crm_readiness as crm
from metrics.triggers import MB, Line, crm_triggers, fit_line, projection
from tests.hubfactory import account, member, module_hub

T = dt.date(2026, 2, 15)
LOADED = dt.datetime(2026, 2, 15, 8, 30)
EVIL = '=HYPERLINK("http://evil.example","click")'


def loaded(modified: dt.datetime, megabytes: float, file: str = "hub.xlsx") -> dict:
    return {"loaded_at": modified + dt.timedelta(hours=1), "file": file,
            "size_bytes": int(megabytes * MB), "modified_at": modified, "rows": 10,
            "seconds": 0.5}


def opened(when: dt.datetime, seconds: float, workbook: str = "hub.xlsx") -> dict:
    return {"measured_at": when, "workbook": workbook, "seconds": seconds, "size_bytes": 1000,
            "measured_by": "Steward"}


def hours(division: str, week_start: dt.date, value: float) -> dict:
    return {"division": division, "week_start": week_start, "hours": value,
            "steward": "Steward", "recorded_at": dt.datetime.combine(week_start, dt.time(17))}


def requirement(req_id: str, raised_on: dt.date, division: str, metric: str,
                pain: str = "A pain point") -> dict:
    return {"id": req_id, "raised_on": raised_on, "division": division, "raised_by": "Ngozi Obi",
            "pain_point": pain, "evidence_metric": metric, "status": "Open"}


MON = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(6)]  # 5 Jan .. 9 Feb
STORE = {
    # File size of hub.xlsx: 20, 40, 60 MB at 1, 11, 21 Jan (x = 0, 10, 20 days): an exact
    # line of 2 MB a day from 20 MB -> 100 MB at x = 40 -> 10 Feb 2026.
    "load_history": [loaded(dt.datetime(2026, 1, 1), 20), loaded(dt.datetime(2026, 1, 11), 40),
                     loaded(dt.datetime(2026, 1, 21), 60)],
    # Open times of hub.xlsx: 4, 6, 8 s on 1, 8, 15 Feb at 09:00 -> 2 s a week; 10 s one week
    # after the last -> 22 Feb 2026. other.xlsx's 30 s on 10 Feb is drawn, not fitted (the
    # latest measurement, the trigger's 8 s, is hub.xlsx's); fitting all four points would
    # give another date.
    "open_times": [opened(dt.datetime(2026, 2, 1, 9), 4), opened(dt.datetime(2026, 2, 8, 9), 6),
                   opened(dt.datetime(2026, 2, 10, 9), 30, "other.xlsx"),
                   opened(dt.datetime(2026, 2, 15, 9), 8)],
    # Steward hours. Motors: 1, 1.25, 1.5, 1.75 h in the weeks of 5 .. 26 Jan -> 0.25 h a
    # week from 1 h; 2 h after 4 weeks = 2 Feb 2026; its 4-week mean 1.375 (under 2).
    # Power: 3, 2.5, 2.5 h (9 Jan .. 9 Feb weeks) -> mean 2.667 > 2: fires, falling.
    # Medical: two weeks -> too few points for a projection.
    "steward_hours": [hours("Motors", MON[0], 1), hours("Motors", MON[1], 1.25),
                      hours("Motors", MON[2], 1.5), hours("Motors", MON[3], 1.75),
                      hours("Power", MON[3], 3), hours("Power", MON[4], 2.5),
                      hours("Power", MON[5], 2.5),
                      hours("Medical", MON[4], 1), hours("Medical", MON[5], 1.5)],
    "requirements": [
        requirement("REQ-001", dt.date(2026, 1, 10), "Motors", "file_size_mb", EVIL),
        requirement("REQ-002", dt.date(2026, 1, 12), "Power", "steward_hours",
                    "Cleaning takes *hours* | <b>every</b> week"),
        requirement("REQ-003", dt.date(2026, 1, 5), "Motors", "open_time_s"),
        requirement("REQ-004", dt.date(2026, 1, 3), "Motors", "no_such_metric"),
        requirement("REQ-005", dt.date(2026, 2, 1), "Motors", "steward_hours"),
        requirement("REQ-006", dt.date(2026, 3, 1), "Motors", "open_time_s"),  # after T
    ],
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    return module_hub(tmp_path_factory, "crm", accounts=[account("A1", "Motors")],
                      staff=[member("Ada Obi", "Motors")], store=STORE)


@pytest.fixture(scope="module")
def view(hub):
    return crm.readiness(hub.workspace(), as_of=T, settings=hub.settings)


@pytest.fixture(scope="module")
def log(hub, view):
    return crm.requirements_log(hub.workspace(), as_of=T, settings=hub.settings,
                                triggers=view.triggers)


# ------------------------------------------------------------------------------ projection
def test_line_and_projection_by_hand() -> None:
    points = [(dt.datetime(2026, 1, 1), 20.0), (dt.datetime(2026, 1, 11), 40.0),
              (dt.datetime(2026, 1, 21), 60.0)]
    line = fit_line(points)
    assert line == Line(dt.datetime(2026, 1, 1), pytest.approx(2.0), pytest.approx(20.0))
    assert line.value_at(dt.datetime(2026, 1, 31)) == pytest.approx(80.0)
    assert line.crossing(100) == dt.datetime(2026, 2, 10)
    found = projection(points, 100)
    assert (found.date, found.reason, found.points) == (dt.date(2026, 2, 10), None, 3)
    assert projection(points[:2], 100).reason == "too few points"
    assert projection(points[::-1][:1] + [(dt.datetime(2026, 2, 1), 10.0),
                                          (dt.datetime(2026, 2, 2), 5.0)],
                      100).reason == "not rising"
    assert projection(points, 50).reason == "already over the threshold"


def test_size_history_projects_the_hand_computed_date(hub, view) -> None:
    history = view.histories["file_size_mb"]
    assert list(history.points["value"]) == pytest.approx([20.0, 40.0, 60.0])
    assert history.projected == dt.date(2026, 2, 10)
    # the report's projected_100mb_date is the same number
    assert crm_triggers(hub.workspace(), as_of=T, settings=hub.settings)[
        "projected_100mb_date"] == "2026-02-10"
    assert crm.projection_words(history, T) == (
        "Projected to pass 100 MB on 10 Feb 2026 (least squares over 3 loads of hub.xlsx).")


def test_open_time_fits_the_trigger_workbook_only(view) -> None:
    history = view.histories["open_time_s"]
    points = history.points
    assert list(points["series"]) == ["hub.xlsx", "hub.xlsx", "other.xlsx", "hub.xlsx"]
    assert list(points["fitted"]) == [True, True, False, True]
    assert history.projected == dt.date(2026, 2, 22)
    assert view.triggers["open_time_s"]["value"] == 8.0
    assert "10 s on 22 Feb 2026" in crm.projection_words(history, T)


def test_steward_hours_per_division(view) -> None:
    history = view.histories["steward_hours"]
    fits = history.fits
    assert fits["Motors"].date == dt.date(2026, 2, 2)
    assert fits["Power"].reason == "already over the threshold"  # latest 2.5 h > 2 h
    assert fits["Medical"].reason == "too few points"
    assert history.headline[0] == "Motors"
    assert crm.projection_words(history, T) == (
        "Motors projected to pass 2 h a week on 2 Feb 2026 (least squares over its 4 "
        "recorded weeks). Already over: Power.")


def test_reason_words_say_how_many_points_are_needed() -> None:
    two = pd.DataFrame({"moment": pd.to_datetime(["2026-01-01", "2026-01-11"]),
                        "value": [10.0, 20.0], "series": "hub.xlsx", "fitted": True})
    few = crm.History("file_size_mb", 100.0, two, {"hub.xlsx": projection(
        list(zip(two["moment"].dt.to_pydatetime(), two["value"])), 100.0)})
    assert crm.projection_words(few) == (
        "Not enough points: no projection — a projection needs at least 3 points at "
        "different moments (2 loads of hub.xlsx).")
    falling = two.iloc[[0, 1, 1]].assign(
        moment=pd.to_datetime(["2026-01-01", "2026-01-11", "2026-01-21"]),
        value=[30.0, 20.0, 12.0])
    flat = crm.History("open_time_s", 10.0, falling, {"hub.xlsx": projection(
        list(zip(falling["moment"].dt.to_pydatetime(), falling["value"])), 10.0)})
    assert crm.projection_words(flat).startswith("Already over the threshold")
    falling = falling.assign(value=[9.0, 8.0, 7.0])
    flat = crm.History("open_time_s", 10.0, falling, {"hub.xlsx": projection(
        list(zip(falling["moment"].dt.to_pydatetime(), falling["value"])), 10.0)})
    assert crm.projection_words(flat).startswith("Not rising: no projection")
    empty = crm.History("steward_hours", 2.0, two.iloc[0:0])
    assert "at least 3 points" in crm.projection_words(empty)


def test_far_projection_says_how_far(view) -> None:
    history = view.histories["file_size_mb"]
    words = crm.projection_words(history, dt.date(2020, 1, 1))
    assert words.startswith("Projected to pass 100 MB on 10 Feb 2026, about 6 years away")


# -------------------------------------------------------------------------- gauges, banner
def test_gauges_and_banner(view) -> None:
    triggers = view.triggers
    assert view.firing == ["steward_hours"] and not view.review_due
    assert crm.banner(view) == (False, "1 of 3 triggers fires (steward hours): no CRM review "
                                       "due yet (due when any two fire).")
    assert crm.gauge_words("open_time_s", triggers["open_time_s"]) == "8.0 s of 10 s"
    assert crm.gauge_words("steward_hours", triggers["steward_hours"]) == (
        "2.7 h of 2 h a week (Power, mean of its last 4 weeks)")
    size = triggers["file_size_mb"]["value"]
    assert crm.gauge_words("file_size_mb", triggers["file_size_mb"]) == (
        f"{size * 1024:,.0f} kB of 100 MB")
    gauge = json.loads(crm.fig_gauge("steward_hours", triggers["steward_hours"]).to_json())
    indicator = gauge["data"][0]
    assert indicator["value"] == pytest.approx(8 / 3)
    assert indicator["gauge"]["threshold"]["value"] == 2.0
    due = crm.Readiness(T, {**triggers, "open_time_s": {**triggers["open_time_s"],
                                                        "fired": True}, "review_due": True},
                        view.histories)
    is_due, words = crm.banner(due)
    assert is_due and words.startswith("CRM review due: 2 of 3 triggers fire (Excel open "
                                       "time, steward hours)")
    assert "Intervention needed" not in words


def test_history_figure_draws_points_line_threshold_and_crossing(view) -> None:
    fig = crm.fig_history(view.histories["open_time_s"], as_of=T)
    markers = [t for t in fig.data if t.mode == "markers" and t.name]
    assert [list(t.y) for t in markers] == [[4.0, 6.0, 8.0], [30.0]]  # other.xlsx: not fitted
    [line] = [t for t in fig.data if t.mode == "lines"]
    assert pd.Timestamp(line.x[-1]) == pd.Timestamp(2026, 2, 22, 9)   # drawn to the crossing
    assert line.y[-1] == pytest.approx(10.0)
    [threshold] = [s for s in fig.layout.shapes if s.type == "line"]
    assert threshold.y0 == threshold.y1 == 10.0
    assert any(a.text == "22 Feb 2026" for a in fig.layout.annotations)


# ------------------------------------------------------------------------------- ranking
def test_rank_rule_on_a_tiny_frame() -> None:
    frame = pd.DataFrame([
        {"id": "A", "tier": 1, "gap": -0.1, "citations": 1, "raised_on": dt.date(2026, 1, 1)},
        {"id": "B", "tier": 0, "gap": 0.1, "citations": 1, "raised_on": dt.date(2026, 1, 9)},
        {"id": "C", "tier": 0, "gap": 0.5, "citations": 1, "raised_on": dt.date(2026, 1, 9)},
        {"id": "D", "tier": 0, "gap": 0.1, "citations": 3, "raised_on": dt.date(2026, 1, 9)},
        {"id": "E", "tier": 0, "gap": 0.1, "citations": 3, "raised_on": dt.date(2026, 1, 2)},
        {"id": "F", "tier": 2, "gap": None, "citations": 5, "raised_on": dt.date(2025, 1, 1)},
        {"id": "G", "tier": 1, "gap": None, "citations": 1, "raised_on": dt.date(2025, 1, 1)},
        {"id": "H", "tier": 1, "gap": -0.1, "citations": 1, "raised_on": None},
    ])
    ranked = crm.rank_requirements(frame)
    # tier 0 first: C (farthest past its target), then gap 0.1: D and E (cited 3 times; E
    # raised first) before B; tier 1: A and H (gap −0.1; A dated) before G (no gap); F last.
    assert list(ranked["id"]) == ["C", "E", "D", "B", "A", "H", "G", "F"]
    assert list(ranked["rank"]) == list(range(1, 9))


def test_requirements_log_ranked_by_live_evidence(log) -> None:
    # REQ-006 is raised after T. REQ-002: Power's own 4-week mean 2.667 h > 2 -> fired, gap
    # (2.667 − 2) / 2 = 0.333. REQ-005 (Motors): Motors' own mean 1.375 -> below, gap −0.3125.
    # REQ-003: open time 8 s of 10 -> gap −0.2. REQ-001: a few KB of 100 MB -> gap ≈ −1.
    # REQ-004 cites no metric the dashboard knows -> last.
    assert list(log["id"]) == ["REQ-002", "REQ-003", "REQ-005", "REQ-001", "REQ-004"]
    first = log.iloc[0]
    assert (first["evidence_state"], first["measured_in"], first["live_value"]) == (
        "✗ trigger fired", "Power", "2.7 h a week")
    assert first["gap"] == pytest.approx(1 / 3)
    assert first["citations"] == 2                      # REQ-002 and REQ-005 cite it
    assert log.iloc[1]["gap"] == pytest.approx(-0.2)
    assert log.iloc[2]["gap"] == pytest.approx(-0.3125)
    assert log.iloc[2]["measured_in"] == "Motors"
    assert log.iloc[4]["evidence_state"] == "– not a metric the dashboard measures"
    assert list(log["tier"]) == [0, 1, 1, 1, 2]


def test_kpi_evidence_without_data_says_why(hub) -> None:
    cur = hub.workspace()
    find = crm._EvidenceFinder(cur, T, hub.settings, crm_triggers(cur, as_of=T,
                                                                  settings=hub.settings))
    quotes = find("inquiry_to_quote_rate", "Power")     # a Motors KPI: measured in Motors
    assert (quotes.division, quotes.state, quotes.tier) == ("Motors", "no_data", 2)
    assert quotes.state_words().startswith("– no data")
    assert find("adoption_rate", None).reason == "no division to measure it in"


def test_next_requirement_id() -> None:
    assert crm.next_requirement_id([]) == "REQ-001"
    assert crm.next_requirement_id(["REQ-009", "req-010", None, "X-99", " REQ-002 "]) == \
        "REQ-011"


# ------------------------------------------------------------------------------ exports
def test_xlsx_opens_with_three_sheets_and_no_formula(view, log) -> None:
    book = openpyxl.load_workbook(io.BytesIO(crm.document_xlsx(view, log, loaded_at=LOADED)))
    assert book.sheetnames == ["Requirements", "Triggers", "Evidence"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == "CRM Requirements Document"
        assert sheet["A2"].value == "as of 15 Feb 2026 · data loaded 15 Feb 2026, 08:30"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    requirements = book["Requirements"]
    header = [c.value for c in requirements[4]]
    assert header[:3] == ["Rank", "Pain point", "Evidence"]
    pains = [requirements.cell(row=r, column=2).value for r in range(5, 10)]
    assert "'" + EVIL in pains                         # shown as text, never run
    triggers = book["Triggers"]
    assert [triggers.cell(row=r, column=1).value for r in range(5, 9)] == [
        "Hub file size", "Excel open time", "Steward hours", "CRM review"]
    assert triggers.cell(row=6, column=4).value == 8.0  # numbers stay numbers


def test_markdown_escapes_data_text(view, log) -> None:
    assert crm.md_text(EVIL) == '\\=HYPERLINK("http://evil.example","click")'
    assert crm.md_text("a *b* [c](d) <i>|x\nnext") == "a \\*b\\* \\[c\\](d) \\<i\\>\\|x next"
    assert crm.md_text("-1 @x") == "\\-1 @x" and crm.md_text(None) == "–"
    text = crm.document_markdown(view, log, loaded_at=LOADED).decode("utf-8")
    assert text.startswith("# CRM Requirements Document\n\n*as of 15 Feb 2026 · data loaded "
                           "15 Feb 2026, 08:30*")
    assert "### 1. Cleaning takes \\*hours\\* \\| \\<b\\>every\\</b\\> week" in text
    assert "### 4. \\=HYPERLINK" in text
    assert "<b>" not in text and "\n=" not in text
    assert "| Steward hours | 2.7 h of 2 h a week (Power, mean of its last 4 weeks) | " \
           "2 h a week | ✗ fired |" in text
    assert crm.RANK_RULE in text


def test_html_is_self_contained_and_escaped(view, log) -> None:
    page = crm.document_html(view, log, loaded_at=LOADED).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "http://" not in page.replace("http://evil.example", "")  # no external resource
    assert "&lt;b&gt;every&lt;/b&gt;" in page and "<b>every" not in page
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in page
    assert "no CRM review due yet" in page


def test_empty_log_exports(view) -> None:
    empty = pd.DataFrame({column: [] for column in crm.LOG_COLUMNS})
    book = openpyxl.load_workbook(io.BytesIO(crm.document_xlsx(view, empty, loaded_at=LOADED)))
    assert book.sheetnames == ["Requirements", "Triggers", "Evidence"]
    assert "No requirement recorded yet." in crm.document_markdown(
        view, empty, loaded_at=LOADED).decode()
