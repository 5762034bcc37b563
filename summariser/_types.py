"""The result type and the one error type of the summariser package."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from errors import StudioError

IDEA_KEYS = ("title", "concept", "twist_title", "twist_concept")


class SummaryError(StudioError, ValueError):
    """Bad input or settings for a summariser; the message names the offending field."""


#: What a passage is, in the order the summariser trusts them: what was said, what the
#: creator wrote, then on-screen text nobody says.
PASSAGE_KINDS = ("transcript", "title", "description", "caption")


@dataclass(frozen=True)
class Passage:
    """A piece of source text and where it came from.

    ``kind`` is one of ``PASSAGE_KINDS``; ``video_id`` names the source video
    (``""`` when unknown); ``start_s`` is the second of that video where the
    transcript segment or caption begins (``None`` for a title or description).
    A plain ``str`` given to a summariser is read as ``Passage(text, "transcript")``.
    """

    text: str
    kind: str = "transcript"
    video_id: str = ""
    start_s: float | None = None


@dataclass(frozen=True)
class Source:
    """Evidence for a summary sentence or a keyword: the video and second it came from."""

    video_id: str
    kind: str
    start_s: float | None = None


@dataclass
class Summary:
    """What one video set is about, and what to make of it.

    ``summary``: at most 80 words, never empty. ``keywords``: 3–10 phrases.
    ``idea``: ``{title, concept, twist_title, twist_concept}``, all non-empty.
    ``song_description``: one sentence in the composer's format. ``mood``: one of
    ``MOODS``. ``backend``: the backend that actually produced this result.
    ``evidence``: ``{"summary": [{"text": sentence, "sources": [Source…]}…],
    "keywords": [{"text": keyword, "sources": [Source…]}…]}``, in the order of
    the summary's sentences and of ``keywords``; sources as ``asdict(Source)``.
    """

    summary: str
    keywords: list[str]
    idea: dict[str, str]
    song_description: str
    mood: str
    backend: str
    warnings: list[str] = field(default_factory=list)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"summary": [], "keywords": []})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
