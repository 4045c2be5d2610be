"""What the load found: per-file status, rows per table, load problems and findings by code.

Feeds the Data status page and the sidebar badge. Everything is counted from the loader's
``files``, ``load_problems`` and ``findings`` tables; nothing is re-validated here.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from hub_data.contract import ENTRY_ERROR_CODES
from hub_data.database import table_counts
from hub_data.drift import KIND_LABELS
from metrics.inputs import fetch_frame


@dataclass(frozen=True)
class LoadSummary:
    """Counts for the badge: files by status, load problems, findings by severity."""

    files_loaded: int
    files_failed: int
    files_skipped: int
    load_problems: int
    errors: int
    warnings: int


def load_summary(con: duckdb.DuckDBPyConnection) -> LoadSummary:
    """Files by status, the number of load problems and of findings by severity."""
    status = dict(con.execute("SELECT status, count(*) FROM files GROUP BY ALL").fetchall())
    problems = con.execute("SELECT count(*) FROM load_problems").fetchone()[0]
    severity = dict(con.execute("SELECT severity, count(*) FROM findings GROUP BY ALL").fetchall())
    return LoadSummary(status.get("loaded", 0), status.get("failed", 0), status.get("skipped", 0),
                       problems, severity.get("error", 0), severity.get("warning", 0))


def file_overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per file: status, kind, size, modified, seconds, sheets found and rows loaded,
    problem message, its errors/warnings and its differences from the master template
    (``drift``); failed files first, then by name."""
    return fetch_frame(con, """
        WITH counts AS (
          SELECT file, count(*) FILTER (severity = 'error') AS errors,
                 count(*) FILTER (severity = 'warning') AS warnings
          FROM findings GROUP BY file)
        SELECT f.file, f.status, f.kind, f.size_bytes, f.modified_at, f.seconds,
               array_to_string(list_sort(map_keys(f.sheets)), ', ') AS sheets,
               coalesce(list_sum(map_values(f.sheets)), 0) AS rows,
               f.message, coalesce(c.errors, 0) AS errors, coalesce(c.warnings, 0) AS warnings,
               (SELECT count(*) FROM drift d WHERE d.file = f.file) AS drift
        FROM files f LEFT JOIN counts c USING (file)
        ORDER BY f.status = 'failed' DESC, f.file""")


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each loaded table, as ``python -m hub_data check`` reports them."""
    return table_counts(con)


def load_problems(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load problem: file, code, message."""
    return fetch_frame(con, "SELECT file, code, message FROM load_problems ORDER BY file, code")


def findings_by_code(con: duckdb.DuckDBPyConnection, file: str | None = None) -> pd.DataFrame:
    """Findings per (code, severity), with the table they are in, the number of files and an
    example message; entry errors flagged; most frequent first. ``file`` narrows to one file."""
    frame = fetch_frame(con, """
        SELECT code, severity, "table", count(*) AS findings,
               count(DISTINCT file) AS files, min(message) AS example
        FROM findings WHERE $file IS NULL OR file = $file
        GROUP BY ALL ORDER BY severity, findings DESC, code""", {"file": file})
    frame.insert(1, "entry_error", frame["code"].isin(ENTRY_ERROR_CODES))
    return frame


DRIFT_COLUMNS = ["file", "division", "kind", "change", "sheet", "found", "master", "message"]


def template_drift(con: duckdb.DuckDBPyConnection, file: str | None = None) -> pd.DataFrame:
    """Every difference between a loaded Hub workbook and the master template (the loader's
    ``drift`` table, hub_data/drift.py), in the order found per file; ``file`` narrows to one.

    Columns :data:`DRIFT_COLUMNS`: ``change`` is the kind in words; ``division`` is the
    workbook's division — the Division most of its accounts carry (ties: first in name
    order), None for a workbook without accounts — so a change request goes to the division
    that made the change.
    """
    frame = fetch_frame(con, """
        WITH owners AS (
          SELECT source_file AS file, division FROM accounts WHERE division IS NOT NULL
          GROUP BY source_file, division
          QUALIFY row_number() OVER (PARTITION BY source_file
                                     ORDER BY count(*) DESC, division) = 1)
        SELECT d.file, o.division, d.kind, d.sheet, d.found, d.master, d.message
        FROM drift d LEFT JOIN owners o USING (file)
        WHERE $file IS NULL OR d.file = $file
        ORDER BY d.file, d.position""", {"file": file})
    frame.insert(3, "change", frame["kind"].map(KIND_LABELS).astype(object))
    return frame[DRIFT_COLUMNS]


def drift_words(row: pd.Series | dict) -> str:
    """One difference in a line: "Column added 'Region' (Interactions)"."""
    what = row["found"] if isinstance(row["found"], str) else row["master"]
    where = f" ({row['sheet']}" + (f", {row['master']}" if row["kind"].endswith("list_value")
                                   else "") + ")"
    return f"{KIND_LABELS.get(row['kind'], row['kind'])} '{what}'{where}"


def change_request(row: pd.Series | dict, note: str = "") -> str:
    """The pain point of a template change request for one difference: which workbook, what
    changed and, after a dash, the requester's note (why the division needs it)."""
    text = f"Template change request ({row['file']}): {drift_words(row)}"
    return f"{text} — {note.strip()}" if note.strip() else text
