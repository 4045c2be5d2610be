"""The dashboard's own store: what only the dashboard knows (hub-data-contract.md, the data folder).

``<state_dir>/dashboard.duckdb`` holds six tables (:data:`TABLES`): review meetings, steward
hours, Excel open times, requirements, the load history and survey answers entered in the app.
Nothing from the Hub workbooks or the ERP export lives here.

Who calls what:
- pages (through ``pages/_common.py``) build one :class:`Store` with :meth:`Store.for_settings`,
  call :meth:`Store.read` to show a table and :meth:`Store.append` to record a form's rows, and
  show :attr:`Store.recovered` once when a damaged store was set aside;
- the loader calls :meth:`Store.append_load_history` after a load;
- admins download :meth:`Store.backup` (a zip of one Parquet file per table, exact values) and
  upload it to :meth:`Store.restore`, which validates everything first and then replaces all
  tables in one atomic write;
- metrics never open the store: pages pass them the frames :meth:`Store.read` returns.

How the file is kept safe:
- it is opened for writing only inside :meth:`Store.append` / :meth:`Store.ensure`, and every
  write is atomic: the current file is copied to a temporary file in the same folder, the copy is
  opened and changed, CHECKPOINTed, closed and fsynced, then ``os.replace``-d over the original.
  A process killed mid-write loses nothing recorded before and never leaves a half file;
- writers are serialised by a per-file ``threading.Lock`` plus an OS lock (``fcntl.flock`` on
  ``<state_dir>/dashboard.lock``), so sessions and processes never lose each other's rows;
- readers attach the file read-only in a private in-memory DuckDB (never DuckDB's per-path
  instance cache, which could hand back a file already replaced) and close it again;
- a file DuckDB cannot open is moved aside to ``dashboard.corrupt-<timestamp>.duckdb`` and a
  fresh store is started from the seed, with a message in :attr:`Store.recovered`.

A fresh store is seeded from ``<seed_dir>/<table>.csv`` (the data folder's ``store_seed/``;
the demo ships one); values are typed in DuckDB with TRY_CAST and a value that cannot be typed
stops the seeding with a message naming the file, the row and the column.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import json
import math
import numbers
import os
import re
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

import duckdb
import numpy as np
if TYPE_CHECKING:  # pandas is imported when a table is read, not at start-up
    import pandas as pd
import pyarrow as pa

from hub_data.contract import normalize_header
from hub_data.errors import HubDataError
from hub_data.settings import STATE_DIR_ENV, Settings

try:  # POSIX; elsewhere only the in-process lock serialises writers
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STORE_FILE = "dashboard.duckdb"
LOCK_FILE = "dashboard.lock"
SEED_DIR = "store_seed"
CORRUPT_PREFIX = "dashboard.corrupt-"
LOCK_TIMEOUT_S = 30.0

VARCHAR, DATE, TIMESTAMP, BOOLEAN, INTEGER, BIGINT, DOUBLE = (
    "VARCHAR", "DATE", "TIMESTAMP", "BOOLEAN", "INTEGER", "BIGINT", "DOUBLE")

# The contract's store table, declared once: the DDL, the seed typing, the validation of
# appended rows and the Arrow frames inserted are all generated from this.
TABLES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("review_meetings", (("division", VARCHAR), ("held_on", DATE), ("used_hub", BOOLEAN),
                         ("attendees", INTEGER), ("decisions", VARCHAR), ("actions", VARCHAR),
                         ("recorded_by", VARCHAR), ("recorded_at", TIMESTAMP))),
    ("steward_hours", (("division", VARCHAR), ("week_start", DATE), ("hours", DOUBLE),
                       ("steward", VARCHAR), ("recorded_at", TIMESTAMP))),
    ("open_times", (("measured_at", TIMESTAMP), ("workbook", VARCHAR), ("seconds", DOUBLE),
                    ("size_bytes", BIGINT), ("measured_by", VARCHAR))),
    ("requirements", (("id", VARCHAR), ("raised_on", DATE), ("division", VARCHAR),
                      ("raised_by", VARCHAR), ("pain_point", VARCHAR),
                      ("evidence_metric", VARCHAR), ("status", VARCHAR))),
    ("load_history", (("loaded_at", TIMESTAMP), ("file", VARCHAR), ("size_bytes", BIGINT),
                      ("modified_at", TIMESTAMP), ("rows", BIGINT), ("seconds", DOUBLE))),
    ("survey_answers", (("answered_on", DATE), ("division", VARCHAR), ("ease_of_use", INTEGER),
                        ("value", INTEGER), ("comments", VARCHAR))),
)
TABLE_NAMES: tuple[str, ...] = tuple(name for name, _ in TABLES)
COLUMNS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {name: MappingProxyType(dict(columns)) for name, columns in TABLES})

_ARROW_TYPES: Mapping[str, pa.DataType] = MappingProxyType({
    VARCHAR: pa.string(), DATE: pa.date32(), TIMESTAMP: pa.timestamp("us"),
    BOOLEAN: pa.bool_(), INTEGER: pa.int32(), BIGINT: pa.int64(), DOUBLE: pa.float64()})
# read() gives the same dtypes whether a table is empty or not (DATE stays datetime.date).
_PANDAS_TYPES: Mapping[str, str] = MappingProxyType({
    DATE: "object", TIMESTAMP: "datetime64[us]", BOOLEAN: "boolean", INTEGER: "Int32",
    BIGINT: "Int64", DOUBLE: "float64"})
_INT_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType({
    INTEGER: (-2**31, 2**31 - 1), BIGINT: (-2**63, 2**63 - 1)})
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
_INTEGER_TEXT = re.compile(r"[+-]?\d+(\.0*)?")

_KIND_WORDS: Mapping[str, str] = MappingProxyType({
    DATE: "a date like 2026-06-15", TIMESTAMP: "a date and time like 2026-06-15T09:30:00",
    BOOLEAN: "yes/no (true/false, yes/no, y/n or 1/0)", INTEGER: "a whole number",
    BIGINT: "a whole number", DOUBLE: "a number", VARCHAR: "text"})


@dataclass(frozen=True)
class Rule:
    """A value rule on one store column beyond its type; NULL always passes (not recorded)."""

    table: str
    column: str
    check: Callable[[Any], bool]
    requirement: str  # completes "… is not <requirement>"


RULES: tuple[Rule, ...] = (
    Rule("review_meetings", "attendees", lambda v: v >= 0, "a number of attendees of 0 or more"),
    Rule("steward_hours", "week_start", lambda v: v.weekday() == 0,
         "a Monday (week_start is the Monday the week starts on)"),
    Rule("steward_hours", "hours", lambda v: 0 <= v <= 168, "a number of hours from 0 to 168"),
    Rule("open_times", "seconds", lambda v: v >= 0, "a number of seconds of 0 or more"),
    Rule("open_times", "size_bytes", lambda v: v >= 0, "a size in bytes of 0 or more"),
    Rule("load_history", "size_bytes", lambda v: v >= 0, "a size in bytes of 0 or more"),
    Rule("load_history", "rows", lambda v: v >= 0, "a row count of 0 or more"),
    Rule("load_history", "seconds", lambda v: v >= 0, "a number of seconds of 0 or more"),
    Rule("survey_answers", "ease_of_use", lambda v: 1 <= v <= 5, "a rating from 1 to 5"),
    Rule("survey_answers", "value", lambda v: 1 <= v <= 5, "a rating from 1 to 5"),
)
_RULES_BY_COLUMN: Mapping[tuple[str, str], Rule] = MappingProxyType(
    {(rule.table, rule.column): rule for rule in RULES})

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def create_table_sql(table: str) -> str:
    """The ``CREATE TABLE IF NOT EXISTS`` statement of one store table, from :data:`TABLES`."""
    columns = ", ".join(f"{name} {kind}" for name, kind in _columns(table).items())
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns})"


def _columns(table: str) -> Mapping[str, str]:
    try:
        return COLUMNS[table]
    except KeyError:
        raise ValueError(f"{table!r} is not a store table; the store tables are "
                         f"{', '.join(TABLE_NAMES)}.") from None


# ------------------------------------------------------------------ converting appended values
class _Unusable(Exception):
    """A value that cannot be stored in a column; the text completes "… is not <text>"."""


def _is_missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return True
    return (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
            and math.isnan(float(value)))


def _as_varchar(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return str(value)
    raise _Unusable(_KIND_WORDS[VARCHAR])


def _as_timestamp(value: object) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Unusable(_KIND_WORDS[TIMESTAMP]) from None
    if type(value).__name__ == "Timestamp" and hasattr(value, "to_pydatetime"):  # pandas
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # stored as local wall-clock time, like datetime.now()
            value = value.astimezone().replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise _Unusable(_KIND_WORDS[TIMESTAMP])


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, (str, dt.datetime)):
        try:
            stamp = _as_timestamp(value)
        except _Unusable:
            raise _Unusable(_KIND_WORDS[DATE]) from None
        if stamp.time() != dt.time():
            raise _Unusable("a date without a time of day, like 2026-06-15")
        return stamp.date()
    raise _Unusable(_KIND_WORDS[DATE])


def _as_boolean(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and int(value) in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _Unusable(_KIND_WORDS[BOOLEAN])


def _as_integer(value: object, kind: str) -> int:
    number: int | None = None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, (numbers.Real, decimal.Decimal)) and not isinstance(value, bool):
        real = float(value)
        if math.isfinite(real) and real.is_integer():
            number = int(real)
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value.strip().split(".")[0])
    low, high = _INT_RANGES[kind]
    if number is None or not low <= number <= high:
        raise _Unusable(_KIND_WORDS[kind])
    return number


def _as_double(value: object) -> float:
    number: float | None = None
    if isinstance(value, (numbers.Real, decimal.Decimal)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise _Unusable(_KIND_WORDS[DOUBLE])
    return number


def convert(kind: str, value: object) -> object:
    """``value`` as a Python value of the DuckDB type ``kind``; None for a missing value.

    Accepted: date/datetime objects and ISO text for DATE and TIMESTAMP (a DATE takes no time
    of day; an aware datetime is stored as local time), true/false/yes/no/y/n/1/0 for BOOLEAN,
    whole numbers (also ``12.0`` and ``"12"``) for INTEGER and BIGINT, finite numbers or
    numeric text for DOUBLE, text or numbers for VARCHAR. Blank text counts as missing except
    in a VARCHAR column. Raises ValueError saying what the value should be.
    """
    if _is_missing(value) or (kind != VARCHAR and isinstance(value, str) and not value.strip()):
        return None
    try:
        if kind == VARCHAR:
            return _as_varchar(value)
        if kind == DATE:
            return _as_date(value)
        if kind == TIMESTAMP:
            return _as_timestamp(value)
        if kind == BOOLEAN:
            return _as_boolean(value)
        if kind in _INT_RANGES:
            return _as_integer(value, kind)
        if kind == DOUBLE:
            return _as_double(value)
    except _Unusable as exc:
        raise ValueError(f"{value!r} is not {exc}") from None
    raise ValueError(f"unknown column type {kind}")


def _rule_problem(table: str, column: str, value: object, shown: object) -> str | None:
    """Why typed ``value`` breaks its column's rule (quoting ``shown``, as given), else None."""
    rule = _RULES_BY_COLUMN.get((table, column))
    if rule is None or value is None or rule.check(value):
        return None
    return f"{shown!r} is not {rule.requirement}"


def validate_rows(table: str, rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """The rows typed for ``table``: every column present (missing keys are NULL).

    Every problem of every row is collected into one ValueError: a key that is not a column of
    the table, a value that cannot be converted to its column's type (see :func:`convert`) or
    that breaks a rule of :data:`RULES` (ratings 1–5, hours 0–168, attendees ≥ 0, week_start a
    Monday, sizes, counts and seconds ≥ 0). Row numbers in the message count from 1.
    """
    columns = _columns(table)
    typed: list[dict[str, object]] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            problems.append(f"row {number} is not a mapping of column to value")
            continue
        unknown = [str(key) for key in row if key not in columns]
        if unknown:
            problems.append(f"row {number} has unknown column(s) {', '.join(unknown)} "
                            f"(the columns of {table} are {', '.join(columns)})")
        values: dict[str, object] = {}
        for column, kind in columns.items():
            try:
                values[column] = convert(kind, row.get(column))
            except ValueError as exc:
                problems.append(f"row {number}, {column}: {exc}")
                continue
            broken = _rule_problem(table, column, values[column], row.get(column))
            if broken:
                problems.append(f"row {number}, {column}: {broken}")
        typed.append(values)
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise ValueError(f"Nothing was recorded in {table}: {shown}.")
    return typed


def _arrow(table: str, rows: Sequence[Mapping[str, object]]) -> pa.Table:
    return pa.table({column: pa.array([row[column] for row in rows], _ARROW_TYPES[kind])
                     for column, kind in _columns(table).items()})


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Insert typed rows through a registered Arrow table (values are never in the SQL text)."""
    names = ", ".join(_columns(table))
    con.register("store_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM store_rows")
    finally:
        con.unregister("store_rows")


# ------------------------------------------------------------------------------------ seeding
def _typed_sql(kind: str, cell: str) -> str:
    """SQL typing one all-varchar seed cell ``cell`` (a column name we chose) as ``kind``."""
    text = f"nullif(trim({cell}), '')"
    if kind == VARCHAR:
        return cell
    if kind == BOOLEAN:
        trues = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        falses = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return (f"CASE WHEN lower({text}) IN ({trues}) THEN true "
                f"WHEN lower({text}) IN ({falses}) THEN false END")
    if kind in _INT_RANGES:  # TRY_CAST would round 2.5 to 3: only whole numbers pass
        return (rf"CASE WHEN regexp_full_match({text}, '[+-]?\d+(\.0*)?') THEN "
                rf"TRY_CAST(regexp_replace({text}, '\.0*$', '') AS {kind}) END")
    if kind == DOUBLE:
        return (f"CASE WHEN isfinite(TRY_CAST({text} AS DOUBLE)) "
                f"THEN TRY_CAST({text} AS DOUBLE) END")
    if kind == DATE:  # a date, or a date-time at midnight; never a time silently cut off
        return (f"CASE WHEN TRY_CAST({text} AS TIMESTAMP) = "
                f"CAST(TRY_CAST({text} AS DATE) AS TIMESTAMP) THEN TRY_CAST({text} AS DATE) END")
    return f"TRY_CAST({text} AS {kind})"


def _seed_error(path: Path, detail: str) -> HubDataError:
    return HubDataError(f"The store seed file {path} cannot be used: {detail}. Fix or remove "
                        "the file; the dashboard's store is created once it can be read.")


def read_seed(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> pa.Table:
    """The typed rows of one seed CSV (``<seed_dir>/<table>.csv``), ready to insert.

    Read with DuckDB ``read_csv(header=true, all_varchar=true)``; headers match the columns
    like the contract's headers (case, spaces, ``_`` and ``-`` alike); missing columns are
    NULL; blank lines are skipped. Unknown columns, and any cell that cannot be typed or breaks
    a rule, are a HubDataError naming the file, the row (as Excel numbers it: the header is
    row 1) and the column.
    """
    columns = _columns(table)
    try:
        if not path.read_bytes().strip():
            return _arrow(table, [])
        result = con.execute("SELECT * FROM read_csv(?, header=true, all_varchar=true)",
                             [str(path)])
        headers = [d[0] for d in result.description]
        raw_rows = result.fetchall()
    except (OSError, duckdb.Error) as exc:
        raise _seed_error(path, f"it cannot be read as CSV ({exc})") from exc
    by_norm = {normalize_header(name): name for name in columns}
    position: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        column = by_norm.get(normalize_header(header))
        if column is None or column in position:
            unknown.append(repr(header))
        else:
            position[column] = index
    if unknown:
        raise _seed_error(path, f"unknown or repeated column(s) {', '.join(unknown)}; the "
                                f"columns of {table} are {', '.join(columns)}")
    staged = pa.table({
        "seed_row": pa.array(range(2, len(raw_rows) + 2), pa.int64()),
        **{f"c{i}": pa.array([r[i] for r in raw_rows], pa.string()) for i in range(len(headers))},
    })
    typed_sql = ", ".join(
        f"{_typed_sql(kind, f'c{position[column]}')} AS {column}" if column in position
        else f"CAST(NULL AS {kind}) AS {column}" for column, kind in columns.items())
    raw_sql = ", ".join(f"c{position[column]}" if column in position else "NULL"
                        for column in columns)
    con.register("seed_raw", staged)
    try:
        fetched = con.execute(f"SELECT seed_row, {raw_sql}, {typed_sql} FROM seed_raw "
                              "ORDER BY seed_row").fetchall()
    finally:
        con.unregister("seed_raw")
    names, width = list(columns), len(columns)
    typed_rows: list[dict[str, object]] = []
    problems: list[str] = []
    for record in fetched:
        row_number, raw, typed = record[0], record[1:width + 1], record[width + 1:]
        if all(cell is None or not str(cell).strip() for cell in raw):
            continue  # a blank line
        for column, kind, cell, value in zip(names, columns.values(), raw, typed):
            if value is None and cell is not None and cell.strip():
                problems.append(f"row {row_number}, column {column}: {cell!r} is not "
                                f"{_KIND_WORDS[kind]}")
            else:
                broken = _rule_problem(table, column, value, cell)
                if broken:
                    problems.append(f"row {row_number}, column {column}: {broken}")
        typed_rows.append(dict(zip(names, typed)))
    if problems:
        raise _seed_error(path, "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else ""))
    return _arrow(table, typed_rows)


# ------------------------------------------------------------------------------ file helpers
# ------------------------------------------------------------------------------- backups
BACKUP_MANIFEST = "manifest.json"
BACKUP_FORMAT = "hub-dashboard-store/1"
BACKUP_MAX_BYTES = 512 * 1024 * 1024  # inflated; the store of a busy decade is a few MB


def _schema(table: str) -> pa.Schema:
    return pa.schema([(column, _ARROW_TYPES[kind]) for column, kind in _columns(table).items()])


def read_backup(data: bytes) -> dict[str, pa.Table]:
    """The typed, validated tables of a store backup (every store table; absent ones empty).
    Raises ValueError with a message for people when the file cannot be restored."""
    import pyarrow.parquet as pq

    def refuse(detail: str) -> ValueError:
        return ValueError(f"This file cannot be restored: {detail}. Nothing was changed.")

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse("it is not a backup made by the dashboard (not a zip file)") from exc
    names = {entry.filename for entry in entries}
    if BACKUP_MANIFEST not in names:
        raise refuse("it is not a backup made by the dashboard (no manifest.json)")
    if sum(entry.file_size for entry in entries) > BACKUP_MAX_BYTES:
        raise refuse("its contents would inflate to more than 512 MB")
    unknown = sorted(n for n in names - {BACKUP_MANIFEST}
                     if not (n.endswith(".parquet") and n[:-8] in TABLE_NAMES))
    if unknown:
        raise refuse(f"{', '.join(unknown)} is not a table of the store "
                     f"({', '.join(TABLE_NAMES)})")
    tables: dict[str, pa.Table] = {}
    for table in TABLE_NAMES:
        schema = _schema(table)
        if f"{table}.parquet" not in names:
            tables[table] = schema.empty_table()
            continue
        try:
            rows = pq.read_table(io.BytesIO(archive.read(f"{table}.parquet")))
        except (OSError, ValueError, zipfile.BadZipFile, pa.ArrowException) as exc:
            raise refuse(f"{table}.parquet cannot be read ({_reason(exc)})") from exc
        if rows.column_names != schema.names:
            raise refuse(f"{table}.parquet has the columns {', '.join(rows.column_names)}; "
                         f"the store's are {', '.join(schema.names)}")
        try:
            rows = rows.cast(schema)
        except (pa.ArrowException, ValueError) as exc:
            raise refuse(f"{table}.parquet has a value of the wrong type ({_reason(exc)})"
                         ) from exc
        try:
            validate_rows(table, rows.to_pylist())
        except ValueError as exc:
            detail = str(exc).replace(f"Nothing was recorded in {table}: ", "").rstrip(".")
            raise refuse(f"in {table}.parquet, {detail}") from exc
        tables[table] = rows
    return tables


def _thread_lock(key: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(str(key), threading.Lock())


class _Damaged(Exception):
    """The store file is not a DuckDB database DuckDB can open (the cause says why)."""


def _attach_read_only(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """ATTACH ``path`` as ``store``, read-only, in a private in-memory connection.

    DuckDB 2 binds ATTACH's path as a parameter; 1.4 and 1.5 cannot parse one, so there the
    path (our own state file, never a value a user typed) goes in as a quoted SQL literal.
    """
    try:
        con.execute("ATTACH ? AS store (READ_ONLY)", [str(path)])
    except duckdb.ParserException:
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS store (READ_ONLY)")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; best effort (some file systems refuse a directory fsync)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip() or type(exc).__name__


class Store:
    """The dashboard's own DuckDB store in ``state_dir`` (see the module docstring).

    One instance may be shared by all sessions; any number of instances (and processes) may
    use the same folder at once. ``recovered`` holds a message for people once a damaged store
    file has been moved aside by this instance, else None.
    """

    def __init__(self, state_dir: Path, seed_dir: Path | None = None) -> None:
        self.state_dir = Path(state_dir)
        self.seed_dir = Path(seed_dir) if seed_dir is not None else None
        self.recovered: str | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> Store:
        """The store of a data folder: ``settings.state_dir``, seeded from its ``store_seed/``."""
        return cls(settings.state_dir, settings.data_dir / SEED_DIR)

    @property
    def path(self) -> Path:
        """``<state_dir>/dashboard.duckdb``."""
        return self.state_dir / STORE_FILE

    @property
    def lock_path(self) -> Path:
        """``<state_dir>/dashboard.lock``, the OS lock writers take."""
        return self.state_dir / LOCK_FILE

    # -------------------------------------------------------------------------- public API
    def ensure(self) -> None:
        """Create the store if absent (seeded from ``seed_dir/<table>.csv`` where present).

        Also adds a table a store from an older version lacks, and moves a damaged file aside
        (setting :attr:`recovered`). Raises HubDataError when the folder cannot be written or a
        seed file cannot be used.
        """
        with self._locked():
            self._ensure_locked()

    def read(self, table: str) -> pd.DataFrame:
        """All rows of ``table`` in the order recorded, typed (DATE as ``datetime.date``,
        TIMESTAMP as datetime64, BOOLEAN/INTEGER/BIGINT as nullable pandas types).

        Opens the file read-only and closes it again; creates the store first when absent.
        """
        columns = _columns(table)
        if not self.path.is_file():
            self.ensure()
        try:
            frame = self._select(table)
        except duckdb.Error:
            self.ensure()  # a damaged file is set aside, an old one gains its missing tables
            try:
                frame = self._select(table)
            except duckdb.Error as exc:
                raise HubDataError(f"The dashboard's store {self.path} cannot be read "
                                   f"({_reason(exc)}). Set HUB_STATE_DIR to another folder "
                                   "if this one cannot be used.") from exc
        return frame.astype({c: _PANDAS_TYPES[k] for c, k in columns.items()
                             if k in _PANDAS_TYPES})

    def read_all(self) -> dict[str, pd.DataFrame]:
        """Every store table as :meth:`read` gives it, keyed by table name (what the
        metrics' ``workspace`` takes)."""
        return {table: self.read(table) for table in TABLE_NAMES}

    def append(self, table: str, rows: Sequence[Mapping[str, object]]) -> int:
        """Validate ``rows`` (see :func:`validate_rows`) and add them to ``table`` in one
        atomic write; returns the number of rows written.

        Either all rows are recorded or none: a ValueError (bad rows) is raised before the
        file is touched, a HubDataError (the folder cannot be written) leaves it as it was.
        """
        typed = validate_rows(table, rows)
        if not typed:
            return 0
        frame = _arrow(table, typed)
        with self._locked():
            self._clear_leftovers()
            if not self.path.exists():
                self._write(self._seed)
            try:
                self._write(lambda con: _insert(con, table, frame))
            except _Damaged as damaged:
                self._recover(damaged.__cause__ or damaged)
                self._write(lambda con: _insert(con, table, frame))
        return len(typed)

    def append_load_history(self, rows: Sequence[Mapping[str, object]]) -> None:
        """Record one load's files in ``load_history``: a row without ``loaded_at`` gets the
        same current local time as the others of this call (one load, one moment)."""
        now = dt.datetime.now().replace(microsecond=0)
        self.append("load_history", [
            {**row, "loaded_at": row.get("loaded_at") or now} for row in rows])

    def backup(self) -> bytes:
        """The whole store as a zip of Parquet files, one per table (exact values and types:
        dates, microsecond timestamps, 64-bit integers, NULLs), with a ``manifest.json``
        naming the tables, their row counts and when the backup was made."""
        import pyarrow.parquet as pq

        if not self.path.is_file():
            self.ensure()
        buffer = io.BytesIO()
        counts: dict[str, int] = {}
        con = duckdb.connect()
        try:
            _attach_read_only(con, self.path)
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for table in TABLE_NAMES:
                    names = ", ".join(_columns(table))
                    rows = con.sql(
                        f"SELECT {names} FROM store.{table} ORDER BY rowid").to_arrow_table()
                    rows = rows.cast(_schema(table))
                    part = io.BytesIO()
                    pq.write_table(rows, part)
                    archive.writestr(f"{table}.parquet", part.getvalue())
                    counts[table] = rows.num_rows
                archive.writestr(BACKUP_MANIFEST, json.dumps({
                    "format": BACKUP_FORMAT, "made_at": dt.datetime.now().isoformat(
                        timespec="seconds"), "tables": counts}, indent=2))
        except duckdb.Error as exc:
            raise HubDataError(f"The dashboard's store {self.path} could not be backed up "
                               f"({_reason(exc)}).") from exc
        finally:
            con.close()
        return buffer.getvalue()

    def restore(self, data: bytes) -> dict[str, int]:
        """Replace every table with the rows of a :meth:`backup` (atomically: either the whole
        backup is restored or the store is left as it was). Returns the rows per table.

        Refused with a ValueError naming the problem: not a zip, not a store backup, a table
        or column that is not the store's, a value of the wrong type or breaking a rule
        (ratings 1–5, …), or parts too large to be a store (a zip bomb is never inflated). A
        table absent from the backup (made by an older version) is restored empty."""
        tables = read_backup(data)
        with self._locked():
            self._clear_leftovers()

            def replace_all(con: duckdb.DuckDBPyConnection) -> None:
                for table in TABLE_NAMES:
                    con.execute(f"DELETE FROM {table}")
                    if tables[table].num_rows:
                        _insert(con, table, tables[table])

            try:
                self._write(replace_all)
            except _Damaged as damaged:
                self._recover(damaged.__cause__ or damaged)
                self._write(replace_all)
        return {table: rows.num_rows for table, rows in tables.items()}

    # ------------------------------------------------------------------------------ internals
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The writer lock: this process's threads, then other processes (flock).

        Waits at most LOCK_TIMEOUT_S (a write takes well under a second), then a HubDataError
        says the store is busy, so a hung writer elsewhere never hangs a page.
        """
        thread_lock = _thread_lock(self.lock_path.resolve())
        if not thread_lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise self._busy_error()
        try:
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                handle = open(self.lock_path, "a+b")
            except OSError as exc:
                raise self._write_error(exc) from exc
            with handle:
                self._flock(handle.fileno())
                try:
                    yield
                finally:
                    if fcntl is not None:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        finally:
            thread_lock.release()

    def _flock(self, fd: int) -> None:
        if fcntl is None:
            return
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise self._busy_error() from None
                time.sleep(0.02)

    def _busy_error(self) -> HubDataError:
        return HubDataError(
            f"The dashboard's store in {self.state_dir} is busy: another dashboard process has "
            f"held {LOCK_FILE} for over {LOCK_TIMEOUT_S:g} s. Nothing was recorded; try again, "
            "and restart the other dashboard process if this persists.")

    def _select(self, table: str) -> pd.DataFrame:
        import pandas as pd

        con = duckdb.connect()
        try:
            _attach_read_only(con, self.path)
            names = ", ".join(_columns(table))
            frame = con.execute(f"SELECT {names} FROM store.{table} ORDER BY rowid").df()
        finally:
            con.close()
        for column, kind in _columns(table).items():
            if kind == DATE:  # DuckDB's own date_as_object path warns under pandas 3
                dates = [None if pd.isna(v) else v.date() for v in frame[column]]
                frame[column] = pd.Series(dates, index=frame.index, dtype=object)
        return frame

    def _existing_tables(self) -> set[str]:
        con = duckdb.connect()
        try:
            _attach_read_only(con, self.path)
            return {row[0] for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'store'"
            ).fetchall()}
        finally:
            con.close()

    def _ensure_locked(self) -> None:
        self._clear_leftovers()
        if not self.path.exists():
            self._write(self._seed)
            return
        try:
            existing = self._existing_tables()
        except duckdb.Error as exc:
            try:
                with open(self.path, "rb") as handle:
                    handle.read(4096)
            except OSError as unreadable:
                raise HubDataError(
                    f"The dashboard's store {self.path} cannot be read "
                    f"({_reason(unreadable)}). Make it readable, or set {STATE_DIR_ENV} to "
                    "another folder.") from unreadable
            if "lock" in str(exc).casefold():  # another program holds it open: not damage
                raise HubDataError(
                    f"The dashboard's store {self.path} is held open by another program "
                    f"({_reason(exc)}). Close that program (e.g. a DuckDB shell) and reload."
                ) from exc
            self._recover(exc)
            return
        if set(TABLE_NAMES) - existing:
            self._write(lambda con: None)  # the DDL of every write adds the missing tables

    def _recover(self, exc: BaseException) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.state_dir / f"{CORRUPT_PREFIX}{stamp}.duckdb"
        counter = 1
        while aside.exists():
            counter += 1
            aside = self.state_dir / f"{CORRUPT_PREFIX}{stamp}-{counter}.duckdb"
        try:
            os.replace(self.path, aside)
        except OSError as move_error:
            raise self._write_error(move_error) from move_error
        self._write(self._seed)
        seeded = " from the seed files" if self._seed_files() else ""
        self.recovered = (
            f"The dashboard's store {self.path.name} in {self.state_dir} was damaged and could "
            f"not be opened ({_reason(exc)}). It was moved aside to {aside.name} and a fresh "
            f"store was started{seeded}. Nothing from the Hub workbooks or the ERP export is "
            "affected; entries made in the dashboard (review meetings, steward hours, …) are "
            f"in the moved file: restore them from a backup if you have one.")

    def _seed_files(self) -> dict[str, Path]:
        if self.seed_dir is None or not self.seed_dir.is_dir():
            return {}
        found = {table: self.seed_dir / f"{table}.csv" for table in TABLE_NAMES}
        return {table: path for table, path in found.items() if path.is_file()}

    def _seed(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, path in self._seed_files().items():
            rows = read_seed(con, table, path)
            if rows.num_rows:
                _insert(con, table, rows)

    def _clear_leftovers(self) -> None:
        """Temporary files of a writer that was killed (we hold the lock: nobody else writes)."""
        _remove(*self.state_dir.glob(f"{STORE_FILE}.*.tmp"),
                *self.state_dir.glob(f"{STORE_FILE}.*.tmp.wal"))

    def _write(self, change: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Copy, change, CHECKPOINT, close, fsync, replace: the one write path (lock held)."""
        temp = self.state_dir / f"{STORE_FILE}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"
        wal = temp.with_name(temp.name + ".wal")
        try:
            copied = self.path.exists()
            if copied:
                shutil.copyfile(self.path, temp)
            try:
                con = duckdb.connect(str(temp))
            except duckdb.Error as exc:
                if copied:  # we just wrote the copy: DuckDB refuses its content, not the disk
                    raise _Damaged() from exc
                raise
            try:
                for table in TABLE_NAMES:
                    con.execute(create_table_sql(table))
                change(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _fsync_file(temp)
            os.replace(temp, self.path)
        except BaseException as exc:
            _remove(temp, wal)
            if isinstance(exc, (OSError, duckdb.Error)):
                raise self._write_error(exc) from exc
            raise
        _fsync_dir(self.state_dir)

    def _write_error(self, exc: BaseException) -> HubDataError:
        return HubDataError(
            f"The dashboard's store could not be written in {self.state_dir} ({_reason(exc)}). "
            "Nothing new was recorded and what was recorded before is unchanged. Free some "
            f"disk space there, or set {STATE_DIR_ENV} to a folder with space that the "
            "dashboard may write to.")
