"""The upload system's errors, statuses and the upload record."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from errors import Conflict, Forbidden, LimitReached, NotFound, StudioError, Unavailable, Unusable


class UploadError(StudioError):
    """Base of every error the upload system raises; ``field`` names what was wrong.

        UploadError
        ├── UploadNotFound (errors.NotFound)
        ├── UploadRejected (errors.Unusable)  the bytes are not a usable clip or export
        └── UploadRefused                     the request or its bytes were not accepted (``status``)
            ├── UploadForbidden (errors.Forbidden)        a bad or expired signed URL
            ├── UploadUsed (errors.Conflict)              a second PUT to one URL
            ├── UploadQuotaFull (errors.LimitReached)     the caller's unused uploads hold the quota
            └── UploadStoreUnavailable (errors.Unavailable)  the upload store (S3) did not answer
    """


class UploadNotFound(UploadError, NotFound):
    """No upload with this id belongs to the caller (or it has expired and been deleted)."""


class UploadRefused(UploadError):
    """The bytes were not accepted: the wrong size, or one of the branches below; ``status`` (from
    the branch of the error tree) is the HTTP answer."""


class UploadForbidden(UploadRefused, Forbidden):
    """A bad or expired signature on an upload URL."""


class UploadUsed(UploadRefused, Conflict):
    """An upload URL that has already been used (an upload takes one PUT)."""


class UploadQuotaFull(UploadRefused, LimitReached):
    """The caller's unused uploads already hold their quota."""


class UploadStoreUnavailable(UploadRefused, Unavailable):
    """The upload store (S3) did not answer or cannot sign; not the caller's fault."""


class UploadRejected(UploadError, Unusable):
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
