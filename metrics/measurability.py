"""Which KPIs can we measure with today's data, and if not, why (ui.md: "No data is not zero").

For every division of the report and every KPI of its panel (the four pilot metrics plus the
division KPIs of the registry) :func:`measurability` says measurable or not and why in words:
the source or the rows that are missing ("no erp/quotes export loaded", "no Site Visit
interactions logged for Power", "no Distributor accounts in Medical", …). :func:`reason_for`
gives the same reason for one tile, optionally for the tile's window ("no Lead interactions
dated 18 Jun – 15 Jul 2026"). Pure SQL over the loaded tables and the ``files`` table; the
cursor comes from :func:`metrics.inputs.workspace` (review meetings and survey answers entered
in the app are read from its ``store_`` views). Called by pages/measurability.py and by tiles.

Readings chosen where the spec leaves room:
- A KPI is measurable when every source it reads is loaded and holds at least one relevant
  row of the division dated ≤ T; the reason of a measurable KPI says what it is measured from
  (and any caveat).
- Counts (qualified_inquiries, new_distributors) are measured even when the window holds
  nothing (0 is a true count), so a window never makes them unmeasurable.
- process_compliance with no review meeting ever recorded for the division stays measurable
  (metrics.md: a week without a meeting counts as not held), with that caveat as its reason.
- A type that has never been logged for the division (no Site Visit rows at all) makes the
  rates that depend on it unmeasurable rather than a misleading 0 %.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from hub_data.settings import Settings
from metrics.calendar import Window, end_of
from metrics.formatting import day
from metrics.inputs import execute_named
from metrics.pilot import headline_week, pilot_start
from metrics.registry import PILOT_METRICS, division_metrics
from metrics.report import report_divisions

COLUMNS = ["division", "kpi_id", "label", "measurable", "reason", "source"]
YEAR_AGO_DAYS = 364
REPEAT_FIRST_DAYS, REPEAT_LAST_DAYS = 364, 183
_EARLIEST = dt.datetime(1900, 1, 1)
# The loaded files behind each source: (files.kind, file name stem or None, what people call it)
FILE_SOURCES = {
    "hub": ("hub workbook", None, "Hub workbook"),
    "customers": ("erp table", "customers", "erp/customers export"),
    "sales": ("erp table", "sales", "erp/sales export"),
    "quotes": ("erp table", "quotes", "erp/quotes export"),
    "reviews": ("reviews", None, "reviews file"),
    "survey": ("survey", None, "survey file"),
}


@dataclass(frozen=True)
class Need:
    """One prerequisite: ``ok`` and, in words, what was found (ok) or what is missing."""

    ok: bool
    text: str
    note: bool = False  # an ok prerequisite whose text is a caveat worth showing


@dataclass(frozen=True)
class FileState:
    """What the ``files`` table says about one source: loaded files, rows, failures."""

    loaded: tuple[str, ...]
    rows: int
    failed: tuple[tuple[str, str], ...]


def _days(start: dt.date, end: dt.date) -> str:
    """``22 Jun – 15 Jul 2026`` (the year once when both days share it)."""
    if start.year == end.year:
        return f"{start.day} {start:%b} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def file_states(cur: duckdb.DuckDBPyConnection) -> dict[str, FileState]:
    """Per source of :data:`FILE_SOURCES`: the files loaded (with their row count) and the
    files that failed (with the loader's message)."""
    rows = cur.execute("""
        SELECT file, kind, status, coalesce(message, '') AS message,
               coalesce(list_sum(map_values(sheets)), 0) AS rows,
               lower(regexp_replace(regexp_replace(file, '^.*/', ''), '\\.[^.]*$', '')) AS stem
        FROM files ORDER BY file""").fetchall()
    states = {}
    for source, (kind, stem, _) in FILE_SOURCES.items():
        mine = [r for r in rows if r[1] == kind and (stem is None or r[5] == stem)]
        states[source] = FileState(
            tuple(r[0] for r in mine if r[2] == "loaded"),
            sum(int(r[4]) for r in mine if r[2] == "loaded"),
            tuple((r[0], r[3]) for r in mine if r[2] == "failed"))
    return states


class _Probe:
    """Answers the prerequisite questions for one division as of T (optionally a window)."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, files: dict[str, FileState],
                 division: str, as_of: dt.date, settings: Settings | None,
                 window: Window | None) -> None:
        self.cur, self.files, self.division = cur, files, division
        self.as_of, self.settings, self.window = as_of, settings, window
        self.end_t = end_of(as_of)
        self.start = as_of  # the pilot's start, set by :meth:`pilot`

    # -- helpers
    def count(self, sql: str, **params: Any) -> int:
        row = execute_named(self.cur, sql, {"division": self.division, **params}).fetchone()
        return int(row[0] or 0)

    def bounds(self, windowed: bool, shift_days: int = 0) -> tuple[dt.datetime, dt.datetime, str]:
        """(lo, hi, words): the window (shifted back) when asked for one, else all time ≤ T."""
        if windowed and self.window is not None:
            w = self.window.shifted(-shift_days)
            hi = min(w.hi, self.end_t)
            return w.lo, hi, f" dated {_days(w.start, min(w.end, self.as_of))}"
        if shift_days:
            last = self.as_of - dt.timedelta(days=shift_days)
            return _EARLIEST, end_of(last), f" dated by {day(last)}"
        return _EARLIEST, self.end_t, f" by {day(self.as_of)}"

    def file(self, source: str) -> Need:
        state, name = self.files[source], FILE_SOURCES[source][2]
        if state.loaded and state.rows:
            return Need(True, f"{_plural(state.rows, 'row')} in {', '.join(state.loaded)}")
        if state.loaded:
            return Need(False, f"{', '.join(state.loaded)} has no rows")
        if state.failed:
            file, message = state.failed[0]
            return Need(False, f"{file} could not be read ({message or 'see Data status'})")
        return Need(False, f"no {name} loaded")

    def hub(self) -> Need:
        return self.file("hub")

    def interactions(self, types: list[str], windowed: bool = True,
                     what: str | None = None) -> Need:
        """Interactions of the division, of one of ``types`` (listed values), dated ≤ T."""
        lo, hi, when = self.bounds(windowed)
        n = self.count("""
            SELECT count(*) FROM interactions
            WHERE division = $division AND interaction_type_listed
              AND list_contains($types, interaction_type) AND date >= $lo AND date < $hi""",
                       types=types, lo=lo, hi=hi)
        what = what or " or ".join(types)
        if n:
            return Need(True, f"{_plural(n, what + ' interaction')}{when}")
        return Need(False, f"no {what} interactions logged for {self.division}{when}")

    # -- the pilot
    def pilot(self) -> Iterator[Need]:
        start = pilot_start(self.cur, division=self.division, as_of=self.as_of,
                            settings=self.settings)
        if start is None:
            yield Need(False, f"no pilot start: no {self.division} interactions logged by "
                              f"{day(self.as_of)} and no pilot_start in settings.toml")
            return
        if start > self.as_of:
            yield Need(False, f"the pilot starts on {day(start)}, after {day(self.as_of)}")
            return
        if headline_week(start, self.as_of) == 0:
            yield Need(False, f"the pilot's first week ("
                              f"{_days(start, start + dt.timedelta(days=6))}) has not ended "
                              f"by {day(self.as_of)}")
            return
        self.start = start
        yield Need(True, f"pilot started {day(start)}")

    def roster(self) -> Need:
        n = self.count("SELECT count(*) FROM staff WHERE division = $division AND customer_facing")
        if n:
            return Need(True, f"{_plural(n, 'customer-facing staff member')} on the roster")
        return Need(False, f"no customer-facing staff of {self.division} on the Staff roster "
                           "(Customer Facing = Yes)")

    def pilot_entries(self) -> Need:
        n = self.count("""SELECT count(*) FROM interactions WHERE division = $division
                          AND date >= $lo AND date < $hi""",
                       lo=dt.datetime.combine(self.start, dt.time()), hi=self.end_t)
        if n:
            return Need(True, f"{n:,} {'entry' if n == 1 else 'entries'} since the pilot started")
        return Need(False, f"no {self.division} interactions logged since the pilot started "
                           f"({day(self.start)})")

    def meetings(self) -> Need:
        n = self.count("""SELECT count(*) FROM store_review_meetings
                          WHERE lower(trim(division)) = lower(trim($division)) AND used_hub
                            AND held_on <= $as_of""", as_of=self.as_of)
        if n:
            return Need(True, f"{_plural(n, 'review meeting')} recorded")
        return Need(True, f"no review meetings recorded for {self.division}: every judged "
                          "week counts as not held (0 %)", note=True)

    def survey(self) -> Need:
        app = self.count("SELECT count(*) FROM store_survey_answers")
        if not self.files["survey"].loaded and not app:
            failed = self.files["survey"].failed
            why = (f"{failed[0][0]} could not be read" if failed else "no survey file loaded")
            return Need(False, f"no survey answers: {why} and none entered in the app")
        n = self.count("""
            SELECT (SELECT count(*) FROM survey WHERE division = $division
                      AND date BETWEEN $lo AND $as_of AND ease_of_use BETWEEN 1 AND 5
                      AND value BETWEEN 1 AND 5)
                 + (SELECT count(*) FROM store_survey_answers
                    WHERE lower(trim(division)) = lower(trim($division))
                      AND answered_on BETWEEN $lo AND $as_of
                      AND ease_of_use BETWEEN 1 AND 5 AND value BETWEEN 1 AND 5)""",
                       lo=self.start, as_of=self.as_of)
        when = f" dated {_days(self.start, self.as_of)}"
        if n:
            return Need(True, f"{_plural(n, 'survey answer')}{when}")
        return Need(False, f"no survey answers for {self.division}{when}")

    # -- ERP
    def erp_quotes(self, statuses: list[str] | None = None, windowed: bool = True) -> Need:
        """The division's ERP quotes (of ``statuses`` by their closing day, else by Date)."""
        lo, hi, when = self.bounds(windowed)
        if statuses is None:
            n = self.count("""SELECT count(*) FROM erp_quotes WHERE division = $division
                              AND date >= $lo AND date < $hi""", lo=lo, hi=hi)
            what = f"{self.division} ERP quotes"
        else:
            n = self.count("""SELECT count(*) FROM erp_quotes WHERE division = $division
                              AND list_contains($statuses, status)
                              AND coalesce(closed_date, date) >= $lo
                              AND coalesce(closed_date, date) < $hi""",
                           statuses=statuses, lo=lo, hi=hi)
            what = f"{self.division} ERP quotes closed as {' or '.join(statuses)}"
        if n:
            return Need(True, f"{n:,} {what}{when}")
        return Need(False, f"no {what} in {', '.join(self.files['quotes'].loaded)}{when}")

    def closed_dates(self) -> Need:
        n = self.count("""SELECT count(closed_date) FROM erp_quotes WHERE division = $division
                          AND status IN ('Won', 'Lost')""")
        if n:
            return Need(True, f"{_plural(n, 'Closed Date value')}")
        return Need(True, "no Closed Date values: the quote's Date is taken as its closing day",
                    note=True)

    def quotes_for_inquiries(self) -> Need:
        hub = self.count("""
            SELECT count(*) FROM interactions
            WHERE interaction_type_listed AND interaction_type = 'Quote' AND date < $hi
              AND (division = $division OR account_id IN
                   (SELECT account_id FROM accounts WHERE division = $division))""",
                         hi=self.end_t)
        quotes = self.files["quotes"]
        erp = linked = 0
        if quotes.loaded:
            erp = self.count("""SELECT count(*) FROM erp_quotes WHERE division = $division
                                AND date <= $as_of""", as_of=self.as_of)
            linked = self.count("""
                SELECT count(*) FROM erp_quotes q WHERE q.division = $division
                  AND q.date <= $as_of AND q.erp_customer_id IN (
                    SELECT erp_customer_id FROM accounts WHERE division = $division)""",
                                as_of=self.as_of)
        if hub or linked:
            parts = [_plural(hub, "Quote interaction")] if hub else []
            parts += [f"{_plural(linked, 'ERP quote')} of linked accounts"] if linked else []
            return Need(True, " and ".join(parts))
        none_logged = f"no Quote interactions logged for {self.division}"
        if not quotes.loaded:
            return Need(False, f"no quotes to match: {self.file('quotes').text} and "
                               f"{none_logged}")
        if not erp:
            return Need(False, f"no quotes to match: no {self.division} quotes in "
                               f"{', '.join(quotes.loaded)} and {none_logged}")
        return Need(False, f"no quotes to match: no {self.division} account's ERP Customer ID "
                           f"matches a quote in {', '.join(quotes.loaded)}, and {none_logged}")

    def resolved_values(self) -> Need:
        n = self.count("""SELECT count(resolved) FROM interactions WHERE division = $division
                          AND interaction_type_listed
                          AND interaction_type IN ('Service Request', 'Complaint')""")
        if n:
            return Need(True, f"Resolved filled in on {_plural(n, 'row')}")
        return Need(False, "Resolved is blank on every Service Request and Complaint row")

    def distributors(self) -> Need:
        n = self.count("""SELECT count(*) FROM accounts WHERE division = $division
                          AND account_type = 'Distributor'""")
        if n:
            return Need(True, _plural(n, "Distributor account"))
        return Need(False, f"no Distributor accounts in {self.division} (Account Type = "
                           "Distributor)")

    def linked_distributors(self) -> Need:
        n = self.count("""SELECT count(*) FROM accounts WHERE division = $division
                          AND account_type = 'Distributor' AND erp_customer_id IS NOT NULL""")
        if n:
            return Need(True, f"{n:,} with an ERP Customer ID")
        return Need(False, f"no {self.division} Distributor account has an ERP Customer ID, so "
                           "their ERP sales cannot be found")

    def distributor_sales(self, windowed: bool = True, shift_days: int = 0,
                          amounts: bool = False) -> Need:
        lo, hi, when = self.bounds(windowed, shift_days)
        n = self.count(f"""
            SELECT count(*) FROM erp_sales s
            WHERE s.erp_customer_id IN (SELECT erp_customer_id FROM accounts
                                        WHERE division = $division AND account_type = 'Distributor')
              AND {'s.amount > 0' if amounts else '(s.amount IS NULL OR s.amount > 0)'}
              AND s.date >= $lo AND s.date < $hi""", lo=lo, hi=hi)
        what = f"ERP sales to {self.division} distributors"
        if n:
            return Need(True, f"{n:,} {what}{when}")
        later = " to compare with" if shift_days else ""
        return Need(False, f"no {what}{when}{later}")

    def acquisitions(self) -> Need:
        distributors = """(SELECT {key} FROM accounts WHERE division = $division
                             AND account_type = 'Distributor')"""
        signed = self.count(f"""
            SELECT count(*) FROM interactions WHERE interaction_type = 'Distributor Signed'
              AND date < $hi AND account_id IN {distributors.format(key='account_id')}""",
                            hi=self.end_t)
        sales = self.count(f"""
            SELECT count(*) FROM erp_sales WHERE date < $hi AND (amount IS NULL OR amount > 0)
              AND erp_customer_id IN {distributors.format(key='erp_customer_id')}""",
                           hi=self.end_t)
        if signed or sales:
            return Need(True, f"{_plural(signed, 'Distributor Signed interaction')} and "
                              f"{_plural(sales, 'ERP sale')} to distributors")
        return Need(False, "no Distributor Signed interactions logged and no ERP sales to "
                           f"{self.division} distributors")

    def division_sales(self, windowed: bool = True, shift_days: int = 0) -> Need:
        lo, hi, when = self.bounds(windowed, shift_days)
        n = self.count("""SELECT count(*) FROM erp_sales WHERE division = $division
                          AND amount > 0 AND date >= $lo AND date < $hi""", lo=lo, hi=hi)
        what = f"{self.division} ERP sales with an Amount"
        if n:
            return Need(True, f"{n:,} {what}{when}")
        later = ", nothing to compare with" if shift_days else ""
        return Need(False, f"no {what}{when}{later}")

    def repeat_cohort(self) -> Need:
        first_lo = self.as_of - dt.timedelta(days=REPEAT_FIRST_DAYS)
        first_hi = self.as_of - dt.timedelta(days=REPEAT_LAST_DAYS)
        n = self.count("""
            SELECT count(*) FROM (
              SELECT erp_customer_id, min(date) AS first FROM erp_sales
              WHERE division = $division AND (amount IS NULL OR amount > 0) AND date < $hi
                AND erp_customer_id IS NOT NULL GROUP BY erp_customer_id)
            WHERE first BETWEEN $first_lo AND $first_hi""",
                       hi=self.end_t, first_lo=first_lo, first_hi=first_hi)
        when = _days(first_lo, first_hi)
        if n:
            return Need(True, f"{_plural(n, 'customer')} whose first sale is dated {when}")
        return Need(False, f"no {self.division} customer's first ERP sale is dated {when}, so "
                           "nobody has had 183 days to come back")

    def reviews(self) -> Need:
        lo, hi, when = self.bounds(True)
        n = self.count("""SELECT count(*) FROM reviews WHERE division = $division
                          AND rating BETWEEN 1 AND 5 AND date >= $lo AND date < $hi""",
                       lo=lo, hi=hi)
        if n:
            return Need(True, f"{_plural(n, 'review')}{when}")
        return Need(False, f"no {self.division} reviews with a Rating{when}")


# What each KPI reads (shown as the "source" column) and its prerequisites, in order: the
# first one missing is the reason. Each evaluator is a generator so later (costlier or
# dependent) questions are only asked when the earlier ones pass.
Evaluator = Callable[[_Probe], Iterator[Need]]


def _adoption(p: _Probe) -> Iterator[Need]:
    yield from p.pilot()
    yield p.roster()


def _errors(p: _Probe) -> Iterator[Need]:
    yield from p.pilot()
    yield p.pilot_entries()


def _compliance(p: _Probe) -> Iterator[Need]:
    yield from p.pilot()
    yield p.meetings()


def _confidence(p: _Probe) -> Iterator[Need]:
    yield from p.pilot()
    yield p.survey()


def _typed(*types: str, windowed: bool = True, what: str | None = None) -> Evaluator:
    def evaluate(p: _Probe) -> Iterator[Need]:
        yield p.hub()
        yield p.interactions(list(types), windowed, what)
    return evaluate


def _inquiry_to_quote(p: _Probe) -> Iterator[Need]:
    yield p.hub()
    yield p.interactions(["Inquiry"])
    yield p.quotes_for_inquiries()


def _quote_to_purchase(p: _Probe) -> Iterator[Need]:
    yield p.file("quotes")
    yield p.erp_quotes()


def _first_contact(p: _Probe) -> Iterator[Need]:
    yield p.hub()
    yield p.interactions(["Service Request", "Complaint"])
    yield p.resolved_values()


def _lead_to_visit(p: _Probe) -> Iterator[Need]:
    yield p.hub()
    yield p.interactions(["Lead"])
    yield p.interactions(["Site Visit"], windowed=False)


def _win_rate(p: _Probe) -> Iterator[Need]:
    yield p.file("quotes")
    yield p.erp_quotes(["Won", "Lost"])
    yield p.closed_dates()


def _sales_cycle(p: _Probe) -> Iterator[Need]:
    yield p.file("quotes")
    yield p.erp_quotes(["Won"])
    yield p.closed_dates()


def _new_distributors(p: _Probe) -> Iterator[Need]:
    yield p.hub()
    yield p.distributors()
    yield p.acquisitions()


def _order_frequency(p: _Probe) -> Iterator[Need]:
    yield p.file("sales")
    yield p.distributors()
    yield p.linked_distributors()
    yield p.distributor_sales()


def _order_volume(p: _Probe) -> Iterator[Need]:
    yield p.file("sales")
    yield p.distributors()
    yield p.linked_distributors()
    yield p.distributor_sales(amounts=True)
    yield p.distributor_sales(shift_days=YEAR_AGO_DAYS, amounts=True)


def _spend(p: _Probe) -> Iterator[Need]:
    yield p.file("sales")
    yield p.division_sales()
    yield p.division_sales(shift_days=YEAR_AGO_DAYS)


def _repeat(p: _Probe) -> Iterator[Need]:
    yield p.file("sales")
    yield p.repeat_cohort()


def _reviews(p: _Probe) -> Iterator[Need]:
    yield p.file("reviews")
    yield p.reviews()


CHECKS: dict[str, tuple[str, Evaluator]] = {
    "adoption_rate": ("Hub Staff roster + Interactions (Logged By)", _adoption),
    "data_quality_error_rate": ("Hub Interactions + load findings", _errors),
    "process_compliance": ("review meetings recorded in the dashboard", _compliance),
    "stakeholder_confidence": ("survey file + answers entered in the app", _confidence),
    "qualified_inquiries": ("Hub Interactions (Inquiry)",
                            _typed("Inquiry", windowed=False)),
    "inquiry_response_12h": ("Hub Interactions (Inquiry and what follows)", _typed("Inquiry")),
    "inquiry_to_quote_rate": ("Hub Interactions (Inquiry, Quote) + erp/quotes",
                              _inquiry_to_quote),
    "quote_to_purchase_rate": ("erp/quotes (+ erp/sales Quote ID)", _quote_to_purchase),
    "first_contact_resolution": ("Hub Interactions (Service Request, Complaint; Resolved)",
                                 _first_contact),
    "lead_response_hours": ("Hub Interactions (Lead and what follows)", _typed("Lead")),
    "lead_to_site_visit_rate": ("Hub Interactions (Lead, Site Visit)", _lead_to_visit),
    "proposal_win_rate": ("erp/quotes (Status, Closed Date)", _win_rate),
    "avg_sales_cycle_days": ("erp/quotes (Won) + Hub Interactions (Lead)", _sales_cycle),
    "new_distributors": ("Hub Accounts (Distributor) + Interactions + erp/sales",
                         _new_distributors),
    "distributor_order_frequency": ("Hub Accounts (Distributor, ERP Customer ID) + erp/sales",
                                    _order_frequency),
    "avg_order_volume_yoy": ("Hub Accounts (Distributor) + erp/sales, this year and last",
                             _order_volume),
    "quality_flag_resolution_hours": ("Hub Interactions (Quality Flag, Quality Resolved)",
                                      _typed("Quality Flag")),
    "avg_spend_per_customer_yoy": ("erp/sales, this year and last", _spend),
    "repeat_customer_rate": ("erp/sales (first sales 6–12 months ago)", _repeat),
    "online_review_score": ("reviews file", _reviews),
}


def _verdict(probe: _Probe, kpi_id: str) -> tuple[bool, str]:
    found: list[Need] = []
    for need in CHECKS[kpi_id][1](probe):
        if not need.ok:
            return False, need.text
        found.append(need)
    notes = [n.text for n in found if n.note]
    basis = [n.text for n in found[1:] if not n.note] or [n.text for n in found if not n.note]
    return True, "; ".join(notes) if notes else "measured from " + "; ".join(basis)


def reason_for(cur: duckdb.DuckDBPyConnection, division: str, kpi_id: str, as_of: dt.date, *,
               settings: Settings | None = None, window: Window | None = None,
               files: dict[str, FileState] | None = None) -> str | None:
    """Why ``kpi_id`` cannot be measured for ``division`` as of T, in words (e.g. "no erp/quotes
    export loaded"), or None when it can. With ``window`` (a tile's window) the rows it counts
    must also be dated in that window (year-on-year KPIs: in that window and the same window
    last year), so a grey tile can say "no Lead interactions dated 18 Jun – 15 Jul 2026".
    ``files``: :func:`file_states`, when the caller asks for several KPIs."""
    probe = _Probe(cur, files if files is not None else file_states(cur), division, as_of,
                   settings, window)
    measurable, reason = _verdict(probe, kpi_id)
    return None if measurable else reason


def measurability(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                  settings: Settings | None = None,
                  divisions: list[str] | None = None) -> pd.DataFrame:
    """One row per (division, KPI of its panel: the pilot metrics, then the registry's division
    KPIs): division, kpi_id, label, measurable (bool), reason (what is missing, or what it is
    measured from and any caveat), source (what the KPI reads). Divisions: the report's."""
    files = file_states(cur)
    records = []
    for division in divisions if divisions is not None else report_divisions(cur):
        for spec in (*PILOT_METRICS, *division_metrics(division)):
            probe = _Probe(cur, files, division, as_of, settings, None)
            measurable, reason = _verdict(probe, spec.id)
            records.append({"division": division, "kpi_id": spec.id, "label": spec.label,
                            "measurable": measurable, "reason": reason,
                            "source": CHECKS[spec.id][0]})
    return pd.DataFrame(records, columns=COLUMNS)
