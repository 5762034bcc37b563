"""Reading a song file into samples the features can use: mono float32 at one sample rate.

libsndfile (through ``soundfile``) reads WAV, FLAC, Ogg and MP3 in-process and tells the length
from the header; anything it cannot open (M4A/AAC above all) goes to the ffmpeg binary that
``imageio-ffmpeg`` ships, probed first for its length and then decoded to raw float32 on a
pipe (an argument list, never a shell). Either way a file is refused with
``AudioError("file", …)`` before it is decoded when it is empty, larger than ``max_bytes`` or
announces more than ``max_seconds``; and after, when nothing decodes or the result is silent.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np

from ._types import MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, AudioError, SoundsError

#: File name endings a folder scan picks up as songs (lower case; the check ignores case).
AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".flac", ".m4a")
#: The sample rate the features are computed at (Hz): librosa's default, plenty for timbre.
DEFAULT_SR = 22050
#: A decoded peak at or under this (-80 dBFS) is silence: dither and codec noise, no music.
SILENCE_PEAK = 1e-4
#: How long ffmpeg may take over one file (seconds) before the file counts as unreadable.
FFMPEG_TIMEOUT_S = 120

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+.*?: Audio: ")
_TAG = re.compile(r"^\s+(title|artist|genre)\s*: (.*?)\s*$", re.IGNORECASE | re.MULTILINE)


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


def run_ffmpeg(args: list[str], *, stdin: bytes | None = None,
               timeout_s: float = FFMPEG_TIMEOUT_S) -> subprocess.CompletedProcess:
    """The ffmpeg binary imageio-ffmpeg ships, with ``args`` (a list, never a shell), output
    captured, reading ``stdin`` when given; raises ``subprocess.TimeoutExpired`` past ``timeout_s``.
    The one door the sounds package takes to ffmpeg."""
    import imageio_ffmpeg

    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", *([] if stdin else ["-nostdin"]), *args],
                          input=stdin, capture_output=True, timeout=timeout_s)


def decode_pcm(path: str | os.PathLike, *, sr: int, channels: int = 1, seconds: float,
               timeout_s: float = FFMPEG_TIMEOUT_S) -> np.ndarray | None:
    """The first audio stream of ``path``, at most ``seconds`` long, as float32 at ``sr`` Hz:
    shape ``(n,)`` for one channel, ``(channels, n)`` for more; None when there is no stream
    ffmpeg can decode (or it took longer than ``timeout_s``)."""
    try:
        run = run_ffmpeg(["-v", "error", "-i", str(path), "-map", "0:a:0", "-t", f"{seconds:.3f}",
                          "-ac", str(channels), "-ar", str(sr), "-f", "f32le", "pipe:1"], timeout_s=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0 or not run.stdout:
        return None
    data = np.frombuffer(run.stdout, dtype="<f4").astype(np.float32)
    return data if channels == 1 else data[: data.size // channels * channels].reshape(-1, channels).T.copy()


def _ffmpeg(args: list[str]) -> subprocess.CompletedProcess:
    try:
        return run_ffmpeg(args)
    except subprocess.TimeoutExpired:
        raise AudioError("file", f"decoding took longer than {FFMPEG_TIMEOUT_S} s") from None


def _read_ffmpeg(path: Path, *, sr: int, max_seconds: float) -> tuple[np.ndarray, int, dict[str, str]]:
    """Mono float32 at ``sr`` decoded by ffmpeg, after a probe that refuses non-audio and
    over-long files without decoding them."""
    probe = _ffmpeg(["-i", str(path)])  # no output named: ffmpeg prints the streams and stops
    log = probe.stderr.decode("utf-8", "replace")
    if not _AUDIO_STREAM.search(log):
        raise AudioError("file", f"{path.name} is not an audio file we can read "
                         f"(checked by its content; we take {', '.join(s[1:] for s in AUDIO_SUFFIXES)})")
    duration = _DURATION.search(log)
    if duration:
        hours, minutes, seconds = duration.groups()
        total = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        if total > max_seconds:
            raise _too_long(path, total, max_seconds)
    tags: dict[str, str] = {}
    for name, value in _TAG.findall(log):
        tags.setdefault(name.lower(), value)
    # -t stops a stream whose header has no length one second past the cap instead of decoding all
    # of it; -rematrix_maxval 1 makes ffmpeg's downmix an average (it would sum stereo at -3 dB
    # each, 1.4x louder than libsndfile's path for the same song).
    run = _ffmpeg(["-v", "error", "-i", str(path), "-map", "0:a:0", "-t", f"{max_seconds + 1:.3f}",
                   "-ac", "1", "-rematrix_maxval", "1", "-ar", str(sr), "-f", "f32le", "pipe:1"])
    if run.returncode != 0:
        tail = " ".join(run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:])
        tail = tail.replace(str(path), path.name)[:160]  # ffmpeg names the file by its server path
        raise AudioError("file", f"{path.name} could not be decoded ({tail or 'ffmpeg failed'})")
    samples = np.frombuffer(run.stdout, dtype="<f4").astype(np.float32)
    if samples.size > max_seconds * sr:
        raise _too_long(path, samples.size / sr, max_seconds)
    return samples, sr, {name: value for name, value in tags.items() if value}
