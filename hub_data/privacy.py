"""Masking of e-mails and phone numbers for viewers and meeting mode (ui.md, Numbers).

Pure functions over values and frames, so every page and every export masks the same way:
``adaeze@lekki.ng.example`` → ``a•••@lekki…`` and ``0803 123 4567`` → ``0803 ••• 4567``.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

DOT = "•••"
EMAIL_COLUMNS = ("email", "Email")
PHONE_COLUMNS = ("mobile", "main_phone", "Mobile Number", "Main Phone Number", "phone")


def mask_email(value: object) -> object:
    """``a•••@domain…``: first letter and the domain's first label; blanks stay blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return value
    text = str(value).strip()
    local, at, domain = text.partition("@")
    if not at:
        return f"{text[:1]}{DOT}"
    return f"{local[:1]}{DOT}@{domain.split('.')[0]}…"


def mask_phone(value: object) -> object:
    """Keep the first four and last four digits (``0803 ••• 4567``; ``+234 803 ••• 4567``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return value
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 8:
        return DOT
    if text.startswith("+") or digits.startswith("234"):
        return f"+{digits[:3]} {digits[3:6]} {DOT} {digits[-4:]}"
    return f"{digits[:4]} {DOT} {digits[-4:]}"


def mask_frame(frame: pd.DataFrame, emails: Iterable[str] = EMAIL_COLUMNS,
               phones: Iterable[str] = PHONE_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` with its e-mail and phone columns masked (the input is not changed)."""
    masked = frame.copy()
    for column in masked.columns:
        if column in emails:
            masked[column] = masked[column].map(mask_email)
        elif column in phones:
            masked[column] = masked[column].map(mask_phone)
    return masked
