"""Biweekly check-in: per division in pilot, each metric on or off track per two-week period,
the intervention banner, the weekly charts and the one-click check-in pack (XLSX and HTML)."""
from __future__ import annotations

import datetime as dt

import duckdb
import plotly.graph_objects as go
import streamlit as st

from hub_data import Settings
from metrics import checkin_pack as pack
from pages._common import data_version, division_picker, md_escape, metrics_cursor, setup

ctx = setup("Biweekly check-in")


@st.cache_data(max_entries=16, show_spinner=False)
def pilot_divisions(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                    _settings: Settings) -> list[str]:
    """The divisions with a pilot as of T, once per (data version, T)."""
    return pack.pilot_divisions(_cur, as_of=as_of, settings=_settings)


@st.cache_data(max_entries=16, show_spinner="Working out the check-in…")
def checkin(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date, division: str,
            _settings: Settings) -> pack.CheckinView | None:
    """One division's check-in, once per (data version, T, division)."""
    return pack.checkin_view(_cur, division=division, as_of=as_of, settings=_settings)


@st.cache_data(max_entries=16, show_spinner=False)
def figures(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date, division: str,
            _settings: Settings) -> dict[str, go.Figure]:
    """The week-by-week charts of that check-in: switching charts only picks one."""
    return pack.checkin_figures(checkin(_cur, version, as_of, division, _settings))


cur, VERSION = metrics_cursor(ctx), data_version(ctx)
divisions = pilot_divisions(cur, VERSION, ctx.as_of, ctx.settings)
if not divisions:
    st.info("No division has a pilot yet on this date: a pilot starts with its division's "
            "first interaction, or on the pilot_start given in settings.toml.",
            icon=":material/info:")
    st.stop()

division = division_picker(divisions, key="checkin_division", where=st.sidebar,
                           label="Division in pilot",
                           help="Divisions whose pilot has started by the as-of date. Add "
                                "?division=Power to a link to open this page on Power.")

view = checkin(cur, VERSION, ctx.as_of, division, ctx.settings)
st.caption(md_escape(pack.headline_text(view)))
if view.week < 1:
    st.info(f"**{md_escape(pack.headline_text(view))}.** Pick a later as-of date in the "
            "sidebar.", icon=":material/event_upcoming:")
    st.stop()

needed, title, summary, lines = pack.banner_lines(view)
if needed:
    st.error(f"#### {title}: {md_escape(summary)}\n"
             + "\n".join(f"- {md_escape(line)}" for line in lines),
             icon=":material/priority_high:")
else:
    st.success(f"**{title}:** {md_escape(summary)}.", icon=":material/check_circle:")

st.subheader("Periods of two weeks")
st.html(f"<style>{pack.GRID_CSS}</style>{pack.period_grid_html(view)}")
st.caption("Period k = pilot weeks 2k − 1 and 2k, judged once both weeks have ended. ✓ on "
           "track · ✗ off track · – no data or not judged yet. Outlined cells: the two "
           "periods behind an intervention. Stakeholder confidence is shown, never a reason "
           "to intervene.")

stamp_text = pack.stamp(ctx.as_of, ctx.hub.loaded_at)
left, right, note = st.columns([1, 1, 1.2], vertical_alignment="center")
left.download_button(
    "Check-in pack (Excel)", data=lambda: pack.pack_xlsx(view, loaded_at=ctx.hub.loaded_at),
    file_name=pack.pack_file_name(view, "xlsx"), type="primary", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="checkin_pack_xlsx", on_click="ignore",
    help="Periods, weeks, interventions and who has not logged yet: a sheet each.")
right.download_button(
    "Check-in pack (web page)", data=lambda: pack.pack_html(view, loaded_at=ctx.hub.loaded_at),
    file_name=pack.pack_file_name(view, "html"), mime="text/html", icon=":material/download:",
    key="checkin_pack_html", on_click="ignore",
    help="One file with the banner, the period grid and the weekly charts; opens offline "
         "in any browser.")
note.caption(f"Both files are stamped: {stamp_text}.")

st.subheader("Week by week")
charts = {"Adoption": "adoption_rate", "Entry errors": "data_quality_error_rate",
          "Weekly review": "process_compliance"}
chosen = st.segmented_control("Chart", list(charts), default="Adoption", key="checkin_chart")
kpi = charts.get(chosen or "Adoption", "adoption_rate")
st.plotly_chart(figures(cur, VERSION, ctx.as_of, division, ctx.settings)[kpi],
                key=f"checkin_chart_{kpi}", theme=None, config={"displayModeBar": False})

follow_up = pack.not_logged_table(view)
if view.headline_week >= 1:
    names = list(view.not_logged["name"])
    if names:
        st.info(f"**Not logged in week {view.headline_week} — reach out to:** "
                + ", ".join(md_escape(n) for n in names), icon=":material/groups:")
    else:
        st.success(f"Everyone on the customer-facing roster logged in week "
                   f"{view.headline_week}.", icon=":material/groups:")
    if view.not_on_roster:
        st.warning(f"Logged in week {view.headline_week} but not on the Staff roster (they "
                   "count for nobody): " + ", ".join(md_escape(n) for n in view.not_on_roster),
                   icon=":material/person_search:")

with st.expander("The numbers behind the grid"):
    st.dataframe(pack.period_table(view), hide_index=True, width="stretch", column_config={
        "From": st.column_config.DateColumn(format="D MMM YYYY"),
        "To": st.column_config.DateColumn(format="D MMM YYYY")})
    st.dataframe(pack.week_table(view), hide_index=True, width="stretch", column_config={
        "Week of": st.column_config.DateColumn(format="D MMM YYYY")})
    if len(follow_up):
        st.dataframe(follow_up, hide_index=True, width="stretch")
