"""metrics/coverage.py worked by hand on one tiny hub (metrics.md, operational measures
"coverage" and "previous window / trend"; the channel mix of issue 7).

T = Tue 30 Jun 2026. Window [3 Jun, 30 Jun]; trend windows go back in 28-day steps:
k = 11 [3 Jun, 30 Jun], k = 10 [6 May, 2 Jun], k = 9 [8 Apr, 5 May], k = 8 [11 Mar, 7 Apr].

Owned accounts (owner on the roster, not left): Motors A1, A2 (Ada), A3, A4 (Bola);
Power A6, A8 (Chidi). A5 (blank owner) and A7 (Dayo left on 29 Jun) are orphans.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import coverage as cv
from metrics.calendar import trend_windows, window_ending
from metrics.ownership import coverage, coverage_of_divisions
from tests.hubfactory import account, interaction, member, module_hub

T = dt.date(2026, 6, 30)
W = window_ending(T)


def on(iid: str, account_id: str, when: dt.datetime, channel: str | None, *,
       who: str = "Ada Obi", division: str | None = None) -> dict:
    """An interaction for an account without a contact."""
    return interaction(iid, when, None, "Follow-up", who, account_id=account_id,
                       channel=channel, division=division)


STAFF = [member("Ada Obi", "Motors"), member("Bola Ade", "Motors"),
         member("Chidi Eze", "Power"), member("Dayo Lawal", "Power", leave=dt.date(2026, 6, 29))]
ACCOUNTS = [
    account("A1", "Motors", owner="Ada Obi"), account("A2", "Motors", owner="Ada Obi"),
    account("A3", "Motors", owner="Bola Ade"), account("A4", "Motors", owner="Bola Ade"),
    account("A5", "Motors", owner=None), account("A6", "Power", owner="Chidi Eze"),
    account("A7", "Power", owner="Dayo Lawal"), account("A8", "Power", owner="Chidi Eze"),
]
ROWS = [
    # window k = 11, [3 Jun, 30 Jun]
    on("I1", "A1", dt.datetime(2026, 6, 10, 9), "Phone"),
    on("I2", "A1", dt.datetime(2026, 6, 12, 9), "whatsapp"),        # maps to WhatsApp
    on("I3", "A1", dt.datetime(2026, 6, 14, 9), "Phone", division="Power"),  # a Power row
    on("I4", "A4", dt.datetime(2026, 6, 30, 23), "Meeting", who="Bola Ade"),  # end of T
    on("I5", "A4", dt.datetime(2026, 7, 1, 9), "Email", who="Bola Ade"),      # after T
    on("I6", "A5", dt.datetime(2026, 6, 15, 9), "Walk-in"),          # orphan: mix only
    on("I7", "A6", dt.datetime(2026, 6, 5, 9), "Fax", who="Chidi Eze"),       # unmapped
    on("I8", "A8", dt.datetime(2026, 6, 29, 9), None, who="Chidi Eze"),       # blank
    on("I9", "A7", dt.datetime(2026, 6, 20, 9), "Email", who="Chidi Eze"),    # orphan
    # window k = 10, [6 May, 2 Jun]
    on("I10", "A2", dt.datetime(2026, 5, 20, 9), "Email"),
    on("I11", "A2", dt.datetime(2026, 5, 25, 9), "Email"),           # same account again
    on("I12", "A1", dt.datetime(2026, 6, 2, 23, 59), "Phone"),
    on("I13", "A6", dt.datetime(2026, 6, 2, 23, 59), "Phone", who="Chidi Eze"),
    # window k = 9, [8 Apr, 5 May]: Motors' first interaction
    on("I14", "A1", dt.datetime(2026, 4, 8, 0, 0), "Phone"),
]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory):
    hub = module_hub(tmp_path_factory, "coverage", accounts=ACCOUNTS, staff=STAFF,
                     interactions=ROWS)
    yield hub.workspace()


def test_rows_are_the_owned_accounts_least_touched_first(cur) -> None:
    rows = cv.coverage_rows(cur, window=W, as_of=T)
    # A3 never; then last interaction 25 May (A2), 5 Jun (A6), 14 Jun (A1), 29 Jun (A8),
    # 30 Jun 23:00 (A4; the 1 Jul row is after T).
    assert list(rows["account_id"]) == ["A3", "A2", "A6", "A1", "A8", "A4"]
    assert list(rows["in_numerator"]) == [False, False, True, True, True, True]
    motors = cv.coverage_rows(cur, window=W, as_of=T, division="Motors")
    assert list(motors["account_id"]) == ["A3", "A2", "A1", "A4"]
    assert motors.equals(coverage(cur, window=W, as_of=T, division="Motors").rows)


def test_by_owner_counts(cur) -> None:
    out = cv.coverage_by_owner(cur, window=W, as_of=T)
    assert list(out.columns) == cv.OWNER_COLUMNS
    got = {(r.division, r.owner): (r.accounts, r.touched, r.not_touched, r.never_touched)
           for r in out.itertuples()}
    assert got == {("Motors", "Ada Obi"): (2, 1, 1, 0),     # A1 touched, A2 in May only
                   ("Motors", "Bola Ade"): (2, 1, 1, 1),    # A4 touched, A3 never
                   ("Power", "Chidi Eze"): (2, 2, 0, 0)}    # Dayo left: A7 is an orphan
    assert list(out["share"]) == pytest.approx([0.5, 0.5, 1.0])
    assert list(out["owner"]) == ["Ada Obi", "Bola Ade", "Chidi Eze"]  # by name, not share
    power = cv.coverage_by_owner(cur, window=W, as_of=T, division="Power")
    assert list(power["owner"]) == ["Chidi Eze"]


def test_least_touched_filters_by_owner_and_touch(cur) -> None:
    rows = cv.coverage_rows(cur, window=W, as_of=T, division="Motors")
    ada = cv.least_touched(rows, owner="Ada Obi")
    assert list(ada["account_id"]) == ["A2", "A1"]
    assert list(ada["touch"]) == ["not in the window", "in the window"]
    assert list(ada["interactions_in_window"]) == [0, 3]  # A1: I1, I2 and the Power row I3
    assert list(ada["days_since_last"]) == [36, 16]       # 25 May and 14 Jun to 30 Jun
    assert ada["last_interaction"].tolist() == [dt.date(2026, 5, 25), dt.date(2026, 6, 14)]
    waiting = cv.least_touched(rows, untouched_only=True)
    assert list(waiting["account_id"]) == ["A3", "A2"]
    assert waiting["touch"].tolist() == ["never", "not in the window"]
    assert pd.isna(waiting["days_since_last"].iloc[0])
    assert cv.least_touched(rows, owner="Nobody").empty


def test_trend_windows_by_hand(cur) -> None:
    motors = cv.coverage_trend(cur, as_of=T, division="Motors")
    assert len(motors) == 12
    assert list(motors.iloc[-4:]["window_start"]) == [
        dt.date(2026, 3, 11), dt.date(2026, 4, 8), dt.date(2026, 5, 6), dt.date(2026, 6, 3)]
    assert list(motors["window_end"])[-1] == T
    # k = 11: A1, A4; k = 10: A1 (2 Jun 23:59), A2 (twice, counted once); k = 9: A1 on 8 Apr.
    assert list(motors["numerator"].iloc[-3:]) == [1, 2, 2]
    assert set(motors["denominator"]) == {4}
    # Windows ending before Motors' first interaction (8 Apr) are not measured.
    assert list(motors["measured"]) == [False] * 9 + [True] * 3
    assert motors["value"].iloc[:9].isna().all()
    assert list(motors["value"].iloc[-3:]) == pytest.approx([0.25, 0.5, 0.5])
    power = cv.coverage_trend(cur, as_of=T, division="Power")
    # Power's first row: 2 Jun 23:59 (window k = 10). k = 10: A6; k = 11: A6, A8.
    assert list(power["measured"]) == [False] * 10 + [True] * 2
    assert list(power["value"].iloc[-2:]) == pytest.approx([0.5, 1.0])


@pytest.mark.parametrize("division", ["Motors", "Power"])
def test_trend_agrees_with_ownership_coverage(cur, division: str) -> None:
    trend = cv.coverage_trend(cur, as_of=T, division=division)
    for row, window in zip(trend.itertuples(), trend_windows(T)):
        result = coverage(cur, window=window, as_of=T, division=division).result
        assert (row.numerator, row.denominator) == (result.numerator, result.denominator)
        if row.measured:
            assert row.value == pytest.approx(result.value)


def test_coverage_of_several_divisions_from_one_query_is_each_division_s(cur) -> None:
    """What the page takes from one query equals one query per division: results, rows
    (order and types), and the trend given those rows; Medical owns nothing here."""
    divisions = ["Motors", "Power", "Medical"]
    every = coverage_of_divisions(cur, window=W, as_of=T, divisions=divisions)
    for division in divisions:
        alone = coverage(cur, window=W, as_of=T, division=division)
        assert every[division].result == alone.result
        pd.testing.assert_frame_equal(every[division].rows, alone.rows, check_dtype=False)
        trend = cv.coverage_trend(cur, as_of=T, division=division)
        assert set(trend["denominator"]) == {len(every[division].rows)}
        assert trend["numerator"].iloc[-1] == every[division].result.numerator
    assert len(every["Motors"].rows) and len(every["Power"].rows)
    pd.testing.assert_frame_equal(
        cv.coverage_rows(cur, window=W, as_of=T, division="Power", by_division=every),
        cv.coverage_rows(cur, window=W, as_of=T, division="Power"))


def test_trends_of_several_divisions_from_one_batch_are_each_division_s(cur) -> None:
    """The page's batch: each division's own accounts and its own first interaction (Motors
    8 Apr, Power 2 Jun), worked by hand as in test_trend_windows_by_hand; Medical owns
    nothing; no division at all is no trend. A7's owner Dayo left the day before T, so A7
    is in no denominator (Power owns A6 and A8)."""
    divisions = ["Motors", "Power", "Medical"]
    batch = cv.coverage_trends(cur, as_of=T, divisions=divisions)
    assert list(batch) == divisions
    assert list(batch["Motors"]["numerator"].iloc[-3:]) == [1, 2, 2]
    assert list(batch["Motors"]["measured"]) == [False] * 9 + [True] * 3
    assert list(batch["Power"]["numerator"].iloc[-3:]) == [0, 1, 2]
    assert list(batch["Power"]["measured"]) == [False] * 10 + [True] * 2
    assert set(batch["Power"]["denominator"]) == {2}
    assert not batch["Medical"]["measured"].any()
    for division in divisions:
        pd.testing.assert_frame_equal(batch[division],
                                      cv.coverage_trend(cur, as_of=T, division=division))
    assert cv.coverage_trends(cur, as_of=T, divisions=[]) == {}


def test_trend_of_a_division_without_owned_accounts(cur) -> None:
    trend = cv.coverage_trend(cur, as_of=T, division="Medical")
    assert set(trend["denominator"]) == {0} and trend["value"].isna().all()
    assert not trend["measured"].any()


def test_channel_mix_shares_sum_to_one_per_division(cur) -> None:
    mix = cv.channel_mix(cur, window=W, as_of=T)
    assert list(mix.columns) == cv.MIX_COLUMNS
    got = {(r.division, r.channel): (r.interactions, r.written) for r in mix.itertuples()}
    assert got == {
        ("Motors", "Phone"): (1, ""), ("Motors", "WhatsApp"): (1, ""),
        ("Motors", "Meeting"): (1, ""), ("Motors", "Walk-in"): (1, ""),   # I6: orphan too
        ("Power", "Phone"): (1, ""),                                      # I3: the row's own
        ("Power", "Email"): (1, ""),
        ("Power", cv.AS_WRITTEN): (2, "(blank), Fax"),
    }
    assert list(mix["share"]) == pytest.approx([0.25] * 6 + [0.5])
    assert mix.groupby("division")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    # Orders: report divisions, then the list's channel order, "as written" last.
    assert list(mix["channel"]) == ["Phone", "WhatsApp", "Meeting", "Walk-in",
                                    "Phone", "Email", cv.AS_WRITTEN]
    power = cv.channel_mix(cur, window=W, as_of=T, division="Power")
    assert list(power["division"].unique()) == ["Power"] and len(power) == 3


def test_channel_mix_of_an_empty_window(cur) -> None:
    empty = cv.channel_mix(cur, window=window_ending(dt.date(2025, 1, 31)),
                           as_of=dt.date(2025, 1, 31))
    assert empty.empty and list(empty.columns) == cv.MIX_COLUMNS
    assert cv.channel_table(empty).empty


def test_channel_table(cur) -> None:
    table = cv.channel_table(cv.channel_mix(cur, window=W, as_of=T))
    assert list(table.columns) == ["Division", "Interactions", "Phone", "WhatsApp", "Meeting",
                                   "Email", "Walk-in", cv.AS_WRITTEN]
    assert table.to_dict("records") == [
        {"Division": "Motors", "Interactions": 4, "Phone": 25.0, "WhatsApp": 25.0,
         "Meeting": 25.0, "Email": 0.0, "Walk-in": 25.0, cv.AS_WRITTEN: 0.0},
        {"Division": "Power", "Interactions": 4, "Phone": 25.0, "WhatsApp": 0.0,
         "Meeting": 0.0, "Email": 25.0, "Walk-in": 0.0, cv.AS_WRITTEN: 50.0}]


def test_channel_order_and_colours_stay_fixed() -> None:
    channels = ["Zoom", cv.AS_WRITTEN, "Email", "Carrier pigeon", "Phone"]
    assert cv.channel_order(channels) == ["Phone", "Email", "Carrier pigeon", "Zoom",
                                          cv.AS_WRITTEN]
    colours = cv.channel_colours(channels)
    assert colours["Phone"] == cv.CHANNEL_COLOURS["Phone"]
    assert colours[cv.AS_WRITTEN] == cv.CHANNEL_COLOURS[cv.AS_WRITTEN]
    assert colours["Carrier pigeon"] == cv.SPARE_COLOURS[0]
    assert colours["Zoom"] == cv.SPARE_COLOURS[1]


def test_channel_figure_one_colour_per_channel(cur) -> None:
    mix = cv.channel_mix(cur, window=W, as_of=T)
    fig = cv.fig_channel_mix(mix, window=W)
    names = [trace.name for trace in fig.data]
    assert names == ["Phone", "WhatsApp", "Meeting", "Email", "Walk-in", cv.AS_WRITTEN]
    for trace in fig.data:  # one trace per channel: the same colour on every division's bar
        assert trace.marker.color == cv.CHANNEL_COLOURS[trace.name][0]
        assert trace.orientation == "h"
    assert fig.layout.barmode == "stack"
    totals: dict[str, float] = {}
    for trace in fig.data:
        for division, share in zip(trace.y, trace.x):
            totals[division] = totals.get(division, 0) + share
    assert totals == pytest.approx({"Motors": 100.0, "Power": 100.0})
    assert list(fig.layout.yaxis.categoryarray) == ["Motors", "Power"]
    assert "3 Jun – 30 Jun 2026" in fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.xaxis.range == (0, 100)


def test_nothing_owned_gives_empty_frames(tmp_path_factory: pytest.TempPathFactory) -> None:
    hub = module_hub(tmp_path_factory, "coverage-empty",
                     accounts=[account("B1", "Motors", owner=None)],
                     staff=[member("Ada Obi", "Motors")])
    cur = hub.workspace()
    rows = cv.coverage_rows(cur, window=W, as_of=T)
    assert rows.empty and list(rows.columns) == cv.ROW_COLUMNS
    assert cv.coverage_by_owner(cur, window=W, as_of=T).empty
    assert cv.least_touched(rows, untouched_only=True).empty
