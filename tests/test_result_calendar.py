"""The one result shape, the one status function and the calendar helpers (metrics.md)."""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.calendar import (Window, end_of, iso_week_label, monday, pilot_week,
                              pilot_week_number, quarter_of, trend_windows, week_complete,
                              week_of, window_ending)
from metrics.result import (KpiResult, empty_result, make_result, ratio_result, status_for)

D = dt.date


@pytest.mark.parametrize("value, target, direction, expected", [
    (0.80, 0.80, "higher", "on_track"),      # ">80%" is met at 80%
    (0.7999, 0.80, "higher", "off_track"),
    (0.1 + 0.7, 0.80, "higher", "on_track"),  # float noise does not flip the status
    (0.10, 0.10, "lower", "off_track"),      # "<10%" is missed at 10%
    (0.0999, 0.10, "lower", "on_track"),
    (4.0, 4.0, "lower", "off_track"),        # lead response < 4 h
    (None, 0.80, "higher", "no_data"),
    (float("nan"), 0.80, "higher", "no_data"),
    (12, None, "higher", "info"),            # a KPI without a target
    (None, None, "higher", "no_data"),
    (0.0, 0.0, "higher", "on_track"),
])
def test_status_for(value, target, direction, expected):
    assert status_for(value, target, direction) == expected


def test_ratio_with_zero_denominator_reports_zero_over_zero():
    assert ratio_result("adoption_rate", 3, 0, target=0.8, direction="higher") == KpiResult(
        "adoption_rate", None, 0, 0, 0, 0.8, "higher", "no_data")
    assert ratio_result("adoption_rate", 3, 4, target=0.8, direction="higher") == KpiResult(
        "adoption_rate", 0.75, 3, 4, 4, 0.8, "higher", "off_track")


def test_result_dict_has_exactly_the_seven_keys_and_plain_numbers():
    import numpy as np
    result = make_result("qualified_inquiries", value=np.int64(12), n=12, target=None,
                         direction="higher")
    assert result.as_dict() == {"value": 12, "numerator": None, "denominator": None, "n": 12,
                                "target": None, "direction": "higher", "status": "info"}
    assert type(result.as_dict()["value"]) is int
    assert empty_result("x", target=0.5, direction="lower").as_dict()["status"] == "no_data"


def test_window_bounds_hold_whole_days():
    window = window_ending(D(2026, 7, 15))
    assert (window.start, window.end, window.days) == (D(2026, 6, 18), D(2026, 7, 15), 28)
    assert window.lo == dt.datetime(2026, 6, 18) and window.hi == dt.datetime(2026, 7, 16)
    assert window.contains(dt.datetime(2026, 7, 15, 23, 59, 59))
    assert not window.contains(dt.datetime(2026, 7, 16))
    assert not window.contains(dt.datetime(2026, 6, 17, 23, 59))
    assert window.hi_until(D(2026, 7, 1)) == end_of(D(2026, 7, 1))


def test_previous_window_and_same_window_last_year():
    window = window_ending(D(2026, 7, 15))
    assert window.previous() == Window(D(2026, 5, 21), D(2026, 6, 17))   # [a − 28, a − 1]
    year_ago = window.year_ago()
    assert year_ago == Window(D(2025, 6, 19), D(2025, 7, 16))             # [a − 364, b − 364]
    assert year_ago.start.weekday() == window.start.weekday()


def test_trend_is_twelve_back_to_back_windows_ending_on_t():
    windows = trend_windows(D(2026, 7, 15))
    assert len(windows) == 12 and windows[-1] == window_ending(D(2026, 7, 15))
    assert all(b.start == a.end + dt.timedelta(days=1) for a, b in zip(windows, windows[1:]))


def test_iso_weeks_across_the_year_boundary():
    assert monday(D(2026, 1, 1)) == D(2025, 12, 29)
    assert iso_week_label(D(2025, 12, 29)) == "2026-W01"
    assert iso_week_label(D(2027, 1, 3)) == "2026-W53"      # 2026 has 53 ISO weeks
    assert week_of(D(2026, 1, 4)) == Window(D(2025, 12, 29), D(2026, 1, 4))


def test_pilot_weeks_count_from_the_monday_of_the_start():
    start = D(2026, 3, 4)                          # a Wednesday: week 1 starts Monday 2 March
    assert pilot_week(start, 1) == Window(D(2026, 3, 2), D(2026, 3, 8))
    assert pilot_week_number(start, D(2026, 3, 8)) == 1
    assert pilot_week_number(start, D(2026, 3, 9)) == 2
    assert pilot_week_number(start, D(2026, 3, 1)) == 0      # before the pilot
    assert pilot_week_number(start, D(2026, 5, 25)) == 13    # after the 12 weeks
    assert not week_complete(pilot_week(start, 1), D(2026, 3, 8))  # its Sunday is T
    assert week_complete(pilot_week(start, 1), D(2026, 3, 9))


@pytest.mark.parametrize("day, start, end", [
    (D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
    (D(2026, 6, 30), D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 7, 15), D(2026, 7, 1), D(2026, 9, 30)),
    (D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
])
def test_calendar_quarters(day, start, end):
    assert quarter_of(day) == Window(start, end)


def test_a_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Window(D(2026, 7, 2), D(2026, 7, 1))


def test_pilot_chart_colours_follow_the_one_status_rule():
    import pandas as pd

    from metrics.charts import STATUS_COLOURS, fig_pilot_metric
    weeks = pd.DataFrame({"week": [1, 2, 3], "complete": [True, True, False],
                          "data_quality_error_rate": [0.10, 0.05, float("nan")]})
    fig = fig_pilot_metric(weeks, "data_quality_error_rate", 0.10, "lower", "Motors")
    # 10 % misses "< 10 %", 5 % meets it, a week without entries is grey
    assert list(fig.data[0].marker.color) == [STATUS_COLOURS["off_track"],
                                              STATUS_COLOURS["on_track"],
                                              STATUS_COLOURS["no_data"]]
