"""Which caption lines the speaker also says: karaoke and subtitle captions repeat the
transcript; the rest (a list, a price, a recipe step) is what only the screen tells."""
from __future__ import annotations

import re
from dataclasses import replace

from ._types import Caption
from .wer import normalise

_NOT_LETTER = re.compile(r"[\W_]+")
# A caption is spoken when its letters stand in the transcript's letters this closely
# (rapidfuzz's best-aligned substring, 0-100). Letters only, spaces dropped: OCR runs
# words together ("IS TOBE") and Whisper writes "Mr." where a caption says "MISTER".
_SPOKEN_SCORE = 80
_SHORT = 8             # a caption this short could match anywhere by chance: ask more of it
_SHORT_SCORE = 90


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", normalise(text))


def mark_spoken(captions: list[Caption], transcript: str) -> list[Caption]:
    """``captions`` with ``spoken`` set on each line whose words the ``transcript`` says."""
    from rapidfuzz import fuzz

    heard = _letters(transcript)
    marked = []
    for caption in captions:
        shown = _letters(caption.text)
        bar = _SHORT_SCORE if len(shown) < _SHORT else _SPOKEN_SCORE
        spoken = bool(shown and heard) and fuzz.partial_ratio(shown, heard) >= bar
        marked.append(replace(caption, spoken=spoken))
    return marked
