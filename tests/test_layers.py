"""The three layers' imports point one way (architecture.md rule 1)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


LIBRARY_FILES = sorted((ROOT / "metrics").rglob("*.py")) + sorted((ROOT / "hub_data").rglob("*.py"))


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_metrics_and_hub_data_never_import_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", sorted((ROOT / "hub_data").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_hub_data_does_not_import_metrics_or_pages(path: Path) -> None:
    assert not _imports(path) & {"metrics", "pages"}


def test_library_files_were_found() -> None:
    # Guards the two tests above against silently checking nothing.
    assert len(LIBRARY_FILES) >= 10


def test_demo_folder_holds_no_code() -> None:
    assert not list((ROOT / "hub_data" / "demo").rglob("*.py"))
