"""The connection every metric reads: a cursor on the loaded snapshot plus the dashboard's
store tables as temporary views ``store_<table>`` (review meetings, steward hours, open times,
requirements, load history, survey answers).

Metrics never open the store (only hub_data opens files): the caller reads the store's frames
with ``hub_data.store.Store.read_all`` and passes them here. A table not passed is an empty
view with the contract's columns, so "an empty store is valid" holds everywhere.
"""
from __future__ import annotations

import contextlib
import contextvars
import re
from typing import Any, Iterable, Iterator, Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

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
    return cur.execute(sql, _named(sql, params))


def _named(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Those of ``params`` that ``sql`` names as ``$name``."""
    used = set(_PARAMETER.findall(sql))
    return {name: value for name, value in params.items() if name in used}


def query_frame(cur: duckdb.DuckDBPyConnection, sql: str,
                params: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`execute_named`, fetched as a DataFrame (by :func:`fetch_frame`)."""
    return fetch_frame(cur, sql, _named(sql, params))


# The columns a fetch keeps, when a caller needs only some (see only_columns).
_ONLY: contextvars.ContextVar[frozenset[str] | None] = contextvars.ContextVar(
    "metrics_only_columns", default=None)


@contextlib.contextmanager
def only_columns(columns: Iterable[str]) -> Iterator[None]:
    """Within this block, every query :func:`fetch_frame` fetches keeps only ``columns``: each
    other column of its result comes back null (of its type), so the frame still has every
    column, and DuckDB neither computes nor joins for what is dropped. A KPI's trend needs
    from its rows only a day and what its result reads (``metrics.registry.ByRows.reads``):
    at 1M interactions this halves its heaviest queries.

    Per thread (a context variable), so two sessions never see each other's."""
    token = _ONLY.set(frozenset(columns))
    try:
        yield
    finally:
        _ONLY.reset(token)


# DuckDB types fetched through Arrow (see fetch_frame); any other type takes DuckDB's .df().
_ARROW_TYPES = {"VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT",
                "BOOLEAN", "DATE", "TIMESTAMP"}


def fetch_frame(cur: duckdb.DuckDBPyConnection, sql: str,
                params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The result of the query ``sql`` (a SELECT) as the DataFrame DuckDB's ``.df()`` gives,
    the same dtypes included, at a third of its cost on text columns.

    ``.df()`` turns every text cell into a Python object and pandas then packs them again as
    Arrow-backed text; fetched as Arrow, the text stays Arrow. The dtypes follow ``.df()``:
    an integer or boolean column with a null is nullable (``Int64``, ``boolean``), a DATE is
    ``datetime64[us]``, text is ``str`` (``object`` when every cell is null, or there are no
    rows). A result with another type (lists, maps, decimals, time zones) or with two columns
    of one name is fetched by ``.df()`` itself."""
    relation = _relation(cur, sql, params)
    only = _ONLY.get()
    if only is not None and len(set(relation.columns)) == len(relation.columns):
        relation = _keeping(relation, only)  # (a repeated name could not be projected)
    types = [str(kind) for kind in relation.types]
    if (not types or any(kind not in _ARROW_TYPES for kind in types)
            or len(set(relation.columns)) < len(relation.columns)):
        return relation.df()
    table = relation.to_arrow_table()
    return pd.DataFrame({name: _column(table.column(name)) for name in table.column_names},
                        columns=table.column_names)


def fetch_arrow(cur: duckdb.DuckDBPyConnection, sql: str,
                params: Mapping[str, Any] | None = None) -> pa.Table:
    """The result of the query ``sql`` (a SELECT) as an Arrow table."""
    return _relation(cur, sql, params).to_arrow_table()


def _relation(cur: duckdb.DuckDBPyConnection, sql: str,
              params: Mapping[str, Any] | None) -> duckdb.DuckDBPyRelation:
    # A result left unread by execute() (a fetchone) blocks DuckDB 2's relation API;
    # execute() would drop it, so drop it here too (DuckDB 1 has no such result).
    if hasattr(cur, "abort"):
        cur.abort()
    return cur.sql(sql, params=dict(params) if params else None)


def _keeping(relation: duckdb.DuckDBPyRelation, only: frozenset[str]) -> duckdb.DuckDBPyRelation:
    """``relation`` with every column not in ``only`` replaced by a null of its type (a
    projection over it: the order of its rows stays)."""
    items = []
    for name, kind in zip(relation.columns, relation.types):
        quoted = '"' + name.replace('"', '""') + '"'
        items.append(quoted if name in only else f"CAST(NULL AS {kind}) AS {quoted}")
    return relation.project(", ".join(items))


_MASKED = (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype,
           pd.UInt16Dtype, pd.UInt32Dtype, pd.UInt64Dtype, pd.BooleanDtype)


def narrowed(frame: pd.DataFrame, keep: Any) -> pd.DataFrame:
    """The rows of ``frame`` (a :func:`fetch_frame` result) where ``keep`` holds, renumbered,
    with the dtypes :func:`fetch_frame` gives a query of just those rows: text with no value
    left is ``object`` (None), a nullable integer or boolean column with no null left is
    ``int64`` or ``bool``. Narrowing a cached every-division frame so gives the frame of one
    division's query."""
    rows = frame[keep].reset_index(drop=True)
    for position, dtype in enumerate(rows.dtypes):
        column = rows.iloc[:, position]
        if isinstance(dtype, pd.StringDtype) and column.isna().all():
            rows.isetitem(position, pd.Series([None] * len(rows), dtype=object))
        elif isinstance(dtype, _MASKED) and not column.isna().any():
            rows.isetitem(position, column.astype(dtype.numpy_dtype))
    return rows


def _column(values: pa.ChunkedArray) -> Any:
    """One Arrow column as ``.df()`` would give it (see :func:`fetch_frame`)."""
    kind, nulls = values.type, values.null_count
    if pa.types.is_string(kind):
        if nulls == len(values):  # no text at all (or no rows): None, built in one step
            return pd.Series(np.full(len(values), None, dtype=object), dtype=object, copy=False)
        return values.to_pandas()
    if pa.types.is_integer(kind) and nulls:  # exact: never through float
        return pd.arrays.IntegerArray(values.fill_null(0).to_numpy(),
                                      values.is_null().to_numpy())
    if pa.types.is_boolean(kind) and nulls:
        return pd.arrays.BooleanArray(values.fill_null(False).to_numpy(),
                                      values.is_null().to_numpy())
    if pa.types.is_date32(kind):
        return values.cast(pa.timestamp("us")).to_numpy()
    return values.to_numpy()
