"""English word frequency (wordninja's frequency-ranked word list) and the rules built on it:
how specific a word is, and whether a line reads as a sentence or as OCR noise and app chrome.

The list is 126k words from a large English web corpus, most frequent first: "the" is rank 0,
"people" 32, "community" 680, "membership" 5178. By Zipf's law a word's rank stands in for
its frequency, so log(rank) is an IDF-like measure that needs no corpus of our own.
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import math
import re
from pathlib import Path

import utils

from . import _text

# A word ranked below this is as specific as any: rank 20000 is about "parmesan", "dev".
_SPECIFIC_RANK = 20_000
# An unknown ASCII token this long is letters run together by OCR ("ThePorwththerihtarkinhat"):
# English words this long ("internationalization") are in the list.
_RUN_TOGETHER_LETTERS = 16
# More unknown ASCII words than this share of a line and it is garbled OCR, not language;
# below it, a sentence may still hold brand names and coinages ("skincare", "ChatGPT").
_MAX_UNKNOWN_SHARE = 1 / 3
# More capitals than this share of a line's cased letters and it is shouted (a caption style).
_MAX_CAPITAL_SHARE = 0.6
MIN_SENTENCE_WORDS = 3

_ASCII_WORD = re.compile(r"^[a-z]+(?:'[a-z]+)*$")


@functools.lru_cache(maxsize=1)
def ranks() -> dict[str, int]:
    """word → frequency rank (0 = most frequent), lower-case; loaded once (~50 ms)."""
    spec = importlib.util.find_spec("wordninja")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "wordninja" / "wordninja_words.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        words = fh.read().split()
    out: dict[str, int] = {}
    for i, word in enumerate(words):
        out.setdefault(word, i)
    return out


_CONTRACTION = re.compile(r"^([a-z]+)'(?:s|re|ve|ll|d|t|m)$")


def _head(word: str) -> str:
    """``"here's"`` → ``"here"``: the list holds few contractions, their stems it has
    ("here'sy", an OCR slip, stays as it is)."""
    match = _CONTRACTION.match(word)
    return match.group(1) if match else word


def is_known(word: str) -> bool:
    """True when the lower-case ``word`` (or its stem before an apostrophe) is in the list."""
    table = ranks()
    return word in table or _head(word) in table


def specificity(phrase: str) -> float:
    """How far from everyday English ``phrase`` is, in [0, 1]: log(rank + 2) / log(20000) of
    its most specific word, capped at 1; an unknown word ("chatgpt", "skincare") is 1.

    "people" 0.36, "later" 0.48, "community" 0.66, "membership" 0.86, "ai" 0.93.
    """
    table = ranks()
    if not table:
        return 1.0
    best = 0.0
    for word in phrase.lower().split():
        rank = table.get(word, table.get(_head(word)))
        if rank is None:
            return 1.0
        best = max(best, min(1.0, math.log(rank + 2) / math.log(_SPECIFIC_RANK)))
    return best


def _ascii_words(text: str) -> list[str]:
    return [w for w in _text.tokens(text) if _ASCII_WORD.match(w)]


def is_garbled(text: str, *, on_screen: bool = True) -> bool:
    """True for OCR noise and app chrome, which feed nothing: a run-together token, too many
    unknown words, a profile line ("Joined Oct 16,2023", "800k+"), or mostly numbers.

    Audience counts count as chrome only ``on_screen``: said or written by the creator, "from
    200 followers to 10k followers" is the topic. Only ASCII words are checked against the
    (English) list: Thai or Arabic text passes.
    """
    if (utils.PROFILE_CHROME if on_screen else utils.PROFILE_TEXT).search(text):
        return True
    if utils.COUNTS_ONLY.match(text.strip()):
        return True
    raw = text.split()
    if raw and sum(any(c.isdigit() for c in w) for w in raw) * 2 >= len(raw) + 1:
        return True  # "16,2023 800k+": mostly numbers
    words = _ascii_words(text)
    if not words or not ranks():
        return False
    unknown = [w for w in words if not is_known(w)]
    if any(len(w) >= _RUN_TOGETHER_LETTERS for w in unknown):
        return True
    return len(unknown) > _MAX_UNKNOWN_SHARE * len(words)


def has_split_word(text: str) -> bool:
    """True when OCR has cut a word into pieces: a fragment of one or two letters that is not
    a stop word ("Di", "po") joins a neighbour into a known word ("Di nero" → "dinero").
    Acronyms in capitals ("AI", "TV") are not fragments."""
    raw = [_text.tokens(w) for w in text.split()]
    words = [(t[0] if t else "", w) for t, w in zip(raw, text.split())]
    for i, (word, written) in enumerate(words):
        if not (1 <= len(word) <= 2 and word.isascii() and word not in _text.STOPWORDS):
            continue
        if len(written.strip(".,!?")) >= 2 and written.strip(".,!?").isupper() and not text.isupper():
            continue
        neighbours = [words[i - 1][0] + word] if i > 0 else []
        neighbours += [word + words[i + 1][0]] if i + 1 < len(words) else []
        if any(len(joined) >= 5 and is_known(joined) for joined in neighbours):
            return True
    return False


def is_shouted(text: str) -> bool:
    """True when most cased letters are capitals ("HERE'S YOUR INVITE"); "I use AI" is not."""
    cased = [c for c in text if c.isupper() or c.islower()]
    return len(cased) >= 4 and sum(c.isupper() for c in cased) > _MAX_CAPITAL_SHARE * len(cased)


def is_well_formed(sentence: str, *, on_screen: bool = True) -> bool:
    """True when ``sentence`` can stand in a summary: at least 3 words with letters, not
    garbled (``is_garbled``), not shouted (``is_shouted``), ending in punctuation."""
    return (len(_text.tokens(sentence)) >= MIN_SENTENCE_WORDS and not is_garbled(sentence, on_screen=on_screen)
            and not is_shouted(sentence) and sentence.rstrip()[-1:] in _text.TERMINAL)
