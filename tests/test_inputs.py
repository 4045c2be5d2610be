"""metrics/inputs.py: fetch_frame gives exactly the DataFrame of DuckDB's own .df(), every dtype
included (the metrics and pages were written against .df()); one case per rule."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from metrics.inputs import fetch_frame, narrowed, only_columns, query_frame

CASES = {
    "integers without nulls stay numpy": "SELECT range::BIGINT AS x, range::INTEGER AS y, "
                                         "range::SMALLINT AS z FROM range(3)",
    "an integer with a null is nullable": "SELECT (CASE WHEN range = 1 THEN NULL ELSE range END)"
                                          "::INTEGER AS x FROM range(3)",
    "an all-null integer is nullable": "SELECT NULL::BIGINT AS x FROM range(3)",
    "floats keep NaN": "SELECT CASE WHEN range = 1 THEN NULL ELSE range / 2 END AS x "
                       "FROM range(3)",
    "booleans without nulls": "SELECT range = 1 AS x FROM range(3)",
    "a boolean with a null is nullable": "SELECT CASE WHEN range = 1 THEN NULL "
                                         "ELSE range = 2 END AS x FROM range(3)",
    "dates become datetime64": "SELECT CASE WHEN range = 1 THEN NULL ELSE DATE '2026-03-01' "
                               "+ range::INTEGER END AS x FROM range(3)",
    "timestamps": "SELECT CASE WHEN range = 1 THEN NULL ELSE TIMESTAMP '2026-03-01 09:30' END "
                  "AS x FROM range(3)",
    "text, with a null": "SELECT CASE WHEN range = 1 THEN NULL ELSE 'Ada ' || range END AS x "
                         "FROM range(3)",
    "all-null text is object": "SELECT NULL::VARCHAR AS x FROM range(3)",
    "no rows": "SELECT 'a' AS s, 1 AS i, 1.5::DOUBLE AS f, true AS b, DATE '2026-01-01' AS d, "
               "TIMESTAMP '2026-01-01' AS t FROM range(0)",
    "a list (taken by .df())": "SELECT [range, 2] AS x, 'a' AS y FROM range(2)",
    "a decimal (taken by .df())": "SELECT 1.5 AS x, sum(range) AS y FROM range(3)",
    "two columns of one name (taken by .df())": "SELECT 1 AS x, 2 AS x",
    "many rows in several chunks": "SELECT range AS i, 'n' || range AS s, "
                                   "CASE WHEN range % 7 = 0 THEN NULL ELSE range % 3 = 0 END "
                                   "AS b FROM range(100000)",
}


@pytest.mark.parametrize("sql", CASES.values(), ids=list(CASES))
def test_fetch_frame_is_the_frame_of_df(sql: str) -> None:
    con = duckdb.connect()
    pd.testing.assert_frame_equal(fetch_frame(con, sql), con.execute(sql).df(),
                                  check_exact=True)


def test_fetch_frame_binds_named_values_and_query_frame_drops_unused_ones() -> None:
    con = duckdb.connect()
    frame = fetch_frame(con, "SELECT $day + 1 AS next, $who AS who",
                        {"day": dt.date(2026, 3, 1), "who": "Ada"})
    assert frame.to_dict("records") == [{"next": pd.Timestamp(2026, 3, 2), "who": "Ada"}]
    assert query_frame(con, "SELECT $n AS n", {"n": 3, "unused": "x"})["n"].tolist() == [3]


def test_fetch_frame_after_a_result_left_unread() -> None:
    # A metric may read one row of a query (fetchone) and then ask for a frame: execute()
    # dropped the unread rest, and so must fetch_frame (DuckDB 2 refuses otherwise).
    con = duckdb.connect()
    assert con.execute("SELECT * FROM range(10)").fetchone() == (0,)
    assert fetch_frame(con, "SELECT 'Ada' AS who")["who"].tolist() == ["Ada"]
    assert con.execute("SELECT 42").fetchone() == (42,)


def test_a_large_integer_with_a_null_stays_exact() -> None:
    con = duckdb.connect()
    sql = "SELECT * FROM (VALUES (9007199254740993::BIGINT), (NULL)) t(x)"
    frame = fetch_frame(con, sql)
    assert frame["x"].dtype == "Int64" and frame["x"][0] == 9007199254740993
    pd.testing.assert_frame_equal(frame, con.execute(sql).df(), check_exact=True)


ORDERED = '''
    SELECT range AS n, 'Ada ' || range AS "who ""quoted""", range % 2 = 0 AS even,
           DATE '2026-03-01' + range::INTEGER AS day, 1.5::DECIMAL(4, 1) AS amount,
           [range] AS items
    FROM range(5) ORDER BY range DESC'''


def test_only_columns_keeps_those_and_nulls_the_others_of_their_type() -> None:
    from metrics.inputs import _keeping

    con = duckdb.connect()
    full = fetch_frame(con, ORDERED)
    with only_columns(["n", "even", "x"]):  # a name the result lacks is ignored
        lean = fetch_frame(con, ORDERED)
    assert list(lean.columns) == list(full.columns)
    assert lean["n"].tolist() == [4, 3, 2, 1, 0]  # the query's order
    pd.testing.assert_frame_equal(lean[["n", "even"]], full[["n", "even"]], check_exact=True)
    for column in ('who "quoted"', "day", "amount", "items"):
        assert lean[column].isna().all(), column
    assert _keeping(con.sql(ORDERED), frozenset({"n"})).types == con.sql(ORDERED).types
    pd.testing.assert_frame_equal(fetch_frame(con, ORDERED), full)  # only inside the block


def test_only_columns_leaves_a_result_with_a_repeated_name_whole() -> None:
    con = duckdb.connect()
    sql = CASES["two columns of one name (taken by .df())"]
    with only_columns(["y"]):
        pd.testing.assert_frame_equal(fetch_frame(con, sql), con.execute(sql).df())


def test_only_columns_ends_with_its_block_even_on_an_error() -> None:
    con = duckdb.connect()
    with pytest.raises(duckdb.Error):
        with only_columns(["n"]):
            fetch_frame(con, "SELECT * FROM no_such_table")
    assert fetch_frame(con, ORDERED)["day"].notna().all()


def test_only_columns_belongs_to_its_thread() -> None:
    import threading

    con = duckdb.connect()
    seen: list[bool] = []
    with only_columns(["n"]):
        worker = threading.Thread(
            target=lambda: seen.append(fetch_frame(con.cursor(), ORDERED)["day"].notna().all()))
        worker.start()
        worker.join()
    assert seen == [True]


@pytest.mark.parametrize("group", ["a", "b", "c", "none"])
def test_narrowed_rows_are_the_frame_of_a_query_of_those_rows(group: str) -> None:
    """Narrowing a fetched frame gives what fetching just those rows gives, dtypes included:
    group a has text, integers and booleans with nulls; b none of them null; c only nulls;
    no row is in group none."""
    rows = """SELECT * FROM (VALUES
        ('a', 'x', 1, true), ('a', NULL, NULL, NULL), ('b', 'y', 2, false),
        ('b', 'z', 3, true), ('c', NULL, NULL, NULL)) AS t(g, text, n, flag)"""
    con = duckdb.connect()
    every = fetch_frame(con, rows)
    got = narrowed(every, (every["g"] == group).to_numpy())
    expected = fetch_frame(con, f"SELECT * FROM ({rows}) WHERE g = $g", {"g": group})
    pd.testing.assert_frame_equal(got, expected)
