"""Coverage: the share of owned accounts touched in the last 28 days per division, the accounts
waiting longest for a touch, per-owner coaching and the channel mix (issue 7; metrics.md,
operational measures "coverage" and "collaboration"). Renders only: metrics.ownership,
metrics.coverage and metrics.activity compute."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from metrics import coverage as cv
from metrics.activity import collaboration, collaboration_trend
from metrics.calendar import window_ending
from metrics.charts import STATUS_COLOURS
from metrics.formatting import day, kpi_value, wilson_interval
from metrics.ownership import coverage_of_divisions
from metrics.report import report_divisions
from metrics.result import KpiResult, MetricOutput
from pages._common import (STATUS_WORDS, data_version, division_picker, kpi_tile, listed,
                           md_escape, metrics_cursor, setup, sparkline_svg, table_downloads,
                           too_few)

ctx = setup("Coverage")
ALL, EVERYONE, T = "All divisions", "Everyone", ctx.as_of
WINDOW = window_ending(T)
AGAINST = "the previous 28 days"
HELP = ("Accounts whose owner is on the Staff roster and has not left, with at least one "
        "interaction (by anyone, any channel) dated in the 28 days ending on the as-of date, "
        "out of all those accounts. Accounts without a valid owner are on the Accounts page "
        "as orphans. No target.")
NO_OWNED = ("no owned accounts: every account of the division is an orphan (blank owner, "
            "not on the roster or left), or it has none")
COLLAB_HELP = ("Interactions on the division's accounts in the last 28 days logged by a "
               "roster member of another division, out of those logged by roster members. "
               "No target: it shows how much the group works together.")

cur = metrics_cursor(ctx)
division = division_picker(report_divisions(cur), key="coverage_division", all_label=ALL,
                           where=st.sidebar,
                           help="Narrows the tiles, the accounts, the owners and the channel "
                                "mix. Add ?division=Motors to a link to open the page on it.")


@st.cache_data(max_entries=8, show_spinner="Counting who was in touch…")
def every_division(_cur: duckdb.DuckDBPyConnection, version: str,
                   as_of: dt.date) -> dict[str, MetricOutput]:
    """Every report division's coverage over the 28 days ending T, once per (data version,
    T): one query reads every interaction's owner, so a division only picks its own."""
    return coverage_of_divisions(_cur, window=window_ending(as_of), as_of=as_of,
                                 divisions=report_divisions(_cur))


@st.cache_data(max_entries=16, show_spinner="Counting who was in touch…")
def coverage_view(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                  division: str | None) -> dict[str, Any]:
    """Everything the page shows for one (data version, as-of date, division)."""
    window = window_ending(as_of)
    every = every_division(_cur, version, as_of)
    shown = [division] if division else list(every)
    trends = cv.coverage_trends(_cur, as_of=as_of, divisions=shown)
    tiles = {d: (every[d].result, trends[d]) for d in shown}
    rows = cv.coverage_rows(_cur, window=window, as_of=as_of, division=division,
                            by_division=every)
    collab = None
    if division:
        collab = (collaboration(_cur, window=window, as_of=as_of, division=division).result,
                  collaboration_trend(_cur, as_of=as_of, division=division))
    return {"tiles": tiles, "rows": rows, "collab": collab,
            "owners": cv.coverage_by_owner(_cur, window=window, as_of=as_of,
                                           division=division, rows=rows),
            "mix": cv.channel_mix(_cur, window=window, as_of=as_of, division=division)}


def spark_and_change(result: KpiResult, trend: pd.DataFrame) -> tuple[list, str | None]:
    """The trend's values (oldest first, None where not measured) and the change against the
    previous window in whole points ("+4 pts", "no change"); None when either is missing."""
    values = [None if pd.isna(v) else float(v) for v in trend["value"]]
    before = values[-2] if len(values) >= 2 else None
    if result.value is None or before is None:
        return values, None
    points = round((result.value - before) * 100)
    return values, "no change" if points == 0 else f"{points:+d} pts".replace("-", "−")


def coverage_tile(label: str, result: KpiResult, trend: pd.DataFrame) -> None:
    """A coverage tile: "61 of 80 owned accounts touched", sparkline and change."""
    spark, change = spark_and_change(result, trend)
    owned = int(result.denominator or 0)
    noun = "owned account" if owned == 1 else "owned accounts"
    kpi_tile(label, result, unit="ratio", min_n=ctx.settings.min_n, help=HELP, spark=spark,
             change=change and f"{change} vs {AGAINST}", reason=NO_OWNED,
             detail=f"{int(result.numerator or 0):,} of {owned:,} {noun} touched · "
                    f"{WINDOW.label()}")


def division_tile(name: str, result: KpiResult, trend: pd.DataFrame) -> None:
    """The same anatomy as a KPI tile (ui.md), narrow enough for five divisions side by side
    on a projector: division, value, status word and icon, "49 of 57 touched", sparkline and
    change in points (against the previous 28 days, said once above the tiles). The formula
    is the tile's hover text: a help icon would take the width the value needs."""
    small = too_few(result, "ratio", ctx.settings.min_n)
    colour = STATUS_COLOURS["no_data" if small else result.status]
    icon, word = STATUS_WORDS["too_few" if small else result.status]
    if small:
        word = f"too few data (n = {result.n})"
    spark, change = spark_and_change(result, trend)
    lines = [f"{int(result.numerator or 0):,} of {int(result.denominator or 0):,} touched"]
    if small and result.denominator:
        low, high = wilson_interval(result.numerator or 0, result.denominator)
        lines.append(f"could be {low * 100:.0f}–{high * 100:.0f} %")
    if result.value is None:
        lines = ["no owned accounts"]
    trend_svg = sparkline_svg(spark, colour, width=120, height=30)
    with st.container(border=True):
        st.markdown(
            f"<div title='{html.escape(f'{name}: {HELP}')}'>"
            f"<div style='font-size:1.1rem;font-weight:600;line-height:1.25;"
            f"min-height:2.6rem'>{html.escape(name)}</div>"
            f"<div style='font-size:2.5rem;font-weight:700;color:{colour};line-height:1.15;"
            f"white-space:nowrap'>{html.escape(kpi_value(result.value, 'ratio'))}</div>"
            f"<div style='font-size:1.05rem;font-weight:700;color:{colour}'>"
            f"{icon} {html.escape(word)}</div>"
            + "".join(f"<div style='font-size:1rem;color:#374151'>{html.escape(line)}</div>"
                      for line in lines)
            + (f"<div>{trend_svg}</div>" if trend_svg else "")
            + (f"<div style='font-size:1rem;color:#374151'>{html.escape(change)}</div>"
               if change else "") + "</div>", unsafe_allow_html=True)



view = coverage_view(cur, data_version(ctx), T, division)
prefix = f"{division} " if division else ""
st.caption(f"Owned accounts (owner on the roster and not left) with at least one interaction "
           f"in the 28 days {WINDOW.label()}. The line under each number is the last 12 "
           "windows of 28 days; the change is against the previous 28 days.")

# --- Tiles -------------------------------------------------------------------------------
if division:
    result, trend = view["tiles"][division]
    rows = view["rows"]
    never = int(rows["last_interaction"].isna().sum()) if len(rows) else 0
    left, middle, right = st.columns(3)
    with left:
        coverage_tile(f"{division}: owned accounts touched", result, trend)
    with middle:
        c_result, c_trend = view["collab"]
        spark, change = spark_and_change(c_result, c_trend)
        kpi_tile("Worked by colleagues of other divisions", c_result, unit="ratio",
                 min_n=ctx.settings.min_n, help=COLLAB_HELP, spark=spark,
                 change=change and f"{change} vs {AGAINST}",
                 detail=f"{int(c_result.numerator or 0):,} of {int(c_result.denominator or 0):,}"
                        f" interactions on {division} accounts · {WINDOW.label()}",
                 reason="no interactions logged by roster members on the division's "
                        "accounts in the window")
    right.metric("Never touched", f"{never:,}", border=True,
                 delta=f"of {len(rows):,} owned accounts", delta_color="off",
                 delta_arrow="off", help="Owned accounts with no interaction at all dated up "
                                         "to the as-of date: a first call is overdue.")
else:
    for column, (name, (result, trend)) in zip(st.columns(len(view["tiles"])),
                                               view["tiles"].items()):
        with column:
            division_tile(name, result, trend)

# --- Least-touched accounts ----------------------------------------------------------------
st.subheader("Accounts waiting for a touch")
rows = view["rows"]
if rows.empty:
    st.info("No owned accounts here: every account is an orphan or none belongs to this "
            "division. The Accounts page lists the orphans and a proposed owner.",
            icon=":material/info:")
else:
    owners = sorted(set(rows["owner"].dropna()), key=str.casefold)
    if st.session_state.get("coverage_owner") not in [EVERYONE, *owners]:
        st.session_state["coverage_owner"] = EVERYONE
    cols = st.columns([1.3, 2, 1], vertical_alignment="bottom")
    owner = cols[0].selectbox("Owner", [EVERYONE, *owners], key="coverage_owner",
                              help="Only the accounts this person owns.")
    untouched = cols[1].toggle("Only accounts not touched in 28 days", value=True,
                               key="coverage_untouched",
                               help="Off: every owned account, least touched first.")
    table = cv.least_touched(rows, owner=None if owner == EVERYONE else owner,
                             untouched_only=untouched)
    if table.empty:
        st.success("Every account here was touched in the last 28 days.",
                   icon=":material/check_circle:")
    else:
        st.caption(f"{len(table):,} account{'s' * (len(table) != 1)} · never touched first, "
                   "then the longest since the last interaction (any age, up to the as-of "
                   "date).")
        config = {
            "company_name": st.column_config.TextColumn("Company", width="medium"),
            "division": st.column_config.TextColumn("Division"),
            "owner": st.column_config.TextColumn("Owner"),
            "touch": st.column_config.TextColumn("Touched"),
            "interactions_in_window": st.column_config.NumberColumn("Interactions, 28 days"),
            "last_interaction": st.column_config.DateColumn("Last interaction",
                                                            format="D MMM YYYY"),
            "days_since_last": st.column_config.NumberColumn("Days since"),
            "account_id": st.column_config.TextColumn("Account ID")}
        order = [c for c in config if c != "division" or not division]
        st.dataframe(listed(table, "accounts"), hide_index=True, height=360,
                     column_order=order,
                     column_config=config, key="coverage_table")
        export = table[order].rename(columns={c: config[c]["label"] for c in order})
        table_downloads(ctx, export, f"{prefix}least touched accounts", "coverage_accounts")

# --- Per owner ------------------------------------------------------------------------------
st.subheader("Per owner: where a hand would help")
people = view["owners"]
lead_of = ctx.role.division
if not ctx.role.sees_people_rates():
    st.info("Per-person figures are for division leads, stewards and P&BI.",
            icon=":material/info:")
elif people.empty:
    st.info("No owned accounts here.", icon=":material/info:")
else:
    if lead_of is not None:
        people = people[people["division"] == lead_of]
        st.caption(f"Per-person figures are shown for {md_escape(lead_of)} only.")
    waiting = people[people["not_touched"] > 0]
    if len(waiting):
        names = {d: ", ".join(f"{md_escape(r.owner)} ({r.not_touched})"
                              for r in part.itertuples())
                 for d, part in waiting.groupby("division", sort=False)}
        st.info("**Accounts not touched in the last 28 days — a call or a visit this week "
                "would bring them back in** (owner and accounts waiting):\n"
                + "\n".join(f"- **{md_escape(d)}:** {text}" for d, text in names.items()),
                icon=":material/groups:")
    elif len(people):
        st.success("Every owner touched all their accounts in the last 28 days.",
                   icon=":material/groups:")
    st.caption("Listed by name, not ranked: the point is who might welcome a hand, not a "
               "league table.")
    owner_config = {
        "owner": st.column_config.TextColumn("Owner"),
        "division": st.column_config.TextColumn("Division"),
        "accounts": st.column_config.NumberColumn("Accounts owned"),
        "touched": st.column_config.NumberColumn("Touched, 28 days"),
        "not_touched": st.column_config.NumberColumn("Waiting for a touch"),
        "never_touched": st.column_config.NumberColumn("Never touched"),
        "share": st.column_config.ProgressColumn("Share touched", format="%.1f %%",
                                                 min_value=0, max_value=100)}
    owner_order = [c for c in owner_config if c != "division" or not division]
    st.dataframe(people.assign(share=people["share"] * 100), hide_index=True,
                 column_order=owner_order, column_config=owner_config, key="coverage_owners")

# --- Channel mix ------------------------------------------------------------------------------
st.subheader("Channel mix")
mix = view["mix"]
if mix.empty:
    st.info(f"No interactions dated {WINDOW.label()}.", icon=":material/info:")
else:
    st.plotly_chart(cv.fig_channel_mix(mix, window=WINDOW), key="coverage_mix_fig",
                    theme=None, config={"displayModeBar": False})
    written = mix[mix["channel"] == cv.AS_WRITTEN]
    if len(written):
        st.caption(f"{cv.AS_WRITTEN}: channels that match no list value, as written — "
                   + "; ".join(f"{md_escape(r.division)}: {md_escape(r.written)}"
                               for r in written.itertuples())
                   + ". The Data quality page lists the rows to fix.")
    missing = [d for d in view["tiles"] if d not in set(mix["division"])]
    if missing:
        st.caption("No interactions in the window: " + ", ".join(map(md_escape, missing)) + ".")
    numbers = cv.channel_table(mix)
    with st.expander("The numbers behind the chart"):
        st.dataframe(numbers, hide_index=True, key="coverage_mix_table", column_config={
            c: st.column_config.NumberColumn(c, format="%.1f %%")
            for c in numbers.columns if c not in ("Division", "Interactions")})
        table_downloads(ctx, numbers, f"{prefix}channel mix", "coverage_mix")
st.caption(f"Nothing dated after {day(T)} counts. Coverage counts interactions by anyone on "
           "the account; the channel mix counts each division's interactions (the row's "
           "Division, else its account's).")
