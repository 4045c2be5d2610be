"""Page-edge caching (issue 11): a page computes its metrics once per (data version, as-of,
division, filters). A rerun that only picks among results already computed (another chart,
another division of a page that computed them all, a filter met before) runs no metric again;
a new as-of date or a new filter does. Counted with spies on the metric functions, on the
demo, through AppTest."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 120


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Counter:
    """Count the calls of ``module.name`` (keyed by the call's ``division``)."""
    calls: Counter = Counter()
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[kwargs.get("division")] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def _rerun(at: AppTest) -> None:
    at.run()
    assert not at.exception


def _move_as_of(at: AppTest, days: int) -> None:
    field = at.sidebar.date_input(key="common_as_of")
    field.set_value(field.value + dt.timedelta(days=days))
    _rerun(at)


def test_the_pilot_scorecard_computes_each_division_once_per_as_of(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import metrics.pilot

    summaries = _spy(monkeypatch, metrics.pilot, "pilot_summaries")
    weeks = _spy(monkeypatch, metrics.pilot, "adoption_rate")
    at = _page("pilot")
    first = sum(summaries.values())
    assert first == 1                                        # every division at once
    assert len(at.segmented_control(key="pilot_division").options) >= 2
    coaching = sum(weeks.values())
    assert coaching >= 1
    for chart in ("Weekly review held", "Stakeholder confidence"):
        at.segmented_control(key="pilot_chart").set_value(chart)
        _rerun(at)
    other = at.segmented_control(key="pilot_division").options[1]
    at.segmented_control(key="pilot_division").set_value(other)
    _rerun(at)
    assert sum(summaries.values()) == first                  # picked, not computed again
    assert sum(weeks.values()) > coaching                    # that division's coaching weeks
    after_switch = sum(weeks.values())
    at.segmented_control(key="pilot_division").set_value(at.segmented_control(
        key="pilot_division").options[0])
    _rerun(at)
    assert sum(weeks.values()) == after_switch               # the first division's, kept
    _move_as_of(at, -7)
    assert sum(summaries.values()) == 2 * first              # a new as-of: every division


def test_the_checkin_computes_once_per_division_and_as_of(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import metrics.checkin_pack

    views = _spy(monkeypatch, metrics.checkin_pack, "checkin_view")
    figures = _spy(monkeypatch, metrics.checkin_pack, "checkin_figures")
    at = _page("checkin")
    assert sum(views.values()) == 1 and sum(figures.values()) == 1
    for chart in ("Entry errors", "Weekly review", "Adoption"):
        at.segmented_control(key="checkin_chart").set_value(chart)
        _rerun(at)
    assert sum(views.values()) == 1 and sum(figures.values()) == 1
    _move_as_of(at, -14)
    assert sum(views.values()) == 2 and sum(figures.values()) == 2


def test_measurability_is_computed_once_for_every_division(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import metrics.measurability

    calls = _spy(monkeypatch, metrics.measurability, "measurability")
    at = _page("measurability")
    picker = at.sidebar.selectbox(key="measurability_division")
    for division in picker.options[1:3]:
        picker.set_value(division)
        _rerun(at)
    assert sum(calls.values()) == 1
    _move_as_of(at, -7)
    assert sum(calls.values()) == 2


def test_data_quality_computes_a_fix_list_once_per_filter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from metrics import data_quality as dq

    fixes = _spy(monkeypatch, dq, "fix_list")
    rates = _spy(monkeypatch, dq, "window_error_rate")
    at = _page("data_quality")
    assert sum(fixes.values()) == 1 and sum(rates.values()) == 3
    at.toggle(key="data_quality_all").set_value(True)
    _rerun(at)
    assert sum(fixes.values()) == 2                           # a new filter: a new list
    at.toggle(key="data_quality_all").set_value(False)
    _rerun(at)
    at.segmented_control(key="data_quality_view").set_value("Trends")
    _rerun(at)
    at.segmented_control(key="data_quality_view").set_value("Fix list")
    _rerun(at)
    assert sum(fixes.values()) == 2 and sum(rates.values()) == 3
    division = at.selectbox(key="data_quality_division").options[1]
    at.selectbox(key="data_quality_division").set_value(division)
    _rerun(at)
    assert fixes[division] == 1 and rates[division] == 3


def test_the_divisions_in_phase_order_are_shared_by_the_pages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pages._common

    calls = _spy(monkeypatch, pages._common, "phase_order")
    at = _page("division")
    assert sum(calls.values()) == 1
    _page("changes")                                           # the same data and as-of
    _rerun(at)
    assert sum(calls.values()) == 1


def test_coverage_reads_every_owner_once_per_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    import metrics.ownership

    calls = _spy(monkeypatch, metrics.ownership, "coverage_of_divisions")
    at = _page("coverage")
    picker = at.sidebar.selectbox(key="coverage_division")
    for division in picker.options[1:]:
        picker.set_value(division)
        _rerun(at)
    assert len(picker.options) >= 3 and sum(calls.values()) == 1
    _move_as_of(at, -7)
    assert sum(calls.values()) == 2


def test_the_kpi_panels_are_shared_by_the_overview_the_division_page_and_the_meeting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pages._common

    calls = _spy(monkeypatch, pages._common, "panel")
    rows = _spy(monkeypatch, pages._common, "with_rows")
    _page("overview")
    assert len(calls) >= 3 and set(calls.values()) == {1}   # every division, once
    assert not rows                                            # the overview shows no rows
    division = _page("division")
    meeting = _page("meeting")
    for picker in (division.sidebar.selectbox(key="division_page_division"),
                   meeting.sidebar.selectbox(key="meeting_division")):
        picker.set_value(picker.options[-1])
    _rerun(division)
    _rerun(meeting)
    assert set(calls.values()) == {1}                          # nothing computed again
    assert sum(rows.values()) == 2          # the division page's rows, for its two divisions
    _move_as_of(division, -7)
    assert sum(calls.values()) == len(calls) + 1               # a new as-of: that division
    assert sum(rows.values()) == 3


def test_a_session_keeps_its_metrics_cursor_until_the_store_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering the store tables on a new cursor costs every rerun 10-15 ms on a large hub:
    a session keeps its cursor; a change to the store gives it a new one, with the change."""
    import pages._common as common
    from hub_data import load_settings
    from hub_data.store import Store

    made: list[dict] = []
    original = common.workspace

    def counted(con: Any, frames: Any) -> Any:
        made.append(frames)
        return original(con, frames)

    monkeypatch.setattr(common, "workspace", counted)
    at = _page("crm_readiness")  # a first load appends to the store's load history
    _rerun(at)
    kept = len(made)
    _rerun(at)
    _move_as_of(at, -7)
    assert len(made) == kept
    Store.for_settings(load_settings()).append("steward_hours", [{
        "division": "Motors", "week_start": dt.date(2026, 7, 6), "hours": 7.5,
        "steward": "Cursor Test", "recorded_at": dt.datetime(2026, 7, 10, 9)}])
    _rerun(at)
    assert len(made) == kept + 1
    cur = at.session_state[common._CURSOR_KEY][1]
    assert cur.execute("SELECT hours FROM store_steward_hours "
                       "WHERE steward = 'Cursor Test'").fetchall() == [(7.5,)]


def test_the_sidebar_counts_the_findings_once_per_snapshot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pages._common as common

    calls = _spy(monkeypatch, common, "load_summary")
    at = _page("accounts")
    _rerun(at)
    _move_as_of(at, -7)
    _page("changes")
    assert sum(calls.values()) == 1
    assert any(" errors" in m.value for m in at.sidebar.markdown)  # the badge still shows


def test_the_backlog_reads_its_threads_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cached read is a copy (pickle), so the page reads its every-thread frame once
    and hands it to the owner list and the view: none on the run that computed it, one on a
    rerun that finds it in the cache."""
    import pickle
    from types import SimpleNamespace

    import pandas as pd
    from streamlit.runtime.caching import cache_data_api

    reads: list[Any] = []

    def loads(data: bytes) -> Any:
        entry = pickle.loads(data)  # noqa: S301 - the test's own cache entries
        reads.append(entry.value)
        return entry

    monkeypatch.setattr(cache_data_api, "pickle", SimpleNamespace(dumps=pickle.dumps,
                                                                  loads=loads))

    states = ["division", "status", "owner", "account_owner", "days_overdue", "row_id"]

    def thread_reads() -> int:
        found = sum(isinstance(v, pd.DataFrame) and list(v.columns) == states for v in reads)
        reads.clear()
        return found

    at = _page("backlog")
    assert thread_reads() == 0                               # computed here, handed on
    at.sidebar.radio(key="backlog_owner_role").set_value("account")
    _rerun(at)
    assert thread_reads() == 1                               # read once, for everything
    _move_as_of(at, -7)
    assert thread_reads() == 0


def test_the_data_quality_page_reads_its_fix_list_once_for_tiles_filters_and_list(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows-to-fix tile, the filters' choices and the unfiltered list come from one read
    of the fix list; a filter reads its narrower list; going back reads nothing."""
    import metrics.data_quality as dq

    calls = _spy(monkeypatch, dq, "fix_list")
    again = [_spy(monkeypatch, dq, name) for name in ("filter_options", "rows_to_fix")]
    at = _page("data_quality")
    assert sum(calls.values()) == 1 and not any(again)  # (each of those reads it again)
    week = at.selectbox(key="data_quality_week")
    assert len(week.options) > 1
    week.set_value(week.options[1])
    _rerun(at)
    assert sum(calls.values()) == 2
    week.set_value(week.options[0])
    _rerun(at)
    assert sum(calls.values()) == 2
