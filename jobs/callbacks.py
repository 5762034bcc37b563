"""``callback_url``: a job's final status POSTed, signed, to a host the operator allowed.

The body is JSON: ``{"job_id", "kind", "status", "error", "status_url", "finished_at"}`` —
the result itself is fetched from ``status_url`` with the caller's credentials, so a
callback never carries a creator's content to a third party. Headers:
``X-TrendTok-Timestamp`` (Unix seconds) and ``X-TrendTok-Signature: sha256=<hex>``, the
HMAC-SHA256 of ``"<timestamp>.<body>"`` under the callback secret; a receiver recomputes it
and refuses old timestamps. Redirects are not followed (a redirect could point anywhere).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable
from urllib.parse import urlsplit

from search_input import InputError

from ._types import Job

log = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT_S = 10.0
MAX_URL = 2000
#: ``callback_url`` in every kind's request body, as JSON Schema (null or empty: no callback).
CALLBACK_URL_SCHEMA = {
    "anyOf": [{"type": "string", "format": "uri", "maxLength": MAX_URL}, {"enum": [None, ""]}],
    "description": "POSTed the final status, signed (X-TrendTok-Signature); its host must be listed in "
                   "TRENDTOK_CALLBACK_HOSTS (null or empty: no callback)"}


def allowed_hosts(setting: str | None) -> frozenset[str]:
    """``TRENDTOK_CALLBACK_HOSTS``: comma-separated ``host`` or ``host:port`` entries, lower-cased."""
    return frozenset(h.strip().lower() for h in (setting or "").split(",") if h.strip())


def check_callback_url(raw: Any, hosts: frozenset[str]) -> str | None:
    """``raw`` if it is an http(s) URL on an allowed host (``None`` when absent); else ``InputError``."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > MAX_URL:
        raise InputError("callback_url", f"an http(s) URL of at most {MAX_URL} characters")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InputError("callback_url", "not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise InputError("callback_url", "an http(s) URL with a host and no credentials in it")
    if not hosts:
        raise InputError("callback_url", "this server sends no callbacks (TRENDTOK_CALLBACK_HOSTS is empty)")
    host = parts.hostname.lower()
    if host not in hosts and f"{host}:{port}" not in hosts:
        raise InputError("callback_url", f"{host} is not one of the hosts this server calls back "
                                         "(TRENDTOK_CALLBACK_HOSTS)")
    if any(c.isspace() or ord(c) < 32 for c in raw):
        raise InputError("callback_url", "must not contain spaces or control characters")
    return raw


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-TrendTok-Signature`` value for ``body`` sent at ``timestamp``."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(url: str, job: Job, *, secret: bytes, status_url: str, sleep: Callable[[float], None] = time.sleep) -> bool:
    """POST ``job``'s final status to ``url``, retrying a failed attempt twice (after 1 s, then 2 s).
    True when the receiver answered 2xx."""
    body = json.dumps({"job_id": job.id, "kind": job.kind, "status": job.status.value, "error": job.error,
                       "status_url": status_url, "finished_at": job.finished_at}).encode()
    for attempt in range(ATTEMPTS):
        timestamp = str(int(time.time()))
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "TrendTok-Studio-Callback",
            "X-TrendTok-Timestamp": timestamp, "X-TrendTok-Signature": sign(secret, timestamp, body)})
        try:
            with _opener.open(request, timeout=TIMEOUT_S) as response:
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, OSError, ValueError) as exc:  # ValueError: http.client.InvalidURL
            log.warning("callback for job %s, attempt %d: %s", job.id, attempt + 1, exc)
        if attempt + 1 < ATTEMPTS:
            sleep(2 ** attempt)
    return False


class Callbacks:
    """Sends a finished job's callback on a thread of its own, so a slow receiver never holds a worker."""

    def __init__(self, *, secret: bytes, status_url: Callable[[str], str]):
        self.secret = secret
        self.status_url = status_url

    def __call__(self, job: Job) -> None:
        url = (job.params or {}).get("callback_url")
        if url and job.status.finished:
            threading.Thread(target=send, args=(url, job), name=f"callback-{job.id[:8]}", daemon=True,
                             kwargs={"secret": self.secret, "status_url": self.status_url(job.id)}).start()
