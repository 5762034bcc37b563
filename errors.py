"""The studio's one error tree: every error it raises on purpose, by what a caller does about it.

    StudioError(field, message)    400  bad input, or a request the studio cannot do as asked
    ├── NotFound  (LookupError)    404  no such job, upload or run (for this caller)
    ├── Forbidden                  403  a credential that does not grant this (a bad or expired upload URL)
    ├── Conflict                   409  the thing is not in a state that allows this (an upload URL used twice)
    ├── TooLarge                   413  more than the studio takes or hands back at once
    ├── Unusable                   422  it arrived but cannot be used (an upload that is not a clip or export)
    ├── LimitReached               429  over a limit that frees up with time (a full queue, a quota, busy)
    ├── Unavailable                503  something the studio needs did not answer (broker, upload store, network)
    ├── Cancelled                  409  its owner stopped it (raised at a stage boundary)
    └── SettingsError (ValueError) 500  a setting's value cannot be used; ``field`` names the setting

``field`` is the input field, setting or stage the error is about (``None`` when it is about none).
``message`` is the whole sentence, and ``str(error) == message``. It names the field: a message
that does not begin with its field gets ``"<field>: "`` in front (``SoundsError("song", "is silent")``
reads ``"song: is silent"``), one that does (``"TRENDTOK_POOL must be one of ..."``) is kept whole;
so ``field`` is ``None`` when the sentence does not begin with the field (``"MusicGen weights not found"``).

A package keeps its own subclass only where some caller catches that package's errors apart
(``sounds.SoundsError``, ``uploads.UploadError`` ...); everyone else catches ``StudioError``.
``status`` is the HTTP status a branch means; ``web/errors.py`` is the one place that answers with it
(``Retry-After`` from ``retry_after``).

This is a bottom module: it imports nothing of the studio's.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Cancelled", "Conflict", "Forbidden", "LimitReached", "NotFound", "SettingsError", "StudioError",
           "TooLarge", "Unavailable", "Unusable"]


def _names(message: str, field: str) -> bool:
    """Whether ``message`` begins with the word ``field`` (``"size must"``, not ``"sizes"``)."""
    return message.startswith(field) and not message[len(field):len(field) + 1].isidentifier()


def _rebuild(cls: type, args: tuple, state: dict[str, Any]) -> "StudioError":
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class StudioError(Exception):
    """The root of every error the studio raises on purpose; catch it to tell them from bugs."""

    status = 400

    def __init__(self, field: str | None, message: str):
        if field and not _names(message, field):
            text, message = message, f"{field}: {message}"
        else:
            text = message.removeprefix(f"{field}: ") if field else message
        super().__init__(field, message)
        self.field = field
        self.message = message
        #: What the message says about its field, without the ``"<field>: "`` in front: what a
        #: caller re-raising it about another field (``profile`` for ``tags``) passes on.
        self.text = text

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Errors cross process pools and the broker: rebuild them from their state, whatever a
        # subclass's __init__ takes.
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class NotFound(StudioError, LookupError):
    """No such thing (job, upload, run) belongs to the caller; ``field`` names the id."""

    status = 404


class Forbidden(StudioError):
    """A credential that does not grant this, such as a bad or expired signed upload URL."""

    status = 403


class Conflict(StudioError):
    """The thing exists but its state does not allow this, such as a second PUT to one upload URL."""

    status = 409


class TooLarge(StudioError):
    """More than the studio takes or hands back at once (a query's result past its byte cap)."""

    status = 413


class Unusable(StudioError):
    """It arrived whole but cannot be used, such as upload bytes that are no clip or export we read."""

    status = 422


class LimitReached(StudioError):
    """Over a limit that frees up with time; ``retry_after`` is a hint in seconds, or ``None``."""

    status = 429

    def __init__(self, field: str | None, message: str, *, retry_after: int | None = None):
        super().__init__(field, message)
        self.retry_after = retry_after


class Unavailable(StudioError):
    """Something the studio needs did not answer; worth retrying, ``retry_after`` seconds from now
    when it is known."""

    status = 503

    def __init__(self, field: str | None, message: str, *, retry_after: int | None = None):
        super().__init__(field, message)
        self.retry_after = retry_after


class Cancelled(StudioError):
    """Its owner asked it to stop; raised at a stage boundary, ``field`` naming the stage when known."""

    status = 409


class SettingsError(StudioError, ValueError):
    """A setting's value cannot be used; ``field`` names the setting and the message the allowed values."""

    status = 500
