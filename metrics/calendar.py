"""Dates of metrics.md, written once: the as-of date T, ISO weeks, windows [a, b], the
previous window, the same window last year (364 days back, so weekdays line up), trends,
calendar quarters and pilot weeks.

A window [a, b] holds a timestamp t when a 00:00 <= t < (b + 1 day) 00:00; SQL gets
``window.lo`` and ``window.hi`` as bound parameters and tests ``lo <= t AND t < hi``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WINDOW_DAYS = 28
YEAR_AGO_DAYS = 364
PILOT_WEEKS = 12
TREND_WINDOWS = 12


def day_start(day: dt.date) -> dt.datetime:
    """``day`` at 00:00 (naive, local)."""
    return dt.datetime.combine(day, dt.time())


def end_of(day: dt.date) -> dt.datetime:
    """The end of ``day``: the next day at 00:00 (metrics.md: "End of T" = T + 1 day 00:00)."""
    return day_start(day + dt.timedelta(days=1))


def monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def iso_week_label(day: dt.date) -> str:
    """``2026-W01``: the ISO year and week of ``day`` (29 Dec 2025 is in 2026-W01)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, order=True)
class Window:
    """A closed range of calendar days [start, end]."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a window cannot end ({self.end}) before it starts ({self.start})")

    @property
    def lo(self) -> dt.datetime:
        """The first instant inside: start 00:00."""
        return day_start(self.start)

    @property
    def hi(self) -> dt.datetime:
        """The first instant after: (end + 1 day) 00:00."""
        return end_of(self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, moment: dt.date | dt.datetime) -> bool:
        """Whether a date (00:00) or timestamp falls in the window."""
        if not isinstance(moment, dt.datetime):
            moment = day_start(moment)
        return self.lo <= moment < self.hi

    def shifted(self, days: int) -> Window:
        """The same window ``days`` later (earlier when negative)."""
        step = dt.timedelta(days=days)
        return Window(self.start + step, self.end + step)

    def previous(self) -> Window:
        """The window of the same length just before: for 28 days, [a − 28, a − 1]."""
        return self.shifted(-self.days)

    def year_ago(self) -> Window:
        """Same window last year: [a − 364, b − 364]."""
        return self.shifted(-YEAR_AGO_DAYS)

    def hi_until(self, as_of: dt.date) -> dt.datetime:
        """The window's upper bound cut at the end of T (nothing dated after T counts)."""
        return min(self.hi, end_of(as_of))

    def label(self) -> str:
        """``01 Jun – 28 Jun 2026`` for people."""
        if self.start.year == self.end.year:
            return f"{self.start:%d %b} – {self.end:%d %b %Y}"
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def window_ending(as_of: dt.date, days: int = WINDOW_DAYS) -> Window:
    """The ``days`` days ending on T: [T − (days − 1), T] (default 28 days)."""
    return Window(as_of - dt.timedelta(days=days - 1), as_of)


def week_of(day: dt.date) -> Window:
    """The ISO week (Monday–Sunday) containing ``day``."""
    start = monday(day)
    return Window(start, start + dt.timedelta(days=6))


def trend_windows(as_of: dt.date, count: int = TREND_WINDOWS,
                  days: int = WINDOW_DAYS) -> list[Window]:
    """``count`` back-to-back windows of ``days`` days, the last ending on T, oldest first."""
    last = window_ending(as_of, days)
    return [last.shifted(-days * k) for k in range(count - 1, -1, -1)]


def quarter_of(day: dt.date) -> Window:
    """The calendar quarter containing ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    following = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return Window(start, following - dt.timedelta(days=1))


def pilot_week_number(pilot_start: dt.date, day: dt.date) -> int:
    """The pilot week containing ``day``: 1 for the week of the start, 0 or less before it,
    13 or more after the 12 weeks (metrics.md, ``pilot.week``)."""
    return (monday(day) - monday(pilot_start)).days // 7 + 1


def pilot_week(pilot_start: dt.date, number: int) -> Window:
    """Pilot week ``number`` (1-based) as a Monday–Sunday window."""
    start = monday(pilot_start) + dt.timedelta(weeks=number - 1)
    return Window(start, start + dt.timedelta(days=6))


def week_complete(week: Window, as_of: dt.date) -> bool:
    """A week is complete when its Sunday is before T."""
    return week.end < as_of
