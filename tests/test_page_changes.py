"""AppTest of pages/changes.py: the message before any review is recorded, and with one
snapshot the tiles and tables equal metrics.changes.changes_since."""
from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

from hub_data import HubLoader
from hub_data import review_snapshots as rs
from hub_data.store import Store
from metrics.changes import changes_since
from metrics.inputs import workspace
from tests.conftest import ROOT, run_page
from tests.test_review_snapshots import AS_OF, HELD_ON, _rows

PAGE = str(ROOT / "pages" / "changes.py")


def _run(**query: str) -> AppTest:
    return run_page(PAGE, **query)


def _tiles(at: AppTest) -> dict[str, int]:
    found = {}
    for block in at.markdown:
        match = re.search(r">([A-Z][a-z-]+(?: [a-z]+)?)</div><div[^>]*>([\d,]+)</div>", block.value)
        if match:
            found[match.group(1)] = int(match.group(2).replace(",", ""))
    return found


def test_no_snapshot_says_when_snapshots_are_taken(make_hub, monkeypatch) -> None:
    hub = make_hub(**_rows(later=True))
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    at = _run()
    assert not at.exception
    assert at.sidebar.selectbox(key="changes_division").value == "Motors"
    [info] = at.info
    assert "No review of Motors has been recorded yet" in info.value
    assert "recorded in meeting mode" in info.value


def test_tiles_and_tables_equal_changes_since(make_hub, monkeypatch, tmp_path) -> None:
    before = make_hub(**_rows(later=False))
    state = tmp_path / "page-state"
    rs.save_review_snapshot(before.hub.con, state, division="Motors", held_on=HELD_ON)
    after = make_hub(**_rows(later=True))
    monkeypatch.setenv("HUB_DATA_DIR", str(after.folder))
    monkeypatch.setenv("HUB_STATE_DIR", str(state))
    at = _run(as_of=AS_OF.isoformat(), division="Motors")
    assert not at.exception and not at.error
    assert not at.info
    hub = HubLoader(after.folder).get()
    cur = workspace(hub.con, Store.for_settings(hub.settings).read_all())
    [snap] = rs.list_review_snapshots(state, "Motors")
    out = changes_since(cur, rs.read_review_snapshot(snap), division="Motors", as_of=AS_OF,
                        last_review=HELD_ON)
    assert _tiles(at) == {"New rows": out["counts"]["new"],
                          "Edited rows": out["counts"]["edited"],
                          "Deleted rows": out["counts"]["deleted"],
                          "Back-dated": out["counts"]["backdated"]}
    assert out["counts"] == {"new": 2, "edited": 3, "deleted": 1, "backdated": 1}
    frames = dict(enumerate(df.value for df in at.dataframe))
    edited = next(v for v in frames.values() if "What changed (old → new)" in v
                  and "Interaction ID" in v)
    assert list(edited["What changed (old → new)"]) == ["next_action: Call back → Send invoice"]
    assert any(list(v.get("Interaction ID", [])) == ["I6"] for v in frames.values())
    # Power has no recorded review: the message, not an empty comparison
    at.sidebar.selectbox(key="changes_division").select("Power").run()
    assert not at.exception
    assert "No review of Power" in at.info[0].value


def test_old_review_can_be_picked(make_hub, monkeypatch, tmp_path) -> None:
    before = make_hub(**_rows(later=False))
    state = tmp_path / "page-state"
    rs.save_review_snapshot(before.hub.con, state, division="Motors", held_on=HELD_ON)
    after = make_hub(**_rows(later=True))
    rs.save_review_snapshot(after.hub.con, state, division="Motors",
                            held_on=dt.date(2026, 7, 13))
    monkeypatch.setenv("HUB_DATA_DIR", str(after.folder))
    monkeypatch.setenv("HUB_STATE_DIR", str(state))
    at = _run(as_of=AS_OF.isoformat())
    assert not at.exception
    box = at.selectbox(key="changes_review")
    assert box.options[0].startswith("13 Jul 2026")  # the latest is the default
    assert _tiles(at) == {"New rows": 0, "Edited rows": 0, "Deleted rows": 0,
                          "Back-dated": 0}
    box.select_index(1).run()
    assert _tiles(at)["Back-dated"] == 1
