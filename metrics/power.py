"""Power division KPIs (metrics.md, "Division KPIs": lead_response_hours,
lead_to_site_visit_rate, proposal_win_rate, avg_sales_cycle_days) and the Power funnel of
the "Operational measures" table.

Called by the registry, the report and the division page with a cursor from
:func:`metrics.inputs.workspace`; each KPI returns a :class:`MetricOutput` whose rows are the
drill-down (one row per lead or quote, flagged ``in_numerator``).

Readings shared by every function here (metrics.md "Precise readings" plus the choices the
spec leaves open; the same as metrics/motors.py):

- An interaction belongs to the division through ``interactions.division``; an ERP quote
  through ``erp_quotes.division`` (its own, else its customer's). Rows with a NULL date
  count nowhere; nothing dated after T counts.
- A row counts as a Lead or Site Visit, or as a response, only when its Interaction Type
  maps to a list value: an unmappable type counts for no type-specific KPI.
- "For the same account" compares ``interactions.account_id``; the follow-on Hub row may be
  of any division. An ERP quote is the account's when its customer is the account's ERP
  Customer ID, and only quotes of the KPI's division count.
- Hub timestamp vs Hub timestamp: "within N after x" is x <= t <= x + N. Hub timestamp vs
  ERP date (lead → ERP quote): calendar days. avg_sales_cycle_days compares timestamps
  (quote dates are 00:00).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import Window
from metrics.result import MEDIAN_HOURS, MetricOutput, RowsAverage, rows_ratio
from metrics.fragments import asked_since, first_at, responses, window_params
from metrics.inputs import query_frame
from metrics.targets import target_for

DIVISION = "Power"
SITE_VISIT_DAYS = 60
PROPOSAL_DAYS = 120
LEAD_LOOKBACK_DAYS = 365
# How lead_response_hours and avg_sales_cycle_days follow from their rows (the registry's
# trends use the same): MEDIAN_HOURS (metrics.result) and this.
MEAN_CYCLE = RowsAverage("cycle_days")



# The division's Lead interactions dated in the window (and <= T), with the evidence a page
# shows; ``day`` is the calendar day compared with ERP dates.
_LEADS = """
  SELECT i.row_id, i.interaction_id, i.date, CAST(i.date AS DATE) AS day,
         strftime(i.date, '%G-W%V') AS week, i.account_id, a.company_name, a.erp_customer_id,
         i.contact_id, i.logged_by, i.channel, i.source_file, i.source_row
  FROM interactions i LEFT JOIN accounts a ON a.account_id = i.account_id
  WHERE i.interaction_type_listed AND i.interaction_type = 'Lead'
    AND i.division = $division AND i.date >= $lo AND i.date < $hi
"""

# Power ERP quotes with their "closed on" day (Closed Date, blank: Date).
_QUOTES = """
  SELECT q.row_id, q.quote_id, q.date, q.erp_customer_id, c.customer_name, q.salesperson,
         q.amount, q.status, q.closed_date, coalesce(q.closed_date, q.date) AS closed_on,
         q.source_file, q.source_row
  FROM erp_quotes q LEFT JOIN erp_customers c ON c.erp_customer_id = q.erp_customer_id
  WHERE q.division = $division
"""


def lead_response_hours(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                        division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Median hours from each lead of the window to its first response (metrics.md, Power
    ``lead_response_hours``): the first other interaction for the same account, of a listed
    type other than Lead, by anyone, dated t with lead <= t and t <= T; a lead with no
    response by T counts (end of T − lead) hours, end of T = T + 1 day 00:00.

    Median over all leads of the window (an even count takes the mean of the two middle
    values); n = leads, numerator and denominator null; no leads: no_data. Rows: one per
    lead with the response found, ``responded`` and ``hours``; ``in_numerator`` is true for
    every lead (all are measured).
    """
    target, direction = target_for(settings, division, "lead_response_hours")
    rows = query_frame(cur, f"""
        WITH lead AS ({_LEADS}),
        {responses("lead")}
        SELECT l.interaction_id, l.date, l.week, l.account_id, l.company_name, l.contact_id,
               l.logged_by, l.channel, l.source_file, l.source_row,
               r.response_id, r.response_at, r.response_type, r.response_by,
               r.response_id IS NOT NULL AS responded,
               (epoch(coalesce(r.response_at, $end_t)) - epoch(l.date)) / 3600.0 AS hours,
               true AS in_numerator
        FROM lead l LEFT JOIN resp r ON r.asked_row = l.row_id
        ORDER BY l.date, l.row_id""",
                       {**window_params(window, as_of, division), "excluded_type": "Lead"})
    return MetricOutput(MEDIAN_HOURS("lead_response_hours", rows, target=target,
                                     direction=direction), rows)


def _lead_journeys(cur: duckdb.DuckDBPyConnection, window: Window, as_of: dt.date,
                   division: str) -> pd.DataFrame:
    """One row per lead of the window: its first Site Visit on or after it (<= T), its first
    ERP quote of the division on or after its day (<= T) and its first such quote that is Won
    as of T, each with a flag saying whether it falls within the 60 or 120 days."""
    return query_frame(cur, f"""
        WITH lead AS ({_LEADS}),
        visit AS (
          SELECT account_id, date AS site_visit_at, interaction_id AS site_visit_id
          FROM interactions
          WHERE interaction_type_listed AND interaction_type = 'Site Visit'
            AND account_id IS NOT NULL AND date < $end_t
            {asked_since('lead', 'account_id')}
          {first_at('account_id', 'date')}),
        proposal AS (
          SELECT erp_customer_id, date AS proposal_date, quote_id AS proposal_id,
                 status AS proposal_status
          FROM erp_quotes
          WHERE division = $division AND erp_customer_id IS NOT NULL AND date <= $as_of
            {asked_since('lead', 'erp_customer_id', days=True)}
          {first_at('erp_customer_id', 'date')}),
        won AS (
          SELECT erp_customer_id, date AS won_quote_date, quote_id AS won_quote_id,
                 coalesce(closed_date, date) AS won_on
          FROM erp_quotes
          WHERE division = $division AND erp_customer_id IS NOT NULL AND status = 'Won'
            AND date <= $as_of AND coalesce(closed_date, date) <= $as_of
            {asked_since('lead', 'erp_customer_id', days=True)}
          {first_at('erp_customer_id', 'date')}),
        j AS (
          SELECT l.*, v.site_visit_at, v.site_visit_id
          FROM lead l ASOF LEFT JOIN visit v
               ON v.account_id = l.account_id AND v.site_visit_at >= l.date),
        k AS (
          SELECT j.*, p.proposal_id, p.proposal_date, p.proposal_status
          FROM j ASOF LEFT JOIN proposal p
               ON p.erp_customer_id = j.erp_customer_id AND p.proposal_date >= j.day)
        SELECT k.interaction_id, k.date, k.week, k.account_id, k.company_name,
               k.erp_customer_id, k.contact_id, k.logged_by, k.channel,
               k.source_file, k.source_row,
               k.site_visit_id, k.site_visit_at,
               coalesce(k.site_visit_at <= k.date + to_days($visit_days), false) AS site_visit,
               k.proposal_id, k.proposal_date, k.proposal_status,
               coalesce(k.proposal_date <= k.day + $proposal_days, false) AS proposal,
               w.won_quote_id, w.won_quote_date, w.won_on,
               coalesce(w.won_quote_date <= k.day + $proposal_days, false) AS won
        FROM k ASOF LEFT JOIN won w
             ON w.erp_customer_id = k.erp_customer_id AND w.won_quote_date >= k.day
        ORDER BY k.date, k.row_id""",
                  {**window_params(window, as_of, division), "visit_days": SITE_VISIT_DAYS,
                   "proposal_days": PROPOSAL_DAYS})


def lead_to_site_visit_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                            division: str = DIVISION,
                            settings: Settings | None = None) -> MetricOutput:
    """Share of the window's leads followed by a site visit (metrics.md, Power
    ``lead_to_site_visit_rate``): a Site Visit interaction for the same account (any
    division, anyone) dated t with lead <= t <= lead + 60 days and t <= T.

    Ratio: numerator = leads with a site visit, denominator = n = leads (none: no_data); no
    default target (status ``info``). Rows: one per lead with its first site visit on or
    after it; ``in_numerator`` = visited within 60 days.
    """
    target, direction = target_for(settings, division, "lead_to_site_visit_rate")
    rows = _lead_journeys(cur, window, as_of, division)
    rows = rows[["interaction_id", "date", "week", "account_id", "company_name", "contact_id",
                 "logged_by", "channel", "source_file", "source_row", "site_visit_id",
                 "site_visit_at", "site_visit"]].rename(columns={"site_visit": "in_numerator"})
    return MetricOutput(rows_ratio("lead_to_site_visit_rate", rows, target=target,
                                   direction=direction), rows)


def proposal_win_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                      division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Won share of the division's decided ERP quotes (metrics.md, Power
    ``proposal_win_rate``): quotes with Status Won or Lost whose Closed Date (blank: Date)
    is in the window (and <= T): Won / (Won + Lost).

    Ratio: numerator = Won, denominator = n = Won + Lost (none: no_data). Open quotes and
    quotes without a readable Status are left out. Rows: one per decided quote;
    ``in_numerator`` = Won.
    """
    target, direction = target_for(settings, division, "proposal_win_rate")
    rows = query_frame(cur, f"""
        SELECT quote_id, date, erp_customer_id, customer_name, salesperson, amount, status,
               closed_date, closed_on, status = 'Won' AS in_numerator, source_file, source_row
        FROM ({_QUOTES})
        WHERE status IN ('Won', 'Lost') AND closed_on >= $start AND closed_on <= $last
        ORDER BY closed_on, row_id""", window_params(window, as_of, division))
    return MetricOutput(rows_ratio("proposal_win_rate", rows, target=target,
                                   direction=direction), rows)


def avg_sales_cycle_days(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                         division: str = DIVISION,
                         settings: Settings | None = None) -> MetricOutput:
    """Mean sales cycle of the division's won quotes (metrics.md, Power
    ``avg_sales_cycle_days``): quotes with Status Won and Closed Date (blank: Date) in the
    window (and <= T); cycle = fractional days from the start to Closed Date 00:00, where
    start = the earliest Lead interaction for an account linked to the quote's customer
    (any division) dated in [Closed Date − 365 days, Closed Date), else the quote's Date 00:00.

    Mean over those quotes; n = quotes, numerator and denominator null; none: no_data. A
    Closed Date before the quote's Date gives a negative cycle (left visible, not clamped).
    Rows: one per won quote with ``started_at``, ``start_from`` (``lead`` or ``quote``) and
    ``cycle_days``; ``in_numerator`` is true for every quote (all are measured).
    """
    target, direction = target_for(settings, division, "avg_sales_cycle_days")
    rows = query_frame(cur, f"""
        WITH won AS (
          SELECT *, CAST(closed_on AS TIMESTAMP) AS closed_at,
                 CAST(closed_on AS TIMESTAMP) - to_days($lookback) AS lookback_from
          FROM ({_QUOTES})
          WHERE status = 'Won' AND closed_on >= $start AND closed_on <= $last),
        lead AS (
          SELECT a.erp_customer_id, i.date AS lead_at, i.interaction_id AS lead_id,
                 i.account_id AS lead_account_id
          FROM interactions i JOIN accounts a ON a.account_id = i.account_id
          WHERE i.interaction_type_listed AND i.interaction_type = 'Lead'
            AND a.erp_customer_id IS NOT NULL AND i.date IS NOT NULL
          {first_at('a.erp_customer_id', 'i.date', 'i.row_id')})
        SELECT w.quote_id, w.date, w.erp_customer_id, w.customer_name, w.salesperson,
               w.amount, w.status, w.closed_date, w.closed_on,
               CASE WHEN l.lead_at < w.closed_at THEN l.lead_id END AS lead_id,
               CASE WHEN l.lead_at < w.closed_at THEN l.lead_account_id END AS lead_account_id,
               CASE WHEN l.lead_at < w.closed_at THEN l.lead_at
                    ELSE CAST(w.date AS TIMESTAMP) END AS started_at,
               CASE WHEN l.lead_at < w.closed_at THEN 'lead' ELSE 'quote' END AS start_from,
               (epoch(w.closed_at) - epoch(started_at)) / 86400.0 AS cycle_days,
               true AS in_numerator, w.source_file, w.source_row
        FROM won w ASOF LEFT JOIN lead l
             ON l.erp_customer_id = w.erp_customer_id AND l.lead_at >= w.lookback_from
        ORDER BY w.closed_on, w.row_id""",
                  {**window_params(window, as_of, division), "lookback": LEAD_LOOKBACK_DAYS})
    return MetricOutput(MEAN_CYCLE("avg_sales_cycle_days", rows, target=target,
                                   direction=direction), rows)


def power_funnel_rows(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                      division: str = DIVISION) -> pd.DataFrame:
    """The rows behind :func:`power_funnel`: one per lead of the window with ``site_visit``
    (as in :func:`lead_to_site_visit_rate`), ``proposal`` (an ERP quote of the division to
    the account's customer dated from the lead's day to that day + 120, <= T, any status)
    and ``won`` (such a quote with Status Won and Closed Date, blank: Date, <= T), the first
    of each found, and ``in_numerator`` = reached the last stage (all three)."""
    rows = _lead_journeys(cur, window, as_of, division)
    return rows.assign(in_numerator=rows["site_visit"] & rows["proposal"] & rows["won"])


def power_funnel(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                 division: str = DIVISION) -> pd.DataFrame:
    """The Power funnel (metrics.md, "Operational measures", funnels): leads in the window →
    site visit within 60 days → proposal (ERP quote) within 120 days → Won.

    Returns a DataFrame (stage, count), four rows in funnel order. The stages are nested (a
    funnel only narrows): each stage counts the leads that also passed every earlier one.
    Per-lead flags: :func:`power_funnel_rows`.
    """
    rows = power_funnel_rows(cur, window=window, as_of=as_of, division=division)
    visited = rows["site_visit"]
    proposed = visited & rows["proposal"]
    return pd.DataFrame({
        "stage": ["Leads", f"Site visit within {SITE_VISIT_DAYS} days",
                  f"Proposal within {PROPOSAL_DAYS} days", "Won"],
        "count": [len(rows), int(visited.sum()), int(proposed.sum()),
                  int(rows["in_numerator"].sum())],
    })
