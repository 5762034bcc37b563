import numpy as np
import pretty_midi

from music_gen.render import SAMPLE_RATE, MidiRenderer, _upsample2


def test_upsample2_keeps_a_tone_in_band():
    rate = 22050
    t = np.arange(rate) / rate
    tone = np.sin(2 * np.pi * 1000 * t)[None, :].astype(np.float32)
    up = _upsample2(tone)
    t2 = np.arange(2 * rate) / (2 * rate)
    expected = np.sin(2 * np.pi * 1000 * t2)
    assert up.shape == (1, 2 * rate)
    assert np.abs(up[0, 10:-10] - expected[10:-10]).max() < 0.01


def test_render_plays_notes_and_the_loop_repeat():
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    piano = pretty_midi.Instrument(program=0)
    strings = pretty_midi.Instrument(program=48)  # a half-rate part
    piano.notes.append(pretty_midi.Note(velocity=100, pitch=60, start=0.0, end=0.4))
    strings.notes.append(pretty_midi.Note(velocity=100, pitch=48, start=1.0, end=1.5))
    midi.instruments += [piano, strings]
    calls = []
    audio = MidiRenderer()(midi, loop_s=2.0, extra_s=0.5, progress=lambda d, t: calls.append((d, t)))
    assert audio.shape == (2, int(2.5 * SAMPLE_RATE)) and audio.dtype == np.float32
    rms = [float(np.sqrt(np.mean(audio[:, int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)] ** 2)))
           for a, b in [(0.0, 0.3), (0.7, 0.95), (1.05, 1.4), (2.0, 2.3)]]
    assert rms[0] > 10 * rms[1] and rms[2] > 10 * rms[1]  # notes sound where written, silence between
    assert rms[3] > 0.5 * rms[0]  # the opening note plays again after the loop point
    assert calls[-1][0] == calls[-1][1] == len(calls)
