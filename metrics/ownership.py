"""Account ownership as of T (metrics.md, "Account ownership", "Ownership and backlog" and the
operational measures "coverage" and "proposed owner").

- **ERP owner**: the Salesperson of the largest-Amount ERP sale (Amount > 0, any division) to
  the account's ERP customer dated in (T − 365, T]; ties: the later Date, then the larger
  Document ID (numerically when both are numbers).
- **Conflict**: a non-blank Hub Account Owner that differs from the ERP owner (names compared
  normalised: case and white space do not count).
- **Orphan**: Account Owner blank, not on the roster, or with a Leave Date < T.
- **Proposed owner**: the ERP owner; else the roster member (not left) who logged most of the
  account's interactions in the last 365 days (ties: the most recent interaction); else none.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import Window, day_start, end_of
from metrics.inputs import fetch_frame
from metrics.result import HIGHER, MetricOutput, ratio_result

YEAR_DAYS = 365
ORPHAN_REASONS: tuple[str, ...] = ("blank", "not_on_roster", "left")

# The rule of an orphan (metrics.md "Account ownership"): Account Owner blank, not on the
# roster, or with a Leave Date < T. ``a`` is accounts and ``st`` its owner's staff row.
_ORPHAN_REASON = """CASE WHEN a.account_owner IS NULL THEN 'blank'
                  WHEN NOT a.owner_on_roster THEN 'not_on_roster'
                  WHEN st.leave_date < $as_of THEN 'left' END"""
_OWNER_JOIN = "LEFT JOIN staff st ON st.name = a.account_owner AND a.owner_on_roster"
# Each account's latest interaction dated ≤ T, any age.
_TOUCHES = """touches AS (
      SELECT account_id, max(date) AS last_interaction
      FROM interactions WHERE date IS NOT NULL AND date < $end AND account_id IS NOT NULL
      GROUP BY account_id)"""

# One row per Hub account. $start = (T − 364) 00:00 and $end = (T + 1) 00:00 bound the last
# 365 days (T − 365, T] for ERP dates and Hub timestamps alike. The loggers' pick is an
# ordered ``first``: the same row as ``row_number() … = 1`` over the groups, in about two
# thirds of the time (one sort per account instead of a window over every group).
_ACCOUNTS_SQL = r"""
    WITH sales AS (
      SELECT s.erp_customer_id, coalesce(st.name, clean(s.salesperson)) AS salesperson,
             s.document_id, s.date, s.amount
      FROM erp_sales s
      LEFT JOIN staff st ON st.name_norm = norm_name(s.salesperson)
      WHERE s.amount > 0 AND s.date >= CAST($start AS DATE) AND s.date < CAST($end AS DATE)
        AND s.erp_customer_id IS NOT NULL AND clean(s.salesperson) IS NOT NULL
      QUALIFY row_number() OVER (
        PARTITION BY s.erp_customer_id
        ORDER BY s.amount DESC, s.date DESC, try_cast(s.document_id AS DOUBLE) DESC NULLS LAST,
                 s.document_id DESC) = 1),
    """ + _TOUCHES + r""",
    logged AS (
      SELECT i.account_id, i.logged_by, count(*) AS n, max(i.date) AS latest
      FROM interactions i JOIN staff st ON st.name = i.logged_by
      WHERE i.date >= $start AND i.date < $end AND i.account_id IS NOT NULL
        AND i.logged_by_on_roster AND (st.leave_date IS NULL OR st.leave_date >= $as_of)
      GROUP BY i.account_id, i.logged_by),
    loggers AS (
      SELECT account_id, first(logged_by ORDER BY n DESC, latest DESC, logged_by) AS logged_by
      FROM logged GROUP BY account_id),
    owned AS (
      SELECT a.account_id, a.company_name, a.division, a.account_type, a.erp_customer_id,
             a.account_owner AS owner, a.owner_on_roster, st.leave_date AS owner_leave_date,
             s.salesperson AS erp_owner, s.document_id AS erp_document_id,
             s.date AS erp_sale_date, s.amount AS erp_sale_amount,
             """ + _ORPHAN_REASON + r""" AS orphan_reason,
             coalesce(s.salesperson, g.logged_by) AS proposed_owner,
             CASE WHEN s.salesperson IS NOT NULL THEN 'erp'
                  WHEN g.logged_by IS NOT NULL THEN 'interactions' END AS proposed_from,
             t.last_interaction,
             a.source_file, a.source_sheet, a.source_row, a.row_id
      FROM accounts a
      """ + _OWNER_JOIN + r"""
      LEFT JOIN sales s ON s.erp_customer_id = a.erp_customer_id
      LEFT JOIN touches t ON t.account_id = a.account_id
      LEFT JOIN loggers g ON g.account_id = a.account_id)
    SELECT account_id, company_name, division, account_type, erp_customer_id, owner,
           owner_on_roster, owner_leave_date, erp_owner, erp_document_id, erp_sale_date,
           erp_sale_amount,
           coalesce(owner IS NOT NULL AND erp_owner IS NOT NULL
                    AND norm_name(owner) <> norm_name(erp_owner), false) AS conflict,
           orphan_reason IS NOT NULL AS orphan, orphan_reason,
           proposed_owner, proposed_from, last_interaction,
           source_file, source_sheet, source_row, row_id
    FROM owned
"""


def _params(as_of: dt.date) -> dict[str, object]:
    return {"start": day_start(as_of - dt.timedelta(days=YEAR_DAYS - 1)), "end": end_of(as_of),
            "as_of": as_of}


def accounts(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
             account_id: str | None = None) -> pd.DataFrame:
    """One row per Hub account with its owners as of T, in Hub row order; only the account
    ``account_id`` when given (an account card needs no other).

    Columns: ``account_id``, ``company_name``, ``division``, ``account_type``,
    ``erp_customer_id``, ``owner`` (Hub Account Owner, roster spelling when it matches),
    ``owner_on_roster``, ``owner_leave_date``, ``erp_owner`` and the sale that decided it
    (``erp_document_id``, ``erp_sale_date``, ``erp_sale_amount``), ``conflict``, ``orphan``,
    ``orphan_reason`` (``blank``, ``not_on_roster``, ``left`` or null), ``proposed_owner``,
    ``proposed_from`` (``erp``, ``interactions`` or null), ``last_interaction`` (latest
    interaction for the account dated ≤ T, any age), and the source row.

    Spec: metrics.md "Account ownership", "Ownership and backlog", "proposed owner".
    Readings: "(T − 365, T]" is the 365 days T − 364 … T for ERP dates and interactions alike;
    sales with a blank Salesperson name nobody and are skipped by the owner rule; ERP
    salesperson names are shown in the roster's spelling when they match it; in the Document
    ID tie-break a number ranks above text (numbers compare numerically, text as text); the
    interaction-based proposal counts roster members with Leave Date blank or ≥ T (last
    tie-break: name order). An owner not on the roster or gone can be both orphan and
    conflict; a blank owner is only an orphan.
    """
    return fetch_frame(cur, f"""
        SELECT * FROM ({_ACCOUNTS_SQL})
        WHERE $account_id IS NULL OR account_id = $account_id ORDER BY row_id""",
                       {**_params(as_of), "account_id": account_id})


def counts(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
           division: str | None) -> dict[str, int]:
    """``{"orphans": n, "conflicts": n}``: accounts of ``division`` (the account's Division)
    that are orphans / in conflict as of T; 0 when none (the report's ``ownership``).

    Spec: metrics.md "Account ownership", "Ownership and backlog". ``division=None``: all.
    """
    orphans, conflicts = cur.execute(
        "SELECT count(*) FILTER (orphan), count(*) FILTER (conflict) FROM (" + _ACCOUNTS_SQL
        + ") WHERE $division IS NULL OR division = $division",
        {**_params(as_of), "division": division}).fetchone()
    return {"orphans": int(orphans), "conflicts": int(conflicts)}


# Coverage needs only who owns an account and when it was last touched: not the ERP owner
# nor the proposal, whose loggers are most of the accounts query's time.
_COVERAGE_SQL = """
    WITH """ + _TOUCHES + """,
    hits AS (
      SELECT account_id, count(*) AS interactions_in_window
      FROM interactions WHERE date >= $lo AND date < $hi AND account_id IS NOT NULL
      GROUP BY account_id)
    SELECT a.account_id, a.company_name, a.division, a.account_owner AS owner,
           t.last_interaction,
           date_diff('day', CAST(t.last_interaction AS DATE), $as_of) AS days_since_last,
           coalesce(h.interactions_in_window, 0) AS interactions_in_window,
           h.account_id IS NOT NULL AS in_numerator,
           a.source_file, a.source_sheet, a.source_row
    FROM accounts a
    """ + _OWNER_JOIN + """
    LEFT JOIN touches t ON t.account_id = a.account_id
    LEFT JOIN hits h ON h.account_id = a.account_id
    WHERE """ + _ORPHAN_REASON + """ IS NULL
      AND ($division::VARCHAR IS NULL OR a.division = $division::VARCHAR)
    ORDER BY t.last_interaction NULLS FIRST, a.row_id
    """


# Per division of $divisions: its owned accounts (k NULL, n = how many) and, per trend window
# k (28-day blocks from $first), those with an interaction dated in it (n). The owners are
# those of T in every window.
_COVERAGE_TREND_SQL = """
    WITH owned AS (
      SELECT a.division, a.account_id FROM accounts a
      """ + _OWNER_JOIN + """
      WHERE """ + _ORPHAN_REASON + """ IS NULL AND list_contains($divisions, a.division))
    SELECT division, NULL::BIGINT AS k, count(*) AS n FROM owned GROUP BY division
    UNION ALL
    SELECT o.division, (CAST(i.date AS DATE) - $first) // $days, count(DISTINCT i.account_id)
    FROM interactions i JOIN owned o ON o.account_id = i.account_id
    WHERE i.date >= $lo AND i.date < $hi
    GROUP BY ALL
    """


def coverage_counts(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date, divisions: list[str],
                    first: Window) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """For :func:`coverage` over back-to-back windows as long as ``first`` (its first), up to T,
    with the owners of T: each division's owned accounts (the denominator of every window)
    and, per (division, window index from 0), how many had an interaction dated in it. One
    query for every division, no account ID passed from Python."""
    owned: dict[str, int] = {}
    touched: dict[tuple[str, int], int] = {}
    if not divisions:
        return owned, touched
    for division, k, n in cur.execute(_COVERAGE_TREND_SQL, {
            "divisions": divisions, "as_of": as_of, "first": first.start,
            "days": first.days, "lo": first.lo, "hi": end_of(as_of)}).fetchall():
        if k is None:
            owned[division] = int(n)
        else:
            touched[(division, int(k))] = int(n)
    return owned, touched


def _coverage_rows(cur: duckdb.DuckDBPyConnection, window: Window, as_of: dt.date,
                   division: str | None) -> pd.DataFrame:
    return fetch_frame(cur, _COVERAGE_SQL, {"end": end_of(as_of), "as_of": as_of,
                                            "division": division, "lo": window.lo,
                                            "hi": window.hi_until(as_of)})


def _coverage_output(rows: pd.DataFrame) -> MetricOutput:
    result = ratio_result("coverage", int(rows["in_numerator"].sum()), len(rows),
                          target=None, direction=HIGHER)
    return MetricOutput(result, rows)


def coverage(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
             division: str, settings: Settings | None = None) -> MetricOutput:
    """Coverage: of the division's accounts whose owner is not an orphan, the share with at
    least one interaction (for the account, by anyone) dated in the window (cut at T).

    Ratio: numerator = covered accounts, denominator = n = owned accounts; no target (status
    ``info``, ``no_data`` without accounts). Rows: the owned accounts, least touched first
    (longest since the last interaction dated ≤ T; never touched first), with
    ``interactions_in_window``, ``last_interaction``, ``days_since_last`` and
    ``in_numerator``. Spec: metrics.md "Operational measures", coverage. ``settings`` is
    accepted for the common signature; coverage has no target to override.
    """
    return _coverage_output(_coverage_rows(cur, window, as_of, division))


def coverage_of_divisions(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                          divisions: list[str]) -> dict[str, MetricOutput]:
    """:func:`coverage` of each of ``divisions``, from one query (a page that shows several
    divisions; the owners' query reads every interaction, so once is enough)."""
    rows = _coverage_rows(cur, window, as_of, None)
    return {d: _coverage_output(rows[rows["division"] == d].reset_index(drop=True))
            for d in divisions}
