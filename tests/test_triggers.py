"""CRM-review triggers (metrics/triggers.py; metrics.md "CRM-review triggers", "Precise
readings" and the report's ``crm_triggers``), worked by hand.

T = Sun 15 Feb 2026. The hub's own workbook is a few KB, so the file-size trigger only fires
with a tiny threshold from settings (0.001 MB); the store rows are seeded.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hub_data.settings import Thresholds
from metrics.triggers import (MB, crm_triggers, open_time_history, project, size_history,
                              steward_hours_weekly)
from tests.hubfactory import account, member, module_hub

T = dt.date(2026, 2, 15)


def hours(division: str, week_start: dt.date, value: float) -> dict:
    return {"division": division, "week_start": week_start, "hours": value,
            "steward": "Steward", "recorded_at": dt.datetime.combine(week_start, dt.time(17))}


def opened(when: dt.datetime, seconds: float) -> dict:
    return {"measured_at": when, "workbook": "hub.xlsx", "seconds": seconds,
            "size_bytes": 1000, "measured_by": "Steward"}


def loaded(modified: dt.datetime, megabytes: float, loaded_at: dt.datetime,
           file: str = "hub.xlsx") -> dict:
    return {"loaded_at": loaded_at, "file": file, "size_bytes": int(megabytes * MB),
            "modified_at": modified, "rows": 10, "seconds": 0.5}


W = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(7)]  # Mondays 5 Jan .. 16 Feb
STORE = {
    # Motors weekly sums: 10, 10, 1, 2, 3, 1.5 + 2.5 = 4 (weeks 5 Jan .. 9 Feb); the week of
    # 16 Feb starts after T. Last 4 weeks: (1 + 2 + 3 + 4) / 4 = 2.5 > 2 -> fired.
    # (All six would give 5.0, the first four 5.75.) Power: one week of 1.0 -> 1.0.
    "steward_hours": [hours("Motors", W[0], 10), hours("Motors", W[1], 10),
                      hours("Motors", W[2], 1), hours("Motors", W[3], 2),
                      hours("Motors", W[4], 3), hours("Motors", W[5], 1.5),
                      hours("Motors", W[5], 2.5), hours("Motors", W[6], 50),
                      hours("Power", W[4], 1.0)],
    # Latest open time dated <= T: 8 s at T 23:00 (12 s earlier; 30 s at T + 1 00:00 is out).
    "open_times": [opened(dt.datetime(2026, 2, 1, 9), 12),
                   opened(dt.datetime(2026, 2, 15, 23), 8),
                   opened(dt.datetime(2026, 2, 16), 30)],
    # Size points of hub.xlsx (x = days after 1 Jan, y = MB): (0, 10), (10, 30), (20, 40);
    # (20, 40) is loaded twice (one point); (50, 5) is modified after T; another file's rows
    # are not the largest workbook's. mean x = 10, mean y = 80/3; Sxx = 100 + 0 + 100 = 200;
    # Sxy = (−10)(−50/3) + 0 + (10)(40/3) = 300 -> slope 1.5 MB/day, intercept 80/3 − 15 =
    # 35/3. 100 MB at x = (100 − 35/3) / 1.5 = 58.89 days after 1 Jan -> 28 Feb 2026.
    # (Counting the duplicate would give slope 400/275 and 2 Mar.)
    "load_history": [loaded(dt.datetime(2026, 1, 1), 10, dt.datetime(2026, 1, 1, 8)),
                     loaded(dt.datetime(2026, 1, 11), 30, dt.datetime(2026, 1, 11, 8)),
                     loaded(dt.datetime(2026, 1, 21), 40, dt.datetime(2026, 1, 21, 8)),
                     loaded(dt.datetime(2026, 1, 21), 40, dt.datetime(2026, 1, 22, 8)),
                     loaded(dt.datetime(2026, 2, 20), 5, dt.datetime(2026, 2, 20, 8)),
                     loaded(dt.datetime(2026, 1, 5), 1, dt.datetime(2026, 1, 5, 8),
                            file="erp/sales.csv")],
}


def _hub(factory: pytest.TempPathFactory, **rows):
    return module_hub(factory, "triggers", accounts=[account("A1", "Motors")],
                      staff=[member("Ada Obi", "Motors")], **rows)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    """One hub with store rows for the whole module (loading it once keeps the file fast)."""
    return _hub(tmp_path_factory, store=STORE)


@pytest.fixture(scope="module")
def cur(hub):
    yield hub.workspace()


def with_thresholds(hub, **limits: float):
    return dataclasses.replace(hub.settings, thresholds=Thresholds(**limits))


def workbook_mb(cur) -> float:
    return cur.execute("SELECT size_bytes FROM files WHERE file = 'hub.xlsx'").fetchone()[0] / MB


def test_default_thresholds(hub, cur) -> None:
    size = workbook_mb(cur)
    assert 0.001 < size < 1  # the real tiny workbook
    assert crm_triggers(cur, as_of=T, settings=hub.settings) == {
        "file_size_mb": {"value": size, "threshold": 100.0, "fired": False},
        "open_time_s": {"value": 8.0, "threshold": 10.0, "fired": False},
        "steward_hours": {"value": 2.5, "threshold": 2.0, "fired": True,
                          "by_division": {"Motors": 2.5, "Power": 1.0}},
        "review_due": False,                      # only one trigger fired
        "projected_100mb_date": "2026-02-28",     # the least-squares date worked out above
    }


def test_two_triggers_fire_review_due(hub, cur) -> None:
    # File size over 0.001 MB and steward hours over 2 -> two fired -> review due; the
    # workbook is already over the size threshold -> no projection.
    out = crm_triggers(cur, as_of=T, settings=with_thresholds(hub, file_size_mb=0.001))
    assert out["file_size_mb"]["fired"] and out["steward_hours"]["fired"]
    assert not out["open_time_s"]["fired"]
    assert out["review_due"] is True
    assert out["projected_100mb_date"] is None
    # Open time 8 s over 7 fires; steward hours at exactly its threshold (2.5) does not (it
    # fires only above); file size under 100 MB: one fired -> not due.
    out = crm_triggers(cur, as_of=T, settings=with_thresholds(
        hub, open_time_s=7.0, steward_hours=2.5))
    assert (out["open_time_s"]["fired"], out["steward_hours"]["fired"]) == (True, False)
    assert out["review_due"] is False


def test_projection_threshold_from_settings(hub, cur) -> None:
    # Target 50 MB: x = (50 − 35/3) / 1.5 = 25.56 days after 1 Jan -> 26 Jan 2026.
    out = crm_triggers(cur, as_of=T, settings=with_thresholds(hub, file_size_mb=50.0))
    assert out["projected_100mb_date"] == "2026-01-26"


def test_earlier_as_of(hub, cur) -> None:
    # As of 20 Jan: two size points (1 and 11 Jan) -> no projection; open time: none yet;
    # steward hours: Motors weeks 5, 12, 19 Jan -> (10 + 10 + 1) / 3 = 7.0; Power none.
    out = crm_triggers(cur, as_of=dt.date(2026, 1, 20), settings=hub.settings)
    assert out["projected_100mb_date"] is None
    assert out["open_time_s"] == {"value": None, "threshold": 10.0, "fired": False}
    assert out["steward_hours"] == {"value": 7.0, "threshold": 2.0, "fired": True,
                                    "by_division": {"Motors": 7.0}}


def test_no_store_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    hub = _hub(tmp_path_factory)
    cur = hub.workspace()
    out = crm_triggers(cur, as_of=T, settings=hub.settings)
    assert out["open_time_s"] == {"value": None, "threshold": 10.0, "fired": False}
    assert out["steward_hours"] == {"value": None, "threshold": 2.0, "fired": False,
                                    "by_division": {}}
    assert out["file_size_mb"]["value"] == workbook_mb(cur)
    assert out["review_due"] is False and out["projected_100mb_date"] is None


def test_history_frames(cur) -> None:
    sizes = size_history(cur, as_of=T)
    # hub.xlsx: three distinct points <= T (the duplicate counted once, 20 Feb left out); the
    # ERP file is not a Hub workbook; today's real load is modified after T.
    assert list(sizes["modified_at"]) == [dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 11),
                                          dt.datetime(2026, 1, 21)]
    assert list(sizes["size_mb"]) == [10.0, 30.0, 40.0] and sizes["largest"].all()
    assert list(open_time_history(cur, as_of=T)["seconds"]) == [12.0, 8.0]
    weekly = steward_hours_weekly(cur, as_of=T)
    motors = weekly[weekly["division"] == "Motors"]
    assert list(motors["hours"]) == [10.0, 10.0, 1.0, 2.0, 3.0, 4.0]
    assert list(motors["recent"]) == [False, False, True, True, True, True]
    assert list(motors["entries"]) == [1, 1, 1, 1, 1, 2]


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1) + dt.timedelta(days=n)


def test_project_hand_computed() -> None:
    # The worked example above: 28 Feb 2026.
    assert project([(day(0), 10), (day(10), 30), (day(20), 40)], 100) == dt.date(2026, 2, 28)
    # Exact line y = 2x + 4 (x in days): 100 at x = 48 -> 18 Feb 2026. Order does not matter.
    assert project([(day(20), 44), (day(0), 4), (day(10), 24)], 100) == dt.date(2026, 2, 18)
    # Dates (not datetimes) count as 00:00; steward hours per week: 1, 2, 3 h a week apart
    # -> 1/7 h a day from 1 h on 5 Jan; 4.5 h at 3.5 × 7 = 24.5 days after 5 Jan -> 29 Jan.
    weeks = [(dt.date(2026, 1, 5) + dt.timedelta(weeks=k), float(k + 1)) for k in range(3)]
    assert project(weeks, 4.5) == dt.date(2026, 1, 29)


@pytest.mark.parametrize("points, threshold", [
    ([(day(0), 10), (day(10), 30)], 100),                  # two points
    ([(day(0), 30), (day(10), 20), (day(20), 10)], 100),   # falling sizes
    ([(day(0), 20), (day(10), 20), (day(20), 20)], 100),   # flat: slope 0
    ([(day(0), 20), (day(0), 30), (day(0), 40)], 100),     # one moment: no slope
    ([(day(0), 10), (day(10), 60), (day(20), 120)], 100),  # already over the threshold
    ([], 100),
])
def test_project_none(points, threshold) -> None:
    assert project(points, threshold) is None
