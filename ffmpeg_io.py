"""The studio's one door to ffmpeg: the binary ``imageio-ffmpeg`` ships, called one way, its
stream report read by one parser, audio decoded to PCM one way.

    info = probe(path)                      # MediaInfo: streams, size, codec, length, tags
    pcm = decode_pcm(path, sr=16_000)       # float32 mono (or int16, or several channels)
    done = run(["-i", str(src), ..., str(dest)])   # anything else, output captured
    with open_pipe([...]) as proc: ...      # a stream read as it is decoded (frames)

No ffprobe ships with imageio-ffmpeg, so the probe is ffmpeg itself: given an input and no output
it prints the input's streams and exits 1. Arguments are a list, never a shell. A run past its
time limit raises ``FfmpegError`` (the studio's error type: the file cannot be used), a binary
that will not start raises ``errors.Unavailable``; what ffmpeg said about a file is reported by
``last_line`` with the server's paths replaced by file names.

A bottom module: it imports only ``errors`` of the studio's, so every stage package may use it.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from errors import Unavailable, Unusable

if TYPE_CHECKING:
    import numpy as np

#: How long one ffmpeg call may take (seconds) unless its caller says otherwise.
TIMEOUT_S = 120.0

_STREAM = re.compile(r"Stream #\d+:\d+.*?: (Video|Audio): (.*)")
_CLOCK = r"(\d+):(\d\d):(\d\d(?:\.\d+)?)"
_DURATION = re.compile(rf"Duration: {_CLOCK}")
_TIME = re.compile(rf"time={_CLOCK}")
_SIZE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?)")
_TAG = re.compile(r"^\s+(title|artist|genre)\s*: (.*?)\s*$", re.IGNORECASE | re.MULTILINE)


class FfmpegError(Unusable):
    """ffmpeg could not read or write a file, or ran past its time limit (``timed_out``); ``field``
    names the file's role (``"file"``, ``"video"``, ``"song"`` ...) as the caller gave it."""

    def __init__(self, field: str | None, message: str, *, timed_out: bool = False):
        super().__init__(field, message)
        self.timed_out = timed_out


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg (looked up once per process)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def command(args: Iterable[str], *, stdin: bool = False, exe: str | None = None) -> list[str]:
    """The argument list every call starts with: the binary, no banner and, unless ``stdin`` is
    read, ``-nostdin`` (so ffmpeg never waits on a terminal), then ``args``."""
    return [exe or ffmpeg_exe(), "-hide_banner", *([] if stdin else ["-nostdin"]), *args]


def run(args: Iterable[str], *, stdin: bytes | None = None, timeout_s: float = TIMEOUT_S, field: str = "file",
        exe: str | None = None) -> subprocess.CompletedProcess:
    """ffmpeg with ``args``, stdout and stderr captured (bytes), reading ``stdin`` when given. Its
    exit status is the caller's to judge; past ``timeout_s`` it is killed and ``FfmpegError(field, …)``
    raised; a binary that cannot start raises ``Unavailable("ffmpeg", …)``."""
    try:
        return subprocess.run(command(args, stdin=stdin is not None, exe=exe), input=stdin,
                              capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise FfmpegError(field, f"ffmpeg took longer than {timeout_s:g} s over it", timed_out=True) from None
    except OSError as exc:
        raise Unavailable("ffmpeg", f"ffmpeg could not start: {exc}") from None


def open_pipe(args: Iterable[str], *, exe: str | None = None) -> subprocess.Popen:
    """ffmpeg with ``args`` writing to a pipe (``proc.stdout``) the caller reads as it is decoded;
    its stderr is dropped. The caller kills and waits for it (``with`` does the wait)."""
    try:
        return subprocess.Popen(command(args, exe=exe), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise Unavailable("ffmpeg", f"ffmpeg could not start: {exc}") from None


def last_line(stderr: bytes | str, *, paths: Iterable[str | os.PathLike] = (), limit: int = 160) -> str:
    """ffmpeg's last line of complaint, each of ``paths`` shown by its file name only (ffmpeg names
    files by their server path, which is nobody's business), cut to ``limit`` characters."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    line = " ".join(text.strip().splitlines()[-1:])
    for path in paths:
        line = line.replace(str(path), Path(path).name)
    return line[:limit]


@dataclass(frozen=True)
class MediaInfo:
    """What ffmpeg's report says of a file. ``has_video``: a picture stream (cover art in an audio
    file does not count); ``width``/``height``: that picture as displayed (rotation applied), 0
    when none; ``video_codec``: its codec name (``h264``, ``vp9`` ...); ``duration_s``: the
    container's length, 0.0 when it names none (a streamed WebM); ``tags``: ``title``,
    ``artist``, ``genre`` where present (lower-case keys, the first of each)."""

    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    video_codec: str | None = None
    tags: dict[str, str] = field(default_factory=dict, compare=False)


def _clock(match: re.Match[str]) -> float:
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def parse_report(log: str) -> MediaInfo:
    """The one reader of ffmpeg's stream report (its stderr after ``-i``)."""
    has_video = has_audio = False
    width = height = 0
    codec = None
    for kind, rest in _STREAM.findall(log):
        if kind == "Audio":
            has_audio = True
        elif not has_video and "attached pic" not in rest:  # cover art is a "Video" stream too
            has_video = True
            codec = rest.split()[0].rstrip(",") if rest.split() else None
            size = _SIZE.search(rest)
            if size:
                width, height = int(size.group(1)), int(size.group(2))
    rotation = _ROTATION.search(log)
    if rotation and round(abs(float(rotation.group(1)))) % 180 == 90:
        width, height = height, width
    duration = _DURATION.search(log)
    tags: dict[str, str] = {}
    for name, value in _TAG.findall(log):
        if value:
            tags.setdefault(name.lower(), value)
    return MediaInfo(has_video, has_audio, width, height, _clock(duration) if duration else 0.0, codec, tags)


def progress_time(log: str) -> float | None:
    """The last ``time=`` ffmpeg reported while it worked (how far it got, seconds), or None."""
    times = list(_TIME.finditer(log))
    return _clock(times[-1]) if times else None


def probe(path: str | os.PathLike, *, timeout_s: float = TIMEOUT_S, field: str = "file",
          exe: str | None = None) -> MediaInfo:
    """The streams of ``path`` as ffmpeg reports them; a file it cannot parse has neither stream."""
    done = run(["-i", str(path)], timeout_s=timeout_s, field=field, exe=exe)
    return parse_report(done.stderr.decode("utf-8", "replace"))


def count_length(path: str | os.PathLike, *, stream: str | None = "0:v:0", copy: bool = True, max_seconds: float | None = None,
                 timeout_s: float = TIMEOUT_S, field: str = "file") -> float:
    """Seconds of ``stream`` in ``path`` counted by running through it (``copy``: without decoding)
    to nowhere, for a file whose header names no length; at most ``max_seconds`` are read."""
    args = ["-i", str(path), *(["-t", f"{max_seconds:.3f}"] if max_seconds else []),
            *(["-map", stream] if stream else []), *(["-c", "copy"] if copy else []), "-f", "null", "-"]
    return progress_time(run(args, timeout_s=timeout_s, field=field).stderr.decode("utf-8", "replace")) or 0.0


def decode_pcm(path: str | os.PathLike, *, sr: int, channels: int = 1, seconds: float | None = None,
               sample_format: str = "f32", average: bool = False, timeout_s: float = TIMEOUT_S,
               field: str = "file", exe: str | None = None) -> "np.ndarray":
    """The first audio stream of ``path`` at ``sr`` Hz: float32 (``sample_format="f32"``) or int16
    (``"s16"``), shape ``(n,)`` for one channel and ``(channels, n)`` for more, at most ``seconds``
    long. ``average``: a downmix is the channels' mean (ffmpeg's own sums stereo at -3 dB each,
    1.4x louder than a mean). Raises ``FfmpegError(field, …)`` when there is no stream ffmpeg can
    decode, naming the file and ffmpeg's last line."""
    import numpy as np

    kind = {"f32": ("f32le", "<f4"), "s16": ("s16le", "<i2")}[sample_format]
    args = ["-v", "error", "-i", str(path), "-map", "0:a:0", *(["-t", f"{seconds:.3f}"] if seconds else []),
            "-ac", str(channels), *(["-rematrix_maxval", "1"] if average else []), "-ar", str(sr),
            "-f", kind[0], "pipe:1"]
    done = run(args, timeout_s=timeout_s, field=field, exe=exe)
    if done.returncode != 0:
        tail = last_line(done.stderr, paths=[path])
        raise FfmpegError(field, f"{Path(path).name} could not be decoded ({tail or 'ffmpeg failed'})")
    data = np.frombuffer(done.stdout, dtype=kind[1]).astype(np.float32 if sample_format == "f32" else np.int16)
    return data if channels == 1 else data[: data.size // channels * channels].reshape(-1, channels).T.copy()
