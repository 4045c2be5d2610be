"""AppTest of pages/cross_division.py: the demo shows the metrics' numbers, ?division= narrows
the cross-sell opportunities, filters drive the matrix, viewers get masked phones (on screen and
in the download), the downloads are formula-safe, and a hub without an ERP export says so."""
from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from metrics import crossdivision_view as cxv
from metrics.activity import collaboration
from metrics.calendar import window_ending
from metrics.crossdivision import (collaboration_all, cross_division_customers,
                                   cross_sell_opportunity, divisions_per_customer)
from metrics.formatting import kpi_value, naira_compact
from tests.conftest import DEMO, ROOT, page_ok, run_page
from tests.hubfactory import account, contact, customer, interaction, member, sale

PAGE = str(ROOT / "pages" / "cross_division.py")
EVIL = '=HYPERLINK("http://evil.example","click")'
AS_OF = dt.date(2026, 7, 15)


def _run(division: str | None = None, **state: Any) -> AppTest:
    return run_page(PAGE, state=state, **({"division": division} if division else {}))


_ok = page_ok


def _tile(at: AppTest, label: str) -> str:
    return next(m.value for m in at.markdown if f">{label}" in m.value)


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with ``column`` (matrix: n_sold; opportunities: owner)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def demo():
    hub = HubLoader(DEMO).get()
    return hub.cursor(), hub.settings.as_of


def test_demo_runs_and_tiles_show_the_metrics(demo) -> None:
    cur, as_of = demo
    assert as_of == AS_OF
    at = _run()
    _ok(at)
    assert at.title[0].value == "Cross-division customers"
    customers = cross_division_customers(cur, as_of=as_of).result
    tile = _tile(at, "Buying from 2+ divisions")
    assert html.escape(kpi_value(customers.value, "ratio")) == "&lt; 1 %"
    assert html.escape(kpi_value(customers.value, "ratio")) in tile
    assert f"{customers.numerator:,} of {customers.denominator:,} buying customers" in tile
    opportunities = cross_sell_opportunity(cur, as_of=as_of)
    summary = cxv.opportunity_summary(opportunities)
    assert f">{summary['pairs']:,}<" in _tile(at, "Cross-sell chances")
    assert f"{summary['customers']:,} customers to call" in _tile(at, "Cross-sell chances")
    assert naira_compact(summary["revenue"]) in _tile(at, "Revenue at stake")
    together = collaboration_all(cur, window=window_ending(as_of), as_of=as_of).result
    tile = _tile(at, "Collaboration")
    assert html.escape(kpi_value(together.value, "ratio")) in tile
    assert f"{together.numerator:,} of {together.denominator:,} interactions" in tile
    matrix = _frame(at, "n_sold")
    expected = divisions_per_customer(cur, as_of=as_of)
    assert list(matrix["erp_customer_id"]) == list(expected["erp_customer_id"])
    assert int(matrix["cross_division"].sum()) == customers.numerator
    shown = _frame(at, "owner")
    assert len(shown) == len(opportunities) > 0
    assert list(shown["erp_customer_id"]) == list(opportunities["erp_customer_id"])
    assert list(shown["owner"].fillna("")) == list(opportunities["owner"].fillna(""))
    assert len(at.get("plotly_chart")) == 3        # largest customers, who helps whom, trend
    assert not at.warning


def test_division_link_narrows_the_opportunities_to_b(demo) -> None:
    cur, as_of = demo
    at = _run("Power")
    _ok(at)
    assert at.selectbox(key="cross_division_division").value == "Power"
    opportunities = cross_sell_opportunity(cur, as_of=as_of)
    power = opportunities[opportunities["division"] == "Power"]
    shown = _frame(at, "owner")
    assert set(shown["division"]) == {"Power"}
    assert len(shown) == len(power) > 0
    assert list(shown["rank"]) == list(range(1, len(power) + 1))
    assert f">{len(power):,}<" in _tile(at, "Cross-sell chances, Power")
    assert any("Who should Power call?" in m.value for m in at.markdown)
    own = collaboration(cur, window=window_ending(as_of), as_of=as_of, division="Power").result
    assert f"{own.numerator:,} of {own.denominator:,} interactions" in _tile(
        at, "Collaboration, Power")
    owner = shown["owner"].dropna().iloc[0]
    at.selectbox(key="cross_division_owner").set_value(owner).run()
    _ok(at)
    picked = _frame(at, "owner")
    assert set(picked["owner"]) == {owner}
    assert len(picked) == int(((power["owner"] == owner)).sum())


def test_matrix_filters(demo) -> None:
    cur, as_of = demo
    at = _run()
    everything = len(_frame(at, "n_sold"))
    at.selectbox(key="cross_division_bought").set_value("Medical").run()
    _ok(at)
    medical = _frame(at, "n_sold")
    assert 0 < len(medical) < everything
    assert set(medical["Medical"]) <= {cxv.SOLD, cxv.SOLD_AND_TALKED}
    at.toggle(key="cross_division_cross_only").set_value(True).run()
    _ok(at)
    per_customer = divisions_per_customer(cur, as_of=as_of)
    expected = per_customer[per_customer["cross_division"]
                            & per_customer["sale_divisions"].map(lambda d: "Medical" in d)]
    if expected.empty:
        assert any("No customer matches" in i.value for i in at.info)
    else:
        assert list(_frame(at, "n_sold")["erp_customer_id"]) == list(expected["erp_customer_id"])
    at.selectbox(key="cross_division_bought").set_value("Any division").run()
    at.toggle(key="cross_division_cross_only").set_value(False).run()
    name = medical["customer_name"].iloc[0]
    at.text_input(key="cross_division_search").set_value(name.upper()).run()
    _ok(at)
    assert name in set(_frame(at, "n_sold")["customer_name"])


def test_viewers_see_masked_phones_and_a_lead_their_own(monkeypatch, deferred) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run("Medical")
    _ok(at)
    phones = _frame(at, "owner")["main_phone"].dropna()
    assert len(phones) and all("•••" in p for p in phones)
    book = openpyxl.load_workbook(io.BytesIO(
        deferred["medical-cross-sell-opportunities-2026-07-15.xlsx"]()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[4]]
    column = header.index("Main phone") + 1
    exported = [sheet.cell(r, column).value for r in range(5, sheet.max_row + 1)]
    assert any(exported) and all("•••" in p for p in exported if p)
    lead = Role("division_lead", division="Power", email="l@x")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run("Medical")
    _ok(at)
    shown = _frame(at, "owner").dropna(subset=["main_phone"])
    own = shown[shown["account_division"] == "Power"]["main_phone"]
    other = shown[shown["account_division"] != "Power"]["main_phone"]
    assert len(own) and not any("•••" in p for p in own)
    assert len(other) and all("•••" in p for p in other)


def test_demo_downloads_are_formula_safe_and_stamped(deferred) -> None:
    _ok(_run())
    assert {"cross-division-customers-2026-07-15.xlsx", "cross-division-customers-2026-07-15.csv",
            "cross-sell-opportunities-2026-07-15.xlsx",
            "cross-sell-opportunities-2026-07-15.csv"} <= set(deferred)
    book = openpyxl.load_workbook(io.BytesIO(
        deferred["cross-division-customers-2026-07-15.xlsx"]()))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "cross-division customers"
    assert sheet["A2"].value.startswith("as of 15 Jul 2026 · data loaded ")
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert [c.value for c in sheet[4]][:2] == ["Customer", "ERP customer ID"]


@pytest.fixture
def evil_hub(make_hub, monkeypatch):
    hub = make_hub(
        lists={"Divisions": ["Motors", "Power"]},
        accounts=[{**account("A1", "Motors", erp="E1", owner="Ada Obi", name=EVIL),
                   "Main Phone Number": "0803 123 4567"}],
        contacts=[contact("C1", "A1")],
        staff=[member("Ada Obi", "Motors")],
        customers=[customer("E1", "Motors", name="=1+1")],
        sales=[sale("S1", dt.date(2026, 3, 2), "E1", 1000, division="Motors",
                    salesperson="@Ada")],
        interactions=[interaction("I1", dt.datetime(2026, 3, 10, 9), "C1", "Inquiry",
                                  "Ada Obi", next_action="None")],
        settings="as_of = 2026-03-16\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def test_tiny_hub_exports_formula_text_safely(evil_hub, deferred) -> None:
    at = _run()
    _ok(at)
    shown = _frame(at, "owner")
    assert list(shown["division"]) == ["Power"] and list(shown["owner"]) == ["Ada Obi"]
    assert list(shown["main_phone"]) == ["0803 123 4567"]         # local mode: admin
    for name in ("cross-division-customers-2026-03-16.xlsx",
                 "cross-sell-opportunities-2026-03-16.xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(deferred[name]()))
        cells = [c for s in book.worksheets for row in s.iter_rows() for c in row
                 if c.value is not None]
        assert all(c.data_type != "f" for c in cells)
        assert "'=1+1" in {c.value for c in cells}
    text = deferred["cross-sell-opportunities-2026-03-16.csv"]().decode("utf-8-sig")
    assert "'=1+1" in text


def test_hub_without_erp_says_so(make_hub, monkeypatch) -> None:
    hub = make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi"), account("A2", "Power")],
        contacts=[contact("C1", "A1"), contact("C2", "A2")],
        staff=[member("Ada Obi", "Motors"), member("Musa Bello", "Power")],
        interactions=[interaction("I1", dt.datetime(2026, 3, 10, 9), "C2", "Inquiry",
                                  "Ada Obi", next_action="None")],
        settings="as_of = 2026-03-16\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    warning = at.warning[0].value
    assert "No ERP sales" in warning and "no erp/ folder" in warning
    assert str(hub.folder / "erp").replace("-", "\\-").replace(".", "\\.").replace(
        "_", "\\_") in warning                                    # the folder, escaped
    assert "–" in _tile(at, "Cross-sell chances")
    assert "no ERP sales export in erp/" in _tile(at, "Buying from 2+ divisions")
    assert any("without the ERP sales export" in i.value for i in at.info)
    # Collaboration still counts from the Hub: Ada (Motors) on a Power account, 1 of 1.
    assert "1 of 1 interactions" in _tile(at, "Collaboration")


def test_no_opportunities_is_a_success(make_hub, monkeypatch) -> None:
    # One division in the report, and its customer bought from it: nobody else to call.
    hub = make_hub(
        lists={"Divisions": ["Motors"]},
        accounts=[account("A1", "Motors", erp="E1", owner="Ada Obi")],
        contacts=[contact("C1", "A1")], staff=[member("Ada Obi", "Motors")],
        customers=[customer("E1", "Motors")],
        sales=[sale("S1", dt.date(2026, 3, 2), "E1", 1000, division="Motors")],
        settings="as_of = 2026-03-16\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    assert any("No cross-sell opportunities here" in s.value for s in at.success)
    assert ">0<" in _tile(at, "Cross-sell chances")
    assert list(_frame(at, "n_sold")["Motors"]) == [cxv.SOLD]
