"""The studio's one error tree: every error it raises on purpose, by what a caller does about it.

    StudioError(field, message)    bad input, or a request the studio cannot do as asked
    ├── NotFound  (LookupError)    no such job, upload or run (for this caller)
    ├── Forbidden                  a credential that does not grant this (a bad or expired upload URL)
    ├── Conflict                   the thing is not in a state that allows this (an upload URL used twice)
    ├── TooLarge                   more than the studio takes or hands back at once
    ├── LimitReached               over a limit that frees up with time (a full queue, a quota, busy)
    ├── Unavailable                something the studio needs did not answer (broker, upload store, network)
    ├── Cancelled                  its owner stopped it (raised at a stage boundary)
    └── SettingsError (ValueError) a setting's value cannot be used; ``field`` names the setting

``field`` is the input field, setting or stage the error is about (``None`` when it is about none);
``message`` is the whole sentence, which names the field itself, and ``str(error) == message``.
A package keeps its own subclass only where some caller catches that package's errors apart
(``sounds.SoundsError``, ``uploads.UploadError`` ...); everyone else catches ``StudioError``. How each
branch answers over HTTP is decided in one place, ``web/errors.py``.

This is a bottom module: it imports nothing of the studio's.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Cancelled", "Conflict", "Forbidden", "LimitReached", "NotFound", "SettingsError", "StudioError",
           "TooLarge", "Unavailable"]


def _rebuild(cls: type, args: tuple, state: dict[str, Any]) -> "StudioError":
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class StudioError(Exception):
    """The root of every error the studio raises on purpose; catch it to tell them from bugs."""

    def __init__(self, field: str | None, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Errors cross process pools and the broker: rebuild them from their state, whatever a
        # subclass's __init__ takes.
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class NotFound(StudioError, LookupError):
    """No such thing (job, upload, run) belongs to the caller; ``field`` names the id."""


class Forbidden(StudioError):
    """A credential that does not grant this, such as a bad or expired signed upload URL."""


class Conflict(StudioError):
    """The thing exists but its state does not allow this, such as a second PUT to one upload URL."""


class TooLarge(StudioError):
    """More than the studio takes or hands back at once (a query's result past its byte cap)."""


class LimitReached(StudioError):
    """Over a limit that frees up with time; ``retry_after`` is a hint in seconds, or ``None``."""

    def __init__(self, field: str | None, message: str, *, retry_after: int | None = None):
        super().__init__(field, message)
        self.retry_after = retry_after


class Unavailable(StudioError):
    """Something the studio needs did not answer; worth retrying, ``retry_after`` seconds from now
    when it is known."""

    def __init__(self, field: str | None, message: str, *, retry_after: int | None = None):
        super().__init__(field, message)
        self.retry_after = retry_after


class Cancelled(StudioError):
    """Its owner asked it to stop; raised at a stage boundary, ``field`` naming the stage when known."""


class SettingsError(StudioError, ValueError):
    """A setting's value cannot be used; ``field`` names the setting and the message the allowed values."""
