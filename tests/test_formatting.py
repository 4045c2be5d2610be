"""How numbers, dates and sizes read on screen (ui.md, Numbers, dates, names)."""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.formatting import day, megabytes, moment, naira, naira_compact, percent


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
