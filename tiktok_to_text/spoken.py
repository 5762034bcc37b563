"""Which caption lines the speaker also says: karaoke and subtitle captions repeat the
transcript; the rest (a list, a price, a recipe step) is what only the screen tells."""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from ._types import Caption

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_SPOKEN_SHARE = 0.6   # a caption is spoken when this share of its words is heard
_WORD_LIKENESS = 0.8  # OCR and ASR misspell differently: "mornlng" still counts as "morning"


def _words(text: str) -> list[str]:
    return [w.replace("'", "") for w in _WORD.findall(text.lower()) if len(w) >= 2]


def mark_spoken(captions: list[Caption], transcript: str) -> list[Caption]:
    """``captions`` with ``spoken`` set on each line whose words the ``transcript`` says
    (at least 60 % of its words of 2+ characters, each matched exactly or 80 % alike)."""
    heard = set(_words(transcript))
    if not heard:
        return [replace(c, spoken=False) for c in captions]
    vocabulary = sorted(heard)
    marked = []
    for caption in captions:
        words = _words(caption.text)
        found = sum(w in heard or bool(difflib.get_close_matches(w, vocabulary, n=1, cutoff=_WORD_LIKENESS))
                    for w in words)
        marked.append(replace(caption, spoken=bool(words) and found / len(words) >= _SPOKEN_SHARE))
    return marked
