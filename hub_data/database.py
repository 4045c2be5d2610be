"""Create the DuckDB tables from the text tables the readers produced; owns all DDL.

Set-based SQL in two stages: ``raw_<table>`` is every loaded row as text with its row id and
source (file, sheet, Excel row) — Arrow tables registered as views for the build only, never
copied into the file; the typed table of the same name (accounts, contacts, interactions, staff,
lists, erp_customers, erp_sales, erp_quotes, reviews, survey) holds the values the metrics read.
Row ids are the rows' positions in file-name order, then Excel row order, so the same files
always give the same ids. Accounts, Contacts and Staff keep the first row of each ID (later
ones are DUPLICATE_ID findings, see validate.py); every finding carries its raw cell value.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from hub_data.contract import (ACCOUNTS, CLOSING_WORDS, CONTACTS, DEFAULT_LISTS,
                               ENTRY_ERROR_CODES, ERP_CUSTOMERS, ERP_QUOTES, ERP_SALES,
                               INTERACTIONS, LISTS, QUOTE_STATUSES, REVIEWS, STAFF, SURVEY,
                               SheetSpec)
from hub_data.sql import create_macros
from hub_data.workbook import ROW_COLUMN

STAGED_SPECS: tuple[SheetSpec, ...] = (ACCOUNTS, CONTACTS, INTERACTIONS, STAFF, LISTS,
                                       ERP_CUSTOMERS, ERP_SALES, ERP_QUOTES, REVIEWS, SURVEY)
LIST_NAMES = tuple(DEFAULT_LISTS)
CLOSING_SQL = "(" + ", ".join(f"'{word}'" for word in CLOSING_WORDS) + ")"


@dataclass
class Staging:
    """Text tables gathered from every readable file, plus the ERP value maps."""

    parts: dict[str, list[pa.Table]] = field(default_factory=dict)
    value_maps: list[tuple[str, str, str, str]] = field(default_factory=list)
    workbooks: list[str] = field(default_factory=list)
    raw: dict[str, pa.Table] = field(default_factory=dict)
    # Per table, each part's (file, sheet, order, the table as read): what same_rows compares.
    sources: dict[str, list[tuple[str, str, int, pa.Table]]] = field(default_factory=dict)

    def add(self, spec: SheetSpec, table: pa.Table, file: str, sheet: str, order: int) -> None:
        """Append one sheet's rows, tagged with where they came from."""
        self.sources.setdefault(spec.table, []).append((file, sheet, order, table))
        zeros = pa.array(np.zeros(table.num_rows, dtype=np.int32))
        tagged = table.append_column("source_file", _constant(zeros, file))
        tagged = tagged.append_column("source_sheet", _constant(zeros, sheet))
        tagged = tagged.append_column("file_order", pa.array(np.full(table.num_rows, order,
                                                                     dtype=np.int32)))
        self.parts.setdefault(spec.table, []).append(tagged)


def same_rows(one: Staging, other: Staging, tables: tuple[str, ...]) -> bool:
    """Whether two stagings hold the very same tables as read (not equal copies: the same
    objects), from the same files in the same order, for ``tables``, and the same workbooks
    (whose lists they use): then every row id, list and table built from them is the same."""
    if one.workbooks != other.workbooks or one.value_maps != other.value_maps:
        return False
    for table in tables:
        mine, theirs = one.sources.get(table, []), other.sources.get(table, [])
        if len(mine) != len(theirs) or any(a[:3] != b[:3] or a[3] is not b[3]
                                           for a, b in zip(mine, theirs)):
            return False
    return True


def _constant(zeros: pa.Array, value: str) -> pa.Array:
    """A column holding ``value`` on every row, as a one-entry dictionary (no per-row copy)."""
    return pa.DictionaryArray.from_arrays(zeros, pa.array([value], pa.string()))


SCAN_BATCH_ROWS = 65_536


def insert_rows(con: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple]) -> None:
    """``executemany`` that accepts an empty list (DuckDB refuses one)."""
    if rows:
        con.executemany(sql, rows)


def _empty(spec: SheetSpec) -> pa.Table:
    text = pa.dictionary(pa.int32(), pa.string())
    fields = [pa.field(col.column, pa.string()) for col in spec.columns]
    fields += [pa.field(ROW_COLUMN, pa.int32()), pa.field("source_file", text),
               pa.field("source_sheet", text), pa.field("file_order", pa.int32())]
    return pa.schema(fields).empty_table()


def stage(con: duckdb.DuckDBPyConnection, staging: Staging) -> None:
    """``raw_<table>``: every staged row as text, with its row id (its position in file-name
    order, then Excel row order: parts are concatenated in that order, so no sort).

    The raw rows are Arrow tables registered as views for the build only (scanned in place,
    never copied into the database): findings carry the raw value of every cell they name.
    """
    for spec in STAGED_SPECS:
        columns = _empty(spec).column_names
        parts = sorted(staging.parts.get(spec.table) or [_empty(spec)],
                       key=lambda part: part["file_order"][0].as_py() if part.num_rows else -1)
        combined = pa.concat_tables([part.select(columns) for part in parts])
        combined = combined.rename_columns(
            ["source_row" if name == ROW_COLUMN else name for name in columns])
        combined = combined.append_column(
            "row_id", pa.array(range(1, combined.num_rows + 1), pa.int64()))
        # In slices (zero-copy): DuckDB scans an Arrow table one batch per thread, so a
        # sheet read as one batch would be typed and checked on one core only.
        combined = pa.Table.from_batches(combined.to_batches(max_chunksize=SCAN_BATCH_ROWS),
                                         combined.schema)
        staging.raw[spec.table] = combined  # the view reads this table in place: keep it alive
        con.register(f"raw_{spec.table}", combined)


def _lists(con: duckdb.DuckDBPyConnection, staging: Staging) -> None:
    """``lists``: each workbook's effective lists (its Lists column, with the row it came from,
    else the contract's default, without a source row), and under file '*' the union that ERP,
    review and survey rows are checked against (plus the quote statuses); ``list_norm`` maps a
    normalised value to its list value; ``value_norm`` is mapping.toml's value maps, keyed the
    same way."""
    con.execute("""CREATE TABLE lists (row_id BIGINT, source_file VARCHAR, source_sheet VARCHAR,
                   source_row INTEGER, list VARCHAR, value VARCHAR)""")
    defaults = [(name, value) for name, values in DEFAULT_LISTS.items() for value in values]
    insert_rows(con, "INSERT INTO lists VALUES (NULL, ?, NULL, NULL, ?, ?)",
                [(f, n, v) for f in staging.workbooks for n, v in defaults])
    for name in LIST_NAMES:
        con.execute(f"""
            DELETE FROM lists WHERE list = ? AND source_file IN (
                SELECT DISTINCT source_file FROM raw_lists WHERE clean({name}) IS NOT NULL)""",
                    [name])
        con.execute(f"""
            INSERT INTO lists
            SELECT min(row_id), source_file, min(source_sheet), min(source_row), ?, clean({name})
            FROM raw_lists WHERE clean({name}) IS NOT NULL
            GROUP BY source_file, clean({name}) ORDER BY 1""", [name])
    con.execute("""INSERT INTO lists SELECT DISTINCT NULL, '*', NULL, NULL, list, value
                   FROM lists ORDER BY list, value""")  # (ordered: the same file every time)
    if not staging.workbooks:
        insert_rows(con, "INSERT INTO lists VALUES (NULL, '*', NULL, NULL, ?, ?)", defaults)
    insert_rows(con, "INSERT INTO lists VALUES (NULL, '*', NULL, NULL, 'quote_statuses', ?)",
                [(status,) for status in QUOTE_STATUSES])
    con.execute("""CREATE TABLE list_norm AS
                   SELECT source_file, list, norm_name(value) AS norm, min(value) AS value
                   FROM lists GROUP BY ALL ORDER BY ALL""")
    con.execute("CREATE TABLE value_maps (tbl VARCHAR, col VARCHAR, raw VARCHAR, value VARCHAR)")
    insert_rows(con, "INSERT INTO value_maps VALUES (?, ?, ?, ?)", staging.value_maps)
    con.execute("""CREATE TABLE value_norm AS SELECT tbl, col, norm_name(raw) AS norm,
                   min(value) AS value FROM value_maps GROUP BY ALL ORDER BY ALL""")


@dataclass(frozen=True)
class ListedColumn:
    """A raw column checked against a list: ``<column>_val`` (cleaned, after mapping.toml's
    value map for ERP tables), ``<column>_list`` (the list value it matches after
    normalising, or NULL) and ``<column>_exact`` (written exactly as that list value)."""

    column: str
    list_name: str
    header: str | None = None  # the mapping.toml column whose value map applies (ERP tables)


def _prepare(con: duckdb.DuckDBPyConnection, table: str, listed: tuple[ListedColumn, ...],
             per_file: bool) -> None:
    """``prep_<table>``: the raw rows plus, per listed column, its value, list match and
    exactness, by joins (no per-row subqueries)."""
    selects, joins = ["r.*"], []
    for n, col in enumerate(listed):
        written = f"r.{col.column}"  # as typed; after mapping.toml's value map for ERP tables
        if col.header:
            joins.append(f"""LEFT JOIN value_norm vm{n} ON vm{n}.tbl = '{table}'
                             AND vm{n}.col = '{col.header}'
                             AND vm{n}.norm = norm_name(r.{col.column})""")
            written = f"coalesce(vm{n}.value, r.{col.column})"
        file_expr = "r.source_file" if per_file else "'*'"
        joins.append(f"""LEFT JOIN list_norm ln{n} ON ln{n}.source_file = {file_expr}
                         AND ln{n}.list = '{col.list_name}' AND ln{n}.norm = norm_name({written})""")
        selects += [f"clean({written}) AS {col.column}_val", f"ln{n}.value AS {col.column}_list",
                    f"coalesce(ln{n}.value = {written}, false) AS {col.column}_exact"]
    con.execute(f"CREATE TABLE prep_{table} AS SELECT {', '.join(selects)} "
                f"FROM raw_{table} r {' '.join(joins)} ORDER BY r.row_id")


PREPARED: dict[str, tuple[tuple[ListedColumn, ...], bool]] = {
    "staff": ((ListedColumn("division", "divisions"),), True),
    "accounts": ((ListedColumn("division", "divisions"),
                  ListedColumn("account_type", "account_types")), True),
    "erp_customers": ((ListedColumn("division", "divisions", "Division"),), False),
    "erp_sales": ((ListedColumn("division", "divisions", "Division"),), False),
    "erp_quotes": ((ListedColumn("division", "divisions", "Division"),
                    ListedColumn("status", "quote_statuses", "Status")), False),
    "reviews": ((ListedColumn("division", "divisions"),), False),
    "survey": ((ListedColumn("division", "divisions"),), False),
}


def _people(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    con.execute("""
        CREATE TABLE staff AS
        SELECT row_id, source_file, source_sheet, source_row,
               clean(name) AS name, norm_name(name) AS name_norm,
               coalesce(division_list, division_val) AS division,
               clean(role) AS role, parse_bool(customer_facing) AS customer_facing,
               CAST(parse_ts(start_date, $mdy) AS DATE) AS start_date,
               CAST(parse_ts(leave_date, $mdy) AS DATE) AS leave_date
        FROM prep_staff WHERE clean(name) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY norm_name(name) ORDER BY row_id) = 1
        ORDER BY row_id""", {"mdy": mdy})
    con.execute("""
        CREATE TABLE accounts AS
        SELECT r.row_id, r.source_file, r.source_sheet, r.source_row,
               parse_id(r.account_id) AS account_id, clean(r.company_name) AS company_name,
               coalesce(r.division_list, r.division_val) AS division,
               coalesce(r.account_type_list, r.account_type_val, 'Customer') AS account_type,
               clean(r.industry) AS industry, clean(r.address) AS address,
               clean(r.main_phone) AS main_phone, parse_id(r.erp_customer_id) AS erp_customer_id,
               coalesce(s.name, clean(r.account_owner)) AS account_owner,
               s.name IS NOT NULL AS owner_on_roster
        FROM prep_accounts r LEFT JOIN staff s ON s.name_norm = norm_name(r.account_owner)
        WHERE parse_id(r.account_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(r.account_id) ORDER BY r.row_id) = 1
        ORDER BY r.row_id""")
    con.execute("""
        CREATE TABLE contacts AS
        SELECT row_id, source_file, source_sheet, source_row,
               parse_id(contact_id) AS contact_id, clean(full_name) AS full_name,
               clean(job_title) AS job_title, clean(email) AS email, clean(mobile) AS mobile,
               parse_id(account_id) AS account_id
        FROM raw_contacts WHERE parse_id(contact_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(contact_id) ORDER BY row_id) = 1
        ORDER BY row_id""")


def create_interactions(con: duckdb.DuckDBPyConnection, mdy: bool,
                        into: str = "interactions") -> None:
    """Interactions (as table ``into``), in one pass: Forms columns stand in for Interaction
    ID (``F-<Id>``) and Logged By; the account is the row's own, else the contact's; the
    division the row's own list value, else the account's; list values are mapped,
    unmappable channels and types kept as written. The ``*_exact`` flags and
    ``division_entered`` feed validate.py."""
    con.execute(f"""
        CREATE TABLE {into} AS
        WITH base AS (
          SELECT r.row_id, r.source_file, r.source_sheet, r.source_row,
                 coalesce(parse_id(r.interaction_id), 'F-' || parse_id(r.forms_id)) AS iid,
                 parse_id(r.contact_id) AS cid, parse_id(r.account_id) AS aid,
                 coalesce(clean(r.logged_by), clean(r.forms_name)) AS logger,
                 r.division, r.channel, r.interaction_type, r.notes, r.next_action,
                 r.date, r.due_date, r.resolved, r.logged_at
          FROM raw_interactions r)
        SELECT b.row_id, b.source_file, b.source_sheet, b.source_row,
               b.iid AS interaction_id,
               parse_ts(b.date, $mdy) AS date,
               b.cid AS contact_id,
               coalesce(b.aid, c.account_id) AS account_id,
               coalesce(ld.value, a.division) AS division,
               ld.value AS division_entered,
               coalesce(ld.value = b.division, false) AS division_exact,
               coalesce(lc.value, clean(b.channel)) AS channel,
               coalesce(lc.value = b.channel, false) AS channel_exact,
               lc.value IS NOT NULL AS channel_listed,
               coalesce(lt.value, clean(b.interaction_type)) AS interaction_type,
               coalesce(lt.value = b.interaction_type, false) AS interaction_type_exact,
               lt.value IS NOT NULL AS interaction_type_listed,
               clean(b.notes) AS notes, clean(b.next_action) AS next_action,
               coalesce(lower(clean(b.next_action)) IN {CLOSING_SQL}, false) AS closes,
               parse_ts(b.due_date, $mdy) AS due_date,
               coalesce(s.name, b.logger) AS logged_by,
               s.name IS NOT NULL AS logged_by_on_roster,
               parse_bool(b.resolved) AS resolved,
               parse_ts(b.logged_at, $mdy) AS logged_at
        FROM base b
        LEFT JOIN list_norm ld ON ld.source_file = b.source_file AND ld.list = 'divisions'
             AND ld.norm = norm_name(b.division)
        LEFT JOIN list_norm lc ON lc.source_file = b.source_file AND lc.list = 'channels'
             AND lc.norm = norm_name(b.channel)
        LEFT JOIN list_norm lt ON lt.source_file = b.source_file AND lt.list = 'interaction_types'
             AND lt.norm = norm_name(b.interaction_type)
        LEFT JOIN contacts c ON c.contact_id = b.cid
        LEFT JOIN accounts a ON a.account_id = coalesce(b.aid, c.account_id)
        LEFT JOIN staff s ON s.name_norm = norm_name(b.logger)
        ORDER BY b.row_id""", {"mdy": mdy})


def create_thread_next(con: duckdb.DuckDBPyConnection, source: str = "interactions") -> None:
    """``thread_next``: for every interaction with a Date, the next interaction of its thread
    (metrics.md, "Next-action backlog": the Contact ID, else the Account ID, else the row
    alone) in thread order (Date, then row): its ``next_date``, ``next_row_id`` and
    ``next_interaction_id``, null for a thread's last row.

    It does not depend on the as-of date T, so the backlog and follow-through read it for any
    T: a thread's latest row as of T is the row dated <= T whose next row is dated after T (or
    that has none), and an action's first follow-up is its next row when that is dated in
    time. Without it each as-of date grouped or joined every interaction again."""
    con.execute(f"""
        CREATE TABLE thread_next AS
        SELECT row_id, lead(date) OVER thread AS next_date,
               lead(row_id) OVER thread AS next_row_id,
               lead(interaction_id) OVER thread AS next_interaction_id
        FROM {source}
        WHERE date IS NOT NULL
        WINDOW thread AS (
          PARTITION BY contact_id, CASE WHEN contact_id IS NULL THEN account_id END,
                       CASE WHEN contact_id IS NULL AND account_id IS NULL THEN row_id END
          ORDER BY date, row_id)
        ORDER BY row_id""")


def _erp(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    con.execute("""
        CREATE TABLE erp_customers AS
        SELECT row_id, source_file, source_sheet, source_row,
               parse_id(erp_customer_id) AS erp_customer_id, clean(customer_name) AS customer_name,
               coalesce(division_list, division_val) AS division,
               CAST(parse_ts(created_date, $mdy) AS DATE) AS created_date
        FROM prep_erp_customers WHERE parse_id(erp_customer_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(erp_customer_id) ORDER BY row_id) = 1
        ORDER BY row_id""", {"mdy": mdy})
    # Line-level sales: rows sharing a Document ID are one document (amounts summed, earliest
    # date kept); with no Amount but Quantity and Unit Price, a line's amount is their product.
    con.execute("""
        CREATE TABLE erp_sales AS
        WITH m AS (
          SELECT r.*, coalesce(parse_amount(r.amount),
                               parse_amount(r.quantity) * parse_amount(r.unit_price)) AS line_amount
          FROM prep_erp_sales r WHERE parse_id(r.document_id) IS NOT NULL),
        docs AS (
          SELECT min(row_id) AS row_id, arg_min(source_file, row_id) AS source_file,
                 arg_min(source_sheet, row_id) AS source_sheet, min(source_row) AS source_row,
                 parse_id(document_id) AS document_id,
                 CAST(min(parse_ts(date, $mdy)) AS DATE) AS date,
                 arg_min(parse_id(erp_customer_id), row_id) AS erp_customer_id,
                 arg_min(coalesce(division_list, division_val), row_id) AS division,
                 arg_min(clean(salesperson), row_id) AS salesperson,
                 CASE WHEN count(line_amount) > 0 THEN sum(line_amount) END AS amount,
                 arg_min(parse_id(quote_id), row_id) AS quote_id,
                 count(*) AS lines
          FROM m GROUP BY parse_id(document_id))
        SELECT d.* REPLACE (coalesce(d.division, c.division) AS division)
        FROM docs d LEFT JOIN erp_customers c ON c.erp_customer_id = d.erp_customer_id
        ORDER BY d.row_id""", {"mdy": mdy})
    con.execute("""
        CREATE TABLE erp_quotes AS
        SELECT m.row_id, m.source_file, m.source_sheet, m.source_row,
               parse_id(m.quote_id) AS quote_id,
               CAST(parse_ts(m.date, $mdy) AS DATE) AS date,
               parse_id(m.erp_customer_id) AS erp_customer_id,
               coalesce(m.division_list, m.division_val, c.division) AS division,
               clean(m.salesperson) AS salesperson, parse_amount(m.amount) AS amount,
               m.status_list AS status,
               CAST(parse_ts(m.closed_date, $mdy) AS DATE) AS closed_date
        FROM prep_erp_quotes m
        LEFT JOIN erp_customers c ON c.erp_customer_id = parse_id(m.erp_customer_id)
        WHERE parse_id(m.quote_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(m.quote_id) ORDER BY m.row_id) = 1
        ORDER BY m.row_id""", {"mdy": mdy})


def _side_files(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    """Reviews and survey answers; a Division that is no list value leaves the row without
    a division (it then counts nowhere, and is a finding)."""
    for table, extra in (("reviews", "clean(platform) AS platform, parse_rating(rating) AS rating"),
                         ("survey", "parse_rating(ease_of_use) AS ease_of_use, "
                                    "parse_rating(value) AS value, clean(comments) AS comments")):
        con.execute(f"""
            CREATE TABLE {table} AS
            SELECT row_id, source_file, source_sheet, source_row,
                   CAST(parse_ts(date, $mdy) AS DATE) AS date,
                   division_list AS division, {extra}
            FROM prep_{table} ORDER BY row_id""", {"mdy": mdy})


def start_tables(con: duckdb.DuckDBPyConnection, staging: Staging) -> None:
    """The typing macros, the ``raw_*`` views and the lists: what every typed table needs."""
    create_macros(con)
    stage(con, staging)
    _lists(con, staging)


HUB_PREPARED = ("staff", "accounts")


def create_hub_people(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    """Staff, accounts and contacts (what interactions are joined with)."""
    for table in HUB_PREPARED:
        _prepare(con, table, *PREPARED[table])
    _people(con, mdy)


def create_side_tables(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    """The ERP tables, reviews and survey: they need only the lists, so they can be built
    on a second cursor while the Hub tables are."""
    for table, (listed, per_file) in PREPARED.items():
        if table not in HUB_PREPARED:
            _prepare(con, table, listed, per_file)
    _erp(con, mdy)
    _side_files(con, mdy)


def create_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """The ``files``, ``load_problems``, ``findings``, ``load_info``, ``formula_gaps`` and
    ``drift`` (differences from the master template, hub_data/drift.py) tables."""
    con.execute("""CREATE TABLE files (file VARCHAR, kind VARCHAR, size_bytes BIGINT,
                   modified_at TIMESTAMP, status VARCHAR, seconds DOUBLE, message VARCHAR,
                   sheets MAP(VARCHAR, BIGINT))""")
    con.execute("CREATE TABLE load_problems (file VARCHAR, code VARCHAR, message VARCHAR)")
    con.execute("""CREATE TABLE findings (file VARCHAR, sheet VARCHAR, excel_row INTEGER,
                   "column" VARCHAR, value VARCHAR, code VARCHAR, severity VARCHAR,
                   message VARCHAR, "table" VARCHAR, row_id BIGINT)""")
    con.execute("""CREATE TABLE load_info (key VARCHAR, value VARCHAR)""")
    con.execute("""CREATE TABLE formula_gaps (file VARCHAR, sheet VARCHAR, excel_row INTEGER,
                   "column" VARCHAR, formula VARCHAR)""")
    con.execute("""CREATE TABLE drift (file VARCHAR, position INTEGER, kind VARCHAR,
                   sheet VARCHAR, found VARCHAR, master VARCHAR, message VARCHAR)""")


def drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the build's scratch: ``prep_*`` tables and the ``raw_*`` views."""
    for table in PREPARED:
        con.execute(f"DROP TABLE IF EXISTS prep_{table}")
    for spec in STAGED_SPECS:
        con.unregister(f"raw_{spec.table}")


LOADED_TABLES = ("accounts", "contacts", "interactions", "staff", "lists", "erp_customers",
                 "erp_sales", "erp_quotes", "reviews", "survey")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each loaded table: ERP sales count documents, not lines; ``lists`` counts the
    workbooks' effective list values (not the '*' union)."""
    counts = {}
    for table in LOADED_TABLES:
        where = " WHERE source_file <> '*'" if table == "lists" else ""
        counts[table] = con.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]
    return counts


def findings_summary(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, object]:
    """The ``findings`` object of ``check`` and ``report`` (metrics.md): all load findings
    counted by severity, whatever their date; and per entry-error code the interaction rows
    not dated after T that carry it (a row with two Channel and Division findings of one code
    counts once; rows without a valid Date count)."""
    severity = dict(con.execute("SELECT severity, count(*) FROM findings GROUP BY ALL").fetchall())
    by_code = dict(con.execute("""
        SELECT f.code, count(DISTINCT f.row_id) FROM findings f
        JOIN interactions i ON i.row_id = f.row_id
        WHERE f."table" = 'interactions' AND (i.date IS NULL OR i.date < $end)
        GROUP BY f.code""", {"end": dt.datetime.combine(as_of + dt.timedelta(days=1),
                                                        dt.time())}).fetchall())
    return {"errors": severity.get("error", 0), "warnings": severity.get("warning", 0),
            "by_code": {code: by_code.get(code, 0) for code in ENTRY_ERROR_CODES}}


def load_problem_list(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """The ``load_problems`` list of ``check`` and ``report``: file, code, message."""
    return [{"file": f, "code": c, "message": m} for f, c, m in con.execute(
        "SELECT file, code, message FROM load_problems ORDER BY file, code").fetchall()]


def drift_by_file(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, str | None]]]:
    """The ``drift`` list of each file in ``check``: kind, sheet, found, master, message, in
    the order drift.py found them (files without drift are absent)."""
    by_file: dict[str, list[dict[str, str | None]]] = {}
    for file, kind, sheet, found, master, message in con.execute(
            "SELECT file, kind, sheet, found, master, message FROM drift "
            "ORDER BY file, position").fetchall():
        by_file.setdefault(file, []).append({"kind": kind, "sheet": sheet, "found": found,
                                             "master": master, "message": message})
    return by_file
