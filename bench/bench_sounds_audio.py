"""Benchmark of the similar-music audio side: feature extraction and exact top-10 search.

    python bench/bench_sounds_audio.py                       # about half a minute on 2 cores
    python bench/bench_sounds_audio.py --tracks 20000 --runs 3

Features: the first 30 s of every shared clip at least that long (../shared/data/music),
``audio_features`` (one STFT) against ``reference_features`` (librosa's feature functions on the
raw samples, an STFT each), run alternately ``--runs`` times per clip after a warm-up; the
figure is the median over all runs, and the differences are the worst over the clips, relative
to each value (to 1 for values under 1 in size). Search: an index of ``--tracks`` random
vectors of ``FEATURE_DIM``, queried with fresh random vectors for the 10 nearest; p50 and p95
of the wall time per query, unfiltered and with a genre filter plus excluded ids.

Needs ../shared/data for the feature rows (skipped without it).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"

from sounds.audio import load_audio  # noqa: E402
from sounds.features import FEATURE_DIM, audio_features, reference_features  # noqa: E402
from sounds.similar import SimilarityIndex, TrackRecord  # noqa: E402

SR = 22050
CLIP_S = 30


def _ms(function, *args, **kwargs) -> float:
    began = time.perf_counter()
    function(*args, **kwargs)
    return 1000 * (time.perf_counter() - began)


def _features(runs: int) -> list[tuple[str, str, str]]:
    clips = [load_audio(path)[: CLIP_S * SR] for path in sorted((SHARED / "music").glob("*.ogg"))]
    clips = [clip for clip in clips if len(clip) == CLIP_S * SR]
    if not clips:
        return [("feature extraction", "skipped", "no ../shared/data/music clip of 30 s")]
    audio_features(clips[0], sr=SR)  # warm-up: imports, numba kernels, the cached filter banks
    reference_features(clips[0], sr=SR)
    fast, slow, worst_abs, worst_rel = [], [], 0.0, 0.0
    for clip in clips:
        for _ in range(runs):
            fast.append(_ms(audio_features, clip, sr=SR))
            slow.append(_ms(reference_features, clip, sr=SR))
        ours = audio_features(clip, sr=SR).astype(np.float64)
        theirs = reference_features(clip, sr=SR).astype(np.float64)
        worst_abs = max(worst_abs, float(np.max(np.abs(ours - theirs))))
        worst_rel = max(worst_rel, float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1.0))))
    fast_ms, slow_ms = statistics.median(fast), statistics.median(slow)
    return [
        (f"features per 30-s clip, shared STFT ({len(clips)} clips × {runs})", f"{fast_ms:.1f} ms", ""),
        ("features per 30-s clip, reference (an STFT per feature)", f"{slow_ms:.1f} ms", ""),
        ("  speed-up", f"{slow_ms / fast_ms:.1f}×", "≥ 2×"),
        ("  max abs difference", f"{worst_abs:.1e}", ""),
        ("  max relative difference", f"{worst_rel:.1e}", "≤ 1e-5"),
    ]


def _search(tracks: int, queries: int) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(tracks, FEATURE_DIM)).astype(np.float32)
    genres = ("pop", "rock", "jazz", "folk", "classical")
    records = [TrackRecord(id=f"t{i}", title=f"Track {i}", artist=None, vector=vector, genre=genres[i % 5])
               for i, vector in enumerate(vectors)]
    began = time.perf_counter()
    index = SimilarityIndex(records)
    build_s = time.perf_counter() - began
    probes = rng.normal(size=(queries, FEATURE_DIM)).astype(np.float32)
    index.query(probes[0], limit=10)
    plain = sorted(_ms(index.query, probe, limit=10) for probe in probes)
    filtered = sorted(_ms(index.query, probe, limit=10, genre="jazz", exclude_ids=("t2", "t7", "t12"))
                      for probe in probes)

    def pct(values: list[float], q: float) -> str:
        return f"{values[min(len(values) - 1, int(q * len(values)))]:.1f} ms"

    return [
        (f"index build, {tracks:,} tracks", f"{build_s:.2f} s", ""),
        (f"exact top-10 of {tracks:,}, p50 ({queries} queries)", pct(plain, 0.50), "≤ 20 ms"),
        ("  p95", pct(plain, 0.95), ""),
        ("  with a genre filter and 3 excluded ids, p50", pct(filtered, 0.50), ""),
        ("  p95", pct(filtered, 0.95), ""),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per clip and path")
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rows = _features(args.runs) if SHARED.is_dir() else [("feature extraction", "skipped", "../shared/data absent")]
    rows += _search(args.tracks, args.queries)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{cores} cores, load average {load:.1f} when done; FEATURE_DIM {FEATURE_DIM}")
    print_table(("measure", "result", "target"), rows, right=(1,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
