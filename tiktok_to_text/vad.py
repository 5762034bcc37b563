"""A model-free gate in front of every transcriber: no voice, no transcript.

Recognisers invent words on silence (sphinx hears "dog" in digital silence), so a
clip is only transcribed when enough of it is loud enough to be a voice.
"""
from __future__ import annotations

import numpy as np

from .media import SAMPLE_RATE

_FRAME = SAMPLE_RATE // 50  # 20 ms


def frame_rms(samples: np.ndarray) -> np.ndarray:
    """RMS of each 20 ms frame of int16 ``samples``, as a fraction of full scale, shape ``(frames,)``."""
    usable = samples[: samples.size // _FRAME * _FRAME].astype(np.float32) / 32768.0
    return np.sqrt((usable.reshape(-1, _FRAME) ** 2).mean(axis=1)) if usable.size else np.zeros(0, np.float32)


def has_voice(samples: np.ndarray, *, min_rms: float = 0.01, min_seconds: float = 0.3) -> bool:
    """True when at least ``min_seconds`` of 16 kHz ``samples`` lie above ``min_rms`` (-40 dBFS)."""
    return float((frame_rms(samples) > min_rms).sum()) * _FRAME / SAMPLE_RATE >= min_seconds
