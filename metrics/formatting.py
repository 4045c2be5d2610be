"""How numbers, dates and sizes read on screen (ui.md, "Numbers, dates, names").

Pure functions used by pages and charts so every page writes ``₦1,250,000``, ``58 %`` and
``15 Jun 2026`` the same way.
"""
from __future__ import annotations

import datetime as dt
import math

MB = 1024 * 1024


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def naira(amount: float | None) -> str:
    """``₦1,250,000`` (whole naira, thousands separators); a dash when unknown."""
    if _missing(amount):
        return "–"
    sign = "−" if amount < 0 else ""
    return f"{sign}₦{abs(amount):,.0f}"


def naira_compact(amount: float | None) -> str:
    """``₦1.25 M`` / ``₦850 k`` / ``₦2.1 bn`` for tiles."""
    if _missing(amount):
        return "–"
    sign, value = ("−" if amount < 0 else ""), abs(amount)
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{sign}₦{value / size:,.3g} {suffix}"
    return f"{sign}₦{value:,.0f}"


def percent(ratio: float | None, decimals: int = 0) -> str:
    """A fraction as a percentage: ``0.58`` → ``58 %``; a dash when there is nothing."""
    if _missing(ratio):
        return "–"
    return f"{ratio * 100:.{decimals}f} %"


def day(value: dt.date | dt.datetime | None) -> str:
    """``15 Jun 2026``."""
    if value is None:
        return "–"
    return f"{value.day} {value:%b %Y}"


def moment(value: dt.datetime | None) -> str:
    """``15 Jun 2026, 14:05``."""
    if value is None:
        return "–"
    return f"{day(value)}, {value:%H:%M}"


def megabytes(size_bytes: float | None) -> str:
    """File size in MB (1 MB = 1,048,576 bytes), one decimal; small files in kB."""
    if _missing(size_bytes):
        return "–"
    if size_bytes < 0.1 * MB:
        return f"{size_bytes / 1024:,.0f} kB"
    return f"{size_bytes / MB:,.1f} MB"
