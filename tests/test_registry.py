"""The metric registry: one declaration per spec id, each documented in metrics.md (a copy
is kept in tests/data/ so a fresh clone can run this), each callable the same way."""
from __future__ import annotations

import datetime as dt
import inspect
import re

import pandas as pd
import pytest

from hub_data.contract import DIVISION_KPI_IDS, KPI_IDS
from metrics.calendar import window_ending
from metrics.registry import BY_ID, METRICS, PILOT_METRICS, division_metrics
from metrics.result import MetricOutput
from metrics.targets import DEFAULTS
from tests.conftest import DATA

SPEC = (DATA / "metrics.md").read_text(encoding="utf-8")


def test_ids_are_unique_and_cover_every_kpi_of_the_spec():
    ids = [spec.id for spec in METRICS]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(KPI_IDS) == set(DEFAULTS)


@pytest.mark.parametrize("spec", METRICS, ids=lambda s: s.id)
def test_each_metric_is_defined_in_the_spec(spec):
    assert re.search(rf"\|\s*{spec.id}\s*\|", SPEC), f"{spec.id} is not a row of metrics.md"
    assert spec.label and spec.description.endswith(".")
    assert inspect.getdoc(spec.compute), f"{spec.id}: its function needs a docstring"


@pytest.mark.parametrize("spec", METRICS, ids=lambda s: s.id)
def test_each_compute_takes_the_same_keywords(spec):
    parameters = inspect.signature(spec.compute).parameters
    assert list(parameters)[:1] == ["cur"]
    for name in ("window", "as_of", "division", "settings"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, (spec.id, name)


def test_division_panels_follow_the_spec_order():
    for division, ids in DIVISION_KPI_IDS.items():
        assert [spec.id for spec in division_metrics(division)] == list(ids)
    assert division_metrics("Head Office") == ()
    assert [spec.id for spec in PILOT_METRICS] == list(KPI_IDS[:4])


@pytest.fixture(scope="module")
def empty_hub(tmp_path_factory: pytest.TempPathFactory):
    """A hub with the required sheets and nothing in them."""
    from tests.hubfactory import build_hub

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUB_STATE_DIR", str(tmp_path_factory.mktemp("empty-state")))
        return build_hub(tmp_path_factory.mktemp("empty-hub"))


@pytest.mark.parametrize("spec", METRICS, ids=lambda s: s.id)
def test_every_metric_runs_on_an_empty_hub_without_inventing_numbers(spec, empty_hub):
    """Nothing to measure: no value (a count says 0), never an exception. The one exception
    is the spec's: weeks judged with no review meeting recorded are weeks not held (0 / 4)."""
    division = "Motors" if spec.divisions == ("*",) else spec.divisions[0]
    as_of = dt.date(2026, 7, 15)
    out = spec.run(empty_hub.workspace(), window=window_ending(as_of), as_of=as_of,
                   division=division, settings=empty_hub.settings)
    assert isinstance(out, MetricOutput) and "in_numerator" in out.rows.columns
    assert out.result.id == spec.id and BY_ID[spec.id] is spec
    if spec.unit == "count":
        assert out.result.value == 0
    elif spec.id == "process_compliance":
        assert (out.result.value, out.result.denominator) == (0.0, 4)
    else:
        assert out.result.value is None and out.result.status == "no_data"


T_TREND = dt.date(2026, 7, 15)


def _inquiries(make_hub, days_back: list[int]):
    """A Motors hub with one inquiry on each of those days before T_TREND, 09:00."""
    from tests.hubfactory import account, contact, interaction, member

    days = [T_TREND - dt.timedelta(days=n) for n in days_back]
    return make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                    staff=[member("Ada Obi", "Motors")],
                    interactions=[interaction(f"I{k}", dt.datetime.combine(day, dt.time(9)),
                                              "C1", "Inquiry", "Ada Obi")
                                  for k, day in enumerate(days)])


def test_trend_runs_the_metric_over_twelve_windows(make_hub):
    from metrics.registry import trend

    # one inquiry on T, one 28 days earlier (previous window), one 29 × 11 days back (none)
    as_of = T_TREND
    hub = _inquiries(make_hub, [0, 28, 27])
    frame = trend(BY_ID["qualified_inquiries"], hub.workspace(), as_of=as_of,
                  division="Motors", settings=hub.settings)
    assert len(frame) == 12 and frame.iloc[-1]["window_end"] == as_of
    # the current window [T − 27, T] holds T and T − 27; the previous one holds T − 28
    assert list(frame["value"].iloc[-2:]) == [1, 2]
    assert frame["value"].iloc[:-2].sum() == 0


def test_trend_takes_the_current_window_it_is_given_and_computes_the_others(make_hub):
    from metrics.registry import trend

    as_of = T_TREND
    hub = _inquiries(make_hub, [0, 28, 29])
    spec = BY_ID["qualified_inquiries"]
    cur = hub.workspace()
    computed = trend(spec, cur, as_of=as_of, division="Motors", settings=hub.settings)
    # a stand-in for the current window: the previous window's result (value 2, not 1)
    given = spec.run(cur, window=window_ending(as_of - dt.timedelta(days=28)), as_of=as_of,
                     division="Motors", settings=hub.settings).result
    frame = trend(spec, cur, as_of=as_of, division="Motors", settings=hub.settings,
                  current=given)
    assert computed["value"].iloc[-1] == 1 and given.value == 2
    assert frame.iloc[-1]["value"] == given.value and frame.iloc[-1]["window_end"] == as_of
    assert frame.drop(index=11).equals(computed.drop(index=11))


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    """The shipped demo, loaded once for this module (its own state folder)."""
    from hub_data import build_database
    from tests.conftest import DEMO

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUB_STATE_DIR", str(tmp_path_factory.mktemp("demo-state")))
        hub = build_database(DEMO)
    return hub


SHORTCUTS = [spec for spec in METRICS if spec.by_rows is not None or not spec.uses_window]


@pytest.mark.parametrize("spec", SHORTCUTS, ids=lambda s: s.id)
def test_a_trend_by_rows_gives_the_numbers_of_one_run_per_window(spec, demo_workspace):
    """One run over all twelve windows, cut by day (or, for a metric fixed by T, one run),
    equals twelve runs (every field, exact), at the demo's T and at two earlier ones; and
    the demo has rows in these windows, so a wrong cut would show."""
    import dataclasses

    from metrics.inputs import workspace
    from metrics.registry import trend

    hub = demo_workspace
    per_window = dataclasses.replace(spec, by_rows=None, uses_window=True)
    measured = 0
    for as_of in (hub.settings.as_of, hub.settings.as_of - dt.timedelta(days=45),
                  hub.settings.as_of - dt.timedelta(days=130)):
        for division in spec.divisions:
            cur = workspace(hub.con)
            fast = trend(spec, cur, as_of=as_of, division=division, settings=hub.settings)
            slow = trend(per_window, cur, as_of=as_of, division=division,
                         settings=hub.settings)
            pd.testing.assert_frame_equal(fast, slow, check_exact=True)
            measured += int(slow["n"].fillna(0).sum())
    assert measured > 0, f"{spec.id}: the demo has nothing to compare"


@pytest.mark.parametrize("spec", SHORTCUTS, ids=lambda s: s.id)
def test_the_current_window_and_trend_from_one_run_are_those_of_separate_runs(spec,
                                                                           demo_workspace):
    """current_and_trend (what a tile shows): the current window's result and rows equal its
    own run (rows in the same order, every column; an empty window may differ in dtypes), and
    the trend equals :func:`trend`; without rows, the same result and trend; at the demo's T
    and two earlier ones."""
    from metrics.calendar import window_ending
    from metrics.inputs import workspace
    from metrics.registry import current_and_trend, trend

    hub = demo_workspace
    rows = 0
    for as_of in (hub.settings.as_of, hub.settings.as_of - dt.timedelta(days=45),
                  hub.settings.as_of - dt.timedelta(days=130)):
        for division in spec.divisions:
            cur = workspace(hub.con)
            alone = spec.run(cur, window=window_ending(as_of), as_of=as_of, division=division,
                             settings=hub.settings)
            output, history = current_and_trend(spec, cur, as_of=as_of, division=division,
                                                settings=hub.settings)
            assert output.result == alone.result
            pd.testing.assert_frame_equal(output.rows, alone.rows,
                                          check_dtype=not alone.rows.empty,
                                          check_index_type=not alone.rows.empty)
            pd.testing.assert_frame_equal(
                history, trend(spec, cur, as_of=as_of, division=division,
                               settings=hub.settings), check_exact=True)
            lean, lean_history = current_and_trend(spec, cur, as_of=as_of, division=division,
                                                   settings=hub.settings, rows=False)
            assert lean.result == alone.result  # the numbers alone: the same
            pd.testing.assert_frame_equal(lean_history, history, check_exact=True)
            rows += len(alone.rows)
    assert rows > 0, f"{spec.id}: the demo has no rows to compare"


def _counting(spec):
    """A compute function that runs ``spec``'s and records each window it is run for."""
    runs = []

    def counted(*args, **kwargs):
        runs.append(kwargs["window"])
        return spec.compute(*args, **kwargs)

    return counted, runs


def test_the_current_window_and_trend_cost_one_run(make_hub):
    import dataclasses

    from metrics.registry import current_and_trend

    hub = _inquiries(make_hub, [0, 28, 29, 300])
    spec = BY_ID["qualified_inquiries"]
    counted, runs = _counting(spec)
    output, history = current_and_trend(dataclasses.replace(spec, compute=counted),
                                        hub.workspace(), as_of=T_TREND, division="Motors",
                                        settings=hub.settings)
    assert len(runs) == 1
    assert output.result.value == 1 and len(output.rows) == 1
    assert list(output.rows.index) == [0]
    assert list(history["value"]) == [0, 1] + [0] * 8 + [2, 1]


def test_a_trend_by_rows_runs_its_metric_once(make_hub):
    import dataclasses

    from metrics.registry import trend

    hub = _inquiries(make_hub, [0, 28, 29, 300])
    spec = BY_ID["qualified_inquiries"]
    counted, runs = _counting(spec)
    for kind, expected in ((spec, 1), (dataclasses.replace(spec, by_rows=None), 12)):
        runs.clear()
        frame = trend(dataclasses.replace(kind, compute=counted), hub.workspace(), as_of=T_TREND,
                      division="Motors", settings=hub.settings)
        assert len(runs) == expected
        assert list(frame["value"]) == [0, 1] + [0] * 8 + [2, 1]  # T − 300: 11th window back


@pytest.mark.parametrize("keep", [
    [False, True, True, True, False, False],    # one run: cut as a slice
    [True, False, True, False, False, True],    # scattered
    [False] * 6, [True] * 6, [False, False, False, False, False, True]])
def test_a_windows_rows_are_the_masked_rows_renumbered_whether_sliced_or_not(keep) -> None:
    import numpy as np

    from metrics.registry import _rows_where

    rows = pd.DataFrame({
        "text": pd.array(["a", None, "c", "d", "e", "f"], dtype="string[pyarrow]"),
        "n": pd.array([1, 2, None, 4, 5, 6], dtype="Int64"),
        "when": pd.to_datetime(["2026-01-0%d" % d for d in range(1, 7)]),
        "flag": [True, False, True, True, False, True]}, index=range(10, 16))
    mask = np.array(keep)
    expected = rows[mask].reset_index(drop=True)
    found = _rows_where(rows, mask)
    pd.testing.assert_frame_equal(found, expected)
    assert list(found.index) == list(range(sum(keep)))


def test_without_rows_a_quarter_metric_takes_its_current_result_from_its_trend_run(
        demo_workspace):
    """New distributors' rows list every distributor, so its tile's rows need their own run;
    without rows the current quarter comes from the trend's one run."""
    import dataclasses

    from metrics.inputs import workspace
    from metrics.registry import current_and_trend

    hub, spec = demo_workspace, BY_ID["new_distributors"]
    counted, runs = _counting(spec)
    for rows, expected in ((True, 2), (False, 1)):
        runs.clear()
        current_and_trend(dataclasses.replace(spec, compute=counted), workspace(hub.con),
                          as_of=hub.settings.as_of, division="Medical", settings=hub.settings,
                          rows=rows)
        assert len(runs) == expected, rows
