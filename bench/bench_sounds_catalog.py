"""Benchmark of the sounds catalog features: trending sounds for hashtags over a million
synthetic posts (both sorts), and the title matcher, 10 000 titles against 10 000 sounds.

    python bench/bench_sounds_catalog.py                 # 1 000 000 posts (about a minute on 2 cores)
    python bench/bench_sounds_catalog.py --posts 100000  # a quick run

The catalog is built in memory the way ``trend_lake.catalog`` hands it over (the lake's
metadata columns, 64 Ki-row chunks like the snapshot): 2 000 hashtags (3 per post) and 5 000
sounds, both Zipf-like as in bench_lake, so the top hashtag is on about a third of the posts —
the costliest tag to rank. The history is two imports a day apart: every post, then a re-crawl
of 10 % of them with higher counts and 2 % new posts. The first call on a table indexes it
(each row's sound, score and hashtags as integers; again whenever the lake hands over a new
snapshot); "warm" is the median of 5 calls after it. The matcher's time includes normalising
and vectorising the queries: half are catalog songs rewritten (upper case, "(feat. …)", "!",
the artist in lower case), half new titles.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sounds.matching import TitleMatcher  # noqa: E402
from sounds.trending import trending_sounds  # noqa: E402
from trend_lake import METADATA  # noqa: E402

CHUNK_ROWS = 1 << 16
TAGS, SOUNDS = 2000, 5000
STAMPS = ("20261101T120000000000Z", "20261102T120000000000Z")


def _zipf(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    weights = 1 / np.arange(1, n + 1)
    return rng.choice(n, size=size, p=weights / weights.sum())


def _posts(rng: np.random.Generator, first: int, count: int, stamp: str, *, boost: int = 1) -> pa.Table:
    """``count`` posts with ids from ``first``, as the import stamped ``stamp`` saw them."""
    tag_names = pa.array([f"tag{n}" for n in range(TAGS)])
    tags = pa.ListArray.from_arrays(pa.array(np.arange(0, 3 * count + 1, 3, dtype=np.int32)),
                                    tag_names.take(pa.array(_zipf(rng, TAGS, 3 * count))))
    sound = _zipf(rng, SOUNDS, count)
    ids = (np.arange(first, first + count) + 7_000_000_000_000_000_000).astype(str)
    columns = {
        "id": pa.array(ids), "hashtags": tags,
        "music_id": pa.array((sound + 6_900_000_000_000_000_000).astype(str)),
        "track": pa.array(np.char.add("song ", sound.astype(str))),
        "artist": pa.array(np.char.add("artist ", (sound % 997).astype(str))),
        "music_original": pa.array(sound % 3 == 0),
        "music_url": pa.array(np.char.add("https://example.com/", sound.astype(str))),
        "webpage_url": pa.array(np.char.add("https://www.tiktok.com/@c/video/", ids)),
        "view_count": pa.array(boost * rng.integers(0, 10_000_000, count)),
        "like_count": pa.array(boost * rng.integers(0, 1_000_000, count)),
        "comment_count": pa.array(boost * rng.integers(0, 10_000, count)),
        "repost_count": pa.array(boost * rng.integers(0, 50_000, count)),
    }
    arrays = [columns[f.name] if f.name in columns else pa.nulls(count, f.type) for f in METADATA]
    arrays += [pa.array(["bench"] * count), pa.array([stamp] * count)]
    schema = METADATA.append(pa.field("profile", pa.string())).append(pa.field("processed_at", pa.string()))
    return pa.Table.from_arrays(arrays, schema=schema)


def _chunked(table: pa.Table) -> pa.Table:
    return pa.Table.from_batches(table.combine_chunks().to_batches(max_chunksize=CHUNK_ROWS), schema=table.schema)


def _catalog(posts: int) -> tuple[pa.Table, pa.Table]:
    """(the latest row per post, every import's rows)."""
    rng = np.random.default_rng(7)
    first = _posts(rng, 0, posts, STAMPS[0])
    recrawl = _posts(rng, posts // 2, posts // 10, STAMPS[1], boost=2)
    fresh = _posts(rng, posts, posts // 50, STAMPS[1])
    history = _chunked(pa.concat_tables([first, recrawl, fresh]))
    untouched = pa.concat_tables([first.slice(0, posts // 2), first.slice(posts // 2 + posts // 10)])
    latest = _chunked(pa.concat_tables([untouched, recrawl, fresh]))
    return latest, history


def _warm(call) -> list[float]:
    """Milliseconds of five calls (the table is indexed already)."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - began))
    return times


def _titles(rng: np.random.Generator, count: int, syllables: list[str]) -> list[str]:
    words = ["".join(rng.choice(syllables, size=rng.integers(1, 4))) for _ in range(count * 3)]
    return [" ".join(words[3 * n: 3 * n + rng.integers(1, 4)]).title() for n in range(count)]


def _matching(count: int) -> tuple[float, float, int]:
    """(fit s, match_many s, matches) for ``count`` titles against ``count`` sounds: half the
    queries are catalog songs written differently (case, feat., punctuation), half new titles."""
    rng = np.random.default_rng(11)
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ay", "ee", "ou")]
    titles = _titles(rng, count, syllables)
    artists = [f"{a} {b}".title() for a, b in zip(*(rng.choice(syllables, size=2000) for _ in range(2)))]
    authors = [artists[n] for n in _zipf(rng, len(artists), count)]
    began = time.perf_counter()
    matcher = TitleMatcher(sound_ids=[str(n) for n in range(count)], titles=titles, authors=authors)
    fit_s = time.perf_counter() - began
    picked = rng.choice(count, size=count // 2, replace=False)
    pairs = [(f"{titles[n].upper()} (feat. Someone)!", authors[n].lower()) for n in picked]
    pairs += list(zip(_titles(rng, count - len(pairs), syllables), rng.choice(artists, size=count - len(pairs))))
    began = time.perf_counter()
    found = matcher.match_many(pairs, limit=10)
    match_s = time.perf_counter() - began
    # Right: the sound itself, or one with the same title and artist (short random titles repeat).
    right = sum(1 for n, matches in zip(picked, found)
                if matches and (matches[0].title, matches[0].author) == (titles[n], authors[n]))
    return fit_s, match_s, right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--titles", type=int, default=10_000)
    args = parser.parse_args()
    began = time.perf_counter()
    posts, history = _catalog(args.posts)
    build_s = time.perf_counter() - began
    began = time.perf_counter()
    trending_sounds(posts, tags=["tag0"], limit=10)
    index_posts_ms = 1000 * (time.perf_counter() - began)
    began = time.perf_counter()
    trending_sounds(posts, tags=["tag0"], limit=10, sort="rising", history=history)
    index_history_ms = 1000 * (time.perf_counter() - began)
    rows = [(f"first call: indexes {args.posts:,} posts, then ranks", f"{index_posts_ms:.0f} ms", ""),
            (f"first rising call: indexes {history.num_rows:,} history rows", f"{index_history_ms:.0f} ms", "")]
    for label, tags in (("top hashtag (1/3 of posts)", ["tag0"]), ("5 top hashtags", [f"tag{n}" for n in range(5)]),
                        ("a mid hashtag", ["tag500"])):
        warm = _warm(lambda: trending_sounds(posts, tags=tags, limit=10))
        rows.append((f"score, {label}, warm (median of 5)", f"{statistics.median(warm):.0f} ms", "≤ 200 ms"))
        warm = _warm(lambda: trending_sounds(posts, tags=tags, limit=10, sort="rising", history=history))
        rows.append((f"rising, {label}, warm", f"{statistics.median(warm):.0f} ms", "≤ 200 ms"))
    top = trending_sounds(posts, tags=["tag0"], limit=1, sort="rising", history=history)[0]
    fit_s, match_s, right = _matching(args.titles)
    rows += [
        (f"title matcher: fit on {args.titles:,} sounds", f"{fit_s:.2f} s", ""),
        (f"  match {args.titles:,} titles (limit 10)", f"{match_s:.2f} s", "≤ 5 s"),
        ("  rewritten catalog titles found first", f"{right:,} of {args.titles // 2:,}", ""),
    ]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.posts:,} posts ({history.num_rows:,} history rows, built in {build_s:.1f} s), {cores} cores; "
          f"top rising sound {top.sound_id}: {top.engagement_per_day:,.0f} a day")
    print_table(("measure", "result", "target"), rows, right=(1,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
