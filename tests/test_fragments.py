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


def test_the_first_response_is_the_first_row_at_or_after_the_inquiry(make_hub) -> None:
    """Worked by hand: a response at the inquiry's very moment counts; of two responses at
    one moment the first row is the response; an inquiry is no response to another."""
    from tests.hubfactory import account, contact, interaction, member

    def at(hour: int) -> dt.datetime:
        return dt.datetime(2026, 3, 10, hour)

    ada = "Ada Obi"
    hub = make_hub(
        accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
        staff=[member(ada, "Motors")],
        interactions=[
            interaction("I1", at(9), "C1", "Inquiry", ada),
            interaction("R1", at(9), "C1", "Follow-up", ada),     # the same moment: counts
            interaction("I2", at(10), "C1", "Inquiry", ada),
            interaction("I3", at(10), "C1", "Inquiry", ada),      # not a response to I2
            interaction("R3", at(11), "C1", "Follow-up", ada),    # two at one moment:
            interaction("R2", at(11), "C1", "Follow-up", ada),    # the first row wins
            interaction("I4", at(12), "C1", "Inquiry", ada),      # nothing after it
        ])
    out = motors.inquiry_response_12h(hub.workspace(), window=Window(dt.date(2026, 3, 1),
                                      dt.date(2026, 3, 31)), as_of=dt.date(2026, 3, 31))
    found = dict(zip(out.rows["interaction_id"], out.rows["response_id"].fillna("none")))
    assert found == {"I1": "R1", "I2": "R3", "I3": "R3", "I4": "none"}
    assert (out.result.numerator, out.result.denominator) == (3, 4)
