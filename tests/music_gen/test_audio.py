import numpy as np
import pytest

from music_gen.audio import (PEAK_DBFS, crossfade, estimate_tempo, fade_in_curve, join_with_overlap, make_loopable,
                             normalise_peak, read_wav, write_wav)

RATE = 8000


def _sweep(n: int) -> np.ndarray:
    t = np.arange(n) / RATE
    return np.stack([np.sin(2 * np.pi * (30 + 10 * t) * t), np.cos(2 * np.pi * 47 * t)]).astype(np.float32) * 0.5


def test_fade_curves_sum_to_one():
    gain = fade_in_curve(1000)
    assert gain[0] < 0.001 and gain[-1] > 0.999
    assert np.allclose(gain + gain[::-1], 1.0, atol=1e-6)


def test_make_loopable_makes_the_end_continue_into_the_start():
    # A sweep does not repeat: cutting it anywhere leaves a jump at the wrap-around.
    audio = _sweep(3 * RATE)
    length, fade = 2 * RATE + 123, 800
    raw_jump = np.abs(audio[:, length - 1] - audio[:, 0]).max()
    looped = make_loopable(audio, length=length, fade=fade)
    assert looped.shape == (2, length)
    typical = np.abs(np.diff(looped, axis=1)).max()
    seam = np.abs(looped[:, 0] - looped[:, -1]).max()
    assert seam <= typical and raw_jump > 5 * typical
    assert np.array_equal(looped[:, fade:], audio[:, fade:length])  # the rest is untouched


def test_join_with_overlap_crossfades_and_keeps_length():
    a, b = _sweep(RATE), _sweep(RATE)[:, ::-1].copy()
    joined = join_with_overlap(a, b, 400)
    assert joined.shape == (2, 2 * RATE - 400)
    assert np.array_equal(joined[:, : RATE - 400], a[:, :-400])
    assert np.allclose(joined[:, RATE - 400: RATE], crossfade(a[:, -400:], b[:, :400]))
    with pytest.raises(ValueError):
        crossfade(a[:, :10], b[:, :11])


def test_normalise_peak_and_wav_roundtrip(tmp_path):
    audio = _sweep(RATE) * 3.0
    level = normalise_peak(audio)
    peak_db = 20 * np.log10(np.abs(level).max())
    assert PEAK_DBFS - 0.05 < peak_db <= PEAK_DBFS
    path = write_wav(tmp_path / "a.wav", level, sample_rate=RATE)
    back, rate = read_wav(path)
    assert rate == RATE and back.shape == level.shape
    assert 20 * np.log10(np.abs(back).max()) <= PEAK_DBFS
    assert np.abs(back - level).max() < 1 / 32767 + 1e-6
    assert not list(tmp_path.glob("*.part*"))  # written through a temporary file
    assert np.array_equal(normalise_peak(np.zeros((2, 10))), np.zeros((2, 10)))


@pytest.mark.parametrize("bpm", [90.0, 128.0, 150.0])
def test_estimate_tempo_on_a_click_track(bpm):
    rate = 22050
    audio = np.zeros((1, 12 * rate), dtype=np.float32)
    click = np.sin(2 * np.pi * 1500 * np.arange(400) / rate) * np.exp(-np.arange(400) / 80)
    for k, start in enumerate(np.arange(0, 11.5, 60 / bpm)):
        i = int(start * rate)
        audio[0, i:i + 400] += click * (1.0 if k % 4 == 0 else 0.6)
    assert abs(estimate_tempo(audio, sample_rate=rate) - bpm) <= 0.02 * bpm


def test_fit_length_tiles_a_short_loop_and_cuts_a_long_one_with_a_fade_out():
    from music_gen.audio import fit_length

    loop = np.stack([np.linspace(0.1, 0.9, 100, dtype=np.float32)] * 2)
    longer = fit_length(loop, length=250, fade=10)
    assert longer.shape == (2, 250)
    np.testing.assert_array_equal(longer[:, 100:200], loop)  # the loop repeats whole
    assert abs(longer[0, -1]) < 0.05 and longer[0, -11] == loop[0, 39]  # faded only in its last 10 samples
    shorter = fit_length(loop, length=30, fade=0)
    np.testing.assert_array_equal(shorter, loop[:, :30])
    with pytest.raises(ValueError, match="length"):
        fit_length(loop, length=0, fade=0)
