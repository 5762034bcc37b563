"""Who plays what: General MIDI programs, instrument roles, and the rhythm patterns per groove.

Patterns are written on a 16-step bar (16th notes); a hit is ``(step, length_in_steps, velocity)``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .description import SongBrief

# General MIDI programs (0-based) for the description vocabulary.
PROGRAMS: dict[str, int] = {
    "piano": 0, "electric piano": 4, "acoustic guitar": 25, "electric guitar": 27, "bass": 33,
    "synth bass": 38, "strings": 48, "synth pad": 89, "synth lead": 81, "marimba": 12, "flute": 73,
    "trumpet": 56, "saxophone": 65, "vibraphone": 11, "organ": 16, "violin": 40, "cello": 42, "bells": 9,
}
SUSTAINED = ("strings", "synth pad", "organ")
STRUMMED = ("acoustic guitar", "electric guitar")
MALLETS = ("marimba", "vibraphone", "bells")
KEYS = ("piano", "electric piano")
CHORD_INSTRUMENTS = KEYS + STRUMMED + SUSTAINED + MALLETS
MELODY_INSTRUMENTS = (
    "synth lead", "flute", "trumpet", "saxophone", "violin", "bells", "vibraphone", "marimba",
    "electric guitar", "piano", "electric piano", "acoustic guitar", "organ", "strings", "cello",
)
LEAD_INSTRUMENTS = MELODY_INSTRUMENTS[:8]
# Melody register (lowest, highest MIDI note) per instrument; others use the default.
MELODY_RANGE = {"cello": (48, 67), "bells": (72, 93), "flute": (67, 91), "trumpet": (58, 79), "saxophone": (56, 77)}
DEFAULT_MELODY_RANGE = (62, 84)

# GM drum keys.
# (A ride cymbal rings for seconds: dozens of live voices, so grooves keep to hats.)
KICK, SNARE, CLAP, RIM, CLOSED_HAT, OPEN_HAT, CRASH, SHAKER, LOW_TOM, MID_TOM = 36, 38, 39, 37, 42, 46, 49, 70, 45, 47

_MOOD_DEFAULTS: dict[str, tuple[str, str, str]] = {  # mood -> (bass, chords, melody)
    "happy": ("bass", "piano", "synth lead"),
    "energetic": ("synth bass", "synth pad", "synth lead"),
    "chill": ("bass", "electric piano", "vibraphone"),
    "dreamy": ("synth bass", "synth pad", "bells"),
    "romantic": ("bass", "piano", "violin"),
    "dark": ("synth bass", "strings", "piano"),
    "epic": ("cello", "strings", "trumpet"),
    "playful": ("bass", "marimba", "flute"),
    "nostalgic": ("bass", "electric piano", "saxophone"),
    "confident": ("synth bass", "electric piano", "synth lead"),
}


@dataclass(frozen=True)
class Ensemble:
    """Instrument names per role; ``extra``: further named chord instruments (a second layer);
    ``doubles``: further named lead instruments (they double the melody an octave down)."""

    bass: str
    chords: str
    melody: str
    extra: tuple[str, ...]
    doubles: tuple[str, ...]
    groove: str
    claps: bool


def groove_for(brief: SongBrief) -> str:
    """The drum/bass feel: four, trap, boombap, epic, pop or soft."""
    genre = brief.genre
    if not brief.drums:
        return "none"
    if any(g in genre for g in ("house", "edm", "disco", "dance", "techno")) or brief.mood == "energetic":
        return "four"
    if any(g in genre for g in ("trap", "drill")) or brief.mood in ("dark", "confident"):
        return "trap"
    if any(g in genre for g in ("lo-fi", "lofi", "hip")) or brief.mood == "chill":
        return "boombap"
    if brief.mood == "epic":
        return "epic"
    if brief.mood in ("dreamy", "romantic"):
        return "soft"
    return "four" if brief.bpm >= 122 else "pop"


def ensemble_for(brief: SongBrief) -> Ensemble:
    """Give every named instrument a role, filling empty roles from the mood's defaults."""
    named = [i for i in brief.instruments if i in PROGRAMS]
    default_bass, default_chords, default_melody = _MOOD_DEFAULTS[brief.mood]
    bass = next((i for i in named if i in ("bass", "synth bass")), None) or next(
        (i for i in named if i == "cello" and len(named) > 1), None) or default_bass
    rest = [i for i in named if i != bass and i not in ("drums", "claps")]
    # A named lead instrument sings (in MELODY_INSTRUMENTS order); chord instruments comp, and a
    # second one takes the tune only when no lead was named.
    leads = [i for i in rest if i in LEAD_INSTRUMENTS]
    melody = min(leads, key=LEAD_INSTRUMENTS.index) if leads else None
    chordish = [i for i in rest if i in CHORD_INSTRUMENTS and i != melody]
    chords = chordish[0] if chordish else default_chords if default_chords != melody else "piano"
    if melody is None:
        melody = chordish[1] if len(chordish) > 1 else default_melody if default_melody != chords else "synth lead"
    extra = tuple(i for i in chordish if i not in (melody, chords))
    doubles = tuple(i for i in rest if i not in (melody, chords) and i not in CHORD_INSTRUMENTS)
    return Ensemble(bass=bass, chords=chords, melody=melody, extra=extra, doubles=doubles,
                    groove=groove_for(brief), claps="claps" in brief.instruments)


def drum_pattern(groove: str, *, claps: bool) -> dict[int, list[tuple[int, int]]]:
    """One bar of drums: drum key -> [(step, velocity)]."""
    backbeat = CLAP if claps else SNARE
    eighths = [(s, 78 if s % 4 == 0 else 58) for s in range(0, 16, 2)]
    patterns = {
        "four": {KICK: [(0, 118), (4, 112), (8, 116), (12, 112)], backbeat: [(4, 100), (12, 104)],
                 CLOSED_HAT: [(s, 70) for s in (2, 6, 10, 14)] + [(s, 45) for s in (0, 4, 8, 12)],
                 OPEN_HAT: [(14, 62)]},
        "trap": {KICK: [(0, 120), (7, 96), (10, 108)], backbeat: [(8, 110)],
                 CLOSED_HAT: [(s, 64 if s % 4 else 80) for s in range(16)]},
        "boombap": {KICK: [(0, 110), (7, 84), (10, 100)], backbeat: [(4, 96), (12, 100)], CLOSED_HAT: eighths},
        "epic": {KICK: [(0, 120), (3, 90), (8, 116), (11, 90)], SNARE: [(4, 96), (12, 110)],
                 LOW_TOM: [(14, 90)], MID_TOM: [(15, 84)], CLOSED_HAT: [(s, 66) for s in (0, 4, 8, 12)]},
        "pop": {KICK: [(0, 114), (6, 92), (8, 108)], backbeat: [(4, 100), (12, 102)], CLOSED_HAT: eighths},
        "soft": {KICK: [(0, 84), (10, 66)], RIM: [(8, 70)], SHAKER: [(s, 50 if s % 4 else 62) for s in range(0, 16, 2)]},
    }
    bar = patterns.get(groove, {})
    if claps and groove in ("epic", "soft"):
        bar = {**bar, CLAP: [(4, 90), (12, 94)]}
    return bar


def bass_pattern(groove: str) -> list[tuple[int, int, int, int]]:
    """One bar of bass: ``(step, length, velocity, interval)``; interval 0 = root, 7 = fifth, 12 = octave."""
    return {
        "four": [(s, 2, 100, 12 if s == 10 else 0) for s in (2, 6, 10, 14)] + [(0, 1, 90, 0)],
        "trap": [(0, 7, 112, 0), (7, 3, 96, 0), (10, 6, 104, 7)],
        "boombap": [(0, 3, 104, 0), (7, 2, 86, 0), (10, 4, 96, 7)],
        "epic": [(s, 2, 100 if s % 8 == 0 else 84, 0) for s in range(0, 16, 2)],
        "pop": [(0, 3, 104, 0), (3, 2, 84, 0), (6, 2, 92, 7), (8, 3, 100, 0), (12, 2, 88, 12), (14, 2, 86, 7)],
        "soft": [(0, 8, 92, 0), (8, 8, 84, 7)],
        "none": [(0, 16, 90, 0)],
    }[groove]


def comp_pattern(instrument: str, groove: str) -> list[tuple[int, int, int]]:
    """One bar of chord hits for ``instrument``: ``(step, length, velocity)``; mallets arpeggiate (see composer)."""
    if instrument in SUSTAINED:
        return [(0, 8, 78), (8, 8, 72)] if groove in ("four", "epic") else [(0, 16, 74)]
    if instrument in STRUMMED:
        return [(0, 3, 92), (4, 2, 70), (6, 4, 84), (10, 2, 70), (12, 2, 86), (14, 2, 72)]
    return {
        "four": [(2, 2, 92), (6, 2, 88), (10, 2, 92), (14, 2, 88)],
        "trap": [(0, 8, 82), (10, 6, 74)],
        "boombap": [(0, 6, 80), (6, 4, 70), (10, 6, 76)],
        "epic": [(s, 2, 84 if s % 4 == 0 else 70) for s in range(0, 16, 2)],
        "pop": [(0, 4, 88), (6, 2, 76), (8, 4, 84), (14, 2, 74)],
        "soft": [(0, 8, 72), (8, 8, 66)],
        "none": [(0, 8, 78), (8, 8, 72)],
    }[groove]
