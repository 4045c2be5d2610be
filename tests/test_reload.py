"""Background reloads: a changed workbook is read in a thread while the previous snapshot
stays in use; the page says so with its progress and says what changed once it is ready."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

import hub_data.cache as cache
from hub_data import HubDataError, HubLoader
from tests.conftest import ROOT, run_page, tiny_hub, wait_for_reloads

ROW = ["INT-1", dt.datetime(2026, 3, 2, 9, 30), "CON-1", "", "", "Phone", "Inquiry",
       "Asked for a price list", "Send quote", dt.datetime(2026, 3, 5), "Ada Obi", ""]


def _row(n: int) -> list:
    return [f"INT-{n}", *ROW[1:]]


def _count(hub) -> int:  # noqa: ANN001
    return hub.cursor().execute("SELECT count(*) FROM interactions").fetchone()[0]


class Gate:
    """build_snapshot held at its start until ``open()``: a reload that takes as long as the
    test wants. ``entered`` is set each time a build starts; ``builds`` counts them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered, self._open, self.builds = threading.Event(), threading.Event(), 0
        real = cache.build_snapshot

        def held(settings, path, progress=None):  # noqa: ANN001, ANN202
            self.builds += 1
            self.entered.set()
            assert self._open.wait(60), "the test never opened the gate"
            return real(settings, path, progress)

        monkeypatch.setattr(cache, "build_snapshot", held)

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    data = tmp_path / "hub"
    tiny_hub(data, interactions=[ROW], name="a.xlsx")
    tiny_hub(data, interactions=[_row(2)], name="b.xlsx")
    monkeypatch.setenv("HUB_DATA_DIR", str(data))
    return data


def test_the_previous_data_stays_in_use_while_the_new_is_read(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HubLoader(folder)
    first = loader.get()
    gate = Gate(monkeypatch)
    tiny_hub(folder, interactions=[_row(2), _row(3)], name="b.xlsx")
    assert loader.get(background=True) is first          # at once, not after the build
    assert gate.entered.wait(30)
    job = loader.reloading
    assert job is not None and job.changed == ("b.xlsx",) and job.signature != first.signature
    assert _count(loader.get(background=True)) == 2      # still usable mid-reload
    gate.open()
    assert loader.wait(60)
    new = loader.get(background=True)
    assert new is not first and _count(new) == 3
    assert loader.reloading is None and loader.changes == ("b.xlsx",)
    assert gate.builds == 1


def test_a_change_made_during_a_reload_is_read_after_it(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HubLoader(folder)
    loader.get()
    gate = Gate(monkeypatch)
    tiny_hub(folder, interactions=[_row(2), _row(3)], name="b.xlsx")
    loader.get(background=True)
    assert gate.entered.wait(30)
    tiny_hub(folder, interactions=[ROW, _row(4), _row(5)], name="a.xlsx")
    assert _count(loader.get(background=True)) == 2
    assert loader.reloading.changed == ("a.xlsx", "b.xlsx")
    gate.open()
    assert loader.wait(60)
    assert _count(loader.get(background=True)) == 5 and gate.builds == 2
    assert loader.reloading is None


def test_a_failed_reload_keeps_the_data_and_is_not_retried_until_the_files_change(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HubLoader(folder)
    first = loader.get()
    calls: list[int] = []

    def full(settings, path, progress=None):  # noqa: ANN001, ANN202
        calls.append(1)
        raise HubDataError("The snapshot could not be written: the disk is full.")

    monkeypatch.setattr(cache, "build_snapshot", full)
    tiny_hub(folder, interactions=[_row(2), _row(3)], name="b.xlsx")
    assert loader.get(background=True) is first and loader.wait(60)
    assert loader.get(background=True) is first and loader.wait(60)
    assert len(calls) == 1 and "disk is full" in (loader.last_error or "")
    assert loader.reloading is None


def test_a_crash_in_the_reload_thread_is_reported_not_lost(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HubLoader(folder)
    first = loader.get()

    def bug(settings, path, progress=None):  # noqa: ANN001, ANN202
        raise RuntimeError("unexpected")

    monkeypatch.setattr(cache, "build_snapshot", bug)
    tiny_hub(folder, interactions=[_row(2), _row(3)], name="b.xlsx")
    assert loader.get(background=True) is first and loader.wait(60)
    assert loader.last_error == "The new data could not be loaded: unexpected"
    assert loader.get(background=True) is first


def test_the_page_shows_the_reload_and_then_what_changed(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ROOT / "pages" / "data_status.py"
    at = run_page(page)
    assert not at.exception and not at.error
    before = at.dataframe[0].value.copy()  # the files table: sizes and times of the load
    gate = Gate(monkeypatch)
    tiny_hub(folder, interactions=[_row(2), _row(3)], name="b.xlsx")
    at.run()
    assert gate.entered.wait(30)
    assert not at.exception
    notice = [p.text.replace("\\", "") for p in at.get("progress")]  # Markdown escapes
    assert any("Reading the new data in the background (b.xlsx changed)" in t
               and "Until it is ready" in t for t in notice), notice
    assert at.dataframe[0].value.equals(before)          # the previous load is on screen
    gate.open()
    wait_for_reloads()
    at.run()
    assert not at.exception and not at.error
    assert not at.get("progress") and not at.dataframe[0].value.equals(before)
    toasts = [t.value.replace("\\", "") for t in at.toast]
    assert any("New data loaded" in t and "b.xlsx changed" in t for t in toasts), toasts
    at.run()
    assert not at.toast, "the toast is said once"


def test_a_load_history_entry_keeps_the_pages_caches_a_record_renews_them(
        folder: Path) -> None:
    """A reload appends to the store's load history before its snapshot is served: the pages
    of the previous snapshot keep their cached results (the history changes only with a new
    snapshot, whose signature changes anyway); steward hours recorded change the version."""
    from hub_data.access import LOCAL_ADMIN
    from hub_data.store import Store
    from pages._common import PageContext, data_version

    hub = HubLoader(folder).get()
    ctx = PageContext(hub, dt.date(2026, 3, 31), LOCAL_ADMIN)
    store = Store.for_settings(hub.settings)
    first = data_version(ctx)
    assert first.startswith(f"{hub.signature}:")
    store.append_load_history([{"file": "b.xlsx", "size_bytes": 9000, "rows": 7,
                                "modified_at": dt.datetime(2026, 3, 30, 8), "seconds": 0.5}])
    assert data_version(ctx) == first
    store.append("steward_hours", [{"division": "Motors", "week_start": dt.date(2026, 3, 30),
                                    "hours": 1.5, "steward": "Ada Obi"}])
    assert data_version(ctx) != first
