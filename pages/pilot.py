"""Pilot scorecard: per division in pilot, the four success metrics as tiles, a 12-week chart
per metric and who to reach out to (metrics.md, pilot success metrics; ui.md)."""
from __future__ import annotations

import datetime as dt

import duckdb
import streamlit as st

from hub_data import Settings
from hub_data.contract import closest
from metrics import pilot as pilot_metrics
from metrics.calendar import PILOT_WEEKS, pilot_week
from metrics.charts import fig_confidence_periods, fig_pilot_metric
from metrics.formatting import day, percent
from metrics.pilot import adoption_rate, intervention_periods
from metrics.registry import BY_ID, PILOT_METRICS
from metrics.report import report_divisions
from metrics.result import MetricOutput
from pages._common import data_version, kpi_tile, md_escape, metrics_cursor, setup

ctx = setup("Pilot scorecard")


@st.cache_data(max_entries=16, show_spinner="Working out the pilot…")
def pilot_summaries(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                    _settings: Settings) -> dict[str, dict]:
    """Every division in pilot and its summary, once per (data version, T): switching the
    division or the chart only picks from these."""
    found = pilot_metrics.pilot_summaries(_cur, divisions=report_divisions(_cur), as_of=as_of,
                                          settings=_settings)
    return {d: s for d, s in found.items() if s}


@st.cache_data(max_entries=32, show_spinner=False)
def adoption(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date, division: str,
             start: dt.date, number: int, _settings: Settings) -> MetricOutput:
    """Who logged in pilot week ``number`` (of a pilot starting on ``start``), once per
    (data version, T, division, week)."""
    return adoption_rate(_cur, window=pilot_week(start, number), as_of=as_of,
                         division=division, settings=_settings)


cur, VERSION = metrics_cursor(ctx), data_version(ctx)
summaries = pilot_summaries(cur, VERSION, ctx.as_of, ctx.settings)
if not summaries:
    st.info("No division is in pilot yet: set `pilot_start` in settings.toml or log the first "
            "interactions.", icon=":material/info:")
    st.stop()

phases = sorted(summaries, key=lambda d: (summaries[d]["start"], d))
asked = st.query_params.get("division")
division = st.segmented_control("Division", phases, key="pilot_division",
                                default=asked if asked in phases else phases[0])
division = division or phases[0]
summary = summaries[division]
week, headline = summary["week"], summary["headline_week"]


def week_words(number: int) -> str:
    span = pilot_week(summary["start"], number)
    return (f"week {number} of {PILOT_WEEKS} "
            f"({span.start.day} {span.start:%b} – {span.end.day} {span.end:%b})")


st.markdown(f"### {md_escape(division)} · " + (
    f"pilot {week_words(week)}" if 1 <= week <= PILOT_WEEKS else
    f"pilot over ({PILOT_WEEKS} weeks from {day(summary['start'])})" if week > PILOT_WEEKS
    else f"pilot starts {day(summary['start'])}"))
st.caption("Phases: " + " → ".join(
    f"{md_escape(d)} (from {day(summaries[d]['start'])})" for d in phases)
    + ". Tiles show the last complete pilot week; the current week is still filling up.")

weeks, results = summary["weeks"], summary["results"]
previous = weeks[weeks["week"] == headline - 1]


def change(column: str) -> str | None:
    """The headline week's rate against the week before, in percentage points."""
    if previous.empty or headline == 0:
        return None
    now, before = weeks.loc[weeks["week"] == headline, column].iloc[0], previous[column].iloc[0]
    if now != now or before != before:  # NaN: nothing to compare
        return None
    points = round((now - before) * 100)
    if points == 0:
        return f"no change vs week {headline - 1}"
    return f"{points:+d} pts vs week {headline - 1}".replace("-", "−")


details = {
    "adoption_rate": lambda r: f"{r.numerator} of {r.denominator} customer-facing staff logged"
                               f" in week {headline}",
    "data_quality_error_rate": lambda r: f"{r.numerator} of {r.denominator} new entries had "
                                         f"an error in week {headline}",
    "process_compliance": lambda r: f"{r.numerator} of {r.denominator} pilot weeks had a "
                                    "review that used the Hub",
    "stakeholder_confidence": lambda r: f"{r.numerator} of {r.denominator} survey answers "
                                        f"scored 4–5 on ease and value since "
                                        f"{day(summary['start'])}",
}
changes = {kpi: change(kpi) for kpi in ("adoption_rate", "data_quality_error_rate")}
for column, spec in zip(st.columns(4), PILOT_METRICS):
    result = results[spec.id]
    with column:
        kpi_tile(spec.label, result, unit=spec.unit, min_n=ctx.settings.min_n,
                 detail=details[spec.id](result) if headline else "no complete pilot week yet",
                 change=changes.get(spec.id), help=spec.description,
                 reason="no survey answers yet" if spec.id == "stakeholder_confidence" else None)

evidence = intervention_periods(summary["periods"])
if evidence:
    named = "; ".join(f"{BY_ID[k].label.lower()} (off track in check-in periods "
                      f"{', '.join(map(str, periods))})" for k, periods in evidence.items())
    st.error(f"**Intervention needed:** {named}. Two periods running off track call for "
             "action; the biweekly check-in shows the evidence.",
             icon=":material/priority_high:")

chart = st.segmented_control("Chart", [s.label for s in PILOT_METRICS], key="pilot_chart",
                             default=PILOT_METRICS[0].label) or PILOT_METRICS[0].label
spec = next(s for s in PILOT_METRICS if s.label == chart)
target = results[spec.id].target
if spec.id == "stakeholder_confidence":
    fig = fig_confidence_periods(summary["periods"], target, division)
else:
    fig = fig_pilot_metric(weeks, spec.id, target, spec.direction, division)
st.plotly_chart(fig, key="pilot_chart_fig", theme=None, config={"displayModeBar": False})

st.subheader("Coaching: who to reach out to")
left, right = st.columns(2)
for column, number, title in ((left, headline, "Not logged in"),
                              (right, min(week, PILOT_WEEKS), "Not logged yet in")):
    if number < 1 or (column is right and number == headline):
        continue
    out = adoption(cur, VERSION, ctx.as_of, division, summary["start"], number, ctx.settings)
    rows = out.rows
    missing = sorted(rows.loc[rows["in_staff"] & ~rows["logged"], "name"])
    with column:
        st.markdown(f"**{title} {week_words(number)}** "
                    f"({percent(out.result.value)} logged)")
        st.markdown(("Reach out to: " + ", ".join(md_escape(n) for n in missing)) if missing
                    else "Everyone on the customer-facing roster logged. ✓")
        strangers = rows.loc[~rows["on_roster"], "name"]
        roster = list(rows.loc[rows["in_staff"], "name"])
        for name in strangers:
            guess = closest(name, roster)
            st.markdown(f"- *{md_escape(name)}* logged entries but is not on the roster"
                        + (f" — did they mean **{md_escape(guess)}**?" if guess else "."))
        with st.expander("Everyone in this week"):
            st.dataframe(rows[["name", "role", "in_staff", "logged", "entries", "last_logged"]],
                         hide_index=True, width="stretch", column_config={
                             "name": "Name", "role": "Role",
                             "in_staff": st.column_config.CheckboxColumn(
                                 "Customer-facing here",
                                 help="On the division's customer-facing roster this week"),
                             "logged": st.column_config.CheckboxColumn("Logged"),
                             "entries": st.column_config.NumberColumn("Entries", format="%d"),
                             "last_logged": st.column_config.DatetimeColumn(
                                 "Last entry", format="D MMM YYYY, HH:mm")})
st.caption(f"Pilot start {day(summary['start'])} "
           f"({'settings.toml' if ctx.settings.pilot_start(division) else 'the first entry'}); "
           f"nothing dated after {day(ctx.as_of)} counts.")
