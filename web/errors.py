"""How a studio error answers over HTTP: the one place that maps ``errors.StudioError`` to a response.

The status comes from the error's branch of the tree (``type(error).status``: ``NotFound`` 404,
``LimitReached`` 429 ...), ``Retry-After`` from its ``retry_after``. A JSON route (``/api/``, or a
caller that asks for JSON) gets ``{"error": message}``; a page gets werkzeug's readable page for that
status, saying the message. A view that shows the error inside its own page (the studio's form, the
lake's SQL box) catches it itself and asks ``status_of`` which status to send.
"""
from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import InternalServerError, default_exceptions

from errors import StudioError


def status_of(error: StudioError) -> int:
    """The HTTP status ``error`` answers with: its branch's."""
    return type(error).status


def headers_of(error: StudioError) -> dict[str, str]:
    """``Retry-After`` for an error that knows when to come back."""
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after is not None else {}


def json_response(error: StudioError) -> Response:
    """``{"error": message}`` with the error's status and headers."""
    response = jsonify(error=error.message)
    response.status_code = status_of(error)
    response.headers.update(headers_of(error))
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(error: StudioError):
    if _wants_json():
        return json_response(error)
    page = default_exceptions.get(status_of(error), InternalServerError)(description=error.message)
    response = page.get_response()
    response.headers.update(headers_of(error))
    return response


def init_app(app: Flask) -> None:
    """Answer every ``StudioError`` a view lets out by its type (register once, app-wide)."""
    app.register_error_handler(StudioError, _answer)
