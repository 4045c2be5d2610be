"""Next-action backlog (metrics/backlog.py; metrics.md "Next-action backlog"), worked by hand.

One hub, T = Mon 16 Mar 2026, so T + 6 = Sun 22 Mar and T + 7 = Mon 23 Mar. Every contact is
its own thread; the comment beside each row says what its thread must be.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.backlog import STATUSES, aging, status_counts, threads
from tests.hubfactory import module_hub, account, contact, interaction, member

T = dt.date(2026, 3, 16)


def d(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute)


ROWS = [
    # C1: an open overdue action, then a closing word with odd case and spaces -> closed;
    # the owner is the latest row's logger (Musa), the account's owner is Ada.
    interaction("I01", d(3, 2), "C1", "Inquiry", "Ada Obi", due=d(3, 3)),
    interaction("I02", d(3, 9), "C1", "Follow-up", "Musa Bello",
                next_action="  No Further   ACTION  "),
    # C2: due on T itself (at 17:00; calendar days compare) -> due_this_week.
    interaction("I03", d(3, 10), "C2", "Inquiry", "Ada Obi", due=d(3, 16, 17)),
    # C3: due T + 6 -> due_this_week; C4: due T + 7 -> upcoming.
    interaction("I04", d(3, 10), "C3", "Inquiry", "Ada Obi", due=d(3, 22, 0)),
    interaction("I05", d(3, 10), "C4", "Inquiry", "Ada Obi", due=d(3, 23, 0)),
    # C5: due T − 1 -> overdue by 1 day.
    interaction("I06", d(3, 10), "C5", "Inquiry", "Ada Obi", due=d(3, 15)),
    # C6: blank Next Action -> missing_next_action.
    interaction("I07", d(3, 10), "C6", "Inquiry", "Ada Obi", next_action=None),
    # C7: a due date that is not a date -> no_due_date.
    interaction("I08", d(3, 10), "C7", "Inquiry", "Ada Obi", next_action="Send brochure",
                due="soon"),
    # C8: two rows at the same moment; the later row closes -> closed.
    interaction("I09", d(3, 11, 10), "C8", "Inquiry", "Ada Obi", due=d(3, 26)),
    interaction("I10", d(3, 11, 10), "C8", "Follow-up", "Ada Obi", next_action="n/A"),
    # C9: the same tie the other way round: the later row is open, due 6 Mar -> overdue 10.
    interaction("I11", d(3, 11, 10), "C9", "Inquiry", "Ada Obi", next_action="N/a"),
    interaction("I12", d(3, 11, 10), "C9", "Follow-up", "Ada Obi", due=d(3, 6)),
    # No contact, account A2 (Power): one thread; the later row is due 17 Mar -> due_this_week.
    interaction("I13", d(3, 1), None, "Lead", "Musa Bello", account_id="A2", due=d(3, 2)),
    interaction("I14", d(3, 12), None, "Lead", "Musa Bello", account_id="A2", due=d(3, 17)),
    # C10 (on A2, Power): its own thread, due 30 Mar -> upcoming.
    interaction("I15", d(3, 12), "C10", "Lead", "Musa Bello", due=d(3, 30)),
    # Neither contact nor account: each row alone (division Power): due 20 Mar; closed.
    interaction("I16", d(3, 12), None, "Lead", "Musa Bello", division="Power", due=d(3, 20)),
    interaction("I17", d(3, 12), None, "Lead", "Musa Bello", division="Power",
                next_action="none"),
    # C11: due 14 Mar -> overdue 2; its closing row dated T + 1 00:00 does not count.
    interaction("I18", d(3, 13), "C11", "Inquiry", "Ada Obi", due=d(3, 14)),
    interaction("I19", dt.datetime(2026, 3, 17), "C11", "Follow-up", "Ada Obi",
                next_action="None"),
    # C12: dated T 23:30 (still <= T), due 19 Mar -> due_this_week, age 0 days.
    interaction("I20", d(3, 16, 23, 30), "C12", "Inquiry", "Ada Obi", due=d(3, 19)),
    # C13: due 14 Feb -> overdue 30 (15–30); a later row with an impossible Date is ignored.
    interaction("I21", d(2, 10), "C13", "Inquiry", "Ada Obi", due=d(2, 14)),
    interaction("I22", "31/02/2026", "C13", "Follow-up", "Ada Obi", next_action="None"),
    # C14: due 13 Feb -> overdue 31 (> 30); C15: due 8 Mar -> 8 (8–14); C16: 9 Mar -> 7 (1–7).
    interaction("I23", d(2, 1), "C14", "Inquiry", "Ada Obi", due=d(2, 13)),
    interaction("I24", d(3, 1), "C15", "Inquiry", "Ada Obi", due=d(3, 8)),
    interaction("I25", d(3, 1), "C16", "Inquiry", "Ada Obi", due=d(3, 9)),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory):
    """One hub for the whole module (loading it once keeps the file fast)."""
    hub = module_hub(
        tmp_path_factory, "backlog",
        accounts=[account("A1", "Motors", owner="Ada Obi"),
                  account("A2", "Power", owner="Musa Bello")],
        contacts=[contact(f"C{k}", "A2" if k == 10 else "A1") for k in range(1, 17)],
        staff=[member("Ada Obi", "Motors"), member("Musa Bello", "Power")],
        interactions=ROWS)
    yield hub.workspace()


@pytest.fixture(scope="module")
def frame(cur):
    return threads(cur, as_of=T).set_index("thread")


def test_one_row_per_thread(frame) -> None:
    # 15 Motors contacts (C1–C9, C11–C16) + C10 + account A2 + two lone rows = 19 threads.
    assert len(frame) == 19
    assert frame.index.is_unique
    assert sorted(frame.index[frame["thread_kind"] == "row"].str.slice(0, 4)) == ["row:", "row:"]


@pytest.mark.parametrize("thread, status, interaction_id", [
    ("contact:C1", "closed", "I02"),                  # closing words, any case and spacing
    ("contact:C2", "due_this_week", "I03"),           # due = T
    ("contact:C3", "due_this_week", "I04"),           # due = T + 6
    ("contact:C4", "upcoming", "I05"),                # due = T + 7
    ("contact:C5", "overdue", "I06"),                 # due = T − 1
    ("contact:C6", "missing_next_action", "I07"),
    ("contact:C7", "no_due_date", "I08"),             # due date not a date
    ("contact:C8", "closed", "I10"),                  # same Date: the later row wins
    ("contact:C9", "overdue", "I12"),                 # same Date, other way round
    ("account:A2", "due_this_week", "I14"),           # no contact: threaded by account
    ("contact:C10", "upcoming", "I15"),
    ("contact:C11", "overdue", "I18"),                # the row after T is ignored
    ("contact:C12", "due_this_week", "I20"),          # T 23:30 still counts
    ("contact:C13", "overdue", "I21"),                # invalid Date row ignored
])
def test_status_of_each_thread(frame, thread: str, status: str, interaction_id: str) -> None:
    assert frame.loc[thread, "status"] == status
    assert frame.loc[thread, "interaction_id"] == interaction_id


def test_owner_division_and_evidence(frame) -> None:
    c1 = frame.loc["contact:C1"]
    assert (c1["owner"], c1["account_owner"], c1["division"]) == ("Musa Bello", "Ada Obi",
                                                                   "Motors")
    assert c1["age_days"] == 7  # 9 Mar -> 16 Mar
    a2 = frame.loc["account:A2"]
    assert (a2["thread_kind"], a2["division"], a2["account_owner"]) == ("account", "Power",
                                                                         "Musa Bello")
    c9 = frame.loc["contact:C9"]
    # I12 is the 12th data row: Excel row 13 of the Interactions sheet.
    assert (c9["source_file"], c9["source_sheet"], c9["source_row"]) == ("hub.xlsx",
                                                                          "Interactions", 13)
    assert c9["days_overdue"] == 10 and c9["due_date"] == pd.Timestamp(2026, 3, 6)
    assert frame.loc["contact:C12", "age_days"] == 0
    assert frame["days_overdue"].isna()["contact:C2"]  # not overdue: no days overdue
    lone = frame[frame["thread_kind"] == "row"]
    assert sorted(lone["status"]) == ["closed", "due_this_week"]
    assert set(lone["division"]) == {"Power"}


def test_most_urgent_first(cur) -> None:
    ordered = threads(cur, as_of=T)
    # overdue, longest first: C14 (31), C13 (30), C9 (10), C15 (8), C16 (7), C11 (2), C5 (1).
    assert list(ordered["thread"][:7]) == ["contact:C14", "contact:C13", "contact:C9",
                                           "contact:C15", "contact:C16", "contact:C11",
                                           "contact:C5"]


def test_status_counts_per_division(cur) -> None:
    # Motors: closed C1, C8; missing C6; no_due C7; overdue C5, C9, C11, C13, C14, C15, C16;
    # due_this_week C2, C3, C12; upcoming C4.
    assert status_counts(cur, as_of=T, division="Motors") == {
        "closed": 2, "missing_next_action": 1, "no_due_date": 1, "overdue": 7,
        "due_this_week": 3, "upcoming": 1}
    # Power: account A2 and lone I16 due this week, C10 upcoming, lone I17 closed.
    power = status_counts(cur, as_of=T, division="Power")
    assert power == {"closed": 1, "missing_next_action": 0, "no_due_date": 0, "overdue": 0,
                     "due_this_week": 2, "upcoming": 1}
    assert list(power) == list(STATUSES)
    assert status_counts(cur, as_of=T, division=None) == {
        "closed": 3, "missing_next_action": 1, "no_due_date": 1, "overdue": 7,
        "due_this_week": 5, "upcoming": 2}


def test_status_counts_of_several_divisions_from_one_query(cur) -> None:
    from metrics.backlog import status_counts_by_division

    divisions = ["Motors", "Power", "Medical"]
    every = status_counts_by_division(cur, as_of=T, divisions=divisions)
    assert list(every) == divisions
    for division in divisions:
        assert every[division] == status_counts(cur, as_of=T, division=division)
        assert list(every[division]) == list(STATUSES)
    assert sum(every["Motors"].values()) == 15 and sum(every["Medical"].values()) == 0


def test_status_counts_all_present_when_empty(cur) -> None:
    assert status_counts(cur, as_of=T, division="Medical") == dict.fromkeys(STATUSES, 0)
    # Before any interaction: nothing at all.
    assert status_counts(cur, as_of=dt.date(2026, 1, 1), division="Motors") == \
        dict.fromkeys(STATUSES, 0)


def test_earlier_as_of_reads_the_rows_then(cur) -> None:
    # As of 10 Mar, C1's latest row is I02 (9 Mar, closed); C11 has no row yet; C12 neither.
    early = threads(cur, as_of=dt.date(2026, 3, 10)).set_index("thread")
    assert early.loc["contact:C1", "status"] == "closed"
    assert "contact:C11" not in early.index and "contact:C12" not in early.index
    # A2 as of 10 Mar: only I13 (due 2 Mar) -> overdue by 8 days.
    assert early.loc["account:A2", "status"] == "overdue"
    assert early.loc["account:A2", "days_overdue"] == 8


def test_aging_buckets(cur) -> None:
    # 1–7: C5 (1), C11 (2), C16 (7); 8–14: C15 (8), C9 (10); 15–30: C13 (30); > 30: C14 (31).
    table = aging(cur, as_of=T)
    assert list(table["bucket"]) == ["1–7", "8–14", "15–30", "> 30"]
    assert list(table["threads"]) == [3, 2, 1, 1]
    assert list(aging(cur, as_of=T, division="Motors")["threads"]) == [3, 2, 1, 1]
    # Power has no overdue thread: every bucket still present, 0.
    power = aging(cur, as_of=T, division="Power")
    assert list(power["bucket"]) == ["1–7", "8–14", "15–30", "> 30"]
    assert list(power["threads"]) == [0, 0, 0, 0]


def test_threads_of_one_division_or_account_are_those_of_every_thread(cur) -> None:
    every = threads(cur, as_of=T)
    for division in ("Motors", "Power", "Medical"):  # Medical has none (an empty frame)
        want = every[every["division"] == division].reset_index(drop=True)
        pd.testing.assert_frame_equal(threads(cur, as_of=T, division=division), want,
                                      check_dtype=not want.empty)
    # A2: its own thread and C10's (the contact's account); the lone Power rows have none.
    a2 = threads(cur, as_of=T, account_id="A2")
    assert sorted(a2["thread"]) == ["account:A2", "contact:C10"]
    pd.testing.assert_frame_equal(a2, every[every["account_id"] == "A2"].reset_index(drop=True))
    both = threads(cur, as_of=T, division="Motors", account_id="A2")
    assert both.empty and list(both.columns) == list(every.columns)


def test_a_thread_belongs_to_the_division_of_its_latest_row_when_filtered(make_hub) -> None:
    # C1's first row says Power, its latest is Motors (its account's): filtering by division
    # must pick the latest row first, then keep it or not.
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", "Motors")],
                   interactions=[interaction("I1", d(3, 1), "C1", "Inquiry", "Ada Obi",
                                             division="Power", due=d(3, 2)),
                                 interaction("I2", d(3, 5), "C1", "Follow-up", "Ada Obi",
                                             due=d(3, 20))]).workspace()
    assert threads(hub, as_of=T, division="Power").empty
    assert list(threads(hub, as_of=T, division="Motors")["interaction_id"]) == ["I2"]
    early = dt.date(2026, 3, 3)
    assert list(threads(hub, as_of=early, division="Power")["interaction_id"]) == ["I1"]
    assert threads(hub, as_of=early, division="Motors").empty
