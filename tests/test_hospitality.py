"""GRAS Restaurant and Cube 65 Clinic KPIs (metrics.md, Division KPIs) on one tiny hub with
hand-worked answers.

T = Mon 15 Jun 2026; window [a, b] = [19 May 2026, 15 Jun 2026]; end of T = 16 Jun 2026
00:00; the window last year = [a − 364, b − 364] = [20 May 2025, 16 Jun 2025]; the repeat
cohort = first sale in [T − 364, T − 183] = [16 Jun 2025, 14 Dec 2025].
"""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.calendar import window_ending
from metrics.hospitality import (avg_spend_per_customer_yoy, online_review_score,
                                 repeat_customer_rate)
from tests.hubfactory import (customer, kpi, sale)

T = dt.date(2026, 6, 15)
WINDOW = window_ending(T)
GRAS, CUBE = "GRAS Restaurant", "Cube 65 Clinic"
D = dt.date
SETTINGS = """
[divisions."GRAS Restaurant"]
targets = { avg_spend_per_customer_yoy = 0.3, repeat_customer_rate = 0.4, online_review_score = 4.0 }
"""




def review(day: dt.date, division: str | None, rating) -> dict:
    return {"Date": day, "Division": division, "Platform": "Google", "Rating": rating}


@pytest.fixture
def hub(make_hub):
    """Customers are GRAS unless named Z or X (see each sale)."""
    g = {"division": GRAS}
    sales = [
        # GRAS, this window
        sale("G1", D(2026, 5, 19), "A", 10_000, **g),     # a: counts
        sale("G2", D(2026, 6, 15), "B", 30_000, **g),     # T: counts
        sale("G3", D(2026, 6, 10), "C", None, **g),       # blank Amount: n, not the mean
        sale("G4", D(2026, 6, 11), "A", -10_000, **g),    # credit note: nowhere
        sale("G5", D(2026, 6, 16), "B", 99_000, **g),     # after T
        sale("G7", D(2026, 6, 1), "G", 20_000),           # blank Division → customer's GRAS
        # GRAS, last year's window
        sale("Y1", D(2025, 5, 20), "Q", 15_000, **g),     # a − 364: counts
        sale("Y2", D(2025, 5, 19), "Q", 90_000, **g),     # a − 365: out
        sale("Y3", D(2025, 6, 16), "P", 17_000, **g),     # b − 364: counts
        sale("Y4", D(2025, 6, 17), "Q", 90_000, **g),     # b − 363: out
        sale("S1", D(2025, 6, 15), "S", 16_000, **g),     # counts; S's first sale is T − 365
        # GRAS repeat cohort
        sale("P2", D(2025, 12, 16), "P", 5_000, **g),     # P first + 183 days: a repeat
        sale("R1", D(2025, 12, 14), "R", 8_000, **g),     # R first at T − 183 …
        sale("R2", D(2025, 12, 14), "R", 9_000, **g),     # … another document the same day
        sale("U1", D(2025, 12, 15), "U", 8_000, **g),     # U first at T − 182: not in cohort
        sale("U2", D(2025, 12, 20), "U", 8_000, **g),
        sale("V1", D(2025, 8, 1), "V", 8_000, **g),       # V first
        sale("V2", D(2025, 9, 1), "V", -5_000, **g),      # credit note: not a repeat
        sale("V3", D(2026, 2, 1), "V", 8_000, **g),       # first + 184 days: too late
        sale("W0", D(2025, 6, 1), "W", -2_000, **g),      # credit note: not W's first sale
        sale("W1", D(2025, 7, 1), "W", 8_000, **g),       # W first, no repeat
        sale("X1", D(2025, 7, 1), "X", 8_000, **g),       # X first in GRAS …
        sale("X2", D(2025, 8, 1), "X", 120_000, division=CUBE),  # … repeat only in Cube 65
        # Cube 65 Clinic, this window (none last year)
        sale("Z1", D(2026, 6, 12), "Z", 500_000, division=CUBE),
    ]
    customers = [customer(c, GRAS) for c in "ABCGQPSRUVWX"] + [customer("Z", CUBE)]
    reviews = [
        review(D(2026, 5, 19), GRAS, 5),      # a
        review(D(2026, 6, 15), GRAS, 4),      # T
        review(D(2026, 6, 1), GRAS, 3),
        review(D(2026, 6, 16), GRAS, 1),      # after T
        review(D(2026, 5, 18), GRAS, 1),      # a − 1
        review(D(2026, 6, 2), GRAS, 6),       # not a rating
        review(D(2026, 6, 3), GRAS, None),    # blank rating
        review(D(2026, 6, 4), None, 1),       # blank division
        review(D(2026, 6, 6), "Bakery", 1),   # unknown division
        review(D(2026, 6, 5), CUBE, 2),
    ]
    return make_hub(customers=customers, sales=sales, reviews=reviews, settings=SETTINGS)


def test_avg_spend_per_customer_yoy(hub):
    cur = hub.workspace()
    # GRAS this window: G1 10 k, G2 30 k, G7 20 k (its Division comes from the customer),
    # G3 blank → n = 4, mean (10 + 30 + 20) / 3 = 20 k. G4 credit note, G5 after T out.
    # Last year: Y1 (a − 364) 15 k, S1 16 k, Y3 (b − 364) 17 k → mean 16 k; Y2 (a − 365)
    # and Y4 (b − 363) out. value = 20 / 16 − 1 = 0.25 ≥ 0.15 → on track.
    out = avg_spend_per_customer_yoy(cur, window=WINDOW, as_of=T, division=GRAS)
    assert out.result == kpi("avg_spend_per_customer_yoy", pytest.approx(0.25), 20_000, 16_000,
                             4, 0.15, "higher", "on_track")
    rows = out.rows.set_index("document_id")
    assert set(rows.index) == {"G1", "G2", "G3", "G7", "Y1", "S1", "Y3"}
    assert list(rows.loc[["G1", "G3", "Y1"], "in_numerator"]) == [True, False, False]
    assert list(rows.loc[["G1", "G3", "Y1"], "in_denominator"]) == [False, False, True]
    assert rows.loc["G7", "customer_name"] == "Customer G"

    # The settings target 0.3: 0.25 misses it.
    out = avg_spend_per_customer_yoy(cur, window=WINDOW, as_of=T, division=GRAS,
                                     settings=hub.settings)
    assert out.result == kpi("avg_spend_per_customer_yoy", pytest.approx(0.25), 20_000, 16_000,
                             4, 0.3, "higher", "off_track")

    # Cube 65: Z1 500 k this window (n 1); no sale last year → value null, no_data.
    out = avg_spend_per_customer_yoy(cur, window=WINDOW, as_of=T, division=CUBE,
                                     settings=hub.settings)
    assert out.result == kpi("avg_spend_per_customer_yoy", None, 500_000, None, 1, 0.15,
                             "higher", "no_data")


def test_repeat_customer_rate(hub):
    cur = hub.workspace()
    # GRAS cohort (first sale in [16 Jun 2025, 14 Dec 2025]): P (first 16 Jun 2025 = T − 364;
    # P2 exactly 183 days later → repeat), R (first 14 Dec 2025 = T − 183; R2 the same day →
    # repeat), V (only a credit note, then a sale 184 days later → no), W (first sale
    # 1 Jul 2025, the earlier credit note is no sale → no), X (its second sale is Cube 65 →
    # no). Out: S (first = T − 365), U (first = T − 182), Q, A, B, C, G.
    # 2 / 5 = 0.4 < 0.5 → off track.
    out = repeat_customer_rate(cur, window=WINDOW, as_of=T, division=GRAS)
    assert out.result == kpi("repeat_customer_rate", 0.4, 2, 5, 5, 0.5, "higher", "off_track")
    rows = out.rows.set_index("erp_customer_id")
    assert dict(rows["in_numerator"]) == {"P": True, "R": True, "V": False, "W": False,
                                          "X": False}
    assert rows.loc["W", "first_document"] == "W1"
    assert rows.loc["P", "repeat_document"] == "P2"
    assert {rows.loc["R", "first_document"], rows.loc["R", "repeat_document"]} == {"R1", "R2"}

    # The settings target 0.4 is met at 0.4.
    out = repeat_customer_rate(cur, window=WINDOW, as_of=T, division=GRAS,
                               settings=hub.settings)
    assert out.result == kpi("repeat_customer_rate", 0.4, 2, 5, 5, 0.4, "higher", "on_track")

    # Cube 65: X's first Cube 65 sale (1 Aug 2025) is in the cohort, no other → 0 / 1 = 0.
    out = repeat_customer_rate(cur, window=WINDOW, as_of=T, division=CUBE)
    assert out.result == kpi("repeat_customer_rate", 0.0, 0, 1, 1, 0.5, "higher", "off_track")

    # As of 15 Jun 2025 the Cube 65 cohort [16 Jun 2024, 14 Dec 2024] is empty → 0 / 0.
    as_of = D(2025, 6, 15)
    out = repeat_customer_rate(cur, window=window_ending(as_of), as_of=as_of, division=CUBE)
    assert out.result == kpi("repeat_customer_rate", None, 0, 0, 0, 0.5, "higher", "no_data")
    assert out.rows.empty


def test_online_review_score(hub):
    cur = hub.workspace()
    # GRAS reviews in the window: 5 (a), 4 (T), 3 → mean 4.0, n 3 < 4.5 → off track. Out:
    # after T, a − 1, rating 6, blank rating, blank or unknown division, Cube 65's.
    out = online_review_score(cur, window=WINDOW, as_of=T, division=GRAS)
    assert out.result == kpi("online_review_score", 4.0, None, None, 3, 4.5, "higher",
                             "off_track")
    assert list(out.rows["rating"]) == [5, 3, 4]
    assert out.rows["in_numerator"].all()

    # The settings target 4.0 is met at 4.0.
    out = online_review_score(cur, window=WINDOW, as_of=T, division=GRAS,
                              settings=hub.settings)
    assert out.result == kpi("online_review_score", 4.0, None, None, 3, 4.0, "higher",
                             "on_track")

    # Cube 65: one review of 2; no settings override for Cube 65 → default 4.5.
    out = online_review_score(cur, window=WINDOW, as_of=T, division=CUBE,
                              settings=hub.settings)
    assert out.result == kpi("online_review_score", 2.0, None, None, 1, 4.5, "higher",
                             "off_track")

    # No review in [4 Jan, 31 Jan 2025] → value null, n 0, no_data.
    as_of = D(2025, 1, 31)
    out = online_review_score(cur, window=window_ending(as_of), as_of=as_of, division=GRAS)
    assert out.result == kpi("online_review_score", None, None, None, 0, 4.5, "higher",
                             "no_data")
