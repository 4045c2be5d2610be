"""Cross-division measures of metrics.md ("Operational measures", pages only; not in the JSON
report): divisions per customer, cross-division customers, cross-sell opportunities (with the
owner to call), silent revenue, and collaboration across all divisions (who helps whom).

An ERP customer and its Hub accounts are linked by ``accounts.erp_customer_id``. A sale is an
ERP sales document with Amount > 0 (credit notes and cancellations, Amount ≤ 0 or unreadable,
are left out everywhere here); its division is ``erp_sales.division`` (its own, else the
customer's). An interaction's division is ``interactions.division`` (its own, else the
account's) and it belongs to the customer of its account.

"(T − N, T]" is read as the calendar days T − N + 1 … T: an ERP date d counts when
T − N < d ≤ T, a Hub timestamp t when (T − N + 1) 00:00 ≤ t < (T + 1) 00:00 — so a Hub row
on day T − N counts nowhere, whatever its time, just like an ERP document dated T − N.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from hub_data.settings import Settings
from metrics.activity import COLLABORATION, COLLABORATION_ROWS
from metrics.calendar import Window, day_start, end_of
from metrics.inputs import fetch_arrow, fetch_frame
from metrics.result import HIGHER, MetricOutput, ratio_result

YEAR_DAYS = 365
SILENT_DAYS = 90
CROSS_DIVISION = "cross_division_customers"


def _period(as_of: dt.date, days: int, *, hub: bool = True) -> dict[str, Any]:
    """Parameters of (T − days, T]: ERP dates first_day ≤ d ≤ as_of and, with ``hub``, Hub
    timestamps lo ≤ t < hi (DuckDB refuses parameters a query does not use)."""
    first_day = as_of - dt.timedelta(days=days - 1)
    params: dict[str, Any] = {"first_day": first_day, "as_of": as_of}
    if hub:
        params.update(lo=day_start(first_day), hi=end_of(as_of))
    return params


# Sales (Amount > 0) of a known customer in the period.
_SALES = """
sales AS (
  SELECT document_id, date, erp_customer_id, division, amount FROM erp_sales
  WHERE amount > 0 AND erp_customer_id IS NOT NULL
    AND date >= $first_day AND date <= $as_of)"""

# Divisions of the interactions with a customer's Hub accounts in the period.
_TALKS = """
talks AS (
  SELECT DISTINCT a.erp_customer_id, i.division
  FROM interactions i JOIN accounts a ON a.account_id = i.account_id
  WHERE a.erp_customer_id IS NOT NULL AND i.division IS NOT NULL
    AND i.date >= $lo AND i.date < $hi)"""

# Per customer: revenue and documents (all sales), the divisions with a sale and the revenue
# in each (sales with a division).
_SOLD = """
per_division AS (
  SELECT erp_customer_id, division, sum(amount) AS revenue
  FROM sales WHERE division IS NOT NULL GROUP BY ALL),
by_division AS (
  SELECT erp_customer_id,
         list(division ORDER BY division) AS sale_divisions,
         MAP(list(division ORDER BY division), list(revenue ORDER BY division))
           AS revenue_by_division,
         sum(revenue) AS division_revenue,
         first(division ORDER BY revenue DESC, division) AS top_division
  FROM per_division GROUP BY 1),
sold AS (
  SELECT erp_customer_id, sum(amount) AS revenue, count(*) AS sales, max(date) AS last_sale
  FROM sales GROUP BY 1)"""

# The Hub accounts of each ERP customer, and the customer's name (ERP, else a Hub account's).
_LINKED = """
linked AS (
  SELECT erp_customer_id, list(account_id ORDER BY account_id) AS account_ids,
         first(company_name ORDER BY account_id) AS company_name
  FROM accounts WHERE erp_customer_id IS NOT NULL GROUP BY 1)"""

_NAME = "coalesce(c.customer_name, l.company_name)"
_NO_TEXT = "[]::VARCHAR[]"


_PER_CUSTOMER_SQL = f"""
WITH {_SALES}, {_TALKS}, {_SOLD}, {_LINKED},
talked AS (
  SELECT erp_customer_id, list(division ORDER BY division) AS interaction_divisions
  FROM talks GROUP BY 1),
ids AS (SELECT erp_customer_id FROM sold UNION SELECT erp_customer_id FROM talked)
SELECT ids.erp_customer_id, {_NAME} AS customer_name,
       coalesce(l.account_ids, {_NO_TEXT}) AS account_ids,
       coalesce(d.sale_divisions, {_NO_TEXT}) AS sale_divisions,
       coalesce(t.interaction_divisions, {_NO_TEXT}) AS interaction_divisions,
       len(coalesce(d.sale_divisions, {_NO_TEXT})) AS n_sale_divisions,
       len(coalesce(t.interaction_divisions, {_NO_TEXT})) AS n_interaction_divisions,
       coalesce(d.revenue_by_division, MAP({_NO_TEXT}, []::DOUBLE[])) AS revenue_by_division,
       coalesce(s.revenue, 0.0) AS revenue, coalesce(s.sales, 0) AS sales,
       len(coalesce(d.sale_divisions, {_NO_TEXT})) >= 2 AS cross_division
FROM ids
LEFT JOIN sold s USING (erp_customer_id)
LEFT JOIN by_division d USING (erp_customer_id)
LEFT JOIN talked t USING (erp_customer_id)
LEFT JOIN linked l USING (erp_customer_id)
LEFT JOIN erp_customers c USING (erp_customer_id)
ORDER BY revenue DESC, ids.erp_customer_id"""


def divisions_per_customer(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Per ERP customer (and its Hub accounts): the divisions it bought from and the divisions
    that talked to it in (T − 365, T].

    metrics.md, operational measures, ``divisions per customer``. One row per ERP customer
    with a sale (Amount > 0) or an interaction with one of its Hub accounts in the period:
    ``erp_customer_id``, ``customer_name`` (ERP, else the first linked account's name),
    ``account_ids`` (its Hub accounts), ``sale_divisions`` and ``interaction_divisions``
    (sorted lists), ``n_sale_divisions``, ``n_interaction_divisions``,
    ``revenue_by_division`` ({division: revenue}), ``revenue`` (all its sales in the period,
    a sale without a division included), ``sales`` (documents) and ``cross_division``
    (sales from two or more divisions). Sorted by revenue (largest first), then ID.
    Customers with no activity in the period are left out.
    """
    return fetch_frame(cur, _PER_CUSTOMER_SQL, _period(as_of, YEAR_DAYS))


def divisions_per_customer_table(cur: duckdb.DuckDBPyConnection, *,
                                 as_of: dt.date) -> pa.Table:
    """:func:`divisions_per_customer` as the Arrow table the query gives (lists and the
    revenue map as Arrow arrays: turning them into Python objects for a DataFrame is most of
    the cost on a large hub, and the matrix works on the arrays)."""
    return fetch_arrow(cur, _PER_CUSTOMER_SQL, _period(as_of, YEAR_DAYS))


def cross_division_customers(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                             settings: Settings | None = None) -> MetricOutput:
    """Share of buying customers that bought from two or more divisions in (T − 365, T].

    metrics.md, operational measures, ``cross_division_customers``: denominator = ERP
    customers with a sale (Amount > 0) dated in the period; numerator = those whose sales in
    the period carry two or more different divisions. No target (``info``; ``no_data`` when
    nobody bought). ``settings`` is accepted for the common signature: the measure is not
    per division, so no target applies.

    Reading chosen: a sale without a division counts its customer in the denominator but
    adds no division. Rows: one per buying customer (``sale_divisions``, ``n_divisions``,
    ``revenue``, ``sales``, ``in_numerator``), largest revenue first.
    """
    sql = f"""
    WITH {_SALES}, {_SOLD}, {_LINKED}
    SELECT s.erp_customer_id, {_NAME} AS customer_name,
           coalesce(l.account_ids, {_NO_TEXT}) AS account_ids,
           coalesce(d.sale_divisions, {_NO_TEXT}) AS sale_divisions,
           len(coalesce(d.sale_divisions, {_NO_TEXT})) AS n_divisions,
           s.revenue, s.sales, s.last_sale,
           len(coalesce(d.sale_divisions, {_NO_TEXT})) >= 2 AS in_numerator
    FROM sold s
    LEFT JOIN by_division d USING (erp_customer_id)
    LEFT JOIN linked l USING (erp_customer_id)
    LEFT JOIN erp_customers c USING (erp_customer_id)
    ORDER BY s.revenue DESC, s.erp_customer_id"""
    rows = fetch_frame(cur, sql, _period(as_of, YEAR_DAYS, hub=False))
    result = ratio_result(CROSS_DIVISION, int(rows["in_numerator"].sum()), len(rows),
                          target=None, direction=HIGHER)
    return MetricOutput(result, rows)


# The person to call about a customer (see cross_sell_opportunity). ERP owner: the
# salesperson of the customer's largest sale in the period, ties by the later date, then the
# larger Document ID (numerically when both are numbers), as metrics.ownership reads it.
_OWNER = """
erp_owner AS (
  SELECT s.erp_customer_id, coalesce(st.name, clean(s.salesperson)) AS salesperson
  FROM erp_sales s LEFT JOIN staff st ON st.name_norm = norm_name(s.salesperson)
  WHERE s.amount > 0 AND s.erp_customer_id IS NOT NULL
    AND s.date >= $first_day AND s.date <= $as_of AND clean(s.salesperson) IS NOT NULL
  QUALIFY row_number() OVER (
    PARTITION BY s.erp_customer_id
    ORDER BY s.amount DESC, s.date DESC, try_cast(s.document_id AS DOUBLE) DESC NULLS LAST,
             s.document_id DESC) = 1),
candidates AS (
  SELECT a.erp_customer_id, a.account_id, a.division, a.main_phone,
         CASE WHEN a.account_owner IS NOT NULL AND a.owner_on_roster
                   AND (st.leave_date IS NULL OR st.leave_date >= $as_of)
              THEN a.account_owner END AS hub_owner,
         a.division IS NOT DISTINCT FROM d.top_division AS in_top
  FROM accounts a
  JOIN by_division d ON d.erp_customer_id = a.erp_customer_id
  LEFT JOIN staff st ON st.name = a.account_owner AND a.owner_on_roster),
chosen AS (
  SELECT * FROM candidates
  QUALIFY row_number() OVER (
    PARTITION BY erp_customer_id
    ORDER BY hub_owner IS NULL, NOT in_top, main_phone IS NULL, account_id) = 1),
caller AS (
  SELECT d.erp_customer_id, coalesce(c.hub_owner, e.salesperson) AS owner,
         CASE WHEN c.hub_owner IS NOT NULL THEN $hub_owner
              WHEN e.salesperson IS NOT NULL THEN $erp_salesperson END AS owner_source,
         c.account_id AS owner_account_id, c.division AS account_division, c.main_phone
  FROM by_division d
  LEFT JOIN chosen c ON c.erp_customer_id = d.erp_customer_id
  LEFT JOIN erp_owner e ON e.erp_customer_id = d.erp_customer_id)"""

HUB_OWNER, ERP_SALESPERSON = "Hub account owner", "ERP salesperson"


def cross_sell_opportunity(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """(customer, division B) pairs where the customer buys from other divisions but B has
    neither sold to it nor talked to it in (T − 365, T], with the owner to call.

    metrics.md, operational measures, ``cross_sell_opportunity``: the customer has a sale
    (Amount > 0) in some division A in the period; B is one of the report's divisions (the
    union of the workbooks' Divisions lists) with no sale to the customer and no interaction
    with any of its Hub accounts in the period. Ranked by the customer's revenue in A.

    Readings chosen: with several divisions A, the customer's revenue in A is the sum over
    all of them (``revenue``; ``top_division`` is the largest A); a credit note in B is not
    a sale, so it does not close the opportunity.

    **Owner to call** (issue 9; the spec names no rule, this is the reading): the person who
    holds the customer relationship, the same for all of a customer's pairs.
    - The Hub Account Owner of one of the customer's linked accounts, when that owner is not an
      orphan (metrics.md "Account ownership": blank, not on the roster, or Leave Date < T do
      not count; Leave Date = T still counts). Among the linked accounts the one chosen is:
      one with such an owner first, then one in the customer's top division A, then one with a
      Main Phone Number, then the smallest Account ID.
    - Else the ERP owner: the Salesperson of the customer's largest sale (Amount > 0) in
      (T − 365, T]; ties: the later Date, then the larger Document ID (numerically when both
      are numbers) — metrics.md "Account ownership" as metrics.ownership reads it (a blank
      Salesperson names nobody; a name on the roster is written the roster's way; the roster
      is not otherwise consulted: the ERP says who sold).
    - Else nobody (None).
    ``main_phone`` is the Main Phone Number of the chosen account (the first by the order
    above, also when the owner comes from the ERP); None without a linked account.

    Columns: ``rank`` (dense: a customer's pairs share it), ``erp_customer_id``,
    ``customer_name``, ``account_ids``, ``division`` (B), ``sale_divisions`` (the A's),
    ``top_division``, ``revenue``, ``owner``, ``owner_source`` ("Hub account owner", "ERP
    salesperson" or None), ``owner_account_id`` (the chosen account), ``account_division``
    (its division: whose contacts the phone is, for masking) and ``main_phone``. Sorted by
    rank, then B.
    """
    sql = f"""
    WITH {_SALES}, {_TALKS}, {_SOLD}, {_LINKED}, {_OWNER},
    divisions AS (
      SELECT DISTINCT value AS division FROM lists
      WHERE source_file = '*' AND list = 'divisions' AND value IS NOT NULL),
    touched AS (
      SELECT erp_customer_id, division FROM per_division
      UNION SELECT erp_customer_id, division FROM talks)
    SELECT dense_rank() OVER (ORDER BY d.division_revenue DESC, d.erp_customer_id) AS rank,
           d.erp_customer_id, {_NAME} AS customer_name,
           coalesce(l.account_ids, {_NO_TEXT}) AS account_ids,
           v.division, d.sale_divisions, d.top_division, d.division_revenue AS revenue,
           o.owner, o.owner_source, o.owner_account_id, o.account_division, o.main_phone
    FROM by_division d
    CROSS JOIN divisions v
    LEFT JOIN touched t ON t.erp_customer_id = d.erp_customer_id AND t.division = v.division
    LEFT JOIN linked l ON l.erp_customer_id = d.erp_customer_id
    LEFT JOIN erp_customers c ON c.erp_customer_id = d.erp_customer_id
    LEFT JOIN caller o ON o.erp_customer_id = d.erp_customer_id
    WHERE t.erp_customer_id IS NULL
    ORDER BY rank, v.division"""
    return fetch_frame(cur, sql, {**_period(as_of, YEAR_DAYS), "hub_owner": HUB_OWNER,
                                  "erp_salesperson": ERP_SALESPERSON})


def silent_revenue(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   division: str | None = None) -> pd.DataFrame:
    """Hub accounts whose ERP customer bought in (T − 90, T] while nobody logged an
    interaction with the account then.

    metrics.md, operational measures, ``silent_revenue``: accounts with an ERP sale
    (Amount > 0) dated in (T − 90, T] and no interaction dated in (T − 90, T]; ``division``
    keeps the accounts of that division (None: all).

    Readings chosen: the sales are those of the account's ERP customer, whatever their
    division; the interactions are the account's own (a customer with two Hub accounts can
    have one silent and one not, and each silent one shows the customer's full revenue).
    Columns: ``account_id``, ``company_name``, ``division``, ``account_owner``,
    ``erp_customer_id``, ``customer_name``, ``revenue`` (sales in the period), ``sales``
    (documents), ``last_sale``, ``sale_divisions``, ``last_interaction`` (latest ever dated
    ≤ T, None if never) and ``days_since_interaction`` (T − its day). Sorted by revenue
    (largest first), then account ID.
    """
    sql = f"""
    WITH {_SALES}, {_SOLD},
    divs AS (
      SELECT erp_customer_id, list(DISTINCT division ORDER BY division) AS sale_divisions
      FROM sales WHERE division IS NOT NULL GROUP BY 1),
    talk AS (
      SELECT account_id, max(date) AS last_interaction,
             count(*) FILTER (WHERE date >= $lo) AS recent
      FROM interactions WHERE account_id IS NOT NULL AND date < $hi GROUP BY 1)
    SELECT a.account_id, a.company_name, a.division, a.account_owner, a.erp_customer_id,
           c.customer_name, s.revenue, s.sales, s.last_sale,
           coalesce(v.sale_divisions, {_NO_TEXT}) AS sale_divisions,
           t.last_interaction,
           $as_of - CAST(t.last_interaction AS DATE) AS days_since_interaction
    FROM accounts a
    JOIN sold s ON s.erp_customer_id = a.erp_customer_id
    LEFT JOIN divs v ON v.erp_customer_id = a.erp_customer_id
    LEFT JOIN talk t ON t.account_id = a.account_id
    LEFT JOIN erp_customers c ON c.erp_customer_id = a.erp_customer_id
    WHERE coalesce(t.recent, 0) = 0
      AND ($division::VARCHAR IS NULL OR a.division = $division::VARCHAR)
    ORDER BY s.revenue DESC, a.account_id"""
    return fetch_frame(cur, sql, {**_period(as_of, SILENT_DAYS), "division": division})


def collaboration_all(cur: duckdb.DuckDBPyConnection, *, window: Window,
                      as_of: dt.date) -> MetricOutput:
    """``collaboration`` over every division at once: of the interactions dated in the window
    (cut at T) on accounts with a Division, logged by a roster member, the share logged by a
    member whose Staff Division differs from the account's.

    metrics.md, operational measures, ``collaboration`` with the readings of
    :func:`metrics.activity.collaboration` (names not on the roster and rows without a known
    account are left out; a member with a blank Division counts in the denominator only), so
    numerator and denominator are the sums of the per-division measure over every account
    Division. No target (``info``; ``no_data`` on a zero denominator). Rows: one per
    interaction (as :func:`metrics.activity.collaboration`), oldest first.
    """
    rows = fetch_frame(cur, COLLABORATION_ROWS + " ORDER BY i.date, i.row_id", {
        "lo": window.lo, "hi": window.hi_until(as_of), "division": None})
    result = ratio_result(COLLABORATION, int(rows["in_numerator"].sum()), len(rows),
                          target=None, direction=HIGHER)
    return MetricOutput(result, rows)


def who_helps_whom(cur: duckdb.DuckDBPyConnection, *, window: Window,
                   as_of: dt.date) -> pd.DataFrame:
    """Interactions dated in the window (cut at T) counted per (staff division, account
    division): who logs work on whose accounts (the rows of :func:`collaboration_all`).

    Columns: ``staff_division`` (the Staff Division of Logged By; None when blank),
    ``account_division``, ``interactions`` and ``in_numerator`` (the two divisions differ:
    collaboration). Only pairs with interactions; sorted by staff, then account division.
    """
    sql = f"""
    SELECT logged_by_division AS staff_division, account_division,
           count(*) AS interactions, bool_or(in_numerator) AS in_numerator
    FROM ({COLLABORATION_ROWS}) GROUP BY ALL
    ORDER BY staff_division NULLS LAST, account_division"""
    return fetch_frame(cur, sql, {"lo": window.lo, "hi": window.hi_until(as_of),
                                  "division": None})
