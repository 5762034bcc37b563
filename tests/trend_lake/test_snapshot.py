"""The snapshots the views read: new partitions merged in, the latest row per id kept, a
pruned partition forgotten, an old partition without a newer column read with nulls."""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from trend_lake import run_query
from trend_lake.snapshot import latest


def _export(tmp_path, name, posts):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps([{"id": post, "desc": f"#tag {views}", "stats": {"playCount": views}}
                                for post, views in posts]))
    return path


def _views(lake):
    rows = run_query(lake, "SELECT id, view_count, profile FROM metadata ORDER BY id").table.to_pylist()
    return {row["id"]: (row["view_count"], row["profile"]) for row in rows}


def test_a_new_partition_is_merged_in_and_the_latest_row_per_id_wins(lake, tmp_path):
    lake.ingest(_export(tmp_path, "a", [("post1", 10), ("post2", 20)]), profile="first", now=1_700_000_000)
    assert _views(lake) == {"post1": (10, "first"), "post2": (20, "first")}
    lake.ingest(_export(tmp_path, "b", [("post2", 25), ("post3", 30)]), profile="second", now=1_700_000_100)
    assert _views(lake) == {"post1": (10, "first"), "post2": (25, "second"), "post3": (30, "second")}
    # A partition stamped earlier than what the snapshot holds (a late stage output) loses to it.
    lake.ingest(_export(tmp_path, "c", [("post2", 1), ("post4", 40)]), profile="third", now=1_699_999_000)
    assert _views(lake) == {"post1": (10, "first"), "post2": (25, "second"), "post3": (30, "second"),
                            "post4": (40, "third")}


def test_a_pruned_partition_leaves_the_views(lake, tmp_path):
    lake.ingest(_export(tmp_path, "a", [("post1", 10)]), profile="first", now=1_700_000_000)
    lake.ingest(_export(tmp_path, "b", [("post1", 11), ("post2", 20)]), profile="second", now=1_700_000_100)
    assert _views(lake) == {"post1": (11, "second"), "post2": (20, "second")}
    shutil.rmtree(Path(lake.table_dir("metadata")) / "profile=second")
    assert _views(lake) == {"post1": (10, "first")}


def test_a_partition_written_before_a_column_existed_reads_as_nulls(lake, tmp_path):
    lake.ingest(_export(tmp_path, "a", [("post1", 10)]), profile="first", now=1_700_000_000)
    key = lake.partitions("metadata")[0]
    path = Path(lake.partition_dir("metadata", key)) / "metadata.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["music_url", "hashtags"]), path)
    lake.ingest(_export(tmp_path, "b", [("post2", 20)]), profile="second", now=1_700_000_100)
    rows = run_query(lake, "SELECT id, hashtags, music_url FROM metadata ORDER BY id").table.to_pylist()
    assert rows == [{"id": "post1", "hashtags": None, "music_url": None},
                    {"id": "post2", "hashtags": ["tag"], "music_url": None}]


def test_readers_at_once_get_one_snapshot(lake, tmp_path):
    lake.ingest(_export(tmp_path, "a", [(f"post{n}", n) for n in range(2000)]), profile="first")
    tables: list[pa.Table] = []
    threads = [threading.Thread(target=lambda: tables.append(latest(lake, "metadata"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tables) == 4 and all(table is tables[0] for table in tables) and tables[0].num_rows == 2000
