"""A song's timbre and harmony as one fixed-length vector, from one short-time Fourier transform.

``audio_features`` takes the STFT once per clip (``N_FFT`` = 2048-sample Hann windows every
``HOP_LENGTH`` = 512 samples, centred, zero-padded: librosa's defaults) and derives every
spectral feature from it: the magnitude ``|X|`` feeds the spectral centroid and roll-off, the
power ``|X|²`` feeds the mel spectrogram (then MFCCs) and the chromagram, exactly what each
librosa function would have computed for itself. The zero-crossing rate is read off the
samples. Each per-frame feature is summarised by its mean and (population) standard deviation
over the clip's frames, in float64, and the vector is stored as float32, shape ``(FEATURE_DIM,)``:

    ====================  =====  ===================================================
    name                  slice  units
    ====================  =====  ===================================================
    ``mfcc_mean``         0:20   MFCC 0–19 (DCT-II, ortho, of the mel power in dB)
    ``mfcc_std``          20:40  same
    ``chroma_mean``       40:52  C, C#, … B energy, each frame scaled to max 1
    ``chroma_std``        52:64  same
    ``centroid_mean``     64:65  Hz
    ``centroid_std``      65:66  Hz
    ``rolloff_mean``      66:67  Hz below which 85 % of the magnitude lies
    ``rolloff_std``       67:68  Hz
    ``zcr_mean``          68:69  sign changes per sample pair in a 2048-sample frame
    ``zcr_std``           69:70  same
    ====================  =====  ===================================================

``reference_features`` is the seed-004 way, kept for the bench and the agreement test: each
librosa feature called on the raw samples, so each takes its own STFT (four of them), with the
same parameters and so the same layout and, to float rounding, the same numbers.

The chromagram's tuning is fixed at A = 440 Hz (``tuning=0``) in both: librosa would otherwise
estimate it per clip with a pitch tracker (a third of the chroma's cost), and a per-segment
estimate shifts energy between neighbouring pitch classes, so two cuts of one song differ more.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._types import AudioError, SoundsError

N_FFT = 2048
HOP_LENGTH = 512
N_MFCC = 20
N_CHROMA = 12
ROLL_PERCENT = 0.85
CHROMA_TUNING = 0.0
#: librosa.zero_crossings' default: samples this close to 0 count as 0 (non-negative).
ZC_THRESHOLD = np.float32(1e-10)

_BLOCKS = (("mfcc", N_MFCC), ("chroma", N_CHROMA), ("centroid", 1), ("rolloff", 1), ("zcr", 1))


def _layout() -> dict[str, slice]:
    layout, start = {}, 0
    for name, rows in _BLOCKS:
        for stat in ("mean", "std"):
            layout[f"{name}_{stat}"] = slice(start, start + rows)
            start += rows
    return layout


#: Where each summary lies in the vector: ``name`` → ``slice`` (see the module docstring).
FEATURE_LAYOUT: dict[str, slice] = _layout()
#: The vector's length.
FEATURE_DIM: int = max(part.stop for part in FEATURE_LAYOUT.values())


def _check(y, sr) -> np.ndarray:
    if isinstance(sr, bool) or not isinstance(sr, (int, np.integer)) or sr <= 0:
        raise SoundsError("sr", f"must be a positive whole number of Hz, not {sr!r}")
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.floating):
        raise AudioError("audio", f"must be mono float samples, shape (n_samples,), not {y.dtype} {y.shape}")
    if y.size < N_FFT:
        raise AudioError("audio", f"{y.size} samples is shorter than one {N_FFT}-sample frame")
    if not np.isfinite(y).all():
        raise AudioError("audio", "holds samples that are not numbers (NaN or infinite)")
    # float32 everywhere: librosa's STFT would run in complex64 anyway, and the zero-crossing
    # threshold must compare in the same precision as librosa's kernel does.
    return np.ascontiguousarray(y, dtype=np.float32)


@lru_cache(maxsize=8)
def _mel_basis(sr: int) -> np.ndarray:
    import librosa

    basis = librosa.filters.mel(sr=sr, n_fft=N_FFT)
    basis.setflags(write=False)
    return basis


def _zero_crossing_rate(y: np.ndarray) -> np.ndarray:
    """librosa's ``zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP_LENGTH)``, shape
    ``(1, n_frames)``, from one pass over the samples instead of a copy per overlapping frame.

    A frame of ``N_FFT`` samples counts the sign changes between its ``N_FFT - 1`` neighbouring
    pairs and divides by ``N_FFT``; counts are whole numbers, so the cumulative sum is exact."""
    padded = np.pad(y, N_FFT // 2, mode="edge")
    negative = padded < -ZC_THRESHOLD
    changes = np.concatenate(([0], np.cumsum(negative[1:] != negative[:-1], dtype=np.int64)))
    starts = np.arange(0, len(padded) - N_FFT + 1, HOP_LENGTH)
    counts = changes[starts + N_FFT - 1] - changes[starts]
    return (counts / N_FFT)[np.newaxis, :]


def _centroid_rolloff(magnitude: np.ndarray, *, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """librosa's ``spectral_centroid`` and ``spectral_rolloff`` of a magnitude spectrogram
    ``(1 + N_FFT/2, n_frames)``, each ``(1, n_frames)`` in Hz, without their checks and
    normalised copies of the whole spectrogram (each took as long as the STFT itself).

    The centroid divides by the same float32 column sums librosa normalises by (so a frame of
    zeros is 0 Hz there as here) and differs from it only in float rounding; the roll-off takes
    the same float32 cumulative sums and so the same bin."""
    freqs = _bin_frequencies(sr)
    totals = magnitude.sum(axis=0)
    weighted = freqs @ magnitude.astype(np.float64)
    centroid = np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals >= np.finfo(np.float32).tiny)
    cumulative = np.cumsum(magnitude, axis=0)
    reached = cumulative >= ROLL_PERCENT * cumulative[-1]
    rolloff = freqs[np.argmax(reached, axis=0)]
    return centroid[np.newaxis, :], rolloff[np.newaxis, :]


@lru_cache(maxsize=8)
def _bin_frequencies(sr: int) -> np.ndarray:
    import librosa

    freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)
    freqs.setflags(write=False)
    return freqs


def _summarise(parts: dict[str, np.ndarray]) -> np.ndarray:
    """Each ``(rows, n_frames)`` feature's mean and std over frames, in ``FEATURE_LAYOUT`` order."""
    vector = np.empty(FEATURE_DIM, dtype=np.float64)
    for name, _ in _BLOCKS:
        frames = np.asarray(parts[name], dtype=np.float64)
        vector[FEATURE_LAYOUT[f"{name}_mean"]] = frames.mean(axis=1)
        vector[FEATURE_LAYOUT[f"{name}_std"]] = frames.std(axis=1)
    return vector.astype(np.float32)


def audio_features(y: np.ndarray, *, sr: int) -> np.ndarray:
    """The feature vector of mono samples ``y`` (shape ``(n_samples,)``, at least ``N_FFT`` of
    them) at ``sr`` Hz: float32, shape ``(FEATURE_DIM,)``, laid out as ``FEATURE_LAYOUT``.

    Raises ``AudioError("audio", …)`` for samples that are not 1-D floats, too short or not
    finite, ``SoundsError("sr", …)`` for a bad rate."""
    import librosa

    y = _check(y, sr)
    magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP_LENGTH))
    power = magnitude ** 2  # what librosa's own _spectrogram(power=2) computes from the same STFT
    mel_db = librosa.power_to_db(_mel_basis(sr) @ power)
    centroid, rolloff = _centroid_rolloff(magnitude, sr=sr)
    return _summarise({
        "mfcc": librosa.feature.mfcc(S=mel_db, sr=sr, n_mfcc=N_MFCC),
        "chroma": librosa.feature.chroma_stft(S=power, sr=sr, tuning=CHROMA_TUNING, n_chroma=N_CHROMA),
        "centroid": centroid,
        "rolloff": rolloff,
        "zcr": _zero_crossing_rate(y),
    })


def reference_features(y: np.ndarray, *, sr: int) -> np.ndarray:
    """``audio_features`` the seed-004 way: every librosa feature on the raw samples, each
    taking its own STFT. Same input, output and errors; several times slower. For the bench and
    the agreement test only."""
    import librosa

    y = _check(y, sr)
    frames = {"n_fft": N_FFT, "hop_length": HOP_LENGTH}
    return _summarise({
        "mfcc": librosa.feature.mfcc(y=y, sr=sr, n_mfcc=N_MFCC, **frames),
        "chroma": librosa.feature.chroma_stft(y=y, sr=sr, tuning=CHROMA_TUNING, n_chroma=N_CHROMA, **frames),
        "centroid": librosa.feature.spectral_centroid(y=y, sr=sr, **frames),
        "rolloff": librosa.feature.spectral_rolloff(y=y, sr=sr, roll_percent=ROLL_PERCENT, **frames),
        "zcr": librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP_LENGTH),
    })
