"""The trend lake's job kinds; each answers with what it did to the lake (``TRENDTOK_LAKE``), which the
``/lake`` page then shows.

- ``lake_import``: the caller's uploaded JSON or CSV export → one partition of the trend lake
  (``Lake.ingest``); the result is the import's report (``read``, ``imported``, ``skipped``,
  ``reasons``…). A file no importer can read fails the job with the importer's reason and
  writes nothing.
- ``lake_stages``: the lake's stages after ingest (``transcribe``, ``analyse``; default both)
  over the partitions they have not done → ``{"partitions": {stage: partitions done}}``,
  with one progress stage per lake stage.
"""
from __future__ import annotations

from typing import Any, Mapping

from search_input import MAX_TAG_LENGTH, InputError
from trend_lake import ExportError, LakeError, check_profile
from trend_lake.stages import STAGES, run_stage
from uploads import EXPORT_TYPES, Upload

from ._types import Job, JobCancelled
from .kind_spec import KindSpec, Services, Submission, UploadNeed
from .runner import JobContext


def lake_import_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
    """The ``profile`` the export's posts are filed under (a hashtag-shaped name: the account or crawl)."""
    try:
        profile = check_profile(payload.get("profile"))
    except LakeError as exc:
        raise InputError("profile", exc.text) from None
    return {"profile": profile}


def lake_stages_params(payload: Mapping[str, Any], submission: Submission) -> dict[str, Any]:
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


def run_lake_import(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
    if context.should_stop():
        raise JobCancelled("cancelled before the import")
    context.progress("import", 0, 1, 0.0)
    try:
        report = services.lake().ingest(services.uploads.path(upload.id), profile=job.params["profile"])
    except ExportError as exc:  # its reason names our file (the upload id): say the creator's name instead
        raise ExportError(exc.field, str(exc).replace(upload.id, repr(upload.filename))) from None
    context.progress("import", 1, 1, 1.0)
    return {**report.to_dict(), "source": upload.filename, "profile": job.params["profile"]}


def run_lake_stages(job: Job, context: JobContext, services: Services, upload: Upload | None) -> dict[str, Any]:
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
        done[name] = run_stage(services.lake(), name, studio=services.studio, progress=progress)
        context.progress(name, done[name], done[name], round((index + 1) / len(names), 4))
    return {"partitions": done}


KINDS = (
    KindSpec("lake_import", lake_import_params, run_lake_import,
             upload=UploadNeed("export", " for a JSON or CSV export"),
             returns="the import's report (source, format, table, read, imported, skipped, reasons, examples, "
                     "partition)", schema={
                 "required": ["upload_id", "profile"],
                 "description": "The caller's uploaded JSON or CSV export imported into the trend lake as one "
                                "partition; the result is the import's report (read, imported, skipped, reasons). "
                                "A file no importer can read fails the job with the reason and imports nothing",
                 "properties": {
                     "upload_id": {"type": "string", "description": "A ready export upload of the caller's "
                                                                    "(declared as " + ", ".join(EXPORT_TYPES) + ")"},
                     "profile": {"type": "string", "minLength": 1,
                                 "description": f"The account or crawl the posts are filed under: up to "
                                                f"{MAX_TAG_LENGTH} letters, digits or '_' (a leading '#' is dropped)"}}}),
    KindSpec("lake_stages", lake_stages_params, run_lake_stages,
             returns="{\"partitions\": {stage: partitions done}}", schema={
                 "description": "The trend lake's stages after ingest, each over the partitions it has not done "
                                "yet, with one progress stage per lake stage; the result is "
                                "{\"partitions\": {stage: partitions done}}",
                 "properties": {"stages": {"type": "array", "minItems": 1, "items": {"type": "string",
                                                                                      "enum": list(STAGES)},
                                           "description": "Default: all, run in this order: " + ", ".join(STAGES)}}}),
)
