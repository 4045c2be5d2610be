"""Motors division KPIs (metrics.md, "Division KPIs": qualified_inquiries,
inquiry_response_12h, inquiry_to_quote_rate, quote_to_purchase_rate,
first_contact_resolution) and the Motors funnel of the "Operational measures" table.

Called by the registry, the report and the division page with a cursor from
:func:`metrics.inputs.workspace`; each KPI returns a :class:`MetricOutput` whose rows are the
drill-down (one row per inquiry, quote or service row, flagged ``in_numerator``).

Readings shared by every function here (metrics.md "Precise readings" plus the choices the
spec leaves open):

- An interaction belongs to the division through ``interactions.division`` (its own Division,
  else its account's); an ERP document through ``erp_*.division`` (its own, else its
  customer's). Rows with a NULL date count nowhere; nothing dated after T counts.
- A row counts as an Inquiry / Quote / Service Request / Complaint, or as a response, only
  when its Interaction Type maps to a list value: an unmappable type ("Enquiry") counts for
  no type-specific KPI, not even as "another interaction (not an Inquiry)".
- "For the same account" compares ``interactions.account_id`` (the row's own Account ID,
  else its contact's); the follow-on Hub row may be of any division (the Hub account is
  already the division's). An ERP document is the account's when its customer is the
  account's ERP Customer ID; since one ERP customer can buy from several divisions, only
  ERP documents of the KPI's division count.
- Hub timestamp vs Hub timestamp: "within N after x" is x <= t <= x + N. Hub timestamp vs
  ERP date: calendar days, so an ERP document dated on the inquiry's day counts.
- A sale "carries" a quote or "is a sale" only when its Amount is not <= 0 (credit notes and
  cancellations are not purchases); a sale without a readable Amount still counts.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import Window
from metrics.result import MetricOutput, rows_count, rows_ratio
from metrics.fragments import asked_since, first_at, responses, window_params
from metrics.inputs import query_frame
from metrics.targets import target_for

DIVISION = "Motors"
QUOTE_DAYS = 30
SALE_DAYS = 90
RESPONSE_HOURS = 12
SERVICE_TYPES = ["Service Request", "Complaint"]



# Rows of listed types ($types) of the division dated in the window (and <= T), with the
# evidence a page shows; ``day`` is the calendar day compared with ERP dates.
_TYPED_IN_WINDOW = """
  SELECT i.row_id, i.interaction_id, i.date, CAST(i.date AS DATE) AS day,
         strftime(i.date, '%G-W%V') AS week, CAST(date_trunc('week', i.date) AS DATE) AS week_start,
         i.account_id, a.company_name, a.erp_customer_id, i.contact_id, i.logged_by,
         i.channel, i.interaction_type, i.resolved, i.source_file, i.source_row
  FROM interactions i LEFT JOIN accounts a ON a.account_id = i.account_id
  WHERE i.interaction_type_listed AND list_contains($types, i.interaction_type)
    AND i.division = $division AND i.date >= $lo AND i.date < $hi
"""


def qualified_inquiries(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                        division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Inquiry interactions of the division dated in the window (metrics.md, Motors
    ``qualified_inquiries``: "Inquiry interactions in the window (also per week)").

    A count: value = n = the number of inquiries (0 when none, status ``info`` without a
    target), numerator and denominator null. Every row is in the numerator; rows carry
    ``week`` (ISO label, ``2026-W10``) and ``week_start`` (its Monday) for the per-week view.
    """
    target, direction = target_for(settings, division, "qualified_inquiries")
    rows = query_frame(cur, f"{_TYPED_IN_WINDOW} ORDER BY i.date, i.row_id",
                  {**window_params(window, as_of, division), "types": ["Inquiry"]})
    rows = rows.drop(columns=["row_id", "day", "resolved"]).assign(in_numerator=True)
    return MetricOutput(rows_count("qualified_inquiries", rows, target=target,
                                   direction=direction), rows)


def inquiry_response_12h(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                         division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Share of the window's inquiries answered within 12 hours (metrics.md, Motors
    ``inquiry_response_12h``): an inquiry is answered when another interaction for the same
    account, of a listed type other than Inquiry, is dated t with inquiry <= t <= inquiry +
    12 h (exactly 12 h counts, 12 h 1 min does not) and t <= T.

    Ratio: numerator = answered inquiries, denominator = n = inquiries (none: no_data).
    The response may be logged by anyone, in any division. Rows: one per inquiry with its
    first response at or after it (even a late one, so a page can show how late) and
    ``hours_to_response``; ``in_numerator`` = answered within 12 h.
    """
    target, direction = target_for(settings, division, "inquiry_response_12h")
    rows = query_frame(cur, f"""
        WITH inq AS ({_TYPED_IN_WINDOW}),
        {responses("inq")}
        SELECT q.interaction_id, q.date, q.week, q.account_id, q.company_name, q.contact_id,
               q.logged_by, q.channel, q.source_file, q.source_row,
               r.response_id, r.response_at, r.response_type, r.response_by,
               (epoch(r.response_at) - epoch(q.date)) / 3600.0 AS hours_to_response,
               coalesce(r.response_at <= q.date + to_hours($hours), false) AS in_numerator
        FROM inq q LEFT JOIN resp r ON r.asked_row = q.row_id
        ORDER BY q.date, q.row_id""",
                  {**window_params(window, as_of, division), "types": ["Inquiry"],
                   "excluded_type": "Inquiry", "hours": RESPONSE_HOURS})
    return MetricOutput(rows_ratio("inquiry_response_12h", rows, target=target,
                                   direction=direction), rows)


def _inquiry_journeys(cur: duckdb.DuckDBPyConnection, window: Window, as_of: dt.date,
                      division: str) -> pd.DataFrame:
    """One row per inquiry of the window: its first Hub Quote and first ERP quote on or after
    it (<= T) and its first ERP sale on or after its day (<= T), each with a flag saying
    whether it falls within the 30 (quote) or 90 (sale) days."""
    return query_frame(cur, f"""
        WITH inq AS ({_TYPED_IN_WINDOW}),
        hub_quote AS (
          SELECT account_id, date AS hub_quote_at, interaction_id AS hub_quote_id
          FROM interactions
          WHERE interaction_type_listed AND interaction_type = 'Quote'
            AND account_id IS NOT NULL AND date < $end_t
            {asked_since('inq', 'account_id')}
          {first_at('account_id', 'date')}),
        erp_quote AS (
          SELECT erp_customer_id, date AS erp_quote_date, quote_id AS erp_quote_id
          FROM erp_quotes
          WHERE division = $division AND erp_customer_id IS NOT NULL AND date <= $as_of
            {asked_since('inq', 'erp_customer_id', days=True)}
          {first_at('erp_customer_id', 'date')}),
        erp_sale AS (
          SELECT erp_customer_id, date AS sale_date, document_id AS sale_id, amount AS sale_amount
          FROM erp_sales
          WHERE division = $division AND erp_customer_id IS NOT NULL AND date <= $as_of
            AND (amount IS NULL OR amount > 0)
            {asked_since('inq', 'erp_customer_id', days=True)}
          {first_at('erp_customer_id', 'date')}),
        j AS (
          SELECT q.*, h.hub_quote_at, h.hub_quote_id
          FROM inq q ASOF LEFT JOIN hub_quote h
               ON h.account_id = q.account_id AND h.hub_quote_at >= q.date),
        k AS (
          SELECT j.*, e.erp_quote_date, e.erp_quote_id
          FROM j ASOF LEFT JOIN erp_quote e
               ON e.erp_customer_id = j.erp_customer_id AND e.erp_quote_date >= j.day)
        SELECT k.interaction_id, k.date, k.week, k.account_id, k.company_name,
               k.erp_customer_id, k.contact_id, k.logged_by, k.channel,
               k.source_file, k.source_row,
               k.hub_quote_id, k.hub_quote_at, k.erp_quote_id, k.erp_quote_date,
               coalesce(k.hub_quote_at <= k.date + to_days($quote_days), false)
                 OR coalesce(k.erp_quote_date <= k.day + $quote_days, false) AS quoted,
               s.sale_id, s.sale_date, s.sale_amount,
               coalesce(s.sale_date <= k.day + $sale_days, false) AS sold
        FROM k ASOF LEFT JOIN erp_sale s
             ON s.erp_customer_id = k.erp_customer_id AND s.sale_date >= k.day
        ORDER BY k.date, k.row_id""",
                  {**window_params(window, as_of, division), "types": ["Inquiry"],
                   "quote_days": QUOTE_DAYS, "sale_days": SALE_DAYS})


def inquiry_to_quote_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                          division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Share of the window's inquiries quoted within 30 days (metrics.md, Motors
    ``inquiry_to_quote_rate``): the inquiry's account has a Hub interaction of type Quote
    dated t with inquiry <= t <= inquiry + 30 days, or an ERP quote of the division (its
    customer = the account's ERP Customer ID, any status) dated from the inquiry's calendar
    day to that day + 30 (a quote dated on the inquiry's day counts); either dated <= T.

    Ratio: numerator = quoted inquiries, denominator = n = inquiries (none: no_data).
    Rows: one per inquiry with its first Hub and ERP quote on or after it; ``in_numerator``
    = quoted within 30 days.
    """
    target, direction = target_for(settings, division, "inquiry_to_quote_rate")
    rows = _inquiry_journeys(cur, window, as_of, division)
    rows = rows.drop(columns=["sale_id", "sale_date", "sale_amount", "sold"])
    rows = rows.rename(columns={"quoted": "in_numerator"})
    return MetricOutput(rows_ratio("inquiry_to_quote_rate", rows, target=target,
                                   direction=direction), rows)


def quote_to_purchase_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                           division: str = DIVISION, settings: Settings | None = None) -> MetricOutput:
    """Share of the division's ERP quotes dated in the window that converted as of T
    (metrics.md, Motors ``quote_to_purchase_rate``): Status Won with Closed Date (blank:
    Date) <= T, or a sale dated <= T carries the Quote ID (a sale of any division; credit
    notes, Amount <= 0, do not convert a quote).

    Ratio: numerator = converted quotes, denominator = n = quotes (none: no_data). Rows: one
    per quote with ``won`` (Won and closed by T), the first converting sale and
    ``in_numerator`` = converted.
    """
    target, direction = target_for(settings, division, "quote_to_purchase_rate")
    rows = query_frame(cur, """
        WITH sold AS (
          SELECT quote_id, min(date) AS sale_date,
                 arg_min(document_id, (date, row_id)) AS sale_id
          FROM erp_sales
          WHERE quote_id IS NOT NULL AND date <= $as_of AND (amount IS NULL OR amount > 0)
          GROUP BY quote_id)
        SELECT q.quote_id, q.date, q.erp_customer_id, c.customer_name, q.salesperson, q.amount,
               q.status, q.closed_date, s.sale_id, s.sale_date,
               coalesce(q.status = 'Won' AND coalesce(q.closed_date, q.date) <= $as_of,
                        false) AS won,
               won OR s.sale_id IS NOT NULL AS in_numerator,
               q.source_file, q.source_row
        FROM erp_quotes q
        LEFT JOIN erp_customers c ON c.erp_customer_id = q.erp_customer_id
        LEFT JOIN sold s ON s.quote_id = q.quote_id
        WHERE q.division = $division AND q.date >= $start AND q.date <= $last
        ORDER BY q.date, q.row_id""", window_params(window, as_of, division))
    return MetricOutput(rows_ratio("quote_to_purchase_rate", rows, target=target,
                                   direction=direction), rows)


def first_contact_resolution(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                             division: str = DIVISION,
                             settings: Settings | None = None) -> MetricOutput:
    """Share of the window's Service Request and Complaint interactions resolved in that
    contact (metrics.md, Motors ``first_contact_resolution``): Resolved = Yes / all of them.

    A blank or unreadable Resolved is not Yes (the row stays in the denominator). Ratio:
    numerator = resolved rows, denominator = n = rows (none: no_data). Rows: one per service
    row; ``in_numerator`` = Resolved is Yes.
    """
    target, direction = target_for(settings, division, "first_contact_resolution")
    rows = query_frame(cur, f"""
        SELECT interaction_id, date, week, account_id, company_name, contact_id, logged_by,
               channel, interaction_type, resolved, coalesce(resolved, false) AS in_numerator,
               source_file, source_row
        FROM ({_TYPED_IN_WINDOW}) ORDER BY date, row_id""",
                  {**window_params(window, as_of, division), "types": SERVICE_TYPES})
    return MetricOutput(rows_ratio("first_contact_resolution", rows, target=target,
                                   direction=direction), rows)


def motors_funnel_rows(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                       division: str = DIVISION) -> pd.DataFrame:
    """The rows behind :func:`motors_funnel`: one per inquiry of the window with ``quoted``
    (as in :func:`inquiry_to_quote_rate`) and ``sold`` (an ERP sale of the division to the
    account's customer, Amount not <= 0, dated from the inquiry's day to that day + 90 and
    <= T), the first quote and sale found, and ``in_numerator`` = reached the last stage
    (quoted and sold)."""
    rows = _inquiry_journeys(cur, window, as_of, division)
    return rows.assign(in_numerator=rows["quoted"] & rows["sold"])


def motors_funnel(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                  division: str = DIVISION) -> pd.DataFrame:
    """The Motors funnel (metrics.md, "Operational measures", funnels): inquiries in the window
    → with a quote within 30 days → with a sale within 90 days of the inquiry.

    Returns a DataFrame (stage, count), three rows in funnel order. The stages are nested
    (a funnel only narrows): the sale stage counts inquiries that were quoted and also had a
    sale within 90 days. Per-inquiry flags: :func:`motors_funnel_rows`.
    """
    rows = motors_funnel_rows(cur, window=window, as_of=as_of, division=division)
    return pd.DataFrame({
        "stage": ["Inquiries", f"Quoted within {QUOTE_DAYS} days",
                  f"Sold within {SALE_DAYS} days"],
        "count": [len(rows), int(rows["quoted"].sum()), int(rows["in_numerator"].sum())],
    })
