"""The one error type pages show: a human message, never a traceback (harlequin style)."""
from __future__ import annotations


class HubDataError(Exception):
    """Something about the data folder or the dashboard's own files that a person must fix.

    ``str(error)`` is a complete sentence naming the file or folder and what to do.
    """
