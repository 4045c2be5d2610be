"""settings.toml: one frozen Settings; every wrong key is a message naming file, key and value."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from hub_data.settings import DEMO_DIR, load_settings, resolve_data_dir, default_state_dir


def _settings(tmp_path: Path, text: str):
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path)


def test_defaults_without_a_settings_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.as_of is None and settings.date_order == "DMY" and settings.min_n == 10
    assert settings.thresholds.file_size_mb == 100 and settings.thresholds.open_time_s == 10
    assert settings.thresholds.steward_hours == 2 and settings.problems == ()
    assert settings.as_of_or(dt.date(2030, 1, 2)) == dt.date(2030, 1, 2)


def test_full_settings_are_read(tmp_path: Path) -> None:
    settings = _settings(tmp_path, """
as_of = 2026-06-15
date_order = "MDY"
[divisions.Motors]
pilot_start = 2026-03-04
targets = { inquiry_to_quote_rate = 0.65 }
[thresholds]
file_size_mb = 80
[display]
min_n = 5
""")
    assert settings.as_of == dt.date(2026, 6, 15)
    assert settings.date_order == "MDY" and settings.min_n == 5
    assert settings.pilot_start("Motors") == dt.date(2026, 3, 2)  # the Monday of its week
    assert settings.target("Motors", "inquiry_to_quote_rate", 0.6) == 0.65
    assert settings.target("Power", "inquiry_to_quote_rate", 0.6) == 0.6
    assert settings.thresholds.file_size_mb == 80 and settings.thresholds.open_time_s == 10
    assert settings.problems == ()


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.min_n = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.divisions["X"] = None  # type: ignore[index]


@pytest.mark.parametrize(("text", "key", "value"), [
    ('as_of = "15/06/2026"', "as_of", "'15/06/2026'"),
    ('as_of = 2026', "as_of", "2026"),
    ('date_order = "YMD"', "date_order", "'YMD'"),
    ("[thresholds]\nfile_size_mb = \"big\"", "thresholds.file_size_mb", "'big'"),
    ("[thresholds]\nopen_time_s = -1", "thresholds.open_time_s", "-1"),
    ("[display]\nmin_n = 0", "display.min_n", "0"),
    ("[divisions.Motors]\npilot_start = \"soon\"", "divisions.Motors.pilot_start", "'soon'"),
    ("[divisions.Motors]\ntargets = { not_a_kpi = 1 }", "divisions.Motors.targets.not_a_kpi",
     "'not_a_kpi'"),
    ("[divisions.Motors]\ntargets = { adoption_rate = \"high\" }",
     "divisions.Motors.targets.adoption_rate", "'high'"),
    ("state_dir = 5", "state_dir", "5"),
    ("as_of = 2026-06-15\nthis is not toml", "(file)", "'settings.toml'"),
])
def test_each_wrong_key_is_one_problem_naming_file_key_value(tmp_path: Path, text: str,
                                                            key: str, value: str) -> None:
    settings = _settings(tmp_path, text)
    assert [(p.file, p.key, p.value) for p in settings.problems] == [("settings.toml", key, value)]
    assert settings.problems[0].message


def test_a_wrong_key_leaves_the_others_applied(tmp_path: Path) -> None:
    settings = _settings(tmp_path, 'as_of = 2026-06-15\ndate_order = "YMD"\n[display]\nmin_n = 7')
    assert settings.as_of == dt.date(2026, 6, 15) and settings.min_n == 7
    assert settings.date_order == "DMY" and len(settings.problems) == 1


def test_data_dir_order_flag_then_env_then_demo(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.delenv("HUB_DATA_DIR")
    assert resolve_data_dir() == DEMO_DIR
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_state_dir_never_inside_the_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HUB_STATE_DIR")
    assert DEMO_DIR.resolve() not in default_state_dir(DEMO_DIR).resolve().parents
    assert default_state_dir(tmp_path) == tmp_path / ".dashboard"
    assert default_state_dir(tmp_path, "/elsewhere") == Path("/elsewhere")
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "s"))
    assert default_state_dir(DEMO_DIR) == tmp_path / "s"


def test_demo_settings_pin_the_as_of_date() -> None:
    settings = load_settings(DEMO_DIR)
    assert settings.as_of is not None and settings.problems == ()
