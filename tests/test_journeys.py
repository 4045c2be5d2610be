"""The main journeys, driven in a real browser (Debian's chromium through Playwright) against
the running app on the demo data: open the overview and go to a division, drill into a KPI,
run a meeting and record it, enter steward hours, download an export, check a workbook's
template drift. Each journey fails on any exception or error shown and saves screenshots
under test-artifacts/journeys/ for people to look at."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from tests.conftest import ROOT, settle
from tests.test_pages import BUSINESS_ALERTS

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-artifacts" / "journeys"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720},
                                  accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.problems = problems
    yield tab
    context.close()


def _check(page, shot: str) -> None:
    """Settled, no exception, no error (business alerts aside), no script error; a screenshot."""
    settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))
    assert not page.locator("[data-testid='stException']").all_inner_texts()
    errors = [t for t in page.locator("[data-testid='stAlertContentError']").all_inner_texts()
              if not any(a.lstrip("#* ") in t for a in BUSINESS_ALERTS)]
    assert not errors, errors
    assert not page.problems, page.problems


def _main(page):
    return page.locator("[data-testid='stMain']")


def test_overview_to_a_division_and_its_drill_down(app_url: str, page) -> None:
    page.goto(app_url, wait_until="domcontentloaded")
    _check(page, "01-overview")
    assert "Executive overview" in _main(page).locator("h1").inner_text()
    # The band of each division links to its page; follow Power's.
    page.locator("[data-testid='stPageLink'] a[href*='division=Power']").first.click()
    page.wait_for_url(re.compile(r"/division\?.*division=Power"))
    _check(page, "02-division-power")
    assert "Power" in _main(page).inner_text()
    # Drill down: the rows behind the first tile that has them.
    _main(page).get_by_text(re.compile(r"^Rows behind the number")).first.click()
    page.wait_for_selector("[data-testid='stExpander'] [data-testid='stDataFrame']",
                           timeout=30_000)
    _check(page, "03-division-drill-down")


def test_pick_a_division_in_the_sidebar(app_url: str, page) -> None:
    page.goto(f"{app_url}/division", wait_until="domcontentloaded")
    _check(page, "04-division-default")
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has_text="Division").first.locator("input")
    picker.click()
    picker.fill("Medical")
    picker.press("Enter")
    page.wait_for_url(re.compile(r"division=Medical"))
    _check(page, "05-division-medical")
    assert "Medical" in _main(page).inner_text()


def test_run_a_meeting_and_record_it(app_url: str, page) -> None:
    page.goto(f"{app_url}/meeting?division=Motors", wait_until="domcontentloaded")
    _check(page, "06-meeting-pipeline")
    page.get_by_role("button", name="Next ▶").click()
    _check(page, "07-meeting-performance")
    page.get_by_role("button", name="Next ▶").click()
    _check(page, "08-meeting-problems")
    decisions = page.get_by_role("textbox", name="Decisions")
    decisions.fill("Chase the three oldest overdue quotes this week")
    decisions.press("Tab")  # the text area commits on blur
    settle(page)
    page.get_by_role("button", name="End meeting and record").click()
    page.get_by_text(re.compile(r"Recorded: Motors review held on")).wait_for(timeout=60_000)
    _check(page, "09-meeting-recorded")
    with page.expect_download() as download:
        page.get_by_role("button", name="Meeting pack (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames and download.value.suggested_filename.endswith(".xlsx")


def test_enter_steward_hours(app_url: str, page) -> None:
    page.goto(f"{app_url}/crm_readiness", wait_until="domcontentloaded")
    _check(page, "10-crm-readiness")
    form = page.locator("[data-testid='stForm']").filter(has_text="Record steward hours")
    form.get_by_role("spinbutton", name="Hours spent keeping the Hub clean").fill("1.5")
    form.get_by_role("textbox", name="Steward").fill("Kemi Adeyemi")
    form.get_by_role("button", name="Record steward hours").click()
    page.get_by_text(re.compile(r"Recorded 1\.5 h of steward work")).wait_for(timeout=60_000)
    _check(page, "11-steward-hours-recorded")


def test_download_an_export(app_url: str, page) -> None:
    page.goto(f"{app_url}/backlog?division=Motors", wait_until="domcontentloaded")
    _check(page, "12-backlog")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"Download XLSX|Excel")).first.click()
    name = download.value.suggested_filename
    assert name.endswith(".xlsx") and "2026-07-15" in name
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    first = book.worksheets[0]
    assert first.max_row > 1
    assert not [c for row in first.iter_rows() for c in row if c.data_type == "f"]


def test_template_drift_and_the_master_template(app_url: str, page) -> None:
    page.goto(f"{app_url}/data_status", wait_until="domcontentloaded")
    _check(page, "13-data-status")
    page.get_by_text("Template drift", exact=True).first.click()
    page.get_by_text(re.compile(r"differences from the master template")).wait_for()
    _check(page, "14-template-drift")
    with page.expect_download() as download:
        page.get_by_role("button", name="Master Hub template").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "Interactions" in book.sheetnames
