"""Keyword candidates and their ranking: relevance to the content (KeyBERT) weighted by how
specific a phrase is in everyday English (word frequency), diversified with MMR.

Embedding is left to the caller (``embed``), so each phrase is embedded once.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Callable, Sequence

import numpy as np

from . import _lexicon, _text
from ._passages import Unit
from ._ranking import argmax_first, ranked

MAX_EMBEDDED = 48          # candidates embedded, best by count × specificity first
MIN_KEYWORDS, MAX_KEYWORDS = 3, 10
_MMR_DIVERSITY = 0.3
_POOL_PER_KEYWORD = 2      # MMR picks among the 2 × top_n best-scored phrases (KeyBERT's nr_candidates)
_FLOOR = 0.25              # past the third keyword, a phrase scoring under this share of the best is noise
_TAG_BONUS = 2             # a hashtag is the creator's own keyword: it counts as two more sightings
_FALLBACK_KEYWORDS = ("short video", "creator trend", "everyday moments")
MIN_REPEATED = 8           # this many phrases said twice are enough keywords without the ones said once
# TikTok's own overlays name the format, not the topic: "Incoming Stitch!!", "Reply to @…", "Part 2".
_PLATFORM_BANNER = re.compile(r"\b(?:incoming stitch|stitch with|duet with|repl(?:y|ying) to|part \d+|"
                              r"follow for (?:more|part)|link in bio)\b", re.IGNORECASE)
# A word written like this in ordinary text is an acronym or a brand: "AI", "ChatGPT", "TikTok".
_SPECIAL_FORM = re.compile(r"^(?:[A-Z][A-Z0-9]+|[A-Za-z]+[a-z][A-Z][A-Za-z]*|[a-z]+[A-Z][A-Za-z]*)$")


def candidates(units: Sequence[Unit], tag_phrases: Sequence[str], *,
               talks: Sequence[bool] | None = None) -> Counter:
    """Phrase → sightings, in first-seen (reading) order. Speech n-grams count only when
    said twice (one sighting is a chance neighbourhood, "pan add"); titles and descriptions
    are the creator's written words, so their n-grams count at once. On-screen captions
    count at once too, unless their video talks (``talks[i]`` for ``units[i]``; default:
    any unit is speech): then a caption phrase nobody says needs a second sighting (one
    overlay over speech is a banner or a reaction, "BUCK ITS", not the topic). TikTok's
    format banners ("Incoming Stitch!!") are cut out of a caption, and OCR noise feeds
    nothing. Hashtags count ``_TAG_BONUS`` more.

    A phrase seen once is a passing mention ("without being a dev"): it stays a candidate
    only while fewer than ``MIN_REPEATED`` phrases are seen twice (a short input, such as
    one 15-second clip, which names its topic once), and then only when all its words are
    English (one sighting of "Porwth" is an OCR slip, not a brand)."""
    if talks is None:
        talks = [any(u.speech and not u.garbled for u in units)] * len(units)
    readable = [(u, talking) for u, talking in zip(units, talks) if not u.garbled]
    speech = _text.candidate_phrases([u.text for u, _ in readable if u.speech])
    written = _text.candidate_phrases([u.text for u, _ in readable if u.kind in ("title", "description")],
                                      min_phrase_count=1)

    def shown(over_speech: bool) -> Counter:
        return _text.candidate_phrases([_PLATFORM_BANNER.sub(" ", u.text) for u, talking in readable
                                        if u.kind == "caption" and talking == over_speech], min_phrase_count=1)

    said = speech + written
    over = Counter({p: n for p, n in shown(True).items() if n >= 2 or p in said})
    kept: Counter = Counter()
    for phrase, n in (speech + written + shown(False) + over).items():  # speech first: first-seen order is reading order
        if n < 2 and not all(_lexicon.is_known(w) for w in phrase.split()):
            continue
        kept[phrase] = n
    for phrase in tag_phrases:
        if not _text.is_filler(phrase):
            kept[phrase] += _TAG_BONUS
    repeated = Counter({p: n for p, n in kept.items() if n >= 2})
    return repeated if len(repeated) >= MIN_REPEATED else kept


def weight(phrase: str, count: int) -> float:
    """TF-IDF with word frequency for IDF: (1 + ln sightings) × specificity. A topic is what
    the creator comes back to ("community" six times), in words everyday English uses less
    than "people" or "later"."""
    return (1.0 + math.log(max(count, 1))) * _lexicon.specificity(phrase)


def rank(counts: Counter, *, embed: Callable[[list[str]], np.ndarray], centre: np.ndarray,
         top_n: int = 8) -> list[str]:
    """Up to ``top_n`` phrases: score = cosine(phrase, centre) × ``weight`` (sightings and
    specificity), so "people" or "later" (everyday words) and a word said once in passing
    rank below "membership" or "AI"; then MMR so that the picks differ. The ``MAX_EMBEDDED``
    best by ``weight`` alone are embedded. Ties go to the phrase seen first."""
    order = list(counts)  # first-seen order
    scores = [weight(p, counts[p]) for p in order]
    phrases = [order[i] for i in ranked(scores)[:MAX_EMBEDDED]]
    position = {p: i for i, p in enumerate(order)}
    phrases.sort(key=position.__getitem__)  # back to first-seen order, the tie-break below
    if not phrases:
        return []
    vectors = embed(phrases)
    weights = np.array([weight(p, counts[p]) for p in phrases])
    scores = (vectors @ centre) * weights
    # Scaled so the best is 1: MMR weighs it against redundancy, a cosine.
    relevance = scores / scores.max() if scores.max() > 0 else scores
    pool = sorted(ranked(scores)[:_POOL_PER_KEYWORD * top_n])
    weak = {i for i in pool if relevance[i] < _FLOOR}
    chosen: list[int] = []
    while pool and len(chosen) < top_n:
        if chosen:
            redundancy = np.max(vectors[pool] @ vectors[chosen].T, axis=1)
        else:
            redundancy = np.zeros(len(pool))
        mmr = (1 - _MMR_DIVERSITY) * relevance[pool] - _MMR_DIVERSITY * redundancy
        best = pool.pop(argmax_first(mmr))
        if best in weak and len(chosen) >= MIN_KEYWORDS:
            continue
        # "pasta" beside "garlic pasta" adds nothing, whatever the embedding says
        # (MiniLM barely separates scripts it was not trained on, such as Thai).
        words = set(phrases[best].split())
        if any(words <= set(phrases[i].split()) or words >= set(phrases[i].split()) for i in chosen):
            continue
        chosen.append(best)
    return [phrases[i] for i in chosen]


def pad(keywords: list[str]) -> list[str]:
    """``keywords`` topped up to 3 with generic phrases, cut to 10."""
    out = list(keywords)
    for filler in _FALLBACK_KEYWORDS:
        if len(out) >= MIN_KEYWORDS:
            break
        if filler not in out:
            out.append(filler)
    return out[:MAX_KEYWORDS]


def surface_forms(units: Sequence[Unit], tags: Sequence[str]) -> dict[str, str]:
    """lower-case word → how the creator writes it when that is not plain lower case:
    "AI", "ChatGPT". Read from mixed-case sentences only (a shouted caption tells nothing)
    and from short all-capital hashtags ("#AI", "#ASMR"); the most common form wins,
    the first seen on a tie."""
    seen: dict[str, Counter] = {}
    texts = [u.text for u in units if not u.garbled and not _lexicon.is_shouted(u.text)]
    for tag in tags:
        bare = tag.strip().lstrip("#")
        if 2 <= len(bare) <= 5 and bare.isalpha() and bare.isupper():
            texts.append(bare)
    for text in texts:
        for raw in text.split():
            word = raw.strip(".,!?…:;\"'()[]")
            if _SPECIAL_FORM.match(word):
                seen.setdefault(word.lower(), Counter())[word] += 1
    return {word: forms.most_common(1)[0][0] for word, forms in seen.items()}


def display(phrase: str, forms: dict[str, str]) -> str:
    """``phrase`` with each word in the creator's own spelling ("ai tools" → "AI tools")."""
    return " ".join(forms.get(word, word) for word in phrase.split())
