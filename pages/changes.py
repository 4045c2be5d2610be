"""What changed since the last review (issue 8): the current Hub tables against the snapshot
taken when a review of the division was recorded in meeting mode — new, edited and deleted
rows, and interactions logged late (back-dated before that review). metrics/changes.py
computes; this page renders."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from hub_data import HubDataError
from hub_data.privacy import EMAIL_COLUMNS, PHONE_COLUMNS, mask_email, mask_frame, mask_phone
from hub_data.review_snapshots import list_review_snapshots, read_review_snapshot
from metrics.changes import TABLES, change_texts, changes_since
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import day, moment
from pages._common import (data_version, division_picker, divisions_in_order, export_stamp,
                           md_escape, metrics_cursor, setup)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_WORDS = {"interactions": "Interactions", "accounts": "Accounts", "contacts": "Contacts",
               "staff": "Staff"}
KIND_WORDS = {"new": "New rows", "edited": "Edited rows", "deleted": "Deleted rows",
              "backdated": "Back-dated interactions"}
KIND_HELP = {
    "new": "Rows in the Hub now that were not there when the review was recorded.",
    "edited": "Rows there then and now with at least one value changed.",
    "deleted": "Rows there when the review was recorded and gone now.",
    "backdated": "New interactions dated before the review's day: logged after the review "
                 "looked at the data (they are among the new rows too).",
}
COLUMN_WORDS = {"interaction_id": "Interaction ID", "date": "Date", "division": "Division",
                "account_id": "Account ID", "contact_id": "Contact ID",
                "interaction_type": "Type", "logged_by": "Logged by", "channel": "Channel",
                "notes": "Notes", "next_action": "Next action", "due_date": "Due",
                "resolved": "Resolved", "logged_at": "Logged at",
                "company_name": "Company", "account_owner": "Owner",
                "account_type": "Account type", "industry": "Industry", "address": "Address",
                "main_phone": "Main phone", "erp_customer_id": "ERP customer ID",
                "full_name": "Name", "job_title": "Job title", "email": "Email",
                "mobile": "Mobile", "name": "Name", "role": "Role",
                "customer_facing": "Customer facing", "start_date": "Start", "leave_date":
                "Leave", "source_file": "File", "source_row": "Excel row",
                "changes": "What changed (old → new)"}

ctx = setup("What changed since the last review")
cur = metrics_cursor(ctx)
divisions = divisions_in_order(ctx, cur)
if not divisions:
    st.info("The Hub has no divisions yet: nothing to compare.", icon=":material/info:")
    st.stop()
division = division_picker(divisions, key="changes_division", where=st.sidebar)
try:
    snapshots = list_review_snapshots(ctx.settings.state_dir, division)
except HubDataError as exc:
    st.error(md_escape(exc), icon=":material/block:")
    st.stop()
if not snapshots:
    st.info(f"**No review of {md_escape(division)} has been recorded yet**, so there is "
            "nothing to compare with. A snapshot of the Hub tables is taken each time a "
            "review is recorded in meeting mode; after the next recorded review this page "
            "shows what was added, edited, deleted or logged late since then.",
            icon=":material/info:")
    st.stop()

newest_first = list(reversed(snapshots))
chosen = st.selectbox(
    "Compare with the review of", range(len(newest_first)), key="changes_review",
    format_func=lambda i: (f"{day(newest_first[i].held_on)} "
                           f"(snapshot saved {moment(newest_first[i].saved_at)})"),
    help="Each recorded review keeps a snapshot of the Hub tables; the latest is the default.")
snapshot = newest_first[chosen or 0]


@st.cache_data(show_spinner="Comparing with the review snapshot…", max_entries=8)
def compare(_cur: Any, _snapshot: Any, version: str, path: str, division: str,
            as_of: dt.date, held_on: dt.date) -> dict[str, Any]:
    """changes_since over the snapshot in ``path`` (cached per data version and snapshot)."""
    tables = read_review_snapshot(_snapshot)
    return changes_since(_cur, tables, division=division, as_of=as_of, last_review=held_on)


try:
    result = compare(cur, snapshot, data_version(ctx), str(snapshot.path), division, ctx.as_of,
                     snapshot.held_on)
except HubDataError as exc:
    st.error(md_escape(exc), icon=":material/block:")
    st.stop()
counts = result["counts"]
sees = ctx.role.sees_contacts(division)

st.caption(f"**{md_escape(division)}** · the Hub now (data loaded {moment(ctx.hub.loaded_at)},"
           f" nothing dated after {day(ctx.as_of)}) against the review of "
           f"{day(snapshot.held_on)}." + ("" if sees else " E-mails and phones are masked."))


def tile(label: str, value: int, detail: str, help: str) -> None:
    """A count tile: label, big number, one line saying what it counts."""
    with st.container(border=True):
        st.markdown(
            f"<div style='font-size:1.15rem;font-weight:600'>{label}</div>"
            f"<div style='font-size:2.9rem;font-weight:700;color:#1f5fbf;line-height:1.15'>"
            f"{value:,}</div><div style='font-size:1rem;color:#374151'>{detail}</div>",
            unsafe_allow_html=True, help=help)


def per_table(kind: str) -> str:
    sizes = {t: len(result["tables"][t][kind]) for t in TABLES}
    parts = [f"{n:,} {TABLE_WORDS[t].lower() if n != 1 else TABLE_WORDS[t].lower()[:-1]}"
             for t, n in sizes.items() if n]
    return " · ".join(parts) or "none"


for column, kind in zip(st.columns(4), ("new", "edited", "deleted", "backdated")):
    with column:
        detail = (f"interactions dated before {day(snapshot.held_on)}" if kind == "backdated"
                  else per_table(kind))
        tile("Back-dated" if kind == "backdated" else KIND_WORDS[kind], counts[kind], detail,
             KIND_HELP[kind])


def mask_value(column: str, value: Any) -> Any:
    if column in EMAIL_COLUMNS:
        return mask_email(value)
    if column in PHONE_COLUMNS:
        return mask_phone(value)
    return value


def shown(frame: pd.DataFrame, kind: str, table: str) -> pd.DataFrame:
    """The rows as people read them: masked for roles that may not see contacts, edited rows
    with their changes, readable column names."""
    out = frame.copy()
    if kind == "edited" and not sees:
        edits = result["tables"][table]["edits"]
        out["changes"] = change_texts(edits, out["_key"], mask_value)
    if not sees:
        out = mask_frame(out)
    out = out.drop(columns=[c for c in ("_key",) if c in out])
    if kind == "edited":
        out = out[["changes", *[c for c in out.columns if c != "changes"]]]
    return out.rename(columns=COLUMN_WORDS)


def frames(kind: str) -> dict[str, pd.DataFrame]:
    if kind == "backdated":
        return {"interactions": shown(result["backdated"], "new", "interactions")}
    return {t: shown(result["tables"][t][kind], kind, t) for t in TABLES}


CONFIG = {"Date": st.column_config.DatetimeColumn("Date", format="D MMM YYYY, HH:mm"),
          "Due": st.column_config.DatetimeColumn("Due", format="D MMM YYYY"),
          "Logged at": st.column_config.DatetimeColumn("Logged at", format="D MMM YYYY, HH:mm"),
          "Start": st.column_config.DateColumn("Start", format="D MMM YYYY"),
          "Leave": st.column_config.DateColumn("Leave", format="D MMM YYYY"),
          "Excel row": st.column_config.NumberColumn("Excel row", format="%d"),
          "What changed (old → new)": st.column_config.TextColumn(width="large")}

kinds = ("new", "edited", "deleted", "backdated")
tabs = st.tabs([f"{KIND_WORDS[k]} ({counts[k]:,})" for k in kinds])
for tab, kind in zip(tabs, kinds):
    with tab:
        st.caption(KIND_HELP[kind])
        if not counts[kind]:
            st.markdown("Nothing of this kind since the review. ✓")
            continue
        for table, frame in frames(kind).items():
            if frame.empty:
                continue
            st.markdown(f"**{TABLE_WORDS[table]}** · {len(frame):,}")
            st.dataframe(frame, hide_index=True, width="stretch", column_config=CONFIG,
                         key=f"changes_{kind}_{table}")


def workbook() -> bytes:
    sheets = {f"{KIND_WORDS[k].split()[0]} {TABLE_WORDS[t].lower()}": f
              for k in kinds for t, f in frames(k).items() if not f.empty}
    summary = pd.DataFrame({"What": [KIND_WORDS[k] for k in kinds],
                            "Rows": [counts[k] for k in kinds]})
    return to_xlsx({"Summary": summary, **sheets},
                   title=f"{division}: what changed since the review of "
                         f"{day(snapshot.held_on)}",
                   stamp=export_stamp(ctx))


def flat() -> pd.DataFrame:
    """Every change in one list: kind, table, the row's id, what changed, where it is."""
    ids = {"interactions": "Interaction ID", "accounts": "Account ID", "contacts": "Contact ID",
           "staff": "Name"}
    rows = []
    for kind in kinds:
        for table, frame in frames(kind).items():
            for _, row in frame.iterrows():
                rows.append({"Kind": KIND_WORDS[kind], "Table": TABLE_WORDS[table],
                             "ID": row.get(ids[table]),
                             "What changed": row.get("What changed (old → new)", ""),
                             "File": row.get("File"), "Excel row": row.get("Excel row")})
    return pd.DataFrame(rows, columns=["Kind", "Table", "ID", "What changed", "File",
                                       "Excel row"])


what = f"{division} changes since {snapshot.held_on.isoformat()}"
left, right, _ = st.columns([1, 1, 4])
left.download_button("Download XLSX", workbook, file_name=file_name(what, ctx.as_of, "xlsx"),
                     mime=XLSX, on_click="ignore", key="changes_xlsx",
                     icon=":material/download:")
right.download_button("Download CSV", lambda: to_csv(flat()),
                      file_name=file_name(what, ctx.as_of, "csv"), mime="text/csv",
                      on_click="ignore", key="changes_csv", icon=":material/download:")
