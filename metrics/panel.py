"""A division's KPI panel (ui.md, "A KPI tile"): per KPI of the registry, the result over the
28-day window ending on T, the rows behind it, the trend over 12 windows (the sparkline), the
change against the previous window and, for a tile without a value, why in words.

Pure: a cursor from :func:`metrics.inputs.workspace` in, :class:`PanelTile` objects out. The
division page and the executive overview both draw from :func:`panel`, so the same KPI shows
the same number on both.

Readings chosen where the spec leaves room:
- A quarter-grain KPI (new distributors) is compared with the whole previous quarter, not
  with the previous 28 days; its trend points are "quarter to date" at each window's end.
- The change is the value minus the previous window's value, in the unit's own terms:
  points for rates and year-on-year changes, hours, days, or plain numbers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Callable

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import TREND_WINDOWS, Window, quarter_of, window_ending
from metrics.measurability import FileState, file_states, reason_for
from metrics.registry import MetricSpec, current_and_trend, division_metrics
from metrics.result import KpiResult

# What the denominator (rates) or n (medians, means, counts) of each KPI counts, for the
# words under a tile ("61 of 77 inquiries").
NOUNS: dict[str, str] = {
    "qualified_inquiries": "inquiries logged",
    "inquiry_response_12h": "inquiries",
    "inquiry_to_quote_rate": "inquiries",
    "quote_to_purchase_rate": "quotes",
    "first_contact_resolution": "service requests and complaints",
    "lead_response_hours": "leads answered",
    "lead_to_site_visit_rate": "leads",
    "proposal_win_rate": "proposals closed",
    "avg_sales_cycle_days": "won proposals",
    "new_distributors": "distributors acquired",
    "distributor_order_frequency": "orders",
    "avg_order_volume_yoy": "distributor orders",
    "quality_flag_resolution_hours": "quality flags resolved",
    "avg_spend_per_customer_yoy": "visits",
    "repeat_customer_rate": "first-time customers",
    "online_review_score": "reviews",
}
# The same words for one ("1 inquiry logged", "n = 1 review").
ONE: dict[str, str] = {
    "inquiries logged": "inquiry logged", "inquiries": "inquiry", "quotes": "quote",
    "service requests and complaints": "service request or complaint",
    "leads answered": "lead answered", "leads": "lead", "proposals closed": "proposal closed",
    "won proposals": "won proposal", "distributors acquired": "distributor acquired",
    "orders": "order", "distributor orders": "distributor order",
    "quality flags resolved": "quality flag resolved", "visits": "visit",
    "first-time customers": "first-time customer", "reviews": "review", "rows": "row",
}


def _noun(kpi_id: str, count: float | None) -> str:
    plural = NOUNS.get(kpi_id, "rows")
    return ONE.get(plural, plural) if count == 1 else plural


def change_words(change: float | None, unit: str, against: str) -> str | None:
    """``+6 pts vs the previous 28 days``, ``−1.2 h vs …``, ``+3 vs last quarter``; None
    without a change. The sign follows the number as shown (a fall of 0.3 pts reads
    ``0 pts``, never ``−0 pts``)."""
    if change is None or pd.isna(change):
        return None
    scale, decimals, suffix = {"ratio": (100, 0, " pts"), "change": (100, 0, " pts"),
                               "hours": (1, 1, " h"), "days": (1, 0, " days"),
                               "count": (1, 0, "")}.get(unit, (1, 1, ""))
    shown = round(change * scale, decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
    sign = "+" if shown > 0 else "−" if shown < 0 else ""
    return f"{sign}{abs(shown):,.{decimals}f}{suffix} vs {against}"


@dataclasses.dataclass(frozen=True)
class PanelTile:
    """One KPI of a division's panel as of T."""

    spec: MetricSpec
    division: str
    window: Window
    result: KpiResult
    rows: pd.DataFrame | None  # None: a panel made without rows (see panel, with_rows)
    trend: pd.DataFrame
    previous_value: float | None
    reason: str | None

    @property
    def change(self) -> float | None:
        """Value minus the previous window's (quarter's) value; None when either is missing."""
        if self.result.value is None or self.previous_value is None:
            return None
        return self.result.value - self.previous_value

    @property
    def against(self) -> str:
        return "last quarter" if self.spec.grain == "quarter" else "the previous 28 days"

    def change_text(self) -> str | None:
        return change_words(self.change, self.spec.unit, self.against)

    @property
    def period(self) -> str:
        """The window in words: ``18 Jun – 15 Jul 2026``, or ``Q3 2026 to 15 Jul``."""
        if self.spec.grain == "quarter":
            quarter = quarter_of(self.window.end)
            return f"Q{(quarter.start.month - 1) // 3 + 1} {quarter.start.year} to " \
                   f"{self.window.end.day} {self.window.end:%b}"
        return self.window.label()

    def detail(self) -> str:
        """The words under the value: numerator of denominator (rates), orders by distributors
        (per distributor), else n and what it counts; then the period."""
        r, kpi = self.result, self.spec.id
        if self.spec.unit == "ratio" and r.denominator is not None:
            counted = f"{r.numerator or 0:,.0f} of {r.denominator:,.0f} {_noun(kpi, r.denominator)}"
        elif self.spec.unit == "per_distributor" and r.denominator is not None:
            counted = (f"{r.numerator or 0:,.0f} {_noun(kpi, r.numerator)} by "
                       f"{r.denominator:,.0f} distributor{'' if r.denominator == 1 else 's'}")
        elif self.spec.unit == "count":
            counted = f"{r.value or 0:,.0f} {_noun(kpi, r.value or 0)}"
        else:
            counted = f"n = {r.n or 0:,} {_noun(kpi, r.n)}"
        return f"{counted} · {self.period}"

    @property
    def spark(self) -> list[float | None]:
        """The trend's values, oldest first (None where a window has no value)."""
        return [None if pd.isna(v) else float(v) for v in self.trend["value"]]

    def drill_rows(self) -> pd.DataFrame:
        """The rows behind the number: those counted in the numerator (or measured) first."""
        if self.rows is None:
            raise ValueError(f"{self.spec.id}: this panel was made without rows (with_rows)")
        if "in_numerator" not in self.rows.columns or self.rows.empty:
            return self.rows
        return self.rows.sort_values("in_numerator", ascending=False, kind="stable")


def tile_for(cur: duckdb.DuckDBPyConnection, spec: MetricSpec, *, division: str,
             as_of: dt.date, settings: Settings | None = None,
             windows: int = TREND_WINDOWS,
             files: Callable[[], dict[str, FileState]] | None = None,
             rows: bool = True) -> PanelTile:
    """``spec`` for ``division`` over the 28 days ending on T, with its trend and change.
    ``files`` gives :func:`metrics.measurability.file_states` when a tile without data has to
    say why (a panel reads them once for all its tiles). ``rows=False``: the tile's rows are
    None (only the numbers are wanted: they are worked out from fewer columns)."""
    window = window_ending(as_of)
    output, history = current_and_trend(spec, cur, as_of=as_of, division=division,
                                        settings=settings, count=windows, rows=rows)
    if spec.grain == "quarter":
        quarter = quarter_of(quarter_of(window.end).start - dt.timedelta(days=1))
        # A trend window ending in the last quarter already measured it (by_rows maps each
        # window to its quarter); with a short trend there may be none.
        found = ([value for end, value in zip(history["window_end"], history["value"])
                  if quarter_of(end) == quarter]
                 if spec.by_rows is not None and spec.by_rows.period_of is not None else [])
        previous = found[-1] if found else spec.run(
            cur, window=window_ending(quarter.end), as_of=as_of, division=division,
            settings=settings).result.value
    else:
        values = history["value"].tolist()
        previous = values[-2] if len(values) >= 2 else None
    previous = None if previous is None or pd.isna(previous) else float(previous)
    reason = None
    if output.result.value is None:
        reason = reason_for(cur, division, spec.id, as_of, settings=settings, window=window,
                            files=files() if files else None) \
            or f"no {NOUNS.get(spec.id, 'rows')} in {window.label()}"
    return PanelTile(spec, division, window, output.result, output.rows if rows else None,
                     history, previous, reason)


def panel(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
          settings: Settings | None = None, windows: int = TREND_WINDOWS,
          rows: bool = True) -> list[PanelTile]:
    """Every division KPI of ``division`` (the registry's order); empty for a division the
    spec has no panel for. ``rows=False``: the numbers alone, every tile's rows None (the
    overview and the meeting show no rows; :func:`with_rows` adds them)."""
    files = functools.cache(lambda: file_states(cur))  # read once, if a tile asks
    return [tile_for(cur, spec, division=division, as_of=as_of, settings=settings,
                     windows=windows, files=files, rows=rows)
            for spec in division_metrics(division)]


def with_rows(cur: duckdb.DuckDBPyConnection, tiles: list[PanelTile], *, as_of: dt.date,
              settings: Settings | None = None) -> list[PanelTile]:
    """``tiles`` (a panel of T), each with the rows behind its number: one run of its KPI
    over its window, the rows :func:`panel` gives with ``rows=True``."""
    return [tile if tile.rows is not None else dataclasses.replace(
                tile, rows=tile.spec.run(cur, window=tile.window, as_of=as_of,
                                         division=tile.division, settings=settings).rows)
            for tile in tiles]
