"""Pure plotly builders: results or frames in, ``go.Figure`` out (architecture.md rule 10).

One message per chart, axis titles in words, the same colours for the same meaning on every
page: statuses (ui.md: on track green, off track red, no data grey, info blue) and severities.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

STATUS_COLOURS = {"on_track": "#1b7f3b", "off_track": "#b3261e", "no_data": "#6b7280",
                  "info": "#1f5fbf"}
SEVERITY_COLOURS = {"error": "#b3261e", "warning": "#b45309"}
DIVISION_COLOURS = {"Motors": "#1f5fbf", "Power": "#d97706", "Medical": "#0e7490",
                    "GRAS Restaurant": "#7c3aed", "Cube 65 Clinic": "#be185d"}
FONT = {"size": 16, "color": "#111827"}


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": 22}}, height=height,
                      margin={"l": 10, "r": 30, "t": 90, "b": 50}, font=FONT,
                      template="plotly_white",
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
