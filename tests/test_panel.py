"""A division's KPI panel (metrics/panel.py) over tiny hubs worked by hand, and the tile's
sparkline (pages/_common.sparkline_svg).

Motors hub, T = Sunday 29 Mar 2026: the window is [2 Mar, 29 Mar], the previous one
[2 Feb, 1 Mar]. Inquiries: five in the previous window, three in this one (I1 3 Mar, I2 10 Mar,
I3 20 Mar); I1 is answered 2 h later on its account (a Follow-up), I2 and I3 never. No ERP
export at all, so quote → purchase has no value and must say why.
"""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.panel import change_words, panel, tile_for
from metrics.registry import BY_ID
from pages._common import sparkline_svg
from tests.hubfactory import account, contact, interaction

D, DT = dt.date, dt.datetime
T = D(2026, 3, 29)
ADA = "Ada Obi"


@pytest.fixture
def motors(make_hub):
    before = [interaction(f"P{k}", DT(2026, 2, day, 10), "C1", "Inquiry", ADA)
              for k, day in enumerate((3, 5, 10, 15, 20))]
    now = [interaction("I1", DT(2026, 3, 3, 9), "C1", "Inquiry", ADA),
           interaction("R1", DT(2026, 3, 3, 11), "C1", "Follow-up", ADA),
           interaction("I2", DT(2026, 3, 10, 9), "C2", "Inquiry", ADA),
           interaction("I3", DT(2026, 3, 20, 9), "C3", "Inquiry", ADA)]
    return make_hub(accounts=[account(f"A{i}", "Motors") for i in (1, 2, 3)],
                    contacts=[contact(f"C{i}", f"A{i}") for i in (1, 2, 3)],
                    interactions=before + now)


def test_the_panel_lists_the_registry_kpis_of_the_division(motors) -> None:
    tiles = panel(motors.workspace(), division="Motors", as_of=T, settings=motors.settings,
                  windows=3)
    assert [t.spec.id for t in tiles] == ["qualified_inquiries", "inquiry_response_12h",
                                          "inquiry_to_quote_rate", "quote_to_purchase_rate",
                                          "first_contact_resolution"]
    assert panel(motors.workspace(), division="Agro", as_of=T) == []


def test_a_count_tile_its_change_and_trend(motors) -> None:
    tile = tile_for(motors.workspace(), BY_ID["qualified_inquiries"], division="Motors",
                    as_of=T, settings=motors.settings, windows=3)
    assert tile.result.value == 3 and tile.previous_value == 5 and tile.change == -2
    assert tile.change_text() == "−2 vs the previous 28 days"
    assert tile.detail() == "3 inquiries logged · 02 Mar – 29 Mar 2026"
    assert tile.spark == [0.0, 5.0, 3.0]
    assert list(tile.trend["window_end"]) == [D(2026, 2, 1), D(2026, 3, 1), T]
    assert tile.reason is None


def test_a_rate_tile_says_numerator_of_denominator_and_its_rows_add_up(motors) -> None:
    tile = tile_for(motors.workspace(), BY_ID["inquiry_response_12h"], division="Motors",
                    as_of=T, settings=motors.settings, windows=2)
    assert (tile.result.numerator, tile.result.denominator) == (1, 3)
    assert tile.detail() == "1 of 3 inquiries · 02 Mar – 29 Mar 2026"
    # previous window: 0 of 5 answered -> +33 pts
    assert tile.previous_value == 0 and tile.change_text() == "+33 pts vs the previous 28 days"
    rows = tile.drill_rows()
    assert int(rows["in_numerator"].sum()) == tile.result.numerator
    assert rows.iloc[0]["interaction_id"] == "I1"  # the counted row first


def test_a_tile_without_a_value_says_why(motors) -> None:
    tile = tile_for(motors.workspace(), BY_ID["quote_to_purchase_rate"], division="Motors",
                    as_of=T, settings=motors.settings, windows=2)
    assert tile.result.value is None and tile.change is None and tile.change_text() is None
    assert tile.reason and "quotes" in tile.reason


@pytest.mark.parametrize(("as_of", "windows"), [
    (D(2026, 4, 15), 2),    # the trend's first window ends in Q1: its value is Q1's
    (D(2026, 6, 30), 2),    # both windows end in Q2: Q1 is measured on its own
    (D(2026, 6, 30), 12)])
def test_a_quarter_kpi_is_compared_with_the_whole_previous_quarter(make_hub, as_of,
                                                                   windows) -> None:
    signed = "Distributor Signed"
    hub = make_hub(
        accounts=[account(f"M{i}", "Medical", account_type="Distributor") for i in (1, 2, 3)],
        contacts=[contact(f"C{i}", f"M{i}") for i in (1, 2, 3)],
        interactions=[interaction("S1", DT(2026, 2, 10, 10), "C1", signed, ADA),
                      interaction("S2", DT(2026, 3, 5, 10), "C2", signed, ADA),
                      interaction("S3", DT(2026, 4, 2, 10), "C3", signed, ADA)])
    tile = tile_for(hub.workspace(), BY_ID["new_distributors"], division="Medical",
                    as_of=as_of, settings=hub.settings, windows=windows)
    assert tile.result.value == 1 and tile.previous_value == 2
    assert tile.change_text() == "−1 vs last quarter"
    if as_of == D(2026, 4, 15):
        assert tile.detail() == "1 distributor acquired · Q2 2026 to 15 Apr"


def test_the_last_quarter_from_the_trend_is_the_quarter_measured_alone() -> None:
    """On the demo, at dates across a year: the new distributors of the last quarter, read
    from the trend's windows, are those of a run over that quarter."""
    from hub_data import build_database
    from metrics.calendar import quarter_of, window_ending
    from tests.conftest import DEMO

    hub = build_database(DEMO)
    cur, spec = hub.cursor(), BY_ID["new_distributors"]
    last = cur.execute("SELECT CAST(max(date) AS DATE) FROM interactions").fetchone()[0]
    seen = set()
    for back in range(0, 360, 45):
        as_of = last - dt.timedelta(days=back)
        tile = tile_for(cur, spec, division="Medical", as_of=as_of, settings=hub.settings)
        before = quarter_of(quarter_of(as_of).start - dt.timedelta(days=1))
        alone = spec.run(cur, window=window_ending(before.end), as_of=as_of,
                         division="Medical", settings=hub.settings).result.value
        assert tile.previous_value == alone, as_of
        seen.add(alone)
    assert len(seen) > 1  # not the same count everywhere


@pytest.mark.parametrize(("change", "unit", "text"), [
    (0.064, "ratio", "+6 pts vs x"), (-0.2, "change", "−20 pts vs x"), (0.0, "ratio", "0 pts vs x"),
    (-1.25, "hours", "−1.2 h vs x"), (4.0, "days", "+4 days vs x"), (1234, "count", "+1,234 vs x"),
    (0.25, "score", "+0.2 vs x"), (-0.003, "ratio", "0 pts vs x"), (-0.04, "hours", "0.0 h vs x"),
    (None, "ratio", None), (float("nan"), "hours", None)])
def test_change_words(change, unit, text) -> None:
    assert change_words(change, unit, "x") == text


def test_sparkline_draws_known_points_and_leaves_gaps() -> None:
    assert sparkline_svg([None, 1.0], "#000") == ""  # one known value: no line
    svg = sparkline_svg([1.0, 2.0, None, 3.0, 4.0], "#b3261e", width=108, height=34)
    assert svg.count("<polyline") == 2 and "fill='#b3261e'" in svg
    assert "points='4.0,30.0 29.0," in svg  # the lowest value sits on the bottom edge
    assert "cx='104.0' cy='4.0'" in svg  # the last, highest value: top right
    flat = sparkline_svg([2.0, 2.0, 2.0], "#000")
    assert "<polyline" in flat and "nan" not in flat


def test_a_panel_reads_the_loaded_files_once_for_every_tile_without_data(
        motors, monkeypatch) -> None:
    """No ERP export here: the quote and purchase tiles say why, the same words as alone."""
    import metrics.panel

    calls = []
    original = metrics.panel.file_states

    def counted(cur):
        calls.append(1)
        return original(cur)

    monkeypatch.setattr(metrics.panel, "file_states", counted)
    cur = motors.workspace()
    tiles = panel(cur, division="Motors", as_of=T, settings=motors.settings, windows=2)
    without = [t for t in tiles if t.reason is not None]
    assert len(without) >= 2 and len(calls) == 1
    for tile in without:
        alone = tile_for(cur, tile.spec, division="Motors", as_of=T, settings=motors.settings,
                         windows=2)
        assert alone.reason == tile.reason


def test_a_panel_without_rows_has_the_same_numbers_and_with_rows_adds_the_same_rows() -> None:
    """On the demo, every division at three dates: a panel made without rows (what the
    overview and the meeting show, its KPIs fetched in fewer columns) has every tile's
    result, trend, change and reason of the full panel, and with_rows gives it the very rows
    of the full panel's tiles."""
    import pandas as pd

    from hub_data import build_database
    from hub_data.contract import DIVISION_KPI_IDS
    from metrics.panel import with_rows
    from tests.conftest import DEMO

    hub = build_database(DEMO)
    cur = hub.cursor()
    compared = 0
    for as_of in (hub.settings.as_of, hub.settings.as_of - dt.timedelta(days=45),
                  hub.settings.as_of - dt.timedelta(days=130)):
        for division in DIVISION_KPI_IDS:
            full = panel(cur, division=division, as_of=as_of, settings=hub.settings)
            lean = panel(cur, division=division, as_of=as_of, settings=hub.settings,
                         rows=False)
            assert all(tile.rows is None for tile in lean)
            filled = with_rows(cur, lean, as_of=as_of, settings=hub.settings)
            for one, other, again in zip(full, lean, filled):
                assert (one.result, one.previous_value, one.reason, one.window) == (
                    other.result, other.previous_value, other.reason, other.window)
                pd.testing.assert_frame_equal(one.trend, other.trend, check_exact=True)
                assert again.rows is not None
                pd.testing.assert_frame_equal(one.rows, again.rows, check_exact=True,
                                              check_dtype=not one.rows.empty,
                                              check_index_type=not one.rows.empty)
                compared += len(one.rows)
    assert compared > 0
