"""Pilot success metrics of metrics.md (per division, per pilot week) and the biweekly check-in.

Who calls what: the registry exposes :func:`adoption_rate`, :func:`data_quality_error_rate`,
:func:`process_compliance` and :func:`stakeholder_confidence` as KPI functions over any window;
:func:`pilot_weeks` computes the twelve weeks of one division in one set-based query (the
report's ``weeks[]`` and the scorecard chart); :func:`checkin` judges the two-week periods;
:func:`pilot_summary` assembles the report's ``pilot`` object, and :func:`pilot_summaries`
those of several divisions from one query each for their weeks, meetings and answers.

Readings chosen where metrics.md leaves room:
- S(w) is the roster's customer-facing members of the division (Customer Facing = Yes; an
  unreadable Yes/No is not customer facing) active in the week; a name logged by someone on
  the roster of another division, or not customer facing, is in L(w) but not in S(w): the
  drill-down says so, apart from the names that are on no roster at all.
- Review meetings match the division case- and space-insensitively; ``review_held`` of the
  current partial week counts meetings held up to T.
- The pilot ``start`` reported is the Monday the pilot weeks count from.
- Survey answers entered in the app are matched to survey.* rows on (date, division, both
  scores, comments trimmed and case-folded), one to one: an app answer equal to a file answer
  is the same answer; a second equal app answer is a second answer.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from hub_data.contract import ENTRY_ERROR_CODES
from hub_data.settings import Settings
from metrics.calendar import (PILOT_WEEKS, Window, end_of, monday, pilot_week,
                              pilot_week_number)
from metrics.inputs import fetch_frame, narrowed
from metrics.result import (KpiResult, MetricOutput, empty_result, make_result,
                            ratio_result)
from metrics.targets import target_for

PILOT_KPIS = ("adoption_rate", "data_quality_error_rate", "process_compliance",
              "stakeholder_confidence")
INTERVENTION_KPIS = ("adoption_rate", "data_quality_error_rate", "process_compliance")
PERIODS = PILOT_WEEKS // 2
_CODES = list(ENTRY_ERROR_CODES)


def pilot_start(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                settings: Settings | None = None) -> dt.date | None:
    """The Monday pilot week 1 starts on: settings' ``pilot_start`` (the Monday of its week),
    else the Monday of the week of the division's first interaction with a valid Date ≤ T;
    None when neither exists (the report's ``pilot`` is then null)."""
    return pilot_starts(cur, divisions=[division], as_of=as_of, settings=settings)[division]


def pilot_starts(cur: duckdb.DuckDBPyConnection, *, divisions: list[str], as_of: dt.date,
                 settings: Settings | None = None) -> dict[str, dt.date | None]:
    """:func:`pilot_start` of each of ``divisions``: the first interactions of those without
    a configured start are read in one query (one scan of interactions, not one each)."""
    configured = {d: settings.pilot_start(d) if settings else None for d in divisions}
    unknown = [d for d, start in configured.items() if start is None]
    firsts: dict[str, dt.datetime] = {}
    if unknown:
        firsts = dict(cur.execute("""
            SELECT division, min(date) FROM interactions
            WHERE list_contains($divisions, division) AND date IS NOT NULL AND date < $end
            GROUP BY division""", {"divisions": unknown, "end": end_of(as_of)}).fetchall())
    return {d: monday(start) if start is not None
            else monday(firsts[d].date()) if firsts.get(d) is not None else None
            for d, start in configured.items()}


# ------------------------------------------------------------------------- KPI functions
def adoption_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                  division: str, settings: Settings | None = None) -> MetricOutput:
    """|L(w) ∩ S(w)| / |S(w)| (metrics.md, adoption_rate; target ≥ 0.80).

    S(w): the division's customer-facing staff active in the window (Start Date ≤ its last
    day or blank, Leave Date ≥ its first day or blank). L(w): names in Logged By of the
    division's interactions dated in the window (and ≤ T). n = |S(w)|. Rows: one per name in
    S(w) ∪ L(w): ``in_numerator`` for staff who logged, ``on_roster`` false for names on no
    roster (shown as "not on the roster"), ``in_staff`` false for other logged names.
    """
    target, direction = target_for(settings, division, "adoption_rate")
    rows = fetch_frame(cur, """
        WITH s AS (
          SELECT name, role FROM staff
          WHERE division = $division AND customer_facing
            AND (start_date IS NULL OR start_date <= $last_day)
            AND (leave_date IS NULL OR leave_date >= $first_day)),
        l AS (
          SELECT logged_by AS name, count(*) AS entries, bool_or(logged_by_on_roster) AS on_roster,
                 max(date) AS last_logged
          FROM interactions
          WHERE division = $division AND date >= $lo AND date < $hi AND logged_by IS NOT NULL
          GROUP BY logged_by)
        SELECT coalesce(s.name, l.name) AS name, s.role,
               s.name IS NOT NULL AS in_staff, l.name IS NOT NULL AS logged,
               coalesce(l.entries, 0) AS entries, l.last_logged,
               coalesce(l.on_roster, true) AS on_roster,
               s.name IS NOT NULL AND l.name IS NOT NULL AS in_numerator
        FROM s FULL JOIN l ON l.name = s.name
        ORDER BY in_staff DESC, logged, name""",
                       {"division": division, "first_day": window.start,
                        "last_day": window.end, "lo": window.lo,
                        "hi": window.hi_until(as_of)})
    staff = rows[rows["in_staff"]]
    result = ratio_result("adoption_rate", int(staff["in_numerator"].sum()), len(staff),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


def _entries(cur: duckdb.DuckDBPyConnection, division: str, lo: dt.datetime,
             hi: dt.datetime) -> pd.DataFrame:
    return fetch_frame(cur, """
        WITH errs AS (
          SELECT row_id, string_agg(DISTINCT code, ', ' ORDER BY code) AS codes
          FROM findings WHERE "table" = 'interactions' AND list_contains($codes, code)
          GROUP BY row_id)
        SELECT i.row_id, i.source_file, i.source_sheet, i.source_row, i.interaction_id, i.date,
               i.logged_by, i.interaction_type, e.codes AS entry_errors,
               e.row_id IS NOT NULL AS in_numerator
        FROM interactions i LEFT JOIN errs e ON e.row_id = i.row_id
        WHERE i.division = $division AND i.date >= $lo AND i.date < $hi
        ORDER BY i.row_id""", {"division": division, "lo": lo, "hi": hi, "codes": _CODES})


def data_quality_error_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                            division: str, settings: Settings | None = None) -> MetricOutput:
    """Entries with at least one entry error / entries (metrics.md, data_quality_error_rate;
    target < 0.10). Entries: the division's interactions dated in the window (and ≤ T); an
    entry error is one of the nine codes the loader found on the row. Over a 28-day window
    this is the overview's data quality. Rows: every entry, its codes, ``in_numerator`` for
    entries with an error."""
    target, direction = target_for(settings, division, "data_quality_error_rate")
    rows = _entries(cur, division, window.lo, window.hi_until(as_of))
    result = ratio_result("data_quality_error_rate", int(rows["in_numerator"].sum()), len(rows),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


def _meeting_weeks(cur: duckdb.DuckDBPyConnection, division: str, weeks: list[Window],
                   as_of: dt.date) -> pd.DataFrame:
    """One row per week: meetings with used_hub true held in it (up to T)."""
    return _meeting_weeks_of(cur, {division: weeks}, as_of)[division]


def _meeting_weeks_of(cur: duckdb.DuckDBPyConnection, weeks_of: dict[str, list[Window]],
                      as_of: dt.date) -> dict[str, pd.DataFrame]:
    """:func:`_meeting_weeks` of several divisions (``{division: weeks}``) in one query."""
    pairs = [(division, week.start) for division, weeks in weeks_of.items() for week in weeks]
    empty = pd.DataFrame({"week_start": [], "meetings": [], "in_numerator": []})
    if not pairs:
        return {division: empty for division in weeks_of}
    frame = fetch_frame(cur, """
        WITH w AS (SELECT unnest($divisions) AS division, unnest($mondays) AS week_start)
        SELECT w.division, w.week_start, count(m.held_on) AS meetings,
               count(m.held_on) > 0 AS in_numerator
        FROM w LEFT JOIN store_review_meetings m
          ON lower(trim(m.division)) = lower(trim(w.division)) AND m.used_hub
         AND m.held_on >= w.week_start AND m.held_on <= w.week_start + 6
         AND m.held_on <= $as_of
        GROUP BY w.division, w.week_start ORDER BY w.division, w.week_start""",
                       {"divisions": [d for d, _ in pairs], "mondays": [m for _, m in pairs],
                        "as_of": as_of})
    return {division: _part(frame, division).drop(columns="division") if weeks else empty
            for division, weeks in weeks_of.items()}


def _part(frame: pd.DataFrame, division: str) -> pd.DataFrame:
    """The rows of ``division`` of a several-division frame, with the dtypes a query of that
    division alone gives (metrics.inputs.narrowed)."""
    return narrowed(frame, (frame["division"] == division).to_numpy(dtype=bool))


def _judged_weeks(window: Window, as_of: dt.date) -> list[Window]:
    """The complete ISO weeks (Sunday before T) starting within the window."""
    weeks, start = [], monday(window.start)
    while start <= window.end and start + dt.timedelta(days=6) < as_of:
        weeks.append(Window(start, start + dt.timedelta(days=6)))
        start += dt.timedelta(days=7)
    return weeks


def process_compliance(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                       division: str, settings: Settings | None = None) -> MetricOutput:
    """Weeks with at least one review meeting recorded for the division that used the Hub /
    weeks judged (metrics.md, process_compliance; target 1.00). Weeks judged: the complete
    weeks of the window (for the pilot: the pilot weeks before T's week); a week with no
    meeting recorded counts as not held, so an empty store gives 0 once a week is judged and
    no_data before. n = weeks judged. Rows: one per week with its meeting count."""
    target, direction = target_for(settings, division, "process_compliance")
    rows = _meeting_weeks(cur, division, _judged_weeks(window, as_of), as_of)
    result = ratio_result("process_compliance", int(rows["in_numerator"].sum()), len(rows),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


def survey_answers(cur: duckdb.DuckDBPyConnection, *, division: str, lo: dt.date,
                   hi: dt.date) -> pd.DataFrame:
    """Valid survey answers of ``division`` dated in [lo, hi]: survey.* rows and answers
    entered in the app (an app answer equal to a file answer counts once). Answers with a
    blank or unknown Division or a score outside 1–5 count nowhere. ``in_numerator``: both
    Ease of Use and Value are 4 or 5."""
    return _survey_answers_of(cur, {division: (lo, hi)})[division]


def _survey_answers_of(cur: duckdb.DuckDBPyConnection,
                       spans: dict[str, tuple[dt.date, dt.date]]) -> dict[str, pd.DataFrame]:
    """:func:`survey_answers` of several divisions (``{division: (lo, hi)}``) in one query:
    an app answer only ever matches a file answer of its own division."""
    if not spans:
        return {}
    frame = fetch_frame(cur, """
        WITH spans AS (SELECT unnest($divisions) AS division, unnest($los) AS lo,
                              unnest($his) AS hi),
        divisions AS (SELECT value FROM lists WHERE source_file = '*' AND list = 'divisions'),
        file_answers AS (
          SELECT s.date, s.division, s.ease_of_use, s.value, s.comments,
                 'survey file' AS source, s.source_file, s.source_row
          FROM survey s JOIN spans p ON s.division = p.division
          WHERE s.date BETWEEN p.lo AND p.hi
            AND s.ease_of_use BETWEEN 1 AND 5 AND s.value BETWEEN 1 AND 5),
        app_answers AS (
          SELECT a.answered_on AS date, d.value AS division, a.ease_of_use, a.value, a.comments,
                 'entered in the app' AS source, NULL AS source_file, NULL AS source_row
          FROM store_survey_answers a
          JOIN divisions d ON lower(trim(d.value)) = lower(trim(a.division))
          JOIN spans p ON d.value = p.division
          WHERE a.answered_on BETWEEN p.lo AND p.hi
            AND a.ease_of_use BETWEEN 1 AND 5 AND a.value BETWEEN 1 AND 5),
        keyed AS (
          SELECT *, row_number() OVER (
                   PARTITION BY division, source, date, ease_of_use, value,
                                coalesce(lower(trim(comments)), '')) AS k
          FROM (SELECT * FROM file_answers UNION ALL SELECT * FROM app_answers))
        SELECT date, division, ease_of_use, value, comments, source, source_file, source_row,
               ease_of_use >= 4 AND value >= 4 AS in_numerator
        FROM keyed a
        WHERE source = 'survey file' OR NOT EXISTS (
          SELECT 1 FROM keyed f WHERE f.source = 'survey file' AND f.division = a.division
             AND f.date = a.date AND f.ease_of_use = a.ease_of_use AND f.value = a.value
             AND f.k = a.k
             AND coalesce(lower(trim(f.comments)), '') = coalesce(lower(trim(a.comments)), ''))
        ORDER BY division, date, source""", {
            "divisions": list(spans), "los": [lo for lo, _ in spans.values()],
            "his": [hi for _, hi in spans.values()]})
    found = {}
    for division in spans:
        part = _part(frame, division)
        part["date"] = pd.to_datetime(part["date"]).dt.date
        found[division] = part
    return found


def stakeholder_confidence(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                           division: str, settings: Settings | None = None) -> MetricOutput:
    """Answers scoring 4 or 5 on both Ease of Use and Value / answers dated in the window and
    ≤ T (metrics.md, stakeholder_confidence; target ≥ 0.80; no answers: no_data). For the
    pilot the window runs from the pilot start to T; a check-in period uses its two weeks."""
    target, direction = target_for(settings, division, "stakeholder_confidence")
    rows = survey_answers(cur, division=division, lo=window.start, hi=min(window.end, as_of))
    result = ratio_result("stakeholder_confidence", int(rows["in_numerator"].sum()), len(rows),
                          target=target, direction=direction)
    return MetricOutput(result, rows)


# ------------------------------------------------------------------------------ the pilot
_WEEK_COLUMNS = ["week", "week_start", "complete", "logged", "staff", "adoption_rate", "entries",
                 "entries_with_errors", "data_quality_error_rate", "meetings", "review_held"]


def pilot_weeks(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                start: dt.date) -> pd.DataFrame:
    """Pilot weeks 1–12 whose Monday ≤ T, in one query: week, week_start, complete, logged
    (|L ∩ S|), staff (|S|), adoption_rate, entries, entries_with_errors,
    data_quality_error_rate, meetings, review_held. The week containing T is partial (rows
    ≤ T). Rates are null on a zero denominator."""
    return _pilot_weeks_of(cur, {division: start}, as_of)[division]


def _pilot_weeks_of(cur: duckdb.DuckDBPyConnection, starts: dict[str, dt.date],
                    as_of: dt.date) -> dict[str, pd.DataFrame]:
    """:func:`pilot_weeks` of several divisions (``{division: pilot start}``) in one query."""
    counts = {d: min(PILOT_WEEKS, pilot_week_number(start, as_of)) for d, start in starts.items()}
    live = [d for d in starts if counts[d] >= 1]
    found = {d: pd.DataFrame(columns=_WEEK_COLUMNS) for d in starts if counts[d] < 1}
    if not live:
        return found
    frame = fetch_frame(cur, """
        WITH p AS (
          SELECT unnest($divisions) AS division, unnest($starts) AS start,
                 unnest($counts) AS count, unnest($los) AS lo, unnest($his) AS hi),
        w AS (
          SELECT division, week,
                 CAST(start + INTERVAL (7 * (week - 1)) DAY AS DATE) AS week_start
          FROM (SELECT division, start, unnest(range(1, count + 1)) AS week FROM p)),
        s AS (
          SELECT w.division, w.week, st.name FROM w JOIN staff st
            ON st.division = w.division AND st.customer_facing
           AND (st.start_date IS NULL OR st.start_date <= w.week_start + 6)
           AND (st.leave_date IS NULL OR st.leave_date >= w.week_start)),
        rows AS (
          SELECT i.division, i.row_id, i.logged_by,
                 date_diff('day', p.start, CAST(i.date AS DATE)) // 7 + 1 AS week
          FROM interactions i JOIN p ON i.division = p.division
          WHERE i.date >= p.lo AND i.date < p.hi),
        errs AS (SELECT DISTINCT row_id FROM findings
                 WHERE "table" = 'interactions' AND list_contains($codes, code)),
        l AS (SELECT DISTINCT division, week, logged_by AS name FROM rows
              WHERE logged_by IS NOT NULL),
        adoption AS (
          SELECT s.division, s.week, count(*) AS staff, count(l.name) AS logged
          FROM s LEFT JOIN l ON l.division = s.division AND l.week = s.week AND l.name = s.name
          GROUP BY s.division, s.week),
        entries AS (
          SELECT r.division, r.week, count(*) AS entries, count(e.row_id) AS entries_with_errors
          FROM rows r LEFT JOIN errs e ON e.row_id = r.row_id GROUP BY r.division, r.week)
        SELECT w.division, w.week, w.week_start, w.week_start + 6 < $as_of AS complete,
               coalesce(a.logged, 0) AS logged, coalesce(a.staff, 0) AS staff,
               a.logged / NULLIF(a.staff, 0) AS adoption_rate,
               coalesce(e.entries, 0) AS entries,
               coalesce(e.entries_with_errors, 0) AS entries_with_errors,
               e.entries_with_errors / NULLIF(e.entries, 0) AS data_quality_error_rate
        FROM w LEFT JOIN adoption a USING (division, week)
        LEFT JOIN entries e USING (division, week)
        ORDER BY w.division, w.week""", {
            "divisions": live, "starts": [starts[d] for d in live],
            "counts": [counts[d] for d in live],
            "los": [dt.datetime.combine(starts[d], dt.time()) for d in live],
            "his": [min(pilot_week(starts[d], counts[d]).hi, end_of(as_of)) for d in live],
            "as_of": as_of, "codes": _CODES})
    held = _meeting_weeks_of(cur, {d: [pilot_week(starts[d], k)
                                       for k in range(1, counts[d] + 1)] for d in live}, as_of)
    for division in live:
        part = _part(frame, division).drop(columns="division")
        part["week_start"] = pd.to_datetime(part["week_start"]).dt.date
        part["meetings"] = held[division]["meetings"].astype(int).to_numpy()
        part["review_held"] = held[division]["in_numerator"].astype(bool).to_numpy()
        found[division] = part
    return {division: found[division] for division in starts}


def headline_week(start: dt.date, as_of: dt.date) -> int:
    """The last complete pilot week before T (12 once the pilot is over); 0 when none."""
    return max(0, min(PILOT_WEEKS, pilot_week_number(start, as_of) - 1))


def checkin(weeks: pd.DataFrame, answers: pd.DataFrame, *, start: dt.date, as_of: dt.date,
            division: str, settings: Settings | None = None) -> pd.DataFrame:
    """The biweekly check-in (metrics.md): period k = pilot weeks 2k − 1 and 2k, judged only
    when both weeks ended before T. Per period: adoption (mean of its non-null weekly rates),
    error rate (errors / entries over both weeks), compliance (weeks held / 2), each with its
    status; stakeholder confidence over the answers dated in the period (shown, never a
    reason to intervene). ``weeks`` is :func:`pilot_weeks`; ``answers`` is
    :func:`survey_answers` from the pilot start to T."""
    records: list[dict[str, Any]] = []
    for k in range(1, PERIODS + 1):
        first, second = pilot_week(start, 2 * k - 1), pilot_week(start, 2 * k)
        if first.start > as_of:
            break
        part = weeks[weeks["week"].isin([2 * k - 1, 2 * k])]
        judged = second.end < as_of
        rates = part["adoption_rate"].dropna()
        entries = int(part["entries"].sum())
        held = int(part["review_held"].sum())
        in_period = answers[(answers["date"] >= first.start) & (answers["date"] <= second.end)] \
            if len(answers) else answers
        values = {
            "adoption_rate": float(rates.mean()) if len(rates) else None,
            "data_quality_error_rate": (int(part["entries_with_errors"].sum()) / entries
                                        if entries else None),
            "process_compliance": held / 2 if judged else None,
            "stakeholder_confidence": (float(in_period["in_numerator"].mean())
                                       if len(in_period) else None),
        }
        record: dict[str, Any] = {"period": k, "start": first.start, "end": second.end,
                                  "judged": judged}
        for kpi, value in values.items():
            target, direction = target_for(settings, division, kpi)
            status = make_result(kpi, value=value, n=None, target=target,
                                 direction=direction).status
            record[kpi] = value
            record[f"{kpi}_status"] = status if judged else "no_data"
        records.append(record)
    return pd.DataFrame(records)


def interventions(periods: pd.DataFrame) -> list[str]:
    """Metric ids off track in two consecutive judged periods, in the order adoption_rate,
    data_quality_error_rate, process_compliance (the keys of :func:`intervention_periods`)."""
    return list(intervention_periods(periods))


def pilot_summary(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                  settings: Settings | None = None) -> dict[str, Any] | None:
    """The report's ``pilot`` object for one division, or None without a pilot start:
    start, week, weeks[], the four headline KPI results (the last complete pilot week;
    compliance over the weeks before T's week; confidence from the start to T) and
    interventions."""
    return pilot_summaries(cur, divisions=[division], as_of=as_of, settings=settings)[division]


def pilot_summaries(cur: duckdb.DuckDBPyConnection, *, divisions: list[str], as_of: dt.date,
                    settings: Settings | None = None) -> dict[str, dict[str, Any] | None]:
    """:func:`pilot_summary` of each of ``divisions``, the weeks, meetings and survey answers
    of all of them read at once (pages that show every division: a third of the queries)."""
    starts = pilot_starts(cur, divisions=divisions, as_of=as_of, settings=settings)
    live = {d: start for d, start in starts.items() if start is not None}
    weeks = _pilot_weeks_of(cur, live, as_of)
    answers = _survey_answers_of(cur, {d: (start, as_of) for d, start in live.items()})
    return {d: _summary(d, live[d], weeks[d], answers[d], as_of, settings) if d in live
            else None for d in divisions}


def _summary(division: str, start: dt.date, weeks: pd.DataFrame, answers: pd.DataFrame,
             as_of: dt.date, settings: Settings | None) -> dict[str, Any]:
    """:func:`pilot_summary` from the division's pilot weeks and survey answers."""
    headline = headline_week(start, as_of)
    results: dict[str, KpiResult]
    if headline == 0:
        results = {}
        for kpi in ("adoption_rate", "data_quality_error_rate"):
            results[kpi] = empty_result(kpi, **_target(settings, division, kpi))
        for kpi in ("process_compliance", "stakeholder_confidence"):
            results[kpi] = ratio_result(kpi, 0, 0, **_target(settings, division, kpi))
    else:
        week = weeks[weeks["week"] == headline].iloc[0]
        judged = weeks[weeks["week"] <= headline]
        results = {
            "adoption_rate": ratio_result("adoption_rate", int(week["logged"]), int(week["staff"]),
                                          **_target(settings, division, "adoption_rate")),
            "data_quality_error_rate": ratio_result(
                "data_quality_error_rate", int(week["entries_with_errors"]), int(week["entries"]),
                **_target(settings, division, "data_quality_error_rate")),
            "process_compliance": ratio_result(
                "process_compliance", int(judged["review_held"].sum()), len(judged),
                **_target(settings, division, "process_compliance")),
            "stakeholder_confidence": ratio_result(
                "stakeholder_confidence", int(answers["in_numerator"].sum()), len(answers),
                **_target(settings, division, "stakeholder_confidence")),
        }
    periods = checkin(weeks, answers, start=start, as_of=as_of, division=division,
                      settings=settings)
    return {
        "start": start,
        "week": pilot_week_number(start, as_of),
        "weeks": weeks,
        "headline_week": headline,
        "results": results,
        "periods": periods,
        "interventions": interventions(periods),
    }


def _target(settings: Settings | None, division: str, kpi: str) -> dict[str, Any]:
    target, direction = target_for(settings, division, kpi)
    return {"target": target, "direction": direction}


def intervention_periods(periods: pd.DataFrame) -> dict[str, list[int]]:
    """Per metric needing intervention, the judged periods that were off track next to
    another off-track one (the evidence a banner names), e.g. {"adoption_rate": [1, 2, 3]}."""
    judged = periods[periods["judged"]] if len(periods) else periods
    found: dict[str, list[int]] = {}
    for kpi in INTERVENTION_KPIS:
        if not len(judged):
            break
        off = list(judged[f"{kpi}_status"] == "off_track")
        numbers = list(judged["period"])
        hits = sorted({numbers[i + d] for i in range(len(off) - 1) if off[i] and off[i + 1]
                       for d in (0, 1)})
        if hits:
            found[kpi] = hits
    return found
