"""Read a song description (the summariser's template or a creator's free text) into a brief.

Template: ``"A {mood} {genre} track at {bpm} BPM in a {major|minor} key with {a}, {b} and {c}."``
Free text such as ``"dreamy lo-fi with piano, 80 bpm"`` works too: whatever is found is used and the
rest is filled in from the mood words found (``happy`` when none is).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from utils import MOODS

MIN_BPM, MAX_BPM = 50, 200

# Mood (each of utils.MOODS) -> (words that signal it, default BPM, default mode).
_MOODS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "happy": (("happy", "joyful", "cheerful", "upbeat", "sunny", "feel-good", "bright", "fun"), 118, "major"),
    "energetic": (("energetic", "hype", "intense", "driving", "workout", "powerful", "party", "banger"), 128, "minor"),
    "chill": (("chill", "relaxed", "relaxing", "calm", "laid-back", "laidback", "mellow", "lo-fi", "lofi", "study"), 84, "major"),
    "dreamy": (("dreamy", "ethereal", "floaty", "airy", "ambient", "hazy", "soft"), 78, "major"),
    "romantic": (("romantic", "love", "tender", "sweet", "intimate", "sensual"), 74, "major"),
    "dark": (("dark", "moody", "sinister", "spooky", "eerie", "gloomy", "menacing", "tense", "horror"), 92, "minor"),
    "epic": (("epic", "cinematic", "heroic", "grand", "triumphant", "orchestral", "dramatic"), 100, "minor"),
    "playful": (("playful", "quirky", "silly", "bouncy", "cute", "funny", "whimsical", "goofy"), 116, "major"),
    "nostalgic": (("nostalgic", "retro", "vintage", "throwback", "wistful", "80s", "90s", "melancholic", "sad"), 100, "minor"),
    "confident": (("confident", "bold", "swagger", "sassy", "boss", "fierce", "attitude", "strong"), 96, "minor"),
}

# Instrument -> words naming it; longer names are matched first so "synth bass" is not also "bass".
_INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "piano": ("piano", "keys"),
    "electric piano": ("electric piano", "e-piano", "rhodes", "wurlitzer"),
    "acoustic guitar": ("acoustic guitar", "guitar", "ukulele", "uke"),
    "electric guitar": ("electric guitar", "guitar riff", "distorted guitar"),
    "bass": ("bass guitar", "bassline", "bass line", "bass"),
    "synth bass": ("synth bass", "808", "sub bass"),
    "strings": ("strings", "string section", "orchestra"),
    "synth pad": ("synth pad", "pad", "pads"),
    "synth lead": ("synth lead", "lead synth", "synth", "synths", "synthesizer"),
    "marimba": ("marimba", "xylophone"),
    "flute": ("flute", "flutes"),
    "trumpet": ("trumpet", "trumpets", "brass", "horns"),
    "saxophone": ("saxophone", "sax"),
    "vibraphone": ("vibraphone", "vibes"),
    "organ": ("organ",),
    "violin": ("violin", "violins", "fiddle"),
    "cello": ("cello", "cellos"),
    "bells": ("bells", "glockenspiel", "chimes"),
    "drums": ("drums", "drum", "beat", "beats", "percussion", "drum machine"),
    "claps": ("claps", "clap", "handclaps", "snaps"),
}
INSTRUMENTS = tuple(_INSTRUMENTS)

_GENRES = (
    "lo-fi", "lofi", "hip hop", "hip-hop", "trap", "pop", "edm", "house", "techno", "jazz", "rock", "r&b",
    "funk", "disco", "ambient", "cinematic", "orchestral", "acoustic", "folk", "synthwave", "reggaeton",
    "latin", "classical", "country", "indie", "soul", "drill", "afrobeats", "dance", "electronic",
)
_BEAT_GENRES = ("lo-fi", "lofi", "hip", "trap", "pop", "edm", "house", "techno", "funk", "disco", "dance", "drill", "r&b")
_NO_DRUMS = re.compile(r"\b(no|without)\s+(drums|percussion|beat)\b")
_BPM = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*(?:bpm|beats per minute)\b")
# A named key such as "in F# minor" or "Bb major". Case matters: the template's "in a minor key"
# uses the article "a", so a bare capital A followed by "key" is not read as a tonic either.
_TONIC = re.compile(r"(?<![\w#])([A-G])(#|b|♯|♭)?\s+(major|minor)\b(?!\s+key)|(?<![\w#])([B-G])(#|b|♯|♭)?\s+(major|minor)\b")
_TONIC_SPELLING = {"Db": "C#", "D#": "Eb", "Gb": "F#", "G#": "Ab", "A#": "Bb", "Cb": "B", "Fb": "E", "E#": "F", "B#": "C"}
_TEMPLATE = re.compile(r"^\s*an?\s+(?P<mood>[\w-]+)\s+(?P<genre>.+?)\s+(?:track|song|tune|beat)\b")


@dataclass(frozen=True)
class SongBrief:
    """What a description asks for. ``bpm``/``mode`` come from the text when given, else the mood;
    ``tonic`` (e.g. ``"F#"``) only when the text names a key."""

    mood: str
    genre: str
    bpm: float
    mode: str
    instruments: tuple[str, ...]
    drums: bool
    bpm_from_text: bool
    tonic: str | None = None


def _word_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


# Compiled once: (pattern, name) pairs, instrument phrases longest first.
_MOOD_PATTERNS = tuple((_word_pattern(w), mood) for mood, (words, _, _) in _MOODS.items() for w in words)
_GENRE_PATTERNS = tuple((_word_pattern(g), g) for g in _GENRES)
_INSTRUMENT_PATTERNS = tuple(
    (_word_pattern(w), name)
    for w, name in sorted(((w, n) for n, ws in _INSTRUMENTS.items() for w in ws), key=lambda p: -len(p[0]))
)


def _hits(text: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> list[tuple[int, str]]:
    return sorted((m.start(), name) for pattern, name in patterns for m in pattern.finditer(text))


def _instruments(text: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for pattern, name in _INSTRUMENT_PATTERNS:
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            found.append((m.start(), name))
    ordered: list[str] = []
    for _, name in sorted(found):
        if name not in ordered:
            ordered.append(name)
    return tuple(ordered)


def parse_description(description: str) -> SongBrief:
    """Parse a song description into a ``SongBrief`` (never fails on free text)."""
    text = " ".join(description.lower().split())
    mood_hits = _hits(text, _MOOD_PATTERNS)
    mood = mood_hits[0][1] if mood_hits else "happy"
    _, default_bpm, default_mode = _MOODS[mood]

    bpm_match = _BPM.search(text)
    bpm = float(bpm_match.group(1)) if bpm_match else float(default_bpm)
    bpm = min(max(bpm, MIN_BPM), MAX_BPM)

    has_major, has_minor = bool(re.search(r"\bmajor\b", text)), bool(re.search(r"\bminor\b", text))
    mode = "major" if has_major and not has_minor else "minor" if has_minor and not has_major else default_mode

    tonic = None
    named_key = _TONIC.search(" ".join(description.split()))
    if named_key:
        letter, accidental, key_mode = (named_key.group(1, 2, 3) if named_key.group(1) else named_key.group(4, 5, 6))
        spelled = letter + {"♯": "#", "♭": "b"}.get(accidental or "", accidental or "")
        tonic, mode = _TONIC_SPELLING.get(spelled, spelled), key_mode

    template = _TEMPLATE.match(text)
    genre_hits = _hits(text, _GENRE_PATTERNS)
    if template and template.group("mood") in _MOODS:
        genre = template.group("genre")
    elif genre_hits:
        genre = genre_hits[0][1]
    else:
        genre = ""
    instruments = _instruments(text)
    if _NO_DRUMS.search(text):
        instruments = tuple(i for i in instruments if i not in ("drums", "claps"))
        drums = False
    else:
        drums = bool({"drums", "claps"} & set(instruments)) or mood not in ("dreamy", "romantic") or any(
            g in genre for g in _BEAT_GENRES
        )
    return SongBrief(
        mood=mood, genre=genre, bpm=bpm, mode=mode, instruments=instruments,
        drums=drums, bpm_from_text=bpm_match is not None, tonic=tonic,
    )
