"""Next-action backlog (issue 7): per division and per person, the threads overdue, due this
week, without a next action or a due date, and upcoming; aging of the overdue ones;
follow-through on next actions; filter by owner; XLSX and CSV. Renders only:
metrics.backlog_view computes."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html

import duckdb
import pandas as pd
import streamlit as st

from metrics import backlog_view as bv
from metrics.charts import STATUS_COLOURS
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import day
from metrics.report import report_divisions
from pages._common import (data_version, division_picker, export_stamp, kpi_tile, listed,
                           md_escape, metrics_cursor, setup)

ctx = setup("Next-action backlog")
T, EVERYONE = ctx.as_of, "Everyone"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = st.column_config.DateColumn(format="D MMM YYYY")


@st.cache_data(max_entries=8, show_spinner="Reading the backlog…")
def every_thread(_cur: duckdb.DuckDBPyConnection, version: str,
                 as_of: dt.date) -> pd.DataFrame:
    """Every division's threads, once per (data version, T), with what counts and filters
    them: the division and owner filters only narrow this table; :func:`details` fetches the
    rest for the threads a table lists."""
    return bv.every_thread_state(_cur, as_of=as_of)


@st.cache_data(max_entries=16, show_spinner=False)
def names(_threads: pd.DataFrame, version: str, as_of: dt.date, division: str | None,
          owner_role: str) -> list[str]:
    """The owners the filter offers in this division; ``_threads`` is :func:`every_thread`
    of the same version and T (not hashed: the other arguments name it)."""
    return bv.owner_names(bv.in_division(_threads, division), owner_role)


@st.cache_data(max_entries=16, show_spinner="Reading the backlog…")
def follow_base(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                division: str | None) -> bv.FollowThroughBase:
    """The follow-through actions of the division, once per (data version, T, division):
    an owner only filters them."""
    return bv.follow_through_base(_cur, as_of=as_of, division=division, settings=ctx.settings)


@st.cache_data(max_entries=32, show_spinner="Reading the backlog…")
def load(_cur: duckdb.DuckDBPyConnection, _threads: pd.DataFrame, version: str,
         as_of: dt.date, division: str | None, owner: str | None,
         owner_role: str) -> bv.BacklogView:
    """The page's numbers, once per (data version, T, division, owner), without the threads:
    :func:`threads_of` narrows them from :func:`every_thread` (``_threads``, of the same
    version and T) as the view does, so they are kept once per T, not once more per division
    and owner (copying 65k threads into the cache cost 0.1-0.2 s on a large hub)."""
    view = bv.backlog_view(_cur, as_of=as_of, division=division, owner=owner,
                           owner_role=owner_role, settings=ctx.settings, all_threads=_threads,
                           follow_base=follow_base(_cur, version, as_of, division))
    return dataclasses.replace(view, threads=None)


@st.cache_data(max_entries=32, show_spinner=False)
def details(_cur: duckdb.DuckDBPyConnection, _threads: pd.DataFrame, version: str,
            as_of: dt.date, division: str | None, owner: str | None, owner_role: str,
            status: str) -> pd.DataFrame:
    """The threads the table lists (``_threads``: those of the filters named by the other
    arguments, cut to what the page lists) with every column the table shows."""
    return bv.with_details(_cur, _threads, as_of=as_of)


def threads_of(every: pd.DataFrame, division: str | None, owner: str | None,
               owner_role: str) -> pd.DataFrame:
    """The threads of :func:`load`'s view: ``every`` thread of T (:func:`every_thread`) in
    ``division`` of ``owner``."""
    return bv.filter_owner(bv.in_division(every, division), owner, owner_role)


def short(when: dt.date) -> str:
    """``15 Jul``: a day on a tile."""
    return f"{when.day} {when:%b}"


cur, version = metrics_cursor(ctx), data_version(ctx)
division = division_picker(report_divisions(cur), key="backlog_division",
                           all_label="All divisions", where=st.sidebar,
                           help="A thread belongs to the division of its latest interaction. "
                                "Add ?division=Motors to a link to open this page on Motors.")
role = st.sidebar.radio("Owner means", list(bv.OWNER_ROLES), format_func=bv.OWNER_ROLES.get,
                        key="backlog_owner_role", horizontal=True,
                        help="Action owner: who logged the thread's latest interaction. "
                             "Account owner: the Account Owner of its account.")
# Read once per run and handed to the other caches: each read of a cached frame is a copy
# (27 MB of threads on a 1M-row hub, 25-40 ms each).
every = every_thread(cur, version, T)
choices = [EVERYONE, *names(every, version, T, division, role)]
if st.session_state.get("backlog_owner") not in choices:
    asked = (st.query_params.get("owner") or "").strip().casefold()
    st.session_state["backlog_owner"] = next((n for n in choices[1:] if n.casefold() == asked),
                                             EVERYONE)
owner = st.sidebar.selectbox("Owner", choices, key="backlog_owner",
                             help="Narrows every number on the page. ?owner=Name in a link.")
if owner == EVERYONE:
    owner = None
    st.query_params.pop("owner", None)
else:
    st.query_params["owner"] = owner

view = load(cur, every, version, T, division, owner, role)
threads = threads_of(every, division, owner, role)
masked = not ctx.role.sees_contacts(division)
scope = " · ".join([division or "All divisions", *([f"{bv.OWNER_ROLES[role]}: {owner}"]
                                                   if owner else [])])
week_end = T + dt.timedelta(days=6)

notes = {"overdue": f"due before {short(T)}", "due_this_week": f"{short(T)} – {short(week_end)}",
         "missing_next_action": "Next Action blank", "no_due_date": "no due date given",
         "upcoming": f"due after {short(week_end)}"}
for column, status in zip(st.columns(5), bv.OPEN_STATUSES):
    count = view.counts[status]
    alarm = status == "overdue" and count > 0
    colour = STATUS_COLOURS["off_track"] if alarm else "#111827"
    word = ""
    if status == "overdue":
        word = (f"<span style='font-size:1.05rem;font-weight:700;color:"
                f"{colour if alarm else STATUS_COLOURS['on_track']}'>"
                f"{'✗ act first' if alarm else '✓ none'}</span>")
    with column.container(border=True, height=180):
        st.markdown(
            f"<div style='font-size:1.1rem;font-weight:600;line-height:1.2'>"
            f"{bv.STATUS_LABELS[status]}</div><div style='display:flex;align-items:baseline;"
            f"gap:0.5rem;flex-wrap:wrap'><span data-status='{status}' style='font-size:3rem;"
            f"font-weight:700;line-height:1.1;color:{colour}'>{count:,}</span>{word}</div>"
            f"<div style='font-size:1rem;color:#374151'>{notes[status]}</div>",
            unsafe_allow_html=True)
st.caption(f"{md_escape(scope)}: {len(threads):,} threads as of {day(T)} — "
           f"{view.open_threads:,} open, {view.counts['closed']:,} closed. A thread is a "
           "contact (else an account); its latest interaction sets the status.")

left, right = st.columns([1, 2])
with left:
    result, previous = view.follow.result, view.follow_previous()
    change = None
    if result.value is not None and previous is not None and previous.value is not None:
        points = round((result.value - previous.value) * 100)
        change = f"{points:+d} pts vs the 28 days before".replace("-", "−")
    kpi_tile("Follow-through on next actions", result, unit="ratio", min_n=ctx.settings.min_n,
             detail=f"{result.numerator:,} of {result.denominator:,} actions due "
                    f"{view.window.label()} followed up in time",
             reason="no next action was due in the last 28 days", change=change,
             spark=[None if v != v else v for v in view.trend["value"]],
             help="Actions with a Next Action and a due date in the last 28 days: the share "
                  "followed by another interaction of the same thread (contact, else account) "
                  "by the end of the due day. No target.")
    if len(view.follow.rows):
        with st.expander(f"Actions behind the rate ({len(view.follow.rows):,})"):
            st.dataframe(listed(bv.follow_table(view.follow.rows), "actions",
                                held="the XLSX download's Follow-through sheet has all"),
                         hide_index=True, height=300, key="backlog_follow_rows",
                         column_config={
                             "Followed up": st.column_config.CheckboxColumn(),
                             "Due": DATE, "Set on": st.column_config.DatetimeColumn(
                                 format="D MMM YYYY"),
                             "Followed up on": st.column_config.DatetimeColumn(
                                 format="D MMM YYYY")})
right.plotly_chart(bv.fig_aging(view.aging, "Overdue threads by days overdue"
                               f"<br><sup>{html.escape(scope)}</sup>"),
                   key="backlog_aging", theme=None, config={"displayModeBar": False})

status = st.segmented_control(
    "Threads to list", ["open", *bv.OPEN_STATUSES, "closed"], default="open",
    key="backlog_status", format_func=lambda s: (
        f"All open ({view.open_threads:,})" if s == "open"
        else f"{bv.STATUS_LABELS[s]} ({view.counts[s]:,})")) or "open"
shown = bv.filter_status(threads, status)
shows = ["Threads", "People", *(["Divisions"] if division is None else [])]
show = st.segmented_control("Show", shows, default="Threads", key="backlog_show") or "Threads"
by = "account_owner" if role == "account" else "owner"
if show == "Threads":
    table = details(cur, listed(shown, "threads", f"{len(shown):,} threads, most overdue "
                                "first."), version, T, division, owner, role, status)
    st.dataframe(bv.thread_table(table, masked=masked), hide_index=True,
                 height=420,
                 key="backlog_threads", column_config={
                     "Last interaction": DATE, "Due date": DATE,
                     "Days overdue": st.column_config.NumberColumn(format="%d"),
                     "Account": st.column_config.TextColumn(width="medium"),
                     "Next action": st.column_config.TextColumn(width="medium"),
                     "Row": st.column_config.NumberColumn(
                         format="%d", help="Row of the workbook's Interactions sheet")})
elif show == "People":
    st.markdown("**Where a hand would help first**, per "
                + ("account owner" if by == "account_owner" else "action owner"))
    st.caption("The most overdue follow-ups come first so the review can start there; it is "
               "a to-do list, not a ranking.")
    st.dataframe(bv.people_table(view.people, by), hide_index=True, key="backlog_people",
                 column_config={"What to pick up": st.column_config.TextColumn(width="large")})
else:
    st.dataframe(bv.people_table(view.divisions, "division"), hide_index=True,
                 key="backlog_divisions",
                 column_config={"What to pick up": st.column_config.TextColumn(width="large")})

stamp = export_stamp(ctx)
what = f"{division or 'all divisions'} backlog" + (f" {owner}" if owner else "")
row = st.container(horizontal=True, vertical_alignment="center")
row.download_button("Download XLSX", lambda: to_xlsx(
    bv.export_sheets(view, bv.with_details(cur, shown, as_of=T), masked=masked),
    title=f"Next-action backlog · {scope}",
    stamp=stamp), file_name=file_name(what, T, "xlsx"), mime=XLSX, on_click="ignore",
    key="backlog_xlsx", icon=":material/download:",
    help="Sheets: the threads listed, per person, per division (all divisions), aging and "
         "the actions behind the follow-through rate.")
row.download_button("Download CSV", lambda: to_csv(bv.thread_table(
                        bv.with_details(cur, shown, as_of=T), masked=masked)),
                    file_name=file_name(what, T, "csv"), mime="text/csv", on_click="ignore",
                    key="backlog_csv", icon=":material/download:",
                    help="The threads listed.")
row.caption(f"Files are stamped {stamp}.")
