"""metrics/crossdivision.py: divisions per customer, cross-division customers, cross-sell
opportunities and silent revenue on one tiny hub, expectations worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.crossdivision import (cross_division_customers, cross_sell_opportunity,
                                   divisions_per_customer, silent_revenue)
from metrics.result import KpiResult
from tests.hubfactory import account, contact, customer, interaction, member, sale

# T = 31 Mar 2026. (T - 365, T] = 01 Apr 2025 .. 31 Mar 2026 (T - 365 = 31 Mar 2025 is out).
# (T - 90, T] = 01 Jan 2026 .. 31 Mar 2026 (T - 90 = 31 Dec 2025 is out).
T = dt.date(2026, 3, 31)
DIVISIONS = ["Motors", "Power", "Medical", "GRAS Restaurant", "Cube 65 Clinic", "Agro Foods"]
ADA = "Ada Obi"


def day(year: int, month: int, d: int) -> dt.date:
    return dt.date(year, month, d)


def talk(iid: str, when: dt.datetime, contact_id: str, division: str | None = None) -> dict:
    return interaction(iid, when, contact_id, "Follow-up", ADA, next_action="None",
                       division=division)


@pytest.fixture
def hub(make_hub):
    return make_hub(
        lists={"Divisions": DIVISIONS},   # the report's divisions: the five + Agro Foods
        accounts=[account("A1", "Motors", erp="E1"), account("A2", "Power", erp="E1"),
                  account("A3", "Power", erp="E2"), account("A4", "Medical", erp="E3"),
                  account("A5", "Motors"), account("A6", "GRAS Restaurant", erp="E5"),
                  account("A7", "Cube 65 Clinic", erp="E6"), account("A8", "Motors", erp="E4")],
        contacts=[contact(f"C{n}", f"A{n}") for n in range(1, 9)],
        staff=[member(ADA, "Motors")],
        customers=[customer("E1", "Motors", name="Harbour Crest"), customer("E2", "Power"),
                   customer("E3", "Medical"), customer("E4", "Motors", name="Walk-in Ltd"),
                   customer("E5", "GRAS Restaurant"), customer("E6", "Cube 65 Clinic")],
        sales=[
            sale("S1", day(2025, 4, 1), "E1", 1000, division="Motors"),    # T - 364: in
            sale("S2", day(2026, 3, 31), "E1", 500, division="Power"),     # T: in (also 90 d)
            sale("S3", day(2025, 3, 31), "E1", 700, division="Medical"),   # T - 365: out
            sale("S4", day(2026, 2, 1), "E2", 300, division="Power"),      # in (also 90 d)
            sale("S5", day(2026, 2, 2), "E2", -300, division="Motors"),    # credit note: out
            sale("S6", day(2026, 2, 3), "E2", 0, division="Motors"),       # zero: out
            sale("S7", day(2026, 1, 1), "E3", 200, division="Medical"),    # T - 89: in 90 d
            sale("S8", day(2026, 4, 1), "E3", 50, division="Motors"),      # after T: out
            sale("S9", day(2025, 12, 31), "E4", 100, division="Motors"),   # T - 90: year only
            sale("S11", day(2026, 4, 1), "E4", 80, division="Motors"),     # after T: out
            sale("S10", day(2025, 6, 1), "E5", 400),                       # customer's: GRAS
            sale("S12", day(2026, 3, 1), "E6", -100, division="Cube 65 Clinic"),  # credit only
        ],
        interactions=[
            talk("I1", dt.datetime(2026, 3, 1, 9), "C1"),                        # E1 Motors
            talk("I2", dt.datetime(2026, 4, 1, 10), "C2"),                       # after T
            talk("I3", dt.datetime(2025, 3, 31, 23), "C3", division="Medical"),  # T - 365: out
            talk("I4", dt.datetime(2025, 4, 1, 0), "C3", division="GRAS Restaurant"),  # in
            talk("I5", dt.datetime(2025, 12, 31, 15), "C3"),                     # E2 Power
            talk("I6", dt.datetime(2026, 1, 1, 0), "C4"),                        # E3 Medical
            talk("I7", dt.datetime(2025, 6, 1, 9), "C4", division="Cube 65 Clinic"),
            talk("I8", dt.datetime(2026, 3, 2, 9), "C5"),                        # no ERP link
            talk("I9", dt.datetime(2026, 4, 1, 9), "C6"),                        # after T
        ])


def test_divisions_per_customer(hub) -> None:
    # E1: S1 Motors 1000 + S2 Power 500 (S3 at T - 365 out) = 1500; talked: I1 Motors.
    # E5: S10 400 (GRAS, the customer's division); I9 after T -> no divisions talked.
    # E2: S4 Power 300 (credit note S5 and zero S6 out); talked: I4 GRAS (T - 364 00:00),
    #     I5 Power; I3 (T - 365 23:00) out.
    # E3: S7 Medical 200 (S8 after T out); talked: I6 Medical, I7 Cube 65 Clinic.
    # E4: S9 Motors 100 (T - 90 is inside the year). E6: only a credit note -> not listed.
    frame = divisions_per_customer(hub.workspace(), as_of=T)
    rows = {r.erp_customer_id: r for r in frame.itertuples()}
    assert list(frame["erp_customer_id"]) == ["E1", "E5", "E2", "E3", "E4"]
    assert list(frame["revenue"]) == [1500.0, 400.0, 300.0, 200.0, 100.0]
    assert list(rows["E1"].sale_divisions) == ["Motors", "Power"]
    assert list(rows["E1"].interaction_divisions) == ["Motors"]
    assert list(rows["E1"].account_ids) == ["A1", "A2"]
    assert rows["E1"].revenue_by_division == {"Motors": 1000.0, "Power": 500.0}
    assert (rows["E1"].customer_name, rows["E1"].sales, rows["E1"].cross_division) == (
        "Harbour Crest", 2, True)
    assert list(rows["E5"].sale_divisions) == ["GRAS Restaurant"]
    assert list(rows["E5"].interaction_divisions) == []
    assert list(rows["E2"].sale_divisions) == ["Power"]
    assert list(rows["E2"].interaction_divisions) == ["GRAS Restaurant", "Power"]
    assert rows["E2"].revenue_by_division == {"Power": 300.0}
    assert list(rows["E3"].interaction_divisions) == ["Cube 65 Clinic", "Medical"]
    assert (rows["E3"].n_sale_divisions, rows["E3"].n_interaction_divisions) == (1, 2)
    assert list(rows["E4"].account_ids) == ["A8"] and rows["E4"].customer_name == "Walk-in Ltd"
    assert not rows["E2"].cross_division


def test_cross_division_customers(hub) -> None:
    # Buying customers in (T - 365, T]: E1, E5, E2, E3, E4 = 5 (E6 has only a credit note).
    # Two or more divisions: E1 only (Motors + Power; not E2, whose Motors rows are a credit
    # note and a zero, nor E3, whose Motors sale is after T) -> 1 / 5 = 0.2, no target: info.
    out = cross_division_customers(hub.workspace(), as_of=T)
    assert out.result == KpiResult("cross_division_customers", 0.2, 1, 5, 5, None, "higher",
                                   "info")
    flags = dict(zip(out.rows["erp_customer_id"], out.rows["in_numerator"]))
    assert flags == {"E1": True, "E5": False, "E2": False, "E3": False, "E4": False}
    assert out.rows.set_index("erp_customer_id").loc["E1", "n_divisions"] == 2


def test_cross_division_customers_no_sales(hub) -> None:
    # As of 31 Mar 2025 the year is 01 Apr 2024 .. 31 Mar 2025: only S3 (Medical, E1) -> 0 / 1.
    early = cross_division_customers(hub.workspace(), as_of=day(2025, 3, 31))
    assert early.result == KpiResult("cross_division_customers", 0.0, 0, 1, 1, None, "higher",
                                     "info")
    # As of 30 Mar 2025 nothing has been sold yet: zero denominator -> no_data, 0 / 0.
    none = cross_division_customers(hub.workspace(), as_of=day(2025, 3, 30))
    assert none.result == KpiResult("cross_division_customers", None, 0, 0, 0, None, "higher",
                                    "no_data")
    assert none.rows.empty


def test_cross_sell_opportunity(hub) -> None:
    # Divisions: Motors, Power, Medical, GRAS Restaurant, Cube 65 Clinic, Agro Foods.
    # E1 (1500): touched Motors, Power -> Agro Foods, Cube 65 Clinic, GRAS Restaurant, Medical
    #            (S3 Medical is at T - 365: out, so Medical is open).
    # E5 (400):  touched GRAS -> Agro, Cube 65, Medical, Motors, Power (I9 is after T).
    # E2 (300):  touched Power (S4, I5), GRAS (I4) -> Agro, Cube 65, Medical, Motors (the
    #            Motors credit note is no sale).
    # E3 (200):  touched Medical (S7, I6), Cube 65 (I7) -> Agro, GRAS, Motors, Power.
    # E4 (100):  touched Motors -> Agro, Cube 65, GRAS, Medical, Power.
    frame = cross_sell_opportunity(hub.workspace(), as_of=T)
    pairs = [(r.rank, r.erp_customer_id, r.division) for r in frame.itertuples()]
    assert pairs == (
        [(1, "E1", d) for d in ("Agro Foods", "Cube 65 Clinic", "GRAS Restaurant", "Medical")]
        + [(2, "E5", d) for d in ("Agro Foods", "Cube 65 Clinic", "Medical", "Motors",
                                  "Power")]
        + [(3, "E2", d) for d in ("Agro Foods", "Cube 65 Clinic", "Medical", "Motors")]
        + [(4, "E3", d) for d in ("Agro Foods", "GRAS Restaurant", "Motors", "Power")]
        + [(5, "E4", d) for d in ("Agro Foods", "Cube 65 Clinic", "GRAS Restaurant",
                                  "Medical", "Power")])
    e1 = frame[frame["erp_customer_id"] == "E1"].iloc[0]
    assert (e1["revenue"], e1["top_division"], list(e1["sale_divisions"])) == (
        1500.0, "Motors", ["Motors", "Power"])


def test_silent_revenue(hub) -> None:
    # Sales (Amount > 0) in (T - 90, T] = 01 Jan .. 31 Mar 2026: E1 S2 500, E2 S4 300,
    # E3 S7 200 (T - 89). Out: S9 (E4, T - 90), S11 and S8 (after T), S12 (credit note).
    # A1 (E1): I1 on 01 Mar -> talking. A2 (E1): only I2, after T -> silent, 500, never.
    # A3 (E2): last I5 on 31 Dec 2025 15:00 (T - 90) -> silent, 300, 90 days.
    # A4 (E3): I6 on 01 Jan 2026 00:00 (T - 89) -> talking. A7 (E6), A8 (E4): no sale.
    frame = silent_revenue(hub.workspace(), as_of=T)
    assert list(frame["account_id"]) == ["A2", "A3"]
    assert list(frame["revenue"]) == [500.0, 300.0]
    a2, a3 = frame.iloc[0], frame.iloc[1]
    assert a2["erp_customer_id"] == "E1" and a2["sales"] == 1
    assert a2["last_sale"] == pd.Timestamp(2026, 3, 31)
    assert pd.isna(a2["last_interaction"]) and pd.isna(a2["days_since_interaction"])
    assert a3["last_interaction"] == dt.datetime(2025, 12, 31, 15)
    assert a3["days_since_interaction"] == 90
    assert list(silent_revenue(hub.workspace(), as_of=T, division="Power")["account_id"]) == [
        "A2", "A3"]
    assert silent_revenue(hub.workspace(), as_of=T, division="Motors").empty
