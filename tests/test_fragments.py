"""metrics.fragments.asked_since: the right sides of the Motors and Power journey joins keep
only what an inquiry or lead of the window can match. The journeys must be exactly those of
the unpruned joins, on the demo over a year of windows at several as-of dates."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from hub_data import build_database
from metrics import motors, power
from metrics.calendar import Window, trend_windows
from tests.conftest import DEMO


def _journeys(cur, days: list[dt.date]) -> list[pd.DataFrame]:
    found = []
    for day in days:
        span = Window(trend_windows(day)[0].start, day)
        for window in (span, Window(day - dt.timedelta(days=27), day)):
            found.append(motors._inquiry_journeys(cur, window, day, "Motors"))
            found.append(power._lead_journeys(cur, window, day, "Power"))
    return found


def test_the_pruned_journey_joins_find_what_the_whole_history_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cur = build_database(DEMO).cursor()
    last = cur.execute("SELECT CAST(max(date) AS DATE) FROM interactions").fetchone()[0]
    days = [last - dt.timedelta(days=k) for k in (0, 9, 30, 75, 120)]
    pruned = _journeys(cur, days)
    assert sum(len(f) for f in pruned) > 200
    assert sum(int(f["quoted"].sum()) for f in pruned[::2]) > 0     # Motors found quotes
    assert sum(int(f["site_visit"].sum()) for f in pruned[1::2]) > 0  # Power found visits
    for module in (motors, power):
        monkeypatch.setattr(module, "asked_since", lambda *args, **kwargs: "")
    whole = _journeys(cur, days)
    for a, b in zip(pruned, whole):
        pd.testing.assert_frame_equal(a, b)
