"""bench/bench_captions.py's reference: the words go where it says, and matching is by text."""
from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))  # the bench imports its _table beside it
    try:
        spec = importlib.util.spec_from_file_location("bench_captions", BENCH / "bench_captions.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def test_each_word_starts_on_its_sound_at_the_placed_sample(bench):
    sr = bench.SR
    t = np.arange(sr * 3) / sr
    samples = np.zeros(t.size, np.float32)
    # Three "words" with silence the aligner included on either side of each.
    spans = [(0.2, 0.5), (1.0, 1.3), (2.0, 2.6)]
    for start, end in spans:
        inside = (t >= start) & (t < end)
        samples[inside] = 0.4 * np.sin(2 * np.pi * 220 * t[inside])
    aligned = [("one", 0.1, 0.6), ("two", 0.9, 1.4), ("three", 1.95, 2.7)]
    track, placed = bench.place_words(samples, aligned, rng=random.Random(5))
    assert [token for token, _ in placed] == ["one", "two", "three"]
    starts = []
    for (token, true_start), (start, end) in zip(placed, spans):
        at = round(true_start * sr)
        # Silence up to the placed sample, the word's sound from it: the aligner's padding was
        # trimmed away (to the 10 ms frame), so the true start is where the sound is.
        assert np.all(track[at - 80:at] == 0) and np.max(np.abs(track[at:at + 160])) > 0.05, token
        length = round((end - start) * sr)
        assert np.max(np.abs(track[at + length - 160:at + length])) > 0.05
        assert np.all(track[at + length + 1:at + length + 80] == 0)
        starts.append((at, length))
    for (at, length), (following, _) in zip(starts, starts[1:]):
        assert bench.GAP_S[0] * sr - 1 <= following - (at + length) <= bench.GAP_S[1] * sr + 1


def test_words_are_matched_by_normalised_text_in_order(bench):
    assert bench.normalise("You're 100% Mr. TikTok, (yes)!") == ["you're", "one", "hundred", "percent", "mister",
                                                                  "tiktok", "yes"]
    reference = [("and", 1.0), ("mister", 2.0), ("john", 3.0), ("one", 4.0), ("hundred", 4.5)]
    heard = [SimpleNamespace(text=" And", start_s=1.25), SimpleNamespace(text=" Mr.", start_s=1.5),
             SimpleNamespace(text=" Jon", start_s=2.9), SimpleNamespace(text=" 100", start_s=4.0)]
    # "Jon" is not "john": unmatched; "100" is timed by its first token.
    assert bench.start_errors(reference, heard) == ([0.25, 0.5, 0.0], 0)
    # The same word heard far from where it was placed: another occurrence, counted apart.
    assert bench.start_errors([("you", 1.0)], [SimpleNamespace(text="you", start_s=9.0)]) == ([], 1)
