"""The query guard and limits: one read-only statement, files only under the lake."""
from __future__ import annotations

import json

import pytest

from trend_lake import QueryRefused, run_query


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
