"""The one prompt set (system + user) every Llama backend sends."""
from __future__ import annotations

from . import _text
from ._vocab import INSTRUMENTS, MOODS

_MAX_PROMPT_WORDS = 2500   # about 3.5k tokens of source text: fits an 8k context with the reply
_MAX_DOCUMENT_WORDS = 900

SYSTEM_PROMPT = f"""You are a creative strategist for TikTok creators. You read transcripts, \
on-screen text and captions of trending videos and reply with ONE JSON object and nothing else, \
with exactly these keys:
- "summary": what the videos are about, at most 80 words, plain sentences.
- "keywords": a list of 3 to 10 short keyword phrases taken from the content.
- "idea": an object with "title", "concept", "twist_title", "twist_concept": a new video idea \
in a format creators use (POV, "3 ways to", before/after, day in the life, tutorial, challenge...) \
that mentions the keywords, and a twist that gives it an unexpected spin (reverse the format, \
add a constraint, swap the audience).
- "mood": exactly one of: {", ".join(MOODS)}.
- "song_description": ONE sentence in exactly this format: \
"A {{mood}} {{genre}} track at {{bpm}} BPM in a {{major|minor}} key with {{inst1}}, {{inst2}} and {{inst3}}." \
("An" before a mood starting with a vowel) where mood is the mood above, bpm is an integer from 60 to 180, \
and the three different instruments come from: {", ".join(INSTRUMENTS)}."""


def build_messages(documents: list[str], tags: list[str]) -> list[dict[str, str]]:
    """Chat messages ``[system, user]``; long documents are cut so the prompt stays bounded."""
    budget = _MAX_PROMPT_WORDS
    parts = []
    for i, document in enumerate(d for d in documents if d.strip()):
        words = document.split()[:min(_MAX_DOCUMENT_WORDS, budget)]
        if not words:
            break
        budget -= len(words)
        parts.append(f"[{i + 1}] {' '.join(words)}")
    hashtags = ", ".join("#" + t.strip().lstrip("#") for t in tags if t.strip()) or "(none)"
    body = "\n".join(parts) or "(no text: work from the hashtags)"
    user = (f"Hashtags: {hashtags}\n\nTexts from the trending videos (speech transcripts may lack "
            f"punctuation):\n{body}\n\nReply with the JSON object only.")
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def prompt_words(messages: list[dict[str, str]]) -> int:
    return sum(_text.word_count(m["content"]) for m in messages)
