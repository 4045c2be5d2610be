"""Every finding code of the contract, computed set-based in DuckDB SQL (pandera-style: all
problems collected in one ``findings`` table, one row per cell, or per row for row-level codes).

Each finding names the file, sheet, Excel row, column and value, says in words what to fix,
and points back at the loaded row (``table``, ``row_id``) so the metrics can count findings by
week and division without re-deriving them. None depends on the as-of date.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import duckdb

from hub_data.contract import FINDING_SEVERITY
from hub_data.database import PREPARED
from hub_data.sql import WS

WS_CLASS = WS[:-1]  # the white-space character class, without its "+"
EMAIL_OK = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
PHONE_DIGITS = r"^\d{7,15}$"


@dataclass(frozen=True)
class Check:
    """One finding rule: rows of ``source`` where ``condition`` holds get ``code`` on ``column``.

    ``source`` is SQL with the raw row as ``r`` (and usually the typed row as ``t``);
    ``message`` is a SQL expression (string literals quoted) saying what to fix.
    """

    table: str
    column: str
    raw: str
    code: str
    condition: str
    message: str


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _blank(expr: str) -> str:
    """SQL: the cell is empty or only white space (what clean() turns into NULL, tested by
    one match instead of a rewrite)."""
    return f"({expr} IS NULL OR regexp_full_match({expr}, '{WS_CLASS}*'))"


def _off_list(table: str, column: str, header: str) -> Check:
    """OFF_LIST: a listed value outside Interactions not written exactly as a list value."""
    return Check(table, header, f"r.{column}", "OFF_LIST",
                 f"NOT {_blank('r.' + column)} AND NOT r.{column}_exact",
                 f"CASE WHEN r.{column}_list IS NULL THEN 'not in the {header} list"
                 + (": map it in erp/mapping.toml or correct it" if table.startswith("erp") else "")
                 + f"' ELSE 'write it exactly as the list does: ' || r.{column}_list END")


def _checks_interactions() -> list[Check]:
    """The Interactions rules. Where a typed column says the same as a test of the raw cell,
    the typed column is read (no second regular expression per cell on a million rows):
    ``t.interaction_id``, ``t.contact_id``, ``t.next_action``, ``t.channel`` and
    ``t.interaction_type`` are NULL exactly when their cells are blank (clean() and parse_id()
    return NULL only for blank text), ``t.closes`` is the closing-word test, ``t.resolved`` is
    parse_bool() of the cell, ``c`` is the row's contact (the LEFT JOIN of _source), and a
    cell that typed to a date or an ID was not blank."""
    t = "interactions"
    return [
        Check(t, "Interaction ID", "coalesce(r.interaction_id, r.forms_id)", "MISSING_REQUIRED",
              "t.interaction_id IS NULL",
              _q("Interaction ID is blank: give the row a unique ID.")),
        Check(t, "Interaction ID", "r.interaction_id", "DUPLICATE", "d.row_id IS NOT NULL",
              "CASE WHEN d.dup_id THEN 'same Interaction ID as Excel row ' || d.first_row || "
              "' of ' || d.first_file || ': delete the double entry or give it a new ID' "
              "ELSE 'same contact, day, channel, type and notes as Excel row ' || d.first_row || "
              "' of ' || d.first_file || ': probably submitted twice; delete one' END"),
        Check(t, "Contact ID", "r.contact_id", "MISSING_CONTACT", "t.contact_id IS NULL",
              _q("Contact ID is blank: pick the contact from the Contacts sheet.")),
        Check(t, "Contact ID", "r.contact_id", "UNKNOWN_CONTACT",
              "t.contact_id IS NOT NULL AND c.contact_id IS NULL",
              _q("this Contact ID is not in Contacts: correct the ID or add the contact first.")),
        Check(t, "Next Action", "r.next_action", "MISSING_NEXT_ACTION", "t.next_action IS NULL",
              _q("Next Action is blank: write the next step, or 'No further action'.")),
        Check(t, "Action Due Date", "r.due_date", "MISSING_DUE_DATE",
              "t.next_action IS NOT NULL AND NOT t.closes AND CASE WHEN t.due_date IS NULL "
              f"THEN {_blank('r.due_date')} ELSE false END",
              _q("a Next Action without an Action Due Date: add the date it is due.")),
        Check(t, "Date", "r.date", "BAD_DATE", "t.date IS NULL",
              "CASE WHEN clean(r.date) IS NULL THEN 'Date is blank: enter when it happened' "
              "ELSE 'not a date: use a real Excel date or DD/MM/YYYY (optionally HH:MM)' END"),
        Check(t, "Action Due Date", "r.due_date", "BAD_DATE",
              f"CASE WHEN t.due_date IS NULL THEN NOT {_blank('r.due_date')} "
              "ELSE t.date IS NOT NULL AND CAST(t.due_date AS DATE) < CAST(t.date AS DATE) END",
              "CASE WHEN t.due_date IS NULL THEN 'not a date: use a real Excel date or DD/MM/YYYY' "
              "ELSE 'the due date is before the interaction Date: correct one of them' END"),
        *[Check(t, header, f"r.{col}", "NONSTANDARD_VALUE",
                f"t.{col} IS NULL OR NOT t.{col}_exact",
                f"CASE WHEN {_blank('r.' + col)} THEN '{header} is blank: pick it from the list' "
                f"WHEN NOT t.{col}_listed THEN 'not in the {header} list: pick a list value' "
                f"ELSE 'write it exactly as the list does: ' || t.{col} END")
          for header, col in (("Channel", "channel"), ("Interaction Type", "interaction_type"))],
        Check(t, "Division", "r.division", "NONSTANDARD_VALUE",
              f"NOT t.division_exact AND NOT {_blank('r.division')}",
              "CASE WHEN t.division_entered IS NULL THEN 'not in the Divisions list: pick a list "
              "value or leave blank for the account''s division' "
              "ELSE 'write it exactly as the list does: ' || t.division_entered END"),
        Check(t, "Logged By", "coalesce(r.logged_by, r.forms_name)", "UNKNOWN_STAFF",
              "NOT t.logged_by_on_roster",
              "CASE WHEN clean(coalesce(r.logged_by, r.forms_name)) IS NULL "
              "THEN 'Logged By is blank: enter who logged it' "
              "ELSE 'not on the Staff roster: spell the name as the roster does, or add the "
              "person to Staff' END"),
        Check(t, "Logged By", "coalesce(r.logged_by, r.forms_name)", "STAFF_NAME_VARIANT",
              "t.logged_by_on_roster AND coalesce(r.logged_by, r.forms_name) <> t.logged_by",
              "'counted as ' || t.logged_by || '; write the name exactly as the roster does'"),
        # A typed Account ID is the row's own when its cell is not blank, else the contact's.
        Check(t, "Account ID", "r.account_id", "ACCOUNT_MISMATCH",
              "c.account_id IS NOT NULL AND t.account_id <> c.account_id",
              "'the contact belongs to account ' || c.account_id || ': correct the Account ID "
              "or leave it blank'"),
        Check(t, "Resolved", "r.resolved", "BAD_BOOL",
              f"t.resolved IS NULL AND NOT {_blank('r.resolved')}",
              _q("Resolved must be Yes or No.")),
    ]


def _checks_people() -> list[Check]:
    checks: list[Check] = []
    for table, column, header in (("accounts", "account_id", "Account ID"),
                                  ("contacts", "contact_id", "Contact ID")):
        checks.append(Check(
            table, header, f"r.{column}", "DUPLICATE_ID",
            f"parse_id(r.{column}) IS NOT NULL AND t.row_id IS NULL",
            _q(f"this {header} appears earlier: the first row wins; give this one a new ID or "
               "merge the rows.")))
    checks.append(Check("staff", "Name", "r.name", "DUPLICATE_ID",
                        "clean(r.name) IS NOT NULL AND t.row_id IS NULL",
                        _q("this person is already on the roster: the first row wins; "
                           "delete the repeat.")))
    required = (("accounts", (("account_id", "Account ID"), ("company_name", "Company Name"),
                              ("division", "Division"))),
                ("contacts", (("contact_id", "Contact ID"), ("full_name", "Full Name"),
                              ("account_id", "Associated Account ID"))),
                ("staff", (("name", "Name"), ("division", "Division"),
                           ("customer_facing", "Customer Facing"))),
                ("erp_customers", (("erp_customer_id", "ERP Customer ID"),
                                   ("customer_name", "Customer Name"))),
                ("erp_sales", (("document_id", "Document ID"), ("date", "Date"),
                               ("erp_customer_id", "ERP Customer ID"))),
                ("erp_quotes", (("quote_id", "Quote ID"), ("date", "Date"),
                                ("erp_customer_id", "ERP Customer ID"), ("status", "Status"))),
                ("reviews", (("date", "Date"), ("division", "Division"), ("rating", "Rating"))),
                ("survey", (("date", "Date"), ("division", "Division"),
                            ("ease_of_use", "Ease of Use"), ("value", "Value"))))
    for table, columns in required:
        for column, header in columns:
            checks.append(Check(table, header, f"r.{column}", "MISSING_REQUIRED",
                                _blank(f"r.{column}"), _q(f"{header} is blank: fill it in.")))
    for table, column, header in (("accounts", "division", "Division"),
                                  ("accounts", "account_type", "Account Type"),
                                  ("staff", "division", "Division")):
        checks.append(_off_list(table, column, header))
    checks += [
        Check("contacts", "Associated Account ID", "r.account_id", "UNKNOWN_ACCOUNT",
              "t.account_id IS NOT NULL AND t.account_id NOT IN (SELECT account_id FROM accounts)",
              _q("this Account ID is not in Accounts: correct it or add the account first.")),
        Check("contacts", "Email", "r.email", "BAD_EMAIL",
              f"NOT {_blank('r.email')} AND NOT regexp_full_match(trim(r.email), {_q(EMAIL_OK)})",
              _q("not an e-mail address like name@company.com: check for spaces or typos.")),
        *[Check(table, header, f"r.{column}", "BAD_PHONE",
                f"NOT {_blank('r.' + column)} AND NOT regexp_full_match("
                f"regexp_replace(regexp_replace(trim(r.{column}), '[\\s\\-()]', '', 'g'), '^\\+', ''),"
                f" '{PHONE_DIGITS}')",
                _q("not a phone number: 7 to 15 digits, e.g. 0803 123 4567 or +234 803 123 4567."))
          for table, column, header in (("contacts", "mobile", "Mobile Number"),
                                        ("accounts", "main_phone", "Main Phone Number"))],
        Check("accounts", "Account Owner", "r.account_owner", "STAFF_NAME_VARIANT",
              "t.owner_on_roster AND r.account_owner <> t.account_owner",
              "'counted as ' || t.account_owner || '; write the name exactly as the roster does'"),
        Check("staff", "Customer Facing", "r.customer_facing", "BAD_BOOL",
              f"NOT {_blank('r.customer_facing')} AND parse_bool(r.customer_facing) IS NULL",
              _q("Customer Facing must be Yes or No.")),
    ]
    for table, column, header in (("staff", "start_date", "Start Date"),
                                  ("staff", "leave_date", "Leave Date")):
        checks.append(Check(table, header, f"r.{column}", "BAD_DATE",
                            f"NOT {_blank('r.' + column)} AND t.{column} IS NULL",
                            _q("not a date: use a real Excel date or DD/MM/YYYY.")))
    for table, column, header in (("interactions", "interaction_id", "Interaction ID"),
                                  ("interactions", "contact_id", "Contact ID"),
                                  ("interactions", "account_id", "Account ID"),
                                  ("accounts", "account_id", "Account ID"),
                                  ("accounts", "erp_customer_id", "ERP Customer ID"),
                                  ("contacts", "contact_id", "Contact ID"),
                                  ("contacts", "account_id", "Associated Account ID")):
        checks.append(Check(table, header, f"r.{column}", "BAD_ID",
                            f"is_bad_id(r.{column})",
                            _q("an ID cannot be a decimal number: type the ID as written.")))
    return checks


def _checks_erp() -> list[Check]:
    checks: list[Check] = [
        Check("erp_customers", "ERP Customer ID", "r.erp_customer_id", "DUPLICATE_ID",
              "parse_id(r.erp_customer_id) IS NOT NULL AND t.row_id IS NULL",
              _q("this customer ID appears earlier in the export: the first row wins.")),
    ]
    for table in ("erp_sales", "erp_quotes"):
        checks += [
            Check(table, "Date", "r.date", "BAD_DATE",
                  f"NOT {_blank('r.date')} AND parse_ts(r.date, $mdy) IS NULL",
                  _q("not a date: export dates as YYYY-MM-DD or DD/MM/YYYY.")),
            Check(table, "Amount", "r.amount", "BAD_AMOUNT",
                  f"NOT {_blank('r.amount')} AND parse_amount(r.amount) IS NULL",
                  _q("not an amount: digits with optional ₦, thousands commas and a decimal "
                     "point (e.g. ₦1,250,000.00).")),
            Check(table, "ERP Customer ID", "r.erp_customer_id", "UNKNOWN_CUSTOMER",
                  "parse_id(r.erp_customer_id) IS NOT NULL AND parse_id(r.erp_customer_id) "
                  "NOT IN (SELECT erp_customer_id FROM erp_customers)",
                  _q("this customer is not in the customers export.")),
        ]
    checks.append(Check(
        "erp_quotes", "Status", "r.status", "BAD_VALUE",
        f"NOT {_blank('r.status')} AND r.status_list IS NULL",
        _q("Status must be Open, Won or Lost: map this value in erp/mapping.toml "
           "([quotes.values.Status]).")))
    for table in ("reviews", "survey"):
        columns = (("rating", "Rating"),) if table == "reviews" else (
            ("ease_of_use", "Ease of Use"), ("value", "Value"))
        for column, header in columns:
            checks.append(Check(table, header, f"r.{column}", "BAD_RATING",
                                f"NOT {_blank('r.' + column)} AND parse_rating(r.{column}) IS NULL",
                                _q(f"{header} must be a whole number from 1 to 5.")))
        checks.append(Check(table, "Date", "r.date", "BAD_DATE",
                            f"NOT {_blank('r.date')} AND parse_ts(r.date, $mdy) IS NULL",
                            _q("not a date: use YYYY-MM-DD or DD/MM/YYYY.")))
    for table in ("erp_customers", "erp_sales", "erp_quotes", "reviews", "survey"):
        checks.append(_off_list(table, "division", "Division"))
    return checks


def _interaction_dups(con: duckdb.DuckDBPyConnection) -> None:
    """``interaction_dups``: the rows that repeat an earlier row (DUPLICATE), found by hash
    aggregation, with the Excel row and file of the first one."""
    con.execute("""
        CREATE TEMP TABLE interaction_dups AS
        WITH keyed AS (
          SELECT row_id, interaction_id, contact_id, CAST(date AS DATE) AS day, channel,
                 interaction_type, lower(trim(coalesce(notes, ''))) AS notes_key
          FROM interactions),
        by_id AS (
          SELECT interaction_id, min(row_id) AS first_id FROM keyed
          WHERE interaction_id IS NOT NULL GROUP BY interaction_id HAVING count(*) > 1),
        by_content AS (
          SELECT contact_id, day, channel, interaction_type, notes_key, min(row_id) AS first_id
          FROM keyed WHERE contact_id IS NOT NULL AND day IS NOT NULL
          GROUP BY ALL HAVING count(*) > 1),
        dups AS (
          SELECT k.row_id, bi.first_id IS NOT NULL AND k.row_id > bi.first_id AS dup_id,
                 CASE WHEN bi.first_id IS NOT NULL AND k.row_id > bi.first_id THEN bi.first_id
                      ELSE bc.first_id END AS first_id
          FROM keyed k
          LEFT JOIN by_id bi ON bi.interaction_id = k.interaction_id
          LEFT JOIN by_content bc ON bc.contact_id = k.contact_id AND bc.day = k.day
               AND bc.channel IS NOT DISTINCT FROM k.channel
               AND bc.interaction_type IS NOT DISTINCT FROM k.interaction_type
               AND bc.notes_key = k.notes_key
          WHERE (bi.first_id IS NOT NULL AND k.row_id > bi.first_id)
             OR (bc.first_id IS NOT NULL AND k.row_id > bc.first_id))
        SELECT d.row_id, d.dup_id, f.source_row AS first_row, f.source_file AS first_file
        FROM dups d JOIN interactions f ON f.row_id = d.first_id""")


def _source(table: str, only_hits: bool = False) -> str:
    """The rows a check reads: raw (or prepared) cells as ``r``, typed values as ``t`` (for
    interactions also the duplicate verdict ``d`` and the contact ``c``); ``only_hits``
    narrows them to the rows of ``finding_hits`` (as ``h``)."""
    raw = f"prep_{table}" if table in PREPARED else f"raw_{table}"
    rows = f"finding_hits h JOIN {raw} r ON r.row_id = h.row_id" if only_hits else f"{raw} r"
    if table == "interactions":
        return (f"{rows} JOIN interactions t ON t.row_id = r.row_id "
                "LEFT JOIN interaction_dups d ON d.row_id = r.row_id "
                "LEFT JOIN contacts c ON c.contact_id = t.contact_id")
    return f"{rows} LEFT JOIN {table} t ON t.row_id = r.row_id"


def _case(checks: list[Check], pick: Callable[[Check], str]) -> str:
    return "CASE h.k " + " ".join(f"WHEN {k} THEN {pick(c)}" for k, c in enumerate(checks)) + " END"


def _insert(con: duckdb.DuckDBPyConnection, table: str, checks: list[Check], mdy: bool,
            into: str = "findings") -> None:
    """All checks of one table: one scan evaluates every condition (only booleans), then the
    few rows that break a rule get their value and message."""
    assert len(checks) < 63, "one bit per rule in a BIGINT"
    # One integer per row with a bit per broken rule: plain vectorised arithmetic; only the
    # few rows with a bit set are expanded into (row, rule) pairs.
    mask = " + ".join(f"CASE WHEN coalesce({c.condition}, false) THEN {1 << k} ELSE 0 END"
                      for k, c in enumerate(checks))
    params = {"mdy": mdy}
    scan = f"""CREATE OR REPLACE TEMP TABLE finding_hits AS
               SELECT row_id, k FROM (
                 SELECT row_id, unnest(list_filter(range({len(checks)}),
                                                   lambda k: (mask >> k) & 1 = 1)) AS k
                 FROM (SELECT r.row_id, CAST({mask} AS BIGINT) AS mask FROM {_source(table)})
                 WHERE mask <> 0)"""
    con.execute(scan, params if "$mdy" in scan else None)
    insert = f"""
        INSERT INTO {into}
        SELECT r.source_file, r.source_sheet, r.source_row,
               {_case(checks, lambda c: _q(c.column))},
               {_case(checks, lambda c: f"CAST({c.raw} AS VARCHAR)")},
               {_case(checks, lambda c: _q(c.code))},
               {_case(checks, lambda c: _q(FINDING_SEVERITY[c.code]))},
               {_case(checks, lambda c: f"CAST({c.message} AS VARCHAR)")},
               {_q(table)}, r.row_id
        FROM {_source(table, only_hits=True)}
        ORDER BY r.row_id, h.k"""
    con.execute(insert, params if "$mdy" in insert else None)


def _checks_by_table() -> dict[str, list[Check]]:
    by_table: dict[str, list[Check]] = {}
    for check in _checks_interactions() + _checks_people() + _checks_erp():
        by_table.setdefault(check.table, []).append(check)
    return by_table


def interaction_findings(con: duckdb.DuckDBPyConnection, date_order: str) -> None:
    """Insert the Interactions findings into ``findings`` (the table must exist, see
    database.py)."""
    _interaction_dups(con)
    _insert(con, "interactions", _checks_by_table()["interactions"], date_order == "MDY")
    con.execute("DROP TABLE interaction_dups")
    con.execute("DROP TABLE IF EXISTS finding_hits")


def other_findings(con: duckdb.DuckDBPyConnection, date_order: str,
                   into: str = "findings") -> None:
    """Insert the findings of every table but Interactions into ``into`` (a table shaped like
    ``findings``), table by table in the contract's order."""
    for table, checks in _checks_by_table().items():
        if table != "interactions":
            _insert(con, table, checks, date_order == "MDY", into)
    con.execute("DROP TABLE IF EXISTS finding_hits")


def formula_findings(con: duckdb.DuckDBPyConnection) -> None:
    """FORMULA_NO_VALUE: one warning per formula cell saved without its value."""
    sources = " UNION ALL ".join(
        f"SELECT '{table}' AS tbl, row_id, source_file, source_sheet, source_row FROM raw_{table}"
        for table in ("accounts", "contacts", "interactions", "staff"))
    con.execute(f"""
        INSERT INTO findings
        SELECT g.file, g.sheet, g.excel_row, g."column", g.formula, 'FORMULA_NO_VALUE',
               'warning', 'a formula without a saved value (the file was written by a program, '
               || 'not saved by Excel): open it in Excel and save it, so the results are stored',
               r.tbl, r.row_id
        FROM formula_gaps g LEFT JOIN ({sources}) r
          ON r.source_file = g.file AND r.source_sheet = g.sheet AND r.source_row = g.excel_row
        ORDER BY g.file, g.sheet, g.excel_row""")
