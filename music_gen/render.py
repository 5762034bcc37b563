"""Render a ``pretty_midi`` score to stereo float audio with TinySoundFont and the GM soundfont in pretty_midi.

Speed: TinySoundFont's cost grows with voices x samples, and the GM string and pad presets are
several times dearer per voice than the rest. Their sound has little above 11 kHz, so those
programs (basses, strings, ensembles, pads) are rendered at half the sample rate and upsampled
2x (a 4-tap half-band interpolator: cheap, and flat where those parts have their energy) before
mixing; the bright parts (drums, keys, leads) render at full rate.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pretty_midi
import tinysoundfont

SAMPLE_RATE = 44100
SOUNDFONT = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
_DRUM_CHANNEL = 9
_BLOCK_SECONDS = 2.0
# Headroom for many summed voices; the mix is peak-normalised afterwards anyway.
_GAIN_DB = -6.0
_MAX_VOICES = 128
_HALF_RATE_PROGRAMS = frozenset(range(32, 56)) | frozenset(range(88, 96))

Event = tuple[int, int, int, int, int]  # (sample, is_off, channel, key, velocity)


class MidiRenderer:
    """Turns scores into audio; the soundfont file is read once per renderer."""

    def __init__(self, *, soundfont: str | Path = SOUNDFONT, sample_rate: int = SAMPLE_RATE):
        if sample_rate % 2:
            raise ValueError(f"sample_rate must be even (half-rate parts are upsampled 2x), not {sample_rate}")
        self.soundfont = Path(soundfont)
        self.sample_rate = sample_rate
        self._soundfont_bytes = self.soundfont.read_bytes()

    def __call__(self, midi: pretty_midi.PrettyMIDI, *, loop_s: float, extra_s: float,
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Audio ``(2, round((loop_s + extra_s) * sample_rate))`` float32 of the score played as a loop.

        Notes starting in the first ``extra_s`` seconds are played again after ``loop_s``, so the
        rendering runs on past the loop point exactly as a repeat would (the seam is cut later).
        ``progress(done, total)`` is called after each rendered block (of about two seconds).
        """
        total = int(round((loop_s + extra_s) * self.sample_rate))
        groups = [
            [i for i in midi.instruments if i.is_drum or i.program not in _HALF_RATE_PROGRAMS],
            [i for i in midi.instruments if not i.is_drum and i.program in _HALF_RATE_PROGRAMS],
        ]
        rates = (self.sample_rate, self.sample_rate // 2)
        block_counts = [-(-total // int(_BLOCK_SECONDS * self.sample_rate)) if g else 0 for g in groups]
        n_blocks, done = sum(block_counts), 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, n_blocks)

        mix = np.zeros((2, total), dtype=np.float32)
        for instruments, rate in zip(groups, rates):
            if not instruments:
                continue
            audio = self._render(instruments, rate=rate, loop_s=loop_s, extra_s=extra_s,
                                 n_samples=-(-total * rate // self.sample_rate), on_block=tick)
            if rate != self.sample_rate:
                audio = _upsample2(audio)
            mix += audio[:, :total]
        return mix

    def _render(self, instruments: list[pretty_midi.Instrument], *, rate: int, loop_s: float, extra_s: float,
                n_samples: int, on_block: Callable[[], None]) -> np.ndarray:
        synth = tinysoundfont.Synth(gain=_GAIN_DB, samplerate=rate)
        sfid = synth.sfload(self._soundfont_bytes, max_voices=_MAX_VOICES)
        events = self._events(instruments, synth, sfid, rate=rate, loop_s=loop_s, extra_s=extra_s)
        out = np.zeros(n_samples * 2, dtype=np.float32)
        block = int(_BLOCK_SECONDS * rate)
        pos, i = 0, 0
        for block_start in range(0, n_samples, block):
            block_end = min(n_samples, block_start + block)
            while pos < block_end:
                while i < len(events) and events[i][0] <= pos:
                    _, off, channel, key, velocity = events[i]
                    synth.noteoff(channel, key) if off else synth.noteon(channel, key, velocity)
                    i += 1
                stop = min(block_end, events[i][0]) if i < len(events) else block_end
                synth.generate_simple(stop - pos, buffer=memoryview(out[2 * pos:2 * stop]).cast("B"))
                pos = stop
            on_block()
        return out.reshape(-1, 2).T

    @staticmethod
    def _events(instruments: list[pretty_midi.Instrument], synth: tinysoundfont.Synth, sfid: int, *, rate: int,
                loop_s: float, extra_s: float) -> list[Event]:
        """Sorted note events; note-offs sort before note-ons at one sample so repeated keys retrigger."""
        events: list[Event] = []
        melodic = iter(c for c in range(16) if c != _DRUM_CHANNEL)
        for inst in instruments:
            if inst.is_drum:
                channel = _DRUM_CHANNEL
                synth.program_select(channel, sfid, 128, 0, True)
            else:
                channel = next(melodic)
                synth.program_select(channel, sfid, 0, inst.program)
            for note in inst.notes:
                for shift in (0.0, loop_s):
                    if shift and note.start >= extra_s:
                        continue
                    events.append((int(round((note.start + shift) * rate)), 0, channel, note.pitch, note.velocity))
                    events.append((int(round((note.end + shift) * rate)), 1, channel, note.pitch, 0))
        events.sort(key=lambda e: (e[0], -e[1], e[2], e[3]))
        return events


def _upsample2(audio: np.ndarray) -> np.ndarray:
    """Double the sample rate of ``(channels, n)`` audio: the originals at even indices, and at odd
    ones the 4-point half-band Lagrange interpolation (-1, 9, 9, -1) / 16 of their neighbours."""
    padded = np.pad(audio, ((0, 0), (1, 2)), mode="edge")
    mids = (9.0 * (padded[:, 1:-2] + padded[:, 2:-1]) - (padded[:, :-3] + padded[:, 3:])) / 16.0
    out = np.empty((audio.shape[0], 2 * audio.shape[1]), dtype=np.float32)
    out[:, 0::2] = audio
    out[:, 1::2] = mids
    return out
