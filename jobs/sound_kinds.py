"""The sounds features' job kinds:

- ``suggest``: the caller's uploaded clip → ``{"suggestions": [...], "text": …, "video": …}``:
  catalog sounds that fit it, each with a one-line ``reason``.
- ``try_sound``: the caller's uploaded clip and a catalog ``sound_id`` (optional
  ``keep_original``, default true) → the clip with that sound, as a new run's ``tryon.mp4``
  (``video_url``).
- ``similar``: the caller's uploaded audio (mp3/wav/ogg/m4a; optional ``genre``, ``limit``) →
  ``{"similar": [...]}``: acoustically similar tracks, each with the TikTok sounds matching it.

The sound's audio is checked when the job is created and again when it runs (a demo may have
been switched off meanwhile).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import current_app, has_app_context

import runs
import sound_service
import utils
from search_input import InputError
from uploads import Upload
from utils import StageProgress

from ._types import Job, JobCancelled
from .kind_spec import KindSpec, Services, Submission, UploadNeed
from .runner import JobContext

MAX_LIMIT = 100
MAX_SOUND_ID = 300  # an indexed track's id is its folder and path
MAX_GENRE = 60

_LIMIT = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10}
_VIDEO = {"type": "string", "description": "A ready video upload of the caller's"}


def _limit(payload: Mapping[str, Any], default: int = 10) -> int:
    raw = payload.get("limit", default)
    if isinstance(raw, float) and raw.is_integer():  # JSON Schema's integer: 10.0 is 10
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_LIMIT:
        raise InputError("limit", f"a whole number from 1 to {MAX_LIMIT}, not {str(raw)[:20]!r}")
    return raw


def suggest_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """Optional ``limit`` (1–100, default 10)."""
    return {"limit": _limit(payload)}


def try_sound_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """``sound_id`` of a catalog sound with audio here, and optional ``keep_original`` (true: the
    clip's own sound stays, the song ducked under speech)."""
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
    return {"sound_id": sound_id, "keep_original": keep}


def similar_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """Optional ``genre`` and ``limit``."""
    genre = payload.get("genre")
    if genre is not None and (not isinstance(genre, str) or len(genre) > MAX_GENRE):
        raise InputError("genre", f"a genre name of up to {MAX_GENRE} characters, or null for any")
    return {"limit": _limit(payload), "genre": genre or None}


def _stage_progress(context: JobContext, stages: tuple[str, ...]) -> StageProgress:
    """A job of a few steps: each step's share of the whole bar, one stage name per step."""
    def progress(stage: str, done: int, total: int) -> None:
        index = stages.index(stage) if stage in stages else len(stages) - 1
        share = done / total if total else 0.0
        context.progress(stage, done, total, round(min(1.0, (index + share) / len(stages)), 4))
        if context.should_stop():
            raise JobCancelled(f"cancelled during the {stage} stage")

    return progress


def run_suggest(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    progress = _stage_progress(context, ("text", "video", "rank"))
    return sound_service.suggest(services.settings(), services.uploads.path(upload.id),
                                 extract=services.studio.extractor, embed=services.studio.embed,
                                 limit=int(job.params["limit"]), progress=progress)


def run_try_sound(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    run_id = utils.new_run_id()
    folder = Path(services.studio.runs_dir) / run_id
    folder.mkdir(parents=True)
    progress = _stage_progress(context, ("decode", "mix", "encode"))
    result = sound_service.try_on(services.settings(), services.uploads.path(upload.id),
                                  sound_id=job.params["sound_id"], out=folder / "tryon.mp4",
                                  keep_original=bool(job.params["keep_original"]), progress=progress)
    return {"run_id": run_id, "video_url": runs.url(run_id, "tryon.mp4"), "sound_id": job.params["sound_id"],
            "keep_original": job.params["keep_original"], "hook_start_s": result.hook_start_s,
            "duration_s": result.duration_s, "looped": result.looped, "ducked_s": result.ducked_s}


def run_similar(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    context.progress("similar", 0, 1, 0.0)
    found = sound_service.similar(services.settings(), services.uploads.path(upload.id),
                                  limit=int(job.params["limit"]), genre=job.params["genre"])
    context.progress("similar", 1, 1, 1.0)
    return {"similar": [match.to_dict() for match in found]}


KINDS = (
    KindSpec("suggest", suggest_params, run_suggest, upload=UploadNeed("video", " for a video"),
             returns="{suggestions, text, video}", schema={
                 "required": ["upload_id"],
                 "description": "Catalog sounds that fit the caller's uploaded clip (its speech and captions, look, "
                                "pace and tempo), each with a one-line reason and its `licence` "
                                "(components/schemas/Licence); the result has `suggestions`, `text` and `video`",
                 "properties": {"upload_id": _VIDEO, "limit": _LIMIT}}),
    KindSpec("try_sound", try_sound_params, run_try_sound, upload=UploadNeed("video", " for a video"),
             returns="{run_id, video_url, hook_start_s…}", schema={
                 "required": ["upload_id", "sound_id"],
                 "description": "The caller's clip with a catalog sound from its hook, fitted, loudness-matched and "
                                "ducked under the clip's speech; the result has the new run's `video_url`",
                 "properties": {"upload_id": _VIDEO,
                                "sound_id": {"type": "string", "minLength": 1,
                                             "description": "A sound marked playable by /api/sounds/trending or "
                                                            "a suggestion"},
                                "keep_original": {"type": "boolean", "default": True}}}),
    KindSpec("similar", similar_params, run_similar, upload=UploadNeed("audio", " for an audio file"),
             returns="{similar}", schema={
                 "required": ["upload_id"],
                 "description": "Indexed tracks that sound like the caller's uploaded audio (never itself), each with "
                                "the catalog sounds matching its title and artist, each track and sound with its `licence` "
                                "(components/schemas/Licence); the result has `similar`",
                 "properties": {"upload_id": {"type": "string", "description": "A ready audio upload of the caller's"},
                                "genre": {"type": ["string", "null"], "maxLength": MAX_GENRE},
                                "limit": _LIMIT}}),
)
