"""Review snapshots (hub_data/review_snapshots.py) and what changed since (metrics/changes.py),
hand-worked on two tiny hubs: the one a review saw, and the Hub a week later."""
from __future__ import annotations

import datetime as dt
import errno
import json
import os

import pytest

from hub_data import HubDataError
from hub_data import review_snapshots as rs
from metrics.changes import changes_since
from tests.hubfactory import account, contact, interaction, member

HELD_ON = dt.date(2026, 7, 6)
AS_OF = dt.date(2026, 7, 15)


def _rows(*, later: bool) -> dict:
    """The hub at the review (``later=False``) and a week later: I2 edited (next action),
    I3 deleted, I5 new (after the review), I6 new but dated before the review (back-dated),
    A1 renamed, C1's e-mail changed, Power's P2 new (another division), I9 dated after T."""
    accounts = [account("A1", "Motors", owner="Ada Obi",
                        name="Lekki Logistics Ltd" if later else "Lekki Logistics"),
                account("A2", "Power", owner="Musa Bello")]
    c1 = contact("C1", "A1")
    c1["Email"] = "emeka@lekki.example" if later else "emeka@old.example"
    contacts = [c1, contact("C2", "A2")]
    staff = [member("Ada Obi", "Motors"), member("Musa Bello", "Power")]
    rows = [interaction("I1", dt.datetime(2026, 7, 1, 9), "C1", "Inquiry", "Ada Obi"),
            interaction("I2", dt.datetime(2026, 7, 2, 9), "C1", "Quote Sent", "Ada Obi",
                        next_action="Send invoice" if later else "Call back"),
            interaction("P1", dt.datetime(2026, 7, 2, 10), "C2", "Inquiry", "Musa Bello")]
    if not later:
        rows.append(interaction("I3", dt.datetime(2026, 7, 3, 9), "C1", "Inquiry", "Ada Obi"))
    else:
        rows += [interaction("I5", dt.datetime(2026, 7, 8, 11), "C1", "Inquiry", "Ada Obi"),
                 interaction("I6", dt.datetime(2026, 7, 4, 15), "C1", "Site Visit", "Ada Obi"),
                 interaction("P2", dt.datetime(2026, 7, 9, 10), "C2", "Inquiry", "Musa Bello"),
                 interaction("I9", dt.datetime(2026, 7, 20, 9), "C1", "Inquiry", "Ada Obi")]
    return {"accounts": accounts, "contacts": contacts, "staff": staff, "interactions": rows}


@pytest.fixture
def hubs(make_hub, tmp_path):
    before = make_hub(**_rows(later=False))
    state = tmp_path / "review-state"
    path = rs.save_review_snapshot(before.hub.con, state, division="Motors", held_on=HELD_ON)
    after = make_hub(**_rows(later=True))
    return before, after, state, path


def test_save_writes_parquet_and_manifest_atomically(hubs) -> None:
    before, _, state, path = hubs
    assert path.parent == state / "reviews"
    assert path.name.startswith("2026-07-06-motors-")
    assert sorted(p.name for p in path.iterdir()) == [
        "accounts.parquet", "contacts.parquet", "interactions.parquet", "manifest.json",
        "staff.parquet"]
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["division"] == "Motors" and manifest["held_on"] == "2026-07-06"
    assert manifest["counts"] == {"accounts": 2, "contacts": 2, "interactions": 4, "staff": 2}
    assert len(manifest["signature"]) == 40
    assert not [p for p in (state / "reviews").iterdir() if p.name.startswith(".")]


def test_list_and_read_round_trip(hubs) -> None:
    before, after, state, path = hubs
    second = rs.save_review_snapshot(after.hub.con, state, division="Power",
                                     held_on=dt.date(2026, 7, 10))
    (state / "reviews" / "not-a-snapshot").mkdir()
    (state / "reviews" / "broken").mkdir()
    (state / "reviews" / "broken" / "manifest.json").write_text("{not json")
    every = rs.list_review_snapshots(state)
    assert [s.path for s in every] == [path, second]  # newest last
    [motors] = rs.list_review_snapshots(state, "Motors")
    assert (motors.division, motors.held_on) == ("Motors", HELD_ON)
    assert motors.counts == {"accounts": 2, "contacts": 2, "interactions": 4, "staff": 2}
    assert rs.list_review_snapshots(state, "Medical") == []
    assert rs.list_review_snapshots(state / "nowhere") == []
    tables = rs.read_review_snapshot(motors)
    assert set(tables) == {"accounts", "contacts", "interactions", "staff"}
    frame = tables["interactions"].to_pandas()
    assert list(frame["interaction_id"]) == ["I1", "I2", "P1", "I3"]
    assert list(frame["source_file"]) == ["hub.xlsx"] * 4
    assert list(frame["source_row"]) == [2, 3, 4, 5]
    assert list(frame["next_action"]) == ["Call back"] * 4
    assert frame["date"].iloc[0] == dt.datetime(2026, 7, 1, 9)
    for table in tables:
        now = before.hub.con.sql(f"SELECT * FROM {table} ORDER BY row_id").to_arrow_table()
        assert tables[table].equals(now)
    assert list(tables["staff"].to_pandas()["name"]) == ["Ada Obi", "Musa Bello"]


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "is full"),
                                         (errno.EACCES, "permission denied")])
def test_a_failed_save_leaves_no_folder(make_hub, tmp_path, monkeypatch, code, words) -> None:
    hub = make_hub(**_rows(later=False))
    state = tmp_path / "st"

    def refuse(src, dst):  # noqa: ANN001
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(rs.os, "replace", refuse)
    with pytest.raises(HubDataError, match=words) as caught:
        rs.save_review_snapshot(hub.hub.con, state, division="Motors", held_on=HELD_ON)
    assert str(state / "reviews") in str(caught.value)
    assert list((state / "reviews").iterdir()) == []
    assert rs.list_review_snapshots(state) == []


def test_changes_since_by_hand(hubs) -> None:
    _, after, _, path = hubs
    [snap] = rs.list_review_snapshots(path.parent.parent, "Motors")
    out = changes_since(after.workspace(), rs.read_review_snapshot(snap), division="Motors",
                        as_of=AS_OF, last_review=HELD_ON)
    t = out["tables"]
    assert list(t["interactions"]["new"]["interaction_id"]) == ["I5", "I6"]  # not P2, not I9
    assert list(t["interactions"]["deleted"]["interaction_id"]) == ["I3"]
    edited = t["interactions"]["edited"]
    assert list(edited["interaction_id"]) == ["I2"]
    assert list(edited["changes"]) == ["next_action: Call back → Send invoice"]
    assert list(t["accounts"]["edited"]["changes"]) == [
        "company_name: Lekki Logistics → Lekki Logistics Ltd"]
    assert list(t["contacts"]["edited"]["changes"]) == [
        "email: emeka@old.example → emeka@lekki.example"]
    assert t["staff"]["new"].empty and t["staff"]["edited"].empty
    assert list(out["backdated"]["interaction_id"]) == ["I6"]
    assert out["counts"] == {"new": 2, "edited": 3, "deleted": 1, "backdated": 1}


def test_changes_other_division_and_every_division(hubs) -> None:
    _, after, _, path = hubs
    [snap] = rs.list_review_snapshots(path.parent.parent)
    tables = rs.read_review_snapshot(snap)
    power = changes_since(after.workspace(), tables, division="Power", as_of=AS_OF,
                          last_review=HELD_ON)
    assert list(power["tables"]["interactions"]["new"]["interaction_id"]) == ["P2"]
    assert power["counts"] == {"new": 1, "edited": 0, "deleted": 0, "backdated": 0}
    every = changes_since(after.workspace(), tables, division=None, as_of=AS_OF,
                          last_review=HELD_ON)
    assert every["counts"] == {"new": 3, "edited": 3, "deleted": 1, "backdated": 1}
    # with T after I9's date it is new too
    late = changes_since(after.workspace(), tables, division="Motors",
                         as_of=dt.date(2026, 7, 31), last_review=HELD_ON)
    assert list(late["tables"]["interactions"]["new"]["interaction_id"]) == ["I5", "I6", "I9"]


def test_rows_without_an_id_and_a_move_between_divisions(make_hub, tmp_path) -> None:
    """An ID-less row is keyed by file and Excel row; an account moved to Power is an edit
    seen from Motors (it was there) and from Power (it is there now)."""
    def rows(later: bool) -> dict:
        return {"accounts": [account("A1", "Power" if later else "Motors")],
                "contacts": [contact("C1", "A1")],
                "staff": [member("Ada Obi", "Motors")],
                "interactions": [interaction(None, dt.datetime(2026, 7, 1, 9), "C1", "Inquiry",
                                             "Ada Obi", notes="later" if later else None)]}
    state = tmp_path / "s"
    before = make_hub(**rows(False))
    rs.save_review_snapshot(before.hub.con, state, division="Motors", held_on=HELD_ON)
    after = make_hub(**rows(True))
    tables = rs.read_review_snapshot(rs.list_review_snapshots(state)[0])
    for division in ("Motors", "Power"):
        out = changes_since(after.workspace(), tables, division=division, as_of=AS_OF,
                            last_review=HELD_ON)
        assert list(out["tables"]["accounts"]["edited"]["changes"]) == [
            "division: Motors → Power"]
        assert out["tables"]["interactions"]["new"].empty
    motors = changes_since(after.workspace(), tables, division="Motors", as_of=AS_OF,
                           last_review=HELD_ON)
    ints = motors["tables"]["interactions"]["edited"]
    assert list(ints["changes"]) == ["division: Motors → Power; notes: (blank) → later"]
