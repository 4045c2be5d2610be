"""CRM readiness: the three CRM-review triggers as gauges with their history and projected
crossing date, "CRM review due" when any two fire, the CRM requirements log ranked by
evidence with the CRM Requirements Document (Excel, Markdown, web page), and the forms that
record steward hours, Excel open times and requirements in the dashboard's store (metrics.md,
"CRM-review triggers"; ui.md; numbers from metrics.crm_readiness and metrics.triggers).

Forms write only to the dashboard's store (hub_data.store), never to the data folder's
workbooks; what each role may record follows hub_data.access.Role.may_record.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Any, Mapping

import duckdb
import pandas as pd
import streamlit as st

from hub_data import HubDataError, Settings
from hub_data.store import Store
from metrics import crm_readiness as crm
from metrics.calendar import monday
from metrics.charts import STATUS_COLOURS
from metrics.exports import file_name
from metrics.formatting import day
from metrics.report import report_divisions
from pages._common import (FORM_FLASH, data_version, form_problems, md_escape, metrics_cursor,
                           record_row, setup)

FLASH = FORM_FLASH
OTHER_WORKBOOK = "Another workbook (type its name below)"
CHART_CONFIG = {"displayModeBar": False}

ctx = setup("CRM readiness")
cur = metrics_cursor(ctx)
VERSION, T = data_version(ctx), ctx.as_of


@st.cache_data(show_spinner=False, max_entries=16)
def _readiness(_cur: duckdb.DuckDBPyConnection, _settings: Settings, version: str,
               as_of: dt.date) -> crm.Readiness:
    """Triggers and histories, once per (data version, as-of date)."""
    return crm.readiness(_cur, as_of=as_of, settings=_settings)


@st.cache_data(show_spinner=False, max_entries=16)
def _log(_cur: duckdb.DuckDBPyConnection, _settings: Settings, _triggers: Mapping[str, Any],
         version: str, as_of: dt.date) -> pd.DataFrame:
    """The requirements log with its live evidence, once per (data version, as-of date)."""
    return crm.requirements_log(_cur, as_of=as_of, settings=_settings, triggers=_triggers)


view = _readiness(cur, ctx.settings, VERSION, T)
log = _log(cur, ctx.settings, view.triggers, VERSION, T)

due, words = crm.banner(view)
if due:
    st.error(f"#### {md_escape(words)}", icon=":material/priority_high:")
else:
    st.success(f"**{md_escape(words)}**", icon=":material/check_circle:")


# ------------------------------------------------------------------ gauges and histories
def _words_block(trigger_id: str, trigger: Mapping[str, Any]) -> str:
    """The gauge's value in words and its status word with icon, in the status colour."""
    status, key = crm.fired_words(trigger)
    colour = STATUS_COLOURS[key]
    detail = (f"<div style='font-size:1rem;color:#374151'>"
              f"{html.escape(crm.gauge_detail(trigger))}</div>"
              if trigger_id == "steward_hours" and trigger["value"] is not None else "")
    return (f"<div style='font-size:1.35rem;font-weight:700;line-height:1.3'>"
            f"{html.escape(crm.gauge_words(trigger_id, trigger, detail=False))}</div>"
            f"<div style='font-size:1.15rem;font-weight:700;color:{colour}'>"
            f"{html.escape(status)}</div>{detail}")


columns = st.columns(len(crm.TRIGGERS), gap="medium")
for column, (trigger_id, spec) in zip(columns, crm.TRIGGERS.items()):
    trigger, history = view.triggers[trigger_id], view.histories[trigger_id]
    with column:
        with st.container(border=True):
            st.markdown(f"<div style='font-size:1.3rem;font-weight:600'>"
                        f"{html.escape(spec.label)}</div>", unsafe_allow_html=True,
                        help=f"The {spec.measure}. Fires above "
                             f"{crm.threshold_text(trigger_id, trigger['threshold'])} "
                             "(thresholds in settings.toml).")
            st.plotly_chart(crm.fig_gauge(trigger_id, trigger), key=f"crm_gauge_{trigger_id}",
                            theme=None, config=CHART_CONFIG)
            st.markdown(_words_block(trigger_id, trigger), unsafe_allow_html=True)
            if trigger_id == "open_time_s":
                st.caption(f"Beside it: this dashboard read the data in "
                           f"{ctx.hub.seconds:.1f} s.")
        st.plotly_chart(crm.fig_history(history, as_of=T), key=f"crm_history_{trigger_id}",
                        theme=None, config=CHART_CONFIG)
        legend = crm.series_colours(history)
        if legend:
            st.markdown(" ".join(
                f"<span style='white-space:nowrap;margin-right:.6rem'><span style='color:"
                f"{colour};font-size:1.2rem'>●</span> {html.escape(name)}</span>"
                for name, colour in legend), unsafe_allow_html=True)
        st.caption(md_escape(crm.projection_words(history, T)))
st.caption("Projections: a least-squares line through the points shown (at least 3), the "
           "date it reaches the threshold. File size: the largest Hub workbook's loads; open "
           "time: the measurements of the workbook last measured (hollow points are other "
           "workbooks); steward hours: each division's weekly hours.")

# ----------------------------------------------------------------------- requirements log
st.subheader("CRM requirements log")
st.caption(md_escape(crm.RANK_RULE))
if log.empty:
    st.info("No requirement recorded yet: division leads add them with the form below.",
            icon=":material/info:")
else:
    st.dataframe(crm.requirement_table(log), hide_index=True, width="stretch",
                 key="crm_requirements_table", column_config={
                     "Rank": st.column_config.NumberColumn(width="small"),
                     "Pain point": st.column_config.TextColumn(width="medium"),
                     "Evidence": st.column_config.TextColumn(width="medium"),
                     "Raised on": st.column_config.DateColumn(format="D MMM YYYY"),
                     "Requirements citing it": st.column_config.NumberColumn(
                         "Citing", help="Requirements citing the same metric.")})

label, left, middle, right = st.columns([1.6, 1, 1, 1], vertical_alignment="center")
label.markdown("**CRM Requirements Document**, ready for vendors:")
doc_args = {"loaded_at": ctx.hub.loaded_at}
left.download_button(
    "Excel", type="primary", icon=":material/download:",
    data=lambda: crm.document_xlsx(view, log, **doc_args),
    file_name=file_name("crm-requirements-document", T, "xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="crm_doc_xlsx", on_click="ignore", width="stretch",
    help="Sheets Requirements (ranked), Triggers and Evidence; every text cell safe.")
middle.download_button(
    "Markdown", icon=":material/download:",
    data=lambda: crm.document_markdown(view, log, **doc_args),
    file_name=file_name("crm-requirements-document", T, "md"), mime="text/markdown",
    key="crm_doc_md", on_click="ignore", width="stretch",
    help="The document as Markdown: paste into an e-mail, a wiki or a vendor portal.")
right.download_button(
    "Web page", icon=":material/download:",
    data=lambda: crm.document_html(view, log, **doc_args),
    file_name=file_name("crm-requirements-document", T, "html"), mime="text/html",
    key="crm_doc_html", on_click="ignore", width="stretch",
    help="One self-contained file that opens offline in any browser.")
st.caption(f"Each file is stamped: {crm.stamp(T, ctx.hub.loaded_at)}.")


# ---------------------------------------------------------------------------------- forms


def steward_hours_form(divisions: list[str]) -> None:
    with st.form("crm_hours_form"):
        a, b = st.columns(2)
        division = a.selectbox("Division", divisions, key="crm_hours_division")
        week = b.date_input("Week starting (a Monday)", value=monday(T), format="DD/MM/YYYY",
                            key="crm_hours_week", help="The Monday the week starts on.")
        c, d = st.columns(2)
        hours = c.number_input("Hours spent keeping the Hub clean", value=None, step=0.5,
                               format="%.1f", key="crm_hours_hours",
                               help="Cleaning, merging duplicates, chasing missing fields: "
                                    "the week's total for this division.")
        steward = d.text_input("Steward", key="crm_hours_steward", max_chars=120)
        submitted = st.form_submit_button("Record steward hours", type="primary",
                                          key="crm_hours_submit")
    if submitted and not form_problems(
            (["Enter the hours spent that week."] if hours is None else [])
            + (["Name the steward who did the work."] if not steward.strip() else [])):
        record_row(Store.for_settings(ctx.settings), "steward_hours",
                   {"division": division, "week_start": week.isoformat(), "hours": hours,
                    "steward": steward.strip(), "recorded_at": dt.datetime.now()},
                   f"Recorded {hours:g} h of steward work for {division}, week of {day(week)}.")


def open_time_form() -> None:
    books = crm.hub_workbooks(cur)
    sizes = dict(zip(books["file"], books["size_bytes"]))
    with st.form("crm_open_form"):
        a, b = st.columns(2)
        chosen = a.selectbox("Workbook", [*books["file"], OTHER_WORKBOOK],
                             key="crm_open_workbook")
        typed = b.text_input("Another workbook's name (used when filled)",
                             key="crm_open_other", max_chars=200)
        c, d, e = st.columns(3)
        seconds = c.number_input("Seconds to open in Excel", value=None, step=0.5,
                                 format="%.1f", key="crm_open_seconds",
                                 help="From double-click to the workbook ready to edit.")
        when = d.date_input("Measured on", value=T, format="DD/MM/YYYY", key="crm_open_date")
        at = e.time_input("At", value=dt.time(9, 0), key="crm_open_time")
        measured_by = st.text_input("Measured by", key="crm_open_by", max_chars=120)
        submitted = st.form_submit_button("Record open time", type="primary",
                                          key="crm_open_submit")
    workbook = typed.strip() or (chosen if chosen != OTHER_WORKBOOK else "")
    if submitted and not form_problems(
            (["Choose a workbook or type its name."] if not workbook else [])
            + (["Enter the seconds it took to open."] if seconds is None else [])
            + (["Say who measured it."] if not measured_by.strip() else [])):
        size = sizes.get(workbook)
        record_row(Store.for_settings(ctx.settings), "open_times",
                   {"measured_at": dt.datetime.combine(when, at), "workbook": workbook,
                    "seconds": seconds, "size_bytes": None if pd.isna(size) else int(size),
                    "measured_by": measured_by.strip()},
                   f"Recorded {seconds:g} s to open {workbook} on {day(when)}.")


def requirement_form(divisions: list[str]) -> None:
    choices = crm.metric_choices()
    with st.form("crm_req_form"):
        pain = st.text_area("Pain point", key="crm_req_pain", max_chars=500, height=80,
                            help="What the Excel Hub cannot do, in the words of who raised it.")
        a, b = st.columns(2)
        division = a.selectbox("Division", divisions, key="crm_req_division")
        raised_by = b.text_input("Raised by", key="crm_req_by", max_chars=120)
        c, d = st.columns([2, 1])
        metric = c.selectbox("Live metric that evidences it", choices, key="crm_req_metric",
                             format_func=lambda m: f"{crm.metric_label(m)} · {m}",
                             help="The number that shows the pain: a CRM-review trigger or "
                                  "a KPI of the registry.")
        raised_on = d.date_input("Raised on", value=T, format="DD/MM/YYYY",
                                 key="crm_req_date")
        st.caption("Recorded with status Open.")
        submitted = st.form_submit_button("Record requirement", type="primary",
                                          key="crm_req_submit")
    if submitted and not form_problems(
            (["Describe the pain point."] if not pain.strip() else [])
            + (["Say who raised it."] if not raised_by.strip() else [])):
        try:
            known = Store.for_settings(ctx.settings).read("requirements")["id"].tolist()
        except HubDataError as exc:
            st.error(f"**Not recorded:** {md_escape(exc)}", icon=":material/block:")
            return
        new_id = crm.next_requirement_id(known)
        record_row(Store.for_settings(ctx.settings), "requirements",
                   {"id": new_id, "raised_on": raised_on, "division": division,
                    "raised_by": raised_by.strip(), "pain_point": pain.strip(),
                    "evidence_metric": metric, "status": "Open"},
                   f"Recorded {new_id} for {division}: it is in the log above, ranked by its "
                   "evidence.")


st.subheader("Record")
divisions = report_divisions(cur)
forms = {"Steward hours": ctx.role.may_record("steward_hours"),
         "Open time": ctx.role.may_record("open_time")}
lead_divisions = [d for d in divisions if ctx.role.may_record("requirement", d)]
forms["Requirement"] = bool(lead_divisions)
allowed = [name for name, ok in forms.items() if ok]
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(md_escape(flash), icon=":material/check_circle:")
if not allowed:
    st.caption(f"Recording is for data stewards (steward hours, open times), division leads "
               f"(their division's requirements) and admins; you are signed in as "
               f"{md_escape(ctx.role.label)}.")
else:
    for tab, name in zip(st.tabs(allowed), allowed):
        with tab:
            if name == "Steward hours":
                steward_hours_form(divisions)
            elif name == "Open time":
                open_time_form()
            else:
                requirement_form(lead_divisions)
    if len(allowed) < len(forms):
        st.caption(f"As {md_escape(ctx.role.label)} you record "
                   f"{', '.join(a.lower() for a in allowed)} here.")
