"""Pieces of SQL and bound values that several metric modules share (Motors and Power).

``window_params`` is the one dictionary of bound values a module's queries draw from
(``metrics.inputs.execute_named`` passes each query the ones it names); ``RESPONSES`` is the
set a "first other interaction for the same account" ASOF join looks in.
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


# Interactions of a listed type other than $excluded_type, on an account, dated <= T: the
# candidates for the first response to an inquiry or a lead (by anyone, in any division).
RESPONSES = """
  SELECT account_id, date AS response_at, interaction_id AS response_id,
         interaction_type AS response_type, logged_by AS response_by
  FROM interactions
  WHERE interaction_type_listed AND interaction_type <> $excluded_type
    AND account_id IS NOT NULL AND date < $end_t"""
