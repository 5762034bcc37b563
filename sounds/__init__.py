"""Sounds: finds existing songs that fit — trending songs for hashtags, sound suggestions for a
video, similar music and the TikTok videos that use it (``music_gen`` makes new ones).

The package reads no store of its own: catalog rows (the trend lake's ``metadata``) and
feature vectors come in as arguments; the lake, web and job layers do the reading.

    trending_sounds(posts, tags=["fitness"], limit=10, sort="score")   # [TrendingSound]
    SimilarityIndex(records).query(audio_features(load_audio(path), sr=22050), limit=10)
    TitleMatcher(sound_ids=…, titles=…, authors=…).match("Levitating", "Dua Lipa")
    suggest_sounds(text=…, video=video_features(path), posts=…, embed=…)  # [Suggestion]
    put_song_on_video(video=clip, song=track, out=out)                   # MixResult

Each part is imported when first named (``sounds.TitleMatcher`` loads scikit-learn, not
OpenCV), so a module that needs one contract, such as a default, stays cheap to import.
"""
from __future__ import annotations

import importlib
from typing import Any

from ._types import DEMO_PROFILE, MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, AudioError, CatalogError, SoundsError

_PARTS = {
    "audio": ("AUDIO_SUFFIXES", "load_audio", "read_audio"),
    "features": ("FEATURE_DIM", "FEATURE_LAYOUT", "audio_features", "reference_features"),
    "similar": ("IndexReport", "SimilarTrack", "SimilarityIndex", "TrackRecord", "index_folder"),
    "score": ("SCORE_WEIGHTS", "post_score_sql", "post_scores", "sound_scores", "sound_scores_sql"),
    "trending": ("TopPost", "TrendingSound", "trending_sounds"),
    "matching": ("TitleMatch", "TitleMatcher", "normalise_title"),
    "video": ("VideoFeatures", "video_features"),
    "suggest": ("Suggestion", "suggest_sounds"),
    "evaluation": ("LeaveOneOut", "leave_one_out"),
    "mix": ("DEFAULT_MUSIC_LEVEL_DB", "MixResult", "put_song_on_video"),
}
_WHERE = {name: module for module, names in _PARTS.items() for name in names}

__all__ = ["AudioError", "CatalogError", "DEMO_PROFILE", "MAX_AUDIO_BYTES", "MAX_AUDIO_SECONDS", "SoundsError",
           *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sounds' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
