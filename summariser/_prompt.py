"""The one prompt set (system + user) every Llama backend sends."""
from __future__ import annotations

from ._passages import reading_order, validate_inputs
from ._types import Passage
from ._vocab import INSTRUMENTS, MOODS

_MAX_PROMPT_WORDS = 2500   # about 3.5k tokens of source text: fits an 8k context with the reply
_MAX_DOCUMENT_WORDS = 900
LABELS = {"transcript": "transcript", "title": "title", "description": "description",
          "caption": "on-screen text (not spoken)"}

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


def build_messages(passages: list[Passage | str], tags: list[str]) -> list[dict[str, str]]:
    """Chat messages ``[system, user]``. The passages are listed in reading order
    (transcripts, then titles and descriptions, then unspoken on-screen text), one entry per
    video and kind, labelled by kind ("[1] transcript (video 123): ..."), so the model
    weighs them as the offline summariser does. Long entries are cut so the prompt stays bounded."""
    budget = _MAX_PROMPT_WORDS
    parts = []
    passages, tags = validate_inputs(passages, tags)
    for label, text in _entries(reading_order(passages)):
        words = text.split()[:min(_MAX_DOCUMENT_WORDS, budget)]
        if not words:
            break
        budget -= len(words)
        parts.append(f"[{len(parts) + 1}] {label}: {' '.join(words)}")
    hashtags = ", ".join("#" + t.strip().lstrip("#") for t in tags if t.strip()) or "(none)"
    body = "\n".join(parts) or "(no text: work from the hashtags)"
    user = (f"Hashtags: {hashtags}\n\nTexts from the trending videos, what was said first (speech "
            f"transcripts may lack punctuation; on-screen text may hold OCR errors):\n{body}\n\n"
            f"Reply with the JSON object only.")
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _entries(passages: list[Passage]) -> list[tuple[str, str]]:
    """(label, text) per run of consecutive passages of one video and kind."""
    entries: list[tuple[tuple[str, str], list[str]]] = []
    for passage in passages:
        key = (passage.kind, passage.video_id)
        # A plain string (no video, no time) is a document of its own; timed pieces of one
        # video's transcript or captions are read together.
        if entries and entries[-1][0] == key and passage.start_s is not None:
            entries[-1][1].append(passage.text)
        else:
            entries.append((key, [passage.text]))
    out = []
    for (kind, video_id), texts in entries:
        label = LABELS[kind] + (f" (video {video_id})" if video_id else "")
        joint = " " if kind == "transcript" else " / "  # caption lines are separate lines
        out.append((label, joint.join(" ".join(t.split()) for t in texts)))
    return out
