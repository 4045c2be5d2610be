"""Medical division KPIs (metrics.md, "Division KPIs", Medical rows): new distributors per
quarter, distributor order frequency, average order volume year on year and quality-flag
resolution hours. The registry and the report call these; pages show their drill-down rows.

Medical distributors are today's accounts with Division = the division asked for (Medical)
and Account Type Distributor, linked to the ERP through their ERP Customer ID; their sales
count whatever the sale's own division (metrics.md, Precise readings).

A *sale* is an ERP document that is not a credit note: Amount <= 0 is left out of every count,
mean and first-sale rule; a document whose Amount could not be read (BAD_AMOUNT) is still a
sale, so it counts in counts, first sales and YoY ``n``, never in a mean.

:func:`mean_amount_yoy` is shared with :mod:`metrics.hospitality`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import duckdb

from hub_data.settings import Settings
from metrics.calendar import Window, end_of, quarter_of
from metrics.result import (MEDIAN_HOURS, Direction, MetricOutput, RowsMeanYoy, RowsPer,
                            make_result)
from metrics.inputs import query_frame
from metrics.targets import target_for

DISTRIBUTOR = "Distributor"
DISTRIBUTOR_SIGNED = "Distributor Signed"
QUALITY_FLAG = "Quality Flag"
QUALITY_RESOLVED = "Quality Resolved"
# How three KPIs follow from their rows (the registry's trends use the same; the third is
# MEDIAN_HOURS, from metrics.result).
ORDERS_PER_DISTRIBUTOR = RowsPer("erp_customer_id")
MEAN_AMOUNT_YOY = RowsMeanYoy("amount")

# Not a credit note (see the module docstring); ``s`` is the erp_sales alias everywhere.
IS_SALE = "(s.amount IS NULL OR s.amount > 0)"

# Today's Medical distributors, one row per ERP customer (two accounts sharing a customer
# would otherwise count its sales twice); the first account in row order names it.
DISTRIBUTORS = """
    distributors AS (
      SELECT erp_customer_id, arg_min(account_id, row_id) AS account_id,
             arg_min(company_name, row_id) AS company_name
      FROM accounts
      WHERE division = $division AND account_type = $distributor
        AND erp_customer_id IS NOT NULL
      GROUP BY erp_customer_id)"""

# Sales (alias ``s``) to today's distributors, any sale division, credit notes included.
DISTRIBUTOR_SALES = f"""
    WITH {DISTRIBUTORS.strip()}
    SELECT s.document_id, s.date, s.erp_customer_id, d.account_id, d.company_name,
           s.division AS sale_division, s.salesperson, s.amount
    FROM erp_sales s JOIN distributors d ON d.erp_customer_id = s.erp_customer_id
    WHERE s.date IS NOT NULL"""


def mean_amount_yoy(cur: duckdb.DuckDBPyConnection, kpi_id: str, candidates_sql: str,
                    params: Mapping[str, Any], *, window: Window, as_of: dt.date,
                    target: float | None, direction: Direction) -> MetricOutput:
    """Mean Amount of the sales in the window ÷ the same for the window last year − 1.

    ``candidates_sql`` selects the sales that may count (alias ``s`` for erp_sales; columns
    at least ``document_id``, ``date``, ``amount``); credit notes (Amount <= 0) and rows
    without a date are dropped here. This window is [a, b] cut at the end of T; last year is
    [a − 364, b − 364] (also cut at T). Result (metrics.md, KPI results, YoY): numerator =
    this window's mean, denominator = last year's mean, n = this window's sales (an
    unreadable Amount counts in n, not in a mean); value null (``no_data``) when either
    mean is missing. Rows: both windows' sales with ``period`` (``current``/``year_ago``),
    ``in_numerator`` (measured in this window's mean) and ``in_denominator`` (in last year's).
    """
    year_ago = window.year_ago()
    values = {**params, "lo": window.lo, "hi": window.hi_until(as_of),
              "ylo": year_ago.lo, "yhi": year_ago.hi_until(as_of)}
    tagged = f"""
        WITH candidates AS ({candidates_sql}),
        tagged AS (
          SELECT CASE WHEN c.date >= $lo AND c.date < $hi THEN 'current' ELSE 'year_ago' END
                   AS period, c.*
          FROM candidates c
          WHERE (c.amount IS NULL OR c.amount > 0) AND c.date IS NOT NULL
            AND ((c.date >= $lo AND c.date < $hi) OR (c.date >= $ylo AND c.date < $yhi)))"""
    rows = query_frame(cur, tagged + """
        SELECT *, period = 'current' AND amount IS NOT NULL AS in_numerator,
               period = 'year_ago' AND amount IS NOT NULL AS in_denominator
        FROM tagged ORDER BY period, date, document_id""", values)
    return MetricOutput(MEAN_AMOUNT_YOY(kpi_id, rows, target=target, direction=direction), rows)


def new_distributors(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                     division: str, settings: Settings | None = None) -> MetricOutput:
    """Medical distributors acquired in the calendar quarter containing the window's end b
    (metrics.md: "Medical accounts of type Distributor acquired in the calendar quarter
    containing b"; target ≥ 2 per quarter).

    Acquired = the account's first Distributor Signed interaction (any interaction on the
    account, whatever its Division), else the first sale of its ERP customer; nothing dated
    after T counts, so a signing after T falls back to the first sale. Signing wins even when
    a sale came earlier (the spec's order). The quarter is cut at the end of T. A count:
    value = n = the count (0 when none), numerator and denominator null. Rows: every
    distributor with ``acquired_at``, ``acquired_by`` (``Distributor Signed`` / ``first
    sale``), the evidence id and ``in_numerator`` (acquired in the quarter).
    """
    target, direction = target_for(settings, division, "new_distributors")
    quarter = quarter_of(window.end)
    values = {"division": division, "distributor": DISTRIBUTOR, "signed": DISTRIBUTOR_SIGNED,
              "t_end": end_of(as_of), "q_lo": quarter.lo, "q_hi": quarter.hi_until(as_of)}
    rows = query_frame(cur, f"""
        WITH d AS (
          SELECT account_id, company_name, erp_customer_id, account_owner FROM accounts
          WHERE division = $division AND account_type = $distributor),
        signed AS (
          SELECT account_id, min(date) AS signed_at,
                 arg_min(interaction_id, (date, row_id)) AS signed_interaction
          FROM interactions
          WHERE interaction_type = $signed AND date < $t_end AND account_id IS NOT NULL
          GROUP BY account_id),
        first_sale AS (
          SELECT s.erp_customer_id, min(s.date) AS first_sale_on,
                 arg_min(s.document_id, (s.date, s.row_id)) AS first_document
          FROM erp_sales s
          WHERE {IS_SALE} AND s.date < $t_end AND s.erp_customer_id IS NOT NULL
          GROUP BY s.erp_customer_id),
        acquired AS (
          SELECT d.account_id, d.company_name, d.account_owner, d.erp_customer_id,
                 coalesce(g.signed_at, CAST(f.first_sale_on AS TIMESTAMP)) AS acquired_at,
                 CASE WHEN g.signed_at IS NOT NULL THEN 'Distributor Signed'
                      WHEN f.first_sale_on IS NOT NULL THEN 'first sale' END AS acquired_by,
                 CASE WHEN g.signed_at IS NOT NULL THEN g.signed_interaction
                      ELSE f.first_document END AS evidence_id,
                 g.signed_at, f.first_sale_on, f.first_document
          FROM d LEFT JOIN signed g ON g.account_id = d.account_id
                 LEFT JOIN first_sale f ON f.erp_customer_id = d.erp_customer_id)
        SELECT *, coalesce(acquired_at >= $q_lo AND acquired_at < $q_hi, false) AS in_numerator
        FROM acquired ORDER BY acquired_at NULLS LAST, account_id""", values)
    count = int(rows["in_numerator"].sum())
    result = make_result("new_distributors", value=count, n=count, target=target,
                         direction=direction)
    return MetricOutput(result, rows)


def distributor_order_frequency(cur: duckdb.DuckDBPyConnection, *, window: Window,
                                as_of: dt.date, division: str,
                                settings: Settings | None = None) -> MetricOutput:
    """Sales to Medical distributors dated in the window ÷ distributors with at least one
    such sale (metrics.md: distributor_order_frequency; no target).

    A ratio (numerator = sales, denominator = n = distributors, counted per ERP customer);
    credit notes are not orders; the window is cut at the end of T. No sale: value null,
    0 / 0, ``no_data``. Rows: the window's sales, all ``in_numerator``.
    """
    target, direction = target_for(settings, division, "distributor_order_frequency")
    values = {"division": division, "distributor": DISTRIBUTOR, "lo": window.lo,
              "hi": window.hi_until(as_of)}
    sales = f"WITH sales AS ({DISTRIBUTOR_SALES} AND {IS_SALE})"
    rows = query_frame(cur, sales + """
        SELECT *, true AS in_numerator FROM sales
        WHERE date >= $lo AND date < $hi ORDER BY date, document_id""", values)
    return MetricOutput(ORDERS_PER_DISTRIBUTOR("distributor_order_frequency", rows,
                                               target=target, direction=direction), rows)


def avg_order_volume_yoy(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                         division: str, settings: Settings | None = None) -> MetricOutput:
    """Mean Amount of the sales to Medical distributors in the window ÷ the same for the
    window last year − 1 (metrics.md: avg_order_volume_yoy; target ≥ +0.10).

    Last year = [a − 364, b − 364]; distributors are today's, for both years. numerator =
    this window's mean, denominator = last year's, n = this window's sales (an unreadable
    Amount counts in n, not in the mean; credit notes nowhere). No sale with an Amount last
    year (or this year): value null, ``no_data``. Rows: see :func:`mean_amount_yoy`.
    """
    target, direction = target_for(settings, division, "avg_order_volume_yoy")
    return mean_amount_yoy(cur, "avg_order_volume_yoy", DISTRIBUTOR_SALES,
                           {"division": division, "distributor": DISTRIBUTOR},
                           window=window, as_of=as_of, target=target, direction=direction)


def quality_flag_resolution_hours(cur: duckdb.DuckDBPyConnection, *, window: Window,
                                  as_of: dt.date, division: str,
                                  settings: Settings | None = None) -> MetricOutput:
    """Median hours to resolve the division's Quality Flag interactions dated in the window
    (metrics.md: quality_flag_resolution_hours; target < 48).

    Per flag: 0 h when the flag row itself has Resolved = Yes; else the hours to the first
    Quality Resolved interaction for the same account (any division) dated ≥ the flag and
    ≤ T; none by T: (end of T − flag) hours. A median: n = flags, numerator and denominator
    null; no flag: value null, n 0, ``no_data``. Rows: every flag with ``resolved_at``,
    ``resolution`` (``Resolved = Yes`` / ``Quality Resolved`` / ``unresolved by T``),
    ``hours`` and ``in_numerator`` (always true: every flag is measured).
    """
    target, direction = target_for(settings, division, "quality_flag_resolution_hours")
    values = {"division": division, "flag": QUALITY_FLAG, "resolved": QUALITY_RESOLVED,
              "lo": window.lo, "hi": window.hi_until(as_of), "t_end": end_of(as_of)}
    rows = query_frame(cur, """
        WITH flags AS (
          SELECT row_id, interaction_id, date AS flagged_at, account_id, contact_id,
                 logged_by, notes, coalesce(resolved, false) AS resolved_yes
          FROM interactions
          WHERE interaction_type = $flag AND division = $division
            AND date >= $lo AND date < $hi),
        answers AS (
          SELECT f.row_id, min(r.date) AS answered_at,
                 arg_min(r.interaction_id, (r.date, r.row_id)) AS resolved_by_interaction
          FROM flags f JOIN interactions r
            ON r.account_id = f.account_id AND r.interaction_type = $resolved
           AND r.date >= f.flagged_at AND r.date < $t_end
          WHERE NOT f.resolved_yes
          GROUP BY f.row_id),
        measured AS (
          SELECT f.*, a.resolved_by_interaction,
                 CASE WHEN f.resolved_yes THEN f.flagged_at ELSE a.answered_at END
                   AS resolved_at,
                 CASE WHEN f.resolved_yes THEN 'Resolved = Yes'
                      WHEN a.answered_at IS NOT NULL THEN 'Quality Resolved'
                      ELSE 'unresolved by T' END AS resolution
          FROM flags f LEFT JOIN answers a ON a.row_id = f.row_id)
        SELECT interaction_id, flagged_at, account_id, contact_id, logged_by, notes,
               resolution, resolved_at, resolved_by_interaction,
               epoch(coalesce(resolved_at, $t_end) - flagged_at) / 3600.0 AS hours,
               true AS in_numerator
        FROM measured ORDER BY flagged_at, row_id""", values)
    return MetricOutput(MEDIAN_HOURS("quality_flag_resolution_hours", rows, target=target,
                                     direction=direction), rows)
