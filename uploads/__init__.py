"""Uploads, seed 000's flow: ask for an upload URL, PUT the bytes, then use the upload in a job.

    upload = uploads.create(owner=..., filename="clip.mp4", content_type="video/mp4", size=1234)
    url = uploads.upload_url(upload, local_url=...)   # signed, expiring, single use
    uploads.receive(upload.id, body, length=..., expires=..., signature=...)  # the PUT
    uploads.clip(upload.id, owner=..., media="video").id                   # a job reads it

Every upload is checked by its content (magic bytes, then ffmpeg), capped in size and length,
stored under a name we made, and deleted when its lifetime ends. An upload declared as a JSON
or CSV export (``EXPORT_TYPES``) is checked as one instead (UTF-8 text opening as JSON or with
a CSV header line, up to the trend lake's ``MAX_EXPORT_BYTES``) and is ``media="export"``:
``uploads.clip(upload.id, media="export")`` is what a ``lake_import`` job reads.
"""
from __future__ import annotations

import atexit
import threading
from pathlib import Path

from flask import Flask, current_app

from ._types import Upload, UploadError, UploadNotFound, UploadRefused, UploadRejected, UploadStatus
from .content import (AUDIO_FORMATS, EXPORT_TYPES, VIDEO_FORMATS, MediaInfo, inspect, inspect_export, is_export,
                      sniff, sniff_export)
from .store import Uploads

__all__ = ["AUDIO_FORMATS", "EXPORT_TYPES", "MediaInfo", "Upload", "UploadError", "UploadNotFound", "UploadRefused",
           "UploadRejected", "UploadStatus", "Uploads", "VIDEO_FORMATS", "get_uploads", "init_app", "inspect",
           "inspect_export", "is_export", "serve", "sniff", "sniff_export"]

SWEEP_EVERY_S = 60.0


def uploads_dir(config) -> Path:
    """``TRENDTOK_UPLOADS_DIR``, or ``uploads/`` beside the database: server state lives together
    (a ``/data`` volume in Docker)."""
    return Path(config.get("TRENDTOK_UPLOADS_DIR") or Path(config["TRENDTOK_DB"]).parent / "uploads")


def init_app(app: Flask) -> Uploads:
    """Open the uploads table and folder (after ``sessions.init_app``: the app's secret key signs
    upload URLs). Exports are capped as the lake caps them."""
    from trend_lake.importers import MAX_EXPORT_BYTES

    s3 = None
    if app.config.get("TRENDTOK_S3_BUCKET"):
        from .s3 import S3Storage

        s3 = S3Storage(app.config["TRENDTOK_S3_BUCKET"], endpoint_url=app.config.get("TRENDTOK_S3_ENDPOINT_URL"))
    uploads = Uploads(
        app.config["TRENDTOK_DB"], uploads_dir(app.config),
        secret=app.secret_key.encode() if isinstance(app.secret_key, str) else app.secret_key,
        max_bytes=app.config["TRENDTOK_UPLOAD_MAX_MB"] << 20,
        max_seconds=app.config["TRENDTOK_UPLOAD_MAX_SECONDS"],
        ttl_s=app.config["TRENDTOK_UPLOAD_TTL_S"], keep_s=app.config["TRENDTOK_UPLOAD_KEEP_S"],
        quota_bytes=app.config["TRENDTOK_UPLOAD_QUOTA_MB"] << 20 if app.config["TRENDTOK_UPLOAD_QUOTA_MB"] else None,
        s3=s3, max_export_bytes=MAX_EXPORT_BYTES)
    app.extensions["uploads"] = uploads
    return uploads


def serve(app: Flask) -> None:
    """Sweep expired uploads once a minute, in a process that serves (``app.serve``), never a CLI command."""
    uploads = app.extensions["uploads"]
    stop = threading.Event()

    def sweep_now_and_then() -> None:
        while not stop.wait(SWEEP_EVERY_S):
            try:
                uploads.sweep()
            except Exception:  # a locked database or a vanished file: try again next minute
                app.logger.exception("upload sweep failed")

    threading.Thread(target=sweep_now_and_then, name="upload-sweeper", daemon=True).start()
    atexit.register(stop.set)


def get_uploads() -> Uploads:
    """The app's uploads (inside an app context)."""
    return current_app.extensions["uploads"]
