"""AppTest of pages/overview.py: on the demo every division is shown with the numbers of the
metric functions themselves (panel, pilot, backlog, entry errors), the links open the
division and backlog pages, the downloads hold the table; an empty hub still renders."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data.access import Role
from hub_data.store import Store
from metrics import backlog
from metrics.calendar import window_ending
from metrics.data_quality import window_error_rate
from metrics.formatting import kpi_target, kpi_value, percent
from metrics.inputs import workspace
from metrics.panel import panel
from metrics.pilot import pilot_summary
from metrics.report import report_divisions
from tests.conftest import DEMO, ROOT, run_page

PAGE = str(ROOT / "pages" / "overview.py")
DIVISIONS = ["Motors", "Power", "Medical", "Cube 65 Clinic", "GRAS Restaurant"]


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


def _summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "overview-summary" in m.value)


def _bands(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "overview-band" in m.value]


def _band(at: AppTest, division: str) -> str:
    return next(b for b in _bands(at) if f"data-division='{html.escape(division)}'" in b)


def _links(at: AppTest) -> str:
    """The band headers' links (plain links when a page runs on its own)."""
    return "\n".join(m.value for m in at.markdown if m.value.startswith("["))


def _row(summary: str, division: str) -> str:
    """The summary table's row of ``division``."""
    return next(r for r in summary.split("<tr>") if f">{html.escape(division)}</a>" in r)


def _tiles(band: str) -> list[str]:
    return band.split("class='overview-tile'")[1:]


def _demo():
    hub = HubLoader(DEMO).get()
    return hub, workspace(hub.con, Store.for_settings(hub.settings).read_all())


def test_demo_shows_every_division_with_the_metrics_numbers() -> None:
    at = _run()
    _ok(at)
    assert at.title[0].value == "Executive overview"
    hub, cur = _demo()
    as_of, settings = hub.settings.as_of, hub.settings
    assert sorted(report_divisions(cur)) == sorted(DIVISIONS)
    summary, bands = _summary(at), _bands(at)
    # pilot phase order: Motors, Power, Medical, then the two June pilots by name
    assert [re.search(r"data-division='([^']+)'", b).group(1) for b in bands] == DIVISIONS
    for division, band in zip(DIVISIONS, bands):
        row = _row(summary, division)
        tiles = panel(cur, division=division, as_of=as_of, settings=settings)
        shown = _tiles(band)
        assert len(shown) == len(tiles) > 0
        for tile, text in zip(tiles, shown):
            r, unit = tile.result, tile.spec.unit
            assert html.escape(tile.spec.label) in text
            assert f">{html.escape(kpi_value(r.value, unit))}</div>" in text
            small = unit != "count" and r.value is not None and r.n < settings.min_n
            word = (f"too few data (n = {r.n})" if small else
                    {"on_track": "on track", "off_track": "off track", "info": "no target",
                     "no_data": "no data"}[r.status])
            assert html.escape(word) in text
            if r.target is not None:
                assert html.escape(kpi_target(r.target, r.direction, unit)) in text
            assert "<svg" in text                       # the sparkline over 12 windows
            if tile.change_text():
                assert html.escape(tile.change_text().split(" vs ")[0]) in text
        on_track = sum(t.result.status == "on_track" and not (
            t.spec.unit != "count" and t.result.n is not None and t.result.n < settings.min_n)
            for t in tiles)
        assert f"{on_track} of {len(tiles)} on track" in row
        summary_pilot = pilot_summary(cur, division=division, as_of=as_of, settings=settings)
        assert f"Week {summary_pilot['week']} of 12" in row or (
            summary_pilot["week"] > 12 and "Over (12 weeks from" in row)
        if summary_pilot["interventions"]:
            assert "Intervention needed: adoption" in row
        else:
            assert "Intervention needed" not in row
        counts = backlog.status_counts(cur, as_of=as_of, division=division)
        assert f"{counts['overdue']:,} overdue</b>" in row
        opened = (counts["overdue"] + counts["due_this_week"] + counts["missing_next_action"]
                  + counts["no_due_date"])
        assert f"{opened:,} open" in row
        dq = window_error_rate(cur, window=window_ending(as_of), as_of=as_of,
                               division=division, settings=settings)
        assert f"{percent(dq.value)}</b><br>of {dq.denominator:,} entries" in row
        # the links: the division page and its backlog, spaces URL-encoded
        target = division.replace(" ", "%20")
        assert f"href='./division?division={target}'" in row
        assert f"[Open {division} →](./division?division={target})" in _links(at)
        assert f"[Backlog →](./backlog?division={target})" in _links(at)
    motors = _row(summary, "Motors")
    assert "Over (12 weeks from 2 Mar 2026)" in motors and "59 overdue" in motors
    assert "weekly review held" in _row(summary, "Medical")
    assert [b.proto.label for b in at.get("download_button")] == ["Download XLSX",
                                                                  "Download CSV"]
    kpis = at.dataframe[0].value
    assert len(kpis) == 5 + 4 + 4 + 3 + 3
    assert list(at.dataframe[1].value["Division"]) == DIVISIONS


def test_an_as_of_link_moves_every_number_and_rides_along_the_links() -> None:
    at = _run(as_of="2026-06-15")
    _ok(at)
    hub, cur = _demo()
    as_of = dt.date(2026, 6, 15)
    summary = _summary(at)
    counts = backlog.status_counts(cur, as_of=as_of, division="Power")
    assert f"{counts['overdue']:,} overdue</b>" in _row(summary, "Power")
    assert "No pilot yet" in _row(summary, "GRAS Restaurant")
    assert "href='./division?division=Power&amp;as_of=2026-06-15'" in summary
    band = _band(at, "Medical")
    assert "(./backlog?division=Medical&as_of=2026-06-15)" in _links(at)
    tile = panel(cur, division="Medical", as_of=as_of, settings=hub.settings)[3]
    assert f">{html.escape(kpi_value(tile.result.value, tile.spec.unit))}</div>" in \
        _tiles(band)[3]


def test_the_gathering_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    import metrics.overview

    calls = []
    original = metrics.overview.overview

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003
        calls.append(kwargs["as_of"])
        return original(*args, **kwargs)

    monkeypatch.setattr(metrics.overview, "overview", counted)
    at = _run()
    _ok(at)
    at.run()
    _ok(at)
    assert len(calls) == 1


def test_downloads_hold_the_overview_table(deferred) -> None:
    at = _run()
    _ok(at)
    assert set(deferred) == {"executive-overview-2026-07-15.xlsx",
                             "executive-overview-2026-07-15.csv"}
    rows = list(csv.reader(io.StringIO(
        deferred["executive-overview-2026-07-15.csv"]().decode("utf-8-sig"))))
    assert rows[0] == ["Division", "KPI", "Value", "Unit", "Target", "Status", "Change",
                       "Change against", "Based on"]
    assert len(rows) == 1 + 19
    shown = at.dataframe[0].value
    assert [[r[0], r[1], r[5]] for r in rows[1:]] == shown[
        ["Division", "KPI", "Status"]].values.tolist()
    hub, cur = _demo()
    tile = panel(cur, division="Medical", as_of=hub.settings.as_of, settings=hub.settings)[2]
    medical = next(r for r in rows if r[:2] == ["Medical", tile.spec.label])
    assert float(medical[2]) == round(tile.result.value * 100, 1)      # +33 %: a number
    assert float(medical[6]) == round(tile.change * 100, 1)
    assert medical[3] == "% vs last year" and medical[7] == "the previous 28 days"
    # no text had to be defused: values and changes are numbers, not "+33 %" text
    assert not any(cell.startswith(("=", "+", "@", "'")) for row in rows for cell in row)
    book = openpyxl.load_workbook(io.BytesIO(deferred["executive-overview-2026-07-15.xlsx"]()))
    assert book.sheetnames == ["KPIs", "Divisions"]
    values = [c.value for row in book["KPIs"].iter_rows(min_row=5) for c in row[2:3]]
    assert all(isinstance(v, (int, float)) for v in values if v is not None)
    assert len(values) == 19 and any(isinstance(v, float) for v in values)
    texts = {c.value for row in book["Divisions"].iter_rows() for c in row}
    assert {"Open backlog", "Overdue", "Entry-error rate %", "Motors"} <= texts


def test_a_viewer_sees_the_same_overview(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run()
    _ok(at)
    assert len(_bands(at)) == 5


def test_an_empty_hub(make_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub(settings="as_of = 2026-03-18\n")
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    _ok(at)
    assert any("No interactions are logged up to 18 Mar 2026" in i.value for i in at.info)
    summary = _summary(at)
    for division in DIVISIONS:
        row = _row(summary, division)
        assert "No pilot yet" in row and "0 overdue" in row and "0 open" in row
        assert "no entries" in row
    bands = _bands(at)
    assert len(bands) == 5
    motors = _band(at, "Motors")
    assert "hub.xlsx has no rows" in motors and "why?</a>" in motors
    assert "href='./measurability?division=Motors'" in motors
