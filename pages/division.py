"""Division page (issue 7): one division's KPI panel (metrics.panel) with targets from
settings and the rows behind every tile, a 12-window trend per KPI, the Motors or Power
funnel with the rows of each step, and downloads. The division comes from the sidebar or the
link (``?division=Power``, any case). Renders only; metrics compute.

The title names the division. ``setup`` draws the title before the picker exists, so the
title is the choice already in session state (or the link's); on a first load whose link
does not name a division exactly, the page reruns once with the picked one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from hub_data.contract import DIVISION_KPI_IDS
from hub_data.privacy import mask_frame
from metrics import motors, power
from metrics.calendar import window_ending
from metrics.division_charts import (fig_funnel, fig_kpi_trend, funnel_reached,
                                     funnel_step_rows, panel_frame)
from metrics.exports import file_name, to_csv, to_xlsx
from pages._common import (data_version, division_panel, division_picker, divisions_in_order,
                           export_stamp, md_escape, metrics_cursor, panel_tile, setup)

KEY = "division_page_division"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART = {"displayModeBar": False}
FIRST = ("date", "company_name", "logged_by", "interaction_id", "account_id")
EVERY = -1  # the funnel drill-down's "every row" choice
# division: (counts, rows, stage flags in order, what a row is, a label per step a row stops at)
FUNNELS = {
    "Motors": (motors.motors_funnel, motors.motors_funnel_rows, ("quoted", "sold"), "inquiries",
               (f"Not quoted within {motors.QUOTE_DAYS} days",
                f"Quoted, no sale within {motors.SALE_DAYS} days", "Quoted and sold")),
    "Power": (power.power_funnel, power.power_funnel_rows, ("site_visit", "proposal", "won"),
              "leads", (f"No site visit within {power.SITE_VISIT_DAYS} days",
                        f"Site visit, no proposal within {power.PROPOSAL_DAYS} days",
                        "Proposal, not won", "Won")),
}
ROWS_CONFIG = {"in_numerator": st.column_config.CheckboxColumn(
    "Counted", help="Counted in the numerator (for a median or mean: measured).")}


def _asked() -> str | None:
    """The division this run is for as far as is known before the picker: the widget's
    value, else the link's ``?division=``."""
    chosen = st.session_state.get(KEY) or (st.query_params.get("division") or "").strip()
    return str(chosen) if chosen else None


guess = _asked()
ctx = setup(guess or "Division")
cur = metrics_cursor(ctx)
divisions = divisions_in_order(ctx, cur)
if not divisions:
    st.info("The Hub lists no divisions yet (the Lists sheet's Divisions column).",
            icon=":material/info:")
    st.stop()
division = division_picker(divisions, key=KEY, where=st.sidebar,
                           help="Also in the link (?division=Power), so a link shares the view.")
if division != guess:
    st.rerun()  # once per session at most: the title must name the division shown
T, MIN_N, VERSION = ctx.as_of, ctx.settings.min_n, data_version(ctx)
stamp = export_stamp(ctx)


@st.cache_data(show_spinner=False, max_entries=16)
def division_funnel(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                    division: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The division's funnel (stage, count) over the 28 days ending on T, and its rows."""
    counts, rows = FUNNELS[division][:2]
    window = window_ending(as_of)
    return (counts(_cur, window=window, as_of=as_of, division=division),
            rows(_cur, window=window, as_of=as_of, division=division))


def downloads(sheets: dict[str, pd.DataFrame], what: str, key: str) -> None:
    """XLSX (a sheet per table) and CSV (the first table), built only on a click."""
    first = next(iter(sheets.values()))
    row = st.container(horizontal=True)
    row.download_button(f"{what} (XLSX)", lambda: to_xlsx(sheets, title=what, stamp=stamp),
                        file_name=file_name(what, T, "xlsx"), mime=XLSX, on_click="ignore",
                        key=f"division_page_{key}_xlsx", icon=":material/download:")
    row.download_button(f"{what} (CSV)", lambda: to_csv(first),
                        file_name=file_name(what, T, "csv"), mime="text/csv",
                        on_click="ignore", key=f"division_page_{key}_csv",
                        icon=":material/download:")


masked = not ctx.role.sees_contacts(division)
tiles = division_panel(ctx, cur, division, rows=True)
if not tiles:
    st.info(f"**{md_escape(division)} has no KPI panel.** The spec (metrics.md) defines "
            f"division KPIs for {', '.join(DIVISION_KPI_IDS)} only. This division's pilot "
            "metrics (adoption, entry errors, weekly review, confidence) are on the Pilot "
            "scorecard.", icon=":material/info:")
    st.stop()
if masked:
    tiles = [dataclasses.replace(t, rows=mask_frame(t.rows)) for t in tiles]

st.caption(f"Last 28 days, {tiles[0].window.label()} · targets from settings.toml, else the "
           f"spec's · grey below {MIN_N} rows (too few to judge) · open a tile's rows below it")
per_row = 3  # four tiles a row are too narrow for a projector at 1280 px
for start in range(0, len(tiles), per_row):
    for column, tile in zip(st.columns(per_row), tiles[start:start + per_row]):
        with column:
            panel_tile(tile, min_n=MIN_N, key=f"division_page_rows_{tile.spec.id}",
                       rows_config=ROWS_CONFIG)

st.subheader("Trend")
labels = [t.spec.label for t in tiles]
trend_key = f"division_page_trend_{division}"
if st.session_state.get(trend_key) not in labels:
    st.session_state[trend_key] = labels[0]
label = st.segmented_control("KPI", labels, key=trend_key, label_visibility="collapsed") \
    or labels[0]
tile = tiles[labels.index(label)]
st.plotly_chart(fig_kpi_trend(tile, tile.spec, tile.result.target, MIN_N),
                key="division_page_trend_fig", theme=None, config=CHART)
st.caption(f"Each bar is 28 days ending on the day shown; the last is {tile.window.label()}. "
           "✓ green on track · ✗ red off track · blue: no target · grey: fewer than "
           f"{MIN_N} rows, too few to judge (hatched ↑: off the scale) · – nothing to "
           "measure.")
downloads({tile.spec.label: tile.drill_rows()}, f"{division} {tile.spec.label} rows",
          "kpi_rows")

if division in FUNNELS:
    *_, flags, noun, exits = FUNNELS[division]
    funnel, rows = division_funnel(cur, VERSION, T, division)
    if masked:
        rows = mask_frame(rows)
    st.subheader("Funnel")
    st.plotly_chart(fig_funnel(funnel, division=division, noun=noun),
                    key="division_page_funnel_fig", theme=None, config=CHART)
    st.caption(f"The {noun} of {tiles[0].window.label()}; the recent ones may still move on.")
    reached = funnel_reached(rows, flags).value_counts()
    steps = [*range(len(exits)), EVERY]
    step = st.segmented_control(
        f"Which {noun}", steps, key=f"division_page_funnel_step_{division}",
        default=0, format_func=lambda k: (f"Every one ({len(rows):,})" if k == EVERY else
                                          f"{exits[k]} ({int(reached.get(k, 0)):,})"))
    step = 0 if step is None else step  # nothing picked: the first who stopped
    shown = funnel_step_rows(rows, flags, None if step == EVERY else step)
    st.dataframe(shown, hide_index=True, width="stretch", height=320,
                 key="division_page_funnel_rows", column_config={
                     **ROWS_CONFIG, "in_numerator": st.column_config.CheckboxColumn(
                         "Reached the last step"),
                     "date": st.column_config.DatetimeColumn("Date", format="D MMM YYYY HH:mm"),
                     "company_name": "Company", "logged_by": "Logged by",
                     "interaction_id": "Interaction", "account_id": "Account"},
                 column_order=[c for c in FIRST if c in shown] +
                              [c for c in shown if c not in FIRST])
    downloads({f"{noun} funnel": rows, "Funnel": funnel}, f"{division} {noun} funnel",
              "funnel")

st.subheader("Take away")
table = panel_frame(tiles, MIN_N)
downloads({"Panel": table, **{t.spec.label: t.drill_rows() for t in tiles}},
          f"{division} KPI panel", "panel")
