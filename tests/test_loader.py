"""The load behind the Data status page: files, problems, typed rows, findings, the cache."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hub_data import HubDataError, HubLoader, build_database
from metrics import data_status
from tests.conftest import CORPUS, tiny_hub

ROW = ["INT-1", dt.datetime(2026, 3, 2, 9, 30), "CON-1", "", "", "Phone", "Inquiry",
       "Asked for a price list", "Send quote", dt.datetime(2026, 3, 5), "Ada Obi", ""]


def _load(folder: Path):
    return build_database(folder).cursor()


def test_tiny_hub_loads_typed_rows_with_sources(tmp_path: Path) -> None:
    tiny_hub(tmp_path, interactions=[ROW])
    cur = _load(tmp_path)
    row = cur.execute("""SELECT interaction_id, date, account_id, division, logged_by,
                                source_file, source_sheet, source_row, row_id
                         FROM interactions""").fetchone()
    assert row == ("INT-1", dt.datetime(2026, 3, 2, 9, 30), "ACC-1", "Motors", "Ada Obi",
                   "hub.xlsx", "Interactions", 2, 1)
    assert data_status.table_rows(cur)["accounts"] == 2
    assert cur.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert cur.execute("SELECT status, sheets['Interactions'] FROM files").fetchone() == (
        "loaded", 1)


def test_case_variant_maps_to_the_list_value_and_is_flagged(tmp_path: Path) -> None:
    tiny_hub(tmp_path, interactions=[ROW[:5] + ["whatsapp "] + ROW[6:]])
    cur = _load(tmp_path)
    assert cur.execute("SELECT channel FROM interactions").fetchone() == ("WhatsApp",)
    assert cur.execute("SELECT code, excel_row, \"column\", value FROM findings").fetchall() == [
        ("NONSTANDARD_VALUE", 2, "Channel", "whatsapp ")]


def test_valid_corpus_workbook_loads_without_findings(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "valid_minimal.xlsx", tmp_path)
    cur = _load(tmp_path)
    assert data_status.table_rows(cur) == {
        "accounts": 8, "contacts": 9, "interactions": 12, "staff": 7,
        "lists": 5 + 8 + 22 + 4,  # no Lists sheet: the contract's default lists
        "erp_customers": 0, "erp_sales": 0, "erp_quotes": 0, "reviews": 0, "survey": 0}
    assert cur.execute("SELECT count(*) FROM findings WHERE severity = 'error'").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM load_problems").fetchone()[0] == 0


@pytest.mark.parametrize(("name", "code"), [
    ("empty_0_bytes.xlsx", "EMPTY_FILE"), ("truncated_zip.xlsx", "DAMAGED"),
    ("encrypted_password.xlsx", "ENCRYPTED"), ("legacy_biff8.xls", "LEGACY_FORMAT"),
    ("missing_sheet_contacts.xlsx", "MISSING_SHEET"),
    ("missing_column_contact_id.xlsx", "MISSING_COLUMN"),
    ("billion_laughs_sharedstrings.xlsx", "UNSAFE_XML"),
])
def test_a_broken_file_is_one_problem_and_the_valid_one_still_loads(tmp_path: Path, name: str,
                                                                    code: str) -> None:
    for file in ("valid_minimal.xlsx", name, "~$valid_minimal.xlsx", "._valid_minimal.xlsx"):
        shutil.copy(CORPUS / file, tmp_path)
    cur = _load(tmp_path)
    assert cur.execute("SELECT file, code FROM load_problems").fetchall() == [(name, code)]
    assert cur.execute("SELECT file, status FROM files ORDER BY file").fetchall() == sorted(
        [(name, "failed"), ("valid_minimal.xlsx", "loaded")])
    assert cur.execute("SELECT count(*) FROM interactions").fetchone()[0] == 12


def test_missing_column_message_names_sheet_column_and_closest_header(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "missing_column_contact_id.xlsx", tmp_path)
    message = _load(tmp_path).execute("SELECT message FROM load_problems").fetchone()[0]
    assert "'Contacts'" in message and "'Contact ID'" in message
    assert "'Contact Identifier'" in message


def test_other_files_are_listed_as_skipped(tmp_path: Path) -> None:
    tiny_hub(tmp_path)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    rows = _load(tmp_path).execute("SELECT file, status FROM files ORDER BY file").fetchall()
    assert rows == [("hub.xlsx", "loaded"), ("notes.docx", "skipped")]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HubDataError, match="does not exist"):
        build_database(tmp_path / "nowhere")


def test_last_good_load_stays_when_the_folder_vanishes(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    tiny_hub(folder, interactions=[ROW])
    loader = HubLoader(folder)
    first = loader.get()
    shutil.rmtree(folder)
    again = loader.get()
    assert again is first and "does not exist" in (loader.last_error or "")
    assert again.cursor().execute("SELECT count(*) FROM interactions").fetchone()[0] == 1


def test_unchanged_files_reuse_the_snapshot_and_changes_reload(tmp_path: Path) -> None:
    tiny_hub(tmp_path, interactions=[ROW])
    cold = HubLoader(tmp_path).get()
    warm = HubLoader(tmp_path).get()
    assert (cold.cache, warm.cache) == ("cold", "warm") and warm.db_path == cold.db_path
    tiny_hub(tmp_path, interactions=[ROW, ["INT-2", *ROW[1:]]])
    reloaded = HubLoader(tmp_path).get()
    assert reloaded.cache == "cold" and reloaded.db_path != cold.db_path
    assert reloaded.cursor().execute("SELECT count(*) FROM interactions").fetchone()[0] == 2


def test_progress_names_the_file_being_read(tmp_path: Path) -> None:
    tiny_hub(tmp_path)
    seen: list[str] = []
    build_database(tmp_path, progress=lambda fraction, text: seen.append(text))
    assert "Reading hub.xlsx" in seen and seen[-1] == "Loaded"


def test_check_command_describes_the_load(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import json

    from hub_data.__main__ import main
    tiny_hub(tmp_path, interactions=[ROW, ROW])  # the second row repeats INT-1: DUPLICATE
    shutil.copy(CORPUS / "empty_0_bytes.xlsx", tmp_path)
    assert main(["check", "--data", str(tmp_path), "--as-of", "2026-03-31"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"] == "2026-03-31" and report["cache"] == "cold"
    assert [(f["file"], f["status"]) for f in report["files"]] == [
        ("empty_0_bytes.xlsx", "failed"), ("hub.xlsx", "loaded")]
    assert report["tables"]["interactions"] == 2 and report["tables"]["accounts"] == 2
    assert report["findings"]["by_code"]["DUPLICATE"] == 1
    assert report["findings"]["errors"] == 1
    assert report["load_problems"][0]["code"] == "EMPTY_FILE"


def test_check_command_exits_2_on_an_unusable_folder(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    from hub_data.__main__ import main
    assert main(["check", "--data", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_workbook_turned_bad_keeps_its_last_good_rows(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    tiny_hub(folder, interactions=[ROW])
    assert HubLoader(folder).get().cursor().execute(
        "SELECT count(*) FROM interactions").fetchone() == (1,)
    (folder / "hub.xlsx").write_bytes((CORPUS / "truncated_zip.xlsx").read_bytes())  # bad sync
    cur = HubLoader(folder).get().cursor()
    assert cur.execute("SELECT code FROM load_problems").fetchall() == [("DAMAGED",)]
    status, message = cur.execute("SELECT status, message FROM files").fetchone()
    assert status == "failed" and "last good version" in message
    assert cur.execute("SELECT interaction_id FROM interactions").fetchall() == [("INT-1",)]


def test_a_change_to_one_workbook_rereads_only_that_one(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import hub_data.load as load
    tiny_hub(tmp_path, interactions=[ROW], name="a.xlsx")
    tiny_hub(tmp_path, interactions=[["INT-2", *ROW[1:]]], name="b.xlsx")
    HubLoader(tmp_path).get()
    reads: list[str] = []
    original = load.read_workbook
    monkeypatch.setattr(load, "read_workbook",
                        lambda path, early=None: reads.append(path.name) or original(path, early))
    tiny_hub(tmp_path, interactions=[["INT-3", *ROW[1:]]], name="b.xlsx")
    cur = HubLoader(tmp_path).get().cursor()
    assert reads == ["b.xlsx"]
    assert cur.execute("SELECT interaction_id FROM interactions ORDER BY row_id").fetchall() == [
        ("INT-1",), ("INT-3",)]



def test_a_cold_load_appends_to_the_load_history(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from hub_data.store import Store
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    tiny_hub(tmp_path, interactions=[ROW])
    hub = HubLoader(tmp_path).get()
    HubLoader(tmp_path).get()  # warm: nothing new to record
    history = Store(hub.settings.state_dir).read("load_history")
    assert history[["file", "rows"]].values.tolist() == [["hub.xlsx", 2 + 2 + 1 + 2]]
    assert history.loc[0, "size_bytes"] == (tmp_path / "hub.xlsx").stat().st_size


def test_check_command_and_data_status_page_show_the_same_facts() -> None:
    from hub_data.__main__ import describe
    from tests.conftest import DEMO
    report = describe(str(DEMO), None)
    cur = build_database(DEMO).cursor()
    summary = data_status.load_summary(cur)
    assert report["tables"] == data_status.table_rows(cur)
    assert (report["findings"]["errors"], report["findings"]["warnings"]) == (
        summary.errors, summary.warnings)
    files = data_status.file_overview(cur)
    assert {f["file"]: f["status"] for f in report["files"]} == dict(
        zip(files["file"], files["status"]))
    assert len(report["load_problems"]) == summary.load_problems


def test_a_settings_division_not_in_any_list_is_a_load_problem(tmp_path: Path) -> None:
    tiny_hub(tmp_path)
    (tmp_path / "settings.toml").write_text('[divisions.Marine]\npilot_start = 2026-03-02\n',
                                            encoding="utf-8")
    rows = _load(tmp_path).execute("SELECT file, code, message FROM load_problems").fetchall()
    assert [(f, c) for f, c, _ in rows] == [("settings.toml", "BAD_SETTINGS")]
    assert "Marine" in rows[0][2] and "Divisions list" in rows[0][2]


def test_a_damaged_store_is_moved_aside_and_reported(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "dashboard.duckdb").write_bytes(b"this is not a database" * 100)
    tiny_hub(tmp_path / "hub", interactions=[ROW])
    cur = HubLoader(tmp_path / "hub").get().cursor()
    problems = cur.execute("SELECT file, code, message FROM load_problems").fetchall()
    assert [(f, c) for f, c, _ in problems] == [("dashboard.duckdb", "DAMAGED")]
    assert list((tmp_path / "state").glob("dashboard.corrupt-*.duckdb"))
    assert cur.execute("SELECT count(*) FROM interactions").fetchone() == (1,)  # Hub intact


def test_parallel_reads_stage_rows_in_file_name_order(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import hub_data.load as load
    tiny_hub(tmp_path, interactions=[ROW], name="a.xlsx")
    tiny_hub(tmp_path, interactions=[["INT-2", *ROW[1:]]], name="b.xlsx")
    b_done = threading.Event()
    original = load._read_workbook

    def a_finishes_last(path: Path, early=None):  # noqa: ANN001
        if path.name == "a.xlsx":
            assert b_done.wait(10)  # b.xlsx is parsed meanwhile, in the other thread
        read = original(path, early)
        if path.name == "b.xlsx":
            b_done.set()
        return read

    monkeypatch.setattr(load, "_read_workbook", a_finishes_last)
    cur = build_database(tmp_path).cursor()
    assert cur.execute("SELECT row_id, source_file FROM interactions ORDER BY row_id").fetchall() == [
        (1, "a.xlsx"), (2, "b.xlsx")]


def test_interactions_typed_in_memory_or_in_the_file_give_the_same_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small hubs type Interactions in memory and write it while its findings run; large ones
    build it straight in the file. Both give the same rows and findings, in the same order
    (the demo: messy entries of every kind)."""
    import hub_data.load
    from tests.conftest import DEMO

    tables = {}
    for limit in (hub_data.load.IN_MEMORY_ROWS, 0):
        monkeypatch.setattr(hub_data.load, "IN_MEMORY_ROWS", limit)
        monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / f"state-{limit}"))
        cur = build_database(DEMO).cursor()
        tables[limit] = [cur.execute(f"SELECT * FROM {name}").fetchall()
                         for name in ("interactions", "findings")]
    small, large = tables.values()
    assert len(small[0]) > 1000 and len(small[1]) > 100
    assert small == large


def _every_table(cur) -> dict[str, list[tuple]]:  # noqa: ANN001 - a DuckDB cursor
    """Every table of a snapshot, in its stored order (but the seconds a load took)."""
    tables = {}
    for (name,) in cur.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
        columns = [c for c, *_ in cur.execute(f'DESCRIBE "{name}"').fetchall()
                   if c not in ("seconds", "value") or name not in ("files", "load_info")]
        select = ", ".join(f'"{c}"' for c in columns)
        tables[name] = cur.execute(f'SELECT {select} FROM "{name}"').fetchall()
    return tables


def test_the_tables_built_while_interactions_is_parsed_are_the_ones_a_plain_build_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The early lane builds every table but Interactions from the sheets read before it (the
    demo: five workbooks, ERP exports, messy entries of every kind); the snapshot is the one
    a build without that lane makes, table for table and row for row."""
    import hub_data.load as load
    from tests.conftest import DEMO

    verdicts: list[bool] = []
    same_rows = load.same_rows
    monkeypatch.setattr(load, "same_rows", lambda *a: verdicts.append(same_rows(*a)) or verdicts[-1])
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "early"))
    early = _every_table(build_database(DEMO).cursor())
    assert verdicts == [True], "the early lane's tables were used"

    monkeypatch.setattr(load._Build, "ahead", lambda self: None)  # no early lane
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "plain"))
    plain = _every_table(build_database(DEMO).cursor())
    assert verdicts == [True]
    assert "side_findings" not in plain and set(early) == set(plain)
    assert len(early["interactions"]) > 1000 and len(early["findings"]) > 100
    assert early == plain


def test_a_workbook_whose_interactions_fail_after_its_other_sheets_were_built_starts_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The early lane builds from a workbook's new Accounts; then its Interactions sheet
    cannot be read, so the whole file falls back on its last good read: those tables are
    dropped and built again from the last good rows (nothing of the new version shown)."""
    import hub_data.load as load
    import hub_data.workbook as workbook

    folder = tmp_path / "hub"
    tiny_hub(folder, interactions=[ROW])
    HubLoader(folder).get()
    staff = [["Ada Obi", "Motors", "Sales", "Yes", "", ""], ["Bola Ade", "Power", "Sales", "Yes", "", ""]]
    tiny_hub(folder, interactions=[ROW, ["INT-2", *ROW[1:]]], staff=staff)  # a new version
    parse = workbook.parse_sheet

    def interactions_damaged(reader, name):  # noqa: ANN001, ANN202
        if name == "Interactions":
            raise ValueError("unexpected end of file")
        return parse(reader, name)

    verdicts: list[bool] = []
    same_rows = load.same_rows
    monkeypatch.setattr(load, "same_rows", lambda *a: verdicts.append(same_rows(*a)) or verdicts[-1])
    monkeypatch.setattr(workbook, "parse_sheet", interactions_damaged)
    cur = HubLoader(folder).get().cursor()
    assert verdicts == [False]
    assert cur.execute("SELECT file, code FROM load_problems").fetchall() == [
        ("hub.xlsx", "DAMAGED")]
    assert cur.execute("SELECT interaction_id FROM interactions").fetchall() == [("INT-1",)]
    assert cur.execute("SELECT name FROM staff ORDER BY row_id").fetchall() == [
        ("Ada Obi",), ("Musa Bello",)]  # the last good roster, not the new one
    tables = {name for (name,) in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "side_findings" not in tables and not any(t.startswith("prep_") for t in tables)
    assert cur.execute("SELECT count(*) FROM lists WHERE source_file = 'hub.xlsx'").fetchone() == \
        cur.execute("SELECT count(*) FROM (SELECT DISTINCT list, value FROM lists "
                    "WHERE source_file = 'hub.xlsx')").fetchone()


def test_the_sheets_before_interactions_are_offered_early_as_the_very_tables_read(
        tmp_path: Path) -> None:
    from hub_data.workbook import read_workbook

    tiny_hub(tmp_path, interactions=[ROW])
    offered: list[list[tuple]] = []
    read = read_workbook(tmp_path / "hub.xlsx", offered.append)
    assert [[(table, sheet) for table, sheet, _ in tables] for tables in offered] == [
        [("accounts", "Accounts"), ("contacts", "Contacts"), ("staff", "Staff")]]
    assert all(rows is read.sheets[table].table for table, _, rows in offered[0])
    assert list(read.sheets) == ["accounts", "contacts", "interactions", "staff"]
    assert list(read.sheet_rows) == ["Accounts", "Contacts", "Interactions", "Staff"]


def test_a_workbook_with_a_problem_before_interactions_offers_nothing_early(
        tmp_path: Path) -> None:
    from hub_data.workbook import read_workbook

    path = CORPUS / "missing_sheet_contacts.xlsx"
    offered: list = []
    read = read_workbook(path, offered.append)
    assert offered == [] and [p.code for p in read.problems] == ["MISSING_SHEET"]


def test_a_workbook_with_formulas_before_interactions_offers_nothing_early(
        tmp_path: Path) -> None:
    """Its small sheets are read again (to name each formula's column) only after the
    Interactions parse, so what an early offer held would not be the final tables."""
    from hub_data.workbook import read_workbook

    offered: list = []
    read = read_workbook(CORPUS / "formulas_no_cache.xlsx", offered.append)
    assert offered == []
    assert {gap.sheet for gap in read.formula_gaps} >= {"Accounts", "Contacts"}
    assert not read.problems and read.sheets["accounts"].table.num_rows > 0


def test_a_parsed_sheet_is_cached_in_slices_and_read_back_whole(tmp_path: Path,
                                                                 monkeypatch) -> None:
    """The parse cache writes a large sheet in slices (lz4 compresses each slice, not a whole
    column at once: less memory at the load's peak) and reads back the very table."""
    import pyarrow as pa

    import hub_data.parts as parts

    monkeypatch.setattr(parts, "WRITE_BATCH_ROWS", 1000)
    rows = 2500
    table = pa.table({"interaction_id": [f"INT-{k}" for k in range(rows)],
                      "notes": [None if k % 7 == 0 else "Called ₦" * (k % 5) for k in range(rows)],
                      "__row": pa.array(range(2, rows + 2), pa.int32())})
    read = parts.FileRead("hub workbook", {"Interactions": rows}, [],
                          [("interactions", "Interactions", table)], [])
    cache = parts.PartCache(tmp_path)
    cache.put("k1", read)
    with pa.OSFile(str(tmp_path / parts.PARTS_DIR / "k1" / "0.arrow"), "rb") as source:
        assert pa.ipc.open_file(source).num_record_batches == 3
    again = parts.PartCache(tmp_path).get("k1")
    assert again is not None and again.sheets == {"Interactions": rows}
    assert again.tables[0][2].equals(table)
