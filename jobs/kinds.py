"""What each job kind does: the handlers the runners call, and the checks on their params.

``params`` are checked when the job is created (a bad one is a 400 naming the field,
and nothing is queued) and stored in their normalised form, so a handler only reads them.

- ``search``: hashtags → trending videos → the studio's result (``POST /search``'s JSON).
- ``studio``: the creator's own uploaded clip → the same result, with a soundtrack as long
  as the clip (``duration: "match"``) and a cover.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping

import pipeline
import runs
from search_input import (ClipRequest, InputError, SearchRequest, parse_clip_duration, parse_optional_tags,
                          parse_search_request, parse_seed, parse_title)
from uploads import UploadError, Uploads

from ._types import Job, JobCancelled, UnknownKind
from .callbacks import check_callback_url
from .runner import Handler, JobContext


def search_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None) -> dict[str, Any]:
    """A search's params from a request body (``tags``, ``duration``, ``seed``); raises ``InputError``."""
    request = parse_search_request(payload)
    return {"tags": list(request.tags), "duration": request.duration, "seed": request.seed}


def studio_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None) -> dict[str, Any]:
    """A clip's params (``upload_id`` of the caller's ready video upload, ``duration`` ``"match"`` or
    seconds, optional ``tags``, ``seed``, ``title``); raises ``InputError`` or ``UploadError``."""
    upload_id = payload.get("upload_id")
    if not isinstance(upload_id, str) or not upload_id:
        raise InputError("upload_id", "required: the id POST /api/uploads gave")
    if uploads is None:
        raise InputError("upload_id", "this server takes no uploads")
    upload = uploads.clip(upload_id, owner=owner, media="video")
    uploads.mark_used(upload.id)  # a job waiting in the queue keeps its upload from expiring
    title = parse_title(payload.get("title")) or parse_title(os.path.splitext(upload.filename)[0][:80])
    return {"upload_id": upload.id, "duration": parse_clip_duration(payload.get("duration")),
            "tags": list(parse_optional_tags(payload.get("tags"))), "seed": parse_seed(payload.get("seed")),
            "title": title}


def _progress(context: JobContext) -> Callable[[str, int, int], None]:
    def progress(stage: str, done: int, total: int) -> None:
        context.progress(stage, done, total, pipeline.overall_fraction(stage, done, total))

    return progress


def _search(studio: pipeline.Studio, uploads: Uploads | None) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        request = SearchRequest(tags=tuple(job.params["tags"]), duration=int(job.params["duration"]),
                                seed=job.params.get("seed"))
        try:
            return runs.publish(studio.search(request, progress=_progress(context), should_stop=context.should_stop))
        except pipeline.SearchCancelled as exc:
            raise JobCancelled(str(exc)) from None

    return handle


def _studio(studio: pipeline.Studio, uploads: Uploads | None) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        if uploads is None:
            raise UploadError("upload_id", "this server takes no uploads")
        p = job.params
        upload = uploads.clip(p["upload_id"], media="video")  # it may have expired while the job waited
        uploads.mark_used(upload.id)
        request = ClipRequest(path=uploads.path(upload.id), duration=p["duration"], seed=p.get("seed"),
                              tags=tuple(p.get("tags") or ()), name=upload.id, title=p.get("title") or "")
        try:
            result = runs.publish(studio.clip(request, progress=_progress(context), should_stop=context.should_stop))
        except pipeline.SearchCancelled as exc:
            raise JobCancelled(str(exc)) from None
        return {**result, "upload_id": upload.id}

    return handle


#: Job kind → how its params are read from a request body, and what runs it.
PARAMS = {"search": search_params, "studio": studio_params}
_HANDLERS = {"search": _search, "studio": _studio}


def check_params(kind: Any, payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None = None,
                 callback_hosts: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The normalised params of a ``kind`` job for ``owner``; raises ``UnknownKind``, ``InputError``
    or ``UploadError`` (an upload that is not theirs, not ready, or not a video). Any kind may
    carry a ``callback_url`` on one of ``callback_hosts``."""
    if not isinstance(kind, str) or kind not in PARAMS:
        raise UnknownKind(f"kind: must be one of {', '.join(sorted(PARAMS))}, not {kind!r}")
    params = PARAMS[kind](payload, owner=owner, uploads=uploads)
    callback_url = check_callback_url(payload.get("callback_url"), callback_hosts)
    return {**params, "callback_url": callback_url} if callback_url else params


def handlers(studio: pipeline.Studio, uploads: Uploads | None = None) -> dict[str, Handler]:
    """Every kind's handler, bound to this process's studio and uploads."""
    return {kind: make(studio, uploads) for kind, make in _HANDLERS.items()}
