"""Data status: per file, what was read, what could not be, and what the checks found."""
from __future__ import annotations

import streamlit as st

from metrics import data_status
from metrics.charts import fig_findings_by_code
from metrics.formatting import megabytes
from pages._common import md_escape, setup

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

view = st.segmented_control("Show", ["Files", "Findings by code", "Rows per table"],
                            default="Files", key="data_status_view")

if view == "Findings by code":
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
        "file", "status", "rows", "errors", "warnings", "message", "sheets", "kind", "size",
        "modified_at", "seconds"), column_config={
        "file": st.column_config.TextColumn("File", width="medium"),
        "status": "Status", "kind": "Kind", "sheets": "Sheets found",
        "rows": st.column_config.NumberColumn("Rows loaded", format="%d"),
        "errors": st.column_config.NumberColumn("Errors", format="%d"),
        "warnings": st.column_config.NumberColumn("Warnings", format="%d"),
        "size": "Size",
        "modified_at": st.column_config.DatetimeColumn("Modified", format="D MMM YYYY, HH:mm"),
        "seconds": st.column_config.NumberColumn("Read in (s)", format="%.2f"),
        "message": st.column_config.TextColumn("What to do", width="large")})
    st.caption("Office lock files (~$…) and hidden files are ignored and not listed. "
               "The data contract lists what the folder must contain.")
