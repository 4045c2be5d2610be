"""Real browser smoke test: every page of the running app opens in headless Chromium (Debian's
chromium, driven by Playwright) and shows no exception and no error. Screenshots of each page at
projector size (1280×720) are saved under test-artifacts/screens/ for people to look at."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ROOT
from tests.test_pages import BUSINESS_ALERTS

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENS = ROOT / "test-artifacts" / "screens"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
# The default page of app.py's navigation lives at the root URL, the others at /<file stem>.
_DEFAULT = re.search(r'st\.Page\(\s*"pages/(\w+)\.py"[^)]*default=True', (ROOT / "app.py").read_text())
DEFAULT_PAGE = _DEFAULT.group(1) if _DEFAULT else None
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


def _settle(page: object) -> None:
    """Wait until the script run has finished (no 'Running…' status, the title drawn)."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=90_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_without_an_error(app_url: str, browser: object, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    try:
        url = app_url if path == DEFAULT_PAGE else f"{app_url}/{path}"
        page.goto(url, wait_until="domcontentloaded")
        _settle(page)
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"{path}.png"))
        exceptions = page.locator("[data-testid='stException']").all_inner_texts()
        errors = [text for text in
                  page.locator("[data-testid='stAlertContentError']").all_inner_texts()
                  if not any(alert.lstrip('#* ') in text for alert in BUSINESS_ALERTS)]  # not failures
        assert not exceptions, exceptions
        assert not errors, errors
        assert not console_errors, console_errors
        dialogs = page.locator("[role='dialog']").all_inner_texts()
        assert not dialogs, dialogs  # e.g. Streamlit's "Page not found"
        nav = " ".join(page.locator("[data-testid='stSidebarNav']").all_inner_texts()).lower()
        assert "common" not in nav and "app" not in nav.split()  # app.py's navigation, not pages/
    finally:
        context.close()


def test_the_default_page_opens_at_the_root(app_url: str, browser: object) -> None:
    assert DEFAULT_PAGE in PAGES
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        _settle(page)
        assert page.locator("[data-testid='stMain'] h1").count() == 1
        assert not page.locator("[role='dialog']").all_inner_texts()
    finally:
        page.close()
