"""The upload system's errors, statuses and the upload record."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from utils import StudioError


class UploadError(StudioError):
    """Base of every error the upload system raises; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class UploadNotFound(UploadError, LookupError):
    """No upload with this id belongs to the caller (or it has expired and been deleted)."""


class UploadRefused(UploadError):
    """The bytes were not accepted: a bad or expired signature, a second PUT, the wrong size."""

    def __init__(self, field: str, message: str, *, status: int = 400):
        super().__init__(field, message)
        self.status = status


class UploadRejected(UploadError):
    """The bytes arrived but are not a clip we can use (checked by content, never by name)."""


class UploadStatus(str, Enum):
    WAITING = "waiting"      # the URL is out; no bytes yet
    RECEIVING = "receiving"  # a PUT is streaming in (a second one is refused; a failed one lets the URL be retried)
    READY = "ready"          # bytes arrived and passed the content checks
    REJECTED = "rejected"    # bytes arrived and failed them (``error`` says why); the file is gone
    EXPIRED = "expired"      # its lifetime ended; the file is gone


@dataclass(frozen=True)
class Upload:
    """One upload. ``filename`` and ``content_type`` are what the client declared (display only:
    neither reaches a path nor decides anything); ``media`` is ``"video"`` or ``"audio"``, and
    ``duration_s`` its length, once checked; times are Unix seconds."""

    id: str
    owner: str
    filename: str
    content_type: str
    size: int
    status: UploadStatus
    created_at: float
    expires_at: float
    received_at: float | None = None
    used_at: float | None = None
    media: str | None = None
    format: str | None = None
    duration_s: float | None = None
    error: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> "Upload":
        data = dict(row)
        data["status"] = UploadStatus(data["status"])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "upload_id": self.id,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "status": self.status.value,
            "arrived": self.status is UploadStatus.READY,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "received_at": self.received_at,
            "media": self.media,
            "format": self.format,
            "duration_s": self.duration_s,
            "error": self.error,
        }
