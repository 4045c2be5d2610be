"""The hostile corpus (tests/data/xlsx-corpus, MANIFEST.md): every file gets what it must.

Each file is loaded alone and beside valid_minimal.xlsx, which must still load. The two big
files are generated at test time by the corpus' own make_corpus.py and loaded by the
``check`` command in a child process with a memory cap and a deadline.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub_data import build_database
from tests.conftest import CORPUS, ROOT

VALID = "valid_minimal.xlsx"
REFUSED = {
    "empty_0_bytes.xlsx": ("EMPTY_FILE", "empty"),
    "text_renamed.xlsx": ("NOT_A_WORKBOOK", "not an Excel workbook"),
    "csv_renamed.xlsx": ("NOT_A_WORKBOOK", "CSV"),
    "html_table_renamed.xlsx": ("NOT_A_WORKBOOK", "HTML"),
    "truncated_zip.xlsx": ("DAMAGED", "damaged or incomplete"),
    "zip_not_ooxml.xlsx": ("NOT_A_WORKBOOK", "not an Excel workbook"),
    "encrypted_password.xlsx": ("ENCRYPTED", "password"),
    "legacy_biff8.xls": ("LEGACY_FORMAT", ".xls"),
    "legacy_biff8_named.xlsx": ("LEGACY_FORMAT", ".xls"),
    "hub_as_ods.ods": ("LEGACY_FORMAT", ".ods"),
    "hub_ods_named.xlsx": ("LEGACY_FORMAT", ".ods"),
    "placeholder.xlsb": ("LEGACY_FORMAT", ".xlsb"),
    "xlsb_named.xlsx": ("LEGACY_FORMAT", ".xlsb"),
    "missing_sheet_contacts.xlsx": ("MISSING_SHEET", "Contact List"),
    "missing_column_contact_id.xlsx": ("MISSING_COLUMN", "Contact Identifier"),
    "billion_laughs_sharedstrings.xlsx": ("UNSAFE_XML", "unsafe XML"),
    "xxe_external_entity.xlsx": ("UNSAFE_XML", "unsafe XML"),
}
LOADED = ("header_row3_title_block.xlsx", "merged_header_cells.xlsx", "date_system_1904.xlsx",
          "dates_as_text_dmy.xlsx", "dates_as_text_mdy.xlsx", "dates_garbage.xlsx",
          "numbers_as_text.xlsx", "ids_as_floats.xlsx", "formulas_cached.xlsx",
          "formulas_no_cache.xlsx", "formula_injection_text.xlsx", "unicode_rtl_emoji.xlsx",
          "hidden_sheets.xlsx", "forms_table_listobject.xlsx")
IGNORED = ("~$valid_minimal.xlsx", "._valid_minimal.xlsx")
INTERACTION_VIEW = """SELECT interaction_id, {date}, contact_id, account_id, division, channel,
    interaction_type, notes, next_action, CAST(due_date AS DATE), logged_by, resolved
    FROM interactions ORDER BY row_id"""


def test_every_corpus_file_is_covered() -> None:
    names = {p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xls", ".ods", ".xlsb")}
    assert names == set(REFUSED) | set(LOADED) | set(IGNORED) | {VALID}


def _cursor(tmp_path: Path, *names: str, settings: str = ""):
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, folder)
    if settings:
        (folder / "settings.toml").write_text(settings, encoding="utf-8")
    started = time.perf_counter()
    cursor = build_database(folder).cursor()
    assert time.perf_counter() - started < 30  # bounded, never a hang
    return cursor


def _interactions(cur, date: str = "date") -> list[tuple]:
    return cur.execute(INTERACTION_VIEW.format(date=date)).fetchall()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    return _interactions(_cursor(tmp_path_factory.mktemp("valid"), VALID))


@pytest.mark.parametrize(("name", "expected"), REFUSED.items(), ids=list(REFUSED))
def test_refused_file_gets_its_message_and_the_valid_one_still_loads(
        tmp_path: Path, name: str, expected: tuple[str, str], baseline: list[tuple]) -> None:
    code, words = expected
    cur = _cursor(tmp_path, VALID, name)
    problems = cur.execute("SELECT file, code, message FROM load_problems").fetchall()
    assert [(f, c) for f, c, _ in problems] == [(name, code)]
    assert words.lower() in problems[0][2].lower()
    assert cur.execute("SELECT status FROM files WHERE file = ?", [name]).fetchone() == ("failed",)
    assert _interactions(cur) == baseline


def test_lock_and_hidden_files_are_not_listed(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, VALID, *IGNORED)
    assert cur.execute("SELECT file FROM files").fetchall() == [(VALID,)]
    assert cur.execute("SELECT count(*) FROM load_problems").fetchone() == (0,)


@pytest.mark.parametrize("name", ["date_system_1904.xlsx", "formulas_cached.xlsx",
                                  "hidden_sheets.xlsx", "header_row3_title_block.xlsx"])
def test_loads_exactly_like_the_valid_workbook(tmp_path: Path, name: str,
                                               baseline: list[tuple]) -> None:
    cur = _cursor(tmp_path, name)
    assert _interactions(cur) == baseline
    assert cur.execute("SELECT count(*) FROM findings").fetchone() == (0,)


def test_header_on_row_3_gives_real_excel_rows(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "header_row3_title_block.xlsx")
    assert cur.execute("SELECT min(source_row) FROM accounts").fetchone() == (4,)
    assert cur.execute("SELECT count(*) FROM accounts").fetchone() == (8,)


def test_hidden_roster_and_very_hidden_lists_are_used(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "hidden_sheets.xlsx")
    assert cur.execute("SELECT count(*) FROM staff").fetchone() == (7,)
    sheets = cur.execute("SELECT sheets FROM files").fetchone()[0]
    assert sheets["Lists"] > 0 and sheets["Staff"] == 7
    assert "Old Contacts" in sheets  # seen, not loaded


def test_text_dates_day_first_match_the_valid_dates(tmp_path: Path, baseline: list[tuple]) -> None:
    cur = _cursor(tmp_path, "dates_as_text_dmy.xlsx")
    as_days = [row[:1] + (row[1].date(),) + row[2:] for row in baseline]
    assert _interactions(cur, "CAST(date AS DATE)") == as_days
    assert cur.execute("SELECT count(*) FROM findings").fetchone() == (0,)


def test_us_text_dates_are_findings_by_default_and_match_with_mdy(tmp_path: Path,
                                                                 baseline: list[tuple]) -> None:
    cur = _cursor(tmp_path, "dates_as_text_mdy.xlsx")
    bad = cur.execute("""SELECT value FROM findings WHERE code = 'BAD_DATE'""").fetchall()
    assert bad and all(int(value.split("/")[1]) > 12 for (value,) in bad)
    first = cur.execute("SELECT date FROM interactions ORDER BY row_id LIMIT 1").fetchone()[0]
    assert first == dt.datetime(2026, 5, 1)  # 01/05/2026 read day-first: 1 May, never guessed
    mdy = _cursor(tmp_path / "mdy", "dates_as_text_mdy.xlsx", settings='date_order = "MDY"')
    assert mdy.execute("SELECT count(*) FROM findings").fetchone() == (0,)
    as_days = [row[:1] + (row[1].date(),) + row[2:] for row in baseline]
    assert _interactions(mdy, "CAST(date AS DATE)") == as_days


def test_every_garbage_date_is_a_finding_and_every_row_loads(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "dates_garbage.xlsx")
    rows = cur.execute("""SELECT excel_row, value FROM findings WHERE code = 'BAD_DATE'
                          AND "column" = 'Date' ORDER BY excel_row""").fetchall()
    assert [r for r, _ in rows] == list(range(2, 14))
    assert cur.execute("SELECT count(*), count(date) FROM interactions").fetchone() == (12, 0)


def test_yes_no_variants(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "numbers_as_text.xlsx")
    facing = cur.execute("SELECT customer_facing FROM staff ORDER BY row_id").fetchall()
    assert [f for (f,) in facing] == [True, True, True, True, False, False, False]
    resolved = cur.execute("""SELECT resolved, count(*) FROM interactions
                              WHERE resolved IS NOT NULL GROUP BY ALL""").fetchall()
    assert {value for value, _ in resolved} == {True, False}  # from 'TRUE' and '0'
    assert cur.execute("SELECT count(*) FROM findings").fetchone() == (0,)


def test_ids_typed_as_numbers_read_as_text(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "ids_as_floats.xlsx")
    assert cur.execute("SELECT account_id FROM accounts ORDER BY row_id LIMIT 2").fetchall() == [
        ("12",), ("13",)]
    assert cur.execute("SELECT account_id FROM contacts WHERE contact_id = '900'").fetchone() == ("12",)
    assert cur.execute("SELECT mobile FROM contacts WHERE contact_id = '900'").fetchone() == (
        "2348030000201",)
    assert cur.execute("SELECT erp_customer_id FROM accounts WHERE account_id = '12'").fetchone() == (
        "10001",)
    assert cur.execute("SELECT value FROM findings WHERE code = 'BAD_ID'").fetchall() == [("908.5",)]


def test_formulas_without_values_are_findings_never_formula_text(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "formulas_no_cache.xlsx")
    gaps = cur.execute("""SELECT sheet, excel_row, "column", value, message FROM findings
                          WHERE code = 'FORMULA_NO_VALUE' ORDER BY sheet, excel_row""").fetchall()
    assert ("Accounts", 2, "Account ID", '="ACC-"&TEXT(1,"00000")') == gaps[0][:4]
    assert all("save" in message and "Excel" in message for *_, message in gaps)
    assert {sheet for sheet, *_ in gaps} == {"Accounts", "Contacts", "Interactions"}
    for table, column in (("accounts", "account_id"), ("contacts", "email"),
                          ("interactions", "interaction_id")):
        assert cur.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE '=%'").fetchone() == (0,)


def test_a_formula_in_a_sheet_that_starts_in_column_c_names_its_own_column(tmp_path: Path) -> None:
    """The fast (eager) read does not say where a sheet's first column is: a sheet with
    formula cells is read again to name each formula's column right."""
    import openpyxl
    book = openpyxl.load_workbook(CORPUS / "formulas_no_cache.xlsx")
    book["Accounts"].insert_cols(1, 2)  # the table now starts in column C
    folder = tmp_path / "data"
    folder.mkdir()
    book.save(folder / "shifted.xlsx")
    cur = build_database(folder).cursor()
    gaps = cur.execute("""SELECT excel_row, "column", value FROM findings
                          WHERE code = 'FORMULA_NO_VALUE' AND sheet = 'Accounts'
                          ORDER BY excel_row""").fetchall()
    assert gaps[0] == (2, "Account ID", '="ACC-"&TEXT(1,"00000")')


def test_formula_looking_text_stays_literal_text(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "formula_injection_text.xlsx")
    names = {n for (n,) in cur.execute("SELECT company_name FROM accounts").fetchall()}
    assert {"=cmd|' /C calc'!A0", "+SUM(1,1)"} <= names
    actions = {n for (n,) in cur.execute("SELECT next_action FROM interactions").fetchall()}
    assert {"@channel", "=cmd|' /C calc'!A0"} <= actions


def test_unicode_names_lists_and_emails(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "unicode_rtl_emoji.xlsx")
    found = set(cur.execute("""SELECT sheet, "column", value, code FROM findings""").fetchall())
    assert found == {
        ("Interactions", "Logged By", "Tunde  Bakare", "STAFF_NAME_VARIANT"),
        ("Interactions", "Logged By", "ngozi eze", "STAFF_NAME_VARIANT"),
        ("Accounts", "Division", "Cube 65 Clinic\u00a0", "OFF_LIST"),
        ("Accounts", "Division", "ＰＯＷＥＲ", "OFF_LIST"),
        ("Contacts", "Email", "bola.ahmed@abujafleet.example\u200b", "BAD_EMAIL"),
    }
    assert cur.execute("""SELECT division FROM accounts
                          WHERE division LIKE 'Cube%'""").fetchone() == ("Cube 65 Clinic",)
    assert cur.execute("SELECT count(*) FROM interactions WHERE logged_by = 'Tunde Bakare'"
                       ).fetchone()[0] == 2


def test_merged_cells_load_and_the_blank_is_a_finding(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "merged_header_cells.xlsx")
    assert cur.execute("SELECT count(*), count(next_action) FROM interactions").fetchone() == (12, 12)
    assert cur.execute("""SELECT sheet, excel_row, "column", code FROM findings""").fetchall() == [
        ("Accounts", 5, "Division", "MISSING_REQUIRED")]  # C5, under the merged C4:C5


def test_forms_response_table(tmp_path: Path) -> None:
    cur = _cursor(tmp_path, "forms_table_listobject.xlsx")
    ids = [i for (i,) in cur.execute("SELECT interaction_id FROM interactions ORDER BY row_id"
                                     ).fetchall()]
    assert ids == [f"F-{n}" for n in range(1, 13)]
    first = cur.execute("""SELECT logged_by, logged_at FROM interactions ORDER BY row_id
                           LIMIT 1""").fetchone()
    assert first == ("Chinedu Okafor", dt.datetime(2026, 1, 5, 11, 33, 18))
    assert cur.execute("SELECT value, code FROM findings").fetchall() == [
        ("Anonymous", "UNKNOWN_STAFF")]


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two big corpus files, written by the corpus' own generator (not committed)."""
    out = tmp_path_factory.mktemp("big-corpus")
    for name in ("dimension_lie_1m_styled_rows.xlsx", "zip_bomb_2gb_sheet.xlsx"):
        subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), "--out", str(out),
                        "--only", name], check=True, capture_output=True, timeout=300)
    return out


CHILD = ("import resource, sys\n"
         "from hub_data.__main__ import main\n"
         "code = main(sys.argv[1:])\n"
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
         "sys.exit(code)\n")


def _check_bounded(folder: Path, state: Path) -> tuple[dict, float, float]:
    """``python -m hub_data check`` in a child process with a deadline: (report, seconds,
    peak RSS in MB)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "check", "--data", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "HUB_STATE_DIR": str(state)})
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    return json.loads(done.stdout), time.perf_counter() - started, peak_mb


@pytest.mark.parametrize(("name", "code"), [("dimension_lie_1m_styled_rows.xlsx", None),
                                            ("zip_bomb_2gb_sheet.xlsx", "TOO_LARGE")])
def test_big_hostile_files_are_bounded(tmp_path: Path, big_corpus: Path, name: str,
                                       code: str | None) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(CORPUS / VALID, folder)
    shutil.copy(big_corpus / name, folder)
    report, seconds, peak_mb = _check_bounded(folder, tmp_path / "state")
    assert seconds < 30 and peak_mb < 1024
    assert [p["code"] for p in report["load_problems"]] == ([code] if code else [])
    assert report["tables"]["interactions"] == (12 if code else 24)
    if code is None:
        assert report["tables"]["contacts"] == 9  # the duplicated IDs of the copy are findings
