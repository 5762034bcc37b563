"""Reading a song file into samples the features can use: mono float32 at one sample rate.

libsndfile (through ``soundfile``) reads WAV, FLAC, Ogg and MP3 in-process and tells the length
from the header; anything it cannot open (M4A/AAC above all) goes to the ffmpeg binary that
``imageio-ffmpeg`` ships (through ``ffmpeg_io``), probed first for its length and then
decoded to raw float32 on a pipe. Either way a file is refused with
``AudioError("file", …)`` before it is decoded when it is empty, larger than ``max_bytes`` or
announces more than ``max_seconds``; and after, when nothing decodes or the result is silent.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import ffmpeg_io

from ._types import MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, AudioError, SoundsError

#: File name endings a folder scan picks up as songs (lower case; the check ignores case).
AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".flac", ".m4a")
#: The sample rate the features are computed at (Hz): librosa's default, plenty for timbre.
DEFAULT_SR = 22050
#: A decoded peak at or under this (-80 dBFS) is silence: dither and codec noise, no music.
SILENCE_PEAK = 1e-4
#: How long ffmpeg may take over one file (seconds) before the file counts as unreadable.
FFMPEG_TIMEOUT_S = 120


def load_audio(path: str | os.PathLike, *, sr: int = DEFAULT_SR, max_seconds: float = MAX_AUDIO_SECONDS,
               max_bytes: int = MAX_AUDIO_BYTES) -> np.ndarray:
    """The song at ``path`` as mono float32 samples at ``sr`` Hz, shape ``(n_samples,)``, in [-1, 1].

    Raises ``AudioError("file", …)`` for a missing, empty (0-byte), over-``max_bytes``, non-audio,
    over-``max_seconds`` or silent file, and ``SoundsError`` naming ``sr``, ``max_seconds`` or
    ``max_bytes`` when those are out of range.
    """
    samples, _ = read_audio(path, sr=sr, max_seconds=max_seconds, max_bytes=max_bytes)
    return samples


def read_audio(path: str | os.PathLike, *, sr: int = DEFAULT_SR, max_seconds: float = MAX_AUDIO_SECONDS,
               max_bytes: int = MAX_AUDIO_BYTES) -> tuple[np.ndarray, dict[str, str]]:
    """``load_audio`` plus the tags the decoder read on the way (``title``, ``artist``, ``genre``,
    lower-case keys, only those present), so a folder scan needs no second pass over each file."""
    if isinstance(sr, bool) or not isinstance(sr, int) or not 1000 <= sr <= 192_000:
        raise SoundsError("sr", f"must be a whole number of Hz from 1000 to 192000, not {sr!r}")
    if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) or not max_seconds > 0:
        raise SoundsError("max_seconds", f"must be a positive number of seconds, not {max_seconds!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise SoundsError("max_bytes", f"must be a positive whole number of bytes, not {max_bytes!r}")
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise AudioError("file", f"{path.name} does not exist or cannot be read") from None
    if not path.is_file():
        raise AudioError("file", f"{path.name} is not a file")
    if size == 0:
        raise AudioError("file", f"{path.name} is empty (0 bytes)")
    if size > max_bytes:
        raise AudioError("file", f"{path.name} is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.1f} MiB cap")

    decoded = _read_soundfile(path, max_seconds=max_seconds)
    if decoded is None:
        samples, native_sr, tags = _read_ffmpeg(path, sr=sr, max_seconds=max_seconds)
    else:
        samples, native_sr, tags = decoded
    if native_sr != sr:
        import librosa  # only here: importing it costs a second, and most callers already match

        samples = librosa.resample(samples, orig_sr=native_sr, target_sr=sr).astype(np.float32, copy=False)
    if samples.size == 0:
        raise AudioError("file", f"{path.name} holds no audio samples")
    if not np.isfinite(samples).all():
        raise AudioError("file", f"{path.name} decodes to samples that are not numbers (a broken float file)")
    if float(np.max(np.abs(samples))) <= SILENCE_PEAK:
        raise AudioError("file", f"{path.name} is silent (its loudest sample is under -80 dBFS)")
    return np.ascontiguousarray(samples, dtype=np.float32), tags


def _too_long(path: Path, seconds: float, max_seconds: float) -> AudioError:
    return AudioError("file", f"{path.name} lasts {seconds:.1f} s, longer than the {max_seconds:g} s cap")


def _read_soundfile(path: Path, *, max_seconds: float) -> tuple[np.ndarray, int, dict[str, str]] | None:
    """Mono float32 at the file's own rate, its rate and its tags; ``None`` when libsndfile
    cannot open the file (then ffmpeg gets a go)."""
    import soundfile

    try:
        handle = soundfile.SoundFile(path)
    except (soundfile.LibsndfileError, RuntimeError, TypeError):
        return None
    with handle:
        native_sr = handle.samplerate
        if handle.frames > 0 and handle.frames / native_sr > max_seconds:
            raise _too_long(path, handle.frames / native_sr, max_seconds)
        tags = {name: value.strip() for name in ("title", "artist", "genre")
                if (value := getattr(handle, name, "") or "").strip()}
        # One frame past the cap, so a header that under-reports the length is still caught.
        limit = int(max_seconds * native_sr) + 1
        try:
            frames = handle.read(frames=limit, dtype="float32", always_2d=True)
        except (soundfile.LibsndfileError, RuntimeError) as error:
            raise AudioError("file", f"{path.name} could not be decoded ({error})") from None
    if len(frames) >= limit:
        raise _too_long(path, len(frames) / native_sr, max_seconds)
    # The channels' mean, as librosa.to_mono does, so a file reads the same whichever path took it.
    samples = frames[:, 0] if frames.shape[1] == 1 else frames.mean(axis=1, dtype=np.float32)
    return samples, native_sr, tags


def _ffmpeg_failed(error: ffmpeg_io.FfmpegError) -> AudioError:
    if error.timed_out:
        return AudioError("file", f"decoding took longer than {FFMPEG_TIMEOUT_S} s")
    return AudioError("file", error.text)


def _read_ffmpeg(path: Path, *, sr: int, max_seconds: float) -> tuple[np.ndarray, int, dict[str, str]]:
    """Mono float32 at ``sr`` decoded by ffmpeg, after a probe that refuses non-audio and
    over-long files without decoding them."""
    try:
        probe = ffmpeg_io.probe(path, timeout_s=FFMPEG_TIMEOUT_S)
    except ffmpeg_io.FfmpegError as error:
        raise _ffmpeg_failed(error) from None
    if not probe.has_audio:
        raise AudioError("file", f"{path.name} is not an audio file we can read "
                         f"(checked by its content; we take {', '.join(s[1:] for s in AUDIO_SUFFIXES)})")
    if probe.duration_s > max_seconds:
        raise _too_long(path, probe.duration_s, max_seconds)
    # -t stops a stream whose header has no length one second past the cap instead of decoding all
    # of it; the average downmix reads a song as libsndfile's path does (the channels' mean).
    try:
        samples = ffmpeg_io.decode_pcm(path, sr=sr, seconds=max_seconds + 1, average=True, timeout_s=FFMPEG_TIMEOUT_S)
    except ffmpeg_io.FfmpegError as error:
        raise _ffmpeg_failed(error) from None
    if samples.size > max_seconds * sr:
        raise _too_long(path, samples.size / sr, max_seconds)
    return samples, sr, dict(probe.tags)
