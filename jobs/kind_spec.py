"""What a job kind is: one ``KindSpec`` per kind, every one with the same two functions.

- ``params(payload, submission) -> dict``: the request body checked when the job is created and
  stored in its normalised form (a bad field is an ``InputError`` naming it, and nothing is
  queued). ``submission`` is the caller, the folder of finished runs and, for a kind that takes
  an upload, that upload, already checked to be the caller's, ready, and of the kind's media.
- ``run(job, context, services, upload) -> dict``: the job's work once a runner picks it up; its
  JSON-safe result. ``upload`` is the kind's upload read again as the job starts (it may have
  expired while the job waited), ``None`` for a kind that takes none.

The upload is fetched for the kind in one place (``fetch_upload``), at both ends, and its id is
added to the params and the result: a kind never reads ``upload_id`` itself.
``schema`` is the JSON Schema of the body's own fields; ``body_schema`` adds ``kind`` and
``callback_url``, which every kind has, and is what the OpenAPI document shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from trend_lake import Lake
from uploads import Upload, UploadError, Uploads

from ._types import Job
from .callbacks import CALLBACK_URL_SCHEMA
from .runner import JobContext


@dataclass(frozen=True)
class UploadNeed:
    """A kind that reads an upload: which ``media`` it must be (``video``, ``audio``, ``export``), and
    what a request without one is told it lacks (``for`` ... after "the id POST /api/uploads gave")."""

    media: str
    what: str = ""


@dataclass(frozen=True)
class Submission:
    """What a kind's params check reads beside the request body."""

    owner: str
    runs_dir: Path | None = None
    upload: Upload | None = None


@dataclass(frozen=True)
class Services:
    """This process's studio, uploads, lake and settings, as every kind's ``run`` gets them; the lake
    and the settings are read as each job starts (the /lake and /sounds pages read them per request)."""

    studio: Any  # pipeline.Studio: jobs reach the pipeline only through it
    uploads: Uploads | None
    lake: Callable[[], Lake]
    settings: Callable[[], Mapping[str, Any]]


Params = Callable[[Mapping[str, Any], Submission], dict[str, Any]]
Run = Callable[[Job, JobContext, Services, "Upload | None"], dict[str, Any]]


@dataclass(frozen=True)
class KindSpec:
    """One job kind: its ``name`` (the body's ``kind``), ``params`` and ``run`` (above), the JSON
    Schema of its own fields (``properties``, ``required``, ``description``), the ``upload`` it
    takes if any, and what its result holds (``returns``, as the OpenAPI document says it)."""

    name: str
    params: Params
    run: Run
    schema: Mapping[str, Any]
    returns: str
    upload: UploadNeed | None = None

    @property
    def schema_name(self) -> str:
        """Its request body's name among the OpenAPI document's schemas: ``lake_import`` → ``LakeImportJob``."""
        return "".join(part.title() for part in self.name.split("_")) + "Job"

    def body_schema(self) -> dict[str, Any]:
        """The whole request body of this kind, as JSON Schema."""
        schema: dict[str, Any] = {"type": "object", "required": ["kind", *self.schema.get("required", ())]}
        if "description" in self.schema:
            schema["description"] = self.schema["description"]
        schema["properties"] = {"kind": {"type": "string", "enum": [self.name]}, **self.schema.get("properties", {}),
                                "callback_url": CALLBACK_URL_SCHEMA}
        return schema


def fetch_upload(uploads: Uploads | None, upload_id: str, *, media: str, owner: str | None = None) -> Upload:
    """The ready upload ``upload_id`` of ``media`` (and of ``owner``, when given), marked used: a job
    waiting in the queue, or running, keeps its upload from expiring. Raises ``UploadError``."""
    if uploads is None:
        raise UploadError("upload_id", "this server takes no uploads")
    upload = uploads.clip(upload_id, owner=owner, media=media)
    uploads.mark_used(upload.id)
    return upload
