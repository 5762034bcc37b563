"""SQL over the lake with DuckDB: one view per table (the latest row per id), read-only.

The views are the lake's snapshots (``snapshot.latest``: Arrow tables in memory), registered
on a fresh connection per query, so DuckDB itself never opens a file, local or on S3.

The guard has three layers: the statement must be exactly one ``SELECT``/``WITH``/``DESCRIBE``/
``SHOW``/``SUMMARIZE``/``EXPLAIN`` (DuckDB's own parser says which); the connection may touch
no file at all (external access off before any query, no Python objects but the views,
configuration locked); and a query runs with a memory limit, two threads and a time limit,
after which it is interrupted.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ._types import QueryRefused
from .snapshot import latest
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


def connect(lake: Lake) -> duckdb.DuckDBPyConnection:
    """A fresh, locked-down connection with the lake's views (each as the lake is now)."""
    # No spilling to disk: a temp folder would be a file DuckDB writes.
    connection = duckdb.connect(config={"threads": 2, "memory_limit": MEMORY_LIMIT, "temp_directory": "",
                                        "python_enable_replacements": False})
    connection.execute("SET enable_external_access = false")
    for view, table in VIEWS.items():
        connection.register(view, latest(lake, table))
    connection.execute("SET lock_configuration = true")
    return connection


def run_query(lake: Lake, sql: str, *, timeout_s: float = TIMEOUT_S, max_rows: int = MAX_ROWS) -> QueryResult:
    """Run one read-only query; ``QueryRefused`` for anything else, for an error in the query,
    and when it runs past ``timeout_s`` or its memory limit."""
    check(sql)
    try:
        connection = connect(lake)
    except (OSError, pa.ArrowException) as exc:  # an unreadable file in the lake: say which, do not crash
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
