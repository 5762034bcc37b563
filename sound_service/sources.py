"""The sounds features' view of the trend lake: the embedded demo posts, the catalog posts a
feature reads, where a sound's audio is, and the similar-music index's file.

The ``sounds`` package ranks and matches what it is given and reads nothing; this module (used
by the web pages, the jobs and the CLI alike) does the reading: posts from the lake's
``metadata``, audio from the demo folder or an indexed folder. No user-supplied name reaches a
path here: a sound's audio is looked up by id in a listing, never joined onto a folder.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa

from settings import SETTINGS
from sounds import DEMO_PROFILE
from trend_lake import Lake, claim, open_lake, post_history, posts, release

logger = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parents[1] / "sounds" / "demo"
#: The demo's two weekly snapshots, stamped a week apart so "rising" has a week to measure.
DEMO_SNAPSHOTS = (("posts-1.json", 1_763_000_000.0), ("posts-2.json", 1_763_000_000.0 + 7 * 24 * 3600))
INDEX_NAME = "sounds-index"

_seeded: set[str] = set()
_seed_lock = threading.Lock()


def lake_of(config: Mapping[str, Any]) -> Lake:
    return open_lake(config)


def seed_demo(lake: Lake) -> bool:
    """Ingest the demo posts as profile ``demo`` when the lake lacks any of its snapshots; True
    when this call wrote one. Several processes starting at once (gunicorn workers) seed it
    once: the one that claims it writes what is missing — looked at again after the claim, since
    another may have finished meanwhile — and a seeding cut short is completed next time."""
    with _seed_lock:
        if lake.uri in _seeded:
            return False
        if not _missing_demo(lake):
            _seeded.add(lake.uri)
            return False
        key = (DEMO_PROFILE, "seed")
        if not claim(lake, "demo", key, ttl_s=300):
            return False  # another process is seeding: its snapshots appear when it is done
        wrote = False
        try:
            for name, stamp in _missing_demo(lake):
                lake.ingest(DEMO_DIR / name, profile=DEMO_PROFILE, now=stamp)
                wrote = True
        finally:
            release(lake, "demo", key)
        _seeded.add(lake.uri)
        if wrote:
            logger.info("sounds: the demo posts are in the lake as profile %r", DEMO_PROFILE)
        return wrote


def _missing_demo(lake: Lake) -> list[tuple[str, float]]:
    """The demo snapshots not in the lake yet (each is known by its fixed stamp's day)."""
    have = {stamp[:8] for profile, stamp in lake.partitions("metadata") if profile == DEMO_PROFILE}
    return [(name, stamp) for name, stamp in DEMO_SNAPSHOTS if _day(stamp) not in have]


def _day(stamp: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y%m%d")


def demo_shown(config: Mapping[str, Any]) -> bool:
    """``TRENDTOK_SOUNDS_DEMO``; a partial config (a script's, a test's) gets the setting's default."""
    return config.get("TRENDTOK_SOUNDS_DEMO", SETTINGS["TRENDTOK_SOUNDS_DEMO"].default)


def _hidden(config: Mapping[str, Any]) -> tuple[str, ...]:
    return () if demo_shown(config) else (DEMO_PROFILE,)


def catalog_posts(config: Mapping[str, Any], *, lake: Lake | None = None) -> pa.Table:
    """The latest row of every catalog post (the demo's hidden when ``TRENDTOK_SOUNDS_DEMO`` is off)."""
    lake = lake or lake_of(config)
    if demo_shown(config):
        seed_demo(lake)
    return posts(lake, exclude_profiles=_hidden(config))


def catalog_history(config: Mapping[str, Any], *, lake: Lake | None = None) -> pa.Table:
    """Every imported row of every snapshot, for the "rising" view."""
    lake = lake or lake_of(config)
    if demo_shown(config):
        seed_demo(lake)
    return post_history(lake, exclude_profiles=_hidden(config))


@cache
def demo_sounds() -> dict[str, dict]:
    """The demo sounds by id: title, author, description, bpm, key (``sounds/demo/sounds.json``)."""
    return {s["id"]: s for s in json.loads((DEMO_DIR / "sounds.json").read_text(encoding="utf-8"))}


@cache
def _demo_audio() -> dict[str, Path]:
    return {path.stem: path for path in sorted((DEMO_DIR / "audio").glob("*.ogg"))}


def audio_of(sound_id: str, config: Mapping[str, Any] | None = None) -> Path | None:
    """The local audio of a catalog sound, when there is one: the demo's, or a file indexed by
    ``flask sounds index`` whose id is the sound's; None otherwise (real exports' URLs expire)."""
    found = _demo_audio().get(sound_id)
    if found is not None or config is None:
        return found
    return indexed_audio(config).get(sound_id)


def index_path(config: Mapping[str, Any]) -> Path:
    """Where the similar-music index lives: beside the runs, in the instance's cache."""
    return Path(config["TRENDTOK_CACHE_DIR"]) / f"{INDEX_NAME}.npz"


def indexed_audio(config: Mapping[str, Any]) -> dict[str, Path]:
    """Track id → its audio file, for the tracks of the saved similar-music index (built once
    per index file, not per sound asked about: a trending page asks for each of its rows)."""
    loaded = _load(config)
    return loaded[2] if loaded is not None else {}


_index_cache: dict[str, tuple[float, Any, dict[str, Path]]] = {}
_index_lock = threading.Lock()


def load_index(config: Mapping[str, Any]):
    """The saved similar-music index (reloaded when its file changes), or None before any."""
    loaded = _load(config)
    return loaded[1] if loaded is not None else None


def _load(config: Mapping[str, Any]) -> tuple[float, Any, dict[str, Path]] | None:
    path = index_path(config)
    try:
        stamp = os.stat(path).st_mtime
    except FileNotFoundError:
        return None
    with _index_lock:
        cached = _index_cache.get(str(path))
    if cached is None or cached[0] != stamp:
        from sounds.similar import SimilarityIndex

        index = SimilarityIndex.load(path)
        cached = (stamp, index, {r.id: Path(r.path) for r in index.records if r.path})
        with _index_lock:
            _index_cache[str(path)] = cached
    return cached
