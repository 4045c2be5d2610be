"""Pure builders for the division page (pages/division.py): a KPI's trend over 12 windows,
the Motors and Power funnels, the funnel's rows per step and the panel as a table to take away.

Frames and results in, ``go.Figure`` or frames out; no streamlit, no I/O. The house style is
metrics/charts.py's (status colours, the fixed division palette, dashed target lines, axis
titles in words, one message per chart).

Readings chosen where the spec is silent:
- A trend window is "too few data" (grey, never red or green) by the tile's rule (ui.md,
  "Small numbers never shout"): it has a value, the KPI is not a plain count, and its n is
  below ``min_n``. A count (qualified inquiries, new distributors) is never too few: the
  count itself is the message.
- A window with nothing to measure gets no bar and a dash at the base line ("no data is
  not zero").
- The y-axis is scaled to the judged windows and the target: a too-few window far off that
  scale (1,158 h from one lead) is cut at the edge, hatched, its label marked ↑ (↓ below),
  its true value in the label and the hover, so it cannot flatten the windows that count.
- Bars without a target (info) carry no icon: there is no verdict to show.
- A funnel row's step is the number of stages it passed in order: a Power lead with a
  proposal but no site visit stopped at the site visit (the funnel only narrows, as
  metrics.motors.motors_funnel and metrics.power.power_funnel count it).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

from metrics.charts import DIVISION_COLOURS, STATUS_COLOURS, _layout
from metrics.formatting import kpi_target, kpi_value
from metrics.panel import NOUNS, PanelTile
from metrics.registry import MetricSpec
from metrics.result import Direction, status_for

# What the y-axis of a trend reads, per unit (the KPI's label comes first).
UNIT_AXES = {"ratio": "%", "change": "% change", "hours": "hours",
             "days": "days", "count": "count", "score": "mean rating",
             "per_distributor": "orders per distributor"}
STATUS_ICONS = {"on_track": "✓", "off_track": "✗", "no_data": "–", "info": "•"}
STATUS_TEXT = {"on_track": "on track", "off_track": "off track", "no_data": "no data",
               "info": "no target"}
TOO_FEW = "too_few"
TOO_FEW_COLOUR = STATUS_COLOURS["no_data"]
PANEL_COLUMNS = ("kpi_id", "KPI", "value", "value_shown", "target", "target_shown",
                 "direction", "status", "numerator", "denominator", "n", "window")


def _number(value: object) -> float | None:
    """A float, or None for None / NaN / NA."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def scaled(value: float | None, unit: str) -> float | None:
    """A value on the chart's axis: rates and year-on-year changes in percent."""
    if value is None:
        return None
    return value * 100 if unit in ("ratio", "change") else value


def bar_text(value: float | None, unit: str) -> str:
    """The short label on a trend bar: ``60%``, ``+17%``, ``3.9``, ``78``, ``4.6``; the
    axis title carries the unit."""
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.0f}%"
    if unit == "change":
        return f"{value * 100:+.0f}%".replace("-", "−")
    if unit in ("days", "count"):
        return f"{value:,.0f}"
    return f"{value:.1f}"


def too_few(value: float | None, n: object, unit: str, min_n: int) -> bool:
    """The tile's rule for one window: a measured value over fewer than ``min_n`` rows (a
    plain count never counts as too few)."""
    size = _number(n)
    return value is not None and unit != "count" and size is not None and size < min_n


def window_status(value: float | None, n: object, unit: str, target: float | None,
                  direction: Direction, min_n: int) -> str:
    """``too_few``, else metrics.result.status_for's status (on/off track, info, no_data)."""
    if too_few(value, n, unit, min_n):
        return TOO_FEW
    return status_for(value, target, direction)


def _short_day(day: dt.date, with_year: bool) -> str:
    return f"{day.day} {day:%b}" + (f" {day:%Y}" if with_year else "")


def window_labels(ends: Sequence[dt.date]) -> list[str]:
    """X labels: each window's last day (``15 Jul``), with the year on the first label and
    wherever the year changes."""
    labels, year = [], None
    for end in ends:
        end = pd.Timestamp(end).date()
        labels.append(_short_day(end, end.year != year))
        year = end.year
    return labels


def axis_title(spec: MetricSpec, width: int = 30) -> str:
    """The trend's y-axis title in words: what a count counts (``Inquiries logged``), else
    the label and the unit (``Lead response time (hours)``), on two lines when long."""
    if spec.unit == "count":
        return NOUNS.get(spec.id, spec.label).capitalize()
    title = f"{spec.label} ({UNIT_AXES[spec.unit]})"
    if len(title) <= width:
        return title
    cut = title.rfind(" ", 0, width)
    return title[:cut] + "<br>" + title[cut + 1:] if cut > 0 else title


def fig_kpi_trend(tile_or_trend: PanelTile | pd.DataFrame, spec: MetricSpec,
                  target: float | None, min_n: int, *, direction: Direction | None = None,
                  division: str | None = None) -> go.Figure:
    """One KPI over the 12 back-to-back 28-day windows ending on T (registry.trend's frame,
    or a PanelTile's): a bar per window coloured by its status against ``target`` (an icon
    in the label too, never colour alone), grey where the window has too few data (cut and
    hatched when off the judged windows' scale), a dash where there is nothing to measure,
    the target as a dashed line.

    ``direction`` defaults to the tile's (else the spec's); ``division`` names the chart."""
    if isinstance(tile_or_trend, PanelTile):
        trend = tile_or_trend.trend
        direction = direction or tile_or_trend.result.direction
        division = division or tile_or_trend.division
    else:
        trend = tile_or_trend
    direction = direction or spec.direction
    unit = spec.unit
    values = [_number(v) for v in trend["value"]]
    sizes = list(trend["n"]) if "n" in trend else [None] * len(values)
    statuses = [window_status(v, n, unit, target, direction, min_n)
                for v, n in zip(values, sizes)]
    colours = [TOO_FEW_COLOUR if s == TOO_FEW else STATUS_COLOURS[s] for s in statuses]
    texts = [bar_text(v, unit) if v is None or s in (TOO_FEW, "info") else
             f"{STATUS_ICONS[s]} {bar_text(v, unit)}" for v, s in zip(values, statuses)]
    hovers = []
    for row, value, status in zip(trend.itertuples(index=False), values, statuses):
        span = f"{_short_day(pd.Timestamp(row.window_start).date(), False)} – " \
               f"{_short_day(pd.Timestamp(row.window_end).date(), True)}"
        size = _number(getattr(row, "n", None))
        words = (f"too few data (n = {size:,.0f})" if status == TOO_FEW else STATUS_TEXT[status])
        counted = ""
        numerator, denominator = (_number(getattr(row, "numerator", None)),
                                  _number(getattr(row, "denominator", None)))
        if unit == "ratio" and denominator:
            counted = f" · {numerator or 0:,.0f} of {denominator:,.0f}"
        elif size is not None and unit != "count":
            counted = f" · n = {size:,.0f}"
        hovers.append(f"{span}: {kpi_value(value, unit)} ({words}){counted}")
    line = scaled(target, unit)
    ys = [scaled(v, unit) for v in values]
    judged = [y for y, s in zip(ys, statuses) if y is not None and s != TOO_FEW]
    scale = (judged or [y for y in ys if y is not None]) + ([line] if line is not None else [])
    top = max([0.0, *scale]) * 1.15 or (100.0 if unit == "ratio" else 1.0)
    low = min([0.0, *scale]) * 1.15
    off_scale = [y is not None and not low <= y <= top for y in ys]
    fig = go.Figure()
    fig.add_bar(x=window_labels(list(trend["window_end"])),
                y=[0 if y is None else min(max(y, low), top) for y in ys],
                marker_color=colours,
                marker_pattern_shape=["/" if cut else "" for cut in off_scale],
                text=[("↑ " if y > 0 else "↓ ") + text if cut else text
                      for y, text, cut in zip(ys, texts, off_scale)],
                textposition="outside", cliponaxis=False, hovertext=hovers,
                hovertemplate="%{hovertext}<extra></extra>", name=spec.label)
    if line is not None:
        fig.add_hline(y=line, line_dash="dash", line_color="#111827",
                      annotation_text=kpi_target(target, direction, unit),
                      annotation_position="top left")
    fig.update_yaxes(title_text=axis_title(spec), gridcolor="#e5e7eb",
                     range=[low * 1.1, top * 1.12], zeroline=True, zerolinecolor="#9ca3af")
    fig.update_xaxes(title_text="Quarter to date, at the end of each 28-day window"
                     if spec.grain == "quarter" else "28-day window ending",
                     type="category")
    name = f"{division}: " if division else ""
    return _layout(fig, f"{name}{spec.label}, 12 windows of 28 days", 380)


def funnel_conversions(funnel: pd.DataFrame) -> list[float | None]:
    """Step conversion of a funnel frame (stage, count): each stage's count over the
    previous stage's; None for the first stage and after an empty stage."""
    counts = [int(c) for c in funnel["count"]]
    return [None] + [(now / before if before else None)
                     for before, now in zip(counts, counts[1:])]


def fig_funnel(funnel: pd.DataFrame, *, division: str, noun: str) -> go.Figure:
    """A funnel (metrics.motors.motors_funnel / metrics.power.power_funnel: stage, count) as
    horizontal bars, first stage on top, each labelled with its count and the share of the
    step before it; the title says how many of the first stage reached the last."""
    stages, counts = list(funnel["stage"]), [int(c) for c in funnel["count"]]
    steps = funnel_conversions(funnel)
    texts = [f"{c:,}" if k == 0 else f"{c:,} · " + (f"{rate * 100:.0f}% of the step before"
                                                     if rate is not None else "–")
             for k, (c, rate) in enumerate(zip(counts, steps))]
    fig = go.Figure()
    fig.add_bar(x=counts, y=stages, orientation="h", text=texts, textposition="outside",
                cliponaxis=False, marker_color=DIVISION_COLOURS.get(division, "#1f5fbf"),
                hovertemplate="%{y}: %{x:,}<extra></extra>", name=division)
    fig.update_yaxes(title_text=None, categoryorder="array", categoryarray=stages[::-1],
                     automargin=True)
    fig.update_xaxes(title_text=f"{noun.capitalize()} (count)", gridcolor="#e5e7eb",
                     range=[0, max([*counts, 1]) * 1.6])
    first, last = (counts[0], counts[-1]) if counts else (0, 0)
    share = f" ({last / first * 100:.0f}%)" if first else ""
    return _layout(fig, f"{division}: {last:,} of {first:,} {noun}{share} reached "
                        f"“{stages[-1] if stages else '–'}”", 120 + 62 * max(len(stages), 1))


def funnel_reached(rows: pd.DataFrame, flags: Sequence[str]) -> pd.Series:
    """Per funnel row (motors_funnel_rows / power_funnel_rows), how many of the stages after
    the first it passed in order: 0 = stopped before ``flags[0]``, len(flags) = reached the
    last stage. Matches the funnel's nested counts."""
    reached = pd.Series(0, index=rows.index, dtype="int64")
    still = pd.Series(True, index=rows.index)
    for flag in flags:
        still = still & rows[flag].fillna(False).astype(bool)
        reached = reached + still.astype("int64")
    return reached


def funnel_step_rows(rows: pd.DataFrame, flags: Sequence[str], step: int | None) -> pd.DataFrame:
    """The funnel rows that stopped at ``step`` (see :func:`funnel_reached`); ``None``: all."""
    if step is None:
        return rows
    return rows[funnel_reached(rows, flags) == step]


def panel_frame(tiles: Sequence[PanelTile], min_n: int) -> pd.DataFrame:
    """The panel as a table to take away: per KPI its id and label, value and target (raw
    and as the tile shows them), direction, status in words (``too few data (n = 3)`` by
    the tile's rule), numerator, denominator, n and the window in words."""
    rows = []
    for tile in tiles:
        r, unit = tile.result, tile.spec.unit
        value = _number(r.value)
        status = window_status(value, r.n, unit, r.target, r.direction, min_n)
        rows.append({
            "kpi_id": tile.spec.id, "KPI": tile.spec.label, "value": value,
            "value_shown": kpi_value(value, unit),
            "target": _number(r.target),
            "target_shown": kpi_target(r.target, r.direction, unit),
            "direction": f"{r.direction} is better",
            "status": f"too few data (n = {r.n})" if status == TOO_FEW else STATUS_TEXT[status],
            "numerator": _number(r.numerator), "denominator": _number(r.denominator),
            "n": r.n, "window": tile.period,
            "counts": NOUNS.get(tile.spec.id, "rows")})
    return pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "counts"])
