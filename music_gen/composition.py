"""Write a loop of drums, bass, chords and melody for a brief, as a ``pretty_midi.PrettyMIDI``.

Time runs on a grid of 16th-note steps. The loop lasts exactly the requested duration: the tempo
is nudged (by at most a few percent) so that the loop holds whole bars, else whole beats, else
whole steps, which is what lets the end flow back into the start.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import pretty_midi

from . import arrangement as arr
from .description import SongBrief

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
# Scale degrees (0 = tonic) of four-bar progressions per mood and mode.
_PROGRESSIONS: dict[str, dict[str, tuple[tuple[int, ...], ...]]] = {
    "happy": {"major": ((0, 4, 5, 3), (0, 3, 4, 3), (5, 3, 0, 4)), "minor": ((0, 5, 2, 6), (0, 3, 6, 2))},
    "energetic": {"major": ((5, 3, 0, 4), (0, 4, 5, 3)), "minor": ((0, 5, 2, 6), (0, 6, 5, 6), (0, 3, 5, 4))},
    "chill": {"major": ((1, 4, 0, 5), (3, 2, 1, 0), (0, 5, 1, 4)), "minor": ((0, 3, 6, 2), (0, 3, 1, 4))},
    "dreamy": {"major": ((0, 3, 0, 3), (3, 0, 5, 4), (0, 2, 3, 3)), "minor": ((0, 5, 3, 5), (0, 6, 5, 6))},
    "romantic": {"major": ((0, 5, 3, 4), (0, 2, 3, 4), (3, 4, 2, 5)), "minor": ((0, 3, 6, 2), (0, 5, 3, 4))},
    "dark": {"major": ((5, 3, 0, 4), (5, 2, 3, 4)), "minor": ((0, 5, 2, 6), (0, 3, 5, 4), (0, 6, 5, 6), (0, 0, 5, 4))},
    "epic": {"major": ((0, 4, 5, 3), (3, 0, 4, 5)), "minor": ((0, 5, 2, 6), (0, 5, 3, 4), (5, 3, 0, 6))},
    "playful": {"major": ((0, 3, 4, 0), (0, 5, 1, 4), (0, 3, 0, 4)), "minor": ((0, 3, 4, 0), (0, 6, 5, 4))},
    "nostalgic": {"major": ((3, 4, 2, 5), (0, 5, 3, 4)), "minor": ((0, 5, 2, 6), (0, 3, 6, 2))},
    "confident": {"major": ((0, 6, 3, 0), (0, 3, 4, 3)), "minor": ((0, 6, 5, 6), (0, 3, 0, 4), (0, 5, 6, 0))},
}
_SEVENTH_MOODS = ("chill", "dreamy", "romantic", "nostalgic")
_SWING = {"boombap": 0.16}
# Melody rhythm material per mood: (note density 0..1, longest note in steps).
_MELODY_FEEL = {
    "happy": (0.55, 4), "energetic": (0.6, 3), "chill": (0.3, 6), "dreamy": (0.25, 8), "romantic": (0.3, 6),
    "dark": (0.35, 4), "epic": (0.4, 6), "playful": (0.65, 2), "nostalgic": (0.35, 4), "confident": (0.45, 3),
}
_MAX_TEMPO_NUDGE = 0.04


@dataclass(frozen=True)
class Composition:
    """A composed loop: the score, the tempo actually used (BPM), the key, its length in seconds."""

    midi: pretty_midi.PrettyMIDI
    bpm: float
    key: str
    duration_s: float
    instruments: tuple[str, ...]


def _rng(description: str, seed: int, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x00{description}\x00{purpose}".encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def loop_steps(bpm: float, duration: float) -> int:
    """16th steps in the loop: whole bars, else whole beats, else steps, keeping the tempo close to ``bpm``."""
    exact = duration * bpm / 15.0
    for unit in (16, 4, 1):
        steps = max(unit, round(exact / unit) * unit)
        if abs(steps - exact) / exact <= _MAX_TEMPO_NUDGE + 1e-9 or unit == 1:
            return steps
    raise AssertionError("unreachable")


def _chord_pcs(tonic: int, mode: str, degree: int, sevenths: bool) -> list[int]:
    scale = list(_SCALES[mode])
    if mode == "minor" and degree == 4:
        scale[6] = 11  # harmonic minor: a real dominant with a leading tone
    tones = [scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in ((0, 2, 4, 6) if sevenths else (0, 2, 4))]
    return [(tonic + t) % 12 for t in tones]


def _voicing(pcs: list[int], previous: list[int] | None, *, centre: int = 62) -> list[int]:
    """Close voicing of ``pcs`` nearest the previous chord (smooth voice leading)."""
    options = []
    for inversion in range(len(pcs)):
        order = pcs[inversion:] + pcs[:inversion]
        for base in range(48, 68):
            if base % 12 != order[0]:
                continue
            notes, last = [base], base
            for pc in order[1:]:
                last = last + ((pc - last) % 12 or 12)
                notes.append(last)
            options.append(notes)
    target = previous or [centre - 5, centre, centre + 4]
    return min(options, key=lambda n: (abs(sum(n) / len(n) - sum(target) / len(target)), n))


class _Timeline:
    """Steps to seconds, with swing on the off-16ths, clipped to the loop."""

    def __init__(self, bpm: float, total_steps: int, swing: float):
        self.step_s, self.total, self.swing = 15.0 / bpm, total_steps, swing

    def span(self, step: int, length: float, offset: float = 0.0) -> tuple[float, float] | None:
        if step >= self.total:
            return None
        start = (step + offset + (self.swing if step % 2 else 0.0)) * self.step_s
        end = min(step + length, self.total) * self.step_s
        return (start, end - 0.01) if end - 0.01 > start + 0.02 else None


def _add(inst: pretty_midi.Instrument, time: _Timeline, step: int, length: float, pitch: int, velocity: int,
         offset: float = 0.0) -> None:
    span = time.span(step, length, offset)
    if span is not None and 0 <= pitch <= 127:
        inst.notes.append(pretty_midi.Note(velocity=max(1, min(127, velocity)), pitch=pitch, start=span[0], end=span[1]))


def _melody(rng: random.Random, brief: SongBrief, chords: list[list[int]], scale_pcs: list[int], n_bars: int,
            register: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Melody notes ``(step, length, pitch, velocity)``: a one-bar motif, its answer, repeats and a cadence."""
    density, longest = _MELODY_FEEL[brief.mood]
    scale = sorted(p for p in range(register[0] - 12, register[1] + 13) if p % 12 in scale_pcs)

    def rhythm(length_bias: float) -> list[tuple[int, int]]:
        onsets = [0] + [s for s in range(1, 16) if rng.random() < density * (1.3 if s % 2 == 0 else 0.45)]
        notes = []
        for i, s in enumerate(onsets):
            nxt = onsets[i + 1] if i + 1 < len(onsets) else 16
            notes.append((s, max(1, min(nxt - s, longest + round(length_bias)))))
        return notes

    motif = rhythm(0)
    answer = rhythm(2)
    contour = [rng.choice((-2, -1, -1, 1, 1, 2, 0, 3, -3)) for _ in range(16)]
    cadence = [(0, 6), (6, 2), (8, 8)]
    notes: list[tuple[int, int, int, int]] = []
    pitch = (register[0] + register[1]) // 2
    for bar in range(n_bars):
        chord_pcs = chords[bar % len(chords)]
        phrase_bar = bar % 4
        shape = motif if phrase_bar in (0, 2) else answer if phrase_bar == 1 else cadence
        # Start each bar on the chord tone nearest the last note: the motif is re-sung over the new harmony.
        pitch = min((p for p in scale if p % 12 in chord_pcs), key=lambda p: (abs(p - pitch), p))
        idx = scale.index(pitch)
        for n, (step, length) in enumerate(shape):
            if n:
                idx += contour[n] if phrase_bar != 2 or n < len(shape) - 1 else -contour[n]
            idx = min(max(idx, 0), len(scale) - 1)
            while scale[idx] > register[1]:
                idx -= 2
            while scale[idx] < register[0]:
                idx += 2
            candidate = scale[idx]
            if step % 4 == 0 or phrase_bar == 3:
                candidate = min((p for p in scale if p % 12 in chord_pcs), key=lambda p: (abs(p - candidate), p))
                idx = scale.index(candidate)
            accent = 96 if step % 4 == 0 else 82
            notes.append((bar * 16 + step, length, candidate, accent + rng.randint(-6, 6)))
            pitch = candidate
    return notes


def compose(brief: SongBrief, *, description: str, duration: float, seed: int) -> Composition:
    """Compose a loop of exactly ``duration`` seconds for ``brief``; deterministic in (description, seed)."""
    rng = _rng(description, seed, "music")
    # A key named in the text wins; otherwise the description picks a home key and each further
    # seed moves it round the circle of fifths, so neighbouring seeds never share a key.
    if brief.tonic is not None:
        tonic = NOTE_NAMES.index(brief.tonic)
    else:
        tonic = (_rng(description, 0, "key").randrange(12) + 7 * seed) % 12
    mode = brief.mode
    steps = loop_steps(brief.bpm, duration)
    bpm = steps * 15.0 / duration
    ensemble = arr.ensemble_for(brief)
    time = _Timeline(bpm, steps, _SWING.get(ensemble.groove, 0.0))
    n_bars = -(-steps // 16)

    progression = rng.choice(_PROGRESSIONS[brief.mood][mode])
    sevenths = brief.mood in _SEVENTH_MOODS
    chords = [_chord_pcs(tonic, mode, d, sevenths) for d in progression]
    roots = [(tonic + _SCALES[mode][d]) % 12 for d in progression]

    midi = pretty_midi.PrettyMIDI(resolution=480, initial_tempo=bpm)
    parts: dict[str, pretty_midi.Instrument] = {}

    def part(name: str) -> pretty_midi.Instrument:
        if name not in parts:
            parts[name] = pretty_midi.Instrument(program=arr.PROGRAMS[name], name=name)
        return parts[name]

    # Drums: the groove bar, a crash opening each 4-bar phrase, a fill closing it.
    if ensemble.groove != "none":
        drums = pretty_midi.Instrument(program=0, is_drum=True, name="drums")
        pattern = arr.drum_pattern(ensemble.groove, claps=ensemble.claps)
        # The loop's last beat always gets a fill too: it leads back into the downbeat at the seam.
        fill_steps = {bar * 16 + s for bar in range(3, n_bars, 4) for s in range(12, 16)} | set(range(steps - 4, steps))
        fill_key = arr.RIM if ensemble.groove == "soft" else arr.SNARE
        for bar in range(n_bars):
            for key, hits in pattern.items():
                for step, vel in hits:
                    if bar * 16 + step in fill_steps and key in (arr.SNARE, arr.CLAP, arr.KICK, arr.RIM):
                        continue
                    _add(drums, time, bar * 16 + step, 1, key, vel + rng.randint(-8, 8))
        for step in sorted(fill_steps):
            _add(drums, time, step, 1, fill_key, 72 + 8 * (step % 4) + rng.randint(-5, 5))
        for bar in range(n_bars):
            if bar % 4 == 0 and ensemble.groove in ("four", "epic", "pop", "trap"):
                _add(drums, time, bar * 16, 4, arr.CRASH, 90)
        parts["drums"] = drums

    # Bass: the groove's pattern on each bar's root.
    bass = part(ensemble.bass)
    for bar in range(n_bars):
        root = 36 + (roots[bar % 4] - 36) % 12
        for step, length, vel, interval in arr.bass_pattern(ensemble.groove):
            _add(bass, time, bar * 16 + step, length, root + interval, vel + rng.randint(-6, 6))

    # Chords: comping on the main chord instrument, a second layer for each extra one.
    for layer, name in enumerate((ensemble.chords,) + ensemble.extra):
        inst, voicing = part(name), None
        for bar in range(n_bars):
            voicing = _voicing(chords[bar % 4], voicing)
            notes = [p + 12 * (layer % 2) for p in voicing]
            if name in arr.SUSTAINED:
                # Held chords cost the most synth voices; three notes carry the harmony over the bass.
                notes = notes[:3] if len(notes) < 4 else [notes[0], notes[1], notes[3]]
            if name in arr.MALLETS:
                arp = notes + [notes[1] + 12] + notes[::-1][1:-1]
                for i, step in enumerate(range(0, 16, 2)):
                    _add(inst, time, bar * 16 + step, 2, arp[i % len(arp)], 74 + rng.randint(-6, 6))
                continue
            for step, length, vel in arr.comp_pattern(name, ensemble.groove):
                for k, pitch in enumerate(notes):
                    strum = 0.06 * k if name in arr.STRUMMED else 0.0
                    _add(inst, time, bar * 16 + step, length, pitch, vel + rng.randint(-5, 5), offset=strum)

    # Melody.
    scale_pcs = [(tonic + s) % 12 for s in _SCALES[mode]]
    register = arr.MELODY_RANGE.get(ensemble.melody, arr.DEFAULT_MELODY_RANGE)
    melody = part(ensemble.melody) if ensemble.melody not in parts else pretty_midi.Instrument(
        program=arr.PROGRAMS[ensemble.melody], name=f"{ensemble.melody} melody")
    tune = _melody(rng, brief, chords, scale_pcs, n_bars, register)
    for step, length, pitch, vel in tune:
        _add(melody, time, step, length, pitch, vel)
    if melody not in parts.values():
        parts[f"{ensemble.melody} melody"] = melody
    for name in ensemble.doubles:
        for step, length, pitch, vel in tune:
            _add(part(name), time, step, length, pitch - 12, vel - 16)

    for inst in parts.values():
        inst.notes.sort(key=lambda n: (n.start, n.pitch))
        midi.instruments.append(inst)
    names = tuple(dict.fromkeys((ensemble.bass, ensemble.chords, *ensemble.extra, ensemble.melody, *ensemble.doubles)))
    if ensemble.groove != "none":
        names += ("drums",)
    return Composition(midi=midi, bpm=round(bpm, 3), key=f"{NOTE_NAMES[tonic]} {mode}", duration_s=float(duration),
                       instruments=names)
