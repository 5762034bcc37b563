"""What each built-in stage does inside one search (``StageSpec.run``): ``runner(run) -> output``.

A runner reads the search from ``run`` (``pipeline_stages.run.Run``) and earlier stages' outputs
from ``run.outputs``; a failure inside one video or one generated artifact becomes a warning in
``run.warnings`` and the search carries on.
"""
from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from animate_text import Cover
    from music_gen import Soundtrack

    from .run import Run

log = logging.getLogger(__name__)


def soundtrack_length(clip_s: float) -> int:
    """The soundtrack length to generate for a clip of ``clip_s`` seconds: rounded up to the
    5-s grid, at most 60 s (a longer clip loops the soundtrack, which is made to loop)."""
    from music_gen import DURATIONS

    steps = max(1, math.ceil(round(clip_s, 3) / DURATIONS.step))
    return min(DURATIONS[-1], max(DURATIONS[0], steps * DURATIONS.step))


def find_videos(run: "Run") -> list:
    """The creator's clip, or up to ``TRENDTOK_VIDEOS_PER_TAG`` videos per tag, each once."""
    from tiktok_videos import VideoSourceError

    if run.clip is not None:
        run.backends["videos"] = "upload"
        return [run.clip]
    source = run.studio.source
    run.backends["videos"] = source.name
    limit = run.studio.config["TRENDTOK_VIDEOS_PER_TAG"]
    found: dict[str, Any] = {}
    for done, tag in enumerate(run.tags, start=1):
        try:
            videos, warnings = source.fetch(tag, limit=limit, dest=run.run_dir / "videos")
        except VideoSourceError as exc:
            videos, warnings = [], [str(exc)]
        run.warnings.extend(warnings)
        if not videos:
            run.warnings.append(f"#{tag}: no videos found; the result is built from the tag text")
        for video in videos:
            found.setdefault(video.id, video)
        run.report("videos", done, len(run.tags))
    return list(found.values())


def read_texts(run: "Run") -> list:
    """Each video's transcript and on-screen text, in the videos' order."""
    videos = run.outputs["videos"]
    if not videos:
        return []
    texts = run.studio.extractor([v.path for v in videos], progress=run.progress("text"))
    for video, text in zip(videos, texts):
        run.warnings.extend(f"{video.title}: {w}" for w in text.warnings)
    return texts


def summarise(run: "Run"):
    """The summary, keywords and trend idea from what the videos said and showed."""
    from summariser import Passage

    videos, texts = run.outputs["videos"], run.outputs["text"]
    # In the order the summariser trusts them: what was said, what the creator wrote,
    # then on-screen text nobody says (spoken captions would only repeat the transcript).
    passages: list[Passage] = []
    for video, text in zip(videos, texts):
        passages += [Passage(s.text, "transcript", video.id, s.start_s) for s in text.segments]
    for video in videos:
        if video.source != "upload":  # "Your clip" is our label, not the creator's words
            passages += [Passage(video.title, "title", video.id),
                         Passage(video.description, "description", video.id)]
    for video, text in zip(videos, texts):
        passages += [Passage(c.text, "caption", video.id, c.start_s) for c in text.unspoken_captions]
    summary = run.studio.summariser(documents=[p for p in passages if p.text and p.text.strip()],
                                    tags=list(run.tags))
    run.backends["summary"] = summary.backend
    return summary


def compose(run: "Run") -> "Soundtrack | None":
    """The soundtrack for the summary's song description (None, with a warning, when it fails)."""
    summary, clip = run.outputs["summary"], run.clip
    match = run.duration == "match"
    clip_s = float(clip.duration_s) if match and clip is not None else 0.0
    if match and clip_s <= 0:
        run.warnings.append("music: the clip's length could not be read; the soundtrack is 15 s")
    duration = soundtrack_length(clip_s) if clip_s > 0 else (15 if match else int(run.duration))
    try:
        track = run.studio.compose(description=summary.song_description, duration=duration, seed=run.seed,
                                   out_dir=run.run_dir, clip_s=clip_s, progress=run.progress("music"))
    except Exception as exc:  # the summary and cover are still worth returning
        log.exception("soundtrack failed")
        run.warnings.append(f"music: {exc}")
        track = None
    run.backends["music"] = track.backend if track else None
    return track


def draw(run: "Run") -> "Cover | None":
    """The cover for the summary's trend idea (None, with a warning, when it fails)."""
    summary = run.outputs["summary"]
    try:
        cover = run.studio.draw(title=summary.idea["title"], keywords=list(summary.keywords), mood=summary.mood,
                                seed=run.seed, out_path=run.run_dir / "cover.png", progress=run.progress("cover"))
    except Exception as exc:
        log.exception("cover failed")
        run.warnings.append(f"cover: {exc}")
        cover = None
    run.backends["cover"] = cover.backend if cover else None
    return cover
