"""The shipped demo data: generated reproducibly, loads cleanly, shows every rule something."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from hub_data import build_database, load_settings
from hub_data.contract import DEFAULT_LISTS, ENTRY_ERROR_CODES
from tests.conftest import DEMO, ROOT

DIVISIONS = DEFAULT_LISTS["divisions"]


@pytest.fixture(scope="module")
def demo_cursor():
    return build_database(DEMO).cursor()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _content(folder: Path, name: str) -> object:
    """A file's content: bytes, except workbooks, compared cell by cell (so a newer
    xlsxwriter that zips differently does not count as a different demo)."""
    path = folder / name
    if path.suffix != ".xlsx":
        return path.read_bytes()
    import fastexcel
    reader = fastexcel.read_excel(str(path))
    return {sheet: reader.load_sheet(sheet, header_row=None, dtypes="string").to_arrow().to_pylist()
            for sheet in reader.sheet_names}


def test_generator_reproduces_the_committed_demo_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_data.py"), "--out", str(out)],
                   check=True, capture_output=True, timeout=300)
    names = sorted(_files(DEMO))
    assert sorted(_files(out)) == names
    changed = [name for name in names if _content(DEMO, name) != _content(out, name)]
    assert not changed


def test_demo_is_small_enough_to_commit() -> None:
    assert sum(len(b) for b in _files(DEMO).values()) < 5 * 1024 * 1024


def test_demo_loads_without_load_problems(demo_cursor) -> None:
    assert demo_cursor.execute("SELECT * FROM load_problems").fetchall() == []
    statuses = dict(demo_cursor.execute("SELECT file, status FROM files").fetchall())
    assert statuses.pop("README.md") == "skipped"  # the demo's own description
    assert set(statuses.values()) == {"loaded"} and len(statuses) >= 10


def test_demo_has_all_divisions_and_a_few_thousand_interactions(demo_cursor) -> None:
    count = demo_cursor.execute("SELECT count(*) FROM interactions").fetchone()[0]
    assert 2000 <= count <= 8000
    per_division = dict(demo_cursor.execute(
        "SELECT division, count(*) FROM interactions GROUP BY ALL").fetchall())
    assert all(per_division.get(d, 0) >= 100 for d in DIVISIONS), per_division
    for table in ("erp_customers", "erp_sales", "erp_quotes", "reviews", "survey"):
        assert demo_cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


def test_everything_is_dated_on_or_before_the_pinned_as_of(demo_cursor) -> None:
    as_of = load_settings(DEMO).as_of
    assert as_of is not None
    for table in ("interactions", "erp_sales", "erp_quotes", "erp_customers", "reviews", "survey"):
        column = "created_date" if table == "erp_customers" else "date"
        latest = demo_cursor.execute(f"SELECT CAST(max({column}) AS DATE) FROM {table}").fetchone()[0]
        assert latest is not None and latest <= as_of, table


def test_erp_history_reaches_back_more_than_a_year(demo_cursor) -> None:
    as_of = load_settings(DEMO).as_of
    first = demo_cursor.execute("SELECT min(date) FROM erp_sales").fetchone()[0]
    assert first <= as_of - dt.timedelta(days=13 * 30)


def test_every_entry_error_rule_has_something_to_show(demo_cursor) -> None:
    codes = {code for (code,) in demo_cursor.execute(
        "SELECT DISTINCT code FROM findings WHERE \"table\" = 'interactions'").fetchall()}
    assert set(ENTRY_ERROR_CODES) <= codes


def test_mess_stays_at_believable_rates(demo_cursor) -> None:
    rows, with_errors = demo_cursor.execute("""
        SELECT count(*), count(*) FILTER (row_id IN (
            SELECT row_id FROM findings WHERE "table" = 'interactions' AND severity = 'error'))
        FROM interactions""").fetchone()
    assert 0.02 <= with_errors / rows <= 0.12


def test_roster_has_customer_facing_and_back_office_people_who_join_and_leave(demo_cursor) -> None:
    facing = dict(demo_cursor.execute(
        "SELECT customer_facing, count(*) FROM staff GROUP BY ALL").fetchall())
    assert facing.get(True, 0) >= 40 and facing.get(False, 0) >= 5
    joins, leaves = demo_cursor.execute("""
        SELECT count(*) FILTER (start_date >= DATE '2026-03-02'),
               count(*) FILTER (leave_date IS NOT NULL) FROM staff""").fetchone()
    assert joins >= 1 and leaves >= 1


def test_medical_workbook_is_a_microsoft_forms_table(demo_cursor) -> None:
    ids = demo_cursor.execute("""SELECT count(*) FROM interactions
        WHERE source_file LIKE '%Medical%' AND interaction_id LIKE 'F-%'""").fetchone()[0]
    assert ids > 50
