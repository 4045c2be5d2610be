"""Account ownership: Hub owner vs ERP owner conflicts, orphan accounts with a proposed owner,
the ERP ⇄ Hub reconciliation and silent revenue, with the proposed reassignment list to take
away (metrics.md "Account ownership", "proposed owner", silent_revenue). Renders only;
metrics.accounts computes."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from metrics import accounts
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import naira, naira_compact
from metrics.report import report_divisions
from pages._common import (count_tile, data_version, division_picker, export_stamp, md_escape,
                           metrics_cursor, setup)

ctx = setup("Account ownership")
cur, T = metrics_cursor(ctx), ctx.as_of
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAMP = export_stamp(ctx)


@st.cache_data(max_entries=8, show_spinner="Comparing the Hub with the ERP…")
def every_division(_cur: duckdb.DuckDBPyConnection, version: str,
                   as_of: dt.date) -> accounts.OwnershipRows:
    """Every division's rows, once per (data version, T): a division only narrows them."""
    return accounts.ownership_rows(_cur, as_of=as_of)


@st.cache_data(max_entries=16, show_spinner=False)
def load(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
         division: str | None) -> accounts.OwnershipView:
    return accounts.ownership_view(as_of=as_of, division=division,
                                   rows=every_division(_cur, version, as_of))


division = division_picker(report_divisions(cur), key="ownership_division",
                           all_label="All divisions", where=st.sidebar,
                           help="Accounts of this division; ERP customers of it or buying "
                                "from it. Add ?division=Power to a link.")
view = load(cur, data_version(ctx), T, division)
prefix = f"{division} " if division else ""


def downloads(frames: dict[str, pd.DataFrame], what: str, key: str, *,
              primary: bool = False) -> None:
    """XLSX (a sheet per table) and CSV (the first table) of what is shown, built on a click."""
    first = next(iter(frames.values()))
    row = st.container(horizontal=True)
    row.download_button(f"{what[0].upper()}{what[1:]} (Excel)" if primary else "Download XLSX",
                        lambda: to_xlsx(frames, title=f"{prefix}{what}", stamp=STAMP),
                        file_name=file_name(f"{prefix}{what}", T, "xlsx"), mime=XLSX,
                        on_click="ignore", key=f"ownership_{key}_xlsx",
                        type="primary" if primary else "secondary",
                        icon=":material/download:")
    row.download_button("CSV" if primary else "Download CSV", lambda: to_csv(first),
                        file_name=file_name(f"{prefix}{what}", T, "csv"), mime="text/csv",
                        on_click="ignore", key=f"ownership_{key}_csv",
                        icon=":material/download:")


def tile(where, label: str, value: str, detail: str, help: str) -> None:
    count_tile(where, label, value, detail, help, fits=4)   # five in a row


erp = view.erp_loaded
no_erp, ids = "no ERP export in erp/", view.hub_without_erp["link"]
cols = st.columns(5)
tile(cols[0], "Conflicts", f"{view.counts['conflicts']:,}", "Hub owner ≠ ERP owner",
     "Accounts whose Account Owner differs from the salesperson of the largest ERP sale in "
     "the last 12 months.")
tile(cols[1], "Orphans", f"{view.counts['orphans']:,}",
     f"{int(view.orphans['proposed_owner'].notna().sum())} with a proposal",
     "Account Owner blank, not on the Staff roster, or left before the as-of date.")
tile(cols[2], "Not in the Hub", f"{len(view.erp_without_hub):,}" if erp else "–",
     f"{int((view.erp_without_hub['sales'] > 0).sum()):,} bought in 12 months"
     if erp else no_erp,
     "ERP customers with no Hub account: no account names them as its ERP Customer ID.")
tile(cols[3], "No ERP link", f"{len(ids):,}" if erp else "–",
     f"{int((ids == 'unknown_id').sum())} with an unknown ID" if erp else no_erp,
     "Hub accounts with no ERP link: ERP Customer ID blank, or an ID the ERP does not know.")
tile(cols[4], "Silent revenue", f"{len(view.silent):,}" if erp else "–",
     f"{naira_compact(view.silent_total)} in 90 days" if erp
     else no_erp, "Accounts invoiced in the last 90 days with no interaction logged in "
     "those 90 days; the total counts each ERP customer once.")

st.markdown(f"**Proposed reassignment list** — {len(view.reassignments):,} accounts: every "
            "orphan (its proposed owner) and every conflict (the ERP owner), with the reason "
            "and the evidence.")
downloads({"Proposed reassignments": view.reassignments.rename(
    columns=accounts.REASSIGN_COLUMNS)}, "proposed reassignment list", "reassign",
    primary=True)

VIEWS = ["Reassignments", "Conflicts", "Orphans", "Not in the Hub", "No ERP link",
         "Silent revenue"]
shown = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="ownership_view") \
    or VIEWS[0]
table = accounts.ownership_tables(view)[shown]
frame, columns = table.frame, table.columns
if not view.erp_loaded and shown in VIEWS[3:]:
    st.info("No ERP export was loaded (erp/customers, erp/sales, erp/quotes): nothing to "
            "reconcile.", icon=":material/info:")
elif frame.empty:
    st.success(f"Nothing to do for {md_escape(division or 'any division')}: {table.empty}",
               icon=":material/check_circle:")
else:
    st.caption(f"{len(frame):,} rows · {table.sort}")
    if shown == "Silent revenue":
        st.caption(f"Invoiced to these accounts' customers in the last 90 days: "
                   f"{naira(view.silent_total)} (each customer once).")
    config = {c: (st.column_config.NumberColumn(label, format="localized") if "₦" in label
                  else st.column_config.DateColumn(label, format="D MMM YYYY")
                  if pd.api.types.is_datetime64_any_dtype(frame[c])
                  else st.column_config.TextColumn(label, width="large")
                  if c in ("evidence", "reason") else label) for c, label in columns.items()}
    st.dataframe(frame, hide_index=True, width="stretch", height=min(480, 37 * len(frame) + 46),
                 column_order=list(columns), column_config=config, key="ownership_table")
    if shown != "Reassignments":  # its downloads are above, whatever the view
        downloads({table.what: frame[list(columns)].rename(columns=columns)}, table.what,
                  "table")
