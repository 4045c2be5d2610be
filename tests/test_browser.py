"""Real browser smoke test: every page of the running app opens in headless Chromium (Debian's
chromium, driven by Playwright) and shows no exception and no error. Screenshots of each page at
projector size (1280×720) are saved under test-artifacts/screens/ for people to look at."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, settle
from tests.test_pages import BUSINESS_ALERTS

pytestmark = pytest.mark.browser
SCREENS = ROOT / "test-artifacts" / "screens"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
# The default page of app.py's navigation lives at the root URL, the others at /<file stem>.
_DEFAULT = re.search(r'st\.Page\(\s*"pages/(\w+)\.py"[^)]*default=True', (ROOT / "app.py").read_text())
DEFAULT_PAGE = _DEFAULT.group(1) if _DEFAULT else None


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_without_an_error(app_url: str, browser: object, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    try:
        url = app_url if path == DEFAULT_PAGE else f"{app_url}/{path}"
        page.goto(url, wait_until="domcontentloaded")
        settle(page)
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
        settle(page)
        assert page.locator("[data-testid='stMain'] h1").count() == 1
        assert not page.locator("[role='dialog']").all_inner_texts()
    finally:
        page.close()
