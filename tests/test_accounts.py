"""Accounts search, the account card and the ownership / ERP ⇄ Hub reconciliation views
(metrics/accounts.py), worked by hand on one tiny hub.

T = Tue 30 Jun 2026. The last 12 months are 1 Jul 2025 … 30 Jun 2026; the last 90 days
(silent revenue) 2 Apr … 30 Jun 2026.

Accounts                       division  owner            ERP ID
A1 Dangote Cement Plc          Motors    Ada Obi          E1  (ERP owner Bola Ade: conflict)
A2 Dangote Sugar Refinery Plc  Motors    Bola Ade         E2  (agrees; no interaction: silent)
A3 Lafarge Cement Ltd          Power     (blank)          —   orphan, proposal from loggers
A4 Société Générale Ltd        Power     Gone Person      E9  orphan (not on the roster); E9 is
                                                              no ERP customer: unknown ID
A5 Okafor Motors Ltd           Medical   Chidi Eze        —   orphan (left 1 Jun); ERP customer
                                                              E5 "Okafur Motors Limited" is a
                                                              possible match
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest
from pandas.testing import assert_frame_equal

from metrics import accounts as acc
from metrics import ownership
from metrics.crossdivision import silent_revenue
from tests.hubfactory import (account, contact, customer, interaction, member, module_hub,
                              quote, sale)

T = dt.date(2026, 6, 30)
D = dt.datetime

ACCOUNTS = [
    account("A1", "Motors", owner="Ada Obi", erp="E1", name="Dangote Cement Plc"),
    account("A2", "Motors", owner="Bola Ade", erp="E2", name="Dangote Sugar Refinery Plc"),
    account("A3", "Power", name="Lafarge Cement Ltd"),
    account("A4", "Power", owner="Gone Person", erp="E9", name="Société Générale Ltd"),
    account("A5", "Medical", owner="Chidi Eze", name="Okafor Motors Ltd"),
]
STAFF = [member("Ada Obi", "Motors"), member("Bola Ade", "Motors"),
         member("Chidi Eze", "Medical", leave=dt.date(2026, 6, 1)), member("Efe Oke", "Power")]
CONTACTS = [contact("C1", "A1", name="Aliko Musa"), contact("C2", "A1", name="Halima Bello")]
ROWS = [
    # A1: C1's latest row dated <= T is I2 (due 25 Jun: overdue by 5 days); I4 is after T.
    interaction("I1", D(2026, 6, 1, 9), "C1", "Inquiry", "Ada Obi", next_action="Send quote",
                due=D(2026, 6, 5)),
    interaction("I2", D(2026, 6, 20, 10), "C1", "Follow-up", "Ada Obi",
                next_action="Call back", due=D(2026, 6, 25)),
    interaction("I3", D(2026, 6, 29, 15), "C2", "Meeting", "Bola Ade", next_action="None"),
    interaction("I4", D(2026, 7, 2, 9), "C1", "Follow-up", "Ada Obi"),
    # A3 (no owner, no ERP): Efe logged 2 of its 3 interactions in the last 365 days.
    interaction("I5", D(2026, 3, 1, 9), None, "Follow-up", "Efe Oke", account_id="A3"),
    interaction("I6", D(2026, 4, 1, 9), None, "Follow-up", "Efe Oke", account_id="A3"),
    interaction("I7", D(2026, 2, 1, 9), None, "Follow-up", "Ada Obi", account_id="A3"),
]
CUSTOMERS = [
    customer("E1", "Motors", name="Dangote Cement Plc"),
    customer("E2", "Motors", name="Dangote Sugar Refinery Plc"),
    customer("E5", "Medical", name="Okafur Motors Limited"),
    customer("E6", "Power", name="Zenith Foods"),
    customer("E7", "Power", name="Not Yet Ltd", created=dt.date(2026, 7, 10)),  # after T
]
SALES = [
    sale("S1", dt.date(2026, 6, 10), "E1", 5_000_000, salesperson="Bola Ade", division="Motors"),
    sale("S2", dt.date(2026, 4, 1), "E1", 1_000_000, salesperson="Ada Obi", division="Motors"),
    sale("S3", dt.date(2026, 5, 1), "E2", 200_000, salesperson="Bola Ade", division="Motors"),
    sale("S4", dt.date(2026, 6, 20), "E5", 300_000, salesperson="Efe Oke", division="Medical"),
    sale("S5", dt.date(2026, 6, 1), "E8", 100, salesperson="Efe Oke", division="Power"),
    sale("S6", dt.date(2026, 7, 5), "E1", 9_999_999, salesperson="Efe Oke", division="Motors"),
]
QUOTES = [
    quote("Q1", dt.date(2026, 6, 1), "E1", status="Won", closed=dt.date(2026, 7, 2),
          division="Motors"),
    quote("Q2", dt.date(2026, 5, 1), "E1", status="Lost", closed=dt.date(2026, 5, 10),
          division="Motors"),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory):
    hub = module_hub(tmp_path_factory, "accounts", accounts=ACCOUNTS, staff=STAFF,
                     contacts=CONTACTS, interactions=ROWS, customers=CUSTOMERS, sales=SALES,
                     quotes=QUOTES)
    yield hub.workspace()


# ------------------------------------------------------------------------------ search
def test_fuzzy_search_ranks_the_close_spelling_first(cur) -> None:
    hits = acc.search_accounts(cur, "dangote cemnt")
    assert hits["account_id"].iloc[0] == "A1"
    assert hits["match"].iloc[0] == "similar"
    # "dangote cemnt" (13 letters) against "dangote cement" (14): 13 matches, no
    # transpositions: Jaro = (13/13 + 13/14 + 1) / 3 = 0.97619; common prefix 4:
    # 0.97619 + 4 × 0.1 × (1 − 0.97619) = 0.98571.
    assert hits["score"].iloc[0] == pytest.approx(0.985714, abs=1e-6)
    assert (hits["score"].iloc[1:] < hits["score"].iloc[0]).all()


def test_ids_match_exactly_in_any_case(cur) -> None:
    hits = acc.search_accounts(cur, " a4 ")
    assert list(hits["account_id"]) == ["A4"] and hits["score"].iloc[0] == 1.0
    assert hits["match"].iloc[0] == "id"
    erp = acc.search_accounts(cur, "e2")       # an ERP Customer ID finds its account
    assert list(erp["account_id"]) == ["A2"] and erp["match"].iloc[0] == "id"


def test_names_compare_without_accents_legal_forms_or_word_order(cur) -> None:
    hits = acc.search_accounts(cur, "SOCIETE generale")
    assert hits["account_id"].iloc[0] == "A4" and hits["score"].iloc[0] == 0.99
    # "cement" is inside two names of 14 letters: 0.90 + 0.08 × 6/14; ties by company name.
    cement = acc.search_accounts(cur, "cement")
    assert list(cement["account_id"][:2]) == ["A1", "A3"]
    assert list(cement["score"][:2]) == [pytest.approx(0.9 + 0.08 * 6 / 14)] * 2
    # Word order: every typed word has a perfect twin: 0.97 × 1.
    swapped = acc.search_accounts(cur, "cement dangote")
    assert swapped["account_id"].iloc[0] == "A1"
    assert swapped["score"].iloc[0] == pytest.approx(0.97)


@pytest.mark.parametrize("text", ["zzzz", "", "   ", "Ltd", "qwerty uiop"])
def test_nothing_close_finds_nothing(cur, text: str) -> None:
    hits = acc.search_accounts(cur, text)
    assert hits.empty and "score" in hits


def test_limit(cur) -> None:
    assert len(acc.search_accounts(cur, "o", limit=2)) == 2


# ------------------------------------------------------------------------------ one account
def test_account_card_of_a1(cur) -> None:
    card = acc.account_detail(cur, "A1", as_of=T)
    a = card.account
    assert (a["owner"], a["erp_owner"], bool(a["conflict"]), bool(a["orphan"])) == (
        "Ada Obi", "Bola Ade", True, False)
    assert a["customer_name"] == "Dangote Cement Plc"
    assert a["owner_words"] == (
        "Conflict: the Hub says Ada Obi, the ERP says Bola Ade (largest sale in the last 12 "
        "months: ₦5,000,000 on 10 Jun 2026, document S1).")
    # Contacts: most recently talked to first; I4 (after T) does not count.
    assert list(card.contacts["contact_id"]) == ["C2", "C1"]
    assert list(card.contacts["interactions"]) == [1, 2]
    # Timeline: dated <= T, newest first.
    assert list(card.timeline["interaction_id"]) == ["I3", "I2", "I1"]
    assert card.timeline["contact_name"].iloc[0] == "Halima Bello"
    # ERP: S6 is after T; Q1 closed after T, so it was still open on T.
    assert list(card.sales["document_id"]) == ["S1", "S2"]
    assert (card.sales_12m, card.sales_12m_count) == (6_000_000, 2)
    assert list(card.quotes["quote_id"]) == ["Q1", "Q2"]
    assert list(card.quotes["status"]) == ["Open", "Lost"]
    assert pd.isna(card.quotes["closed_date"].iloc[0])
    # Threads: C1 overdue (due 25 Jun, T = 30 Jun), C2 closed by "None".
    assert list(card.actions["status"]) == ["overdue", "closed"]
    assert acc.next_action_words(card.actions) == (
        "“Call back” with Aliko Musa, due 25 Jun 2026 — overdue by 5 days · Ada Obi.")
    table = acc.actions_table(card.actions)
    assert list(table["Status"]) == ["✗ overdue", "✓ closed"]
    sheets = acc.account_sheets(card, card.contacts)
    assert list(sheets) == ["Account", "Contacts", "Timeline", "Sales", "Quotes",
                            "Next actions"]
    fig = acc.fig_timeline(card.timeline, "Motors")
    assert isinstance(fig, go.Figure) and len(fig.data[0].x) == 3


def test_account_card_of_an_orphan_without_erp(cur) -> None:
    card = acc.account_detail(cur, "A3", as_of=T)
    a = card.account
    assert a["owner_words"] == (
        "No ERP owner (no sale with a salesperson in the last 12 months). Orphan: no Account "
        "Owner; proposed owner Efe Oke, who logged most of its interactions in the last 365 "
        "days.")
    assert card.sales.empty and card.quotes.empty and card.sales_12m == 0
    assert card.contacts.empty
    # One thread by account (no contact): its latest row I6, due 2 Apr (the day after).
    assert acc.next_action_words(card.actions) == (
        "“Call back”, due 2 Apr 2026 — overdue by 89 days · Efe Oke.")


def test_account_without_interactions_and_unknown_id(cur) -> None:
    card = acc.account_detail(cur, "A2", as_of=T)
    assert card.timeline.empty and card.actions.empty
    assert acc.next_action_words(card.actions) == "none — no interactions logged yet."
    assert card.account["owner_words"].startswith("Hub and ERP agree: Bola Ade")
    assert acc.account_detail(cur, "NOPE", as_of=T) is None


# ------------------------------------------------------------------------------ ownership
def test_ownership_view_matches_ownership_counts(cur) -> None:
    view = acc.ownership_view(cur, as_of=T, division=None)
    assert view.counts == ownership.counts(cur, as_of=T, division=None) == {
        "orphans": 3, "conflicts": 1}
    assert list(view.conflicts["account_id"]) == ["A1"]
    assert view.conflicts["erp_sale_amount"].iloc[0] == 5_000_000
    # Orphans by reason (blank, left, not_on_roster), then company.
    assert list(view.orphans["account_id"]) == ["A3", "A5", "A4"]
    assert list(view.orphans["reason"]) == [
        "No Account Owner", "Owner Chidi Eze left on 1 Jun 2026",
        "Owner Gone Person is not on the Staff roster"]
    assert list(view.orphans["proposed_owner"].fillna("")) == ["Efe Oke", "", ""]
    assert view.orphans["evidence"].iloc[0] == (
        "Logged 2 of the account's 3 interactions in the last 365 days (latest 1 Apr 2026); "
        "no ERP Customer ID.")
    assert view.orphans["evidence"].iloc[2] == (
        "Nothing to propose: no ERP sale with a salesperson in the last 12 months and no "
        "interactions logged by current staff in the last 365 days. Choose an owner by hand.")
    assert view.erp_loaded


def test_owned_accounts_put_words_on_the_orphans_and_conflicts_only(cur) -> None:
    owned = acc.owned_accounts(cur, as_of=T, division=None).set_index("account_id")
    shown = owned["orphan"] | owned["conflict"]
    assert sorted(owned.index[shown]) == ["A1", "A3", "A4", "A5"]
    assert owned.loc[shown, ["evidence", "proposal"]].notna().all().all()
    assert owned.loc[~shown, ["reason", "proposal", "evidence"]].isna().all().all()
    assert owned.loc[~shown].shape[0] > 0  # the hub has accounts that are neither
    assert owned.loc["A3", "evidence"].startswith("Logged ")


def test_reassignment_list(cur) -> None:
    rows = acc.ownership_view(cur, as_of=T, division=None).reassignments
    assert list(rows.columns) == list(acc.REASSIGN_COLUMNS)
    # Orphans first (no deciding sale: by company), then the conflict.
    assert list(rows["account_id"]) == ["A3", "A5", "A4", "A1"]
    assert list(rows["proposed_owner"].fillna("")) == ["Efe Oke", "", "", "Bola Ade"]
    assert rows["reason"].iloc[3] == "Hub owner Ada Obi differs from the ERP owner Bola Ade"
    assert rows["evidence"].iloc[3] == (
        "ERP owner: largest sale in the last 12 months: ₦5,000,000 on 10 Jun 2026, "
        "document S1.")
    motors = acc.ownership_view(cur, as_of=T, division="Motors").reassignments
    assert list(motors["account_id"]) == ["A1"]


def test_erp_customers_without_a_hub_account(cur) -> None:
    # Known to the ERP on T: E1, E2, E5, E6 (customers file), E8 (a sale); E7 is created
    # after T. Unlinked: E5 (₦300,000), E8 (₦100), E6 (no sale).
    rows = acc.erp_without_hub(cur, as_of=T, division=None)
    assert list(rows["erp_customer_id"]) == ["E5", "E8", "E6"]
    assert list(rows["revenue"]) == [300_000, 100, 0]
    # "okafur motors" ~ "okafor motors": one edit in 13 letters -> a possible match.
    assert rows["possible_account"].iloc[0] == "A5 · Okafor Motors Ltd"
    assert rows["possible_account"].iloc[1:].isna().all()
    # Power: E6 (its own division) and E8 (a Power sale in the last 12 months).
    power = acc.erp_without_hub(cur, as_of=T, division="Power")
    assert list(power["erp_customer_id"]) == ["E8", "E6"]
    assert list(acc.erp_without_hub(cur, as_of=T, division="Motors")["erp_customer_id"]) == []
    # Before E8's sale (1 Jun) it is unknown to the ERP.
    early = acc.erp_without_hub(cur, as_of=dt.date(2026, 5, 31), division=None)
    assert "E8" not in set(early["erp_customer_id"])


def test_hub_accounts_without_an_erp_link(cur) -> None:
    rows = acc.hub_without_erp(cur, as_of=T, division=None)
    # Unknown ID first (A4), then the one with a possible customer (A5), then A3.
    assert list(rows["account_id"]) == ["A4", "A5", "A3"]
    assert list(rows["link"]) == ["unknown_id", "no_id", "no_id"]
    assert rows["problem"].iloc[0] == "ERP Customer ID E9 is not in the ERP"
    assert rows["possible_customer"].iloc[1] == "E5 · Okafur Motors Limited"
    assert list(rows["interactions_365"]) == [0, 0, 3]
    assert list(acc.hub_without_erp(cur, as_of=T, division="Power")["account_id"]) == [
        "A4", "A3"]


def test_silent_revenue_in_the_view(cur) -> None:
    view = acc.ownership_view(cur, as_of=T, division=None)
    # A2's customer bought on 1 May (in the 90 days) and nobody talked to A2.
    assert list(view.silent["account_id"]) == ["A2"]
    assert view.silent_total == 200_000
    pd.testing.assert_frame_equal(view.silent, silent_revenue(cur, as_of=T, division=None))
    tables = acc.ownership_tables(view)
    assert list(tables) == ["Reassignments", "Conflicts", "Orphans", "Not in the Hub",
                            "No ERP link", "Silent revenue"]
    assert tables["Silent revenue"].frame["sale_divisions"].iloc[0] == "Motors"
    for table in tables.values():
        assert set(table.columns) <= set(table.frame.columns)


def test_silent_total_counts_each_customer_once() -> None:
    silent = pd.DataFrame({"erp_customer_id": ["E1", "E1", "E2"], "revenue": [10.0, 10.0, 5.0]})
    assert acc.silent_total(silent) == 15.0
    assert acc.silent_total(silent.iloc[:0]) == 0.0


def test_without_an_erp_export(make_hub) -> None:
    hub = make_hub(accounts=[account("A1", "Motors", owner="Ada Obi")],
                   staff=[member("Ada Obi", "Motors")])
    view = acc.ownership_view(hub.workspace(), as_of=T, division=None)
    assert not view.erp_loaded
    assert view.erp_without_hub.empty and view.silent.empty
    assert view.counts == {"orphans": 0, "conflicts": 0}


def test_ownership_view_narrowed_from_every_division_equals_the_division_computed(cur) -> None:
    """ownership_view over ownership_rows (every division, computed once) holds, for each
    division, exactly the rows the functions give when asked for that division, dtypes
    included."""
    every = acc.ownership_rows(cur, as_of=T)
    divisions = sorted(set(every.owned["division"].dropna()))
    assert len(divisions) >= 2
    assert min(len(every.owned), len(every.silent), len(every.erp_without_hub),
               len(every.hub_without_erp)) > 0
    # an ERP customer of one division that bought from another is listed under both
    assert any(len(set(v) - {d}) for d, v in every.erp_without_hub[
        ["division", "sale_divisions"]].itertuples(index=False) if v is not None)
    nothing = acc.ownership_view(as_of=T, division="No such division", rows=every)
    assert nothing.counts == {"orphans": 0, "conflicts": 0} and nothing.silent_total == 0
    assert not any(len(frame) for frame in (nothing.reassignments, nothing.erp_without_hub,
                                            nothing.hub_without_erp, nothing.silent))
    for division in [None, *divisions]:
        view = acc.ownership_view(as_of=T, division=division, rows=every)
        owned = acc.owned_accounts(cur, as_of=T, division=division)
        assert view.counts == {"orphans": int(owned["orphan"].sum()),
                               "conflicts": int(owned["conflict"].sum())}
        assert_frame_equal(view.reassignments, acc.reassignments(owned))
        for got, expected in (
                (view.erp_without_hub, acc.erp_without_hub(cur, as_of=T, division=division)),
                (view.hub_without_erp, acc.hub_without_erp(cur, as_of=T, division=division)),
                (view.silent, silent_revenue(cur, as_of=T, division=division))):
            assert_frame_equal(got, expected)
