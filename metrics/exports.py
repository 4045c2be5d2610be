"""Downloads people take away (ui.md, "Tables and downloads"): XLSX with a sheet per table
(frozen header, autofilter, widths set) and CSV, every text cell formula-safe.

Pure: frames in, bytes out (the page hands them to ``st.download_button``); nothing is written
to disk. A text cell that a spreadsheet would read as a formula (first character ``=``, ``+``,
``-``, ``@``, tab or carriage return) gets a leading apostrophe; numbers stay numbers.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import Any, Mapping

import pandas as pd
import xlsxwriter

from metrics.formatting import day, moment

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


def safe_text(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are formula-safe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_text)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def file_name(what: str, as_of: dt.date, extension: str) -> str:
    """``motors-backlog-2026-06-15.xlsx``: what and as of when, lower-case, dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", what.casefold()).strip("-") or "export"
    return f"{slug}-{as_of.isoformat()}.{extension}"


def stamp(as_of: dt.date, loaded_at: dt.datetime | None) -> str:
    """What every export and pack is stamped with: ``as of 15 Jul 2026 · data loaded
    15 Jul 2026, 09:12`` (the as-of date and when the data was loaded)."""
    return f"as of {day(as_of)} · data loaded {moment(loaded_at)}"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it with the right characters), formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", name).strip()[:31] or "Sheet"
    candidate, k = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({k})"
        candidate, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(candidate.casefold())
    return candidate


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars
    if isinstance(value, (list, tuple, set, dict)):
        return safe_text(", ".join(map(str, value)) if not isinstance(value, dict)
                         else ", ".join(f"{k}: {v}" for k, v in value.items()))
    return safe_text(value)


def to_xlsx(sheets: Mapping[str, pd.DataFrame], *, title: str | None = None,
            stamp: str | None = None) -> bytes:
    """One workbook, a sheet per table: bold frozen header, autofilter, column widths from
    the contents, dates formatted ``dd mmm yyyy``. ``title`` and ``stamp`` (e.g. "as of 15 Jun
    2026 · data loaded 15 Jun 2026 09:12") go in two lines above each table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    header = book.add_format({"bold": True, "bg_color": "#e5e7eb", "border": 1})
    heading = book.add_format({"bold": True, "font_size": 14})
    date_format = book.add_format({"num_format": "dd mmm yyyy"})
    moment_format = book.add_format({"num_format": "dd mmm yyyy hh:mm"})
    taken: set[str] = set()
    for name, frame in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name, taken))
        top = 0
        if title or stamp:
            sheet.write_string(0, 0, safe_text(title or name), heading)
            if stamp:
                sheet.write_string(1, 0, safe_text(stamp))
            top = 3
        columns = [str(c) for c in frame.columns]
        for c, column in enumerate(columns):
            sheet.write_string(top, c, safe_text(column), header)
        widths = [len(column) + 2 for column in columns]
        for r, row in enumerate(frame.itertuples(index=False), start=top + 1):
            for c, raw in enumerate(row):
                value = _cell(raw)
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, moment_format if (
                        value.hour or value.minute or value.second) else date_format)
                    shown = 17
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                    shown = 11
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                    shown = 5
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                    shown = len(f"{value:,.2f}")
                else:
                    sheet.write_string(r, c, str(value))
                    shown = len(str(value))
                widths[c] = max(widths[c], min(shown + 2, MAX_WIDTH))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(top + 1, 0)
        if columns:
            sheet.autofilter(top, 0, top + max(len(frame), 1), len(columns) - 1)
    book.close()
    return buffer.getvalue()
