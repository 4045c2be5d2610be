"""Roles of ui.md and the masking helper every page and export uses."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hub_data.access import ADMIN, DIVISION_LEAD, LOCAL_ADMIN, STEWARD, VIEWER, Role, load_role_map
from hub_data.errors import HubDataError
from hub_data.privacy import mask_email, mask_frame, mask_phone


@pytest.mark.parametrize(("value", "masked"), [
    ("adaeze@lekki.ng.example", "a•••@lekki…"),
    ("x@y.example", "x•••@y…"),
    ("not-an-email", "n•••"),
    ("", ""),
    (None, None),
])
def test_mask_email(value: object, masked: object) -> None:
    assert mask_email(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("0803 123 4567", "0803 ••• 4567"),
    ("08031234567", "0803 ••• 4567"),
    ("0805-123-4567", "0805 ••• 4567"),
    ("+234 803 123 4567", "+234 803 ••• 4567"),
    ("2348030000201", "+234 803 ••• 0201"),
    ("12345", "•••"),
    (None, None),
])
def test_mask_phone(value: object, masked: object) -> None:
    assert mask_phone(value) == masked


def test_mask_frame_masks_a_copy() -> None:
    frame = pd.DataFrame({"email": ["ada@x.example"], "mobile": ["0803 123 4567"], "name": ["Ada"]})
    masked = mask_frame(frame)
    assert masked.to_dict("records") == [{"email": "a•••@x…", "mobile": "0803 ••• 4567",
                                          "name": "Ada"}]
    assert frame.loc[0, "email"] == "ada@x.example"


@pytest.mark.parametrize(("role", "division", "contacts_motors", "contacts_power", "meeting_motors",
                          "steward_hours", "folder"), [
    (Role(VIEWER), "Motors", False, False, False, False, False),
    (Role(DIVISION_LEAD, "Motors"), "Motors", True, False, True, False, False),
    (Role(STEWARD), "Motors", True, True, False, True, False),
    (Role(ADMIN), "Motors", True, True, True, True, True),
])
def test_what_each_role_may_see_and_record(role: Role, division: str, contacts_motors: bool,
                                           contacts_power: bool, meeting_motors: bool,
                                           steward_hours: bool, folder: bool) -> None:
    assert role.sees_contacts("Motors") is contacts_motors
    assert role.sees_contacts("Power") is contacts_power
    assert role.may_record("meeting", "Motors") is meeting_motors
    assert role.may_record("steward_hours") is steward_hours
    assert role.may_change_data_folder() is folder


def test_local_mode_is_admin() -> None:
    assert LOCAL_ADMIN.name == ADMIN and LOCAL_ADMIN.local


def test_roles_file_maps_emails_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text('default = "viewer"\n[users."Ngozi.Obi@mikano.example"]\n'
                    'role = "division_lead"\ndivision = "Motors"\n', encoding="utf-8")
    roles = load_role_map(path)
    assert roles.role_for("ngozi.obi@MIKANO.example") == Role(
        DIVISION_LEAD, "Motors", "ngozi.obi@MIKANO.example")
    assert roles.role_for("someone@else.example").name == VIEWER
    assert roles.role_for(None).name == VIEWER


def test_missing_roles_file_means_viewer(tmp_path: Path) -> None:
    assert load_role_map(tmp_path / "none.toml").role_for("a@b.example").name == VIEWER


@pytest.mark.parametrize("text", ['default = "boss"', '[users."a@b.example"]\nrole = "god"',
                                  '[users."a@b.example"]\nrole = "division_lead"', "not toml ["])
def test_wrong_roles_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HubDataError, match="roles.toml"):
        load_role_map(path)
