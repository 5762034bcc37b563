"""``/api``: jobs as a JSON API, for scripts (``X-API-Key``) and the studio page (its session).

    POST   /api/jobs                {"kind": "search", "tags": [...], "duration": 15}  → 202
                                    (every kind of jobs.KINDS; its body is that kind's schema in the document)
    GET    /api/jobs?limit=20       the caller's jobs, newest first
    GET    /api/jobs/<id>           status, stage progress and, when done, the result
    GET    /api/jobs/<id>/events    Server-Sent Events, one per progress change
    DELETE /api/jobs/<id>           cancel (queued: now; running: at its next stage)
    POST   /api/uploads             {"filename", "content_type", "size"} → 201 {"upload_id", "upload_url", ...}
                                    (a clip: video/* or audio/*; a lake export: application/json, text/csv)
    PUT    <upload_url>             the bytes (the signed URL is the credential; used once)
    GET    /api/uploads/<id>        whether it arrived, and what it is
    GET    /api/openapi.json        this API, described

Every error is ``{"error": "<field>: <what is wrong>"}`` with a 4xx status.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from errors import Conflict, LimitReached, NotFound, StudioError
from jobs import JobStatus, check_params, get_jobs
from uploads import UploadRejected, UploadStatus, get_uploads

from . import auth
from .openapi import MAX_EVENT_ID, openapi_document
from .slots import Slot, slots_of

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_LIMIT = 100
MAX_IDEMPOTENCY_KEY = 200
HEARTBEAT_S = 15.0


#: What a werkzeug error raised around the views (no such route, a method the route lacks, a body over
#: the app's cap) is about, so that it names a field like every other /api error.
_HTTP_ERROR_FIELDS = {404: "path", 405: "method", 413: "body"}


def http_error(exc: HTTPException) -> Response:
    """A werkzeug error under ``/api/`` in the API's form; the studio's app-wide handler sends these here
    (a blueprint's own handlers never see routing errors)."""
    code = exc.code or 500
    if code == 405 and isinstance(exc, MethodNotAllowed):
        message = f"method: {request.method} is not one of {', '.join(exc.valid_methods or ())}"
    else:
        message = f"{_HTTP_ERROR_FIELDS.get(code, 'request')}: {exc.description or exc.name}"
    response = jsonify(error=message)
    response.status_code = code
    # Keep what the error says beside its body: a 405 must list the methods that are allowed (Allow).
    response.headers.extend((name, value) for name, value in exc.get_headers() if name.lower() != "content-type")
    return response


def _job_json(job) -> dict[str, Any]:
    data = job.to_dict()
    data["status_url"] = url_for("api.job", job_id=job.id)
    data["events_url"] = url_for("api.job_events", job_id=job.id)
    return data


def _find(job_id: str):
    return get_jobs().get(job_id, owner=g.owner)  # JobNotFound answers 404 (web/errors.py)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/jobs")
def create_job():
    payload = _json_object("a 'kind' field")
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        raise StudioError("Idempotency-Key", f"1 to {MAX_IDEMPOTENCY_KEY} characters")
    run_id = payload.get("run_id")
    if isinstance(run_id, str) and not auth.can_see_run(run_id):  # another key's run: as if it did not exist
        raise StudioError("run_id", f"no finished run {run_id[:40]!r}")
    # A bad field is 400, an upload store that did not answer 503, a full queue 429 (web/errors.py).
    try:
        params = check_params(payload.get("kind"), payload, owner=g.owner, uploads=get_uploads(),
                              runs_dir=current_app.extensions["studio"].runs_dir,
                              callback_hosts=get_jobs().callback_hosts)
    except NotFound as exc:  # an id in the body that names nothing is a bad field (400), not a missing page
        raise StudioError(exc.field, exc.message) from None
    job, created = get_jobs().submit(payload["kind"], params, owner=g.owner, idempotency_key=key)
    response = jsonify(job_id=job.id, status=job.status.value, status_url=url_for("api.job", job_id=job.id),
                       events_url=url_for("api.job_events", job_id=job.id))
    response.status_code = 202
    response.headers["Location"] = url_for("api.job", job_id=job.id)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _json_object(expected: str) -> dict[str, Any]:
    payload = request.get_json(silent=True) if request.is_json else None
    if not isinstance(payload, dict):
        raise StudioError("body", f"expected a JSON object with {expected}")
    return payload


@bp.post("/uploads")
def create_upload():
    payload = _json_object("'filename', 'content_type' and 'size'")
    uploads = get_uploads()
    # Over the caller's quota is 429, a store that cannot sign 503 (web/errors.py).
    upload = uploads.create(owner=g.owner, filename=payload.get("filename"),
                            content_type=payload.get("content_type"), size=payload.get("size"))
    url = uploads.upload_url(upload, local_url=lambda upload_id, query: url_for(
        "api.put_upload", upload_id=upload_id, _external=True, **query))
    response = jsonify(upload_id=upload.id, upload_url=url, method="PUT", headers={"Content-Type": upload.content_type},
                       expires_at=upload.expires_at, status_url=url_for("api.upload", upload_id=upload.id))
    response.status_code = 201
    response.headers["Location"] = url_for("api.upload", upload_id=upload.id)
    return response


@bp.put("/uploads/<upload_id>/content")
def put_upload(upload_id: str):
    uploads = get_uploads()
    request.max_content_length = uploads.largest  # the app's 1 MiB cap is for JSON bodies
    upload = uploads.receive(upload_id, request.stream, length=request.content_length,
                             expires=request.args.get("expires", ""), signature=request.args.get("signature", ""))
    if upload.status is UploadStatus.REJECTED:
        raise UploadRejected(None, upload.error or "content: not a usable clip or export")
    return jsonify(upload.to_dict())


@bp.get("/uploads/<upload_id>")
def upload(upload_id: str):
    return jsonify(get_uploads().get(upload_id, owner=g.owner).to_dict())


@bp.get("/jobs")
def list_jobs():
    raw = request.args.get("limit", "20")
    try:
        limit = int(raw)
    except ValueError:
        raise StudioError("limit", f"a whole number from 1 to {MAX_LIMIT}, not {raw!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise StudioError("limit", f"a whole number from 1 to {MAX_LIMIT}, not {limit}")
    return jsonify(jobs=[_job_json(j) for j in get_jobs().list(owner=g.owner, limit=limit)])


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    return jsonify(_job_json(_find(job_id)))


@bp.delete("/jobs/<job_id>")
def cancel_job(job_id: str):
    found = _find(job_id)
    if found.status.finished:
        raise Conflict("job_id", f"the job already ended ({found.status.value})")
    cancelled = get_jobs().cancel(job_id, owner=g.owner)
    response = jsonify(_job_json(cancelled))
    response.status_code = 202 if cancelled.status is JobStatus.RUNNING else 200
    return response


@bp.get("/jobs/<job_id>/events")
def job_events(job_id: str):
    _find(job_id)
    after = _last_event_id(request.headers.get("Last-Event-ID"))
    jobs = get_jobs()
    if _ended_by(jobs, job_id, after):
        # Resumed at or past its `end`: 204 is how SSE tells an EventSource to stop reconnecting
        # (a 200 would be heartbeats for ever).
        return Response(status=204)
    slot = _stream_slot(g.owner)
    response = Response(_sse(jobs, job_id, after, slot), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    # A stream closed before its first byte never enters the generator, so never reaches its `finally`.
    response.call_on_close(slot.release)
    return response


def _last_event_id(raw: str | None) -> int:
    """The seq a stream resumes after: ``Last-Event-ID`` when it is an id an event can have (a whole
    number from 0 to ``MAX_EVENT_ID``), else 0: an id this server cannot have sent is ignored, and the
    stream starts from the job's first event (as documented in web/openapi.py)."""
    if raw is None or not (raw.isascii() and raw.isdigit()):  # "²" is a digit to isdigit, not to int
        return 0
    digits = raw.lstrip("0") or "0"
    if len(digits) > len(str(MAX_EVENT_ID)):  # asked before int(), which refuses over 4300 digits
        return 0
    after = int(digits)
    return after if after <= MAX_EVENT_ID else 0  # past SQLite's integers no event can be


def _stream_slot(owner: str) -> Slot:
    """One of a caller's open event streams, counted in this process for this app (a stream holds a
    server thread until it ends); one over ``TRENDTOK_EVENT_STREAMS`` is refused with a 429. The slot is
    released by the stream's generator when the stream ends or its reader goes, and by the response's
    close for a stream never started."""
    slots = slots_of(current_app, "api.event_streams", limit=current_app.config["TRENDTOK_EVENT_STREAMS"])
    slot = slots.take(owner)
    if slot is None:
        # A reader that has gone is noticed at its stream's next heartbeat, at most HEARTBEAT_S away.
        raise LimitReached("events", f"{slots.held(owner)} streams are open for this caller, the limit is "
                                     f"{slots.limit}", retry_after=int(HEARTBEAT_S))
    return slot


def _sse(jobs, job_id: str, after: int, slot: Slot) -> Iterator[str]:
    """One ``progress`` event per change, then ``end``; a comment now and then keeps proxies
    from closing a quiet stream and tells us when the client has gone (the server then closes
    this generator at that ``yield``, and the slot is given back)."""
    try:
        # A queued job's event comes again, same id, each time its queue_position or eta_s changes.
        for event in jobs.stream(job_id, after=after, heartbeat=HEARTBEAT_S):
            if event is None:
                if _ended_by(jobs, job_id, after):  # resumed past its end while it still ran: no `end` will come
                    return
                yield ": still running\n\n"
                continue
            after = event["seq"]
            finished = JobStatus(event["status"]).finished
            yield f"id: {after}\nevent: {'end' if finished else 'progress'}\ndata: {json.dumps(event)}\n\n"
            if finished:
                return
    finally:
        slot.release()


def _ended_by(jobs, job_id: str, after: int) -> bool:
    """Whether the job has ended and its last event is ``after`` or earlier: nothing more will come.
    (A job's ending status and its last event are written together.)"""
    return jobs.get(job_id).status.finished and not jobs.store.events(job_id, after=after)
