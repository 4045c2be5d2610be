"""Privacy and safe rendering across every page (ui.md "Roles"; issue: access and privacy).

- A **viewer** opens every page of the demo (and the views where contacts live: an account
  card, the opportunities, the fix list): no e-mail address or phone number of the Hub or the
  ERP appears anywhere on screen — text, tables, charts — nor in any download the page offers.
- An admin opening every page of a hub whose names and notes carry HTML and Markdown tricks
  sees them as text: no element rendered as HTML contains the raw tag, no Markdown element
  contains a live link or image.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable

import openpyxl
import pytest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.contract import DEFAULT_LISTS
from tests.conftest import DEMO, ROOT, run_page
from tests.hubfactory import account, contact, interaction, member

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
VIEWER = Role("viewer", email="viewer@x.example")
TEXT_ELEMENTS = ("markdown", "caption", "text", "code", "info", "warning", "success", "error",
                 "title", "header", "subheader", "metric", "latex", "exception")


def _texts(at: Any) -> Iterable[str]:
    """Everything a page shows as text: elements, table cells, chart specs, widget options."""
    for kind in TEXT_ELEMENTS:
        for element in at.get(kind):
            yield str(getattr(element, "value", "")) + " " + str(getattr(element, "label", ""))
    for frame in (*at.dataframe, *at.table):
        yield frame.value.astype(str).to_csv()
    for chart in at.get("plotly_chart"):
        yield chart.proto.spec
    for kind in ("selectbox", "multiselect", "radio", "segmented_control"):
        for widget in at.get(kind):
            yield " ".join(map(str, getattr(widget, "options", []) or []))


def _download_texts(data: bytes, name: str) -> Iterable[str]:
    """The text inside one download: every cell of an XLSX, the whole of a CSV/HTML/MD."""
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield " ".join("" if v is None else str(v) for v in row)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            yield " ".join(archive.namelist())
    else:
        yield data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def secrets() -> list[str]:
    """Every e-mail and phone number in the demo's Hub and ERP (as written there)."""
    cur = HubLoader(DEMO).get().cursor()
    values = {v for (v,) in cur.execute("""
        SELECT email FROM contacts UNION SELECT mobile FROM contacts
        UNION SELECT main_phone FROM accounts""").fetchall() if v and len(v.strip()) >= 7}
    assert len(values) > 500  # the demo has plenty: the check below can fail
    return sorted(values)


def _leaks(texts: Iterable[str], secrets: list[str]) -> list[str]:
    blob = "\n".join(texts)
    return [s for s in secrets if s in blob]


def _demo_account_with_contacts() -> str:
    cur = HubLoader(DEMO).get().cursor()
    return cur.execute("""
        SELECT a.account_id FROM accounts a JOIN contacts c USING (account_id)
        WHERE c.email IS NOT NULL AND c.mobile IS NOT NULL AND a.main_phone IS NOT NULL
        ORDER BY a.account_id LIMIT 1""").fetchone()[0]


VIEWS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    *[(page, {}, {}) for page in PAGES],
    ("accounts", {"account": "<card>"}, {}),
    ("accounts", {"account": "<card>"}, {"accounts_view": "Contacts"}),
    ("cross_division", {"division": "Power"}, {}),
    ("backlog", {"division": "Motors"}, {}),
    ("data_quality", {"division": "Motors"}, {}),
]


@pytest.mark.parametrize(("page", "query", "state"), VIEWS,
                         ids=[f"{p}{'-' + '-'.join(q.values()) if q else ''}"
                              f"{'-' + '-'.join(map(str, s.values())) if s else ''}"
                              for p, q, s in VIEWS])
def test_a_viewer_never_sees_an_email_or_a_phone(page: str, query: dict[str, str],
                                                 state: dict[str, Any], secrets: list[str],
                                                 deferred: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: VIEWER)
    query = {k: (_demo_account_with_contacts() if v == "<card>" else v) for k, v in query.items()}
    at = run_page(ROOT / "pages" / f"{page}.py", state=state, **query)
    assert not at.exception, at.exception
    assert not _leaks(_texts(at), secrets), f"{page}: shown to a viewer"
    for name, build in deferred.items():
        assert not _leaks(_download_texts(build(), name), secrets), f"{page}: {name}"


def test_the_viewer_sweep_reaches_the_contacts(secrets: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The account card's Contacts view lists e-mails and phones: an admin sees them (so the
    # sweep above can fail), a viewer sees them masked.
    card = _demo_account_with_contacts()
    admin = run_page(ROOT / "pages" / "accounts.py", state={"accounts_view": "Contacts"},
                     account=card)
    assert _leaks(_texts(admin), secrets)
    monkeypatch.setattr("pages._common.current_role", lambda: VIEWER)
    viewer = run_page(ROOT / "pages" / "accounts.py", state={"accounts_view": "Contacts"},
                      account=card)
    contacts = next(d.value for d in viewer.dataframe if "email" in d.value.columns)
    assert contacts["email"].str.contains("•").all() and contacts["mobile"].str.contains("•").all()
    assert not _leaks(_texts(viewer), secrets)


# ----------------------------------------------------------------- hostile text is only text
IMG = '<img src=x onerror="alert(1)">'
SCRIPT = "<script>alert(2)</script>"
LINK = "[click me](javascript:alert(3))"
PICTURE = "![x](http://evil.example/x.png)"
T = dt.date(2026, 6, 15)
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,1)")
AGRO = f"Agro {IMG}"  # a division of its own: division names are drawn inside HTML tiles


@pytest.fixture
def hostile(make_hub, monkeypatch: pytest.MonkeyPatch):
    hub = make_hub(
        lists={"Divisions": [*DEFAULT_LISTS["divisions"], AGRO]},
        accounts=[account("ACC-1", "Motors", owner=f"Ada {IMG}", name=f"=Lekki {SCRIPT} Ltd"),
                  account("ACC-3", AGRO, owner="Ada Obi"),
                  account("ACC-2", "Motors", owner="Ada Obi", name=f"Ikeja {LINK}")],
        contacts=[{**contact("CON-1", "ACC-1", name=f"Emeka {PICTURE}"),
                   "Email": f"{IMG}@x.example", "Mobile Number": "0803 123 4567"},
                  contact("CON-2", "ACC-2", name=f"**Halima** {IMG}")],
        staff=[member("Ada Obi", "Motors"), member(f"Ada {IMG}", "Motors")],
        interactions=[
            interaction(f"INT-{n}", dt.datetime(2026, 6, n, 10), "CON-1" if n % 2 else "CON-2",
                        "Inquiry", "Ada Obi" if n % 3 else f"Ada {IMG}",
                        notes=f"{FORMULAS[n % 4]} note {SCRIPT} {LINK}",
                        next_action=f"{FORMULAS[(n + 1) % 4]} Send {PICTURE}",
                        channel="Phone" if n % 4 else f"Phone {IMG}")
            for n in range(1, 13)],
        settings=f'as_of = {T.isoformat()}\n')
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def _markdown_elements(at: Any) -> Iterable[tuple[str, bool]]:
    """(text, rendered as HTML?) of every Markdown-like element on the page."""
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "title",
                 "header", "subheader"):
        for element in at.get(kind):
            proto = element.proto
            body = getattr(proto, "body", None) or str(getattr(element, "value", ""))
            yield body, bool(getattr(proto, "allow_html", False))


LIVE_MARKDOWN = re.compile(r"\]\((?:javascript|http)[^)]*\)")


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_is_shown_as_text(page: str, hostile) -> None:
    at = run_page(ROOT / "pages" / f"{page}.py")
    assert not at.exception, at.exception
    for body, html in _markdown_elements(at):
        if html:
            assert "<img" not in body and "<script" not in body, body
        # A name or a note never becomes a link or an image ([x](…) unescaped).
        assert not LIVE_MARKDOWN.search(body.replace("\\]", "").replace("\\(", "")), body
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        assert "<script" not in json.dumps(spec.get("data", [])), "chart text is escaped"


def test_the_hostile_names_do_reach_the_pages(hostile) -> None:
    # So the sweep above checks something: the names are on screen, escaped.
    pilot = run_page(ROOT / "pages" / "pilot.py")
    shown = [body for body, _ in _markdown_elements(pilot)]
    assert any('Ada \\<img src=x onerror="alert\\(1\\)"\\>' in body for body in shown)
    overview = run_page(ROOT / "pages" / "overview.py")
    assert any(html and "Agro &lt;img src=x" in body
               for body, html in _markdown_elements(overview))


def test_the_sweep_covers_every_page() -> None:
    assert len(PAGES) >= 16 and "cross_division" in PAGES and Path(ROOT / "app.py").is_file()


def test_nothing_personal_in_the_logs(make_hub, monkeypatch: pytest.MonkeyPatch,
                                      caplog: pytest.LogCaptureFixture,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    # A bad e-mail and phone are findings (their values go to the data-quality views), and
    # the pages that list contacts run: none of it is written to a log, stdout or stderr.
    email, phone, bad_email = "ada.secret@lekki.example", "0803 555 0199", "ada.secret@@x"
    hub = make_hub(
        accounts=[account("ACC-1", "Motors", owner="Ada Obi")],
        contacts=[{**contact("CON-1", "ACC-1"), "Email": email, "Mobile Number": phone},
                  {**contact("CON-2", "ACC-1"), "Email": bad_email, "Mobile Number": "12"}],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction("INT-1", dt.datetime(2026, 6, 10, 9), "CON-1", "Inquiry",
                                  "Ada Obi")],
        settings=f"as_of = {T.isoformat()}\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    caplog.set_level("DEBUG")
    for page, query in (("accounts", {"account": "ACC-1"}), ("data_quality", {}),
                        ("backlog", {}), ("meeting", {"division": "Motors"})):
        at = run_page(ROOT / "pages" / f"{page}.py", **query)
        assert not at.exception
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    for secret in (email, phone, bad_email, "0803"):
        assert secret not in logged, secret


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unsafe_cells(data: bytes, name: str) -> list[str]:
    """Cells of a download that a spreadsheet would run: formula cells, and text cells that
    start like a formula (numbers are numbers, so a negative amount is not text)."""
    found: list[str] = []
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str)
                                                 and cell.value.startswith(FORMULA_START)):
                        found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    elif name.endswith(".csv"):
        import csv
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for field in row:
                if field.startswith(FORMULA_START) and not re.fullmatch(r"-?\d[\d.,]*", field):
                    found.append(field)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_download_is_formula_safe(page: str, hostile, deferred: dict[str, Any]) -> None:
    # Names, notes and next actions of the hostile hub start with "=", "+", "-", "@".
    at = run_page(ROOT / "pages" / f"{page}.py")
    assert not at.exception
    for name, build in deferred.items():
        assert not _unsafe_cells(build(), name), (page, name)
