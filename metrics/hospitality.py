"""GRAS Restaurant and Cube 65 Clinic KPIs (metrics.md, "Division KPIs"): average spend per
visit year on year, repeat customer rate and online review score. Both divisions share these
functions; ``division`` picks which. The registry and the report call them.

The division of an ERP sale is its own Division, else its customer's (done by the loader).
A sale is a document that is not a credit note (Amount <= 0 never counts); an unreadable
Amount is still a sale (it counts in counts and YoY ``n``, never in a mean), as in
:mod:`metrics.medical`.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from hub_data.settings import Settings
from metrics.calendar import Window, end_of
from metrics.inputs import query_frame
from metrics.medical import IS_SALE, mean_amount_yoy
from metrics.result import MetricOutput, RowsAverage, ratio_result
from metrics.targets import target_for

REPEAT_COHORT_FIRST_DAYS = 364  # first sale on or after T − 364 …
REPEAT_COHORT_LAST_DAYS = 183   # … and on or before T − 183
REPEAT_WITHIN_DAYS = 183        # another sale within 183 days after the first
MEAN_RATING = RowsAverage("rating")  # online_review_score from its rows (also its trend)

DIVISION_SALES = """
    SELECT s.document_id, s.date, s.erp_customer_id, c.customer_name, s.division,
           s.salesperson, s.amount
    FROM erp_sales s LEFT JOIN erp_customers c ON c.erp_customer_id = s.erp_customer_id
    WHERE s.division = $division AND s.date IS NOT NULL"""


def avg_spend_per_customer_yoy(cur: duckdb.DuckDBPyConnection, *, window: Window,
                               as_of: dt.date, division: str,
                               settings: Settings | None = None) -> MetricOutput:
    """Mean Amount per visit of the division's sales in the window ÷ the same for the window
    last year − 1 (metrics.md: avg_spend_per_customer_yoy; target ≥ +0.15).

    Each ERP sale of the division is a visit (the seed's "average amount a customer spends
    per visit"); credit notes are not visits. Last year = [a − 364, b − 364]. numerator =
    this window's mean, denominator = last year's, n = this window's visits (an unreadable
    Amount counts in n, not in the mean). No visit with an Amount last year (or this year):
    value null, ``no_data``. Rows: both windows' sales with ``period``, ``in_numerator`` and
    ``in_denominator`` (see :func:`metrics.medical.mean_amount_yoy`).
    """
    target, direction = target_for(settings, division, "avg_spend_per_customer_yoy")
    return mean_amount_yoy(cur, "avg_spend_per_customer_yoy", DIVISION_SALES,
                           {"division": division}, window=window, as_of=as_of,
                           target=target, direction=direction)


def repeat_customer_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                         division: str, settings: Settings | None = None) -> MetricOutput:
    """Customers whose first sale in the division is dated in [T − 364, T − 183]: the share
    with another sale in the division within 183 days after that first sale (metrics.md:
    repeat_customer_rate; target ≥ 0.50).

    The window is not used (the cohort is fixed by T). "First sale" = the customer's earliest
    sale of the division dated ≤ T (credit notes are not sales; sales without an ERP Customer
    ID belong to no customer). Another sale = another document dated first ≤ d ≤ first + 183
    days, the same day included. A ratio: numerator = repeat customers, denominator = n =
    the cohort; an empty cohort: value null, 0 / 0, ``no_data``. Rows: one per cohort
    customer with its first sale, the next other sale (``repeat_document``, ``repeat_on``)
    and ``in_numerator`` (a repeat customer).
    """
    target, direction = target_for(settings, division, "repeat_customer_rate")
    values = {"division": division, "t_end": end_of(as_of),
              "first_lo": as_of - dt.timedelta(days=REPEAT_COHORT_FIRST_DAYS),
              "first_hi": as_of - dt.timedelta(days=REPEAT_COHORT_LAST_DAYS),
              "within": REPEAT_WITHIN_DAYS}
    rows = query_frame(cur, f"""
        WITH sales AS (
          SELECT s.row_id, s.document_id, s.date, s.erp_customer_id, s.amount
          FROM erp_sales s
          WHERE s.division = $division AND {IS_SALE} AND s.date < $t_end
            AND s.erp_customer_id IS NOT NULL),
        firsts AS (
          SELECT erp_customer_id, min(date) AS first_sale_on,
                 arg_min(document_id, (date, row_id)) AS first_document,
                 arg_min(row_id, (date, row_id)) AS first_row
          FROM sales GROUP BY erp_customer_id
          HAVING min(date) >= $first_lo AND min(date) <= $first_hi),
        repeats AS (
          SELECT f.erp_customer_id, arg_min(s.document_id, (s.date, s.row_id)) AS repeat_document,
                 min(s.date) AS repeat_on
          FROM firsts f JOIN sales s
            ON s.erp_customer_id = f.erp_customer_id AND s.row_id <> f.first_row
           AND s.date <= f.first_sale_on + CAST($within AS INTEGER)
          GROUP BY f.erp_customer_id)
        SELECT f.erp_customer_id, c.customer_name, f.first_sale_on, f.first_document,
               r.repeat_document, r.repeat_on, r.repeat_document IS NOT NULL AS in_numerator
        FROM firsts f LEFT JOIN repeats r ON r.erp_customer_id = f.erp_customer_id
        LEFT JOIN erp_customers c ON c.erp_customer_id = f.erp_customer_id
        ORDER BY f.first_sale_on, f.erp_customer_id""", values)
    result = ratio_result("repeat_customer_rate", int(rows["in_numerator"].sum()), len(rows),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


def online_review_score(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                        division: str, settings: Settings | None = None) -> MetricOutput:
    """Mean Rating of the division's reviews dated in the window (metrics.md:
    online_review_score; target ≥ 4.5).

    A mean: n = reviews, numerator and denominator null; the window is cut at the end of T.
    Reviews without a valid Rating (1–5) or without a list Division count nowhere (they are
    findings). No review: value null, n 0, ``no_data``. Rows: the window's reviews, all
    ``in_numerator``.
    """
    target, direction = target_for(settings, division, "online_review_score")
    values = {"division": division, "lo": window.lo, "hi": window.hi_until(as_of)}
    rows = query_frame(cur, """
        SELECT row_id, source_file, source_row, date, division, platform, rating,
               true AS in_numerator
        FROM reviews
        WHERE division = $division AND rating IS NOT NULL AND date >= $lo AND date < $hi
        ORDER BY date, row_id""", values)
    return MetricOutput(MEAN_RATING("online_review_score", rows, target=target,
                                    direction=direction), rows)
