"""The fixed taxonomy the lake's ``analyse`` stage files every post under, and the two ways it
picks a post's category: zero-shot with a sentence embedder (the packaged MiniLM), or by asking
the configured LLM, which falls back to the zero-shot pick when its reply is unusable.

The categoriser is a callable ``texts -> category names`` (one per text, each a key of
``CATEGORIES``); the stage gets one as an argument and never imports the studio's parts.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Callable, Mapping, Sequence

import numpy as np

from ._types import LakeError

logger = logging.getLogger(__name__)

#: The taxonomy: each category with the one-line description the LLM is shown (and the
#: README lists). The order matters: a zero-shot tie goes to the category listed first.
CATEGORIES: dict[str, str] = {
    "comedy": "a funny skit, a prank, a joke or a meme",
    "dance": "a dance, a choreography or a dance challenge",
    "music": "singing, a song cover, an instrument or a music performance",
    "food": "cooking, a recipe, food, a restaurant or a drink",
    "beauty": "makeup, skincare, hair or nails",
    "fashion": "an outfit, clothes, style or shopping haul",
    "fitness": "a workout, the gym, sport or health",
    "tech": "technology: a phone, a gadget, an unboxing, an app, software or a computer",
    "education": "a lesson, facts, science, history or advice that teaches something",
    "travel": "travel, a trip, a city, a beach or a landscape",
    "animals": "a pet, a dog, a cat or wild animals",
    "gaming": "a video game, gameplay or esports",
    "relationships": "dating, a couple, friends, family or opinions on men and women",
    "lifestyle": "a day in the life, a vlog, a routine or home",
}

#: What the zero-shot pick compares a post with: each category's description and a few
#: shorter phrasings of it, each as ``TEMPLATE``; a category scores its closest phrasing.
#: Measured by ``bench/bench_categories.py`` (see the README for the figures).
PHRASINGS: dict[str, tuple[str, ...]] = {name: (description,) + extra for (name, description), extra in zip(
    CATEGORIES.items(), (
        ("a funny skit", "a prank", "a joke or a meme", "a comedy sketch that makes people laugh", "a parody"),
        ("a dance", "a choreography", "a dance challenge", "dancing", "dance moves"),
        ("singing a song", "a song cover", "playing an instrument", "a music performance", "a concert"),
        ("cooking", "a recipe", "eating food", "a restaurant", "a drink or coffee"),
        ("makeup", "skincare", "a hairstyle or a haircut", "nails", "a beauty routine"),
        ("an outfit", "clothes", "style and fashion", "a shopping haul", "a new look"),
        ("a workout", "the gym", "a sport such as football or basketball", "an athlete", "health and exercise"),
        ("a phone or a gadget", "an unboxing", "an app or software", "a computer", "technology"),
        ("a lesson", "interesting facts", "science or history", "advice that teaches something",
         "learning a language"),
        ("travel", "a trip or a vacation", "a city", "a beach", "a landscape"),
        ("a pet", "a dog", "a cat", "wild animals", "a bird or a horse"),
        ("a video game", "gameplay", "esports", "a game on a console or a PC", "a gamer"),
        ("dating", "a couple", "a boyfriend or a girlfriend", "family", "opinions on men and women"),
        ("a day in the life", "a vlog", "a daily routine", "home", "a lifestyle"),
    ))}
TEMPLATE = "A TikTok video about {}."
MAX_LLM_CHARS = 4000   # of a post's text sent to the LLM (a long transcript is cut there)

Embed = Callable[[list[str]], np.ndarray]
Categoriser = Callable[[Sequence[str]], list[str]]


class ZeroShot:
    """``texts -> category names`` by cosine similarity of unit sentence embeddings: a category
    scores the closest of its phrasings, the best category wins, and scores within
    ``summariser``'s tie tolerance of the best go to the category listed first (never to float
    noise). The phrasings are embedded once, on the first call."""

    backend = "zero-shot"

    def __init__(self, embed: Embed, *, phrasings: Mapping[str, Sequence[str]] = PHRASINGS,
                 template: str = TEMPLATE):
        unknown = sorted(set(phrasings) ^ set(CATEGORIES))
        if unknown or not all(phrasings[name] for name in CATEGORIES):
            raise ValueError(f"phrasings: one or more for each category and no other (not {unknown})")
        self._embed = embed
        self._texts = [(name, template.format(p)) for name in CATEGORIES for p in phrasings[name]]
        self._vectors: np.ndarray | None = None

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), len(CATEGORIES))``: each category's best cosine with each text."""
        if self._vectors is None:
            self._vectors = np.asarray(self._embed([t for _, t in self._texts]), dtype=np.float64)
        out = np.full((len(texts), len(CATEGORIES)), -np.inf)
        if not len(texts):
            return out
        similarity = np.asarray(self._embed(list(texts)), dtype=np.float64) @ self._vectors.T
        for column, (name, _) in enumerate(self._texts):
            index = _INDEX[name]
            out[:, index] = np.maximum(out[:, index], similarity[:, column])
        return out

    def __call__(self, texts: Sequence[str]) -> list[str]:
        from summariser import argmax_first

        return [_NAMES[argmax_first(row)] for row in self.scores(texts)]


def categorise(texts: Sequence[str], *, embed: Embed) -> list[str]:
    """The zero-shot category of each text (see ``ZeroShot``)."""
    return ZeroShot(embed)(texts)


# -- the LLM ----------------------------------------------------------------------------------
class UnusableCategory(LakeError, ValueError):
    """The reply names no single category of the list; ``reason`` (the message) is the stable kind
    of failure (counted), ``detail`` what the reply said instead (logged, cut short)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(None, reason)
        self.reason, self.detail = reason, detail


NO_CATEGORY = "no category in the reply"
NOT_LISTED = "a category not in the list"
SEVERAL = "several categories in the reply"
NO_REPLY = "no reply from the model"
NO_TEXT = "no text to read"


def category_messages(text: str) -> list[dict[str, str]]:
    """The chat messages asking for ``text``'s category: the list with each description, and a
    JSON answer with exactly one of the names."""
    listing = "\n".join(f"- {name}: {description}" for name, description in CATEGORIES.items())
    system = ("You file TikTok posts under exactly one category of a fixed list. The categories, each "
              f"with what it covers:\n{listing}\n\nAnswer with a JSON object and nothing else: "
              '{"category": "<name>"}, where <name> is exactly one of: ' + ", ".join(CATEGORIES) + ". "
              "If several fit, pick the one the post is mostly about; if none fits well, pick the closest.")
    post = text.strip()
    if len(post) > MAX_LLM_CHARS:
        post = post[:MAX_LLM_CHARS] + " …"
    return [{"role": "system", "content": system},
            {"role": "user", "content": f"The post (what is said, its title and its description):\n\n{post}"}]


def _plain(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", value.casefold()).split())


def parse_category(reply: str) -> str:
    """The category a reply names: the ``category`` of its JSON object (the object's only text
    value if it has no such key), else the reply itself; matched ignoring case, quotes and
    punctuation, or as the only category name among its words. Raises ``UnusableCategory``."""
    from summariser import extract_json_object

    if not isinstance(reply, str):
        raise UnusableCategory(NO_CATEGORY)
    data = extract_json_object(reply)
    value: object = reply
    if data is not None:
        texts = [v for v in data.values() if isinstance(v, str)]
        value = data.get("category", texts[0] if len(texts) == 1 else None)
        if not isinstance(value, str) or not value.strip():
            raise UnusableCategory(NO_CATEGORY, str(data)[:60])
    plain = _plain(value)
    if not plain:
        raise UnusableCategory(NO_CATEGORY)
    if plain in CATEGORIES:
        return plain
    named = [name for name in CATEGORIES if name in plain.split()]
    if len(named) == 1:
        return named[0]
    if named:
        raise UnusableCategory(SEVERAL, value[:60])
    # A short answer that names something else is a name outside the list; anything longer is no answer.
    raise UnusableCategory(NOT_LISTED if data is not None or len(plain.split()) <= 3 else NO_CATEGORY, value[:60])


class LLMCategoriser:
    """``texts -> category names`` by asking an LLM (``chat``: messages → reply text, raising on
    no reply), one request per text. A text with no usable answer — no reply, no category, a
    name outside the list, several names — gets ``fallback``'s category instead (the zero-shot
    MiniLM), so every category is one of the list; ``fallbacks`` counts each reason and
    ``answered`` the texts the LLM filed."""

    def __init__(self, chat: Callable[[list[dict[str, str]]], str], *, fallback: Categoriser, backend: str = "llm"):
        self._chat = chat
        self._fallback = fallback
        self.backend = backend
        self.answered = 0
        self.fallbacks: Counter[str] = Counter()

    def _ask(self, text: str) -> str:
        if not text.strip():
            raise UnusableCategory(NO_TEXT)
        try:
            reply = self._chat(category_messages(text))
        except Exception as error:  # the chat's own error says why, with any key redacted
            raise UnusableCategory(NO_REPLY, str(error)[:200]) from None
        return parse_category(reply)

    def __call__(self, texts: Sequence[str]) -> list[str]:
        out: list[str | None] = []
        missing: list[int] = []
        for i, text in enumerate(texts):
            try:
                out.append(self._ask(text))
                self.answered += 1
            except UnusableCategory as unusable:
                self.fallbacks[unusable.reason] += 1
                logger.warning("%s category: %s%s; filed by the zero-shot MiniLM", self.backend, unusable.reason,
                               f" ({unusable.detail!r})" if unusable.detail else "")
                out.append(None)
                missing.append(i)
        if missing:
            for i, name in zip(missing, self._fallback([texts[i] for i in missing]), strict=True):
                out[i] = name
        return [name for name in out if name is not None]  # every None was filled just above

    def report(self) -> str:
        """One line: how many texts the LLM filed and how many fell back, by reason."""
        reasons = ", ".join(f"{reason}: {n}" for reason, n in self.fallbacks.most_common())
        fell = sum(self.fallbacks.values())
        return f"{self.backend} filed {self.answered}, the zero-shot MiniLM {fell}" + (f" ({reasons})" if fell else "")


_NAMES = list(CATEGORIES)
_INDEX = {name: i for i, name in enumerate(_NAMES)}
