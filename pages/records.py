"""The dashboard's records: the own store of the data contract (hub_data.store) — review
meetings, steward hours, Excel open times, requirements, the load history and survey answers,
what only the dashboard knows — shown table by table with downloads, the forms that record a
survey answer and a review meeting held without meeting mode, and the admins' backup and
restore of the whole store (ui.md, "Roles", "Tables and downloads").

Readings where the specs are silent:
- The store lives in ``settings.state_dir``; nothing on this page writes the Hub workbooks or
  the ERP export. Every write goes through :class:`hub_data.store.Store` (atomic, validated).
- Who may enter a **survey answer** for a division: whoever may record that division's review
  meeting (its division lead; admins), and data stewards for every division. The survey is
  collected from the people in the room (the review meeting) and keyed in by whoever runs it
  or keeps the data — the lead or a steward; viewers record nothing (ui.md's roles table).
- A **review meeting** form (``Role.may_record('meeting', division)``) is for meetings held
  without meeting mode; meeting mode records its own.
- Tables show newest first: by the table's date column, ties in reverse recording order.
- Backup (a zip of one Parquet file per table, exact values) and restore are for admins only
  (``Role.may_record('backup')``); restore replaces every table and needs a confirmation.
- XLSX and CSV downloads are for people (metrics.exports: every text cell formula-safe);
  the Parquet backup is the exact copy and is the only thing restore accepts.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd
import streamlit as st

from hub_data import HubDataError
from hub_data.access import ADMIN, STEWARD
from hub_data.store import COLUMNS, TABLE_NAMES, Store
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import day
from pages._common import (FORM_FLASH, divisions_in_order, export_stamp, form_problems,
                           md_escape, metrics_cursor, record_row, setup)

FLASH = FORM_FLASH
RESTORE_ERROR = "records_restore_error"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LABELS = {"review_meetings": "Review meetings", "steward_hours": "Steward hours",
          "open_times": "Open times", "requirements": "Requirements",
          "load_history": "Load history", "survey_answers": "Survey answers"}
ABOUT = {
    "review_meetings": "Weekly review meetings: whether the Hub was used, who came, what "
                       "was decided (meeting mode and the form below).",
    "steward_hours": "Hours data stewards spent keeping each division's Hub clean, per week "
                     "(recorded on CRM readiness).",
    "open_times": "How long a Hub workbook took to open in Excel (recorded on CRM "
                  "readiness).",
    "requirements": "The CRM requirements log (recorded on CRM readiness).",
    "load_history": "Every file the dashboard has read: size, rows and seconds per load.",
    "survey_answers": "Stakeholder survey answers entered here: ease of use and value, 1–5.",
}
# The column that says when a row happened; the table shows the newest first.
WHEN = {"review_meetings": "held_on", "steward_hours": "week_start",
        "open_times": "measured_at", "requirements": "raised_on",
        "load_history": "loaded_at", "survey_answers": "answered_on"}
NUMBER_FORMATS = {"hours": "%.1f", "seconds": "%.1f", "size_bytes": "%d", "rows": "%d",
                  "attendees": "%d", "ease_of_use": "%d", "value": "%d"}
EASE_WORDS = {1: "very hard", 5: "very easy"}
VALUE_WORDS = {1: "no value", 5: "great value"}

ctx = setup("The dashboard's records")
T = ctx.as_of
store = Store.for_settings(ctx.settings)

st.markdown(
    "The dashboard keeps its **own records** — what only the dashboard knows: review meetings, "
    "steward hours, Excel open times, CRM requirements, the load history and survey answers. "
    f"They live in <code>{md_escape(html.escape(str(ctx.settings.state_dir)))}</code> (the state "
    "folder). The Hub workbooks and the ERP export are only ever read, never written.",
    unsafe_allow_html=True)


def _label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def newest_first(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by the table's date column, newest first; ties (and missing dates, last) keep the
    reverse of the order recorded, so the latest entry of a day comes first."""
    reverse = frame.iloc[::-1]
    when = pd.to_datetime(reverse[WHEN[table]], errors="coerce")
    order = when.sort_values(ascending=False, kind="stable", na_position="last").index
    return reverse.loc[order].reset_index(drop=True)


def column_config(table: str) -> dict[str, Any]:
    """Words for the headers, dates as ``15 Jun 2026``, times with the hour, numbers plain."""
    config: dict[str, Any] = {}
    for column, kind in COLUMNS[table].items():
        label = _label(column)
        if kind == "DATE":
            config[column] = st.column_config.DateColumn(label, format="D MMM YYYY")
        elif kind == "TIMESTAMP":
            config[column] = st.column_config.DatetimeColumn(label, format="D MMM YYYY, HH:mm")
        elif kind == "BOOLEAN":
            config[column] = st.column_config.CheckboxColumn(label)
        elif column in NUMBER_FORMATS:
            config[column] = st.column_config.NumberColumn(label, format=NUMBER_FORMATS[column])
        else:
            config[column] = st.column_config.TextColumn(
                label, width="medium" if column in ("decisions", "actions", "pain_point",
                                                   "comments") else None)
    return config


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for XLSX/CSV: headers in words, missing values empty (not ``<NA>``)."""
    out = frame.astype(object).where(frame.notna(), None)
    return out.rename(columns=_label)



def _restore() -> None:
    """The Restore button's callback (before the page reruns, so the tables below already
    show the restored rows): replace the store with the uploaded backup, or say why not."""
    uploaded = st.session_state.get("records_restore_file")
    if uploaded is None or not st.session_state.get("records_restore_confirm"):
        st.session_state[RESTORE_ERROR] = ("Choose a backup file and tick the box to confirm "
                                           "that it replaces every record.")
        return
    try:
        counts = store.restore(uploaded.getvalue())
    except (ValueError, HubDataError) as exc:
        st.session_state[RESTORE_ERROR] = str(exc)
        return
    st.session_state["records_restore_confirm"] = False
    st.session_state[FLASH] = (
        f"Restored the store from {uploaded.name}: "
        + ", ".join(f"{LABELS[t].lower()} {n:,} row{'s' * (n != 1)}" for t, n in counts.items())
        + ".")


# ---------------------------------------------------------------------------------- tables
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(md_escape(flash), icon=":material/check_circle:")
try:
    frames = store.read_all()
except HubDataError as exc:
    st.error(f"**The dashboard's records cannot be read.** {md_escape(exc)}",
             icon=":material/block:")
    st.stop()
if store.recovered:
    st.warning(md_escape(store.recovered), icon=":material/warning:")

table = st.segmented_control(
    "Table", TABLE_NAMES, default=TABLE_NAMES[0], key="records_table",
    format_func=lambda t: f"{LABELS[t]} ({len(frames[t]):,})") or TABLE_NAMES[0]
frame = frames[table]
st.caption(md_escape(ABOUT[table]) + " Newest first.")
if frame.empty:
    st.info(f"No {LABELS[table].lower()} recorded yet.", icon=":material/info:")
else:
    st.dataframe(newest_first(table, frame), hide_index=True, width="stretch", height=360,
                 column_config=column_config(table), key=f"records_frame_{table}")
stamp = export_stamp(ctx)
row = st.columns([1, 1, 1.4, 3.6], vertical_alignment="center")
row[0].download_button(
    "XLSX", lambda: to_xlsx({LABELS[table]: for_people(newest_first(table, frame))},
                            title=f"The dashboard's records · {LABELS[table]}", stamp=stamp),
    file_name=file_name(f"records-{table}", T, "xlsx"), mime=XLSX, on_click="ignore",
    key="records_xlsx", icon=":material/download:", width="stretch",
    help="The table shown, formula-safe.")
row[1].download_button(
    "CSV", lambda: to_csv(for_people(newest_first(table, frame))),
    file_name=file_name(f"records-{table}", T, "csv"), mime="text/csv", on_click="ignore",
    key="records_csv", icon=":material/download:", width="stretch",
    help="The table shown, formula-safe.")
row[2].download_button(
    "All tables", lambda: to_xlsx(
        {LABELS[t]: for_people(newest_first(t, frames[t])) for t in TABLE_NAMES},
        title="The dashboard's records", stamp=stamp),
    file_name=file_name("records-all-tables", T, "xlsx"), mime=XLSX, on_click="ignore",
    key="records_xlsx_all", icon=":material/download:", width="stretch",
    help="Every table in one XLSX, a sheet per table.")
row[3].caption(f"For people to read (every text cell is formula-safe), stamped {stamp}. "
               "To keep an exact copy, admins use the backup below.")


# ----------------------------------------------------------------------------------- forms
def survey_form(divisions: list[str]) -> None:
    """answered_on, division, ease of use and value (1–5, chosen: no default, so nobody
    records a rating by accident), comments → one row of survey_answers."""
    asked = (st.query_params.get("division") or "").casefold()
    index = next((i for i, d in enumerate(divisions) if d.casefold() == asked), 0)
    with st.form("records_survey_form"):
        a, b = st.columns(2)
        answered_on = a.date_input("Answered on", value=T, format="DD/MM/YYYY",
                                   key="records_survey_date")
        division = b.selectbox("Division", divisions, index=index, key="records_survey_division")
        c, d = st.columns(2)
        ease = c.radio("Ease of use (1–5)", [1, 2, 3, 4, 5], index=None, horizontal=True,
                       captions=[EASE_WORDS.get(v, "") for v in range(1, 6)],
                       key="records_survey_ease",
                       help="How easy is the Hub to use? 1 very hard … 5 very easy.")
        value = d.radio("Value (1–5)", [1, 2, 3, 4, 5], index=None, horizontal=True,
                        captions=[VALUE_WORDS.get(v, "") for v in range(1, 6)],
                        key="records_survey_value",
                        help="How much does the Hub help the work? 1 no value … 5 great value.")
        comments = st.text_area("Comments (optional)", key="records_survey_comments",
                                max_chars=1000, height=80)
        submitted = st.form_submit_button("Record survey answer", type="primary",
                                          key="records_survey_submit")
    if submitted and not form_problems(
            (["Choose an ease-of-use rating from 1 to 5."] if ease is None else [])
            + (["Choose a value rating from 1 to 5."] if value is None else [])):
        record_row(store, "survey_answers",
                   {"answered_on": answered_on, "division": division, "ease_of_use": ease,
                    "value": value, "comments": comments.strip() or None},
                   f"Recorded a survey answer for {division} of {day(answered_on)}: ease of use "
                   f"{ease}, value {value}.")


def meeting_form(divisions: list[str]) -> None:
    """A review meeting held without meeting mode → one row of review_meetings."""
    st.caption("Meetings run in meeting mode are recorded there; record here a review "
               "meeting held without it.")
    with st.form("records_meeting_form"):
        a, b, c = st.columns(3)
        division = a.selectbox("Division", divisions, key="records_meeting_division")
        held_on = b.date_input("Held on", value=T, format="DD/MM/YYYY",
                               key="records_meeting_date")
        used = c.radio("Did the meeting use the Hub?", ["Yes", "No"], horizontal=True,
                       key="records_meeting_used",
                       help="Yes when the review was run from the Hub or this dashboard.")
        d, e = st.columns([1, 2])
        attendees = d.number_input("Attendees", min_value=0, step=1, value=None,
                                   key="records_meeting_attendees")
        recorded_by = e.text_input("Recorded by", value=ctx.role.email or "", max_chars=120,
                                   key="records_meeting_by")
        decisions = st.text_area("Decisions", key="records_meeting_decisions",
                                 max_chars=2000, height=80)
        actions = st.text_area("Actions (who does what)", key="records_meeting_actions",
                               max_chars=2000, height=80)
        submitted = st.form_submit_button("Record review meeting", type="primary",
                                          key="records_meeting_submit")
    if submitted and not form_problems(
            (["Enter how many people attended."] if attendees is None else [])
            + (["Say who records the meeting."] if not recorded_by.strip() else [])):
        record_row(store, "review_meetings",
                   {"division": division, "held_on": held_on, "used_hub": used == "Yes",
                    "attendees": int(attendees), "decisions": decisions.strip() or None,
                    "actions": actions.strip() or None, "recorded_by": recorded_by.strip(),
                    "recorded_at": dt.datetime.now().replace(microsecond=0)},
                   f"Recorded the {division} review meeting of {day(held_on)}.")


st.subheader("Record")
divisions = divisions_in_order(ctx, metrics_cursor(ctx))
meeting_divisions = [d for d in divisions if ctx.role.may_record("meeting", d)]
survey_divisions = (divisions if ctx.role.name in (STEWARD, ADMIN) else meeting_divisions)
forms = {"Survey answer": survey_divisions, "Review meeting": meeting_divisions}
allowed = [name for name, shown in forms.items() if shown]
if not allowed:
    st.caption(f"Survey answers are recorded by division leads, data stewards and admins; "
               f"review meetings by division leads and admins. You are signed in as "
               f"{md_escape(ctx.role.label)}.")
else:
    for tab, name in zip(st.tabs(allowed), allowed):
        with tab:
            if name == "Survey answer":
                survey_form(survey_divisions)
            else:
                meeting_form(meeting_divisions)

# --------------------------------------------------------------------- backup and restore
st.subheader("Backup and restore")
if not ctx.role.may_record("backup"):
    st.caption("Only admins (P&BI) back up and restore the dashboard's records.")
else:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("Every table as a zip of Parquet files: exact values and types, the one "
                    "file restore accepts.")
        st.download_button(
            "Back up the store", lambda: store.backup(),
            file_name=file_name("hub-dashboard-store", T, "zip"), mime="application/zip",
            on_click="ignore", key="records_backup", type="primary",
            icon=":material/download:")
    with right:
        st.file_uploader("Backup file (.zip)", type=["zip"], key="records_restore_file",
                         help="A file made by “Back up the store”.")
        st.checkbox("Yes, replace every record", key="records_restore_confirm",
                    help="Restore replaces every table with the backup's rows; what was "
                         "recorded since the backup is gone.")
        st.button("Restore", key="records_restore", icon=":material/restore:",
                  on_click=_restore)
        problem = st.session_state.pop(RESTORE_ERROR, None)
        if problem:
            st.error(f"**Not restored.** {md_escape(problem)}", icon=":material/block:")

