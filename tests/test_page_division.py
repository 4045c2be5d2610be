"""AppTest of pages/division.py: the division from the sidebar or ``?division=`` (any case),
tiles showing metrics.panel's values, drill-down rows adding up to each tile's numerator, the
trend and funnel views, downloads, contacts masked for viewers, and a division without a
panel saying so."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.store import Store
from metrics.calendar import window_ending
from metrics.division_charts import panel_frame
from metrics.formatting import kpi_target, kpi_value
from metrics.inputs import workspace
from metrics.motors import motors_funnel
from metrics.panel import panel
from metrics.power import power_funnel
from metrics.report import phase_order
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, contact, interaction, member

PAGE = str(ROOT / "pages" / "division.py")
KEY = "division_page_division"


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


@pytest.fixture(scope="module")
def demo():
    """The demo's metrics cursor (with its store), as-of date and settings."""
    hub = HubLoader(DEMO).get()
    return workspace(hub.con, Store.for_settings(hub.settings).read_all()), hub.settings


def _tile_text(at: AppTest, label: str) -> str:
    return next(m.value for m in at.markdown
                if f"font-weight:600'>{html.escape(label)}</div>" in m.value)


def _chart(at: AppTest, key: str) -> dict[str, Any]:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if key in c.proto.id)


def test_default_division_is_the_first_listed_and_the_title_names_it(demo) -> None:
    cur, settings = demo
    at = _run()
    _ok(at)
    order = phase_order(cur, as_of=settings.as_of, settings=settings)
    assert order[:3] == ["Motors", "Power", "Medical"]  # the pilot's phases, Motors first
    first = order[0]
    assert at.sidebar.selectbox(key=KEY).options == order
    assert at.sidebar.selectbox(key=KEY).value == first
    assert at.title[0].value == first
    assert at.query_params["division"] == first


def test_the_link_opens_power_in_any_case_with_the_panel_numbers(demo) -> None:
    cur, settings = demo
    at = _run(division="pOWER")
    _ok(at)
    assert at.title[0].value == "Power"
    assert at.sidebar.selectbox(key=KEY).value == "Power"
    assert at.query_params["division"] == "Power"
    tiles = panel(cur, division="Power", as_of=settings.as_of, settings=settings)
    assert [t.spec.id for t in tiles] == ["lead_response_hours", "lead_to_site_visit_rate",
                                          "proposal_win_rate", "avg_sales_cycle_days"]
    for tile in tiles:
        r, unit = tile.result, tile.spec.unit
        text = _tile_text(at, tile.spec.label)
        assert f">{kpi_value(r.value, unit)}</span>" in text
        assert html.escape(kpi_target(r.target, r.direction, unit)) in text
        assert html.escape(tile.detail()) in text
    # one drill-down table per tile, in the panel's order, then the funnel's rows
    tables = [d.value for d in at.dataframe]
    assert len(tables) == len(tiles) + 1
    for table, tile in zip(tables, tiles):
        assert len(table) == len(tile.rows)
        assert list(table["in_numerator"]) == list(tile.drill_rows()["in_numerator"])
        if tile.spec.unit == "ratio":
            assert int(table["in_numerator"].sum()) == tile.result.numerator
        else:  # a median or mean: the rows measured are its n
            assert int(table["in_numerator"].sum()) == tile.result.n


def test_drill_down_rows_add_up_to_every_motors_numerator(demo) -> None:
    cur, settings = demo
    at = _run(division="Motors")
    _ok(at)
    tiles = panel(cur, division="Motors", as_of=settings.as_of, settings=settings)
    tables = [d.value for d in at.dataframe]
    for table, tile in zip(tables, tiles):
        counted = int(table["in_numerator"].sum())
        if tile.spec.unit == "ratio":
            assert counted == tile.result.numerator and len(table) == tile.result.denominator
        else:
            assert counted == tile.result.value == 77  # qualified inquiries: a count
    checked = [t for t in tiles if t.spec.unit == "ratio"]
    assert len(checked) == 4 and all(t.result.numerator for t in checked)


def test_switching_division_and_the_trend_view(demo) -> None:
    cur, settings = demo
    at = _run(division="Power")
    at.sidebar.selectbox(key=KEY).set_value("Medical").run()
    _ok(at)
    assert at.title[0].value == "Medical"
    assert at.query_params["division"] == "Medical"
    assert not any("funnel" in c.proto.id for c in at.get("plotly_chart"))
    tiles = panel(cur, division="Medical", as_of=settings.as_of, settings=settings)
    trend = _chart(at, "division_page_trend_fig")
    assert trend["layout"]["title"]["text"] == f"Medical: {tiles[0].spec.label}, 12 windows " \
                                               "of 28 days"
    at.get("button_group")[0].set_value(tiles[3].spec.label).run()
    _ok(at)
    trend = _chart(at, "division_page_trend_fig")
    assert trend["layout"]["title"]["text"].startswith("Medical: Quality flag resolution")
    bars = trend["data"][0]
    assert len(bars["x"]) == 12
    last = tiles[3].trend["value"].iloc[-1]
    assert bars["y"][-1] == pytest.approx(last)
    assert bars["text"][-1].endswith(f"{last:.1f}")


def test_the_motors_funnel_and_its_rows_per_step(demo) -> None:
    cur, settings = demo
    at = _run(division="Motors")
    _ok(at)
    funnel = motors_funnel(cur, window=window_ending(settings.as_of), as_of=settings.as_of)
    counts = list(funnel["count"])
    chart = _chart(at, "division_page_funnel_fig")
    assert chart["data"][0]["x"] == counts
    assert chart["layout"]["title"]["text"].startswith(
        f"Motors: {counts[-1]} of {counts[0]} inquiries")
    steps = at.get("button_group")[1]
    assert steps.options[0].startswith("Not quoted within 30 days")
    # the default step: inquiries not quoted
    assert len(at.dataframe[-1].value) == counts[0] - counts[1]
    assert not at.dataframe[-1].value["quoted"].any()
    steps.set_value(1).run()
    _ok(at)
    shown = at.dataframe[-1].value
    assert len(shown) == counts[1] - counts[2]
    assert shown["quoted"].all() and not shown["in_numerator"].any()
    at.get("button_group")[1].set_value(-1).run()
    assert len(at.dataframe[-1].value) == counts[0]


def test_the_power_funnel_lists_the_leads_with_no_site_visit(demo) -> None:
    cur, settings = demo
    at = _run(division="Power")
    funnel = power_funnel(cur, window=window_ending(settings.as_of), as_of=settings.as_of)
    counts = list(funnel["count"])
    shown = at.dataframe[-1].value
    assert len(shown) == counts[0] - counts[1] > 0
    assert not shown["site_visit"].any()
    assert at.get("button_group")[1].options[0] == \
        f"No site visit within 60 days ({counts[0] - counts[1]})"


def test_downloads_hold_the_panel_and_the_rows(demo, deferred) -> None:
    cur, settings = demo
    at = _run(division="Power")
    _ok(at)
    day = settings.as_of.isoformat()
    tiles = panel(cur, division="Power", as_of=settings.as_of, settings=settings)
    rows = list(csv.DictReader(io.StringIO(
        deferred[f"power-kpi-panel-{day}.csv"]().decode("utf-8-sig"))))
    expected = panel_frame(tiles, settings.min_n)
    assert [r["KPI"] for r in rows] == list(expected["KPI"])
    assert [r["status"] for r in rows] == list(expected["status"])
    assert [r["numerator"] for r in rows][2] == "7.0"
    book = openpyxl.load_workbook(io.BytesIO(deferred[f"power-kpi-panel-{day}.xlsx"]()))
    assert book.sheetnames == ["Panel", *[t.spec.label for t in tiles]]
    sheet = book[tiles[2].spec.label]
    assert sheet.max_row - 4 == len(tiles[2].rows)  # title, stamp, blank, header
    funnel_rows = deferred[f"power-leads-funnel-{day}.csv"]().decode("utf-8-sig")
    assert len(pd.read_csv(io.StringIO(funnel_rows))) == power_funnel(
        cur, window=window_ending(settings.as_of), as_of=settings.as_of)["count"].iloc[0]
    assert f"power-lead-response-time-rows-{day}.xlsx" in deferred


def test_contacts_are_masked_for_a_viewer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows behind a tile carry no e-mails in the demo; give them one to prove the page
    masks whatever contact columns the rows have, for a viewer and not for a lead."""
    import metrics.panel as panel_module

    original = panel_module.with_rows

    def with_email(*args: Any, **kwargs: Any):
        import dataclasses
        return [dataclasses.replace(t, rows=t.rows.assign(email="adaeze@lekki.ng.example"))
                for t in original(*args, **kwargs)]

    monkeypatch.setattr("pages._common.with_rows", with_email)  # the pages' cached rows
    monkeypatch.setattr("pages._common.current_role",
                        lambda: Role("viewer", email="v@x.example"))
    at = _run(division="Motors")
    _ok(at)
    assert set(at.dataframe[0].value["email"]) == {"a•••@lekki…"}
    lead = Role("division_lead", division="Motors", email="l@x.example")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run(division="Motors")
    _ok(at)
    assert set(at.dataframe[0].value["email"]) == {"adaeze@lekki.ng.example"}


def test_a_division_without_a_panel_says_so_and_others_still_work(
        make_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub(lists={"Divisions": ["Agro Foods", "Motors"]},
                   accounts=[account("A1", "Agro Foods"), account("A2", "Motors")],
                   contacts=[contact("C1", "A1"), contact("C2", "A2")],
                   staff=[member("Ada Obi", "Motors"), member("Bola Ade", "Agro Foods")],
                   interactions=[
                       interaction("I1", dt.datetime(2026, 3, 2, 9), "C2", "Inquiry", "Ada Obi"),
                       interaction("I2", dt.datetime(2026, 3, 3, 9), "C1", "Inquiry",
                                   "Bola Ade")],
                   settings="as_of = 2026-03-20\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run(division="agro foods")
    _ok(at)
    assert at.title[0].value == "Agro Foods"
    [note] = [i.value for i in at.info if "no KPI panel" in i.value]
    assert note.startswith("**Agro Foods has no KPI panel.**")
    assert not at.dataframe and not at.get("plotly_chart")
    at.sidebar.selectbox(key=KEY).set_value("Motors").run()
    _ok(at)
    assert at.title[0].value == "Motors"
    # one inquiry in the window, not answered: 0 of 1, a grey "too few data" tile
    text = _tile_text(at, "Inquiries answered within 12 h")
    assert "too few data (n = 1)" in text and "0 of 1 inquiry" in text
    assert int(at.dataframe[1].value["in_numerator"].sum()) == 0
    assert len(at.dataframe[-1].value) == 1  # the funnel: the inquiry, not quoted
