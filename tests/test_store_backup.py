"""Store backup and restore (hub_data/store.py): a zip of Parquet files, exact values, and a
restore that validates everything before one atomic write."""
from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import hub_data.store as store_module
from hub_data import HubDataError
from hub_data.store import TABLE_NAMES, Store

MEETING = {"division": "Motors", "held_on": dt.date(2026, 3, 2), "used_hub": True,
           "attendees": 7, "decisions": "=HYPERLINK(\"x\")\nline 2 — ñ", "actions": None,
           "recorded_by": "Ada Obi", "recorded_at": dt.datetime(2026, 3, 2, 15, 4, 5, 123456)}
LOAD = {"loaded_at": dt.datetime(2026, 3, 2, 9), "file": "hub.xlsx",
        "size_bytes": 2**53 + 1, "modified_at": None, "rows": 12, "seconds": 0.1 + 0.2}


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = Store(tmp_path / "state")
    store.append("review_meetings", [MEETING])
    store.append("load_history", [LOAD])
    store.append("survey_answers", [{"answered_on": dt.date(2026, 3, 3), "division": "Power",
                                     "ease_of_use": 5, "value": 4, "comments": ""}])
    return store


def _frames(store: Store) -> dict[str, list[dict]]:
    return {t: store.read(t).astype(object).where(store.read(t).notna(), None)
            .to_dict("records") for t in TABLE_NAMES}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def test_backup_then_restore_into_another_store_gives_exactly_the_same_rows(
        filled: Store, tmp_path: Path) -> None:
    backup = filled.backup()
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert sorted(archive.namelist()) == sorted(
            ["manifest.json", *(f"{t}.parquet" for t in TABLE_NAMES)])
    assert manifest["tables"] == {"review_meetings": 1, "steward_hours": 0, "open_times": 0,
                                  "requirements": 0, "load_history": 1, "survey_answers": 1}
    other = Store(tmp_path / "other")
    other.append("steward_hours", [{"division": "Motors", "week_start": dt.date(2026, 3, 2),
                                    "hours": 3, "steward": "S", "recorded_at": None}])
    assert other.restore(backup) == manifest["tables"]
    assert _frames(other) == _frames(filled)  # the steward row is gone: a restore replaces
    meeting = other.read("review_meetings").iloc[0]
    assert meeting["decisions"] == MEETING["decisions"]
    assert meeting["recorded_at"] == MEETING["recorded_at"]  # microseconds kept
    assert int(other.read("load_history").iloc[0]["size_bytes"]) == 2**53 + 1
    assert other.read("load_history").iloc[0]["seconds"] == 0.1 + 0.2


def test_a_backup_of_an_older_version_restores_missing_tables_empty(filled: Store) -> None:
    with zipfile.ZipFile(io.BytesIO(filled.backup())) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n != "survey_answers.parquet"}
    assert filled.restore(_zip(parts))["survey_answers"] == 0
    assert filled.read("survey_answers").empty and len(filled.read("review_meetings")) == 1


def _bad_rating() -> bytes:
    schema = store_module._schema("survey_answers")
    rows = pa.table({"answered_on": [dt.date(2026, 1, 5)], "division": ["Motors"],
                     "ease_of_use": pa.array([7], pa.int32()), "value": pa.array([4], pa.int32()),
                     "comments": [None]}, schema=schema)
    return _zip({"manifest.json": b"{}", "survey_answers.parquet": _parquet(rows)})


@pytest.mark.parametrize(("data", "words"), [
    (b"not a zip at all", "not a zip file"),
    (_zip({"review_meetings.parquet": b"x"}), "no manifest.json"),
    (_zip({"manifest.json": b"{}", "secrets.parquet": b"x"}), "secrets.parquet is not a table"),
    (_zip({"manifest.json": b"{}", "open_times.parquet": b"garbage"}),
     "open_times.parquet cannot be read"),
    (_zip({"manifest.json": b"{}", "open_times.parquet": _parquet(pa.table({"x": [1]}))}),
     "open_times.parquet has the columns x"),
    (_bad_rating(), "in survey_answers.parquet, row 1, ease_of_use: 7 is not a rating from 1 to 5"),
])
def test_a_file_that_is_not_a_good_backup_is_refused_and_nothing_changes(
        filled: Store, data: bytes, words: str) -> None:
    before = _frames(filled)
    with pytest.raises(ValueError, match="cannot be restored") as refused:
        filled.restore(data)
    assert words in str(refused.value) and "Nothing was changed" in str(refused.value)
    assert _frames(filled) == before


def test_a_zip_bomb_is_refused_before_inflating(filled: Store, monkeypatch) -> None:
    monkeypatch.setattr(store_module, "BACKUP_MAX_BYTES", 1000)
    bomb = _zip({"manifest.json": b"{}", "load_history.parquet": b"\0" * 5000})
    assert len(bomb) < 1000
    with pytest.raises(ValueError, match="inflate to more than"):
        filled.restore(bomb)


def test_disk_full_during_a_restore_keeps_the_store_as_it_was(
        filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = Store(tmp_path / "empty").backup()
    before = _frames(filled)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module.os, "replace", full)
    with pytest.raises(HubDataError, match="could not be written"):
        filled.restore(empty)
    monkeypatch.undo()
    assert _frames(filled) == before
    assert not list(filled.state_dir.glob("*.tmp"))
