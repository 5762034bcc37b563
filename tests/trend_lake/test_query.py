"""The query guard and limits: one read-only statement, files only under the lake, a bounded result
(rows and bytes), and its CSV/JSON written out batch by batch."""
from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from trend_lake import QueryRefused, ResultTooLarge, csv_chunks, json_chunks, run_query
from trend_lake.query import BATCH_ROWS, MB


@pytest.fixture
def filled(lake, tmp_path):
    items = [{"id": f"72000000000000000{n}", "desc": f"post {n} #dance", "createTime": 1700000000 + n,
              "author": {"uniqueId": "a"}, "music": {"id": "m"},
              "stats": {"diggCount": n, "shareCount": 0, "commentCount": 0, "playCount": 10 * n}} for n in range(1, 6)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items))
    lake.ingest(path, profile="p")
    return lake


@pytest.mark.parametrize("sql", [
    "DROP VIEW metadata",
    "COPY (SELECT * FROM metadata) TO '/tmp/out.csv'",
    "ATTACH '/tmp/other.duckdb'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT 1; DROP VIEW metadata",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('../../etc/passwd')",
    "SELECT * FROM read_parquet('/tmp/*/*.parquet')",
    "EXPLAIN ANALYZE COPY (SELECT 'x' AS junk) TO 'LAKE/videos/metadata/profile=p/x.parquet'",
    "EXPLAIN (ANALYZE) SELECT 1",
    "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
    "EXPLAIN COPY (SELECT 1) TO '/tmp/x.csv'",
    "SET enable_external_access = true",
    "PRAGMA version",
    "CREATE TABLE t AS SELECT 1",
    "",
])
def test_anything_but_one_read_only_query_is_refused(filled, sql):
    files = {p: p.read_bytes() for p in filled.root.rglob("*") if p.is_file()}
    with pytest.raises(QueryRefused, match="^sql: "):
        run_query(filled, sql.replace("LAKE", str(filled.root)))
    assert run_query(filled, "SELECT count(*) AS n FROM metadata").table.to_pylist() == [{"n": 5}]
    assert {p: p.read_bytes() for p in filled.root.rglob("*") if p.is_file()} == files  # the lake is untouched


@pytest.mark.parametrize("sql", ["SELECT count(*) FROM metadata", "WITH t AS (SELECT 1 AS x) SELECT * FROM t",
                                 "DESCRIBE metadata", "SHOW TABLES", "EXPLAIN SELECT * FROM metadata",
                                 "SUMMARIZE metadata"])
def test_read_only_statements_run(filled, sql):
    assert run_query(filled, sql).table.num_rows >= 1


def test_every_view_binds_on_an_empty_lake_with_the_seed_columns(lake):
    for view in ("metadata", "transcripts", "text_analysis", "sounds"):
        assert run_query(lake, f"SELECT count(*) AS n FROM {view}").table.to_pylist() == [{"n": 0}]
    columns = [r["column_name"] for r in run_query(lake, "DESCRIBE metadata").table.to_pylist()]
    assert columns[:16] == ["id", "title", "description", "upload_date", "like_count", "repost_count",
                            "comment_count", "view_count", "duration", "webpage_url", "channel", "timestamp",
                            "track", "artists", "artist", "uploader"]


def test_a_slow_query_is_stopped_at_its_time_limit(filled):
    with pytest.raises(QueryRefused, match="time limit"):
        run_query(filled, "SELECT count(*) FROM range(10000000000) a, range(10) b", timeout_s=0.5)


def test_rows_beyond_the_cap_are_cut_and_said(filled):
    result = run_query(filled, "SELECT * FROM range(5000)", max_rows=100)
    assert result.table.num_rows == 100 and result.truncated


# -- The result's size: at most max_bytes of Arrow data, read batch by batch ------------------------------------

ISSUE_SQL = "SELECT repeat('x', 100000) FROM range(20000)"  # 2 GB of text, 1 GB of it under the row cap


def test_a_result_past_the_byte_limit_is_refused_while_it_is_read(lake):
    with pytest.raises(ResultTooLarge, match=r"^sql: result is over [\d.]+ MB, the limit is 1 MB") as refused:
        run_query(lake, ISSUE_SQL, max_bytes=MB)
    # Reading stopped at the first batch past the limit: a batch of 100 kB rows, not the gigabyte.
    assert MB < refused.value.read_bytes <= MB + BATCH_ROWS * 100_100
    assert refused.value.limit_bytes == MB and isinstance(refused.value, QueryRefused)


def test_just_under_the_byte_limit_runs_and_just_over_is_refused(lake):
    under = run_query(lake, "SELECT repeat('x', 1000) AS s FROM range(1000)", max_bytes=MB)  # ~0.96 MB
    assert under.table.num_rows == 1000 and not under.truncated and under.table.nbytes <= MB
    with pytest.raises(ResultTooLarge, match="the limit is 1 MB"):
        run_query(lake, "SELECT repeat('x', 1100) AS s FROM range(1000)", max_bytes=MB)  # ~1.05 MB
    with pytest.raises(ResultTooLarge, match=r"the limit is 0\.5 MB"):
        run_query(lake, "SELECT repeat('x', 1000) AS s FROM range(1000)", max_bytes=MB // 2)


def test_only_the_rows_returned_count_towards_the_byte_limit(lake):
    # 100 rows of 100 kB are 10 MB; the batch they come in (BATCH_ROWS rows) would be 25 MB.
    result = run_query(lake, ISSUE_SQL, max_rows=100, max_bytes=20 * MB)
    assert result.table.num_rows == 100 and result.truncated


@pytest.mark.parametrize("n, cap, truncated", [(512, 512, False), (513, 512, True), (256, 256, False),
                                               (257, 256, True), (1000, 300, True), (0, 10, False)])
def test_the_row_cap_says_truncated_only_when_rows_were_left(lake, n, cap, truncated):
    result = run_query(lake, f"SELECT range AS n FROM range({n})", max_rows=cap)
    assert result.table.num_rows == min(n, cap) and result.truncated is truncated
    assert result.table.column("n").to_pylist() == list(range(min(n, cap)))


def _mixed():
    rows = BATCH_ROWS * 3 + 17  # several batches, the last one short
    return pa.Table.from_batches(pa.table({
        "n": pa.array([None if i % 7 == 0 else i for i in range(rows)], pa.int64()),
        "text": [f'{i}, "quoted" ünïcødé\nline' if i % 5 else None for i in range(rows)],
        "x": [i / 3 for i in range(rows)],
        "when": pa.array([1_700_000_000_000_000 + i for i in range(rows)], pa.timestamp("us")),
    }).to_batches(max_chunksize=BATCH_ROWS))


@pytest.mark.parametrize("table", [_mixed(), _mixed().slice(0, 0)], ids=["rows", "empty"])
def test_the_streamed_csv_and_json_are_the_bytes_a_whole_conversion_writes(table):
    whole = io.BytesIO()
    pacsv.write_csv(table, whole)
    assert b"".join(csv_chunks(table)) == whole.getvalue()
    assert b"".join(json_chunks(table)) == \
        json.dumps(table.to_pylist(), ensure_ascii=False, default=str).encode()
    if table.num_rows:
        assert len(list(csv_chunks(table))) > 3 and len(list(json_chunks(table))) > 3  # a piece per batch


def test_a_query_result_streams_identically_and_csv_refuses_lists_up_front(filled):
    table = run_query(filled, "SELECT id, description, view_count FROM metadata ORDER BY id").table
    assert json.loads(b"".join(json_chunks(table))) == table.to_pylist()
    assert b"".join(csv_chunks(table)).decode().splitlines()[0] == '"id","description","view_count"'
    with pytest.raises(QueryRefused, match="^sql: a CSV cannot hold this result .*list"):
        csv_chunks(run_query(filled, "SELECT id, hashtags FROM metadata").table)
