"""Run folders: a ``StudioResult`` made servable (its files published, its JSON written), and read back.

A run folder is ``<TRENDTOK_RUNS_DIR>/<run_id>/``: the soundtrack and cover the stages wrote,
``videos/`` with every video the run read and a poster frame of each, and ``result.json`` —
the JSON ``POST /search`` answers and a job's result carries, with URLs under ``url_prefix``.
``result.json`` is written last (temp + rename), so a run folder without it is unfinished.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import utils
from pipeline import StudioResult, VideoResult

RESULT_NAME = "result.json"


class RunNotFound(utils.StudioError, LookupError):
    """No finished run has this id."""


def _publish_file(src: Path, dest: Path) -> None:
    """Make ``src`` servable from the run folder: a hard link when possible, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except FileExistsError:
        pass
    except OSError:
        with utils.atomic_path(dest) as tmp:
            shutil.copyfile(src, tmp)


def _sniffed_suffix(path: Path) -> str:
    """``.mp4``, ``.webm``… from the file's magic bytes, so the server sends a type a browser plays."""
    from uploads import sniff

    try:
        with open(path, "rb") as handle:
            fmt = sniff(handle.read(64))
    except OSError:
        return ""
    return f".{fmt}" if fmt else ""


class _Publisher:
    def __init__(self, result: StudioResult, url_prefix: str):
        self.result = result
        self.url_prefix = f"{url_prefix.rstrip('/')}/{result.run_id}"
        self.warnings: list[str] = []

    def url(self, relative: str) -> str:
        return f"{self.url_prefix}/{relative}"

    def video(self, entry: VideoResult) -> dict[str, Any]:
        from tiktok_videos import write_poster_frame

        video, text = entry.video, entry.text
        local = Path(video.path)
        published = self.result.run_dir / "videos" / local.name
        if local.resolve().parent != published.parent.resolve():
            # Library videos and uploads live outside the run folder; each gets a generated name.
            suffix = local.suffix.lower() or _sniffed_suffix(local)  # uploads are stored under a bare id
            published = self.result.run_dir / "videos" / f"{video.source}-{video.id[:16]}{suffix}"
            try:
                _publish_file(local, published)
            except OSError as exc:
                self.warnings.append(f"{video.title}: could not publish the video for playback ({exc})")
        poster: Path | None = published.with_suffix(".jpg")
        try:
            write_poster_frame(local, poster, at_s=min(1.0, float(video.duration_s) / 2))
        except (OSError, subprocess.SubprocessError):
            poster = None  # the player still works; it just starts as a dark box
        return {
            "id": video.id,
            "title": video.title,
            "tag": video.tag,
            "source": video.source,
            "url": video.url,
            "video_url": self.url(f"videos/{published.name}"),
            "poster_url": self.url(f"videos/{poster.name}") if poster else None,
            "duration_s": round(float(video.duration_s), 2),
            "description": video.description,
            "transcript": text.transcript,
            "language": text.language,
            "segments": [dataclasses.asdict(s) for s in text.segments],
            "captions": [dataclasses.asdict(c) for c in text.captions],
        }

    def to_json(self) -> dict[str, Any]:
        r, summary = self.result, self.result.summary
        track, cover = r.soundtrack, r.cover
        music = None if track is None else {
            "url": self.url(track.wav_path.name),
            "midi_url": self.url(track.midi_path.name) if track.midi_path else None,
            "duration_s": track.duration_s,
            "bpm": track.bpm,
            "key": track.key,
            "backend": track.backend,
        }
        image = None if cover is None else {
            "url": self.url(cover.path.name), "width": cover.width, "height": cover.height, "backend": cover.backend,
        }
        videos = [self.video(v) for v in r.videos]
        return {
            "run_id": r.run_id,
            "input_tags": list(r.tags),
            "summary": summary.summary,
            "evidence": summary.evidence,
            "tags": ", ".join(summary.keywords),
            "keywords": list(summary.keywords),
            "idea": dict(summary.idea),
            "song_description": summary.song_description,
            "mood": summary.mood,
            "videos": videos,
            "music": music,
            "music_url": music["url"] if music else None,
            "image": image,
            "image_url": image["url"] if image else None,
            "seed": r.seed,
            "backends": r.backends,
            "notes": r.notes,
            "warnings": list(dict.fromkeys([*r.warnings, *self.warnings])),
            "timings": r.timings,
        }


def publish(result: StudioResult, *, url_prefix: str = "/runs") -> dict[str, Any]:
    """Publish ``result``'s videos and poster frames into its run folder, write ``result.json``
    and return that JSON (URLs under ``url_prefix``)."""
    document = _Publisher(result, url_prefix).to_json()
    utils.atomic_write_json(result.run_dir / RESULT_NAME, document)
    return document


def load(runs_dir: str | os.PathLike, run_id: str) -> dict[str, Any]:
    """The ``result.json`` of a finished run; ``RunNotFound`` for an unknown, unfinished or malformed id."""
    if not utils.is_run_id(run_id):
        raise RunNotFound(run_id)
    try:
        return json.loads((Path(runs_dir) / run_id / RESULT_NAME).read_text("utf-8"))
    except FileNotFoundError:
        raise RunNotFound(run_id) from None
