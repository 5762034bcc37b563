"""The browser's side of ownership: a signed session cookie with an id and a CSRF token.

A browser's jobs belong to its session (``session:<id>``); a state-changing call from
the page's JavaScript carries the session's token in ``X-CSRF-Token``, and a form carries
it as the ``csrf_token`` field, so another site cannot post on the creator's behalf.
"""
from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flask import Flask, current_app, request, session

import utils

SECRET_FILE = "secret_key"


def init_app(app: Flask) -> None:
    """Sign sessions with ``TRENDTOK_SECRET_KEY``, or a key made once beside the database
    (``TRENDTOK_DB``'s folder: the server's own state, a volume in Docker), so sessions
    survive a restart as the jobs do."""
    key = app.config.get("TRENDTOK_SECRET_KEY") or _stored_secret(Path(app.config["TRENDTOK_DB"]).parent)
    app.config["SECRET_KEY"] = key
    # Flask's defaults hold these keys already (SameSite as None), so setdefault would never set them.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SECURE"] = app.config["TRENDTOK_COOKIE_SECURE"]
    app.context_processor(lambda: {"csrf_token": csrf_token})  # <meta name="csrf-token"> in base.html


def _stored_secret(folder: Path) -> str:
    path = folder / SECRET_FILE
    try:
        return path.read_text("ascii").strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        with utils.atomic_path(path) as tmp:
            tmp.write_text(secrets.token_hex(32), "ascii")
            os.chmod(tmp, 0o600)
        return path.read_text("ascii").strip()


def browser_owner() -> str:
    """This browser's owner id, starting a session when it has none."""
    if "sid" not in session:
        session["sid"] = secrets.token_hex(16)
        session["csrf"] = secrets.token_urlsafe(32)
        session.permanent = True
    return f"session:{session['sid']}"


def csrf_token() -> str:
    """The session's token for the page; with ``TRENDTOK_REQUIRE_KEY`` only a signed-in session has one."""
    if current_app.config["TRENDTOK_REQUIRE_KEY"] and session.get("key_id") is None:
        return ""
    browser_owner()
    return session["csrf"]


def csrf_ok() -> bool:
    """Whether this request carries the session's CSRF token (header or form field)."""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(sent, expected)
