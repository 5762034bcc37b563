"""Benchmark of the trend lake: ingest of synthetic posts, the seed-001 hashtag score over
them, and the lake's size on disk.

    python bench/bench_lake.py                 # 1 000 000 posts (about 1.5 minutes on 2 cores)
    python bench/bench_lake.py --posts 100000  # a quick run

The posts are TikTok-Api items (the richest export) with 2 000 hashtags, 5 000 sounds and
10 000 creators, Zipf-like so a few are everywhere, as on TikTok. "ingest" is the whole
``Lake.ingest`` of one file: reading the JSON, mapping and checking every row, writing one
zstd Parquet partition. The query is the score the sounds feature ranks by, grouped by
hashtag, run five times on a fresh connection each (as the web does); "warm" is the median.
The first query reads the partition into the process's snapshot; then a re-crawl of 10 % of
the posts lands as a second partition, and the next query merges it (latest row per id).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trend_lake import Lake, run_query  # noqa: E402
from trend_lake.snapshot import latest  # noqa: E402

SCORE_BY_HASHTAG = """
SELECT tag, sum(view_count + 2 * like_count + 3 * comment_count + 4 * repost_count) AS score, count(*) AS posts
FROM (SELECT unnest(hashtags) AS tag, view_count, like_count, comment_count, repost_count FROM metadata)
GROUP BY tag ORDER BY score DESC LIMIT 20
"""


def _export(path: Path, posts: int, *, seed: int = 7, first: int = 0) -> None:
    rng = random.Random(seed)
    tags = [f"tag{n}" for n in range(2000)]
    weights = [1 / (n + 1) for n in range(len(tags))]
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for n in range(first, first + posts):
            chosen = rng.choices(tags, weights, k=3)
            item = {"id": str(7_000_000_000_000_000_000 + n), "desc": f"post {n} " + " ".join(f"#{t}" for t in chosen),
                    "createTime": 1_600_000_000 + rng.randrange(150_000_000),
                    "author": {"uniqueId": f"creator{rng.randrange(10_000)}", "nickname": "Creator"},
                    "music": {"id": f"{6_900_000_000_000_000_000 + rng.randrange(5000)}", "title": "original sound",
                              "authorName": "Creator", "original": rng.random() < 0.3},
                    "stats": {"playCount": rng.randrange(10_000_000), "diggCount": rng.randrange(1_000_000),
                              "commentCount": rng.randrange(10_000), "shareCount": rng.randrange(50_000)},
                    "video": {"duration": rng.randrange(5, 180)}}
            out.write(("," if n > first else "") + json.dumps(item))
        out.write("]")


def _timed(lake: Lake) -> float:
    began = time.perf_counter()
    run_query(lake, SCORE_BY_HASHTAG)
    return 1000 * (time.perf_counter() - began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as scratch:
        work = Path(scratch)
        export = work / "posts.json"
        _export(export, args.posts)
        lake = Lake(work / "lake")
        started = time.perf_counter()
        report = lake.ingest(export, profile="bench")
        ingest_s = time.perf_counter() - started
        if report.imported != args.posts:
            print(f"bench_lake: imported {report.imported} of {args.posts}", file=sys.stderr)
            return 1
        cold_ms = _timed(lake)
        warm = [_timed(lake) for _ in range(5)]
        top = run_query(lake, SCORE_BY_HASHTAG).table.to_pylist()
        size = sum(p.stat().st_size for p in lake.root.rglob("*.parquet"))
        per_million = size * 1_000_000 / args.posts
        recrawl = work / "recrawl.json"
        _export(recrawl, args.posts // 10, seed=8, first=args.posts // 2)  # the same ids, newer counts
        lake.ingest(recrawl, profile="bench")
        merge_ms = _timed(lake)
        merged_warm = [_timed(lake) for _ in range(5)]
        snapshot_mib = latest(lake, "metadata").nbytes / (1 << 20)
        rows = run_query(lake, "SELECT count(*) AS n FROM metadata").table.to_pylist()[0]["n"]
        if rows != args.posts:
            print(f"bench_lake: {rows} rows after the re-crawl, not {args.posts}", file=sys.stderr)
            return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.posts:,} posts, {cores} cores; top hashtag {top[0]['tag']} with {top[0]['posts']:,} posts")
    print_table(("measure", "result", "target"), [
        ("ingest (read, check, write)", f"{ingest_s:.1f} s", "≤ 30 s per million"),
        ("  per post", f"{1e6 * ingest_s / args.posts:.1f} µs", "≤ 30 µs"),
        ("hashtag score, first query (reads the snapshot)", f"{cold_ms:.0f} ms", ""),
        ("hashtag score, warm (median of 5)", f"{statistics.median(warm):.0f} ms", "≤ 100 ms"),
        ("first query after a 10 % re-crawl (merges it)", f"{merge_ms:.0f} ms", ""),
        ("hashtag score after it, warm", f"{statistics.median(merged_warm):.0f} ms", "≤ 100 ms"),
        ("snapshot in memory", f"{snapshot_mib:.0f} MiB", ""),
        ("lake size per million posts", f"{per_million / (1 << 20):.0f} MiB", ""),
    ], right=(1,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
