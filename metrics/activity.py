"""Operational activity measures of metrics.md ("Operational measures", pages only; not in the
JSON report): follow-through on next actions and cross-division collaboration.

Both are rates without a target: ``target`` null, ``direction`` higher, status ``info`` with a
value and ``no_data`` on a zero denominator.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import Window, end_of, trend_windows
from metrics.inputs import fetch_frame
from metrics.result import HIGHER, Direction, MetricOutput, ratio_result

FOLLOW_THROUGH = "follow_through_rate"
COLLABORATION = "collaboration"

# A thread (metrics.md, next-action backlog): the Contact ID, else the Account ID, else the
# row alone; the prefixes keep a contact and an account with the same ID text apart.
_THREAD_SQL = """CASE WHEN {t}.contact_id IS NOT NULL THEN 'contact:' || {t}.contact_id
                     WHEN {t}.account_id IS NOT NULL THEN 'account:' || {t}.account_id
                     ELSE 'row:' || CAST({t}.row_id AS VARCHAR) END"""


def _no_target(settings: Settings | None, division: str | None,
               kpi_id: str) -> tuple[float | None, Direction]:
    """Operational measures have no default target ("—"); settings may still name one."""
    if settings is None or division is None:
        return None, HIGHER
    return settings.target(division, kpi_id, None), HIGHER


# An action's first follow-up is the next row of its thread in thread order (the loader's
# ``thread_next``): thread rows come in (Date, row) order, so when the next row is not before
# the deadline no later row is. The deadline is at most the end of T (due dates are cut there),
# so a follow-up in time is never dated after T.
_ACTIONS_SQL = f"""
actions AS (
  SELECT i.row_id, i.interaction_id, i.date, i.contact_id, i.account_id, i.next_action,
         i.due_date, i.logged_by, {_THREAD_SQL.format(t='i')} AS thread,
         CAST(i.due_date AS DATE) + INTERVAL 1 DAY AS deadline
  FROM interactions i
  WHERE ($division IS NULL OR i.division = $division)
    AND i.date IS NOT NULL AND i.date < $t_end
    AND i.due_date >= $lo AND i.due_date < $hi
    AND i.next_action IS NOT NULL AND NOT i.closes)"""
_IN_TIME = "n.next_date < x.deadline"  # x: the action, n: its row of thread_next
_FOLLOW_THROUGH_SQL = f"""
WITH {_ACTIONS_SQL},
followups AS (
  SELECT x.row_id AS action_row, n.next_interaction_id AS followed_by,
         n.next_date AS followed_at
  FROM actions x JOIN thread_next n ON n.row_id = x.row_id
  WHERE {_IN_TIME})
SELECT x.row_id, x.interaction_id, x.date, x.thread, x.contact_id, x.account_id,
       a.company_name, x.logged_by, x.next_action, x.due_date,
       f.followed_by, f.followed_at, f.action_row IS NOT NULL AS in_numerator
FROM actions x
LEFT JOIN followups f ON f.action_row = x.row_id
LEFT JOIN accounts a ON a.account_id = x.account_id
ORDER BY x.due_date, x.row_id
"""


def _follow_through_params(window: Window, as_of: dt.date,
                           division: str | None) -> dict[str, object]:
    return {"division": division, "lo": window.lo, "hi": window.hi_until(as_of),
            "t_end": end_of(as_of)}


def follow_through_counts(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                          division: str | None, days: int,
                          loggers: list[str] | None = None,
                          owners: list[str] | None = None) -> dict[int, tuple[int, int]]:
    """The actions of :func:`follow_through_rate` over ``window`` counted per block of
    ``days`` days from its start (by the due date's day): ``{block: (followed, actions)}``,
    blocks without actions left out. A trend of back-to-back windows needs only these.
    With ``loggers`` or ``owners`` (names as written), only the actions whose Logged By is
    one of ``loggers`` or whose account's Account Owner is one of ``owners``.

    The actions and the follow-up rule are :func:`follow_through_rate`'s, read once each
    (the rate's query reads its actions twice, so DuckDB keeps every column of them: half
    the time of counting its rows on a large hub)."""
    everyone = loggers is None and owners is None
    params = {**_follow_through_params(window, as_of, division), "first": window.start,
              "days": days, **({} if everyone else {"loggers": loggers or [],
                                                      "owners": owners or []})}
    whose = "" if everyone else """
        LEFT JOIN accounts a ON a.account_id = x.account_id
        WHERE list_contains(CAST($loggers AS VARCHAR[]), x.logged_by)
           OR list_contains(CAST($owners AS VARCHAR[]), a.account_owner)"""
    return {int(block): (int(followed), int(actions)) for block, followed, actions in
            cur.execute(f"""
        WITH {_ACTIONS_SQL}
        SELECT date_diff('day', CAST($first AS DATE), CAST(x.due_date AS DATE)) // $days,
               count(*) FILTER ({_IN_TIME}), count(*)
        FROM actions x LEFT JOIN thread_next n ON n.row_id = x.row_id{whose}
        GROUP BY 1""", params).fetchall()}


def follow_through_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                        division: str | None, settings: Settings | None = None) -> MetricOutput:
    """Share of the division's actions that were followed through in time.

    metrics.md, operational measures, ``follow_through_rate``: actions = the division's
    interactions (dated ≤ T) with a real Next Action (not blank, not a closing word) and an
    Action Due Date in the window; an action is followed through when another interaction of
    the same thread (Contact ID, else Account ID, else the row alone) is dated after the
    action's row and before the end of the due date's day (due day + 1 at 00:00); nothing
    dated after T counts. value = followed / actions; no target (``info``).

    Readings chosen: the due-date window is cut at the end of T (an action due after T cannot
    be judged yet); "after the action's row" is the thread order of the backlog — a later
    timestamp, or the same timestamp on a later row (date-only entries on one day); the
    follow-up may be of any type, division or person, a closing one included; an action whose
    due date is before its own Date (BAD_DATE) stays in the denominator and cannot be followed.
    Rows: one per action, with the first follow-up (``followed_by``, ``followed_at``).
    ``division=None`` (the backlog page's "All divisions"): every action, whatever its division
    (rows without one included, as the backlog's ``status_counts(division=None)`` counts them);
    no settings target applies then.
    """
    target, direction = _no_target(settings, division, FOLLOW_THROUGH)
    rows = fetch_frame(cur, _FOLLOW_THROUGH_SQL,
                       _follow_through_params(window, as_of, division))
    followed = int(rows["in_numerator"].sum())
    result = ratio_result(FOLLOW_THROUGH, followed, len(rows), target=target,
                          direction=direction)
    return MetricOutput(result, rows)


# The ground of ``collaboration``: interactions dated in [lo, hi) on an account with a
# Division (that division, or every one when $division is NULL), logged by a roster member;
# in the numerator when the member's Staff Division differs from the account's.
COLLABORATION_ROWS = """
SELECT i.row_id, i.interaction_id, i.date, i.account_id, a.company_name,
       a.division AS account_division, i.logged_by, s.division AS logged_by_division,
       i.division AS interaction_division, i.interaction_type, i.channel, i.contact_id,
       coalesce(s.division <> a.division, false) AS in_numerator
FROM interactions i
JOIN accounts a ON a.account_id = i.account_id
JOIN staff s ON s.name = i.logged_by AND i.logged_by_on_roster
WHERE a.division IS NOT NULL AND i.date >= $lo AND i.date < $hi
  AND ($division::VARCHAR IS NULL OR a.division = $division::VARCHAR)"""


def collaboration(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                  division: str, settings: Settings | None = None) -> MetricOutput:
    """Share of the work on the division's accounts logged by colleagues of other divisions.

    metrics.md, operational measures, ``collaboration``: interactions dated in the window
    (≤ T) whose account's Division is ``division`` and whose Logged By is a roster member;
    numerator = those logged by a member whose Staff Division differs from the account's.
    value = numerator / denominator; no target (``info``).

    Readings chosen: the division compared is the account's (not the row's own Division,
    which a colleague usually sets to the account's); Logged By names not on the roster are
    left out of both counts (their division is unknown), and so is a row without a known
    account; a roster member with a blank Division counts in the denominator only. Rows: one
    per interaction, with who logged it and both divisions.
    """
    target, direction = _no_target(settings, division, COLLABORATION)
    rows = fetch_frame(cur, COLLABORATION_ROWS + " ORDER BY i.date, i.row_id", {
        "division": division, "lo": window.lo, "hi": window.hi_until(as_of)})
    result = ratio_result(COLLABORATION, int(rows["in_numerator"].sum()), len(rows),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


_COLLABORATION_TREND_SQL = f"""
SELECT account_division, (CAST(date AS DATE) - $first) // $days AS k,
       count(*) FILTER (WHERE in_numerator) AS numerator, count(*) AS denominator
FROM ({COLLABORATION_ROWS}) GROUP BY ALL
"""
TREND_COLUMNS = ["window_start", "window_end", "numerator", "denominator", "value"]


def collaboration_trend(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                        division: str | None) -> pd.DataFrame:
    """``collaboration`` per trend window: 12 back-to-back 28-day windows ending at T.

    metrics.md, operational measures (previous window / trend, collaboration). One row per
    window, oldest first: ``window_start``, ``window_end`` (dates), ``numerator``
    (interactions by members of another division), ``denominator`` (interactions by roster
    members on the division's accounts) and ``value`` (numerator / denominator; missing, NaN,
    when the denominator is 0). Same readings as :func:`collaboration`; ``division=None``
    takes every account Division at once (the sums of the per-division trends).
    """
    return _collaboration_trends(cur, as_of, division, [division])[division]


def collaboration_trends(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                         divisions: list[str]) -> dict[str | None, pd.DataFrame]:
    """:func:`collaboration_trend` of each of ``divisions`` and, under the key None, of every
    account Division at once, from one query."""
    return _collaboration_trends(cur, as_of, None, [*divisions, None])


def _collaboration_trends(cur: duckdb.DuckDBPyConnection, as_of: dt.date,
                          narrowed_to: str | None,
                          keys: list[str | None]) -> dict[str | None, pd.DataFrame]:
    """The trends of ``keys`` (a division; None: the sum of every account Division) from the
    collaboration rows of ``narrowed_to`` (None: every division) counted per division."""
    windows = trend_windows(as_of)
    first = windows[0]
    counts: dict[tuple[str | None, int], list[int]] = {}
    for division, k, num, den in cur.execute(_COLLABORATION_TREND_SQL, {
            "division": narrowed_to, "first": first.start, "days": first.days,
            "lo": first.lo, "hi": end_of(as_of)}).fetchall():
        for key in (division, None):
            total = counts.setdefault((key, int(k)), [0, 0])
            total[0] += int(num)
            total[1] += int(den)
    trends: dict[str | None, pd.DataFrame] = {}
    for key in keys:
        records = []
        for k, win in enumerate(windows):
            num, den = counts.get((key, k), (0, 0))
            records.append({"window_start": win.start, "window_end": win.end,
                            "numerator": num, "denominator": den,
                            "value": num / den if den else None})
        trends[key] = pd.DataFrame.from_records(records, columns=TREND_COLUMNS)
    return trends
