"""Generate the sounds features' embedded demo catalog (committed under sounds/demo/).

Why: TikTok's media URLs in real exports expire, so a catalog imported from them has stats
but no audio, and a fresh machine has no network. So that every sounds feature works on
`make run` with nothing imported, a small catalog ships with the repository: composer-made
sounds across moods and tempos (short mono Ogg files) and demo TikTok posts on the demo
library's hashtags that use them, in two weekly snapshots so "rising" has something to
measure. The studio ingests the posts as lake profile ``demo`` (``sound_service``).

Layout (a contract ``sound_service`` reads)::

    sounds/demo/audio/<sound id>.ogg     15 s, mono, 22.05 kHz Vorbis
    sounds/demo/sounds.json              each sound: id, title, author, mood, bpm, key, description
    sounds/demo/posts-1.json             TikTok-Api items (the lake's ``tiktokapi`` importer), week 1
    sounds/demo/posts-2.json             the same posts a week later (grown stats) and new ones

Deterministic: fixed seeds for the composer and the stats, so a rebuild gives the same JSON
(the Ogg encoder may differ by a byte between ffmpeg builds).

    python scripts/make_demo_sounds.py
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "sounds" / "demo"
AUTHOR = "TrendTok Demo"

#: id, title, composer description (the summariser's song template), seed.
SOUNDS = [
    ("demo-golden-hour", "Golden Hour", "A happy pop track at 118 BPM in a major key with piano, bass and drums.", 1),
    ("demo-glow-up", "Glow Up", "A confident hip hop track at 96 BPM in a minor key with synth bass, drums and synth lead.", 2),
    ("demo-soft-morning", "Soft Morning", "A chill lo-fi track at 80 BPM in a major key with electric piano, bass and drums.", 3),
    ("demo-runway", "Runway", "An energetic electronic track at 128 BPM in a minor key with synth bass, synth lead and drums.", 4),
    ("demo-sunday-kitchen", "Sunday Kitchen", "A playful funk track at 112 BPM in a major key with marimba, bass and drums.", 5),
    ("demo-slow-simmer", "Slow Simmer", "A romantic jazz track at 74 BPM in a major key with piano, bass and strings.", 6),
    ("demo-circuit", "Circuit", "An energetic electronic track at 134 BPM in a minor key with synth lead, synth bass and drums.", 7),
    ("demo-night-shift", "Night Shift", "A dark synthwave track at 92 BPM in a minor key with synth pad, synth bass and drums.", 8),
    ("demo-far-away", "Far Away", "A dreamy ambient track at 78 BPM in a major key with synth pad, piano and strings.", 9),
    ("demo-open-road", "Open Road", "An epic cinematic track at 100 BPM in a minor key with strings, piano and drums.", 10),
    ("demo-postcard", "Postcard", "A nostalgic indie track at 100 BPM in a minor key with acoustic guitar, bass and drums.", 11),
    ("demo-fresh-start", "Fresh Start", "A happy pop track at 124 BPM in a major key with acoustic guitar, bass and drums.", 12),
]

#: The demo library's niches (its folder names), each with the sounds its posts use, most used
#: first; a sound may serve two niches, as real ones do.
NICHES = {
    ("beauty", "skincareroutine", "makeuptutorial"): ["demo-glow-up", "demo-soft-morning", "demo-golden-hour"],
    ("fashion", "ootd", "styleinspo"): ["demo-runway", "demo-glow-up", "demo-fresh-start"],
    ("foodie", "recipeoftheday", "cookinghacks"): ["demo-sunday-kitchen", "demo-slow-simmer", "demo-golden-hour"],
    ("tech", "gadgets", "techtips"): ["demo-circuit", "demo-night-shift", "demo-runway"],
    ("travel", "wanderlust", "traveltips"): ["demo-far-away", "demo-open-road", "demo-postcard"],
}
#: Captions per niche: what creators of that niche write.
CAPTIONS = {
    "beauty": ["my 5 minute makeup for school", "night skincare routine that fixed my skin", "glow up check",
               "trying the viral blush hack", "no makeup makeup look"],
    "fashion": ["one white shirt three ways", "thrift haul under 30 dollars", "capsule wardrobe for fall",
                "outfit of the day for the office", "styling my favourite jeans"],
    "foodie": ["one pan chicken in 20 minutes", "banana ice cream with one ingredient", "easy pasta for dinner",
               "meal prep for the week", "the best chocolate chip cookies"],
    "tech": ["three phone settings you should change", "unboxing the new earbuds", "my desk setup tour",
             "this app saves me an hour a day", "laptop battery tips"],
    "travel": ["packing hacks for a carry on", "hidden beach nobody talks about", "three days in Lisbon",
               "how I find cheap flights", "sunset from the mountain top"],
}
WEEK_S = 7 * 24 * 3600


def render(out: Path) -> list[dict]:
    from music_gen import load_music_generator

    composer = load_music_generator("composer")
    audio = out / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    sounds = []
    for sound_id, title, description, seed in SOUNDS:
        with tempfile.TemporaryDirectory() as tmp:
            track = composer(description=description, duration=15, seed=seed, out_dir=Path(tmp))
            target = audio / f"{sound_id}.ogg"
            subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-i", str(track.wav_path),
                            "-ac", "1", "-ar", "22050", "-c:a", "libvorbis", "-q:a", "1", "-map_metadata", "-1",
                            str(target)], check=True)
        sounds.append({"id": sound_id, "title": title, "author": AUTHOR, "description": description,
                       "bpm": round(track.bpm, 1), "key": track.key})
        print(f"{sound_id}: {track.bpm:.0f} BPM, {track.key}, {target.stat().st_size // 1024} KiB")
    return sounds


def posts(sounds: list[dict]) -> tuple[list[dict], list[dict]]:
    """Week 1 and week 2: the same posts a week apart, with grown stats; new posts in week 2,
    one of them on a sound week 1 did not have (``demo-fresh-start``), so it shows as new."""
    by_id = {s["id"]: s for s in sounds}
    rng = random.Random(20261124)
    start = 1_763_000_000  # the demo's week 1 (2025-11-13 UTC); the lake stamps its own import time
    week1, week2 = [], []
    n = 0
    for tags, used in NICHES.items():
        niche = tags[0]
        for i in range(12):
            n += 1
            # The niche's first sound is its hit, the others trail: a Zipf-like share of posts.
            sound = used[0] if i % 2 == 0 else used[1] if i % 4 == 1 else used[2]
            if sound == "demo-fresh-start":
                sound = used[1]  # new in week 2 only
            plays = int(rng.lognormvariate(11.5, 1.0))
            stats = {"playCount": plays, "diggCount": int(plays * rng.uniform(0.04, 0.12)),
                     "commentCount": int(plays * rng.uniform(0.002, 0.01)),
                     "shareCount": int(plays * rng.uniform(0.001, 0.006))}
            item = _item(n, niche, tags, i, by_id[sound], stats, start + n * 3600)
            week1.append(item)
            growth = rng.uniform(1.05, 1.6) if sound != used[1] else rng.uniform(1.8, 3.0)
            week2.append({**item, "stats": {k: int(v * growth) for k, v in stats.items()}})
        for i in range(4):  # new posts in week 2: the niche's second sound is catching on
            n += 1
            sound = "demo-fresh-start" if niche == "fashion" and i < 2 else used[1]
            plays = int(rng.lognormvariate(11.0, 0.8))
            stats = {"playCount": plays, "diggCount": int(plays * 0.08), "commentCount": int(plays * 0.006),
                     "shareCount": int(plays * 0.004)}
            week2.append(_item(n, niche, tags, i, by_id[sound], stats, start + WEEK_S + n * 3600))
    return week1, week2


def _item(n: int, niche: str, tags: tuple[str, ...], i: int, sound: dict, stats: dict, created: int) -> dict:
    caption = CAPTIONS[niche][i % len(CAPTIONS[niche])]
    chosen = " ".join(f"#{t}" for t in tags[: 2 + i % 2])
    post_id = f"7300000000000{n:06d}"
    handle = f"demo_{niche}_{i % 3 + 1}"
    return {"id": post_id, "desc": f"{caption} {chosen} #demo", "createTime": created,
            "author": {"uniqueId": handle, "nickname": f"Demo {niche.title()} {i % 3 + 1}"},
            "music": {"id": sound["id"], "title": sound["title"], "authorName": sound["author"], "original": False},
            "video": {"duration": 15},
            "stats": stats}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    sounds = render(OUT)
    week1, week2 = posts(sounds)
    for name, data in (("sounds.json", sounds), ("posts-1.json", week1), ("posts-2.json", week2)):
        (OUT / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(sounds)} sounds, {len(week1)} posts in week 1, {len(week2)} in week 2 → {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
