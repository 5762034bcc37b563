"""Uploads: issue a signed, expiring, single-use upload URL; take the bytes; check them; expire them.

The bytes land in ``<TRENDTOK_UPLOADS_DIR>/<upload id>`` — a name we made, never the client's.
With an S3 bucket configured the client PUTs to a presigned S3 URL instead, and the object
is fetched into that folder (and checked) the first time anyone asks whether it arrived.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO, Callable

import utils

from ._types import (Upload, UploadError, UploadForbidden, UploadNotFound, UploadQuotaFull, UploadRefused,
                     UploadRejected, UploadStatus, UploadUsed)
from .content import EXPORT_TYPES, inspect, inspect_export, is_export

MIB = 1 << 20

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id           TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT NOT NULL,
    created_at   REAL NOT NULL,
    expires_at   REAL NOT NULL,
    received_at  REAL,
    used_at      REAL,
    media        TEXT,
    format       TEXT,
    duration_s   REAL,
    error        TEXT
);
CREATE INDEX IF NOT EXISTS uploads_owner ON uploads (owner, created_at);
"""

_CONTENT_TYPE = re.compile(r"^(video|audio)/[a-z0-9][a-z0-9.+-]{0,60}$")
MAX_FILENAME = 255
CHUNK = 1 << 20


def _check_filename(raw: Any) -> str:
    if not isinstance(raw, str):
        raise UploadError("filename", f"must be a string, got {type(raw).__name__}")
    name = "".join(c for c in unicodedata.normalize("NFKC", raw) if unicodedata.category(c)[0] != "C").strip()
    # The limit holds for what was sent too (as /api/openapi.json says), not only for what is left of it.
    if not name or len(name) > MAX_FILENAME or len(raw) > MAX_FILENAME:
        raise UploadError("filename", f"1 to {MAX_FILENAME} printable characters")
    return name


def _check_content_type(raw: Any) -> str:
    value = raw.split(";")[0].strip().lower() if isinstance(raw, str) else raw
    if not isinstance(value, str) or not (_CONTENT_TYPE.match(value) or is_export(value)):
        raise UploadError("content_type", f"a video/* or audio/* media type, such as video/mp4, or for a trend-lake "
                                          f"export one of {', '.join(EXPORT_TYPES)}; not {raw!r}")
    return value


class Uploads:
    """The uploads table and folder. ``secret`` signs local upload URLs; sizes in bytes, times in
    seconds; ``s3`` (an ``S3Storage``) moves the upload target to a bucket. ``max_bytes`` caps a
    clip, ``max_export_bytes`` (default: the same) an export declared as one of ``EXPORT_TYPES``."""

    def __init__(self, db_path: str | os.PathLike, folder: str | os.PathLike, *, secret: bytes, max_bytes: int,
                 max_seconds: float, ttl_s: float, keep_s: float, quota_bytes: int | None = None, s3=None,
                 max_export_bytes: int | None = None):
        self.db = utils.Database(db_path, _SCHEMA)
        self.quota_bytes = quota_bytes  # what one caller's live uploads may hold at once; None = no limit
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.secret = secret
        self.max_bytes = max_bytes
        self.max_export_bytes = max_bytes if max_export_bytes is None else max_export_bytes
        self.max_seconds = max_seconds
        self.ttl_s = ttl_s
        self.keep_s = keep_s
        self.s3 = s3

    # -- the URL ------------------------------------------------------------------------
    def create(self, *, owner: str, filename: Any, content_type: Any, size: Any,
               now: float | None = None) -> Upload:
        """A new upload waiting for its bytes; raises ``UploadError`` naming the bad field."""
        filename, content_type = _check_filename(filename), _check_content_type(content_type)
        cap = self.max_export_bytes if is_export(content_type) else self.max_bytes
        # JSON has one kind of number: 4943572.0 is the integer 4943572 to JSON Schema ("type": "integer")
        # and to a client whose numbers are all floats. A fraction, NaN or infinity is no count of bytes.
        if isinstance(size, float) and size.is_integer() and 0 < size <= cap:
            size = int(size)
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= cap:
            raise UploadError("size", f"a whole number of bytes from 1 to {cap} "
                                      f"({cap // MIB} MiB{' for an export' if cap != self.max_bytes else ''}), "
                                      f"not {size!r}")
        now = time.time() if now is None else now
        upload_id = utils.new_run_id()
        with self.db.write() as db:
            if self.quota_bytes is not None:
                # Uploads no job has used yet and whose URL still lives: a used clip is the job's to keep
                # (its runs link it), and the sweeper deletes the expired ones on its own schedule.
                held = db.execute("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner = ? AND status IN (?, ?, ?) "
                                  "AND used_at IS NULL AND expires_at >= ?",
                                  (owner, UploadStatus.WAITING.value, UploadStatus.RECEIVING.value,
                                   UploadStatus.READY.value, now)).fetchone()[0]
                if held + size > self.quota_bytes:
                    raise UploadQuotaFull("size", f"your unused uploads already hold {held / MIB:.0f} MiB of the "
                                          f"{self.quota_bytes / MIB:.0f} MiB one caller may have waiting; "
                                          f"use them in a job or let their URLs expire")
            db.execute("INSERT INTO uploads (id, owner, filename, content_type, size, status, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (upload_id, owner, filename, content_type, size, UploadStatus.WAITING.value, now,
                        now + self.ttl_s))
        # Expired uploads are the sweeper thread's: a request must not wait on deleting them (from S3).
        return self._row(upload_id)  # nothing can have arrived yet: no need to ask S3

    @property
    def largest(self) -> int:
        """The most bytes any upload may declare (a PUT's body is held to its own upload's size)."""
        return max(self.max_bytes, self.max_export_bytes)

    def signature(self, upload: Upload) -> str:
        """The HMAC that makes ``upload``'s local PUT URL valid until its ``expires_at``."""
        message = f"{upload.id}.{int(upload.expires_at)}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def upload_url(self, upload: Upload, *, local_url: Callable[[str, dict[str, str]], str]) -> str:
        """Where the client PUTs the bytes: a presigned S3 URL, or ``local_url(id, query)`` on this server."""
        if self.s3 is not None:
            return self.s3.presign(upload.id, content_type=upload.content_type, size=upload.size,
                                   expires_in=max(1, int(upload.expires_at - time.time())))
        return local_url(upload.id, {"expires": str(int(upload.expires_at)), "signature": self.signature(upload)})

    # -- the bytes ----------------------------------------------------------------------
    def receive(self, upload_id: str, body: BinaryIO, *, length: int | None, expires: str, signature: str,
                now: float | None = None) -> Upload:
        """Take a PUT's bytes for ``upload_id`` if its signature holds; check them by content.

        Raises ``UploadRefused`` (with the HTTP status to answer) for a bad or expired signature,
        a second PUT, or a size other than the one declared. Bytes that are not a usable clip
        leave the upload ``rejected`` (returned, not raised): the client asks why with a GET.
        """
        now = time.time() if now is None else now
        upload = self._row(upload_id)
        if upload is None or self.s3 is not None:
            raise UploadNotFound("upload_id", f"no upload {upload_id!r}")
        expected = self.signature(upload)
        # Bytes, not str: compare_digest refuses non-ASCII text, and a query string is the client's to choose.
        if not hmac.compare_digest(expected.encode(), (signature or "").encode("utf-8", "replace")) \
                or expires != str(int(upload.expires_at)):
            raise UploadForbidden("signature", "not a valid upload URL")
        if now > upload.expires_at:
            raise UploadForbidden("expires", "this upload URL has expired; ask for a new one")
        if length is not None and length != upload.size:
            raise UploadRefused("size", f"{upload.size} bytes were declared, the request has {length}")
        if not self._claim(upload_id):
            raise UploadUsed("upload_id", f"already {self._row(upload_id).status.value}: an upload URL is "
                                          "used once")
        final = self.path(upload_id)
        try:
            with utils.atomic_path(final) as tmp:
                received = _copy(body, tmp, limit=upload.size)
                if received != upload.size:
                    raise UploadRefused("size", f"{upload.size} bytes were declared, {received} arrived")
        except BaseException:
            self._set(upload_id, status=UploadStatus.WAITING)  # the same URL may be tried again
            raise
        return self._check(upload_id, now)

    def _check(self, upload_id: str, now: float) -> Upload:
        final = self.path(upload_id)
        content_type = self._row(upload_id).content_type
        try:
            info = inspect_export(final) if is_export(content_type) else inspect(final, max_seconds=self.max_seconds)
        except Exception as exc:  # ffmpeg timing out or missing must not leave the upload stuck "receiving"
            final.unlink(missing_ok=True)
            error = str(exc) if isinstance(exc, UploadRejected) else f"content: could not be checked ({exc})"
            self._set(upload_id, status=UploadStatus.REJECTED, received_at=now, error=error)
            return self.get(upload_id)
        declared = content_type.split("/")[0]
        if declared == "video" and info.media != "video":
            final.unlink(missing_ok=True)
            self._set(upload_id, status=UploadStatus.REJECTED, received_at=now,
                      error=f"content_type: declared video but the file is {info.format} audio with no picture")
            return self.get(upload_id)
        self._set(upload_id, status=UploadStatus.READY, received_at=now, media=info.media, format=info.format,
                  duration_s=info.duration_s)
        return self.get(upload_id)

    # -- reading ------------------------------------------------------------------------
    def get(self, upload_id: str, *, owner: str | None = None) -> Upload:
        """The upload; with ``owner``, only theirs. With S3, a waiting upload is looked for in the bucket."""
        upload = self._row(upload_id)
        if upload is None or (owner is not None and upload.owner != owner):
            raise UploadNotFound("upload_id", f"no upload {upload_id!r}")
        if self.s3 is not None and upload.status is UploadStatus.WAITING and self._claim(upload_id):
            try:
                arrived = self.s3.fetch(upload_id, self.path(upload_id), limit=upload.size)
            except BaseException:
                self._set(upload_id, status=UploadStatus.WAITING)
                raise
            if not arrived:
                self._set(upload_id, status=UploadStatus.WAITING)
                return self._row(upload_id)
            return self._check(upload_id, time.time())
        return upload

    def clip(self, upload_id: str, *, owner: str | None = None, media: str | None = None) -> Upload:
        """A ready upload (of ``media``, if given); ``UploadError`` naming ``upload_id`` otherwise."""
        upload = self.get(upload_id, owner=owner)
        if upload.status is not UploadStatus.READY:
            reason = f": {upload.error}" if upload.error else ""
            raise UploadError("upload_id", f"the upload is {upload.status.value}, not ready{reason}")
        if media is not None and upload.media != media:
            raise UploadError("upload_id", f"the upload is {upload.media}; this needs {media}")
        return upload

    def path(self, upload_id: str) -> Path:
        """Where a checked upload's bytes are; only ids we made ever become a path."""
        if not utils.is_run_id(upload_id):
            raise UploadNotFound("upload_id", f"no upload {upload_id!r}")
        return self.folder / upload_id

    def mark_used(self, upload_id: str, *, now: float | None = None) -> None:
        """A job read it: keep it ``keep_s`` from now rather than until its URL's expiry."""
        self._set(upload_id, used_at=time.time() if now is None else now)

    # -- expiry -------------------------------------------------------------------------
    def sweep(self, *, now: float | None = None) -> int:
        """Delete what outlived its lifetime: unused uploads past ``expires_at``, used ones
        ``keep_s`` after their last use. Returns how many."""
        now = time.time() if now is None else now
        # A PUT that died half-way (a killed server) is "receiving" for ever; its lifetime ends it too.
        expired = ("status IN (?, ?, ?, ?) AND ((used_at IS NULL AND expires_at < ?) "
                   "OR (used_at IS NOT NULL AND used_at < ?))")
        args = (UploadStatus.WAITING.value, UploadStatus.RECEIVING.value, UploadStatus.READY.value,
                UploadStatus.REJECTED.value, now, now - self.keep_s)
        swept = 0
        for row in self.db.read().execute(f"SELECT id FROM uploads WHERE {expired}", args).fetchall():
            with self.db.write() as db:  # re-checked as it is changed: a job may have just used it
                if db.execute(f"UPDATE uploads SET status = ? WHERE id = ? AND {expired}",
                              (UploadStatus.EXPIRED.value, row["id"], *args)).rowcount != 1:
                    continue
            self.path(row["id"]).unlink(missing_ok=True)
            if self.s3 is not None:
                self.s3.delete(row["id"])
            swept += 1
        return swept

    # -- rows ---------------------------------------------------------------------------
    def _row(self, upload_id: str) -> Upload | None:
        row = self.db.read().execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return Upload.from_row(row) if row is not None else None

    def _claim(self, upload_id: str) -> bool:
        """WAITING → RECEIVING, for one caller only."""
        with self.db.write() as db:
            return db.execute("UPDATE uploads SET status = ? WHERE id = ? AND status = ?",
                              (UploadStatus.RECEIVING.value, upload_id, UploadStatus.WAITING.value)).rowcount == 1

    def _set(self, upload_id: str, **fields: Any) -> None:
        if "status" in fields:
            fields["status"] = fields["status"].value
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self.db.write() as db:
            db.execute(f"UPDATE uploads SET {columns} WHERE id = ?", (*fields.values(), upload_id))


def _copy(body: BinaryIO, dest: Path, *, limit: int) -> int:
    """Copy at most ``limit`` + 1 bytes (one more tells us the body was too long); returns the count."""
    copied = 0
    with open(dest, "wb") as out:
        while copied <= limit:
            chunk = body.read(min(CHUNK, limit + 1 - copied))
            if not chunk:
                break
            out.write(chunk)
            copied += len(chunk)
    return copied
