"""AppTest of pages/crm_readiness.py: on the demo the gauges show crm_triggers' values and the
banner follows the number of triggers firing; the forms record into the store (a bad value
shows the store's message and records nothing); roles see only the forms they may use; the
CRM Requirements Document downloads open."""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.store import Store
from metrics import crm_readiness as crm
from metrics.inputs import workspace
from metrics.triggers import crm_triggers
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, member

PAGE = str(ROOT / "pages" / "crm_readiness.py")
FORM_KEYS = ("crm_hours_submit", "crm_open_submit", "crm_req_submit")


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception


def _demo():
    hub = HubLoader(DEMO).get()
    store = Store.for_settings(hub.settings)
    return hub, store, workspace(hub.con, store.read_all())


def _gauges(at: AppTest) -> dict[str, dict]:
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    found = {}
    for spec in charts.values():
        data = spec["data"]
        if data and data[0].get("type") == "indicator":
            found[round(data[0]["gauge"]["threshold"]["value"], 6)] = data[0]
    return found


def _plain(text: str) -> str:
    """Markdown text without its escaping backslashes (what the reader sees)."""
    return text.replace("\\", "")


def _submits(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key in FORM_KEYS}


def test_demo_gauges_show_crm_triggers(deferred) -> None:
    at = _run()
    _ok(at)
    assert at.title[0].value == "CRM readiness"
    hub, _, cur = _demo()
    triggers = crm_triggers(cur, as_of=hub.settings.as_of, settings=hub.settings)
    gauges = _gauges(at)
    assert len(gauges) == 3
    for trigger_id in crm.TRIGGERS:
        trigger = triggers[trigger_id]
        gauge = gauges[round(trigger["threshold"], 6)]
        assert gauge["value"] == pytest.approx(trigger["value"])
        words = crm.gauge_words(trigger_id, trigger, detail=False)
        assert any(words in m.value for m in at.markdown), words
    assert triggers["steward_hours"]["fired"] and not triggers["review_due"]
    # one trigger fires: the calm line, no error anywhere
    assert not at.error
    assert at.success[0].value == ("**1 of 3 triggers fires \\(steward hours\\): no CRM review "
                                   "due yet \\(due when any two fire\\)\\.**")
    # the histories and their projection sentences
    assert len(at.get("plotly_chart")) == 6
    captions = " ".join(c.value for c in at.caption)
    assert "Projected to pass 10 s on 7 Nov 2026" in captions
    assert "Already over: Power" in captions
    # the requirements log, ranked by evidence, and the document
    table = at.dataframe[0].value
    log = crm.requirements_log(cur, as_of=hub.settings.as_of, settings=hub.settings)
    assert list(table["ID"]) == list(log["id"])
    assert list(table["Rank"]) == list(range(1, len(log) + 1))
    assert table["Evidence"].iloc[0] == "✗ trigger fired"
    names = {"crm-requirements-document-2026-07-15." + ext for ext in ("xlsx", "md", "html")}
    assert names <= set(deferred)
    book = openpyxl.load_workbook(io.BytesIO(
        deferred["crm-requirements-document-2026-07-15.xlsx"]()))
    assert book.sheetnames == ["Requirements", "Triggers", "Evidence"]
    assert deferred["crm-requirements-document-2026-07-15.md"]().startswith(
        b"# CRM Requirements Document")
    # local mode is admin: every form
    assert _submits(at) == set(FORM_KEYS)


def test_banner_says_review_due_when_two_fire(make_hub, monkeypatch) -> None:
    # Thresholds from settings: the tiny workbook is over 0.001 MB and Motors' 3 h a week
    # over 2 h -> two fire; no open time recorded.
    monday = dt.date(2026, 2, 2)
    hub = make_hub(accounts=[account("A1", "Motors")], staff=[member("Ada Obi", "Motors")],
                   store={"steward_hours": [{"division": "Motors", "week_start": monday,
                                             "hours": 3, "steward": "Ada Obi",
                                             "recorded_at": dt.datetime(2026, 2, 6, 17)}]},
                   settings="as_of = 2026-02-15\n[thresholds]\nfile_size_mb = 0.001\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    [banner] = at.error
    assert banner.value.startswith("#### CRM review due: 2 of 3 triggers fire \\(file size, "
                                   "steward hours\\)")
    assert "Intervention needed" not in banner.value
    triggers = crm_triggers(hub.workspace(), as_of=dt.date(2026, 2, 15), settings=hub.settings)
    gauges = _gauges(at)
    assert gauges[0.001]["value"] == pytest.approx(triggers["file_size_mb"]["value"])
    assert gauges[0.001]["value"] > 0.001
    assert "mode" in gauges[10.0] and gauges[10.0]["mode"] == "gauge"  # no open time: no number
    assert any("no open time recorded yet" in m.value for m in at.markdown)
    assert any("No requirement recorded yet" in i.value for i in at.info)
    assert not at.success


def test_steward_hours_form_records_a_row() -> None:
    hub, store, _ = _demo()
    before = len(store.read("steward_hours"))
    at = _run()
    assert at.date_input(key="crm_hours_week").value == dt.date(2026, 7, 13)  # as-of's Monday
    at.selectbox(key="crm_hours_division").set_value("Power")
    at.number_input(key="crm_hours_hours").set_value(3.5)
    at.text_input(key="crm_hours_steward").input("Ejiro Omonigho")
    at.button(key="crm_hours_submit").click().run()
    _ok(at)
    assert not at.error
    rows = store.read("steward_hours")
    assert len(rows) == before + 1
    new = rows.iloc[-1]
    assert (new["division"], new["week_start"], new["hours"], new["steward"]) == (
        "Power", dt.date(2026, 7, 13), 3.5, "Ejiro Omonigho")
    assert any("Recorded 3.5 h of steward work for Power, week of 13 Jul 2026" in _plain(s.value)
               for s in at.success)
    # the gauge took the new week in: Power's last 4 weeks are now 22 Jun .. 13 Jul ->
    # (2.4 + 2.6 + 2.5 + 3.5) / 4 = 2.75
    assert _gauges(at)[2.0]["value"] == pytest.approx(2.75)


def test_bad_hours_show_the_store_message_and_record_nothing() -> None:
    _, store, _ = _demo()
    before = len(store.read("steward_hours"))
    at = _run()
    at.number_input(key="crm_hours_hours").set_value(200.0)
    at.text_input(key="crm_hours_steward").input("Ejiro Omonigho")
    at.button(key="crm_hours_submit").click().run()
    _ok(at)
    [error] = at.error
    assert _plain(error.value) == ("**Not recorded.** Hours: 200.0 is not a number of hours "
                                   "from 0 to 168.")
    assert len(store.read("steward_hours")) == before
    # a week that is not a Monday: the store's rule, in words
    at.date_input(key="crm_hours_week").set_value(dt.date(2026, 7, 15))
    at.number_input(key="crm_hours_hours").set_value(2.0)
    at.button(key="crm_hours_submit").click().run()
    assert _plain(at.error[0].value) == (
        "**Not recorded.** Week start: '2026-07-15' is not a Monday (week start is the "
        "Monday the week starts on).")
    # nothing typed: the page asks for it
    at = _run()
    at.button(key="crm_hours_submit").click().run()
    assert at.error[0].value == ("**Not recorded.** Enter the hours spent that week. Name the "
                                 "steward who did the work.")
    assert len(store.read("steward_hours")) == before


def test_open_time_and_requirement_forms_record() -> None:
    _, store, _ = _demo()
    at = _run()
    at.selectbox(key="crm_open_workbook").set_value("Interaction Hub - Power.xlsx")
    at.number_input(key="crm_open_seconds").set_value(6.5)
    at.text_input(key="crm_open_by").input("Ejiro Omonigho")
    at.button(key="crm_open_submit").click().run()
    _ok(at)
    new = store.read("open_times").iloc[-1]
    assert (new["measured_at"], new["workbook"], new["seconds"], new["measured_by"]) == (
        dt.datetime(2026, 7, 15, 9), "Interaction Hub - Power.xlsx", 6.5, "Ejiro Omonigho")
    assert new["size_bytes"] == (DEMO / "Interaction Hub - Power.xlsx").stat().st_size
    # 6.5 s at 15 Jul 09:00 is now the latest measurement: the gauge shows it
    assert _gauges(at)[10.0]["value"] == pytest.approx(6.5)

    at.text_area(key="crm_req_pain").input("=cmd|' /C calc'!A0 pasted into the Hub")
    at.selectbox(key="crm_req_division").set_value("Medical")
    at.text_input(key="crm_req_by").input("Ikenna Uzor")
    at.selectbox(key="crm_req_metric").set_value("open_time_s")
    at.button(key="crm_req_submit").click().run()
    _ok(at)
    new = store.read("requirements").iloc[-1]
    assert (new["id"], new["division"], new["evidence_metric"], new["status"],
            new["raised_on"]) == ("REQ-010", "Medical", "open_time_s", "Open",
                                  dt.date(2026, 7, 15))
    table = at.dataframe[0].value
    assert "=cmd|' /C calc'!A0 pasted into the Hub" in list(table["Pain point"])


def test_viewer_sees_no_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run()
    _ok(at)
    assert not _submits(at) and not at.number_input and not at.text_input
    assert any("you are signed in as Viewer" in c.value for c in at.caption)
    assert len(_gauges(at)) == 3 and len(at.dataframe) == 1   # everything else is there


def test_steward_and_lead_see_their_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("steward", email="s@x"))
    at = _run()
    _ok(at)
    assert _submits(at) == {"crm_hours_submit", "crm_open_submit"}
    lead = Role("division_lead", division="Power", email="l@x")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run()
    _ok(at)
    assert _submits(at) == {"crm_req_submit"}
    assert at.selectbox(key="crm_req_division").options == ["Power"]
