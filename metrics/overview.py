"""Executive overview (ui.md, "Executives, browsing"): every division side by side, as of T.

Per division: its KPI panel (the same :func:`metrics.panel.panel` tiles the division page
draws, so a KPI shows the same number on both), its pilot status, its open backlog and its
data quality over the 28 days ending on T (metrics.md, "overview data quality").

Pure: a cursor from :func:`metrics.inputs.workspace` in, frozen dataclasses and frames out
(plain values only, so a page can cache them). Readings chosen where the spec is silent:

- Divisions are listed in pilot phase order (earliest pilot start first, then by name, as
  the pilot scorecard lists them); divisions without a pilot follow, by name.
- "Open backlog" counts the threads that need someone this week: overdue, due this week,
  missing a next action and without a due date. Upcoming threads (due after T + 6) are open
  too but need nothing yet; they are reported beside the total, not in it.
- The pilot status follows metrics.md's ``pilot.week``: 0 or less is "starts on …", 1–12 is
  ``Week 7 of 12 (13–19 Apr)``, 13 or more is "over"; ``interventions`` are those of
  :func:`metrics.pilot.pilot_summary` (off track in two consecutive judged periods), kept
  after the pilot is over.
- The downloadable table says "too few data" where the tile does (a measured value over
  fewer than ``min_n`` rows, counts excepted): the file matches what the room saw.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Mapping

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics import backlog
from metrics.calendar import PILOT_WEEKS, Window, pilot_week, window_ending
from metrics.data_quality import window_error_rate, window_error_rates
from metrics.formatting import day, kpi_target, kpi_value
from metrics.panel import PanelTile, panel
from metrics.pilot import pilot_summaries, pilot_summary
from metrics.registry import BY_ID
from metrics.report import report_divisions
from metrics.result import KpiResult

OPEN_STATUSES: tuple[str, ...] = ("overdue", "due_this_week", "missing_next_action",
                                  "no_due_date")
STATUS_TEXT = {"on_track": "on track", "off_track": "off track", "no_data": "no data",
               "info": "no target"}
# The unit of a number in the table to take away (rates and changes in percent).
TABLE_UNITS = {"ratio": "%", "change": "% vs last year", "hours": "hours", "days": "days",
               "count": "count", "score": "rating", "per_distributor": "orders per distributor"}
KPI_COLUMNS = ["Division", "KPI", "Value", "Unit", "Target", "Status", "Change",
               "Change against", "Based on"]


def table_number(value: float | None, unit: str) -> float | None:
    """A KPI value or change as the table shows it: rates and changes in percent (points for a
    change) with one decimal, days whole, counts whole, the rest with one decimal."""
    if value is None or pd.isna(value):
        return None
    if unit in ("ratio", "change"):
        return round(value * 100, 1)
    if unit in ("days", "count"):
        return float(round(value))
    return round(value, 1)


@dataclass(frozen=True)
class OverviewKpi:
    """One KPI tile of a division, reduced to what the overview shows (no rows behind it)."""

    id: str
    label: str
    unit: str
    description: str
    result: KpiResult
    detail: str
    change: str | None
    change_value: float | None
    against: str
    spark: tuple[float | None, ...]
    reason: str | None

    def too_few(self, min_n: int) -> bool:
        """The tile's rule (pages._common.too_few): a measured value over fewer than
        ``min_n`` rows is "too few data", counts excepted."""
        r = self.result
        return (r.value is not None and self.unit != "count" and r.n is not None
                and r.n < min_n)

    def shown_status(self, min_n: int) -> str:
        """The status the tile shows: ``too_few`` below ``min_n``, else the result's."""
        return "too_few" if self.too_few(min_n) else self.result.status

    def status_text(self, min_n: int) -> str:
        """``on track``, ``off track``, ``no target``, ``no data`` or ``too few data (n = 3)``."""
        if self.too_few(min_n):
            return f"too few data (n = {self.result.n})"
        return STATUS_TEXT[self.result.status]

    @property
    def value_text(self) -> str:
        return kpi_value(self.result.value, self.unit)

    @property
    def target_text(self) -> str:
        return kpi_target(self.result.target, self.result.direction, self.unit)


@dataclass(frozen=True)
class PilotStatus:
    """A division's pilot as of T (metrics.md, ``pilot``): the Monday week 1 starts on, the
    pilot week containing T and the interventions called for."""

    start: dt.date
    week: int
    headline_week: int
    interventions: tuple[str, ...]

    @property
    def phase(self) -> str:
        """``not started`` (week ≤ 0), ``running`` (1–12) or ``over`` (13 or more)."""
        if self.week < 1:
            return "not started"
        return "running" if self.week <= PILOT_WEEKS else "over"

    def words(self) -> str:
        """``Week 7 of 12 (13–19 Apr)``, ``Starts 4 May 2026`` or ``Over (12 weeks from
        2 Mar 2026)``."""
        if self.phase == "not started":
            return f"Starts {day(self.start)}"
        if self.phase == "over":
            return f"Over ({PILOT_WEEKS} weeks from {day(self.start)})"
        week = pilot_week(self.start, self.week)
        days = (f"{week.start.day}–{week.end.day} {week.end:%b}"
                if week.start.month == week.end.month else
                f"{week.start.day} {week.start:%b} – {week.end.day} {week.end:%b}")
        return f"Week {self.week} of {PILOT_WEEKS} ({days})"

    @property
    def intervention_labels(self) -> tuple[str, ...]:
        """The interventions' registry labels, in metrics.md's order."""
        return tuple(BY_ID[kpi].label for kpi in self.interventions)


@dataclass(frozen=True)
class BacklogCounts:
    """Threads per status of a division as of T (metrics.backlog.status_counts)."""

    overdue: int
    due_this_week: int
    missing_next_action: int
    no_due_date: int
    upcoming: int
    closed: int

    @property
    def open(self) -> int:
        """Overdue + due this week + missing next action + no due date (see the module
        docstring: upcoming threads need nothing yet)."""
        return sum(getattr(self, status) for status in OPEN_STATUSES)


@dataclass(frozen=True)
class DivisionOverview:
    """Everything the overview shows of one division as of T."""

    division: str
    window: Window
    kpis: tuple[OverviewKpi, ...]
    pilot: PilotStatus | None
    backlog: BacklogCounts
    data_quality: KpiResult

    def pilot_words(self) -> str:
        return "No pilot yet" if self.pilot is None else self.pilot.words()

    def count(self, status: str, min_n: int) -> int:
        """KPIs whose tile shows ``status`` (``too_few`` below ``min_n``, see
        :meth:`OverviewKpi.shown_status`)."""
        return sum(k.shown_status(min_n) == status for k in self.kpis)

    def judged(self, min_n: int) -> int:
        """KPIs the tiles judge: on or off track (a value, a target and enough rows)."""
        return self.count("on_track", min_n) + self.count("off_track", min_n)


def kpi_summary(tile: PanelTile) -> OverviewKpi:
    """A panel tile without its rows and trend frame: what a tile of the overview draws."""
    return OverviewKpi(tile.spec.id, tile.spec.label, tile.spec.unit, tile.spec.description,
                       tile.result, tile.detail(), tile.change_text(), tile.change,
                       tile.against, tuple(tile.spark), tile.reason)


def pilot_status(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                 settings: Settings | None = None) -> PilotStatus | None:
    """The division's pilot as of T from :func:`metrics.pilot.pilot_summary`; None when it has
    no pilot start (none in settings and no interaction dated ≤ T)."""
    return _pilot_status(pilot_summary(cur, division=division, as_of=as_of, settings=settings))


def _pilot_status(summary: dict | None) -> PilotStatus | None:
    if summary is None:
        return None
    return PilotStatus(summary["start"], int(summary["week"]), int(summary["headline_week"]),
                       tuple(summary["interventions"]))


def backlog_counts(cur: duckdb.DuckDBPyConnection, *, division: str,
                   as_of: dt.date) -> BacklogCounts:
    """Threads per status of ``division`` (the division of each thread's latest row) as of T
    (metrics.md, "Next-action backlog")."""
    return BacklogCounts(**backlog.status_counts(cur, as_of=as_of, division=division))


def division_overview(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                      settings: Settings | None = None,
                      backlog_now: BacklogCounts | None = None,
                      tiles: list[PanelTile] | None = None,
                      pilots: Mapping[str, PilotStatus | None] | None = None,
                      error_rate: KpiResult | None = None) -> DivisionOverview:
    """One division's KPIs (28 days ending on T, trend over 12 windows: ``tiles`` when the
    caller has the division's :func:`metrics.panel.panel`), pilot status (from ``pilots``,
    every division's, when the caller has them), backlog (``backlog_now`` when the caller has
    counted it) and entry-error rate over the 28 days ending on T (``error_rate`` when the
    caller has it)."""
    window = window_ending(as_of)
    if tiles is None:
        tiles = panel(cur, division=division, as_of=as_of, settings=settings, rows=False)
    pilot = (pilots[division] if pilots is not None
             else pilot_status(cur, division=division, as_of=as_of, settings=settings))
    return DivisionOverview(
        division, window, tuple(kpi_summary(t) for t in tiles), pilot,
        backlog_now or backlog_counts(cur, division=division, as_of=as_of),
        error_rate if error_rate is not None else window_error_rate(
            cur, window=window, as_of=as_of, division=division, settings=settings))


def overview(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
             settings: Settings | None = None,
             panel_of: Callable[[str], list[PanelTile]] | None = None) -> list[DivisionOverview]:
    """Every division of the report, in pilot phase order (see the module docstring);
    ``panel_of(division)`` gives a division's :func:`metrics.panel.panel` of T when the
    caller keeps them (a page cache), else they are computed here."""
    divisions = report_divisions(cur)
    counts = backlog.status_counts_by_division(cur, as_of=as_of, divisions=divisions)
    pilots = {d: _pilot_status(summary) for d, summary in pilot_summaries(
        cur, divisions=divisions, as_of=as_of, settings=settings).items()}
    errors = window_error_rates(cur, window=window_ending(as_of), as_of=as_of,
                                divisions=divisions, settings=settings)
    found = [division_overview(cur, division=d, as_of=as_of, settings=settings,
                               backlog_now=BacklogCounts(**counts[d]),
                               tiles=panel_of(d) if panel_of else None, pilots=pilots,
                               error_rate=errors[d])
             for d in divisions]
    return sorted(found, key=lambda o: (o.pilot is None,
                                        o.pilot.start if o.pilot else dt.date.min, o.division))


def kpi_table(divisions: list[DivisionOverview], *, min_n: int) -> pd.DataFrame:
    """The overview as a table to take away, one row per (division, KPI): Division, KPI,
    Value and Unit (numbers, see :func:`table_number`: a spreadsheet can sort them), Target
    (words), Status (the tile's words), Change (in the value's unit, percentage points for
    rates; blank without one), Change against, Based on (the tile's detail)."""
    rows = [{"Division": o.division, "KPI": k.label,
             "Value": table_number(k.result.value, k.unit), "Unit": TABLE_UNITS[k.unit],
             "Target": k.target_text, "Status": k.status_text(min_n),
             "Change": table_number(k.change_value, k.unit), "Change against": k.against,
             "Based on": k.detail}
            for o in divisions for k in o.kpis]
    return pd.DataFrame(rows, columns=KPI_COLUMNS).astype({"Value": float, "Change": float})


def division_table(divisions: list[DivisionOverview], *, min_n: int) -> pd.DataFrame:
    """One row per division: pilot status and interventions, KPIs on track and off track (as
    the tiles judge them, so not those with too few data), backlog counts and the entry-error
    rate over the 28 days ending on T (in percent, one decimal; blank without entries)."""
    rows = []
    for o in divisions:
        dq = o.data_quality
        rows.append({
            "Division": o.division, "Pilot": o.pilot_words(),
            "Intervention needed": ", ".join(o.pilot.intervention_labels) if o.pilot else "",
            "KPIs on track": o.count("on_track", min_n),
            "KPIs off track": o.count("off_track", min_n), "KPIs": len(o.kpis),
            "Open backlog": o.backlog.open, "Overdue": o.backlog.overdue,
            "Due this week": o.backlog.due_this_week,
            "Missing next action": o.backlog.missing_next_action,
            "No due date": o.backlog.no_due_date, "Upcoming": o.backlog.upcoming,
            "Entries, 28 days": dq.denominator,
            "Entries with an error": dq.numerator,
            "Entry-error rate %": None if dq.value is None else round(dq.value * 100, 1)})
    return pd.DataFrame(rows)
