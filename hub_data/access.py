"""Roles of ui.md (viewer, division lead, steward, admin) and what each may see and record.

With an identity provider configured (Streamlit ``st.login``), the signed-in e-mail is looked
up in a roles file kept outside the data folder (``HUB_ROLES_FILE``, default
``.streamlit/roles.toml`` beside the OIDC secrets; gitignored):

```toml
default = "viewer"            # anyone signed in but not listed
[users."ngozi.obi@mikano.example"]
role = "division_lead"
division = "Motors"
[users."pbi.lead@mikano.example"]
role = "admin"
```
Without a provider the app runs in local single-user mode, which is admin (and says so).
The page glue (pages/_common.py) reads ``st.user``; everything here is plain Python.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hub_data.errors import HubDataError
from hub_data.settings import ROOT

VIEWER, DIVISION_LEAD, STEWARD, ADMIN = "viewer", "division_lead", "steward", "admin"
ROLES = (VIEWER, DIVISION_LEAD, STEWARD, ADMIN)
ROLE_LABELS = {VIEWER: "Viewer", DIVISION_LEAD: "Division lead", STEWARD: "Data steward",
               ADMIN: "Admin (P&BI)"}
ROLES_FILE_ENV = "HUB_ROLES_FILE"


@dataclass(frozen=True)
class Role:
    """Who is looking: the role, the division a lead leads, and whether this is local mode."""

    name: str
    division: str | None = None
    email: str | None = None
    local: bool = False

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.name]
        return f"{base} · {self.division}" if self.division else base

    def sees_contacts(self, division: str | None = None) -> bool:
        """Unmasked e-mails and phones: admins, stewards, and a lead for their division."""
        if self.name in (ADMIN, STEWARD):
            return True
        return self.name == DIVISION_LEAD and division is not None and division == self.division

    def sees_people_rates(self) -> bool:
        """Per-person error rates (the coaching view) are not for viewers."""
        return self.name != VIEWER

    def may_record(self, what: str, division: str | None = None) -> bool:
        """``what``: 'meeting', 'decision', 'requirement' (leads, own division),
        'steward_hours', 'open_time' (stewards), 'backup' and 'settings' (admins only)."""
        if self.name == ADMIN:
            return True
        if self.name == DIVISION_LEAD:
            return what in ("meeting", "decision", "requirement") and division == self.division
        if self.name == STEWARD:
            return what in ("steward_hours", "open_time")
        return False

    def may_change_data_folder(self) -> bool:
        return self.name == ADMIN


LOCAL_ADMIN = Role(ADMIN, local=True)


@dataclass(frozen=True)
class RoleMap:
    """The parsed roles file: e-mail (case-folded) → (role, division), and the default."""

    users: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    default: str = VIEWER

    def role_for(self, email: str | None) -> Role:
        """The role of a signed-in user; unknown or missing e-mails get the default role."""
        key = (email or "").strip().casefold()
        name, division = self.users.get(key, (self.default, None))
        return Role(name, division, email)


def roles_file() -> Path:
    """``HUB_ROLES_FILE``, else ``.streamlit/roles.toml`` in the app folder."""
    return Path(os.environ.get(ROLES_FILE_ENV) or ROOT / ".streamlit" / "roles.toml")


def load_role_map(path: Path | None = None) -> RoleMap:
    """Read the roles file; a missing file means everyone signed in is a viewer.

    Raises HubDataError naming the file and entry when the file is unreadable or wrong.
    """
    path = path or roles_file()
    if not path.is_file():
        return RoleMap()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise HubDataError(f"The roles file {path.name} cannot be read ({exc}).") from exc
    default = data.get("default", VIEWER)
    if default not in ROLES:
        raise HubDataError(f"{path.name}: default = {default!r} is not one of {', '.join(ROLES)}.")
    users: dict[str, tuple[str, str | None]] = {}
    for email, entry in (data.get("users") or {}).items():
        role = entry.get("role") if isinstance(entry, dict) else None
        division = entry.get("division") if isinstance(entry, dict) else None
        if role not in ROLES:
            raise HubDataError(f"{path.name}: users.{email!r} has role {role!r}; use one of "
                               f"{', '.join(ROLES)}.")
        if role == DIVISION_LEAD and not division:
            raise HubDataError(f"{path.name}: users.{email!r} is a division_lead without a "
                               "division = \"…\".")
        users[email.strip().casefold()] = (role, division)
    return RoleMap(users, default)
