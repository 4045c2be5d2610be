"""Sign-in with an identity provider (st.login / st.user, OIDC): a signed-out visitor sees only
the sign-in button; a signed-in e-mail gets the role the roles file gives it (unknown e-mails
the default), which the sidebar names and every page enforces. Streamlit's ``st.user`` is
replaced by a stand-in: the OIDC round trip itself is Streamlit's and needs a real provider."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from pages._common import md_escape
from tests.conftest import ROOT, run_page

PAGE = ROOT / "pages" / "crm_readiness.py"


class _User:
    """What ``st.user`` offers the app: ``is_logged_in``, ``get`` and ``to_dict``."""

    def __init__(self, email: str | None) -> None:
        self.email = email
        self.is_logged_in = email is not None

    def get(self, key: str, default=None):  # noqa: ANN001, ANN201 - st.user's signature
        return self.email if key == "email" else default

    def to_dict(self) -> dict:
        return {"is_logged_in": self.is_logged_in, "email": self.email}


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    roles = tmp_path / "roles.toml"
    roles.write_text('default = "viewer"\n'
                     '[users."ngozi.obi@mikano.example"]\nrole = "division_lead"\n'
                     'division = "Motors"\n'
                     '[users."kemi.steward@mikano.example"]\nrole = "steward"\n',
                     encoding="utf-8")
    monkeypatch.setenv("HUB_ROLES_FILE", str(roles))

    def as_user(email: str | None) -> None:
        monkeypatch.setattr(st, "user", _User(email))
    return as_user


def _captions(at) -> str:  # noqa: ANN001
    return " ".join(c.value for c in at.sidebar.caption)


def test_a_signed_out_visitor_sees_only_the_sign_in(signed_in) -> None:
    signed_in(None)
    at = run_page(PAGE)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe   # nothing of the data


@pytest.mark.parametrize("email, label, forms", [
    ("ngozi.obi@mikano.example", "Division lead · Motors", ["Requirement"]),
    ("kemi.steward@mikano.example", "Data steward", ["Steward hours", "Open time"]),
    ("someone.else@mikano.example", "Viewer", []),
])
def test_the_roles_file_decides_what_a_signed_in_person_may_do(
        signed_in, email: str, label: str, forms: list[str]) -> None:
    signed_in(email)
    at = run_page(PAGE)
    assert not at.exception
    assert f"Signed in as {md_escape(email)}" in _captions(at)
    assert label in _captions(at)
    assert any(b.label == "Sign out" for b in at.sidebar.button)
    assert [t.label for t in at.tabs] == forms
    assert "Local single-user mode" not in _captions(at)


def test_without_a_provider_the_app_is_local_admin() -> None:
    at = run_page(PAGE)
    assert "Local single-user mode: you are admin" in _captions(at)
    assert not any(b.label == "Sign out" for b in at.sidebar.button)
