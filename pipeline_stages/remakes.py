"""How a remix redoes a built-in stage (``StageSpec.remake``) for a finished run: the stage's inputs
read back from the run's JSON (``parent``; ``locate(url)`` is the parent's file a URL of it names),
its output written into the new run's folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import utils

from .runners import soundtrack_length


def _grid_duration(parent: dict[str, Any]) -> int:
    """The soundtrack length the parent asked for, on the 5-s grid."""
    asked = parent.get("duration")
    if isinstance(asked, int):
        return asked
    music = parent.get("music") or {}
    return soundtrack_length(float(music.get("duration_s") or 15))


def _clip_seconds(parent: dict[str, Any], locate: Callable[[str | None], Path | None]) -> float:
    """For a run on the creator's clip whose soundtrack matched it: the clip's exact length; else 0."""
    from tiktok_videos import probe_duration

    uploads = [v for v in parent.get("videos") or [] if v.get("source") == "upload"]
    asked = parent.get("duration")
    if asked is None and uploads:  # a run made before "duration" was recorded: off the 5-s grid = matched
        made = float((parent.get("music") or {}).get("duration_s") or 0)
        asked = "match" if made and abs(made / 5 - round(made / 5)) > 0.001 else None
    if asked != "match":
        return 0.0
    for video in uploads:
        path = locate(video.get("video_url"))
        if path is not None:
            return probe_duration(path)
    return 0.0


def remake_music(studio: Any, parent: dict[str, Any], *, run_dir: Path, seed: int, progress: utils.Progress | None,
                 locate: Callable[[str | None], Path | None]) -> Any:
    """The music stage's ``remake``: a soundtrack for the parent's song description, as long as its own."""
    return studio.compose(description=parent["song_description"], duration=_grid_duration(parent), seed=seed,
                          out_dir=run_dir, clip_s=_clip_seconds(parent, locate), progress=progress)


def remake_cover(studio: Any, parent: dict[str, Any], *, run_dir: Path, seed: int, progress: utils.Progress | None,
                 locate: Callable[[str | None], Path | None]) -> Any:
    """The cover stage's ``remake``: a cover for the parent's trend idea."""
    return studio.draw(title=parent["idea"]["title"], keywords=list(parent.get("keywords") or []),
                       mood=parent.get("mood") or "", seed=seed, out_path=run_dir / "cover.png", progress=progress)
