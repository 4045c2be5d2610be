"""Motors KPIs and funnel (metrics/motors.py) over tiny hubs, expectations worked out by hand.

T and windows are explicit everywhere; weeks are ISO weeks (2 Mar 2026 is the Monday of
2026-W10).
"""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.calendar import Window, window_ending
from metrics.motors import (first_contact_resolution, inquiry_response_12h,
                            inquiry_to_quote_rate, motors_funnel, motors_funnel_rows,
                            qualified_inquiries, quote_to_purchase_rate)
from tests.hubfactory import (TinyHub, account, contact, customer, flags, interaction, kpi, member,
                              module_hub, quote, sale)

D = dt.date
T = dt.datetime
MOTORS = "Motors"
ADA = "Ada Obi"








SERVICE_ROWS = [
    # Service rows on A4, all before I4 (so none is a response to it).
    interaction("S1", T(2026, 3, 4, 10), "C4", "Service Request", ADA, resolved="Yes"),
    interaction("S2", T(2026, 3, 5, 10), "C4", "Complaint", ADA, resolved="No"),
    interaction("S3", T(2026, 3, 6, 10), "C4", "Service Request", ADA),
    interaction("S5", T(2026, 3, 10, 10), "C4", "complaint", ADA, resolved="Yes"),
    interaction("S4", T(2026, 3, 30, 10), "C4", "Service Request", ADA, resolved="Yes"),
    interaction("S6", T(2026, 3, 11, 10), "CP", "Complaint", ADA, resolved="No"),
]
ACCOUNTS = [account("A1", MOTORS), account("A2", MOTORS), account("A3", MOTORS),
            account("A4", MOTORS), account("P1", "Power")]
CONTACTS = [contact("C1", "A1"), contact("C1B", "A1"), contact("C2", "A2"),
            contact("C3", "A3"), contact("C4", "A4"), contact("CP", "P1")]


@pytest.fixture(scope="module")
def response_hub(tmp_path_factory: pytest.TempPathFactory) -> TinyHub:
    """Inquiries, responses and service rows (SERVICE_ROWS).

    Window [2 Mar, 29 Mar 2026], T = 29 Mar 2026 (Sunday).
    Inquiries of Motors in the window (5):
      I1 02 Mar 09:00 (A1)  response R1 (other contact of A1) 02 Mar 21:00 = exactly 12 h -> yes
      I2 03 Mar 09:00 (A2)  response R2 03 Mar 21:01 = 12 h 1 min                          -> no
      I3 09 Mar 08:00 (A3)  only a "Callback" row (unmappable type) at 09:00               -> no
      I8 16 Mar 10:00 (A3)  Test Drive at the same minute 16 Mar 10:00 (>= the inquiry)      -> yes
      I4 29 Mar 20:00 (A4)  Follow-up 30 Mar 07:00: within 12 h but after T                 -> no
    Not counted: I5 30 Mar (after T), I6 01 Mar (before the window), IP (Power account),
    I7 (Motors account, own Division Power), IX (Date not a date).
    """
    rows = [
        interaction("I1", T(2026, 3, 2, 9), "C1", "Inquiry", ADA),
        interaction("R1", T(2026, 3, 2, 21), "C1B", "Follow-up", ADA),
        interaction("I2", T(2026, 3, 3, 9), "C2", "Inquiry", ADA),
        interaction("R2", T(2026, 3, 3, 21, 1), "C2", "Follow-up", ADA),
        interaction("I3", T(2026, 3, 9, 8), "C3", "Inquiry", ADA),
        interaction("X3", T(2026, 3, 9, 9), "C3", "Callback", ADA),
        interaction("I8", T(2026, 3, 16, 10), "C3", "Inquiry", ADA),
        interaction("TD8", T(2026, 3, 16, 10), "C3", "Test Drive", ADA),
        interaction("I4", T(2026, 3, 29, 20), "C4", "Inquiry", ADA),
        interaction("R4", T(2026, 3, 30, 7), "C4", "Follow-up", ADA),
        interaction("I5", T(2026, 3, 30, 9), "C1", "Inquiry", ADA),
        interaction("I6", T(2026, 3, 1, 23), "C1", "Inquiry", ADA),
        interaction("IP", T(2026, 3, 5, 10), "CP", "Inquiry", ADA),
        interaction("I7", T(2026, 3, 16, 11), "C2", "Inquiry", ADA, division="Power"),
        interaction("IX", "soon", "C2", "Inquiry", ADA),
        *SERVICE_ROWS,
    ]
    return module_hub(tmp_path_factory, "response", accounts=ACCOUNTS, contacts=CONTACTS,
                      staff=[member(ADA, MOTORS)], interactions=rows)


AS_OF = D(2026, 3, 29)
WINDOW = window_ending(AS_OF)  # [2 Mar, 29 Mar]


def test_window_is_the_28_days_ending_on_t() -> None:
    assert WINDOW == Window(D(2026, 3, 2), D(2026, 3, 29))


def test_qualified_inquiries_counts_and_weeks(response_hub) -> None:
    # I1, I2 (W10), I3 (W11), I8 (W12), I4 (W13): 5; a count has value = n, no num/den.
    out = qualified_inquiries(response_hub.workspace(), window=WINDOW, as_of=AS_OF,
                              division=MOTORS)
    assert out.result == kpi("qualified_inquiries", 5, None, None, 5, None, "higher", "info")
    assert list(out.rows["interaction_id"]) == ["I1", "I2", "I3", "I8", "I4"]
    assert out.rows.groupby("week").size().to_dict() == {
        "2026-W10": 2, "2026-W11": 1, "2026-W12": 1, "2026-W13": 1}
    assert str(out.rows["week_start"].iloc[-1])[:10] == "2026-03-23"
    assert out.rows["in_numerator"].all()


def test_qualified_inquiries_none_is_zero_not_null(response_hub) -> None:
    # February has no inquiries: the count is 0 (a value), status info.
    out = qualified_inquiries(response_hub.workspace(), window=Window(D(2026, 2, 1), D(2026, 2, 28)),
                              as_of=AS_OF, division=MOTORS)
    assert out.result == kpi("qualified_inquiries", 0, None, None, 0, None, "higher", "info")
    assert out.rows.empty


def test_inquiry_response_12h_cutoffs(response_hub) -> None:
    # Answered: I1 (exactly 12 h, by another contact of the account), I8 (same minute).
    # Not: I2 (12 h 1 min), I3 (only an unmappable type), I4 (response after T). 2 / 5.
    out = inquiry_response_12h(response_hub.workspace(), window=WINDOW, as_of=AS_OF,
                               division=MOTORS)
    assert out.result == kpi("inquiry_response_12h", 0.4, 2, 5, 5, 1.0, "higher", "off_track")
    assert flags(out.rows) == {"I1": True, "I2": False, "I3": False, "I8": True, "I4": False}
    by_id = out.rows.set_index("interaction_id")
    assert by_id.loc["I1", "response_id"] == "R1"
    assert by_id.loc["I1", "hours_to_response"] == pytest.approx(12.0)
    assert by_id.loc["I2", "hours_to_response"] == pytest.approx(12 + 1 / 60)  # shown, late
    assert by_id.loc["I8", "hours_to_response"] == pytest.approx(0.0)
    # I3's first listed non-Inquiry row is TD8 on 16 Mar (the "Callback" row is skipped).
    assert by_id.loc["I3", "response_id"] == "TD8"


def test_inquiry_response_12h_after_t_counts_once_t_moves(response_hub) -> None:
    # With T = 30 Mar the window [3 Mar, 30 Mar] holds I2, I3, I8, I4, I5; R4 (30 Mar 07:00,
    # 11 h after I4) now counts; I5 (30 Mar 09:00) has no response. Answered I8, I4: 2 / 5.
    as_of = D(2026, 3, 30)
    out = inquiry_response_12h(response_hub.workspace(), window=window_ending(as_of),
                               as_of=as_of, division=MOTORS)
    assert out.result == kpi("inquiry_response_12h", 0.4, 2, 5, 5, 1.0, "higher", "off_track")
    assert flags(out.rows) == {"I2": False, "I3": False, "I8": True, "I4": True, "I5": False}


def test_inquiry_response_12h_zero_denominator(response_hub) -> None:
    out = inquiry_response_12h(response_hub.workspace(), window=Window(D(2026, 2, 1), D(2026, 2, 28)),
                               as_of=AS_OF, division=MOTORS)
    assert out.result == kpi("inquiry_response_12h", None, 0, 0, 0, 1.0, "higher", "no_data")


def test_first_contact_resolution(response_hub) -> None:
    # Motors service rows in the window: S1 (Yes), S2 (No), S3 (blank = not Yes),
    # S5 ("complaint" maps to Complaint, Yes). S4 is after T, S6 is on a Power account.
    # 2 / 4 = 0.5: off track against the default 0.80.
    out = first_contact_resolution(response_hub.workspace(), window=WINDOW, as_of=AS_OF,
                                   division=MOTORS, settings=response_hub.settings)
    assert out.result == kpi("first_contact_resolution", 0.5, 2, 4, 4, 0.8, "higher",
                             "off_track")
    assert flags(out.rows) == {"S1": True, "S2": False, "S3": False, "S5": True}


def test_target_override_from_settings(make_hub) -> None:
    # The same service rows, settings lower the FCR target to 0.5: 2 / 4 = 0.5 meets it
    # (">= 0.5" is met at 0.5); without settings the default 0.80 applies.
    hub = make_hub(accounts=ACCOUNTS, contacts=CONTACTS, staff=[member(ADA, MOTORS)],
                   interactions=SERVICE_ROWS,
                   settings="[divisions.Motors]\ntargets = { first_contact_resolution = 0.5 }\n")
    cur = hub.workspace()
    overridden = first_contact_resolution(cur, window=WINDOW, as_of=AS_OF, division=MOTORS,
                                          settings=hub.settings)
    assert overridden.result == kpi("first_contact_resolution", 0.5, 2, 4, 4, 0.5, "higher",
                                    "on_track")
    default = first_contact_resolution(cur, window=WINDOW, as_of=AS_OF, division=MOTORS)
    assert default.result.target == 0.8 and default.result.status == "off_track"
    # The override is per KPI: the other Motors targets keep their defaults.
    other = inquiry_response_12h(cur, window=WINDOW, as_of=AS_OF, division=MOTORS,
                                 settings=hub.settings)
    assert other.result == kpi("inquiry_response_12h", None, 0, 0, 0, 1.0, "higher", "no_data")


def test_first_contact_resolution_zero_denominator(response_hub) -> None:
    out = first_contact_resolution(response_hub.workspace(),
                                   window=Window(D(2026, 2, 1), D(2026, 2, 28)), as_of=AS_OF,
                                   division=MOTORS)
    assert out.result == kpi("first_contact_resolution", None, 0, 0, 0, 0.8, "higher", "no_data")


@pytest.fixture(scope="module")
def quote_hub(tmp_path_factory: pytest.TempPathFactory) -> TinyHub:
    """Inquiries against quotes and sales; window [2 Mar, 29 Mar 2026], T = 30 Jun 2026.

    J1 02 Mar 15:00 (A1/E1): ERP quote Q1 dated 02 Mar (the inquiry's day)     -> quoted
         sale S1 31 May = day + 90 (carries Q1)                                -> sold
    J2 03 Mar 09:00 (A2/E2): ERP quote Q2 03 Apr = day + 31 (too late), but Hub Quote HQ2
         02 Apr 09:00 = exactly 30 days                                         -> quoted
         sale S2 02 Jun = day + 91 (too late); credit note S2C 10 Mar (not a sale) -> not sold
    J3 04 Mar 09:00 (A3, no ERP): Hub Quote HQ3 03 Apr 09:01 = 30 days 1 min   -> not quoted
    J4 05 Mar 09:00 (A4/E4): Power quote Q4 06 Mar (other division)            -> not quoted
         sale S4 20 Mar: sold, but not quoted, so not in the nested funnel
    J5 29 Mar 23:00 (A5/E5): quotes of E5 all dated before 29 Mar              -> not quoted
    """
    accounts = [account(f"A{k}", MOTORS, erp=f"E{k}") for k in (1, 2, 4, 5)]
    accounts.append(account("A3", MOTORS))
    contacts = [contact(f"C{k}", f"A{k}") for k in range(1, 6)]
    customers = [customer(f"E{k}", MOTORS) for k in (1, 2, 4, 5)]
    rows = [
        interaction("J1", T(2026, 3, 2, 15), "C1", "Inquiry", ADA),
        interaction("J2", T(2026, 3, 3, 9), "C2", "Inquiry", ADA),
        interaction("HQ2", T(2026, 4, 2, 9), "C2", "Quote", ADA),
        interaction("J3", T(2026, 3, 4, 9), "C3", "Inquiry", ADA),
        interaction("HQ3", T(2026, 4, 3, 9, 1), "C3", "Quote", ADA),
        interaction("J4", T(2026, 3, 5, 9), "C4", "Inquiry", ADA),
        interaction("J5", T(2026, 3, 29, 23), "C5", "Inquiry", ADA),
    ]
    quotes = [
        quote("Q1", D(2026, 3, 2), "E1", division=MOTORS),                 # Open, sale S1 carries it
        quote("Q2", D(2026, 4, 3), "E2", division=MOTORS),                 # outside the window
        quote("Q4", D(2026, 3, 6), "E4", division="Power", status="Won"),  # not Motors
        quote("Q5", D(2026, 3, 28), "E5", status="Won"),                   # Won, blank Closed Date
        quote("Q6", D(2026, 3, 10), "E5", status="Won", closed=D(2026, 7, 5)),   # closed after T
        quote("Q7", D(2026, 3, 11), "E5", status="Lost", closed=D(2026, 3, 20)),  # credit note only
        quote("Q8", D(2026, 3, 12), "E5", status="Open"),                  # its sale is after T
        quote("Q9", D(2026, 3, 13), "E5", status="won", closed=D(2026, 4, 1)),   # Won by T
        quote("Q0", D(2026, 3, 1), "E5", status="Won", closed=D(2026, 3, 2)),    # before window
    ]
    sales = [
        sale("S1", D(2026, 5, 31), "E1", 25_000_000, quote_id="Q1"),
        sale("S2", D(2026, 6, 2), "E2", 30_000_000),
        sale("S2C", D(2026, 3, 10), "E2", -500),
        sale("S4", D(2026, 3, 20), "E4", 400_000),
        sale("S7", D(2026, 3, 25), "E5", -100, quote_id="Q7"),
        sale("S8", D(2026, 7, 1), "E5", 40_000_000, quote_id="Q8"),
    ]
    return module_hub(tmp_path_factory, "quotes", accounts=accounts, contacts=contacts,
                      staff=[member(ADA, MOTORS)], interactions=rows, customers=customers,
                      quotes=quotes, sales=sales)


QUOTE_WINDOW = Window(D(2026, 3, 2), D(2026, 3, 29))
LATE_T = D(2026, 6, 30)


def test_inquiry_to_quote_rate_edges(quote_hub) -> None:
    # Quoted: J1 (ERP quote on the inquiry's day), J2 (Hub Quote exactly 30 days later).
    # Not: J3 (30 days 1 min), J4 (Power quote), J5 (quotes before it). 2 / 5 = 0.4 < 0.6.
    out = inquiry_to_quote_rate(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=LATE_T,
                                division=MOTORS)
    assert out.result == kpi("inquiry_to_quote_rate", 0.4, 2, 5, 5, 0.6, "higher", "off_track")
    assert flags(out.rows) == {"J1": True, "J2": True, "J3": False, "J4": False, "J5": False}
    by_id = out.rows.set_index("interaction_id")
    assert by_id.loc["J1", "erp_quote_id"] == "Q1"
    assert by_id.loc["J2", "hub_quote_id"] == "HQ2"
    assert by_id.loc["J2", "erp_quote_id"] == "Q2"  # the first ERP quote found, too late


def test_inquiry_to_quote_rate_ignores_quotes_after_t(quote_hub) -> None:
    # T = 31 Mar: HQ2 (2 Apr) is after T, so only J1 is quoted: 1 / 5 = 0.2.
    out = inquiry_to_quote_rate(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=D(2026, 3, 31),
                                division=MOTORS)
    assert out.result == kpi("inquiry_to_quote_rate", 0.2, 1, 5, 5, 0.6, "higher", "off_track")
    assert flags(out.rows)["J2"] is False


def test_quote_to_purchase_rate_conversions(quote_hub) -> None:
    # Motors quotes dated in [2 Mar, 29 Mar]: Q1, Q5, Q6, Q7, Q8, Q9 (Q4 is Power, Q2 and Q0
    # outside). Converted as of 30 Jun: Q1 (sale S1 carries it), Q5 (Won, blank Closed Date
    # -> its Date 28 Mar <= T), Q9 (Won 1 Apr). Not: Q6 (closed 5 Jul > T), Q7 (Lost; only a
    # credit note carries it), Q8 (its sale is dated 1 Jul > T). 3 / 6 = 0.5 >= 0.4.
    out = quote_to_purchase_rate(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=LATE_T,
                                 division=MOTORS)
    assert out.result == kpi("quote_to_purchase_rate", 0.5, 3, 6, 6, 0.4, "higher", "on_track")
    assert flags(out.rows, "quote_id") == {"Q1": True, "Q6": False, "Q7": False, "Q8": False,
                                           "Q9": True, "Q5": True}
    by_id = out.rows.set_index("quote_id")
    assert by_id.loc["Q1", "sale_id"] == "S1" and not by_id.loc["Q1", "won"]
    assert by_id.loc["Q5", "won"]


def test_quote_to_purchase_rate_as_of_earlier_t(quote_hub) -> None:
    # T = 29 Mar: Q9 closes 1 Apr and S1 is dated 31 May, both after T; only Q5 (Won, blank
    # Closed Date = 28 Mar) converted: 1 / 6.
    out = quote_to_purchase_rate(quote_hub.workspace(), window=QUOTE_WINDOW, as_of=D(2026, 3, 29),
                                 division=MOTORS)
    assert out.result == kpi("quote_to_purchase_rate", 1 / 6, 1, 6, 6, 0.4, "higher", "off_track")


def test_quote_to_purchase_rate_zero_denominator(quote_hub) -> None:
    out = quote_to_purchase_rate(quote_hub.workspace(), window=Window(D(2026, 1, 1), D(2026, 1, 28)),
                                 as_of=LATE_T, division=MOTORS)
    assert out.result == kpi("quote_to_purchase_rate", None, 0, 0, 0, 0.4, "higher", "no_data")


def test_motors_funnel_is_nested(quote_hub) -> None:
    # 5 inquiries -> 2 quoted (J1, J2) -> 1 quoted and sold within 90 days (J1: S1 on day + 90).
    # J2's sale is day + 91; J4 has a sale but no quote, so it is not in the third stage.
    cur = quote_hub.workspace()
    funnel = motors_funnel(cur, window=QUOTE_WINDOW, as_of=LATE_T)
    assert funnel.to_dict("list") == {
        "stage": ["Inquiries", "Quoted within 30 days", "Sold within 90 days"],
        "count": [5, 2, 1]}
    rows = motors_funnel_rows(cur, window=QUOTE_WINDOW, as_of=LATE_T).set_index("interaction_id")
    assert rows["sold"].to_dict() == {"J1": True, "J2": False, "J3": False, "J4": True,
                                      "J5": False}
    assert rows.loc["J1", "sale_id"] == "S1"
    assert rows.loc["J2", "sale_id"] == "S2"  # the credit note S2C is not a sale
    assert rows["in_numerator"].to_dict() == {"J1": True, "J2": False, "J3": False,
                                              "J4": False, "J5": False}


def test_motors_funnel_empty_window(quote_hub) -> None:
    funnel = motors_funnel(quote_hub.workspace(), window=Window(D(2026, 1, 1), D(2026, 1, 28)),
                           as_of=LATE_T)
    assert funnel["count"].tolist() == [0, 0, 0]


def test_of_several_at_the_same_moment_the_first_row_is_named(make_hub) -> None:
    # Each inquiry has two responses at the same minute, two ERP quotes on the same day and
    # two sales on the same day: the rows name the first of each (the smaller row id, i.e.
    # the earlier Excel row), the same on every run, whatever the join would pick.
    pairs = range(1, 9)
    rows, quotes, sales = [], [], []
    for k in pairs:
        rows.append(interaction(f"I{k}", T(2026, 3, 2, 9), f"C{k}", "Inquiry", ADA))
        rows += [interaction(f"R{k}-{n}", T(2026, 3, 2, 10), f"C{k}", "Follow-up", ADA)
                 for n in (1, 2)]
        quotes += [quote(f"Q{k}-{n}", D(2026, 3, 3), f"E{k}", division=MOTORS) for n in (1, 2)]
        sales += [sale(f"S{k}-{n}", D(2026, 3, 4), f"E{k}", 1000 * n, division=MOTORS)
                  for n in (1, 2)]
    hub = make_hub(accounts=[account(f"A{k}", MOTORS, erp=f"E{k}") for k in pairs],
                   contacts=[contact(f"C{k}", f"A{k}") for k in pairs],
                   customers=[customer(f"E{k}", MOTORS) for k in pairs],
                   staff=[member(ADA, MOTORS)], interactions=rows, quotes=quotes, sales=sales)
    window = Window(D(2026, 3, 2), D(2026, 3, 29))
    for _ in range(3):
        cur = hub.workspace()
        answered = inquiry_response_12h(cur, window=window, as_of=D(2026, 3, 29),
                                        division=MOTORS).rows.set_index("interaction_id")
        journeys = motors_funnel_rows(cur, window=window, as_of=D(2026, 3, 29),
                                      division=MOTORS).set_index("interaction_id")
        for k in pairs:
            assert answered.loc[f"I{k}", "response_id"] == f"R{k}-1"
            assert journeys.loc[f"I{k}", "erp_quote_id"] == f"Q{k}-1"
            assert journeys.loc[f"I{k}", "sale_id"] == f"S{k}-1"
            assert journeys.loc[f"I{k}", "sale_amount"] == 1000
