"""Medical KPIs (metrics.md, Division KPIs: Medical) on tiny hubs with hand-worked answers.

T = Mon 15 Jun 2026; window [a, b] = [19 May 2026, 15 Jun 2026] (28 days); end of T =
16 Jun 2026 00:00; the window last year = [a − 364, b − 364] = [20 May 2025, 16 Jun 2025];
the quarter containing b = Q2 2026 = [1 Apr, 30 Jun 2026] (cut at the end of T).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.calendar import window_ending
from metrics.medical import (avg_order_volume_yoy, distributor_order_frequency,
                             new_distributors, quality_flag_resolution_hours)
from tests.hubfactory import (account, contact, customer, interaction, kpi, member, sale)

T = dt.date(2026, 6, 15)
WINDOW = window_ending(T)
MED = "Medical"
D, DT = dt.date, dt.datetime




def distributor(account_id: str, erp: str | None, division: str = MED,
                account_type: str = "Distributor") -> dict:
    return account(account_id, division, account_type=account_type, erp=erp, owner="Ada Obi")


# --- new_distributors ------------------------------------------------------------------------

@pytest.fixture
def acquisitions(make_hub):
    """M1 signed 1 Apr 2026 00:00 (first instant of Q2).
    M2 no signing; first sale 31 Mar 2026 (last day of Q1).
    M3 signed 2 May 2026 although its first sale was 10 Feb 2026: signing wins.
    M4 signed 20 Mar 2026 (Q1); first sale 15 Apr 2026 does not matter.
    M5 no signing; a credit note 1 Mar 2026 (not a sale), first sale 10 Apr 2026.
    M6 signed 16 Jun 2026 09:00 and first sale 16 Jun 2026: both after T.
    M7 Medical but a Customer (signed in Q2); M8 a Power distributor (signed in Q2)."""
    accounts = [distributor(f"M{i}", f"E{i}") for i in range(1, 7)]
    accounts += [distributor("M7", "E7", account_type="Customer"),
                 distributor("M8", "E8", division="Power")]
    contacts = [contact(f"C{i}", f"M{i}") for i in range(1, 9)]
    signed = "Distributor Signed"
    interactions = [
        interaction("I1", DT(2026, 4, 1, 0, 0), "C1", signed, "Ada Obi"),
        interaction("I3", DT(2026, 5, 2, 10), "C3", signed, "Ada Obi"),
        interaction("I4", DT(2026, 3, 20, 10), "C4", signed, "Ada Obi"),
        interaction("I6", DT(2026, 6, 16, 9), "C6", signed, "Ada Obi"),
        interaction("I7", DT(2026, 5, 5, 10), "C7", signed, "Ada Obi"),
        interaction("I8", DT(2026, 5, 5, 11), "C8", signed, "Ada Obi"),
    ]
    sales = [
        sale("S2", D(2026, 3, 31), "E2", 1_000_000),
        sale("S3", D(2026, 2, 10), "E3", 1_000_000),
        sale("S4", D(2026, 4, 15), "E4", 1_000_000),
        sale("S5a", D(2026, 3, 1), "E5", -500_000),
        sale("S5b", D(2026, 4, 10), "E5", 2_000_000),
        sale("S6", D(2026, 6, 16), "E6", 1_000_000),
    ]
    return make_hub(accounts=accounts, contacts=contacts, staff=[member("Ada Obi", MED)],
                    interactions=interactions,
                    customers=[customer(f"E{i}", MED) for i in range(1, 9)], sales=sales,
                    settings='[divisions.Medical]\ntargets = { new_distributors = 4 }\n')


def test_new_distributors(acquisitions):
    # Q2 2026 up to T: M1 (signed 1 Apr 00:00, the quarter's first instant), M3 (signed
    # 2 May; its Feb sale is ignored because a signing exists), M5 (first real sale 10 Apr;
    # the 1 Mar credit note is no sale). M2 (31 Mar) and M4 (signed 20 Mar) are Q1; M6 only
    # after T; M7 not a distributor; M8 not Medical. Count = 3 ≥ 2.
    cur = acquisitions.workspace()
    out = new_distributors(cur, window=WINDOW, as_of=T, division=MED)
    assert out.result == kpi("new_distributors", 3, None, None, 3, 2.0, "higher", "on_track")
    flags = dict(zip(out.rows["account_id"], out.rows["in_numerator"]))
    assert flags == {"M1": True, "M2": False, "M3": True, "M4": False, "M5": True, "M6": False}
    by = out.rows.set_index("account_id")
    assert by.loc["M3", "acquired_by"] == "Distributor Signed"
    assert by.loc["M3", "evidence_id"] == "I3"
    assert by.loc["M5", "acquired_by"] == "first sale"
    assert by.loc["M5", "evidence_id"] == "S5b"
    assert pd.isna(by.loc["M6", "acquired_at"]) and pd.isna(by.loc["M6", "acquired_by"])

    # As of 31 Mar 2026 the quarter is Q1 2026. M2: first sale 31 Mar = T (counts). M4:
    # signed 20 Mar. M3: its signing (2 May) is after T, so the first sale 10 Feb decides.
    # M1's signing (1 Apr) is after T and it has no sale; M5's only sale ≤ T is a credit
    # note. Count = 3.
    as_of = D(2026, 3, 31)
    out = new_distributors(cur, window=window_ending(as_of), as_of=as_of, division=MED)
    assert out.result == kpi("new_distributors", 3, None, None, 3, 2.0, "higher", "on_track")
    inside = set(out.rows.loc[out.rows["in_numerator"], "account_id"])
    assert inside == {"M2", "M3", "M4"}
    assert out.rows.set_index("account_id").loc["M3", "acquired_by"] == "first sale"

    # Q3 2025 (as of 30 Sep 2025): nobody acquired yet → a count of 0, never null, off
    # track. The settings target (4) replaces the default 2.
    as_of = D(2025, 9, 30)
    out = new_distributors(cur, window=window_ending(as_of), as_of=as_of,
                           division=MED, settings=acquisitions.settings)
    assert out.result == kpi("new_distributors", 0, None, None, 0, 4.0, "higher", "off_track")
    # T's quarter with the override: 3 < 4 → off track.
    out = new_distributors(cur, window=WINDOW, as_of=T, division=MED,
                           settings=acquisitions.settings)
    assert out.result == kpi("new_distributors", 3, None, None, 3, 4.0, "higher", "off_track")


# --- sales: order frequency and YoY; quality flags -------------------------------------------

@pytest.fixture
def medical(make_hub):
    """Distributors M1 (E1), M2 (E2), M3 (E3); M7 (E7) is a Medical Customer; M8 (E8) a
    Power distributor; X1 a Motors account."""
    accounts = [distributor("M1", "E1"), distributor("M2", "E2"), distributor("M3", "E3"),
                distributor("M7", "E7", account_type="Customer"),
                distributor("M8", "E8", division="Power"), account("X1", "Motors")]
    contacts = [contact("C1", "M1"), contact("C2", "M2"), contact("CX", "X1")]
    sales = [
        # this window [19 May, 15 Jun 2026]
        sale("D101", D(2026, 5, 19), "E1", 1_000_000),              # a: counts
        sale("D102", D(2026, 6, 15), "E1", 2_000_000),              # T: counts
        sale("D103", D(2026, 6, 16), "E1", 5_000_000),              # after T
        sale("D201", D(2026, 6, 1), "E2", None),                    # blank Amount: n, no mean
        sale("D202", D(2026, 6, 2), "E2", -300_000),                # credit note
        sale("D203", D(2026, 5, 25), "E2", 3_000_000, division="Motors"),  # any sale division
        sale("D301", D(2026, 5, 18), "E3", 7_000_000),              # a − 1
        sale("D701", D(2026, 6, 1), "E7", 9_000_000),               # not a distributor
        sale("D801", D(2026, 6, 1), "E8", 9_000_000),               # Power distributor
        # last year's window [20 May, 16 Jun 2025]
        sale("D901", D(2025, 5, 20), "E1", 1_500_000),              # a − 364: counts
        sale("D902", D(2025, 5, 19), "E2", 9_000_000),              # a − 365: out
        sale("D903", D(2025, 6, 16), "E3", 1_700_000),              # b − 364: counts
        sale("D904", D(2025, 6, 17), "E1", 9_000_000),              # b − 363: out
        sale("D905", D(2025, 6, 1), "E2", -1_000_000),              # credit note
    ]
    flag, fixed = "Quality Flag", "Quality Resolved"
    interactions = [
        # Q1: Resolved = Yes on the flag row → 0 h (the later Quality Resolved is not needed)
        interaction("Q1", DT(2026, 6, 1, 10), "C1", flag, "Ada Obi", resolved="Yes"),
        interaction("R10", DT(2026, 6, 5, 10), "C1", fixed, "Ada Obi"),
        # Q2: Resolved = No; R20 is before the flag; R21 first after → 36 h; R22 later
        interaction("Q2", DT(2026, 6, 2, 8), "C2", flag, "Ada Obi", resolved="No"),
        interaction("R20", DT(2026, 6, 1, 9), "C2", fixed, "Ada Obi"),
        interaction("R21", DT(2026, 6, 3, 20), "C2", fixed, "Ada Obi"),
        interaction("R22", DT(2026, 6, 4, 9), "C2", fixed, "Ada Obi"),
        # Q3: the only Quality Resolved after it is after T → unresolved: 16 Jun 00:00 −
        # 14 Jun 06:00 = 42 h
        interaction("Q3", DT(2026, 6, 14, 6), "C1", flag, "Ada Obi"),
        interaction("R30", DT(2026, 6, 16, 9), "C1", fixed, "Ada Obi"),
        # Q7: at a 00:00 (window start), answered at the same instant (dated ≥ the flag) → 0 h
        interaction("Q7", DT(2026, 5, 19, 0, 0), "C2", flag, "Ada Obi"),
        interaction("R70", DT(2026, 5, 19, 0, 0), "C2", fixed, "Ada Obi"),
        # out: before the window, after T, another division
        interaction("Q4", DT(2026, 5, 18, 23), "C1", flag, "Ada Obi"),
        interaction("Q5", DT(2026, 6, 16, 8), "C1", flag, "Ada Obi"),
        interaction("Q6", DT(2026, 6, 5, 10), "CX", flag, "Ada Obi"),
    ]
    return make_hub(accounts=accounts, contacts=contacts, staff=[member("Ada Obi", MED)],
                    interactions=interactions,
                    customers=[customer(f"E{i}", MED) for i in (1, 2, 3, 7)]
                    + [customer("E8", "Power")], sales=sales,
                    settings=("[divisions.Medical]\ntargets = { avg_order_volume_yoy = 0.3, "
                              "quality_flag_resolution_hours = 12 }\n"))


def test_distributor_order_frequency(medical):
    # Sales in the window to distributors: D101, D102, D201 (blank Amount is still a sale),
    # D203 (a Motors sale counts: the customer is a Medical distributor) = 4; D202 is a
    # credit note, D103 after T, D301 before a, D701/D801 not Medical distributors.
    # Distributors with a sale: E1, E2 = 2 → 4 / 2 = 2.0, no target → info.
    cur = medical.workspace()
    out = distributor_order_frequency(cur, window=WINDOW, as_of=T, division=MED)
    assert out.result == kpi("distributor_order_frequency", 2.0, 4, 2, 2, None, "higher", "info")
    assert list(out.rows["document_id"]) == ["D101", "D203", "D201", "D102"]
    assert out.rows["in_numerator"].all()

    # Window [4 Jan, 31 Jan 2025]: no sale → 0 / 0, value null, no_data.
    as_of = D(2025, 1, 31)
    out = distributor_order_frequency(cur, window=window_ending(as_of),
                                      as_of=as_of, division=MED)
    assert out.result == kpi("distributor_order_frequency", None, 0, 0, 0, None, "higher",
                             "no_data")
    assert out.rows.empty


def test_avg_order_volume_yoy(medical):
    # This window: D101 1.0 M, D102 2.0 M, D203 3.0 M, D201 blank → n = 4, mean of the three
    # readable = 2.0 M. Last year: D901 (a − 364) 1.5 M and D903 (b − 364) 1.7 M; D902 (a −
    # 365) and D904 (b − 363) are outside, D905 a credit note → mean 1.6 M.
    # value = 2.0 / 1.6 − 1 = 0.25 ≥ 0.10 → on track.
    cur = medical.workspace()
    out = avg_order_volume_yoy(cur, window=WINDOW, as_of=T, division=MED)
    assert out.result == kpi("avg_order_volume_yoy", pytest.approx(0.25), 2_000_000,
                             1_600_000, 4, 0.10, "higher", "on_track")
    rows = out.rows.set_index("document_id")
    assert set(rows.index) == {"D101", "D102", "D201", "D203", "D901", "D903"}
    assert not rows.loc["D201", "in_numerator"] and rows.loc["D201", "period"] == "current"
    assert rows.loc["D101", "in_numerator"] and not rows.loc["D101", "in_denominator"]
    assert rows.loc["D901", "in_denominator"] and rows.loc["D903", "in_denominator"]

    # Same 0.25, but the settings target is 0.3 → off track.
    out = avg_order_volume_yoy(cur, window=WINDOW, as_of=T, division=MED,
                               settings=medical.settings)
    assert out.result == kpi("avg_order_volume_yoy", pytest.approx(0.25), 2_000_000,
                             1_600_000, 4, 0.3, "higher", "off_track")

    # As of 16 Jun 2025: window [20 May, 16 Jun 2025] holds D901 1.5 M and D903 1.7 M (mean
    # 1.6 M, n 2); its last year [21 May, 17 Jun 2024] has no sale → value null, no_data.
    as_of = D(2025, 6, 16)
    out = avg_order_volume_yoy(cur, window=window_ending(as_of), as_of=as_of,
                               division=MED)
    assert out.result == kpi("avg_order_volume_yoy", None, 1_600_000, None, 2, 0.10, "higher",
                             "no_data")

    # As of 14 Jun 2027: window [18 May, 14 Jun 2027] is empty (n 0); last year = [19 May,
    # 15 Jun 2026] = this test hub's current window, mean 2.0 M → value null, no_data.
    as_of = D(2027, 6, 14)
    out = avg_order_volume_yoy(cur, window=window_ending(as_of), as_of=as_of,
                               division=MED)
    assert out.result == kpi("avg_order_volume_yoy", None, None, 2_000_000, 0, 0.10, "higher",
                             "no_data")


def test_quality_flag_resolution_hours(medical):
    # Flags in the window: Q7 0 h (answered at the same instant), Q1 0 h (Resolved = Yes),
    # Q2 36 h (2 Jun 08:00 → R21 3 Jun 20:00), Q3 42 h (unresolved: end of T − 14 Jun
    # 06:00). Q4 before a, Q5 after T, Q6 Motors are out. Median of 0, 0, 36, 42 =
    # (0 + 36) / 2 = 18 < 48 → on track; n = 4.
    cur = medical.workspace()
    out = quality_flag_resolution_hours(cur, window=WINDOW, as_of=T,
                                        division=MED)
    assert out.result == kpi("quality_flag_resolution_hours", 18.0, None, None, 4, 48.0,
                             "lower", "on_track")
    rows = out.rows.set_index("interaction_id")
    assert list(rows.index) == ["Q7", "Q1", "Q2", "Q3"]
    assert list(rows["hours"]) == [0.0, 0.0, 36.0, 42.0]
    assert list(rows["resolution"]) == ["Quality Resolved", "Resolved = Yes",
                                        "Quality Resolved", "unresolved by T"]
    assert rows.loc["Q2", "resolved_by_interaction"] == "R21"
    assert rows["in_numerator"].all()

    # The settings target 12 h: 18 ≥ 12 → off track ("< 12" is missed).
    out = quality_flag_resolution_hours(cur, window=WINDOW, as_of=T,
                                        division=MED, settings=medical.settings)
    assert out.result == kpi("quality_flag_resolution_hours", 18.0, None, None, 4, 12.0,
                             "lower", "off_track")
    # No flag in [4 Jan, 31 Jan 2025] → value null, n 0, no_data.
    as_of = D(2025, 1, 31)
    out = quality_flag_resolution_hours(cur, window=window_ending(as_of),
                                        as_of=as_of, division=MED)
    assert out.result == kpi("quality_flag_resolution_hours", None, None, None, 0, 48.0,
                             "lower", "no_data")
