"""The loader's ``thread_next`` (hub_data.database.create_thread_next) and the two queries that
read it: the backlog's latest row per thread (metrics.backlog) and the first follow-up of an
action (metrics.activity). Hand-worked on a tiny hub; then both queries are compared with the
formulations they replaced (kept here as the reference: they read every interaction for each
as-of date) on that hub and on the demo, at many as-of dates."""
from __future__ import annotations

import datetime as dt

import pytest

from hub_data import build_database
from metrics import activity, backlog
from metrics.calendar import Window
from metrics.inputs import fetch_frame
from tests.conftest import DEMO
from tests.hubfactory import account, contact, interaction, member

ADA = "Ada Obi"


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour)


@pytest.fixture
def tiny(make_hub):
    """Threads: contact C1 (rows 1, 2, 3; rows 2 and 3 at the same moment, the midnight that
    ends row 1's due day, so too late to follow it), account A2 without
    a contact (rows 4, 6; 6 at midnight, when 8 March ends), a row with neither (5), a row
    without a valid Date (7, on C1)."""
    return make_hub(
        accounts=[account("A1", "Motors"), account("A2", "Motors")],
        contacts=[contact("C1", "A1")],
        staff=[member(ADA, "Motors")],
        interactions=[
            interaction("I1", at(2), "C1", "Inquiry", ADA, due=dt.date(2026, 3, 4)),
            interaction("I2", at(5, 0), "C1", "Follow-up", ADA),
            interaction("I3", at(5, 0), "C1", "Follow-up", ADA, next_action="None"),
            interaction("I4", at(3), None, "Inquiry", ADA, account_id="A2"),
            interaction("I5", at(4), None, "Inquiry", ADA, channel="Walk-in"),
            interaction("I6", at(9, 0), None, "Follow-up", ADA, account_id="A2"),
            interaction("I7", "someday", "C1", "Follow-up", ADA),
        ])


def test_thread_next_is_the_next_row_of_each_thread_in_date_then_row_order(tiny) -> None:
    cur = tiny.workspace()
    found = {iid: nxt for iid, nxt in cur.execute("""
        SELECT i.interaction_id, n.next_interaction_id
        FROM thread_next n JOIN interactions i USING (row_id)""").fetchall()}
    # I2 and I3 share a moment: the later row follows; I7 has no Date and is in no thread.
    assert found == {"I1": "I2", "I2": "I3", "I3": None, "I4": "I6", "I6": None, "I5": None}
    rows = cur.execute("""
        SELECT n.next_date, n.next_row_id = x.row_id FROM thread_next n
        JOIN interactions i USING (row_id) JOIN interactions x
          ON x.interaction_id = n.next_interaction_id
        WHERE i.interaction_id = 'I4'""").fetchall()
    assert rows == [(at(9, 0), True)]


# The formulations the thread_next queries replaced: every interaction grouped by thread for
# the latest row, every thread row joined for the first follow-up.
REFERENCE_LATEST = """
      SELECT max(struct_pack(d := date, r := row_id)).r AS row_id
      FROM interactions
      WHERE date IS NOT NULL AND date < $end
      GROUP BY contact_id, CASE WHEN contact_id IS NULL THEN account_id END,
               CASE WHEN contact_id IS NULL AND account_id IS NULL THEN row_id END"""
REFERENCE_FOLLOWUPS = """followups AS (
  SELECT x.row_id AS action_row,
         arg_min(f.interaction_id, (f.date, f.row_id)) AS followed_by,
         min(f.date) AS followed_at
  FROM actions x
  JOIN (SELECT row_id, interaction_id, date,
               CASE WHEN contact_id IS NOT NULL THEN 'contact:' || contact_id
                    WHEN account_id IS NOT NULL THEN 'account:' || account_id
                    ELSE 'row:' || CAST(row_id AS VARCHAR) END AS thread
        FROM interactions
        WHERE date IS NOT NULL AND date < $t_end) f
    ON f.thread = x.thread
   AND (f.date > x.date OR (f.date = x.date AND f.row_id > x.row_id))
   AND f.date < x.deadline
  GROUP BY x.row_id)
"""


def _reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap the reference formulations into the two modules."""
    monkeypatch.setattr(backlog, "_LATEST", REFERENCE_LATEST)
    monkeypatch.setattr(backlog, "_THREADS_SQL",
                        f"WITH pick AS ({REFERENCE_LATEST}),{backlog._THREAD_ROWS}")
    sql = activity._FOLLOW_THROUGH_SQL
    start, end = sql.index("followups AS ("), sql.index("SELECT x.row_id, x.interaction_id")
    monkeypatch.setattr(activity, "_FOLLOW_THROUGH_SQL", sql[:start] + REFERENCE_FOLLOWUPS
                        + sql[end:])


def _answers(cur, days: list[dt.date]) -> list:
    """Every thread and every action (its follow-up) as of each day, all columns."""
    found = []
    for day in days:
        found.append(backlog.threads(cur, as_of=day))
        found.append(backlog.thread_states(cur, as_of=day))
        found.append(backlog.status_counts(cur, as_of=day, division=None))
        for division in (None, "Motors"):
            found.append(activity.follow_through_rate(
                cur, window=Window(day - dt.timedelta(days=120), day), as_of=day,
                division=division).rows)
    return found


def _same(new: list, old: list) -> None:
    assert len(new) == len(old)
    for a, b in zip(new, old):
        if isinstance(a, dict):
            assert a == b
        else:
            assert list(a.dtypes) == list(b.dtypes)
            assert a.equals(b), (a, b)


def test_the_thread_queries_answer_as_the_formulations_they_replaced_on_a_tiny_hub(
        tiny, monkeypatch: pytest.MonkeyPatch) -> None:
    cur = tiny.workspace()
    days = [dt.date(2026, 3, d) for d in (1, 2, 3, 4, 5, 6, 8, 9, 10, 31)]
    new = _answers(cur, days)
    assert sum(len(frame) for frame in new[::5]) > 0
    _reference(monkeypatch)
    _same(new, _answers(cur, days))


def test_the_thread_queries_answer_as_the_formulations_they_replaced_on_the_demo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cur = build_database(DEMO).cursor()
    last = cur.execute("SELECT CAST(max(date) AS DATE) FROM interactions").fetchone()[0]
    days = [last - dt.timedelta(days=k) for k in (0, 1, 6, 13, 45, 90)]
    new = _answers(cur, days)
    assert all(len(frame) > 100 for frame in new[::5])  # threads as of each day
    followed = fetch_frame(cur, "SELECT count(*) AS n FROM thread_next "
                                "WHERE next_row_id IS NOT NULL")["n"][0]
    assert followed > 1000
    _reference(monkeypatch)
    _same(new, _answers(cur, days))


def test_follow_through_counts_are_the_rate_s_actions_counted_per_block_on_the_demo() -> None:
    """The trend's counts (one lean query) are the rate's own rows counted per 28-day block
    of due dates, for every division and two of them, at three as-of dates."""
    import pandas as pd

    cur = build_database(DEMO).cursor()
    last = cur.execute("SELECT CAST(max(date) AS DATE) FROM interactions").fetchone()[0]
    counted = 0
    for day in (last, last - dt.timedelta(days=13), last - dt.timedelta(days=90)):
        window = Window(day - dt.timedelta(days=12 * 28 - 1), day)
        for division in (None, "Motors", "Power"):
            counts = activity.follow_through_counts(cur, window=window, as_of=day,
                                                    division=division, days=28)
            rows = activity.follow_through_rate(cur, window=window, as_of=day,
                                                division=division).rows
            days = (pd.to_datetime(rows["due_date"]).dt.normalize()
                    - pd.Timestamp(window.start)).dt.days
            expected = {int(block): (int(group["in_numerator"].sum()), len(group))
                        for block, group in rows.groupby(days // 28)}
            assert counts == expected, (day, division)
            counted += sum(n for _, n in expected.values())
    assert counted > 5000
