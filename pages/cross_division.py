"""Cross-division customers (issue 9, part 1): which divisions sold to and talked to each
customer, customers buying from two or more divisions, cross-sell opportunities with the owner
to call, and collaboration across divisions. Renders only: metrics.crossdivision_view
computes."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from metrics import crossdivision_view as cxv
from metrics.formatting import naira_compact, percent
from metrics.report import report_divisions
from metrics.result import MetricOutput
from pages._common import (count_tile, data_version, division_picker, kpi_tile, listed,
                           md_escape, metrics_cursor, setup, table_downloads)

ctx = setup("Cross-division customers")
T, ALL, ANY = ctx.as_of, "All divisions", "Any division"
TABS = ["Largest customers", "All customers", "Cross-sell opportunities", "Collaboration"]
MONEY = "localized"


@st.cache_data(max_entries=8, show_spinner="Matching customers across divisions…")
def load(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date) -> cxv.CrossDivisionView:
    """The page's frames, once per (data version, T)."""
    return cxv.cross_division_view(_cur, as_of=as_of, settings=ctx.settings)


@st.cache_data(max_entries=32, show_spinner=False)
def division_collaboration(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                           division: str) -> MetricOutput:
    """One division's collaboration over the 28 days ending T (its tile)."""
    return cxv.division_collaboration(_cur, as_of=as_of, division=division,
                                      settings=ctx.settings)


def points_change(trend: pd.DataFrame) -> str | None:
    """The last window's share against the one before, in percentage points."""
    now, before = trend["value"].iloc[-1], trend["value"].iloc[-2]
    if pd.isna(now) or pd.isna(before):
        return None
    points = round((now - before) * 100, 1)
    return ("no change vs the 28 days before" if points == 0 else
            f"{points:+.1f} pts vs the 28 days before".replace("-", "−"))


cur, version = metrics_cursor(ctx), data_version(ctx)
view = load(cur, version, T)
division = division_picker(
    report_divisions(cur), key="cross_division_division", all_label=ALL, where=st.sidebar,
    help="Who should this division call? Narrows the cross-sell opportunities to customers it "
         "has neither sold to nor talked to, and shows its own collaboration. Add "
         "?division=Power to a link to open the page on Power.")
missing = view.sales_missing
erp_folder = ctx.settings.data_dir / "erp"
if missing:
    st.warning(f"**No ERP sales:** {md_escape(missing)}. Looked in {md_escape(erp_folder)}. "
               "Which divisions sold to a customer, and so the cross-sell opportunities, need "
               "the ERP sales export; collaboration below uses the Hub alone.",
               icon=":material/warning:")

opportunities = cxv.filter_opportunities(view.opportunities, division=division)
stake = cxv.opportunity_summary(opportunities)
customers = view.customers.result
collab = (view.collaboration if division is None else
          division_collaboration(cur, version, T, division)).result
trend = view.collaboration_trend if division is None else view.trends[division]
who = f"{division}'s" if division else "all"
no_sales = "no ERP sales export in erp/"

tiles = st.columns(4, gap="small")
with tiles[0]:
    kpi_tile("Buying from 2+ divisions", customers, unit="ratio",
             min_n=ctx.settings.min_n,
             detail=f"{customers.numerator or 0:,} of {customers.denominator or 0:,} buying "
                    "customers · 12 months",
             reason=no_sales if missing else "no customer bought in the last 12 months",
             help="ERP customers with sales (Amount > 0) from two or more divisions in the "
                  "last 12 months ÷ customers with any sale then. No target.")
with tiles[1]:
    count_tile(st, "Cross-sell chances" + (f", {division}" if division else ""),
               "–" if missing else f"{stake['pairs']:,}",
               no_sales if missing else
               f"{stake['customers']:,} customers to call",
               "Customer × division pairs: the customer bought from some division in the last "
               "12 months, and this division has neither sold to it nor logged an "
               "interaction with it then.", fits=6)
with tiles[2]:
    count_tile(st, "Revenue at stake", "–" if missing else naira_compact(stake["revenue"]),
               no_sales if missing else "their revenue, 12 months",
               "The revenue of the customers with an opportunity in the divisions they buy "
               "from (last 12 months), each customer counted once.", fits=6)
with tiles[3]:
    kpi_tile(f"Collaboration{f', {division}' if division else ''}", collab,
             unit="ratio", min_n=ctx.settings.min_n,
             detail=f"{collab.numerator or 0:,} of {collab.denominator or 0:,} interactions "
                    "by another division · 28 days"
                    + (f" · {change}" if (change := points_change(trend)) else ""),
             reason="no interactions by roster members in the last 28 days",
             spark=[None if pd.isna(v) else float(v) for v in trend["value"]],
             help=f"Interactions on {who} accounts logged by a Staff member of another "
                  "division ÷ interactions on them logged by roster members, "
                  f"{view.window.label()}. No target.")

tabs = st.tabs(TABS, default=TABS[2] if division else TABS[0], key="cross_division_tab")

with tabs[0]:
    if view.matrix.empty or (view.matrix["revenue"] <= 0).all():
        st.info("No customer bought anything in the last 12 months." if not missing else
                "Nothing to show without the ERP sales export.", icon=":material/info:")
    else:
        st.plotly_chart(cxv.fig_customer_heatmap(view.matrix, view.divisions),
                        key="cross_division_heatmap", theme=None, config=cxv.CONFIG)
        st.caption("Each cell says what the division did with the customer in the last 12 "
                   "months: sold (an ERP sale), talked (a Hub interaction), both, or nothing. "
                   "The revenue beside each name is all its sales in those 12 months.")

with tabs[1]:
    f = st.columns([1, 1, 1.6, 1.2], vertical_alignment="bottom")
    bought = f[0].selectbox("Bought from", [ANY, *view.divisions], key="cross_division_bought")
    talked = f[1].selectbox("Talked to by", [ANY, *view.divisions], key="cross_division_talked")
    search = f[2].text_input("Search customer", key="cross_division_search",
                             placeholder="Name, ERP ID or Hub account ID")
    cross_only = f[3].toggle("Only 2+ divisions", key="cross_division_cross_only",
                             help="Only customers buying from two or more divisions in the "
                                  "last 12 months.")
    shown = cxv.filter_matrix(view.matrix, bought_from=None if bought == ANY else bought,
                              talked_by=None if talked == ANY else talked, search=search,
                              cross_only=cross_only)
    if view.matrix.empty:
        st.info("No customer bought or was talked to in the last 12 months.",
                icon=":material/info:")
    elif shown.empty:
        st.info("No customer matches these filters.", icon=":material/info:")
    else:
        st.caption(f"{len(shown):,} of {len(view.matrix):,} customers · largest revenue "
                   "first; click a column header to sort. Last 12 months to "
                   f"{T.day} {T:%b %Y}.")
        config = {"customer_name": st.column_config.TextColumn("Customer", width=200,
                                                               pinned=True),
                  **{d: st.column_config.TextColumn(d, width=104) for d in view.divisions},
                  "erp_customer_id": "ERP ID", "account_ids": "Hub accounts",
                  "n_sold": st.column_config.NumberColumn("Divisions sold"),
                  "n_talked": st.column_config.NumberColumn("Divisions talked"),
                  "cross_division": st.column_config.CheckboxColumn("2+ divisions"),
                  "revenue": st.column_config.NumberColumn("Revenue (₦)", format=MONEY),
                  **{cxv.revenue_column(d): st.column_config.NumberColumn(
                      f"{d} (₦)", format=MONEY) for d in view.divisions}}
        st.dataframe(listed(shown, "customers"), hide_index=True, height=460,
                     column_config=config,
                     column_order=["customer_name", "revenue", *view.divisions, "n_sold",
                                   "n_talked", "cross_division",
                                   *map(cxv.revenue_column, view.divisions),
                                   "erp_customer_id", "account_ids"],
                     key="cross_division_matrix")
        table_downloads(ctx, cxv.matrix_export(shown, view.divisions),
                        "cross-division customers", "cross_division_matrix")

with tabs[2]:
    st.markdown(f"#### Who should {md_escape(division)} call?" if division else
                "#### Cross-sell opportunities, all divisions")
    everyone = "Everyone"
    owners = [everyone, *cxv.owner_choices(opportunities)]
    if st.session_state.get("cross_division_owner") not in owners:
        st.session_state["cross_division_owner"] = everyone
    owner = st.columns([1, 2])[0].selectbox(
        "Owner to call", owners, key="cross_division_owner",
        help="The Hub Account Owner of the customer's account (an owner who left or is not "
             "on the roster does not count), else the salesperson of its largest sale in the "
             "last 12 months.")
    picked = cxv.filter_opportunities(opportunities,
                                      owner=None if owner == everyone else owner)
    picked = cxv.mask_phones(picked, ctx.role.sees_contacts)
    if missing:
        st.info("No cross-sell opportunities can be found without the ERP sales export.",
                icon=":material/info:")
    elif not customers.denominator:
        st.info("No customer bought anything in the last 12 months: nothing to cross-sell yet.",
                icon=":material/info:")
    elif picked.empty:
        st.success("No cross-sell opportunities here: every division that could serve these "
                   "customers already sells to them or talks to them.",
                   icon=":material/check_circle:")
    else:
        st.caption(f"{len(picked):,} opportunities with {picked['erp_customer_id'].nunique():,}"
                   " customers, largest revenue first: the customer buys from the divisions "
                   "listed, and the division in “Opportunity for” neither sold to it nor "
                   "logged an interaction with it in the last 12 months. Call the owner for an "
                   "introduction.")
        table = cxv.opportunity_table(picked)
        st.dataframe(table, hide_index=True, height=460, key="cross_division_opportunities",
                     column_config={
                         **cxv.OPPORTUNITY_COLUMNS,
                         "rank": st.column_config.NumberColumn("Rank", width="small"),
                         "customer_name": st.column_config.TextColumn("Customer",
                                                                      width="medium"),
                         "revenue": st.column_config.NumberColumn(
                             "Revenue, 12 months (₦)", format=MONEY)})
        prefix = f"{division} " if division else ""
        table_downloads(ctx, cxv.opportunity_export(picked),
                        f"{prefix}cross-sell opportunities", "cross_division_opps")

with tabs[3]:
    total = view.collaboration.result
    st.markdown("#### Collaboration across divisions")
    st.caption(f"Across all divisions {percent(total.value, 1)} of the interactions logged by "
               f"roster members ({total.numerator or 0:,} of {total.denominator or 0:,}) were "
               "on another division's accounts. Rows: the Staff Division of who logged it; "
               "columns: the account's division.")
    if view.pairs.empty:
        st.info("No interactions by roster members in the last 28 days.", icon=":material/info:")
    else:
        st.plotly_chart(cxv.fig_who_helps_whom(view.grid, view.window),
                        key="cross_division_who_fig", theme=None, config=cxv.CONFIG)
        with st.expander("The counts as a table"):
            st.dataframe(view.grid.reset_index(), hide_index=True,
                         key="cross_division_who_table")
    st.plotly_chart(cxv.fig_collaboration_trend(view.trends, division, ctx.settings.min_n),
                    key="cross_division_trend_fig", theme=None, config=cxv.CONFIG)
    st.caption("Per division: interactions on its accounts logged by staff of another "
               "division ÷ interactions on its accounts by roster members, per 28 days. "
               f"Windows with fewer than {ctx.settings.min_n} interactions are left out (too "
               "few to judge). No target: a rising line means more help across divisions.")
