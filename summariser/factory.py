"""``load_summariser``: pick a backend by name, or the best one available ("auto")."""
from __future__ import annotations

from ._types import SummaryError
from .minilm import MiniLMSummariser

BACKENDS = ("auto", "minilm")


def load_summariser(backend: str = "auto", **settings):
    """A summariser object with ``backend`` (the name actually used) and ``warnings``."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise SummaryError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    unknown = sorted(set(settings) - {"device"})
    if unknown:
        raise SummaryError(f"{unknown[0]}: unknown summariser setting")
    return MiniLMSummariser(device=settings.get("device"))
