"""AppTest of the pilot scorecard on the demo: the tiles say what metrics.pilot computes."""
from __future__ import annotations

import datetime as dt

import hub_data
from hub_data.store import Store
from metrics.inputs import workspace
from metrics.pilot import pilot_summary
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGE = str(ROOT / "pages" / "pilot.py")


def _tiles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "font-size:2.9rem" in m.value]


def _expected(division: str) -> dict:
    hub = hub_data.build_database()
    cur = workspace(hub.con, Store.for_settings(hub.settings).read_all())
    return pilot_summary(cur, division=division, as_of=dt.date(2026, 7, 15),
                         settings=hub.settings)


def test_scorecard_tiles_show_the_metrics_values() -> None:
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    tiles = _tiles(at)
    assert len(tiles) == 4
    motors = _expected("Motors")["results"]
    adoption = motors["adoption_rate"]
    assert f">{adoption.value * 100:.0f} %<" in tiles[0]
    assert f"{adoption.numerator} of {adoption.denominator} customer-facing staff" in tiles[0]
    assert "✓ on track" in tiles[0]
    compliance = motors["process_compliance"]
    assert f">{compliance.value * 100:.0f} %<" in tiles[2] and "✗ off track" in tiles[2]
    assert any(m.value.startswith("Reach out to: ") for m in at.markdown)


def test_power_shows_its_intervention_and_small_numbers_stay_grey() -> None:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["division"] = "Power"
    at.run()
    assert not at.exception
    assert any(e.value.startswith("**Intervention needed:** adoption") for e in at.error)
    power = _expected("Power")["results"]
    confidence = power["stakeholder_confidence"]   # 4 of 9 answers: n below min_n = 10
    tile = _tiles(at)[3]
    assert confidence.n < 10 and f"too few data (n = {confidence.n})" in tile
    assert "✗ off track" not in tile and "could be anywhere from" in tile


def test_every_chart_renders() -> None:
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    for label in ("Adoption", "Data-quality error rate", "Weekly review held",
                  "Stakeholder confidence"):
        at.segmented_control(key="pilot_chart").set_value(label).run()
        assert not at.exception
