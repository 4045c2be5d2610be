"""The one error type pages show: a human message, never a traceback (harlequin style)."""
from __future__ import annotations


class HubDataError(Exception):
    """Something about the data folder or the dashboard's own files that a person must fix.

    ``str(error)`` is a complete sentence naming the file or folder and what to do.
    """


def missing_folder(folder: object) -> HubDataError:
    """The error for a data folder that is not there (the same words wherever it is found)."""
    return HubDataError(f"The data folder {folder} does not exist or is not a folder. "
                        "Check HUB_DATA_DIR or the folder chosen in the sidebar.")
