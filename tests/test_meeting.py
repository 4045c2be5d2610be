"""metrics.meeting: the agenda, the countdown arithmetic, the sections' numbers on a tiny hub,
the store row and the frozen meeting pack (escaped, masked, formula-safe), by hand."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from hub_data.store import Store
from metrics import meeting
from metrics.calendar import window_ending
from metrics.motors import motors_funnel
from tests.hubfactory import account, contact, interaction, member

D = dt.date
T = D(2026, 3, 20)  # a Friday


def test_the_agenda_is_the_30_minute_review() -> None:
    assert [(s.name, s.minutes) for s in meeting.AGENDA] == [
        ("Pipeline & opportunities", 15), ("Performance metrics", 5), ("Problem solving", 10)]
    assert sum(s.minutes for s in meeting.AGENDA) == 30


@pytest.mark.parametrize(("now", "remaining", "over", "text"), [
    (100.0, 900.0, False, "15:00 left"),       # just started
    (100.4, 899.6, False, "15:00 left"),       # time left rounds up
    (101.0, 899.0, False, "14:59 left"),
    (999.0, 1.0, False, "00:01 left"),
    (1000.0, 0.0, False, "00:00 left"),        # exactly 15 minutes: not over yet
    (1000.5, -0.5, True, "00:00 over time"),   # time over rounds down
    (1125.0, -125.0, True, "02:05 over time"),
])
def test_countdown_of_a_15_minute_section(now: float, remaining: float, over: bool,
                                          text: str) -> None:
    left = meeting.countdown(100.0, now, 15)
    assert left.remaining == pytest.approx(remaining)
    assert left.over_time is over
    assert left.text == text


def test_mask_text_masks_emails_and_phones_but_not_dates_or_ids() -> None:
    assert meeting.mask_text("mail ada@lekki.ng.example or 0803 123 4567") == \
        "mail a•••@lekki… or 0803 ••• 4567"
    assert meeting.mask_text("+234 813 318 6303; 0813-717-8544") == \
        "+234 813 ••• 6303; 0813 ••• 8544"
    assert meeting.mask_text("due 2026-03-14 00:00:00, INT-M-001709") == \
        "due 2026-03-14 00:00:00, INT-M-001709"


@pytest.fixture
def hub(make_hub):
    """Motors: C1 overdue (due 10 Mar), C2 due this week (21 Mar), C3 closed; Power: C4
    overdue. Two inquiries in the 28 days to T."""
    return make_hub(
        accounts=[account("A1", "Motors"), account("A2", "Power")],
        contacts=[{**contact("C1", "A1", name="Ada Eze"), "Email": "ada@lekki.ng.example",
                   "Mobile Number": "0803 123 4567"},
                  contact("C2", "A1"), contact("C3", "A1"), contact("C4", "A2")],
        staff=[member("Ada Obi", "Motors"), member("Musa Bello", "Power")],
        interactions=[
            interaction("I1", dt.datetime(2026, 3, 5, 9), "C1", "Inquiry", "Ada Obi",
                        due=dt.datetime(2026, 3, 10)),
            interaction("I2", dt.datetime(2026, 3, 16, 9), "C2", "Inquiry", "Ada Obi",
                        due=dt.datetime(2026, 3, 21)),
            interaction("I3", dt.datetime(2026, 3, 17, 9), "C3", "Service Request", "Ada Obi",
                        next_action="None"),
            interaction("I4", dt.datetime(2026, 3, 2, 9), "C4", "Inquiry", "Musa Bello",
                        due=dt.datetime(2026, 3, 3)),
        ])


def test_open_backlog_is_the_divisions_open_threads_overdue_first(hub) -> None:
    frame = meeting.open_backlog(hub.workspace(), division="Motors", as_of=T)
    assert list(frame["contact_name"]) == ["Ada Eze", "Person C2"]  # C3 closed, C4 Power
    assert list(frame["status"]) == ["Overdue", "Due this week"]
    assert frame["days_overdue"].iloc[0] == 10  # 20 Mar − 10 Mar
    assert frame["due_date"].iloc[1] == D(2026, 3, 21)
    assert frame["email"].iloc[0] == "ada@lekki.ng.example"
    assert frame["mobile"].iloc[0] == "0803 123 4567"
    assert len(meeting.open_backlog(hub.workspace(), division="Motors", as_of=T, top=1)) == 1


def test_funnel_is_the_divisions_own_or_none(hub) -> None:
    cur = hub.workspace()
    shown = meeting.funnel(cur, division="Motors", as_of=T)
    expected = motors_funnel(cur, window=window_ending(T), as_of=T, division="Motors")
    pd.testing.assert_frame_equal(shown, expected)
    assert shown["count"].iloc[0] == 2  # I1 and I2 are the window's inquiries
    assert meeting.funnel(cur, division="Medical", as_of=T) is None


def test_meeting_row_is_accepted_by_the_store(hub) -> None:
    row = meeting.meeting_row(division="Motors", held_on=D(2026, 3, 12), used_hub=True,
                              attendees=7, decisions=" Chase C1 \n", actions="Ada: call",
                              recorded_by="local admin",
                              recorded_at=dt.datetime(2026, 3, 20, 10, 0))
    store = Store.for_settings(hub.settings)
    assert store.append("review_meetings", [row]) == 1
    back = store.read("review_meetings").iloc[-1]
    assert (back["division"], back["held_on"], bool(back["used_hub"]), back["attendees"],
            back["decisions"]) == ("Motors", D(2026, 3, 12), True, 7, "Chase C1")


def _pack(**kw) -> meeting.MeetingPack:
    base = dict(division="Motors", held_on=D(2026, 7, 15), attendees=6, used_hub=True,
                decisions="<script>alert(1)</script> ask ada@lekki.ng.example",
                actions="=HYPERLINK(\"http://x\")\nCall 0803 123 4567",
                as_of=D(2026, 7, 15), loaded_at=dt.datetime(2026, 7, 15, 9, 12),
                kpis=pd.DataFrame({"KPI": ["Inquiry → quote"], "Value": ["58 %"]}),
                backlog=pd.DataFrame({"contact_name": ["<b>Ada</b>"],
                                      "email": ["ada@lekki.ng.example"],
                                      "mobile": ["0803 123 4567"],
                                      "due_date": [D(2026, 7, 1)]}),
                pilot=pd.DataFrame({"Metric": ["Adoption"], "Value": ["92 %"]}),
                funnel=pd.DataFrame({"stage": ["Inquiries"], "count": [77]}))
    return meeting.MeetingPack(**{**base, **kw})


def test_pack_html_is_escaped_masked_self_contained_and_stamped() -> None:
    page = meeting.pack_html(_pack()).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Ada</b>" not in page and "&lt;b&gt;Ada&lt;/b&gt;" in page
    assert "ada@lekki" not in page and "a•••@lekki…" in page
    assert "0803 123 4567" not in page and "0803 ••• 4567" in page
    assert "as of 15 Jul 2026 · data loaded 15 Jul 2026, 09:12" in page
    assert "src=" not in page and "<link" not in page and "@import" not in page
    assert "Inquiries" in page and "77" in page and "1 Jul 2026" in page


def test_pack_xlsx_has_the_four_sheets_and_no_formula() -> None:
    pack = _pack()
    book = openpyxl.load_workbook(io.BytesIO(meeting.pack_xlsx(pack)))
    assert book.sheetnames == ["Meeting", "KPIs", "Backlog", "Pilot", "Funnel"]
    for sheet in book.worksheets:
        assert sheet["A2"].value == "as of 15 Jul 2026 · data loaded 15 Jul 2026, 09:12"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    meeting_sheet = book["Meeting"]
    header = [c.value for c in meeting_sheet[4]]
    values = dict(zip(header, (c.value for c in meeting_sheet[5])))
    assert values["Division"] == "Motors" and values["Attendees"] == 6
    assert values["Actions"].startswith("'=HYPERLINK")  # formula-safe text
    assert "0803 ••• 4567" in values["Actions"]
    backlog = book["Backlog"]
    assert [c.value for c in backlog[5]][1:3] == ["a•••@lekki…", "0803 ••• 4567"]
    assert pack.file_name("xlsx") == "motors-meeting-pack-2026-07-15.xlsx"
    assert meeting.pack_sheets(_pack(funnel=None)).keys() == {
        "Meeting", "KPIs", "Backlog", "Pilot"}
