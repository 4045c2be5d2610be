"""Every KPI of metrics.md declared once (architecture.md rule 4): pages and the report loop
over :data:`METRICS`, never hand-wire a number.

A :class:`MetricSpec` names the metric (the spec's id), says how to show it (label, unit,
grain, description for the tile's help) and points at its compute function, which has the
signature ``fn(cur, *, window, as_of, division, settings) -> MetricOutput``. Targets and
directions live in :mod:`metrics.targets` (settings.toml may override a target per division).
"""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, Literal

import duckdb
import numpy as np
import pandas as pd

from hub_data.contract import DIVISION_KPI_IDS
from hub_data.settings import Settings
from metrics import hospitality, medical, motors, pilot, power
from metrics.calendar import TREND_WINDOWS, Window, quarter_of, trend_windows
from metrics.inputs import only_columns
from metrics.result import (Direction, KpiResult, MetricOutput, RowsReducer, rows_count,
                            rows_ratio)
from metrics.targets import DEFAULTS, target_for

Unit = Literal["ratio", "change", "count", "hours", "days", "score", "per_distributor"]
Grain = Literal["week", "window", "quarter", "pilot"]
Compute = Callable[..., MetricOutput]
PILOT = "pilot"


@dataclass(frozen=True)
class ByRows:
    """How a KPI's result follows from its rows alone: ``reduce`` gives the result of any
    subset of them, and ``day`` names the column that puts a row in a window (its date, or
    the Closed Date a quote is judged by). Every row's verdict must depend on T only, never
    on the window: then the KPI over a span of windows, cut by ``day``, gives each window's
    rows, and a trend costs one query instead of one per window. With ``year_ago`` the rows
    also hold the same window last year, and each window gets both, tagged in ``period``
    (``current`` / ``year_ago``). ``period_of`` maps a window to the period the metric
    measures (a calendar quarter), when that is not the window itself. ``window_rows``: a
    run over one window returns exactly the span's rows of that window (so the current
    window's rows can be cut from the span's); false for a metric whose rows show more than
    its window (new distributors lists every distributor). ``reads``: the columns of the
    run's rows (as its query names them) that its result reads besides ``day``; a trend
    fetches only those (:func:`metrics.inputs.only_columns`)."""

    reduce: RowsReducer
    day: str = "date"
    reads: tuple[str, ...] = ()
    year_ago: bool = False
    period_of: Callable[[Window], Window] | None = None
    window_rows: bool = True


@dataclass(frozen=True)
class MetricSpec:
    """One declared metric: ``divisions`` is the divisions it belongs to (the pilot metrics:
    every division, ``("*",)``); ``grain`` is the window it is measured over; ``by_rows`` is
    set when its result follows from its rows alone (see :class:`ByRows`); ``uses_window``
    is false for a metric fixed by T alone (its trend is one value, computed once)."""

    id: str
    label: str
    divisions: tuple[str, ...]
    unit: Unit
    grain: Grain
    description: str
    compute: Compute
    by_rows: ByRows | None = None
    uses_window: bool = True

    @property
    def target(self) -> float | None:
        """The default target (settings.toml may override it; see :meth:`target_in`)."""
        return DEFAULTS[self.id][0]

    @property
    def direction(self) -> Direction:
        return DEFAULTS[self.id][1]

    def target_in(self, division: str, settings: Settings | None) -> float | None:
        """The target that applies in ``division``."""
        return target_for(settings, division, self.id)[0]

    def run(self, cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
            division: str, settings: Settings | None = None) -> MetricOutput:
        """Compute this metric for ``division`` over ``window`` as of T."""
        return self.compute(cur, window=window, as_of=as_of, division=division,
                            settings=settings)


def _quarter(window: Window) -> Window:
    """The calendar quarter a quarterly metric measures for ``window``: the one of its end."""
    return quarter_of(window.end)


_ALL = ("*",)
_MOTORS, _POWER, _MEDICAL = ("Motors",), ("Power",), ("Medical",)
_HOSPITALITY = ("GRAS Restaurant", "Cube 65 Clinic")

METRICS: tuple[MetricSpec, ...] = (
    # Pilot success (per pilot week; compliance and confidence over the pilot so far)
    MetricSpec("adoption_rate", "Adoption", _ALL, "ratio", "week",
               "Customer-facing staff who logged at least one interaction in the week, "
               "out of the customer-facing roster active that week.", pilot.adoption_rate),
    MetricSpec("data_quality_error_rate", "Data-quality error rate", _ALL, "ratio", "week",
               "New entries with at least one entry error (missing contact, bad date, "
               "duplicate, …) out of all new entries.", pilot.data_quality_error_rate),
    MetricSpec("process_compliance", "Weekly review held", _ALL, "ratio", "pilot",
               "Pilot weeks with a review meeting that used the Hub, out of the weeks "
               "judged so far.", pilot.process_compliance),
    MetricSpec("stakeholder_confidence", "Stakeholder confidence", _ALL, "ratio", "pilot",
               "Survey answers scoring 4 or 5 on both ease of use and value.",
               pilot.stakeholder_confidence),
    # Motors
    MetricSpec("qualified_inquiries", "Qualified inquiries", _MOTORS, "count", "window",
               "Inquiry interactions logged in the window.", motors.qualified_inquiries,
               ByRows(rows_count)),
    MetricSpec("inquiry_response_12h", "Inquiries answered within 12 h", _MOTORS, "ratio",
               "window", "Inquiries followed by another interaction with the account within "
               "12 hours.", motors.inquiry_response_12h,
               ByRows(rows_ratio, reads=("in_numerator",))),
    MetricSpec("inquiry_to_quote_rate", "Inquiry → quote", _MOTORS, "ratio", "window",
               "Inquiries whose account got a quote within 30 days.",
               motors.inquiry_to_quote_rate, ByRows(rows_ratio, reads=("quoted",))),
    MetricSpec("quote_to_purchase_rate", "Quote → purchase", _MOTORS, "ratio", "window",
               "ERP quotes dated in the window that were won or invoiced.",
               motors.quote_to_purchase_rate, ByRows(rows_ratio, reads=("in_numerator",))),
    MetricSpec("first_contact_resolution", "First-contact resolution", _MOTORS, "ratio",
               "window", "Service requests and complaints resolved in the same contact.",
               motors.first_contact_resolution, ByRows(rows_ratio, reads=("in_numerator",))),
    # Power
    MetricSpec("lead_response_hours", "Lead response time", _POWER, "hours", "window",
               "Median hours from a lead to the first other interaction with the account.",
               power.lead_response_hours, ByRows(power.MEDIAN_HOURS, reads=("hours",))),
    MetricSpec("lead_to_site_visit_rate", "Lead → site visit", _POWER, "ratio", "window",
               "Leads with a site visit within 60 days.", power.lead_to_site_visit_rate,
               ByRows(rows_ratio, reads=("site_visit",))),
    MetricSpec("proposal_win_rate", "Proposal win rate", _POWER, "ratio", "window",
               "Proposals closed in the window that were won.", power.proposal_win_rate,
               ByRows(rows_ratio, "closed_on", reads=("in_numerator",))),
    MetricSpec("avg_sales_cycle_days", "Average sales cycle", _POWER, "days", "window",
               "Mean days from the first lead to a won proposal.", power.avg_sales_cycle_days,
               ByRows(power.MEAN_CYCLE, "closed_on", reads=("cycle_days",))),
    # Medical
    MetricSpec("new_distributors", "New distributors this quarter", _MEDICAL, "count",
               "quarter", "Distributors signed (or first invoiced) in the calendar quarter.",
               medical.new_distributors, ByRows(rows_count, "acquired_at", period_of=_quarter,
                                        window_rows=False)),
    MetricSpec("distributor_order_frequency", "Orders per distributor", _MEDICAL,
               "per_distributor", "window", "ERP sales to distributors per ordering "
               "distributor.", medical.distributor_order_frequency,
               ByRows(medical.ORDERS_PER_DISTRIBUTOR, reads=("erp_customer_id",))),
    MetricSpec("avg_order_volume_yoy", "Average order vs last year", _MEDICAL, "change",
               "window", "Mean distributor order amount against the same window last year.",
               medical.avg_order_volume_yoy,
               ByRows(medical.MEAN_AMOUNT_YOY, year_ago=True, reads=("amount",))),
    MetricSpec("quality_flag_resolution_hours", "Quality flag resolution", _MEDICAL, "hours",
               "window", "Median hours from a quality flag to its resolution.",
               medical.quality_flag_resolution_hours,
               ByRows(medical.MEDIAN_HOURS, "flagged_at", reads=("hours",))),
    # GRAS Restaurant and Cube 65 Clinic
    MetricSpec("avg_spend_per_customer_yoy", "Spend per visit vs last year", _HOSPITALITY,
               "change", "window", "Mean amount per visit (ERP sale) against the same window "
               "last year.", hospitality.avg_spend_per_customer_yoy,
               ByRows(medical.MEAN_AMOUNT_YOY, year_ago=True, reads=("amount",))),
    MetricSpec("repeat_customer_rate", "Repeat customers", _HOSPITALITY, "ratio", "window",
               "First-time customers of 6–12 months ago who came back within 183 days.",
               hospitality.repeat_customer_rate, uses_window=False),
    MetricSpec("online_review_score", "Online review score", _HOSPITALITY, "score", "window",
               "Mean rating of online reviews in the window.", hospitality.online_review_score,
               ByRows(hospitality.MEAN_RATING, reads=("rating",))),
)
BY_ID: dict[str, MetricSpec] = {spec.id: spec for spec in METRICS}
PILOT_METRICS: tuple[MetricSpec, ...] = tuple(s for s in METRICS if s.divisions == _ALL)


def division_metrics(division: str) -> tuple[MetricSpec, ...]:
    """The division KPIs of ``division`` (metrics.md table), in the spec's order; none for a
    division the spec has no panel for."""
    ids = DIVISION_KPI_IDS.get(division, ())
    return tuple(BY_ID[kpi] for kpi in ids)


def trend(spec: MetricSpec, cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
          division: str, settings: Settings | None = None,
          count: int = TREND_WINDOWS, current: KpiResult | None = None) -> pd.DataFrame:
    """The metric over ``count`` back-to-back 28-day windows ending on T, oldest first
    (metrics.md, "previous window / trend"): window_start, window_end and the result's
    value, numerator, denominator, n and status per window. The last two rows are the
    previous window and the current one; ``current`` is the current window's result when
    the caller has computed it already (it is not computed again).

    A metric with ``by_rows`` runs once over all the windows and each window's result comes
    from its rows (the same numbers as one run per window, at a twelfth of the queries); that
    run fetches only the columns the results read (``ByRows.reads``)."""
    windows = trend_windows(as_of, count)
    if not spec.uses_window:
        results = [current or spec.run(cur, window=windows[-1], as_of=as_of, division=division,
                                       settings=settings).result] * len(windows)
    elif spec.by_rows is not None and len(windows) > 1:
        results = [output.result for output in _outputs_by_rows(
            spec, cur, windows=windows, as_of=as_of, division=division, settings=settings,
            lean=True)]
        results[-1] = current or results[-1]
    else:
        results = [current if current is not None and window == windows[-1]
                   else spec.run(cur, window=window, as_of=as_of, division=division,
                                 settings=settings).result
                   for window in windows]
    return _trend_frame(windows, results)


def current_and_trend(spec: MetricSpec, cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                      division: str, settings: Settings | None = None,
                      count: int = TREND_WINDOWS,
                      rows: bool = True) -> tuple[MetricOutput, pd.DataFrame]:
    """The metric over the current window (its result and rows, as ``spec.run`` gives them)
    and its :func:`trend`. A metric with ``by_rows`` gets both from its one run over the
    span: the current window's rows are the span's rows of that window.

    ``rows=False`` when only the result is wanted: that run then fetches only the columns
    the results read, like a trend's, and the rows returned hold only those (every other
    column null): not rows to show. Then a metric whose rows show more than its window
    (``window_rows`` false) takes its current result from that run too."""
    windows = trend_windows(as_of, count)
    if (spec.uses_window and spec.by_rows is not None and len(windows) > 1
            and (spec.by_rows.window_rows or not rows)):
        outputs = _outputs_by_rows(spec, cur, windows=windows, as_of=as_of, division=division,
                                   settings=settings, lean=not rows)
        return outputs[-1], _trend_frame(windows, [output.result for output in outputs])
    output = spec.run(cur, window=windows[-1], as_of=as_of, division=division,
                      settings=settings)
    return output, trend(spec, cur, as_of=as_of, division=division, settings=settings,
                         count=count, current=output.result)


def _trend_frame(windows: list[Window], results: list[KpiResult]) -> pd.DataFrame:
    return pd.DataFrame([{"window_start": window.start, "window_end": window.end,
                          "value": result.value, "numerator": result.numerator,
                          "denominator": result.denominator, "n": result.n,
                          "status": result.status}
                         for window, result in zip(windows, results)])


def _outputs_by_rows(spec: MetricSpec, cur: duckdb.DuckDBPyConnection, *,
                     windows: list[Window], as_of: dt.date, division: str,
                     settings: Settings | None, lean: bool = False) -> list[MetricOutput]:
    """Each window's result and rows from the rows of one run over the span of ``windows``
    (a window's rows keep the span's order, renumbered from 0); ``lean``: the run fetches
    only the day and the columns the results read (the rows hold nulls elsewhere)."""
    assert spec.by_rows is not None
    span = Window(windows[0].start, windows[-1].end)
    with only_columns((spec.by_rows.day, *spec.by_rows.reads)) if lean else nullcontext():
        rows = spec.run(cur, window=span, as_of=as_of, division=division,
                        settings=settings).rows
    target, direction = target_for(settings, division, spec.id)
    day = pd.to_datetime(rows[spec.by_rows.day]).to_numpy(dtype="datetime64[us]")
    period_of = spec.by_rows.period_of or (lambda window: window)

    def within(window: Window) -> np.ndarray:  # a null day is in no window (NaT compares false)
        return ((day >= np.datetime64(window.lo, "us"))
                & (day < np.datetime64(window.hi_until(as_of), "us")))

    outputs = []
    for window in map(period_of, windows):
        inside = within(window)
        if spec.by_rows.year_ago:
            last = within(window.year_ago())
            part = _rows_where(rows, inside | last).assign(
                period=np.where(inside[inside | last], "current", "year_ago"))
        else:
            part = _rows_where(rows, inside)
        outputs.append(MetricOutput(spec.by_rows.reduce(spec.id, part, target=target,
                                                        direction=direction), part))
    return outputs


def _rows_where(rows: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``rows[keep]`` renumbered from 0. The rows come in date order, so a window's rows are
    usually one run of positions: then they are cut as a slice, which copies no cell
    (a boolean mask takes every column cell by cell: a third of a KPI panel's pandas time
    on a large hub)."""
    found = np.flatnonzero(keep)
    if len(found) and found[-1] - found[0] + 1 == len(found):
        return rows.iloc[found[0]:found[-1] + 1].reset_index(drop=True)
    return rows[keep].reset_index(drop=True)
