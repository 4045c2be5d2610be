"""metrics/overview.py on a tiny hub worked by hand (T = Wed 18 Mar 2026).

Motors (account A1, roster Ada Obi and Bola Ade, both customer facing; only Ada logs):
- thread C1: one Follow-up a week, 16 Feb, 23 Feb, 2 Mar, 10 Mar (due the next day) → its
  latest row (10 Mar, due 11 Mar) is overdue; the pilot starts Mon 16 Feb.
- C2: Inquiry 16 Mar, due 20 Mar → due this week (18 ≤ 20 ≤ 24 Mar).
- C3: 17 Mar, blank Next Action → missing next action (entry error MISSING_NEXT_ACTION).
- C4: 17 Mar, blank due date → no due date (entry error MISSING_DUE_DATE).
- C5: 17 Mar, due 10 Apr → upcoming.   C6: 17 Mar, Next Action "None" → closed.
- C7: 19 Mar, after T → counts nowhere.
- A Hub review meeting in each of pilot weeks 1–4, so process compliance is on track.
Power (account A2, Musa Bello): C8, 16 Mar, due 17 Mar → overdue; the pilot starts 16 Mar.
Medical: no interactions; settings start its pilot on 6 Apr 2026.

By hand:
- Backlog Motors: overdue 1, due this week 1, missing 1, no due date 1, upcoming 1, closed 1;
  open = 4. Power: overdue 1, open 1. Medical: nothing.
- Entry errors over 19 Feb – 18 Mar: Motors' entries 23 Feb, 2 Mar, 10 Mar, 16 Mar and
  four on 17 Mar = 8, of which 2 have an error (C3, C4) → 25 %. Power 0 of 1. Medical
  0 of 0 (no value).
- Pilot Motors: week (16 Mar − 16 Feb) / 7 + 1 = 5, headline week 4; check-in periods 1
  (weeks 1–2) and 2 (weeks 3–4) are judged, adoption is 1 of 2 staff = 50 % < 80 % in both
  → intervention adoption_rate only (entries clean, a Hub review every week). Power: week 1,
  no intervention. Medical: week (16 Mar − 6 Apr) / 7 + 1 = −2, "Starts 6 Apr 2026".
"""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.calendar import window_ending
from metrics.data_quality import window_error_rate
from metrics.overview import (BacklogCounts, PilotStatus, backlog_counts, division_overview,
                              division_table, kpi_summary, kpi_table, overview, pilot_status,
                              table_number)
from metrics.panel import panel
from metrics.pilot import pilot_summary
from metrics.registry import division_metrics
from tests.hubfactory import account, contact, interaction, meeting, member

T = dt.date(2026, 3, 18)
D = dt.datetime


@pytest.fixture
def hub(make_hub):
    c1 = [interaction(f"F{k}", D(2026, 2, 16, 9) + dt.timedelta(days=7 * k) + (
        dt.timedelta(days=1) if k == 3 else dt.timedelta()), "C1", "Follow-up", "Ada Obi")
        for k in range(4)]
    return make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi"),
                  account("A2", "Power", owner="Musa Bello")],
        contacts=[*(contact(f"C{k}", "A1") for k in range(1, 8)), contact("C8", "A2")],
        staff=[member("Ada Obi", "Motors"), member("Bola Ade", "Motors"),
               member("Musa Bello", "Power")],
        interactions=[
            *c1,
            interaction("I2", D(2026, 3, 16, 10), "C2", "Inquiry", "Ada Obi",
                        due=dt.date(2026, 3, 20)),
            interaction("I3", D(2026, 3, 17, 9), "C3", "Follow-up", "Ada Obi", next_action=""),
            interaction("I4", D(2026, 3, 17, 10), "C4", "Follow-up", "Ada Obi", due=""),
            interaction("I5", D(2026, 3, 17, 11), "C5", "Follow-up", "Ada Obi",
                        due=dt.date(2026, 4, 10)),
            interaction("I6", D(2026, 3, 17, 12), "C6", "Follow-up", "Ada Obi",
                        next_action="None"),
            interaction("I7", D(2026, 3, 19, 9), "C7", "Inquiry", "Ada Obi"),
            interaction("P1", D(2026, 3, 16, 9), "C8", "Inquiry", "Musa Bello",
                        due=dt.date(2026, 3, 17)),
        ],
        store={"review_meetings": [meeting("Motors", dt.date(2026, 2, 20) + dt.timedelta(
            days=7 * k)) for k in range(4)]},
        settings="as_of = 2026-03-18\n[divisions.Medical]\npilot_start = 2026-04-06\n")


def test_the_first_thread_is_what_the_docstring_says(hub) -> None:
    dates = hub.workspace().execute(
        "SELECT date FROM interactions WHERE contact_id = 'C1' ORDER BY date").fetchall()
    assert [d.date() for (d,) in dates] == [dt.date(2026, 2, 16), dt.date(2026, 2, 23),
                                            dt.date(2026, 3, 2), dt.date(2026, 3, 10)]


def test_backlog_counts_by_hand(hub) -> None:
    cur = hub.workspace()
    motors = backlog_counts(cur, division="Motors", as_of=T)
    assert motors == BacklogCounts(overdue=1, due_this_week=1, missing_next_action=1,
                                   no_due_date=1, upcoming=1, closed=1)
    assert motors.open == 4
    power = backlog_counts(cur, division="Power", as_of=T)
    assert (power.overdue, power.open, power.closed) == (1, 1, 0)
    assert backlog_counts(cur, division="Medical", as_of=T).open == 0


def test_error_rate_over_28_days_by_hand(hub) -> None:
    cur = hub.workspace()
    found = {o.division: o.data_quality for o in overview(cur, as_of=T, settings=hub.settings)}
    motors = found["Motors"]
    assert (motors.numerator, motors.denominator, motors.n) == (2, 8, 8)
    assert motors.value == pytest.approx(0.25)
    assert (motors.target, motors.direction, motors.status) == (0.10, "lower", "off_track")
    assert (found["Power"].numerator, found["Power"].denominator) == (0, 1)
    assert found["Power"].status == "on_track"
    assert found["Medical"].value is None and found["Medical"].status == "no_data"
    assert motors == window_error_rate(cur, window=window_ending(T), as_of=T,
                                       division="Motors", settings=hub.settings)


def test_pilot_status_per_division_by_hand(hub) -> None:
    cur = hub.workspace()
    motors = pilot_status(cur, division="Motors", as_of=T, settings=hub.settings)
    assert motors == PilotStatus(dt.date(2026, 2, 16), 5, 4, ("adoption_rate",))
    assert motors.phase == "running"
    assert motors.words() == "Week 5 of 12 (16–22 Mar)"
    assert motors.intervention_labels == ("Adoption",)
    power = pilot_status(cur, division="Power", as_of=T, settings=hub.settings)
    assert power == PilotStatus(dt.date(2026, 3, 16), 1, 0, ())
    medical = pilot_status(cur, division="Medical", as_of=T, settings=hub.settings)
    assert (medical.start, medical.week, medical.phase) == (dt.date(2026, 4, 6), -2,
                                                            "not started")
    assert medical.words() == "Starts 6 Apr 2026"
    assert pilot_status(cur, division="GRAS Restaurant", as_of=T, settings=hub.settings) is None
    summary = pilot_summary(cur, division="Motors", as_of=T, settings=hub.settings)
    assert list(motors.interventions) == summary["interventions"]


def test_pilot_words_for_every_phase() -> None:
    assert PilotStatus(dt.date(2026, 3, 2), 20, 12, ()).words() == \
        "Over (12 weeks from 2 Mar 2026)"
    assert PilotStatus(dt.date(2026, 3, 2), 13, 12, ()).phase == "over"
    assert PilotStatus(dt.date(2026, 3, 2), 12, 11, ()).phase == "running"
    assert PilotStatus(dt.date(2026, 3, 16), 3, 2, ()).words() == "Week 3 of 12 (30 Mar – 5 Apr)"
    assert PilotStatus(dt.date(2026, 3, 16), 0, 0, ()).words() == "Starts 16 Mar 2026"


def test_divisions_in_pilot_phase_order_with_their_panels(hub) -> None:
    cur = hub.workspace()
    found = overview(cur, as_of=T, settings=hub.settings)
    assert [o.division for o in found] == ["Motors", "Power", "Medical", "Cube 65 Clinic",
                                           "GRAS Restaurant"]
    for o in found:
        assert [k.id for k in o.kpis] == [s.id for s in division_metrics(o.division)]
        assert o.window == window_ending(T)
        assert o.pilot_words() == ("No pilot yet" if o.pilot is None else o.pilot.words())


def test_kpis_are_the_panel_tiles(hub) -> None:
    cur = hub.workspace()
    motors = division_overview(cur, division="Motors", as_of=T, settings=hub.settings)
    tiles = panel(cur, division="Motors", as_of=T, settings=hub.settings)
    assert len(motors.kpis) == len(tiles) == 5
    for kpi, tile in zip(motors.kpis, tiles):
        assert kpi == kpi_summary(tile)
        assert kpi.result == tile.result
        assert list(kpi.spark) == tile.spark and len(kpi.spark) == 12
        assert (kpi.detail, kpi.change, kpi.reason) == (tile.detail(), tile.change_text(),
                                                        tile.reason)
    inquiries = motors.kpis[0]
    assert inquiries.id == "qualified_inquiries"
    assert inquiries.result.value == 1            # I2 (16 Mar); I7 is after T
    assert inquiries.shown_status(10) == "info"   # a count is never "too few"


def test_tables_match_the_tiles(hub) -> None:
    cur = hub.workspace()
    found = overview(cur, as_of=T, settings=hub.settings)
    table = kpi_table(found, min_n=10)
    assert list(table.columns) == ["Division", "KPI", "Value", "Unit", "Target", "Status",
                                   "Change", "Change against", "Based on"]
    assert len(table) == 5 + 4 + 4 + 3 + 3
    motors = table[table["Division"] == "Motors"].set_index("KPI")
    assert motors.loc["Qualified inquiries", ["Value", "Unit", "Status"]].tolist() == [
        1.0, "count", "no target"]
    assert motors.loc["Qualified inquiries", "Based on"] == found[0].kpis[0].detail
    response = next(k for k in found[0].kpis if k.id == "inquiry_response_12h")
    assert response.result.n == 1
    assert motors.loc[response.label, "Status"] == "too few data (n = 1)"
    assert kpi_table(found, min_n=1).set_index(["Division", "KPI"]).loc[
        ("Motors", response.label), "Status"] in ("on track", "off track")
    per_division = division_table(found, min_n=10).set_index("Division")
    assert per_division.loc["Motors", "Pilot"] == "Week 5 of 12 (16–22 Mar)"
    assert per_division.loc["Motors", "Intervention needed"] == "Adoption"
    assert per_division.loc["Motors", ["Open backlog", "Overdue", "Due this week",
                                       "Missing next action", "No due date",
                                       "Upcoming"]].tolist() == [4, 1, 1, 1, 1, 1]
    assert per_division.loc["Motors", "Entry-error rate %"] == 25.0
    assert per_division.loc["Motors", "Entries, 28 days"] == 8
    assert per_division.loc["Power", "Open backlog"] == 1
    assert per_division.loc["GRAS Restaurant", "Pilot"] == "No pilot yet"
    assert per_division.loc["Medical", "Pilot"] == "Starts 6 Apr 2026"
    assert per_division.loc["Medical", "Entries, 28 days"] == 0
    assert per_division["KPIs"].tolist() == [5, 4, 4, 3, 3]
    assert all(per_division["KPIs on track"] + per_division["KPIs off track"]
               <= per_division["KPIs"])


def test_table_numbers() -> None:
    assert table_number(0.58456, "ratio") == 58.5
    assert table_number(-0.1234, "change") == -12.3
    assert table_number(78.6, "days") == 79.0
    assert table_number(3.94, "hours") == 3.9
    assert table_number(None, "ratio") is None and table_number(float("nan"), "score") is None


def test_an_empty_hub(make_hub) -> None:
    hub = make_hub(settings="as_of = 2026-03-18\n")
    found = overview(hub.workspace(), as_of=T, settings=hub.settings)
    assert {o.division for o in found} == {"Motors", "Power", "Medical", "Cube 65 Clinic",
                                           "GRAS Restaurant"}
    for o in found:
        assert o.pilot is None and o.backlog.open == 0
        assert o.data_quality.denominator == 0 and o.data_quality.value is None
        for k in o.kpis:       # counts are 0, never null; everything else says why
            assert (k.result.value == 0) if k.unit == "count" else (
                k.result.value is None and k.result.status == "no_data" and k.reason)
        assert o.count("on_track", 10) == 0
