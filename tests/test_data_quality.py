"""The data steward's workbench (metrics/data_quality.py) on tiny hubs worked by hand, plus its
agreement with metrics.pilot and the report's findings.by_code on the demo data."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from hub_data import HubLoader
from hub_data.contract import ENTRY_ERROR_CODES, FINDING_SEVERITY
from hub_data.database import findings_summary
from metrics import data_quality as dq
from metrics import pilot
from metrics.calendar import Window, window_ending
from metrics.inputs import workspace
from tests.conftest import DEMO
from tests.hubfactory import account, contact, interaction, member

D = dt.date
T = dt.datetime
AS_OF = D(2026, 3, 18)          # a Wednesday: week of 9 Mar complete, week of 16 Mar partial
WEEK1, WEEK2 = D(2026, 3, 9), D(2026, 3, 16)


def _contact(contact_id: str, account_id: str, name: str, *, phone: str | None = None,
             email: str | None = None) -> dict:
    return {**contact(contact_id, account_id, name=name), "Mobile Number": phone,
            "Email": email}


@pytest.fixture
def hub(make_hub):
    """Motors (A1 with C1) and Power (A2 with C4). Entry errors, worked by hand:

    week of 9 Mar (Motors, Ada): I1 clean; I2 and I10 MISSING_DUE_DATE; I3 UNKNOWN_CONTACT +
    NONSTANDARD_VALUE on Channel and Interaction Type (2 codes, 3 findings); I8 DUPLICATE of I1.
    → 5 entries, 4 with errors.
    week of 16 Mar (≤ T): I5 MISSING_NEXT_ACTION (Power, Musa); I7 UNKNOWN_STAFF (Motors,
    Zed); I9 clean (Power, Musa). → 3 entries, 2 with errors.
    I4 Date "TBD" (BAD_DATE, Power, Musa): in no week, still in the fix list.
    I6 is dated after T (MISSING_CONTACT): counts nowhere.
    """
    notes = "Asked for the price"
    return make_hub(
        accounts=[account("A1", "Motors", name="Lekki Logistics Ltd"),
                  account("A2", "Power", name="Ikeja Cold Stores")],
        contacts=[_contact("C1", "A1", "Emeka Nwosu"),
                  _contact("C4", "A2", "Halima Yusuf", email="halima@")],   # BAD_EMAIL warning
        staff=[member("Ada Obi", "Motors"), member("Musa Bello", "Power")],
        interactions=[
            interaction("I1", T(2026, 3, 9, 9), "C1", "Inquiry", "Ada Obi", notes=notes),
            interaction("I2", T(2026, 3, 10, 10), "C1", "Follow-up", "Ada Obi", due=""),
            interaction("I3", T(2026, 3, 11, 11), "C99", "inquiry", "Ada Obi",
                        channel="whatsapp", division="Motors"),
            interaction("I8", T(2026, 3, 9, 15), "C1", "Inquiry", "Ada Obi", notes=notes),
            interaction("I10", T(2026, 3, 13, 9), "C1", "Follow-up", "Ada Obi", due=""),
            interaction("I4", "TBD", "C4", "Lead", "Musa Bello", due=D(2026, 3, 20)),
            interaction("I5", T(2026, 3, 17, 10), "C4", "Lead", "Musa Bello", next_action=None),
            interaction("I7", T(2026, 3, 16, 12), "C1", "Follow-up", "Zed Unknown"),
            interaction("I9", T(2026, 3, 18, 15), "C4", "Site Visit", "Musa Bello"),
            interaction("I6", T(2026, 3, 20, 9), None, "Inquiry", "Ada Obi",
                        division="Motors"),
        ])


def _ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["interaction_id"])


# ------------------------------------------------------------------------------ fix list
def test_fix_list_holds_every_entry_error_up_to_t_most_urgent_first(hub) -> None:
    frame = dq.fix_list(hub.workspace(), as_of=AS_OF)
    # I3 has two problems (3 cells); then one-problem rows by urgency: bad date, duplicate,
    # missing next action, missing due date (newest first), unknown staff.
    assert _ids(frame) == ["I3", "I3", "I3", "I4", "I8", "I5", "I10", "I2", "I7"]
    assert list(frame["code"]) == [
        "UNKNOWN_CONTACT", "NONSTANDARD_VALUE", "NONSTANDARD_VALUE", "BAD_DATE", "DUPLICATE",
        "MISSING_NEXT_ACTION", "MISSING_DUE_DATE", "MISSING_DUE_DATE", "UNKNOWN_STAFF"]
    assert list(frame["problems_on_row"]) == [2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert "I6" not in set(frame["interaction_id"])               # dated after T
    assert set(frame["severity"]) == {"error"}
    first = frame.iloc[0]
    assert (first["file"], first["sheet"], first["excel_row"], first["column"], first["value"]) \
        == ("hub.xlsx", "Interactions", 4, "Contact ID", "C99")
    assert first["fix"] == dq.FIXES["UNKNOWN_CONTACT"]
    assert first["problem"] == "Contact ID not in Contacts"
    assert (first["division"], first["week_start"], first["logged_by"]) == ("Motors", WEEK1,
                                                                           "Ada Obi")
    undated = frame[frame["interaction_id"] == "I4"].iloc[0]
    assert pd.isna(undated["date"]) and pd.isna(undated["week_start"])
    assert undated["division"] == "Power" and undated["value"] == "TBD"
    blank = frame[frame["interaction_id"] == "I5"].iloc[0]               # a blank Next Action
    assert (blank["column"], blank["value"]) == ("Next Action", "(blank)")


def test_fix_list_filters(hub) -> None:
    cur = hub.workspace()
    assert _ids(dq.fix_list(cur, as_of=AS_OF, division="Power")) == ["I4", "I5"]
    assert _ids(dq.fix_list(cur, as_of=AS_OF, week_start=WEEK1)) == ["I3", "I3", "I3", "I8",
                                                                     "I10", "I2"]
    # any day of the week selects its ISO week; undated rows are in no week
    assert _ids(dq.fix_list(cur, as_of=AS_OF, week_start=D(2026, 3, 19))) == ["I5", "I7"]
    assert _ids(dq.fix_list(cur, as_of=AS_OF, codes="BAD_DATE")) == ["I4"]
    assert _ids(dq.fix_list(cur, as_of=AS_OF, codes=["DUPLICATE", "UNKNOWN_STAFF"])) == ["I8",
                                                                                       "I7"]
    assert _ids(dq.fix_list(cur, as_of=AS_OF, logged_by="Zed Unknown")) == ["I7"]
    assert _ids(dq.fix_list(cur, as_of=AS_OF, logged_by="Musa Bello", division="Power",
                            codes=["MISSING_NEXT_ACTION"])) == ["I5"]
    assert dq.fix_list(cur, as_of=AS_OF, division="Medical").empty
    # an earlier T: only I1–I10 dated up to 11 Mar, and the undated row
    assert _ids(dq.fix_list(cur, as_of=D(2026, 3, 11))) == ["I3", "I3", "I3", "I4", "I8", "I2"]


def test_fix_list_over_all_findings_adds_warnings_last_with_their_division(hub) -> None:
    frame = dq.fix_list(hub.workspace(), as_of=AS_OF, all_findings=True)
    entry = dq.fix_list(hub.workspace(), as_of=AS_OF)
    assert len(frame) > len(entry)
    email = frame[frame["code"] == "BAD_EMAIL"].iloc[0]
    assert (email["table"], email["sheet"], email["value"], email["division"]) == (
        "contacts", "Contacts", "halima@", "Power")
    assert email["fix"] == dq.FIXES["BAD_EMAIL"]
    warnings = frame.index[frame["severity"] == "warning"]
    assert warnings.min() > frame.index[frame["severity"] == "error"].max()
    masked = dq.mask_contacts(frame)
    assert masked.loc[frame["code"] == "BAD_EMAIL", "value"].iloc[0] == "h•••@…"
    assert frame.loc[frame["code"] == "BAD_EMAIL", "value"].iloc[0] == "halima@"  # unchanged


def test_rows_to_fix(hub) -> None:
    cur = hub.workspace()
    assert dq.rows_to_fix(cur, as_of=AS_OF) == (7, 1)             # I2 I3 I4 I5 I7 I8 I10
    assert dq.rows_to_fix(cur, as_of=AS_OF, division="Power") == (2, 1)
    assert dq.rows_to_fix(cur, as_of=D(2026, 3, 8)) == (1, 1)      # only the undated row


def test_filter_options(hub) -> None:
    options = dq.filter_options(hub.workspace(), as_of=AS_OF)
    assert options["weeks"] == [WEEK2, WEEK1]
    assert options["codes"] == ["BAD_DATE", "DUPLICATE", "UNKNOWN_CONTACT",
                                "MISSING_NEXT_ACTION", "MISSING_DUE_DATE", "UNKNOWN_STAFF",
                                "NONSTANDARD_VALUE"]
    assert options["loggers"] == ["Ada Obi", "Musa Bello", "Zed Unknown"]
    power = dq.filter_options(hub.workspace(), as_of=AS_OF, division="Power")
    assert power == {"weeks": [WEEK2], "codes": ["BAD_DATE", "MISSING_NEXT_ACTION"],
                     "loggers": ["Musa Bello"]}


def test_every_code_has_a_fix_and_a_priority() -> None:
    assert set(dq.FIXES) == set(FINDING_SEVERITY)
    assert set(dq.CODE_PRIORITY) == set(FINDING_SEVERITY)
    assert dq.FIXES["MISSING_DUE_DATE"].startswith("Add an Action Due Date")
    assert len(dq.CODE_PRIORITY) == len(set(dq.CODE_PRIORITY))


def test_fix_list_export_uses_the_stewards_words(hub) -> None:
    frame = dq.fix_list_export(dq.fix_list(hub.workspace(), as_of=AS_OF))
    assert list(frame.columns[:7]) == ["Workbook", "Excel row", "Column", "Value found",
                                       "Problem", "What to do", "Details"]
    assert frame["Problem"][0] == "Contact ID not in Contacts"
    assert len(frame) == 9


# ------------------------------------------------------------------------------ rates
def test_error_rate_by_week(hub) -> None:
    cur = hub.workspace()
    weeks = dq.error_rate_by_week(cur, as_of=AS_OF, weeks=3)
    assert list(weeks["week_start"]) == [D(2026, 3, 2), WEEK1, WEEK2]
    assert list(weeks["week_end"]) == [D(2026, 3, 8), D(2026, 3, 15), D(2026, 3, 22)]
    assert list(weeks["complete"]) == [True, True, False]
    assert list(weeks["entries"]) == [0, 5, 3]
    assert list(weeks["entries_with_errors"]) == [0, 4, 2]
    assert pd.isna(weeks["error_rate"][0])
    assert list(weeks["error_rate"][1:]) == pytest.approx([4 / 5, 2 / 3])
    motors = dq.error_rate_by_week(cur, as_of=AS_OF, division="Motors", weeks=2)
    assert list(motors["entries"]) == [5, 1] and list(motors["entries_with_errors"]) == [4, 1]
    power = dq.error_rate_by_week(cur, as_of=AS_OF, division="Power", weeks=2)
    assert list(power["entries"]) == [0, 2] and list(power["entries_with_errors"]) == [0, 1]
    assert dq.sparkline(weeks) == [80.0, 66.7]


def test_window_error_rate_agrees_with_the_pilot_metric(hub) -> None:
    cur = hub.workspace()
    for division in ("Motors", "Power"):
        for window in (Window(WEEK1, D(2026, 3, 15)), Window(WEEK1, D(2026, 3, 22)),
                       Window(WEEK2, D(2026, 3, 22))):
            expected = pilot.data_quality_error_rate(cur, window=window, as_of=AS_OF,
                                                     division=division).result
            assert dq.window_error_rate(cur, window=window, as_of=AS_OF,
                                        division=division) == expected
    everyone = dq.window_error_rate(cur, window=Window(WEEK1, D(2026, 3, 22)), as_of=AS_OF)
    assert (everyone.numerator, everyone.denominator, everyone.value) == (6, 8, 0.75)
    assert (everyone.target, everyone.status) == (0.10, "off_track")


def test_window_error_rates_of_several_divisions_are_each_division_s(hub) -> None:
    """The overview's batch: each division's own entries (Medical has none: no data), as the
    pilot metric gives them one division at a time."""
    cur = hub.workspace()
    window = Window(WEEK1, D(2026, 3, 22))
    rates = dq.window_error_rates(cur, window=window, as_of=AS_OF,
                                  divisions=["Motors", "Power", "Medical"])
    assert list(rates) == ["Motors", "Power", "Medical"]
    for division, rate in rates.items():
        assert rate == pilot.data_quality_error_rate(cur, window=window, as_of=AS_OF,
                                                     division=division).result
    assert rates["Motors"].denominator + rates["Power"].denominator == 8
    assert (rates["Medical"].denominator, rates["Medical"].status) == (0, "no_data")
    assert dq.window_error_rates(cur, window=window, as_of=AS_OF, divisions=[]) == {}


def test_errors_by_code(hub) -> None:
    codes = dq.errors_by_code(hub.workspace(), as_of=AS_OF).set_index("code")
    assert set(codes.index) == set(ENTRY_ERROR_CODES)
    assert codes["rows"].to_dict() == {
        "MISSING_DUE_DATE": 2, "BAD_DATE": 1, "DUPLICATE": 1, "UNKNOWN_CONTACT": 1,
        "MISSING_NEXT_ACTION": 1, "UNKNOWN_STAFF": 1, "NONSTANDARD_VALUE": 1,
        "MISSING_CONTACT": 0, "ACCOUNT_MISMATCH": 0}
    assert codes.loc["NONSTANDARD_VALUE", "findings"] == 2        # Channel and Type
    assert list(codes.index[:2]) == ["MISSING_DUE_DATE", "BAD_DATE"]  # most rows, then urgency
    assert codes.loc["BAD_DATE", "fix"] == dq.FIXES["BAD_DATE"]
    summary = findings_summary(hub.hub.con, AS_OF)["by_code"]
    assert codes["rows"].to_dict() == summary
    week = dq.errors_by_code(hub.workspace(), as_of=AS_OF, week_start=WEEK2,
                             division="Motors").set_index("code")
    assert week["rows"][week["rows"] > 0].to_dict() == {"UNKNOWN_STAFF": 1}
    ada = dq.errors_by_code(hub.workspace(), as_of=AS_OF, logged_by="Ada Obi").set_index("code")
    assert ada["rows"].sum() == 5 and ada.loc["MISSING_DUE_DATE", "rows"] == 2


def test_error_rate_by_logger_is_a_coaching_list_by_name(hub) -> None:
    window = Window(WEEK1, D(2026, 3, 22))
    frame = dq.error_rate_by_logger(hub.workspace(), as_of=AS_OF, window=window)
    assert list(frame["logged_by"]) == ["Ada Obi", "Musa Bello", "Zed Unknown"]
    assert list(frame["entries"]) == [5, 2, 1]              # I4 is undated: in no rate
    assert list(frame["entries_with_errors"]) == [4, 1, 1]
    assert list(frame["error_rate"]) == pytest.approx([0.8, 0.5, 1.0])
    assert list(frame["most_common_code"]) == ["MISSING_DUE_DATE", "MISSING_NEXT_ACTION",
                                               "UNKNOWN_STAFF"]
    assert list(frame["on_roster"]) == [True, True, False]
    assert frame["fix"][0] == dq.FIXES["MISSING_DUE_DATE"]
    power = dq.error_rate_by_logger(hub.workspace(), as_of=AS_OF, division="Power",
                                    window=window)
    assert list(power["logged_by"]) == ["Musa Bello"]
    # default window: the 28 days ending T
    assert dq.error_rate_by_logger(hub.workspace(), as_of=AS_OF).equals(frame)


def test_error_rate_by_logger_breaks_ties_by_urgency(make_hub) -> None:
    hub = make_hub(
        accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
        staff=[member("Ada Obi", "Motors")],
        interactions=[
            interaction("I1", T(2026, 3, 9, 9), "C1", "Inquiry", "Ada Obi", due=""),
            interaction("I2", T(2026, 3, 10, 9), "C9", "Inquiry", "Ada Obi",
                        division="Motors"),
            interaction("I3", T(2026, 3, 11, 9), "C1", "Inquiry", "Ada Obi")])
    frame = dq.error_rate_by_logger(hub.workspace(), as_of=AS_OF)
    assert frame.to_dict("records")[0] | {"fix": None} == {
        "logged_by": "Ada Obi", "entries": 3, "entries_with_errors": 2,
        "error_rate": pytest.approx(2 / 3), "most_common_code": "UNKNOWN_CONTACT",
        "most_common_problem": "Contact ID not in Contacts", "fix": None, "on_roster": True}


def test_no_entries_no_rates(make_hub) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member("Ada Obi", "Motors")])
    cur = hub.workspace()
    assert dq.fix_list(cur, as_of=AS_OF).empty
    assert dq.error_rate_by_logger(cur, as_of=AS_OF).empty
    weeks = dq.error_rate_by_week(cur, as_of=AS_OF, weeks=4)
    assert list(weeks["entries"]) == [0] * 4 and weeks["error_rate"].isna().all()
    result = dq.window_error_rate(cur, window=window_ending(AS_OF), as_of=AS_OF)
    assert (result.value, result.numerator, result.denominator, result.status) == (
        None, 0, 0, "no_data")
    assert dq.errors_by_code(cur, as_of=AS_OF)["rows"].sum() == 0
    assert dq.filter_options(cur, as_of=AS_OF) == {"weeks": [], "codes": [], "loggers": []}
    assert dq.sparkline(weeks) == []


# ------------------------------------------------------------------------------ duplicates
@pytest.fixture
def dup_hub(make_hub):
    """Contacts: C1 Emeka Nwosu (A1, 0803 123 4567, emeka@lekki.example); C2 "emeka  nwosu."
    (A1: same name after tidying, same account); C8 "Engr. Nwosu Emeka" (A3: title and word
    order); C3 Emeka Nwosuu (A2: similar, same first name); C4 Halima Yusuf (A2, +234 803 123
    4567: same phone); C5 Chidi Okafor (A1, EMEKA@lekki.example: same e-mail); C6 Kemi Okafor
    and C7 Cemi Okafor (similar, but different first names: never compared).
    Accounts: A1 Lekki Logistics Ltd ~ A3 LEKKI LOGISTICS LIMITED (same division); A4 Zenith
    Petroleum Services (Power) ~ A5 Zenith Petroleum Service (Motors); A6 Crown Foods and A7
    Krown Foods (similar, different first words: never compared)."""
    return make_hub(
        accounts=[account("A1", "Motors", name="Lekki Logistics Ltd"),
                  account("A2", "Power", name="Ikeja Cold Stores"),
                  account("A3", "Motors", name="LEKKI LOGISTICS LIMITED"),
                  account("A4", "Power", name="Zenith Petroleum Services"),
                  account("A5", "Motors", name="Zenith Petroleum Service"),
                  account("A6", "Medical", name="Crown Foods Nigeria"),
                  account("A7", "Medical", name="Krown Foods Nigeria")],
        contacts=[_contact("C1", "A1", "Emeka Nwosu", phone="0803 123 4567",
                           email="emeka@lekki.example"),
                  _contact("C2", "A1", "emeka  nwosu."),
                  _contact("C3", "A2", "Emeka Nwosuu"),
                  _contact("C4", "A2", "Halima Yusuf", phone="+234 803 123 4567"),
                  _contact("C5", "A1", "Chidi Okafor", email=" EMEKA@lekki.example"),
                  _contact("C6", "A2", "Kemi Okafor"),
                  _contact("C7", "A2", "Cemi Okafor"),
                  _contact("C8", "A3", "Engr. Nwosu Emeka")],
        staff=[member("Ada Obi", "Motors")])


def test_duplicate_candidates_exact_fuzzy_and_blocking(dup_hub) -> None:
    frame = dq.duplicate_candidates(dup_hub.workspace())
    pairs = {(r.id_1, r.id_2): r for r in frame.itertuples()}
    assert set(pairs) == {("C1", "C2"), ("C1", "C8"), ("C1", "C3"), ("C1", "C4"), ("C1", "C5"),
                          ("A1", "A3"), ("A4", "A5")}
    assert ("C6", "C7") not in pairs and ("A6", "A7") not in pairs       # different blocks
    assert pairs["C1", "C2"].reason == "same name · same account"
    assert (pairs["C1", "C2"].score, pairs["C1", "C2"].evidence) == (1.0, 2)
    assert pairs["C1", "C8"].score == 1.0 and pairs["C1", "C8"].evidence == 1
    assert pairs["C1", "C3"].reason == ("similar name (both start with 'emeka') · different "
                                        "accounts")
    assert 0.9 <= pairs["C1", "C3"].score < 1
    assert pairs["C1", "C4"].reason == "same mobile number · different accounts"
    assert pairs["C1", "C4"].phone == "0803 123 4567" and pd.isna(pairs["C1", "C4"].email)
    assert pairs["C1", "C4"].score < 0.9                   # the names differ: a shared phone
    assert pairs["C1", "C5"].reason == "same e-mail · same account"
    assert pairs["C1", "C5"].email == "emeka@lekki.example"
    assert pairs["A1", "A3"].reason == "same name · same division"
    assert pairs["A4", "A5"].reason == ("similar name (both start with 'zenith') · different "
                                        "divisions")
    assert (pairs["A1", "A3"].name_1, pairs["A1", "A3"].name_2) == ("Lekki Logistics Ltd",
                                                                    "LEKKI LOGISTICS LIMITED")
    assert (pairs["C1", "C2"].file_1, pairs["C1", "C2"].row_1, pairs["C1", "C2"].row_2) == (
        "hub.xlsx", 2, 3)
    assert list(frame["evidence"]) == sorted(frame["evidence"], reverse=True)
    masked = dq.mask_contacts(frame)
    assert set(masked["phone"].dropna()) == {"0803 ••• 4567"}
    assert set(masked["email"].dropna()) == {"e•••@lekki…"}


def test_exact_groups_pair_with_their_first_record_only(make_hub) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")],
                   contacts=[_contact(f"C{k}", "A1", "Ada Obi") for k in range(1, 6)],
                   staff=[member("Ada Obi", "Motors")])
    frame = dq.duplicate_candidates(hub.workspace())
    assert sorted(zip(frame["id_1"], frame["id_2"])) == [("C1", "C2"), ("C1", "C3"),
                                                         ("C1", "C4"), ("C1", "C5")]


def test_no_duplicates(make_hub) -> None:
    hub = make_hub(accounts=[account("A1", "Motors", name="Lekki Logistics")],
                   contacts=[_contact("C1", "A1", "Ada Obi")],
                   staff=[member("Ada Obi", "Motors")])
    frame = dq.duplicate_candidates(hub.workspace())
    assert frame.empty and list(frame.columns)[:3] == ["kind", "reason", "score"]


# ------------------------------------------------------------------------------ the demo
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo, loaded once for the module into its own state and cache folders."""
    folder = tmp_path_factory.mktemp("dq-demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUB_STATE_DIR", str(folder / "state"))
        patch.setenv("XDG_CACHE_HOME", str(folder / "xdg"))
        return HubLoader(DEMO).get()


def test_demo_weeks_agree_with_pilot_weeks(demo) -> None:
    cur = workspace(demo.con)
    as_of = demo.settings.as_of
    for division in ("Motors", "Power"):
        start = pilot.pilot_start(cur, division=division, as_of=as_of, settings=demo.settings)
        weeks = pilot.pilot_weeks(cur, division=division, as_of=as_of, start=start)
        ours = dq.error_rate_by_week(cur, as_of=as_of, division=division, weeks=20)
        merged = weeks.merge(ours, on="week_start", suffixes=("_pilot", ""))
        assert len(merged) == len(weeks) > 0
        assert list(merged["entries_pilot"]) == list(merged["entries"])
        assert list(merged["entries_with_errors_pilot"]) == list(merged["entries_with_errors"])
        result = dq.window_error_rate(cur, window=window_ending(as_of), as_of=as_of,
                                      division=division, settings=demo.settings)
        assert result == pilot.data_quality_error_rate(
            cur, window=window_ending(as_of), as_of=as_of, division=division,
            settings=demo.settings).result


def test_demo_by_code_matches_the_report_and_the_fix_list(demo) -> None:
    cur = workspace(demo.con)
    as_of = demo.settings.as_of
    codes = dq.errors_by_code(cur, as_of=as_of).set_index("code")["rows"].to_dict()
    assert codes == findings_summary(demo.con, as_of)["by_code"]
    fixes = dq.fix_list(cur, as_of=as_of)
    assert fixes.groupby("code")["row_id"].nunique().to_dict() == {
        code: n for code, n in codes.items() if n}
    assert fixes["fix"].notna().all()


# ------------------------------------------------------------------------------ charts
def test_week_chart_colours_target_and_partial_week(hub) -> None:
    weeks = dq.error_rate_by_week(hub.workspace(), as_of=AS_OF, weeks=3)
    fig = dq.fig_error_rate_by_week(weeks, 0.10, min_n=4)
    bar = fig.data[0]
    # no entries: grey; 4 of 5 (n = 5 ≥ 4): red; 2 of 3 (n = 3 < 4): grey, never a red light
    assert list(bar.marker.color) == ["#6b7280", "#b3261e", "#6b7280"]
    assert list(bar.marker.pattern.shape) == ["", "", "/"]          # the week of T is partial
    assert list(bar.text) == ["–", "80%", "67%"]
    assert fig.layout.shapes[0].y0 == pytest.approx(10)             # the target line
    assert fig.layout.yaxis.title.text == "Entries with an error (%)"
    calm = dq.fig_error_rate_by_week(weeks.assign(error_rate=[None, 0.05, 0.05]), 0.10, 1)
    assert list(calm.data[0].marker.color)[1:] == ["#1b7f3b", "#1b7f3b"]


def test_code_chart_leaves_out_codes_without_rows(hub) -> None:
    codes = dq.errors_by_code(hub.workspace(), as_of=AS_OF)
    fig = dq.fig_errors_by_code(codes)
    assert list(fig.data[0].y)[-1] == dq.CODE_LABELS["MISSING_DUE_DATE"]   # most rows on top
    assert len(fig.data[0].y) == 7 and sum(fig.data[0].x) == 8
    assert fig.layout.xaxis.title.text == "Rows to fix"


def test_week_label() -> None:
    assert dq.week_label(D(2026, 7, 13)) == "13–19 Jul 2026"
    assert dq.week_label(D(2026, 6, 29)) == "29 Jun – 5 Jul 2026"
    assert dq.week_label(D(2026, 7, 13), D(2026, 7, 15)) == "13–15 Jul 2026"
