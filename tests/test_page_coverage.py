"""AppTest of pages/coverage.py on the demo data and on tiny hubs: it runs, the tiles show
metrics.ownership.coverage's numbers, ?division= opens a division, the owner filter narrows
the table and the channel mix names what was written outside the lists."""
from __future__ import annotations

import datetime as dt
import html

import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.store import Store
from metrics import coverage as cv
from metrics.calendar import window_ending
from metrics.inputs import workspace
from metrics.ownership import coverage
from metrics.report import report_divisions
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, interaction, member

PAGE = str(ROOT / "pages" / "coverage.py")


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


@pytest.fixture(scope="module")
def demo():
    """The demo's metrics cursor and as-of date (the page's defaults)."""
    hub = HubLoader(DEMO).get()
    return workspace(hub.con, Store.for_settings(hub.settings).read_all()), hub.settings.as_of


def _table(at: AppTest, column: str):
    """The dataframe shown whose columns include ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_all_divisions_tiles_are_ownership_coverage(demo) -> None:
    at = _run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Coverage"
    assert at.sidebar.selectbox(key="coverage_division").value == "All divisions"
    cur, as_of = demo
    window = window_ending(as_of)
    bodies = [m.value for m in at.markdown]
    divisions = report_divisions(cur)
    assert len(divisions) == 5
    for division in divisions:
        result = coverage(cur, window=window, as_of=as_of, division=division).result
        [tile] = [b for b in bodies if b.startswith(f"<div title='{html.escape(division)}: ")]
        assert f">{result.value * 100:.0f} %</div>" in tile
        assert f"{result.numerator} of {result.denominator} touched" in tile
        assert "• no target" in tile
    assert len(at.get("plotly_chart")) == 1
    shown = _table(at, "company_name")
    expected = cv.least_touched(cv.coverage_rows(cur, window=window, as_of=as_of),
                                untouched_only=True)
    assert list(shown["account_id"]) == list(expected["account_id"])
    assert set(shown["touch"]) <= {"never", "not in the window"}
    mix = _table(at, "Interactions")
    assert list(mix["Division"]) == divisions


def test_division_link_opens_that_division_with_metrics_numbers(demo) -> None:
    at = _run(division="power")  # the link's case does not matter
    assert not at.exception and not at.error
    assert at.sidebar.selectbox(key="coverage_division").value == "Power"
    assert at.query_params["division"] == "Power"
    cur, as_of = demo
    out = coverage(cur, window=window_ending(as_of), as_of=as_of, division="Power")
    r = out.result
    tile = next(m.value for m in at.markdown if "Power: owned accounts touched" in m.value)
    assert f">{r.value * 100:.0f} %</span>" in tile
    assert f"{r.numerator} of {r.denominator} owned accounts touched" in tile
    trend = cv.coverage_trend(cur, as_of=as_of, division="Power")
    points = round((trend["value"].iloc[-1] - trend["value"].iloc[-2]) * 100)
    change = "no change" if points == 0 else f"{points:+d} pts".replace("-", "−")
    assert f"{change} vs the previous 28 days" in tile
    assert at.metric[0].value == str(int(out.rows["last_interaction"].isna().sum()))
    shown = _table(at, "company_name")
    assert list(shown["account_id"]) == list(out.rows.loc[~out.rows["in_numerator"],
                                                          "account_id"])
    assert set(_table(at, "accounts")["division"]) == {"Power"}
    assert list(_table(at, "Interactions")["Division"]) == ["Power"]


def test_owner_filter_narrows_the_table(demo) -> None:
    at = _run(division="Motors")
    cur, as_of = demo
    rows = coverage(cur, window=window_ending(as_of), as_of=as_of, division="Motors").rows
    everyone = _table(at, "company_name")
    owner = rows.loc[~rows["in_numerator"], "owner"].iloc[0]
    at.selectbox(key="coverage_owner").set_value(owner).run()
    assert not at.exception
    narrowed = _table(at, "company_name")
    assert 0 < len(narrowed) < len(everyone)
    assert set(narrowed["owner"]) == {owner}
    assert len(narrowed) == int(((rows["owner"] == owner) & ~rows["in_numerator"]).sum())
    at.toggle(key="coverage_untouched").set_value(False).run()
    assert not at.exception
    assert len(_table(at, "company_name")) == int((rows["owner"] == owner).sum())
    # another division: the owner is not one of its owners, so the filter resets
    at.sidebar.selectbox(key="coverage_division").set_value("Medical").run()
    assert not at.exception and at.selectbox(key="coverage_owner").value == "Everyone"
    assert set(_table(at, "company_name")["division"]) == {"Medical"}


def test_an_earlier_as_of_date_runs() -> None:
    at = _run(as_of="2026-03-01")
    assert not at.exception and not at.error


def test_a_tiny_hub_names_the_channels_written_outside_the_lists(
        make_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    t = dt.datetime(2026, 6, 29, 9)
    hub = make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi", name="Lekki Logistics"),
                  account("A2", "Motors", owner="Ada Obi", name="Ikeja Cold Stores")],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction("I1", t, None, "Follow-up", "Ada Obi", account_id="A1",
                                  channel="Fax"),
                      interaction("I2", t, None, "Follow-up", "Ada Obi", account_id="A1")],
        settings="as_of = 2026-06-30\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run(division="Motors")
    assert not at.exception and not at.error
    tile = next(m.value for m in at.markdown if "Motors: owned accounts touched" in m.value)
    assert "1 of 2 owned accounts touched" in tile and "too few data (n = 2)" in tile
    assert any("Other (as written)" in c.value and "Fax" in c.value for c in at.caption)
    mix = _table(at, "Interactions")
    assert mix.iloc[0]["Phone"] == 50.0 and mix.iloc[0]["Other (as written)"] == 50.0
    assert list(_table(at, "company_name")["company_name"]) == ["Ikeja Cold Stores"]


def test_a_hub_without_owned_accounts_says_so(make_hub,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub(accounts=[account("A1", "Motors", owner=None)],
                   staff=[member("Ada Obi", "Motors")], settings="as_of = 2026-06-30\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    assert not at.exception and not at.error
    assert any("No owned accounts here" in i.value for i in at.info)
    assert any(f"No interactions dated {window_ending(dt.date(2026, 6, 30)).label()}"
               in i.value for i in at.info)
    tile = next(m.value for m in at.markdown if m.value.startswith("<div title='Motors: "))
    assert "no owned accounts" in tile and ">–</div>" in tile


def test_a_long_table_lists_its_first_rows_and_says_how_many(demo, monkeypatch) -> None:
    """Without a line of the page's own above it, the listing note says how many in all."""
    monkeypatch.setattr("pages._common.LISTED_ROWS", 3)
    at = _run()
    assert not at.exception and not at.error
    cur, as_of = demo
    waiting = cv.least_touched(cv.coverage_rows(cur, window=window_ending(as_of), as_of=as_of),
                               untouched_only=True)
    assert len(waiting) > 3
    assert len(_table(at, "company_name")) == 3
    assert [c.value for c in at.caption if "Listing" in c.value] == [
        f"Listing the first 3 of {len(waiting):,} accounts; the downloads hold all of them."]
