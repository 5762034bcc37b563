"""The catalog the sounds features read: ``posts`` is the metadata view's latest row per id,
``post_history`` every import's rows, both kept per process and filtered by profile."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from trend_lake import LakeError
from trend_lake.catalog import HISTORY_COLUMNS, post_history, posts

DAY = 86_400


def _ingest(lake, tmp_path, name, items, *, profile, now):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps([{"id": post, "desc": "#dance", "stats": {"playCount": views},
                                 "music": {"id": "sound1", "title": "a song"}} for post, views in items]))
    return lake.ingest(path, profile=profile, now=now)


def _history(table):
    return sorted(zip(table.column("id").to_pylist(), table.column("view_count").to_pylist(),
                      table.column("profile").to_pylist()))


def test_posts_is_the_latest_row_per_id_and_history_keeps_every_row(lake, tmp_path):
    _ingest(lake, tmp_path, "a", [("p1", 10), ("p2", 20)], profile="trending", now=1_700_000_000)
    _ingest(lake, tmp_path, "b", [("p1", 15)], profile="trending", now=1_700_000_000 + DAY)
    latest = posts(lake)
    assert sorted(zip(latest.column("id").to_pylist(), latest.column("view_count").to_pylist())) == [
        ("p1", 15), ("p2", 20)]
    assert {"profile", "processed_at", "track", "music_id"} <= set(latest.column_names)
    history = post_history(lake)
    assert history.column_names == [*HISTORY_COLUMNS, "profile", "processed_at"]
    assert _history(history) == [("p1", 10, "trending"), ("p1", 15, "trending"), ("p2", 20, "trending")]
    assert history.column("processed_at").to_pylist() == sorted(history.column("processed_at").to_pylist())


def test_history_is_kept_and_reads_only_new_partitions(lake, tmp_path, monkeypatch):
    _ingest(lake, tmp_path, "a", [("p1", 10)], profile="trending", now=1_700_000_000)
    first = post_history(lake)
    assert post_history(lake) is first  # warm: nothing read, nothing rebuilt
    read = []
    original = type(lake).read_table
    monkeypatch.setattr(type(lake), "read_table", lambda self, table, key, **kw: read.append(key) or
                        original(self, table, key, **kw))
    _ingest(lake, tmp_path, "b", [("p2", 20)], profile="trending", now=1_700_000_000 + DAY)
    assert _history(post_history(lake)) == [("p1", 10, "trending"), ("p2", 20, "trending")]
    assert read == [lake.partitions("metadata")[1]]
    shutil.rmtree(Path(lake.table_dir("metadata")) / "profile=trending" / f"processed_at={read[0][1]}")
    assert _history(post_history(lake)) == [("p1", 10, "trending")]


def test_profiles_are_excluded_from_both(lake, tmp_path):
    _ingest(lake, tmp_path, "a", [("p1", 10), ("p2", 20)], profile="trending", now=1_700_000_000)
    _ingest(lake, tmp_path, "b", [("p2", 99), ("p3", 30)], profile="demo", now=1_700_000_000 + DAY)
    assert sorted(posts(lake, exclude_profiles=["demo"]).column("id").to_pylist()) == ["p1"]
    assert sorted(posts(lake).column("id").to_pylist()) == ["p1", "p2", "p3"]
    assert _history(post_history(lake, exclude_profiles="demo")) == [("p1", 10, "trending"), ("p2", 20, "trending")]
    assert post_history(lake, exclude_profiles=("demo",)) is post_history(lake, exclude_profiles=("demo",))
    assert post_history(lake).num_rows == 4
    with pytest.raises(LakeError, match="exclude_profile"):
        posts(lake, exclude_profiles=["no/such"])


def test_an_old_partition_without_a_column_reads_as_nulls(lake, tmp_path):
    _ingest(lake, tmp_path, "a", [("p1", 10)], profile="trending", now=1_700_000_000)
    key = lake.partitions("metadata")[0]
    path = Path(lake.partition_dir("metadata", key)) / "metadata.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["music_id"]), path)
    history = post_history(lake)
    assert history.column("music_id").to_pylist() == [None]
    assert history.column("view_count").to_pylist() == [10]


def test_an_empty_lake_has_an_empty_history(lake):
    assert post_history(lake).num_rows == 0
    assert posts(lake).num_rows == 0
