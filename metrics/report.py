"""The machine-readable report of metrics.md (``python -m metrics report``), built from the
registry and the metric modules; the pages show the same numbers.

Shape: ``as_of``, ``window``, ``divisions`` {name: {pilot, kpis, backlog, ownership}},
``crm_triggers``, ``findings``, ``load_problems``. Ratios are fractions; dates ISO strings.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from hub_data.database import findings_summary, load_problem_list
from hub_data.settings import Settings
from metrics import backlog, ownership, triggers
from metrics.calendar import window_ending
from metrics.pilot import PILOT_KPIS, pilot_starts, pilot_summaries
from metrics.registry import division_metrics
from metrics.result import plain_number

WEEK_FIELDS = ("adoption_rate", "logged", "staff", "entries", "entries_with_errors",
               "data_quality_error_rate", "review_held")


def report_divisions(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The report's divisions: the union of every workbook's Divisions list (the defaults
    when no workbook has one), in alphabetical order."""
    return [name for (name,) in cur.execute("""
        SELECT value FROM lists WHERE source_file = '*' AND list = 'divisions'
        ORDER BY value""").fetchall()]


def phase_order(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                settings: Settings | None = None) -> list[str]:
    """The report's divisions in the order the pilot reaches them: earliest pilot start first
    (settings' pilot_start, else the first interaction; ties by name), divisions without a
    pilot yet last, by name. Pages list divisions this way (Motors first, as the plan says)."""
    starts = pilot_starts(cur, divisions=report_divisions(cur), as_of=as_of, settings=settings)
    return sorted(starts, key=lambda d: (starts[d] is None, starts[d] or dt.date.min, d))


def pilot_json(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report's ``pilot`` object from :func:`metrics.pilot.pilot_summary`."""
    if summary is None:
        return None
    weeks = [{"week_start": row["week_start"].isoformat(),
              **{field: (bool(row[field]) if field == "review_held"
                         else plain_number(row[field])) for field in WEEK_FIELDS}}
             for _, row in summary["weeks"].iterrows()]
    return {"start": summary["start"].isoformat(), "week": summary["week"], "weeks": weeks,
            **{kpi: summary["results"][kpi].as_dict() for kpi in PILOT_KPIS},
            "interventions": list(summary["interventions"])}


def build_report(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                 settings: Settings | None = None) -> dict[str, Any]:
    """Every number of the JSON report for T = ``as_of`` (``cur`` from metrics.inputs.workspace).

    Division KPIs use the 28-day window ending on T; backlog counts and ownership counts are
    per division of the thread's latest row / of the account.
    """
    window = window_ending(as_of)
    threads = backlog.threads(cur, as_of=as_of)
    accounts = ownership.accounts(cur, as_of=as_of)
    names = report_divisions(cur)
    pilots = pilot_summaries(cur, divisions=names, as_of=as_of, settings=settings)
    divisions: dict[str, Any] = {}
    for division in names:
        kpis = {spec.id: spec.run(cur, window=window, as_of=as_of, division=division,
                                  settings=settings).result.as_dict()
                for spec in division_metrics(division)}
        mine = threads[threads["division"] == division]["status"].value_counts()
        owned = accounts[accounts["division"] == division]
        divisions[division] = {
            "pilot": pilot_json(pilots[division]),
            "kpis": kpis,
            "backlog": {status: int(mine.get(status, 0)) for status in backlog.STATUSES},
            "ownership": {"orphans": int(owned["orphan"].sum()),
                          "conflicts": int(owned["conflict"].sum())},
        }
    return {
        "as_of": as_of.isoformat(),
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "divisions": divisions,
        "crm_triggers": triggers.crm_triggers(cur, as_of=as_of, settings=settings),
        "findings": findings_summary(cur, as_of),
        "load_problems": load_problem_list(cur),
    }

