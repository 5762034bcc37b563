"""The studio's web face: the tag form, ``POST /search``, run pages and run files.

``POST /search`` answers JSON; with ``Accept: application/x-ndjson`` it streams one
progress event per line and then the result, which is how the page draws its
stage-by-stage progress bar. A form posted by a browser without JavaScript is
answered with a redirect to the run's page.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Any, Iterator

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   send_from_directory, url_for)
from werkzeug.exceptions import HTTPException

import pipeline
import utils
from search_input import DURATIONS, DEFAULT_DURATION, InputError, parse_search_request

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


def _index(error: str | None = None, status: int = 200, form: dict | None = None):
    return render_template(
        "index.html", error=error, form=form or {}, durations=DURATIONS, default_duration=DEFAULT_DURATION,
        suggestions=_studio().available_tags()[:24], stages=pipeline.STAGE_LABELS,
    ), status


@bp.get("/")
def index():
    return _index()


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.post("/search")
def search():
    try:
        search_request = parse_search_request(_read_payload())
    except InputError as exc:
        if _wants_html():
            return _index(error=str(exc), status=400, form=request.form.to_dict())
        return _error(str(exc))
    if NDJSON in request.headers.get("Accept", ""):
        return Response(_stream(_studio(), search_request), mimetype=NDJSON, headers={"X-Accel-Buffering": "no"})
    result = _studio().search(search_request)
    if _wants_html():
        return redirect(url_for("studio.run_page", run_id=result["run_id"]), code=303)
    return jsonify(result)


def _stream(studio: pipeline.Studio, search_request) -> Iterator[str]:
    """Run the search in a worker thread and yield its progress as JSON lines.

    The generator runs after the request context is gone, so it gets the studio as an argument.
    """
    events: queue.Queue = queue.Queue()

    def progress(stage: str, done: int, total: int) -> None:
        events.put({"event": "progress", "stage": stage, "label": pipeline.STAGE_LABELS[stage],
                    "done": done, "total": total, "fraction": pipeline.overall_fraction(stage, done, total)})

    def work() -> None:
        try:
            events.put({"event": "result", "result": studio.search(search_request, progress=progress)})
        except Exception as exc:  # the client sees one readable line, the log the traceback
            log.exception("search failed")
            events.put({"event": "error", "error": f"the search failed: {exc}"})

    threading.Thread(target=work, name="search", daemon=True).start()
    yield json.dumps({"event": "queued"}) + "\n"
    while True:
        event = events.get()
        yield json.dumps(event, ensure_ascii=False) + "\n"
        if event["event"] in ("result", "error"):
            return


def _load_result(run_id: str) -> dict[str, Any]:
    if not utils.is_run_id(run_id):
        abort(404)
    path = _studio().runs_dir / run_id / "result.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        abort(404)


@bp.get("/runs/<run_id>")
def run_page(run_id: str):
    return render_template("run.html", result=_load_result(run_id), stages=pipeline.STAGE_LABELS)


@bp.get("/runs/<run_id>/result.json")
def run_result(run_id: str):
    return jsonify(_load_result(run_id))


@bp.get("/runs/<run_id>/<path:name>")
def run_file(run_id: str, name: str):
    if not utils.is_run_id(run_id):
        abort(404)
    # send_from_directory refuses any name that escapes the run folder.
    return send_from_directory(_studio().runs_dir / run_id, name, as_attachment=request.args.get("download") == "1")


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if request.path.startswith("/search") or request.accept_mimetypes.best == "application/json":
        return _error(exc.description or exc.name, exc.code or 500)
    return exc
