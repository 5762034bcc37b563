"""Sounds: finds existing songs that fit — trending songs for hashtags, sound suggestions for a
video, similar music and the TikTok videos that use it (``music_gen`` makes new ones).

The package reads no store of its own: catalog rows (the trend lake's ``metadata``) and
feature vectors come in as arguments; the lake, web and job layers do the reading.
"""
from __future__ import annotations

from ._types import MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, SCORE_WEIGHTS, AudioError, CatalogError, SoundsError

__all__ = ["AudioError", "CatalogError", "MAX_AUDIO_BYTES", "MAX_AUDIO_SECONDS", "SCORE_WEIGHTS", "SoundsError"]
