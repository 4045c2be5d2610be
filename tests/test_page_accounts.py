"""AppTest of pages/accounts.py: a search finds accounts (metrics.accounts.search_accounts)
and opens the best one's card with metrics.accounts.account_detail's facts; ?q= and
?account= reproduce a view; every section renders; contacts are masked for viewers; the
account's workbook is formula-safe."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from metrics import accounts as acc
from metrics.formatting import naira_compact
from pages._common import md_escape
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, contact, customer, interaction, member, sale

PAGE = str(ROOT / "pages" / "accounts.py")


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


def _pick(at: AppTest):
    return next(s for s in at.selectbox if s.key.startswith("accounts_pick_"))


def _tiles(at: AppTest) -> dict[str, str]:
    found = {}
    for m in at.markdown:
        parts = re.findall(r"<div[^>]*>(.*?)</div>", m.value)
        if len(parts) == 3:
            found[parts[0]] = parts[1]
    return found


@pytest.fixture(scope="module")
def demo():
    hub = HubLoader(DEMO).get()
    return hub.cursor(), hub.settings.as_of


def test_an_empty_search_asks_for_a_name() -> None:
    at = _run()
    _ok(at)
    assert at.title[0].value == "Accounts"
    box = at.text_input(key="accounts_query")
    assert box.value == "" and box.placeholder == "Type a company name…"
    assert any("Type part of a company name" in i.value for i in at.info)


def test_a_search_finds_the_account_and_opens_its_card(demo) -> None:
    cur, as_of = demo
    at = _run()
    at.text_input(key="accounts_query").input("kingswy trst").run()
    _ok(at)
    hits = acc.search_accounts(cur, "kingswy trst")
    pick = _pick(at)
    assert pick.options == [f"{r.company_name} · {r.division} · {r.account_id}"
                            for r in hits.itertuples()]
    assert pick.value == hits["account_id"].iloc[0]        # the best one opens by default
    card = acc.account_detail(cur, pick.value, as_of=as_of)
    assert at.subheader[0].value == md_escape(card.account["company_name"])
    assert card.account["company_name"] == "Kingsway Trust Bank Plc"
    tiles = _tiles(at)
    assert tiles["Hub owner"] == card.account["owner"]
    assert tiles["ERP owner"] == card.account["erp_owner"]
    assert tiles["Sales, 12 months"] == naira_compact(card.sales_12m)
    said = [s.value for s in at.success] + [w.value for w in at.warning]
    assert md_escape(card.account["owner_words"]) in said
    assert at.query_params["q"] == "kingswy trst"
    assert at.query_params["account"] == pick.value
    # The timeline: newest first, the metric's rows.
    table = at.dataframe[-1].value
    assert list(table["interaction_id"]) == list(card.timeline["interaction_id"])
    assert len(at.get("plotly_chart")) == 1
    # Another match from the list opens its card.
    other = hits["account_id"].iloc[1]
    pick.set_value(other).run()
    _ok(at)
    assert at.query_params["account"] == other
    assert at.subheader[0].value == md_escape(hits["company_name"].iloc[1])


def test_an_account_link_shows_the_conflict_in_words(demo) -> None:
    cur, as_of = demo
    at = _run(account="ACC-00034")
    _ok(at)
    card = acc.account_detail(cur, "ACC-00034", as_of=as_of)
    assert at.text_input(key="accounts_query").value == "ACC-00034"
    assert _pick(at).value == "ACC-00034"
    [warning] = at.warning
    assert warning.value == md_escape(card.account["owner_words"])
    assert warning.value.startswith("Conflict: the Hub says Emeka Okeke, the ERP says Chiamaka")
    assert "Orphan: owner Emeka Okeke left on 28 Nov 2025" in warning.value
    for view, frames in (("Contacts", [card.contacts]), ("ERP sales & quotes",
                                                         [card.sales, card.quotes]),
                         ("Next actions", [card.actions])):
        at.segmented_control(key="accounts_view").set_value(view).run()
        _ok(at)
        shown = at.dataframe[-len(frames):]
        assert [len(d.value) for d in shown] == [len(f) for f in frames]


def test_no_match_says_so() -> None:
    at = _run(q="zzzzqqq")
    _ok(at)
    assert "No account name is close" in at.warning[0].value and not at.subheader


@pytest.fixture
def tiny(make_hub, monkeypatch: pytest.MonkeyPatch):
    """As of 30 Jun 2026: one Motors account with a contact whose details must be masked
    for viewers, and a note that looks like a formula."""
    hub = make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi", erp="E1", name="Dangote Cement Plc")],
        contacts=[{**contact("C1", "A1", name="Aliko Musa"), "Email": "aliko@dangote.example",
                   "Mobile Number": "0803 123 4567"}],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction("I1", dt.datetime(2026, 6, 20, 9), "C1", "Inquiry",
                                  "Ada Obi", notes="=1+1", next_action="Call back",
                                  due=dt.datetime(2026, 6, 25))],
        customers=[customer("E1", "Motors", name="Dangote Cement Plc")],
        sales=[sale("S1", dt.date(2026, 6, 21), "E1", 1_500_000, salesperson="Ada Obi")],
        settings="as_of = 2026-06-30\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def test_contacts_are_masked_for_viewers(tiny, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(q="dangote cemnt")
    _ok(at)
    at.segmented_control(key="accounts_view").set_value("Contacts").run()
    assert list(at.dataframe[-1].value["email"]) == ["aliko@dangote.example"]
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run(q="dangote cemnt")
    at.segmented_control(key="accounts_view").set_value("Contacts").run()
    _ok(at)
    shown = at.dataframe[-1].value
    assert list(shown["email"]) == ["a•••@dangote…"]
    assert list(shown["mobile"]) == ["0803 ••• 4567"]


def test_the_account_workbook_is_formula_safe(tiny, deferred) -> None:
    at = _run(q="dangote cemnt")
    _ok(at)
    assert any("“Call back” with Aliko Musa, due 25 Jun 2026 — overdue by 5 days" in m.value
               for m in at.markdown)
    book = openpyxl.load_workbook(io.BytesIO(deferred["account-a1-2026-06-30.xlsx"]()))
    assert book.sheetnames == ["Account", "Contacts", "Timeline", "Sales", "Quotes",
                               "Next actions"]
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert "'=1+1" in {c.value for c in cells}
