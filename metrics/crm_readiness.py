"""CRM readiness (issue 8): the three CRM-review triggers of metrics.md with their history
and projection, the CRM requirements log ranked by evidence, and the CRM Requirements
Document (XLSX, Markdown, HTML) that goes to vendors.

Pure: a cursor from :func:`metrics.inputs.workspace` in (the store tables as
``store_<table>`` views), frames, figures and bytes out. No streamlit, no file I/O, no
today(): T = ``as_of`` is always passed in.

Readings chosen where the spec is silent:

- Trigger values, thresholds, ``fired`` and ``review_due`` are :func:`metrics.triggers.
  crm_triggers`' (one source of numbers). The projections use :func:`metrics.triggers.
  projection` (least squares, at least 3 points, null when not rising or already over):
  file size over the largest Hub workbook's load history (the report's
  ``projected_100mb_date``); open time over the recorded measurements of the workbook whose
  measurement is the trigger's value (other workbooks' points are drawn, not fitted);
  steward hours per division over its weekly sums (points at each week's Monday), the date
  named being the earliest of the divisions (the trigger itself averages the last 4 weeks).
- The evidence of a requirement is its ``evidence_metric`` measured live as of T:
  a trigger id (``file_size_mb``, ``open_time_s``, ``steward_hours``) is the trigger's value
  against its threshold (for steward hours, the requirement's division's own 4-week mean when
  that division recorded hours, else the trigger's value, the largest); a pilot KPI
  (adoption, data quality, weekly review, confidence) is the pilot scorecard's headline
  result in the requirement's division (metrics.pilot.pilot_summary, as the report); any
  other registry KPI is its result over the 28 days ending on T (the report's ``kpis``), in
  the requirement's division, or in the KPI's own division when it belongs to one division
  only and the requirement names another or none. Below ``min_n`` measured rows a rate is
  "too few data" and evidences nothing (small numbers never shout).
- Ranking by evidence (:func:`rank_requirements`, also written on the page and in the
  document, :data:`RANK_RULE`): 1. evidence firing first (trigger fired or KPI off track),
  then measured but on track, then no live value; 2. within that, the farthest past its
  target first (relative gap: how far beyond the target or threshold, as a fraction of it);
  3. then the metric cited by more requirements; 4. then the oldest raised first; 5. id.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import duckdb
import pandas as pd
import plotly.graph_objects as go

from hub_data.settings import Settings
from metrics.calendar import window_ending
from metrics.charts import DIVISION_COLOURS, FONT, STATUS_COLOURS, TEMPLATE
from metrics.exports import stamp, to_xlsx
from metrics.formatting import day, kpi_target, kpi_value
from metrics.inputs import fetch_frame
from metrics.measurability import reason_for
from metrics.pilot import PILOT_KPIS, pilot_summary
from metrics.registry import BY_ID, METRICS
from metrics.triggers import (ALREADY_OVER, MIN_POINTS, NOT_RISING, OFF_CALENDAR, TOO_FEW,
                              Projection, crm_triggers, open_time_history, projection,
                              size_history, steward_hours_weekly)

HUB_WORKBOOK = "hub workbook"
DOCUMENT_TITLE = "CRM Requirements Document"
# A projected date further than this after T is named but not drawn (the axis would lose
# the points).
HORIZON_DAYS = 730
# Above this many times the largest value, a threshold is noted instead of stretching the
# chart's value axis (a 100 MB line over a 0.1 MB workbook would flatten every point).
FAR_THRESHOLD = 5.0
INK, GRID, GREY, LINE = "#111827", "#e5e7eb", "#9ca3af", "#1f5fbf"
RANK_RULE = ("Ranked by evidence: (1) the linked metric is firing first — a trigger over its "
             "threshold or a KPI off track — then measured and on track, then no live value "
             "(no data, too few data or not a dashboard metric); (2) within that, the "
             "farthest past its target or threshold first (as a share of the target); "
             "(3) then the metric cited by more requirements; (4) then the oldest raised.")


@dataclass(frozen=True)
class TriggerSpec:
    """How a trigger reads: its label, unit and what it measures."""

    id: str
    label: str
    unit: str       # "MB", "s", "h"
    measure: str    # what the value is, in words
    axis: str       # value-axis title of its history chart
    short: str      # in a sentence: "file size", "Excel open time"


TRIGGERS: dict[str, TriggerSpec] = {
    "file_size_mb": TriggerSpec("file_size_mb", "Hub file size", "MB",
                                "size of the largest Hub workbook", "Size (MB)", "file size"),
    "open_time_s": TriggerSpec("open_time_s", "Excel open time", "s",
                               "latest Excel open time a steward recorded",
                               "Seconds to open", "Excel open time"),
    "steward_hours": TriggerSpec("steward_hours", "Steward hours", "h",
                                 "mean weekly hours of the busiest division (last 4 weeks)",
                                 "Hours in the week", "steward hours"),
}


# ------------------------------------------------------------------------------ numbers
def _number(value: float) -> str:
    """A threshold as written in settings: ``100``, ``2``, ``2.5``."""
    return f"{value:g}"


def size_words(megabytes: float | None) -> str:
    """A size in MB as people say it: ``128 kB`` below 1 MB, ``8.4 MB``, ``82 MB``."""
    if megabytes is None or math.isnan(megabytes):
        return "–"
    if megabytes < 1:
        return f"{megabytes * 1024:,.0f} kB"
    return f"{megabytes:,.1f} MB" if megabytes < 10 else f"{megabytes:,.0f} MB"


def value_text(trigger_id: str, value: float | None) -> str:
    """A trigger value alone: ``82 MB``, ``5.3 s``, ``2.5 h a week``; a dash without one."""
    if value is None:
        return "–"
    if trigger_id == "file_size_mb":
        return size_words(value)
    if trigger_id == "open_time_s":
        return f"{value:.1f} s"
    return f"{value:.1f} h a week"


def threshold_text(trigger_id: str, threshold: float) -> str:
    """``100 MB``, ``10 s``, ``2 h a week``."""
    unit = TRIGGERS[trigger_id].unit
    return f"{_number(threshold)} {unit}" + (" a week" if trigger_id == "steward_hours" else "")


def busiest_division(trigger: Mapping[str, Any]) -> str | None:
    """The division whose 4-week mean is the steward-hours value (ties: by name)."""
    by_division = trigger.get("by_division") or {}
    if not by_division:
        return None
    return sorted(by_division.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def gauge_words(trigger_id: str, trigger: Mapping[str, Any], *, detail: bool = True) -> str:
    """The gauge's value in words: ``82 MB of 100 MB``, ``5.3 s of 10 s``, ``2.5 h of 2 h a
    week (Power, mean of its last 4 weeks)`` (without ``detail``: no bracket); without a
    value, what is missing."""
    value, threshold = trigger["value"], trigger["threshold"]
    if value is None:
        return {"file_size_mb": "no Hub workbook loaded",
                "open_time_s": "no open time recorded yet",
                "steward_hours": "no steward hours recorded yet"}[trigger_id]
    if trigger_id == "file_size_mb":
        return f"{size_words(value)} of {_number(threshold)} MB"
    if trigger_id == "open_time_s":
        return f"{value:.1f} s of {_number(threshold)} s"
    words = f"{value:.1f} h of {_number(threshold)} h a week"
    return f"{words} ({gauge_detail(trigger)})" if detail else words


def gauge_detail(trigger: Mapping[str, Any]) -> str:
    """Whose steward hours the gauge shows: ``Power, mean of its last 4 weeks``."""
    return f"{busiest_division(trigger)}, mean of its last 4 weeks"


def fired_words(trigger: Mapping[str, Any]) -> tuple[str, str]:
    """(icon and word, status colour key): ``✗ fired``, ``✓ below the threshold``,
    ``– no data``. Never colour alone."""
    if trigger["value"] is None:
        return "– no data", "no_data"
    if trigger["fired"]:
        return "✗ fired", "off_track"
    return "✓ below the threshold", "on_track"


# ---------------------------------------------------------------------------- histories
@dataclass(frozen=True)
class History:
    """One trigger's history: ``points`` (columns ``moment``, ``value``, ``series``,
    ``fitted``: whether the point is in a fitted line), the fitted series with their
    :class:`~metrics.triggers.Projection`, and the date named under the chart."""

    trigger: str
    threshold: float
    points: pd.DataFrame
    fits: dict[str, Projection] = field(default_factory=dict)

    @property
    def headline(self) -> tuple[str | None, Projection | None]:
        """(series, projection) of the earliest projected date; else the first fit."""
        dated = sorted(((p.date, s) for s, p in self.fits.items() if p.date is not None))
        if dated:
            series = dated[0][1]
            return series, self.fits[series]
        if self.fits:
            series = next(iter(self.fits))
            return series, self.fits[series]
        return None, None

    @property
    def projected(self) -> dt.date | None:
        return self.headline[1].date if self.headline[1] else None


def _points(frame: pd.DataFrame, moment_col: str, value_col: str, series: pd.Series | str,
            fitted: pd.Series | bool) -> pd.DataFrame:
    out = pd.DataFrame({"moment": pd.to_datetime(frame[moment_col]).astype("datetime64[us]"),
                        "value": frame[value_col].astype(float)})
    out["series"] = series if isinstance(series, str) else series.astype(str).to_numpy()
    out["fitted"] = fitted if isinstance(fitted, bool) else fitted.astype(bool).to_numpy()
    return out.reset_index(drop=True)


def _fit(points: pd.DataFrame, threshold: float) -> Projection:
    fitted = points[points["fitted"]]
    return projection(list(zip(fitted["moment"].dt.to_pydatetime(), fitted["value"])),
                      threshold)


def size_points(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                threshold: float) -> History:
    """File size: the largest Hub workbook's load history (size_history's ``largest`` rows),
    the points and method of the report's ``projected_100mb_date``."""
    history = size_history(cur, as_of=as_of)
    history = history[history["largest"]]
    points = _points(history, "modified_at", "size_mb", history["file"], True)
    fits = {str(history["file"].iloc[0]): _fit(points, threshold)} if len(history) else {}
    return History("file_size_mb", threshold, points, fits)


def open_time_points(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                     threshold: float) -> History:
    """Open times: every measurement ≤ T; the line is fitted over the workbook of the latest
    one (the trigger's value; ties at one moment: the larger, as crm_triggers)."""
    history = open_time_history(cur, as_of=as_of)
    if history.empty:
        return History("open_time_s", threshold, _points(history, "measured_at", "seconds",
                                                          "", False))
    workbook = str(history["workbook"].iloc[-1])
    points = _points(history, "measured_at", "seconds", history["workbook"].fillna(""),
                     history["workbook"].fillna("") == workbook)
    return History("open_time_s", threshold, points, {workbook: _fit(points, threshold)})


def steward_points(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   threshold: float) -> History:
    """Steward hours: each division's weekly sums (week_start ≤ T), one line per division."""
    weekly = steward_hours_weekly(cur, as_of=as_of)
    points = _points(weekly, "week_start", "hours", weekly["division"], True)
    fits = {str(division): _fit(points[points["series"] == division], threshold)
            for division in weekly["division"].drop_duplicates()}
    return History("steward_hours", threshold, points, fits)


def projection_words(history: History, as_of: dt.date | None = None) -> str:
    """The sentence under a history chart: the projected date and over what points, or why
    there is none ("not rising: no projection", how many points a projection needs). With
    ``as_of``, a date more than :data:`HORIZON_DAYS` after T also says how many years away."""
    name = TRIGGERS[history.trigger]
    target = threshold_text(history.trigger, history.threshold)
    if not history.fits:
        return f"Nothing recorded yet: no projection (a projection needs at least " \
               f"{MIN_POINTS} points)."
    if history.trigger == "steward_hours":
        return _steward_words(history, target)
    series, fit = history.headline
    assert fit is not None
    noun = "loads" if history.trigger == "file_size_mb" else "measurements"
    over = f"{fit.points} {noun} of {series}"
    if fit.date is not None:
        away = ""
        if as_of is not None and (fit.date - as_of).days > HORIZON_DAYS:
            away = f", about {(fit.date - as_of).days / 365.25:,.0f} years away at this pace"
        return (f"Projected to pass {target} on {day(fit.date)}{away} (least squares over "
                f"{over}).")
    return _reason_words(fit, name.label.lower(), over)


def _reason_words(fit: Projection, what: str, over: str) -> str:
    if fit.reason == TOO_FEW:
        return (f"Not enough points: no projection — a projection needs at least "
                f"{MIN_POINTS} points at different moments ({over}).")
    if fit.reason == ALREADY_OVER:
        return f"Already over the threshold: no projection needed ({over})."
    if fit.reason == OFF_CALENDAR:
        return f"Rising too slowly to name a date ({over})."
    assert fit.reason == NOT_RISING
    return f"Not rising: no projection ({what} flat or falling over {over})."


def _steward_words(history: History, target: str) -> str:
    series, fit = history.headline
    over = [s for s, p in history.fits.items() if p.reason == ALREADY_OVER]
    tail = f" Already over: {', '.join(over)}." if over else ""
    if fit is not None and fit.date is not None:
        return (f"{series} projected to pass {target} on {day(fit.date)} (least squares over "
                f"its {fit.points} recorded weeks).{tail}")
    flat = [s for s, p in history.fits.items() if p.reason in (NOT_RISING, OFF_CALENDAR)]
    few = [f"{s} ({p.points})" for s, p in history.fits.items() if p.reason == TOO_FEW]
    parts = ([f"not rising: {', '.join(flat)}"] if flat else []) + (
        [f"fewer than {MIN_POINTS} weeks recorded: {', '.join(few)}"] if few else [])
    lead = "No division is rising towards " + target + ": no projection"
    return lead + (f" ({'; '.join(parts)})." if parts else ".") + tail


# ------------------------------------------------------------------------------ figures
def fig_gauge(trigger_id: str, trigger: Mapping[str, Any]) -> go.Figure:
    """A plotly gauge: the value as the bar (red when fired, green below, none without a
    value), the threshold as a black line, the band past it shaded."""
    value, threshold = trigger["value"], trigger["threshold"]
    top = max(threshold * 1.5, (value or 0) * 1.1)
    colour = STATUS_COLOURS[fired_words(trigger)[1]]
    unit = TRIGGERS[trigger_id].unit
    fmt = ".2f" if value is not None and value < 1 else ".1f"
    fig = go.Figure(go.Indicator(
        mode="gauge+number" if value is not None else "gauge", value=value or 0,
        number={"suffix": f" {unit}", "valueformat": fmt, "font": {"color": colour}},
        gauge={"axis": {"range": [0, top], "tickfont": {"size": 13}},
               "bar": {"color": colour, "thickness": 0.55 if value is not None else 0},
               "bgcolor": "white", "borderwidth": 1, "bordercolor": GRID,
               "steps": [{"range": [threshold, top], "color": "#f9dedc"}],
               "threshold": {"line": {"color": INK, "width": 5}, "thickness": 0.9,
                             "value": threshold}},
        domain={"x": [0, 1], "y": [0, 1]}))
    if value is None:
        fig.add_annotation(text="no data", x=0.5, y=0.15, showarrow=False,
                           font={"size": 24, "color": STATUS_COLOURS["no_data"]})
    fig.update_layout(height=165, margin={"l": 30, "r": 35, "t": 15, "b": 0}, font=FONT,
                      paper_bgcolor="white")
    return fig


def fig_history(history: History, *, as_of: dt.date) -> go.Figure:
    """The trigger's recorded points, the least-squares line of each fitted series (drawn to
    the projected crossing when it lies within :data:`HORIZON_DAYS` of T, else to T), the
    threshold as a dashed line and the projected date annotated. A threshold far above every
    point is written at the top instead of flattening the points."""
    spec = TRIGGERS[history.trigger]
    points, threshold = history.points, history.threshold
    fig = go.Figure()
    end = dt.datetime.combine(as_of, dt.time())
    horizon = end + dt.timedelta(days=HORIZON_DAYS)
    tops = [float(points["value"].max())] if len(points) else [0.0]
    for series, part in points.groupby("series", sort=False):
        colour = DIVISION_COLOURS.get(str(series), LINE) if history.trigger == "steward_hours" \
            else (LINE if part["fitted"].all() else GREY)
        fitted = bool(part["fitted"].all())
        fig.add_scatter(x=part["moment"], y=part["value"], mode="markers", name=str(series)
                        if fitted else f"{series} (not in the line)",
                        marker={"size": 10, "color": colour if fitted else "white",
                                "line": {"color": colour, "width": 2}},
                        hovertemplate="%{x|%d %b %Y}: %{y:.2f}<extra>" + html.escape(
                            str(series)) + "</extra>")
        fit = history.fits.get(str(series))
        if fit is None or fit.line is None:
            continue
        start = part["moment"].min().to_pydatetime()
        stop = max(part["moment"].max().to_pydatetime(), end)
        crossing = fit.line.crossing(threshold) if fit.date is not None else None
        if crossing is not None and crossing <= horizon:
            stop = max(stop, crossing)
        ys = [fit.line.value_at(start), fit.line.value_at(stop)]
        tops.extend(ys)
        fig.add_scatter(x=[start, stop], y=ys, mode="lines", showlegend=False,
                        line={"color": colour, "width": 2, "dash": "dot"},
                        hoverinfo="skip", name=f"{series}: least-squares line")
    top = max(tops)
    far = top > 0 and threshold > FAR_THRESHOLD * top
    series, fit = history.headline
    dated = fit is not None and fit.date is not None
    if far:
        fig.add_annotation(text=f"threshold {threshold_text(history.trigger, threshold)}:"
                                f"<br>{threshold / top:,.0f}× higher, off the chart",
                           xref="paper", yref="paper", x=0, y=1.0, xanchor="left",
                           yanchor="bottom", showarrow=False, align="left",
                           font={"size": 13, "color": INK})
        fig.update_yaxes(range=[0, top * 1.25])
    else:
        fig.add_hline(y=threshold, line_dash="dash", line_color=INK, line_width=2,
                      annotation_text=f"threshold {threshold_text(history.trigger, threshold)}",
                      annotation_position="top left", annotation_font_size=13,
                      annotation_bgcolor="rgba(255,255,255,0.85)")
        fig.update_yaxes(range=[0, max(top, threshold) * 1.2])
    if dated and not far:
        crossing = fit.line.crossing(threshold)
        if crossing is not None and crossing <= horizon:
            fig.add_scatter(x=[crossing], y=[threshold], mode="markers", showlegend=False,
                            marker={"size": 14, "symbol": "x", "color": STATUS_COLOURS[
                                "off_track"]}, hoverinfo="skip")
            fig.add_annotation(x=crossing, y=threshold, text=day(fit.date), showarrow=True,
                               arrowhead=0, ax=0, ay=-26, xanchor="right", yanchor="bottom",
                               font={"size": 14, "color": STATUS_COLOURS["off_track"]})
        else:
            fig.add_annotation(text=f"passes {threshold_text(history.trigger, threshold)}:"
                                    f"<br>{day(fit.date)} →",
                               xref="paper", yref="paper", x=1, y=1.0, xanchor="right",
                               yanchor="bottom", showarrow=False, align="right",
                               font={"size": 13, "color": INK})
    fig.update_xaxes(title_text="Date recorded", title_font_size=14, gridcolor=GRID,
                     tickformat="%b<br>%Y", nticks=4, tickangle=0, tickfont_size=13)
    fig.update_yaxes(title_text=spec.axis, title_font_size=14, gridcolor=GRID, nticks=5,
                     tickfont_size=13)
    fig.update_layout(height=300, margin={"l": 0, "r": 10, "t": 48, "b": 10}, font=FONT,
                      template=TEMPLATE, showlegend=False)
    return fig


def series_colours(history: History) -> list[tuple[str, str]]:
    """(series, colour) of a steward-hours chart, for a legend drawn beside it (a plotly
    legend does not fit a third of a projector screen)."""
    if history.trigger != "steward_hours":
        return []
    return [(str(s), DIVISION_COLOURS.get(str(s), LINE))
            for s in history.points["series"].drop_duplicates()]


# ----------------------------------------------------------------------------- readiness
@dataclass(frozen=True)
class Readiness:
    """Everything the page's top half shows as of T: crm_triggers' object and a
    :class:`History` per trigger."""

    as_of: dt.date
    triggers: dict[str, Any]
    histories: dict[str, History]

    @property
    def firing(self) -> list[str]:
        return [t for t in TRIGGERS if self.triggers[t]["fired"]]

    @property
    def review_due(self) -> bool:
        return bool(self.triggers["review_due"])


def readiness(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
              settings: Settings | None) -> Readiness:
    """The triggers (metrics.triggers.crm_triggers) and their histories as of T."""
    triggers = crm_triggers(cur, as_of=as_of, settings=settings)
    limits = {t: triggers[t]["threshold"] for t in TRIGGERS}
    histories = {
        "file_size_mb": size_points(cur, as_of=as_of, threshold=limits["file_size_mb"]),
        "open_time_s": open_time_points(cur, as_of=as_of, threshold=limits["open_time_s"]),
        "steward_hours": steward_points(cur, as_of=as_of, threshold=limits["steward_hours"]),
    }
    return Readiness(as_of, triggers, histories)


def banner(view: Readiness) -> tuple[bool, str]:
    """(review due, the sentence): ``CRM review due: 2 of 3 triggers fire (…)`` when any two
    fire, else how many fire and the rule."""
    firing = [TRIGGERS[t].short for t in view.firing]
    named = f" ({', '.join(firing)})" if firing else ""
    count = len(firing)
    if view.review_due:
        return True, (f"CRM review due: {count} of {len(TRIGGERS)} triggers fire{named}. "
                      "Time to put the CRM requirements below in front of vendors.")
    verb = "fires" if count == 1 else "fire"
    word = "No trigger fires" if count == 0 else f"{count} of {len(TRIGGERS)} triggers {verb}"
    return False, f"{word}{named}: no CRM review due yet (due when any two fire)."


# ----------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class Evidence:
    """The live evidence of one requirement's metric as of T (see the module docstring).

    ``state``: ``firing`` (trigger over its threshold), ``off_track``, ``on_track``,
    ``below`` (trigger under its threshold), ``info`` (measured, no target), ``too_few``,
    ``no_data`` or ``unknown`` (not a registry KPI nor a trigger). ``tier`` 0 = firing or off
    track, 1 = measured, 2 = no live value. ``gap``: how far past the target or threshold as a
    fraction of it (+ worse, − better); None without a value and a target."""

    metric: str
    label: str
    kind: str            # "trigger", "kpi" or "unknown"
    division: str | None
    value: float | None
    target: float | None
    direction: str
    unit: str
    n: int | None
    state: str
    gap: float | None
    reason: str | None = None

    @property
    def tier(self) -> int:
        return 0 if self.state in ("firing", "off_track") else \
            1 if self.state in ("on_track", "below", "info") else 2

    def value_words(self) -> str:
        if self.kind == "trigger":
            return value_text(self.metric, self.value)
        return kpi_value(self.value, self.unit) if self.kind == "kpi" else "–"

    def target_words(self) -> str:
        if self.kind == "trigger":
            return f"threshold {threshold_text(self.metric, self.target or 0)}"
        return kpi_target(self.target, self.direction, self.unit) if self.kind == "kpi" \
            else "–"

    def state_words(self) -> str:
        return {"firing": "✗ trigger fired", "off_track": "✗ off track",
                "on_track": "✓ on track", "below": "✓ below the threshold",
                "info": "• no target", "too_few": f"– too few data (n = {self.n})",
                "no_data": f"– no data{': ' + self.reason if self.reason else ''}",
                "unknown": "– not a metric the dashboard measures"}[self.state]


def _gap(value: float | None, target: float | None, direction: str) -> float | None:
    if value is None or target is None:
        return None
    beyond = (target - value) if direction == "higher" else (value - target)
    return beyond / abs(target) if target else beyond


def metric_choices() -> list[str]:
    """The evidence metrics a requirement may cite: the three triggers, then every registry
    KPI in the registry's order."""
    return list(TRIGGERS) + [spec.id for spec in METRICS]


def metric_label(metric: str) -> str:
    """``Steward hours (trigger)``, ``Adoption``; the id itself when unknown."""
    if metric in TRIGGERS:
        return f"{TRIGGERS[metric].label} (trigger)"
    return BY_ID[metric].label if metric in BY_ID else metric


class _EvidenceFinder:
    """Evidence per (metric, division), each computed once; pilot summaries per division."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, as_of: dt.date,
                 settings: Settings | None, triggers: Mapping[str, Any]) -> None:
        self.cur, self.as_of, self.settings, self.triggers = cur, as_of, settings, triggers
        self.min_n = settings.min_n if settings is not None else 10
        self.pilots: dict[str, Any] = {}
        self.found: dict[tuple[str, str | None], Evidence] = {}

    def __call__(self, metric: str, division: str | None) -> Evidence:
        key = (metric, division)
        if key not in self.found:
            self.found[key] = self._find(metric, division)
        return self.found[key]

    def _find(self, metric: str, division: str | None) -> Evidence:
        if metric in TRIGGERS:
            return self._trigger(metric, division)
        spec = BY_ID.get(metric)
        if spec is None:
            return Evidence(metric, metric or "–", "unknown", division, None, None, "higher",
                            "", None, "unknown", None)
        if spec.divisions != ("*",) and division not in spec.divisions:
            division = spec.divisions[0] if len(spec.divisions) == 1 else None
        if division is None:
            return Evidence(metric, spec.label, "kpi", None, None, spec.target,
                            spec.direction, spec.unit, None, "no_data", None,
                            "no division to measure it in")
        reason = None
        if metric in PILOT_KPIS:
            if division not in self.pilots:
                self.pilots[division] = pilot_summary(self.cur, division=division,
                                                      as_of=self.as_of, settings=self.settings)
            summary = self.pilots[division]
            if summary is None:
                return Evidence(metric, spec.label, "kpi", division, None,
                                spec.target_in(division, self.settings), spec.direction,
                                spec.unit, None, "no_data", None,
                                f"no pilot in {division} yet")
            result = summary["results"][metric]
        else:
            window = window_ending(self.as_of)
            result = spec.run(self.cur, window=window, as_of=self.as_of, division=division,
                              settings=self.settings).result
            if result.value is None:
                reason = reason_for(self.cur, division, metric, self.as_of,
                                    settings=self.settings, window=window)
        state = result.status
        if (result.value is not None and spec.unit != "count" and result.n is not None
                and result.n < self.min_n):
            state = "too_few"
        gap = _gap(result.value, result.target, result.direction) if state != "too_few" \
            else None
        return Evidence(metric, spec.label, "kpi", division, result.value, result.target,
                        result.direction, spec.unit, result.n, state, gap, reason)

    def _trigger(self, metric: str, division: str | None) -> Evidence:
        trigger = self.triggers[metric]
        value, threshold, fired = trigger["value"], trigger["threshold"], trigger["fired"]
        measured_in = None
        if metric == "steward_hours":
            own = (trigger.get("by_division") or {}).get(division) if division else None
            if own is not None:
                value, fired, measured_in = own, own > threshold, division
            else:
                measured_in = busiest_division(trigger)
        state = "no_data" if value is None else "firing" if fired else "below"
        return Evidence(metric, TRIGGERS[metric].label, "trigger", measured_in, value,
                        threshold, "lower", TRIGGERS[metric].unit, None, state,
                        _gap(value, threshold, "lower"),
                        "nothing recorded yet" if value is None else None)


def rank_requirements(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (columns ``tier``, ``gap``, ``citations``, ``raised_on``, ``id``) sorted by
    :data:`RANK_RULE`: tier ascending; gap descending (unknown last); citations descending;
    raised_on ascending (unknown last); id. Adds ``rank`` 1…n in front."""
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype="int64"))[["rank", *frame.columns]]
    keyed = frame.assign(
        _gap_missing=frame["gap"].isna(), _gap=-frame["gap"].astype(float).fillna(0.0),
        _date_missing=frame["raised_on"].isna(),
        _date=[pd.Timestamp(d).value if isinstance(d, dt.date) else 0
               for d in frame["raised_on"]],
        _id=frame["id"].fillna("").astype(str))
    keyed = keyed.sort_values(["tier", "_gap_missing", "_gap", "citations", "_date_missing",
                               "_date", "_id"],
                              ascending=[True, True, True, False, True, True, True],
                              kind="stable")
    out = keyed.drop(columns=["_gap_missing", "_gap", "_date_missing", "_date", "_id"])
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


LOG_COLUMNS = ["rank", "id", "pain_point", "division", "raised_by", "raised_on", "status",
               "evidence_metric", "evidence", "measured_in", "live_value", "target",
               "evidence_state", "value", "target_value", "gap", "tier", "citations"]


def requirements_log(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                     settings: Settings | None,
                     triggers: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The store's requirements raised on or before T (undated ones too) with their live
    evidence, ranked by :func:`rank_requirements`. ``triggers``: crm_triggers' object when
    the caller has it. Columns :data:`LOG_COLUMNS` (``live_value``, ``target`` and
    ``evidence_state`` in words; ``value``, ``target_value``, ``gap`` as numbers)."""
    if triggers is None:
        triggers = crm_triggers(cur, as_of=as_of, settings=settings)
    rows = fetch_frame(cur, """
        SELECT id, raised_on, division, raised_by, pain_point,
               trim(coalesce(evidence_metric, '')) AS evidence_metric, status
        FROM store_requirements
        WHERE raised_on IS NULL OR raised_on <= $as_of""", {"as_of": as_of})
    if rows.empty:
        return pd.DataFrame({column: [] for column in LOG_COLUMNS})
    rows["raised_on"] = pd.to_datetime(rows["raised_on"]).dt.date
    rows = rows.astype({"id": object, "division": object})
    for column in ("id", "division", "raised_by", "pain_point", "status"):
        rows[column] = pd.Series([_text_or_none(v) for v in rows[column]], index=rows.index,
                                 dtype=object)
    find = _EvidenceFinder(cur, as_of, settings, triggers)
    found = [find(m, d) for m, d in zip(rows["evidence_metric"], rows["division"])]
    rows["citations"] = rows.groupby(rows["evidence_metric"].str.casefold())[
        "evidence_metric"].transform("size").astype(int)
    rows = rows.assign(
        evidence=[e.label if e.kind != "trigger" else f"{e.label} (trigger)" for e in found],
        measured_in=pd.Series([e.division for e in found], index=rows.index, dtype=object),
        live_value=[e.value_words() for e in found],
        target=[e.target_words() for e in found], evidence_state=[e.state_words() for e in found],
        value=[e.value for e in found], target_value=[e.target for e in found],
        gap=[e.gap for e in found], tier=[e.tier for e in found])
    return rank_requirements(rows)[LOG_COLUMNS]


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def next_requirement_id(ids: Sequence[object]) -> str:
    """``REQ-010`` after the highest ``REQ-<number>`` recorded; ``REQ-001`` for the first."""
    numbers = [int(m.group(1)) for i in ids if isinstance(i, str)
               for m in [re.fullmatch(r"\s*REQ-(\d+)\s*", i, re.IGNORECASE)] if m]
    return f"REQ-{max(numbers, default=0) + 1:03d}"


def hub_workbooks(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The Hub workbooks of this load (``file``, ``size_bytes``), by name: the open-time
    form's choices and the size recorded with a measurement."""
    return fetch_frame(cur, """
        SELECT file, size_bytes FROM files WHERE kind = $kind ORDER BY file""",
                       {"kind": HUB_WORKBOOK})


# ------------------------------------------------------------------------------ document

def trigger_table(view: Readiness) -> pd.DataFrame:
    """The Triggers sheet: one row per trigger and a last row for the review rule."""
    rows = []
    for trigger_id, spec in TRIGGERS.items():
        trigger, history = view.triggers[trigger_id], view.histories[trigger_id]
        rows.append({"Trigger": spec.label, "Measure": spec.measure,
                     "Now": gauge_words(trigger_id, trigger),
                     "Value": trigger["value"], "Threshold": trigger["threshold"],
                     "Unit": spec.unit, "Fired": "Yes" if trigger["fired"] else "No",
                     "Projected to pass": history.projected,
                     "Projection": projection_words(history, view.as_of)})
    due, words = banner(view)
    rows.append({"Trigger": "CRM review", "Measure": "due when any two triggers fire",
                 "Now": words, "Value": float(len(view.firing)), "Threshold": 2.0,
                 "Unit": "triggers", "Fired": "Yes" if due else "No",
                 "Projected to pass": None, "Projection": ""})
    return pd.DataFrame(rows)


def requirement_table(log: pd.DataFrame) -> pd.DataFrame:
    """The Requirements sheet and the page's table: the log in words, ranked."""
    return pd.DataFrame({
        "Rank": log["rank"], "Pain point": log["pain_point"],
        "Evidence": log["evidence_state"], "Evidence metric": log["evidence"],
        "Live value": log["live_value"], "Target": log["target"],
        "Measured in": log["measured_in"], "Requirements citing it": log["citations"],
        "Division": log["division"], "Raised by": log["raised_by"],
        "Raised on": log["raised_on"], "Status": log["status"], "ID": log["id"]})


def evidence_table(log: pd.DataFrame) -> pd.DataFrame:
    """The Evidence sheet: one row per (metric, division measured in) cited, with its value,
    target, state and the requirements citing it (best-ranked first)."""
    if log.empty:
        return pd.DataFrame(columns=["Metric id", "Metric", "Measured in", "Value",
                                     "Value shown", "Target", "Evidence", "Requirements"])
    keys = log["measured_in"].fillna("")
    groups = log.assign(_key=keys).groupby(["evidence_metric", "_key"], sort=False)
    rows = [{"Metric id": metric, "Metric": part["evidence"].iloc[0],
             "Measured in": part["measured_in"].iloc[0], "Value": part["value"].iloc[0],
             "Value shown": part["live_value"].iloc[0], "Target": part["target"].iloc[0],
             "Evidence": part["evidence_state"].iloc[0],
             "Requirements": ", ".join(str(i) for i in part["id"] if i is not None)}
            for (metric, _), part in groups]
    return pd.DataFrame(rows)


def document_sheets(view: Readiness, log: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"Requirements": requirement_table(log), "Triggers": trigger_table(view),
            "Evidence": evidence_table(log)}


def document_xlsx(view: Readiness, log: pd.DataFrame, *, loaded_at: dt.datetime) -> bytes:
    """The CRM Requirements Document as a workbook (sheets Requirements, Triggers, Evidence),
    through metrics.exports.to_xlsx: every text cell formula-safe."""
    return to_xlsx(document_sheets(view, log), title=DOCUMENT_TITLE,
                   stamp=stamp(view.as_of, loaded_at))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&$])")
_MD_LEADING = ("=", "+", "-", "@", "#", "!")


def md_text(value: object) -> str:
    """Data text shown literally inside a Markdown line: one line (tabs and line breaks
    become spaces); the characters that make emphasis, code, links, tags, entities, maths or
    table cells (``\\ ` * _ { } [ ] < > | ~ & $``) backslash-escaped, and a first character a
    spreadsheet would run or Markdown would read as a list or heading (``= + - @ # !``) too:
    ``=HYPERLINK("x")`` becomes ``\\=HYPERLINK("x")``, so nothing is a formula or a link.
    Other punctuation stays as written, so the file reads well as plain text."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", re.sub(r"[\t\r\n\v\f]+", " ", text).strip())
    if text.startswith(_MD_LEADING):
        text = "\\" + text
    return text or "–"


def _date_text(value: object) -> str:
    return day(value) if isinstance(value, dt.date) else "–"


def document_markdown(view: Readiness, log: pd.DataFrame, *, loaded_at: dt.datetime) -> bytes:
    """The CRM Requirements Document in Markdown (UTF-8): title, stamp, the triggers summary
    and the requirements ranked with their live evidence; every text from the data escaped
    with :func:`md_text`."""
    due, words = banner(view)
    lines = [f"# {DOCUMENT_TITLE}", "", f"*{stamp(view.as_of, loaded_at)}*", "",
             "## Why a CRM review: the triggers", "",
             f"**{'✗' if due else '✓'} {md_text(words)}**", "",
             "| Trigger | Now | Threshold | Fired | Projection |", "|---|---|---|---|---|"]
    for trigger_id, spec in TRIGGERS.items():
        trigger = view.triggers[trigger_id]
        lines.append(f"| {spec.label} | {md_text(gauge_words(trigger_id, trigger))} | "
                     f"{threshold_text(trigger_id, trigger['threshold'])} | "
                     f"{fired_words(trigger)[0]} | "
                     f"{md_text(projection_words(view.histories[trigger_id], view.as_of))} |")
    lines += ["", f"## Requirements, ranked by evidence ({len(log)})", "", RANK_RULE, ""]
    if log.empty:
        lines.append("No requirement recorded yet.")
    for row in log.itertuples(index=False):
        measured = f" in {md_text(row.measured_in)}" if isinstance(row.measured_in, str) \
            else ""
        lines += [f"### {row.rank}. {md_text(row.pain_point)}", "",
                  f"- **ID:** {md_text(row.id)} · **Status:** {md_text(row.status)}",
                  f"- **Raised by:** {md_text(row.raised_by)} ({md_text(row.division)}) on "
                  f"{_date_text(row.raised_on)}",
                  f"- **Evidence:** {md_text(row.evidence)}{measured}: "
                  f"{md_text(row.live_value)} ({md_text(row.target)}) — "
                  f"{md_text(row.evidence_state)}",
                  f"- **Requirements citing this metric:** {row.citations}", ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


_DOC_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
max-width:1100px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:2rem;margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:2px solid #e5e7eb}
.stamp{color:#374151}
.banner{padding:.8rem 1rem;border-radius:6px;font-size:1.1rem;margin:1rem 0}
.banner.due{background:#fdecea;border-left:6px solid #b3261e}
.banner.calm{background:#e8f5ec;border-left:6px solid #1b7f3b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d1d5db;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}
.fired{color:#b3261e;font-weight:600} .below{color:#1b7f3b;font-weight:600}
.grey{color:#6b7280;font-weight:600}
"""


def _state_class(state: str) -> str:
    return "fired" if state.startswith("✗") else "below" if state.startswith("✓") else "grey"


def document_html(view: Readiness, log: pd.DataFrame, *, loaded_at: dt.datetime) -> bytes:
    """The CRM Requirements Document as one self-contained HTML page (UTF-8, inline CSS, no
    script, no external resource): the same content as :func:`document_markdown`; every text
    from the data escaped with ``html.escape``."""
    esc = html.escape
    due, words = banner(view)
    trigger_rows = "".join(
        f"<tr><td>{esc(spec.label)}</td><td>{esc(gauge_words(t, view.triggers[t]))}</td>"
        f"<td>{esc(threshold_text(t, view.triggers[t]['threshold']))}</td>"
        f"<td class='{_state_class(fired_words(view.triggers[t])[0])}'>"
        f"{esc(fired_words(view.triggers[t])[0])}</td>"
        f"<td>{esc(projection_words(view.histories[t], view.as_of))}</td></tr>"
        for t, spec in TRIGGERS.items())

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return _date_text(value) if isinstance(value, dt.date) else esc(str(value))

    requirement_rows = "".join(
        f"<tr><td>{row.rank}</td><td>{cell(row.pain_point)}</td><td>{cell(row.division)}</td>"
        f"<td>{cell(row.raised_by)}<br><small>{cell(row.raised_on)} · {cell(row.id)} · "
        f"{cell(row.status)}</small></td>"
        f"<td>{cell(row.evidence)}"
        f"{' in ' + cell(row.measured_in) if isinstance(row.measured_in, str) else ''}"
        f"</td><td>{cell(row.live_value)}<br><small>{cell(row.target)}</small></td>"
        f"<td class='{_state_class(str(row.evidence_state))}'>{cell(row.evidence_state)}</td>"
        f"<td>{row.citations}</td></tr>"
        for row in log.itertuples(index=False))
    requirements = (
        "<table><thead><tr><th>#</th><th>Pain point</th><th>Division</th><th>Raised by</th>"
        "<th>Evidence metric</th><th>Live value</th><th>Evidence</th><th>Citing</th></tr>"
        f"</thead><tbody>{requirement_rows}</tbody></table>" if len(log)
        else "<p>No requirement recorded yet.</p>")
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(DOCUMENT_TITLE)} · {esc(day(view.as_of))}</title>
<style>{_DOC_CSS}</style></head>
<body>
<h1>{esc(DOCUMENT_TITLE)}</h1>
<p class="stamp">{esc(stamp(view.as_of, loaded_at))}</p>
<h2>Why a CRM review: the triggers</h2>
<div class="banner {'due' if due else 'calm'}"><strong>{'✗' if due else '✓'}
{esc(words)}</strong></div>
<table><thead><tr><th>Trigger</th><th>Now</th><th>Threshold</th><th>Fired</th>
<th>Projection</th></tr></thead><tbody>{trigger_rows}</tbody></table>
<h2>Requirements, ranked by evidence ({len(log)})</h2>
<p>{esc(RANK_RULE)}</p>
{requirements}
</body></html>
"""
    return document.encode("utf-8")
