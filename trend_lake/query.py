"""SQL over the lake with DuckDB: one view per table (the latest row per id), read-only.

The guard has three layers: the statement must be exactly one ``SELECT``/``WITH``/``DESCRIBE``/
``SHOW``/``SUMMARIZE``/``EXPLAIN`` (DuckDB's own parser says which); the connection may read
files only under the lake (``allowed_directories``, external access off, configuration
locked); and a query runs with a memory limit, two threads and a time limit, after which it
is interrupted.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ._types import SCHEMAS, QueryRefused
from .store import Lake

#: What the views are called (seed 002's names); ``text`` is stored under videos/text/.
VIEWS = {"metadata": "metadata", "transcripts": "transcripts", "text_analysis": "text", "sounds": "sounds"}
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_EXPLAIN = re.compile(r"^\s*EXPLAIN\b", re.IGNORECASE)
_ANALYZE = re.compile(r"^\s*(?:\(\s*)?ANALY[SZ]E\b", re.IGNORECASE)
MAX_ROWS = 10_000
TIMEOUT_S = 30.0
MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class QueryResult:
    """The rows of a query as an Arrow table; ``truncated`` when more than ``MAX_ROWS`` came back."""

    table: pa.Table
    truncated: bool


def check(sql: str) -> None:
    """Raise ``QueryRefused`` unless ``sql`` is one read-only statement."""
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRefused("sql: a SELECT statement is required")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"sql: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefused(f"sql: one statement at a time, not {len(statements)}")
    if statements[0].type not in _ALLOWED:
        raise QueryRefused(f"sql: only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN are allowed, "
                           f"not {statements[0].type.name}")
    if statements[0].type is duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs what it explains (a COPY into the lake, say); plain EXPLAIN of a
        # SELECT only plans it.
        inner = _EXPLAIN.sub("", statements[0].query, count=1)
        if _ANALYZE.match(inner):
            raise QueryRefused("sql: EXPLAIN ANALYZE runs the statement; use EXPLAIN")
        check(inner)


def _empty(table: str) -> pa.Table:
    schema = SCHEMAS[table].append(pa.field("profile", pa.string())).append(pa.field("processed_at", pa.string()))
    return schema.empty_table()


def connect(lake: Lake) -> duckdb.DuckDBPyConnection:
    """A fresh, locked-down connection with the lake's views (each sees the partitions there now)."""
    # No spilling to disk: DuckDB's temp folder is outside the lake and ignores the access rules.
    connection = duckdb.connect(config={"threads": 2, "memory_limit": MEMORY_LIMIT, "temp_directory": ""})
    for view, table in VIEWS.items():
        if lake.partitions(table):
            source = (f"read_parquet('{lake.glob(table)}', hive_partitioning = true, union_by_name = true, "
                      f"hive_types = {{'profile': VARCHAR, 'processed_at': VARCHAR}})")
        else:  # no partition yet: an empty view of the right columns, so queries still bind
            connection.register(f"_empty_{table}", _empty(table))
            source = f"_empty_{table}"
        connection.execute(
            f"CREATE VIEW {view} AS SELECT * EXCLUDE (_rank) FROM ("
            f"SELECT *, row_number() OVER (PARTITION BY id ORDER BY processed_at DESC, profile DESC) AS _rank "
            f"FROM {source}) WHERE _rank = 1")
    lake_dir = str(lake.root.resolve()).rstrip("/") + "/"
    connection.execute(f"SET allowed_directories = ['{lake_dir}']")
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")
    return connection


def run_query(lake: Lake, sql: str, *, timeout_s: float = TIMEOUT_S, max_rows: int = MAX_ROWS) -> QueryResult:
    """Run one read-only query; ``QueryRefused`` for anything else, for an error in the query,
    and when it runs past ``timeout_s`` or its memory limit."""
    check(sql)
    if any(c in str(lake.root.resolve()) for c in "'*?[]"):
        raise QueryRefused("lake: the lake's path may not contain quotes or glob characters")
    try:
        connection = connect(lake)
    except duckdb.Error as exc:  # an unreadable file in the lake: say which, do not crash
        raise QueryRefused(f"lake: a table cannot be read: {str(exc).splitlines()[0]}") from None
    timer = threading.Timer(timeout_s, connection.interrupt)
    timer.start()
    try:
        reader = connection.sql(sql).to_arrow_reader(1024)
        batches, rows = [], 0
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if rows > max_rows:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException:
        raise QueryRefused(f"sql: stopped after {timeout_s:g} s (the time limit)") from None
    except duckdb.OutOfMemoryException:
        raise QueryRefused(f"sql: needed more than {MEMORY_LIMIT} of memory") from None
    except duckdb.Error as exc:
        raise QueryRefused(f"sql: {str(exc).splitlines()[0]}") from None
    finally:
        timer.cancel()
        connection.close()
    return QueryResult(table.slice(0, max_rows), truncated=table.num_rows > max_rows)
