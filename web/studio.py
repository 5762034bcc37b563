"""The studio's web face: the tag form, ``POST /search``, run pages and run files.

``POST /search`` runs a ``search`` job (see ``jobs``) and waits for it, answering JSON;
with ``Accept: application/x-ndjson`` it streams one progress event per line and then
the result, which is how the page draws its stage-by-stage progress bar. A form posted by a browser without JavaScript is
answered with a redirect to the run's page.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   send_from_directory, url_for)
from werkzeug.exceptions import HTTPException

import pipeline
import remix
import runs
import stages
import subtitles
import utils
from jobs import BrokerUnavailable, JobQueue, JobStatus, QueueFull, check_params, get_jobs
from search_input import DURATIONS, DEFAULT_DURATION, InputError

from . import api, auth

log = logging.getLogger(__name__)
bp = Blueprint("studio", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/studio")

NDJSON = "application/x-ndjson"


def _studio() -> pipeline.Studio:
    return current_app.extensions["studio"]


def _error(message: str, status: int = 400) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return not request.is_json and best == "text/html"


def _read_payload() -> dict[str, Any]:
    if request.is_json:
        payload = request.get_json(silent=True)
        if payload is None:
            raise InputError("body", "is not valid JSON")
        if not isinstance(payload, dict):
            raise InputError("body", "expected a JSON object with a 'tags' field")
        return payload
    form = request.form
    # tagify posts its tags as one JSON string; plain forms as a text field or repeated fields.
    tags = form.getlist("tags")
    return {"tags": tags[0] if len(tags) == 1 else tags, "duration": form.get("duration"), "seed": form.get("seed")}


HISTORY = 10
#: How the history names a job that has neither a title nor tags (a remake: "New <its stage's noun>").
_KIND_NAMES = {("preview", None): "Preview video", ("lake_import", None): "Trend lake import",
               ("lake_stages", None): "Trend lake stages", ("suggest", None): "Sounds for my clip",
               ("try_sound", None): "A sound on my clip", ("similar", None): "Similar music"}
_SOUND_KINDS = ("suggest", "try_sound", "similar")


def _history() -> list[dict[str, Any]]:
    """This browser's recent jobs, for the page: they live in the job store, so they outlast a restart."""
    rows = []
    for job in get_jobs().list(owner=auth.owner(), limit=HISTORY):
        params = job.params
        named = _KIND_NAMES.get((job.kind, params.get("part")), job.kind)
        if job.kind == "regenerate" and params.get("part") in stages.remixable():
            named = f"New {stages.get(params['part']).noun}"
        if job.kind == "lake_import" and (job.result or {}).get("source"):
            named = f"{named}: {job.result['source']}"
        what = params.get("title") or " ".join(f"#{t}" for t in params.get("tags") or []) or named
        run_id = (job.result or {}).get("run_id")
        url = url_for("studio.run_page", run_id=run_id) if run_id and job.kind != "try_sound" else None
        if job.status is JobStatus.SUCCEEDED and url is None:
            if job.kind == "try_sound":  # its run is the one MP4, no run page
                url = job.result["video_url"]
            elif job.kind.startswith("lake_"):
                url = url_for("lake.page")  # what a lake job did shows on the lake's page
            elif job.kind in _SOUND_KINDS:
                url = url_for("sounds.page")
        rows.append({"what": what, "kind": job.kind, "status": job.status.value, "error": job.error,
                     "created_at": time.strftime("%d %b %H:%M", time.localtime(job.created_at)),
                     "url": url})
    return rows


def _index(error: str | None = None, status: int = 200, form: dict | None = None):
    return render_template(
        "index.html", error=error, form=form or {}, durations=DURATIONS, default_duration=DEFAULT_DURATION,
        suggestions=_studio().available_tags()[:24], stages=stages.labels(), history=_history(),
        max_upload_mb=current_app.config["TRENDTOK_UPLOAD_MAX_MB"],
        max_upload_s=current_app.config["TRENDTOK_UPLOAD_MAX_SECONDS"],
    ), status


@bp.get("/")
def index():
    return _index()


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.post("/search")
def search():
    """The seed's synchronous search: a ``search`` job, waited for (or streamed as NDJSON)."""
    try:
        params = check_params("search", _read_payload(), owner=auth.owner())
    except InputError as exc:
        if _wants_html():
            return _index(error=str(exc), status=400, form=request.form.to_dict())
        return _error(str(exc))
    jobs = get_jobs()
    try:
        job, _ = jobs.submit("search", params, owner=auth.owner())
    except QueueFull as exc:
        message = f"The studio is busy ({exc.text}). Try again in {exc.retry_after} s."
        if _wants_html():
            return _index(error=message, status=429, form=request.form.to_dict())
        response = _error(str(exc), 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except BrokerUnavailable as exc:
        if _wants_html():
            return _index(error=f"The studio's workers cannot be reached ({exc.text}).", status=503,
                          form=request.form.to_dict())
        return _error(str(exc), 503)
    if NDJSON in request.headers.get("Accept", ""):
        return Response(_stream(jobs, job.id), mimetype=NDJSON, headers={"X-Accel-Buffering": "no"})
    job = jobs.wait(job.id)
    if job.status is not JobStatus.SUCCEEDED:
        return _error(f"the search failed: {job.error}", 500)
    if _wants_html():
        return redirect(url_for("studio.run_page", run_id=job.result["run_id"]), code=303)
    return jsonify(job.result)


def _stream(jobs: JobQueue, job_id: str) -> Iterator[str]:
    """The job's progress as JSON lines, then its result (or error).

    The generator runs after the request context is gone, so it gets the job queue as an argument.
    """
    yield json.dumps({"event": "queued", "job_id": job_id}) + "\n"
    for event in jobs.stream(job_id):
        if event is None:  # a quiet spell: this stream needs no heartbeat
            continue
        status, stage = JobStatus(event["status"]), event["stage"]
        if status.finished:
            break
        if status is JobStatus.QUEUED:  # its place while it waits, again each time it moves up
            yield json.dumps({"event": "queue", "queue_position": event["queue_position"],
                              "eta_s": event["eta_s"]}) + "\n"
        elif stage is not None:
            yield json.dumps({"event": "progress", "stage": stage, "label": stages.get(stage).label,
                              "done": event["done"], "total": event["total"], "fraction": event["fraction"]}) + "\n"
    job = jobs.get(job_id)
    if job.status is JobStatus.SUCCEEDED:
        yield json.dumps({"event": "result", "result": job.result}, ensure_ascii=False) + "\n"
    else:
        yield json.dumps({"event": "error", "error": f"the search failed: {job.error}"}) + "\n"


def _load_result(run_id: str) -> dict[str, Any]:
    if not auth.can_see_run(run_id):
        abort(404)
    try:
        return runs.load(_studio().runs_dir, run_id)
    except runs.RunNotFound:
        abort(404)


@bp.get("/runs/<run_id>")
def run_page(run_id: str):
    result = _load_result(run_id)
    return render_template("run.html", result=result,
                           preview_captions=remix.captions_by_default(_studio().runs_dir, result),
                           stages={**stages.labels(), "preview": remix.PREVIEW_LABEL},
                           remakes={spec.name: spec.noun for spec in stages.specs() if spec.remixable},
                           caption_styles=subtitles.STYLES)


@bp.get("/runs/<run_id>/result.json")
def run_result(run_id: str):
    return jsonify(_load_result(run_id))


#: Types a run file's name does not get from every system's mime table: a browser loads a <track>
#: only when its WebVTT comes as text/vtt.
_RUN_FILE_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip"}


@bp.get("/runs/<run_id>/<path:name>")
def run_file(run_id: str, name: str):
    if not utils.is_run_id(run_id) or not auth.can_see_run(run_id):
        abort(404)
    # send_from_directory refuses any name that escapes the run folder.
    return send_from_directory(_studio().runs_dir / run_id, name, as_attachment=request.args.get("download") == "1",
                               mimetype=_RUN_FILE_TYPES.get(name[name.rfind("."):].lower()) if "." in name else None)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return api.http_error(exc)
    if request.path.startswith("/search") or request.accept_mimetypes.best == "application/json":
        response = _error(exc.description or exc.name, exc.code or 500)
        # The JSON stands in for werkzeug's page, not for its headers: a 405 must still say what is Allow-ed.
        response.headers.extend((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
        return response
    return exc
