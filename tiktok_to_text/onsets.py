"""Whisper's word starts moved onto the word's sound.

Whisper times words from its cross-attention, which cannot see a pause: after one, a word's start
is where the word before it ended, so a caption word lights up the whole pause early (measured
in bench/bench_captions.py: a median of half a second on words placed 0.3-0.7 s apart). The
audio can: a word whose span opens on a stretch of at least ``quiet_s`` well below its own loudest
sound, and rises after it, starts where that stretch ends. "Well below" is relative to the span
(halfway, in dB, from its quietest to its loudest 10 ms), so it works over a music bed too; a
stop consonant's closure (under 0.1 s) is not a pause and moves nothing.
"""
from __future__ import annotations

import numpy as np

from ._types import Word
from .media import SAMPLE_RATE

_FRAME = SAMPLE_RATE // 100  # 10 ms


def _frame_db(samples: np.ndarray) -> np.ndarray:
    n = samples.size // _FRAME
    frames = samples[: n * _FRAME].astype(np.float32).reshape(n, _FRAME) / 32768.0
    return 20 * np.log10(np.maximum(1e-5, np.sqrt((frames ** 2).mean(axis=1))))


def snap_starts(words: tuple[Word, ...] | list[Word], samples: np.ndarray, *, quiet_s: float = 0.15,
                contrast_db: float = 10.0) -> tuple[Word, ...]:
    """``words`` (in time order, over 16 kHz int16 ``samples``) with each start moved past the
    last pause of at least ``quiet_s`` before the loudest sound of its span, when the span's
    loudest is ``contrast_db`` over its quietest. A start only moves later, and never past the
    next word's start, so the order (and each word's end) stays."""
    db = _frame_db(samples)
    need = max(1, round(quiet_s * 100))
    moved = []
    for i, word in enumerate(words):
        first, last = int(word.start_s * 100), min(db.size, int(np.ceil(word.end_s * 100)))
        span = db[first:last]
        start = word.start_s
        if span.size > need:
            low, peak_at = float(np.percentile(span, 5)), int(span.argmax())
            if span[peak_at] - low >= contrast_db:
                quiet = span < low + 0.5 * (span[peak_at] - low)
                run, onset = 0, None
                for k in range(peak_at):
                    run = run + 1 if quiet[k] else 0
                    if run >= need and not quiet[k + 1]:
                        onset = k + 1
                if onset is not None:
                    start = round((first + onset) / 100, 2)
                    if i + 1 < len(words):
                        start = min(start, words[i + 1].start_s)
                    start = min(max(start, word.start_s), word.end_s)
        moved.append(word if start == word.start_s else Word(word.text, start, word.end_s))
    return tuple(moved)
