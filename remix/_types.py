"""The remix package's error and the parts of a run it can remake."""
from __future__ import annotations

from errors import StudioError

#: What ``regenerate`` can remake, by stage name.
PARTS = ("music", "image")


class RemixError(StudioError, ValueError):
    """The run cannot be remixed as asked; ``field`` names the field at fault."""
