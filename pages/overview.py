"""Executive overview (issue 7; ui.md, "Executives, browsing"): every division side by side,
then one click to the detail. Renders only; metrics.overview gathers (cached per data version
and as-of date).

Layout chosen from 1280×720 screenshots. Beside the sidebar the page is about 800 px wide:
five columns of full tiles next to a division column do not fit (values wrap). So the page
opens with one table row per division (its KPIs' status icons and how many are on track,
pilot, open backlog with overdue in red, entry errors), which fits the first screen; below
it each division is a band whose KPIs are compact tiles of ui.md's anatomy (label, value,
status icon and word, target, counts, sparkline over 12 windows, change) in five aligned
columns. The rows behind a number are on the division page, one click away.
"""
from __future__ import annotations

import datetime as dt
import html
from urllib.parse import quote, urlencode

import duckdb
import streamlit as st

from hub_data.settings import Settings
from metrics.charts import DIVISION_COLOURS, STATUS_COLOURS
from metrics.exports import file_name, to_csv, to_xlsx
from metrics.formatting import day, kpi_value, percent
from metrics.overview import DivisionOverview, OverviewKpi, division_table, kpi_table, overview
from pages._common import (STATUS_WORDS, data_version, export_stamp, kpi_panel, metrics_cursor,
                           page_link, setup, sparkline_svg)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = 5            # the largest panel (Motors) has five KPIs; every band aligns on five
INK, RED = "#374151", STATUS_COLOURS["off_track"]
CELL = "padding:0.3rem 0.6rem;border-top:1px solid #d1d5db;vertical-align:top"

ctx = setup("Executive overview")
T, MIN_N = ctx.as_of, ctx.settings.min_n


@st.cache_data(max_entries=8, show_spinner="Gathering every division's numbers…")
def gather(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
           _settings: Settings) -> list[DivisionOverview]:
    """Every division's overview, once per version of the data (which covers settings.toml)
    and as-of date; the KPI panels come from the cache the division page and the meeting
    share, so a division seen here is ready there."""
    return overview(_cur, as_of=as_of, settings=_settings,
                    panel_of=lambda division: kpi_panel(_cur, version, as_of, division,
                                                        _settings))


def link(page: str, division: str) -> str:
    """``./division?division=GRAS%20Restaurant``, with the as-of date when the link carries
    one (so the page opens on the same view)."""
    params = {"division": division}
    if "as_of" in st.query_params:
        params["as_of"] = T.isoformat()
    return f"./{page}?{urlencode(params, quote_via=quote)}"


def anchor(page: str, division: str, text: str, style: str = "") -> str:
    return (f"<a href='{html.escape(link(page, division))}' style='{style}'>"
            f"{html.escape(text)}</a>")


def shown(kpi: OverviewKpi) -> tuple[str, str, str]:
    """The tile's colour, icon and status word: grey "too few data (n = …)" below min_n."""
    status = kpi.shown_status(MIN_N)
    icon, word = STATUS_WORDS[status]
    colour = STATUS_COLOURS["no_data" if status == "too_few" else status]
    return colour, icon, kpi.status_text(MIN_N) if status == "too_few" else word


def tile_html(kpi: OverviewKpi, division: str) -> str:
    """One KPI as a compact tile (ui.md, "A KPI tile"): label; value in the status colour
    with icon and word; target and the counts; sparkline and change. Without a value it
    says why and links to the measurability view. Hover: formula, target, detail, change."""
    result = kpi.result
    colour, icon, word = shown(kpi)
    counted = kpi.detail.split(" · ")[0]
    small = f"font-size:0.9rem;color:{INK};line-height:1.25"
    parts = [f"<div style='font-size:1rem;font-weight:600;line-height:1.2'>"
             f"{html.escape(kpi.label)}</div>",
             f"<div style='font-size:2.2rem;font-weight:700;color:{colour};line-height:1.15'>"
             f"{html.escape(kpi_value(result.value, kpi.unit))}</div>",
             f"<div style='font-size:1rem;font-weight:700;color:{colour};line-height:1.2'>"
             f"{icon} {html.escape(word)}</div>"]
    if result.target is not None:          # "• no target" already says it when there is none
        parts.append(f"<div style='{small}'>{html.escape(kpi.target_text)}</div>")
    if result.value is None:
        parts.append(f"<div style='{small}'>{html.escape(kpi.reason or 'no data')} · "
                     f"{anchor('measurability', division, 'why?')}</div>")
    else:
        parts.append(f"<div style='{small}'>{html.escape(counted)}</div>")
    spark = sparkline_svg(list(kpi.spark), colour, width=72, height=26)
    change = (kpi.change or "").split(" vs ")[0]
    if spark or change:
        parts.append(f"<div style='display:flex;align-items:center;gap:0.3rem;{small}'>"
                     f"{spark}<span style='white-space:nowrap'>{html.escape(change)}</span>"
                     "</div>")
    tip = (f"{kpi.description} {kpi.target_text} "
           f"({'higher' if result.direction == 'higher' else 'lower'} is better). "
           f"{kpi.detail}." + (f" Change: {kpi.change}." if kpi.change else ""))
    return (f"<div class='overview-tile' title='{html.escape(tip)}' style='border:1px solid "
            "#d1d5db;border-radius:0.5rem;padding:0.5rem 0.65rem;min-width:0'>"
            + "".join(parts) + "</div>")


def dq_html(o: DivisionOverview) -> str:
    """Entry errors over the 28 days ending on T: icon and rate in the status colour (grey
    below min_n entries), of how many entries."""
    dq = o.data_quality
    if dq.value is None:
        return f"<span style='color:{STATUS_COLOURS['no_data']}'>– no entries</span>"
    if dq.n < MIN_N:
        return (f"<span style='color:{STATUS_COLOURS['no_data']}'>– {percent(dq.value)}<br>"
                f"too few data (n = {dq.n})</span>")
    icon = STATUS_WORDS[dq.status][0]
    return (f"<b style='color:{STATUS_COLOURS[dq.status]}'>{icon} {percent(dq.value)}</b>"
            f"<br>of {dq.denominator:,} entries")


def pilot_html(o: DivisionOverview) -> str:
    text = html.escape(o.pilot_words())
    if o.pilot and o.pilot.interventions:
        needed = html.escape(", ".join(o.pilot.intervention_labels).lower())
        text += f"<br><b style='color:{RED}'>⚠ Intervention needed: {needed}</b>"
    return text


def backlog_html(o: DivisionOverview) -> str:
    b = o.backlog
    overdue = f"<b style='color:{RED}'>{b.overdue:,} overdue</b>" if b.overdue else "0 overdue"
    return f"{overdue}<br>{b.open:,} open"


def summary_html(divisions: list[DivisionOverview]) -> str:
    """One row per division: name (its colour, a link to its page), its KPIs' status icons
    and how many are on track, pilot, open backlog (overdue in red) and entry errors."""
    head = "".join(f"<th style='text-align:left;{CELL};border-top:none'>{h}</th>" for h in (
        "Division", "KPIs", "Pilot", "Backlog", "Entry errors"))
    rows = []
    for o in divisions:
        colour = DIVISION_COLOURS.get(o.division, INK)
        icons = "".join(
            f"<span title='{html.escape(k.label)}: {html.escape(k.value_text)}, "
            f"{html.escape(k.status_text(MIN_N))}' style='color:{shown(k)[0]};"
            f"font-weight:700;margin-right:0.3rem'>{shown(k)[1]}</span>" for k in o.kpis)
        judged = (f"{o.count('on_track', MIN_N)} of {len(o.kpis)} on track" if o.kpis
                  else "no KPIs defined")
        name = anchor("division", o.division, o.division,
                      f"color:{colour};font-weight:700;font-size:1.2rem;text-decoration:none")
        rows.append(f"<tr><td style='{CELL}'>{name}</td>"
                    f"<td style='{CELL};white-space:nowrap'><span style='font-size:1.25rem'>"
                    f"{icons}</span><br>{judged}</td><td style='{CELL}'>{pilot_html(o)}</td>"
                    f"<td style='{CELL}'>{backlog_html(o)}</td><td style='{CELL}'>"
                    f"{dq_html(o)}</td></tr>")
    return ("<table class='overview-summary' style='width:100%;border-collapse:collapse;"
            "font-size:1.05rem;margin-bottom:0.5rem;table-layout:fixed'><colgroup>"
            + "".join(f"<col style='width:{w}%'>" for w in (18, 17, 33, 15, 17))
            + f"</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def band(o: DivisionOverview) -> None:
    """A division's band: its name in its colour, links to its page and its backlog (same
    tab under the app's navigation), then its KPI tiles in five aligned columns."""
    colour = DIVISION_COLOURS.get(o.division, INK)
    head = st.container(horizontal=True, vertical_alignment="center")
    head.markdown(f"<span style='font-size:1.5rem;font-weight:700;color:{colour}'>"
                  f"{html.escape(o.division)}</span>", unsafe_allow_html=True, width="content")
    query = {"division": o.division, **({"as_of": T.isoformat()}
                                        if "as_of" in st.query_params else {})}
    page_link("pages/division.py", f"Open {o.division} →", url_path="division", query=query,
              where=head)
    page_link("pages/backlog.py", "Backlog →", url_path="backlog", query=query, where=head)
    tiles = "".join(tile_html(k, o.division) for k in o.kpis) or (
        f"<div style='color:{INK}'>metrics.md defines no KPI panel for this division.</div>")
    st.markdown(f"<div class='overview-band' data-division='{html.escape(o.division)}' "
                f"style='border-top:3px solid {colour};"
                f"padding-top:0.5rem;margin:0 0 1.1rem 0;display:grid;grid-template-columns:"
                f"repeat({COLUMNS},minmax(0,1fr));gap:0.5rem'>{tiles}</div>",
                unsafe_allow_html=True)


cur = metrics_cursor(ctx)
divisions = gather(cur, data_version(ctx), T, ctx.settings)
if not divisions:
    st.info("No divisions are listed in the Hub workbooks yet.", icon=":material/info:")
    st.stop()
window = divisions[0].window
if all(o.data_quality.denominator == 0 and o.pilot is None for o in divisions):
    st.info(f"No interactions are logged up to {day(T)}: the tiles below say why each KPI "
            "has no value yet.", icon=":material/info:")
st.markdown(summary_html(divisions), unsafe_allow_html=True)
st.caption(f"KPIs over the 28 days {window.label()}, each beside its trend over the last 12 "
           "such windows and its change against the previous 28 days (new distributors: last "
           f"quarter); pilot, backlog and entry errors as of {day(T)}. Open backlog: overdue, "
           "due this week, missing a next action or without a due date. Hover a tile for its "
           "formula; click a division for its detail.")
for o in divisions:
    band(o)

table, per_division = kpi_table(divisions, min_n=MIN_N), division_table(divisions, min_n=MIN_N)
with st.expander("The overview as a table"):
    st.dataframe(table, hide_index=True, width="stretch", key="overview_kpis",
                 column_config={"Value": st.column_config.NumberColumn(format="%.1f"),
                                "Change": st.column_config.NumberColumn(format="%+.1f"),
                                "Based on": st.column_config.TextColumn(width="large")})
    st.dataframe(per_division, hide_index=True, width="stretch", key="overview_divisions",
                 column_config={"Entry-error rate %": st.column_config.NumberColumn(
                     format="%.1f %%")})
stamp = export_stamp(ctx)
row = st.container(horizontal=True)
row.download_button(
    "Download XLSX", lambda: to_xlsx({"KPIs": table, "Divisions": per_division},
                                     title="Executive overview", stamp=stamp),
    file_name=file_name("executive overview", T, "xlsx"), mime=XLSX, on_click="ignore",
    key="overview_xlsx", icon=":material/download:")
row.download_button("Download CSV", lambda: to_csv(table),
                    file_name=file_name("executive overview", T, "csv"), mime="text/csv",
                    on_click="ignore", key="overview_csv", icon=":material/download:")
