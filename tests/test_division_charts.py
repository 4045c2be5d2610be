"""The division page's pure builders (metrics/division_charts.py) on tiny frames worked by
hand: trend bars coloured by status (grey below min_n, cut when far off the scale), the
funnel's counts and step conversions, the step each funnel row stopped at, the panel table."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from hub_data import HubLoader
from tests.conftest import ROOT
from metrics.calendar import Window, trend_windows, window_ending
from metrics.charts import DIVISION_COLOURS, STATUS_COLOURS
from metrics.division_charts import (axis_title, bar_text, fig_funnel, fig_kpi_trend,
                                     funnel_conversions, funnel_reached, funnel_step_rows,
                                     panel_frame, window_labels, window_status)
from metrics.panel import PanelTile
from metrics.motors import motors_funnel, motors_funnel_rows
from metrics.power import power_funnel, power_funnel_rows
from metrics.registry import BY_ID
from metrics.result import make_result, ratio_result
from tests.conftest import DEMO

D = dt.date
T = D(2026, 7, 15)
GREEN, RED, GREY, BLUE = (STATUS_COLOURS[s] for s in ("on_track", "off_track", "no_data",
                                                      "info"))


def _trend(values: list[float | None], sizes: list[int | None],
           numerators: list[float | None] | None = None) -> pd.DataFrame:
    """A registry.trend-shaped frame over the last len(values) windows ending on T."""
    windows = trend_windows(T, len(values))
    return pd.DataFrame({
        "window_start": [w.start for w in windows], "window_end": [w.end for w in windows],
        "value": values, "numerator": numerators or [None] * len(values),
        "denominator": sizes, "n": sizes, "status": ["info"] * len(values)})


def test_a_rate_trend_colours_each_window_by_its_status_and_greys_small_ones() -> None:
    # windows: nothing to measure; 2 of 4 (n below 10); 14 of 20 = 70 %; 11 of 20 = 55 %
    trend = _trend([None, 0.5, 0.7, 0.55], [0, 4, 20, 20], [0, 2, 14, 11])
    fig = fig_kpi_trend(trend, BY_ID["inquiry_to_quote_rate"], 0.6, 10, division="Motors")
    [bars] = fig.data
    assert list(bars.marker.color) == [GREY, GREY, GREEN, RED]
    assert list(bars.text) == ["–", "50%", "✓ 70%", "✗ 55%"]
    assert list(bars.y) == pytest.approx([0, 50, 70, 55])
    assert list(bars.marker.pattern.shape) == ["", "", "", ""]
    # 28-day windows ending on T: [26 Mar, 22 Apr], [23 Apr, 20 May], [21 May, 17 Jun], ...
    assert list(bars.x) == ["22 Apr 2026", "20 May", "17 Jun", "15 Jul"]
    assert bars.hovertext[1] == "23 Apr – 20 May 2026: 50 % (too few data (n = 4)) · 2 of 4"
    assert bars.hovertext[3].endswith("55 % (off track) · 11 of 20")
    [line] = fig.layout.shapes
    assert line.y0 == line.y1 == pytest.approx(60) and line.line.dash == "dash"
    assert fig.layout.annotations[0].text == "target ≥ 60 %"
    assert fig.layout.title.text == "Motors: Inquiry → quote, 12 windows of 28 days"
    assert fig.layout.yaxis.title.text == "Inquiry → quote (%)"
    assert fig.layout.xaxis.title.text == "28-day window ending"


def test_window_labels_are_the_last_days_with_the_year_where_it_changes() -> None:
    ends = [D(2025, 12, 3), D(2025, 12, 31), D(2026, 1, 28), D(2026, 2, 25)]
    assert window_labels(ends) == ["3 Dec 2025", "31 Dec", "28 Jan 2026", "25 Feb"]
    four = trend_windows(T, 4)
    assert [w.end for w in four] == [D(2026, 4, 22), D(2026, 5, 20), D(2026, 6, 17), T]
    assert window_labels([w.end for w in four]) == ["22 Apr 2026", "20 May", "17 Jun", "15 Jul"]


def test_lower_is_better_is_missed_at_the_target_and_off_scale_small_windows_are_cut() -> None:
    spec = BY_ID["lead_response_hours"]  # target < 4 h
    trend = _trend([1158.2, 4.0, 3.9], [1, 34, 55])
    fig = fig_kpi_trend(trend, spec, 4.0, 10, direction="lower")
    [bars] = fig.data
    assert list(bars.marker.color) == [GREY, RED, GREEN]
    # the judged windows and the target set the scale: top = 4.0 * 1.15 = 4.6
    assert list(bars.y) == [pytest.approx(4.6), 4.0, 3.9]
    assert list(bars.marker.pattern.shape) == ["/", "", ""]
    assert list(bars.text) == ["↑ 1158.2", "✗ 4.0", "✓ 3.9"]
    assert bars.hovertext[0].endswith("1158.2 h (too few data (n = 1)) · n = 1")
    assert fig.layout.yaxis.range == pytest.approx((0, 4.6 * 1.12))
    assert fig.layout.annotations[0].text == "target < 4.0 h"
    assert fig.layout.yaxis.title.text == "Lead response time (hours)"


def test_a_count_is_never_too_few_and_a_kpi_without_target_has_no_verdict() -> None:
    spec = BY_ID["qualified_inquiries"]
    fig = fig_kpi_trend(_trend([0.0, 3.0, 12.0], [0, 3, 12]), spec, None, 10)
    [bars] = fig.data
    assert list(bars.marker.color) == [BLUE, BLUE, BLUE]
    assert list(bars.text) == ["0", "3", "12"]
    assert not fig.layout.shapes  # no target line
    assert fig.layout.yaxis.title.text == "Inquiries logged"
    assert fig.layout.title.text == "Qualified inquiries, 12 windows of 28 days"
    assert window_status(3.0, 3, "count", 10.0, "higher", 10) == "off_track"
    assert window_status(0.3, 3, "ratio", 0.5, "higher", 10) == "too_few"
    assert window_status(None, 0, "ratio", 0.5, "higher", 10) == "no_data"


def test_a_change_against_last_year_can_go_below_zero() -> None:
    spec = BY_ID["avg_spend_per_customer_yoy"]  # target ≥ +15 %
    fig = fig_kpi_trend(_trend([-0.2, 0.17], [40, 40]), spec, 0.15, 10)
    [bars] = fig.data
    assert list(bars.y) == [pytest.approx(-20), pytest.approx(17)]
    assert list(bars.text) == ["✗ −20%", "✓ +17%"]
    assert fig.layout.yaxis.range[0] == pytest.approx(-20 * 1.15 * 1.1)
    assert fig.layout.annotations[0].text == "target ≥ +15 %"
    assert axis_title(spec) == "Spend per visit vs last year<br>(% change)"


def test_bar_text_per_unit() -> None:
    assert [bar_text(v, u) for v, u in ((0.584, "ratio"), (0.17, "change"), (3.94, "hours"),
                                        (78.05, "days"), (77, "count"), (4.6, "score"),
                                        (4.777, "per_distributor"), (None, "ratio"))] == [
        "58%", "+17%", "3.9", "78", "77", "4.6", "4.8", "–"]


def _tile(spec_id: str, result, trend: pd.DataFrame, division: str = "Power") -> PanelTile:
    return PanelTile(BY_ID[spec_id], division, window_ending(T), result,
                     pd.DataFrame({"in_numerator": []}), trend, None, None)


def test_a_panel_tile_brings_its_trend_direction_and_division() -> None:
    result = make_result("lead_response_hours", value=3.5, n=20, target=4.0, direction="lower")
    tile = _tile("lead_response_hours", result, _trend([5.0, 3.5], [20, 20]))
    fig = fig_kpi_trend(tile, tile.spec, result.target, 10)
    assert list(fig.data[0].marker.color) == [RED, GREEN]
    assert fig.layout.title.text.startswith("Power: Lead response time")


def test_the_quarter_grain_says_quarter_to_date_on_its_axis() -> None:
    fig = fig_kpi_trend(_trend([1.0, 2.0], [1, 2]), BY_ID["new_distributors"], 2.0, 10)
    assert fig.layout.xaxis.title.text == "Quarter to date, at the end of each 28-day window"
    assert list(fig.data[0].text) == ["✗ 1", "✓ 2"]


FUNNEL = pd.DataFrame({"stage": ["Leads", "Site visit within 60 days",
                                 "Proposal within 120 days", "Won"],
                       "count": [20, 5, 0, 0]})


def test_funnel_conversions_are_each_step_over_the_step_before() -> None:
    assert funnel_conversions(FUNNEL) == [None, 0.25, 0.0, None]


def test_the_funnel_chart_labels_counts_and_step_conversions() -> None:
    fig = fig_funnel(FUNNEL, division="Power", noun="leads")
    [bars] = fig.data
    assert list(bars.x) == [20, 5, 0, 0] and bars.orientation == "h"
    assert list(bars.text) == ["20", "5 · 25% of the step before",
                               "0 · 0% of the step before", "0 · –"]
    assert bars.marker.color == DIVISION_COLOURS["Power"]
    assert list(fig.layout.yaxis.categoryarray) == list(FUNNEL["stage"])[::-1]  # Leads on top
    assert fig.layout.xaxis.title.text == "Leads (count)"
    assert fig.layout.title.text == "Power: 0 of 20 leads (0%) reached “Won”"
    motors = pd.DataFrame({"stage": ["Inquiries", "Quoted within 30 days",
                                     "Sold within 90 days"], "count": [8, 4, 1]})
    fig = fig_funnel(motors, division="Motors", noun="inquiries")
    assert fig.layout.title.text == ("Motors: 1 of 8 inquiries (12%) reached "
                                     "“Sold within 90 days”")
    assert list(fig.data[0].text)[1:] == ["4 · 50% of the step before",
                                          "1 · 25% of the step before"]


def test_each_funnel_row_stops_at_the_first_stage_it_missed() -> None:
    rows = pd.DataFrame({
        "lead": ["L1", "L2", "L3", "L4", "L5"],
        "site_visit": [False, True, True, True, False],
        "proposal": [False, False, True, True, True],  # L5: a proposal without a visit
        "won": [False, False, False, True, True]})
    flags = ("site_visit", "proposal", "won")
    assert list(funnel_reached(rows, flags)) == [0, 1, 2, 3, 0]
    assert list(funnel_step_rows(rows, flags, 0)["lead"]) == ["L1", "L5"]
    assert list(funnel_step_rows(rows, flags, 3)["lead"]) == ["L4"]
    assert len(funnel_step_rows(rows, flags, None)) == 5
    # the nested counts: passed at least k stages
    reached = funnel_reached(rows, flags)
    assert [int((reached >= k).sum()) for k in range(4)] == [5, 3, 2, 1]


def test_the_panel_table_says_value_target_and_status_as_the_tiles_do() -> None:
    trend = _trend([None], [0])
    tiles = [
        _tile("lead_to_site_visit_rate", ratio_result("lead_to_site_visit_rate", 2, 4,
                                                      target=0.5, direction="higher"), trend),
        _tile("proposal_win_rate", ratio_result("proposal_win_rate", 7, 19, target=0.35,
                                                direction="higher"), trend),
        _tile("avg_sales_cycle_days", make_result("avg_sales_cycle_days", value=None, n=None,
                                                  target=90.0, direction="lower"), trend)]
    table = panel_frame(tiles, 10)
    assert list(table.columns)[:12] == ["kpi_id", "KPI", "value", "value_shown", "target",
                                        "target_shown", "direction", "status", "numerator",
                                        "denominator", "n", "window"]
    assert list(table["KPI"]) == ["Lead → site visit", "Proposal win rate",
                                  "Average sales cycle"]
    assert list(table["value_shown"]) == ["50 %", "37 %", "–"]
    assert list(table["status"]) == ["too few data (n = 4)", "on track", "no data"]
    assert list(table["target_shown"]) == ["target ≥ 50 %", "target ≥ 35 %", "target < 90 days"]
    assert table["numerator"].tolist()[:2] == [2, 7]
    assert table["window"].iloc[0] == Window(D(2026, 6, 18), T).label() == "18 Jun – 15 Jul 2026"


@pytest.mark.parametrize("division, counts, rows, flags", [
    ("Motors", motors_funnel, motors_funnel_rows, ("quoted", "sold")),
    ("Power", power_funnel, power_funnel_rows, ("site_visit", "proposal", "won"))])
def test_the_steps_match_the_funnel_counts_on_the_demo(division, counts, rows, flags) -> None:
    hub = HubLoader(DEMO).get()
    cur, as_of = hub.cursor(), hub.settings.as_of
    window = window_ending(as_of)
    funnel = counts(cur, window=window, as_of=as_of, division=division)
    reached = funnel_reached(rows(cur, window=window, as_of=as_of, division=division), flags)
    assert [int((reached >= k).sum()) for k in range(len(funnel))] == list(funnel["count"])
    assert funnel["count"].iloc[0] > 0


def test_the_charts_template_is_plotly_white_for_every_trace_type_drawn() -> None:
    """metrics.charts.TEMPLATE keeps plotly_white's layout and the defaults of the trace
    types the dashboard draws (a chart of another type would lose its defaults: add it)."""
    import re

    import plotly.io as pio

    from metrics.charts import TEMPLATE

    white = pio.templates["plotly_white"]
    assert TEMPLATE.layout == white.layout
    drawn = set()
    for path in (ROOT / "metrics").glob("*.py"):
        source = path.read_text()
        drawn |= {m.lower() for m in re.findall(r"\bgo\.([A-Z][a-z]+)\(", source)
                  if m not in ("Figure", "Layout")}
        drawn |= set(re.findall(r"\.add_([a-z]+)\(", source))
    drawn &= set(white.data.to_plotly_json()) | {"indicator"}   # trace types, not add_hline
    assert {"bar", "scatter", "heatmap", "indicator"} <= drawn
    for kind in drawn - {"indicator"}:   # plotly_white sets nothing for an indicator
        assert TEMPLATE.data[kind] == white.data[kind], kind
