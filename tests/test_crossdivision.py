"""metrics/crossdivision.py: divisions per customer, cross-division customers, cross-sell
opportunities and silent revenue on one tiny hub, expectations worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from metrics import crossdivision_view as cxv
from metrics.activity import collaboration, collaboration_trend
from metrics.calendar import window_ending
from metrics.crossdivision import (collaboration_all,
                                   cross_division_customers, cross_sell_opportunity,
                                   divisions_per_customer, divisions_per_customer_table,
                                   silent_revenue, who_helps_whom)
from metrics.report import report_divisions
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


# ---------------------------------------------------------------------------------------------
# The matrix (metrics.crossdivision_view) on the hub above. Divisions (report order,
# alphabetical): Agro Foods, Cube 65 Clinic, GRAS Restaurant, Medical, Motors, Power.

def test_matrix_frame(hub) -> None:
    cur = hub.workspace()
    per_customer = divisions_per_customer_table(cur, as_of=T)
    divisions = cxv.matrix_divisions(report_divisions(cur), per_customer)
    assert divisions == ["Agro Foods", "Cube 65 Clinic", "GRAS Restaurant", "Medical", "Motors",
                         "Power"]
    matrix = cxv.matrix_frame(per_customer, divisions)
    rows = matrix.set_index("erp_customer_id")
    assert list(matrix["erp_customer_id"]) == ["E1", "E5", "E2", "E3", "E4"]
    # E1: Motors S1 + I1 -> both; Power S2 (I2 is after T) -> sold; the rest blank.
    assert rows.loc["E1", divisions].tolist() == ["", "", "", "", "sold + talked", "sold"]
    # E5: S10 has no division of its own -> the customer's, GRAS; I9 after T -> not talked.
    assert rows.loc["E5", divisions].tolist() == ["", "", "sold", "", "", ""]
    # E2: Power S4 + I5 -> both; GRAS I4 -> talked; the Motors credit note and zero: nothing.
    assert rows.loc["E2", divisions].tolist() == ["", "", "talked", "", "", "sold + talked"]
    # E3: Medical S7 + I6 -> both; Cube 65 I7 -> talked.
    assert rows.loc["E3", divisions].tolist() == ["", "talked", "", "sold + talked", "", ""]
    assert rows.loc["E4", divisions].tolist() == ["", "", "", "", "sold", ""]
    assert rows.loc["E1", ["n_sold", "n_talked", "cross_division", "revenue"]].tolist() == [
        2, 1, True, 1500.0]
    assert rows.loc["E2", ["n_sold", "n_talked", "cross_division", "revenue"]].tolist() == [
        1, 2, False, 300.0]
    assert rows.loc["E1", cxv.revenue_column("Motors")] == 1000.0
    assert rows.loc["E1", cxv.revenue_column("Power")] == 500.0
    assert pd.isna(rows.loc["E1", cxv.revenue_column("Medical")])  # S3 is at T - 365: out
    assert rows.loc["E1", "account_ids"] == "A1, A2"
    assert rows.loc["E4", "customer_name"] == "Walk-in Ltd"


def test_the_matrix_says_what_divisions_per_customer_says(hub) -> None:
    """Built from the Arrow table, at T, a year earlier and before any activity (no rows):
    the same customers in the same order, and each row's counts and flag are the
    measure's."""
    cur = hub.workspace()
    for as_of in (T, T - dt.timedelta(days=200), dt.date(2000, 1, 1)):
        frame = divisions_per_customer(cur, as_of=as_of)
        table = divisions_per_customer_table(cur, as_of=as_of)
        matrix = cxv.matrix_frame(table, cxv.matrix_divisions(report_divisions(cur), table))
        assert list(matrix["erp_customer_id"]) == list(frame["erp_customer_id"])
        assert list(matrix["n_sold"]) == list(frame["n_sale_divisions"])
        assert list(matrix["n_talked"]) == list(frame["n_interaction_divisions"])
        assert list(matrix["cross_division"]) == list(frame["cross_division"])
        assert list(matrix["revenue"]) == list(frame["revenue"])
    assert table.num_rows == 0 and matrix.empty


def test_matrix_filters(hub) -> None:
    cur = hub.workspace()
    per_customer = divisions_per_customer_table(cur, as_of=T)
    matrix = cxv.matrix_frame(per_customer,
                              cxv.matrix_divisions(report_divisions(cur), per_customer))

    def ids(**kw) -> list[str]:
        return list(cxv.filter_matrix(matrix, **kw)["erp_customer_id"])

    assert ids() == ["E1", "E5", "E2", "E3", "E4"]
    assert ids(bought_from="Motors") == ["E1", "E4"]            # "sold" and "sold + talked"
    assert ids(bought_from="Medical") == ["E3"]                 # E1's S3 is out of the year
    assert ids(talked_by="GRAS Restaurant") == ["E2"]           # E5 only bought from GRAS
    assert ids(talked_by="Power") == ["E2"]                     # E1's Power is "sold" only
    assert ids(bought_from="Power", talked_by="Power") == ["E2"]
    assert ids(bought_from="Power", talked_by="Motors") == ["E1"]
    assert ids(search="  CREST ") == ["E1"]                     # Harbour Crest, any case
    assert ids(search="e4") == ["E4"]                           # the ERP ID
    assert ids(search="a8") == ["E4"]                           # a Hub account ID
    assert ids(search="zzz") == []
    assert ids(cross_only=True) == ["E1"]
    assert ids(cross_only=True, bought_from="Medical") == []
    exported = cxv.matrix_export(cxv.filter_matrix(matrix, cross_only=True),
                                 list(matrix.columns[3:9]))
    assert exported.iloc[0][["Customer", "Buys from 2+ divisions", "Motors"]].tolist() == [
        "Harbour Crest", "Yes", "sold + talked"]


def test_matrix_divisions_adds_divisions_off_the_list() -> None:
    per_customer = pa.table({"sale_divisions": [["Motors", "Zeta Labs"]],
                             "interaction_divisions": [["Alpha Unit"]]})
    assert cxv.matrix_divisions(["Power", "Motors"], per_customer) == [
        "Power", "Motors", "Alpha Unit", "Zeta Labs"]


# ---------------------------------------------------------------------------------------------
# Owner to call and who helps whom: a second hub. T = 31 Mar 2026; divisions Medical, Motors,
# Power. Window of 28 days ending T: 04 Mar .. 31 Mar 2026.
BOLA, CHIDI, DAYO, KEMI = "Bola Ade", "Chidi Eze", "Dayo Ola", "Kemi Ayo"


def plain(values) -> tuple:  # noqa: ANN001 - a row
    """A row's values with missing ones (NaN, NA) as None."""
    return tuple(None if pd.isna(v) else v for v in values)


def phoned(account_id: str, division: str, erp: str, owner: str | None,
           phone: str | None) -> dict:
    return {**account(account_id, division, erp=erp, owner=owner), "Main Phone Number": phone}


def by(iid: str, when: dt.datetime, account_id: str, who: str) -> dict:
    return interaction(iid, when, f"C-{account_id}", "Follow-up", who, next_action="None")


@pytest.fixture
def owners_hub(make_hub):
    accounts = [phoned("B1", "Motors", "K1", ADA, "0803 111 0001"),
                phoned("B2", "Power", "K1", BOLA, "0803 111 0002"),
                phoned("B3", "Power", "K2", CHIDI, "0803 111 0003"),       # Chidi left
                phoned("B4", "Medical", "K2", DAYO, "0803 111 0004"),      # leaves on T
                phoned("B5", "Medical", "K3", "Nobody Known", "0803 111 0005"),
                phoned("B6", "Power", "K5", None, None),
                phoned("B7", "Power", "K5", None, "0803 111 0007")]
    return make_hub(
        lists={"Divisions": ["Motors", "Power", "Medical"]},
        accounts=accounts,
        contacts=[contact(f"C-{a['Account ID']}", a["Account ID"]) for a in accounts],
        staff=[member(ADA, "Motors"), member(BOLA, "Power"),
               member(CHIDI, "Medical", leave=day(2026, 3, 30)),
               member(DAYO, "Power", leave=day(2026, 3, 31)), member(KEMI, None)],
        customers=[customer(f"K{n}", None) for n in range(1, 6)],
        sales=[
            sale("T1", day(2026, 1, 5), "K1", 900, division="Motors", salesperson="Eve Erp"),
            sale("T2", day(2026, 2, 5), "K1", 100, division="Power", salesperson=BOLA),
            sale("T3", day(2026, 3, 1), "K2", 500, division="Power", salesperson="Hal Nine"),
            sale("T4", day(2026, 1, 10), "K3", 400, division="Medical", salesperson="Fay Early"),
            sale("T5", day(2026, 2, 10), "K3", 400, division="Medical", salesperson="Gus Later"),
            sale("T10", day(2025, 3, 31), "K3", 5000, division="Medical",
                 salesperson="Old Sale"),                                  # T - 365: out
            sale("9", day(2026, 3, 2), "K4", 300, division="Motors", salesperson="Hal Nine"),
            sale("10", day(2026, 3, 2), "K4", 300, division="Motors",
                 salesperson="  bola   ADE "),                             # roster spelling
            sale("T9", day(2026, 3, 3), "K4", -900, division="Motors",
                 salesperson="Neg Person"),                                # credit note
            sale("T8", day(2026, 3, 5), "K5", 200, division="Power"),     # no salesperson
        ],
        interactions=[
            by("J1", dt.datetime(2026, 3, 10, 9), "B1", ADA),       # Motors on Motors
            by("J2", dt.datetime(2026, 3, 11, 9), "B2", ADA),       # Motors on Power
            by("J3", dt.datetime(2026, 3, 12, 9), "B2", BOLA),      # Power on Power
            by("J4", dt.datetime(2026, 3, 13, 9), "B5", BOLA),      # Power on Medical
            by("J5", dt.datetime(2026, 3, 14, 9), "B5", DAYO),      # Power on Medical
            by("J6", dt.datetime(2026, 3, 3, 10), "B1", ADA),       # T - 28: window before
            by("J7", dt.datetime(2026, 3, 20, 9), "B1", "Stranger"),  # not on the roster
            by("J8", dt.datetime(2026, 3, 21, 9), "B4", ADA),       # Motors on Medical
            by("J9", dt.datetime(2026, 4, 1, 9), "B2", ADA),        # after T
            by("J10", dt.datetime(2026, 3, 31, 23), "B3", CHIDI),   # Medical on Power (on T)
            by("J11", dt.datetime(2026, 3, 22, 9), "B1", KEMI),     # blank Staff Division
        ])


def test_owner_to_call(owners_hub) -> None:
    # Revenue (T - 365, T]: K1 900 + 100 = 1000 (top Motors), K3 400 + 400 = 800 (T10 out),
    # K4 300 + 300 = 600 (T9 a credit note), K2 500 (Power), K5 200 (Power).
    # Talked: K1 Motors (J1, J6, J7, J11), Power (J2, J3); K2 Medical (J8), Power (J10);
    # K3 Medical (J4, J5); K4, K5 nothing. B in Medical, Motors, Power with neither:
    frame = cross_sell_opportunity(owners_hub.workspace(), as_of=T)
    assert [(r.rank, r.erp_customer_id, r.division) for r in frame.itertuples()] == [
        (1, "K1", "Medical"), (2, "K3", "Motors"), (2, "K3", "Power"), (3, "K4", "Medical"),
        (3, "K4", "Power"), (4, "K2", "Motors"), (5, "K5", "Medical"), (5, "K5", "Motors")]
    callers = {r.erp_customer_id: plain((r.owner, r.owner_source, r.owner_account_id,
                                         r.account_division, r.main_phone))
               for r in frame.itertuples()}
    assert callers == {
        # Ada (B1, Motors = top division) and Bola (B2) both count: the top division wins.
        "K1": (ADA, "Hub account owner", "B1", "Motors", "0803 111 0001"),
        # B3's Chidi left on 30 Mar (< T): orphan; B4's Dayo leaves on T: still counts.
        "K2": (DAYO, "Hub account owner", "B4", "Medical", "0803 111 0004"),
        # B5's owner is not on the roster -> ERP: T4 and T5 tie at 400, the later T5 wins.
        "K3": ("Gus Later", "ERP salesperson", "B5", "Medical", "0803 111 0005"),
        # No Hub account; "9" and "10" tie on amount and date: 10 > 9 as numbers; the name
        # is written the roster's way.
        "K4": (BOLA, "ERP salesperson", None, None, None),
        # No owner, no salesperson: nobody. Of B6 and B7 (both Power), B7 has a phone.
        "K5": (None, None, "B7", "Power", "0803 111 0007"),
    }


def test_opportunity_filters_summary_and_masking(owners_hub) -> None:
    frame = cross_sell_opportunity(owners_hub.workspace(), as_of=T)
    assert cxv.opportunity_summary(frame) == {"pairs": 8, "customers": 5, "revenue": 3100.0}
    assert cxv.owner_choices(frame) == [ADA, BOLA, DAYO, "Gus Later", cxv.NO_OWNER]
    motors = cxv.filter_opportunities(frame, division="Motors")
    assert list(zip(motors["rank"], motors["erp_customer_id"])) == [(1, "K3"), (2, "K2"),
                                                                     (3, "K5")]
    assert cxv.opportunity_summary(motors) == {"pairs": 3, "customers": 3, "revenue": 1500.0}
    nobody = cxv.filter_opportunities(frame, owner=cxv.NO_OWNER)
    assert list(zip(nobody["rank"], nobody["division"])) == [(1, "Medical"), (1, "Motors")]
    assert list(cxv.filter_opportunities(frame, division="Power", owner=BOLA)[
        "erp_customer_id"]) == ["K4"]
    assert cxv.filter_opportunities(frame, division="Power", owner=ADA).empty
    masked = cxv.mask_phones(frame, lambda division: division == "Medical")
    phones = dict(zip(masked["erp_customer_id"], masked["main_phone"]))
    assert phones["K2"] == "0803 111 0004" and phones["K3"] == "0803 111 0005"  # Medical
    assert phones["K1"] == "0803 ••• 0001" and phones["K5"] == "0803 ••• 0007"
    assert pd.isna(phones["K4"])
    assert frame.loc[frame["erp_customer_id"] == "K1", "main_phone"].iloc[0] == "0803 111 0001"
    table = cxv.opportunity_export(masked)
    assert list(table.columns) == list(cxv.OPPORTUNITY_COLUMNS.values())
    assert table.iloc[0]["Buys from"] == "Motors, Power"


def test_who_helps_whom(owners_hub) -> None:
    # 04 Mar .. 31 Mar 2026, roster members only (J7 Stranger out; J6 on 03 Mar and J9 after T
    # out; J10 at 23:00 on T in): Medical on Power 1 (J10); Motors on Medical 1 (J8), on
    # Motors 1 (J1), on Power 1 (J2); Power on Medical 2 (J4, J5), on Power 1 (J3);
    # blank division on Motors 1 (J11).
    cur, window = owners_hub.workspace(), window_ending(T)
    pairs = who_helps_whom(cur, window=window, as_of=T)
    assert [plain(r) for r in pairs.itertuples(index=False)] == [
        ("Medical", "Power", 1, True), ("Motors", "Medical", 1, True),
        ("Motors", "Motors", 1, False), ("Motors", "Power", 1, True),
        ("Power", "Medical", 2, True), ("Power", "Power", 1, False), (None, "Motors", 1, False)]
    grid = cxv.collaboration_grid(pairs, ["Medical", "Motors", "Power"])
    assert list(grid.index) == ["Medical", "Motors", "Power", cxv.NO_STAFF_DIVISION]
    assert grid.values.tolist() == [[0, 0, 1], [1, 1, 1], [2, 0, 1], [0, 1, 0]]
    # All divisions: 5 of 8 (J2, J4, J5, J8, J10 of J1, J2, J3, J4, J5, J8, J10, J11), the
    # sum of the per-division measure: Motors 0 / 2, Power 2 / 3, Medical 3 / 3.
    total = collaboration_all(cur, window=window, as_of=T)
    assert total.result == KpiResult("collaboration", 5 / 8, 5, 8, 8, None, "higher", "info")
    per_division = [collaboration(cur, window=window, as_of=T, division=d).result
                    for d in ("Motors", "Power", "Medical")]
    assert [(r.numerator, r.denominator) for r in per_division] == [(0, 2), (2, 3), (3, 3)]
    assert sorted(total.rows["interaction_id"]) == sorted(
        ["J1", "J2", "J3", "J4", "J5", "J8", "J10", "J11"])
    trend = collaboration_trend(cur, as_of=T, division=None)
    assert len(trend) == 12 and trend["window_end"].iloc[-1] == T
    assert list(zip(trend["numerator"], trend["denominator"]))[-2:] == [(0, 1), (5, 8)]
    assert trend["denominator"].iloc[:-2].sum() == 0 and trend["value"].iloc[:-2].isna().all()


def test_view_puts_it_together(owners_hub) -> None:
    cur = owners_hub.workspace()
    view = cxv.cross_division_view(cur, as_of=T)
    assert view.divisions == ["Medical", "Motors", "Power"]
    assert view.sales_missing is None
    assert list(view.matrix["erp_customer_id"]) == ["K1", "K3", "K4", "K2", "K5"]
    assert view.customers.result.numerator == 1 and view.customers.result.denominator == 5
    assert len(view.opportunities) == 8 and view.collaboration.result.numerator == 5
    assert set(view.trends) == {"Medical", "Motors", "Power"}
    assert view.trends["Power"]["numerator"].iloc[-1] == 2
    fig = cxv.fig_customer_heatmap(view.matrix, view.divisions)
    # Rows K1, K3, K4, K2, K5; columns Medical, Motors, Power. K2: Power T3 + J10, Medical J8.
    assert [list(row) for row in fig.data[0].text] == [
        ["", "both", "both"], ["both", "", ""], ["", "sold", ""], ["talked", "", "both"],
        ["", "", "sold"]]
    assert list(fig.data[0].y)[0] == "Customer K1 · ₦1 k"     # the ERP name
    assert cxv.fig_who_helps_whom(view.grid, view.window).data[0].text[1][1] == "own 1"
    trend_fig = cxv.fig_collaboration_trend(view.trends, "Power", min_n=3)
    assert [t.name for t in trend_fig.data] == ["Medical", "Power"]  # Motors: 2 < 3 only


def test_no_erp_sales_is_said(make_hub) -> None:
    hub = make_hub(accounts=[account("A1", "Motors")], contacts=[contact("C1", "A1")],
                   staff=[member(ADA, "Motors")])
    cur = hub.workspace()
    assert "no erp/ folder" in cxv.sales_missing(cur)
    view = cxv.cross_division_view(cur, as_of=T)
    assert view.matrix.empty and view.opportunities.empty
    assert view.customers.result.status == "no_data"
