"""Create the DuckDB tables from the text tables the readers produced; owns all DDL.

Two stages, both set-based SQL: ``raw_<table>`` holds every loaded row as text with its row id
and source (file, sheet, Excel row); the typed table of the same name (accounts, contacts,
interactions, staff, erp_customers, erp_sales, erp_quotes, reviews, survey) holds the values
the metrics read. Row ids are the rows' positions in file-name order, then Excel row order, so
the same files always give the same ids. Accounts, Contacts and Staff keep the first row of
each ID (later ones are DUPLICATE_ID findings, see validate.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from hub_data.contract import (ACCOUNTS, CONTACTS, DEFAULT_LISTS, ERP_CUSTOMERS, ERP_QUOTES,
                               ERP_SALES, INTERACTIONS, LISTS, REVIEWS, STAFF, SURVEY,
                               SheetSpec)
from hub_data.sql import create_macros
from hub_data.workbook import ROW_COLUMN

STAGED_SPECS: tuple[SheetSpec, ...] = (ACCOUNTS, CONTACTS, INTERACTIONS, STAFF, LISTS,
                                       ERP_CUSTOMERS, ERP_SALES, ERP_QUOTES, REVIEWS, SURVEY)
LIST_NAMES = tuple(DEFAULT_LISTS)


@dataclass
class Staging:
    """Text tables gathered from every readable file, plus the ERP value maps."""

    parts: dict[str, list[pa.Table]] = field(default_factory=dict)
    value_maps: list[tuple[str, str, str, str]] = field(default_factory=list)
    workbooks: list[str] = field(default_factory=list)

    def add(self, spec: SheetSpec, table: pa.Table, file: str, sheet: str, order: int) -> None:
        """Append one sheet's rows, tagged with where they came from."""
        n = table.num_rows
        tagged = table.append_column("source_file", pa.array([file] * n, pa.string()))
        tagged = tagged.append_column("source_sheet", pa.array([sheet] * n, pa.string()))
        tagged = tagged.append_column("file_order", pa.array([order] * n, pa.int32()))
        self.parts.setdefault(spec.table, []).append(tagged)


def insert_rows(con: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple]) -> None:
    """``executemany`` that accepts an empty list (DuckDB refuses one)."""
    if rows:
        con.executemany(sql, rows)


def _empty(spec: SheetSpec) -> pa.Table:
    fields = [pa.field(col.column, pa.string()) for col in spec.columns]
    fields += [pa.field(ROW_COLUMN, pa.int32()), pa.field("source_file", pa.string()),
               pa.field("source_sheet", pa.string()), pa.field("file_order", pa.int32())]
    return pa.schema(fields).empty_table()


def _stage(con: duckdb.DuckDBPyConnection, staging: Staging) -> None:
    for spec in STAGED_SPECS:
        parts = staging.parts.get(spec.table) or [_empty(spec)]
        combined = pa.concat_tables([p.select(_empty(spec).column_names) for p in parts])
        con.register("staged_input", combined)
        con.execute(f"""
            CREATE TABLE raw_{spec.table} AS
            SELECT CAST(row_number() OVER (ORDER BY file_order, {ROW_COLUMN}) AS BIGINT) AS row_id,
                   source_file, source_sheet, CAST({ROW_COLUMN} AS INTEGER) AS source_row,
                   file_order, * EXCLUDE (source_file, source_sheet, {ROW_COLUMN}, file_order)
            FROM staged_input""")
        con.unregister("staged_input")


def _lists(con: duckdb.DuckDBPyConnection, staging: Staging) -> None:
    """``list_values``: each workbook's effective lists (its Lists column, else the default),
    and under file '*' the union that ERP, review and survey rows are checked against."""
    con.execute("CREATE TABLE list_values (source_file VARCHAR, list VARCHAR, value VARCHAR, "
                "norm VARCHAR)")
    defaults = [(name, value) for name, values in DEFAULT_LISTS.items() for value in values]
    insert_rows(con, "INSERT INTO list_values VALUES (?, ?, ?, NULL)",
                [(f, n, v) for f in staging.workbooks for n, v in defaults])
    for name in LIST_NAMES:
        con.execute(f"""
            DELETE FROM list_values WHERE list = ? AND source_file IN (
                SELECT DISTINCT source_file FROM raw_lists WHERE clean({name}) IS NOT NULL)""",
                    [name])
        con.execute(f"""
            INSERT INTO list_values
            SELECT DISTINCT source_file, ?, clean({name}), NULL FROM raw_lists
            WHERE clean({name}) IS NOT NULL""", [name])
    con.execute("""
        INSERT INTO list_values SELECT DISTINCT '*', list, value, NULL FROM list_values""")
    if not staging.workbooks:
        insert_rows(con, "INSERT INTO list_values VALUES ('*', ?, ?, NULL)", defaults)
    con.execute("UPDATE list_values SET norm = norm_name(value)")
    con.execute("CREATE TABLE value_maps (tbl VARCHAR, col VARCHAR, raw VARCHAR, value VARCHAR)")
    insert_rows(con, "INSERT INTO value_maps VALUES (?, ?, ?, ?)", staging.value_maps)


def _list_lookup(alias: str, column: str, list_name: str, file_expr: str) -> str:
    """SQL: the list value that ``column`` maps to (exact, else after normalising), or NULL."""
    return f"""(SELECT lv.value FROM list_values lv
               WHERE lv.source_file = {file_expr} AND lv.list = '{list_name}'
                 AND lv.norm = norm_name({alias}.{column})
               ORDER BY lv.value = {alias}.{column} DESC LIMIT 1)"""


def _mapped(table: str, column: str, header: str) -> str:
    """SQL: an ERP cell after mapping.toml's value map (compared after normalising)."""
    return f"""coalesce((SELECT vm.value FROM value_maps vm
               WHERE vm.tbl = '{table}' AND vm.col = '{header}'
                 AND norm_name(vm.raw) = norm_name(r.{column}) LIMIT 1), clean(r.{column}))"""


def _people(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    con.execute("""
        CREATE TABLE staff AS
        SELECT row_id, source_file, source_sheet, source_row,
               clean(name) AS name, norm_name(name) AS name_norm,
               """ + _list_lookup("r", "division", "divisions", "r.source_file") + """ AS division,
               clean(role) AS role, parse_bool(customer_facing) AS customer_facing,
               CAST(parse_ts(start_date, $mdy) AS DATE) AS start_date,
               CAST(parse_ts(leave_date, $mdy) AS DATE) AS leave_date
        FROM raw_staff r WHERE clean(name) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY norm_name(name) ORDER BY row_id) = 1""",
                {"mdy": mdy})
    con.execute("""
        CREATE TABLE accounts AS
        SELECT row_id, source_file, source_sheet, source_row,
               parse_id(account_id) AS account_id, clean(company_name) AS company_name,
               """ + _list_lookup("r", "division", "divisions", "r.source_file") + """ AS division,
               coalesce(""" + _list_lookup("r", "account_type", "account_types", "r.source_file")
                + """, clean(account_type), 'Customer') AS account_type,
               clean(industry) AS industry, clean(address) AS address,
               clean(main_phone) AS main_phone, parse_id(erp_customer_id) AS erp_customer_id,
               coalesce((SELECT s.name FROM staff s WHERE s.name_norm = norm_name(r.account_owner)),
                        clean(account_owner)) AS account_owner
        FROM raw_accounts r WHERE parse_id(account_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(account_id) ORDER BY row_id) = 1""")
    con.execute("""
        CREATE TABLE contacts AS
        SELECT row_id, source_file, source_sheet, source_row,
               parse_id(contact_id) AS contact_id, clean(full_name) AS full_name,
               clean(job_title) AS job_title, clean(email) AS email, clean(mobile) AS mobile,
               parse_id(account_id) AS account_id
        FROM raw_contacts r WHERE parse_id(contact_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(contact_id) ORDER BY row_id) = 1""")


def _interactions(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    con.execute("""
        CREATE TABLE interactions AS
        WITH base AS (
          SELECT r.*,
                 coalesce(parse_id(r.interaction_id),
                          'F-' || parse_id(r.forms_id)) AS iid,
                 parse_id(r.contact_id) AS cid, parse_id(r.account_id) AS aid,
                 coalesce(clean(r.logged_by), clean(r.forms_name)) AS logger,
                 """ + _list_lookup("r", "division", "divisions", "r.source_file") + """ AS div_mapped,
                 """ + _list_lookup("r", "channel", "channels", "r.source_file") + """ AS ch_mapped,
                 """ + _list_lookup("r", "interaction_type", "interaction_types", "r.source_file")
                 + """ AS type_mapped
          FROM raw_interactions r)
        SELECT b.row_id, b.source_file, b.source_sheet, b.source_row,
               b.iid AS interaction_id,
               parse_ts(b.date, $mdy) AS date,
               b.cid AS contact_id,
               coalesce(b.aid, c.account_id) AS account_id,
               coalesce(b.div_mapped, a.division) AS division,
               coalesce(b.ch_mapped, clean(b.channel)) AS channel,
               coalesce(b.type_mapped, clean(b.interaction_type)) AS interaction_type,
               clean(b.notes) AS notes, clean(b.next_action) AS next_action,
               lower(clean(b.next_action)) IN ('no further action', 'none', 'n/a') AS closes,
               parse_ts(b.due_date, $mdy) AS due_date,
               coalesce(s.name, b.logger) AS logged_by,
               s.name IS NOT NULL AS logged_by_on_roster,
               parse_bool(b.resolved) AS resolved,
               parse_ts(b.logged_at, $mdy) AS logged_at
        FROM base b
        LEFT JOIN contacts c ON c.contact_id = b.cid
        LEFT JOIN accounts a ON a.account_id = coalesce(b.aid, c.account_id)
        LEFT JOIN staff s ON s.name_norm = norm_name(b.logger)
        ORDER BY b.row_id""", {"mdy": mdy})


def _erp(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    div = _list_lookup("m", "division_mapped", "divisions", "'*'")
    con.execute("""
        CREATE TABLE erp_customers AS
        WITH m AS (SELECT r.*, """ + _mapped("erp_customers", "division", "Division")
                + """ AS division_mapped FROM raw_erp_customers r)
        SELECT row_id, source_file, source_sheet, source_row,
               parse_id(erp_customer_id) AS erp_customer_id, clean(customer_name) AS customer_name,
               """ + div + """ AS division,
               CAST(parse_ts(created_date, $mdy) AS DATE) AS created_date
        FROM m WHERE parse_id(erp_customer_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(erp_customer_id) ORDER BY row_id) = 1""",
                {"mdy": mdy})
    # Line-level sales: rows sharing a Document ID are one document (amounts summed, earliest
    # date kept); with no Amount but Quantity and Unit Price, a line's amount is their product.
    con.execute("""
        CREATE TABLE erp_sales AS
        WITH m AS (
          SELECT r.*, """ + _mapped("erp_sales", "division", "Division") + """ AS division_mapped,
                 coalesce(parse_amount(r.amount),
                          parse_amount(r.quantity) * parse_amount(r.unit_price)) AS line_amount
          FROM raw_erp_sales r WHERE parse_id(r.document_id) IS NOT NULL),
        docs AS (
          SELECT min(row_id) AS row_id, arg_min(source_file, row_id) AS source_file,
                 arg_min(source_sheet, row_id) AS source_sheet, min(source_row) AS source_row,
                 parse_id(document_id) AS document_id,
                 CAST(min(parse_ts(date, $mdy)) AS DATE) AS date,
                 arg_min(parse_id(erp_customer_id), row_id) AS erp_customer_id,
                 arg_min(""" + div + """, row_id) AS division,
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
        WITH m AS (
          SELECT r.*, """ + _mapped("erp_quotes", "division", "Division") + """ AS division_mapped,
                 """ + _mapped("erp_quotes", "status", "Status") + """ AS status_mapped
          FROM raw_erp_quotes r)
        SELECT m.row_id, m.source_file, m.source_sheet, m.source_row,
               parse_id(m.quote_id) AS quote_id,
               CAST(parse_ts(m.date, $mdy) AS DATE) AS date,
               parse_id(m.erp_customer_id) AS erp_customer_id,
               coalesce(""" + div + """, c.division) AS division,
               clean(m.salesperson) AS salesperson, parse_amount(m.amount) AS amount,
               CASE lower(m.status_mapped) WHEN 'open' THEN 'Open' WHEN 'won' THEN 'Won'
                    WHEN 'lost' THEN 'Lost' END AS status,
               CAST(parse_ts(m.closed_date, $mdy) AS DATE) AS closed_date
        FROM m LEFT JOIN erp_customers c ON c.erp_customer_id = parse_id(m.erp_customer_id)
        WHERE parse_id(m.quote_id) IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY parse_id(m.quote_id) ORDER BY m.row_id) = 1""",
                {"mdy": mdy})


def _side_files(con: duckdb.DuckDBPyConnection, mdy: bool) -> None:
    for table, extra in (("reviews", "clean(platform) AS platform, parse_rating(rating) AS rating"),
                         ("survey", "parse_rating(ease_of_use) AS ease_of_use, "
                                    "parse_rating(value) AS value, clean(comments) AS comments")):
        con.execute(f"""
            CREATE TABLE {table} AS
            SELECT row_id, source_file, source_sheet, source_row,
                   CAST(parse_ts(date, $mdy) AS DATE) AS date,
                   {_list_lookup('r', 'division', 'divisions', "'*'")} AS division, {extra}
            FROM raw_{table} r""", {"mdy": mdy})


def create_tables(con: duckdb.DuckDBPyConnection, staging: Staging, date_order: str) -> None:
    """Stage every text table, then build the typed tables the metrics read."""
    mdy = date_order == "MDY"
    create_macros(con)
    _stage(con, staging)
    _lists(con, staging)
    _people(con, mdy)
    _interactions(con, mdy)
    _erp(con, mdy)
    _side_files(con, mdy)


def create_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """The ``files``, ``load_problems``, ``findings`` and ``load_info`` tables."""
    con.execute("""CREATE TABLE files (file VARCHAR, kind VARCHAR, size_bytes BIGINT,
                   modified_at TIMESTAMP, status VARCHAR, seconds DOUBLE, message VARCHAR,
                   sheets MAP(VARCHAR, BIGINT))""")
    con.execute("CREATE TABLE load_problems (file VARCHAR, code VARCHAR, message VARCHAR)")
    con.execute("""CREATE TABLE findings (file VARCHAR, sheet VARCHAR, excel_row INTEGER,
                   "column" VARCHAR, value VARCHAR, code VARCHAR, severity VARCHAR,
                   message VARCHAR, "table" VARCHAR, row_id BIGINT)""")
    con.execute("""CREATE TABLE load_info (key VARCHAR, value VARCHAR)""")
