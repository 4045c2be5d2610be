"""Data quality: the steward's fix list, error rates per week and per problem, coaching per
person and possible duplicates (issue 6). Renders only; metrics.data_quality computes."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from metrics import data_quality as dq
from metrics.calendar import week_of, window_ending
from metrics.formatting import day
from metrics.report import report_divisions
from pages._common import (cached, data_version, division_picker, kpi_tile, listed, setup,
                           table_downloads)

ctx = setup("Data quality")
ALL, ANY, T = "All divisions", "(any)", ctx.as_of


@st.cache_data(max_entries=4, show_spinner="Looking for possible duplicates…")
def duplicates(_con: duckdb.DuckDBPyConnection, signature: str) -> pd.DataFrame:
    """The duplicate scan reads the whole hub: once per version of the data (its signature)."""
    with _con.cursor() as cur:
        return dq.duplicate_candidates(cur)



cur = ctx.hub.cursor()
division = division_picker(report_divisions(cur), key="data_quality_division", all_label=ALL,
                           where=st.columns([1, 2])[0],
                           help="Narrows the tiles, the fix list and the charts.")
prefix = f"{division} " if division else ""

week, recent = week_of(T), window_ending(T)
rates = {w: cached(ctx, dq.window_error_rate, cur, window=w, as_of=T, division=division,
                   settings=ctx.settings) for w in (week, recent, recent.previous())}
now, before = rates[recent].value, rates[recent.previous()].value


def fixes_of(all_findings: bool = False, week_start: dt.date | None = None,
             codes: list[str] | None = None, logged_by: str | None = None) -> pd.DataFrame:
    """The fix list of this division and T (cached per filters): the unfiltered one also
    gives the tiles' rows to fix and the filters' choices."""
    return cached(ctx, dq.fix_list, cur, as_of=T, division=division, week_start=week_start,
                  codes=codes, logged_by=logged_by, all_findings=all_findings)


# What the page derives from the unfiltered list, cached on their own: every rerun reads
# these few values instead of another copy of the list (22k cells at 1M: 14 ms a copy). The
# arguments are this page's, keying the cache.
@st.cache_data(max_entries=16, show_spinner=False)
def rows_to_fix(version: str, as_of: dt.date, division: str | None) -> tuple[int, int]:
    return dq.fix_rows(fixes_of())


@st.cache_data(max_entries=16, show_spinner=False)
def choices(version: str, as_of: dt.date, division: str | None,
            all_findings: bool) -> dict[str, list]:
    return dq.fix_options(fixes_of(all_findings))


rows, undated = rows_to_fix(data_version(ctx), T, division)
formula = ("Entries with at least one entry error ÷ entries (interactions dated in the period, "
           "up to the as-of date). Target: under 10 %.")
tiles = st.columns(4)
with tiles[0]:
    r, so_far = rates[week], dq.week_label(week.start, T)
    kpi_tile("Entry errors this week", r, unit="ratio", min_n=ctx.settings.min_n, help=formula,
             detail=f"{r.numerator:,} of {r.denominator:,} entries, {so_far}",
             reason="no entries logged this week yet")
with tiles[1]:
    r = rates[recent]
    kpi_tile("Entry errors, 28 days", r, unit="ratio", min_n=ctx.settings.min_n, help=formula,
             detail=f"{r.numerator:,} of {r.denominator:,} entries", reason="no entries yet",
             change=None if now is None or before is None else
             f"{(now - before) * 100:+.0f} pts vs the 28 days before".replace("-", "−"))
tiles[2].metric("Entries, 28 days", f"{rates[recent].denominator:,}", delta=recent.label(),
                delta_color="off", delta_arrow="off", border=True,
                help="Interactions dated in the last 28 days (undated rows are in no rate).")
tiles[3].metric("Rows to fix", f"{rows:,}", delta=f"{undated} without a valid Date",
                delta_color="off", delta_arrow="off", border=True,
                help=f"Interaction rows with at least one entry error, up to {day(T)}.")

views = ["Fix list", "Trends", *(["Coaching"] if ctx.role.sees_people_rates() else []),
         "Possible duplicates"]
view = st.segmented_control("Show", views, default="Fix list", key="data_quality_view") \
    or "Fix list"

if view == "Fix list":
    cols = st.columns([1.1, 1.8, 1.2, 1.1], vertical_alignment="bottom")
    everything = cols[3].toggle("All findings", key="data_quality_all", help=(
        "Also warnings and the findings of Accounts, Contacts, the ERP export, reviews and "
        "the survey (they do not count in the error rate)."))
    options = choices(data_version(ctx), T, division, everything)
    picked_week = cols[0].selectbox(
        "Week", [ANY, *options["weeks"]], key="data_quality_week",
        format_func=lambda w: "All weeks" if w == ANY else f"Week of {dq.week_label(w)}")
    codes = cols[1].multiselect("Problem", options["codes"], key="data_quality_codes",
                                format_func=dq.CODE_LABELS.get, placeholder="All problems")
    logger = cols[2].selectbox("Logged by", [ANY, *options["loggers"]], key="data_quality_logger",
                               format_func=lambda n: "Everyone" if n == ANY else n or "(blank)")
    picked_week, logger = (None if x == ANY else x for x in (picked_week, logger))
    fixes = fixes_of(everything, picked_week, codes or None, logger)
    if not ctx.role.sees_contacts(division):
        fixes = dq.mask_contacts(fixes)
    if fixes.empty:
        st.success("Nothing to fix for this selection." if picked_week or codes or logger else
                   "No entry errors — nothing to fix.", icon=":material/check_circle:")
    else:
        rows_shown = len(fixes[["table", "row_id"]].drop_duplicates())
        caption = (f"{len(fixes):,} cells on {rows_shown:,} rows · rows with the most "
                   "problems first, then the most urgent (a Date that is not a date takes the "
                   "row out of every number), newest first.")
        st.dataframe(listed(fixes, "cells", caption), hide_index=True, height=460,
                     column_order=list(dq.FIX_LIST_COLUMNS),
                     column_config={**dq.FIX_LIST_COLUMNS,
                                    "file": st.column_config.TextColumn("Workbook", width="medium"),
                                    "fix": st.column_config.TextColumn("What to do", width="large"),
                                    "week_start": st.column_config.DateColumn("Week of",
                                                                              format="D MMM"),
                                    "date": st.column_config.DatetimeColumn(
                                        "Date", format="D MMM YYYY HH:mm")})
        table_downloads(ctx, dq.fix_list_export(fixes), f"{prefix}data quality fix list",
                        "data_quality_fix")
elif view == "Trends":
    weeks = cached(ctx, dq.error_rate_by_week, cur, as_of=T, division=division)
    st.plotly_chart(dq.fig_error_rate_by_week(weeks, rates[recent].target, ctx.settings.min_n),
                    key="data_quality_weeks_fig", theme=None, config={"displayModeBar": False})
    by_code = cached(ctx, dq.errors_by_code, cur, as_of=T, division=division)
    if by_code["rows"].sum():
        st.plotly_chart(dq.fig_errors_by_code(by_code), key="data_quality_codes_fig",
                        theme=None, config={"displayModeBar": False})
    else:
        st.success("No entry errors — nothing to fix.", icon=":material/check_circle:")
    st.caption(f"Weeks with fewer than {ctx.settings.min_n} entries are grey: too few to judge."
               " Rows by problem count every row up to the as-of date, undated rows too.")
elif view == "Coaching" and ctx.role.division not in (None, division):
    st.info(f"Per-person rates are shown for {ctx.role.division} only: pick it above.",
            icon=":material/info:")  # a lead sees other divisions as a viewer does (ui.md)
elif view == "Coaching":
    people = cached(ctx, dq.error_rate_by_logger, cur, as_of=T, division=division)
    st.markdown(f"**Who might welcome a hand, {recent.label()}** — listed by name, not ranked."
                " A short word about their most common problem usually fixes most of it.")
    if people.empty:
        st.info("No entries in the last 28 days.", icon=":material/info:")
    else:
        st.dataframe(people.assign(error_rate=people["error_rate"] * 100).fillna({
            "logged_by": "(blank)", "most_common_problem": "–", "fix": "Nothing to fix ✓"}),
            hide_index=True, column_order=list(dq.COACHING_COLUMNS), column_config={
                **dq.COACHING_COLUMNS,
                "error_rate": st.column_config.NumberColumn("Share with an error",
                                                            format="%.1f %%"),
                "fix": st.column_config.TextColumn("Tip", width="large")})
else:
    found = duplicates(ctx.hub.con, ctx.hub.signature)
    if not ctx.role.sees_contacts():
        found = dq.mask_contacts(found)
    if found.empty:
        st.success("No possible duplicates among accounts and contacts.",
                   icon=":material/check_circle:")
    else:
        st.caption(f"{len(found):,} pairs of records that may be the same company or person, "
                   "strongest first. Names are compared ignoring case, accents, punctuation, "
                   "titles, word order and Ltd/Plc; the same name in two divisions may be "
                   "intended. Scanned once per version of the data.")
        st.dataframe(found, hide_index=True, column_order=list(dq.DUPLICATE_COLUMNS),
                     column_config={**dq.DUPLICATE_COLUMNS, "score": st.column_config.NumberColumn(
                         "Name similarity", format="%.2f")})
        table_downloads(ctx, found[list(dq.DUPLICATE_COLUMNS)].rename(
            columns=dq.DUPLICATE_COLUMNS), "possible duplicates", "data_quality_dup")
