"""Pieces of SQL and bound values that several metric modules share (Motors and Power).

``window_params`` is the one dictionary of bound values a module's queries draw from
(``metrics.inputs.execute_named`` passes each query the ones it names); ``responses`` is the
set a "first other interaction for the same account" ASOF join looks in.

An ASOF join picks one row among the right side's rows with the same key and time, which one
unspecified: every right side here keeps only the first row (smallest row id) of each key and
time, so the interaction, quote or sale a row names is the same on every run.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from metrics.calendar import Window, end_of


def window_params(window: Window, as_of: dt.date, division: str) -> dict[str, Any]:
    """Every bound value of a window query: division, lo/hi (the window cut at the end of T),
    end_t, as_of, start and last (the window's last day, at most T)."""
    return {"division": division, "lo": window.lo, "hi": window.hi_until(as_of),
            "end_t": end_of(as_of), "as_of": as_of, "start": window.start,
            "last": min(window.end, as_of)}


def first_at(key: str, time: str, row: str = "row_id") -> str:
    """SQL: the QUALIFY clause that keeps the first row (smallest ``row``) of each ``key`` and
    ``time``, for an ASOF join's right side (module docstring)."""
    return f"QUALIFY row_number() OVER (PARTITION BY {key}, {time} ORDER BY {row}) = 1"


def asked_since(asked: str, key: str, *, days: bool = False) -> str:
    """SQL: the conditions that keep an ASOF join's right side to the rows the rows of the CTE
    ``asked`` (inquiries or leads of the window, which has ``key``) can match: dated on or
    after the window's start (``days``: its day, for ERP dates compared with the asking row's
    day) and of one of the asking keys. The answer is the same (nothing before an asking row
    matches it, and whole key-and-time groups are dropped, so :func:`first_at` keeps the same
    row of each); the join sorts a year of one division's accounts instead of all history."""
    since = "CAST($lo AS DATE)" if days else "$lo"
    return f"AND date >= {since} AND {key} IN (SELECT {key} FROM {asked})"


def responses(asked: str) -> str:
    """The candidates for the first response to the inquiries or leads of the CTE ``asked``
    (which has ``account_id``): interactions of a listed type other than $excluded_type, on
    one of those accounts, dated <= T (by anyone, in any division).

    A response is never before its inquiry or lead, which is in the window (>= $lo), and
    only the asking accounts can match: both bounds keep the ASOF join's right side small
    (on a two-year, 1M-row hub a window's query drops from ~240 ms to ~30 ms), with the
    same answer. Of several at the same moment, the first row is the response (module docstring)."""
    return f"""
  SELECT account_id, date AS response_at, interaction_id AS response_id,
         interaction_type AS response_type, logged_by AS response_by
  FROM interactions
  WHERE interaction_type_listed AND interaction_type <> $excluded_type
    AND account_id IS NOT NULL AND date >= $lo AND date < $end_t
    AND account_id IN (SELECT account_id FROM {asked})
  {first_at('account_id', 'date')}"""
