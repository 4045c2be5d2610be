"""The signature-keyed load cache and the loader object that holds the current snapshot.

A snapshot is one DuckDB file in ``<state>/cache/``, named by the signature of the sources
(names, sizes and modification times of every file the load reads, plus the loader version).
It is written once (load.py renames it into place) and then only opened read-only, so a new
snapshot is a new file swapped in, never a file rewritten under a reader. When a reload fails,
the loader keeps serving the last good snapshot and reports the error beside it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hub_data.errors import HubDataError, missing_folder
from hub_data.load import Progress, build_snapshot, source_files
from hub_data.settings import SETTINGS_FILE, Settings, load_settings

LOADER_VERSION = "7"
KEEP_SNAPSHOTS = 3


@dataclass(frozen=True)
class LoadedHub:
    """One loaded snapshot: a read-only DuckDB connection and what it was loaded from."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    signature: str
    db_path: Path
    loaded_at: dt.datetime
    seconds: float
    cache: str

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (a DuckDB connection is not shared across threads)."""
        return self.con.cursor()


def signature(settings: Settings) -> str:
    """A digest of every source file's name, size and mtime, the settings and the loader."""
    folder = settings.data_dir
    if not folder.is_dir():
        raise missing_folder(folder)
    digest = hashlib.sha1(f"{LOADER_VERSION}|{folder.resolve()}".encode())
    try:
        paths = source_files(folder)
        extra = [folder / "erp" / "mapping.toml", folder / SETTINGS_FILE]
        for path in paths + [p for p in extra if p.is_file() and p not in paths]:
            stat = path.stat()
            digest.update(f"|{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    except OSError as exc:
        raise HubDataError(f"The data folder {folder} cannot be read "
                           f"({exc.strerror or exc}).") from exc
    return digest.hexdigest()


def _open(path: Path, settings: Settings, sig: str, cache: str) -> LoadedHub:
    con = duckdb.connect(str(path), read_only=True)
    info = dict(con.execute("SELECT key, value FROM load_info").fetchall())
    return LoadedHub(con, settings, sig, path, dt.datetime.fromisoformat(info["loaded_at"]),
                     float(info["seconds"]), cache)


def _prune(cache_dir: Path, keep: Path) -> None:
    snapshots = sorted(cache_dir.glob("hub-*.duckdb"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
    for old in [p for p in snapshots if p != keep][KEEP_SNAPSHOTS - 1:]:
        old.unlink(missing_ok=True)


class HubLoader:
    """Holds the current snapshot of one data folder; reloads when the files change."""

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._current: LoadedHub | None = None
        self.last_error: str | None = None

    def get(self, progress: Progress | None = None) -> LoadedHub:
        """The snapshot for the files as they are now (built, or opened from the cache).

        Raises HubDataError only when nothing was ever loaded; otherwise a failed reload
        leaves ``last_error`` set and returns the last good snapshot.
        """
        with self._lock:
            try:
                settings = load_settings(self.data_dir)
                sig = signature(settings)
                if self._current is not None and self._current.signature == sig:
                    return self._current
                self._current = self._load(settings, sig, progress)
                self.last_error = None
            except HubDataError as exc:
                if self._current is None:
                    raise
                self.last_error = str(exc)
            return self._current

    def _load(self, settings: Settings, sig: str, progress: Progress | None) -> LoadedHub:
        path = settings.state_dir / "cache" / f"hub-{sig[:20]}.duckdb"
        if path.is_file():
            try:
                return _open(path, settings, sig, "warm")
            except (duckdb.Error, KeyError, ValueError):
                path.unlink(missing_ok=True)  # a damaged cache file is rebuilt, never trusted
        build_snapshot(settings, path, progress)
        hub = _open(path, settings, sig, "cold")
        _prune(path.parent, path)
        return hub
