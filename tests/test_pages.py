"""AppTest: app.py and every page run without an exception on the demo data (and on bad data)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import CORPUS, ROOT

PAGES = sorted(p for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 120


def _run(path: Path | str, **query: str) -> AppTest:
    at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


# A business alert, not a failure of the app: the pilot pages show it in red on purpose.
BUSINESS_ALERTS = ("**Intervention needed", "#### Intervention needed", "#### CRM review due")


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error if not e.value.startswith(BUSINESS_ALERTS)]


def test_every_page_is_in_the_navigation() -> None:
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert PAGES and all(f'"pages/{p.name}"' in app for p in PAGES)


def test_app_runs_on_the_demo_data() -> None:
    at = _run(ROOT / "app.py")
    assert not at.exception and not _errors(at)
    assert at.title[0].value == "Executive overview"
    assert any("Demo data" in i.value for i in at.info)
    assert any("Local single-user mode" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_runs_standalone_on_the_demo_data(page: Path) -> None:
    at = _run(page)
    assert not at.exception and not _errors(at)


def test_data_status_views_on_the_demo_data() -> None:
    at = _run(ROOT / "pages" / "data_status.py")
    assert [m.label for m in at.metric] == ["Files loaded", "Load problems", "Error findings",
                                            "Warnings"]
    assert at.metric[1].value == "0"
    at.segmented_control(key="data_status_view").set_value("Findings by code").run()
    assert not at.exception and len(at.dataframe) == 1
    codes = set(at.dataframe[0].value["code"])
    assert {"DUPLICATE", "MISSING_NEXT_ACTION", "NONSTANDARD_VALUE"} <= codes
    at.segmented_control(key="data_status_view").set_value("Rows per table").run()
    assert not at.exception
    assert int(at.dataframe[0].value.set_index("table").loc["interactions", "rows"]) > 1000


def test_broken_files_show_messages_and_the_rest_loads(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("valid_minimal.xlsx", "encrypted_password.xlsx", "csv_renamed.xlsx"):
        shutil.copy(CORPUS / name, tmp_path)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    at = _run(ROOT / "pages" / "data_status.py")
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 2
    assert any("encrypted" in e and "password" in e for e in errors)
    assert any("csv" in e.lower() for e in errors)
    assert at.metric[0].value == "1 of 3"


def test_unusable_folder_is_one_clear_message(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "missing"))
    at = _run(ROOT / "app.py")
    assert not at.exception
    assert len(_errors(at)) == 1 and "does not exist" in _errors(at)[0]


def test_as_of_comes_from_the_link() -> None:
    at = _run(ROOT / "pages" / "data_status.py", as_of="2026-05-01")
    assert at.sidebar.date_input(key="common_as_of").value == dt.date(2026, 5, 1)
    assert any("1 May 2026" in c.value for c in at.sidebar.caption)


def test_admin_can_change_the_data_folder(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "valid_minimal.xlsx", tmp_path)
    at = _run(ROOT / "pages" / "data_status.py")
    at.sidebar.text_input[0].set_value(str(tmp_path))
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert at.metric[0].value == "1 of 1"
