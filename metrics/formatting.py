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


def kpi_value(value: float | None, unit: str) -> str:
    """A KPI value the way its unit reads (registry units): ``58 %``, ``3.9 h``, ``78 days``,
    ``77``, ``4.6``, ``+17 %`` (a change against last year), ``4.8`` (per distributor). A
    rate above 0 that rounds to 0 reads ``< 1 %`` (and one below 1 that rounds to 100,
    ``> 99 %``): a tile never shows a zero that is not one."""
    if _missing(value):
        return "–"
    if unit == "ratio":
        # Whole percent, but never a rounded 0 % or 100 % that is not one (3 of 1,255).
        shown = percent(value)
        if shown == "0 %" and value > 0:
            return "< 1 %"
        if shown == "100 %" and value < 1:
            return "> 99 %"
        return shown
    if unit == "change":
        return f"{value * 100:+.0f} %".replace("-", "−")
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "days":
        return f"{value:.0f} days"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.1f}"


def kpi_target(target: float | None, direction: str, unit: str) -> str:
    """``target ≥ 60 %`` / ``target < 4.0 h``; "no target" for a KPI without one."""
    if target is None:
        return "no target"
    sign = "≥" if direction == "higher" else "<"
    return f"target {sign} {kpi_value(target, unit)}"


def wilson_interval(successes: float, trials: float, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a rate (for small numbers: "45–94 %", never a
    verdict from 1 of 2). ``trials`` must be positive."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)
