"""Audio helpers shared by every backend: crossfades, the loop seam, peak level, WAV files, tempo.

Audio arrays are float32 shaped ``(channels, samples)`` with values in [-1, 1].
"""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

import utils

PEAK_DBFS = -1.0
# A hair under -1 dBFS so that 16-bit rounding can never push the peak over it.
_PEAK_LINEAR = 10 ** (PEAK_DBFS / 20) * 0.999


def fade_in_curve(n: int) -> np.ndarray:
    """Raised-cosine gains rising from 0 to 1 over ``n`` samples; ``fade + fade[::-1] == 1``."""
    t = (np.arange(n, dtype=np.float64) + 0.5) / n
    return (0.5 - 0.5 * np.cos(np.pi * t)).astype(np.float32)


def crossfade(outgoing: np.ndarray, incoming: np.ndarray) -> np.ndarray:
    """Blend two equally long ``(channels, n)`` clips: ``outgoing`` fades out while ``incoming`` fades in."""
    if outgoing.shape != incoming.shape:
        raise ValueError(f"crossfade needs equal shapes, got {outgoing.shape} and {incoming.shape}")
    gain = fade_in_curve(outgoing.shape[-1])
    return outgoing * (1.0 - gain) + incoming * gain


def join_with_overlap(first: np.ndarray, second: np.ndarray, overlap: int) -> np.ndarray:
    """Concatenate two clips whose last/first ``overlap`` samples cover the same music, crossfading them."""
    if overlap <= 0:
        return np.concatenate([first, second], axis=-1)
    blended = crossfade(first[:, -overlap:], second[:, :overlap])
    return np.concatenate([first[:, :-overlap], blended, second[:, overlap:]], axis=-1)


def make_loopable(audio: np.ndarray, *, length: int, fade: int) -> np.ndarray:
    """Cut ``audio`` to ``length`` samples so that its end runs smoothly into its start.

    ``audio`` must run ``fade`` samples past ``length``; those samples continue the music past the
    loop point, so they are crossfaded into the head: the first output sample then follows the last
    one exactly as in the uninterrupted rendering, and by sample ``fade`` the head is untouched.
    """
    if audio.ndim != 2 or audio.shape[1] < length + fade:
        raise ValueError(f"make_loopable needs at least {length + fade} samples, got shape {audio.shape}")
    looped = audio[:, :length].copy()
    if fade > 0:
        looped[:, :fade] = crossfade(audio[:, length:length + fade], audio[:, :fade])
    return looped


def normalise_peak(audio: np.ndarray) -> np.ndarray:
    """Scale ``audio`` so that its peak sits just under ``PEAK_DBFS`` (silence stays silent)."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-9:
        return audio.astype(np.float32)
    return (audio * (_PEAK_LINEAR / peak)).astype(np.float32)


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    """Interleaved little-endian 16-bit samples ``(samples, channels)`` from ``(channels, samples)`` floats."""
    return np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").T.copy()


def write_wav(dest: str | Path, audio: np.ndarray, *, sample_rate: int) -> Path:
    """Write ``(channels, samples)`` float audio as a 16-bit PCM WAV, atomically."""
    pcm = to_pcm16(audio)
    with utils.atomic_path(dest) as tmp:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(audio.shape[0])
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(pcm.tobytes())
    return Path(dest)


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV into ``((channels, samples) float32, sample_rate)``."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        channels, rate = wav.getnchannels(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    pcm = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).T
    return pcm.astype(np.float32) / 32767.0, rate


def onset_envelope(audio: np.ndarray, *, sample_rate: int, hop: int = 512) -> tuple[np.ndarray, float]:
    """Half-wave rectified log-spectral flux of the mono mix; returns ``(envelope, frames_per_second)``."""
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    n_fft = 2048
    if mono.size < n_fft + hop:
        return np.zeros(1, dtype=np.float32), sample_rate / hop
    frames = np.lib.stride_tricks.sliding_window_view(mono, n_fft)[::hop]
    spectrum = np.log1p(100.0 * np.abs(np.fft.rfft(frames * np.hanning(n_fft), axis=1)))
    flux = np.maximum(np.diff(spectrum, axis=0), 0.0).sum(axis=1)
    return flux.astype(np.float32), sample_rate / hop


def estimate_tempo(audio: np.ndarray, *, sample_rate: int, min_bpm: float = 60.0, max_bpm: float = 200.0) -> float:
    """Tempo in BPM from the autocorrelation of the onset envelope.

    Each candidate beat period scores the autocorrelation at one, two and four periods (a beat
    and its bar-level multiples), which favours the beat over its half or double. Reliable on
    renders with a clear drum grid (four-on-the-floor, pop backbeat); on swung, half-time or real
    recordings it often lands on a multiple of the beat, so treat it as a check, not a detector.
    """
    env, fps = onset_envelope(audio, sample_rate=sample_rate)
    env = env - env.mean()
    if not np.any(env):
        return 0.0
    spectrum = np.fft.rfft(env, n=2 * env.size)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[: env.size]
    acf /= acf[0]
    bpms = np.arange(min_bpm, max_bpm + 0.25, 0.25)
    lags = 60.0 * fps / bpms

    def at(lag: np.ndarray) -> np.ndarray:
        return np.interp(lag, np.arange(acf.size), acf, right=0.0)

    score = at(lags) + 0.5 * at(2 * lags) + 0.25 * at(4 * lags)
    return float(bpms[int(np.argmax(score))])


def fit_length(audio: np.ndarray, *, length: int, fade: int) -> np.ndarray:
    """``(channels, samples)`` audio made exactly ``length`` samples long: tiled when shorter (a
    loopable soundtrack repeats seamlessly), cut when longer, with a ``fade``-sample fade-out so
    the cut does not click."""
    if length <= 0:
        raise ValueError(f"length must be a positive number of samples, not {length}")
    repeats = -(-length // audio.shape[1])
    fitted = np.tile(audio, (1, repeats))[:, :length].copy()
    fade = min(fade, length)
    if fade > 0:
        fitted[:, -fade:] *= fade_in_curve(fade)[::-1]
    return fitted
