"""The biweekly check-in of metrics.md ("Biweekly check-in") as people read it, and the check-in
pack they take away: an XLSX (a sheet per table) and a self-contained HTML file.

Who calls what: pages/checkin.py calls :func:`pilot_divisions` and :func:`checkin_view`
(numbers from :func:`metrics.pilot.pilot_summary`, never recomputed), renders
:func:`period_grid_html`, :func:`intervention_evidence`'s sentences and
:func:`checkin_figures`, and hands :func:`pack_xlsx` / :func:`pack_html` to its download
buttons. Pure: frames in, bytes out, no file I/O; every text from the data is HTML-escaped in
HTML and formula-safe in XLSX (metrics.exports).

Readings chosen where the spec leaves room:
- A metric needs an intervention when metrics.pilot lists it (off track in any two
  consecutive judged periods); the evidence shown is its latest such pair of periods, and
  says whether the metric is still off track in the latest judged period or back on track.
- A period whose weeks have not both ended shows its value so far, marked "not judged yet".
- Stakeholder confidence is shown per period with its status but never triggers an
  intervention (metrics.md, KPI results).
- "Not logged yet" is the headline week's S(w) − L(w); when the pilot's current (partial)
  week exists, each name says whether they have logged in it so far.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from hub_data.settings import Settings
from metrics import pilot
from metrics.calendar import PILOT_WEEKS, pilot_week
from metrics.charts import STATUS_COLOURS, fig_pilot_metric
from metrics.exports import file_name, stamp, to_xlsx
from metrics.formatting import day
from metrics.registry import BY_ID
from metrics.report import phase_order
from metrics.result import Direction, KpiResult
from metrics.targets import target_for

CHECKIN_KPIS = pilot.PILOT_KPIS
INTERVENTION_KPIS = pilot.INTERVENTION_KPIS
STATUS_WORDS = {"on_track": "✓ on track", "off_track": "✗ off track", "no_data": "– no data",
                "info": "• info"}
NOT_JUDGED = "– not judged yet"
INFORMS_ONLY = "shown, never triggers an intervention"


@dataclass(frozen=True)
class Evidence:
    """Why a metric needs an intervention: its values in two consecutive judged periods that
    both missed the target, and how it stands in the latest judged period."""

    kpi_id: str
    label: str
    periods: tuple[int, int]
    spans: tuple[str, str]
    values: tuple[float | None, float | None]
    target: float | None
    direction: Direction
    latest_period: int
    latest_status: str
    back_on_track_since: int | None

    def sentence(self) -> str:
        """Plain words, e.g. "Adoption: 65 % in period 4 (15–28 Jun) and 65 % in period 5
        (29 Jun – 12 Jul), target ≥ 80 %; still off track in period 5"."""
        (a, b), (sa, sb), (va, vb) = self.periods, self.spans, self.values
        text = (f"{self.label}: {whole_percent(va)} in period {a} ({sa}) and "
                f"{whole_percent(vb)} in period {b} ({sb}), target "
                f"{target_text(self.target, self.direction)}")
        if self.back_on_track_since is not None:
            return f"{text}; back on track since period {self.back_on_track_since}"
        return f"{text}; still off track in period {self.latest_period}"


@dataclass(frozen=True)
class CheckinView:
    """One division's check-in as of T: the pilot summary's numbers, ready to show."""

    division: str
    as_of: dt.date
    start: dt.date
    week: int
    headline_week: int
    weeks: pd.DataFrame
    periods: pd.DataFrame
    results: dict[str, KpiResult]
    targets: dict[str, tuple[float | None, Direction]]
    interventions: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    not_logged: pd.DataFrame
    not_on_roster: tuple[str, ...]


# ------------------------------------------------------------------------------ words
def whole_percent(value: Any) -> str:
    """``0.654`` → ``65 %``; a dash when there is nothing (rates are whole percents here)."""
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value) * 100:.0f} %"


def target_text(target: float | None, direction: str) -> str:
    """``≥ 80 %`` / ``< 10 %`` / ``none``."""
    if target is None:
        return "none"
    return f"{'≥' if direction == 'higher' else '<'} {target * 100:.0f} %"


def span(start: dt.date, end: dt.date) -> str:
    """``4–17 May``, ``27 Apr – 10 May``, ``29 Dec 2025 – 11 Jan 2026``."""
    if start.year != end.year:
        return f"{day(start)} – {day(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b}"
    return f"{start.day}–{end.day} {end:%b}"



def label(kpi_id: str) -> str:
    """The registry's label of a pilot metric."""
    return BY_ID[kpi_id].label


# ------------------------------------------------------------------------------ the view
def pilot_divisions(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    settings: Settings | None = None) -> list[str]:
    """The report's divisions that have a pilot as of T, in phase order (earliest pilot start
    first, then by name), as the pilot scorecard lists them."""
    ordered = phase_order(cur, as_of=as_of, settings=settings)
    starts = pilot.pilot_starts(cur, divisions=ordered, as_of=as_of, settings=settings)
    return [d for d in ordered if starts[d] is not None]


def intervention_evidence(periods: pd.DataFrame, interventions: list[str] | tuple[str, ...],
                          targets: dict[str, tuple[float | None, Direction]]
                          ) -> tuple[Evidence, ...]:
    """For each metric of ``interventions``: the latest two consecutive judged periods both
    off track, their values and the target, and the latest judged period's status."""
    judged = periods[periods["judged"]].reset_index(drop=True) if len(periods) else periods
    found = []
    for kpi in interventions:
        statuses = list(judged[f"{kpi}_status"])
        pairs = [i for i in range(1, len(statuses))
                 if statuses[i - 1] == statuses[i] == "off_track"]
        if not pairs:
            continue
        i = pairs[-1]
        first, second = judged.iloc[i - 1], judged.iloc[i]
        latest = judged.iloc[-1]
        since = None
        if latest[f"{kpi}_status"] != "off_track":
            after = [k for k in range(i + 1, len(statuses)) if statuses[k] != "off_track"]
            tail = [k for k in after if all(s != "off_track" for s in statuses[k:])]
            since = int(judged.iloc[tail[0]]["period"]) if tail else None
        target, direction = targets[kpi]
        found.append(Evidence(
            kpi, label(kpi), (int(first["period"]), int(second["period"])),
            (span(first["start"], first["end"]), span(second["start"], second["end"])),
            (_number(first[kpi]), _number(second[kpi])), target, direction,
            int(latest["period"]), str(latest[f"{kpi}_status"]), since))
    return tuple(found)


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def checkin_view(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                 settings: Settings | None = None) -> CheckinView | None:
    """The check-in of ``division`` as of T (``cur`` from metrics.inputs.workspace), or None
    when the division has no pilot start."""
    summary = pilot.pilot_summary(cur, division=division, as_of=as_of, settings=settings)
    if summary is None:
        return None
    start, headline = summary["start"], summary["headline_week"]
    targets = {kpi: target_for(settings, division, kpi) for kpi in CHECKIN_KPIS}
    not_logged, strangers = _adoption_follow_up(cur, division, as_of, settings, start,
                                                headline, summary["week"])
    return CheckinView(
        division, as_of, start, int(summary["week"]), int(headline), summary["weeks"],
        summary["periods"], dict(summary["results"]), targets,
        tuple(summary["interventions"]),
        intervention_evidence(summary["periods"], summary["interventions"], targets),
        not_logged, strangers)


def _adoption_follow_up(cur: duckdb.DuckDBPyConnection, division: str, as_of: dt.date,
                        settings: Settings | None, start: dt.date, headline: int,
                        week: int) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """S(w) − L(w) of the headline week (with "logged this week so far" when the pilot's
    current week exists) and the names logged that week that are on no roster."""
    columns = ["name", "role", "week", "logged_current_week"]
    if headline < 1:
        return pd.DataFrame(columns=columns), ()
    rows = pilot.adoption_rate(cur, window=pilot_week(start, headline), as_of=as_of,
                               division=division, settings=settings).rows
    missing = rows[rows["in_staff"] & ~rows["logged"]]
    current: set[str] | None = None
    if headline < week <= PILOT_WEEKS:
        now = pilot.adoption_rate(cur, window=pilot_week(start, week), as_of=as_of,
                                  division=division, settings=settings).rows
        current = set(now.loc[now["logged"], "name"])
    frame = pd.DataFrame({
        "name": missing["name"].astype(str).to_numpy(),
        "role": missing["role"].to_numpy(),
        "week": headline,
        "logged_current_week": [None if current is None else name in current
                                for name in missing["name"]]})
    strangers = tuple(str(n) for n in rows.loc[rows["logged"] & ~rows["on_roster"], "name"])
    return frame[columns], strangers


# ------------------------------------------------------------------------------ tables
def _status_word(record: pd.Series, kpi: str) -> str:
    if not record["judged"]:
        return "– no data" if _number(record[kpi]) is None else NOT_JUDGED
    return STATUS_WORDS[record[f"{kpi}_status"]]


def period_table(view: CheckinView) -> pd.DataFrame:
    """One row per check-in period: period, weeks, from, to, judged, and per metric its
    value in percent (one decimal) and status words (✓ on track, ✗ off track, – no data)."""
    records = []
    for _, p in view.periods.iterrows():
        record: dict[str, Any] = {
            "Period": int(p["period"]), "Weeks": f"{2 * p['period'] - 1}–{2 * p['period']}",
            "From": p["start"], "To": p["end"], "Judged": "yes" if p["judged"] else "not yet"}
        for kpi in CHECKIN_KPIS:
            value = _number(p[kpi])
            record[f"{label(kpi)} %"] = None if value is None else round(value * 100, 1)
            record[f"{label(kpi)} status"] = _status_word(p, kpi)
        records.append(record)
    return pd.DataFrame(records)


def week_table(view: CheckinView) -> pd.DataFrame:
    """The pilot weeks (metrics.pilot.pilot_weeks) with readable headers, rates in percent."""
    w = view.weeks
    return pd.DataFrame({
        "Week": w["week"].astype(int), "Week of": w["week_start"],
        "Complete": ["yes" if c else "in progress" for c in w["complete"]],
        "Staff who logged": w["logged"].astype(int),
        "Customer-facing staff": w["staff"].astype(int),
        "Adoption %": [None if pd.isna(v) else round(v * 100, 1) for v in w["adoption_rate"]],
        "Entries": w["entries"].astype(int),
        "Entries with an error": w["entries_with_errors"].astype(int),
        "Error rate %": [None if pd.isna(v) else round(v * 100, 1)
                         for v in w["data_quality_error_rate"]],
        "Review meetings": w["meetings"].astype(int),
        "Review held": ["yes" if h else "no" for h in w["review_held"]]})


def intervention_table(view: CheckinView) -> pd.DataFrame:
    """One row per metric needing an intervention, with its evidence (no rows: none)."""
    columns = ["Metric", "Periods", "First period %", "Second period %", "Target", "Now",
               "Evidence"]
    return pd.DataFrame([{
        "Metric": e.label, "Periods": f"{e.periods[0]} and {e.periods[1]}",
        "First period %": _pct(e.values[0]), "Second period %": _pct(e.values[1]),
        "Target": target_text(e.target, e.direction),
        "Now": (f"back on track since period {e.back_on_track_since}"
                if e.back_on_track_since is not None else "still off track"),
        "Evidence": e.sentence()} for e in view.evidence], columns=columns)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def not_logged_table(view: CheckinView) -> pd.DataFrame:
    """Customer-facing staff who did not log in the headline week (coaching, not a ranking),
    then the names logged that week that are on no roster."""
    current = f"Logged in week {view.week} so far"
    rows = [{"Name": r.name, "Role": r.role, "Follow-up": f"not logged in week {r.week} — "
             "reach out", current: (None if r.logged_current_week is None else
                                    "yes" if r.logged_current_week else "not yet")}
            for r in view.not_logged.itertuples()]
    rows += [{"Name": name, "Role": None, "Follow-up": f"logged in week {view.headline_week} "
              "but not on the roster — add them or fix the name", current: None}
             for name in view.not_on_roster]
    frame = pd.DataFrame(rows, columns=["Name", "Role", "Follow-up", current])
    return frame if view.headline_week < view.week <= PILOT_WEEKS else frame.drop(
        columns=[current])


# ------------------------------------------------------------------------------ HTML parts
GRID_CSS = """
.ck-grid{border-collapse:collapse;width:100%;font-family:inherit;color:#111827;
  table-layout:fixed}
.ck-grid th,.ck-grid td{border:1px solid #d1d5db;padding:6px 4px;text-align:center;
  vertical-align:middle;overflow-wrap:anywhere}
.ck-grid thead th{background:#f3f4f6;font-size:17px;font-weight:700;line-height:1.2}
.ck-grid th.ck-metric{text-align:left;font-size:18px;width:22%;background:#f9fafb;
  padding-left:10px;line-height:1.2}
.ck-grid small{display:block;font-size:14px;font-weight:400;color:#374151;margin-top:2px}
.ck-grid td b{display:block;font-size:23px;font-weight:800;line-height:1.15;
  white-space:nowrap}
.ck-grid td span{display:block;font-size:14px;font-weight:600;line-height:1.15}
.ck-grid td.ck-pair{background:#fdecea;box-shadow:inset 0 0 0 3px #b3261e}
.ck-grid tr.ck-informs th,.ck-grid tr.ck-informs td{border-top:3px double #6b7280}
"""


def _cell(view: CheckinView, p: pd.Series, kpi: str, paired: bool) -> str:
    value = _number(p[kpi])
    if value is None:
        status, word = "no_data", "no data"
    elif not p["judged"]:
        status, word = "no_data", "not judged yet"
    else:
        status = str(p[f"{kpi}_status"])
        word = STATUS_WORDS[status][2:]
    shown = "–" if value is None else (
        f"{STATUS_WORDS[status][0] if p['judged'] else '–'} {whole_percent(value)}")
    css = ' class="ck-pair"' if paired else ""
    return (f'<td{css} style="color:{STATUS_COLOURS[status]}"><b>{html.escape(shown)}</b>'
            f'<span>{html.escape(word)}</span></td>')


def period_grid_html(view: CheckinView) -> str:
    """The check-in grid: a row per metric, a column per period; each cell the value (whole
    percent), an icon and the status word in the status colour (never colour alone); the two
    periods behind an intervention outlined. Use with :data:`GRID_CSS`."""
    paired = {(e.kpi_id, k) for e in view.evidence for k in e.periods}
    head = "".join(
        f'<th>Period {int(p["period"])}<small>{html.escape(span(p["start"], p["end"]))}'
        f'{"" if p["judged"] else "<br>in progress"}</small></th>'
        for _, p in view.periods.iterrows())
    body = []
    for kpi in CHECKIN_KPIS:
        target, direction = view.targets[kpi]
        informs = kpi not in INTERVENTION_KPIS
        note = f"target {target_text(target, direction)}" + (f" · {INFORMS_ONLY}" if informs
                                                              else "")
        cells = "".join(_cell(view, p, kpi, (kpi, int(p["period"])) in paired)
                        for _, p in view.periods.iterrows())
        css = ' class="ck-informs"' if informs else ""
        body.append(f'<tr{css}><th class="ck-metric">{html.escape(label(kpi))}'
                    f'<small>{html.escape(note)}</small></th>{cells}</tr>')
    return (f'<table class="ck-grid"><thead><tr><th class="ck-metric">Metric</th>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table>')


def checkin_figures(view: CheckinView) -> dict[str, go.Figure]:
    """The three weekly charts (adoption, entry errors, weekly review) of the division; the
    division's name is escaped for plotly's HTML-like labels."""
    name = html.escape(view.division)
    return {kpi: fig_pilot_metric(view.weeks, kpi, view.targets[kpi][0], view.targets[kpi][1],
                                  name) for kpi in INTERVENTION_KPIS}


def headline_text(view: CheckinView) -> str:
    """``Pilot started 4 May 2026 · week 11 of 12 · last complete week: 10 (6–12 Jul)``."""
    if view.week < 1:
        return f"Pilot starts {day(view.start)}, after {day(view.as_of)}: nothing to check yet"
    week = (f"week {view.week} of {PILOT_WEEKS}" if view.week <= PILOT_WEEKS
            else f"pilot over ({PILOT_WEEKS} weeks)")
    last = "none yet" if view.headline_week < 1 else (
        f"{view.headline_week} ({span(*_week_days(view, view.headline_week))})")
    return f"Pilot started {day(view.start)} · {week} · last complete week: {last}"


def _week_days(view: CheckinView, week: int) -> tuple[dt.date, dt.date]:
    w = pilot_week(view.start, week)
    return w.start, w.end


# ------------------------------------------------------------------------------ the pack
def pack_sheets(view: CheckinView) -> dict[str, pd.DataFrame]:
    """The pack's tables, one sheet each: periods, weeks, interventions, not logged yet."""
    return {"Periods": period_table(view), "Weeks": week_table(view),
            "Interventions": intervention_table(view), "Not logged yet": not_logged_table(view)}


def pack_file_name(view: CheckinView, extension: str) -> str:
    """``motors-checkin-2026-07-15.xlsx``."""
    return file_name(f"{view.division} checkin", view.as_of, extension)


def pack_xlsx(view: CheckinView, *, loaded_at: dt.datetime) -> bytes:
    """The pack as a workbook: a sheet per table, each stamped with the as-of date and the
    load time, text formula-safe (metrics.exports.to_xlsx)."""
    return to_xlsx(pack_sheets(view), title=f"{view.division} · biweekly check-in",
                   stamp=stamp(view.as_of, loaded_at))


_PACK_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827;
  margin:24px auto;max-width:1180px;padding:0 16px;font-size:16px;line-height:1.45}
h1{font-size:30px;margin:0 0 4px}h2{font-size:22px;margin:28px 0 8px}
.stamp{color:#374151;margin:0 0 16px}
.banner{border-radius:8px;padding:14px 18px;font-size:18px;margin:12px 0}
.banner.error{background:#fdecea;border-left:8px solid #b3261e}
.banner.success{background:#e8f5ec;border-left:8px solid #1b7f3b}
.banner ul{margin:6px 0 0 0}
table.plain{border-collapse:collapse;width:100%;font-size:15px}
table.plain th,table.plain td{border:1px solid #d1d5db;padding:5px 8px;text-align:left}
table.plain th{background:#f3f4f6}
.chart{margin:8px 0 20px}
"""


def banner_lines(view: CheckinView) -> tuple[bool, str, str, list[str]]:
    """(intervention needed, title, summary, evidence sentences) of the check-in banner."""
    if view.evidence:
        names = ", ".join(e.label for e in view.evidence)
        return True, "Intervention needed", f"{names} off track two periods running", [
            e.sentence() for e in view.evidence]
    judged = int(view.periods["judged"].sum()) if len(view.periods) else 0
    if judged < 2:
        return False, "No intervention needed yet", ("fewer than two check-in periods have "
                                                     "been judged"), []
    return False, "No intervention needed", "no metric was off track two periods running", []


def _html_table(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        if isinstance(value, dt.date):
            return day(value)
        return str(value)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table class="plain"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _chart_html(fig: go.Figure, kpi: str, first: bool) -> str:
    """One chart as a ``<div>``; plotly.js is inlined with the first chart only (no CDN)."""
    body = pio.to_html(fig, include_plotlyjs=first, full_html=False, div_id=f"chart-{kpi}",
                       config={"displaylogo": False, "responsive": True})
    return f'<div class="chart">{body}</div>'


def _section(heading: str, frame: pd.DataFrame, empty: str) -> str:
    body = _html_table(frame) if len(frame) else f"<p>{html.escape(empty)}</p>"
    return f"<h2>{html.escape(heading)}</h2>\n{body}"


def pack_html(view: CheckinView, *, loaded_at: dt.datetime) -> bytes:
    """The pack as one self-contained HTML document (UTF-8 bytes): inline CSS, plotly.js
    inlined once with the first chart (no CDN), the banner, the period grid, the three weekly
    charts and the tables, stamped like the workbook; every text from the data escaped."""
    needed, title, summary, lines = banner_lines(view)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    banner = (f'<div class="banner {"error" if needed else "success"}"><strong>'
              f'{"✗" if needed else "✓"} {html.escape(title)}:</strong> '
              f'{html.escape(summary)}{f"<ul>{items}</ul>" if items else ""}</div>')
    charts = "".join(_chart_html(fig, kpi, i == 0)
                     for i, (kpi, fig) in enumerate(checkin_figures(view).items()))
    sheets = pack_sheets(view)
    everyone = ("No pilot week is complete yet." if view.headline_week < 1 else
                f"Everyone on the customer-facing roster logged in week {view.headline_week}.")
    heading = f"{view.division} · biweekly check-in · as of {day(view.as_of)}"
    stamps = f"{html.escape(stamp(view.as_of, loaded_at))}<br>{html.escape(headline_text(view))}"
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(heading)}</title>
<style>{_PACK_CSS}{GRID_CSS}</style></head>
<body>
<h1>{html.escape(view.division)}: biweekly check-in</h1>
<p class="stamp">{stamps}</p>
{banner}
<h2>Periods of two weeks</h2>
{period_grid_html(view)}
<p class="stamp">Period k = pilot weeks 2k − 1 and 2k, judged once both weeks have ended.
Off track in two consecutive periods = intervention needed. Stakeholder confidence is
{INFORMS_ONLY}.</p>
<h2>Week by week</h2>
{charts}
{_section("Not logged yet", sheets["Not logged yet"], everyone)}
{_section("Weeks", sheets["Weeks"], "No pilot week has started yet.")}
{_section("Interventions", sheets["Interventions"], "None.")}
</body></html>
"""
    return document.encode("utf-8")
