"""Read, normalise, validate and load the Hub data folder into DuckDB (never imports streamlit).

Public API:
- :func:`load_settings` resolves the data folder and its settings.toml into a frozen Settings;
- :func:`build_database` loads a folder into a DuckDB snapshot and returns a LoadedHub;
- :class:`HubLoader` holds the current snapshot of a folder and reloads it when files change;
- :class:`HubDataError` carries a message for people, shown by pages with ``st.error``.
"""
from __future__ import annotations

import os
from pathlib import Path

from hub_data.cache import HubLoader, LoadedHub
from hub_data.errors import HubDataError
from hub_data.load import Progress
from hub_data.settings import Settings, load_settings

__all__ = ["HubDataError", "HubLoader", "LoadedHub", "Settings", "build_database",
           "load_settings"]


def build_database(folder: str | os.PathLike[str] | None = None,
                   progress: Progress | None = None) -> LoadedHub:
    """Load ``folder`` (default: HUB_DATA_DIR, else the demo) through the snapshot cache."""
    return HubLoader(Path(folder) if folder else None).get(progress)
