"""Benchmark of the whole studio search on the bundled demo library.

    make bench            # or: python bench/bench_search.py [--tags Foodie Travel Tech]

Prints one table: model load, a cold search (empty transcript cache), a warm search
(the same tags again), seconds per stage, the worker pool's speed-up over running the
videos one by one, the composer's speed in multiples of real time and the poster's
seconds per image. Targets for a 2-core machine are shown beside the figures.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pipeline  # noqa: E402
import runs  # noqa: E402
import stages  # noqa: E402
from search_input import SearchRequest  # noqa: E402
from settings import load_settings  # noqa: E402


def _studio(work: Path, **overrides) -> pipeline.Studio:
    config = load_settings()
    config.update(TRENDTOK_RUNS_DIR=str(work / "runs"), TRENDTOK_CACHE_DIR=str(work / "cache"), **overrides)
    return pipeline.Studio(config)


def _time(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tags", nargs="+", default=["Foodie", "Travel", "Tech"])
    parser.add_argument("--duration", type=int, default=15)
    args = parser.parse_args()
    request = SearchRequest(tags=tuple(args.tags), duration=args.duration, seed=7)
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        studio = _studio(work)
        load_s, _ = _time(studio.warm_up)
        rows.append(("model load (once per process)", f"{load_s:.2f} s", ""))
        cold_s, cold = _time(lambda: runs.publish(studio.search(request)))
        warm_s, warm = _time(lambda: runs.publish(studio.search(request)))
        n_videos = len(cold["videos"])
        rows.append((f"cold search ({len(args.tags)} tags, {n_videos} videos)", f"{cold_s:.2f} s", "≤ 40 s"))
        rows.append(("warm search (cached text)", f"{warm_s:.2f} s", "≤ 3 s"))
        for stage in stages.names():
            rows.append((f"  {stage}: cold / warm", f"{cold['timings'][stage]:.2f} / {warm['timings'][stage]:.2f} s", ""))

        # The worker pool against one video at a time, both without the cache.
        paths = [Path(studio.runs_dir / cold["run_id"] / v["video_url"].split(cold["run_id"] + "/", 1)[1])
                 for v in cold["videos"]]
        from tiktok_to_text import TextExtractor

        timings = {}
        for label, options in (("sequential", {"workers": 1, "pool": "thread"}),
                               ("thread pool ×2", {"workers": 2, "pool": "thread"}),
                               ("process pool ×2", {"workers": 2, "pool": "process"})):
            with TextExtractor(transcriber="sphinx", ocr=True, cache_dir=None, **options) as extractor:
                extractor(paths[:1])                      # load the models before timing
                timings[label], _ = _time(lambda: extractor(paths))
        base = timings["sequential"]
        for label, seconds in timings.items():
            rows.append((f"text stage, {label}", f"{seconds:.2f} s", f"×{base / seconds:.2f} vs sequential"))

        from music_gen import load_music_generator

        composer = load_music_generator("composer")
        for duration in (15, 60):
            seconds, _ = _time(lambda: composer(description=cold["song_description"], duration=duration, seed=1,
                                                out_dir=work / f"music{duration}"))
            rows.append((f"composer, {duration} s track", f"{duration / seconds:.0f}× real time", "≥ 50×"))

        from animate_text import load_cover_generator

        poster = load_cover_generator("poster")
        seconds, _ = _time(lambda: [poster(title=cold["idea"]["title"], keywords=cold["keywords"], mood=cold["mood"],
                                           seed=s, out_path=work / f"poster{s}.png") for s in range(3)])
        rows.append(("poster, per image", f"{seconds / 3:.2f} s", "≤ 1 s"))
        studio.close()

    print_table(("measure", "result", "target / note"), rows, right=(1,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
