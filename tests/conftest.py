"""Shared fixtures: fresh Streamlit caches, no developer folder leaking in, tiny hubs."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Iterator

import pytest
import streamlit as st
import xlsxwriter

from hub_data.contract import HUB_HEADERS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "hub_data" / "demo"
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "xlsx-corpus"



@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterable[None]:
    """Every test starts with empty Streamlit caches (architecture.md rule 14)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    wait_for_reloads()  # no reload thread of this test runs on into the next
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No developer folder or roles file leaks in: the demo data, a throwaway state folder.

    Each test gets its own state folder, so its store (seeded afresh from the data folder's
    store_seed/) never carries what an earlier test loaded or recorded; the snapshot cache in
    it is shared by the session (snapshots are named by their sources' signature)."""
    base = tmp_path_factory.getbasetemp()
    state = Path(tempfile.mkdtemp(prefix="state-", dir=base))
    (base / "snapshot-cache").mkdir(exist_ok=True)
    (state / "cache").symlink_to(base / "snapshot-cache", target_is_directory=True)
    monkeypatch.setenv("HUB_DATA_DIR", str(DEMO))
    monkeypatch.setenv("HUB_STATE_DIR", str(state))
    monkeypatch.setenv("HUB_ROLES_FILE", str(tmp_path_factory.getbasetemp() / "no-roles.toml"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg"))


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook from literal rows (first row = header); datetimes become real Excel dates."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (dt.datetime, dt.date)):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def tiny_hub(folder: Path, *, interactions: list[list[Any]] | None = None,
             staff: list[list[Any]] | None = None, name: str = "hub.xlsx") -> Path:
    """A minimal valid Hub workbook in ``folder``: two accounts, two contacts, a roster."""
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {
        "Accounts": [HUB_HEADERS["Accounts"],
                     ["ACC-1", "Lekki Logistics Ltd", "Motors", "Customer", "Logistics",
                      "Lekki, Lagos", "0803 123 4567", "C1", "Ada Obi"],
                     ["ACC-2", "Ikeja Cold Stores", "Power", "", "", "", "", "", ""]],
        "Contacts": [HUB_HEADERS["Contacts"],
                     ["CON-1", "Emeka Nwosu", "Fleet Manager", "emeka@lekki.ng.example",
                      "0803 123 4567", "ACC-1"],
                     ["CON-2", "Halima Yusuf", "Director", "halima@ikeja.example", "", "ACC-2"]],
        "Interactions": [HUB_HEADERS["Interactions"], *(interactions or [])],
        "Staff": [HUB_HEADERS["Staff"], *(staff or [
            ["Ada Obi", "Motors", "Sales", "Yes", dt.datetime(2025, 1, 6), None],
            ["Musa Bello", "Power", "Sales", "Yes", None, None]])],
    }
    return write_xlsx(folder / name, sheets)


@pytest.fixture
def make_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``make_hub(**rows)`` writes a tiny hub (tests/hubfactory.py) into ``tmp_path`` with its
    own state folder and returns it loaded; call it again for a second hub."""
    from tests.hubfactory import build_hub

    count = 0

    def make(**rows: Any):
        nonlocal count
        count += 1
        monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / f"state-{count}"))
        return build_hub(tmp_path / f"hub-{count}", **rows)

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current code (review the diff!)")


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The download buttons' deferred builders of a page run by AppTest, by file name: what
    a click would run (``deferred["motors-backlog-2026-07-15.xlsx"]()`` gives the bytes)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, Any] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):  # noqa: ANN001
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def run_page(page: str | Path, *, state: dict[str, Any] | None = None,
             **query: str):  # noqa: ANN201 - streamlit AppTest
    """Run one page file with AppTest (2-minute budget: cold loads on CI), the link's query
    parameters and the session ``state`` set first; returns the AppTest after its first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def wait_for_reloads(timeout: float = 120) -> None:
    """Wait until every background reload (HubLoader's "hub-reload" threads) has finished."""
    for thread in threading.enumerate():
        if thread.name == "hub-reload":
            thread.join(timeout)


def page_ok(at: Any) -> None:
    """The page ran without an exception and without an st.error."""
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


# ------------------------------------------------------------ the app in a real browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on a loopback port over the demo data, with its own state folder."""
    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(ROOT / "hub_data" / "demo"),
           "HUB_STATE_DIR": str(tmp_path_factory.mktemp("browser-state")),
           "HUB_ROLES_FILE": str(tmp_path_factory.mktemp("roles") / "none.toml")}
    log = (tmp_path_factory.mktemp("server") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}",
         "--server.address=127.0.0.1", "--server.headless=true",
         "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start (log: {log.name})")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run the README's test command "
                    "(apt-get install -y chromium).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def settle(page: object) -> None:
    """Wait until the script run has finished (no 'Running…' status, the title drawn)."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=90_000)
    page.wait_for_timeout(500)
