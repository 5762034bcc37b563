"""Who is asking, and what each caller may reach: the studio's one trust boundary.

Every request but the open ones is given an owner in ``g.owner`` before its view runs:

- ``X-API-Key``: the key's owner (``key:<id>``); a key that is not active is 401.
- A browser session signed in with a key (``/signin``): that key's owner, so the page shows the
  key's jobs and runs; its state-changing calls carry the session's CSRF token.
- ``TRENDTOK_REQUIRE_KEY=0`` only (the local studio on 127.0.0.1): any browser gets a session of
  its own (``session:<id>``) and ``/search`` needs nothing, as before.

With ``TRENDTOK_REQUIRE_KEY=1`` (the Docker image, anything not on loopback) a caller with neither
gets 401 JSON on the API and ``/search``, and a redirect to the sign-in page elsewhere. Open in
both modes: ``/health``, static files, the sign-in page, the OpenAPI document and a signed upload
URL (its signature is its credential).

Every response carries the security headers: a Content-Security-Policy of this origin only (no
inline script), ``nosniff``, no framing, and a same-origin referrer.
"""
from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, Response, current_app, g, jsonify, redirect, render_template, request, session,
                   url_for)

from . import sessions

bp = Blueprint("auth", __name__, template_folder="templates")

#: Endpoints anyone may call: they read no creator's data and start no work.
OPEN_ENDPOINTS = frozenset({"studio.health", "studio.static", "static", "auth.signin", "auth.signout",
                            "api.openapi", "api.put_upload"})
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SIGN_IN_HINT = "create one with: flask --app app api-key create NAME"


class Denied(Exception):
    """The request may not go on; ``status`` 401 or 403, ``message`` names the header or field."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def init_app(app: Flask) -> None:
    """Identify every request's caller and add the security headers to every response (after
    ``sessions.init_app`` and ``api_keys.init_app``)."""
    app.before_request(_identify)
    app.after_request(_secure)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"signed_in": signed_in(), "require_key": require_key()})


def require_key() -> bool:
    return current_app.config["TRENDTOK_REQUIRE_KEY"]


def signed_in() -> bool:
    """Whether this browser's session signed in with a key that is still active."""
    key_id = session.get("key_id")
    return key_id is not None and current_app.extensions["api_keys"].is_active(key_id)


def owner() -> str:
    """The caller of this request (``g.owner``), set before any view runs."""
    return g.owner


def can_see_run(run_id: str) -> bool:
    """With ``TRENDTOK_REQUIRE_KEY``, a run made by another key's job is as if it did not exist; the
    open local studio shows any run to whoever has its link, as it always has."""
    if not require_key():
        return True
    made_by = current_app.extensions["jobs"].store.owner_of_run(run_id)
    return made_by is None or made_by == g.owner


def _identify() -> Response | None:
    g.owner = None
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:  # None: no route; its 404 says so
        return None
    try:
        g.owner = _caller()
    except Denied as exc:
        return _deny(exc)
    return None


def _caller() -> str:
    key = request.headers.get("X-API-Key")
    if key is not None:
        key_id = current_app.extensions["api_keys"].verify(key)
        if key_id is None:
            raise Denied(401, "X-API-Key: not an active key")
        return f"key:{key_id}"
    if signed_in():
        _check_csrf()
        return f"key:{session['key_id']}"
    if require_key():
        raise Denied(401, f"X-API-Key: required, or sign in with a key at /signin ({SIGN_IN_HINT})")
    # The open local studio: the page's own session; the API only with a session the page made.
    if request.path.startswith("/api/"):
        if "sid" not in session:
            raise Denied(401, f"X-API-Key: required ({SIGN_IN_HINT})")
        _check_csrf()
    return sessions.browser_owner()


def _check_csrf() -> None:
    # /search in the open studio never asked for a token; everything else a session changes does.
    if request.method in _SAFE_METHODS or (not require_key() and request.endpoint == "studio.search"):
        return
    if not sessions.csrf_ok():
        raise Denied(403, "X-CSRF-Token: missing or not this session's token")


def _wants_page() -> bool:
    return (not request.path.startswith("/api/") and request.endpoint != "studio.search"
            and request.method in _SAFE_METHODS
            and request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html")


def _deny(exc: Denied) -> Response:
    if exc.status == 401 and _wants_page():
        return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
    response = jsonify(error=str(exc))
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
    return response


def _safe_next(raw: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return url_for("studio.index")
    parts = urlsplit(raw)
    return raw if not parts.scheme and not parts.netloc else url_for("studio.index")


def _same_origin() -> bool:
    """A sign-in form posted from this site: another site must not sign a browser into its key."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # a browser always sends Origin on a form POST; a script signing in is no attack
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Paste an API key once; the session remembers which key it is (never the key itself)."""
    error, status = None, 200
    next_url = _safe_next(request.values.get("next"))
    if request.method == "POST":
        if not _same_origin():
            error, status = "This sign-in form was sent from another site.", 403
        else:
            key_id = current_app.extensions["api_keys"].verify((request.form.get("key") or "").strip())
            if key_id is None:
                error, status = "key: not an active API key (" + SIGN_IN_HINT + ")", 401
            else:
                session.clear()  # a new session for the signed-in caller: nothing carries over
                session["sid"] = secrets.token_hex(16)
                session["csrf"] = secrets.token_urlsafe(32)
                session["key_id"] = key_id
                session.permanent = True
                return redirect(next_url, code=303)
    return render_template("signin.html", error=error, next_url=next_url), status


@bp.post("/signout")
def signout():
    if "sid" in session and not sessions.csrf_ok():
        return _deny(Denied(403, "csrf_token: missing or not this session's token"))
    session.clear()
    return redirect(url_for("auth.signin"), code=303)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'; connect-src 'self'{upload}")


def _upload_origin(config: Any) -> str:
    """The S3 endpoint a page PUTs uploads to, when uploads go to a bucket."""
    if not config.get("TRENDTOK_S3_BUCKET"):
        return ""
    endpoint = config.get("TRENDTOK_S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        return f" {parts.scheme}://{parts.netloc}"
    return " https://*.amazonaws.com"


def _secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(upload=_upload_origin(current_app.config)))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response

