"""What changed since the last review (issue 8): the current load against a review snapshot.

Pure: the caller reads the snapshot (``hub_data.review_snapshots.read_review_snapshot``) and
passes its tables (Arrow tables or DataFrames); they are registered on the cursor for the
comparison only. Per table a row is identified by its key:

- interactions: Interaction ID; a row without one by its source file and Excel row. Rows
  sharing an ID (a DUPLICATE_ID finding) are told apart by their order in the load: the
  n-th row carrying an ID is compared with the n-th row carrying it then;
- accounts: Account ID; contacts: Contact ID; staff: the roster name.

**New**: the key is there now and was not in the snapshot; **deleted**: the other way
round; **edited**: the key is in both and at least one compared column (the values entered
in the Hub, not the row's position, ids or derived flags) differs — NULL and NULL are
equal. **Back-dated**: new interactions whose Date is before the day of the review the
snapshot was taken at (they were logged late, after that review looked at the data).

Readings where the issue is silent: a row belongs to the division when it is in it now or
was in it then (so a move between divisions is an edit, seen from both divisions); contacts
belong to their account's division (each side through its own accounts); ``division=None``
compares every row. Interactions dated after T (``as_of``) are out of view on both sides, as
everywhere; rows without a Date are kept. Only columns present on both sides are compared
(a snapshot from an older loader version lacks none of the entered columns today).
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Mapping

import duckdb
import pandas as pd

from metrics.inputs import fetch_frame


TABLES = ("interactions", "accounts", "contacts", "staff")
KINDS = ("new", "edited", "deleted", "backdated")

# The columns compared for "edited", in the order they are reported.
COMPARED: dict[str, tuple[str, ...]] = {
    "interactions": ("date", "contact_id", "account_id", "division", "channel",
                     "interaction_type", "notes", "next_action", "due_date", "logged_by",
                     "resolved", "logged_at"),
    "accounts": ("company_name", "division", "account_type", "industry", "address",
                 "main_phone", "erp_customer_id", "account_owner"),
    "contacts": ("full_name", "job_title", "email", "mobile", "account_id"),
    "staff": ("division", "role", "customer_facing", "start_date", "leave_date"),
}
# What names a row in the lists (besides its source file and row).
LABEL: dict[str, tuple[str, ...]] = {
    "interactions": ("interaction_id", "date", "division", "account_id", "contact_id",
                     "interaction_type", "logged_by"),
    "accounts": ("account_id", "company_name", "division", "account_owner"),
    "contacts": ("contact_id", "full_name", "account_id", "email", "mobile"),
    "staff": ("name", "division", "role"),
}
_KEY_SQL: dict[str, str] = {
    "interactions": """CASE WHEN t.interaction_id IS NOT NULL
                       THEN 'id:' || t.interaction_id || '#' || CAST(row_number() OVER (
                            PARTITION BY t.interaction_id ORDER BY t.row_id) AS VARCHAR)
                       ELSE 'row:' || t.source_file || '!' || CAST(t.source_row AS VARCHAR)
                       END""",
    "accounts": "t.account_id",
    "contacts": "t.contact_id",
    "staff": "t.name",
}


def _columns(cur: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name → DuckDB type of a table or registered view."""
    return {name: kind for name, kind, *_ in
            cur.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def _keyed(table: str, relation: str, accounts: str) -> str:
    """A SELECT of ``relation`` with ``_key`` and ``_division`` (contacts: their account's,
    from ``accounts`` of the same side; account IDs are unique there, the load keeps the
    first row of each)."""
    if table == "contacts":
        return (f"SELECT t.*, {_KEY_SQL[table]} AS _key, a.division AS _division "
                f"FROM {relation} t LEFT JOIN {accounts} a ON a.account_id = t.account_id")
    where = "WHERE t.date IS NULL OR t.date < $end" if table == "interactions" else ""
    return (f"SELECT t.*, {_KEY_SQL[table]} AS _key, t.division AS _division "
            f"FROM {relation} t {where}")


def _text(alias: str, column: str, kind: str) -> str:
    """SQL for a value as people read it: dates as ``15 Jul 2026``, times with the hour."""
    ref = f'{alias}."{column}"'
    if kind.startswith("TIMESTAMP"):
        return (f"CASE WHEN hour({ref}) = 0 AND minute({ref}) = 0 "
                f"THEN strftime({ref}, '%d %b %Y') ELSE strftime({ref}, '%d %b %Y %H:%M') END")
    if kind == "DATE":
        return f"strftime({ref}, '%d %b %Y')"
    return f"CAST({ref} AS VARCHAR)"


def _compare(cur: duckdb.DuckDBPyConnection, table: str, snap: str, snap_accounts: str,
             params: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """New, deleted and edited rows (and the long form of the edits) of one table."""
    now_cols, then_cols = _columns(cur, table), _columns(cur, snap)
    compared = [c for c in COMPARED[table] if c in now_cols and c in then_cols]
    shown = [c for c in LABEL[table] if c in now_cols and c in then_cols]
    shown += [c for c in compared if c not in shown]
    shown += [c for c in ("source_file", "source_row") if c in now_cols and c in then_cols]
    scope = ("WHERE coalesce(n._division = $division, false) "
             "OR coalesce(o._division = $division, false)"
             if params.get("division") is not None else "")
    base = (f"WITH n AS ({_keyed(table, table, 'accounts')}), "
            f"o AS ({_keyed(table, snap, snap_accounts)}), "
            f"j AS (SELECT n._key AS nk, o._key AS ok, "
            + ", ".join([f'n."{c}" AS "n_{c}", o."{c}" AS "o_{c}"' for c in shown]
                        + [f"{_text('n', c, now_cols[c])} AS \"nt_{c}\", "
                           f"{_text('o', c, then_cols[c])} AS \"ot_{c}\"" for c in compared])
            + f" FROM n FULL OUTER JOIN o ON n._key = o._key {scope}) ")
    used = {k: v for k, v in params.items()
            if (k == "end" and table == "interactions") or (k == "division" and scope)}

    def rows(side: str, where: str) -> pd.DataFrame:
        select = ", ".join(f'"{side}_{c}" AS "{c}"' for c in shown)
        order = '"source_file", "source_row"' if "source_row" in shown else "1"
        return fetch_frame(cur, f"{base} SELECT {select} FROM j WHERE {where} ORDER BY {order}",
                           used)

    new = rows("n", "ok IS NULL")
    deleted = rows("o", "nk IS NULL")
    if compared:
        edits_sql = " UNION ALL ".join(
            f"""SELECT nk AS _key, {i} AS _pos, '{c}' AS "column", "ot_{c}" AS old,
                       "nt_{c}" AS new FROM j
                WHERE nk IS NOT NULL AND ok IS NOT NULL
                  AND "o_{c}" IS DISTINCT FROM "n_{c}" """
            for i, c in enumerate(compared))
        edits = fetch_frame(cur, f"{base} SELECT * FROM ({edits_sql}) ORDER BY _key, _pos",
                            used)
        select = ", ".join(f'"n_{c}" AS "{c}"' for c in shown)
        edited = fetch_frame(
            cur, f"{base}, e AS ({edits_sql}) SELECT j.nk AS _key, {select} FROM j "
            f"WHERE j.nk IN (SELECT _key FROM e) ORDER BY j.nk", used)
    else:
        edits = pd.DataFrame(columns=["_key", "_pos", "column", "old", "new"])
        edited = pd.DataFrame(columns=["_key", *shown])
    edited.insert(len(edited.columns), "changes", change_texts(edits, edited["_key"]))
    edits = edits.drop(columns="_pos")
    return {"new": new, "deleted": deleted, "edited": edited, "edits": edits}


def change_texts(edits: pd.DataFrame, keys: pd.Series,
                 mask: Callable[[str, Any], Any] | None = None) -> list[str]:
    """Per key of ``keys``, its edits as ``column: old → new`` joined by ``; `` (blank
    values as ``(blank)``). ``mask(column, value)``, when given, masks values first (e-mails
    and phones for roles that may not see them)."""
    def shown(column: str, value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return "(blank)"
        return str(mask(column, value) if mask else value)

    texts: dict[Any, list[str]] = {}
    for key, column, old, new in edits[["_key", "column", "old", "new"]].itertuples(
            index=False):
        texts.setdefault(key, []).append(f"{column}: {shown(column, old)} → "
                                         f"{shown(column, new)}")
    return ["; ".join(texts.get(key, [])) for key in keys]


def changes_since(cur: duckdb.DuckDBPyConnection, snapshot_tables: Mapping[str, Any], *,
                  division: str | None, as_of: dt.date, last_review: dt.date) -> dict[str, Any]:
    """Compare the current load (``cur``) with a review snapshot's tables.

    Returns ``{"tables": {table: {"new", "deleted", "edited", "edits"}}, "backdated":
    frame, "counts": {"new", "edited", "deleted", "backdated"}, "division", "as_of",
    "last_review"}``: ``new``/``deleted`` hold the rows (current / snapshot values),
    ``edited`` the current rows with ``changes`` ("column: old → new; …") and ``_key``,
    ``edits`` one row per changed value (``_key``, column, old, new as text). Counts add up
    the four tables; back-dated interactions are also among the new ones. See the module
    docstring for the keys, the division and T.
    """
    suffix = uuid.uuid4().hex[:10]
    names = {table: f"review_snap_{table}_{suffix}" for table in TABLES}
    params = {"division": division,
              "end": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())}
    missing = [table for table in TABLES if table not in snapshot_tables]
    if missing:
        raise ValueError(f"the snapshot has no {', '.join(missing)} table")
    work = cur.cursor()  # its own connection: the snapshot views never touch the caller's
    try:
        for table in TABLES:
            work.register(names[table], snapshot_tables[table])
        result = {table: _compare(work, table, names[table], names["accounts"], params)
                  for table in TABLES}
    finally:
        work.close()
    new = result["interactions"]["new"]
    review_start = pd.Timestamp(dt.datetime.combine(last_review, dt.time()))
    dates = pd.to_datetime(new["date"]) if "date" in new else pd.Series(dtype="datetime64[ns]")
    backdated = new[dates.notna() & (dates < review_start)].reset_index(drop=True)
    counts = {kind: sum(len(result[t][kind]) for t in TABLES)
              for kind in ("new", "edited", "deleted")}
    counts["backdated"] = len(backdated)
    return {"tables": result, "backdated": backdated, "counts": counts, "division": division,
            "as_of": as_of, "last_review": last_review}
