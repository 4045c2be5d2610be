"""The dashboard's own store (hub_data/store.py): seeding, typed round trips, validation,
atomic writes under injected faults, recovery from a damaged file, concurrent writers."""
from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from hub_data import store as store_module
from hub_data.errors import HubDataError
from hub_data.settings import load_settings
from hub_data.store import (COLUMNS, STORE_FILE, TABLE_NAMES, TABLES, Store, convert,
                            create_table_sql)
from tests.conftest import DEMO, ROOT

DEMO_SEED = DEMO / "store_seed"


def write_seed(folder: Path, name: str, text: str) -> Path:
    """One seed CSV from a literal (the first line is the header)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


MEETING = {"division": "Motors", "held_on": dt.date(2026, 3, 2), "used_hub": True,
           "attendees": 12, "decisions": "Pipeline only from the Hub", "actions": "Ada: owners",
           "recorded_by": "Bukola Ogundipe", "recorded_at": dt.datetime(2026, 3, 2, 15, 4, 30)}


@pytest.fixture
def seeded(tmp_path: Path) -> Store:
    """A store seeded with two steward-hour weeks (and nothing else)."""
    seed = tmp_path / "seed"
    write_seed(seed, "steward_hours", "division,week_start,hours,steward,recorded_at\n"
                                      "Motors,2026-03-02,2.5,Bukola,2026-03-06T16:59:00\n"
                                      "Power,2026-03-09,1.25,Ejiro,2026-03-13T17:00:00\n")
    store = Store(tmp_path / "state", seed)
    store.ensure()
    return store


# ------------------------------------------------------------------------------ declaration
def test_tables_are_the_contract_store_tables() -> None:
    assert TABLE_NAMES == ("review_meetings", "steward_hours", "open_times", "requirements",
                           "load_history", "survey_answers")
    assert list(COLUMNS["steward_hours"].items()) == [
        ("division", "VARCHAR"), ("week_start", "DATE"), ("hours", "DOUBLE"),
        ("steward", "VARCHAR"), ("recorded_at", "TIMESTAMP")]
    assert create_table_sql("survey_answers") == (
        "CREATE TABLE IF NOT EXISTS survey_answers (answered_on DATE, division VARCHAR, "
        "ease_of_use INTEGER, value INTEGER, comments VARCHAR)")
    assert len(TABLES) == 6


def test_the_store_file_has_exactly_the_declared_columns(seeded: Store) -> None:
    con = duckdb.connect(str(seeded.path), read_only=True)
    try:
        for table, columns in TABLES:
            described = con.execute(f"DESCRIBE {table}").fetchall()
            assert [(row[0], row[1]) for row in described] == list(columns)
    finally:
        con.close()


# ---------------------------------------------------------------------------------- seeding
def test_fresh_store_is_seeded_from_a_tiny_seed_folder(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    # headers in another case and order, a missing column (actions), yes/no/1/0 booleans
    write_seed(seed, "review_meetings",
               "Held On,division,used_hub,attendees,decisions,recorded_by,recorded_at\n"
               "2026-03-02,Motors,yes,12,\"Reassign leavers, then review\",Bukola,"
               "2026-03-02T15:04:00\n"
               "2026-03-09,Motors,No,0,,Bukola,2026-03-09 13:47:00\n"
               "2026-03-16,Power,1,7,Book service,Ejiro,2026-03-16T10:00:00\n"
               "2026-03-23,Power,0,,,,\n")
    store = Store(tmp_path / "state", seed)
    store.ensure()
    meetings = store.read("review_meetings")
    assert list(meetings.columns) == list(COLUMNS["review_meetings"])
    assert meetings["held_on"].tolist() == [dt.date(2026, 3, 2), dt.date(2026, 3, 9),
                                            dt.date(2026, 3, 16), dt.date(2026, 3, 23)]
    assert meetings["used_hub"].tolist() == [True, False, True, False]
    assert meetings["attendees"].tolist()[:3] == [12, 0, 7]
    assert meetings["attendees"].isna().tolist() == [False, False, False, True]
    assert meetings["decisions"][0] == "Reassign leavers, then review"
    assert meetings["actions"].isna().all()
    assert meetings["recorded_at"][1] == pd.Timestamp(2026, 3, 9, 13, 47)
    for table in TABLE_NAMES:
        if table != "review_meetings":
            assert store.read(table).empty, table


def test_demo_seed_row_counts_equal_the_csv_row_counts(tmp_path: Path) -> None:
    store = Store(tmp_path / "state", DEMO_SEED)
    store.ensure()
    for table in TABLE_NAMES:
        path = DEMO_SEED / f"{table}.csv"
        expected = 0
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                expected = sum(1 for _ in csv.DictReader(handle))
        assert len(store.read(table)) == expected, table
    assert (DEMO_SEED / "review_meetings.csv").is_file()  # the demo ships a seed


def test_a_store_without_seed_has_six_empty_tables(tmp_path: Path) -> None:
    for seed in (None, tmp_path / "no-such-folder"):
        store = Store(tmp_path / f"state-{seed is None}", seed)
        store.ensure()
        for table in TABLE_NAMES:
            frame = store.read(table)
            assert frame.empty and list(frame.columns) == list(COLUMNS[table])
        assert store.recovered is None


def test_reading_creates_the_store_when_absent(tmp_path: Path) -> None:
    store = Store(tmp_path / "new" / "state", DEMO_SEED)
    assert not store.path.exists()
    assert len(store.read("open_times")) == 6
    assert store.path.is_file()


def test_for_settings_uses_the_state_folder_and_the_data_folders_seed() -> None:
    settings = load_settings(DEMO)
    store = Store.for_settings(settings)
    assert store.path == settings.state_dir / STORE_FILE
    assert store.seed_dir == DEMO / "store_seed"


@pytest.mark.parametrize(("csv_text", "expected"), [
    ("division,week_start,hours\nMotors,2026-03-02,2\nMotors,2026-03-09,two\n",
     ["steward_hours.csv", "row 3", "column hours", "'two'"]),
    ("division,week_start,hours\nMotors,2026-03-03,2\n",
     ["steward_hours.csv", "row 2", "column week_start", "Monday"]),
    ("division,week_start,hours\nMotors,2026-03-02,200\n",
     ["steward_hours.csv", "row 2", "column hours", "0 to 168"]),
    ("division,week_start,hours\nMotors,2026-03-02 08:30,2\n",
     ["steward_hours.csv", "row 2", "column week_start"]),
    ("division,week_start,hours,colour,Mood\nMotors,2026-03-02,2,red,ok\n",
     ["steward_hours.csv", "unknown or repeated column", "'colour'", "'Mood'"]),
], ids=["text-in-number", "not-monday", "hours-out-of-range", "time-in-date", "unknown-columns"])
def test_a_bad_seed_file_names_the_file_row_and_column(tmp_path: Path, csv_text: str,
                                                       expected: list[str]) -> None:
    seed = tmp_path / "seed"
    write_seed(seed, "steward_hours", csv_text)
    store = Store(tmp_path / "state", seed)
    with pytest.raises(HubDataError) as caught:
        store.ensure()
    for part in expected:
        assert part in str(caught.value)
    assert files_in(tmp_path / "state") == ["dashboard.lock"]  # no store, no temporary file


def test_seed_integers_are_never_rounded(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    write_seed(seed, "survey_answers", "answered_on,division,ease_of_use,value\n"
                                       "2026-04-01,Motors,4.0,5\n2026-04-02,Motors,2.5,3\n")
    with pytest.raises(HubDataError, match=r"row 3, column ease_of_use: '2.5'"):
        Store(tmp_path / "state", seed).ensure()


def test_blank_seed_lines_and_empty_seed_files_add_nothing(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    write_seed(seed, "open_times", "measured_at,workbook,seconds,size_bytes,measured_by\n"
                                   "2026-03-13T15:12:00,Motors.xlsx,2.1,29507,Bukola\n,,,,\n")
    write_seed(seed, "requirements", "")
    store = Store(tmp_path / "state", seed)
    times = store.read("open_times")
    assert len(times) == 1 and times["size_bytes"][0] == 29507 and times["seconds"][0] == 2.1
    assert store.read("requirements").empty


# ------------------------------------------------------------------------------ round trips
def test_append_then_read_round_trips_exact_values(seeded: Store) -> None:
    assert seeded.append("review_meetings", [
        MEETING,
        {"division": "Power", "held_on": "2026-03-09", "used_hub": "no", "attendees": "0",
         "recorded_at": "2026-03-09T08:00:00"},
    ]) == 2
    meetings = seeded.read("review_meetings")
    assert meetings.iloc[0].to_dict() == {**MEETING,
                                          "recorded_at": pd.Timestamp(2026, 3, 2, 15, 4, 30)}
    second = meetings.iloc[1]
    assert (second["held_on"], second["used_hub"], second["attendees"]) == (
        dt.date(2026, 3, 9), False, 0)
    assert second["recorded_at"] == pd.Timestamp(2026, 3, 9, 8)
    assert pd.isna(second["decisions"]) and pd.isna(second["recorded_by"])

    seeded.append("steward_hours", [{"division": "Medical", "week_start": dt.date(2026, 3, 16),
                                     "hours": 0.1 + 0.2, "steward": "Ikenna"}])
    hours = seeded.read("steward_hours")
    assert hours["hours"].tolist() == [2.5, 1.25, 0.1 + 0.2]  # exactly, no rounding
    assert hours["week_start"].tolist() == [dt.date(2026, 3, 2), dt.date(2026, 3, 9),
                                            dt.date(2026, 3, 16)]

    seeded.append("open_times", [{"measured_at": dt.datetime(2026, 4, 3, 15, 15),
                                  "workbook": "Hub.xlsx", "seconds": 3.5,
                                  "size_bytes": 5_000_000_000, "measured_by": "Bukola"}])
    times = seeded.read("open_times")
    assert times["size_bytes"].tolist() == [5_000_000_000]
    assert str(times["size_bytes"].dtype) == "Int64"
    seeded.append("survey_answers", [{"answered_on": "2026-04-01", "division": "Motors",
                                      "ease_of_use": 4, "value": "5", "comments": ""}])
    survey = seeded.read("survey_answers").iloc[0]
    assert (survey["answered_on"], survey["ease_of_use"], survey["value"], survey["comments"]) == (
        dt.date(2026, 4, 1), 4, 5, "")


def test_read_gives_the_same_dtypes_for_empty_and_filled_tables(tmp_path: Path) -> None:
    store = Store(tmp_path / "state")
    empty = store.read("review_meetings").dtypes
    store.append("review_meetings", [MEETING])
    filled = store.read("review_meetings").dtypes
    for column in ("held_on", "used_hub", "attendees", "recorded_at"):
        assert empty[column] == filled[column], column


def test_append_of_no_rows_writes_nothing(seeded: Store) -> None:
    before = digest(seeded.path)
    assert seeded.append("steward_hours", []) == 0
    assert digest(seeded.path) == before


def test_append_load_history_stamps_one_moment_per_load(tmp_path: Path) -> None:
    store = Store(tmp_path / "state")
    before = dt.datetime.now().replace(microsecond=0)
    store.append_load_history([
        {"file": "a.xlsx", "size_bytes": 100, "modified_at": dt.datetime(2026, 3, 1, 9),
         "rows": 10, "seconds": 0.5},
        {"file": "b.xlsx", "size_bytes": 200, "rows": 20, "seconds": 0.25},
        {"file": "c.xlsx", "loaded_at": dt.datetime(2026, 1, 5, 8, 0)},
    ])
    after = dt.datetime.now()
    history = store.read("load_history")
    assert history["file"].tolist() == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert history["loaded_at"][0] == history["loaded_at"][1]
    assert before <= history["loaded_at"][0] <= after
    assert history["loaded_at"][2] == pd.Timestamp(2026, 1, 5, 8)
    assert history["rows"][:2].tolist() == [10, 20] and pd.isna(history["rows"][2])


# ------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(("table", "row", "message"), [
    ("steward_hours", {"division": "Motors", "colour": "red", "mood": 1},
     r"unknown column\(s\) colour, mood"),
    ("survey_answers", {"ease_of_use": 6, "value": 4},
     r"ease_of_use: 6 is not a rating from 1 to 5"),
    ("survey_answers", {"ease_of_use": 3, "value": 0}, r"value: 0 is not a rating from 1 to 5"),
    ("steward_hours", {"week_start": dt.date(2026, 3, 3), "hours": 2}, r"week_start: .* Monday"),
    ("steward_hours", {"week_start": "2026-03-04", "hours": 2}, r"'2026-03-04' is not a Monday"),
    ("steward_hours", {"hours": "two"}, r"hours: 'two' is not a number"),
    ("steward_hours", {"hours": 168.5}, r"hours: 168.5 is not a number of hours from 0 to 168"),
    ("review_meetings", {"attendees": -1}, r"attendees: -1 is not a number of attendees"),
    ("review_meetings", {"attendees": "twelve"}, r"attendees: 'twelve' is not a whole number"),
    ("review_meetings", {"attendees": 2.5}, r"attendees: 2.5 is not a whole number"),
    ("review_meetings", {"used_hub": "maybe"}, r"used_hub: 'maybe' is not yes/no"),
    ("review_meetings", {"held_on": "02/03/2026"}, r"held_on: '02/03/2026' is not a date"),
    ("review_meetings", {"held_on": dt.datetime(2026, 3, 2, 9, 30)}, r"without a time of day"),
    ("open_times", {"size_bytes": 2**63}, r"size_bytes: .* is not a whole number"),
    ("open_times", {"seconds": float("inf")}, r"seconds: inf is not a number"),
], ids=["unknown-column", "rating-6", "rating-0", "not-monday", "not-monday-text",
        "text-in-number", "hours-over-168", "negative-attendees", "text-in-integer",
        "fraction-in-integer", "bad-boolean", "not-iso-date", "time-in-date",
        "bigint-overflow", "infinite"])
def test_append_rejects_bad_rows_and_writes_nothing(seeded: Store, table: str,
                                                    row: dict[str, object], message: str) -> None:
    before = digest(seeded.path)
    with pytest.raises(ValueError, match=message):
        seeded.append(table, [row])
    assert digest(seeded.path) == before


def test_one_bad_row_rejects_the_whole_append(seeded: Store) -> None:
    good = {"division": "Motors", "week_start": "2026-03-16", "hours": 1}
    with pytest.raises(ValueError, match=r"row 2, week_start"):
        seeded.append("steward_hours", [good, {**good, "week_start": "2026-03-17"}])
    assert len(seeded.read("steward_hours")) == 2


def test_unknown_table_is_a_value_error(seeded: Store) -> None:
    with pytest.raises(ValueError, match="not a store table"):
        seeded.append("interactions", [{"x": 1}])
    with pytest.raises(ValueError, match="not a store table"):
        seeded.read("interactions; DROP TABLE steward_hours")


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("BOOLEAN", "Yes", True), ("BOOLEAN", " n ", False), ("BOOLEAN", 1, True),
    ("BOOLEAN", "0", False), ("INTEGER", "12", 12), ("INTEGER", 12.0, 12),
    ("INTEGER", "12.0", 12), ("BIGINT", "-3", -3), ("DOUBLE", "2.75", 2.75),
    ("DOUBLE", 3, 3.0), ("DOUBLE", float("nan"), None), ("DOUBLE", "", None),
    ("DATE", "2026-03-02", dt.date(2026, 3, 2)),
    ("DATE", "2026-03-02T00:00:00", dt.date(2026, 3, 2)),
    ("DATE", pd.Timestamp(2026, 3, 2), dt.date(2026, 3, 2)),
    ("TIMESTAMP", "2026-03-02T08:30:15", dt.datetime(2026, 3, 2, 8, 30, 15)),
    ("TIMESTAMP", dt.date(2026, 3, 2), dt.datetime(2026, 3, 2)),
    ("TIMESTAMP", pd.Timestamp(2026, 3, 2, 8), dt.datetime(2026, 3, 2, 8)),
    ("TIMESTAMP", None, None), ("VARCHAR", "", ""), ("VARCHAR", 42, "42"),
])
def test_convert_accepts_the_documented_forms(kind: str, value: object, expected: object) -> None:
    assert convert(kind, value) == expected


def test_an_aware_timestamp_is_stored_as_local_time() -> None:
    aware = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
    assert convert("TIMESTAMP", aware) == aware.astimezone().replace(tzinfo=None)


# --------------------------------------------------------------------------------- atomicity
def _assert_untouched(store: Store, before: str) -> None:
    assert digest(store.path) == before
    assert files_in(store.state_dir) == ["dashboard.duckdb", "dashboard.lock"]
    assert store.read("steward_hours")["division"].tolist() == ["Motors", "Power"]


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("target", ["os.replace", "os.fsync"])
def test_disk_full_mid_write_keeps_the_original_and_no_temp_file(
        seeded: Store, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    before = digest(seeded.path)
    module, name = target.split(".")
    monkeypatch.setattr(getattr(store_module, module), name, _enospc)
    with pytest.raises(HubDataError) as caught:
        seeded.append("steward_hours", [{"division": "Medical", "hours": 1}])
    monkeypatch.undo()
    message = str(caught.value)
    assert "could not be written" in message and str(seeded.state_dir) in message
    assert "No space left on device" in message and "HUB_STATE_DIR" in message
    assert "disk space" in message
    _assert_untouched(seeded, before)


def test_a_duckdb_failure_after_the_insert_keeps_the_original(
        seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(seeded.path)
    real_insert = store_module._insert

    def insert_then_fail(con: duckdb.DuckDBPyConnection, table: str, rows: object) -> None:
        real_insert(con, table, rows)  # the rows are in the temporary copy…
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr(store_module, "_insert", insert_then_fail)
    with pytest.raises(HubDataError, match="could not be written"):
        seeded.append("steward_hours", [{"division": "Medical", "hours": 1}])
    monkeypatch.undo()
    _assert_untouched(seeded, before)  # …and never reach the store


def test_permission_denied_keeps_the_original(seeded: Store,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(seeded.path)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store_module.shutil, "copyfile", denied)
    with pytest.raises(HubDataError) as caught:
        seeded.append("steward_hours", [{"division": "Medical", "hours": 1}])
    monkeypatch.undo()
    assert "Permission denied" in str(caught.value)
    assert str(seeded.state_dir) in str(caught.value) and "HUB_STATE_DIR" in str(caught.value)
    _assert_untouched(seeded, before)


def test_a_failed_first_write_leaves_no_store_and_a_retry_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "state", DEMO_SEED)
    monkeypatch.setattr(store_module.os, "replace", _enospc)
    with pytest.raises(HubDataError, match="could not be written"):
        store.ensure()
    monkeypatch.undo()
    assert files_in(store.state_dir) == ["dashboard.lock"]
    assert len(store.read("open_times")) == 6


def test_temporary_files_of_a_killed_writer_are_cleared(seeded: Store) -> None:
    dead = seeded.state_dir / f"{STORE_FILE}.99999-deadbeef.tmp"
    dead.write_bytes(b"half a database")
    dead.with_name(dead.name + ".wal").write_bytes(b"half a log")
    seeded.append("steward_hours", [{"division": "Medical", "hours": 1}])
    assert files_in(seeded.state_dir) == ["dashboard.duckdb", "dashboard.lock"]
    assert len(seeded.read("steward_hours")) == 3


def test_read_never_writes(seeded: Store) -> None:
    before, stat = digest(seeded.path), seeded.path.stat()
    for table in TABLE_NAMES:
        seeded.read(table)
    assert digest(seeded.path) == before and seeded.path.stat().st_mtime_ns == stat.st_mtime_ns
    assert files_in(seeded.state_dir) == ["dashboard.duckdb", "dashboard.lock"]


# ---------------------------------------------------------------------------------- recovery
@pytest.mark.parametrize("garbage", [b"this is not a database\x00\xff" * 200, b""],
                         ids=["garbage", "empty-file"])
def test_a_corrupt_store_is_moved_aside_and_a_fresh_seeded_store_works(
        tmp_path: Path, garbage: bytes) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / STORE_FILE).write_bytes(garbage)
    store = Store(state, DEMO_SEED)
    assert len(store.read("open_times")) == 6
    aside = sorted(state.glob("dashboard.corrupt-*.duckdb"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert store.recovered is not None
    assert aside[0].name in store.recovered and "Hub workbooks" in store.recovered
    assert store.append("survey_answers", [{"division": "Motors", "value": 5}]) == 1
    assert len(store.read("survey_answers")) == 1


def test_append_to_a_corrupt_store_recovers_then_records(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / STORE_FILE).write_bytes(b"\x00garbage" * 1000)
    store = Store(state)
    store.append("requirements", [{"id": "REQ-1", "raised_on": "2026-03-10", "status": "Open"}])
    assert store.read("requirements")["id"].tolist() == ["REQ-1"]
    assert len(list(state.glob("dashboard.corrupt-*.duckdb"))) == 1
    assert store.recovered is not None


def test_a_store_missing_a_table_gains_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    con = duckdb.connect(str(state / STORE_FILE))
    con.execute(create_table_sql("steward_hours"))
    con.execute("INSERT INTO steward_hours (division, hours) VALUES (?, ?)", ["Motors", 2.0])
    con.close()
    store = Store(state)
    assert store.read("survey_answers").empty
    assert store.read("steward_hours")["hours"].tolist() == [2.0]
    assert store.recovered is None


# ------------------------------------------------------------------------------- concurrency
def test_concurrent_appends_from_8_threads_lose_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    Store(state).ensure()
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(thread: int) -> None:
        store = Store(state)  # one per thread, like one per session
        try:
            for batch in range(5):
                store.append("survey_answers", [
                    {"division": f"T{thread}", "comments": f"{thread}-{batch * 5 + i}", "value": 3}
                    for i in range(5)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader() -> None:
        store = Store(state)
        try:
            while not done.is_set():
                assert len(store.read("survey_answers")) % 5 == 0  # whole appends only
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    assert errors == []
    answers = Store(state).read("survey_answers")
    assert len(answers) == 200
    assert sorted(answers["comments"]) == sorted(f"{t}-{i}" for t in range(8) for i in range(25))
    assert files_in(state) == ["dashboard.duckdb", "dashboard.lock"]


def test_concurrent_appends_from_3_processes_lose_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    Store(state).ensure()
    script = ("import sys; from pathlib import Path; from hub_data.store import Store\n"
              "s = Store(Path(sys.argv[1]))\n"
              "for i in range(8):\n"
              "    s.append('steward_hours', [{'steward': sys.argv[2] + '-' + str(i)}])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", script, str(state), f"p{n}"], cwd=ROOT,
                                env=env) for n in range(3)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0]
    stewards = Store(state).read("steward_hours")["steward"]
    assert sorted(stewards) == sorted(f"p{n}-{i}" for n in range(3) for i in range(8))



def test_a_writer_killed_mid_write_loses_nothing_recorded_before(tmp_path: Path) -> None:
    """A real process is SIGKILLed while it writes (its change is applied to the temporary
    copy and it is told to wait there): the store still opens, holds exactly the rows
    recorded before, and the next write clears the dead writer's temporary file."""
    state = tmp_path / "state"
    store = Store(state)
    store.append("open_times", [{"workbook": "before.xlsx", "seconds": 4}])
    ready = tmp_path / "inside-the-write"
    script = (
        "import sys, time; from pathlib import Path\n"
        "import hub_data.store as m\n"
        "real = m._insert\n"
        "def slow(con, table, rows):\n"
        "    real(con, table, rows)\n"
        "    Path(sys.argv[2]).write_text('ready')\n"
        "    time.sleep(120)\n"
        "m._insert = slow\n"
        "m.Store(Path(sys.argv[1])).append('open_times', [{'workbook': 'lost.xlsx'}])\n")
    writer = subprocess.Popen([sys.executable, "-c", script, str(state), str(ready)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and writer.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), "the writer never reached the middle of its write"
        assert list(state.glob(f"{STORE_FILE}.*.tmp"))  # it was writing its copy
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    reopened = Store(state)
    assert list(reopened.read("open_times")["workbook"]) == ["before.xlsx"]
    reopened.append("open_times", [{"workbook": "after.xlsx"}])
    assert list(reopened.read("open_times")["workbook"]) == ["before.xlsx", "after.xlsx"]
    assert files_in(state) == ["dashboard.duckdb", "dashboard.lock"]
