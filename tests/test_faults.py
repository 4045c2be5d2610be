"""Faults injected while the dashboard reads and writes (tests run as root, so nothing is staged
with chmod): a workbook locked or replaced mid-read, a full disk while the snapshot is written,
and the app keeping the last good data on screen while it says what went wrong.

Elsewhere: a vanished folder (test_loader), a full disk or a denied write in the store and a
corrupt store moved aside (test_store, test_store_backup, test_loader), a writer killed
mid-write (test_store)."""
from __future__ import annotations

import datetime as dt
import errno
import os
import pathlib
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

import hub_data.load
from hub_data import HubLoader
from tests.conftest import ROOT, run_page, tiny_hub, wait_for_reloads

ROW = ["INT-1", dt.datetime(2026, 6, 10, 9), "CON-1", "ACC-1", "Motors", "Phone", "Inquiry",
       "", "Send quote", dt.datetime(2026, 6, 12), "Ada Obi", ""]


def _rows(hub, file: str) -> int:
    return hub.cursor().execute("SELECT count(*) FROM interactions WHERE source_file = ?",
                                [file]).fetchone()[0]


def _changed(path: Path) -> None:
    """Give ``path`` a new modification time, so the folder's signature changes."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    data = tmp_path / "hub"
    tiny_hub(data, interactions=[ROW], name="a.xlsx")
    tiny_hub(data, interactions=[ROW, ["INT-2", *ROW[1:]]], name="b.xlsx")
    return data


@pytest.mark.parametrize("error, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.EBUSY, "Device or resource busy"), "if it is open or syncing"),
])
def test_a_workbook_locked_while_read_keeps_its_last_good_rows(
        folder: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, words: str) -> None:
    loader = HubLoader(folder)
    first = loader.get()
    assert (_rows(first, "a.xlsx"), _rows(first, "b.xlsx")) == (1, 2)
    _changed(folder / "a.xlsx")
    original = pathlib.Path.open

    def locked(self: Path, *args, **kwargs):  # noqa: ANN001, ANN202 - Path.open's signature
        if self.name == "a.xlsx":
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", locked)
    hub = loader.get()
    assert hub is not first and loader.last_error is None   # a new load, not a failure
    cur = hub.cursor()
    assert cur.execute("SELECT file, code FROM load_problems").fetchall() == [
        ("a.xlsx", "UNREADABLE")]
    status, message = cur.execute("SELECT status, message FROM files WHERE file = 'a.xlsx'"
                                  ).fetchone()
    assert status == "failed" and words in message and "last good version" in message
    assert (_rows(hub, "a.xlsx"), _rows(hub, "b.xlsx")) == (1, 2)   # nothing lost
    monkeypatch.setattr(pathlib.Path, "open", original)
    _changed(folder / "a.xlsx")
    assert loader.get().cursor().execute("SELECT count(*) FROM load_problems").fetchone() == (0,)


def test_a_workbook_replaced_mid_read_never_mixes_or_loses_rows(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OneDrive swaps in a new copy while the parse runs: the half-written copy is refused, the
    last good rows stay, and the next look at the folder loads the finished copy."""
    loader = HubLoader(folder)
    loader.get()
    staged = folder.parent / "new-a.xlsx"
    tiny_hub(staged.parent, interactions=[ROW, ["INT-3", *ROW[1:]], ["INT-4", *ROW[1:]]],
             name=staged.name)
    real_read = hub_data.load.read_workbook

    def replaced_while_reading(path: Path, early=None):  # noqa: ANN001, ANN202
        if path.name == "a.xlsx":
            data = staged.read_bytes()
            path.write_bytes(data[: len(data) // 2])   # the sync has written half of it
        return real_read(path, early)

    _changed(folder / "a.xlsx")
    monkeypatch.setattr(hub_data.load, "read_workbook", replaced_while_reading)
    hub = loader.get()
    cur = hub.cursor()
    assert cur.execute("SELECT file, code FROM load_problems").fetchall() == [
        ("a.xlsx", "DAMAGED")]
    assert (_rows(hub, "a.xlsx"), _rows(hub, "b.xlsx")) == (1, 2)
    monkeypatch.setattr(hub_data.load, "read_workbook", real_read)
    shutil.copyfile(staged, folder / "a.xlsx")          # the sync finishes
    _changed(folder / "a.xlsx")
    done = loader.get()
    assert done.cursor().execute("SELECT count(*) FROM load_problems").fetchone() == (0,)
    assert (_rows(done, "a.xlsx"), _rows(done, "b.xlsx")) == (3, 2)


def test_a_full_disk_while_writing_the_snapshot_keeps_the_last_good_load(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HubLoader(folder)
    first = loader.get()
    _changed(folder / "b.xlsx")

    def full(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(hub_data.load.os, "replace", full)
    assert loader.get() is first
    assert "Free some disk space" in (loader.last_error or "")
    cache = Path(os.environ["HUB_STATE_DIR"]) / "cache"
    assert not list(cache.glob("*.tmp")), "no half-written snapshot is left behind"


@pytest.mark.parametrize("step", ["create_hub_people", "create_interactions",
                                  "create_side_tables", "other_findings"])
def test_a_database_error_in_either_lane_of_the_build_keeps_the_last_good_load(
        folder: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The build runs in two lanes that wait for each other (the second needs the people
    tables): a failure in any step of either lane fails the build, with a message, promptly,
    and leaves no half-written snapshot."""
    loader = HubLoader(folder)
    first = loader.get()
    _changed(folder / "b.xlsx")

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise duckdb.IOException("injected: the temporary file could not be written")

    monkeypatch.setattr(hub_data.load, step, broken)
    got = []
    build = threading.Thread(target=lambda: got.append(loader.get()), daemon=True)
    build.start()
    build.join(timeout=120)
    assert not build.is_alive(), "a lane waits forever for the other"
    assert got == [first]
    assert "could not build its database" in (loader.last_error or "")
    assert "injected" in (loader.last_error or "")
    cache = Path(os.environ["HUB_STATE_DIR"]) / "cache"
    assert not list(cache.glob("*.tmp")), "no half-written snapshot is left behind"


def test_the_page_shows_the_last_good_data_and_what_went_wrong(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(folder))
    page = ROOT / "pages" / "data_status.py"
    at = run_page(page)
    assert not at.exception and not at.error
    _changed(folder / "b.xlsx")

    def full(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(hub_data.load.os, "replace", full)
    at.run()                 # the reload runs in the background, the page at once
    wait_for_reloads()
    at.run()
    assert not at.exception
    assert any("Showing the last good load" in e.value and "disk space" in e.value
               for e in at.error)
    assert any(m.label == "Files loaded" and m.value == "2 of 2" for m in at.metric)
