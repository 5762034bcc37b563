"""The catalog the sounds features read: the demo catalog is in a fresh lake once, with audio
for every demo sound; a setting hides it; a sound's audio is found by id, never by path."""
from __future__ import annotations

import json

from sound_service import audio_of, catalog_posts, demo_sounds, seed_demo
from sound_service.sources import DEMO_DIR, DEMO_PROFILE, DEMO_SNAPSHOTS, catalog_history
from trend_lake import Lake


def _config(tmp_path, **extra):
    return {"TRENDTOK_LAKE": str(tmp_path / "lake"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"), **extra}


def test_a_fresh_lake_gets_the_demo_catalog_once(tmp_path):
    config = _config(tmp_path)
    posts = catalog_posts(config)
    demo_ids = {item["id"] for name, _ in DEMO_SNAPSHOTS
                for item in json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))}
    assert set(posts.column("id").to_pylist()) == demo_ids
    assert set(posts.column("profile").to_pylist()) == {DEMO_PROFILE}
    lake = Lake(tmp_path / "lake")
    assert len(lake.partitions("metadata")) == len(DEMO_SNAPSHOTS)
    assert not seed_demo(lake)  # there already: nothing again
    catalog_posts(config)
    assert len(lake.partitions("metadata")) == len(DEMO_SNAPSHOTS)
    # Two snapshots a week apart, so growth per day has a week to measure.
    stamps = sorted({key[1] for key in lake.partitions("metadata")})
    assert stamps[0].startswith("20251113") and stamps[1].startswith("20251120")
    assert catalog_history(config).num_rows == sum(
        len(json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))) for name, _ in DEMO_SNAPSHOTS)


def test_every_demo_sound_has_audio_and_posts(tmp_path):
    sounds = demo_sounds()
    assert len(sounds) >= 10
    used = set(catalog_posts(_config(tmp_path)).column("music_id").to_pylist())
    for sound_id in sounds:
        path = audio_of(sound_id)
        assert path is not None and path.stat().st_size > 10_000, sound_id
        assert sound_id in used, sound_id


def test_the_setting_hides_the_demo_beside_real_imports(tmp_path, shared_data):
    lake = Lake(tmp_path / "lake")
    lake.ingest(shared_data / "tiktok" / "trending_tiktokapi.json", profile="trending")
    shown = catalog_posts(_config(tmp_path))
    hidden = catalog_posts(_config(tmp_path, TRENDTOK_SOUNDS_DEMO=False))
    assert set(hidden.column("profile").to_pylist()) == {"trending"} and hidden.num_rows == 10
    assert shown.num_rows > hidden.num_rows and DEMO_PROFILE in set(shown.column("profile").to_pylist())


def test_audio_is_looked_up_by_id_never_joined_onto_a_path(tmp_path):
    config = _config(tmp_path)
    for name in ("../../etc/passwd", "audio/demo-runway", "demo-runway.ogg", "", "x" * 500):
        assert audio_of(name, config) is None


def test_a_seeding_cut_short_is_completed_and_never_doubled(tmp_path):
    from sound_service import sources

    lake = Lake(tmp_path / "lake")
    first, stamp = DEMO_SNAPSHOTS[0]
    lake.ingest(DEMO_DIR / first, profile=DEMO_PROFILE, now=stamp)  # a process died after week 1
    sources._seeded.discard(lake.uri)
    assert seed_demo(lake)
    assert len(lake.partitions("metadata")) == len(DEMO_SNAPSHOTS)
    sources._seeded.discard(lake.uri)  # a second process starting later
    assert not seed_demo(lake) and len(lake.partitions("metadata")) == len(DEMO_SNAPSHOTS)
