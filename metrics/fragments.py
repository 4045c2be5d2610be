"""Pieces of SQL and bound values that several metric modules share (Motors and Power).

``window_params`` is the one dictionary of bound values a module's queries draw from
(``metrics.inputs.execute_named`` passes each query the ones it names); ``responses`` finds
each inquiry's or lead's first response ("the first other interaction for the same account");
``asked_since`` keeps a journey join's right side to what the window's rows can match.

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
    """SQL: the CTEs ``candidates`` and ``resp`` after the CTE ``asked`` (inquiries or leads,
    with ``row_id``, ``account_id`` and ``date``): ``resp`` has, for each asking row that has
    one (``asked_row``), its first response: the first interaction of a listed type other
    than $excluded_type for the same account dated at or after it and <= T (by anyone, in any
    division; the first row of several at that moment), with ``response_at``,
    ``response_id``, ``response_type`` and ``response_by``.

    A response is never before its inquiry or lead, which is in the window (>= $lo), and
    only the asking accounts can match: both bounds keep the candidates small. Each
    account's asking rows and candidates are put in one order (time; at one moment the asking
    rows first, then the candidates by row), and an asking row's response is the first
    candidate at or after it: the answer of an ASOF join on the first row of each moment, at
    about three quarters of its cost on a large hub. The response's own columns are read
    back from interactions within the candidates' dates (every candidate is there), so the
    join scans a year of rows, not all history (about a third less time at 1M)."""
    return f"""
  candidates AS (
    SELECT row_id, account_id, date
    FROM interactions
    WHERE interaction_type_listed AND interaction_type <> $excluded_type
      AND account_id IS NOT NULL AND date >= $lo AND date < $end_t
      AND account_id IN (SELECT account_id FROM {asked})),
  firsts AS (
    SELECT asked_row, first_value(candidate IGNORE NULLS) OVER (
             PARTITION BY account_id ORDER BY date, kind, candidate
             ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS candidate
    FROM (SELECT account_id, date, 0 AS kind, row_id AS asked_row, NULL::BIGINT AS candidate
          FROM {asked} WHERE account_id IS NOT NULL
          UNION ALL
          SELECT account_id, date, 1, NULL, row_id FROM candidates)
    QUALIFY kind = 0),
  resp AS (
    SELECT f.asked_row, x.date AS response_at, x.interaction_id AS response_id,
           x.interaction_type AS response_type, x.logged_by AS response_by
    FROM firsts f JOIN interactions x
      ON x.row_id = f.candidate AND x.date >= $lo AND x.date < $end_t)"""
