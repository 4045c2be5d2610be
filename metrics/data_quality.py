"""The data steward's workbench (issue 6): the fix list of entry errors, error rates per week,
per code and per logger, and a duplicate scan of accounts and contacts.

Who calls what: pages/data_quality.py renders these frames; the duplicate scan is cached there
per data signature (it reads the whole hub). Everything is counted from the loader's
``findings`` table (nothing is re-validated here), set-based in DuckDB.

Readings chosen where the spec leaves room:
- The fix list holds every entry-error finding of an interaction not dated after T, rows
  without a valid Date included (they are in no rate, but they are the rows to fix). One row
  per finding (per cell); ``problems_on_row`` counts the row's distinct codes; a blank cell's
  value reads ``(blank)``.
- "What needs action first": errors before warnings, then rows with more problems, then the
  row's most urgent code (:data:`CODE_PRIORITY`: a bad Date takes the row out of every
  number, a duplicate counts twice, ... a non-standard spelling is still counted), then the
  newest row (undated rows first); a row's findings stay together.
- Error rates use the definition of ``metrics.pilot.data_quality_error_rate``: entries =
  interactions dated in the period and ≤ T (of the division, or of every division when none
  is given, rows without a division included); an entry with at least one of the nine codes
  is an entry with errors.
- Per logger: the Logged By text as loaded (a roster variant counts as the roster name; an
  unknown name stays as typed, flagged ``on_roster`` false); ordered by name, never by rate.
- Duplicates: one row per pair of records. Exact matches pair every later record of a group
  with its first one (row order), so a group of k gives k − 1 pairs, not k²; similar names are
  compared between distinct normalised values inside a block (contacts: same first name;
  accounts: same first word), so two similar names in different blocks are never paired.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import duckdb
import pandas as pd
import plotly.graph_objects as go

from hub_data.contract import ENTRY_ERROR_CODES, FINDING_SEVERITY
from hub_data.privacy import mask_email, mask_frame, mask_phone
from hub_data.settings import Settings
from metrics.calendar import Window, end_of, monday, window_ending
from metrics.charts import STATUS_COLOURS, _layout
from metrics.inputs import fetch_frame
from metrics.result import Direction, KpiResult, ratio_result, status_for
from metrics.targets import DEFAULTS, target_for

KPI_ID = "data_quality_error_rate"

# What a steward does about each code, in words a steward understands.
FIXES: dict[str, str] = {
    "BAD_DATE": "Type a real date (e.g. 15/06/2026 09:30, or pick it in Excel); the Action "
                "Due Date cannot be before the interaction's Date.",
    "DUPLICATE": "Delete this row if it repeats the earlier entry named in the details; if it "
                 "is a different touchpoint, give it its own Interaction ID.",
    "MISSING_CONTACT": "Fill in the Contact ID: look the person up on the Contacts sheet (add "
                       "them there first if they are new).",
    "UNKNOWN_CONTACT": "Correct the Contact ID to one on the Contacts sheet (check for a typo), "
                       "or add the contact there first.",
    "ACCOUNT_MISMATCH": "Make the Account ID the contact's company (or leave it blank), or move "
                        "the contact to the right account on the Contacts sheet.",
    "MISSING_NEXT_ACTION": "Write the Next Action (what happens next), or 'No further action' "
                           "when the conversation is finished.",
    "MISSING_DUE_DATE": "Add an Action Due Date for the Next Action (or write 'No further "
                        "action').",
    "UNKNOWN_STAFF": "Write Logged By exactly as the Staff roster spells the name, or add the "
                     "new colleague to the roster.",
    "NONSTANDARD_VALUE": "Pick the value from the drop-down list, spelled exactly as the list "
                         "has it (e.g. WhatsApp, not whatsapp).",
    "DUPLICATE_ID": "Give this record its own ID, or delete it if it repeats the first one "
                    "(the first keeps the ID).",
    "UNKNOWN_ACCOUNT": "Correct the Associated Account ID to one on the Accounts sheet, or add "
                       "the company there first.",
    "MISSING_REQUIRED": "Fill in the blank required cell.",
    "BAD_AMOUNT": "Correct the Amount in the ERP export to a number (e.g. 1250000).",
    "BAD_RATING": "Correct the Rating to a whole number from 1 to 5.",
    "BAD_VALUE": "Use one of the allowed values, or map this one in erp/mapping.toml.",
    "BAD_BOOL": "Write Yes or No.",
    "BAD_ID": "Write the ID as text or a whole number (908, not 908.5).",
    "UNKNOWN_CUSTOMER": "Check the ERP Customer ID: this customer is missing from the ERP "
                        "customers export.",
    "BAD_EMAIL": "Correct the e-mail address (name@company.com, no spaces).",
    "BAD_PHONE": "Correct the phone number: 7 to 15 digits, e.g. 0803 123 4567.",
    "STAFF_NAME_VARIANT": "Write the name exactly as the Staff roster spells it.",
    "FORMULA_NO_VALUE": "Open the workbook in Excel and save it, so the formula's value is "
                        "stored (or type the value).",
    "OFF_LIST": "Pick the value from the list, spelled exactly as the list has it.",
}

# Most urgent first: a bad Date takes the row out of every number; a duplicate counts twice;
# a missing or unknown contact cannot be tied to a customer; the backlog needs the next step;
# a roster spelling affects adoption; a non-standard spelling is still counted.
CODE_PRIORITY: tuple[str, ...] = (
    "BAD_DATE", "DUPLICATE", "MISSING_CONTACT", "UNKNOWN_CONTACT", "ACCOUNT_MISMATCH",
    "MISSING_NEXT_ACTION", "MISSING_DUE_DATE", "UNKNOWN_STAFF", "NONSTANDARD_VALUE",
    "DUPLICATE_ID", "UNKNOWN_ACCOUNT", "MISSING_REQUIRED", "BAD_ID", "BAD_AMOUNT", "BAD_VALUE",
    "BAD_RATING", "BAD_BOOL", "UNKNOWN_CUSTOMER", "STAFF_NAME_VARIANT", "BAD_EMAIL",
    "BAD_PHONE", "OFF_LIST", "FORMULA_NO_VALUE")

# The problem in a few words (tables and charts); the code stays beside it for searching.
CODE_LABELS: dict[str, str] = {
    **{code: code.replace("_", " ").capitalize() for code in FINDING_SEVERITY},
    "BAD_DATE": "Date unreadable or out of order", "DUPLICATE": "Entered twice",
    "MISSING_CONTACT": "Contact ID blank", "UNKNOWN_CONTACT": "Contact ID not in Contacts",
    "ACCOUNT_MISMATCH": "Account ID not the contact's", "MISSING_NEXT_ACTION":
    "Next Action blank", "MISSING_DUE_DATE": "Due date missing", "UNKNOWN_STAFF":
    "Logged By not on roster", "NONSTANDARD_VALUE": "Not spelled as the list",
    "DUPLICATE_ID": "ID used twice", "STAFF_NAME_VARIANT": "Name spelled unlike the roster",
    "OFF_LIST": "Not a list value", "FORMULA_NO_VALUE": "Formula without a value",
}

# Fix list columns in display order, with the words a steward reads (export headers too).
FIX_LIST_COLUMNS: dict[str, str] = {
    "file": "Workbook", "excel_row": "Excel row", "column": "Column", "value": "Value found",
    "problem": "Problem", "fix": "What to do", "message": "Details", "logged_by": "Logged by",
    "date": "Date", "division": "Division", "week_start": "Week of",
    "interaction_id": "Interaction ID", "sheet": "Sheet", "problems_on_row": "Problems on row",
    "code": "Code", "severity": "Severity",
}
COACHING_COLUMNS: dict[str, str] = {
    "logged_by": "Logged by", "entries": "Entries", "entries_with_errors": "With an error",
    "error_rate": "Share with an error", "most_common_problem": "Most common problem",
    "fix": "Tip", "on_roster": "On the roster",
}
DUPLICATE_COLUMNS: dict[str, str] = {
    "kind": "Record", "name_1": "Name", "name_2": "Looks like", "reason": "Why",
    "score": "Name similarity", "id_1": "ID", "id_2": "Its ID", "file_1": "Workbook",
    "row_1": "Excel row", "file_2": "Its workbook", "row_2": "Its Excel row",
    "phone": "Shared phone", "email": "Shared e-mail", "evidence": "Signals",
}

_ENTRY = list(ENTRY_ERROR_CODES)
_PRIORITY = list(CODE_PRIORITY)
_FIXES_SQL = "map($fix_codes, $fix_texts)"
_LABELS_SQL = "map($label_codes, $label_texts)"


def _fix_params() -> dict[str, list[str]]:
    return {"fix_codes": list(FIXES), "fix_texts": list(FIXES.values()),
            "label_codes": list(CODE_LABELS), "label_texts": list(CODE_LABELS.values())}


def _fix_list_params(as_of: dt.date, division: str | None = None,
                     week_start: dt.date | None = None,
                     codes: str | Iterable[str] | None = None, logged_by: str | None = None,
                     all_findings: bool = False) -> dict[str, object]:
    """The bound values of :data:`_FIX_LIST_SQL`."""
    if codes is not None:
        codes = [codes] if isinstance(codes, str) else list(codes)
    return {"all_findings": all_findings, "entry": _ENTRY, "priority": _PRIORITY,
            "end": end_of(as_of), "division": division,
            "week": monday(week_start) if week_start else None, "codes": codes,
            "logged_by": logged_by, **_fix_params()}


# ------------------------------------------------------------------------------ fix list
_FIX_LIST_SQL = f"""
WITH f AS (
  SELECT f.* FROM findings f
  WHERE $all_findings OR (f."table" = 'interactions' AND list_contains($entry, f.code))),
first_account AS (
  SELECT account_id, arg_min(division, row_id) AS division FROM accounts GROUP BY account_id),
scoped AS (
  SELECT f.file, f.sheet, f.excel_row, f."column", coalesce(f.value, '(blank)') AS value,
         f.code, f.severity, f.message,
         f."table", f.row_id, i.interaction_id, i.date, i.logged_by,
         coalesce(i.division, a.division, ca.division) AS division,
         CAST(date_trunc('week', i.date) AS DATE) AS week_start,
         coalesce(list_position($priority, f.code), 99) AS priority
  FROM f
  LEFT JOIN interactions i ON f."table" = 'interactions' AND i.row_id = f.row_id
  LEFT JOIN accounts a ON f."table" = 'accounts' AND a.row_id = f.row_id
  LEFT JOIN contacts c ON f."table" = 'contacts' AND c.row_id = f.row_id
  LEFT JOIN first_account ca ON ca.account_id = c.account_id
  WHERE f."table" <> 'interactions' OR i.date IS NULL OR i.date < $end),
ranked AS (
  SELECT *, count(DISTINCT code) OVER row_w AS problems_on_row,
         min(priority) OVER row_w AS row_priority,
         min(CASE severity WHEN 'error' THEN 0 ELSE 1 END) OVER row_w AS row_severity
  FROM scoped
  WINDOW row_w AS (PARTITION BY "table", row_id))
SELECT file, sheet, excel_row, "column", value, code, {_LABELS_SQL}[code] AS problem,
       severity, {_FIXES_SQL}[code] AS fix, message, problems_on_row, division, week_start, date,
       logged_by, interaction_id, "table", row_id
FROM ranked
WHERE ($division IS NULL OR division = $division)
  AND ($week IS NULL OR week_start = $week)
  AND ($codes IS NULL OR list_contains($codes, code))
  AND ($logged_by IS NULL OR coalesce(logged_by, '') = $logged_by)
ORDER BY row_severity, problems_on_row DESC, row_priority, date DESC NULLS FIRST,
         file, sheet, excel_row, priority, "column"
"""


def fix_list(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date, division: str | None = None,
             week_start: dt.date | None = None, codes: str | Iterable[str] | None = None,
             logged_by: str | None = None, all_findings: bool = False) -> pd.DataFrame:
    """The steward's fix list: every entry-error finding (metrics.md, "Entry errors") of an
    interaction not dated after T, rows without a valid Date included, one row per finding:
    file, sheet, excel_row, column, value, code, problem (:data:`CODE_LABELS`), severity,
    fix (:data:`FIXES`), message,
    problems_on_row, division, week_start (ISO Monday of the Date), date, logged_by,
    interaction_id, table, row_id — what needs action first on top (module docstring).

    Filters: ``division``; ``week_start`` (rows dated in that ISO week; undated rows drop
    out); ``codes`` (one code or several); ``logged_by`` (``""`` selects a blank Logged By).
    ``all_findings``: every load finding instead (warnings, accounts, contacts, ERP, ...); a
    finding outside Interactions has no date and takes its division from its account.
    """
    frame = fetch_frame(cur, _FIX_LIST_SQL, _fix_list_params(
        as_of, division, week_start, codes, logged_by, all_findings))
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


def filter_options(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   division: str | None = None, all_findings: bool = False
                   ) -> dict[str, list]:
    """:func:`fix_options` of the fix list of ``division`` (every finding with
    ``all_findings``)."""
    return fix_options(fix_list(cur, as_of=as_of, division=division, all_findings=all_findings))


def fix_options(frame: pd.DataFrame) -> dict[str, list]:
    """What a fix list (a :func:`fix_list` frame, unfiltered) can be narrowed to: ``weeks``
    (Mondays with a finding, newest first), ``codes`` (most urgent first) and ``loggers``
    (names on interaction findings, ``""`` for a blank Logged By). Worked out from the frame
    a page already holds, not by reading the findings again."""
    rank = {code: k for k, code in enumerate(CODE_PRIORITY)}
    weeks = {week for week in frame["week_start"] if pd.notna(week)}
    codes = {code for code in frame["code"] if pd.notna(code)}
    loggers = {"" if pd.isna(name) else name
               for name in frame.loc[frame["table"] == "interactions", "logged_by"]}
    return {"weeks": sorted(weeks, reverse=True),
            "codes": sorted(codes, key=lambda c: (rank.get(c, 99), c)),
            "loggers": sorted(loggers, key=str.casefold)}


def rows_to_fix(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                division: str | None = None) -> tuple[int, int]:
    """(rows, undated): the interaction rows in the fix list of ``division`` (at least one
    entry error, not dated after T), and how many of them have no valid Date."""
    return fix_rows(fix_list(cur, as_of=as_of, division=division))


def fix_rows(frame: pd.DataFrame) -> tuple[int, int]:
    """:func:`rows_to_fix` from the entry-error fix list (a :func:`fix_list` frame without
    ``all_findings``, unfiltered): its distinct rows, and those without a valid Date."""
    return (int(frame["row_id"].nunique()),
            int(frame.loc[frame["date"].isna(), "row_id"].nunique()))


def fix_list_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The fix list with the steward's column names, in display order (for XLSX and CSV)."""
    shown = [c for c in FIX_LIST_COLUMNS if c in frame.columns]
    return frame[shown].rename(columns=FIX_LIST_COLUMNS)


# ------------------------------------------------------------------------------ rates
_ERRORS_CTE = """errs AS (SELECT DISTINCT row_id FROM findings
                      WHERE "table" = 'interactions' AND list_contains($entry, code))"""


def _target(settings: Settings | None, division: str | None) -> tuple[float | None, Direction]:
    """The division's target (settings may override it); every division: the default."""
    if settings is None or division is None:
        return DEFAULTS[KPI_ID]
    return target_for(settings, division, KPI_ID)


def window_error_rate(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                      division: str | None = None,
                      settings: Settings | None = None) -> KpiResult:
    """Entries with at least one entry error / entries, over the interactions dated in the
    window and ≤ T (the definition of metrics.pilot.data_quality_error_rate; target < 0.10);
    ``division`` None: every division. The headline tiles."""
    if division is not None:
        return window_error_rates(cur, window=window, as_of=as_of, divisions=[division],
                                  settings=settings)[division]
    entries, with_errors = cur.execute(f"""
        WITH {_ERRORS_CTE}
        SELECT count(*), count(e.row_id) FROM interactions i LEFT JOIN errs e USING (row_id)
        WHERE i.date >= $lo AND i.date < $hi""",
        {"entry": _ENTRY, "lo": window.lo, "hi": window.hi_until(as_of)}).fetchone()
    target, direction = _target(settings, None)
    return ratio_result(KPI_ID, int(with_errors), int(entries), target=target,
                        direction=direction)


def window_error_rates(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                       divisions: list[str],
                       settings: Settings | None = None) -> dict[str, KpiResult]:
    """:func:`window_error_rate` of each of ``divisions``, from one query (the overview shows
    every division's)."""
    counts = {division: (int(entries), int(with_errors))
              for division, entries, with_errors in cur.execute(f"""
        WITH {_ERRORS_CTE}
        SELECT i.division, count(*), count(e.row_id)
        FROM interactions i LEFT JOIN errs e USING (row_id)
        WHERE i.date >= $lo AND i.date < $hi AND list_contains($divisions, i.division)
        GROUP BY i.division""", {"entry": _ENTRY, "lo": window.lo,
                                 "hi": window.hi_until(as_of),
                                 "divisions": divisions}).fetchall()} if divisions else {}
    rates = {}
    for division in divisions:
        entries, with_errors = counts.get(division, (0, 0))
        target, direction = _target(settings, division)
        rates[division] = ratio_result(KPI_ID, with_errors, entries, target=target,
                                       direction=direction)
    return rates


def error_rate_by_week(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                       division: str | None = None, weeks: int = 12) -> pd.DataFrame:
    """Per ISO week, the ``weeks`` weeks ending with T's week (oldest first): week_start,
    week_end, complete (Sunday < T), entries (interactions dated in the week and ≤ T),
    entries_with_errors (with at least one entry error), error_rate (null without entries)."""
    first = monday(as_of) - dt.timedelta(days=7 * (weeks - 1))
    frame = fetch_frame(cur, f"""
        WITH w AS (SELECT CAST($first + INTERVAL (7 * k) DAY AS DATE) AS week_start
                   FROM range(0, $weeks) t(k)),
        {_ERRORS_CTE},
        r AS (SELECT CAST(date_trunc('week', i.date) AS DATE) AS week_start,
                     e.row_id IS NOT NULL AS has_error
              FROM interactions i LEFT JOIN errs e USING (row_id)
              WHERE i.date >= $lo AND i.date < $hi
                AND ($division IS NULL OR i.division = $division))
        SELECT w.week_start, w.week_start + 6 AS week_end, w.week_start + 6 < $as_of AS complete,
               count(r.week_start) AS entries,
               count(r.week_start) FILTER (r.has_error) AS entries_with_errors,
               count(r.week_start) FILTER (r.has_error) / NULLIF(count(r.week_start), 0)
                 AS error_rate
        FROM w LEFT JOIN r USING (week_start)
        GROUP BY ALL ORDER BY w.week_start""", {
            "first": first, "weeks": weeks, "entry": _ENTRY, "as_of": as_of,
            "lo": dt.datetime.combine(first, dt.time()), "hi": end_of(as_of),
            "division": division})
    for column in ("week_start", "week_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def errors_by_code(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                   division: str | None = None, week_start: dt.date | None = None,
                   logged_by: str | None = None) -> pd.DataFrame:
    """Per entry-error code (all nine, zeros included): rows (interaction rows not dated after
    T carrying it — the report's ``findings.by_code``), findings (cells), severity and fix;
    most rows first, ties in :data:`CODE_PRIORITY` order. Same filters as :func:`fix_list`."""
    frame = fetch_frame(cur, f"""
        WITH fl AS ({_FIX_LIST_SQL}),
        c AS (SELECT unnest($entry) AS code)
        SELECT c.code, count(DISTINCT fl.row_id) AS rows, count(fl.code) AS findings,
               'error' AS severity, {_FIXES_SQL}[c.code] AS fix
        FROM c LEFT JOIN fl USING (code)
        GROUP BY c.code
        ORDER BY rows DESC, list_position($priority, c.code)""",
        _fix_list_params(as_of, division, week_start, logged_by=logged_by))
    frame.insert(1, "label", frame["code"].map(CODE_LABELS))
    return frame


def error_rate_by_logger(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                         division: str | None = None,
                         window: Window | None = None) -> pd.DataFrame:
    """The coaching view: per Logged By of the entries dated in the window (default the 28
    days ending T) and ≤ T: entries, entries_with_errors, error_rate, most_common_code (the
    code on most of their entries; ties in :data:`CODE_PRIORITY` order) and its fix, and
    on_roster. Ordered by name (a coaching list, never a ranking); a blank Logged By is
    null."""
    window = window or window_ending(as_of)
    frame = fetch_frame(cur, f"""
        WITH r AS (
          SELECT i.row_id, i.logged_by, i.logged_by_on_roster FROM interactions i
          WHERE i.date >= $lo AND i.date < $hi
            AND ($division IS NULL OR i.division = $division)),
        codes AS (
          SELECT DISTINCT f.row_id, f.code FROM findings f JOIN r USING (row_id)
          WHERE f."table" = 'interactions' AND list_contains($entry, f.code)),
        per_code AS (
          SELECT r.logged_by, c.code, count(*) AS n FROM codes c JOIN r USING (row_id)
          GROUP BY ALL),
        top AS (
          SELECT logged_by, arg_min(code, (-n, list_position($priority, code)))
                   AS most_common_code
          FROM per_code GROUP BY logged_by)
        SELECT r.logged_by, count(*) AS entries,
               count(DISTINCT c.row_id) AS entries_with_errors,
               count(DISTINCT c.row_id) / count(*) AS error_rate,
               any_value(t.most_common_code) AS most_common_code,
               {_LABELS_SQL}[any_value(t.most_common_code)] AS most_common_problem,
               {_FIXES_SQL}[any_value(t.most_common_code)] AS fix,
               coalesce(bool_or(r.logged_by_on_roster), false) AS on_roster
        FROM r LEFT JOIN (SELECT DISTINCT row_id FROM codes) c USING (row_id)
        LEFT JOIN top t ON t.logged_by IS NOT DISTINCT FROM r.logged_by
        GROUP BY r.logged_by
        ORDER BY r.logged_by IS NULL, lower(r.logged_by), r.logged_by""", {
        "lo": window.lo, "hi": window.hi_until(as_of), "division": division,
        "entry": _ENTRY, "priority": _PRIORITY, **_fix_params()})
    return frame


# ------------------------------------------------------------------------------ duplicates
_TITLES = r"\b(mr|mrs|ms|miss|dr|engr|chief|alhaji|alhaja|prof|pastor|barr|sir|madam)\b"
_LEGAL = r"\b(ltd|limited|plc|inc|llc|co|company|nig)\b"


def _norm_sql(column: str, drop: str) -> str:
    """Lower case, accents and punctuation gone, ``drop`` words removed, spaces collapsed."""
    return (f"trim(regexp_replace(regexp_replace(regexp_replace(lower(strip_accents("
            f"coalesce({column}, ''))), '[^a-z0-9]+', ' ', 'g'), '{drop}', ' ', 'g'), "
            f"'\\s+', ' ', 'g'))")


# Similar names (same block, so the first word is equal): Jaro-Winkler ≥ 0.90 and at most
# one edit per six letters of the rest of the shorter name (at least one): Nwosu ~ Nwosuu,
# Okafor ~ Okafur, but not Agu ~ Ugwu or Nwafor ~ Okafor.
# (The CASE makes the cheap Jaro-Winkler run first: Damerau-Levenshtein is ~50× slower.)
_SIMILAR = """CASE WHEN jaro_winkler_similarity(a.norm, b.norm) >= 0.90
  THEN damerau_levenshtein(a.norm, b.norm)
       <= greatest(1, (least(len(a.norm), len(b.norm)) - len(a.block) - 1) // 6)
  ELSE false END"""


def _similar_pairs(p: str, source: str) -> str:
    """CTEs ``{p}_values`` (one record per tidied name), ``{p}_similar`` (similar names within
    a block) and ``{p}_pairs`` (exact ``{p}_exact`` and similar signals per pair of records)."""
    return f"""{p}_values AS (SELECT name_key, any_value(norm ORDER BY row_id) AS norm,
                    any_value(block ORDER BY row_id) AS block, min(row_id) AS rep
             FROM {source} GROUP BY name_key),
{p}_similar AS (
  SELECT 'similar' AS signal, least(a.rep, b.rep) AS r1, greatest(a.rep, b.rep) AS r2
  FROM {p}_values a JOIN {p}_values b ON a.block = b.block AND a.name_key < b.name_key
   AND abs(len(a.norm) - len(b.norm)) <= 3
  WHERE {_SIMILAR}),
{p}_pairs AS (
  SELECT r1, r2, list(DISTINCT signal) AS signals FROM (
    SELECT * FROM {p}_exact WHERE r1 <> r2 UNION ALL SELECT * FROM {p}_similar)
  GROUP BY r1, r2)"""


_DUPLICATES_SQL = f"""
WITH c AS (
  SELECT row_id, contact_id AS id, full_name AS name, source_file AS file, source_row AS excel_row,
         account_id, mobile AS phone, email,
         {_norm_sql('full_name', _TITLES)} AS norm
  FROM contacts),
cn AS (
  SELECT *, array_to_string(list_sort(string_split(norm, ' ')), ' ') AS name_key,
         split_part(norm, ' ', 1) AS block,
         CASE WHEN len(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) BETWEEN 7 AND 15
              THEN regexp_replace(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'),
                                  '^234([0-9]{{10}})$', '0\\1') END AS phone_key,
         CASE WHEN contains(email, '@') THEN lower(trim(email)) END AS email_key
  FROM c WHERE norm <> ''),
a AS (
  SELECT row_id, account_id AS id, company_name AS name, source_file AS file,
         source_row AS excel_row, division,
         {_norm_sql('company_name', _LEGAL)} AS norm
  FROM accounts),
an AS (SELECT *, norm AS name_key, split_part(norm, ' ', 1) AS block FROM a WHERE norm <> ''),
-- exact: every later record of a group paired with the group's first (row order)
c_exact AS (
  SELECT 'name' AS signal, min(row_id) OVER g AS r1, row_id AS r2 FROM cn
  WINDOW g AS (PARTITION BY name_key)
  UNION ALL
  SELECT 'phone', min(row_id) OVER (PARTITION BY phone_key), row_id FROM cn
  WHERE phone_key IS NOT NULL
  UNION ALL
  SELECT 'email', min(row_id) OVER (PARTITION BY email_key), row_id FROM cn
  WHERE email_key IS NOT NULL),
{_similar_pairs('c', 'cn')},
a_exact AS (
  SELECT 'name' AS signal, min(row_id) OVER (PARTITION BY name_key) AS r1,
         row_id AS r2 FROM an),
{_similar_pairs('a', 'an')},
contact_rows AS (
  SELECT 'Contact' AS kind, p.signals, x.id AS id_1, x.name AS name_1, x.file AS file_1,
         x.excel_row AS row_1, y.id AS id_2, y.name AS name_2, y.file AS file_2,
         y.excel_row AS row_2,
         CASE WHEN list_contains(p.signals, 'phone') THEN x.phone END AS phone,
         CASE WHEN list_contains(p.signals, 'email') THEN x.email END AS email,
         x.norm = y.norm OR x.name_key = y.name_key AS same_name,
         jaro_winkler_similarity(x.norm, y.norm) AS jw,
         x.account_id IS NOT DISTINCT FROM y.account_id AS same_group,
         split_part(x.norm, ' ', 1) AS block
  FROM c_pairs p JOIN cn x ON x.row_id = p.r1 JOIN cn y ON y.row_id = p.r2),
account_rows AS (
  SELECT 'Account' AS kind, p.signals, x.id, x.name, x.file, x.excel_row, y.id, y.name,
         y.file, y.excel_row, NULL, NULL, x.name_key = y.name_key,
         jaro_winkler_similarity(x.norm, y.norm), x.division IS NOT DISTINCT FROM y.division,
         x.block
  FROM a_pairs p JOIN an x ON x.row_id = p.r1 JOIN an y ON y.row_id = p.r2),
everything AS (SELECT * FROM contact_rows UNION ALL SELECT * FROM account_rows)
SELECT kind,
       concat_ws(' · ',
         CASE WHEN same_name THEN 'same name'
              WHEN list_contains(signals, 'similar')
              THEN 'similar name (both start with ''' || block || ''')' END,
         CASE WHEN list_contains(signals, 'phone') THEN 'same mobile number' END,
         CASE WHEN list_contains(signals, 'email') THEN 'same e-mail' END,
         CASE WHEN kind = 'Contact' AND same_group THEN 'same account'
              WHEN kind = 'Contact' THEN 'different accounts'
              WHEN same_group THEN 'same division' ELSE 'different divisions' END) AS reason,
       round(CASE WHEN same_name THEN 1.0 ELSE jw END, 3) AS score,
       id_1, name_1, file_1, row_1, id_2, name_2, file_2, row_2, phone, email,
       (same_name OR list_contains(signals, 'similar'))::INT
         + list_contains(signals, 'phone')::INT + list_contains(signals, 'email')::INT
         + same_group::INT AS evidence
FROM everything
ORDER BY evidence DESC, score DESC, kind DESC, id_1, id_2
"""


def duplicate_candidates(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Possible duplicate accounts and contacts in the whole hub, one row per pair of records:
    kind (Account / Contact), reason (the signals in words), score (Jaro-Winkler similarity
    of the tidied names; 1 when equal after tidying), id/name/file/row of both records, the
    shared phone and e-mail, and evidence (how many signals agree: name, phone, e-mail, same
    account — for accounts: name, same division). Strongest first.

    Tidying: lower case, accents and punctuation removed, spaces collapsed; people lose
    titles (Mr, Dr, Engr, Chief, ...) and word order (``Nwosu Emeka`` = ``Emeka Nwosu``);
    companies lose legal forms (Ltd, Limited, Plc, ...). Phones compare their digits (+234
    803… = 0803…), e-mails case-insensitively. Exact matches pair each later record with the
    first of its group; similar names (Jaro-Winkler ≥ 0.90 and at most 1–3 edits by length)
    are only compared within a block: contacts with the same first name, accounts with the
    same first word.
    """
    frame = fetch_frame(cur, _DUPLICATES_SQL)
    return frame


# ------------------------------------------------------------------------------ display
def mask_contacts(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with e-mails and phones masked (viewers, meeting mode): the duplicate list's
    shared phone/e-mail, and the value of BAD_EMAIL/BAD_PHONE findings in a fix list."""
    masked = mask_frame(frame)
    if {"code", "value"} <= set(masked.columns):
        email, phone = masked["code"] == "BAD_EMAIL", masked["code"] == "BAD_PHONE"
        masked.loc[email, "value"] = masked.loc[email, "value"].map(mask_email)
        masked.loc[phone, "value"] = masked.loc[phone, "value"].map(mask_phone)
    return masked


def week_label(week_start: dt.date, end: dt.date | None = None) -> str:
    """``13–19 Jul 2026`` (across months: ``29 Jun – 5 Jul 2026``); ``end`` for a week so far."""
    end = end or week_start + dt.timedelta(days=6)
    if week_start.month == end.month:
        return f"{week_start.day}–{end.day} {end:%b %Y}"
    return f"{week_start.day} {week_start:%b} – {end.day} {end:%b %Y}"


def fig_error_rate_by_week(weeks: pd.DataFrame, target: float | None,
                           min_n: int = 10) -> go.Figure:
    """Bars: the share of entries with an error per ISO week (:func:`error_rate_by_week`),
    green under the target, red at or over it, grey with fewer than ``min_n`` entries (never
    a red light from 1 of 2); the week containing T hatched; the target as a dashed line."""
    rates = weeks["error_rate"].astype(float)
    colours = [STATUS_COLOURS["no_data" if entries < min_n else
                              status_for(None if pd.isna(rate) else rate, target, "lower")]
               for rate, entries in zip(rates, weeks["entries"])]
    labels = [f"{w:%d %b}" for w in weeks["week_start"]]
    fig = go.Figure()
    fig.add_bar(x=labels, y=rates * 100, marker_color=colours,
                marker_pattern_shape=["" if c else "/" for c in weeks["complete"]],
                text=[("–" if pd.isna(r) else f"{r * 100:.0f}%") for r in rates],
                textposition="outside", name="Entries with an error",
                customdata=weeks[["entries_with_errors", "entries"]].to_numpy(),
                hovertemplate="Week of %{x}: %{y:.1f}% (%{customdata[0]} of "
                              "%{customdata[1]} entries)<extra></extra>")
    if target is not None:
        fig.add_hline(y=target * 100, line_dash="dash", line_color="#111827",
                      annotation_text=f"target < {target * 100:.0f}%",
                      annotation_position="top left")
    top = max([target * 100 if target else 0, *[r * 100 for r in rates.dropna()], 5])
    fig.update_yaxes(title_text="Entries with an error (%)", range=[0, min(100, top) * 1.2 + 2],
                     gridcolor="#e5e7eb")
    fig.update_xaxes(title_text="Week starting (hatched: this week so far)", type="category")
    return _layout(fig, "Share of new entries with an error, per week", 380)


def fig_errors_by_code(codes: pd.DataFrame) -> go.Figure:
    """Horizontal bars: interaction rows carrying each entry-error code
    (:func:`errors_by_code`), most first; codes without rows are left out."""
    shown = codes[codes["rows"] > 0].sort_values("rows", ascending=True)
    fig = go.Figure()
    fig.add_bar(x=shown["rows"], y=shown["label"], orientation="h",
                marker_color=STATUS_COLOURS["off_track"], text=shown["rows"],
                textposition="outside", hovertemplate="%{y}: %{x:,} rows<extra></extra>")
    fig.update_xaxes(title_text="Rows to fix", gridcolor="#e5e7eb",
                     range=[0, max([*shown["rows"], 1]) * 1.2])
    fig.update_yaxes(title_text=None, categoryorder="array", categoryarray=list(shown["label"]))
    return _layout(fig, "Rows to fix, by problem", max(300, 40 * len(shown) + 130))


def sparkline(weeks: pd.DataFrame) -> list[float]:
    """Weekly error rates in percent for a tile's sparkline (weeks without entries left out)."""
    return [round(float(r) * 100, 1) for r in weeks["error_rate"] if pd.notna(r)]

