"""The song description: one sentence in the exact format the composer parses.

``"A {mood} {genre} track at {bpm} BPM in a {major|minor} key with {i1}, {i2} and {i3}."``
with "An" before a mood that starts with a vowel ("An epic ..."), as a writer (or an LLM) would put it.
"""
from __future__ import annotations

import random
import re

from ._vocab import INSTRUMENTS, MOOD_MUSIC, MOODS

BPM_RANGE = (60, 180)

_INSTRUMENT_ALTERNATION = "|".join(sorted((re.escape(i) for i in INSTRUMENTS), key=len, reverse=True))
SONG_PATTERN = re.compile(
    rf"^An? (?P<mood>{'|'.join(MOODS)}) (?P<genre>[A-Za-z][A-Za-z &'-]*?) track at (?P<bpm>\d{{2,3}}) BPM "
    rf"in a (?P<mode>major|minor) key with (?P<i1>{_INSTRUMENT_ALTERNATION}), "
    rf"(?P<i2>{_INSTRUMENT_ALTERNATION}) and (?P<i3>{_INSTRUMENT_ALTERNATION})\.$"
)


def build_song_description(mood: str, *, seed: int) -> str:
    """The description for ``mood``; ``seed`` (from the content) varies genre, tempo and
    instruments deterministically inside the mood's ranges."""
    genres, (low, high), mode, palette = MOOD_MUSIC[mood]
    rng = random.Random(seed)
    genre = genres[rng.randrange(len(genres))]
    bpm = min(max(rng.randint(low, high), BPM_RANGE[0]), BPM_RANGE[1])
    # Keep the palette's order (its lead voice first) so the line reads lead, then rhythm.
    picks = sorted(rng.sample(range(len(palette)), 3))
    first, second, third = (palette[i] for i in picks)
    article = "An" if mood[0] in "aeiou" else "A"
    return f"{article} {mood} {genre} track at {bpm} BPM in a {mode} key with {first}, {second} and {third}."


def parse_song_description(text: str) -> dict | None:
    """``{mood, genre, bpm, mode, instruments}`` when ``text`` has the exact format with a
    tempo of 60–180 BPM and three different known instruments, else ``None``."""
    match = SONG_PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    bpm = int(match["bpm"])
    instruments = [match["i1"], match["i2"], match["i3"]]
    if not BPM_RANGE[0] <= bpm <= BPM_RANGE[1] or len(set(instruments)) != 3:
        return None
    return {"mood": match["mood"], "genre": match["genre"], "bpm": bpm,
            "mode": match["mode"], "instruments": instruments}
