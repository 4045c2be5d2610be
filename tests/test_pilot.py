"""Pilot success metrics and the biweekly check-in (metrics.md), on tiny hubs worked by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import pilot
from metrics.calendar import Window, pilot_week
from tests.hubfactory import (account, contact, interaction, kpi, meeting, member)

D = dt.date
T = dt.datetime
MOTORS = "Motors"




@pytest.fixture
def motors_hub(make_hub):
    """Pilot start configured on Wednesday 4 March 2026 = Monday 2 March (week 1 = 2–8 Mar,
    week 2 = 9–15 Mar, week 3 = 16–22 Mar, week 4 = 23–29 Mar).

    Roster (Motors unless said): Ada (always), Bola (leaves Wed 11 Mar: still active in week
    2), Chidi (leaves Sun 8 Mar: active in week 1 only), Dayo (not customer facing), Efe
    (Power), Funmi (starts Mon 16 Mar: from week 3).
    """
    notes = "Asked about the Hilux"
    rows = [
        interaction("I6", T(2026, 3, 3, 9), "C1", "Inquiry", "Chidi Eze"),            # week 1
        interaction("I1", T(2026, 3, 9, 9), "C1", "Inquiry", "Ada Obi", notes=notes),  # week 2
        interaction("I2", T(2026, 3, 10, 10), "C1", "Follow-up", "Efe Musa"),
        interaction("I3", T(2026, 3, 11, 11), "C1", "Follow-up", "Zed Unknown"),     # UNKNOWN_STAFF
        interaction("I4", T(2026, 3, 12, 12), "C1", "Follow-up", "Dayo Kuti",
                    next_action=None),                                               # MISSING_NEXT_ACTION
        interaction("I5", T(2026, 3, 13, 13), "C9", "Follow-up", "Ada Obi",
                    channel="Pigeon", division=MOTORS),                              # 2 codes
        interaction("I9", T(2026, 3, 9, 15), "C1", "Inquiry", "Ada Obi", notes=notes),  # DUPLICATE
        interaction("I8", T(2026, 3, 16, 10), "C1", "Follow-up", "Ada Obi"),          # week 3
        interaction("I7", T(2026, 3, 18, 10), "C1", "Follow-up", "Ada Obi"),          # week 3
        interaction("P1", T(2026, 3, 10, 10), "C2", "Lead", "Efe Musa"),              # Power
    ]
    return make_hub(
        accounts=[account("A1", MOTORS), account("A2", "Power")],
        contacts=[contact("C1", "A1"), contact("C2", "A2")],
        staff=[member("Ada Obi", MOTORS), member("Bola Ade", MOTORS, leave=D(2026, 3, 11)),
               member("Chidi Eze", MOTORS, leave=D(2026, 3, 8)),
               member("Dayo Kuti", MOTORS, customer_facing="No"),
               member("Efe Musa", "Power"), member("Funmi Ola", MOTORS, start=D(2026, 3, 16))],
        interactions=rows,
        survey=[
            {"Date": D(2026, 3, 5), "Division": MOTORS, "Ease of Use": 4, "Value": 5,
             "Comments": "Saves time"},                                   # counts, 4 and 5
            {"Date": D(2026, 3, 10), "Division": MOTORS, "Ease of Use": 3, "Value": 5},  # not 4+
            {"Date": D(2026, 3, 11), "Division": "Motorz", "Ease of Use": 5, "Value": 5},  # unknown
            {"Date": D(2026, 3, 12), "Division": MOTORS, "Ease of Use": 6, "Value": 5},  # outside 1–5
            {"Date": D(2026, 2, 20), "Division": MOTORS, "Ease of Use": 5, "Value": 5},  # before start
        ],
        store={
            "review_meetings": [meeting(MOTORS, D(2026, 3, 4)),
                                meeting(MOTORS, D(2026, 3, 12), used_hub=False)],
            "survey_answers": [
                {"answered_on": D(2026, 3, 5), "division": MOTORS, "ease_of_use": 4,
                 "value": 5, "comments": " saves time"},    # the file's answer again: once
                {"answered_on": D(2026, 3, 13), "division": "motors", "ease_of_use": 5,
                 "value": 4, "comments": ""},                # a new answer, counts
            ],
        },
        settings='[divisions.Motors]\npilot_start = 2026-03-04\n',
    )


def test_pilot_start_is_the_monday_of_the_configured_week(motors_hub):
    cur = motors_hub.workspace()
    assert pilot.pilot_start(cur, division=MOTORS, as_of=D(2026, 3, 17),
                             settings=motors_hub.settings) == D(2026, 3, 2)


def test_adoption_in_a_week_with_leavers_joiners_and_strangers(motors_hub):
    cur = motors_hub.workspace()
    week2 = pilot_week(D(2026, 3, 2), 2)
    out = pilot.adoption_rate(cur, window=week2, as_of=D(2026, 3, 17), division=MOTORS,
                              settings=motors_hub.settings)
    # S = {Ada, Bola (leaves Wed)}; L = {Ada, Efe, Zed Unknown, Dayo}; L ∩ S = {Ada}: 1 / 2
    assert out.result == kpi("adoption_rate", 0.5, 1, 2, 2, 0.8, "higher", "off_track")
    rows = out.rows.set_index("name")
    assert list(rows.index[rows["in_staff"] & ~rows["logged"]]) == ["Bola Ade"]  # not logged yet
    assert list(rows.index[~rows["on_roster"]]) == ["Zed Unknown"]
    assert set(rows.index[~rows["in_staff"]]) == {"Efe Musa", "Zed Unknown", "Dayo Kuti"}


def test_error_rate_counts_rows_with_any_entry_error(motors_hub):
    cur = motors_hub.workspace()
    out = pilot.data_quality_error_rate(cur, window=pilot_week(D(2026, 3, 2), 2),
                                        as_of=D(2026, 3, 17), division=MOTORS)
    # entries I1 I2 I3 I4 I5 I9; errors on I3, I4, I5 (two codes, one entry) and I9: 4 / 6
    assert out.result == kpi("data_quality_error_rate", 4 / 6, 4, 6, 6, 0.1, "lower", "off_track")
    errors = out.rows.set_index("interaction_id")["entry_errors"].to_dict()
    assert errors["I5"] == "NONSTANDARD_VALUE, UNKNOWN_CONTACT"
    assert errors["I9"] == "DUPLICATE" and pd.isna(errors["I1"])


def test_weeks_headline_and_checkin_in_week_three(motors_hub):
    cur = motors_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 3, 17),
                                  settings=motors_hub.settings)
    assert summary["week"] == 3 and summary["headline_week"] == 2
    weeks = summary["weeks"]
    # week 1: S = {Ada, Bola, Chidi}, L = {Chidi}; week 3 (partial, ≤ T): S = {Ada, Funmi},
    # L = {Ada} (I7 on 18 Mar is after T)
    assert list(weeks["logged"]) == [1, 1, 1] and list(weeks["staff"]) == [3, 2, 2]
    assert list(weeks["entries"]) == [1, 6, 1]
    assert list(weeks["entries_with_errors"]) == [0, 4, 0]
    assert list(weeks["review_held"]) == [True, False, False]  # 12 Mar did not use the Hub
    assert list(weeks["complete"]) == [True, True, False]
    results = summary["results"]
    assert results["adoption_rate"] == kpi("adoption_rate", 0.5, 1, 2, 2, 0.8, "higher",
                                           "off_track")
    assert results["process_compliance"] == kpi("process_compliance", 0.5, 1, 2, 2, 1.0,
                                                "higher", "off_track")
    # answers from 2 Mar to T: 5 Mar (4, 5) ✓, 10 Mar (3, 5) ✗, 13 Mar app (5, 4) ✓; the app's
    # copy of 5 Mar counts once; unknown division, score 6 and 20 Feb count nowhere: 2 / 3
    assert results["stakeholder_confidence"] == kpi("stakeholder_confidence", 2 / 3, 2, 3, 3,
                                                    0.8, "higher", "off_track")
    period = summary["periods"].iloc[0]
    # period 1 = weeks 1–2: adoption mean(1/3, 1/2), errors 4 / 7, compliance 1 / 2
    assert period["judged"] and period["adoption_rate"] == pytest.approx(5 / 12)
    assert period["data_quality_error_rate"] == pytest.approx(4 / 7)
    assert period["process_compliance"] == 0.5
    assert not summary["periods"].iloc[1]["judged"]
    assert summary["interventions"] == []  # one judged period is not two


def test_two_off_track_periods_call_for_intervention(motors_hub):
    cur = motors_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 3, 31),
                                  settings=motors_hub.settings)
    periods = summary["periods"]
    # period 2 = weeks 3–4: adoption mean(1/2, 0/2) = 0.25 (off), errors 0 / 2 (on),
    # meetings 0 / 2 (off); period 1 was off on all three
    assert list(periods["judged"][:2]) == [True, True]
    assert periods.iloc[1]["adoption_rate"] == 0.25
    assert periods.iloc[1]["data_quality_error_rate_status"] == "on_track"
    assert summary["interventions"] == ["adoption_rate", "process_compliance"]
    # headline week 4: nobody logged (0 / 2); no entries: 0 / 0 with no data
    results = summary["results"]
    assert results["adoption_rate"] == kpi("adoption_rate", 0.0, 0, 2, 2, 0.8, "higher",
                                           "off_track")
    assert results["data_quality_error_rate"] == kpi("data_quality_error_rate", None, 0, 0, 0,
                                                     0.1, "lower", "no_data")
    assert results["process_compliance"].value == 0.25


def test_same_numbers_from_the_weekly_table_and_the_kpi_functions(motors_hub):
    cur = motors_hub.workspace()
    as_of = D(2026, 3, 31)
    weeks = pilot.pilot_weeks(cur, division=MOTORS, as_of=as_of, start=D(2026, 3, 2))
    for _, week in weeks.iterrows():
        window = pilot_week(D(2026, 3, 2), int(week["week"]))
        adoption = pilot.adoption_rate(cur, window=window, as_of=as_of, division=MOTORS).result
        errors = pilot.data_quality_error_rate(cur, window=window, as_of=as_of,
                                               division=MOTORS).result
        assert (adoption.numerator, adoption.denominator) == (week["logged"], week["staff"])
        assert (errors.numerator, errors.denominator) == (week["entries_with_errors"],
                                                          week["entries"])


def test_empty_store_gives_zero_compliance_once_a_week_is_judged(make_hub):
    hub = make_hub(accounts=[account("A1", MOTORS)], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", MOTORS)],
                   interactions=[interaction("I1", T(2026, 3, 3, 9), "C1", "Inquiry", "Ada Obi")])
    cur = hub.workspace()
    window = Window(D(2026, 3, 2), D(2026, 3, 17))
    # weeks judged: 2–8 and 9–15 March; no meeting recorded in either: 0 / 2
    out = pilot.process_compliance(cur, window=window, as_of=D(2026, 3, 17), division=MOTORS)
    assert out.result == kpi("process_compliance", 0.0, 0, 2, 2, 1.0, "higher", "off_track")
    before = pilot.process_compliance(cur, window=Window(D(2026, 3, 2), D(2026, 3, 5)),
                                      as_of=D(2026, 3, 5), division=MOTORS)
    assert before.result == kpi("process_compliance", None, 0, 0, 0, 1.0, "higher", "no_data")


@pytest.fixture
def new_year_hub(make_hub):
    """No pilot_start in settings: the Monday of the week of the first interaction (Wed 31
    Dec 2025) = Mon 29 Dec 2025, which is ISO week 2026-W01."""
    return make_hub(
        accounts=[account("A1", MOTORS)], contacts=[contact("C1", "A1")],
        staff=[member("Ada Obi", MOTORS), member("Bola Ade", MOTORS)],
        interactions=[
            interaction("I1", T(2025, 12, 31, 9), "C1", "Inquiry", "Ada Obi"),    # week 1
            interaction("I2", T(2026, 1, 4, 18), "C1", "Follow-up", "Bola Ade"),  # Sun, week 1
            interaction("I3", T(2026, 1, 5, 0), "C1", "Follow-up", "Ada Obi"),    # Mon, week 2
        ],
        survey=[{"Date": D(2026, 1, 2), "Division": MOTORS, "Ease of Use": 5, "Value": 5}])


def test_pilot_weeks_across_the_year_boundary(new_year_hub):
    cur = new_year_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 1, 14))
    assert summary["start"] == D(2025, 12, 29)
    assert summary["week"] == 3 and summary["headline_week"] == 2
    weeks = summary["weeks"]
    assert list(weeks["week_start"]) == [D(2025, 12, 29), D(2026, 1, 5), D(2026, 1, 12)]
    assert list(weeks["entries"]) == [2, 1, 0] and list(weeks["logged"]) == [2, 1, 0]
    assert summary["results"]["adoption_rate"].value == 0.5  # week 2: Ada of {Ada, Bola}


def test_no_complete_week_yet_is_no_data_everywhere(new_year_hub):
    cur = new_year_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 1, 2))
    assert summary["week"] == 1 and summary["headline_week"] == 0
    results = summary["results"]
    assert results["adoption_rate"] == kpi("adoption_rate", None, None, None, None, 0.8,
                                           "higher", "no_data")
    assert results["data_quality_error_rate"].n is None
    # ratios over nothing, even with a survey answer already in
    assert results["process_compliance"] == kpi("process_compliance", None, 0, 0, 0, 1.0,
                                                "higher", "no_data")
    assert results["stakeholder_confidence"] == kpi("stakeholder_confidence", None, 0, 0, 0,
                                                    0.8, "higher", "no_data")


def test_no_pilot_without_a_start_or_interactions(new_year_hub):
    cur = new_year_hub.workspace()
    assert pilot.pilot_summary(cur, division="Power", as_of=D(2026, 1, 14)) is None
    # before the first interaction there is no default start either
    assert pilot.pilot_summary(cur, division=MOTORS, as_of=D(2025, 12, 30)) is None


def test_pilot_over_keeps_week_twelve_as_headline(new_year_hub):
    cur = new_year_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 6, 1))
    assert summary["week"] == 23 and summary["headline_week"] == 12
    assert len(summary["weeks"]) == 12
    assert summary["results"]["adoption_rate"] == kpi("adoption_rate", 0.0, 0, 2, 2, 0.8,
                                                      "higher", "off_track")


def test_target_override_from_settings(make_hub):
    hub = make_hub(accounts=[account("A1", MOTORS)], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", MOTORS), member("Bola Ade", MOTORS)],
                   interactions=[interaction("I1", T(2026, 3, 3, 9), "C1", "Inquiry", "Ada Obi")],
                   settings="[divisions.Motors]\ntargets = { adoption_rate = 0.5 }\n")
    cur = hub.workspace()
    out = pilot.adoption_rate(cur, window=pilot_week(D(2026, 3, 2), 1), as_of=D(2026, 3, 9),
                              division=MOTORS, settings=hub.settings)
    assert out.result == kpi("adoption_rate", 0.5, 1, 2, 2, 0.5, "higher", "on_track")


def test_intervention_periods_name_the_evidence(motors_hub):
    cur = motors_hub.workspace()
    summary = pilot.pilot_summary(cur, division=MOTORS, as_of=D(2026, 3, 31),
                                  settings=motors_hub.settings)
    assert pilot.intervention_periods(summary["periods"]) == {
        "adoption_rate": [1, 2], "process_compliance": [1, 2]}


@pytest.fixture
def two_pilots(make_hub):
    """Motors and Power in pilot from Monday 2 March; Power's app answer has the very date,
    scores and words of a Motors file answer (a different answer: another division)."""
    return make_hub(
        accounts=[account("A1", MOTORS), account("A2", "Power")],
        contacts=[contact("C1", "A1"), contact("C2", "A2")],
        staff=[member("Ada Obi", MOTORS), member("Efe Musa", "Power")],
        interactions=[
            interaction("M1", T(2026, 3, 3, 9), "C1", "Inquiry", "Ada Obi"),
            interaction("M2", T(2026, 3, 11, 9), "C1", "Follow-up", "Ada Obi", channel="Pigeon"),
            interaction("P1", T(2026, 3, 4, 9), "C2", "Lead", "Efe Musa"),
            interaction("P2", T(2026, 3, 17, 9), "C2", "Follow-up", "Zed Unknown"),
        ],
        survey=[{"Date": D(2026, 3, 5), "Division": MOTORS, "Ease of Use": 4, "Value": 5,
                 "Comments": "Saves time"}],
        store={
            "review_meetings": [meeting(MOTORS, D(2026, 3, 4)), meeting("Power", D(2026, 3, 10))],
            "survey_answers": [{"answered_on": D(2026, 3, 5), "division": "Power",
                                "ease_of_use": 4, "value": 5, "comments": "saves time"}],
        })


def _same_summary(a: dict | None, b: dict | None) -> None:
    assert (a is None) == (b is None)
    if a is None:
        return
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], pd.DataFrame):
            pd.testing.assert_frame_equal(a[key], b[key])
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize("day", [1, 2, 6, 9, 12, 17, 23, 31])
def test_every_divisions_summary_at_once_is_each_divisions_own(two_pilots, day) -> None:
    cur = two_pilots.workspace()
    as_of = D(2026, 3, day)
    together = pilot.pilot_summaries(cur, divisions=[MOTORS, "Power", "Medical"], as_of=as_of)
    assert together["Medical"] is None and (together[MOTORS] is None) == (day < 3)
    for division in (MOTORS, "Power"):
        _same_summary(together[division],
                      pilot.pilot_summary(cur, division=division, as_of=as_of))
    if day >= 17:  # both answers count, each in its own division
        for division in (MOTORS, "Power"):
            confidence = together[division]["results"]["stakeholder_confidence"]
            assert (confidence.numerator, confidence.denominator) == (1, 1)
        assert list(together["Power"]["weeks"]["meetings"][:2]) == [0, 1]
        assert list(together[MOTORS]["weeks"]["meetings"][:2]) == [1, 0]


def test_pilot_starts_of_several_divisions_from_one_query(make_hub):
    """Configured (Power: Wed 4 Mar → Mon 2 Mar), from the first dated interaction ≤ T
    (Motors: Wed 31 Dec 2025 → Mon 29 Dec; the row after T and the undated one do not count),
    or none (Medical has no interaction); the same as pilot_start one by one."""
    hub = make_hub(
        accounts=[account("A1", MOTORS), account("A2", "Power"), account("A3", "Medical")],
        contacts=[contact("C1", "A1"), contact("C2", "A2")],
        staff=[member("Ada Obi", MOTORS)],
        interactions=[
            interaction("I0", T(2025, 12, 20, 9), "C1", "Inquiry", "Ada Obi") | {"Date": "?"},
            interaction("I1", T(2025, 12, 31, 9), "C1", "Inquiry", "Ada Obi"),
            interaction("I2", T(2026, 1, 5, 9), "C2", "Lead", "Ada Obi"),
            interaction("I3", T(2026, 2, 1, 9), "C1", "Inquiry", "Ada Obi")],
        settings='[divisions.Power]\npilot_start = 2026-03-04\n')
    cur = hub.workspace()
    as_of = D(2026, 1, 14)
    divisions = [MOTORS, "Power", "Medical"]
    queries = []

    class Counted:  # the cursor, counting its queries
        def execute(self, *args):
            queries.append(args[0])
            return cur.execute(*args)

    starts = pilot.pilot_starts(Counted(), divisions=divisions, as_of=as_of,
                                settings=hub.settings)
    assert starts == {MOTORS: D(2025, 12, 29), "Power": D(2026, 3, 2), "Medical": None}
    assert len(queries) == 1
    assert starts == {d: pilot.pilot_start(cur, division=d, as_of=as_of, settings=hub.settings)
                      for d in divisions}
    assert pilot.pilot_starts(cur, divisions=[MOTORS], as_of=D(2025, 12, 30),
                              settings=hub.settings) == {MOTORS: None}  # I1 is after T
