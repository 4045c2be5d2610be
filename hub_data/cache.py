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
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from hub_data.errors import HubDataError, missing_folder
from hub_data.load import Progress, build_snapshot, source_files
from hub_data.settings import SETTINGS_FILE, Settings, load_settings

LOADER_VERSION = "8"
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


def source_stats(settings: Settings) -> dict[str, tuple[int, int]]:
    """Every source file's (size, mtime in ns) by its path in the folder, the settings file and
    the ERP mapping included: what the signature digests, and what a reload says changed."""
    folder = settings.data_dir
    if not folder.is_dir():
        raise missing_folder(folder)
    stats: dict[str, tuple[int, int]] = {}
    try:
        paths = source_files(folder)
        extra = [folder / "erp" / "mapping.toml", folder / SETTINGS_FILE]
        for path in paths + [p for p in extra if p.is_file() and p not in paths]:
            stat = path.stat()
            stats[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        raise HubDataError(f"The data folder {folder} cannot be read "
                           f"({exc.strerror or exc}).") from exc
    return stats


def _digest(settings: Settings, stats: dict[str, tuple[int, int]]) -> str:
    digest = hashlib.sha1(f"{LOADER_VERSION}|{settings.data_dir.resolve()}".encode())
    for name, (size, mtime) in stats.items():
        digest.update(f"|{name}|{size}|{mtime}".encode())
    return digest.hexdigest()


def signature(settings: Settings) -> str:
    """A digest of every source file's name, size and mtime, the settings and the loader."""
    return _digest(settings, source_stats(settings))


def changed_files(before: dict[str, tuple[int, int]],
                  after: dict[str, tuple[int, int]]) -> list[str]:
    """The files added, removed or changed between two :func:`source_stats`, in name order."""
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


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


@dataclass(frozen=True)
class Reload:
    """A reload under way in the background: what changed, since when, how far it is."""

    signature: str
    changed: tuple[str, ...]
    started: dt.datetime
    fraction: float = 0.0
    text: str = "Starting"


class HubLoader:
    """Holds the current snapshot of one data folder; reloads when the files change.

    ``get()`` waits for a reload; ``get(background=True)`` (the app) returns the snapshot it
    has at once and builds the new one in a thread, so the previous data stays usable while a
    changed workbook is read (``reloading`` says how far it is). Only the very first load
    waits. One build runs at a time; a change made during a build is picked up after it.
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()        # guards the fields below
        self._build_lock = threading.Lock()  # one build at a time
        self._current: LoadedHub | None = None
        self._stats: dict[str, tuple[int, int]] = {}
        self._wanted: tuple[Settings, str, dict[str, tuple[int, int]]] | None = None
        self._worker: threading.Thread | None = None
        self._failed: str | None = None      # a signature whose background build failed
        self.reloading: Reload | None = None
        self.changes: tuple[str, ...] = ()  # what the last reload found changed
        self.last_error: str | None = None

    def get(self, progress: Progress | None = None, *, background: bool = False) -> LoadedHub:
        """The snapshot for the files as they are now (built, or opened from the cache).

        Raises HubDataError only when nothing was ever loaded; otherwise a failed reload
        leaves ``last_error`` set and returns the last good snapshot. With ``background`` and a
        snapshot already loaded, a needed reload starts in a thread and the current snapshot
        is returned at once.
        """
        try:
            settings = load_settings(self.data_dir)
            stats = source_stats(settings)
            sig = _digest(settings, stats)
        except HubDataError as exc:
            return self._failed_with(exc)
        with self._lock:
            current = self._current
            if current is not None and current.signature == sig:
                return current
            if background and current is not None:
                self._start(settings, sig, stats)
                return current
        return self._build(settings, sig, stats, progress)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background reload to finish; True when none is running any more."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return self._worker is None or not self._worker.is_alive()

    @property
    def signature(self) -> str | None:
        """The signature of the snapshot being served (None before the first load)."""
        current = self._current
        return current.signature if current is not None else None

    def _failed_with(self, exc: HubDataError) -> LoadedHub:
        with self._lock:
            if self._current is None:
                raise exc
            self.last_error = str(exc)
            return self._current

    def _build(self, settings: Settings, sig: str, stats: dict[str, tuple[int, int]],
               progress: Progress | None) -> LoadedHub:
        with self._build_lock:
            with self._lock:
                if self._current is not None and self._current.signature == sig:
                    return self._current
            try:
                hub = self._load(settings, sig, progress)
            except HubDataError as exc:
                return self._failed_with(exc)
            with self._lock:
                self.changes = tuple(changed_files(self._stats, stats)) if self._stats else ()
                self._current, self._stats, self.last_error = hub, stats, None
            return hub

    def _start(self, settings: Settings, sig: str, stats: dict[str, tuple[int, int]]) -> None:
        """(Under ``_lock``.) Ask for ``sig`` in the background; start the worker if idle."""
        if sig == self._failed:
            return  # tried and failed: the next change of the files tries again
        self._wanted = (settings, sig, stats)
        if self.reloading is None or self.reloading.signature != sig:
            self.reloading = Reload(sig, tuple(changed_files(self._stats, stats)),
                                    dt.datetime.now())
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="hub-reload", daemon=True)
            self._worker.start()

    def _note(self, fraction: float, text: str) -> None:
        with self._lock:
            if self.reloading is not None:
                self.reloading = replace(self.reloading, fraction=fraction, text=text)

    def _work(self) -> None:
        while True:
            with self._lock:
                if self._wanted is None:
                    self.reloading = None
                    return
                settings, sig, stats = self._wanted
                self._wanted = None
            try:
                hub = self._build(settings, sig, stats, self._note)
                failed = hub.signature != sig
            except Exception as exc:  # never lose a failure in a thread nobody watches
                with self._lock:
                    self.last_error = f"The new data could not be loaded: {exc}"
                failed = True
            with self._lock:
                self._failed = sig if failed else None

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
