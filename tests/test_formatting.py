"""How numbers, dates and sizes read on screen (ui.md, Numbers, dates, names)."""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.formatting import day, kpi_value, megabytes, moment, naira, naira_compact, percent


@pytest.mark.parametrize(("amount", "text"), [(1_250_000, "₦1,250,000"), (-45_000.4, "−₦45,000"),
                                              (None, "–"), (float("nan"), "–")])
def test_naira(amount: float | None, text: str) -> None:
    assert naira(amount) == text


@pytest.mark.parametrize(("amount", "text"), [(1_250_000, "₦1.25 M"), (850_000, "₦850 k"),
                                              (2_100_000_000, "₦2.1 bn"), (999, "₦999")])
def test_naira_compact(amount: float, text: str) -> None:
    assert naira_compact(amount) == text


def test_percent_day_moment_megabytes() -> None:
    assert percent(0.58) == "58 %" and percent(0.5834, 1) == "58.3 %" and percent(None) == "–"
    assert day(dt.date(2026, 6, 15)) == "15 Jun 2026"
    assert moment(dt.datetime(2026, 6, 15, 14, 5)) == "15 Jun 2026, 14:05"
    assert megabytes(104_857_600) == "100.0 MB" and megabytes(20_480) == "20 kB"


def test_kpi_values_and_targets_read_by_unit():
    from metrics.formatting import kpi_target, kpi_value
    assert kpi_value(0.583, "ratio") == "58 %"
    assert kpi_value(0.17, "change") == "+17 %" and kpi_value(-0.05, "change") == "−5 %"
    assert kpi_value(3.94, "hours") == "3.9 h" and kpi_value(78.05, "days") == "78 days"
    assert kpi_value(1234, "count") == "1,234" and kpi_value(None, "ratio") == "–"
    assert kpi_target(0.6, "higher", "ratio") == "target ≥ 60 %"
    assert kpi_target(4, "lower", "hours") == "target < 4.0 h"
    assert kpi_target(None, "higher", "count") == "no target"


def test_wilson_interval_of_one_of_two_is_wide():
    from metrics.formatting import wilson_interval
    low, high = wilson_interval(1, 2)
    assert round(low, 3) == 0.095 and round(high, 3) == 0.905
    assert wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize(("value", "shown"), [
    (3 / 1255, "< 1 %"), (0.0, "0 %"), (0.005, "< 1 %"), (0.0051, "1 %"), (1254 / 1255, "> 99 %"), (1.0, "100 %"),
    (0.994, "99 %")])
def test_a_rate_never_rounds_to_a_false_zero_or_hundred(value: float, shown: str) -> None:
    assert kpi_value(value, "ratio") == shown
