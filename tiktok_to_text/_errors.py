"""The package's one error type."""
from __future__ import annotations

from errors import StudioError


class TranscriptionError(StudioError, ValueError):
    """A bad argument to the text extractor; the message names the offending field."""
