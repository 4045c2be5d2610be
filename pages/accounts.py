"""Accounts: search first (a company name, fuzzy; an Account or ERP Customer ID), then the
account's card: owners (Hub vs ERP), contacts, interaction timeline, ERP sales and quotes and
the open next actions. Renders only; metrics.accounts computes. ``?q=`` opens a search,
``?account=ACC-1`` an account."""
from __future__ import annotations

import datetime as dt
import html

import duckdb
import pandas as pd
import streamlit as st

from hub_data.privacy import mask_frame
from metrics import accounts
from metrics.exports import file_name, to_xlsx
from metrics.formatting import day, naira, naira_compact
from pages._common import data_version, export_stamp, md_escape, metrics_cursor, setup

ctx = setup("Accounts")
cur, T = metrics_cursor(ctx), ctx.as_of
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWS = ["Timeline", "Contacts", "ERP sales & quotes", "Next actions"]


@st.cache_data(max_entries=64, show_spinner=False)
def search(_cur: duckdb.DuckDBPyConnection, version: str, query: str) -> pd.DataFrame:
    return accounts.search_accounts(_cur, query)


@st.cache_data(max_entries=32, show_spinner="Opening the account…")
def detail(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
           account_id: str) -> accounts.AccountDetail | None:
    return accounts.account_detail(_cur, account_id, as_of=as_of)


if "accounts_query" not in st.session_state:
    st.session_state["accounts_query"] = (st.query_params.get("q")
                                          or st.query_params.get("account") or "")
find, pick = st.columns([2, 3], vertical_alignment="bottom")
query = find.text_input("Find an account", placeholder="Type a company name…",
                        key="accounts_query",
                        help="Close spellings are found too (\"dangote cemnt\"); Ltd, Plc, "
                             "accents and punctuation do not matter. An Account ID or ERP "
                             "Customer ID opens that account.").strip()
if not query:
    st.query_params.pop("q", None)
    st.query_params.pop("account", None)
    st.info("Type part of a company name above — a few letters are enough.",
            icon=":material/search:")
    st.stop()
hits = search(cur, data_version(ctx), query)
if hits.empty:
    st.warning(f"No account name is close to “{md_escape(query)}”. Try fewer letters or "
               "another word of the name.", icon=":material/search_off:")
    st.stop()

ids = list(hits["account_id"])
asked = st.query_params.get("account")
label = {r.account_id: f"{r.company_name} · {r.division or 'no division'} · {r.account_id}"
         for r in hits.itertuples()}
pick_key = f"accounts_pick_{query.casefold()}"
chosen = pick.selectbox(f"{len(hits)} match{'es' * (len(hits) != 1)}, best first", ids,
                        index=ids.index(asked) if asked in ids else 0, key=pick_key,
                        format_func=label.get)
st.query_params["q"], st.query_params["account"] = query, chosen
with st.expander("All matches with their score"):
    st.dataframe(hits, hide_index=True, width="stretch", height=min(36 * len(hits) + 40, 300),
                 column_order=["company_name", "division", "owner", "score", "account_id"],
                 column_config={"company_name": "Company", "division": "Division",
                                "owner": "Account owner", "account_id": "Account ID",
                                "score": st.column_config.ProgressColumn(
                                    "Match", format="%.2f", min_value=0, max_value=1)})

card = detail(cur, data_version(ctx), T, chosen)
if card is None:  # the data changed under the cached search
    st.warning("That account is no longer in the Hub.", icon=":material/search_off:")
    st.stop()
a = card.account
division = a["division"] if isinstance(a["division"], str) else None
st.subheader(md_escape(a["company_name"] or a["account_id"]))
kind = a["account_type"] if isinstance(a["account_type"], str) else "no type"
st.caption(" · ".join(md_escape(x) for x in (
    a["account_id"], division or "no division", kind, a["industry"], a["address"])
    if isinstance(x, str)))


def tile(where, label: str, value: str, detail: str, help: str | None = None) -> None:
    """A fact tile: label, value (names wrap rather than being cut), a line under it."""
    with where.container(border=True):
        st.markdown(
            f"<div style='font-size:1.05rem;font-weight:600'>{html.escape(label)}</div>"
            f"<div style='font-size:1.9rem;font-weight:700;color:#111827;line-height:1.2'>"
            f"{html.escape(value)}</div><div style='font-size:0.95rem;color:#374151'>"
            f"{html.escape(detail)}</div>", unsafe_allow_html=True, help=help)


tiles, last = st.columns(4), a["last_interaction"]
tile(tiles[0], "Hub owner", a["owner"] if isinstance(a["owner"], str) else "none",
     "Account Owner" + (" · orphan" if a["orphan"] else ""),
     "Account Owner in the Hub's Accounts sheet.")
tile(tiles[1], "ERP owner", a["erp_owner"] if isinstance(a["erp_owner"], str) else "none",
     "✗ differs from the Hub" if a["conflict"] else "largest sale, 12 months",
     "Salesperson of the largest ERP sale to this customer in the last 12 months.")
tile(tiles[2], "Last interaction", "never" if pd.isna(last) else day(last),
     "" if pd.isna(last) else f"{(T - last.date()).days} days before {day(T)}")
tile(tiles[3], "Sales, 12 months", naira_compact(card.sales_12m),
     f"{card.sales_12m_count} sales · {naira(card.sales_12m)}",
     "ERP sales with an amount above zero in the last 12 months.")
say = st.warning if a["conflict"] or a["orphan"] else st.success
say(md_escape(a["owner_words"]), icon=":material/person_alert:" if a["conflict"] or
    a["orphan"] else ":material/how_to_reg:")
erp_id = a["erp_customer_id"]
st.markdown((f"**ERP customer** {md_escape(erp_id)}"
             + (f" · {md_escape(a['customer_name'])}" if isinstance(a["customer_name"], str)
                else " · not in the ERP customers export")) if isinstance(erp_id, str)
            else "**ERP customer:** none — this account has no ERP Customer ID.")
st.markdown(f"**Next action:** {md_escape(accounts.next_action_words(card.actions))}")

contacts = card.contacts if ctx.role.sees_contacts(division) else mask_frame(card.contacts)
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="accounts_view") or VIEWS[0]
when = "D MMM YYYY HH:mm"
if view == "Timeline" and card.timeline.empty:
    st.info("No interactions logged for this account up to the as-of date.",
            icon=":material/info:")
elif view == "Timeline":
    st.plotly_chart(accounts.fig_timeline(card.timeline, division), key="accounts_timeline",
                    theme=None, config={"displayModeBar": False})
    st.dataframe(card.timeline, hide_index=True, width="stretch",
                 height=min(360, 37 * len(card.timeline) + 46),
                 column_config={**accounts.TIMELINE_COLUMNS,
                                "date": st.column_config.DatetimeColumn("Date", format=when),
                                "due_date": st.column_config.DateColumn("Due", format="D MMM"),
                                "notes": st.column_config.TextColumn("Notes", width="large")})
elif view == "Contacts":
    st.dataframe(contacts, hide_index=True, width="stretch",
                 column_config={**accounts.CONTACT_COLUMNS,
                                "last_interaction": st.column_config.DatetimeColumn(
                                    "Last interaction", format=when)})
elif view == "ERP sales & quotes" and not isinstance(erp_id, str):
    st.info("No ERP Customer ID: nothing to show from the ERP.", icon=":material/info:")
elif view == "ERP sales & quotes":
    money = st.column_config.NumberColumn("Amount (₦)", format="localized")
    st.markdown(f"**Sales** ({len(card.sales)}, newest first) · {naira(card.sales_12m)} in "
                "the last 12 months")
    st.dataframe(card.sales, hide_index=True, width="stretch", height=260, column_config={
        **accounts.SALES_COLUMNS, "amount": money,
        "date": st.column_config.DateColumn("Date", format="D MMM YYYY")})
    st.markdown(f"**Quotes** ({len(card.quotes)}, newest first)")
    st.dataframe(card.quotes, hide_index=True, width="stretch", column_config={
        **accounts.QUOTE_COLUMNS, "amount": money,
        "date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
        "closed_date": st.column_config.DateColumn("Closed", format="D MMM YYYY")})
elif view == "Next actions" and card.actions.empty:
    st.info("No interactions up to the as-of date, so no next action.", icon=":material/info:")
else:
    st.dataframe(accounts.actions_table(card.actions), hide_index=True, width="stretch",
                 column_config={"Last interaction": st.column_config.DatetimeColumn(
                                    format=when),
                                "Due": st.column_config.DateColumn(format="D MMM YYYY")})

stamp = export_stamp(ctx)
st.download_button(
    "Download this account (Excel)", icon=":material/download:", on_click="ignore", mime=XLSX,
    data=lambda: to_xlsx(accounts.account_sheets(card, contacts), title=a["company_name"],
                         stamp=stamp),
    file_name=file_name(f"account {a['account_id']}", T, "xlsx"), key="accounts_download")
