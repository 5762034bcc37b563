"""What each job kind does: the handlers the runners call, and the checks on their params.

``params`` are checked when the job is created (a bad one is a 400 naming the field,
and nothing is queued) and stored in their normalised form, so a handler only reads them.

- ``search``: hashtags → trending videos → the studio's result (``POST /search``'s JSON).
- ``studio``: the creator's own uploaded clip → the same result, with a soundtrack as long
  as the clip (``duration: "match"``) and a cover.
- ``regenerate``: a finished run's soundtrack or cover (``part``) made again with a new seed →
  a new run with the same content (``remix.regenerate``).
- ``preview``: a finished run's clip (or top video, or cover) with its soundtrack mixed in →
  a new run with ``preview.mp4`` (``remix.render_preview``).
- ``lake_import``: the caller's uploaded JSON or CSV export → one partition of the trend lake
  (``Lake.ingest``); the result is the import's report (``read``, ``imported``, ``skipped``,
  ``reasons``…). A file no importer can read fails the job with the importer's reason and
  writes nothing.
- ``lake_stages``: the lake's stages after ingest (``transcribe``, ``analyse``; default both)
  over the partitions they have not done → ``{"partitions": {stage: partitions done}}``,
  with one progress stage per lake stage.
- ``suggest``, ``try_sound``, ``similar``: the sounds features (``jobs.sound_kinds``).

The studio's kinds (``search`` … ``preview``) answer with a run's result JSON, so a client
handles them alike; the lake's kinds answer with what they did to the lake
(``TRENDTOK_LAKE``), which the ``/lake`` page then shows.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Callable, Mapping

import pipeline
import remix
import runs
from search_input import (MAX_SEED, ClipRequest, InputError, SearchRequest, parse_clip_duration,
                          parse_optional_tags, parse_search_request, parse_seed, parse_title)
from trend_lake import ExportError, Lake, LakeError, check_profile, open_lake
from trend_lake.stages import STAGES, run_stage
from uploads import UploadError, Uploads

from . import sound_kinds
from ._types import Job, JobCancelled, UnknownKind
from .callbacks import check_callback_url
from .runner import Handler, JobContext


def search_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                  runs_dir: Path | None) -> dict[str, Any]:
    """A search's params from a request body (``tags``, ``duration``, ``seed``); raises ``InputError``."""
    request = parse_search_request(payload)
    return {"tags": list(request.tags), "duration": request.duration, "seed": request.seed}


def studio_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                  runs_dir: Path | None) -> dict[str, Any]:
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


def regenerate_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                      runs_dir: Path | None) -> dict[str, Any]:
    """``run_id`` of a finished run, ``part`` (``music`` or ``image``), optional ``seed`` (else a new
    random one: regenerating means "give me another")."""
    document = _finished_run(payload, runs_dir)
    part = payload.get("part")
    if part not in remix.PARTS:
        raise InputError("part", f"must be one of {', '.join(remix.PARTS)}, not {part!r}"[:120])
    seed = parse_seed(payload.get("seed"))
    return {"run_id": document["run_id"], "part": part,
            "seed": seed if seed is not None else secrets.randbelow(MAX_SEED + 1)}


def preview_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                   runs_dir: Path | None) -> dict[str, Any]:
    """``run_id`` of a finished run that has a soundtrack."""
    document = _finished_run(payload, runs_dir)
    if not document.get("music"):
        raise InputError("run_id", "this run has no soundtrack to mix in; regenerate the soundtrack first")
    return {"run_id": document["run_id"]}


def lake_import_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                       runs_dir: Path | None) -> dict[str, Any]:
    """``upload_id`` of the caller's ready export upload and the ``profile`` its posts are filed
    under (a hashtag-shaped name: the account or crawl); raises ``InputError`` or ``UploadError``."""
    upload_id = payload.get("upload_id")
    if not isinstance(upload_id, str) or not upload_id:
        raise InputError("upload_id", "required: the id POST /api/uploads gave for a JSON or CSV export")
    if uploads is None:
        raise InputError("upload_id", "this server takes no uploads")
    try:
        profile = check_profile(payload.get("profile"))
    except LakeError as exc:
        raise InputError("profile", str(exc).removeprefix("profile: ")) from None
    upload = uploads.clip(upload_id, owner=owner, media="export")
    uploads.mark_used(upload.id)  # a job waiting in the queue keeps its upload from expiring
    return {"upload_id": upload.id, "profile": profile}


def lake_stages_params(payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None,
                       runs_dir: Path | None) -> dict[str, Any]:
    """Optional ``stages``: a list of ``STAGES`` names (default all), run in the lake's order
    (``analyse`` reads what ``transcribe`` wrote), each once."""
    if "stages" not in payload:
        return {"stages": list(STAGES)}
    raw = payload["stages"]
    if not isinstance(raw, list) or not raw or not all(isinstance(name, str) for name in raw):
        raise InputError("stages", f"a list of one or more of {', '.join(STAGES)}, not {raw!r}"[:160])
    unknown = [name for name in raw if name not in STAGES]
    if unknown:
        raise InputError("stages", f"each one of {', '.join(STAGES)}, not {unknown[0][:40]!r}")
    return {"stages": [name for name in STAGES if name in raw]}


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


def _part_progress(context: JobContext, stage: str) -> Callable[[int, int], None]:
    """Progress of a job that is one stage: its own done/total is the whole job's fraction."""
    def progress(done: int, total: int) -> None:
        context.progress(stage, done, total, round(done / total, 4) if total else 0.0)

    return progress


def _regenerate(studio: pipeline.Studio, uploads: Uploads | None) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        p = job.params
        if context.should_stop():
            raise JobCancelled(f"cancelled before the {p['part']} stage")
        context.progress(p["part"], 0, 1, 0.0)
        return remix.regenerate(studio, run_id=p["run_id"], part=p["part"], seed=int(p["seed"]),
                                progress=_part_progress(context, p["part"]))

    return handle


def _preview(studio: pipeline.Studio, uploads: Uploads | None) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        if context.should_stop():
            raise JobCancelled("cancelled before the preview stage")
        context.progress("preview", 0, 1, 0.0)
        return remix.render_preview(studio.runs_dir, run_id=job.params["run_id"],
                                    progress=_part_progress(context, "preview"))

    return handle


def _lake_import(uploads: Uploads | None, lake: Callable[[], Lake]) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        if uploads is None:
            raise UploadError("upload_id", "this server takes no uploads")
        if context.should_stop():
            raise JobCancelled("cancelled before the import")
        upload = uploads.clip(job.params["upload_id"], media="export")  # it may have expired while the job waited
        uploads.mark_used(upload.id)
        context.progress("import", 0, 1, 0.0)
        try:
            report = lake().ingest(uploads.path(upload.id), profile=job.params["profile"])
        except ExportError as exc:  # its reason names our file (the upload id): say the creator's name instead
            raise ExportError(str(exc).replace(upload.id, repr(upload.filename))) from None
        context.progress("import", 1, 1, 1.0)
        return {**report.to_dict(), "source": upload.filename, "upload_id": upload.id,
                "profile": job.params["profile"]}

    return handle


def _lake_stages(studio: pipeline.Studio, lake: Callable[[], Lake]) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        names = list(job.params["stages"])
        done: dict[str, int] = {}
        for index, name in enumerate(names):
            if context.should_stop():
                raise JobCancelled(f"cancelled before the {name} stage")

            def progress(finished: int, total: int, name: str = name, index: int = index) -> None:
                share = finished / total if total else 1.0
                context.progress(name, finished, total, round((index + share) / len(names), 4))
                if finished < total and context.should_stop():  # a partition is whole once written: stop here
                    raise JobCancelled(f"cancelled during the {name} stage, after {finished} of {total} partitions")

            context.progress(name, 0, 0, round(index / len(names), 4))
            done[name] = run_stage(lake(), name, studio=studio, progress=progress)
            context.progress(name, done[name], done[name], round((index + 1) / len(names), 4))
        return {"partitions": done}

    return handle


#: Job kind → how its params are read from a request body, and (the studio's kinds) what runs it;
#: ``handlers`` binds the lake's kinds to the lake as well.
PARAMS = {"search": search_params, "studio": studio_params, "regenerate": regenerate_params,
          "preview": preview_params, "lake_import": lake_import_params, "lake_stages": lake_stages_params,
          **sound_kinds.PARAMS}
_HANDLERS = {"search": _search, "studio": _studio, "regenerate": _regenerate, "preview": _preview}


def check_params(kind: Any, payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None = None,
                 runs_dir: str | os.PathLike | None = None,
                 callback_hosts: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The normalised params of a ``kind`` job for ``owner``; raises ``UnknownKind``, ``InputError``
    or ``UploadError`` (an upload that is not theirs, not ready, or not the video or export the
    kind reads). ``runs_dir`` is where a remix's ``run_id`` must name a finished run. Any kind
    may carry a ``callback_url`` on one of ``callback_hosts``."""
    if not isinstance(kind, str) or kind not in PARAMS:
        raise UnknownKind(f"kind: must be one of {', '.join(sorted(PARAMS))}, not {kind!r}")
    params = PARAMS[kind](payload, owner=owner, uploads=uploads,
                          runs_dir=Path(runs_dir) if runs_dir is not None else None)
    callback_url = check_callback_url(payload.get("callback_url"), callback_hosts)
    return {**params, "callback_url": callback_url} if callback_url else params


def handlers(studio: pipeline.Studio, uploads: Uploads | None = None,
             lake: Callable[[], Lake] | None = None,
             settings: Callable[[], Mapping[str, Any]] | None = None) -> dict[str, Handler]:
    """Every kind's handler, bound to this process's studio and uploads; ``lake`` gives the trend
    lake and ``settings`` the settings the sounds kinds read (the lake, the demo switch, the mix
    level) as a job starts (default: the studio's, ``TRENDTOK_LAKE`` among them)."""
    if lake is None:
        lake = lambda: open_lake(studio.config)  # noqa: E731
    if settings is None:
        settings = lambda: studio.config  # noqa: E731
    return {**{kind: make(studio, uploads) for kind, make in _HANDLERS.items()},
            "lake_import": _lake_import(uploads, lake), "lake_stages": _lake_stages(studio, lake),
            **{kind: make(studio, uploads, settings) for kind, make in sound_kinds.HANDLERS.items()}}
