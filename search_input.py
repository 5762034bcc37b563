"""Validation of a search request (hashtags, duration, seed) and of a clip request.

One error type, ``InputError``, whose ``field`` names what was wrong; the web layer
turns it into ``400 {"error": ...}`` and the CLI into a usage message.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from music_gen import DURATIONS as _SOUNDTRACK_DURATIONS
from errors import StudioError

MAX_TAGS = 5
MAX_TAG_LENGTH = 50
DURATIONS = tuple(_SOUNDTRACK_DURATIONS)  # the soundtrack stage owns them; a tuple reads well in JSON
DEFAULT_DURATION = 15
MATCH = "match"
"""The clip duration meaning "as long as the creator's clip"."""
MAX_TITLE_LENGTH = 150
MAX_SEED = 2**31 - 1

_SEPARATORS = re.compile(r"[\s,;]+")


class InputError(StudioError, ValueError):
    """A request field is missing or malformed; ``field`` names it."""


@dataclass(frozen=True)
class SearchRequest:
    tags: tuple[str, ...]
    duration: int
    seed: int | None


@dataclass(frozen=True)
class ClipRequest:
    """The studio on the creator's own clip at ``path`` (a checked upload, never a client path).

    ``duration``: seconds on the 5-s grid, or ``"match"`` (as long as the clip); ``tags``: 0–5
    hashtags the creator means to post with; ``name``: a stable key for the clip (its upload id);
    ``title``: what the page calls it.
    """

    path: Path
    duration: int | str
    seed: int | None
    tags: tuple[str, ...] = ()
    name: str = ""
    title: str = ""


def _is_tag_char(char: str) -> bool:
    # Letters of any script keep their combining marks (Thai vowels, Devanagari
    # matras, Arabic harakat are category M*), so hashtags in those scripts survive.
    category = unicodedata.category(char)
    return category[0] in ("L", "M") or category == "Nd" or char == "_"


def _split_raw_tags(raw: Any) -> list[str]:
    """Turn any accepted shape of the ``tags`` field into a list of raw strings."""
    if raw is None:
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            # The seed UI's tagify posts a JSON list of {"value": ...} inside a form field.
            try:
                return _split_raw_tags(json.loads(text))
            except json.JSONDecodeError:
                raise InputError("tags", "looks like a JSON list but is not valid JSON") from None
        return [part for part in _SEPARATORS.split(text) if part]
    if isinstance(raw, (list, tuple)):
        items: list[str] = []
        for item in raw:
            if isinstance(item, Mapping):
                item = item.get("value")
            if not isinstance(item, str):
                raise InputError("tags", f"each tag must be a string, got {type(item).__name__}")
            items.extend(part for part in _SEPARATORS.split(item.strip()) if part)
        return items
    raise InputError("tags", f"expected a list of hashtags or a string, got {type(raw).__name__}")


_ASCII_HASHTAG = re.compile(r"#(\w+)", re.ASCII)


def hashtags_in(text: str) -> list[str]:
    """The ``#hashtags`` written in ``text`` (NFKC), each the longest run of tag characters after
    a ``#``, in order, as written ("#fypシ゚viral" → "fypシ", since "゚" is no tag character)."""
    if not text or "#" not in text:
        return []
    if text.isascii():  # in ASCII, \w is exactly the tag characters (letters, digits, _): one regex pass
        return _ASCII_HASHTAG.findall(text)
    text = unicodedata.normalize("NFKC", text)
    found, i = [], text.find("#")
    while i >= 0:
        end = i + 1
        while end < len(text) and _is_tag_char(text[end]):
            end += 1
        if end > i + 1:
            found.append(text[i + 1:end])
        i = text.find("#", end)
    return found


def normalise_tag(raw: str) -> str:
    """``"#Foodie"`` → ``"Foodie"``: NFKC, leading ``#`` removed, characters checked.

    Case is kept for display; sources match tags with ``str.casefold``.
    """
    tag = unicodedata.normalize("NFKC", raw).strip().lstrip("#")
    if not tag:
        raise InputError("tags", f"{raw!r} is not a hashtag")
    if len(tag) > MAX_TAG_LENGTH:
        raise InputError("tags", f"{raw[:20]!r}… is longer than {MAX_TAG_LENGTH} characters")
    if not all(_is_tag_char(c) for c in tag):
        raise InputError("tags", f"{raw!r} may contain only letters, digits and _")
    return tag


def _distinct_tags(raw: Any) -> tuple[str, ...]:
    """0–5 distinct normalised hashtags from any accepted shape of ``tags``."""
    tags: list[str] = []
    seen: set[str] = set()
    for item in _split_raw_tags(raw):
        tag = normalise_tag(item)
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InputError("tags", f"at most {MAX_TAGS} hashtags, got {len(tags)}")
    return tuple(tags)


def parse_tags(raw: Any) -> tuple[str, ...]:
    """1–5 distinct normalised hashtags from a list, tagify JSON, or a separated string."""
    tags = _distinct_tags(raw)
    if not tags:
        raise InputError("tags", f"give 1 to {MAX_TAGS} hashtags, e.g. Foodie CookingHacks")
    return tags


def _parse_int(field: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InputError(field, f"must be a whole number, got {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    raise InputError(field, f"must be a whole number, got {raw!r}")


def parse_duration(raw: Any) -> int:
    """Soundtrack length in seconds: a multiple of 5 from 5 to 60 (default 15)."""
    if raw is None or raw == "":
        return DEFAULT_DURATION
    seconds = _parse_int("duration", raw)
    if seconds not in DURATIONS:
        raise InputError("duration", f"must be a multiple of 5 from 5 to 60 seconds, got {seconds}")
    return seconds


def parse_seed(raw: Any) -> int | None:
    """Optional random seed, 0 to 2**31-1; ``None`` means "derive one from the tags"."""
    if raw is None or raw == "":
        return None
    seed = _parse_int("seed", raw)
    if not 0 <= seed <= MAX_SEED:
        raise InputError("seed", f"must be between 0 and {MAX_SEED}, got {seed}")
    return seed


def parse_search_request(payload: Mapping[str, Any]) -> SearchRequest:
    """Validate a JSON body or form mapping with ``tags``, ``duration`` and ``seed``."""
    if not isinstance(payload, Mapping):
        raise InputError("body", "expected a JSON object with a 'tags' field")
    return SearchRequest(
        tags=parse_tags(payload.get("tags")),
        duration=parse_duration(payload.get("duration")),
        seed=parse_seed(payload.get("seed")),
    )


def parse_clip_duration(raw: Any) -> int | str:
    """A clip's soundtrack length: ``"match"`` (the default: as long as the clip) or seconds on the grid."""
    if raw is None or raw == "" or raw == MATCH:
        return MATCH
    if isinstance(raw, str) and not raw.strip().isdigit():
        raise InputError("duration", f"must be \"{MATCH}\" or a multiple of 5 from 5 to 60 seconds, got {raw!r}")
    return parse_duration(raw)


def parse_optional_tags(raw: Any) -> tuple[str, ...]:
    """Like ``parse_tags``, but none is fine (a clip speaks for itself): a blank string or list is none."""
    return _distinct_tags(raw)


def parse_title(raw: Any) -> str:
    """An optional display title: a string, at most ``MAX_TITLE_LENGTH`` characters, control characters removed."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise InputError("title", f"must be a string, got {type(raw).__name__}")
    title = " ".join("".join(c for c in unicodedata.normalize("NFKC", raw) if unicodedata.category(c)[0] != "C")
                     .split())
    if len(title) > MAX_TITLE_LENGTH:
        raise InputError("title", f"at most {MAX_TITLE_LENGTH} characters, got {len(title)}")
    return title
