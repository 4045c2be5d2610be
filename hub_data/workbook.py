"""Read Hub workbooks (and tabular side files) into contract-shaped Arrow tables of text.

fastexcel (Rust calamine → Arrow) reads every cell as text: real Excel dates arrive as ISO
timestamps (1900 and 1904 systems alike), numbers without a spurious ``.0`` and booleans as
``true``/``false``; typing happens later, set-based, in database.py. Each output row keeps its
real Excel row number (``_row``) so findings can point at the cell to fix. The header row is
looked for in the first rows, so a title block above the table is not taken as the header.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from hub_data.contract import (FORMS_STAND_INS, HUB_SHEETS, SheetSpec, closest, match_columns,
                               normalize_header)

HEADER_SCAN_ROWS = 10
ROW_COLUMN = "_row"


@dataclass(frozen=True)
class Problem:
    """A load problem: the contract code and a message saying what to do."""

    code: str
    message: str


@dataclass
class SheetRead:
    """One contract sheet as read: canonical text columns plus the Excel row number."""

    spec: SheetSpec
    sheet: str
    header_row: int
    table: pa.Table
    ignored_headers: list[str] = field(default_factory=list)


@dataclass
class WorkbookRead:
    """A whole workbook: its contract sheets, every sheet's row count and its problems."""

    sheets: dict[str, SheetRead] = field(default_factory=dict)
    sheet_rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


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


def shape_table(spec: SheetSpec, raw: pa.Table, first_row: int, label: str) -> SheetRead | Problem:
    """Find the header in ``raw`` (all text, no header), map it, return canonical columns.

    ``first_row`` is the Excel row number of ``raw``'s first row; ``label`` names the sheet
    in messages. A missing required column is a Problem naming the closest header found.
    """
    head = raw.slice(0, HEADER_SCAN_ROWS).to_pylist()
    best_index, best = 0, {}
    for index, row in enumerate(head):
        matched = match_columns(spec, list(row.values()))
        if len(matched) > len(best):
            best_index, best = index, matched
    headers = [_cell(v) for v in head[best_index].values()] if head else []
    missing = _required_missing(spec, {col.column for col in best.values()})
    if missing:
        unmatched = [h for pos, h in enumerate(headers) if h and pos not in best]
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
    for position, col in best.items():
        values = body.column(position).cast(pa.string())
        columns[col.column] = values
        filled = pc.and_(pc.is_valid(values), pc.not_equal(pc.utf8_trim_whitespace(values), ""))
        filled = pc.fill_null(filled, False)
        keep = filled if keep is None else pc.or_(keep, filled)
    for col in spec.columns:
        columns.setdefault(col.column, pa.nulls(body.num_rows, pa.string()))
    columns[ROW_COLUMN] = rows
    table = pa.table(columns)
    if keep is not None:
        table = table.filter(keep)
    ignored = [h for pos, h in enumerate(headers) if h and pos not in best]
    return SheetRead(spec, label, first_row + best_index, table, ignored)


def _find_sheet(spec: SheetSpec, names: list[str]) -> str | None:
    wanted = {normalize_header(n) for n in (spec.name, *spec.aliases)}
    for name in names:
        if normalize_header(name) in wanted:
            return name
    return None


def read_raw_sheet(reader: fastexcel.ExcelReader, name: str) -> pa.Table:
    """Every cell of sheet ``name`` as text, row 0 = Excel row 1 (leading blank rows kept)."""
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    return sheet.to_arrow()


def read_workbook(path: Path) -> WorkbookRead:
    """Read the contract sheets of one Hub workbook; problems instead of exceptions.

    Accounts, Contacts and Interactions are required (MISSING_SHEET names the sheets found and
    the closest one); Staff and Lists are read when present. Extra sheets are counted only.
    """
    result = WorkbookRead()
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types (READERS.md)
        result.problems.append(Problem("DAMAGED", f"the workbook cannot be opened ({exc}). "
                                       "Open it in Excel, repair it and save it again."))
        return result
    for spec in HUB_SHEETS:
        name = _find_sheet(spec, names)
        if name is None:
            if spec.required:
                near = closest(spec.name, names)
                result.problems.append(Problem(
                    "MISSING_SHEET",
                    f"required sheet '{spec.name}' is missing (sheets found: {', '.join(names)}"
                    + (f"; closest: '{near}'" if near else "") + "). Rename that sheet to "
                    f"'{spec.name}' or add it."))
            continue
        try:
            raw = read_raw_sheet(reader, name)
        except Exception as exc:
            result.problems.append(Problem("DAMAGED", f"sheet '{name}' cannot be read ({exc})."))
            continue
        shaped = shape_table(spec, raw, 1, name)
        if isinstance(shaped, Problem):
            result.problems.append(shaped)
            continue
        result.sheets[spec.table] = shaped
        result.sheet_rows[name] = shaped.table.num_rows
    for name in names:
        result.sheet_rows.setdefault(name, 0)
    return result
