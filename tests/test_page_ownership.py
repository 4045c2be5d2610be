"""AppTest of pages/ownership.py: on the demo the tiles and tables are metrics.ownership's and
metrics.accounts' numbers, ?division= narrows them, every view renders, and the proposed
reassignment list downloads as a formula-safe workbook; without an ERP export it says so."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from metrics import accounts as acc
from metrics import ownership
from metrics.formatting import naira_compact
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, customer, member, sale

PAGE = str(ROOT / "pages" / "ownership.py")
EVIL = '=HYPERLINK("http://evil.example","click")'
LABELS = ["Conflicts", "Orphans", "Not in the Hub", "No ERP link", "Silent revenue"]


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


def _tiles(at: AppTest) -> dict[str, tuple[str, str]]:
    """{label: (value, detail)} of the count tiles (HTML markdown)."""
    found = {}
    for m in at.markdown:
        parts = re.findall(r"<div[^>]*>(.*?)</div>", m.value)
        if len(parts) == 3 and parts[0] in LABELS:
            found[parts[0]] = (parts[1], parts[2])
    return found


@pytest.fixture(scope="module")
def demo():
    hub = HubLoader(DEMO).get()
    return hub.cursor(), hub.settings.as_of


def _expect(cur: Any, as_of: dt.date, division: str | None) -> dict[str, str]:
    view = acc.ownership_view(cur, as_of=as_of, division=division)
    counts = ownership.counts(cur, as_of=as_of, division=division)
    return {"Conflicts": f"{counts['conflicts']:,}", "Orphans": f"{counts['orphans']:,}",
            "Not in the Hub": f"{len(view.erp_without_hub):,}",
            "No ERP link": f"{len(view.hub_without_erp):,}",
            "Silent revenue": f"{len(view.silent):,}"}


def test_demo_tiles_are_the_metrics(demo) -> None:
    cur, as_of = demo
    at = _run()
    _ok(at)
    assert at.title[0].value == "Account ownership"
    tiles = _tiles(at)
    assert {k: v for k, (v, _) in tiles.items()} == _expect(cur, as_of, None)
    assert tiles["Conflicts"][0] == "38" and tiles["Orphans"][0] == "17"
    view = acc.ownership_view(cur, as_of=as_of, division=None)
    assert tiles["Silent revenue"][1] == f"{naira_compact(view.silent_total)} in 90 days"
    table = at.dataframe[0].value
    assert list(table["account_id"]) == list(view.reassignments["account_id"])
    assert len(table) == view.counts["orphans"] + view.counts["conflicts"] - int(
        (view.conflicts["orphan"]).sum())


def test_division_link_narrows_everything(demo) -> None:
    cur, as_of = demo
    at = _run(division="power")
    _ok(at)
    assert at.sidebar.selectbox(key="ownership_division").value == "Power"
    assert {k: v for k, (v, _) in _tiles(at).items()} == _expect(cur, as_of, "Power")
    at.sidebar.selectbox(key="ownership_division").set_value("Motors").run()
    _ok(at)
    assert at.query_params["division"] == "Motors"
    assert {k: v for k, (v, _) in _tiles(at).items()} == _expect(cur, as_of, "Motors")
    at.sidebar.selectbox(key="ownership_division").set_value("All divisions").run()
    _ok(at)
    assert "division" not in at.query_params


@pytest.mark.parametrize("shown, attr", [
    ("Conflicts", "conflicts"), ("Orphans", "orphans"), ("Not in the Hub", "erp_without_hub"),
    ("No ERP link", "hub_without_erp"), ("Silent revenue", "silent")])
def test_every_view_shows_the_metric_rows(demo, shown: str, attr: str) -> None:
    cur, as_of = demo
    at = _run(division="Motors")
    at.segmented_control(key="ownership_view").set_value(shown).run()
    _ok(at)
    expected = getattr(acc.ownership_view(cur, as_of=as_of, division="Motors"), attr)
    key = "erp_customer_id" if attr == "erp_without_hub" else "account_id"
    assert list(at.dataframe[0].value[key]) == list(expected[key])
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Proposed reassignment list (Excel)", "CSV", "Download XLSX",
                      "Download CSV"]


@pytest.fixture
def tiny(make_hub, monkeypatch: pytest.MonkeyPatch):
    """As of 30 Jun 2026: A1's owner is formula-like text (not on the roster: an orphan) and
    its ERP owner is Ada Obi; A2 is owned by Ada but the ERP says Bola (a conflict)."""
    hub = make_hub(
        accounts=[account("A1", "Motors", owner=EVIL, erp="E1", name="Lekki Logistics Ltd"),
                  account("A2", "Motors", owner="Ada Obi", erp="E2", name="=Ikeja Stores")],
        staff=[member("Ada Obi", "Motors"), member("Bola Ade", "Motors")],
        customers=[customer("E1", "Motors"), customer("E2", "Motors")],
        sales=[sale("S1", dt.date(2026, 6, 1), "E1", 1000, salesperson="Ada Obi"),
               sale("S2", dt.date(2026, 6, 2), "E2", 2000, salesperson="Bola Ade")],
        settings="as_of = 2026-06-30\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def test_reassignment_download_is_a_formula_safe_workbook(tiny, deferred) -> None:
    at = _run()
    _ok(at)
    name = "proposed-reassignment-list-2026-06-30"
    book = openpyxl.load_workbook(io.BytesIO(deferred[f"{name}.xlsx"]()))
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0][:7] == ["Account ID", "Company", "Division", "Current owner",
                           "Proposed owner", "Reason", "Evidence"]
    assert [r[0] for r in rows[1:]] == ["A1", "A2"]          # the orphan first
    assert rows[1][3] == "'" + EVIL and rows[1][4] == "Ada Obi"
    assert rows[2][1] == "'=Ikeja Stores" and rows[2][4] == "Bola Ade"
    assert rows[2][5] == "Hub owner Ada Obi differs from the ERP owner Bola Ade"
    lines = list(csv.reader(io.StringIO(deferred[f"{name}.csv"]().decode("utf-8-sig"))))
    assert lines[0][0] == "Account ID" and len(lines) == 3
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    at.sidebar.selectbox(key="ownership_division").set_value("Motors").run()
    _ok(at)
    assert f"motors-{name}.xlsx" in deferred


def test_without_an_erp_export_the_reconciliation_says_so(make_hub, monkeypatch) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")], staff=[member("Ada Obi", "Motors")],
                   settings="as_of = 2026-06-30\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    tiles = _tiles(at)
    assert tiles["Orphans"][0] == "1" and tiles["Not in the Hub"] == (
        "–", "no ERP export in erp/")
    at.segmented_control(key="ownership_view").set_value("No ERP link").run()
    _ok(at)
    assert any("No ERP export was loaded" in i.value for i in at.info)
    at.segmented_control(key="ownership_view").set_value("Conflicts").run()
    _ok(at)
    assert any("every Hub owner matches the ERP owner" in s.value for s in at.success)
