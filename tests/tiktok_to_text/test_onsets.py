"""snap_starts: a word's start moves past a pause in its span onto its sound, and only then."""
from __future__ import annotations

import numpy as np
import pytest

from tiktok_to_text import Word
from tiktok_to_text.onsets import snap_starts

SR = 16_000


def track(*bursts: tuple[float, float], length_s: float = 4.0, bed: float = 0.0, level: float = 0.3) -> np.ndarray:
    """int16 samples: a voice-like 200 Hz tone (with a 5 Hz wobble) in each (start, end), over
    white noise at ``bed`` (0: digital silence); fixed seed."""
    t = np.arange(round(length_s * SR)) / SR
    audio = np.random.default_rng(3).normal(0, bed, t.size) if bed else np.zeros(t.size)
    for start, end in bursts:
        inside = (t >= start) & (t < end)
        audio[inside] += level * np.sin(2 * np.pi * 200 * t[inside]) * (0.7 + 0.3 * np.sin(2 * np.pi * 5 * t[inside]))
    return (np.clip(audio, -1, 1) * 32767).astype(np.int16)


def test_a_start_in_the_pause_before_a_word_moves_onto_the_word():
    samples = track((0.5, 0.9), (1.6, 2.0))
    # Whisper's way: the second word "starts" where the first ended, 0.7 s early.
    words = [Word("one", 0.5, 0.9), Word("two", 0.9, 2.0)]
    snapped = snap_starts(words, samples)
    assert snapped[0] == words[0]
    assert snapped[1].end_s == 2.0 and abs(snapped[1].start_s - 1.6) <= 0.011


def test_over_a_music_like_bed_too():
    samples = track((1.2, 1.6), bed=0.3 * 10 ** (-12 / 20) / 2)
    snapped = snap_starts([Word("hey", 0.6, 1.6)], samples)
    assert abs(snapped[0].start_s - 1.2) <= 0.021


def test_a_short_dip_inside_a_word_is_not_a_pause():
    # A stop's closure: 60 ms of silence inside a word moves nothing.
    samples = track((1.0, 1.2), (1.26, 1.6))
    assert snap_starts([Word("dashwood", 1.0, 1.6)], samples) == (Word("dashwood", 1.0, 1.6),)


def test_flat_or_silent_spans_and_short_words_stay():
    assert snap_starts([Word("a", 0.5, 1.5)], track(length_s=2.0)) == (Word("a", 0.5, 1.5),)
    assert snap_starts([Word("a", 0.0, 2.0)], track((0.0, 2.0), length_s=2.0)) == (Word("a", 0.0, 2.0),)
    assert snap_starts([Word("a", 1.0, 1.1)], track((1.05, 1.1))) == (Word("a", 1.0, 1.1),)
    assert snap_starts([], track()) == ()


def test_a_start_never_passes_the_next_start_nor_goes_back():
    samples = track((1.5, 1.9))
    # Overlapping words (the next starts inside this one's pause): order kept.
    words = [Word("so", 0.4, 1.9), Word("yes", 1.0, 1.95)]
    snapped = snap_starts(words, samples)
    assert snapped[0].start_s == pytest.approx(1.0) and snapped[0].start_s <= snapped[1].start_s
    assert all(new.start_s >= old.start_s and new.end_s == old.end_s for new, old in zip(snapped, words))
