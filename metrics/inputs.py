"""The connection every metric reads: a cursor on the loaded snapshot plus the dashboard's
store tables as temporary views ``store_<table>`` (review meetings, steward hours, open times,
requirements, load history, survey answers).

Metrics never open the store (only hub_data opens files): the caller reads the store's frames
with ``hub_data.store.Store.read_all`` and passes them here. A table not passed is an empty
view with the contract's columns, so "an empty store is valid" holds everywhere.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import duckdb
import pandas as pd

from hub_data.store import TABLES


def workspace(con: duckdb.DuckDBPyConnection,
              store: Mapping[str, pd.DataFrame] | None = None) -> duckdb.DuckDBPyConnection:
    """A new cursor on ``con`` with ``store_<table>`` views typed as the store declares them.

    Registered frames and temporary views belong to this cursor only, so two sessions never
    see each other's store frames.
    """
    cur = con.cursor()
    for table, columns in TABLES:
        frame = (store or {}).get(table)
        if frame is None:
            frame = pd.DataFrame({column: pd.Series([], dtype="object") for column, _ in columns})
        frame_name = f"store_{table}_frame"
        cur.register(frame_name, frame)
        select = ", ".join(f'TRY_CAST("{column}" AS {kind}) AS "{column}"'
                           for column, kind in columns)
        cur.execute(f"CREATE OR REPLACE TEMP VIEW store_{table} AS SELECT {select} FROM {frame_name}")
    return cur


_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def execute_named(cur: duckdb.DuckDBPyConnection, sql: str,
                  params: Mapping[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute ``sql`` with those of ``params`` it names as ``$name`` (DuckDB refuses unused
    ones), so a metric module can keep one dictionary of bound values for all its queries."""
    used = set(_PARAMETER.findall(sql))
    return cur.execute(sql, {name: value for name, value in params.items() if name in used})


def query_frame(cur: duckdb.DuckDBPyConnection, sql: str,
                params: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`execute_named`, fetched as a DataFrame."""
    return execute_named(cur, sql, params).df()
