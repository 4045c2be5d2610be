"""Next-action backlog as of T (metrics.md, "Next-action backlog" and "Ownership and backlog").

A **thread** is a Contact ID; rows without one are threaded by their Account ID; rows with
neither are a thread of their own. The thread's **open action** is the Next Action of its
latest interaction (latest Date, ties: the later row, i.e. the larger ``row_id``), counting
only rows with a valid Date ≤ T. The thread belongs to the division of that latest row and
its action to that row's Logged By; the account's owner is shown beside it.

Status (first that applies): ``closed`` (a closing word), ``missing_next_action`` (blank),
``no_due_date`` (no valid Action Due Date), ``overdue`` (due < T), ``due_this_week``
(T ≤ due ≤ T + 6), ``upcoming`` (due > T + 6). Due dates compare as calendar days.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from metrics.calendar import end_of
from metrics.inputs import fetch_frame, query_frame

STATUSES: tuple[str, ...] = ("closed", "missing_next_action", "no_due_date", "overdue",
                             "due_this_week", "upcoming")
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1–7", 1, 7), ("8–14", 8, 14), ("15–30", 15, 30), ("> 30", 31, None))

# One row per thread: the latest interaction with a valid Date <= T, i.e. the row dated <= T
# whose next row in thread order (the loader's ``thread_next``: contact, else account, else
# the row itself; Date, then row) is dated after T or does not exist. It is then joined back
# for the columns the backlog shows: the thread's text key (``contact:<id>``,
# ``account:<id>``, ``row:<row_id>``: a Contact ID never collides with an Account ID or a row
# number of the same text) is built for the latest rows only.
_LATEST = """
      SELECT n.row_id
      FROM thread_next n JOIN interactions i ON i.row_id = n.row_id
      WHERE i.date < $end AND (n.next_date IS NULL OR n.next_date >= $end)"""
_THREAD_ROWS = """
    threads AS (
      SELECT i.row_id, i.date, i.contact_id, i.account_id, i.division, i.logged_by,
             i.interaction_id, i.interaction_type, i.next_action, i.source_file,
             i.source_sheet, i.source_row,
             coalesce('contact:' || i.contact_id, 'account:' || i.account_id,
                      'row:' || CAST(i.row_id AS VARCHAR)) AS thread,
             CASE WHEN i.contact_id IS NOT NULL THEN 'contact'
                  WHEN i.account_id IS NOT NULL THEN 'account' ELSE 'row' END AS thread_kind,
             CAST(i.due_date AS DATE) AS due_day,
             CASE WHEN i.closes THEN 'closed'
                  WHEN i.next_action IS NULL THEN 'missing_next_action'
                  WHEN i.due_date IS NULL THEN 'no_due_date'
                  WHEN CAST(i.due_date AS DATE) < $as_of THEN 'overdue'
                  WHEN CAST(i.due_date AS DATE) <= $week_end THEN 'due_this_week'
                  ELSE 'upcoming' END AS status
      FROM pick p JOIN interactions i ON i.row_id = p.row_id)
"""
_THREADS_SQL = f"WITH pick AS ({_LATEST}),{_THREAD_ROWS}"


def _params(as_of: dt.date) -> dict[str, object]:
    return {"end": end_of(as_of), "as_of": as_of, "week_end": as_of + dt.timedelta(days=6)}


# What needs action first: overdue longest first, then due this week, missing next action,
# no due date, upcoming, closed; then the due day, the latest row's date and row.
_URGENCY = """
        ORDER BY CASE t.status WHEN 'overdue' THEN 0 WHEN 'due_this_week' THEN 1
                      WHEN 'missing_next_action' THEN 2 WHEN 'no_due_date' THEN 3
                      WHEN 'upcoming' THEN 4 ELSE 5 END,
                 days_overdue DESC NULLS LAST, t.due_day NULLS LAST, t.date, t.row_id"""
_DAYS_OVERDUE = "CASE WHEN t.status = 'overdue' THEN date_diff('day', t.due_day, $as_of) END"


def threads(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date, division: str | None = None,
            account_id: str | None = None, rows: list[int] | None = None) -> pd.DataFrame:
    """One row per backlog thread as of T, most urgent first (overdue longest first); only
    the threads whose latest row is of ``division`` and of ``account_id`` when given (the
    same rows as filtering every thread, without fetching the others). ``rows``: the
    threads whose latest rows these are (row ids from :func:`thread_states` of the same T),
    for the threads a page lists.

    Columns: ``thread`` (key: ``contact:<id>``, ``account:<id>`` or ``row:<row_id>``),
    ``thread_kind``, ``contact_id``, ``contact_name``, ``account_id``, ``company_name``,
    ``division`` (of the latest row), ``status``, ``owner`` (Logged By of the latest row),
    ``account_owner`` (accounts.account_owner of the latest row's account),
    ``interaction_id``, ``last_date`` (Date of the latest row), ``interaction_type``,
    ``next_action``, ``due_date`` (the day), ``age_days`` (calendar days from the latest
    row's day to T), ``days_overdue`` (T − due in days, overdue threads only, else null),
    ``source_file``, ``source_sheet``, ``source_row``, ``row_id`` (so a steward can find the
    row), and the contact's ``email`` and ``mobile`` (to follow up).

    Spec: metrics.md "Next-action backlog". Readings: rows without a valid Date or dated after
    T are left out before the latest row is chosen; ``age_days`` counts calendar days.
    """
    # Given rows are the latest rows already: no thread order to walk again.
    pick = _LATEST if rows is None else "SELECT unnest(CAST($rows AS BIGINT[])) AS row_id"
    return query_frame(cur, f"WITH pick AS ({pick}),{_THREAD_ROWS}" + f"""
        SELECT t.thread, t.thread_kind, t.contact_id, c.full_name AS contact_name,
               t.account_id, a.company_name, t.division, t.status,
               t.logged_by AS owner, a.account_owner,
               t.interaction_id, t.date AS last_date, t.interaction_type, t.next_action,
               t.due_day AS due_date,
               date_diff('day', CAST(t.date AS DATE), $as_of) AS age_days,
               {_DAYS_OVERDUE} AS days_overdue,
               t.source_file, t.source_sheet, t.source_row, t.row_id, c.email, c.mobile
        FROM threads t
        LEFT JOIN accounts a ON a.account_id = t.account_id
        LEFT JOIN contacts c ON c.contact_id = t.contact_id
        WHERE ($division IS NULL OR t.division = $division)
          AND ($account_id IS NULL OR t.account_id = $account_id)
        {_URGENCY}
    """, {**_params(as_of), "division": division, "account_id": account_id,
          "rows": None if rows is None else [int(r) for r in rows]})


def thread_states(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Every backlog thread as of T with only what counts and filters them: ``division``,
    ``status``, ``owner``, ``account_owner``, ``days_overdue`` and ``row_id`` (of its latest
    row), in :func:`threads`' order and with its values. A page that counts tens of
    thousands of threads but lists a few fetches their other columns with :func:`threads`
    (``rows=``): at 1M interactions this is 65k rows of six columns instead of 24."""
    return fetch_frame(cur, _THREADS_SQL + f"""
        SELECT t.division, t.status, t.logged_by AS owner, a.account_owner,
               {_DAYS_OVERDUE} AS days_overdue, t.row_id
        FROM threads t LEFT JOIN accounts a ON a.account_id = t.account_id
        {_URGENCY}
    """, _params(as_of))


def status_counts(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                  division: str | None) -> dict[str, int]:
    """Threads per status in ``division`` (the division of each thread's latest row) as of T;
    all six statuses always present, in :data:`STATUSES` order, 0 when none.

    Spec: metrics.md "Next-action backlog" and "Report details" (the report's ``backlog``).
    ``division=None`` counts every thread (including threads without a division).
    """
    rows = cur.execute(_THREADS_SQL + """
        SELECT status, count(*) FROM threads
        WHERE $division IS NULL OR division = $division
        GROUP BY status""", {**_params(as_of), "division": division}).fetchall()
    found = {status: int(count) for status, count in rows}
    return {status: found.get(status, 0) for status in STATUSES}


def status_counts_by_division(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                              divisions: list[str]) -> dict[str, dict[str, int]]:
    """:func:`status_counts` of each of ``divisions``, from one query (the overview shows
    them all; the threads are built from every interaction, so once is enough)."""
    found: dict[str, dict[str, int]] = {}
    for division, status, count in cur.execute(_THREADS_SQL + """
            SELECT division, status, count(*) FROM threads WHERE division IS NOT NULL
            GROUP BY ALL""", _params(as_of)).fetchall():
        found.setdefault(division, {})[status] = int(count)
    return {d: {status: found.get(d, {}).get(status, 0) for status in STATUSES}
            for d in divisions}


def aging(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
          division: str | None = None) -> pd.DataFrame:
    """Overdue threads by days overdue (T − due, calendar days): buckets ``1–7``, ``8–14``,
    ``15–30``, ``> 30``, always all four in that order (``threads`` 0 when none).

    Columns: ``bucket``, ``min_days``, ``max_days`` (null for ``> 30``), ``threads``.
    Spec: metrics.md "Operational measures", backlog aging. ``division=None``: every division.
    """
    rows = dict(cur.execute(_THREADS_SQL + """
        SELECT CASE WHEN d <= 7 THEN '1–7' WHEN d <= 14 THEN '8–14'
                    WHEN d <= 30 THEN '15–30' ELSE '> 30' END AS bucket, count(*)
        FROM (SELECT date_diff('day', due_day, $as_of) AS d FROM threads
              WHERE status = 'overdue' AND ($division IS NULL OR division = $division))
        GROUP BY bucket""", {**_params(as_of), "division": division}).fetchall())
    return pd.DataFrame({
        "bucket": [name for name, _, _ in AGING_BUCKETS],
        "min_days": [lo for _, lo, _ in AGING_BUCKETS],
        "max_days": pd.array([hi for _, _, hi in AGING_BUCKETS], dtype="Int64"),
        "threads": [int(rows.get(name, 0)) for name, _, _ in AGING_BUCKETS],
    })
