"""Summary, keywords, trend idea and song description for a set of trending videos.

    summariser = load_summariser(backend="auto", **settings)
    summary = summariser(documents=[Passage(text, kind, video_id, start_s), ...], tags=[...])
    summary.evidence["summary"][0]["sources"]  # [{"video_id", "kind", "start_s"}, ...]
"""
from ._ranking import argmax_first
from ._reply import extract_json_object
from ._types import PASSAGE_KINDS, Passage, Source, Summary, SummaryError
from ._vocab import INSTRUMENTS, MOODS
from .factory import DEFAULT_OPENAI_MODEL, load_summariser

__all__ = ["DEFAULT_OPENAI_MODEL", "argmax_first", "extract_json_object", "load_summariser", "Passage", "Source", "PASSAGE_KINDS",
           "Summary", "SummaryError", "MOODS", "INSTRUMENTS"]
