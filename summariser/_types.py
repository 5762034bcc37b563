"""The result type and the one error type of the summariser package."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

IDEA_KEYS = ("title", "concept", "twist_title", "twist_concept")


class SummaryError(ValueError):
    """Bad input or settings for a summariser; the message names the offending field."""


@dataclass
class Summary:
    """What one video set is about, and what to make of it.

    ``summary``: at most 80 words, never empty. ``keywords``: 3–10 phrases.
    ``idea``: ``{title, concept, twist_title, twist_concept}``, all non-empty.
    ``song_description``: one sentence in the composer's format. ``mood``: one of
    ``MOODS``. ``backend``: the backend that actually produced this result.
    """

    summary: str
    keywords: list[str]
    idea: dict[str, str]
    song_description: str
    mood: str
    backend: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
