"""The remix package's error and the parts of a run it can remake."""
from __future__ import annotations

import stages
from errors import StudioError

#: What ``regenerate`` can remake, by stage name: the built-in stages whose spec has a ``remake``
#: (``stages.remixable()`` is the live list, with any stage registered since).
PARTS = stages.remixable()


class RemixError(StudioError, ValueError):
    """The run cannot be remixed as asked; ``field`` names the field at fault."""
