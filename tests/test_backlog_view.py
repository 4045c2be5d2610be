"""metrics/backlog_view.py (the backlog page's numbers), worked by hand on one tiny hub.

T = Mon 16 Mar 2026 (T + 6 = Sun 22 Mar); window_ending(T) = [17 Feb, 16 Mar 2026], the
window before it [20 Jan, 16 Feb]. Accounts: A1 Motors (owner Ada), A2 Power (owner Musa),
A3 Motors (no owner). Each contact is one thread; the comment says its status, its action
owner (Logged By of its latest row) and its account owner.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import backlog
from metrics import backlog_view as bv
from metrics.calendar import window_ending
from metrics.inputs import narrowed
from tests.hubfactory import account, contact, interaction, kpi, module_hub, member

T = dt.date(2026, 3, 16)
ADA, MUSA = "Ada Obi", "Musa Bello"


def d(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour)


ROWS = [
    # C1: overdue 10 days (8–14); action Ada, account Ada (A1, Motors). An action due in the
    # window, never followed.
    interaction("I01", d(3, 2), "C1", "Inquiry", ADA, due=d(3, 6)),
    # C2: overdue 1 day (1–7); action Musa, account Ada. Action in the window, not followed.
    interaction("I02", d(3, 10), "C2", "Inquiry", MUSA, due=d(3, 15)),
    # C3: due 18 Mar -> due this week (Ada/Ada); due after T: no action of the window.
    interaction("I03", d(3, 10), "C3", "Inquiry", ADA, due=d(3, 18)),
    # C4: blank Next Action -> missing next action (Ada/Ada).
    interaction("I04", d(3, 10), "C4", "Inquiry", ADA, next_action=None),
    # C5: a due date that is not a date -> no due date (Ada/Ada).
    interaction("I05", d(3, 10), "C5", "Inquiry", ADA, next_action="Send brochure", due="soon"),
    # C6: due 30 Mar -> upcoming (Ada/Ada).
    interaction("I06", d(3, 10), "C6", "Inquiry", ADA, due=d(3, 30)),
    # C7: a closing word -> closed (Ada/Ada).
    interaction("I07", d(3, 10), "C7", "Follow-up", ADA, next_action="None"),
    # C8 (A2, Power): overdue 43 days (> 30); action Musa, account Musa. Due 1 Feb: an
    # action of the window before, not followed.
    interaction("I08", d(1, 20), "C8", "Lead", MUSA, due=d(2, 1)),
    # C9 (A3, Motors, no account owner): overdue 24 days (15–30); action Musa. Due 20 Feb:
    # in the window, not followed.
    interaction("I09", d(2, 15), "C9", "Inquiry", MUSA, due=d(2, 20)),
    # C10: Ada's action due 5 Mar, followed on 4 Mar by Musa closing it -> closed (Musa/Ada);
    # the one action followed through in the window.
    interaction("I10", d(3, 2), "C10", "Inquiry", ADA, due=d(3, 5)),
    interaction("I11", d(3, 4), "C10", "Follow-up", MUSA, next_action="None"),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory):
    contacts = [contact(f"C{k}", {8: "A2", 9: "A3"}.get(k, "A1")) for k in range(1, 11)]
    contacts[0].update({"Email": "emeka@lekki.ng.example", "Mobile Number": "0803 123 4567"})
    hub = module_hub(
        tmp_path_factory, "backlog_view",
        accounts=[account("A1", "Motors", owner=ADA), account("A2", "Power", owner=MUSA),
                  account("A3", "Motors")],
        contacts=contacts, staff=[member(ADA, "Motors"), member(MUSA, "Power")],
        interactions=ROWS)
    yield hub.workspace()


@pytest.fixture(scope="module")
def every(cur) -> pd.DataFrame:
    return bv.division_threads(cur, as_of=T, division=None)


def contacts_of(frame: pd.DataFrame) -> list[str]:
    return list(frame["contact_id"])


def test_threads_and_counts_sum_to_the_thread_count(cur, every) -> None:
    assert len(every) == 10
    counts = bv.status_counts(every)
    assert counts == {"closed": 2, "missing_next_action": 1, "no_due_date": 1, "overdue": 4,
                      "due_this_week": 1, "upcoming": 1}
    assert sum(counts.values()) == len(every)
    assert counts == backlog.status_counts(cur, as_of=T, division=None)
    motors = bv.division_threads(cur, as_of=T, division="Motors")
    assert sorted(contacts_of(motors)) == sorted(f"C{k}" for k in (1, 2, 3, 4, 5, 6, 7, 9, 10))
    assert bv.status_counts(motors) == backlog.status_counts(cur, as_of=T, division="Motors")
    assert sum(bv.status_counts(motors).values()) == 9


def test_status_filter_keeps_the_most_overdue_first(every) -> None:
    overdue = bv.filter_status(every, "overdue")
    assert contacts_of(overdue) == ["C8", "C9", "C1", "C2"]
    assert list(overdue["days_overdue"]) == [43, 24, 10, 1]
    assert len(bv.filter_status(every, "open")) == 8
    assert sorted(contacts_of(bv.filter_status(every, "closed"))) == ["C10", "C7"]
    assert contacts_of(bv.filter_status(every, "missing_next_action")) == ["C4"]
    assert len(bv.filter_status(every, None)) == len(bv.filter_status(every, "all")) == 10
    # every status's threads together are every thread, once
    parts = sum(len(bv.filter_status(every, s)) for s in backlog.STATUSES)
    assert parts == len(every)
    with pytest.raises(ValueError):
        bv.filter_status(every, "late")


@pytest.mark.parametrize("owner, role, expected", [
    (MUSA, "action", ["C8", "C9", "C2", "C10"]),     # Logged By of each latest row
    ("  musa   BELLO ", "action", ["C8", "C9", "C2", "C10"]),  # names compare normalised
    (MUSA, "account", ["C8"]),                        # A2's owner
    (MUSA, "either", ["C8", "C9", "C2", "C10"]),
    (ADA, "action", ["C1", "C3", "C4", "C5", "C6", "C7"]),
    (ADA, "account", ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C10"]),
    ("Nobody Here", "either", []),
    (None, "action", [f"C{k}" for k in (8, 9, 1, 2, 3, 4, 5, 6, 7, 10)]),
])
def test_filter_by_owner(every, owner, role, expected) -> None:
    shown = bv.filter_owner(every, owner, role)
    assert sorted(contacts_of(shown)) == sorted(expected)
    if expected and owner:
        assert contacts_of(shown) == [c for c in contacts_of(every) if c in expected]  # order


def test_filter_by_owner_rejects_an_unknown_role(every) -> None:
    with pytest.raises(ValueError):
        bv.filter_owner(every, ADA, "boss")


def test_owner_names(every) -> None:
    assert bv.owner_names(every, "action") == [ADA, MUSA]
    assert bv.owner_names(every, "account") == [ADA, MUSA]
    only_c9 = every[every["contact_id"] == "C9"]
    assert bv.owner_names(only_c9, "account") == []
    assert bv.owner_names(only_c9, "either") == [MUSA]


def test_per_person_by_action_owner(every) -> None:
    people = bv.status_table(every, "owner")
    assert list(people["owner"]) == [MUSA, ADA]      # 3 overdue before 1
    musa, ada = (people.iloc[k] for k in (0, 1))
    assert [musa[s] for s in bv.OPEN_STATUSES] == [3, 0, 0, 0, 0]
    assert (musa["closed"], musa["open"], musa["oldest_overdue"]) == (1, 3, 43)  # C10 closed
    assert [musa[b] for b in bv.BUCKETS] == [1, 0, 1, 1]                     # 1, 24, 43 days
    assert [ada[s] for s in bv.OPEN_STATUSES] == [1, 1, 1, 1, 1]
    assert (ada["closed"], ada["open"], ada["oldest_overdue"]) == (1, 5, 10)
    assert [ada[b] for b in bv.BUCKETS] == [0, 1, 0, 0]
    assert musa["next_step"] == "Follow up 3 overdue threads (oldest 43 days)"
    assert ada["next_step"] == ("Follow up 1 overdue thread (oldest 10 days) · 1 due this week"
                                " · add a next action to 1 · set a due date on 1")
    # per person, the statuses add up to every thread
    assert int(people[list(backlog.STATUSES)].to_numpy().sum()) == len(every)


def test_per_account_owner_keeps_a_blank_owner(every) -> None:
    people = bv.status_table(every, "account_owner")
    # Ada: C1 (10 days) and C2 (1 day) overdue; Musa: C8 (43); blank: C9 (24)
    assert list(people["account_owner"]) == [ADA, MUSA, bv.BLANK]
    assert list(people["overdue"]) == [2, 1, 1]
    assert list(people["oldest_overdue"]) == [10, 43, 24]
    assert list(people["closed"]) == [2, 0, 0]


def test_per_division(every) -> None:
    table = bv.status_table(every, "division")
    assert list(table["division"]) == ["Motors", "Power"]
    assert list(table["overdue"]) == [3, 1]
    assert list(table["open"]) == [7, 1]


def test_next_step_without_anything_waiting() -> None:
    quiet = {"overdue": 0, "due_this_week": 0, "missing_next_action": 0, "no_due_date": 0,
             "upcoming": 2, "oldest_overdue": None}
    assert bv.next_step(quiet) == "Nothing waiting ✓ (2 coming up)"
    assert bv.next_step({**quiet, "upcoming": 0}) == "Nothing open ✓"


def test_empty_selection(every) -> None:
    none = bv.filter_owner(every, "Nobody Here", "action")
    assert bv.status_counts(none) == dict.fromkeys(backlog.STATUSES, 0)
    assert bv.status_table(none, "owner").empty
    assert list(bv.aging(none)["threads"]) == [0, 0, 0, 0]


@pytest.mark.parametrize("division", [None, "Motors", "Power"])
def test_aging_equals_the_backlog_module(cur, division) -> None:
    frame = bv.division_threads(cur, as_of=T, division=division)
    pd.testing.assert_frame_equal(bv.aging(frame), backlog.aging(cur, as_of=T, division=division))


def test_aging_per_owner(every) -> None:
    assert list(bv.aging(bv.filter_owner(every, MUSA, "action"))["threads"]) == [1, 0, 1, 1]
    assert list(bv.aging(every)["threads"]) == [1, 1, 1, 1]


@pytest.mark.parametrize("division, owner, role, followed, actions", [
    (None, None, "action", 1, 4),        # C1, C2, C9 not followed; C10 followed
    ("Motors", None, "action", 1, 4),
    ("Power", None, "action", 0, 0),     # C8 is due before the window
    (None, MUSA, "action", 0, 2),        # C2, C9 (Musa only closed C10, Ada's action)
    (None, ADA, "action", 1, 2),         # C1, C10
    (None, ADA, "account", 1, 3),        # actions on A1: C1, C2, C10
    (None, MUSA, "account", 0, 0),       # A2's one action is due before the window
    (None, MUSA, "either", 0, 2),
])
def test_follow_through(cur, division, owner, role, followed, actions) -> None:
    out = bv.follow_through(cur, window=window_ending(T), as_of=T, division=division,
                            owner=owner, owner_role=role)
    value = followed / actions if actions else None
    status = "info" if actions else "no_data"
    assert out.result == kpi("follow_through_rate", value, followed, actions, actions, None,
                             "higher", status)
    assert len(out.rows) == actions


def test_follow_through_trend_matches_each_window(cur) -> None:
    trend = bv.follow_through_trend(cur, as_of=T, division=None)
    assert len(trend) == 12 and trend["window_end"].iloc[-1] == T
    assert list(trend[["numerator", "denominator"]].iloc[-1]) == [1, 4]
    assert list(trend[["numerator", "denominator"]].iloc[-2]) == [0, 1]   # C8, due 1 Feb
    assert trend["denominator"].iloc[:-2].sum() == 0
    for _, row in trend.iterrows():
        window = window_ending(row["window_end"])
        alone = bv.follow_through(cur, window=window, as_of=T, division=None).result
        assert (alone.numerator, alone.denominator) == (row["numerator"], row["denominator"])


@pytest.mark.parametrize("division, owner, role", [
    ("Motors", ADA, "action"), ("Motors", ADA, "either"), (None, MUSA, "account"),
    ("Power", MUSA, "action")])
def test_follow_through_trend_for_an_owner_matches_each_window(cur, division, owner,
                                                                role) -> None:
    trend = bv.follow_through_trend(cur, as_of=T, division=division, owner=owner,
                                    owner_role=role)
    assert len(trend) == 12
    for _, row in trend.iterrows():
        window = window_ending(row["window_end"])
        alone = bv.follow_through(cur, window=window, as_of=T, division=division, owner=owner,
                                  owner_role=role).result
        assert (alone.numerator, alone.denominator) == (row["numerator"], row["denominator"])


def test_backlog_view_bundles_it_all(cur) -> None:
    view = bv.backlog_view(cur, as_of=T, division="Motors", owner=ADA, owner_role="either")
    assert sorted(contacts_of(view.threads)) == ["C1", "C10", "C2", "C3", "C4", "C5", "C6",
                                                 "C7"]
    assert view.counts["overdue"] == 2 and view.open_threads == 6
    assert view.divisions is None and list(view.people["owner"]) == [ADA, MUSA]
    assert view.follow.result.numerator == 1 and view.follow.result.denominator == 3
    assert view.follow_previous().value is None          # nothing due 20 Jan – 16 Feb
    assert view.owners == [ADA, MUSA]
    everything = bv.backlog_view(cur, as_of=T, division=None)
    assert list(everything.divisions["division"]) == ["Motors", "Power"]
    assert everything.follow_previous().value == 0.0     # C8 not followed
    assert list(everything.people["owner"]) == [MUSA, ADA]


@pytest.mark.parametrize("division, owner, role", [
    ("Motors", ADA, "either"), ("Power", None, "action"), (None, MUSA, "account"),
    ("Nowhere", None, "action")])
def test_backlog_view_from_every_division_s_threads_is_the_same(cur, every, division, owner,
                                                                role) -> None:
    """A page that keeps every division's threads (once per T) and narrows them gets the
    view a query per division would give."""
    given = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role,
                            all_threads=every)
    own = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role)
    pd.testing.assert_frame_equal(given.threads, own.threads)
    assert (given.counts, given.owners) == (own.counts, own.owners)
    pd.testing.assert_frame_equal(given.people, own.people)
    assert bv.in_division(every, division).equals(
        bv.division_threads(cur, as_of=T, division=division))


STATE_COLUMNS = ["division", "status", "owner", "account_owner", "days_overdue", "row_id"]


@pytest.mark.parametrize("division, owner, role", [
    (None, None, "action"), ("Motors", ADA, "either"), ("Power", None, "action"),
    (None, MUSA, "account"), ("Nowhere", None, "action")])
def test_the_page_s_lean_threads_give_the_same_view(cur, every, division, owner, role) -> None:
    """The page keeps every thread with only what counts and filters them (six columns of
    24): narrowed, counted and grouped, they give the view every column gives, and they are
    those columns of every thread, in its order."""
    states = bv.every_thread_state(cur, as_of=T)
    assert list(states.columns) == STATE_COLUMNS
    pd.testing.assert_frame_equal(states, every[STATE_COLUMNS])
    lean = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role,
                           all_threads=states)
    full = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role)
    assert (lean.counts, lean.owners) == (full.counts, full.owners)
    pd.testing.assert_frame_equal(lean.people, full.people)
    pd.testing.assert_frame_equal(lean.aging, full.aging)
    assert (lean.divisions is None) == (full.divisions is None)
    if lean.divisions is not None:
        pd.testing.assert_frame_equal(lean.divisions, full.divisions)
    pd.testing.assert_frame_equal(lean.threads, full.threads[STATE_COLUMNS])


@pytest.mark.parametrize("cut", ["all", "overdue", "Musa's", "first three", "last two", "none"])
def test_details_of_listed_threads_are_those_threads_in_their_order(cur, every, cut) -> None:
    """What a table lists (a status, an owner, the first rows, no rows) gets every column
    back: the very rows of every thread's frame, in the order the page listed them."""
    states = bv.every_thread_state(cur, as_of=T)
    listed = {"all": states, "overdue": bv.filter_status(states, "overdue"),
              "Musa's": bv.filter_owner(states, MUSA, "action"), "first three": states[:3],
              "last two": states[-2:], "none": states[:0]}[cut]
    found = bv.with_details(cur, listed, as_of=T)
    assert list(found["row_id"]) == list(listed["row_id"])
    # the dtypes of a query of just those rows (a column they leave blank is not text)
    expected = narrowed(every, every["row_id"].isin(listed["row_id"]))
    assert list(found.columns) == list(every.columns)
    if len(found):
        pd.testing.assert_frame_equal(found, expected)
    assert bv.thread_table(found, masked=True).shape[0] == len(listed)


def test_thread_table_masks_contacts_for_viewers(every) -> None:
    shown = bv.thread_table(every, masked=False)
    assert list(shown.columns) == list(bv.THREAD_COLUMNS.values())
    c1 = shown[shown["Contact"] == "Person C1"].iloc[0]
    assert (c1["Email"], c1["Mobile"]) == ("emeka@lekki.ng.example", "0803 123 4567")
    assert c1["Due date"] == dt.date(2026, 3, 6) and c1["Last interaction"] == dt.date(2026, 3, 2)
    assert (c1["Status"], c1["Days overdue"], c1["Account"]) == ("Overdue", 10, "Company A1")
    masked = bv.thread_table(every, masked=True)
    m1 = masked[masked["Contact"] == "Person C1"].iloc[0]
    assert (m1["Email"], m1["Mobile"]) == ("e•••@lekki…", "0803 ••• 4567")
    assert "emeka" not in masked.to_csv()


def test_export_sheets(cur) -> None:
    view = bv.backlog_view(cur, as_of=T, division=None)
    shown = bv.filter_status(view.threads, "overdue")
    sheets = bv.export_sheets(view, shown, masked=True)
    assert list(sheets) == ["Threads", "Per person", "Per division", "Aging", "Follow-through"]
    assert len(sheets["Threads"]) == 4
    assert list(sheets["Per person"]["Action owner"]) == [MUSA, ADA]
    assert list(sheets["Aging"]["Overdue threads"]) == [1, 1, 1, 1]
    fig = bv.fig_aging(view.aging, "Overdue")
    assert list(fig.data[0].y) == [1, 1, 1, 1]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


@pytest.mark.parametrize("division", [None, "Motors", "Power", "Nowhere"])
def test_follow_through_from_one_base_per_division_is_the_same(cur, division) -> None:
    """A page that keeps the follow-through actions of T and a division (once) and cuts every
    owner's rate from them gets what the queries per owner give."""
    base = bv.follow_through_base(cur, as_of=T, division=division)
    for owner, role in [(None, "action"), (None, "account"), (ADA, "action"), (ADA, "either"),
                        (MUSA, "account"), (MUSA, "action"), ("Nobody", "action")]:
        given = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role,
                                follow_base=base)
        own = bv.backlog_view(cur, as_of=T, division=division, owner=owner, owner_role=role)
        assert given.follow.result == own.follow.result
        pd.testing.assert_frame_equal(given.follow.rows, own.follow.rows)
        pd.testing.assert_frame_equal(given.trend, own.trend)


@pytest.mark.parametrize("ids, owners", [
    (["A1", "A2", None, "A9", "A1"], {"A1": "Ada Obi", "A2": None, "A3": "Musa Bello"}),
    (["A2", "A2"], {"A1": "Ada Obi", "A2": None}),          # no owner found at all
    ([], {"A1": "Ada Obi"}),                                 # no rows
    (["A1", None], {}),                                      # no accounts
    ([None, None], {"A1": "Ada Obi"})])                      # no account IDs (object column)
def test_the_account_owner_is_the_owner_a_dict_of_the_accounts_gives(ids, owners) -> None:
    import pyarrow as pa

    dtype = "str" if any(i is not None for i in ids) else object
    rows = pd.DataFrame({"account_id": pd.Series(ids, dtype=dtype), "n": range(len(ids))},
                        index=range(5, 5 + len(ids)))
    table = pa.table({"account_id": pa.array(list(owners), pa.string()),
                      "account_owner": pa.array(list(owners.values()), pa.string())})
    expected = rows.assign(account_owner=rows["account_id"].map(owners))
    pd.testing.assert_frame_equal(bv._with_account_owner(rows, table), expected)


def test_the_account_owners_are_every_accounts_owner(cur) -> None:
    table = bv._account_owners(cur)
    assert dict(zip(*table.to_pydict().values())) == dict(cur.execute(
        "SELECT account_id, account_owner FROM accounts").fetchall())
    assert table.num_rows == cur.execute("SELECT count(*) FROM accounts").fetchone()[0]


def test_an_owner_s_trend_counts_every_spelling_of_their_name(make_hub) -> None:
    """Names off the roster stay as written, so one person can be written several ways: the
    trend counted in SQL takes every spelling that compares equal, as the page's rate does.
    Chidi (not on the roster) sets actions as "Chidi Eze" and "chidi  eze" (loaded as "chidi
    eze") and owns A5 as "CHIDI EZE"; Ada sets two on A5. Windows: -1 is the 28 days ending
    T, -2 the 28 before."""
    hub = make_hub(
        accounts=[account("A4", "Motors"), account("A5", "Motors", owner="CHIDI EZE")],
        contacts=[contact("C1", "A4"), contact("C2", "A4"), contact("C3", "A5"),
                  contact("C4", "A5")],
        staff=[member(ADA, "Motors")],
        interactions=[
            interaction("J1", d(3, 2), "C1", "Inquiry", "Chidi Eze", due=d(3, 5)),
            interaction("J2", d(3, 3), "C1", "Follow-up", ADA, next_action="None"),
            interaction("J3", d(2, 2), "C2", "Inquiry", "chidi  eze", due=d(2, 9)),
            interaction("J4", d(3, 9), "C3", "Inquiry", ADA, due=d(3, 12)),
            interaction("J5", d(1, 26), "C4", "Inquiry", ADA, due=d(1, 30)),
            interaction("J6", d(1, 29), "C4", "Follow-up", ADA, next_action="None"),
        ])
    cur = hub.workspace()
    assert bv.spellings(cur, "CHIDI EZE") == (["Chidi Eze", "chidi eze"], ["CHIDI EZE"])
    # J1 (-1, followed by J2), J3 (-2, not followed); on A5: J4 (-1, not), J5 (-2, J6)
    expected = {"action": {-1: (1, 1), -2: (0, 1)}, "account": {-1: (0, 1), -2: (1, 1)},
                "either": {-1: (1, 2), -2: (1, 2)}}
    for role, blocks in expected.items():
        trend = bv.follow_through_trend(cur, as_of=T, division="Motors", owner="Chidi Eze",
                                        owner_role=role)
        found = {k - 12: (n, d) for k, (n, d) in
                 enumerate(zip(trend["numerator"], trend["denominator"])) if d}
        assert found == blocks, role
        for _, row in trend.iterrows():
            alone = bv.follow_through(cur, window=window_ending(row["window_end"]), as_of=T,
                                      division="Motors", owner="Chidi Eze",
                                      owner_role=role).result
            assert (alone.numerator, alone.denominator) == (row["numerator"],
                                                           row["denominator"])
