"""Snapshots of the loaded Hub tables taken when a review meeting is recorded (issue 8).

Each recorded review keeps the four Hub tables as they were loaded at that moment
(accounts, contacts, interactions, staff: every typed column, with the row keys
interaction_id / account_id / contact_id / name and the row's source_file / source_row) as
Parquet files in ``<state_dir>/reviews/<held_on>-<division-slug>-<timestamp>/`` with a
``manifest.json`` (division, held_on, saved_at, the sources' digest, row counts). The
"what changed since the last review" view compares the current load with one of them.

Writes are atomic: the files go into a hidden temporary folder beside the final one, are
fsynced, and the folder is renamed into place with ``os.replace``; a failure removes the
temporary folder, so a half-written snapshot is never listed. Only this module opens the
snapshot files (hub_data is the only layer that touches files).
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from hub_data.errors import HubDataError

REVIEWS_DIR = "reviews"
MANIFEST = "manifest.json"
SNAPSHOT_TABLES = ("accounts", "contacts", "interactions", "staff")
_TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class ReviewSnapshot:
    """One saved snapshot: its folder and what its manifest says."""

    path: Path
    division: str
    held_on: dt.date
    saved_at: dt.datetime
    counts: dict[str, int]
    signature: str | None = None


def slug(text: str) -> str:
    """A file-name-safe lower-case form of a division name (``GRAS Restaurant`` →
    ``gras-restaurant``); never empty."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "division"


def _os_message(exc: OSError, folder: Path, doing: str) -> str:
    """A sentence for people about an OS error while ``doing`` something in ``folder``."""
    if exc.errno == errno.ENOSPC:
        return (f"The review snapshot could not be {doing}: the disk holding {folder} is "
                "full. Free some space there and record the review again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"The review snapshot could not be {doing}: the dashboard may not write to "
                f"{folder} (permission denied). Ask the administrator to give it write access "
                "to the state folder, or set HUB_STATE_DIR to a folder it may write to.")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"The review snapshot could not be {doing} in {folder} ({reason})."


def _fsync_path(path: Path) -> None:
    """fsync a file or folder; best effort for folders (some file systems refuse it)."""
    flags = os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        if path.is_dir():
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not path.is_dir():
            raise
    finally:
        os.close(fd)


def _source_digest(cur: duckdb.DuckDBPyConnection) -> str | None:
    """A cheap signature of the data behind the load: the sha1 of the ``files`` table's
    names, sizes and modification times; None when the connection has no such table."""
    try:
        rows = cur.execute("""SELECT file, size_bytes, CAST(modified_at AS VARCHAR)
                              FROM files ORDER BY file""").fetchall()
    except duckdb.Error:
        return None
    return hashlib.sha1(repr(rows).encode()).hexdigest()


def _tables(cur: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """The four Hub tables, every column, in load order (row_id)."""
    return {table: cur.sql(f"SELECT * FROM {table} ORDER BY row_id").to_arrow_table()
            for table in SNAPSHOT_TABLES}


def save_review_snapshot(con: duckdb.DuckDBPyConnection, state_dir: Path | str, *,
                         division: str, held_on: dt.date) -> Path:
    """Write the loaded Hub tables of ``con`` as a review snapshot of ``division`` held on
    ``held_on``; returns the snapshot's folder. Atomic (see the module docstring); raises
    HubDataError with a message for people when the state folder cannot be written."""
    cur = con.cursor()
    try:
        tables = _tables(cur)
        signature = _source_digest(cur)
    except duckdb.Error as exc:
        raise HubDataError(f"The review snapshot could not be taken: the loaded data could "
                           f"not be read ({exc}). Reload the data and try again.") from exc
    finally:
        cur.close()
    saved_at = dt.datetime.now().replace(microsecond=0)
    root = Path(state_dir) / REVIEWS_DIR
    stamp = saved_at.strftime("%Y%m%dT%H%M%S")
    name = f"{held_on.isoformat()}-{slug(division)}-{stamp}"
    manifest = {"division": division, "held_on": held_on.isoformat(),
                "saved_at": saved_at.isoformat(), "signature": signature,
                "counts": {table: rows.num_rows for table, rows in tables.items()},
                "tables": {table: f"{table}.parquet" for table in tables}}
    temp = root / f"{_TEMP_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        temp.mkdir()
        for table, rows in tables.items():
            path = temp / f"{table}.parquet"
            pq.write_table(rows, path)
            _fsync_path(path)
        manifest_path = temp / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _fsync_path(manifest_path)
        _fsync_path(temp)
        target, counter = root / name, 1
        while target.exists():
            counter += 1
            target = root / f"{name}-{counter}"
        os.replace(temp, target)
        _fsync_path(root)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise HubDataError(_os_message(exc, root, "saved")) from exc
    except (pa.ArrowException, ValueError) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise HubDataError(f"The review snapshot could not be saved in {root} ({exc}).") from exc
    return target


def _snapshot(folder: Path) -> ReviewSnapshot | None:
    """The snapshot in ``folder``, or None when its manifest is missing or not valid."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        counts = {str(k): int(v) for k, v in data["counts"].items()}
        if not all((folder / f"{table}.parquet").is_file() for table in SNAPSHOT_TABLES):
            return None
        return ReviewSnapshot(folder, str(data["division"]),
                              dt.date.fromisoformat(data["held_on"]),
                              dt.datetime.fromisoformat(data["saved_at"]), counts,
                              data.get("signature"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def list_review_snapshots(state_dir: Path | str,
                          division: str | None = None) -> list[ReviewSnapshot]:
    """The saved snapshots (of ``division`` only, when given), oldest first, newest last
    (by held_on, then saved_at). Folders without a valid manifest, and temporary folders of
    a save in progress or interrupted, are skipped."""
    root = Path(state_dir) / REVIEWS_DIR
    try:
        folders = [p for p in root.iterdir()
                   if p.is_dir() and not p.name.startswith(".")]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise HubDataError(_os_message(exc, root, "listed")) from exc
    found = [s for s in map(_snapshot, folders) if s is not None
             and (division is None or s.division == division)]
    return sorted(found, key=lambda s: (s.held_on, s.saved_at, s.path.name))


def read_review_snapshot(snapshot: ReviewSnapshot) -> dict[str, pa.Table]:
    """The snapshot's tables (accounts, contacts, interactions, staff) as Arrow tables."""
    tables = {}
    for table in SNAPSHOT_TABLES:
        path = snapshot.path / f"{table}.parquet"
        try:
            tables[table] = pq.read_table(path)
        except OSError as exc:
            raise HubDataError(_os_message(exc, snapshot.path, "read")) from exc
        except (pa.ArrowException, ValueError) as exc:
            raise HubDataError(f"The review snapshot file {path} cannot be read ({exc}); "
                               "pick another review to compare with.") from exc
    return tables
