"""Power KPIs and funnel (metrics/power.py) over tiny hubs, expectations worked out by hand.

T and windows are explicit everywhere; "end of T" is T + 1 day 00:00.
"""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.calendar import Window, window_ending
from metrics.power import (avg_sales_cycle_days, lead_response_hours, lead_to_site_visit_rate,
                           power_funnel, power_funnel_rows, proposal_win_rate)
from tests.hubfactory import (TinyHub, account, contact, customer, flags, interaction, kpi, member,
                              module_hub, quote)

D = dt.date
T = dt.datetime
POWER = "Power"
MUSA = "Musa Bello"








ACCOUNTS = [account(f"B{k}", POWER, erp=f"F{k}") for k in range(1, 6)]
CONTACTS = [contact(f"D{k}", f"B{k}") for k in range(1, 6)]
CUSTOMERS = [customer(f"F{k}", POWER) for k in range(1, 6)]

AS_OF = D(2026, 3, 29)
WINDOW = window_ending(AS_OF)  # [2 Mar, 29 Mar 2026]
LATE_T = D(2026, 6, 30)
EMPTY = Window(D(2026, 2, 1), D(2026, 2, 28))


@pytest.fixture(scope="module")
def lead_hub(tmp_path_factory: pytest.TempPathFactory) -> TinyHub:
    """Leads of Power in [2 Mar, 29 Mar 2026] (6), with T = 29 Mar unless a test says otherwise:

      L1  02 Mar 09:00 (B1) Qualification Call 11:30 -> 2.5 h; Site Visit 20 Mar (day 18)
      L2  03 Mar 09:00 (B2) Site Visit at the same minute -> 0 h; visited
      L3  10 Mar 12:00 (B3) the next Lead (L3B) is no response, nor the unmappable "Callback"
                            at 14:00; Proposal 11 Mar 12:00 -> 24 h; Site Visit 9 May 12:00
                            = exactly 60 days (after T = 29 Mar; counts once T = 30 Jun)
      L3B 10 Mar 13:00 (B3) Proposal 11 Mar 12:00 -> 23 h; same Site Visit (59 d 23 h)
      L4  28 Mar 00:00 (B4) Follow-up 30 Mar is after T -> end of T − lead = 48 h;
                            Site Visit 27 May 00:01 = 60 days 1 min -> never visited
      L5  29 Mar 18:00 (B5) nothing -> 30 Mar 00:00 − 18:00 = 6 h
    Not leads of the window: LM (a Motors account), L0 (1 Mar), L6 (30 Mar), LX (no date).
    ERP quotes (Power) for the funnel, with T = 30 Jun:
      G1  F1 30 Jun = L1's day + 120, Won 30 Jun     -> L1 proposal and won
      G2  F2 03 Mar (L2's day), Lost                  -> L2 proposal, not won
      G3A F3 09 Mar (before L3's day), Open           -> nothing
      G3  F3 12 Mar, Won but closed 15 Jul (> T)      -> L3, L3B proposal, not won
      G4  F4 28 Mar (L4's day), Open                  -> L4 proposal, but L4 had no site visit
      G1B F1 01 Jul, Won 01 Jul                       -> after T, nothing
    """
    rows = [
        interaction("L1", T(2026, 3, 2, 9), "D1", "Lead", MUSA),
        interaction("QC1", T(2026, 3, 2, 11, 30), "D1", "Qualification Call", MUSA),
        interaction("SV1", T(2026, 3, 20, 9), "D1", "Site Visit", MUSA),
        interaction("L2", T(2026, 3, 3, 9), "D2", "Lead", MUSA),
        interaction("SV2", T(2026, 3, 3, 9), "D2", "Site Visit", MUSA),
        interaction("L3", T(2026, 3, 10, 12), "D3", "Lead", MUSA),
        interaction("L3B", T(2026, 3, 10, 13), "D3", "Lead", MUSA),
        interaction("X3", T(2026, 3, 10, 14), "D3", "Callback", MUSA),
        interaction("P3", T(2026, 3, 11, 12), "D3", "Proposal", MUSA),
        interaction("SV3", T(2026, 5, 9, 12), "D3", "Site Visit", MUSA),
        interaction("L4", T(2026, 3, 28), "D4", "Lead", MUSA),
        interaction("F4", T(2026, 3, 30, 10), "D4", "Follow-up", MUSA),
        interaction("SV4", T(2026, 5, 27, 0, 1), "D4", "Site Visit", MUSA),
        interaction("L5", T(2026, 3, 29, 18), "D5", "Lead", MUSA),
        interaction("LM", T(2026, 3, 5, 10), "DM", "Lead", MUSA),
        interaction("L0", T(2026, 3, 1, 10), "D1", "Lead", MUSA),
        interaction("L6", T(2026, 3, 30, 10), "D1", "Lead", MUSA),
        interaction("LX", "soon", "D1", "Lead", MUSA),
    ]
    quotes = [
        quote("G1", D(2026, 6, 30), "F1", status="Won", closed=D(2026, 6, 30)),
        quote("G2", D(2026, 3, 3), "F2", status="Lost", closed=D(2026, 3, 20)),
        quote("G3A", D(2026, 3, 9), "F3"),
        quote("G3", D(2026, 3, 12), "F3", status="Won", closed=D(2026, 7, 15)),
        quote("G4", D(2026, 3, 28), "F4"),
        quote("G1B", D(2026, 7, 1), "F1", status="Won", closed=D(2026, 7, 1)),
    ]
    return module_hub(tmp_path_factory, "leads",
                      accounts=[*ACCOUNTS, account("M1", "Motors")],
                      contacts=[*CONTACTS, contact("DM", "M1")],
                      staff=[member(MUSA, POWER)], interactions=rows, customers=CUSTOMERS,
                      quotes=quotes)


def test_lead_response_hours_median_of_even_count(lead_hub) -> None:
    # Hours: L1 2.5, L2 0, L3 24, L3B 23, L4 48, L5 6 -> sorted 0, 2.5, 6, 23, 24, 48;
    # median of an even count = (6 + 23) / 2 = 14.5; n = 6; not < 4 -> off track.
    out = lead_response_hours(lead_hub.workspace(), window=WINDOW, as_of=AS_OF, division=POWER)
    assert out.result == kpi("lead_response_hours", 14.5, None, None, 6, 4.0, "lower",
                             "off_track")
    hours = out.rows.set_index("interaction_id")["hours"].to_dict()
    assert hours == pytest.approx({"L1": 2.5, "L2": 0.0, "L3": 24.0, "L3B": 23.0, "L4": 48.0,
                                   "L5": 6.0})
    responded = out.rows.set_index("interaction_id")["responded"].to_dict()
    assert responded == {"L1": True, "L2": True, "L3": True, "L3B": True, "L4": False,
                         "L5": False}
    assert out.rows.set_index("interaction_id").loc["L3", "response_id"] == "P3"
    assert out.rows["in_numerator"].all()


def test_lead_response_hours_zero_leads(lead_hub) -> None:
    out = lead_response_hours(lead_hub.workspace(), window=EMPTY, as_of=AS_OF, division=POWER)
    assert out.result == kpi("lead_response_hours", None, None, None, 0, 4.0, "lower", "no_data")


def test_lead_to_site_visit_rate_as_of_t(lead_hub) -> None:
    # T = 29 Mar: L1 (20 Mar) and L2 (same minute) visited; SV3 and SV4 are after T. 2 / 6;
    # no target -> info.
    out = lead_to_site_visit_rate(lead_hub.workspace(), window=WINDOW, as_of=AS_OF,
                                  division=POWER)
    assert out.result == kpi("lead_to_site_visit_rate", 2 / 6, 2, 6, 6, None, "higher", "info")
    assert flags(out.rows) == {"L1": True, "L2": True, "L3": False, "L3B": False, "L4": False,
                               "L5": False}


def test_lead_to_site_visit_rate_60_day_cutoff(lead_hub) -> None:
    # T = 30 Jun, same window: L3 (exactly 60 days) and L3B now count too; L4's visit is
    # 60 days 1 min after it. 4 / 6.
    out = lead_to_site_visit_rate(lead_hub.workspace(), window=WINDOW, as_of=LATE_T,
                                  division=POWER)
    assert out.result == kpi("lead_to_site_visit_rate", 4 / 6, 4, 6, 6, None, "higher", "info")
    assert flags(out.rows) == {"L1": True, "L2": True, "L3": True, "L3B": True, "L4": False,
                               "L5": False}


def test_lead_to_site_visit_rate_zero_denominator(lead_hub) -> None:
    out = lead_to_site_visit_rate(lead_hub.workspace(), window=EMPTY, as_of=AS_OF,
                                  division=POWER)
    assert out.result == kpi("lead_to_site_visit_rate", None, 0, 0, 0, None, "higher", "no_data")


def test_power_funnel_is_nested(lead_hub) -> None:
    # T = 30 Jun: 6 leads -> 4 visited (L1, L2, L3, L3B) -> 4 of them with a proposal within
    # 120 days (G1 on L1's day + 120, G2 on L2's day, G3 for L3/L3B) -> 1 won (L1: G1).
    # L4 has a proposal (G4, same day) but no site visit, so it stops at stage 1.
    cur = lead_hub.workspace()
    funnel = power_funnel(cur, window=WINDOW, as_of=LATE_T)
    assert funnel.to_dict("list") == {
        "stage": ["Leads", "Site visit within 60 days", "Proposal within 120 days", "Won"],
        "count": [6, 4, 4, 1]}
    rows = power_funnel_rows(cur, window=WINDOW, as_of=LATE_T).set_index("interaction_id")
    assert rows["proposal"].to_dict() == {"L1": True, "L2": True, "L3": True, "L3B": True,
                                          "L4": True, "L5": False}
    assert rows["won"].to_dict() == {"L1": True, "L2": False, "L3": False, "L3B": False,
                                     "L4": False, "L5": False}
    assert rows.loc["L1", "won_quote_id"] == "G1"
    assert rows.loc["L3", "proposal_id"] == "G3"
    assert rows["in_numerator"].sum() == 1


def test_power_funnel_as_of_t_ignores_later_rows(lead_hub) -> None:
    # T = 29 Mar: visited L1, L2; proposals by T: L2 (G2 3 Mar); G1 (30 Jun) and every win
    # are after T. 6 -> 2 -> 1 -> 0.
    funnel = power_funnel(lead_hub.workspace(), window=WINDOW, as_of=AS_OF)
    assert funnel["count"].tolist() == [6, 2, 1, 0]


@pytest.fixture(scope="module")
def quote_hub(tmp_path_factory: pytest.TempPathFactory) -> TinyHub:
    """Power ERP quotes decided around the window [3 Jun, 30 Jun 2026], T = 30 Jun.

      QA F1 10 Jan, Won, closed 10 Jun: leads of F1's accounts (B1 and B1X): LA1 9 Jun 2025
         23:00 (before 10 Jun 2025 00:00 = Closed − 365 days), LA2 10 Jun 2025 00:00 on B1X
         (exactly Closed − 365 days: the earliest inside), LA3 5 Jan 2026 -> start LA2 -> 365
      QB F2 05 Jun, Won, blank Closed Date -> closed 5 Jun; lead LB 5 Jun 00:00 is not
         before 5 Jun 00:00 -> start = quote Date -> 0 days
      QG F5 01 Apr, Won, closed 30 Jun (= T); lead LG 15 Mar 12:00 -> 107 − 0.5 = 106.5 days
      QC F3 Lost closed 20 Jun; QI F3 Lost, blank Closed Date, dated 10 Jun -> in the window
      not counted: QD Open; QE Won closed 2 Jul (> T); QF Lost closed 2 Jun (before);
                   QH a Motors quote Won 15 Jun
    """
    rows = [
        interaction("LA1", T(2025, 6, 9, 23), "D1", "Lead", MUSA),
        interaction("LA2", T(2025, 6, 10), "D1X", "Lead", MUSA),
        interaction("LA3", T(2026, 1, 5, 9), "D1", "Lead", MUSA),
        interaction("LB", T(2026, 6, 5), "D2", "Lead", MUSA),
        interaction("LG", T(2026, 3, 15, 12), "D5", "Lead", MUSA),
    ]
    quotes = [
        quote("QA", D(2026, 1, 10), "F1", status="Won", closed=D(2026, 6, 10)),
        quote("QB", D(2026, 6, 5), "F2", status="Won"),
        quote("QC", D(2026, 3, 1), "F3", status="Lost", closed=D(2026, 6, 20)),
        quote("QD", D(2026, 6, 1), "F3", status="Open"),
        quote("QE", D(2026, 2, 1), "F4", status="Won", closed=D(2026, 7, 2)),
        quote("QF", D(2026, 2, 1), "F4", status="Lost", closed=D(2026, 6, 2)),
        quote("QG", D(2026, 4, 1), "F5", status="WON", closed=D(2026, 6, 30)),
        quote("QH", D(2026, 6, 1), "F5", status="Won", closed=D(2026, 6, 15), division="Motors"),
        quote("QI", D(2026, 6, 10), "F3", status="Lost"),
    ]
    return module_hub(tmp_path_factory, "quotes",
                      accounts=[*ACCOUNTS, account("B1X", POWER, erp="F1")],
                      contacts=[*CONTACTS, contact("D1X", "B1X")],
                      staff=[member(MUSA, POWER)], interactions=rows, customers=CUSTOMERS,
                      quotes=quotes)


QUOTE_WINDOW = window_ending(LATE_T)  # [3 Jun, 30 Jun 2026]


def test_quote_window_bounds() -> None:
    assert QUOTE_WINDOW == Window(D(2026, 6, 3), D(2026, 6, 30))


def test_proposal_win_rate_closed_date_window(quote_hub) -> None:
    # Decided with Closed Date (blank: Date) in [3 Jun, 30 Jun]: Won QA, QB (blank -> 5 Jun),
    # QG (30 Jun = T); Lost QC, QI (blank -> 10 Jun). 3 / 5 = 0.6 >= 0.35.
    out = proposal_win_rate(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=LATE_T,
                            division=POWER)
    assert out.result == kpi("proposal_win_rate", 0.6, 3, 5, 5, 0.35, "higher", "on_track")
    assert flags(out.rows, "quote_id") == {"QA": True, "QB": True, "QI": False, "QC": False,
                                           "QG": True}


def test_proposal_win_rate_rows_after_t_and_zero_denominator(quote_hub) -> None:
    # T = 29 Jun: QG (closed 30 Jun) is after T -> 2 / 4 = 0.5.
    cur = quote_hub.workspace()
    out = proposal_win_rate(cur, window=QUOTE_WINDOW, as_of=D(2026, 6, 29), division=POWER)
    assert out.result == kpi("proposal_win_rate", 0.5, 2, 4, 4, 0.35, "higher", "on_track")
    none = proposal_win_rate(cur, window=EMPTY, as_of=LATE_T, division=POWER)
    assert none.result == kpi("proposal_win_rate", None, 0, 0, 0, 0.35, "higher", "no_data")


def test_avg_sales_cycle_days(quote_hub) -> None:
    # (365 + 0 + 106.5) / 3 = 471.5 / 3 = 157.1666…; not < 90 -> off track; n = 3.
    out = avg_sales_cycle_days(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=LATE_T,
                               division=POWER)
    assert out.result == kpi("avg_sales_cycle_days", 471.5 / 3, None, None, 3, 90.0, "lower",
                             "off_track")
    rows = out.rows.set_index("quote_id")
    assert rows["cycle_days"].to_dict() == pytest.approx({"QA": 365.0, "QB": 0.0,
                                                          "QG": 106.5})
    assert rows["start_from"].to_dict() == {"QA": "lead", "QB": "quote", "QG": "lead"}
    assert rows.loc["QA", "lead_id"] == "LA2"
    assert rows["in_numerator"].all()


def test_avg_sales_cycle_days_none_won(quote_hub) -> None:
    out = avg_sales_cycle_days(quote_hub.workspace(), window=EMPTY, as_of=LATE_T, division=POWER)
    assert out.result == kpi("avg_sales_cycle_days", None, None, None, 0, 90.0, "lower",
                             "no_data")


def test_power_target_overrides_from_settings(make_hub) -> None:
    # One lead, 2 Mar 09:00, answered by a Site Visit at 14:00: 5 h (median of one), visited
    # 1 / 1. Defaults: 5 is not < 4 (off track); the site-visit rate has no target (info).
    # settings: lead_response_hours < 6 (on track), lead_to_site_visit_rate >= 0.5 (on track).
    hub = make_hub(accounts=ACCOUNTS[:1], contacts=CONTACTS[:1], staff=[member(MUSA, POWER)],
                   interactions=[interaction("L1", T(2026, 3, 2, 9), "D1", "Lead", MUSA),
                                 interaction("SV1", T(2026, 3, 2, 14), "D1", "Site Visit", MUSA)],
                   settings="[divisions.Power]\ntargets = { lead_response_hours = 6, "
                            "lead_to_site_visit_rate = 0.5 }\n")
    cur = hub.workspace()
    args = {"window": WINDOW, "as_of": AS_OF, "division": POWER}
    assert lead_response_hours(cur, **args).result == kpi(
        "lead_response_hours", 5.0, None, None, 1, 4.0, "lower", "off_track")
    assert lead_response_hours(cur, **args, settings=hub.settings).result == kpi(
        "lead_response_hours", 5.0, None, None, 1, 6.0, "lower", "on_track")
    assert lead_to_site_visit_rate(cur, **args).result == kpi(
        "lead_to_site_visit_rate", 1.0, 1, 1, 1, None, "higher", "info")
    assert lead_to_site_visit_rate(cur, **args, settings=hub.settings).result == kpi(
        "lead_to_site_visit_rate", 1.0, 1, 1, 1, 0.5, "higher", "on_track")
