"""Read the ERP export (erp/customers.*, sales.*, quotes.*) and the side files (reviews.*,
survey.*) into contract-shaped Arrow tables of text.

``erp/mapping.toml`` renames an ERP's own headers onto ours (``[sales] Amount = "DocTotal"``)
and maps values (``[quotes.values.Status] Engaging = "Open"``); the value maps are returned as
data and applied in SQL by database.py. CSV is UTF-8 with or without a BOM (Windows-1252 is
accepted as a fallback); an .xlsx is read from its first sheet.
"""
from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import fastexcel
import pyarrow as pa
import pyarrow.csv as pacsv

from hub_data.contract import ERP_TABLES, SheetSpec, normalize_header
from hub_data.sniff import sniff
from hub_data.workbook import Problem, SheetRead, read_raw_sheet, shape_table

MAPPING_FILE = "mapping.toml"
TABLE_EXTENSIONS = (".csv", ".xlsx", ".xlsm")


@dataclass
class Mapping:
    """A parsed mapping.toml: header renames and value maps per table, plus its problems."""

    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_mapping(path: Path) -> Mapping:
    """Parse ``erp/mapping.toml``; every unusable entry is a BAD_MAPPING problem."""
    result = Mapping()
    if not path.is_file():
        return result
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        result.problems.append(Problem("BAD_MAPPING", f"mapping.toml cannot be read ({exc}); "
                                       "ERP headers are matched by our own names only."))
        return result
    specs = {spec.name: spec for spec in ERP_TABLES}
    for table, entries in data.items():
        spec = specs.get(table)
        if spec is None or not isinstance(entries, dict):
            result.problems.append(Problem(
                "BAD_MAPPING", f"mapping.toml: [{table}] is not an ERP table "
                f"({', '.join(specs)}); it is ignored."))
            continue
        ours = {normalize_header(col.name): col.name for col in spec.columns}
        for key, value in entries.items():
            if key == "values" and isinstance(value, dict):
                for column, pairs in value.items():
                    if normalize_header(column) not in ours or not isinstance(pairs, dict):
                        result.problems.append(Problem(
                            "BAD_MAPPING", f"mapping.toml: [{table}.values.{column}] does not "
                            "name a column of ours with a table of values; it is ignored."))
                        continue
                    result.values[(spec.table, ours[normalize_header(column)])] = {
                        str(raw): str(mapped) for raw, mapped in pairs.items()}
            elif normalize_header(key) in ours and isinstance(value, str):
                result.headers.setdefault(table, {})[ours[normalize_header(key)]] = value
            else:
                result.problems.append(Problem(
                    "BAD_MAPPING", f"mapping.toml: [{table}] {key} = {value!r} is not "
                    f"'<our column> = \"<ERP header>\"'; our columns: "
                    f"{', '.join(c.name for c in spec.columns)}."))
    return result


def with_mapping(spec: SheetSpec, renames: dict[str, str]) -> SheetSpec:
    """``spec`` whose columns also answer to the ERP headers that mapping.toml names."""
    columns = tuple(replace(col, aliases=(renames[col.name], *col.aliases))
                    if col.name in renames else col for col in spec.columns)
    return replace(spec, columns=columns)


def _read_csv(path: Path) -> pa.Table:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",",
                                        delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    width = max((len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)),
                default=1)
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=lambda row: "skip"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=True, null_values=[""]),
    )


def read_table_file(path: Path, spec: SheetSpec) -> SheetRead | Problem:
    """One CSV or XLSX table (first sheet) shaped to ``spec``; a Problem when unusable."""
    if path.suffix.lower() == ".csv":
        try:
            raw = _read_csv(path)
        except (OSError, pa.ArrowInvalid) as exc:
            return Problem("DAMAGED", f"the CSV file cannot be read ({exc}).")
        return shape_table(spec, raw, 1, path.name)
    verdict = sniff(path)
    if not verdict.ok:
        return Problem(verdict.code or "NOT_A_WORKBOOK", verdict.message)
    try:
        reader = fastexcel.read_excel(str(path))
        raw, absolute = read_raw_sheet(reader, reader.sheet_names[0])
    except Exception as exc:  # calamine raises several unrelated types
        return Problem("DAMAGED", f"the workbook cannot be opened ({exc}).")
    return shape_table(spec, raw, 1, path.name, absolute)


def find_table_file(folder: Path, stem: str) -> Path | None:
    """``<folder>/<stem>.csv|.xlsx|.xlsm`` (case-insensitive), first in name order."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if (path.is_file() and path.stem.casefold() == stem
                and path.suffix.lower() in TABLE_EXTENSIONS and not path.name.startswith((".", "~$"))):
            return path
    return None
