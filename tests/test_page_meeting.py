"""AppTest of pages/meeting.py: presenting masks contacts and hides the chrome, next/previous
move through the agenda, the countdown turns "over time" on an injected clock, ending the
meeting records it (raising process compliance for an earlier pilot week) and freezes the
pack; a viewer cannot record."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from hub_data.access import Role
from hub_data.store import Store
from metrics.calendar import Window
from metrics.pilot import process_compliance
from tests.conftest import ROOT
from tests.hubfactory import account, contact, interaction, member

PAGE = str(ROOT / "pages" / "meeting.py")
D = dt.date


def _run(clock: list[float] | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if clock is not None:
        at.session_state["meeting_clock"] = lambda: clock[0]
    return at.run()


def _timer(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "meeting-timer" in m.value)


def _heading(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "section " in m.value and "min ·" in m.value)


def _end_button(at: AppTest):
    return next(b for b in at.button if b.label == "End meeting and record")


def test_presenting_masks_contacts_and_hides_the_sidebar() -> None:
    at = _run()
    assert not at.exception and not at.error
    assert at.toggle(key="meeting_presenting").value is True
    assert any("[data-testid='stSidebar']" in h.proto.body for h in at.get("html"))
    table = at.dataframe[0].value
    emails = table["email"].dropna()
    assert len(emails) and all("•••@" in e and e.endswith("…") for e in emails)
    assert all("•••" in p for p in table["mobile"].dropna())
    at.toggle(key="meeting_presenting").set_value(False).run()
    assert not at.exception
    assert not any("stSidebar" in h.proto.body for h in at.get("html"))
    shown = at.dataframe[0].value["email"].dropna()
    assert all("•••" not in e and "@" in e for e in shown)  # the local admin sees contacts


def test_next_and_previous_move_through_the_agenda_and_keep_the_notes() -> None:
    at = _run(division="Motors")
    assert "1. Pipeline &amp; opportunities" in _heading(at)
    assert at.button(key="meeting_previous").disabled
    at.text_area(key="meeting_decisions").input("Chase the overdue quotes").run()
    at.button(key="meeting_next").click().run()
    assert not at.exception and "2. Performance metrics" in _heading(at)
    assert any("Division KPIs" in m.value for m in at.markdown)
    at.button(key="meeting_next").click().run()
    assert "3. Problem solving" in _heading(at) and at.button(key="meeting_next").disabled
    assert "problem" in at.dataframe[0].value.columns  # the entry errors to fix
    at.button(key="meeting_previous").click().run()
    assert "2. Performance metrics" in _heading(at)
    assert at.text_area(key="meeting_decisions").value == "Chase the overdue quotes"


def test_the_countdown_shows_and_turns_over_time() -> None:
    clock = [1000.0]
    at = _run(clock)
    assert ">15:00 left" in _timer(at) and "#1b7f3b" in _timer(at)
    clock[0] += 10 * 60 + 30
    at.run()
    assert "04:30 left" in _timer(at)
    clock[0] += 4 * 60 + 35                       # 15:05 into a 15-minute section
    at.run()
    assert "✗ 00:05 over time" in _timer(at) and "#b3261e" in _timer(at)
    at.button(key="meeting_next").click().run()   # the next section starts its own clock
    assert "05:00 left" in _timer(at)


SETTINGS = """as_of = 2026-03-25
[divisions.Motors]
pilot_start = 2026-03-02
"""


@pytest.fixture
def pilot_hub(make_hub, monkeypatch: pytest.MonkeyPatch):
    """Motors in pilot from Mon 2 Mar 2026, T = Wed 25 Mar: weeks 1–3 are judged; no
    meetings recorded, so compliance is 0 of 3."""
    hub = make_hub(
        accounts=[account("A1", "Motors")],
        contacts=[{**contact("C1", "A1"), "Email": "ada@lekki.ng.example"}],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction(f"I{i}", dt.datetime(2026, 3, 2 + 7 * i, 10), "C1",
                                  "Inquiry", "Ada Obi") for i in range(3)],
        settings=SETTINGS)
    monkeypatch.setenv("HUB_DATA_DIR", str(hub.folder))
    return hub


def _compliance(hub) -> tuple[float | None, int | None]:
    result = process_compliance(hub.workspace(), window=Window(D(2026, 3, 2), D(2026, 3, 22)),
                                as_of=D(2026, 3, 25), division="Motors",
                                settings=hub.settings).result
    return result.value, result.numerator


def test_recording_a_meeting_in_an_earlier_week_raises_compliance(pilot_hub,
                                                                   deferred) -> None:
    assert _compliance(pilot_hub) == (0.0, 0)
    at = _run(division="Motors")
    assert not at.exception
    assert at.date_input(key="meeting_held_on").value == D(2026, 3, 25)  # default: T
    at.text_area(key="meeting_decisions").input("Call <script> ada@lekki.ng.example").run()
    at.date_input(key="meeting_held_on").set_value(D(2026, 3, 10))     # week 2
    at.number_input(key="meeting_attendees").set_value(5)
    _end_button(at).click().run()
    assert not at.exception and not at.error and not at.warning  # snapshot saved too
    assert len(list((pilot_hub.settings.state_dir / "reviews").iterdir())) == 1
    rows = Store.for_settings(pilot_hub.settings).read("review_meetings")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["division"], row["held_on"], bool(row["used_hub"]), int(row["attendees"]),
            row["recorded_by"]) == ("Motors", D(2026, 3, 10), True, 5, "local admin")
    assert row["decisions"] == "Call <script> ada@lekki.ng.example"
    assert _compliance(pilot_hub) == (pytest.approx(1 / 3), 1)
    assert any("Recorded: Motors review held on 10 Mar 2026" in s.value for s in at.success)
    assert {b.key for b in at.get("download_button")} == {"meeting_pack_xlsx",
                                                          "meeting_pack_html"}
    page = deferred["motors-meeting-pack-2026-03-25.html"]().decode("utf-8")
    assert "&lt;script&gt;" in page and "a•••@lekki…" in page and "ada@lekki" not in page
    assert "as of 25 Mar 2026 · data loaded" in page
    # frozen: typing more after the meeting ended does not change the pack
    at.text_area(key="meeting_decisions").input("changed later").run()
    assert "changed later" not in deferred["motors-meeting-pack-2026-03-25.html"]().decode()


def test_a_viewer_cannot_record(pilot_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages._common.current_role", lambda: Role("viewer", email="v@x"))
    at = _run(division="Motors")
    assert not at.exception
    assert _end_button(at).disabled
    assert any("Only the Motors lead or an admin" in c.value for c in at.caption)
    assert Store.for_settings(pilot_hub.settings).read("review_meetings").empty
    at.toggle(key="meeting_presenting").set_value(False).run()  # a viewer stays masked
    assert at.dataframe[0].value["email"].tolist() == ["a•••@lekki…"]
