"""Account ownership (metrics/ownership.py; metrics.md "Account ownership", "Ownership and
backlog", operational measures "coverage" and "proposed owner"), worked by hand.

One hub, T = Tue 30 Jun 2026: the ERP owner looks at sales dated in (T − 365, T], i.e. from
1 Jul 2025 (T − 364) to 30 Jun 2026; 30 Jun 2025 (T − 365) is out.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.calendar import Window, window_ending
from metrics.ownership import accounts, counts, coverage
from metrics.result import KpiResult
from tests.hubfactory import module_hub, account, customer, interaction, member, sale

T = dt.date(2026, 6, 30)


def on(account_id: str, when: dt.datetime, who: str, iid: str) -> dict:
    """An interaction for an account without a contact."""
    return interaction(iid, when, None, "Follow-up", who, account_id=account_id)


STAFF = [
    member("Ada Obi", "Motors"), member("Bola Ade", "Motors"),
    member("Chidi Eze", "Power", leave=T),                          # last day T: not left
    member("Dayo Lawal", "Power", leave=T - dt.timedelta(days=1)),  # left on T − 1
    member("Efe Oke", "Medical"),
]
ACCOUNTS = [
    account("A1", "Motors", owner="Ada Obi", erp="E1"),
    account("A2", "Motors", owner="Ada Obi", erp="E2"),
    account("A3", "Power", owner=None, erp="E3"),
    account("A4", "Power", owner=None, erp="E4"),
    account("A5", "Power", owner="Chidi Eze"),
    account("A6", "Power", owner="Dayo Lawal"),
    account("A7", "Medical", owner="Zed Unknown", erp="E7"),
    account("A8", "Medical", owner="Efe Oke", erp="E8"),
    account("A9", "Motors", owner="Bola Ade"),
    account("A10", "Motors", owner=None),
    account("A11", "Cube 65 Clinic", owner=None),
]
SALES = [
    # E1: the big sale is dated T − 365 (out); the small one T − 364 (in), by "ada  OBI":
    # ERP owner Ada Obi (roster spelling), same as the Hub owner -> no conflict.
    sale("S1", dt.date(2025, 6, 30), "E1", 9000, salesperson="Bola Ade"),
    sale("S2", dt.date(2025, 7, 1), "E1", 500, salesperson="ada  OBI"),
    # E2: three sales of 1000. "99" has the largest Document ID but the earliest Date; of "9"
    # and "10" (both 1 May) the larger Document ID numerically is 10 (as text "9" > "10")
    # -> Efe Oke, who differs from the Hub owner Ada Obi -> conflict.
    sale("9", dt.date(2026, 5, 1), "E2", 1000, salesperson="Bola Ade"),
    sale("10", dt.date(2026, 5, 1), "E2", 1000, salesperson="Efe Oke"),
    sale("99", dt.date(2026, 4, 1), "E2", 1000, salesperson="Chidi Eze"),
    # E3: only a credit note and a zero sale -> no ERP owner.
    sale("S8", dt.date(2026, 6, 1), "E3", -5000, salesperson="Chidi Eze"),
    sale("S9", dt.date(2026, 6, 2), "E3", 0, salesperson="Chidi Eze"),
    # E4: a sale dated T counts -> ERP owner Chidi Eze; the Hub owner is blank: orphan only.
    sale("S10", dt.date(2026, 6, 30), "E4", 100, salesperson="Chidi Eze"),
    # E7: the ERP writes the unknown owner's name in other case/spacing -> no conflict.
    sale("S11", dt.date(2026, 1, 1), "E7", 50, salesperson="zed  UNKNOWN"),
    # E8: the largest sale names no salesperson; the next names Bola Ade -> conflict with Efe.
    sale("S12", dt.date(2026, 2, 1), "E8", 900),
    sale("S13", dt.date(2026, 2, 2), "E8", 100, salesperson="Bola Ade"),
    # A sale after T never counts (it would beat S10).
    sale("S14", dt.date(2026, 7, 1), "E4", 99999, salesperson="Efe Oke"),
]
ROWS = [
    # A3 (no owner, no ERP owner): last 365 days = 1 Jul 2025 00:00 .. 30 Jun 2026 23:59.
    # Chidi 2 rows (10 Jan, 10 Mar), Bola 2 rows (1 Aug 2025, 1 Mar) -> tie; Chidi's latest
    # (10 Mar) is more recent -> Chidi, although Bola comes first by name. Dayo (left) logged 3
    # and an unknown name 4: not counted. Chidi's rows on 30 Jun 2025 23:00 and 1 Jul 2026 are
    # outside the 365 days.
    on("A3", dt.datetime(2026, 1, 10, 9), "Chidi Eze", "I01"),
    on("A3", dt.datetime(2026, 3, 10, 9), "Chidi Eze", "I02"),
    on("A3", dt.datetime(2025, 8, 1, 9), "Bola Ade", "I03"),
    on("A3", dt.datetime(2026, 3, 1, 9), "Bola Ade", "I04"),
    on("A3", dt.datetime(2025, 6, 30, 23), "Chidi Eze", "I05"),
    on("A3", dt.datetime(2026, 7, 1, 9), "Chidi Eze", "I06"),
    *(on("A3", dt.datetime(2026, 1, k, 9), "Dayo Lawal", f"I1{k}") for k in (1, 2, 3)),
    *(on("A3", dt.datetime(2026, 1, k, 9), "Not Roster", f"I2{k}") for k in (1, 2, 3, 4)),
    # Coverage, Motors, window [3 Jun, 30 Jun]: A1 touched 10 Jun (covered); A2 on 2 Jun
    # 23:00 (before) and 1 Jul (after T) -> not covered, last 2 Jun; A9 never; A10 is an
    # orphan (blank owner) -> not in coverage although touched in the window.
    on("A1", dt.datetime(2026, 6, 10, 9), "Ada Obi", "I31"),
    on("A2", dt.datetime(2026, 6, 2, 23), "Ada Obi", "I32"),
    on("A2", dt.datetime(2026, 7, 1, 9), "Ada Obi", "I33"),
    on("A10", dt.datetime(2026, 6, 20, 9), "Bola Ade", "I34"),
    # A11 (no owner, no ERP): Chidi and Bola each logged one row at the same moment -> the
    # last tie-break, name order: Bola.
    on("A11", dt.datetime(2026, 4, 1, 9), "Chidi Eze", "I41"),
    on("A11", dt.datetime(2026, 4, 1, 9), "Bola Ade", "I42"),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory):
    """One hub for the whole module (loading it once keeps the file fast)."""
    hub = module_hub(
        tmp_path_factory, "ownership", accounts=ACCOUNTS, staff=STAFF, interactions=ROWS, sales=SALES,
        customers=[customer(c, None) for c in ("E1", "E2", "E3", "E4", "E7", "E8")])
    yield hub.workspace()


@pytest.fixture(scope="module")
def owners(cur) -> pd.DataFrame:
    return accounts(cur, as_of=T).set_index("account_id")


def test_one_row_per_account(owners) -> None:
    assert list(owners.index) == [f"A{k}" for k in range(1, 12)]


@pytest.mark.parametrize("account_id, erp_owner, conflict, orphan, reason, proposed", [
    ("A1", "Ada Obi", False, False, None, "Ada Obi"),      # T − 365 out, T − 364 in
    ("A2", "Efe Oke", True, False, None, "Efe Oke"),       # ties: later date, numeric doc id
    ("A3", None, False, True, "blank", "Chidi Eze"),       # credit notes ignored; loggers
    ("A4", "Chidi Eze", False, True, "blank", "Chidi Eze"),  # blank owner: orphan, no conflict
    ("A5", None, False, False, None, None),                # Leave Date = T: not left
    ("A6", None, False, True, "left", None),               # Leave Date = T − 1: left
    ("A7", "zed UNKNOWN", False, True, "not_on_roster", "zed UNKNOWN"),  # names normalised
    ("A8", "Bola Ade", True, False, None, "Bola Ade"),     # blank salesperson skipped
    ("A9", None, False, False, None, None),
    ("A10", None, False, True, "blank", "Bola Ade"),
    ("A11", None, False, True, "blank", "Bola Ade"),       # same count and moment: name
])
def test_owner_rules(owners, account_id: str, erp_owner: str | None, conflict: bool,
                     orphan: bool, reason: str | None, proposed: str | None) -> None:
    row = owners.loc[account_id]
    assert (row["erp_owner"] if pd.notna(row["erp_owner"]) else None) == erp_owner
    assert bool(row["conflict"]) is conflict
    assert bool(row["orphan"]) is orphan
    assert (row["orphan_reason"] if pd.notna(row["orphan_reason"]) else None) == reason
    assert (row["proposed_owner"] if pd.notna(row["proposed_owner"]) else None) == proposed


def test_deciding_sale_and_last_interaction(owners) -> None:
    assert owners.loc["A2", "erp_document_id"] == "10"
    assert owners.loc["A1", "erp_document_id"] == "S2"
    assert owners.loc["A4", "erp_document_id"] == "S10"  # S14 (after T) never counts
    assert owners.loc["A3", "proposed_from"] == "interactions"
    assert owners.loc["A2", "proposed_from"] == "erp"
    # A3's last interaction dated <= T is Chidi's on 10 Mar (the 1 Jul row is after T).
    assert owners.loc["A3", "last_interaction"] == pd.Timestamp(2026, 3, 10, 9)
    assert pd.isna(owners.loc["A9", "last_interaction"])


def test_a_year_later_the_sales_are_gone(cur) -> None:
    # As of 30 Jun 2027 the last 365 days start on 1 Jul 2026: only S14 (to E4, Efe Oke) is
    # left; every other account loses its ERP owner and its conflict.
    later = accounts(cur, as_of=dt.date(2027, 6, 30)).set_index("account_id")
    assert later.loc["A4", "erp_owner"] == "Efe Oke"
    assert later["erp_owner"].drop("A4").isna().all()
    assert not later["conflict"].any()
    # Chidi's Leave Date (30 Jun 2026) is now before T: A5 becomes an orphan.
    assert later.loc["A5", "orphan_reason"] == "left"
    # As of T − 1 (29 Jun 2026) Dayo's Leave Date equals T: A6 not yet an orphan.
    before = accounts(cur, as_of=dt.date(2026, 6, 29)).set_index("account_id")
    assert not before.loc["A6", "orphan"]


def test_counts_per_division(cur) -> None:
    # Motors: A10 orphan; A2 conflict. Power: A3, A4, A6 orphans. Medical: A7 orphan, A8
    # conflict. Cube 65 Clinic: A11 orphan. A division without accounts: zeros.
    assert counts(cur, as_of=T, division="Motors") == {"orphans": 1, "conflicts": 1}
    assert counts(cur, as_of=T, division="Power") == {"orphans": 3, "conflicts": 0}
    assert counts(cur, as_of=T, division="Medical") == {"orphans": 1, "conflicts": 1}
    assert counts(cur, as_of=T, division="GRAS Restaurant") == {"orphans": 0, "conflicts": 0}
    assert counts(cur, as_of=T, division=None) == {"orphans": 6, "conflicts": 2}


def test_coverage(cur) -> None:
    # Motors accounts not orphaned: A1, A2, A9; touched in [3 Jun, 30 Jun]: A1 -> 1 / 3.
    out = coverage(cur, window=window_ending(T), as_of=T, division="Motors")
    assert out.result == KpiResult("coverage", 1 / 3, 1, 3, 3, None, "higher", "info")
    # Least touched first: A9 (never), A2 (2 Jun), A1 (10 Jun).
    assert list(out.rows["account_id"]) == ["A9", "A2", "A1"]
    assert list(out.rows["in_numerator"]) == [False, False, True]
    assert list(out.rows["days_since_last"].fillna(-1)) == [-1, 28, 20]
    assert list(out.rows["interactions_in_window"]) == [0, 0, 1]


def test_coverage_cut_at_t_and_empty(cur) -> None:
    # A window past T: the 1 Jul row of A2 is after T (as_of 30 Jun) and does not count.
    out = coverage(cur, window=Window(dt.date(2026, 6, 3), dt.date(2026, 7, 5)), as_of=T,
                   division="Motors")
    assert (out.result.numerator, out.result.denominator) == (1, 3)
    # No accounts: zero denominator -> no_data.
    empty = coverage(cur, window=window_ending(T), as_of=T, division="GRAS Restaurant")
    assert empty.result == KpiResult("coverage", None, 0, 0, 0, None, "higher", "no_data")
    assert empty.rows.empty and "in_numerator" in empty.rows


def test_one_account_is_its_row_of_every_account(cur) -> None:
    every = accounts(cur, as_of=T)
    for account_id in every["account_id"]:
        one = accounts(cur, as_of=T, account_id=account_id)
        want = every[every["account_id"] == account_id].reset_index(drop=True)
        assert len(one) == 1

        def cells(frame: pd.DataFrame) -> list:  # a null is a null, whatever its dtype
            return [None if pd.isna(v) else v for v in frame.iloc[0]]

        assert list(one.columns) == list(want.columns) and cells(one) == cells(want)
    assert accounts(cur, as_of=T, account_id="NOPE").empty
