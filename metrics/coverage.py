"""Coverage of owned accounts and the channel mix per division (metrics.md, "Operational
measures": coverage, previous window / trend; issue 7's Coverage page).

Pure: a metrics cursor in, frames and figures out. The share itself is
:func:`metrics.ownership.coverage` (one rule, never rebuilt here); this module adds what the
page shows around it:

- :func:`coverage_rows`: the owned accounts of one or every division, least touched first;
- :func:`coverage_trend`: coverage over 12 back-to-back 28-day windows ending at T
  (:func:`coverage_trends`: of several divisions at once);
- :func:`coverage_by_owner`: per owner, accounts owned, touched in the window and the share;
- :func:`least_touched`: the accounts waiting for a touch, with an owner filter;
- :func:`channel_mix` / :func:`channel_table` / :func:`fig_channel_mix`: each division's
  interactions in the window by channel, as shares summing to 1 per division.

Readings chosen where the spec is silent:
- The trend keeps the owners as of T (the accounts that are owned today) and counts, for
  each window, those with an interaction dated in it: the same as calling
  ``ownership.coverage(window=w, as_of=T)`` per window, as the registry's trends do.
- "All divisions" is every report division (the Lists' divisions); an account without a
  Division belongs to none and is in no coverage.
- Channel mix counts the interactions dated in the window (cut at T) by the row's division
  (its own Division, else its account's); rows with neither are left out. A Channel that
  maps to no list value (blank included) is counted as "Other (as written)", apart from the
  list value "Other"; the words actually written are kept in ``written``.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import plotly.graph_objects as go

from hub_data.contract import DEFAULT_LISTS
from metrics.calendar import Window, end_of, trend_windows
from metrics.charts import _layout
from metrics.inputs import fetch_frame
from metrics.ownership import coverage_counts, coverage_of_divisions
from metrics.result import MetricOutput
from metrics.report import report_divisions

AS_WRITTEN = "Other (as written)"
BLANK = "(blank)"
# One colour per channel on every chart (Okabe–Ito, colour-blind safe), with the text colour
# that reads on it; channels of a custom Lists sheet take the spare colours in name order.
CHANNEL_COLOURS: dict[str, tuple[str, str]] = {
    "Phone": ("#0072B2", "#ffffff"), "WhatsApp": ("#009E73", "#ffffff"),
    "Meeting": ("#E69F00", "#111827"), "Email": ("#56B4E9", "#111827"),
    "Walk-in": ("#D55E00", "#ffffff"), "Social Media": ("#CC79A7", "#111827"),
    "Website": ("#F0E442", "#111827"), "Other": ("#a3a3a3", "#111827"),
    AS_WRITTEN: ("#4b5563", "#ffffff"),
}
SPARE_COLOURS: tuple[tuple[str, str], ...] = (
    ("#332288", "#ffffff"), ("#88CCEE", "#111827"), ("#44AA99", "#111827"),
    ("#117733", "#ffffff"), ("#999933", "#111827"), ("#AA4499", "#ffffff"),
    ("#882255", "#ffffff"), ("#DDCC77", "#111827"))

ROW_COLUMNS = ["account_id", "company_name", "division", "owner", "last_interaction",
               "days_since_last", "interactions_in_window", "in_numerator", "source_file",
               "source_sheet", "source_row"]
OWNER_COLUMNS = ["division", "owner", "accounts", "touched", "not_touched", "never_touched",
                 "share"]
TREND_COLUMNS = ["window_start", "window_end", "numerator", "denominator", "value",
                 "measured"]
MIX_COLUMNS = ["division", "channel", "interactions", "share", "written"]


def _divisions(cur: duckdb.DuckDBPyConnection, division: str | None) -> list[str]:
    return [division] if division is not None else report_divisions(cur)


def coverage_rows(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                  division: str | None = None,
                  by_division: dict[str, MetricOutput] | None = None) -> pd.DataFrame:
    """The rows of :func:`metrics.ownership.coverage` (owned accounts: owner not an orphan)
    for ``division``, or for every report division when None, least touched first: never
    touched first, then the longest since the last interaction dated ≤ T (ties: division
    order, then Hub row order, as ownership orders them). ``by_division`` is
    :func:`metrics.ownership.coverage_of_divisions` over those divisions, when the caller
    has it."""
    shown = _divisions(cur, division)
    by_division = by_division or coverage_of_divisions(cur, window=window, as_of=as_of,
                                                       divisions=shown)
    frames = [by_division[d].rows for d in shown]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})
    rows = pd.concat(frames, ignore_index=True)
    return rows.sort_values("last_interaction", na_position="first", kind="stable") \
        .reset_index(drop=True)


_STARTED_SQL = """
SELECT division, min(date) FROM interactions
WHERE list_contains($divisions, division) AND date IS NOT NULL AND date < $hi
GROUP BY division
"""


def coverage_trend(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   division: str) -> pd.DataFrame:
    """Coverage of ``division`` per trend window: 12 back-to-back 28-day windows ending at T,
    oldest first (metrics.md, "previous window / trend").

    Columns ``window_start``, ``window_end`` (dates), ``numerator`` (owned accounts with an
    interaction dated in the window), ``denominator`` (owned accounts as of T), ``measured``
    and ``value`` (numerator / denominator when measured, else None). The owners are those of
    T in every window (see the module's readings), so the last row equals
    :func:`metrics.ownership.coverage` over the 28 days ending on T.

    Reading chosen: a window that ends before the division's first interaction (its own
    Division, else its account's; dated ≤ T) is not measured — the Hub was not in use yet, and
    no data is not zero; neither is a window of a division that owns no account.
    """
    return coverage_trends(cur, as_of=as_of, divisions=[division])[division]


def coverage_trends(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                    divisions: list[str]) -> dict[str, pd.DataFrame]:
    """:func:`coverage_trend` of each of ``divisions``, from two queries whatever their
    number (:func:`metrics.ownership.coverage_counts` and each division's first interaction)."""
    if not divisions:
        return {}
    windows = trend_windows(as_of)
    owned, touched = coverage_counts(cur, as_of=as_of, divisions=divisions, first=windows[0])
    started = {d: pd.Timestamp(when).date() for d, when in cur.execute(
        _STARTED_SQL, {"divisions": divisions, "hi": end_of(as_of)}).fetchall()
        if when is not None}
    trends = {}
    for division in divisions:
        size = owned.get(division, 0)
        records = []
        for k, win in enumerate(windows):
            count = touched.get((division, k), 0)
            measured = size > 0 and division in started and started[division] <= win.end
            records.append({"window_start": win.start, "window_end": win.end,
                            "numerator": count, "denominator": size,
                            "value": count / size if measured else None,
                            "measured": measured})
        trends[division] = pd.DataFrame.from_records(records, columns=TREND_COLUMNS)
    return trends


def coverage_by_owner(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                      division: str | None = None,
                      rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (division, owner): ``accounts`` owned, ``touched`` in the window, ``not_touched``,
    ``never_touched`` (no interaction dated ≤ T at all) and ``share`` = touched / accounts.

    The owned accounts are those of coverage (owner not an orphan). Listed by division, then
    owner name (case-folded), never ranked by share: the page uses it for coaching. ``rows``:
    :func:`coverage_rows` already computed for the same arguments (saves a query).
    """
    if rows is None:
        rows = coverage_rows(cur, window=window, as_of=as_of, division=division)
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in OWNER_COLUMNS})
    frame = rows.assign(touched=rows["in_numerator"].astype(bool),
                        never=rows["last_interaction"].isna())
    out = frame.groupby(["division", "owner"], as_index=False, sort=False).agg(
        accounts=("account_id", "size"), touched=("touched", "sum"),
        never_touched=("never", "sum"))
    out["touched"] = out["touched"].astype(int)
    out["never_touched"] = out["never_touched"].astype(int)
    out["not_touched"] = out["accounts"] - out["touched"]
    out["share"] = out["touched"] / out["accounts"]
    order = {d: i for i, d in enumerate(_divisions(cur, division))}
    out = out.assign(_d=out["division"].map(order), _o=out["owner"].str.casefold())
    out = out.sort_values(["_d", "_o", "owner"], kind="stable")
    return out[OWNER_COLUMNS].reset_index(drop=True)


def least_touched(rows: pd.DataFrame, *, owner: str | None = None,
                  untouched_only: bool = False) -> pd.DataFrame:
    """The accounts of :func:`coverage_rows` as a table for people, least touched first:
    ``company_name``, ``division``, ``owner``, ``interactions_in_window``,
    ``last_interaction`` (a date), ``days_since_last`` and ``touch`` in words ("never",
    "not in the window", "in the window"), plus ``account_id``. ``owner`` keeps that owner's
    accounts; ``untouched_only`` keeps those without an interaction in the window."""
    kept = rows
    if owner is not None:
        kept = kept[kept["owner"] == owner]
    if untouched_only:
        kept = kept[~kept["in_numerator"].astype(bool)]
    last = pd.to_datetime(kept["last_interaction"])
    touch = ["in the window" if hit else "never" if pd.isna(when) else "not in the window"
             for hit, when in zip(kept["in_numerator"].astype(bool), last)]
    return pd.DataFrame({
        "company_name": kept["company_name"].astype("object"),
        "division": kept["division"].astype("object"),
        "owner": kept["owner"].astype("object"),
        "touch": pd.Series(touch, index=kept.index, dtype="object"),
        "interactions_in_window": kept["interactions_in_window"].astype("int64"),
        "last_interaction": last.dt.date,
        "days_since_last": kept["days_since_last"].astype("Int64"),
        "account_id": kept["account_id"].astype("object"),
    }).reset_index(drop=True)


_MIX_SQL = """
SELECT division, channel, channel_listed, count(*) AS interactions
FROM interactions
WHERE date >= $lo AND date < $hi AND division IS NOT NULL
  AND ($division IS NULL OR division = $division)
GROUP BY ALL
"""


def channel_order(channels: list[str]) -> list[str]:
    """Channels in the default list's order, then any other list value by name, then
    :data:`AS_WRITTEN` last."""
    default = [c for c in DEFAULT_LISTS["channels"] if c in channels]
    extra = sorted((c for c in set(channels) - set(default) if c != AS_WRITTEN), key=str.casefold)
    return default + extra + ([AS_WRITTEN] if AS_WRITTEN in channels else [])


def channel_colours(channels: list[str]) -> dict[str, tuple[str, str]]:
    """(bar colour, text colour) per channel: the fixed palette, spare colours for channels
    outside it in :func:`channel_order`, so a channel keeps its colour across divisions."""
    colours, spare = {}, 0
    for channel in channel_order(channels):
        if channel in CHANNEL_COLOURS:
            colours[channel] = CHANNEL_COLOURS[channel]
        else:
            colours[channel] = SPARE_COLOURS[spare % len(SPARE_COLOURS)]
            spare += 1
    return colours


def channel_mix(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                division: str | None = None) -> pd.DataFrame:
    """Each division's interactions dated in the window (cut at T) by channel.

    One row per (division, channel) with at least one interaction: ``interactions``, ``share``
    (of the division's interactions in the window; the shares of a division sum to 1) and
    ``written`` (for :data:`AS_WRITTEN`: the distinct unmapped words, ``(blank)`` for an empty
    cell, comma-separated; else empty). Divisions in report order (any other division after
    them by name), channels in :func:`channel_order`. ``division=None``: every division.
    """
    raw = fetch_frame(cur, _MIX_SQL, {"lo": window.lo, "hi": window.hi_until(as_of),
                                      "division": division})
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MIX_COLUMNS})
    listed = raw["channel_listed"].astype(bool)
    raw["written"] = raw["channel"].where(~listed).fillna(BLANK).where(~listed, "")
    raw["channel"] = raw["channel"].where(listed, AS_WRITTEN)
    mix = raw.groupby(["division", "channel"], as_index=False).agg(
        interactions=("interactions", "sum"),
        written=("written", lambda w: ", ".join(sorted({x for x in w if x}, key=str.casefold))))
    mix["interactions"] = mix["interactions"].astype(int)
    mix["share"] = mix["interactions"] / mix.groupby("division")["interactions"].transform("sum")
    known = report_divisions(cur)
    divisions = [d for d in known if d in set(mix["division"])] + sorted(
        set(mix["division"]) - set(known), key=str.casefold)
    channels = channel_order(list(mix["channel"]))
    mix["_d"] = mix["division"].map({d: i for i, d in enumerate(divisions)})
    mix["_c"] = mix["channel"].map({c: i for i, c in enumerate(channels)})
    return mix.sort_values(["_d", "_c"])[MIX_COLUMNS].reset_index(drop=True)


def channel_table(mix: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the chart: a row per division with ``Division``, ``Interactions``
    and one column per channel (share in percent, one decimal; 0.0 where none), in the
    mix's orders."""
    if mix.empty:
        return pd.DataFrame({"Division": [], "Interactions": []})
    channels = channel_order(list(mix["channel"]))
    divisions = list(dict.fromkeys(mix["division"]))
    wide = mix.pivot(index="division", columns="channel", values="share").reindex(
        index=divisions, columns=channels).fillna(0.0) * 100
    totals = mix.groupby("division")["interactions"].sum().reindex(divisions)
    out = wide.round(1).reset_index().rename(columns={"division": "Division"})
    out.insert(1, "Interactions", totals.to_numpy().astype(int))
    out.columns.name = None
    return out


def fig_channel_mix(mix: pd.DataFrame, *, window: Window) -> go.Figure:
    """A 100 % stacked horizontal bar per division: the share of its interactions in the
    window by channel, each channel one colour on every bar, shares written inside segments
    of 6 % or more, the counts in the hover. One message: how each division reaches its
    accounts."""
    fig = go.Figure()
    divisions = list(dict.fromkeys(mix["division"]))
    colours = channel_colours(list(mix["channel"]))
    for channel, (colour, ink) in colours.items():
        part = mix[mix["channel"] == channel]
        fig.add_bar(
            y=part["division"], x=part["share"] * 100, orientation="h", name=channel,
            marker={"color": colour, "line": {"color": "#ffffff", "width": 1}},
            text=[f"{s * 100:.0f} %" if s >= 0.06 else "" for s in part["share"]],
            textposition="inside", insidetextanchor="middle",
            textfont={"color": ink, "size": 15},
            customdata=list(zip(part["interactions"], part["written"])),
            hovertemplate=f"%{{y}} · {channel}: %{{customdata[0]:,}} interactions "
                          "(%{x:.1f} %)<extra>%{customdata[1]}</extra>")
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(title_text="Share of the division's interactions (%)", range=[0, 100],
                     ticksuffix=" %", gridcolor="#e5e7eb")
    fig.update_yaxes(title_text=None, categoryorder="array", categoryarray=divisions,
                     autorange="reversed")
    fig = _layout(fig, f"How each division reaches its accounts, {window.label()}",
                  max(320, 70 * len(divisions) + 230))
    # Two legend rows sit between the title and the bars, not over the title.
    fig.update_layout(legend={"traceorder": "normal", "y": 1.0, "yanchor": "bottom"},
                      title={"y": 0.985, "yref": "container", "yanchor": "top"},
                      margin={"t": 95 if len(colours) <= 5 else 125})
    return fig
