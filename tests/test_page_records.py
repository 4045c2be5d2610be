"""AppTest of pages/records.py on the demo data (each test has its own state folder, seeded
from the demo's store_seed/): the tables show the store's rows newest first with
formula-safe downloads; the survey and review-meeting forms record exact values (a missing
rating or a store that cannot be written says so and records nothing); the backup restores
into a fresh store with the same rows; a file that is not a backup is refused and changes
nothing; each role sees only the forms and tools it may use."""
from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import hub_data.store as store_module
from hub_data import HubLoader
from hub_data.access import Role
from hub_data.store import TABLE_NAMES, Store
from metrics.inputs import workspace
from metrics.report import phase_order
from tests.conftest import DEMO, ROOT, run_page

PAGE = str(ROOT / "pages" / "records.py")
AS_OF = dt.date(2026, 7, 15)   # the demo's settings.toml
BACKUP = "hub-dashboard-store-2026-07-15.zip"
FORM_KEYS = ("records_survey_submit", "records_meeting_submit")


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception


def _plain(text: str) -> str:
    """Markdown text without its escaping backslashes (what the reader sees)."""
    return text.replace("\\", "")


def _store() -> Store:
    return Store.for_settings(HubLoader(DEMO).get().settings)


def _submits(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key in FORM_KEYS}


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert set(a) == set(b) == set(TABLE_NAMES)
    for table in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True, obj=table)


def test_tables_show_the_store_rows_newest_first(deferred) -> None:
    store = _store()
    store.append("requirements", [{"id": "REQ-099", "raised_on": AS_OF, "division": "Power",
                                   "raised_by": "Ikenna Uzor", "pain_point": "=1+2 in a cell",
                                   "evidence_metric": "open_time_s", "status": "Open"}])
    at = _run()
    _ok(at)
    assert at.title[0].value == "The dashboard's records"
    intro = at.markdown[0].value
    assert _plain(str(store.state_dir)) in _plain(intro)
    assert "never written" in intro
    picker = at.segmented_control(key="records_table")
    counts = {t: len(store.read(t)) for t in TABLE_NAMES}
    assert picker.options == [
        f"{label} ({counts[t]:,})" for t, label in zip(TABLE_NAMES, (
            "Review meetings", "Steward hours", "Open times", "Requirements", "Load history",
            "Survey answers"))]
    # review meetings: every stored row, the latest meeting first
    shown = at.dataframe[0].value
    meetings = store.read("review_meetings")
    assert len(shown) == len(meetings) > 0
    assert list(shown["held_on"]) == sorted(meetings["held_on"], reverse=True)
    assert set(zip(shown["division"], shown["held_on"])) == set(
        zip(meetings["division"], meetings["held_on"]))
    # another table: requirements, today's first
    picker.set_value("requirements").run()
    _ok(at)
    shown = at.dataframe[0].value
    assert len(shown) == counts["requirements"]
    assert shown.iloc[0]["id"] == "REQ-099"
    # the downloads are formula-safe copies of the table shown
    book = openpyxl.load_workbook(io.BytesIO(deferred["records-requirements-2026-07-15.xlsx"]()))
    sheet = book["Requirements"]
    cells = [c.value for c in sheet[5]]             # title, stamp, blank, header, first row
    assert cells[0] == "REQ-099" and "'=1+2 in a cell" in cells
    assert [c.value for c in sheet[4]][:2] == ["Id", "Raised on"]
    rows = list(csv.reader(io.StringIO(
        deferred["records-requirements-2026-07-15.csv"]().decode("utf-8-sig"))))
    assert len(rows) == counts["requirements"] + 1 and "'=1+2 in a cell" in rows[1]
    every = openpyxl.load_workbook(io.BytesIO(deferred["records-all-tables-2026-07-15.xlsx"]()))
    assert len(every.sheetnames) == len(TABLE_NAMES)
    # an empty table says so
    at.segmented_control(key="records_table").set_value("survey_answers").run()
    _ok(at)
    assert not at.dataframe
    assert any("No survey answers recorded yet" in i.value for i in at.info)


def test_survey_form_records_exact_values() -> None:
    store = _store()
    at = _run()
    _ok(at)
    hub = HubLoader(DEMO).get()
    divisions = phase_order(workspace(hub.con, store.read_all()), as_of=AS_OF,
                            settings=hub.settings)
    assert at.selectbox(key="records_survey_division").options == divisions
    assert at.date_input(key="records_survey_date").value == AS_OF
    # ratings are 1..5 only: a bad rating cannot be entered
    assert at.radio(key="records_survey_ease").options == ["1", "2", "3", "4", "5"]
    assert at.radio(key="records_survey_value").options == ["1", "2", "3", "4", "5"]
    at.date_input(key="records_survey_date").set_value(dt.date(2026, 7, 13))
    at.selectbox(key="records_survey_division").set_value("Power")
    at.radio(key="records_survey_ease").set_value(4)
    at.radio(key="records_survey_value").set_value(5)
    at.text_area(key="records_survey_comments").input("  =SUM(A1) saves me an hour — ñ ")
    at.button(key="records_survey_submit").click().run()
    _ok(at)
    assert not at.error
    rows = store.read("survey_answers")
    assert rows.to_dict("records") == [{
        "answered_on": dt.date(2026, 7, 13), "division": "Power", "ease_of_use": 4, "value": 5,
        "comments": "=SUM(A1) saves me an hour — ñ"}]
    assert _plain(at.success[0].value) == ("Recorded a survey answer for Power of "
                                           "13 Jul 2026: ease of use 4, value 5.")
    assert at.segmented_control(key="records_table").options[-1] == "Survey answers (1)"


def test_survey_form_without_a_rating_or_store_records_nothing(monkeypatch) -> None:
    store = _store()
    at = _run()
    at.radio(key="records_survey_value").set_value(3)
    at.button(key="records_survey_submit").click().run()
    _ok(at)
    assert at.error[0].value == "**Not recorded.** Choose an ease-of-use rating from 1 to 5."
    assert store.read("survey_answers").empty

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    at = _run()
    at.radio(key="records_survey_ease").set_value(2)
    at.radio(key="records_survey_value").set_value(3)
    monkeypatch.setattr(store_module.os, "replace", full)
    at.button(key="records_survey_submit").click().run()
    monkeypatch.undo()
    _ok(at)
    [error] = at.error
    assert error.value.startswith("**Not recorded:** The dashboard")
    assert "Nothing new was recorded" in _plain(error.value)
    assert store.read("survey_answers").empty


def test_review_meeting_form_records() -> None:
    store = _store()
    before = len(store.read("review_meetings"))
    at = _run()
    at.button(key="records_meeting_submit").click().run()
    _ok(at)
    assert at.error[0].value == ("**Not recorded.** Enter how many people attended. Say who "
                                 "records the meeting.")
    assert len(store.read("review_meetings")) == before
    at.selectbox(key="records_meeting_division").set_value("Medical")
    at.date_input(key="records_meeting_date").set_value(dt.date(2026, 7, 14))
    at.radio(key="records_meeting_used").set_value("No")
    at.number_input(key="records_meeting_attendees").set_value(6)
    at.text_input(key="records_meeting_by").input("Ikenna Uzor")
    at.text_area(key="records_meeting_decisions").input("Move the review to Tuesdays")
    at.button(key="records_meeting_submit").click().run()
    _ok(at)
    assert not at.error
    rows = store.read("review_meetings")
    assert len(rows) == before + 1
    new = rows.iloc[-1]
    assert (new["division"], new["held_on"], new["used_hub"], new["attendees"],
            new["decisions"], new["recorded_by"]) == (
        "Medical", dt.date(2026, 7, 14), False, 6, "Move the review to Tuesdays", "Ikenna Uzor")
    assert pd.isna(new["actions"]) and not pd.isna(new["recorded_at"])
    assert any("Recorded the Medical review meeting of 14 Jul 2026" in _plain(s.value)
               for s in at.success)
    shown = at.dataframe[0].value                   # review meetings, newest first
    assert len(shown) == before + 1


def test_backup_restores_into_a_fresh_store_and_through_the_page(
        deferred, tmp_path: Path) -> None:
    store = _store()
    at = _run()
    _ok(at)
    backup = deferred[BACKUP]()
    saved = store.read_all()
    fresh = Store(tmp_path / "fresh")
    counts = fresh.restore(backup)
    assert counts == {t: len(saved[t]) for t in TABLE_NAMES}
    _same(fresh.read_all(), saved)
    # record something, then restore the backup through the page: back to the saved rows
    at.radio(key="records_survey_ease").set_value(1)
    at.radio(key="records_survey_value").set_value(1)
    at.button(key="records_survey_submit").click().run()
    assert len(store.read("survey_answers")) == 1
    assert at.button(key="records_restore").label == "Restore"
    at.file_uploader(key="records_restore_file").upload(BACKUP, backup, "application/zip")
    at.checkbox(key="records_restore_confirm").check()
    at.button(key="records_restore").click().run()
    _ok(at)
    assert not at.error
    _same(store.read_all(), saved)
    message = _plain(at.success[0].value)
    assert message.startswith(f"Restored the store from {BACKUP}: review meetings "
                              f"{len(saved['review_meetings'])} rows, ")
    assert message.endswith("survey answers 0 rows.")
    assert not at.checkbox(key="records_restore_confirm").value   # ticked again for the next
    assert at.segmented_control(key="records_table").options[-1] == "Survey answers (0)"


def test_restoring_a_non_zip_shows_the_error_and_changes_nothing() -> None:
    store = _store()
    at = _run()
    before = store.read_all()
    at.file_uploader(key="records_restore_file").upload("notes.zip", b"not a zip at all")
    at.button(key="records_restore").click().run()                 # not confirmed
    _ok(at)
    assert "tick the box to confirm" in at.error[0].value
    at.checkbox(key="records_restore_confirm").check()
    at.button(key="records_restore").click().run()
    _ok(at)
    [error] = at.error
    assert _plain(error.value) == (
        "**Not restored.** This file cannot be restored: it is not a backup made by the "
        "dashboard (not a zip file). Nothing was changed.")
    assert not at.success
    _same(store.read_all(), before)


def test_viewer_sees_no_forms_and_no_backup(monkeypatch: pytest.MonkeyPatch, deferred) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run()
    _ok(at)
    assert not _submits(at) and not at.radio and not at.file_uploader and not at.checkbox
    assert BACKUP not in deferred and "records_restore" not in {b.key for b in at.button}
    captions = " ".join(c.value for c in at.caption)
    assert "You are signed in as Viewer" in captions
    assert "Only admins (P&BI) back up and restore" in captions
    assert len(at.dataframe) == 1                       # the records themselves are shown


def test_lead_and_steward_see_their_forms(monkeypatch: pytest.MonkeyPatch, deferred) -> None:
    lead = Role("division_lead", division="Power", email="lead@x.example")
    monkeypatch.setattr("pages._common.current_role", lambda: lead)
    at = _run()
    _ok(at)
    assert _submits(at) == set(FORM_KEYS)
    assert at.selectbox(key="records_survey_division").options == ["Power"]
    assert at.selectbox(key="records_meeting_division").options == ["Power"]
    assert at.text_input(key="records_meeting_by").value == "lead@x.example"
    assert not at.file_uploader and BACKUP not in deferred
    monkeypatch.setattr("pages._common.current_role", lambda: Role("steward", email="s@x"))
    at = _run(division="medical")
    _ok(at)
    assert _submits(at) == {"records_survey_submit"}
    assert len(at.selectbox(key="records_survey_division").options) == 5
    assert at.selectbox(key="records_survey_division").value == "Medical"
    assert not at.file_uploader
