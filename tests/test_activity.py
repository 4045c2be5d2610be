"""metrics/activity.py: follow_through_rate, collaboration and its trend, on tiny hubs whose
expected values are worked out by hand in the comments."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.activity import (collaboration, collaboration_trend, collaboration_trends,
                              follow_through_rate)
from metrics.calendar import Window, window_ending
from metrics.result import KpiResult
from tests.hubfactory import account, contact, interaction, member

T = dt.date(2026, 3, 31)          # a Tuesday; window_ending(T) = [04 Mar, 31 Mar 2026]
WINDOW = window_ending(T)
ADA, MUSA = "Ada Obi", "Musa Bello"


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute)


def done(iid: str, when: dt.datetime, contact_id: str | None, **kw) -> dict:
    """A follow-up row that closes its thread (so it is no action of its own)."""
    return interaction(iid, when, contact_id, "Follow-up", ADA, next_action="None", **kw)


def result(kpi_id: str, value, numerator, denominator, n, status: str) -> KpiResult:
    return KpiResult(kpi_id, value, numerator, denominator, n, None, "higher", status)


# --------------------------------------------------------------------------- follow-through
@pytest.fixture
def follow_hub(make_hub):
    return make_hub(
        accounts=[account("A1", "Motors"), account("A2", "Motors"), account("A3", "Power")],
        contacts=[contact(c, "A1") for c in ("C1", "C2", "C5", "C6", "C7", "C8", "C9", "C10")]
        + [contact("C3", "A2"), contact("C4", "A3")],
        staff=[member(ADA, "Motors"), member(MUSA, "Power")],
        interactions=[
            # X1: due 12 Mar; follow-up at 12 Mar 23:59 (end of the due day - 1 min) -> followed
            interaction("X1", at(3, 10, 9), "C1", "Inquiry", ADA, next_action="Send brochure",
                        due=at(3, 12)),
            done("F1", at(3, 12, 23, 59), "C1"),
            # X2: due 12 Mar; follow-up at 13 Mar 00:00 (the next day) -> not followed
            interaction("X2", at(3, 10, 9), "C2", "Inquiry", ADA, due=at(3, 12)),
            done("F2", at(3, 13, 0, 0), "C2"),
            # X3: the only other row of the thread is before the action -> not followed; an
            # Account-only row of A2 after it is another thread (account:A2) -> not followed
            done("P3", at(3, 19, 9), "C3"),
            interaction("X3", at(3, 20, 10), "C3", "Inquiry", ADA, due=at(3, 25)),
            done("R3", at(3, 21, 9), None, account_id="A2"),
            # X7: no contact -> thread account:A2; followed 16 Mar 12:00 by an A2-only row
            interaction("X7", at(3, 15, 9), None, "Inquiry", ADA, account_id="A2",
                        due=at(3, 16)),
            done("F7", at(3, 16, 12), None, account_id="A2"),
            # X8: neither contact nor account -> a thread of its own: never followed (R8 is
            # another lone row)
            interaction("X8", at(3, 15, 9), None, "Inquiry", ADA, division="Motors",
                        due=at(3, 16)),
            done("R8", at(3, 15, 10), None, division="Motors"),
            # X9: date-only rows on the same day; F9 is a later row -> followed
            interaction("X9", at(3, 17), "C5", "Inquiry", ADA, due=at(3, 18)),
            done("F9", at(3, 17), "C5"),
            # closing word and blank Next Action with a due date in the window: not actions
            interaction("N1", at(3, 18, 9), "C6", "Inquiry", ADA,
                        next_action="No further action", due=at(3, 20)),
            interaction("N2", at(3, 18, 10), "C6", "Inquiry", ADA, next_action=None,
                        due=at(3, 20)),
            # due 3 Mar, before the window -> not counted
            interaction("X11", at(3, 1, 9), "C7", "Inquiry", ADA, due=at(3, 3)),
            # a Power action -> not Motors (Power: 1 action, not followed)
            interaction("XP", at(3, 10, 9), "C4", "Lead", MUSA, due=at(3, 12)),
            # rows dated after T
            interaction("X12", at(4, 1, 9), "C8", "Inquiry", ADA, due=at(4, 2)),
            interaction("X13", at(3, 30, 9), "C9", "Inquiry", ADA, due=at(4, 2)),
            done("F13", at(4, 1, 10), "C9"),
            # due before its own Date (BAD_DATE), dated after T
            interaction("X14", at(4, 1, 9), "C10", "Inquiry", ADA, due=at(3, 31)),
        ])


def test_follow_through_rate_motors(follow_hub) -> None:
    # Actions due in [04 Mar, 31 Mar]: X1 yes, X2 no, X3 no, X7 yes, X8 no, X9 yes -> 3 / 6.
    # Not actions: N1 (closing word), N2 (blank), X11 (due 3 Mar), XP (Power), X12 and X13
    # (due 2 Apr, after T), X14 (dated after T).
    out = follow_through_rate(follow_hub.workspace(), window=WINDOW, as_of=T, division="Motors")
    assert out.result == result("follow_through_rate", 0.5, 3, 6, 6, "info")
    flags = dict(zip(out.rows["interaction_id"], out.rows["in_numerator"]))
    assert flags == {"X1": True, "X2": False, "X3": False, "X7": True, "X8": False, "X9": True}
    x1 = out.rows.set_index("interaction_id").loc["X1"]
    assert x1["followed_by"] == "F1" and x1["followed_at"] == at(3, 12, 23, 59)
    assert x1["thread"] == "contact:C1"
    assert out.rows.set_index("interaction_id").loc["X7", "thread"] == "account:A2"
    assert out.rows.set_index("interaction_id").loc["X9", "followed_by"] == "F9"


def test_follow_through_ignores_rows_after_t(follow_hub) -> None:
    # A window reaching past T is cut at the end of T: X13 (due 2 Apr, followed 1 Apr) and
    # X12 (dated 1 Apr) stay out -> still 3 / 6.
    window = Window(dt.date(2026, 3, 4), dt.date(2026, 4, 30))
    out = follow_through_rate(follow_hub.workspace(), window=window, as_of=T, division="Motors")
    assert out.result == result("follow_through_rate", 0.5, 3, 6, 6, "info")
    assert not {"X12", "X13", "X14"} & set(out.rows["interaction_id"])


def test_follow_through_later_as_of(follow_hub) -> None:
    # T' = 5 Apr, window [09 Mar, 05 Apr]: X1, X2, X3, X7, X8, X9 as before (3 followed) plus
    # X12 (due 2 Apr, no follow-up: no), X13 (F13 on 1 Apr 10:00 <= end of 2 Apr: yes) and
    # X14 (due 31 Mar is before its own Date 1 Apr: cannot be followed: no) -> 4 / 9.
    as_of = dt.date(2026, 4, 5)
    out = follow_through_rate(follow_hub.workspace(), window=window_ending(as_of), as_of=as_of,
                              division="Motors")
    assert out.result == result("follow_through_rate", 4 / 9, 4, 9, 9, "info")
    flags = dict(zip(out.rows["interaction_id"], out.rows["in_numerator"]))
    assert flags["X13"] and not flags["X12"] and not flags["X14"]


def test_follow_through_other_division_and_no_data(follow_hub) -> None:
    cur = follow_hub.workspace()
    # Power: XP only, never followed -> 0 / 1 = 0.0 (info: a value without a target).
    power = follow_through_rate(cur, window=WINDOW, as_of=T, division="Power")
    assert power.result == result("follow_through_rate", 0.0, 0, 1, 1, "info")
    # Medical: no actions -> zero denominator -> no_data with 0 / 0.
    medical = follow_through_rate(cur, window=WINDOW, as_of=T, division="Medical")
    assert medical.result == result("follow_through_rate", None, 0, 0, 0, "no_data")
    assert medical.rows.empty and "in_numerator" in medical.rows


# --------------------------------------------------------------------------- collaboration
@pytest.fixture
def collab_hub(make_hub):
    ngozi, tolu = "Ngozi Eze", "Tolu Ade"
    return make_hub(
        accounts=[account("M1", "Motors"), account("M2", "Motors"), account("P1", "Power")],
        contacts=[contact("CM1", "M1"), contact("CM2", "M2"), contact("CP1", "P1")],
        staff=[member(ADA, "Motors"), member(MUSA, "Power"), member(ngozi, "Medical"),
               {**member(tolu, "Motors"), "Division": None}],
        interactions=[
            interaction("I1", at(3, 5, 9), "CM1", "Inquiry", ADA),            # M: den
            interaction("I2", at(3, 6, 9), "CM1", "Inquiry", MUSA,
                        division="Motors"),                                  # M: num
            interaction("I3", at(3, 10, 9), "CM2", "Inquiry", ngozi),        # M: num
            interaction("I4", at(3, 11, 9), "CM2", "Inquiry", " ngozi  EZE"),  # roster: num
            interaction("I5", at(3, 12, 9), "CM1", "Inquiry", "Stranger"),   # off roster: out
            interaction("I6", at(3, 3, 23, 59), "CM1", "Inquiry", MUSA),     # before window
            interaction("I7", at(4, 1, 0, 0), "CM1", "Inquiry", MUSA),       # after T
            interaction("I8", at(3, 15, 9), "CP1", "Lead", MUSA),            # P: den
            interaction("I9", at(3, 16, 9), "CP1", "Lead", ADA),             # P: num
            interaction("I10", at(3, 17, 9), "CP1", "Lead", ADA,
                        division="Motors"),                                  # P (account): num
            interaction("I11", at(3, 4, 0, 0), "CM1", "Inquiry", MUSA),      # window start: num
            interaction("I12", at(3, 20, 9), "CM1", "Inquiry", tolu),        # blank div: den
            interaction("I13", at(4, 30, 0, 0, year=2025), "CM1", "Inquiry",
                        ADA),                                                # trend start: den
            interaction("I14", at(4, 29, 23, 0, year=2025), "CM1", "Inquiry",
                        MUSA),                                               # before the trend
        ])


def test_collaboration_motors(collab_hub) -> None:
    # Motors accounts in [04 Mar, 31 Mar] by roster members: I1, I2, I3, I4, I11, I12 = 6;
    # by another division: I2 (Power), I3 and I4 (Medical), I11 (Power) = 4 -> 4 / 6.
    out = collaboration(collab_hub.workspace(), window=WINDOW, as_of=T, division="Motors")
    assert out.result == result("collaboration", 4 / 6, 4, 6, 6, "info")
    flags = dict(zip(out.rows["interaction_id"], out.rows["in_numerator"]))
    assert flags == {"I11": True, "I1": False, "I2": True, "I3": True, "I4": True,
                     "I12": False}
    i4 = out.rows.set_index("interaction_id").loc["I4"]
    assert (i4["logged_by"], i4["logged_by_division"], i4["account_division"]) == (
        "Ngozi Eze", "Medical", "Motors")


def test_collaboration_power_and_no_data(collab_hub) -> None:
    cur = collab_hub.workspace()
    # Power account P1: I8 (Musa, Power), I9 and I10 (Ada, Motors; I10's own Division is
    # Motors but the account's is Power) -> 2 / 3.
    power = collaboration(cur, window=WINDOW, as_of=T, division="Power")
    assert power.result == result("collaboration", 2 / 3, 2, 3, 3, "info")
    medical = collaboration(cur, window=WINDOW, as_of=T, division="Medical")
    assert medical.result == result("collaboration", None, 0, 0, 0, "no_data")


def test_collaboration_trend(collab_hub) -> None:
    # 12 windows of 28 days ending T: the first starts 04 Mar 2026 - 11 * 28 = 30 Apr 2025.
    trend = collaboration_trend(collab_hub.workspace(), as_of=T, division="Motors")
    assert len(trend) == 12
    assert trend["window_start"].iloc[0] == dt.date(2025, 4, 30)
    assert trend["window_end"].iloc[-1] == T
    # last window as collaboration(): 4 / 6; the one before ([04 Feb, 03 Mar]) holds I6 (Power)
    # 1 / 1; the first holds I13 (Ada, own division) 0 / 1 (I14 is before it); others 0 / 0.
    assert trend[["numerator", "denominator"]].values.tolist() == (
        [[0, 1]] + [[0, 0]] * 9 + [[1, 1], [4, 6]])
    values = trend["value"].tolist()
    assert values[0] == 0.0 and values[10] == 1.0 and values[11] == pytest.approx(4 / 6)
    assert trend["value"].iloc[1:10].isna().all()


def test_collaboration_trends_of_every_division_from_one_query(collab_hub) -> None:
    """The cross-division page's batch: each division's own rows, and under None the sum of
    every account Division, as the trends computed one division at a time."""
    cur = collab_hub.workspace()
    trends = collaboration_trends(cur, as_of=T, divisions=["Motors", "Power", "Medical"])
    assert list(trends) == ["Motors", "Power", "Medical", None]
    # Motors as in test_collaboration_trend; Power: I8, I9, I10 in the last window -> 2 / 3;
    # Medical has no account; all divisions: Motors + Power.
    assert trends["Motors"][["numerator", "denominator"]].values.tolist() == (
        [[0, 1]] + [[0, 0]] * 9 + [[1, 1], [4, 6]])
    assert trends["Power"][["numerator", "denominator"]].values.tolist() == (
        [[0, 0]] * 11 + [[2, 3]])
    assert trends["Medical"]["denominator"].sum() == 0
    assert trends["Medical"]["value"].isna().all()
    assert trends[None][["numerator", "denominator"]].values.tolist() == (
        [[0, 1]] + [[0, 0]] * 9 + [[1, 1], [6, 9]])
    for division in ("Motors", "Power", "Medical", None):
        pd.testing.assert_frame_equal(trends[division],
                                      collaboration_trend(cur, as_of=T, division=division))
