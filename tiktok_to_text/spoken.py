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


def _says(shown: str, heard: str, words: list[str]) -> bool:
    from rapidfuzz import fuzz

    if len(shown) >= _SHORT:
        return fuzz.partial_ratio(shown, heard) >= _SPOKEN_SCORE
    # A short caption must match whole words: "SALE" is in the letters of "this is a lemon".
    runs = ("".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1))
    return any(fuzz.ratio(shown, run) >= _SHORT_SCORE for run in runs)


def mark_spoken(captions: list[Caption], transcript: str) -> list[Caption]:
    """``captions`` with ``spoken`` set on each line whose words the ``transcript`` says."""
    words = [w for w in (_letters(w) for w in normalise(transcript).split()) if w]
    heard = "".join(words)
    marked = []
    for caption in captions:
        shown = _letters(caption.text)
        spoken = bool(shown and heard) and _says(shown, heard, words)
        marked.append(replace(caption, spoken=spoken))
    return marked
