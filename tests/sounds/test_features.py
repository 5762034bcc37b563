"""audio_features: the layout, the shared-STFT path against librosa's one-call-per-feature way
on real clips, what the numbers mean on a pure tone, and the inputs it refuses."""
from __future__ import annotations

import numpy as np
import pytest

from sounds._types import AudioError, SoundsError
from sounds.audio import load_audio
from sounds.features import FEATURE_DIM, FEATURE_LAYOUT, N_FFT, audio_features, reference_features

SR = 22050


def _close(fast: np.ndarray, reference: np.ndarray) -> float:
    """Worst difference, relative to each value (to 1 for values under 1 in size)."""
    fast, reference = fast.astype(np.float64), reference.astype(np.float64)
    return float(np.max(np.abs(fast - reference) / np.maximum(np.abs(reference), 1.0)))


def test_layout_tiles_the_vector():
    covered = np.zeros(FEATURE_DIM, dtype=int)
    for part in FEATURE_LAYOUT.values():
        covered[part] += 1
    assert FEATURE_DIM == 70 and (covered == 1).all()
    assert FEATURE_LAYOUT["mfcc_mean"] == slice(0, 20) and FEATURE_LAYOUT["zcr_std"] == slice(69, 70)


@pytest.mark.slow  # librosa over the real clips
def test_shared_stft_agrees_with_librosa_per_feature_on_real_clips(shared_data):
    clips = sorted((shared_data / "music").glob("*.ogg"))
    assert len(clips) >= 8
    for clip in clips:
        samples = load_audio(clip)[: 30 * SR]
        fast = audio_features(samples, sr=SR)
        assert fast.shape == (FEATURE_DIM,) and fast.dtype == np.float32
        assert _close(fast, reference_features(samples, sr=SR)) <= 1e-5, clip.name


def test_agrees_on_edge_signals_too():
    rng = np.random.default_rng(4)
    burst = np.zeros(3 * SR, dtype=np.float32)  # silent frames: a 0 Hz centroid and roll-off in both
    burst[SR: 2 * SR] = rng.normal(0, 0.3, SR)
    for samples in (burst, rng.normal(0, 0.1, N_FFT).astype(np.float32), rng.normal(0, 0.1, 12345)):
        assert _close(audio_features(samples, sr=SR), reference_features(samples, sr=SR)) <= 1e-5


def test_a_pure_tone_reads_as_what_it_is():
    t = np.arange(4 * SR) / SR
    vector = audio_features(0.5 * np.sin(2 * np.pi * 440.0 * t), sr=SR)
    chroma = vector[FEATURE_LAYOUT["chroma_mean"]]
    assert int(np.argmax(chroma)) == 9 and chroma[9] > 2 * np.sort(chroma)[-2]  # A, well clear of the rest
    assert abs(vector[FEATURE_LAYOUT["centroid_mean"]][0] - 440) < 60  # Hz; the Hann window's leakage pulls up
    assert abs(vector[FEATURE_LAYOUT["zcr_mean"]][0] - 2 * 440 / SR) < 0.002
    # Steady: every frame alike but the two at the ends, whose edge padding has no crossings.
    assert vector[FEATURE_LAYOUT["zcr_std"]][0] < 0.1 * vector[FEATURE_LAYOUT["zcr_mean"]][0]


@pytest.mark.parametrize("samples", [np.zeros((2, SR), dtype=np.float32), np.zeros(SR, dtype=np.int16),
                                     np.zeros(N_FFT - 1, dtype=np.float32),
                                     np.full(SR, np.nan, dtype=np.float32)])
def test_refuses_what_is_not_mono_float_audio(samples):
    with pytest.raises(AudioError) as caught:
        audio_features(samples, sr=SR)
    assert caught.value.field == "audio"


def test_refuses_a_bad_rate():
    with pytest.raises(SoundsError) as caught:
        audio_features(np.zeros(SR, dtype=np.float32), sr=0)
    assert caught.value.field == "sr"
