"""The studio's job kinds; each answers with a run's result JSON, so a client handles them alike.

- ``search``: hashtags → trending videos → the studio's result (``POST /search``'s JSON).
- ``studio``: the creator's own uploaded clip → the same result, with a soundtrack as long
  as the clip (``duration: "match"``) and a cover.
- ``regenerate``: a finished run's soundtrack or cover (``part``) made again with a new seed →
  a new run with the same content (``remix.regenerate``).
- ``preview``: a finished run's clip (or top video, or cover) with its soundtrack mixed in →
  a new run with ``preview.mp4`` (``remix.render_preview``).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Callable, Mapping

import pipeline
import remix
import runs
import stages
import subtitles
from search_input import (DURATIONS, MATCH, MAX_SEED, MAX_TAG_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH, ClipRequest,
                          InputError, SearchRequest, parse_clip_duration, parse_optional_tags, parse_search_request,
                          parse_seed, parse_title)
from uploads import Upload
from utils import Progress, StageProgress

from ._types import Job, JobCancelled
from .kind_spec import KindSpec, Services, Submission, UploadNeed
from .runner import JobContext

_TAGS = {"description": f"{MAX_TAGS} hashtags at most, of up to {MAX_TAG_LENGTH} letters, digits or '_' "
                        "(a list, or one string separated by commas or spaces)",
         "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
#: A search needs a hashtag: a string or list naming none ("", " , ", [], [""]) is refused, so the schema says
#: so (some character that is neither a separator nor '#'). Which characters a hashtag may have (letters of any
#: script, digits, '_') is more than a JSON Schema pattern can say; those refusals are 400s naming ``tags``.
_A_TAG_CHARACTER = r"[^\s,;#]"
_SOME_TAGS = {"description": "1 to " + _TAGS["description"],
              "oneOf": [{"type": "array", "items": {"type": "string"},
                         "contains": {"type": "string", "pattern": _A_TAG_CHARACTER}},
                        {"type": "string", "pattern": _A_TAG_CHARACTER}]}
_SEED = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_SEED}
_RUN_ID = {"type": "string", "description": "The run_id of a finished run (a job's result.run_id)"}
_RUN_RESULT = "a run's JSON, as POST /search answers"


def search_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """A search's params from a request body (``tags``, ``duration``, ``seed``); raises ``InputError``."""
    request = parse_search_request(payload)
    return {"tags": list(request.tags), "duration": request.duration, "seed": request.seed}


def studio_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """A clip's params (``duration`` ``"match"`` or seconds, optional ``tags``, ``seed``, ``title``: by
    default the upload's file name)."""
    upload = submission.upload
    title = parse_title(payload.get("title")) or parse_title(os.path.splitext(upload.filename)[0][:80])
    return {"duration": parse_clip_duration(payload.get("duration")),
            "tags": list(parse_optional_tags(payload.get("tags"))), "seed": parse_seed(payload.get("seed")),
            "title": title}


def _finished_run(payload: Mapping[str, Any], runs_dir: Path | None) -> dict[str, Any]:
    run_id = payload.get("run_id")
    if not isinstance(run_id, str) or not run_id:
        raise InputError("run_id", "required: the run_id of a finished run")
    if runs_dir is None:
        raise InputError("run_id", "this server keeps no runs")
    try:
        return runs.load(runs_dir, run_id)
    except runs.RunNotFound:
        raise InputError("run_id", f"no finished run {run_id[:40]!r}") from None


def regenerate_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """``run_id`` of a finished run, ``part`` (one of ``remix.PARTS``), optional ``seed`` (else a new
    random one: regenerating means "give me another")."""
    document = _finished_run(payload, submission.runs_dir)
    part = payload.get("part")
    if part not in remix.PARTS:
        raise InputError("part", f"must be one of {', '.join(remix.PARTS)}, not {part!r}"[:120])
    seed = parse_seed(payload.get("seed"))
    return {"run_id": document["run_id"], "part": part,
            "seed": seed if seed is not None else secrets.randbelow(MAX_SEED + 1)}


def preview_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """``run_id`` of a finished run that has a soundtrack; ``captions`` (true or false; absent or null:
    ``remix.captions_by_default``) and ``caption_style`` (one of ``subtitles.STYLES``)."""
    document = _finished_run(payload, submission.runs_dir)
    if not document.get("music"):
        raise InputError("run_id", "this run has no soundtrack to mix in; regenerate the soundtrack first")
    captions = payload.get("captions")
    if captions is not None and not isinstance(captions, bool):
        raise InputError("captions", f"must be true or false, not {captions!r}"[:120])
    style = payload.get("caption_style")
    if style is None:
        style = subtitles.STYLES[0]
    if not isinstance(style, str) or style not in subtitles.STYLES:
        raise InputError("caption_style", f"must be one of {', '.join(subtitles.STYLES)}, not {style!r}"[:120])
    return {"run_id": document["run_id"], "captions": captions, "caption_style": style}


def _progress(context: JobContext) -> StageProgress:
    def progress(stage: str, done: int, total: int) -> None:
        context.progress(stage, done, total, stages.overall_fraction(stage, done, total))

    return progress


def _part_progress(context: JobContext, stage: str) -> Progress:
    """Progress of a job that is one stage: its own done/total is the whole job's fraction."""
    def progress(done: int, total: int) -> None:
        context.progress(stage, done, total, round(done / total, 4) if total else 0.0)

    return progress


def _published(make: Callable[..., Any], request: Any, context: JobContext) -> dict[str, Any]:
    """``make(request)`` (a search or a clip) run with the job's progress and stop, then published."""
    try:
        return runs.publish(make(request, progress=_progress(context), should_stop=context.should_stop))
    except pipeline.SearchCancelled as exc:  # the job's own stop, said the way a job says it
        raise JobCancelled(str(exc)) from None


def run_search(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    request = SearchRequest(tags=tuple(job.params["tags"]), duration=int(job.params["duration"]),
                            seed=job.params.get("seed"))
    return _published(services.studio.search, request, context)


def run_studio(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    p = job.params
    request = ClipRequest(path=services.uploads.path(upload.id), duration=p["duration"], seed=p.get("seed"),
                          tags=tuple(p.get("tags") or ()), name=upload.id, title=p.get("title") or "")
    return _published(services.studio.clip, request, context)


def run_regenerate(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    p = job.params
    if context.should_stop():
        raise JobCancelled(f"cancelled before the {p['part']} stage")
    context.progress(p["part"], 0, 1, 0.0)
    return remix.regenerate(services.studio, run_id=p["run_id"], part=p["part"], seed=int(p["seed"]),
                            progress=_part_progress(context, p["part"]))


def run_preview(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    if context.should_stop():
        raise JobCancelled("cancelled before the preview stage")
    context.progress("preview", 0, 1, 0.0)
    p = job.params
    return remix.render_preview(services.studio.runs_dir, run_id=p["run_id"], captions=p.get("captions"),
                                caption_style=p.get("caption_style") or subtitles.STYLES[0],
                                progress=_part_progress(context, "preview"))


KINDS = (
    KindSpec("search", search_params, run_search, returns=_RUN_RESULT, schema={
        "required": ["tags"],
        "properties": {"tags": _SOME_TAGS, "duration": {"type": "integer", "enum": list(DURATIONS), "default": 15},
                       "seed": _SEED}}),
    KindSpec("studio", studio_params, run_studio, upload=UploadNeed("video"),
             returns=_RUN_RESULT + ", with its upload_id", schema={
                 "required": ["upload_id"],
                 "description": "The studio on the caller's own uploaded video",
                 "properties": {
                     "upload_id": {"type": "string", "description": "A ready video upload of the caller's"},
                     "duration": {"description": f"\"{MATCH}\": the soundtrack is as long as the clip",
                                  "oneOf": [{"type": "string", "enum": [MATCH]},
                                            {"type": "integer", "enum": list(DURATIONS)}], "default": MATCH},
                     "tags": {**_TAGS, "description": "0 to " + _TAGS["description"] + " (blank: none)"},
                     "seed": _SEED,
                     "title": {"type": "string", "maxLength": MAX_TITLE_LENGTH}}}),
    KindSpec("regenerate", regenerate_params, run_regenerate, returns=_RUN_RESULT + " (a new run)", schema={
        "required": ["run_id", "part"],
        "description": f"A finished run's soundtrack or cover (part: {' or '.join(remix.PARTS)}) made again with a new "
                       "seed; the result is a new run with the same content",
        "properties": {"run_id": _RUN_ID, "part": {"type": "string", "enum": list(remix.PARTS)},
                       "seed": {**_SEED, "description": "Default: a new random seed"}}}),
    KindSpec("preview", preview_params, run_preview, returns=_RUN_RESULT + ", with `preview` (a new run)", schema={
        "required": ["run_id"],
        "description": "An MP4 of the run's clip (or top video, or cover) with its soundtrack mixed in and, when "
                       "that video has words, its captions burned in (the current word highlighted, inside TikTok's "
                       "safe area); the result is a new run made from it, with `preview`",
        "properties": {"run_id": _RUN_ID,
                       "captions": {"type": ["boolean", "null"], "default": None,
                                    "description": "Burn the spoken words in. Default (null): when the shown video "
                                                   "has words and does not already show them on screen (two or "
                                                   "more of its on-screen lines read as spoken); with no words "
                                                   "there is nothing to burn and the preview's `captions` says "
                                                   "false"},
                       "caption_style": {"type": "string", "enum": list(subtitles.STYLES),
                                         "default": subtitles.STYLES[0],
                                         "description": "bold: white with a black outline; boxed: white on a "
                                                        "translucent dark box; karaoke: words still to come grey, "
                                                        "the current one green"}}}),
)
