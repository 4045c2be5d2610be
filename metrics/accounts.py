"""Accounts: the search-first account view and the ownership and ERP ⇄ Hub reconciliation
views (issue 7). Pure functions over a DuckDB cursor, called by pages/accounts.py and
pages/ownership.py; the owners themselves come from :mod:`metrics.ownership`, silent revenue
from :mod:`metrics.crossdivision`, open actions from :mod:`metrics.backlog`.

Spec: metrics.md "Account ownership", "Ownership and backlog", the operational measures
"proposed owner" and "silent_revenue". Readings chosen where the spec is silent:

- **Search** compares normalised names: lower case, accents and punctuation gone, the legal
  forms Ltd, Limited, Plc, Inc, LLC, Co and Company removed, spaces collapsed. An Account ID
  or ERP Customer ID typed exactly (any case) is a perfect hit (score 1); the same name
  scores 0.99; a name containing the typed text 0.90–0.98 (the larger the share of the name
  typed, the higher); otherwise the Jaro-Winkler similarity of the two names, or 0.97 × the
  mean over the typed words of their best Jaro-Winkler similarity with a word of the name
  (word order and extra words then matter less), whichever is higher. Hits score at least
  :data:`MIN_SCORE`.
- **ERP customers** are the IDs of erp/customers (Created Date blank or ≤ T) and the customer
  IDs of sales and quotes dated ≤ T. A customer belongs to a division when its own Division
  is that division or it has a sale (Amount > 0) of that division in (T − 365, T].
- **A Hub account has no ERP link** when its ERP Customer ID is blank or names no ERP
  customer (as above). Possible matches between the two lists pair names that are equal or
  similar after normalising: Jaro-Winkler ≥ :data:`MATCH_SCORE` and at most one edit
  (Damerau-Levenshtein) per :data:`LETTERS_PER_EDIT` letters of the shorter name, at least
  one — "Okafor Motors" ~ "Okafur Motors", but not "Suleiman Osagie" ~ "Suleiman Ogundipe".
- The proposed reassignment list holds every orphan and every conflict of the division:
  orphans first (nobody owns them), then conflicts, largest deciding sale first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics import backlog, ownership
from metrics.calendar import day_start, end_of
from metrics.charts import DIVISION_COLOURS, FONT, TEMPLATE
from metrics.crossdivision import silent_revenue
from metrics.formatting import day, naira
from metrics.inputs import narrowed, query_frame
from metrics.measurability import file_states

MIN_SCORE = 0.80
MATCH_SCORE = 0.90
LETTERS_PER_EDIT = 8
YEAR_DAYS = 365
LEGAL_FORMS = r"\b(ltd|limited|plc|inc|llc|co|company)\b"
ERP_SOURCES = ("customers", "sales", "quotes")


def norm_sql(expression: str) -> str:
    """SQL for the normalised form of ``expression`` (a column or a ``$parameter``, never a
    data value): lower case, accents and punctuation gone, legal forms removed, one space."""
    return (f"trim(regexp_replace(regexp_replace(regexp_replace(lower(strip_accents("
            f"coalesce({expression}, ''))), '[^a-z0-9]+', ' ', 'g'), '{LEGAL_FORMS}', ' ', "
            f"'g'), '\\s+', ' ', 'g'))")


# ------------------------------------------------------------------------------ search
_SEARCH_SQL = f"""
WITH q AS (SELECT {norm_sql('$query')} AS q, lower(trim($query)) AS raw),
a AS (SELECT account_id, company_name, division, account_type, account_owner AS owner,
             erp_customer_id, row_id, {norm_sql('company_name')} AS n
      FROM accounts),
scored AS (
  SELECT a.*,
         CASE WHEN lower(a.account_id) = q.raw OR lower(a.erp_customer_id) = q.raw THEN 'id'
              WHEN q.q = '' THEN NULL
              WHEN a.n = q.q THEN 'name'
              WHEN contains(a.n, q.q) THEN 'contains'
              ELSE 'similar' END AS match,
         CASE WHEN lower(a.account_id) = q.raw OR lower(a.erp_customer_id) = q.raw THEN 1.0
              WHEN q.q = '' THEN 0.0
              WHEN a.n = q.q THEN 0.99
              WHEN contains(a.n, q.q) THEN 0.90 + 0.08 * length(q.q) / length(a.n)
              ELSE greatest(
                jaro_winkler_similarity(a.n, q.q),
                0.97 * list_avg(list_transform(string_split(q.q, ' '), lambda w:
                  list_max(list_transform(string_split(a.n, ' '), lambda v:
                    jaro_winkler_similarity(w, v)))))) END AS score
  FROM a, q)
SELECT account_id, company_name, division, account_type, owner, erp_customer_id,
       match, score
FROM scored
WHERE match IS NOT NULL AND score >= $min_score
ORDER BY score DESC, company_name, account_id
LIMIT $limit
"""


def search_accounts(cur: duckdb.DuckDBPyConnection, query: str,
                    limit: int = 20) -> pd.DataFrame:
    """Hub accounts matching what was typed, best first (at most ``limit``).

    Columns: ``account_id``, ``company_name``, ``division``, ``account_type``, ``owner``
    (Account Owner), ``erp_customer_id``, ``match`` (``id``, ``name``, ``contains`` or
    ``similar``) and ``score`` (0–1). Scoring: see the module docstring. Ties: company name,
    then Account ID. Blank text finds nothing.
    """
    text = (query or "").strip()
    if not text:
        return query_frame(cur, _SEARCH_SQL, {"query": "", "min_score": 2.0, "limit": 0})
    return query_frame(cur, _SEARCH_SQL, {"query": text, "min_score": MIN_SCORE,
                                          "limit": int(limit)})


# ------------------------------------------------------------------------------ one account
@dataclass(frozen=True)
class AccountDetail:
    """Everything the account card shows, as of T.

    ``account``: the account's row of :func:`metrics.ownership.accounts` plus ``industry``,
    ``address``, ``main_phone``, ``customer_name`` (ERP) and ``owner_words`` (the owners in a
    sentence). ``contacts``, ``timeline`` (interactions dated ≤ T, newest first), ``sales``
    and ``quotes`` (of its ERP customer, dated ≤ T, newest first), ``actions`` (backlog
    threads whose latest interaction is the account's, most urgent first), ``sales_12m``
    (sum of sales with Amount > 0 in (T − 365, T]) and ``sales_12m_count``.
    """

    account: dict[str, Any]
    contacts: pd.DataFrame
    timeline: pd.DataFrame
    sales: pd.DataFrame
    quotes: pd.DataFrame
    actions: pd.DataFrame
    sales_12m: float
    sales_12m_count: int


def _blank(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


def _day(value: Any) -> str:
    return "–" if _blank(value) else day(pd.Timestamp(value).date())


ORPHAN_WORDS = {"blank": "no Account Owner", "not_on_roster": "not on the Staff roster",
                "left": "has left"}
PROPOSAL_WORDS = {"erp": "ERP owner (largest sale in the last 12 months)",
                  "interactions": "logged most of its interactions in the last 365 days"}
PROPOSAL_SENTENCE = {"erp": "the ERP owner",
                     "interactions": "who logged most of its interactions in the last 365 days"}


def orphan_reason(row: dict[str, Any] | pd.Series) -> str:
    """Why an account is an orphan, in words ("" when it is not one)."""
    reason, owner = row.get("orphan_reason"), row.get("owner")
    if _blank(reason):
        return ""
    if reason == "blank":
        return "No Account Owner"
    if reason == "not_on_roster":
        return f"Owner {owner} is not on the Staff roster"
    return f"Owner {owner} left on {_day(row.get('owner_leave_date'))}"


def deciding_sale(row: dict[str, Any] | pd.Series) -> str:
    """The ERP sale that names the ERP owner, in words ("" without one)."""
    if _blank(row.get("erp_owner")):
        return ""
    return (f"largest sale in the last 12 months: {naira(row.get('erp_sale_amount'))} on "
            f"{_day(row.get('erp_sale_date'))}, document {row.get('erp_document_id')}")


def owner_words(row: dict[str, Any] | pd.Series) -> str:
    """The Hub owner against the ERP owner in a sentence, conflicts and orphans said in words.

    metrics.md "Account ownership": conflict = a non-blank Hub owner that differs from the ERP
    owner; orphan = owner blank, not on the roster or left before T.
    """
    owner, erp_owner = row.get("owner"), row.get("erp_owner")
    parts = []
    if _blank(erp_owner):
        parts.append("No ERP owner (no sale with a salesperson in the last 12 months).")
    elif bool(row.get("conflict")):
        parts.append(f"Conflict: the Hub says {owner}, the ERP says {erp_owner} "
                     f"({deciding_sale(row)}).")
    elif not _blank(owner):
        parts.append(f"Hub and ERP agree: {owner} ({deciding_sale(row)}).")
    else:
        parts.append(f"ERP owner: {erp_owner} ({deciding_sale(row)}).")
    if bool(row.get("orphan")):
        proposed = row.get("proposed_owner")
        why = orphan_reason(row)
        parts.append(f"Orphan: {why[0].lower()}{why[1:]}; " + (
            f"proposed owner {proposed}, {PROPOSAL_SENTENCE[row['proposed_from']]}."
            if not _blank(proposed) else "no owner to propose."))
    return " ".join(parts)


def account_detail(cur: duckdb.DuckDBPyConnection, account_id: str, *,
                   as_of: dt.date) -> AccountDetail | None:
    """The account card of ``account_id`` as of T (None when no account has that ID).

    Contacts: the account's contacts with ``interactions`` (dated ≤ T) and
    ``last_interaction``, most recently talked to first. Timeline: interactions whose account
    is this one (their own Account ID, else their contact's), dated ≤ T. Sales and quotes:
    the ERP documents of the account's ERP customer dated ≤ T; a quote closed after T shows
    as ``Open`` (nothing dated after T counts). Actions: :func:`metrics.backlog.threads`
    whose latest row belongs to the account.
    """
    mine = ownership.accounts(cur, as_of=as_of, account_id=account_id)
    if mine.empty:
        return None
    params = {"account": account_id, "end": end_of(as_of), "as_of": as_of,
              "first_day": as_of - dt.timedelta(days=YEAR_DAYS - 1)}
    extra = query_frame(cur, """
        SELECT a.industry, a.address, a.main_phone,
               (SELECT any_value(c.customer_name ORDER BY c.row_id) FROM erp_customers c
                WHERE c.erp_customer_id = a.erp_customer_id) AS customer_name
        FROM accounts a WHERE a.account_id = $account""", params)
    account = {**mine.iloc[0].to_dict(), **extra.iloc[0].to_dict()}
    account["owner_words"] = owner_words(account)
    account["orphan_words"] = orphan_reason(account)
    contacts = query_frame(cur, """
        SELECT c.contact_id, c.full_name, c.job_title, c.email, c.mobile,
               count(i.row_id) AS interactions, max(i.date) AS last_interaction
        FROM contacts c
        LEFT JOIN interactions i ON i.contact_id = c.contact_id
             AND i.date IS NOT NULL AND i.date < $end
        WHERE c.account_id = $account
        GROUP BY ALL
        ORDER BY last_interaction DESC NULLS LAST, c.full_name, c.contact_id""", params)
    timeline = query_frame(cur, """
        SELECT i.date, i.interaction_type, i.channel, c.full_name AS contact_name,
               i.logged_by, i.division, i.notes, i.next_action, i.due_date, i.resolved,
               i.interaction_id, i.source_file, i.source_row
        FROM interactions i LEFT JOIN contacts c ON c.contact_id = i.contact_id
        WHERE i.account_id = $account AND i.date IS NOT NULL AND i.date < $end
        ORDER BY i.date DESC, i.row_id DESC""", params)
    customer = account.get("erp_customer_id")
    erp = {"customer": None if _blank(customer) else customer, "as_of": as_of}
    sales = query_frame(cur, """
        SELECT document_id, date, division, salesperson, amount, quote_id, lines
        FROM erp_sales WHERE erp_customer_id = $customer AND date <= $as_of
        ORDER BY date DESC, try_cast(document_id AS DOUBLE) DESC NULLS LAST,
                 document_id DESC""", erp)
    quotes = query_frame(cur, """
        SELECT quote_id, date, division, salesperson, amount,
               CASE WHEN closed_date > $as_of THEN 'Open' ELSE status END AS status,
               CASE WHEN closed_date <= $as_of THEN closed_date END AS closed_date
        FROM erp_quotes WHERE erp_customer_id = $customer AND date <= $as_of
        ORDER BY date DESC, quote_id DESC""", erp)
    first_day = params["first_day"]
    recent = sales[(sales["amount"] > 0) & (pd.to_datetime(sales["date"]).dt.date >= first_day)]
    actions = backlog.threads(cur, as_of=as_of, account_id=account_id)
    return AccountDetail(account, contacts, timeline, sales, quotes, actions,
                         float(recent["amount"].sum()), int(len(recent)))


def fig_timeline(timeline: pd.DataFrame, division: str | None) -> go.Figure:
    """The account's interactions over time, one row per interaction type (one dot each),
    in the account's division colour: when and how we talked to them."""
    colour = DIVISION_COLOURS.get(division or "", "#1f5fbf")
    types = timeline["interaction_type"].fillna("(blank)")
    order = list(types.value_counts().index)
    fig = go.Figure()
    fig.add_scatter(x=timeline["date"], y=types, mode="markers", name="Interaction",
                    marker={"size": 14, "color": colour, "opacity": 0.8,
                            "line": {"width": 1, "color": "#111827"}},
                    customdata=timeline[["logged_by", "channel"]].fillna("–").to_numpy(),
                    hovertemplate="%{x|%d %b %Y %H:%M} · %{y}<br>%{customdata[1]} by "
                                  "%{customdata[0]}<extra></extra>")
    fig.update_xaxes(title_text="Date of the interaction", gridcolor="#e5e7eb")
    fig.update_yaxes(title_text=None, categoryorder="array", categoryarray=order[::-1])
    fig.update_layout(title={"text": "Interactions by type over time", "x": 0,
                             "font": {"size": 22}},
                      height=max(240, 40 * len(order) + 140), font=FONT,
                      template=TEMPLATE, showlegend=False,
                      margin={"l": 10, "r": 30, "t": 70, "b": 50})
    return fig


TIMELINE_COLUMNS = {"interaction_type": "Type", "channel": "Channel",
                    "contact_name": "Contact", "logged_by": "Logged by",
                    "division": "Division", "next_action": "Next action",
                    "resolved": "Resolved", "interaction_id": "Interaction ID",
                    "source_file": "Workbook", "source_row": "Excel row"}
CONTACT_COLUMNS = {"contact_id": "Contact ID", "full_name": "Name", "job_title": "Job title",
                   "email": "Email", "mobile": "Mobile", "interactions": "Interactions",
                   "last_interaction": "Last interaction"}
SALES_COLUMNS = {"document_id": "Document", "division": "Division",
                 "salesperson": "Salesperson", "quote_id": "Quote ID", "lines": "Lines"}
QUOTE_COLUMNS = {"quote_id": "Quote", "division": "Division", "salesperson": "Salesperson",
                 "status": "Status"}
ACTION_STATUS = {"overdue": "✗ overdue", "due_this_week": "• due this week",
                 "upcoming": "✓ upcoming", "no_due_date": "– no due date",
                 "missing_next_action": "– no next action", "closed": "✓ closed"}


def next_action_words(actions: pd.DataFrame) -> str:
    """The account's most urgent open next action in a sentence (``actions`` as
    :func:`metrics.backlog.threads` sorts them: overdue longest first), or why there is none.
    A thread whose latest Next Action is a closing word is closed (metrics.md backlog)."""
    if actions.empty:
        return "none — no interactions logged yet."
    open_ = actions[actions["status"] != "closed"]
    if open_.empty:
        return f"none open ({len(actions)} thread{'s' * (len(actions) != 1)}, all closed)."
    top = open_.iloc[0]
    status = top["status"]
    who = f"{top['owner']}" if isinstance(top["owner"], str) else "nobody named"
    subject = (f" with {top['contact_name']}" if isinstance(top["contact_name"], str) else "")
    if status == "missing_next_action":
        text = f"none written after the last interaction{subject} ({_day(top['last_date'])})"
    else:
        text = f"“{top['next_action']}”{subject}"
        if status == "overdue":
            text += (f", due {_day(top['due_date'])} — overdue by "
                     f"{int(top['days_overdue'])} days")
        elif status == "no_due_date":
            text += ", no due date"
        else:
            text += f", due {_day(top['due_date'])}"
    more = len(open_) - 1
    return (f"{text} · {who}" + (f" · {more} more open" if more > 0 else "") + ".")


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """The account's backlog threads for display, most urgent first, status in words."""
    return pd.DataFrame({
        "Status": actions["status"].map(ACTION_STATUS), "Contact": actions["contact_name"],
        "Next action": actions["next_action"], "Due": actions["due_date"],
        "Days overdue": actions["days_overdue"], "Action owner": actions["owner"],
        "Last interaction": actions["last_date"], "Type": actions["interaction_type"],
        "Workbook": actions["source_file"], "Excel row": actions["source_row"]})


def account_sheets(card: AccountDetail, contacts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The account card as workbook sheets (``contacts`` as shown: masked for viewers)."""
    a = card.account
    fields = {"Account ID": a["account_id"], "Company": a["company_name"],
              "Division": a["division"], "Type": a["account_type"],
              "Hub owner": a["owner"], "ERP owner": a["erp_owner"],
              "Owners": a["owner_words"], "ERP Customer ID": a["erp_customer_id"],
              "Last interaction": _day(a["last_interaction"]),
              "Sales, last 12 months (₦)": card.sales_12m,
              "Next action": next_action_words(card.actions)}
    return {
        "Account": pd.DataFrame({"Field": list(fields),
                                 "Value": [None if _blank(v) else str(v) if not
                                           isinstance(v, float) else v
                                           for v in fields.values()]}),
        "Contacts": contacts.rename(columns=CONTACT_COLUMNS),
        "Timeline": card.timeline.rename(columns={**TIMELINE_COLUMNS, "date": "Date",
                                                  "notes": "Notes", "due_date": "Due"}),
        "Sales": card.sales.rename(columns={**SALES_COLUMNS, "date": "Date",
                                            "amount": "Amount (₦)"}),
        "Quotes": card.quotes.rename(columns={**QUOTE_COLUMNS, "date": "Date",
                                              "amount": "Amount (₦)",
                                              "closed_date": "Closed"}),
        "Next actions": actions_table(card.actions)}


# ------------------------------------------------------------------------------ ownership
def _evidence_counts(cur: duckdb.DuckDBPyConnection, as_of: dt.date,
                     account_ids: list[str]) -> pd.DataFrame:
    """Per (account, logged by) of ``account_ids``: interactions in the last 365 days and the
    latest one, with the account's total; the evidence behind a proposal from interactions."""
    return query_frame(cur, """
        SELECT account_id, logged_by AS proposed_owner, count(*) AS logged,
               max(date) AS latest_logged,
               sum(count(*)) OVER (PARTITION BY account_id) AS account_total
        FROM interactions
        WHERE date >= $start AND date < $end
          AND account_id IN (SELECT unnest(CAST($ids AS VARCHAR[])))
        GROUP BY account_id, logged_by""",
        {"start": day_start(as_of - dt.timedelta(days=YEAR_DAYS - 1)), "end": end_of(as_of),
         "ids": account_ids})


def _roster(cur: duckdb.DuckDBPyConnection) -> dict[str, dt.date | None]:
    """Roster names (normalised) and their Leave Date."""
    return {name: leave for name, leave in cur.execute(
        "SELECT name_norm, CAST(leave_date AS DATE) FROM staff").fetchall()}


def _norm_name(value: Any) -> str:
    return "" if _blank(value) else " ".join(str(value).split()).casefold()


def proposal_evidence(row: pd.Series | dict[str, Any], *, as_of: dt.date,
                      roster: dict[str, dt.date | None] | None = None) -> str:
    """Where the proposed owner comes from, in words (metrics.md, "proposed owner"); says
    when the proposal is not on the ``roster`` (normalised name → Leave Date), has left
    before T, or is the current owner."""
    proposed, source = row.get("proposed_owner"), row.get("proposed_from")
    if _blank(proposed):
        link = ("no ERP Customer ID" if _blank(row.get("erp_customer_id"))
                else "no ERP sale with a salesperson in the last 12 months")
        return (f"Nothing to propose: {link} and no interactions logged by current staff in "
                "the last 365 days. Choose an owner by hand.")
    if source == "erp":
        text = f"ERP owner: {deciding_sale(row)}."
    else:
        text = (f"Logged {int(row.get('logged') or 0)} of the account's "
                f"{int(row.get('account_total') or 0)} interactions in the last 365 days "
                f"(latest {_day(row.get('latest_logged'))}); "
                + ("no ERP Customer ID." if _blank(row.get("erp_customer_id"))
                   else "no ERP sale with a salesperson in the last 12 months."))
    key = _norm_name(proposed)
    if _norm_name(row.get("owner")) == key:
        text += (" That is the current owner, who has left: choose another owner."
                 if row.get("orphan_reason") == "left" else
                 " That is the current owner: add them to the Staff roster or choose another"
                 " owner.")
    elif roster is not None and key not in roster:
        text += f" {proposed} is not on the Staff roster."
    elif roster is not None and roster[key] is not None and roster[key] < as_of:
        text += f" {proposed} left on {day(roster[key])}: choose another owner."
    return text


def _reassign_reason(row: dict[str, Any] | pd.Series) -> str:
    parts = [orphan_reason(row)] if row["orphan"] else []
    if row["conflict"]:
        parts.append(f"Hub owner {row['owner']} differs from the ERP owner {row['erp_owner']}")
    return "; ".join(parts)


REASSIGN_COLUMNS = {
    "account_id": "Account ID", "company_name": "Company", "division": "Division",
    "owner": "Current owner", "proposed_owner": "Proposed owner", "reason": "Reason",
    "evidence": "Evidence", "erp_customer_id": "ERP Customer ID",
    "source_file": "Workbook", "source_row": "Excel row"}


@dataclass(frozen=True)
class OwnershipView:
    """The ownership page's data for one division (None: all) as of T.

    ``counts``: :func:`metrics.ownership.counts`. ``conflicts`` and ``orphans``: rows of
    :func:`metrics.ownership.accounts` (orphans with ``reason``, ``proposal`` and
    ``evidence`` in words). ``reassignments``: the proposed reassignment list
    (:data:`REASSIGN_COLUMNS`). ``erp_without_hub``, ``hub_without_erp``: the reconciliation
    (see the module docstring). ``silent``: :func:`metrics.crossdivision.silent_revenue`,
    ``silent_total`` its revenue counting each ERP customer once. ``erp_loaded``: an ERP
    export was loaded (without one the reconciliation means nothing).
    """

    counts: dict[str, int]
    conflicts: pd.DataFrame
    orphans: pd.DataFrame
    reassignments: pd.DataFrame
    erp_without_hub: pd.DataFrame
    hub_without_erp: pd.DataFrame
    silent: pd.DataFrame
    silent_total: float
    erp_loaded: bool


def erp_loaded(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when at least one ERP export (customers, sales or quotes) was loaded."""
    states = file_states(cur)
    return any(states[source].loaded for source in ERP_SOURCES)


# What orphan_reason, proposal_evidence and _reassign_reason read from a row.
WORDS_COLUMNS = ("owner", "orphan", "orphan_reason", "owner_leave_date", "conflict",
                 "proposed_owner", "proposed_from", "erp_customer_id", "erp_owner",
                 "erp_sale_amount", "erp_sale_date", "erp_document_id", "logged",
                 "account_total", "latest_logged")


def _records(rows: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows as plain dicts of those of ``columns`` they have (``iterrows`` builds a
    Series per row, and a dict of every column costs as much again)."""
    return rows[[c for c in columns if c in rows.columns]].to_dict("records")


def owned_accounts(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   division: str | None) -> pd.DataFrame:
    """:func:`metrics.ownership.accounts` of ``division`` (None: all), with, for the orphans
    and conflicts (the rows whose proposal the page shows), the proposal's evidence
    (``logged``, ``account_total``, ``latest_logged``, ``evidence``), ``reason`` (orphan
    reason in words) and ``proposal`` (where the proposal comes from, in words); null on the
    other rows (on a large hub most accounts, whose words nobody reads)."""
    rows = ownership.accounts(cur, as_of=as_of)
    if division is not None:
        rows = rows[rows["division"] == division]
    rows = rows.reset_index(drop=True)
    shown = (rows["orphan"] | rows["conflict"]).to_numpy(dtype=bool)
    evidence = _evidence_counts(cur, as_of,
                                rows.loc[shown, "account_id"].dropna().unique().tolist())
    rows = rows.merge(evidence, how="left", on=["account_id", "proposed_owner"])
    roster = _roster(cur)
    records = _records(rows[shown], WORDS_COLUMNS)
    words = {"reason": [orphan_reason(r) for r in records],
             "proposal": [PROPOSAL_WORDS.get(p, "none") if isinstance(p, str) else "none"
                          for p in rows.loc[shown, "proposed_from"]],
             "evidence": [proposal_evidence(r, as_of=as_of, roster=roster) for r in records]}
    for column, values in words.items():
        full: list[str | None] = [None] * len(rows)
        for position, value in zip(shown.nonzero()[0], values):
            full[position] = value
        rows[column] = pd.Series(full, index=rows.index, dtype="str")
    return rows


def reassignments(owned: pd.DataFrame) -> pd.DataFrame:
    """The proposed reassignment list from :func:`owned_accounts`: every orphan (its proposed
    owner) and every conflict (the ERP owner), orphans first, then the largest deciding
    sale, then company. Columns: :data:`REASSIGN_COLUMNS` keys."""
    rows = owned[owned["orphan"] | owned["conflict"]].copy()
    rows["reason"] = [_reassign_reason(r) for r in _records(rows, WORDS_COLUMNS)]
    rows = rows.sort_values(["orphan", "erp_sale_amount", "company_name", "account_id"],
                            ascending=[False, False, True, True], na_position="last")
    return rows[list(REASSIGN_COLUMNS)].reset_index(drop=True)


_ERP_IDS = """
ids AS (
  SELECT erp_customer_id FROM erp_customers
  WHERE erp_customer_id IS NOT NULL AND (created_date IS NULL OR created_date <= $as_of)
  UNION SELECT erp_customer_id FROM erp_sales
  WHERE erp_customer_id IS NOT NULL AND date <= $as_of
  UNION SELECT erp_customer_id FROM erp_quotes
  WHERE erp_customer_id IS NOT NULL AND date <= $as_of),
cust AS (
  SELECT erp_customer_id, any_value(customer_name ORDER BY row_id) AS customer_name,
         any_value(division ORDER BY row_id) AS division,
         any_value(created_date ORDER BY row_id) AS created_date
  FROM erp_customers WHERE erp_customer_id IS NOT NULL GROUP BY 1),
sold AS (
  SELECT erp_customer_id, sum(amount) AS revenue, count(*) AS sales, max(date) AS last_sale,
         list(DISTINCT division ORDER BY division) FILTER (WHERE division IS NOT NULL)
           AS sale_divisions
  FROM erp_sales
  WHERE amount > 0 AND date >= $first_day AND date <= $as_of AND erp_customer_id IS NOT NULL
  GROUP BY 1),
ever AS (
  SELECT erp_customer_id, max(date) AS last_sale_ever FROM erp_sales
  WHERE amount > 0 AND date <= $as_of AND erp_customer_id IS NOT NULL GROUP BY 1),
erp AS (
  SELECT ids.erp_customer_id, c.customer_name, c.division, c.created_date,
         coalesce(s.revenue, 0.0) AS revenue, coalesce(s.sales, 0) AS sales, s.last_sale,
         coalesce(s.sale_divisions, []::VARCHAR[]) AS sale_divisions, e.last_sale_ever,
         {norm} AS n
  FROM ids LEFT JOIN cust c USING (erp_customer_id) LEFT JOIN sold s USING (erp_customer_id)
  LEFT JOIN ever e USING (erp_customer_id)),
unlinked_erp AS (
  SELECT * FROM erp e WHERE NOT EXISTS (
    SELECT 1 FROM accounts a WHERE a.erp_customer_id = e.erp_customer_id)),
hub AS (
  SELECT a.*, {account_norm} AS n,
         CASE WHEN a.erp_customer_id IS NULL THEN 'no_id' ELSE 'unknown_id' END AS link
  FROM accounts a
  WHERE a.erp_customer_id IS NULL OR a.erp_customer_id NOT IN (SELECT erp_customer_id FROM ids)),
pairs AS (
  SELECT e.erp_customer_id, h.account_id, h.company_name,
         jaro_winkler_similarity(e.n, h.n) AS similarity
  FROM unlinked_erp e JOIN hub h ON e.n <> '' AND h.n <> ''
   AND CASE WHEN jaro_winkler_similarity(e.n, h.n) >= $match_score
            THEN damerau_levenshtein(e.n, h.n)
                 <= greatest(1, least(length(e.n), length(h.n)) // $letters_per_edit)
            ELSE false END)
""".format(norm=norm_sql("c.customer_name"), account_norm=norm_sql("a.company_name"))


def erp_without_hub(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    division: str | None) -> pd.DataFrame:
    """ERP customers that no Hub account links to (``accounts.erp_customer_id``).

    Columns: ``erp_customer_id``, ``customer_name``, ``division`` (the customer's own),
    ``sale_divisions``, ``revenue`` and ``sales`` (Amount > 0 in (T − 365, T]),
    ``last_sale`` (in that period), ``last_sale_ever`` (≤ T), ``created_date``,
    ``possible_account`` (``ACC-1 · Name``: a Hub account without an ERP link whose name is
    equal or similar, the most similar) and ``similarity``. Sorted by revenue (largest
    first), then the latest sale, then ID. Division: see the module docstring.
    """
    return query_frame(cur, "WITH " + _ERP_IDS + """,
        best AS (
          SELECT erp_customer_id, account_id, company_name, similarity FROM pairs
          QUALIFY row_number() OVER (PARTITION BY erp_customer_id
                                     ORDER BY similarity DESC, account_id) = 1)
        SELECT e.erp_customer_id, e.customer_name, e.division, e.sale_divisions, e.revenue,
               e.sales, e.last_sale, e.last_sale_ever, e.created_date,
               b.account_id || ' · ' || b.company_name AS possible_account, b.similarity
        FROM unlinked_erp e LEFT JOIN best b USING (erp_customer_id)
        WHERE $division::VARCHAR IS NULL OR e.division = $division::VARCHAR
           OR list_contains(e.sale_divisions, $division::VARCHAR)
        ORDER BY e.revenue DESC, e.last_sale_ever DESC NULLS LAST, e.erp_customer_id""",
        {"as_of": as_of, "first_day": as_of - dt.timedelta(days=YEAR_DAYS - 1),
         "match_score": MATCH_SCORE, "letters_per_edit": LETTERS_PER_EDIT,
         "division": division})


def hub_without_erp(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    division: str | None) -> pd.DataFrame:
    """Hub accounts of ``division`` (None: all) with no ERP link: ERP Customer ID blank
    (``link`` = ``no_id``) or naming no ERP customer (``unknown_id``, likely a typo).

    Columns: ``account_id``, ``company_name``, ``division``, ``account_type``,
    ``account_owner``, ``erp_customer_id``, ``link``, ``problem`` (in words),
    ``interactions_365`` (dated in the last 365 days), ``last_interaction`` (≤ T),
    ``possible_customer`` (``C1 · Name``: an ERP customer without a Hub account whose name is
    equal or similar) and ``similarity``, plus the source row. Sorted: unknown IDs first,
    then accounts with a possible match, then Customers before Prospects, then the most
    recently talked to.
    """
    return query_frame(cur, "WITH " + _ERP_IDS + """,
        best AS (
          SELECT p.account_id, p.erp_customer_id, e.customer_name, p.similarity FROM pairs p
          JOIN unlinked_erp e USING (erp_customer_id)
          QUALIFY row_number() OVER (PARTITION BY p.account_id
                                     ORDER BY p.similarity DESC, p.erp_customer_id) = 1),
        talk AS (
          SELECT account_id, max(date) AS last_interaction,
                 count(*) FILTER (WHERE date >= $start) AS interactions_365
          FROM interactions WHERE account_id IS NOT NULL AND date < $end GROUP BY 1)
        SELECT h.account_id, h.company_name, h.division, h.account_type, h.account_owner,
               h.erp_customer_id, h.link,
               CASE h.link WHEN 'no_id' THEN 'No ERP Customer ID'
                    ELSE 'ERP Customer ID ' || h.erp_customer_id || ' is not in the ERP'
               END AS problem,
               coalesce(t.interactions_365, 0) AS interactions_365, t.last_interaction,
               b.erp_customer_id || ' · ' || coalesce(b.customer_name, '') AS possible_customer,
               b.similarity, h.source_file, h.source_row
        FROM hub h LEFT JOIN best b USING (account_id) LEFT JOIN talk t USING (account_id)
        WHERE $division::VARCHAR IS NULL OR h.division = $division::VARCHAR
        ORDER BY h.link = 'unknown_id' DESC, b.account_id IS NOT NULL DESC,
                 h.account_type = 'Customer' DESC, t.last_interaction DESC NULLS LAST,
                 h.account_id""",
        {"as_of": as_of, "first_day": as_of - dt.timedelta(days=YEAR_DAYS - 1),
         "match_score": MATCH_SCORE, "letters_per_edit": LETTERS_PER_EDIT,
         "division": division,
         "start": day_start(as_of - dt.timedelta(days=YEAR_DAYS - 1)), "end": end_of(as_of)})


def silent_total(silent: pd.DataFrame) -> float:
    """The revenue of the silent accounts, each ERP customer counted once (two silent Hub
    accounts of one customer show its revenue twice in the table)."""
    if silent.empty:
        return 0.0
    return float(silent.drop_duplicates("erp_customer_id")["revenue"].sum())


@dataclass(frozen=True)
class OwnershipRows:
    """Every division's ownership rows as of T (:func:`owned_accounts`,
    :func:`metrics.crossdivision.silent_revenue`, :func:`erp_without_hub`,
    :func:`hub_without_erp` of all divisions): :func:`ownership_view` narrows them to one
    division, the same rows those functions give for it, so a page switching divisions does
    not compute them again."""

    owned: pd.DataFrame
    silent: pd.DataFrame
    erp_without_hub: pd.DataFrame
    hub_without_erp: pd.DataFrame
    erp_loaded: bool


def ownership_rows(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> OwnershipRows:
    """Every division's rows of the ownership page as of T."""
    return OwnershipRows(
        owned=owned_accounts(cur, as_of=as_of, division=None),
        silent=silent_revenue(cur, as_of=as_of),
        erp_without_hub=erp_without_hub(cur, as_of=as_of, division=None),
        hub_without_erp=hub_without_erp(cur, as_of=as_of, division=None),
        erp_loaded=erp_loaded(cur))


def _of_division(rows: pd.DataFrame, division: str | None, listed: str | None = None,
                 queried: bool = True) -> pd.DataFrame:
    """The rows whose ``division`` is ``division`` (None: every row), or whose ``listed``
    list holds it, in order: as a query of that division gives them (``queried``: the
    dtypes of :func:`metrics.inputs.narrowed`), else as a pandas filter does."""
    if division is None:
        return rows
    keep = (rows["division"] == division).fillna(False).to_numpy(dtype=bool, copy=True)
    if listed is not None:
        keep |= np.array([v is not None and division in list(v) for v in rows[listed]],
                         dtype=bool)
    return narrowed(rows, keep) if queried else rows[keep].reset_index(drop=True)


def ownership_view(cur: duckdb.DuckDBPyConnection | None = None, *, as_of: dt.date,
                   division: str | None, rows: OwnershipRows | None = None) -> OwnershipView:
    """Everything the ownership page shows for ``division`` (None: all) as of T, from
    ``rows`` (:func:`ownership_rows` of T) when given, else computed on ``cur``."""
    rows = rows if rows is not None else ownership_rows(cur, as_of=as_of)
    owned = _of_division(rows.owned, division, queried=False)  # owned_accounts filters so
    conflicts = owned[owned["conflict"]].sort_values(
        ["erp_sale_amount", "company_name"], ascending=[False, True]).reset_index(drop=True)
    orphans = owned[owned["orphan"]].sort_values(
        ["orphan_reason", "company_name", "account_id"]).reset_index(drop=True)
    silent = _of_division(rows.silent, division)
    return OwnershipView(
        # ownership.counts of the division, from the rows in hand (one query fewer)
        counts={"orphans": int(owned["orphan"].sum()), "conflicts": int(owned["conflict"].sum())},
        conflicts=conflicts, orphans=orphans, reassignments=reassignments(owned),
        erp_without_hub=_of_division(rows.erp_without_hub, division, listed="sale_divisions"),
        hub_without_erp=_of_division(rows.hub_without_erp, division),
        silent=silent, silent_total=silent_total(silent), erp_loaded=rows.erp_loaded)


@dataclass(frozen=True)
class Table:
    """One table of the ownership page: the rows, their columns (name → label, in order),
    what it is (for file names), how it is sorted and what an empty table means."""

    frame: pd.DataFrame
    columns: dict[str, str]
    what: str
    sort: str
    empty: str


_WHERE = {"source_file": "Workbook", "source_row": "Excel row"}


def _texts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column``'s lists as "a, b" text (CSV and tables read them as words)."""
    return frame.assign(**{column: [", ".join(v) if v is not None and len(v) else ""
                                    for v in frame[column]]})


def ownership_tables(view: OwnershipView) -> dict[str, Table]:
    """The ownership page's tables, keyed by the name of their view."""
    return {
        "Reassignments": Table(
            view.reassignments, REASSIGN_COLUMNS, "proposed reassignment list",
            "orphans first (nobody owns them), then conflicts; largest deciding sale first.",
            "no orphan and no conflict."),
        "Conflicts": Table(
            view.conflicts, {"account_id": "Account ID", "company_name": "Company",
                             "division": "Division", "owner": "Hub owner",
                             "erp_owner": "ERP owner", "erp_sale_amount": "Deciding sale (₦)",
                             "erp_sale_date": "Deciding sale date",
                             "erp_document_id": "Document", "orphan": "Also an orphan",
                             "last_interaction": "Last interaction", **_WHERE},
            "owner conflicts", "largest deciding sale first: the ERP owner is the "
            "salesperson of the account's largest sale in the last 12 months.",
            "every Hub owner matches the ERP owner."),
        "Orphans": Table(
            view.orphans, {"account_id": "Account ID", "company_name": "Company",
                           "division": "Division", "owner": "Current owner",
                           "reason": "Reason", "proposed_owner": "Proposed owner",
                           "proposal": "Proposal from", "evidence": "Evidence",
                           "last_interaction": "Last interaction",
                           "erp_customer_id": "ERP Customer ID", **_WHERE},
            "orphan accounts", "by reason (blank, left, not on the roster), then company. "
            "Proposed owner: the ERP owner, else whoever on the roster logged most of the "
            "account's interactions in the last 365 days.", "every account has an owner."),
        "Not in the Hub": Table(
            _texts(view.erp_without_hub, "sale_divisions"), {
                "erp_customer_id": "ERP Customer ID", "customer_name": "Customer",
                "division": "ERP division", "sale_divisions": "Bought from (12 months)",
                "revenue": "Sales, 12 months (₦)", "sales": "Documents, 12 months",
                "last_sale_ever": "Last sale", "created_date": "Created",
                "possible_account": "Possible Hub account"},
            "erp customers not in the hub", "largest sales in the last 12 months first. A "
            "possible Hub account has a very similar name but no ERP link: link it rather "
            "than add a new account.", "every ERP customer has a Hub account."),
        "No ERP link": Table(
            view.hub_without_erp, {
                "account_id": "Account ID", "company_name": "Company",
                "division": "Division", "account_type": "Type",
                "account_owner": "Owner", "problem": "Problem",
                "interactions_365": "Interactions, 365 days",
                "last_interaction": "Last interaction",
                "possible_customer": "Possible ERP customer", **_WHERE},
            "hub accounts without erp link", "unknown IDs first (likely typos), then those "
            "with a possible ERP customer, customers before prospects, most recently "
            "talked to first.", "every Hub account is linked to an ERP customer."),
        "Silent revenue": Table(
            _texts(view.silent, "sale_divisions"), {
                "account_id": "Account ID", "company_name": "Company",
                "division": "Division", "account_owner": "Owner",
                "erp_customer_id": "ERP Customer ID", "revenue": "Invoiced, 90 days (₦)",
                "sales": "Sales, 90 days", "last_sale": "Last sale",
                "sale_divisions": "Bought from", "last_interaction": "Last interaction",
                "days_since_interaction": "Days since an interaction"},
            "silent revenue", "largest amount invoiced in the last 90 days first: these "
            "customers buy, but nobody logged talking to them.",
            "every account invoiced in the last 90 days had an interaction logged."),
    }
