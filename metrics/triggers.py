"""CRM-review triggers as of T (metrics.md, "CRM-review triggers" and "Precise readings").

Three triggers, each ``{"value", "threshold", "fired"}`` (value null and fired false without
data; fired when value > threshold from ``settings.thresholds``):

- ``file_size_mb``: size of the largest Hub workbook (1 MB = 1,048,576 bytes);
- ``open_time_s``: the latest Excel open time a steward recorded (measured_at ≤ T);
- ``steward_hours``: hours summed per (division, week_start ≤ T); per division the mean of its
  last min(4, n) recorded weeks (``by_division``); value = the largest of them.

``review_due`` when any two fire. ``projected_100mb_date``: least squares of size on time over
the largest workbook's load history (one point per distinct (modified time, size) with
modified time ≤ T), the date the line reaches the file-size threshold; null with fewer than 3
points, a slope ≤ 0, or the workbook already over the threshold. :func:`project` is the same
method for the pages' open-time and steward-hours projections; :func:`projection` also gives
the fitted :class:`Line` (drawn on the CRM readiness page) and, without a date, the reason.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

import duckdb
import pandas as pd

from hub_data.settings import Settings, Thresholds
from metrics.calendar import end_of
from metrics.inputs import fetch_frame

MB = 1_048_576
LAST_WEEKS = 4
MIN_POINTS = 3
HUB_WORKBOOK = "hub workbook"


def _trigger(value: float | None, threshold: float) -> dict[str, Any]:
    return {"value": None if value is None else float(value), "threshold": float(threshold),
            "fired": value is not None and value > threshold}


def _largest_workbook(cur: duckdb.DuckDBPyConnection) -> tuple[str, int] | None:
    """(file, size in bytes) of the largest Hub workbook in the load (ties: file name)."""
    return cur.execute("""
        SELECT file, size_bytes FROM files
        WHERE kind = $kind AND size_bytes IS NOT NULL
        ORDER BY size_bytes DESC, file LIMIT 1""", {"kind": HUB_WORKBOOK}).fetchone()


def size_history(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """The size history of every Hub workbook of the load: one row per distinct
    (file, modified_at, size_bytes) of the store's load history with modified_at ≤ T, oldest
    first.

    Columns: ``file``, ``modified_at``, ``size_bytes``, ``size_mb``, ``largest`` (the row
    belongs to the largest Hub workbook now: the points of ``projected_100mb_date``).
    Spec: metrics.md "CRM projection" (Precise readings).
    """
    largest = _largest_workbook(cur)
    return fetch_frame(cur, """
        SELECT DISTINCT h.file, h.modified_at, h.size_bytes, h.size_bytes / $mb AS size_mb,
               coalesce(h.file = $largest, false) AS largest
        FROM store_load_history h
        WHERE h.file IN (SELECT file FROM files WHERE kind = $kind)
          AND h.modified_at IS NOT NULL AND h.modified_at < $end AND h.size_bytes IS NOT NULL
        ORDER BY h.file, h.modified_at, h.size_bytes""",
                       {"end": end_of(as_of), "largest": largest[0] if largest else None,
                        "kind": HUB_WORKBOOK, "mb": float(MB)})


def open_time_history(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Excel open times recorded by stewards with measured_at ≤ T, oldest first.

    Columns: ``measured_at``, ``workbook``, ``seconds``, ``size_bytes``, ``measured_by``.
    Points for :func:`project` on the pages (seconds over time). Spec: metrics.md "CRM-review
    triggers", open time.
    """
    return fetch_frame(cur, """
        SELECT measured_at, workbook, seconds, size_bytes, measured_by
        FROM store_open_times
        WHERE measured_at IS NOT NULL AND measured_at < $end AND seconds IS NOT NULL
        ORDER BY measured_at, seconds""", {"end": end_of(as_of)})


def steward_hours_weekly(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Steward hours summed per (division, week_start) for weeks starting ≤ T.

    Columns: ``division``, ``week_start``, ``hours`` (the sum), ``entries`` (rows summed),
    ``recent`` (one of the division's last 4 recorded weeks: the weeks the trigger averages).
    Sorted by division, then week. Rows without a division, week or hours are left out.
    Spec: metrics.md "steward_hours" (Precise readings).
    """
    return fetch_frame(cur, """
        SELECT division, week_start, sum(hours) AS hours, count(*) AS entries,
               row_number() OVER (PARTITION BY division ORDER BY week_start DESC)
                 <= $last_weeks AS recent
        FROM store_steward_hours
        WHERE division IS NOT NULL AND week_start IS NOT NULL AND week_start <= $as_of
          AND hours IS NOT NULL
        GROUP BY division, week_start
        ORDER BY division, week_start""", {"as_of": as_of, "last_weeks": LAST_WEEKS})


@dataclass(frozen=True)
class Line:
    """A least-squares line of value on time: ``value = intercept + slope × days after
    origin`` (days may be fractional)."""

    origin: dt.datetime
    slope: float       # value per day
    intercept: float   # value at the origin

    def value_at(self, moment: dt.datetime) -> float:
        return self.intercept + self.slope * (moment - self.origin).total_seconds() / 86400

    def crossing(self, threshold: float) -> dt.datetime | None:
        """The moment the line reaches ``threshold``; None when it never does (slope 0) or
        the moment lies beyond the calendar."""
        if self.slope == 0:
            return None
        try:
            return self.origin + dt.timedelta(days=(threshold - self.intercept) / self.slope)
        except OverflowError:  # a slope so flat the date is beyond the calendar
            return None


@dataclass(frozen=True)
class Projection:
    """What :func:`projection` found: the fitted line (None with fewer than 3 points or all
    points at one moment), the projected date (None when there is none) and, without a date,
    why in words (``reason``: one of :data:`REASONS`)."""

    line: Line | None
    date: dt.date | None
    reason: str | None
    points: int


TOO_FEW, NOT_RISING, ALREADY_OVER, OFF_CALENDAR = (
    "too few points", "not rising", "already over the threshold", "beyond the calendar")
REASONS = (TOO_FEW, NOT_RISING, ALREADY_OVER, OFF_CALENDAR)


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def fit_line(points: Sequence[tuple[dt.date | dt.datetime, float]]) -> Line | None:
    """The least-squares line of value on time through ``points`` ((moment, value); dates
    count as 00:00), time measured in days from the earliest point; None with fewer than
    :data:`MIN_POINTS` points or all points at one moment."""
    if len(points) < MIN_POINTS:
        return None
    moments = [_moment(p) for p, _ in points]
    values = [float(v) for _, v in points]
    origin = min(moments)
    days = [(m - origin).total_seconds() / 86400 for m in moments]
    mean_x, mean_y = sum(days) / len(days), sum(values) / len(values)
    sxx = sum((x - mean_x) ** 2 for x in days)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(days, values)) / sxx
    return Line(origin, slope, mean_y - slope * mean_x)


def projection(points: Sequence[tuple[dt.date | dt.datetime, float]],
               threshold: float) -> Projection:
    """:func:`project` with its line and, when there is no date, the reason: fewer than 3
    points (or all at one moment) → ``too few points``; the latest point already over the
    threshold → ``already over the threshold``; slope ≤ 0 → ``not rising``; a crossing beyond
    the calendar → ``beyond the calendar``."""
    line = fit_line(points)
    if line is None:
        return Projection(None, None, TOO_FEW, len(points))
    moments = [_moment(p) for p, _ in points]
    latest = max(range(len(points)), key=lambda k: moments[k])
    if float(points[latest][1]) > threshold:
        return Projection(line, None, ALREADY_OVER, len(points))
    if line.slope <= 0:
        return Projection(line, None, NOT_RISING, len(points))
    crossing = line.crossing(threshold)
    if crossing is None:
        return Projection(line, None, OFF_CALENDAR, len(points))
    return Projection(line, crossing.date(), None, len(points))


def project(points: Sequence[tuple[dt.date | dt.datetime, float]],
            threshold: float) -> dt.date | None:
    """The date a least-squares line of value on time reaches ``threshold``.

    ``points`` are (moment, value); dates count as 00:00. None with fewer than 3 points, a
    slope ≤ 0 (or all points at one moment), or when the latest point is already over the
    threshold. The date is the calendar day of the moment the line crosses the threshold
    (it can lie before the latest point when the line runs above the data; shown as is).
    Spec: metrics.md "CRM-review triggers" and "CRM projection" (Precise readings).
    """
    return projection(points, threshold).date


def crm_triggers(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                 settings: Settings | None) -> dict[str, Any]:
    """The report's ``crm_triggers`` object as of T: ``file_size_mb``, ``open_time_s``,
    ``steward_hours`` (plus ``by_division``), ``review_due``, ``projected_100mb_date``.

    Spec: metrics.md "CRM-review triggers", "Machine-readable report" and Precise readings.
    Readings: the file size is the size of the largest Hub workbook of this load (kind
    ``hub workbook``, loaded or failed: its size on disk now, whatever T); the open time is
    the seconds of the latest recorded measurement with measured_at ≤ T (ties at one moment:
    the larger); the projection targets ``thresholds.file_size_mb`` and is null when the
    largest workbook is already over it; ``projected_100mb_date`` is an ISO date string.
    ``settings=None`` uses the default thresholds (100 MB, 10 s, 2 h).
    """
    limits = settings.thresholds if settings is not None else Thresholds()
    largest = _largest_workbook(cur)
    size_mb = largest[1] / MB if largest else None

    opened = cur.execute("""
        SELECT seconds FROM store_open_times
        WHERE measured_at IS NOT NULL AND measured_at < $end AND seconds IS NOT NULL
        ORDER BY measured_at DESC, seconds DESC LIMIT 1""", {"end": end_of(as_of)}).fetchone()

    weekly = steward_hours_weekly(cur, as_of=as_of)
    recent = weekly[weekly["recent"]]
    by_division = {str(name): float(hours)
                   for name, hours in recent.groupby("division")["hours"].mean().items()}
    steward = _trigger(max(by_division.values()) if by_division else None,
                       limits.steward_hours)
    steward["by_division"] = by_division

    triggers = {"file_size_mb": _trigger(size_mb, limits.file_size_mb),
                "open_time_s": _trigger(opened[0] if opened else None, limits.open_time_s),
                "steward_hours": steward}
    projected = None
    if largest and size_mb <= limits.file_size_mb:
        history = size_history(cur, as_of=as_of)
        history = history[history["largest"]]
        projected = project(list(zip(history["modified_at"].dt.to_pydatetime(),
                                     history["size_mb"])), limits.file_size_mb)
    return {**triggers,
            "review_due": sum(t["fired"] for t in triggers.values()) >= 2,
            "projected_100mb_date": projected.isoformat() if projected else None}
