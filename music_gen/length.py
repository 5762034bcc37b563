"""A soundtrack made to measure: as long as the creator's clip, to the sample."""
from __future__ import annotations

import dataclasses
import math

from .audio import fit_length, read_wav, write_wav
from .soundtrack import MusicError, Soundtrack

_FADE_S = 0.05
"""Fade-out at the cut, in seconds: long enough to hide the click, short enough not to be heard as a fade."""


def match_length(track: Soundtrack, *, seconds: float) -> Soundtrack:
    """``track`` with its WAV rewritten (atomically) to exactly ``seconds`` long.

    Generate at the 5-s grid length at or above ``seconds`` (``pipeline.soundtrack_length``)
    and call this to trim it; a clip longer than 60 s gets the loopable soundtrack repeated.
    The MIDI score is left as composed.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or seconds <= 0:
        raise MusicError("seconds", f"seconds must be a positive length, not {seconds!r}")
    audio, rate = read_wav(track.wav_path)
    length = max(1, round(seconds * rate))
    write_wav(track.wav_path, fit_length(audio, length=length, fade=round(_FADE_S * rate)), sample_rate=rate)
    return dataclasses.replace(track, duration_s=length / rate)
