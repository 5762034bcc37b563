"""The job-kind table: every kind the job system runs, one ``KindSpec`` each (``jobs.kind_spec``).

    KINDS["search"].params(payload, submission)     # the checked params, or InputError naming the field
    KINDS["search"].run(job, context, services, upload)  # the result

The kinds themselves are in ``studio_kinds`` (search, studio, regenerate, preview: a run's
result JSON), ``lake_kinds`` (lake_import, lake_stages: what they did to the lake) and
``sound_kinds`` (suggest, try_sound, similar). ``check_params`` (at submission) and ``handlers``
(what a runner calls) read the table, and so do ``/api`` and its OpenAPI document: a kind added
to the table is taken, run and described with no other file edited.

``params`` are checked when the job is created (a bad one is a 400 naming the field, and
nothing is queued) and stored in their normalised form, so a handler only reads them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Mapping

from search_input import InputError
from trend_lake import Lake, open_lake
from uploads import Upload, Uploads

from . import lake_kinds, sound_kinds, studio_kinds
from ._types import Job, UnknownKind
from .callbacks import check_callback_url
from .kind_spec import KindSpec, Services, Submission, UploadNeed, fetch_upload
from .runner import Handler, JobContext

#: Every job kind by name, in the order the OpenAPI document lists them.
KINDS: dict[str, KindSpec] = {spec.name: spec for spec in (*studio_kinds.KINDS, *lake_kinds.KINDS,
                                                           *sound_kinds.KINDS)}


def _claim_upload(payload: Mapping[str, Any], need: UploadNeed, *, owner: str, uploads: Uploads | None) -> Upload:
    upload_id = payload.get("upload_id")
    if not isinstance(upload_id, str) or not upload_id:
        raise InputError("upload_id", f"required: the id POST /api/uploads gave{need.what}")
    return fetch_upload(uploads, upload_id, media=need.media, owner=owner)


def check_params(kind: Any, payload: Mapping[str, Any], *, owner: str, uploads: Uploads | None = None,
                 runs_dir: str | os.PathLike | None = None,
                 callback_hosts: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The normalised params of a ``kind`` job for ``owner``; raises ``UnknownKind``, ``InputError``
    or ``UploadError`` (an upload that is not theirs, not ready, or not the media the kind reads).
    ``runs_dir`` is where a remix's ``run_id`` must name a finished run. Any kind may carry a
    ``callback_url`` on one of ``callback_hosts``."""
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise UnknownKind("kind", f"must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    upload = _claim_upload(payload, spec.upload, owner=owner, uploads=uploads) if spec.upload else None
    params = spec.params(payload, Submission(owner=owner, runs_dir=Path(runs_dir) if runs_dir is not None else None,
                                             upload=upload))
    if upload is not None:
        params = {"upload_id": upload.id, **params}
    callback_url = check_callback_url(payload.get("callback_url"), callback_hosts)
    return {**params, "callback_url": callback_url} if callback_url else params


def _bind(spec: KindSpec, services: Services) -> Handler:
    def handle(job: Job, context: JobContext) -> dict[str, Any]:
        if spec.upload is None:
            return spec.run(job, context, services, None)
        upload = fetch_upload(services.uploads, job.params["upload_id"], media=spec.upload.media)
        return {**spec.run(job, context, services, upload), "upload_id": upload.id}

    return handle


def handlers(studio: Any, uploads: Uploads | None = None, lake: Callable[[], Lake] | None = None,
             settings: Callable[[], Mapping[str, Any]] | None = None) -> dict[str, Handler]:
    """Every kind's handler, bound to this process's studio (a ``pipeline.Studio``) and uploads;
    ``lake`` gives the trend lake and ``settings`` the settings the sounds kinds read (the lake, the
    demo switch, the mix level) as a job starts (default: the studio's, ``TRENDTOK_LAKE`` among them)."""
    services = Services(studio=studio, uploads=uploads,
                        lake=lake if lake is not None else lambda: open_lake(studio.config),
                        settings=settings if settings is not None else lambda: studio.config)
    return {name: _bind(spec, services) for name, spec in KINDS.items()}
