"""The check-in view and pack (metrics/checkin_pack.py) over a tiny hub worked by hand.

The hub: one division whose name is hostile HTML, pilot from Monday 2 Mar 2026, four
customer-facing staff of whom Ada Obi and Bola Ade log (an Inquiry each every Monday of weeks
1–4) and two with hostile names never do, a
review meeting every week, T = Monday 30 Mar 2026. So weeks 1–4 are complete, adoption is
2 / 4 = 50 % every week (off track in periods 1 and 2: an intervention), entries have no error
(0 %, on track), a review is held every week (100 %, on track), there are no survey answers
(no data), and period 3 (weeks 5–6) has started but is not judged.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re

import openpyxl
import pytest

from metrics import checkin_pack as pack
from tests.hubfactory import account, contact, interaction, meeting, member

HOSTILE = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://x","y")'
IMG_NAME = "<img src=x onerror=alert(2)>"
AS_OF = dt.date(2026, 3, 30)
START = dt.date(2026, 3, 2)
LOADED = dt.datetime(2026, 3, 30, 9, 15)
STAMP = "as of 30 Mar 2026 · data loaded 30 Mar 2026, 09:15"


LOGGERS = ("Ada Obi", "Bola Ade")


def _hub(make_hub, division: str = HOSTILE, *,
         staff_names: tuple[str, ...] = (*LOGGERS, FORMULA_NAME, IMG_NAME)):
    mondays = [START + dt.timedelta(weeks=k) for k in range(4)]
    return make_hub(
        lists={"Divisions": ["Motors", division]},
        accounts=[account("A1", division)], contacts=[contact("C1", "A1")],
        staff=[member(name, division, start=dt.date(2025, 1, 6)) for name in staff_names],
        interactions=[interaction(f"I{k}{j}", dt.datetime.combine(monday, dt.time(10 + j)),
                                  "C1", "Inquiry", name, notes=f"{name}, call {k}")
                      for k, monday in enumerate(mondays) for j, name in enumerate(LOGGERS)],
        store={"review_meetings": [meeting(division, monday) for monday in mondays]})


@pytest.fixture
def view(make_hub) -> pack.CheckinView:
    hub = _hub(make_hub)
    result = pack.checkin_view(hub.workspace(), division=HOSTILE, as_of=AS_OF,
                               settings=hub.settings)
    assert result is not None
    return result


def test_the_view_holds_the_hand_worked_periods(view: pack.CheckinView) -> None:
    periods = pack.period_table(view)
    assert list(periods["Period"]) == [1, 2, 3]
    assert list(periods["Judged"]) == ["yes", "yes", "not yet"]
    assert list(periods["Adoption %"][:2]) == [50.0, 50.0]
    assert list(periods["Adoption status"]) == ["✗ off track", "✗ off track",
                                                "– not judged yet"]
    assert list(periods["Data-quality error rate status"][:2]) == ["✓ on track"] * 2
    assert list(periods["Weekly review held %"][:2]) == [100.0, 100.0]
    assert list(periods["Stakeholder confidence status"]) == ["– no data"] * 3
    assert view.interventions == ("adoption_rate",)
    [evidence] = view.evidence
    assert (evidence.periods, evidence.values, evidence.target) == ((1, 2), (0.5, 0.5), 0.8)
    assert evidence.sentence() == ("Adoption: 50 % in period 1 (2–15 Mar) and 50 % in period 2 "
                                   "(16–29 Mar), target ≥ 80 %; still off track in period 2")
    needed, title, summary, lines = pack.banner_lines(view)
    assert needed and title == "Intervention needed"
    assert summary == "Adoption off track two periods running" and lines == [evidence.sentence()]
    assert set(view.not_logged["name"]) == {FORMULA_NAME, IMG_NAME}
    assert pack.headline_text(view) == ("Pilot started 2 Mar 2026 · week 5 of 12 · last "
                                        "complete week: 4 (23–29 Mar)")


def test_xlsx_has_a_sheet_per_table_the_stamp_and_no_live_formula(view) -> None:
    book = openpyxl.load_workbook(io.BytesIO(pack.pack_xlsx(view, loaded_at=LOADED)))
    assert book.sheetnames == ["Periods", "Weeks", "Interventions", "Not logged yet"]
    for sheet in book.worksheets:
        assert sheet["A2"].value == STAMP
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"], sheet.title
        assert not [c.coordinate for c in cells
                    if isinstance(c.value, str) and c.value.startswith("=")], sheet.title
    names = [row[0].value for row in book["Not logged yet"].iter_rows(min_row=5)]
    assert "'" + FORMULA_NAME in names and IMG_NAME in names
    periods = book["Periods"]
    header = [c.value for c in periods[4]]
    adoption = header.index("Adoption %")
    assert [periods.cell(5 + k, adoption + 1).value for k in range(2)] == [50, 50]
    evidence = [c.value for c in book["Interventions"][5]]
    assert evidence[:3] == ["Adoption", "1 and 2", 50]


def test_html_is_self_contained_with_the_charts_data_and_escaped_text(view) -> None:
    page = pack.pack_html(view, loaded_at=LOADED).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, flags=re.I)
    assert page.count("Plotly.newPlot(") == 3
    assert len(re.findall(r"/\*\*\s*\n?\s*\* plotly\.js v", page)) <= 1  # plotly.js once
    for kpi in ("adoption_rate", "data_quality_error_rate", "process_compliance"):
        assert f'id="chart-{kpi}"' in page
    # the charts' data: the bar labels of each weekly chart (weeks 1–5, the 5th partial)
    assert '"text":["50%","50%","50%","50%","0%"]' in page
    assert '"text":["0%","0%","0%","0%","–"]' in page
    assert '"text":["held","held","held","held","not held"]' in page
    # every text from the data escaped: nothing hostile survives as markup
    assert HOSTILE not in page and IMG_NAME not in page
    for raw in ("<script>alert", "alert(1)</script>", "<img src=x", "\\u003cscript\\u003ealert"):
        assert raw not in page
    # every "alert(1)" is the escaped name: in HTML text, or in a chart title for plotly
    assert page.count("alert(1)") == page.count("&lt;script&gt;alert(1)&lt;")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;: biweekly check-in</h1>" in page
    assert html.escape(IMG_NAME) in page
    assert STAMP in page and "Intervention needed:" in page
    assert "still off track in period 2" in page


def test_grid_marks_status_with_icon_word_and_colour_never_colour_alone(view) -> None:
    grid = pack.period_grid_html(view)
    cells = re.findall(r'<td( class="ck-pair")? style="color:(#[0-9a-f]{6})"><b>([^<]*)</b>'
                       r'<span>([^<]*)</span></td>', grid)
    assert len(cells) == 4 * 3
    adoption = cells[:3]
    assert adoption[0] == (' class="ck-pair"', "#b3261e", "✗ 50 %", "off track")
    assert adoption[1][0] == ' class="ck-pair"'
    assert adoption[2][1:] == ("#6b7280", "– 0 %", "not judged yet")  # week 5: none yet
    errors = cells[3:6]
    assert errors[0] == ("", "#1b7f3b", "✓ 0 %", "on track")
    confidence = cells[9:]
    assert all(c[2:] == ("–", "no data") for c in confidence)
    assert pack.INFORMS_ONLY in grid


def test_no_intervention_gives_the_success_words(make_hub) -> None:
    hub = _hub(make_hub, "Motors", staff_names=LOGGERS)
    view = pack.checkin_view(hub.workspace(), division="Motors", as_of=AS_OF,
                             settings=hub.settings)
    assert view.evidence == () and view.not_logged.empty
    assert pack.banner_lines(view) == (False, "No intervention needed",
                                       "no metric was off track two periods running", [])
    assert pack.banner_lines(dataclasses.replace(view, periods=view.periods.iloc[:1])) == (
        False, "No intervention needed yet", "fewer than two check-in periods have been judged",
        [])
    assert "Not logged yet" in pack.pack_sheets(view)
    assert "Everyone on the customer-facing roster logged in week 4." in pack.pack_html(
        view, loaded_at=LOADED).decode()


def test_only_divisions_with_a_pilot_and_file_names(make_hub, view) -> None:
    hub = _hub(make_hub, "Motors")
    cur = hub.workspace()
    assert pack.pilot_divisions(cur, as_of=AS_OF, settings=hub.settings) == ["Motors"]
    assert pack.pilot_divisions(cur, as_of=dt.date(2026, 2, 1), settings=hub.settings) == []
    assert pack.checkin_view(cur, division="Power", as_of=AS_OF, settings=hub.settings) is None
    motors = dataclasses.replace(view, division="Motors", as_of=dt.date(2026, 7, 15))
    assert pack.pack_file_name(motors, "xlsx") == "motors-checkin-2026-07-15.xlsx"
    assert pack.pack_file_name(motors, "html") == "motors-checkin-2026-07-15.html"


def test_divisions_come_in_phase_order_as_on_the_scorecard(make_hub) -> None:
    hub = make_hub(lists={"Divisions": ["Medical", "Motors", "Power", "Agro"]},
                   settings="[divisions.Power]\npilot_start = 2026-03-04\n"
                            "[divisions.Medical]\npilot_start = 2026-03-02\n"
                            "[divisions.Motors]\npilot_start = 2026-01-07\n")
    # Medical and Power both start on Monday 2 March: then by name. Agro has no pilot.
    assert pack.pilot_divisions(hub.workspace(), as_of=AS_OF, settings=hub.settings) == [
        "Motors", "Medical", "Power"]


def test_back_on_track_is_said_in_the_evidence() -> None:
    import pandas as pd

    periods = pd.DataFrame({
        "period": [1, 2, 3, 4], "start": [START + dt.timedelta(weeks=2 * k) for k in range(4)],
        "end": [START + dt.timedelta(weeks=2 * k, days=13) for k in range(4)],
        "judged": [True] * 4, "adoption_rate": [0.5, 0.6, 0.9, 0.85],
        "adoption_rate_status": ["off_track", "off_track", "on_track", "on_track"]})
    [evidence] = pack.intervention_evidence(periods, ["adoption_rate"],
                                            {"adoption_rate": (0.8, "higher")})
    assert evidence.back_on_track_since == 3 and evidence.latest_period == 4
    assert evidence.sentence().endswith("; back on track since period 3")


@pytest.mark.parametrize(("start", "end", "text"), [
    (dt.date(2026, 5, 4), dt.date(2026, 5, 17), "4–17 May"),
    (dt.date(2026, 6, 29), dt.date(2026, 7, 12), "29 Jun – 12 Jul"),
    (dt.date(2025, 12, 29), dt.date(2026, 1, 11), "29 Dec 2025 – 11 Jan 2026")])
def test_period_spans_read_like_people_write_them(start, end, text) -> None:
    assert pack.span(start, end) == text
