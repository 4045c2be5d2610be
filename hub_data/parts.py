"""The per-file parse cache: what reading one source file produced, kept by its signature.

load.py asks here before parsing a file: a workbook whose path, size and modification time
are unchanged is not parsed again (its text tables come back from Arrow IPC files), so a
change to one workbook re-reads only that workbook. The last good read of each path is also
remembered: when a file turns bad (a half-synced copy, a password added), its last good rows
stay loaded while the problem is shown (hub-data-contract.md, "Bad input").
Layout: ``<state>/parts/<key>/meta.json`` + ``<n>.arrow``, and ``<state>/parts/last_good.json``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from hub_data.workbook import FormulaGap, Problem

PARTS_DIR = "parts"
LAST_GOOD = "last_good.json"
PART_FORMAT = "3"
WRITE_BATCH_ROWS = 65_536


@dataclass
class FileRead:
    """One file's read: its kind, sheets and rows, problems, text tables, formula gaps and,
    for a Hub workbook, its layout."""

    kind: str
    sheets: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    tables: list[tuple[str, str, pa.Table]] = field(default_factory=list)
    formula_gaps: list[FormulaGap] = field(default_factory=list)
    seconds: float = 0.0
    layout: dict | None = None  # a Hub workbook's sheets, headers and lists (drift.py)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class LastGood:
    """The last good read of a path and the modification time of the file it came from."""

    read: FileRead
    modified_at: dt.datetime | None


class PartCache:
    """File reads by signature under ``<state>/parts``; safe to share between builds."""

    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir / PARTS_DIR
        self.used: set[str] = set()

    @staticmethod
    def key(path: Path, relative: str, extra: str = "") -> str:
        """The signature of a file's read: path, size, mtime, reader version and ``extra``
        (e.g. the ERP mapping that shapes its headers)."""
        stat = path.stat()
        text = f"{PART_FORMAT}|{relative}|{stat.st_size}|{stat.st_mtime_ns}|{extra}"
        return hashlib.sha1(text.encode()).hexdigest()[:24]

    def get(self, key: str) -> FileRead | None:
        """The cached read for ``key``, or None (also when the cached copy is unreadable)."""
        folder = self.root / key
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            tables = []
            for n, (table, sheet) in enumerate(meta["tables"]):
                with pa.OSFile(str(folder / f"{n}.arrow"), "rb") as source:
                    tables.append((table, sheet, ipc.open_file(source).read_all()))
        except (OSError, ValueError, KeyError, pa.ArrowException):
            return None
        self.used.add(key)
        return FileRead(meta["kind"], meta["sheets"], [], tables,
                        [FormulaGap(*gap) for gap in meta["formula_gaps"]], 0.0,
                        meta.get("layout"))

    def put(self, key: str, read: FileRead) -> None:
        """Keep a good read (written to a temporary folder, then renamed into place)."""
        self.used.add(key)
        target = self.root / key
        if target.exists() or not read.ok:
            return
        temporary = self.root / f".{key}.{os.getpid()}.tmp"
        try:
            temporary.mkdir(parents=True, exist_ok=True)
            options = ipc.IpcWriteOptions(compression="lz4")
            for n, (_, _, table) in enumerate(read.tables):
                with ipc.new_file(str(temporary / f"{n}.arrow"), table.schema,
                                  options=options) as writer:
                    # In slices: lz4 compresses each batch's buffers into new ones, and a
                    # 1M-row sheet in one batch added 0.1-0.15 GB to the load's peak.
                    writer.write_table(table, max_chunksize=WRITE_BATCH_ROWS)
            meta = {"kind": read.kind, "sheets": read.sheets,
                    "tables": [[table, sheet] for table, sheet, _ in read.tables],
                    "formula_gaps": [[g.sheet, g.row, g.column, g.formula]
                                     for g in read.formula_gaps],
                    "layout": read.layout}
            (temporary / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            shutil.rmtree(temporary, ignore_errors=True)  # a cache miss next time, no more

    def _index(self) -> dict[str, dict[str, str | None]]:
        try:
            return json.loads((self.root / LAST_GOOD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_good(self, relative: str, key: str, modified_at: dt.datetime | None) -> None:
        """Record ``key`` as the last good read of ``relative``."""
        index = self._index()
        entry = {"key": key, "modified_at": modified_at.isoformat() if modified_at else None}
        if index.get(relative) == entry:
            return
        index[relative] = entry
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f".{LAST_GOOD}.{os.getpid()}.tmp"
        try:
            temporary.write_text(json.dumps(index, indent=1), encoding="utf-8")
            os.replace(temporary, self.root / LAST_GOOD)
        except OSError:
            temporary.unlink(missing_ok=True)

    def last_good(self, relative: str) -> LastGood | None:
        """The last good read of ``relative``, if one is still cached."""
        entry = self._index().get(relative)
        if not entry:
            return None
        read = self.get(str(entry["key"]))
        if read is None:
            return None
        modified = entry.get("modified_at")
        return LastGood(read, dt.datetime.fromisoformat(modified) if modified else None)

    def prune(self) -> None:
        """Delete cached reads that neither this build used nor a last-good entry names."""
        if not self.root.is_dir():
            return
        keep = self.used | {str(e["key"]) for e in self._index().values()}
        for folder in self.root.iterdir():
            if folder.is_dir() and not folder.name.startswith(".") and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
