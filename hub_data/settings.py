"""Configuration, resolved once into a frozen :class:`Settings`.

Order (architecture.md rule 12): the ``--data`` flag or ``HUB_DATA_DIR``, then the folder's
``settings.toml`` (stdlib ``tomllib``), then defaults. A wrong setting never stops the load:
it becomes a :class:`SettingProblem` naming the file, the key and the value, and the rest of
the settings still apply (hub-data-contract.md, settings.toml).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from hub_data.contract import DEFAULT_LISTS, KPI_IDS

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "hub_data" / "demo"
SETTINGS_FILE = "settings.toml"
DATA_DIR_ENV = "HUB_DATA_DIR"
STATE_DIR_ENV = "HUB_STATE_DIR"
DATE_ORDERS = ("DMY", "MDY")


@dataclass(frozen=True)
class SettingProblem:
    """A setting that could not be used: where it is, what it holds and what to do."""

    file: str
    key: str
    value: str
    message: str


@dataclass(frozen=True)
class DivisionSettings:
    """``[divisions.<name>]``: the pilot start and KPI target overrides of one division."""

    pilot_start: dt.date | None = None
    targets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Thresholds:
    """``[thresholds]``: the CRM-review triggers of metrics.md."""

    file_size_mb: float = 100.0
    open_time_s: float = 10.0
    steward_hours: float = 2.0


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved and validated; never mutated after loading."""

    data_dir: Path
    state_dir: Path
    as_of: dt.date | None = None
    date_order: str = "DMY"
    divisions: Mapping[str, DivisionSettings] = field(
        default_factory=lambda: MappingProxyType({}))
    thresholds: Thresholds = Thresholds()
    min_n: int = 10
    problems: tuple[SettingProblem, ...] = ()

    @property
    def is_demo(self) -> bool:
        """True when the data folder is the shipped demo."""
        return self.data_dir.resolve() == DEMO_DIR.resolve()

    def as_of_or(self, today: dt.date) -> dt.date:
        """The as-of date: the pinned one, else ``today`` (passed in, never looked up here)."""
        return self.as_of or today

    def pilot_start(self, division: str) -> dt.date | None:
        """The configured pilot start of ``division`` (None: default from the data)."""
        found = self.divisions.get(division)
        return found.pilot_start if found else None

    def target(self, division: str, kpi_id: str, default: float | None) -> float | None:
        """The target for ``kpi_id`` in ``division``: the settings override, else ``default``."""
        found = self.divisions.get(division)
        if found and kpi_id in found.targets:
            return found.targets[kpi_id]
        return default


def resolve_data_dir(flag: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the flag, else ``HUB_DATA_DIR``, else the shipped demo."""
    chosen = flag or os.environ.get(DATA_DIR_ENV) or DEMO_DIR
    return Path(chosen).expanduser()


def user_cache_dir() -> Path:
    """The per-user cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hub-dashboard"


def default_state_dir(data_dir: Path, configured: str | None = None) -> Path:
    """Where the dashboard keeps its cache and store (hub-data-contract.md, the data folder).

    ``HUB_STATE_DIR``, else the ``state_dir`` setting, else ``<data>/.dashboard`` when the
    data folder is writable, else a per-user cache folder. The shipped demo always uses the
    per-user folder, so nothing is ever written into the repository.
    """
    explicit = os.environ.get(STATE_DIR_ENV) or configured
    if explicit:
        return Path(explicit).expanduser()
    resolved = data_dir.resolve()
    per_user = user_cache_dir() / hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
    if resolved == DEMO_DIR.resolve():
        return per_user
    if data_dir.is_dir() and os.access(data_dir, os.W_OK):
        return data_dir / ".dashboard"
    return per_user


class _Reader:
    """Reads keys out of the parsed TOML, recording a problem instead of raising."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[SettingProblem] = []

    def problem(self, key: str, value: object, message: str) -> None:
        self.problems.append(SettingProblem(self.file, key, repr(value), message))

    def date(self, table: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(path, value, f"{path} must be a date like 2026-06-15 (no quotes).")
        return None

    def number(self, table: Mapping[str, Any], key: str, path: str, default: float,
               minimum: float = 0.0) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            self.problem(path, value, f"{path} must be a number ≥ {minimum:g}; using {default:g}.")
            return default
        return float(value)

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, value, f"[{key}] must be a table; it is ignored.")
            return {}
        return value


def _divisions(reader: _Reader, raw: Mapping[str, Any]) -> dict[str, DivisionSettings]:
    result: dict[str, DivisionSettings] = {}
    for name, table in raw.items():
        path = f"divisions.{name}"
        if not isinstance(table, dict):
            reader.problem(path, table, f"[{path}] must be a table; it is ignored.")
            continue
        start = reader.date(table, "pilot_start", f"{path}.pilot_start")
        if start is not None:
            start -= dt.timedelta(days=start.weekday())  # a pilot week starts on Monday
        targets: dict[str, float] = {}
        raw_targets = table.get("targets", {})
        if not isinstance(raw_targets, dict):
            reader.problem(f"{path}.targets", raw_targets, "targets must be a table of KPI ids.")
            raw_targets = {}
        for kpi, value in raw_targets.items():
            key = f"{path}.targets.{kpi}"
            if kpi not in KPI_IDS:
                reader.problem(key, kpi, f"{kpi!r} is not a KPI id of metrics.md; it is ignored.")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                reader.problem(key, value, "a target must be a number (0.6 for 60 %).")
            else:
                targets[kpi] = float(value)
        result[str(name)] = DivisionSettings(start, MappingProxyType(targets))
    return result


def load_settings(data_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Resolve the data folder and read its ``settings.toml`` into a frozen Settings.

    Every wrong key becomes a SettingProblem (file, key, value, message); defaults apply
    to that key only. A missing settings.toml is not a problem: every key is optional.
    """
    folder = resolve_data_dir(data_dir)
    path = folder / SETTINGS_FILE
    reader = _Reader(str(path.name))
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            reader.problem("(file)", path.name, f"settings.toml cannot be read ({exc}); "
                           "defaults are used. Fix the line it names.")
        except OSError as exc:
            reader.problem("(file)", path.name, f"settings.toml cannot be opened ({exc.strerror}).")
    as_of = reader.date(data, "as_of", "as_of")
    order = data.get("date_order", "DMY")
    if not isinstance(order, str) or order.upper() not in DATE_ORDERS:
        reader.problem("date_order", order, 'date_order must be "DMY" or "MDY"; using "DMY".')
        order = "DMY"
    thresholds_raw = reader.table(data, "thresholds")
    thresholds = Thresholds(
        reader.number(thresholds_raw, "file_size_mb", "thresholds.file_size_mb", 100.0),
        reader.number(thresholds_raw, "open_time_s", "thresholds.open_time_s", 10.0),
        reader.number(thresholds_raw, "steward_hours", "thresholds.steward_hours", 2.0),
    )
    display = reader.table(data, "display")
    min_n = int(reader.number(display, "min_n", "display.min_n", 10.0, minimum=1.0))
    divisions = _divisions(reader, reader.table(data, "divisions"))
    state_setting = data.get("state_dir")
    if state_setting is not None and not isinstance(state_setting, str):
        reader.problem("state_dir", state_setting, "state_dir must be a folder path in quotes.")
        state_setting = None
    return Settings(
        data_dir=folder,
        state_dir=default_state_dir(folder, state_setting),
        as_of=as_of,
        date_order=order.upper(),
        divisions=MappingProxyType(divisions),
        thresholds=thresholds,
        min_n=min_n,
        problems=tuple(reader.problems),
    )


def unknown_divisions(settings: Settings, divisions: tuple[str, ...]) -> list[SettingProblem]:
    """Problems for ``[divisions.X]`` tables naming a division that is in no Divisions list."""
    known = set(divisions) or set(DEFAULT_LISTS["divisions"])
    return [SettingProblem(SETTINGS_FILE, f"divisions.{name}", repr(name),
                           f"{name!r} is not in the Divisions list ({', '.join(sorted(known))}); "
                           "its settings are ignored.")
            for name in settings.divisions if name not in known]
