"""The offline backend: compose a loop from the description, render it with TinySoundFont."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import utils

from .audio import make_loopable, normalise_peak, write_wav
from .composition import compose
from .description import parse_description
from .render import SAMPLE_RATE, MidiRenderer
from .soundtrack import MIDI_NAME, WAV_NAME, Soundtrack, validate_request

# How long the rendering runs past the loop point; that much is crossfaded into the head.
_SEAM_SECONDS = 0.5


class ComposerGenerator:
    """Algorithmic composer: description -> MIDI loop -> 44.1 kHz stereo 16-bit WAV (+ the .mid).

    Deterministic: the same description, duration and seed give byte-identical WAV and MIDI files.
    The returned ``bpm`` is the tempo actually played: the requested one nudged by at most 4% so
    that the loop holds whole bars (else beats); ``key`` is the key actually used.
    """

    backend = "composer"

    def __init__(self, *, warnings: list[str] | None = None, note: str | None = None):
        self.warnings: list[str] = list(warnings or [])
        self.note = note  # why "auto" chose the composer: information, not a warning
        self.sample_rate = SAMPLE_RATE
        self._renderer = MidiRenderer(sample_rate=SAMPLE_RATE)

    def __call__(self, *, description: str, duration: int = 15, seed: int = 0, out_dir: Path,
                 progress: Callable[[int, int], None] | None = None) -> Soundtrack:
        """Write ``out_dir/soundtrack.wav`` and ``soundtrack.mid``; ``duration`` in seconds (see ``DURATIONS``)."""
        description, duration, seed, out_dir = validate_request(
            description=description, duration=duration, seed=seed, out_dir=out_dir)
        brief = parse_description(description)
        piece = compose(brief, description=description, duration=duration, seed=seed)
        seam = min(_SEAM_SECONDS, duration / 4)
        audio = self._renderer(piece.midi, loop_s=duration, extra_s=seam, progress=progress)
        length = duration * self.sample_rate
        audio = normalise_peak(make_loopable(audio, length=length, fade=int(seam * self.sample_rate)))

        out_dir.mkdir(parents=True, exist_ok=True)
        midi_path = out_dir / MIDI_NAME
        with utils.atomic_path(midi_path) as tmp:
            piece.midi.write(str(tmp))
        wav_path = write_wav(out_dir / WAV_NAME, audio, sample_rate=self.sample_rate)
        return Soundtrack(wav_path=wav_path, midi_path=midi_path, duration_s=audio.shape[1] / self.sample_rate,
                          bpm=piece.bpm, key=piece.key, backend=self.backend)
