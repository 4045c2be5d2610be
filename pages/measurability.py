"""Which KPIs can we measure? Per division and KPI: measurable with today's data or not, and
why in words, so nobody reads a grey tile as a zero."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from hub_data import Settings
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import day
from metrics.measurability import measurability
from pages._common import (data_version, division_picker, export_stamp, md_escape, metrics_cursor,
                           setup)

ALL = "All divisions"
MARKS = {True: "✓ yes", False: "✗ no"}

ctx = setup("Which KPIs can we measure?")


@st.cache_data(max_entries=16, show_spinner="Checking every KPI's data…")
def every_kpi(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
              _settings: Settings) -> pd.DataFrame:
    """Every division's KPIs and whether they can be measured, once per (data version, T):
    the division filter only narrows this table."""
    return measurability(_cur, as_of=as_of, settings=_settings)


table = every_kpi(metrics_cursor(ctx), data_version(ctx), ctx.as_of, ctx.settings)
if table.empty:
    st.info("No divisions in the data yet: add a Hub workbook with a Divisions list.",
            icon=":material/info:")
    st.stop()

divisions = list(dict.fromkeys(table["division"]))
division = division_picker(divisions, key="measurability_division", all_label=ALL,
                           where=st.sidebar)
chosen = division or ALL
shown = table if chosen == ALL else table[table["division"] == chosen]

missing = shown[~shown["measurable"]]
cols = st.columns(3)
cols[0].metric("KPIs measurable", f"{int(shown['measurable'].sum())} of {len(shown)}",
               help="A KPI is measurable when every source it reads is loaded and holds at "
                    f"least one relevant row of the division dated up to {day(ctx.as_of)}.")
cols[1].metric("Not measurable", len(missing),
               help="These tiles stay grey: the reason says what to load or log.")
cols[2].metric("Divisions", len(divisions) if chosen == ALL else 1)
if missing.empty:
    st.success("Every KPI shown can be measured with today's data.",
               icon=":material/check_circle:")
else:
    st.warning("**A grey tile is not a zero.** Not measurable with today's data:\n"
               + "\n".join(f"- ✗ **{md_escape(r.division)} · {md_escape(r.label)}**: "
                           f"{md_escape(r.reason)}" for r in missing.itertuples()),
               icon=":material/help:")

for division in ([chosen] if chosen != ALL else divisions):
    part = shown[shown["division"] == division].sort_values("measurable", kind="stable")
    st.subheader(f"{md_escape(division)} · {int(part['measurable'].sum())} of {len(part)} "
                 "measurable")
    st.table(part.assign(measurable=part["measurable"].map(MARKS)).set_index("label")[
        ["measurable", "reason", "source"]].rename_axis("KPI").rename(columns={
            "measurable": "Measurable?", "reason": "Why", "source": "Reads"}))

stamp = export_stamp(ctx)
export = shown.assign(measurable=shown["measurable"].map({True: "yes", False: "no"}))
left, right = st.columns(2)
what = f"{'all' if chosen == ALL else chosen} measurability"
left.download_button("Download (Excel)", data=lambda: to_xlsx(
    {"Measurability": export}, title="Which KPIs can we measure?", stamp=stamp),
    file_name=file_name(what, ctx.as_of, "xlsx"), icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="measurability_xlsx", on_click="ignore")
right.download_button("Download (CSV)", data=lambda: to_csv(export),
                      file_name=file_name(what, ctx.as_of, "csv"), mime="text/csv",
                      icon=":material/download:", key="measurability_csv", on_click="ignore")
st.caption(f"Checked {stamp}. Counts of 0 (qualified inquiries, new distributors) are real "
           "counts once their source is loaded. Weekly review held with no meeting recorded "
           "counts every judged week as not held.")
