"""Data status: per file, what was read, what could not be, and what the checks found; the
master Hub template to download and each workbook's drift from it, with change requests
recorded in the requirements log."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from hub_data import HubDataError
from hub_data.store import Store
from hub_data.template import master_template
from metrics import crm_readiness as crm
from metrics import data_status
from metrics.charts import fig_findings_by_code
from metrics.exports import file_name
from metrics.formatting import megabytes
from metrics.report import report_divisions
from pages._common import (FORM_FLASH, XLSX_MIME, form_problems, md_escape, record_row,
                           setup, table_downloads)

ctx = setup("Data status")
STATUS_ICONS = {"loaded": "✓ loaded", "failed": "✗ failed", "skipped": "– skipped"}

with ctx.hub.cursor() as cur:
    summary = data_status.load_summary(cur)
    files = data_status.file_overview(cur)
    problems = data_status.load_problems(cur)
    table_rows = data_status.table_rows(cur)

total = summary.files_loaded + summary.files_failed + summary.files_skipped
cols = st.columns(4)
cols[0].metric("Files loaded", f"{summary.files_loaded} of {total}",
               help="Hub workbooks, ERP tables, reviews and survey files in the data folder.")
cols[1].metric("Load problems", summary.load_problems,
               help="Files (or settings) that could not be used at all; see below.")
cols[2].metric("Error findings", f"{summary.errors:,}",
               help="Cells or rows that break a rule of the data contract (they still load).")
cols[3].metric("Warnings", f"{summary.warnings:,}",
               help="Worth a look, e.g. a staff name spelled differently from the roster.")

if problems.empty:
    st.success("Every file could be read.", icon=":material/check_circle:")
else:
    st.subheader("What to fix first")
    for row in problems.itertuples():
        st.error(f"**{md_escape(row.file)}** · {row.code.replace('_', ' ').lower()}: "
                 f"{md_escape(row.message)}", icon=":material/block:")

flash = st.session_state.pop(FORM_FLASH, None)
if flash:
    st.success(md_escape(flash), icon=":material/check_circle:")

top = st.container(horizontal=True, vertical_alignment="center")
view = top.segmented_control("Show", ["Files", "Template drift", "Findings by code",
                                      "Rows per table"],
                             default="Files", key="data_status_view")
top.download_button(
    "Master Hub template", lambda: master_template(ctx.as_of),
    file_name=file_name("hub-master-template", ctx.as_of, "xlsx"), mime=XLSX_MIME,
    on_click="ignore", key="data_status_template", icon=":material/download:",
    help="A fresh, empty Interaction Hub workbook generated from the data contract: every "
         "sheet and header, drop-downs from the Lists sheet, IDs kept as text, the structure "
         "protected, and an Interactions table a Microsoft Form can feed (see its Read me "
         "sheet).")


def change_request_form(drift: pd.DataFrame, divisions: list[str]) -> None:
    """Record a change request for one difference in the requirements log (status Open); the
    division follows the chosen difference's workbook (a lead may pick only their own)."""
    labels = {f"{row['file']} · {data_status.drift_words(row)}": i
              for i, row in drift.iterrows()}

    def follow_workbook() -> None:
        division = drift.loc[labels[st.session_state["drift_request_row"]], "division"]
        if division in divisions:
            st.session_state["drift_request_division"] = division

    if st.session_state.get("drift_request_row") not in labels:
        st.session_state["drift_request_row"] = next(iter(labels))
        follow_workbook()
    if st.session_state.get("drift_request_division") not in divisions:
        st.session_state["drift_request_division"] = divisions[0]
    st.session_state.setdefault("drift_request_metric", "steward_hours")
    chosen = labels[st.selectbox("Difference", list(labels), key="drift_request_row",
                                 on_change=follow_workbook)]
    with st.form("drift_request_form"):
        a, b, c = st.columns([1, 1, 1])
        division = a.selectbox(
            "Division", divisions, key="drift_request_division",
            help="The workbook's division by default; the requirement is logged under it.")
        raised_by = b.text_input("Raised by", key="drift_request_by", max_chars=120)
        metric = c.selectbox("Evidence metric", crm.metric_choices(),
                             format_func=crm.metric_label, key="drift_request_metric",
                             help="The number that shows the pain; keeping local template "
                                  "copies in line costs the steward's hours.")
        note = st.text_area("Why the division needs it", key="drift_request_note",
                            max_chars=400, height=70)
        st.caption("Recorded in the requirements log (CRM readiness page) with status Open.")
        submitted = st.form_submit_button("Raise change request", type="primary",
                                          key="drift_request_submit")
    if submitted and not form_problems(["Say who raised it."] if not raised_by.strip() else []):
        row = drift.loc[chosen]
        store = Store.for_settings(ctx.settings)
        try:
            known = store.read("requirements")["id"].tolist()
        except HubDataError as exc:
            st.error(f"**Not recorded:** {md_escape(exc)}", icon=":material/block:")
            return
        new_id = crm.next_requirement_id(known)
        record_row(store, "requirements",
                   {"id": new_id, "raised_on": ctx.as_of, "division": division,
                    "raised_by": raised_by.strip(),
                    "pain_point": data_status.change_request(row, note),
                    "evidence_metric": metric, "status": "Open"},
                   f"Recorded {new_id} for {division}: {data_status.drift_words(row)} "
                   f"in {row['file']}.")


if view == "Template drift":
    with ctx.hub.cursor() as cur:
        drift = data_status.template_drift(cur)
        divisions = report_divisions(cur)
    workbooks = files.loc[files["kind"] == "hub workbook", "file"].tolist()
    if not workbooks:
        st.info("No Hub workbook is loaded, so there is nothing to compare with the master "
                "template.", icon=":material/info:")
    elif drift.empty:
        st.success(f"Every Hub workbook ({len(workbooks)}) matches the master template.",
                   icon=":material/check_circle:")
    else:
        same = len(set(workbooks) - set(drift["file"]))
        st.markdown(f"**{len(drift)} differences** from the master template in "
                    f"{drift['file'].nunique()} of {len(workbooks)} workbooks"
                    + (f"; {same} match it exactly." if same else "."))
        chosen = st.selectbox("Workbook", ["All workbooks", *sorted(drift["file"].unique())],
                              key="data_status_drift_file")
        shown = drift if chosen == "All workbooks" else drift[drift["file"] == chosen]
        st.dataframe(shown, hide_index=True, width="stretch", key="data_status_drift",
                     column_order=("file", "division", "change", "sheet", "found", "master",
                                   "message"), column_config={
            "file": st.column_config.TextColumn("Workbook", width="medium"),
            "division": "Division", "change": "Change", "sheet": "Sheet",
            "found": "In the workbook", "master": "Master (closest)",
            "message": st.column_config.TextColumn("What it means", width="large")})
        table_downloads(ctx, shown.drop(columns=["kind"]), "template-drift", "drift_download")
        st.subheader("Raise a change request")
        allowed = [d for d in divisions if ctx.role.may_record("requirement", d)]
        if not allowed:
            st.caption("Change requests are recorded by division leads (for their division) "
                       f"and admins; you are signed in as {md_escape(ctx.role.label)}.")
        else:
            shown = shown[shown["division"].isin(allowed) | shown["division"].isna()] \
                if ctx.role.name != "admin" else shown
            if shown.empty:
                st.caption("None of these differences is in a division you lead.")
            else:
                change_request_form(shown, allowed)
    st.caption("The master template is the data contract's layout. Headers that differ only "
               "in case, spacing, '_' or '-' are the same header; the leading columns of a "
               "Microsoft Forms table are accepted on the Interactions sheet.")
elif view == "Findings by code":
    choices = ["All files", *files.loc[files["status"] == "loaded", "file"]]
    chosen = st.selectbox("File", choices, key="data_status_file")
    with ctx.hub.cursor() as cur:
        codes = data_status.findings_by_code(cur, None if chosen == "All files" else chosen)
    if codes.empty:
        st.success("No findings: every row follows the contract.", icon=":material/check_circle:")
    else:
        st.plotly_chart(fig_findings_by_code(codes), key="data_status_codes", theme=None,
                        config={"displayModeBar": False})
        st.dataframe(codes, hide_index=True, width="stretch", column_config={
            "code": "Code", "entry_error": st.column_config.CheckboxColumn(
                "Entry error", help="Counts in the pilot's data-quality error rate"),
            "severity": "Severity", "table": "Table",
            "findings": st.column_config.NumberColumn("Findings", format="%d"),
            "files": st.column_config.NumberColumn("Files", format="%d"),
            "example": st.column_config.TextColumn("Example message", width="large")})
elif view == "Rows per table":
    st.dataframe([{"table": name, "rows": rows} for name, rows in table_rows.items()],
                 hide_index=True, column_config={
                     "table": "Table", "rows": st.column_config.NumberColumn("Rows", format="%d")})
    st.caption("ERP sales count documents: lines that share a Document ID are one document.")
else:
    shown = files.assign(status=files["status"].map(STATUS_ICONS),
                         size=files["size_bytes"].map(megabytes))
    st.dataframe(shown, hide_index=True, width="stretch", column_order=(
        "file", "status", "rows", "errors", "warnings", "drift", "message", "sheets", "kind",
        "size", "modified_at", "seconds"), column_config={
        "file": st.column_config.TextColumn("File", width="medium"),
        "status": "Status", "kind": "Kind", "sheets": "Sheets found",
        "rows": st.column_config.NumberColumn("Rows loaded", format="%d"),
        "errors": st.column_config.NumberColumn("Errors", format="%d"),
        "warnings": st.column_config.NumberColumn("Warnings", format="%d"),
        "drift": st.column_config.NumberColumn(
            "Template drift", format="%d",
            help="Differences from the master template (Show → Template drift)."),
        "size": "Size",
        "modified_at": st.column_config.DatetimeColumn("Modified", format="D MMM YYYY, HH:mm"),
        "seconds": st.column_config.NumberColumn("Read in (s)", format="%.2f"),
        "message": st.column_config.TextColumn("What to do", width="large")})
    st.caption("Office lock files (~$…) and hidden files are ignored and not listed. "
               "The data contract lists what the folder must contain.")
