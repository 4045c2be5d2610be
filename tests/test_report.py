"""The JSON report of metrics.md: its exact shape, the command line, and a golden run over
the shipped demo (tests/golden/demo_kpis.json, refreshed only with ``--update-golden``)."""
from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from hub_data.contract import DIVISION_KPI_IDS, ENTRY_ERROR_CODES
from metrics.__main__ import report
from metrics.backlog import STATUSES as BACKLOG_STATUSES
from metrics.result import STATUSES
from tests.conftest import DEMO, ROOT
from tests.hubfactory import account, contact, interaction, member

GOLDEN = ROOT / "tests" / "golden" / "demo_kpis.json"
KPI_KEYS = {"value", "numerator", "denominator", "n", "target", "direction", "status"}
WEEK_KEYS = {"week_start", "adoption_rate", "logged", "staff", "entries",
             "entries_with_errors", "data_quality_error_rate", "review_held"}
DEMO_AS_OF = dt.date(2026, 7, 15)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo's report with a state folder of its own (no other test's store rows)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUB_STATE_DIR", str(tmp_path_factory.mktemp("report-state")))
        return report(str(DEMO), DEMO_AS_OF)


def _kpi_shape(result: dict) -> None:
    assert set(result) == KPI_KEYS
    assert result["status"] in STATUSES and result["direction"] in ("higher", "lower")
    if result["value"] is None:
        assert result["status"] == "no_data"


def test_report_has_exactly_the_shape_of_the_spec(demo_report):
    assert set(demo_report) == {"as_of", "window", "divisions", "crm_triggers", "findings",
                                "load_problems"}
    assert demo_report["as_of"] == "2026-07-15"
    assert demo_report["window"] == {"start": "2026-06-18", "end": "2026-07-15"}
    assert list(demo_report["divisions"]) == sorted(DIVISION_KPI_IDS)
    for name, division in demo_report["divisions"].items():
        assert set(division) == {"pilot", "kpis", "backlog", "ownership"}
        assert list(division["kpis"]) == list(DIVISION_KPI_IDS[name])
        for result in division["kpis"].values():
            _kpi_shape(result)
        assert list(division["backlog"]) == list(BACKLOG_STATUSES)
        assert all(isinstance(v, int) for v in division["backlog"].values())
        assert set(division["ownership"]) == {"orphans", "conflicts"}
        pilot = division["pilot"]
        assert set(pilot) == {"start", "week", "weeks", "adoption_rate",
                              "data_quality_error_rate", "process_compliance",
                              "stakeholder_confidence", "interventions"}
        for week in pilot["weeks"]:
            assert set(week) == WEEK_KEYS and isinstance(week["review_held"], bool)
        for kpi in ("adoption_rate", "data_quality_error_rate", "process_compliance",
                    "stakeholder_confidence"):
            _kpi_shape(pilot[kpi])
        order = ["adoption_rate", "data_quality_error_rate", "process_compliance"]
        assert pilot["interventions"] == [k for k in order if k in pilot["interventions"]]
    triggers = demo_report["crm_triggers"]
    assert set(triggers) == {"file_size_mb", "open_time_s", "steward_hours", "review_due",
                             "projected_100mb_date"}
    for key in ("file_size_mb", "open_time_s", "steward_hours"):
        assert {"value", "threshold", "fired"} <= set(triggers[key])
    assert set(triggers["steward_hours"]["by_division"]) <= set(DIVISION_KPI_IDS)
    findings = demo_report["findings"]
    assert list(findings["by_code"]) == list(ENTRY_ERROR_CODES)
    assert demo_report["load_problems"] == []


def test_demo_pilot_story_holds(demo_report):
    """The demo tells the story demo-data.md asks for: Motors adopted, Power is stuck."""
    motors = demo_report["divisions"]["Motors"]["pilot"]
    power = demo_report["divisions"]["Power"]["pilot"]
    assert motors["start"] == "2026-03-02" and motors["week"] == 20
    assert motors["adoption_rate"]["status"] == "on_track"
    assert power["adoption_rate"]["status"] == "off_track"
    assert "adoption_rate" in power["interventions"]


def _same(actual, expected, path="report"):
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12), path
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), path
        for key in expected:
            _same(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected)):
            _same(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, path


def test_golden_demo_report(demo_report, request):
    """Every number over the demo, as reviewed; a change here must be a change meant."""
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(demo_report, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    _same(json.loads(json.dumps(demo_report)), expected)


def _run(*args: str, env_state: Path) -> subprocess.CompletedProcess:
    import os
    env = {**os.environ, "HUB_STATE_DIR": str(env_state)}
    return subprocess.run([sys.executable, "-m", "metrics", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_command_line_prints_the_report(make_hub, tmp_path):
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", "Motors")],
                   interactions=[interaction("I1", dt.datetime(2026, 3, 3, 9), "C1", "Inquiry",
                                             "Ada Obi")])
    done = _run("report", "--data", str(hub.folder), "--as-of", "2026-03-10",
                env_state=tmp_path / "cli-state")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["as_of"] == "2026-03-10"
    motors = printed["divisions"]["Motors"]
    assert motors["pilot"]["start"] == "2026-03-02" and motors["pilot"]["week"] == 2
    assert motors["pilot"]["adoption_rate"]["value"] == 1.0   # Ada logged in week 1
    assert motors["kpis"]["qualified_inquiries"]["value"] == 1
    assert printed["divisions"]["Power"]["pilot"] is None      # nothing logged in Power


def test_command_line_refuses_an_unusable_folder(tmp_path):
    done = _run("report", "--data", str(tmp_path / "missing"), "--as-of", "2026-03-10",
                env_state=tmp_path / "cli-state")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "missing" in done.stderr
