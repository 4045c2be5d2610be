"""Meeting mode: the Head of Division projects the weekly review (ui.md, Projection; issue 8).

The agenda (metrics.meeting.AGENDA) one section at a time with its countdown at the top,
big "◀ Previous" / "Next ▶" buttons, the division's funnel and open backlog, its KPI tiles
and the pilot metrics, and a place for decisions and actions. "Presenting" (on by default)
hides the sidebar and toolbar and masks every e-mail and phone number on the page. "End
meeting and record" writes the store's review_meetings row (what process compliance counts)
and freezes a meeting pack (XLSX + self-contained HTML) from the numbers on screen then.

The clock is :func:`now` (seconds, monotonic); a test injects its own clock as a callable
in ``st.session_state["meeting_clock"]``. The section's start lives in session_state.
"""
from __future__ import annotations

import datetime as dt
import html
import time

import duckdb
import pandas as pd
import streamlit as st

from hub_data import HubDataError, Settings
from hub_data.privacy import mask_frame
from hub_data.review_snapshots import save_review_snapshot
from hub_data.store import Store
from metrics import backlog, meeting
from metrics.backlog_view import status_counts
from metrics.formatting import day
from metrics.pilot import pilot_summary
from metrics.registry import PILOT_METRICS
from pages._common import (data_version, division_panel, division_picker, divisions_in_order,
                           kpi_tile, md_escape, metrics_cursor, panel_tile, setup)

SECTION, STARTED, PACK = "meeting_section", "meeting_started", "meeting_pack"
HIDE_CHROME = """<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],
[data-testid='stToolbar'], header[data-testid='stHeader'], [data-testid='stDecoration']
{display: none !important;}
.block-container, [data-testid='stMainBlockContainer'] {padding-top: 1rem; max-width: 100%;}
</style>"""
BIG_BUTTONS = """<style>
.st-key-meeting_previous button, .st-key-meeting_next button
{min-height: 3.6rem; font-size: 1.5rem;}
.st-key-meeting_previous button p, .st-key-meeting_next button p {font-size: 1.5rem;}
</style>"""


def now() -> float:
    """Seconds on a monotonic clock (a test's clock when one is in session_state)."""
    return st.session_state.get("meeting_clock", time.monotonic)()


@st.cache_data(show_spinner="Reading the Hub…", max_entries=16)
def agenda_data(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date, division: str,
                _settings: Settings
                ) -> tuple[dict | None, pd.DataFrame | None, pd.DataFrame, dict[str, int]]:
    """The division's pilot summary, funnel, open backlog and backlog counts, cached per data
    version, as-of and division (the Presenting switch and every agenda step rerun the page:
    they need not read the Hub again)."""
    threads = backlog.threads(_cur, as_of=as_of, division=division)  # read once for both
    return (pilot_summary(_cur, division=division, as_of=as_of, settings=_settings),
            meeting.funnel(_cur, division=division, as_of=as_of),
            meeting.open_backlog(_cur, division=division, as_of=as_of, threads=threads),
            status_counts(threads))


ctx = setup("Meeting mode")
cur, VERSION = metrics_cursor(ctx), data_version(ctx)
T = ctx.as_of
division = division_picker(divisions_in_order(ctx, cur),
                           key="meeting_division", where=st.sidebar)
if division is None:
    st.info("No division to review: the Hub lists none.", icon=":material/info:")
    st.stop()

top_left, top_right = st.columns([3, 1], vertical_alignment="center")
presenting = top_right.toggle(
    "Presenting", value=True, key="meeting_presenting",
    help="Hides the sidebar and toolbar and masks e-mails and phone numbers. Turn it off to "
         "pick another division or date in the sidebar.")
st.html(BIG_BUTTONS + (HIDE_CHROME if presenting else ""))
masked = presenting or not ctx.role.sees_contacts(division)
top_left.markdown(f"## {md_escape(division)} · weekly review · data as of {day(T)}")

st.session_state.setdefault(SECTION, 0)
st.session_state.setdefault(STARTED, now())


def move(step: int) -> None:
    """Go to the previous/next agenda section and restart its countdown."""
    index = min(max(st.session_state[SECTION] + step, 0), len(meeting.AGENDA) - 1)
    if index != st.session_state[SECTION]:
        st.session_state[SECTION] = index
        st.session_state[STARTED] = now()


index = st.session_state[SECTION]
section = meeting.AGENDA[index]
back, heading, clock, forward = st.columns([1.2, 3, 2, 1.2], vertical_alignment="center")
back.button("◀ Previous", key="meeting_previous", on_click=move, args=(-1,),
            disabled=index == 0, width="stretch", type="secondary")
forward.button("Next ▶", key="meeting_next", on_click=move, args=(1,),
               disabled=index == len(meeting.AGENDA) - 1, width="stretch", type="primary")
heading.markdown(
    f"<div style='font-size:1.9rem;font-weight:700'>{index + 1}. "
    f"{html.escape(section.name)}</div>"
    f"<div style='font-size:1.1rem;color:#374151'>{section.minutes} min · section "
    f"{index + 1} of {len(meeting.AGENDA)} · "
    + " → ".join(html.escape(s.name) for s in meeting.AGENDA) + "</div>",
    unsafe_allow_html=True)


@st.fragment(run_every=1)
def timer() -> None:
    """The section's countdown, refreshed every second on its own."""
    current = meeting.AGENDA[st.session_state[SECTION]]
    left = meeting.countdown(st.session_state[STARTED], now(), current.minutes)
    colour = "#b3261e" if left.over_time else "#1b7f3b"
    icon = "✗ " if left.over_time else ""
    st.markdown(f"<div data-testid='meeting-timer' style='font-size:2.6rem;font-weight:700;"
                f"color:{colour};text-align:center'>{icon}{left.text}</div>",
                unsafe_allow_html=True)


with clock:
    timer()

tiles = division_panel(ctx, cur, division)
summary, funnel, shown_backlog, counts = agenda_data(cur, VERSION, T, division, ctx.settings)


def show(frame: pd.DataFrame) -> pd.DataFrame:
    """Masked while presenting (or for a viewer without the division's contacts)."""
    return mask_frame(frame) if masked else frame


BACKLOG_COLUMNS = {
    "status": "Status", "days_overdue": st.column_config.NumberColumn("Days overdue",
                                                                      format="%d"),
    "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
    "next_action": "Next action", "owner": "Owner", "contact_name": "Contact",
    "company_name": "Account", "email": "E-mail", "mobile": "Mobile",
    "last_date": st.column_config.DatetimeColumn("Last contact", format="D MMM YYYY"),
    "source_file": "File", "source_row": st.column_config.NumberColumn("Row", format="%d")}

if index == 0:
    if funnel is not None:
        st.markdown(f"#### Funnel · 28 days to {day(T)}")
        for column, row in zip(st.columns(len(funnel)), funnel.itertuples()):
            column.metric(row.stage, f"{row.count:,}")
    st.markdown("#### Open backlog")
    for column, status in zip(st.columns(5), ("overdue", "due_this_week", "missing_next_action",
                                              "no_due_date", "upcoming")):
        column.metric(meeting.STATUS_LABELS[status], f"{counts[status]:,}")
    if shown_backlog.empty:
        st.success("No open threads: every next action is closed. ✓")
    else:
        st.caption(f"Top {meeting.BACKLOG_TOP} open threads, most overdue first.")
        st.dataframe(show(shown_backlog), hide_index=True, width="stretch",
                     column_config=BACKLOG_COLUMNS, key="meeting_backlog")
elif index == 1:
    if tiles:
        st.markdown("#### Division KPIs · last 28 days")
        for start in range(0, len(tiles), 3):
            for column, tile in zip(st.columns(3), tiles[start:start + 3]):
                with column:
                    panel_tile(tile, min_n=ctx.settings.min_n, drill=False,
                               key=f"meeting_tile_{tile.spec.id}")
    else:
        st.info("This division has no KPI panel in the spec.", icon=":material/info:")
    if summary is not None and summary["headline_week"]:
        st.markdown(f"#### Pilot metrics · week {summary['headline_week']}")
        for column, spec in zip(st.columns(4), PILOT_METRICS):
            result = summary["results"][spec.id]
            with column:
                kpi_tile(spec.label, result, unit=spec.unit, min_n=ctx.settings.min_n,
                         detail=f"{result.numerator or 0:,.0f} of {result.denominator or 0:,.0f}",
                         help=spec.description)
    elif summary is not None:
        st.info(f"The pilot starts {day(summary['start'])}: no complete pilot week yet.",
                icon=":material/info:")
else:
    fixes = meeting.entry_errors(cur, division=division, as_of=T)
    st.markdown(f"#### Entry errors to fix · {len(fixes):,} shown, most serious first")
    if fixes.empty:
        st.success("No entry errors in this division's interactions. ✓")
    else:
        if masked:
            fixes = fixes.assign(value=fixes["value"].map(
                lambda v: v if pd.isna(v) else meeting.mask_text(str(v))))
        st.dataframe(fixes, hide_index=True, width="stretch", key="meeting_fixes",
                     column_config={
                         "file": "File", "excel_row": st.column_config.NumberColumn(
                             "Row", format="%d"), "column": "Column", "value": "Value",
                         "problem": "Problem", "fix": "How to fix", "logged_by": "Logged by",
                         "date": st.column_config.DatetimeColumn("Date",
                                                                 format="D MMM YYYY")})

st.divider()
st.markdown("#### Decisions and actions")
st.session_state.setdefault("meeting_decisions_text", "")
st.session_state.setdefault("meeting_actions_text", "")
left, right = st.columns(2)
# The text areas' values are copied to keys of our own, so they survive the sections
# (a widget's state is dropped on a run that does not draw it).
for column, name in ((left, "decisions"), (right, "actions")):
    st.session_state[f"meeting_{name}"] = st.session_state[f"meeting_{name}_text"]
    column.text_area(name.capitalize(), key=f"meeting_{name}", height=140,
                     on_change=lambda n=name: st.session_state.update(
                         {f"meeting_{n}_text": st.session_state[f"meeting_{n}"]}),
                     placeholder="One per line" + (", with an owner and a date"
                                                   if name == "actions" else ""))

may_record = ctx.role.may_record("meeting", division)
with st.form("meeting_end", border=True):
    a, b, c, d = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
    attendees = a.number_input("Attendees", min_value=0, max_value=500, value=6, step=1,
                               key="meeting_attendees")
    held_on = b.date_input("Held on", value=T, key="meeting_held_on", format="DD/MM/YYYY",
                           help="Process compliance counts the meeting in this day's week.")
    used_hub = c.checkbox("Used the Hub", value=True, key="meeting_used_hub")
    ended = d.form_submit_button("End meeting and record", type="primary", width="stretch",
                                 disabled=not may_record)
if not may_record:
    st.caption(f"Only the {md_escape(division)} lead or an admin records this meeting.")

if ended and may_record:
    decisions = st.session_state["meeting_decisions_text"]
    actions = st.session_state["meeting_actions_text"]
    row = meeting.meeting_row(division=division, held_on=held_on, used_hub=used_hub,
                              attendees=int(attendees), decisions=decisions, actions=actions,
                              recorded_by=ctx.role.email or "local admin",
                              recorded_at=dt.datetime.now().replace(microsecond=0))
    try:
        Store.for_settings(ctx.settings).append("review_meetings", [row])
    except (ValueError, HubDataError) as exc:
        st.error(f"The meeting was not recorded: {md_escape(exc)}", icon=":material/block:")
    else:
        st.session_state[PACK] = meeting.MeetingPack(
            division=division, held_on=held_on, attendees=int(attendees), used_hub=used_hub,
            decisions=decisions, actions=actions, as_of=T, loaded_at=ctx.hub.loaded_at,
            kpis=meeting.kpi_table(tiles), backlog=shown_backlog.copy(),
            pilot=meeting.pilot_table(summary),
            funnel=None if funnel is None else funnel.copy())
        try:  # what "Since the last review" compares with
            save_review_snapshot(ctx.hub.con, ctx.settings.state_dir, division=division,
                                 held_on=held_on)
        except (HubDataError, OSError) as exc:
            st.warning(f"The meeting was recorded, but its data snapshot was not saved: "
                       f"{md_escape(exc)}", icon=":material/warning:")

pack: meeting.MeetingPack | None = st.session_state.get(PACK)
if pack is not None:
    st.success(f"Recorded: {md_escape(pack.division)} review held on {day(pack.held_on)} "
               f"({pack.attendees} attendees). The meeting pack below is frozen as it was "
               f"then ({pack.stamp}).", icon=":material/check_circle:")
    x, h = st.columns(2)
    x.download_button("Meeting pack (XLSX)", data=lambda: meeting.pack_xlsx(pack),
                      file_name=pack.file_name("xlsx"), on_click="ignore",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="meeting_pack_xlsx", width="stretch")
    h.download_button("Meeting pack (HTML)", data=lambda: meeting.pack_html(pack),
                      file_name=pack.file_name("html"), on_click="ignore", mime="text/html",
                      key="meeting_pack_html", width="stretch")
st.caption(f"as of {day(T)} · " + ("contacts masked while presenting" if masked
                                   else "contacts shown"))
