"""Summary, keywords, trend idea and song description for a set of trending videos.

    summariser = load_summariser(backend="auto", **settings)
    summary = summariser(documents=[...], tags=[...])
"""
from ._types import Summary, SummaryError
from ._vocab import INSTRUMENTS, MOODS
from .factory import load_summariser

__all__ = ["load_summariser", "Summary", "SummaryError", "MOODS", "INSTRUMENTS"]
