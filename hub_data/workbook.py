"""Read Hub workbooks (and tabular side files) into contract-shaped Arrow tables of text.

fastexcel (Rust calamine → Arrow) reads every cell as text: real Excel dates arrive as ISO
timestamps (1900 and 1904 systems alike), numbers without a spurious ``.0`` and booleans as
``true``/``false``; typing happens later, set-based, in database.py. Each output row keeps its
real Excel row number (``_row``) so findings can point at the cell to fix. The header row is
looked for in the first rows, so a title block above the table is not taken as the header.
"""
from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from hub_data.contract import (FORMS_STAND_INS, HUB_SHEETS, INTERACTIONS, LISTS, SheetSpec,
                               closest, match_columns, normalize_header)

HEADER_SCAN_ROWS = 10
ROW_COLUMN = "_row"


@dataclass(frozen=True)
class Problem:
    """A load problem: the contract code and a message saying what to do."""

    code: str
    message: str


@dataclass
class SheetRead:
    """One contract sheet as read: canonical text columns plus the Excel row number.

    ``headers_at`` maps a 0-based absolute sheet column (A = 0) to the contract header read
    from it, so a finding about a cell (e.g. a formula without a value) can name its column.
    """

    spec: SheetSpec
    sheet: str
    header_row: int
    table: pa.Table
    ignored_headers: list[str] = field(default_factory=list)
    headers_at: dict[int, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FormulaGap:
    """A formula cell saved without its value (written by a script, never opened in Excel)."""

    sheet: str
    row: int
    column: str
    formula: str


@dataclass
class WorkbookRead:
    """A whole workbook: its contract sheets, every sheet's row count, its problems and its
    layout (what drift.py compares with the master template)."""

    sheets: dict[str, SheetRead] = field(default_factory=dict)
    sheet_rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    formula_gaps: list[FormulaGap] = field(default_factory=list)
    layout: dict | None = None


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _required_missing(spec: SheetSpec, found: set[str]) -> list[str]:
    missing = []
    for col in spec.columns:
        if not col.required or col.column in found:
            continue
        stand_in = FORMS_STAND_INS.get(col.name) if spec.name == "Interactions" else None
        if stand_in and spec.column(stand_in).column in found:
            continue
        missing.append(col.name)
    return missing


def find_header(spec: SheetSpec, raw: pa.Table) -> tuple[int, dict, list[str]]:
    """The header row of ``raw``: the one of its first rows that names the most contract
    columns. Returns its index in ``raw``, contract column -> position, and its cells as text
    (blank cells as ``""``)."""
    head = raw.slice(0, HEADER_SCAN_ROWS).to_pylist()
    best_index, best = 0, {}
    for index, row in enumerate(head):
        matched = match_columns(spec, list(row.values()))
        if len(matched) > len(best):
            best_index, best = index, matched
    headers = [_cell(v) for v in head[best_index].values()] if head else []
    return best_index, best, headers


def shape_table(spec: SheetSpec, raw: pa.Table, first_row: int, label: str,
                absolute: list[int] | None = None) -> SheetRead | Problem:
    """Find the header in ``raw`` (all text, no header), map it, return canonical columns.

    ``first_row`` is the Excel row number of ``raw``'s first row; ``label`` names the sheet
    in messages; ``absolute`` gives each raw column's sheet column (A = 0) when known. A
    missing required column is a Problem naming the closest header found.
    """
    best_index, best, headers = find_header(spec, raw)
    used = set(best.values())
    missing = _required_missing(spec, {col.column for col in best})
    if missing:
        unmatched = [h for pos, h in enumerate(headers) if h and pos not in used]
        hints = []
        for name in missing:
            near = closest(name, unmatched)
            hints.append(f"'{name}'" + (f" (closest header found: '{near}')" if near else ""))
        where = f"row {first_row + best_index}" if best else f"the first {HEADER_SCAN_ROWS} rows"
        return Problem("MISSING_COLUMN",
                       f"sheet '{label}' has no column {', '.join(hints)} in its header "
                       f"({where}). Rename the header to the contract's name, or add the column.")
    body = raw.slice(best_index + 1)
    rows = pa.array(range(first_row + best_index + 1, first_row + best_index + 1 + body.num_rows),
                    pa.int32())
    columns: dict[str, pa.Array] = {}
    keep = None
    for col, position in best.items():
        values = body.column(position).cast(pa.string())
        columns[col.column] = values
        filled = pc.is_valid(values)  # blank and white-space-only cells arrive as null
        keep = filled if keep is None else pc.or_(keep, filled)
    for col in spec.columns:
        columns.setdefault(col.column, pa.nulls(body.num_rows, pa.string()))
    columns[ROW_COLUMN] = rows
    table = pa.table(columns)
    if keep is not None and pc.sum(keep.cast(pa.int64())).as_py() != table.num_rows:
        table = table.filter(keep)  # rows blank in every contract column are not rows
    ignored = [h for pos, h in enumerate(headers) if h and pos not in used]
    positions = absolute or list(range(raw.num_columns))
    headers_at = {positions[pos]: col.name for col, pos in best.items()}
    return SheetRead(spec, label, first_row + best_index, table, ignored, headers_at, headers)


def _find_sheet(spec: SheetSpec, names: list[str]) -> str | None:
    wanted = {normalize_header(n) for n in (spec.name, *spec.aliases)}
    for name in names:
        if normalize_header(name) in wanted:
            return name
    return None


def _blank_as_null(values: pa.Array) -> pa.Array:
    """Empty and white-space-only text as null (what ``whitespace_as_null`` does on a lazy
    read; the eager read returns them as text)."""
    blank = pc.or_(pc.equal(pc.binary_length(values), 0), pc.utf8_is_space(values))
    if not pc.any(blank).as_py():
        return values
    return pc.if_else(blank, pa.scalar(None, pa.string()), values)


def parse_sheet(reader: fastexcel.ExcelReader, name: str) -> pa.RecordBatch:
    """Sheet ``name`` parsed eagerly by calamine (its GIL-free part: see read_raw_sheet)."""
    return reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string", eager=True)


def as_text_table(batch: pa.RecordBatch) -> pa.Table:
    """A parsed sheet as text columns, blank and white-space-only cells as null."""
    columns = [_blank_as_null(column.cast(pa.string())) for column in batch.columns]
    return pa.table(columns, names=batch.schema.names)


def read_raw_sheet(reader: fastexcel.ExcelReader, name: str, *,
                   exact_columns: bool = False) -> tuple[pa.Table, list[int] | None]:
    """Every cell of sheet ``name`` as text, row 0 = Excel row 1 (leading blank rows kept;
    blank and white-space-only cells as null), and, with ``exact_columns``, each column's
    absolute sheet column (A = 0; leading blank columns are dropped), else None.

    The eager read goes straight from calamine's cells to Arrow (30 % faster on a sheet with
    shared strings, and less memory) but does not say where its first column is; only a
    sheet with formula cells needs that (to name a formula's column), so only it is read
    again lazily (``exact_columns``)."""
    if exact_columns:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string",
                                  whitespace_as_null=True)
        absolute = [column.absolute_index for column in sheet.available_columns()]
        return pa.Table.from_batches([sheet.to_arrow()]), absolute
    return as_text_table(parse_sheet(reader, name)), None


def list_values(read: SheetRead | None) -> dict[str, list[str]]:
    """The values of each contract column of a Lists sheet, in row order (blanks left out)."""
    if read is None:
        return {}
    values = {}
    for col in read.spec.columns:
        if col.name in read.headers_at.values():
            values[col.name] = [str(v).strip() for v in read.table.column(col.column).to_pylist()
                                if v is not None and str(v).strip()]
    return values


Early = Callable[[list[tuple[str, str, pa.Table]]], None]


def read_workbook(path: Path, early: Early | None = None) -> WorkbookRead:
    """Read the contract sheets of one Hub workbook; problems instead of exceptions.

    Accounts, Contacts and Interactions are required (MISSING_SHEET names the sheets found and
    the closest one); Staff and Lists are read when present. Extra sheets are counted only.

    Interactions (the big sheet) is read last. While calamine parses it (which releases the
    GIL and leaves the other core free), ``early`` receives the other sheets' (table, sheet,
    text table), the very tables the result will hold, so load.py can build the tables that
    need only those meanwhile; it hears nothing when something is wrong with those sheets or
    they hold formula cells (read again later, see _exact_reread).
    """
    result = WorkbookRead()
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types (READERS.md)
        result.problems.append(Problem("DAMAGED", f"the workbook cannot be opened ({exc}). "
                                       "Open it in Excel, repair it and save it again."))
        return result
    found = {spec: _find_sheet(spec, names) for spec in HUB_SHEETS}
    late = found[INTERACTIONS]
    rounds = [[spec for spec, name in found.items() if name is None or name != late],
              [spec for spec, name in found.items() if name is not None and name == late]]
    headers: dict[str, dict] = {}
    problems: dict[SheetSpec, Problem] = {}
    first, last = ([found[spec] for spec in specs if found[spec] is not None] for specs in rounds)
    with ThreadPoolExecutor(max_workers=1) as scanner, \
            ThreadPoolExecutor(max_workers=1) as parser:
        # The formula scan runs beside the parse (both release the GIL), the small sheets
        # first. A small sheet with formula cells is read again (read_raw_sheet), which needs
        # the reader, so after the Interactions parse: such a workbook offers nothing early.
        scans = [scanner.submit(formula_cells, path, list(dict.fromkeys(names_of)))
                 for names_of in (first, last)]
        parsed = _parse_sheets(reader, first)
        # Interactions is parsed in a worker from here on (the reader is used by one thread
        # at a time), while this thread turns the small sheets into text: that needs the GIL,
        # which the parse leaves free.
        late_parse = parser.submit(_parse_sheets, reader, last)
        _shape_sheets(names, rounds[0], found, parsed, result, headers, problems)
        cells = scans[0].result()
        redo = {sheet for sheet, *_ in cells} & set(first)
        if early is not None and not problems and not redo:
            early([(read.spec.table, read.sheet, read.table) for read in result.sheets.values()])
        parsed = late_parse.result()
        _exact_reread(reader, result, rounds[0], cells)
        _shape_sheets(names, rounds[1], found, parsed, result, headers, problems)
        del parsed
        late_cells = scans[1].result()
        _exact_reread(reader, result, rounds[1], late_cells)
        cells += late_cells
    result.problems = [problems[spec] for spec in HUB_SHEETS if spec in problems]
    result.sheets = {spec.table: result.sheets[spec.table] for spec in HUB_SHEETS
                     if spec.table in result.sheets}
    rows = result.sheet_rows  # the contract's sheets first, in its order, then the others
    result.sheet_rows = {name: rows[name] for spec in HUB_SHEETS
                         if (name := found[spec]) is not None and name in rows}
    for name in names:
        result.sheet_rows.setdefault(name, 0)
    result.layout = {"sheets": names, "headers": {spec.name: headers[spec.name]
                                                  for spec in HUB_SHEETS if spec.name in headers},
                     "lists": list_values(result.sheets.get(LISTS.table))}
    if not result.problems:
        result.formula_gaps = formula_gaps(cells, result.sheets)
    return result


def _parse_sheets(reader: fastexcel.ExcelReader,
                  names: list[str]) -> dict[str, pa.RecordBatch | Exception]:
    """Sheets ``names`` parsed by calamine (an exception in place of a sheet that cannot be).
    All of them are parsed before any is turned into text: parsing releases the GIL, so
    whatever else the process is doing (importing, scanning for formulas, building tables)
    runs meanwhile instead of holding up the next parse."""
    parsed: dict[str, pa.RecordBatch | Exception] = {}
    for name in dict.fromkeys(names):
        try:
            parsed[name] = parse_sheet(reader, name)
        except Exception as exc:  # calamine raises several unrelated types
            parsed[name] = exc
    return parsed


def _shape_sheets(names: list[str], specs: list[SheetSpec], found: dict[SheetSpec, str | None],
                  parsed: dict[str, pa.RecordBatch | Exception], result: WorkbookRead,
                  headers: dict[str, dict], problems: dict[SheetSpec, Problem]) -> None:
    """Shape the parsed sheets of ``specs`` into ``result`` (a problem per spec that cannot
    be read), letting go of each parse once its last use is shaped."""
    uses = Counter(found[spec] for spec in specs if found[spec] is not None)
    for spec in specs:
        name = found[spec]
        if name is None:
            if spec.required:
                near = closest(spec.name, names)
                problems[spec] = Problem(
                    "MISSING_SHEET",
                    f"required sheet '{spec.name}' is missing (sheets found: "
                    f"{', '.join(names)}" + (f"; closest: '{near}'" if near else "")
                    + f"). Rename that sheet to '{spec.name}' or add it.")
            continue
        uses[name] -= 1
        batch = parsed[name] if uses[name] else parsed.pop(name)
        if isinstance(batch, Exception):
            problems[spec] = Problem("DAMAGED", f"sheet '{name}' cannot be read ({batch}).")
            continue
        raw = as_text_table(batch)
        del batch
        shaped = shape_table(spec, raw, 1, name)
        if isinstance(shaped, Problem):
            headers[spec.name] = {"sheet": name, "headers": find_header(spec, raw)[2]}
            problems[spec] = shaped
            continue
        del raw
        headers[spec.name] = {"sheet": name, "headers": shaped.headers}
        result.sheets[spec.table] = shaped
        result.sheet_rows[name] = shaped.table.num_rows


def _exact_reread(reader: fastexcel.ExcelReader, result: WorkbookRead, specs: list[SheetSpec],
                  cells: list[tuple[str, int, int, str]]) -> None:
    """Read again, naming each column exactly (see read_raw_sheet), the sheets of ``specs``
    that hold formula cells."""
    with_formulas = {sheet for sheet, *_ in cells}
    for spec in specs:
        read = result.sheets.get(spec.table)
        if read is None or read.sheet not in with_formulas:
            continue
        try:
            raw, absolute = read_raw_sheet(reader, read.sheet, exact_columns=True)
        except Exception:  # read once already: keep that read, columns counted from its first
            continue
        shaped = shape_table(read.spec, raw, 1, read.sheet, absolute)
        if isinstance(shaped, SheetRead):
            result.sheets[spec.table] = shaped


_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ENTRY_REVERSED = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATIONSHIP_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>[^<]*</v>|<is>")
MAX_FORMULA_GAPS = 10_000


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from xl/workbook.xml and its relationships (small files)."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = dict(_RELATIONSHIP.findall(rels)) | {
        rid: target for target, rid in _RELATIONSHIP_REVERSED.findall(rels)}
    entries = dict(_SHEET_ENTRY.findall(workbook)) | {
        name: rid for rid, name in _SHEET_ENTRY_REVERSED.findall(workbook)}
    parts = {}
    for name, rid in entries.items():
        target = targets.get(rid, b"").decode()
        if target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[html.unescape(name.decode())] = posixpath.normpath(part)
    return parts


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def _mentions_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a sheet part contains ``<f`` at all, inflating it in chunks (flat memory)."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(4 << 20):
            if b"<f" in tail + chunk[:1] or b"<f" in chunk:
                return True
            tail = chunk[-1:]
    return False


def formula_cells(path: Path, sheet_names: list[str]) -> list[tuple[str, int, int, str]]:
    """(sheet, Excel row, column index, formula) of every formula cell saved without a value.

    calamine returns such cells as blank; finding them lets the data-quality view say "open
    and save the file in Excel" instead of reporting a blank. A sheet without any ``<f`` is
    skipped after one streaming pass; this runs in a thread beside the parse (both release
    the GIL), so it costs no wall time on a machine with two cores.
    """
    found: list[tuple[str, int, int, str]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            for sheet in sheet_names:
                part = parts.get(sheet)
                if part is None or part not in archive.NameToInfo:
                    continue
                if not _mentions_formula(archive, part):
                    continue
                xml = archive.read(part)
                position = xml.find(b"<f")
                while position != -1 and len(found) < MAX_FORMULA_GAPS:
                    start = xml.rfind(b"<c ", 0, position)
                    end = xml.find(b"</c>", position)
                    if start == -1 or end == -1:
                        break
                    cell = xml[start:end]
                    ref, formula = _CELL_REF.match(cell), _FORMULA.search(cell)
                    if ref and formula and not _VALUE.search(cell):
                        text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
                        found.append((sheet, int(ref.group(2)), _column_index(ref.group(1)),
                                      f"={text}"))
                    position = xml.find(b"<f", end)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return found  # the sheets themselves were read: a missing part only hides this check
    return found


def formula_gaps(cells: list[tuple[str, int, int, str]],
                 sheets: dict[str, SheetRead]) -> list[FormulaGap]:
    """The formula cells that sit in a contract column of a sheet's data rows."""
    by_name = {read.sheet: read for read in sheets.values()}
    gaps = []
    for sheet, row, column, formula in cells:
        read = by_name.get(sheet)
        if read and row > read.header_row and column in read.headers_at:
            gaps.append(FormulaGap(sheet, row, read.headers_at[column], formula))
    return gaps
