"""Reading a model's reply: find the JSON object, check it, repair what is safe to repair."""
from __future__ import annotations

import difflib
import json
import re

from . import _text
from ._song import build_song_description, parse_song_description
from ._types import IDEA_KEYS, SummaryError
from ._vocab import MOODS

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_MAX_KEYWORDS = 10
_MIN_KEYWORDS = 3
# Words a model tends to answer with instead of the listed moods.
_MOOD_SYNONYMS = {
    "upbeat": "happy", "joyful": "happy", "cheerful": "happy", "fun": "playful", "funny": "playful",
    "calm": "chill", "relaxed": "chill", "relaxing": "chill", "peaceful": "chill", "mellow": "chill",
    "ethereal": "dreamy", "hypnotic": "dreamy", "intense": "energetic", "hype": "energetic",
    "motivational": "energetic", "love": "romantic", "sad": "nostalgic", "melancholic": "nostalgic",
    "retro": "nostalgic", "scary": "dark", "spooky": "dark", "eerie": "dark", "cinematic": "epic",
    "inspiring": "epic", "bold": "confident", "empowering": "confident", "sassy": "confident",
}


class UnusableReply(SummaryError):
    """The reply cannot be turned into a Summary; the message says why (never the reply)."""


def extract_json_object(reply: str) -> dict | None:
    """The first JSON object in ``reply``: inside a code fence, or anywhere in prose."""
    if not isinstance(reply, str):
        return None
    fenced = _FENCE.findall(reply)
    decoder = json.JSONDecoder()
    for text in fenced + [reply]:
        for start in (m.start() for m in re.finditer(r"\{", text)):
            try:
                value, _ = decoder.raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def nearest_mood(value: str) -> str:
    """The mood in ``MOODS`` closest to ``value``: exact, a known synonym, else by spelling."""
    word = value.strip().lower()
    if word in MOODS:
        return word
    for token in re.findall(r"[a-z]+", word):
        if token in MOODS:
            return token
        if token in _MOOD_SYNONYMS:
            return _MOOD_SYNONYMS[token]
    return difflib.get_close_matches(word, MOODS, n=1, cutoff=0.0)[0]


def _clean_keywords(value, tags: list[str]) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,;\n]", value)]
        notes.append("keywords came as one string; split at commas")
    if not isinstance(value, list):
        raise UnusableReply("keywords", "keywords is not a list")
    keywords: list[str] = []
    for item in value:
        if isinstance(item, str):
            phrase = " ".join(item.strip().lstrip("#").split())
            if phrase and phrase.lower() not in (k.lower() for k in keywords):
                keywords.append(phrase)
    if len(keywords) > _MAX_KEYWORDS:
        notes.append(f"{len(keywords)} keywords cut to {_MAX_KEYWORDS}")
        keywords = keywords[:_MAX_KEYWORDS]
    if len(keywords) < _MIN_KEYWORDS:
        padding = [p for p in (_text.tag_phrase(t) for t in tags) if p and not _text.is_filler(p)]
        for phrase in padding:
            if len(keywords) >= _MIN_KEYWORDS:
                break
            if phrase not in keywords:
                keywords.append(phrase)
                notes.append(f"keyword {phrase!r} added from the hashtags")
    if len(keywords) < _MIN_KEYWORDS:
        raise UnusableReply(None, f"only {len(keywords)} keywords")
    return keywords, notes


def repair_reply(data: dict, *, tags: list[str], seed: int) -> tuple[dict, list[str]]:
    """The Summary fields from a parsed reply, and notes on what was repaired.

    Repaired: a summary over 80 words (trimmed at a sentence end), the keyword count
    (cut to 10, padded from the hashtags), a mood outside ``MOODS`` (nearest one), a
    malformed song description (rebuilt from the mood). Anything else missing or empty
    raises ``UnusableReply``.
    """
    notes: list[str] = []
    summary = data.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise UnusableReply(None, "no summary")
    summary = " ".join(summary.split())
    if _text.word_count(summary) > _text.SUMMARY_MAX_WORDS:
        notes.append(f"summary of {_text.word_count(summary)} words trimmed to 80")
        summary = _text.trim_to_words(summary)

    keywords, keyword_notes = _clean_keywords(data.get("keywords"), tags)
    notes += keyword_notes

    idea = data.get("idea")
    if not isinstance(idea, dict):
        raise UnusableReply(None, "no idea object")
    missing = [k for k in IDEA_KEYS if not isinstance(idea.get(k), str) or not idea[k].strip()]
    if missing:
        raise UnusableReply("idea", f"idea lacks {', '.join(missing)}")
    idea = {k: " ".join(idea[k].split()) for k in IDEA_KEYS}

    song = data.get("song_description")
    parsed_song = parse_song_description(song) if isinstance(song, str) else None
    raw_mood = data.get("mood")
    if isinstance(raw_mood, str) and raw_mood.strip():
        mood = nearest_mood(raw_mood)
        if mood != raw_mood.strip().lower():
            notes.append(f"mood {raw_mood.strip()[:30]!r} mapped to {mood!r}")
    elif parsed_song is not None:
        mood = parsed_song["mood"]
        notes.append("mood taken from the song description")
    else:
        mood = "happy"
        notes.append("no mood given; used 'happy'")

    if parsed_song is None or parsed_song["mood"] != mood:
        notes.append("song description rebuilt from the mood (the reply's was not in the composer format)")
        song = build_song_description(mood, seed=seed)
    return {"summary": summary, "keywords": keywords, "idea": idea, "song_description": song.strip(),
            "mood": mood}, notes
