"""Which KPIs can we measure (metrics/measurability.py): tiny hubs with hand-worked answers.

T = Wednesday 15 Jul 2026; the 28-day window is 18 Jun – 15 Jul 2026; every division's first
interaction is on Wednesday 1 Jul, so pilot week 1 (29 Jun – 5 Jul) is complete by T.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub_data import HubLoader
from metrics.calendar import window_ending
from metrics.inputs import workspace
from metrics.measurability import COLUMNS, measurability, reason_for
from metrics.registry import division_metrics
from hub_data.store import Store
from tests.hubfactory import (account, contact, customer, interaction, meeting, member,
                              module_hub, quote, sale)

T = dt.date(2026, 7, 15)
DAY = dt.datetime(2026, 7, 1, 10)
DIVISIONS = ["Motors", "Power", "Medical", "GRAS Restaurant", "Cube 65 Clinic"]
SHORT = {"Motors": "M", "Power": "P", "Medical": "D", "GRAS Restaurant": "G",
         "Cube 65 Clinic": "K"}


def _people(**types: list[str]) -> dict:
    """One account (ERP customer E<x>1), contact and customer-facing member per division, and
    for each division the interaction types given (dated 1 Jul 2026, 10:00, 11:00, …)."""
    accounts = [account(f"{x}1", d, erp=f"E{x}1",
                        account_type="Distributor" if d == "Medical" else None)
                for d, x in SHORT.items()]
    contacts = [contact(f"C{x}1", f"{x}1") for x in SHORT.values()]
    staff = [member(f"Staff {x}", d, start=dt.date(2025, 1, 6)) for d, x in SHORT.items()]
    rows = []
    for division, kinds in types.items():
        x = SHORT[division.replace("_", " ")]
        for k, kind in enumerate(kinds):
            rows.append(interaction(f"I{x}{k}", DAY + dt.timedelta(hours=k), f"C{x}1", kind,
                                    f"Staff {x}", notes=f"{kind} {k}",
                                    resolved="Yes" if kind == "Service Request" else None))
    return {"accounts": accounts, "contacts": contacts, "staff": staff, "interactions": rows}


EVERYTHING = dict(
    **_people(Motors=["Inquiry", "Quote", "Service Request"], Power=["Lead", "Site Visit"],
              Medical=["Distributor Signed", "Quality Flag"], GRAS_Restaurant=["Feedback"],
              Cube_65_Clinic=["Feedback"]),
    customers=[customer(f"E{x}{n}", d) for d, x in SHORT.items() for n in (1, 2)],
    quotes=[quote("Q1", dt.date(2026, 7, 2), "EM1", division="Motors"),
            quote("Q2", dt.date(2026, 6, 1), "EP1", division="Power", status="Won",
                  closed=dt.date(2026, 7, 3)),
            quote("Q3", dt.date(2026, 6, 2), "EP1", division="Power", status="Lost",
                  closed=dt.date(2026, 7, 5))],
    sales=[sale(f"S{x}{k}", when, f"E{x}{n}", amount, division=d)
           for d, x in SHORT.items() if d in ("Medical", "GRAS Restaurant", "Cube 65 Clinic")
           for k, (when, n, amount) in enumerate([
               (dt.date(2026, 7, 6), 1, 1000), (dt.date(2025, 7, 7), 1, 800),
               (dt.date(2025, 10, 1), 2, 500), (dt.date(2025, 11, 1), 2, 600)])]
    + [sale("SD9", dt.date(2026, 7, 14), "ED1", 900, division="Medical")],
    reviews=[{"Date": dt.date(2026, 7, 1), "Division": d, "Platform": "Google", "Rating": 5}
             for d in ("GRAS Restaurant", "Cube 65 Clinic")],
    survey=[{"Date": dt.date(2026, 7, 2), "Division": d, "Ease of Use": 5, "Value": 4}
            for d in DIVISIONS],
    store={"review_meetings": [meeting(d, dt.date(2026, 7, 1)) for d in DIVISIONS]},
)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory):
    return module_hub(tmp_path_factory, "everything", **EVERYTHING)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory):
    """No ERP export, no reviews, no survey, no meetings; Motors logs Inquiries only, Power
    logs Site Visits only (no Lead), Medical has no Distributor account, and Motors' service
    rows leave Resolved blank."""
    rows = _people(Motors=["Inquiry", "Complaint"], Power=["Site Visit"],
                   Medical=["Quality Flag"], GRAS_Restaurant=["Feedback"],
                   Cube_65_Clinic=["Feedback"])
    rows["accounts"] = [a if a["Division"] != "Medical" else {**a, "Account Type": "Customer"}
                        for a in rows["accounts"]]
    return module_hub(tmp_path_factory, "bare", **rows)


def _table(hub) -> dict[tuple[str, str], tuple[bool, str]]:
    frame = measurability(hub.workspace(), as_of=T, settings=hub.settings)
    assert list(frame.columns) == COLUMNS
    return {(r.division, r.kpi_id): (r.measurable, r.reason) for r in frame.itertuples()}


def test_everything_present_makes_every_kpi_measurable(everything) -> None:
    table = _table(everything)
    expected = {(d, k) for d in DIVISIONS
                for k in ("adoption_rate", "data_quality_error_rate", "process_compliance",
                          "stakeholder_confidence", *[s.id for s in division_metrics(d)])}
    assert set(table) == expected and len(table) == 4 * 5 + 5 + 4 + 4 + 3 + 3
    assert {key: reason for key, (ok, reason) in table.items() if not ok} == {}
    assert table[("Power", "lead_response_hours")][1] == \
        "measured from 1 Lead interaction by 15 Jul 2026"
    assert table[("Motors", "inquiry_to_quote_rate")][1] == (
        "measured from 1 Inquiry interaction by 15 Jul 2026; 1 Quote interaction and 1 ERP "
        "quote of linked accounts")
    cur, window = everything.workspace(), window_ending(T)
    assert all(reason_for(cur, d, k, T, settings=everything.settings, window=window) is None
               for d, k in table)


def test_no_quotes_export_makes_the_motors_quote_kpis_unmeasurable(bare) -> None:
    table = _table(bare)
    assert table[("Motors", "quote_to_purchase_rate")] == (False, "no erp/quotes export loaded")
    assert table[("Motors", "inquiry_to_quote_rate")] == (
        False, "no quotes to match: no erp/quotes export loaded and no Quote interactions "
               "logged for Motors")
    assert table[("Motors", "qualified_inquiries")][0]
    assert table[("Motors", "inquiry_response_12h")][0]
    assert reason_for(bare.workspace(), "Motors", "quote_to_purchase_rate", T) == \
        "no erp/quotes export loaded"


def test_no_lead_rows_make_the_power_lead_kpis_unmeasurable(bare) -> None:
    table = _table(bare)
    for kpi in ("lead_response_hours", "lead_to_site_visit_rate"):
        assert table[("Power", kpi)] == (False,
                                         "no Lead interactions logged for Power by 15 Jul 2026")
    assert table[("Power", "proposal_win_rate")] == (False, "no erp/quotes export loaded")


@pytest.mark.parametrize(("division", "kpi", "reason"), [
    ("Motors", "first_contact_resolution",
     "Resolved is blank on every Service Request and Complaint row"),
    ("Medical", "new_distributors",
     "no Distributor accounts in Medical (Account Type = Distributor)"),
    ("Medical", "distributor_order_frequency", "no erp/sales export loaded"),
    ("Medical", "quality_flag_resolution_hours", None),
    ("GRAS Restaurant", "online_review_score", "no reviews file loaded"),
    ("Cube 65 Clinic", "repeat_customer_rate", "no erp/sales export loaded"),
    ("Power", "stakeholder_confidence",
     "no survey answers: no survey file loaded and none entered in the app"),
    ("Power", "adoption_rate", None),
])
def test_each_missing_source_is_named(bare, division: str, kpi: str, reason: str | None) -> None:
    measurable, text = _table(bare)[(division, kpi)]
    assert (measurable, None if measurable else text) == (reason is None, reason)


def test_compliance_without_meetings_is_measured_as_not_held(bare) -> None:
    measurable, reason = _table(bare)[("Motors", "process_compliance")]
    assert measurable and reason == ("no review meetings recorded for Motors: every judged week "
                                     "counts as not held (0 %)")


def test_window_reasons_for_tiles(everything) -> None:
    cur, settings = everything.workspace(), everything.settings
    earlier = window_ending(dt.date(2026, 6, 10))  # 14 May – 10 Jun 2026: no Lead, no review
    assert reason_for(cur, "Power", "lead_response_hours", T, settings=settings,
                      window=earlier) == \
        "no Lead interactions logged for Power dated 14 May – 10 Jun 2026"
    assert reason_for(cur, "GRAS Restaurant", "online_review_score", T, settings=settings,
                      window=earlier) == "no GRAS Restaurant reviews with a Rating dated " \
                                         "14 May – 10 Jun 2026"
    # counts are real zeros in an empty window: never a reason
    assert reason_for(cur, "Motors", "qualified_inquiries", T, settings=settings,
                      window=earlier) is None
    # year on year needs last year's window too (19 Jun – 16 Jul 2025 holds the 7 Jul sale)
    assert reason_for(cur, "Medical", "avg_order_volume_yoy", T, settings=settings,
                      window=window_ending(T)) is None
    assert reason_for(cur, "Medical", "avg_order_volume_yoy", T, settings=settings,
                      window=window_ending(T, days=2)) == (  # 14–15 Jul 2026: the 14 Jul sale
        "no ERP sales to Medical distributors dated 15 Jul – 16 Jul 2025 to compare with")


def test_pilot_reasons_follow_the_pilot_calendar(everything) -> None:
    cur, settings = everything.workspace(), everything.settings
    assert reason_for(cur, "Motors", "adoption_rate", dt.date(2026, 7, 3), settings=settings) \
        == "the pilot's first week (29 Jun – 5 Jul 2026) has not ended by 3 Jul 2026"
    assert reason_for(cur, "Motors", "adoption_rate", dt.date(2026, 6, 1), settings=settings) \
        == ("no pilot start: no Motors interactions logged by 1 Jun 2026 and no pilot_start "
            "in settings.toml")


def test_no_customer_facing_staff_is_named(make_hub) -> None:
    rows = _people(Motors=["Inquiry"])
    rows["staff"] = [{**m, "Customer Facing": "No"} for m in rows["staff"]]
    hub = make_hub(**rows)
    assert reason_for(hub.workspace(), "Motors", "adoption_rate", T, settings=hub.settings) == \
        "no customer-facing staff of Motors on the Staff roster (Customer Facing = Yes)"


def test_a_broken_export_is_named_with_the_loader_message(make_hub) -> None:
    hub = make_hub(**_people(Power=["Lead"]), customers=[customer("EP1", "Power")],
                   quotes=[quote("Q2", dt.date(2026, 6, 1), "EP1", status="Won",
                                 closed=dt.date(2026, 7, 3))])
    assert reason_for(hub.workspace(), "Power", "proposal_win_rate", T) is None
    quotes = Path(hub.folder) / "erp" / "quotes.csv"
    quotes.write_text("Quote ID,Date,ERP Customer ID,Division,Salesperson,Amount,Status,"
                      "Closed Date\n", encoding="utf-8")
    emptied = HubLoader(hub.folder).get()
    cur = workspace(emptied.con, Store.for_settings(emptied.settings).read_all())
    assert reason_for(cur, "Power", "proposal_win_rate", T) == "erp/quotes.csv has no rows"
    quotes.unlink()
    (quotes.parent / "quotes.xlsx").write_bytes(b"this is not a workbook")
    broken = HubLoader(hub.folder).get()
    cur = workspace(broken.con, Store.for_settings(broken.settings).read_all())
    reason = reason_for(cur, "Power", "proposal_win_rate", T)
    assert reason.startswith("erp/quotes.xlsx could not be read (")
