"""Build one DuckDB snapshot from a data folder: discover, sniff, read, stage, type, validate.

Called by cache.py (which decides whether a build is needed) and by ``python -m hub_data``.
Nothing here raises on bad input in a file: every file ends up in ``files`` with a status,
every unreadable one in ``load_problems`` with a message naming what to do, and the other
files still load. Only an unusable folder raises :class:`HubDataError`.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Container

import duckdb
import pyarrow as pa

from hub_data.contract import ERP_TABLES, SIDE_FILES, SheetSpec
from hub_data.database import (STAGED_SPECS, Staging, create_bookkeeping, create_hub_people,
                               create_interactions, create_side_tables, create_thread_next,
                               drop_work_tables, insert_rows, same_rows, stage, start_tables)
from hub_data.erp import (MAPPING_FILE, Mapping, find_table_file, read_mapping, read_table_file,
                          with_mapping)
from hub_data.drift import Drift, template_drift
from hub_data.errors import HubDataError, missing_folder
from hub_data.settings import SETTINGS_FILE, Settings, unknown_divisions
from hub_data.sniff import sniff
from hub_data.store import STORE_FILE, Store
from hub_data.validate import formula_findings, interaction_findings, other_findings
from hub_data.parts import FileRead, PartCache
from hub_data.workbook import Early, FormulaGap, Problem, read_workbook

ERP_DIR = "erp"
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")
# Spreadsheet-like files that are not readable Hub workbooks: they get a message, not silence.
SPREADSHEET_LIKE = (".xls", ".xlsb", ".ods", ".csv", ".numbers")
SIDE_STEMS = {spec.name: spec for spec in SIDE_FILES}
STAGED_BY_TABLE = {spec.table: spec for spec in STAGED_SPECS}
# What the early lane builds while Interactions is still being parsed: every other table.
AHEAD_TABLES = tuple(spec.table for spec in STAGED_SPECS if spec.table != "interactions")

Progress = Callable[[float, str], None]
BUILD_MEMORY = "768MB"
LARGE_FILE_BYTES = 25 * 1024 * 1024  # files this big are parsed one at a time (memory)
# Interactions up to two DuckDB row groups are typed in memory first (see _write); at 1M rows
# that copy added 0.1-0.2 GB to the peak and no speed.
IN_MEMORY_ROWS = 2 * 122_880


@dataclass
class FileRecord:
    """One row of the ``files`` table."""

    file: str
    kind: str
    size_bytes: int | None
    modified_at: dt.datetime | None
    status: str = "loaded"
    seconds: float = 0.0
    message: str = ""
    sheets: dict[str, int] = field(default_factory=dict)


def is_ignored(name: str) -> bool:
    """Office lock files (``~$…``) and hidden files (``.…``) are not listed anywhere."""
    return name.startswith((".", "~$"))


def source_files(folder: Path) -> list[Path]:
    """Every file the load reads or reports, in code-point name order (top level, then erp/)."""
    found: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if is_ignored(path.name):
            continue
        if path.is_file():
            found.append(path)
        elif path.is_dir() and path.name.casefold() == ERP_DIR:
            found += [p for p in sorted(path.iterdir(), key=lambda p: p.name)
                      if p.is_file() and not is_ignored(p.name)]
    return found


def _record(path: Path, folder: Path, kind: str) -> FileRecord:
    try:
        stat = path.stat()
        size, modified = stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime)
    except OSError:
        size, modified = None, None
    return FileRecord(_relative(path, folder), kind, size, modified)


def _read_workbook(path: Path, early: Early | None = None) -> FileRead:
    """Sniff, then read one Hub workbook into a FileRead (problems instead of exceptions);
    ``early`` hears of its sheets but Interactions before that is parsed (read_workbook)."""
    verdict = sniff(path)
    if not verdict.ok:
        return FileRead(verdict.kind, problems=[Problem(verdict.code or "NOT_A_WORKBOOK",
                                                        verdict.message)])
    read = read_workbook(path, early)
    return FileRead("hub workbook", read.sheet_rows, read.problems,
                    [(s.spec.table, s.sheet, s.table) for s in read.sheets.values()],
                    read.formula_gaps, layout=read.layout)


def _read_table(path: Path, spec: SheetSpec, kind: str) -> FileRead:
    """Read one ERP table, reviews or survey file into a FileRead."""
    read = read_table_file(path, spec)
    if isinstance(read, Problem):
        return FileRead(kind, problems=[read])
    return FileRead(kind, {read.sheet: read.table.num_rows}, [],
                    [(spec.table, read.sheet, read.table)])


@dataclass
class _Job:
    """One source file to read: where it goes in the load order and how to read it.

    ``early`` resolves to a workbook's tables but Interactions as soon as they are read, or
    to None: then the whole read is what counts (another kind of file, a cached read, a
    workbook with a problem before Interactions)."""

    path: Path
    order: int
    kind: str
    reader: Callable[[Early], FileRead] | None  # None: a file listed as skipped
    extra: str = ""
    early: Future = field(default_factory=Future)


class _Build:
    """The state of one build: staging tables, file records and problems, in order.

    Files are parsed in parallel threads (calamine releases the GIL), at most one large file
    at a time so two big parses never hold their cells in memory together; their rows are
    staged in file-name order, so row ids do not depend on which parse finished first.
    """

    def __init__(self, settings: Settings, progress: Progress | None) -> None:
        self.settings = settings
        self.folder = settings.data_dir
        self.progress = progress or (lambda fraction, text: None)
        self.staging = Staging()
        self.records: list[FileRecord] = []
        self.problems: list[tuple[str, str, str]] = []
        self.formula_gaps: list[tuple[str, FormulaGap]] = []
        self.drift: list[tuple[str, int, Drift]] = []
        self.mapping = Mapping()
        self.parts = PartCache(settings.state_dir)
        self.writer = ThreadPoolExecutor(max_workers=1)  # keeps parsed parts while SQL runs
        # The reads as submitted (None until all are, and after a failed run), for the early
        # lane, which waits on ``submitted``.
        self.pending: list[tuple[_Job, str | None, FileRead | None, Future | None]] | None = None
        self.submitted = threading.Event()

    def _jobs(self) -> list[_Job]:
        """Every file to read or list, in load order: the top level, then erp/."""
        jobs: list[_Job] = []
        top = [p for p in source_files(self.folder) if p.parent == self.folder]
        for order, path in enumerate(top):
            stem, suffix = path.stem.casefold(), path.suffix.lower()
            if path.name == SETTINGS_FILE:
                continue
            if stem in SIDE_STEMS and suffix in (".csv", *WORKBOOK_EXTENSIONS):
                jobs.append(self._table_job(path, SIDE_STEMS[stem], order, stem))
            elif suffix in WORKBOOK_EXTENSIONS or suffix in SPREADSHEET_LIKE:
                jobs.append(_Job(path, order, "hub workbook",
                                 lambda early, path=path: _read_workbook(path, early)))
            else:
                jobs.append(_Job(path, order, "other", None))
        erp_dir = next((p for p in self.folder.iterdir()
                        if p.is_dir() and p.name.casefold() == ERP_DIR), None)
        if erp_dir is not None:
            self.mapping = read_mapping(erp_dir / MAPPING_FILE)
            for spec in ERP_TABLES:
                path = find_table_file(erp_dir, spec.name)
                if path is not None:
                    jobs.append(self._table_job(path, spec, len(top), "erp table"))
        for problem in self.mapping.problems:
            self.problems.append((f"{ERP_DIR}/{MAPPING_FILE}", problem.code, problem.message))
        self.staging.value_maps = [(table, column, raw, value)
                                   for (table, column), pairs in self.mapping.values.items()
                                   for raw, value in pairs.items()]
        return jobs

    def _table_job(self, path: Path, spec: SheetSpec, order: int, kind: str) -> _Job:
        renames = self.mapping.headers.get(spec.name, {}) if kind == "erp table" else {}
        shaped = with_mapping(spec, renames)
        return _Job(path, order, kind, lambda early: _read_table(path, shaped, kind),
                    json.dumps(sorted(renames.items())))

    def run(self) -> None:
        """Read every file (cached reads first, the rest in parallel), then stage in order."""
        try:
            jobs = self._jobs()
            with ThreadPoolExecutor(max_workers=2) as small, \
                    ThreadPoolExecutor(max_workers=1) as large:
                pending = []
                for job in jobs:
                    key = cached = None
                    if job.reader is not None:
                        try:
                            key = self.parts.key(job.path, _relative(job.path, self.folder),
                                                 job.extra)
                            cached = self.parts.get(key)
                        except OSError:
                            key = None
                    future = None
                    if job.reader is not None and cached is None:
                        pool = large if _size(job.path) > LARGE_FILE_BYTES else small
                        future = pool.submit(_timed, job.reader, job.early)
                    else:
                        job.early.set_result(None)
                    pending.append((job, key, cached, future))
                self.pending = pending
                self.submitted.set()
                for n, (job, key, cached, future) in enumerate(pending):
                    self.progress(n / max(len(pending), 1), f"Reading {job.path.name}")
                    self._finish(job, key, cached, future)
        except BaseException:
            self.pending = None
            raise
        finally:
            self.submitted.set()  # the early lane never waits for a run that failed

    def ahead(self) -> Staging | None:
        """What the early lane builds from: every file's rows but Interactions, staged as
        _finish will stage them, as soon as each file has them (a workbook before its
        Interactions sheet is parsed). None when the reads failed. A file that fails is left
        out here; if it then falls back on its last good read, the stagings differ and the
        build starts over without this (database.same_rows)."""
        self.submitted.wait()
        pending = self.pending
        if pending is None:
            return None
        staging = Staging(value_maps=self.staging.value_maps)
        for job, _, cached, future in pending:
            if job.reader is None:
                continue
            tables = job.early.result()
            if tables is None:
                try:
                    read = cached if cached is not None else future.result()[0]
                except Exception:  # noqa: BLE001 - run() reports it; nothing to build ahead
                    return None
                if not read.ok:
                    continue
                tables = read.tables
            _stage_tables(staging, job, _relative(job.path, self.folder), tables, AHEAD_TABLES)
        return staging

    def _finish(self, job: _Job, key: str | None, cached: FileRead | None,
                future: Future | None) -> None:
        """Record one file, keep a good read, fall back to the last good one, stage rows.

        A file that cannot be read now but was read well before keeps its last good rows:
        its problem is reported and its message says which version is shown.
        """
        record = _record(job.path, self.folder, job.kind)
        self.records.append(record)
        if job.reader is None:
            record.status, record.message = "skipped", "not a Hub file; ignored"
            return
        if cached is not None:
            read = cached
        else:
            read, record.seconds = future.result()
            if key and read.ok:
                self.writer.submit(self.parts.put, key, read)
        record.kind = read.kind
        self.drift += [(record.file, n, d) for n, d in enumerate(template_drift(read.layout))]
        if read.ok and key:
            self.parts.remember_good(record.file, key, record.modified_at)
        elif not read.ok:
            record.status = "failed"
            record.message = read.problems[0].message
            self.problems += [(record.file, p.code, p.message) for p in read.problems]
            fallback = self.parts.last_good(record.file)
            if fallback is None:
                return
            read = fallback.read
            record.message += (" Until then the dashboard shows the last good version"
                               + (f" (saved {fallback.modified_at:%d %b %Y %H:%M})."
                                  if fallback.modified_at else "."))
        record.sheets = read.sheets
        _stage_tables(self.staging, job, record.file, read.tables, STAGED_BY_TABLE)
        self.formula_gaps += [(record.file, gap) for gap in read.formula_gaps]


def _stage_tables(staging: Staging, job: _Job, file: str,
                  tables: list[tuple[str, str, pa.Table]], keep: Container[str]) -> None:
    """Stage one file's tables (those named in ``keep``), listing it among the workbooks when
    it is one."""
    if job.kind == "hub workbook":
        staging.workbooks.append(file)
    for table, sheet, rows in tables:
        if table in keep:
            staging.add(STAGED_BY_TABLE[table], rows, file, sheet, job.order)


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _timed(reader: Callable[[Early], FileRead], early: Future) -> tuple[FileRead, float]:
    """Read one file (in a pool thread); ``early`` is resolved whatever happens."""
    started = time.perf_counter()
    try:
        return reader(early.set_result), time.perf_counter() - started
    finally:
        if not early.done():
            early.set_result(None)


def _import_pandas_meanwhile() -> None:
    """Start importing pandas in a thread. pyarrow.compute and DuckDB's ``register`` import it
    on first use: 0.3–0.5 s that holds the GIL. Started before the files are read, it runs
    while calamine parses (which releases the GIL) instead of after the parse."""
    if "pandas" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("pandas",), daemon=True,
                         name="import-pandas").start()


def _record_history(build: _Build, settings: Settings) -> list[tuple[str, str, str]]:
    """Append this load's files to the store's load history (the CRM projection's points);
    a store that cannot be written is a problem returned, never a reason to fail the load.
    Runs beside the database build (the store's atomic write waits mostly on fsync)."""
    rows = [{"file": r.file, "size_bytes": r.size_bytes, "modified_at": r.modified_at,
             "rows": sum(r.sheets.values()), "seconds": round(r.seconds, 3)}
            for r in build.records if r.status == "loaded"]
    if not rows:
        return []
    problems = []
    store = Store.for_settings(settings)
    try:
        store.append_load_history(rows)
    except (HubDataError, ValueError) as exc:
        problems.append((STORE_FILE, "UNREADABLE",
                         f"the load history could not be recorded: {exc}"))
    if store.recovered:  # a damaged store was moved aside and started afresh: say so
        problems.append((STORE_FILE, "DAMAGED", store.recovered))
    return problems


def _early_lane(con: duckdb.DuckDBPyConnection, build: _Build,
                settings: Settings) -> Staging | None:
    """Everything but Interactions, built on its own cursor while Interactions is parsed (the
    parse releases the GIL and uses one core): the lists, the people, ERP, review and survey
    tables, and their findings into ``side_findings``. Returns the staging it built from, or
    None when it built nothing (the reads failed)."""
    staging = build.ahead()
    if staging is None:
        return None
    with con:
        _other_tables(con, staging, settings)
    return staging


def _other_tables(con: duckdb.DuckDBPyConnection, staging: Staging, settings: Settings) -> None:
    """The macros, the ``raw_*`` views of ``staging`` on ``con``, the lists and bookkeeping
    tables, the people, ERP, review and survey tables, and their findings into
    ``side_findings`` (appended to ``findings`` after Interactions', so their order never
    depends on which lane finished first)."""
    start_tables(con, staging)
    create_bookkeeping(con)
    create_hub_people(con, settings.date_order == "MDY")
    create_side_tables(con, settings.date_order == "MDY")
    con.execute("CREATE TABLE side_findings AS FROM findings LIMIT 0")
    other_findings(con, settings.date_order, into="side_findings")


def _copy_table(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    """``target`` as a copy of ``source``, on (and then closing) the cursor ``con``."""
    with con:
        con.execute(f"CREATE TABLE {target} AS FROM {source}")


def _drop_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every table of the database (the early lane's, when its rows turned out wrong)."""
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() "
                               "WHERE database_name = current_database()").fetchall():
        con.execute(f'DROP TABLE "{name}"')


def _interactions(con: duckdb.DuckDBPyConnection, build: _Build, settings: Settings,
                  pool: ThreadPoolExecutor) -> None:
    """Interactions and its findings; the people tables exist."""
    mdy = settings.date_order == "MDY"
    if build.staging.raw["interactions"].num_rows <= IN_MEMORY_ROWS:
        # Typed in memory, and written to the file while its findings are computed from the
        # copy in memory (DuckDB writes one row group on one core: a third of the cost).
        con.execute("ATTACH ':memory:' AS work")
        create_interactions(con, mdy, into="work.interactions")
        written = pool.submit(_copy_table, con.cursor(), "work.interactions", "interactions")
        con.execute("SET search_path = 'work,main'")  # the checks read the copy
        interaction_findings(con, settings.date_order)
        con.execute("RESET search_path")
        written.result()
        create_thread_next(con, "work.interactions")
        con.execute("DETACH work")
    else:  # many row groups: the write already uses both cores, a copy would only cost memory
        create_interactions(con, mdy)
        interaction_findings(con, settings.date_order)
        create_thread_next(con)


def _write(con: duckdb.DuckDBPyConnection, build: _Build, settings: Settings,
           history: Future, early: Staging | None) -> None:
    """Build every table. When the early lane built the others from the very rows this
    build read (``early``), only Interactions is left; otherwise (a file fell back on its
    last good read after its sheets were built early) every table is dropped and the others
    are built again here, from the rows actually loaded, before Interactions."""
    with ThreadPoolExecutor(max_workers=1) as writer:
        if early is not None and same_rows(early, build.staging, AHEAD_TABLES):
            stage(con, build.staging)
        else:
            if early is not None:
                _drop_tables(con)
            _other_tables(con, build.staging, settings)
        _interactions(con, build, settings, writer)
    insert_rows(con, "INSERT INTO formula_gaps VALUES (?, ?, ?, ?, ?)",
                [(file, g.sheet, g.row, g.column, g.formula) for file, g in build.formula_gaps])
    con.execute("INSERT INTO findings FROM side_findings")
    con.execute("DROP TABLE side_findings")
    formula_findings(con)
    drop_work_tables(con)
    build.problems += history.result()
    known = tuple(r[0] for r in con.execute(
        "SELECT DISTINCT value FROM lists WHERE source_file = '*' AND list = 'divisions'"
    ).fetchall())
    for problem in (*settings.problems, *unknown_divisions(settings, known)):
        build.problems.append((SETTINGS_FILE, "BAD_SETTINGS",
                               f"{problem.key} = {problem.value}: {problem.message}"))
    insert_rows(con, "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, MAP(?, ?))",
                [(r.file, r.kind, r.size_bytes, r.modified_at, r.status, round(r.seconds, 3),
                  r.message, list(r.sheets), list(r.sheets.values())) for r in build.records])
    insert_rows(con, "INSERT INTO load_problems VALUES (?, ?, ?)", build.problems)
    insert_rows(con, "INSERT INTO drift VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(file, n, d.kind, d.sheet, d.found, d.master, d.message)
                 for file, n, d in build.drift])


def _build_into(build: _Build, settings: Settings, target: Path, started: float) -> float:
    """Read every file, building what needs no Interactions meanwhile, then write the rest;
    the database is a temporary file renamed onto ``target``."""
    folder = settings.data_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        # The early lane's pool closes (waiting for it) before its connection does.
        with ThreadPoolExecutor(max_workers=1) as recorder, \
                duckdb.connect(str(temporary)) as con, \
                ThreadPoolExecutor(max_workers=1) as ahead:
            con.execute("SET enable_progress_bar = false")  # never text on stdout
            # Bounded memory: past this DuckDB spills to disk in the state folder instead of
            # growing (the parse of a 1M-row hub peaks near 1.2 GB on its own).
            con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
            con.execute("SET temp_directory = ?", [str(target.parent / "spill")])
            early = ahead.submit(_early_lane, con.cursor(), build, settings)
            try:
                build.run()
            except OSError as exc:
                raise HubDataError(f"The data folder {folder} cannot be read "
                                   f"({exc.strerror or exc}).") from exc
            build.progress(0.9, "Checking every row")
            history = recorder.submit(_record_history, build, settings)
            _write(con, build, settings, history, early.result())
            seconds = time.perf_counter() - started
            con.executemany("INSERT INTO load_info VALUES (?, ?)", [
                ("loaded_at", dt.datetime.now().isoformat(timespec="seconds")),
                ("seconds", f"{seconds:.3f}"),
                ("data_dir", str(folder)),
            ])
            con.execute("CHECKPOINT")
        os.replace(temporary, target)
    except duckdb.Error as exc:
        temporary.unlink(missing_ok=True)
        raise HubDataError(f"The dashboard could not build its database ({exc}).") from exc
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise HubDataError(f"The dashboard could not write its cache in {target.parent} "
                           f"({exc.strerror or exc}). Free some disk space or set "
                           "HUB_STATE_DIR to a writable folder.") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return seconds


def build_snapshot(settings: Settings, target: Path, progress: Progress | None = None) -> float:
    """Load ``settings.data_dir`` into a new DuckDB file at ``target``; returns the seconds.

    Written to a temporary name and renamed into place, so a reader never sees half a file.
    """
    folder = settings.data_dir
    if not folder.is_dir():
        raise missing_folder(folder)
    started = time.perf_counter()
    _import_pandas_meanwhile()
    build = _Build(settings, progress)
    try:
        seconds = _build_into(build, settings, target, started)
    finally:
        build.writer.shutdown(wait=True)
    build.parts.prune()
    build.progress(1.0, "Loaded")
    return seconds
