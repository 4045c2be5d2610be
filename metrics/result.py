"""One KPI result shape everywhere (metrics.md, common rules) and the one function that
decides a status.

Every metric function returns a :class:`MetricOutput`: the :class:`KpiResult` the report and
the tiles show, plus the rows behind it (the drill-down), each flagged ``in_numerator`` so a
page never rebuilds the query.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import pandas as pd

Direction = Literal["higher", "lower"]
Status = Literal["on_track", "off_track", "no_data", "info"]
STATUSES: tuple[Status, ...] = ("on_track", "off_track", "no_data", "info")
HIGHER: Direction = "higher"
LOWER: Direction = "lower"
# Float noise (0.1 + 0.7 = 0.7999999999999999) must not flip a status at the target itself.
_TOLERANCE = 1e-9


def status_for(value: float | None, target: float | None, direction: Direction) -> Status:
    """``no_data`` without a value; ``info`` without a target; else on or off track.

    A "higher is better" target is met at the target or above (">80%" is met at 80%); a
    "lower is better" target only strictly below it ("<10%" is missed at 10%).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no_data"
    if target is None:
        return "info"
    if direction == HIGHER:
        return "on_track" if value >= target - _TOLERANCE else "off_track"
    return "on_track" if value < target - _TOLERANCE else "off_track"


@dataclass(frozen=True)
class KpiResult:
    """A KPI as metrics.md defines it; ``id`` keys it and is not part of :meth:`as_dict`."""

    id: str
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int | None
    target: float | None
    direction: Direction
    status: Status

    def as_dict(self) -> dict[str, Any]:
        """The seven keys of the JSON report, plain Python numbers."""
        return {"value": plain_number(self.value), "numerator": plain_number(self.numerator),
                "denominator": plain_number(self.denominator), "n": self.n,
                "target": plain_number(self.target), "direction": self.direction,
                "status": self.status}


def plain_number(number: float | None) -> float | int | None:
    """JSON-ready: None for null or NaN, Python int for integers (numpy ones too), Python
    float else."""
    if number is None:
        return None
    if isinstance(number, numbers.Integral):
        return int(number)
    number = float(number)
    return None if math.isnan(number) else number


def make_result(kpi_id: str, *, value: float | None, n: int | None,
                target: float | None, direction: Direction,
                numerator: float | None = None, denominator: float | None = None) -> KpiResult:
    """A KpiResult whose status comes from :func:`status_for` (never set by hand)."""
    if value is not None and isinstance(value, float) and math.isnan(value):
        value = None
    return KpiResult(kpi_id, value, numerator, denominator, n, target, direction,
                     status_for(value, target, direction))


def ratio_result(kpi_id: str, numerator: int | float, denominator: int | float, *,
                 target: float | None, direction: Direction) -> KpiResult:
    """A rate: value = numerator / denominator, n = denominator; nothing to measure (a zero
    denominator) gives value null with numerator 0 and denominator 0."""
    if not denominator:
        return make_result(kpi_id, value=None, numerator=0, denominator=0, n=0,
                           target=target, direction=direction)
    return make_result(kpi_id, value=numerator / denominator, numerator=numerator,
                       denominator=denominator, n=int(denominator), target=target,
                       direction=direction)


def empty_result(kpi_id: str, *, target: float | None, direction: Direction) -> KpiResult:
    """Nothing measured at all: value, numerator, denominator and n null (``no_data``)."""
    return make_result(kpi_id, value=None, n=None, target=target, direction=direction)


@dataclass(frozen=True)
class MetricOutput:
    """A KPI result and the rows behind it; ``rows`` has a boolean ``in_numerator`` column
    (for a median or mean: whether the row is measured) and whatever the page shows."""

    result: KpiResult
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"in_numerator": []}))


# ------------------------------------------------------------ results from a KPI's rows
# A KPI whose result follows from its rows alone (each row's verdict does not depend on the
# window, only on T) declares one of these: the trend then runs the KPI once over all its
# windows and takes each window's result from that window's rows (metrics.registry.trend).
def rows_ratio(kpi_id: str, rows: pd.DataFrame, *, target: float | None,
               direction: Direction) -> KpiResult:
    """A rate over the rows: numerator = rows ``in_numerator``, denominator = n = rows."""
    return ratio_result(kpi_id, int(rows["in_numerator"].sum()), len(rows), target=target,
                        direction=direction)


def rows_count(kpi_id: str, rows: pd.DataFrame, *, target: float | None,
               direction: Direction) -> KpiResult:
    """A count: value = n = the number of rows."""
    return make_result(kpi_id, value=len(rows), n=len(rows), target=target,
                       direction=direction)


RowsReducer = Callable[..., KpiResult]  # (kpi_id, rows, *, target, direction) -> KpiResult
# The reducers that take a column are small frozen classes, not closures: the specs that
# hold them travel inside the pages' cached results, which Streamlit pickles.


@dataclass(frozen=True)
class RowsAverage:
    """The mean (or, with ``how="median"``, the median: of an even count, the mean of the two
    middle values) of ``column`` over the rows; n = rows; no rows: value null."""

    column: str
    how: Literal["mean", "median"] = "mean"

    def __call__(self, kpi_id: str, rows: pd.DataFrame, *, target: float | None,
                 direction: Direction) -> KpiResult:
        value = float(getattr(rows[self.column], self.how)()) if len(rows) else None
        return make_result(kpi_id, value=value, n=len(rows), target=target, direction=direction)


# A median of ``hours``: Power's lead response and Medical's quality flag resolution.
MEDIAN_HOURS = RowsAverage("hours", "median")


@dataclass(frozen=True)
class RowsPer:
    """Rows per distinct value of ``column``: numerator = rows, denominator = n = the
    distinct non-null values (none: value null)."""

    column: str

    def __call__(self, kpi_id: str, rows: pd.DataFrame, *, target: float | None,
                 direction: Direction) -> KpiResult:
        return ratio_result(kpi_id, len(rows), int(rows[self.column].nunique()), target=target,
                            direction=direction)


@dataclass(frozen=True)
class RowsMeanYoy:
    """This window's mean of ``column`` ÷ last year's − 1, from rows whose ``period`` is
    ``current`` or ``year_ago``: numerator = this window's mean, denominator = last year's,
    n = this window's rows (a null counts in n, not in a mean); value null when either mean
    is missing or last year's is 0."""

    column: str

    def __call__(self, kpi_id: str, rows: pd.DataFrame, *, target: float | None,
                 direction: Direction) -> KpiResult:
        this = rows.loc[rows["period"] == "current", self.column]
        last = rows.loc[rows["period"] == "year_ago", self.column]
        this_mean = float(this.mean()) if this.notna().any() else None
        last_mean = float(last.mean()) if last.notna().any() else None
        value = this_mean / last_mean - 1 if this_mean is not None and last_mean else None
        return make_result(kpi_id, value=value, numerator=this_mean, denominator=last_mean,
                           n=len(this), target=target, direction=direction)
