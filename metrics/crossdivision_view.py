"""The cross-division page's numbers, tables and charts (issue 9, part 1): the customer ×
division matrix, cross-sell opportunities with the owner to call, and collaboration across
divisions (who helps whom). Pure: frames in, frames and figures out; nothing is read from
disk and no date is taken from the clock.

Who calls what: pages/cross_division.py calls :func:`cross_division_view` once per (data
version, T) and caches it; it then narrows the matrix with :func:`filter_matrix` and the
opportunities with :func:`filter_opportunities`, masks phones with :func:`mask_phones` and
draws :func:`fig_customer_heatmap`, :func:`fig_who_helps_whom` and
:func:`fig_collaboration_trend`. The measures come from metrics.crossdivision
(``divisions per customer``, ``cross_division_customers``, ``cross_sell_opportunity``,
``collaboration`` over every division) and metrics.activity (``collaboration`` per division)
— metrics.md "Operational measures".

Readings chosen where the spec is silent:
- **Matrix columns**: the report's divisions (metrics.report.report_divisions), then any
  other division a sale or an interaction carries (alphabetically). A cell reads
  "sold + talked", "sold", "talked" or is blank, for (T − 365, T].
- **Revenue per division**: the customer's sales (Amount > 0) with that division in the 12
  months; blank (not 0) where the division sold nothing, so sorting puts them last.
- **"Only customers buying from two or more divisions"**: the ``cross_division`` flag of
  ``divisions per customer`` — the same rule as the ``cross_division_customers`` tile.
- **Search**: case-insensitive text in the customer's name, ERP Customer ID or Hub Account IDs.
- **Opportunities narrowed** to a division B or an owner are re-ranked 1, 2, … in the same
  order (the customer's revenue in the divisions it buys from, largest first).
- **Revenue at stake**: the revenue of the customers with an opportunity, each customer once.
- **Phones**: the Main Phone Number shown with an opportunity belongs to the chosen account;
  it is masked unless the viewer sees contacts of that account's division.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from hub_data.privacy import mask_phone
from hub_data.settings import Settings
from metrics.activity import collaboration, collaboration_trends
from metrics.calendar import Window, window_ending
from metrics.charts import DIVISION_COLOURS, _layout
from metrics.crossdivision import (collaboration_all,
                                   cross_division_customers, cross_sell_opportunity,
                                   divisions_per_customer_table, who_helps_whom)
from metrics.formatting import naira_compact
from metrics.measurability import file_states
from metrics.report import report_divisions
from metrics.result import MetricOutput

SOLD_AND_TALKED, SOLD, TALKED, NEITHER = "sold + talked", "sold", "talked", ""
STATES: tuple[str, ...] = (SOLD_AND_TALKED, SOLD, TALKED, NEITHER)
# Colour-blind safe (blue / orange), always with the word in the cell: dark blue both, mid
# blue sold only, orange talked only, pale grey neither.
STATE_COLOURS = {SOLD_AND_TALKED: "#1e3a8a", SOLD: "#60a5fa", TALKED: "#f59e0b",
                 NEITHER: "#f3f4f6"}
OTHER_DIVISION_COLOUR = "#6b7280"
NO_OWNER = "(no owner found)"
NO_STAFF_DIVISION = "(no division)"
HEATMAP_TOP = 20
CONFIG = {"displayModeBar": False}

MATRIX_LABELS = {"customer_name": "Customer", "erp_customer_id": "ERP customer ID",
                 "account_ids": "Hub accounts", "n_sold": "Divisions sold",
                 "n_talked": "Divisions talked", "cross_division": "Buys from 2+ divisions",
                 "revenue": "Revenue, 12 months (₦)"}
OPPORTUNITY_COLUMNS = {
    "rank": "Rank", "customer_name": "Customer", "division": "Opportunity for",
    "owner": "Owner to call", "main_phone": "Main phone", "revenue": "Revenue, 12 months (₦)",
    "sale_divisions": "Buys from", "owner_source": "Owner from",
    "owner_account_id": "Hub account", "account_division": "Account's division",
    "erp_customer_id": "ERP customer ID"}


def revenue_column(division: str) -> str:
    """The matrix column holding ``division``'s revenue from the customer."""
    return f"{division} (₦)"


def cell_state(sold: bool, talked: bool) -> str:
    """What one (customer, division) cell says."""
    if sold:
        return SOLD_AND_TALKED if talked else SOLD
    return TALKED if talked else NEITHER


def _column(per_customer: pa.Table, name: str) -> pa.Array:
    """One column of :func:`metrics.crossdivision.divisions_per_customer_table` as one array."""
    return per_customer.column(name).combine_chunks()


def _flat(lists: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The rows and the values of every item of a list (or map) column."""
    rows = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    return rows, pc.list_flatten(lists).to_numpy(zero_copy_only=False)


def matrix_divisions(report: list[str], per_customer: pa.Table) -> list[str]:
    """The matrix's division columns: the report's divisions in their order, then any other
    division a sale or an interaction names, alphabetically."""
    seen: set[str] = set()
    for column in ("sale_divisions", "interaction_divisions"):
        if column in per_customer.column_names:
            seen.update(_flat(_column(per_customer, column))[1].tolist())
    return list(report) + sorted(seen - set(report))


def matrix_frame(per_customer: pa.Table, divisions: list[str]) -> pd.DataFrame:
    """One row per customer of :func:`metrics.crossdivision.divisions_per_customer_table`
    (same order: revenue, largest first): ``erp_customer_id``,
    ``customer_name``, ``account_ids`` (text), one column per division holding its
    :data:`STATES` word, ``n_sold``, ``n_talked``, ``cross_division``, ``revenue`` (12
    months, every sale) and one :func:`revenue_column` per division (blank where it sold
    nothing). Built on Arrow arrays, column by column: no Python loop per customer."""
    columns = (["erp_customer_id", "customer_name", "account_ids", *divisions, "n_sold",
                "n_talked", "cross_division", "revenue"]
               + [revenue_column(d) for d in divisions])
    rows = per_customer.num_rows
    if not rows:
        return pd.DataFrame(columns=columns)
    sold = _holds(_column(per_customer, "sale_divisions"), divisions, rows)
    talked = _holds(_column(per_customer, "interaction_divisions"), divisions, rows)
    accounts = pc.fill_null(pc.binary_join(_column(per_customer, "account_ids"), ", "), "")
    frame = pd.DataFrame({
        "erp_customer_id": _column(per_customer, "erp_customer_id").to_numpy(
            zero_copy_only=False),
        "customer_name": _column(per_customer, "customer_name").to_numpy(
            zero_copy_only=False),
        "account_ids": accounts.to_numpy(zero_copy_only=False),
        **{d: np.select([sold[d] & talked[d], sold[d], talked[d]],
                        [SOLD_AND_TALKED, SOLD, TALKED], NEITHER).astype(object)
           for d in divisions},
        "n_sold": _distinct_items(_column(per_customer, "sale_divisions"), rows),
        "n_talked": _distinct_items(_column(per_customer, "interaction_divisions"), rows),
        "cross_division": _column(per_customer, "cross_division").to_numpy(
            zero_copy_only=False).astype(bool),
        "revenue": _column(per_customer, "revenue").to_numpy(
            zero_copy_only=False).astype(float)})
    owners, names, values = _map_items(_column(per_customer, "revenue_by_division"))
    for d in divisions:
        revenue = np.full(rows, np.nan)
        here = names == d
        revenue[owners[here]] = values[here].astype(float)
        frame[revenue_column(d)] = revenue
    return frame[columns]


def _holds(lists: pa.Array, divisions: list[str], rows: int) -> dict[str, np.ndarray]:
    """Per division, whether each row's list (of division names) holds it."""
    owners, names = _flat(lists)
    found = {}
    for division in divisions:
        holds = np.zeros(rows, dtype=bool)
        holds[owners[names == division]] = True
        found[division] = holds
    return found


def _map_items(amounts: pa.MapArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The row, key and value of every entry of a map column, from its offsets (pyarrow's
    list kernels abort on a map array)."""
    offsets = amounts.offsets.to_numpy()
    first, size = int(offsets[0]), int(offsets[-1] - offsets[0])
    owners = np.repeat(np.arange(len(amounts)), np.diff(offsets))
    return (owners, amounts.keys.slice(first, size).to_numpy(zero_copy_only=False),
            amounts.items.slice(first, size).to_numpy(zero_copy_only=False))


def _distinct_items(lists: pa.Array, rows: int) -> np.ndarray:
    """How many different values each row's list holds."""
    owners, names = _flat(lists)
    if not len(names):
        return np.zeros(rows, dtype=np.int64)
    codes = pd.factorize(names)[0]
    pairs = np.unique(owners.astype(np.int64) * (codes.max() + 1) + codes)
    return np.bincount(pairs // (codes.max() + 1), minlength=rows).astype(np.int64)


def filter_matrix(matrix: pd.DataFrame, *, bought_from: str | None = None,
                  talked_by: str | None = None, search: str = "",
                  cross_only: bool = False) -> pd.DataFrame:
    """The matrix rows whose customer bought from ``bought_from`` (its cell says "sold" or
    "sold + talked"), was talked to by ``talked_by`` ("talked" or "sold + talked"), matches
    ``search`` (name, ERP ID or Hub account IDs, any case) and, with ``cross_only``, bought
    from two or more divisions. None / "" / False: no filter. Order kept."""
    keep = pd.Series(True, index=matrix.index)
    if bought_from:
        keep &= matrix[bought_from].isin([SOLD, SOLD_AND_TALKED])
    if talked_by:
        keep &= matrix[talked_by].isin([TALKED, SOLD_AND_TALKED])
    text = search.strip().casefold()
    if text:
        found = pd.Series(False, index=matrix.index)
        for column in ("customer_name", "erp_customer_id", "account_ids"):
            found |= matrix[column].fillna("").astype(str).str.casefold().str.contains(
                text, regex=False)
        keep &= found
    if cross_only:
        keep &= matrix["cross_division"].astype(bool)
    return matrix[keep]


def matrix_export(matrix: pd.DataFrame, divisions: list[str]) -> pd.DataFrame:
    """The matrix as people take it away: worded headers, the flag as Yes / No."""
    out = matrix.assign(cross_division=matrix["cross_division"].map({True: "Yes", False: "No"}))
    columns = (["customer_name", "erp_customer_id", "account_ids", *divisions, "n_sold",
                "n_talked", "cross_division", "revenue"]
               + [revenue_column(d) for d in divisions])
    return out[columns].rename(columns=MATRIX_LABELS)


def opportunity_summary(opportunities: pd.DataFrame) -> dict[str, float]:
    """``pairs`` (customer, division B), ``customers`` and ``revenue`` at stake (each
    customer's revenue in the divisions it buys from, counted once)."""
    customers = opportunities.drop_duplicates("erp_customer_id")
    return {"pairs": len(opportunities), "customers": len(customers),
            "revenue": float(customers["revenue"].sum()) if len(customers) else 0.0}


def owner_choices(opportunities: pd.DataFrame) -> list[str]:
    """The owners to call in ``opportunities``, by name; :data:`NO_OWNER` last when some
    customer has nobody."""
    names = sorted(set(opportunities["owner"].dropna()), key=str.casefold)
    return names + ([NO_OWNER] if opportunities["owner"].isna().any() else [])


def filter_opportunities(opportunities: pd.DataFrame, *, division: str | None = None,
                         owner: str | None = None) -> pd.DataFrame:
    """The pairs for division B = ``division`` and owner to call ``owner``
    (:data:`NO_OWNER`: customers with nobody), re-ranked densely in the same order (largest
    revenue first). None: no filter."""
    keep = pd.Series(True, index=opportunities.index)
    if division:
        keep &= opportunities["division"] == division
    if owner == NO_OWNER:
        keep &= opportunities["owner"].isna()
    elif owner:
        keep &= opportunities["owner"] == owner
    out = opportunities[keep].copy()
    if len(out):
        order = out[["revenue", "erp_customer_id"]].apply(tuple, axis=1)
        ranks = {key: k for k, key in enumerate(
            sorted(set(order), key=lambda t: (-t[0], t[1])), start=1)}
        out["rank"] = order.map(ranks).astype(int)
    return out.reset_index(drop=True)


def mask_phones(opportunities: pd.DataFrame,
                sees: Callable[[str | None], bool]) -> pd.DataFrame:
    """A copy with ``main_phone`` masked (hub_data.privacy) on the rows whose account
    division the viewer may not see contacts of (``sees(division)`` False)."""
    out = opportunities.copy()
    if "main_phone" not in out or out.empty:
        return out
    hidden = ~out["account_division"].map(lambda d: bool(sees(None if pd.isna(d) else d)))
    out["main_phone"] = out["main_phone"].astype(object)
    out.loc[hidden, "main_phone"] = out.loc[hidden, "main_phone"].map(mask_phone)
    return out


def opportunity_table(opportunities: pd.DataFrame) -> pd.DataFrame:
    """The opportunities' shown columns (:data:`OPPORTUNITY_COLUMNS` keys), lists as text."""
    out = opportunities.assign(
        sale_divisions=opportunities["sale_divisions"].map(", ".join))
    return out[list(OPPORTUNITY_COLUMNS)].reset_index(drop=True)


def opportunity_export(opportunities: pd.DataFrame) -> pd.DataFrame:
    """:func:`opportunity_table` with worded headers (phones as given: mask them first)."""
    return opportunity_table(opportunities).rename(columns=OPPORTUNITY_COLUMNS)


def wrap_label(text: str, width: int = 10) -> str:
    """An axis label on two lines (at the space nearest its middle) when longer than
    ``width`` characters, so division names stay horizontal on a projector."""
    if len(text) <= width or " " not in text:
        return text
    spaces = [k for k, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda k: abs(k - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1:]}"


def short_name(text: str, width: int = 30) -> str:
    """A customer name cut to ``width`` characters (with …) for a chart axis."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


# What a heatmap cell says (short enough for a narrow cell on a wall).
CELL_WORDS = {SOLD_AND_TALKED: "both", SOLD: "sold", TALKED: "talked", NEITHER: ""}
LEGEND_WORDS = {SOLD_AND_TALKED: "both: sold + talked", SOLD: "sold only",
                TALKED: "talked only"}


def fig_customer_heatmap(matrix: pd.DataFrame, divisions: list[str],
                         top: int = HEATMAP_TOP) -> go.Figure:
    """The ``top`` customers by revenue (12 months) × divisions: each cell coloured and
    labelled by what the division did (sold, talked, both). One message: who serves our
    largest customers."""
    biggest = matrix[matrix["revenue"] > 0].head(top)
    codes = {state: k for k, state in enumerate(reversed(STATES))}  # neither 0 … both 3
    names = biggest["customer_name"].fillna(biggest["erp_customer_id"])
    labels = [f"{short_name(str(name))} · {naira_compact(revenue)}"
              for name, revenue in zip(names, biggest["revenue"])]
    states = [list(row) for row in biggest[divisions].itertuples(index=False)]
    steps = [STATE_COLOURS[s] for s in reversed(STATES)]
    scale = []
    for k, colour in enumerate(steps):
        scale += [[k / len(steps), colour], [(k + 1) / len(steps), colour]]
    fig = go.Figure(go.Heatmap(
        z=[[codes[s] for s in row] for row in states], x=[wrap_label(d) for d in divisions],
        y=labels, text=[[CELL_WORDS[s] for s in row] for row in states],
        customdata=[[s or "neither" for s in row] for row in states],
        texttemplate="%{text}", textfont={"size": 16}, colorscale=scale, zmin=-0.5,
        zmax=len(steps) - 0.5, showscale=False, xgap=3, ygap=3,
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>"))
    for state in (SOLD_AND_TALKED, SOLD, TALKED):
        fig.add_scatter(x=[None], y=[None], mode="markers", name=LEGEND_WORDS[state],
                        showlegend=True, marker={"symbol": "square", "size": 18,
                                                 "color": STATE_COLOURS[state]})
    fig.update_yaxes(autorange="reversed", title_text=None, showgrid=False, zeroline=False,
                     tickfont={"size": 15})
    fig.update_xaxes(side="top", title_text=None, showgrid=False, zeroline=False,
                     tickangle=0)
    fig = _layout(fig, f"Who serves our {len(biggest)} largest customers",
                  34 * len(biggest) + 230)
    fig.update_layout(legend={"orientation": "h", "y": -0.01, "yanchor": "top", "x": 0,
                              "font": {"size": 16}},
                      margin={"t": 140, "b": 60, "l": 10, "r": 20})
    return fig


def collaboration_grid(pairs: pd.DataFrame, divisions: list[str]) -> pd.DataFrame:
    """:func:`metrics.crossdivision.who_helps_whom` as a table: one row per staff division
    (who logged; a blank Staff Division is :data:`NO_STAFF_DIVISION`), one column per account
    division, interaction counts (0 where none). Rows and columns: ``divisions`` first (in
    their order), then any other division seen."""
    staff = pairs["staff_division"].fillna(NO_STAFF_DIVISION)
    rows = list(divisions) + sorted(set(staff) - set(divisions))
    columns = list(divisions) + sorted(set(pairs["account_division"]) - set(divisions))
    grid = pd.DataFrame(0, index=pd.Index(rows, name="Logged by staff of"), columns=columns,
                        dtype="int64")
    for who, whose, count in zip(staff, pairs["account_division"], pairs["interactions"]):
        grid.loc[who, whose] += int(count)
    return grid


def fig_who_helps_whom(grid: pd.DataFrame, window: Window) -> go.Figure:
    """Who helps whom in the window: interactions logged by staff of one division (rows) on
    accounts of another (columns). Own-division work is written in its cell but not coloured,
    so the colour shows collaboration only."""
    z, text = [], []
    for who, row in grid.iterrows():
        z.append([0 if who == whose else int(n) for whose, n in row.items()])
        text.append([(f"own {int(n):,}" if who == whose else f"{int(n):,}" if n else "")
                     for whose, n in row.items()])
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap_label(str(c)) for c in grid.columns],
        y=[str(r) for r in grid.index], text=text, texttemplate="%{text}",
        textfont={"size": 16}, colorscale=[[0, "#f9fafb"], [1, "#0e7490"]], zmin=0,
        zmax=max(1, max((v for r in z for v in r), default=1)), showscale=False,
        xgap=3, ygap=3,
        hovertemplate="Staff of %{y} on %{x} accounts: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title_text="Logged by staff of", showgrid=False)
    fig.update_xaxes(title_text="On accounts of", showgrid=False, side="bottom", tickangle=0)
    return _layout(fig, f"Who helps whom, {window.label()}", 56 * len(grid) + 230)


def fig_collaboration_trend(trends: dict[str, pd.DataFrame], highlight: str | None = None,
                            min_n: int = 1) -> go.Figure:
    """Per division, the share of the work on its accounts logged by colleagues of other
    divisions, per 28-day window (the 12 windows ending at T). One line per division in its
    fixed colour; with ``highlight`` that division's line is bold and the others pale. Small
    numbers never shout (ui.md): a window with fewer than ``min_n`` interactions is a gap."""
    fig = go.Figure()
    top = 0.0
    for division, frame in trends.items():
        values = (frame["value"].astype(float) * 100).where(frame["denominator"] >= min_n)
        if values.notna().sum() == 0:
            continue
        top = max(top, float(values.max()))
        strong = highlight in (None, division)
        fig.add_scatter(
            x=pd.to_datetime(frame["window_end"]), y=values, name=division,
            mode="lines+markers", connectgaps=False, opacity=1.0 if strong else 0.35,
            line={"color": DIVISION_COLOURS.get(division, OTHER_DIVISION_COLOUR),
                  "width": 4 if highlight == division else 2.5},
            customdata=list(zip(frame["numerator"], frame["denominator"])),
            hovertemplate=(f"{division}, 28 days to %{{x|%d %b %Y}}: %{{y:.1f}}% "
                           "(%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    fig.update_yaxes(title_text="Logged by another division (%)", rangemode="tozero",
                     range=[0, max(5.0, top * 1.2)], gridcolor="#e5e7eb")
    fig.update_xaxes(title_text="28 days ending", tickformat="%d %b")
    return _layout(fig, "Collaboration per 28 days, by division", 420)


@dataclass(frozen=True)
class CrossDivisionView:
    """What the page shows for one T: ``divisions`` (matrix columns), ``matrix``
    (:func:`matrix_frame` of divisions_per_customer, whose list cells are not kept: a page
    cache copies the view on every rerun, and 12k rows of lists took 0.15 s to copy at 1M),
    ``customers`` (cross_division_customers), ``opportunities`` (cross_sell_opportunity with
    the owner to call), ``window`` (the 28 days ending T), ``collaboration``
    (collaboration_all over it), ``collaboration_trend`` (its 12 windows), ``pairs``
    (who_helps_whom), ``grid`` (:func:`collaboration_grid`), ``trends``
    (metrics.activity.collaboration_trends per report division) and ``sales_missing`` (why
    there are no ERP sales, in words; None when an erp/sales export was loaded)."""

    as_of: dt.date
    divisions: list[str]
    matrix: pd.DataFrame
    customers: MetricOutput
    opportunities: pd.DataFrame
    window: Window
    collaboration: MetricOutput
    collaboration_trend: pd.DataFrame
    pairs: pd.DataFrame
    grid: pd.DataFrame
    trends: dict[str, pd.DataFrame]
    sales_missing: str | None


def sales_missing(cur: duckdb.DuckDBPyConnection) -> str | None:
    """Why no ERP sale can count, in words, or None when an erp/sales export was loaded."""
    states = file_states(cur)
    sales = states["sales"]
    if sales.loaded:
        return None
    if sales.failed:
        name, message = sales.failed[0]
        return f"the ERP sales export {name} could not be read ({message})"
    others = any(states[s].loaded or states[s].failed for s in ("customers", "quotes"))
    return ("the erp/ folder has no sales export (sales.csv or sales.xlsx)" if others else
            "there is no erp/ folder with an ERP sales export (erp/sales.csv or sales.xlsx)")


def cross_division_view(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                        settings: Settings | None = None) -> CrossDivisionView:
    """Everything the page shows for T (``settings`` is passed on to the measures)."""
    report = report_divisions(cur)
    per_customer = divisions_per_customer_table(cur, as_of=as_of)
    divisions = matrix_divisions(report, per_customer)
    window = window_ending(as_of)
    pairs = who_helps_whom(cur, window=window, as_of=as_of)
    trends = collaboration_trends(cur, as_of=as_of, divisions=report)
    return CrossDivisionView(
        as_of=as_of, divisions=divisions, matrix=matrix_frame(per_customer, divisions),
        customers=cross_division_customers(cur, as_of=as_of, settings=settings),
        opportunities=cross_sell_opportunity(cur, as_of=as_of), window=window,
        collaboration=collaboration_all(cur, window=window, as_of=as_of),
        collaboration_trend=trends.pop(None), pairs=pairs,
        grid=collaboration_grid(pairs, report),
        trends=trends,
        sales_missing=sales_missing(cur))


def division_collaboration(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                           division: str, settings: Settings | None = None) -> MetricOutput:
    """metrics.activity.collaboration of ``division`` over the 28 days ending T (the tile
    when the page is narrowed to one division)."""
    return collaboration(cur, window=window_ending(as_of), as_of=as_of, division=division,
                         settings=settings)
