"""SQL over the lake with DuckDB: one view per table (the latest row per id), read-only.

The views are the lake's snapshots (``snapshot.latest``: Arrow tables in memory), registered
on a fresh connection per query, so DuckDB itself never opens a file, local or on S3.

The guard has three layers: the statement must be exactly one ``SELECT``/``WITH``/``DESCRIBE``/
``SHOW``/``SUMMARIZE``/``EXPLAIN`` (DuckDB's own parser says which); the connection may touch
no file at all (external access off before any query, no Python objects but the views,
configuration locked); and a query runs with a memory limit, two threads and a time limit,
after which it is interrupted.

What comes back is bounded too: at most ``MAX_ROWS`` rows, and, given ``max_bytes``, at most that
many bytes of Arrow data. The result is read from DuckDB in record batches of ``BATCH_ROWS`` rows
with a running byte count, and reading stops at the first batch past the limit
(``ResultTooLarge``), so a huge result is never held whole: memory holds the limit plus one batch
(and DuckDB's own chunk of 2048 rows, which its memory limit bounds). ``csv_chunks`` and
``json_chunks`` then write a result out batch by batch, for a download that streams.
"""
from __future__ import annotations

import io
import json
import re
import threading
from dataclasses import dataclass
from typing import Iterator

import duckdb
import pyarrow as pa

from errors import TooLarge

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
#: Rows per record batch read from DuckDB: the byte limit is checked after each one, so a result can
#: go past it by at most one batch before reading stops.
BATCH_ROWS = 256
MB = 1024 * 1024


@dataclass(frozen=True)
class QueryResult:
    """The rows of a query as an Arrow table; ``truncated`` when more than ``MAX_ROWS`` came back."""

    table: pa.Table
    truncated: bool


class ResultTooLarge(QueryRefused, TooLarge):
    """A query's result is past the byte limit it ran under; reading it stopped there (the web answers 413).

    ``read_bytes`` is what had been read when it stopped (a lower bound on the whole result)."""

    def __init__(self, read_bytes: int, limit_bytes: int):
        self.read_bytes, self.limit_bytes = read_bytes, limit_bytes
        super().__init__("sql", f"sql: result is over {read_bytes / MB:.1f} MB, the limit is {_mb(limit_bytes)} MB "
                                "(ask for fewer rows or columns)")


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def check(sql: str) -> None:
    """Raise ``QueryRefused`` unless ``sql`` is one read-only statement."""
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRefused("sql", "a SELECT statement is required")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused("sql", f"sql: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefused("sql", f"one statement at a time, not {len(statements)}")
    if statements[0].type not in _ALLOWED:
        raise QueryRefused("sql", f"only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN are allowed, "
                                  f"not {statements[0].type.name}")
    if statements[0].type is duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs what it explains (a COPY into the lake, say); plain EXPLAIN of a
        # SELECT only plans it.
        inner = _EXPLAIN.sub("", statements[0].query, count=1)
        if _ANALYZE.match(inner):
            raise QueryRefused("sql", "EXPLAIN ANALYZE runs the statement; use EXPLAIN")
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


def run_query(lake: Lake, sql: str, *, timeout_s: float = TIMEOUT_S, max_rows: int = MAX_ROWS,
              max_bytes: int | None = None) -> QueryResult:
    """Run one read-only query; ``QueryRefused`` for anything else, for an error in the query,
    and when it runs past ``timeout_s`` or its memory limit; ``ResultTooLarge`` (a ``QueryRefused``)
    when its first ``max_rows`` rows hold more than ``max_bytes`` bytes of Arrow data."""
    check(sql)
    try:
        connection = connect(lake)
    except (OSError, pa.ArrowException) as exc:  # an unreadable file in the lake: say which, do not crash
        raise QueryRefused("lake", f"a table cannot be read: {str(exc).splitlines()[0]}") from None
    timer = threading.Timer(timeout_s, connection.interrupt)
    timer.start()
    try:
        reader = connection.sql(sql).to_arrow_reader(BATCH_ROWS)
        batches, rows, size, truncated = [], 0, 0, False
        for batch in reader:
            if rows + batch.num_rows > max_rows:  # keep only what is returned, and count only that
                batch, truncated = batch.slice(0, max_rows - rows), True
            batches.append(batch)
            rows += batch.num_rows
            size += batch.nbytes
            if max_bytes is not None and size > max_bytes:
                raise ResultTooLarge(size, max_bytes)
            if truncated:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException:
        raise QueryRefused("sql", f"stopped after {timeout_s:g} s (the time limit)") from None
    except duckdb.OutOfMemoryException:
        raise QueryRefused("sql", f"needed more than {MEMORY_LIMIT} of memory") from None
    except duckdb.Error as exc:
        raise QueryRefused("sql", f"sql: {str(exc).splitlines()[0]}") from None
    finally:
        timer.cancel()
        connection.close()
    return QueryResult(table, truncated=truncated)


def csv_chunks(table: pa.Table) -> Iterator[bytes]:
    """``table`` as CSV (a header, then its rows), one piece per record batch: what
    ``pyarrow.csv.write_csv`` writes, without ever holding all of it.

    A column CSV cannot hold (a list, a struct) is refused here, before anything is written."""
    import pyarrow.csv as pacsv

    sink = io.BytesIO()
    try:
        writer = pacsv.CSVWriter(sink, table.schema)
    except pa.ArrowException as exc:
        raise QueryRefused("sql", f"a CSV cannot hold this result ({str(exc).splitlines()[0]}); download JSON, "
                                  "or turn the column into text in the query (array_to_string, to_json)") from None

    def drain() -> bytes:
        piece = sink.getvalue()
        sink.seek(0)
        sink.truncate()
        return piece

    def pieces() -> Iterator[bytes]:
        try:
            yield drain()  # the header
            for batch in table.to_batches():
                writer.write_batch(batch)
                if piece := drain():
                    yield piece
            writer.close()
            if piece := drain():
                yield piece
        finally:
            sink.close()

    return pieces()


def json_chunks(table: pa.Table) -> Iterator[bytes]:
    """``table`` as a JSON list of objects, one piece per record batch: the same bytes as
    ``json.dumps(table.to_pylist(), ensure_ascii=False, default=str)``, never all at once."""
    yield b"["
    separator = ""
    for batch in table.to_batches():
        rows = batch.to_pylist()
        if rows:
            yield (separator + ", ".join(json.dumps(row, ensure_ascii=False, default=str) for row in rows)).encode()
            separator = ", "
    yield b"]"
