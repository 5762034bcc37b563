"""Evidence: which passages a summary sentence or a keyword came from.

Keywords are grounded by containment (the phrase, case-insensitive and word-bounded, in a
passage; a hashtag counts as its words). A Llama summary is grounded after the fact: each
of its sentences gets the input sentences most similar to it by MiniLM embedding, above
``SIMILARITY_BAR``; a keyword no passage contains gets the same treatment.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

from . import _text
from ._passages import MAX_SOURCES, Unit, sources_of
from ._ranking import ranked
from ._types import Passage

# MiniLM cosine above which a sentence is evidence for another: paraphrases score 0.4–0.9
# ("Growth comes from posting on social media daily" / "Post on social media every day…"
# 0.41), other sentences of the same clip 0.2–0.4, unrelated ones below 0.1.
SIMILARITY_BAR = 0.4
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")

Evidence = dict[str, list[dict[str, Any]]]


def matchable(passages: Sequence[Passage]) -> list[str]:
    """Each passage's text as keywords are matched in it: cleaned, hashtags as their words
    ("#SideHustle" → "side hustle"), whitespace collapsed."""
    out = []
    for passage in passages:
        text = _text.clean_text(passage.text)
        text = re.sub(r"(?<!\w)#+([^\s#]+)", lambda m: " " + _text.tag_phrase(m.group(1)) + " ", text)
        out.append(" ".join(text.split()))
    return out


def containing(texts: Sequence[str], phrase: str) -> list[int]:
    """Indices of ``texts`` holding ``phrase`` as whole words, any case, any spacing."""
    words = phrase.split()
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)
    return [i for i, text in enumerate(texts) if pattern.search(text)]


def keyword_sources(passages: Sequence[Passage], texts: Sequence[str], keyword: str) -> list[dict[str, Any]]:
    """The first ``MAX_SOURCES`` passages (reading order) that contain ``keyword``, or its
    words when it is written as a hashtag ("SideHustle"); ``texts`` from ``matchable``.
    ``[]`` for a hashtag-only keyword."""
    found = containing(texts, keyword) or containing(texts, _text.tag_phrase(keyword))
    return sources_of(list(passages), found)


def summary_sentences(summary: str) -> list[str]:
    """The sentences of a written summary, as written."""
    return [s.strip() for s in _SENTENCE_END.split(summary.strip()) if s.strip()]


def _similar_sources(vector: np.ndarray, passages: list[Passage], units: Sequence[Unit],
                     unit_vectors: np.ndarray) -> list[dict[str, Any]]:
    """Sources of the units most similar to ``vector`` above the bar: the first 3 distinct
    sources by similarity, then listed in reading order."""
    if not len(units):
        return []
    similarity = unit_vectors @ vector
    picked: list[int] = []
    seen: list[dict[str, Any]] = []
    for i in ranked(similarity):
        if similarity[i] < SIMILARITY_BAR or len(seen) >= MAX_SOURCES:
            break
        for p in units[i].passages:
            entry = sources_of(passages, [p])[0]
            if entry not in seen and len(seen) < MAX_SOURCES:
                seen.append(entry)
                picked.append(p)
    return sources_of(passages, picked)


def ground(*, summary: str, keywords: Sequence[str], passages: list[Passage], units: Sequence[Unit],
           embed: Callable[[list[str]], np.ndarray], tag_phrases: Sequence[str] = ()) -> Evidence:
    """Evidence for a summary written elsewhere (a Llama reply) about reading-ordered
    ``passages`` cut into ``units``. ``embed(texts)`` → unit vectors, shape (n, 384).

    Everything is embedded in one call: the units (OCR noise left out), the summary's
    sentences, and the keywords that no passage contains. A hashtag keyword that no
    passage contains keeps an empty list: the creator's tag is not a passage.
    """
    usable = [u for u in units if not u.garbled]
    sentences = summary_sentences(summary)
    texts = matchable(passages)
    keyword_entries = []
    unmatched: list[str] = []
    for keyword in keywords:
        found = keyword_sources(passages, texts, keyword)
        keyword_entries.append({"text": keyword, "sources": found})
        if not found and _text.tag_phrase(keyword) not in tag_phrases:
            unmatched.append(keyword)
    vectors = embed([u.text for u in usable] + sentences + unmatched)
    unit_vectors, rest = vectors[:len(usable)], vectors[len(usable):]
    evidence: Evidence = {"summary": [], "keywords": keyword_entries}
    for sentence, vector in zip(sentences, rest[:len(sentences)]):
        evidence["summary"].append({"text": sentence,
                                    "sources": _similar_sources(vector, passages, usable, unit_vectors)})
    by_keyword = dict(zip(unmatched, rest[len(sentences):]))
    for entry in keyword_entries:
        if entry["text"] in by_keyword:
            entry["sources"] = _similar_sources(by_keyword[entry["text"]], passages, usable, unit_vectors)
    return evidence
