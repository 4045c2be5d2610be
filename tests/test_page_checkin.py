"""AppTest of pages/checkin.py and pages/measurability.py on the demo data (and a hub with no
pilot): they run, the only st.error is the intervention banner, the numbers are metrics'."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.store import Store
from metrics.inputs import workspace
from metrics.measurability import measurability
from metrics.pilot import pilot_summary
from tests.conftest import DEMO, ROOT
from tests.hubfactory import account, contact, member

CHECKIN = str(ROOT / "pages" / "checkin.py")
MEASURABILITY = str(ROOT / "pages" / "measurability.py")
TIMEOUT = 120


def _run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(page, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _demo_cursor():
    hub = HubLoader(DEMO).get()
    return hub, workspace(hub.con, Store.for_settings(hub.settings).read_all())


def _grid(at: AppTest) -> str:
    bodies = [h.proto.body for h in at.get("html")]
    return next(b for b in bodies if "ck-grid" in b and "<table" in b)


def test_checkin_runs_and_only_errors_with_the_intervention_banner() -> None:
    at = _run(CHECKIN)
    assert not at.exception
    assert all(e.value.startswith("#### Intervention needed: ") for e in at.error)
    assert at.title[0].value == "Biweekly check-in"
    assert at.sidebar.selectbox(key="checkin_division").options == [
        "Motors", "Power", "Medical", "Cube 65 Clinic", "GRAS Restaurant"]


def test_power_shows_the_adoption_intervention_with_metrics_numbers() -> None:
    at = _run(CHECKIN, division="Power")
    assert not at.exception
    assert at.sidebar.selectbox(key="checkin_division").value == "Power"
    [banner] = at.error
    assert banner.value.startswith("#### Intervention needed: Adoption off track two periods "
                                   "running")
    hub, cur = _demo_cursor()
    summary = pilot_summary(cur, division="Power", as_of=hub.settings.as_of, settings=hub.settings)
    assert summary["interventions"] == ["adoption_rate"]
    periods = summary["periods"]
    judged = periods[periods["judged"]]
    last_two = judged.tail(2)["adoption_rate"]
    for value in last_two:
        assert f"{value * 100:.0f} %" in banner.value
    assert "target ≥ 80 %" in banner.value and "still off track" in banner.value
    # the grid shows metrics.pilot's per-period values, with icons and words
    grid = _grid(at)
    shown = re.findall(r"<tr><th class=\"ck-metric\">Adoption<small>.*?</tr>", grid)[0]
    values = re.findall(r"<b>[✓✗–] (\d+) %</b>", shown)
    assert values == [f"{v * 100:.0f}" for v in periods["adoption_rate"]]
    assert shown.count("✗") == len(judged[judged["adoption_rate_status"] == "off_track"])
    # the table behind the grid: one decimal, the same numbers
    table = at.dataframe[0].value
    assert list(table["Adoption %"]) == [round(v * 100, 1) for v in periods["adoption_rate"]]
    assert list(table["Data-quality error rate %"]) == [
        round(v * 100, 1) for v in periods["data_quality_error_rate"]]
    weeks = at.dataframe[1].value
    assert list(weeks["Staff who logged"]) == list(summary["weeks"]["logged"])
    # the one-click pack
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) == {"checkin_pack_xlsx", "checkin_pack_html"}
    assert "Not logged in week 10 — reach out to:" in " ".join(i.value for i in at.info)


def test_switching_division_and_chart_keeps_the_page_sound() -> None:
    at = _run(CHECKIN, division="power")  # the link's case does not matter
    assert at.sidebar.selectbox(key="checkin_division").value == "Power"
    at.sidebar.selectbox(key="checkin_division").set_value("Motors").run()
    assert not at.exception
    assert at.query_params["division"] == "Motors"  # the link reproduces the view
    [banner] = at.error
    assert "back on track since period 4" in banner.value
    at.segmented_control(key="checkin_chart").set_value("Weekly review").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    at.sidebar.selectbox(key="checkin_division").set_value("GRAS Restaurant").run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("**No intervention needed yet:**")


def test_stakeholder_confidence_is_marked_as_never_triggering() -> None:
    grid = _grid(_run(CHECKIN, division="Power"))
    assert "shown, never triggers an intervention" in grid
    confidence = re.findall(r'<tr class="ck-informs">.*?</tr>', grid)[0]
    assert "Stakeholder confidence" in confidence and "44 %" in confidence


def test_a_hub_without_a_pilot_says_so(make_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", "Motors")])
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run(CHECKIN)
    assert not at.exception and not at.error
    assert any("No division has a pilot yet" in i.value for i in at.info)


def test_measurability_page_lists_every_kpi_with_its_reason() -> None:
    at = _run(MEASURABILITY)
    assert not at.exception and not at.error
    hub, cur = _demo_cursor()
    expected = measurability(cur, as_of=hub.settings.as_of, settings=hub.settings)
    assert at.metric[0].value == f"{int(expected['measurable'].sum())} of {len(expected)}"
    assert at.metric[1].value == str(int((~expected["measurable"]).sum()))
    assert len(at.table) == 5
    shown = at.table[0].value
    assert list(shown.columns) == ["Measurable?", "Why", "Reads"]
    assert shown.iloc[0]["Measurable?"] == "✗ no"  # what needs action first
    warning = at.warning[0].value
    for row in expected[~expected["measurable"]].itertuples():
        assert row.label in warning
    at.sidebar.selectbox(key="measurability_division").set_value("Power").run()
    assert not at.exception and len(at.table) == 1
    assert [s.value for s in at.subheader] == ["Power · 8 of 8 measurable"]


def test_measurability_follows_the_as_of_date() -> None:
    at = _run(MEASURABILITY, as_of="2026-03-01")
    assert not at.exception and not at.error
    assert "no pilot start" in at.warning[0].value
    assert dt.date(2026, 3, 1) == at.sidebar.date_input(key="common_as_of").value


def test_a_pilot_that_starts_after_the_as_of_date_says_so() -> None:
    at = _run(CHECKIN, division="Power", as_of="2026-04-01")
    assert not at.exception and not at.error and not at.get("html")
    assert any("Pilot starts 4 May 2026, after 1 Apr 2026" in i.value for i in at.info)
