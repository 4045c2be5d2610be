"""README starts with the two commands, and CI runs exactly the test command."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:bash|sh)\n(.+?)\n```", readme, flags=re.S)


def test_readme_opens_with_run_and_test_commands() -> None:
    run, test = _commands()[:2]
    assert "streamlit run app.py" in run and "requirements.txt" in run
    assert "pytest" in test and "chromium" in test and "requirements-dev.txt" in test


def test_ci_runs_the_readme_test_command_and_nothing_else() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if line.strip() and not line.startswith("#")
             and not line.startswith("set ")]
    assert lines == [_commands()[1]]
