"""The sounds package's one exception hierarchy, drawn here first, and the shared contracts its
parts import (the demo profile, the audio caps; the engagement score is ``sounds.score``'s).

    errors.StudioError
    └── SoundsError        a sounds feature cannot do what was asked; ``field`` names the input
        ├── AudioError     an audio file that is unreadable, empty, too long or too large
        └── CatalogError   catalog rows (from the trend lake) without the columns a feature needs
"""
from __future__ import annotations

from errors import StudioError


class SoundsError(StudioError, ValueError):
    """A sounds feature cannot do what was asked; ``field`` names the input at fault, so the web
    layer answers ``400 {"error": "<field>: <message>"}`` and the CLI prints the same line."""


class AudioError(SoundsError):
    """An audio file that cannot be used: not audio, empty, silent, over the length cap."""


class CatalogError(SoundsError):
    """Catalog rows that lack a column the feature reads."""


#: The lake profile the embedded demo catalog is imported as: its sounds are marked ``demo``.
DEMO_PROFILE = "demo"

#: The longest audio a sounds feature reads (seconds) and the largest file (bytes).
MAX_AUDIO_SECONDS = 600.0
MAX_AUDIO_BYTES = 50 * 1024 * 1024
