"""Pure plotly builders: results or frames in, ``go.Figure`` out (architecture.md rule 10).

One message per chart, axis titles in words, the same colours for the same meaning on every
page: statuses (ui.md: on track green, off track red, no data grey, info blue) and severities.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from metrics.result import status_for

STATUS_COLOURS = {"on_track": "#1b7f3b", "off_track": "#b3261e", "no_data": "#6b7280",
                  "info": "#1f5fbf"}
SEVERITY_COLOURS = {"error": "#b3261e", "warning": "#b45309"}
DIVISION_COLOURS = {"Motors": "#1f5fbf", "Power": "#d97706", "Medical": "#0e7490",
                    "GRAS Restaurant": "#7c3aed", "Cube 65 Clinic": "#be185d"}
FONT = {"size": 16, "color": "#111827"}
_WHITE = pio.templates["plotly_white"]
# plotly_white as the dashboard's charts use it: its layout and the defaults of the trace types
# drawn here (bar, scatter, heatmap). Named, the whole template (24 trace types) is copied and
# checked for every figure, 9-10 ms a chart, and sent to the browser with each (7 kB).
TEMPLATE = go.layout.Template(layout=_WHITE.layout,
                              data={kind: _WHITE.data[kind]
                                    for kind in ("bar", "scatter", "heatmap")})


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": 22}}, height=height,
                      margin={"l": 10, "r": 30, "t": 90, "b": 50}, font=FONT,
                      template=TEMPLATE,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    return fig


def fig_findings_by_code(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: findings per code (most first), coloured by severity.

    ``frame`` has columns code, severity, findings (as metrics.data_status.findings_by_code).
    """
    totals = frame.groupby(["code", "severity"], as_index=False)["findings"].sum()
    totals = totals.sort_values("findings", ascending=True)
    fig = go.Figure()
    for severity, colour in SEVERITY_COLOURS.items():
        part = totals[totals["severity"] == severity]
        if part.empty:
            continue
        fig.add_bar(x=part["findings"], y=part["code"], orientation="h", name=severity.title(),
                    marker_color=colour, text=part["findings"], textposition="outside",
                    hovertemplate="%{y}: %{x:,} findings<extra></extra>")
    fig.update_xaxes(title_text="Findings (cells or rows to fix)", gridcolor="#e5e7eb")
    fig.update_yaxes(title_text=None, categoryorder="array", categoryarray=list(totals["code"]))
    return _layout(fig, "What needs fixing, by finding code", max(320, 36 * len(totals) + 120))


def _status_colours(values: pd.Series, target: float | None, direction: str) -> list[str]:
    """A bar colour per value: its status by metrics.result.status_for (the one rule)."""
    return [STATUS_COLOURS[status_for(None if pd.isna(v) else float(v), target, direction)]
            for v in values]


PILOT_SERIES = {
    # kpi id: (weeks column, chart title, y-axis title, is a rate)
    "adoption_rate": ("adoption_rate", "Adoption per pilot week", "Staff who logged", True),
    "data_quality_error_rate": ("data_quality_error_rate", "Entry errors per pilot week",
                                "New entries with an error", True),
    "process_compliance": ("review_held", "Weekly review held", "Review held", False),
}


def fig_pilot_metric(weeks: pd.DataFrame, kpi_id: str, target: float | None,
                     direction: str, division: str) -> go.Figure:
    """One pilot metric over the pilot weeks (metrics.pilot.pilot_weeks' frame): a bar per
    week coloured by status against the target, the target as a dashed line, the current
    partial week hatched. Process compliance shows held / not held."""
    column, title, axis, is_rate = PILOT_SERIES[kpi_id]
    fig = go.Figure()
    if is_rate:
        values = weeks[column].astype(float)
        colours = _status_colours(values, target, direction)
        fig.add_bar(x=weeks["week"], y=values * 100, marker_color=colours,
                    marker_pattern_shape=["" if c else "/" for c in weeks["complete"]],
                    text=[("–" if pd.isna(v) else f"{v * 100:.0f}%") for v in values],
                    textposition="outside", name=axis,
                    hovertemplate="Week %{x}: %{y:.0f}%<extra></extra>")
        if target is not None:
            fig.add_hline(y=target * 100, line_dash="dash", line_color="#111827",
                          annotation_text=f"target {'≥' if direction == 'higher' else '<'} "
                                          f"{target * 100:.0f}%",
                          annotation_position="top left")
        top = max([target * 100 if target else 0, *[v * 100 for v in values.dropna()], 10])
        fig.update_yaxes(title_text=f"{axis} (%)", range=[0, min(100, top) * 1.18 + 2],
                         gridcolor="#e5e7eb")
    else:
        held = weeks[column].astype(bool)
        fig.add_bar(x=weeks["week"], y=[1] * len(held),
                    marker_color=[STATUS_COLOURS["on_track"] if h else STATUS_COLOURS["off_track"]
                                  for h in held],
                    text=["held" if h else "not held" for h in held], textposition="inside",
                    hovertemplate="Week %{x}: %{text}<extra></extra>", name=axis)
        fig.update_yaxes(visible=False, range=[0, 1.1])
    fig.update_xaxes(title_text="Pilot week", tickmode="linear", dtick=1, range=[0.4, 12.6])
    return _layout(fig, f"{division}: {title}", 360)


def fig_confidence_periods(periods: pd.DataFrame, target: float | None,
                           division: str) -> go.Figure:
    """Stakeholder confidence per check-in period (metrics.pilot.checkin's frame): the share
    of answers scoring 4–5 on both questions, a grey gap for a period without answers."""
    values = periods["stakeholder_confidence"].astype(float) if len(periods) else pd.Series([])
    labels = [f"Weeks {2 * k - 1}–{2 * k}" for k in periods.get("period", [])]
    colours = _status_colours(values, target, "higher")
    fig = go.Figure()
    fig.add_bar(x=labels, y=values.fillna(0) * 100, marker_color=colours,
                text=["no answers" if pd.isna(v) else f"{v * 100:.0f}%" for v in values],
                textposition="outside", hovertemplate="%{x}: %{text}<extra></extra>")
    if target is not None:
        fig.add_hline(y=target * 100, line_dash="dash", line_color="#111827",
                      annotation_text=f"target ≥ {target * 100:.0f}%",
                      annotation_position="top left")
    fig.update_yaxes(title_text="Answers scoring 4–5 (%)", range=[0, 118], gridcolor="#e5e7eb")
    fig.update_xaxes(title_text="Check-in period")
    return _layout(fig, f"{division}: stakeholder confidence per check-in period", 360)
