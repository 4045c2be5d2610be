"""AppTest of pages/data_status.py's template governance: the master template download, the
drift view (same rows as the loader's drift table) and change requests that land in the
requirements log under the workbook's division, refused to roles that may not record them."""
from __future__ import annotations

import io

import openpyxl
import pytest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.contract import HUB_HEADERS
from hub_data.store import Store
from metrics.data_status import template_drift
from tests.conftest import DEMO, ROOT, run_page

PAGE = str(ROOT / "pages" / "data_status.py")
AS_OF = "2026-07-15"


def _drift_view(**query: str):
    at = run_page(PAGE, **query)
    at.segmented_control(key="data_status_view").set_value("Template drift").run()
    assert not at.exception
    return at


def test_the_master_template_downloads_from_the_page(deferred) -> None:
    at = run_page(PAGE)
    assert not at.exception
    data = deferred[f"hub-master-template-{AS_OF}.xlsx"]()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in book["Interactions"][1]] == HUB_HEADERS["Interactions"]


def test_the_drift_view_shows_the_loaders_drift() -> None:
    at = _drift_view()
    expected = template_drift(HubLoader(DEMO).get().cursor())
    shown = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert shown["found"].tolist() == expected["found"].tolist()
    assert set(shown["change"]) == {"Column added", "List value added", "Column missing"}
    assert any("5 differences" in m.value and "3 of 5 workbooks" in m.value
               for m in at.markdown)


def test_a_change_request_lands_in_the_requirements_log() -> None:
    at = _drift_view()
    rows = at.selectbox(key="drift_request_row")
    rows.set_value(next(o for o in rows.options if "Table No." in o)).run()
    # The division follows the workbook of the chosen difference.
    assert at.selectbox(key="drift_request_division").value == "GRAS Restaurant"
    at.text_input(key="drift_request_by").input("Funmilayo Ogunleye")
    at.text_area(key="drift_request_note").input("Walk-in feedback needs the table number.")
    at.button(key="drift_request_submit").click().run()
    assert not at.exception
    assert any("Recorded REQ" in s.value and "Table No" in s.value for s in at.success)
    log = Store.for_settings(HubLoader(DEMO).get().settings).read("requirements")
    row = log.iloc[-1]
    assert row["division"] == "GRAS Restaurant" and row["status"] == "Open"
    assert row["raised_by"] == "Funmilayo Ogunleye"
    assert row["evidence_metric"] == "steward_hours"
    assert row["pain_point"] == (
        "Template change request (Interaction Hub - GRAS Restaurant.xlsx): Column added "
        "'Table No.' (Interactions) — Walk-in feedback needs the table number.")


def test_a_change_request_needs_who_raised_it() -> None:
    at = _drift_view()
    before = len(Store.for_settings(HubLoader(DEMO).get().settings).read("requirements"))
    at.button(key="drift_request_submit").click().run()
    assert any("Say who raised it" in e.value for e in at.error)
    assert len(Store.for_settings(HubLoader(DEMO).get().settings).read("requirements")) == before


def test_a_lead_requests_only_for_their_division(monkeypatch: pytest.MonkeyPatch) -> None:
    lead = Role("division_lead", division="Power", email="l@x")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _drift_view()
    rows = at.selectbox(key="drift_request_row")
    assert rows.options == ["Interaction Hub - Power.xlsx · Column added 'State' (Accounts)"]
    assert at.selectbox(key="drift_request_division").options == ["Power"]


def test_a_viewer_sees_the_drift_but_records_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _drift_view()
    assert any("change" in d.value.columns for d in at.dataframe)
    assert not [b for b in at.button if "drift_request" in str(b.key)]
    assert any("Change requests are recorded by division leads" in c.value for c in at.caption)
