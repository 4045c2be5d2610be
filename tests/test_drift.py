"""hub_data/drift.py: what a workbook changed from the master template — one case per kind,
then real workbooks with a renamed, a missing and an extra column through the loader and
``python -m hub_data check``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub_data import build_database
from hub_data.__main__ import describe
from hub_data.contract import DEFAULT_LISTS, HUB_HEADERS
from hub_data.drift import (ADDED_LIST_VALUE, ADDED_SHEET, EXTRA_COLUMN, MISSING_COLUMN,
                            MISSING_LIST_VALUE, MISSING_SHEET, RENAMED_COLUMN, RENAMED_SHEET,
                            template_drift)
from tests.conftest import tiny_hub, write_xlsx

LISTS = {"Divisions": list(DEFAULT_LISTS["divisions"]),
         "Channels": list(DEFAULT_LISTS["channels"]),
         "Interaction Types": list(DEFAULT_LISTS["interaction_types"]),
         "Account Types": list(DEFAULT_LISTS["account_types"])}


def layout(headers: dict[str, list[str]] | None = None, *, sheets: list[str] | None = None,
           lists: dict[str, list[str]] | None = None) -> dict:
    """A workbook layout as workbook.py reads it: the master's, with ``headers`` replaced."""
    chosen = {**HUB_HEADERS, **(headers or {})}
    names = sheets or list(chosen)
    return {"sheets": names,
            "headers": {s: {"sheet": s, "headers": h} for s, h in chosen.items() if s in names},
            "lists": LISTS if lists is None else lists}


def found(drift) -> list[tuple[str, str, str | None, str | None]]:
    return [(d.kind, d.sheet, d.found, d.master) for d in drift]


def test_the_master_layout_has_no_drift() -> None:
    assert template_drift(layout()) == []
    assert template_drift(None) == []


def test_case_spacing_and_underscores_are_not_drift() -> None:
    headers = ["account_id", "COMPANY  NAME", "division", "Account-Type", "Industry",
               "Address", "Main Phone Number", "ERP Customer ID", "Account Owner"]
    assert template_drift(layout({"Accounts": headers})) == []


def test_a_renamed_column_names_the_closest_master_header() -> None:
    headers = [h if h != "Channel" else "Contact Channel" for h in HUB_HEADERS["Interactions"]]
    drift = template_drift(layout({"Interactions": headers}))
    assert found(drift) == [(RENAMED_COLUMN, "Interactions", "Contact Channel", "Channel")]
    assert "cannot load" in drift[0].message        # Channel is required


def test_an_accepted_alias_is_a_rename_that_still_loads() -> None:
    headers = [h if h != "Interaction Type" else "Type" for h in HUB_HEADERS["Interactions"]]
    drift = template_drift(layout({"Interactions": headers}))
    assert found(drift) == [(RENAMED_COLUMN, "Interactions", "Type", "Interaction Type")]
    assert "accepted alias" in drift[0].message


def test_missing_and_extra_columns() -> None:
    headers = [h for h in HUB_HEADERS["Interactions"] if h != "Notes"] + ["Region"]
    drift = template_drift(layout({"Interactions": headers}))
    # "Region" looks nothing like "Notes": one missing, one extra, no rename.
    assert found(drift) == [(MISSING_COLUMN, "Interactions", None, "Notes"),
                            (EXTRA_COLUMN, "Interactions", "Region", None)]


def test_forms_columns_are_accepted_and_their_stand_ins_said() -> None:
    forms = ["Id", "Start time", "Completion time", "Email", "Name"] + [
        h for h in HUB_HEADERS["Interactions"] if h not in ("Interaction ID", "Logged By")]
    drift = template_drift(layout({"Interactions": forms}))
    assert found(drift) == [(MISSING_COLUMN, "Interactions", None, "Interaction ID"),
                            (MISSING_COLUMN, "Interactions", None, "Logged By")]
    assert "'Id' stands in" in drift[0].message and "'Name' stands in" in drift[1].message


def test_sheets_added_renamed_and_missing() -> None:
    data = layout(sheets=["Accounts", "Contacts", "Interactions", "Roster", "Notes", "Read me"])
    data["headers"]["Staff"] = {"sheet": "Roster", "headers": HUB_HEADERS["Staff"]}
    drift = template_drift(data)
    assert found(drift) == [(RENAMED_SHEET, "Staff", "Roster", "Staff"),
                            (MISSING_SHEET, "Lists", None, "Lists"),
                            (ADDED_SHEET, "Notes", "Notes", None)]


def test_list_values_added_locally_and_left_out() -> None:
    lists = {**LISTS, "Channels": [*LISTS["Channels"][:-1], "Instagram", "whatsapp"]}
    drift = template_drift(layout(lists=lists))
    assert found(drift) == [(ADDED_LIST_VALUE, "Lists", "Instagram", "Channels"),
                            (ADDED_LIST_VALUE, "Lists", "whatsapp", "Channels"),
                            (MISSING_LIST_VALUE, "Lists", None, "Channels")]
    assert "only in case or spacing" in drift[1].message
    assert "'Other'" in drift[2].message


# ------------------------------------------------------------- through the loader and check
def _hub_with(folder: Path, name: str, change) -> Path:
    """The tiny hub with its Interactions header changed by ``change(headers)``; the rows
    keep the same positions."""
    headers = change(list(HUB_HEADERS["Interactions"]))
    row = {"Interaction ID": "INT-1", "Date": dt.datetime(2026, 6, 10, 9), "Contact ID": "CON-1",
           "Channel": "Phone", "Interaction Type": "Inquiry", "Next Action": "None",
           "Logged By": "Ada Obi"}
    values = [row.get(h) for h in HUB_HEADERS["Interactions"]]
    path = tiny_hub(folder, name=name)
    sheets = _sheets(path)
    sheets["Interactions"] = [headers, values[:len(headers)]]
    sheets["Lists"] = [list(LISTS), *[[LISTS[k][i] if i < len(LISTS[k]) else None
                                       for k in LISTS] for i in range(22)]]
    return write_xlsx(path, sheets)


def _sheets(path: Path) -> dict[str, list[list]]:
    import openpyxl
    book = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_check_lists_drift_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    _hub_with(data, "a-renamed.xlsx",
              lambda h: [x if x != "Notes" else "Note text" for x in h])
    _hub_with(data, "b-missing.xlsx", lambda h: [x if x != "Resolved" else None for x in h])
    _hub_with(data, "c-extra.xlsx", lambda h: [*h, "Region"])
    _hub_with(data, "d-master.xlsx", lambda h: h)
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    report = describe(str(data), dt.date(2026, 6, 15))
    by_file = {f["file"]: f["drift"] for f in report["files"]}
    assert by_file["a-renamed.xlsx"] == [{
        "kind": "renamed_column", "sheet": "Interactions", "found": "Note text",
        "master": "Notes", "message": "'Note text' looks like the master's 'Notes': its values "
                                      "are not read until it is renamed back."}]
    assert [(d["kind"], d["master"]) for d in by_file["b-missing.xlsx"]] == [
        ("missing_column", "Resolved")]
    assert [(d["kind"], d["found"]) for d in by_file["c-extra.xlsx"]] == [
        ("extra_column", "Region")]
    assert by_file["d-master.xlsx"] == []
    assert all(f["status"] == "loaded" for f in report["files"])


def test_a_failed_workbook_still_shows_its_drift(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Renaming a required column stops the sheet loading; drift says what it was.
    data = tmp_path / "data"
    _hub_with(data, "hub.xlsx", lambda h: [x if x != "Logged By" else "Logged by staff"
                                           for x in h])
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    report = describe(str(data), dt.date(2026, 6, 15))
    (entry,) = report["files"]
    assert entry["status"] == "failed"
    assert [(d["kind"], d["found"], d["master"]) for d in entry["drift"]] == [
        ("renamed_column", "Logged by staff", "Logged By")]


def test_drift_survives_the_part_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second build reuses the parsed workbook (parts cache): its drift must come back too.
    data = tmp_path / "data"
    _hub_with(data, "hub.xlsx", lambda h: [*h, "Region"])
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    first = build_database(data).cursor().execute("SELECT kind, found FROM drift").fetchall()
    (data / "other.txt").write_text("changes the folder's signature, not the workbook")
    second = build_database(data)
    assert second.cache == "cold"
    assert second.cursor().execute("SELECT kind, found FROM drift").fetchall() == first == [
        ("extra_column", "Region")]
