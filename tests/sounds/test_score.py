"""Seed 001's score has one definition: the Python and the SQL generated from its weights give the
same number per sound, on a tiny table built here and on the real shared exports (as the lake
page's chart runs it)."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from sounds.score import SCORE_WEIGHTS, post_score_sql, post_scores, sound_scores, sound_scores_sql


def _sql_scores(connection, source: str) -> dict[str, int]:
    return {sound: int(score) for sound, score, _ in connection.execute(sound_scores_sql(source)).fetchall()}


def test_python_and_sql_agree_on_a_tiny_table():
    counts = {"view_count": [100, None, 5, 7, 9, 1000], "like_count": [10, 3, None, 1, 1, 1000],
              "comment_count": [1, 2, 3, -4, 1, 1000], "repost_count": [0, 1, 1, 1, None, 1000]}
    table = pa.table({"id": ["a", "b", "c", "d", "e", "f"], "music_id": ["s1", "s1", "s2", "s2", "", None],
                      **{name: pa.array(values, pa.int64()) for name, values in counts.items()}})
    # by hand: a missing or negative count is 0; "" and null name no sound
    assert post_scores(table).tolist() == [100 + 20 + 3, 6 + 6 + 4, 5 + 9 + 4, 7 + 2 + 4, 9 + 2 + 3, 10000]
    assert sound_scores(table) == {"s1": 123 + 16, "s2": 18 + 13}
    connection = duckdb.connect()
    connection.register("posts", table)
    assert _sql_scores(connection, "posts") == sound_scores(table)
    per_post = connection.execute(f"SELECT {post_score_sql('p')} FROM posts p ORDER BY id").fetchall()
    assert [score for (score,) in per_post] == post_scores(table).tolist()


def test_the_weights_are_seed_001s():
    assert SCORE_WEIGHTS == {"view_count": 1, "like_count": 2, "comment_count": 3, "repost_count": 4}


def test_python_sql_and_the_lake_chart_agree_on_the_real_exports(exports, tmp_path):
    from trend_lake import Lake, run_query
    from trend_lake.catalog import posts
    from web.lake import CHARTS

    lake = Lake(tmp_path / "lake")
    lake.ingest(exports / "apify_trending.csv", profile="apify")
    lake.ingest(exports / "trending_tiktokapi.json", profile="tiktokapi")
    python = sound_scores(posts(lake))
    assert len(python) > 100
    rows = run_query(lake, sound_scores_sql("metadata")).table.to_pylist()
    assert {row["sound_id"]: int(row["score"]) for row in rows} == python
    chart = run_query(lake, CHARTS["tracks"][1]).table.to_pylist()
    assert [int(row["value"]) for row in chart] == sorted(python.values(), reverse=True)[:12]
