"""The sounds features' job kinds (registered beside the studio's in ``jobs.kinds``):

- ``suggest``: the caller's uploaded clip → ``{"suggestions": [...], "text": …, "video": …}``:
  catalog sounds that fit it, each with a one-line ``reason``.
- ``try_sound``: the caller's uploaded clip and a catalog ``sound_id`` (optional
  ``keep_original``, default true) → the clip with that sound, as a new run's ``tryon.mp4``
  (``video_url``).
- ``similar``: the caller's uploaded audio (mp3/wav/ogg/m4a; optional ``genre``, ``limit``) →
  ``{"similar": [...]}``: acoustically similar tracks, each with the TikTok sounds matching it.

Params are checked when the job is created, as for every kind; the sound's audio is checked
again when the job runs (a demo may have been switched off meanwhile).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from flask import current_app, has_app_context

import runs
import sound_service
import utils
from search_input import InputError
from uploads import UploadError, Uploads

from ._types import Job, JobCancelled
from .runner import Handler, JobContext

MAX_LIMIT = 100
MAX_SOUND_ID = 300  # an indexed track's id is its folder and path


def _upload(payload: Mapping[str, Any], uploads: Uploads | None, *, owner: str, media: str, what: str):
    upload_id = payload.get("upload_id")
    if not isinstance(upload_id, str) or not upload_id:
        raise InputError("upload_id", f"required: the id POST /api/uploads gave for {what}")
    if uploads is None:
        raise InputError("upload_id", "this server takes no uploads")
    upload = uploads.clip(upload_id, owner=owner, media=media)
    uploads.mark_used(upload.id)  # a job waiting in the queue keeps its upload from expiring
    return upload


def _limit(payload: Mapping[str, Any], default: int = 10) -> int:
    raw = payload.get("limit", default)
    if isinstance(raw, float) and raw.is_integer():  # JSON Schema's integer: 10.0 is 10
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_LIMIT:
        raise InputError("limit", f"a whole number from 1 to {MAX_LIMIT}, not {str(raw)[:20]!r}")
    return raw


def suggest_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                   runs_dir: Path | None) -> dict[str, Any]:
    """``upload_id`` of the caller's ready video upload; optional ``limit`` (1–100, default 10)."""
    upload = _upload(payload, uploads, owner=owner, media="video", what="a video")
    return {"upload_id": upload.id, "limit": _limit(payload)}


def try_sound_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                     runs_dir: Path | None) -> dict[str, Any]:
    """``upload_id`` of a ready video, ``sound_id`` of a catalog sound with audio here, and
    optional ``keep_original`` (true: the clip's own sound stays, the song ducked under speech)."""
    upload = _upload(payload, uploads, owner=owner, media="video", what="a video")
    sound_id = payload.get("sound_id")
    if not isinstance(sound_id, str) or not sound_id:
        raise InputError("sound_id", "required: a sound's id from /api/sounds/trending or a suggestion")
    if len(sound_id) > MAX_SOUND_ID:
        raise InputError("sound_id", f"at most {MAX_SOUND_ID} characters, not {len(sound_id)}")
    if has_app_context() and sound_service.audio_of(sound_id, current_app.config) is None:
        raise InputError("sound_id", f"{sound_id[:60]!r} has no playable audio here (a TikTok export's links "
                                     "expire): pick a sound marked playable")
    keep = payload.get("keep_original", True)
    if not isinstance(keep, bool):
        raise InputError("keep_original", f"true or false, not {str(keep)[:20]!r}")
    return {"upload_id": upload.id, "sound_id": sound_id, "keep_original": keep}


def similar_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                   runs_dir: Path | None) -> dict[str, Any]:
    """``upload_id`` of the caller's ready audio upload; optional ``genre`` and ``limit``."""
    upload = _upload(payload, uploads, owner=owner, media="audio", what="an audio file")
    genre = payload.get("genre")
    if genre is not None and (not isinstance(genre, str) or len(genre) > 60):
        raise InputError("genre", "a genre name of up to 60 characters, or null for any")
    return {"upload_id": upload.id, "limit": _limit(payload), "genre": genre or None}


def _stage_progress(context: JobContext, stages: tuple[str, ...]) -> Callable[[str, int, int], None]:
    """A job of a few steps: each step's share of the whole bar, one stage name per step."""
    def progress(stage: str, done: int, total: int) -> None:
        index = stages.index(stage) if stage in stages else len(stages) - 1
        share = done / total if total else 0.0
        context.progress(stage, done, total, round(min(1.0, (index + share) / len(stages)), 4))
        if context.should_stop():
            raise JobCancelled(f"cancelled during the {stage} stage")

    return progress


def _clip(uploads: Uploads | None, upload_id: str, media: str) -> tuple[Any, Path]:
    if uploads is None:
        raise UploadError("upload_id", "this server takes no uploads")
    upload = uploads.clip(upload_id, media=media)  # it may have expired while the job waited
    uploads.mark_used(upload.id)
    return upload, uploads.path(upload.id)


def _suggest(studio, uploads: Uploads | None, settings: Callable[[], Mapping[str, Any]]) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        upload, path = _clip(uploads, job.params["upload_id"], "video")
        progress = _stage_progress(context, ("text", "video", "rank"))
        result = sound_service.suggest(settings(), path, extract=studio.extractor, embed=studio.embed,
                                       limit=int(job.params["limit"]), progress=progress)
        return {**result, "upload_id": upload.id}

    return handle


def _try_sound(studio, uploads: Uploads | None, settings: Callable[[], Mapping[str, Any]]) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        upload, path = _clip(uploads, job.params["upload_id"], "video")
        run_id = utils.new_run_id()
        folder = Path(studio.runs_dir) / run_id
        folder.mkdir(parents=True)
        progress = _stage_progress(context, ("decode", "mix", "encode"))
        result = sound_service.try_on(settings(), path, sound_id=job.params["sound_id"], out=folder / "tryon.mp4",
                                      keep_original=bool(job.params["keep_original"]), progress=progress)
        return {"run_id": run_id, "video_url": runs.url(run_id, "tryon.mp4"), "sound_id": job.params["sound_id"],
                "keep_original": job.params["keep_original"], "upload_id": upload.id,
                "hook_start_s": result.hook_start_s, "duration_s": result.duration_s, "looped": result.looped,
                "ducked_s": result.ducked_s}

    return handle


def _similar(studio, uploads: Uploads | None, settings: Callable[[], Mapping[str, Any]]) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        upload, path = _clip(uploads, job.params["upload_id"], "audio")
        context.progress("similar", 0, 1, 0.0)
        found = sound_service.similar(settings(), path, limit=int(job.params["limit"]), genre=job.params["genre"])
        context.progress("similar", 1, 1, 1.0)
        return {"similar": [match.to_dict() for match in found], "upload_id": upload.id}

    return handle


PARAMS = {"suggest": suggest_params, "try_sound": try_sound_params, "similar": similar_params}
HANDLERS = {"suggest": _suggest, "try_sound": _try_sound, "similar": _similar}
