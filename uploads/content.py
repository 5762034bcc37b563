"""What an uploaded file really is: its magic bytes first, then ffmpeg reading its streams.

Names and declared types decide nothing: a ``.mp4`` that is a ZIP is refused, a ``.bin`` that
is an MP4 is accepted. ffmpeg decodes the first second, so a file with a valid header and a
broken body is refused here rather than halfway through a job.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ._types import UploadRejected

#: Formats we take, by family: what ``sniff`` can name.
VIDEO_FORMATS = ("mp4", "mov", "webm", "avi")
AUDIO_FORMATS = ("m4a", "mp3", "wav", "ogg", "flac")
SNIFF_BYTES = 64

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+.*?: (Video|Audio): (.*)")


@dataclass(frozen=True)
class MediaInfo:
    """``media``: ``"video"`` when a picture stream is there, else ``"audio"``; ``format`` from the
    magic bytes; ``duration_s`` in seconds."""

    media: str
    format: str
    duration_s: float


def sniff(head: bytes) -> str | None:
    """The container format the first bytes of a file announce (one of ``VIDEO_FORMATS`` or
    ``AUDIO_FORMATS``), or ``None`` for anything else (text, images, archives, executables)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return "mp3"
    return None


def _seconds(match: re.Match[str]) -> float:
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _ffmpeg(args: list[str]) -> subprocess.CompletedProcess:
    import imageio_ffmpeg

    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
                          capture_output=True, timeout=120)


def inspect(path: Path, *, max_seconds: float) -> MediaInfo:
    """Check the file at ``path`` by content; raises ``UploadRejected`` naming ``content`` (not a
    video or audio file, unreadable) or ``duration`` (longer than ``max_seconds``)."""
    with open(path, "rb") as handle:
        fmt = sniff(handle.read(SNIFF_BYTES))
    if fmt is None:
        raise UploadRejected("content", "not a video or audio file we can read (checked by its bytes, not its name; "
                             f"we take {', '.join(VIDEO_FORMATS + AUDIO_FORMATS)})")
    run = _ffmpeg(["-i", str(path), "-t", "1", "-map", "0:v:0?", "-map", "0:a:0?", "-f", "null", "-"])
    log = run.stderr.decode("utf-8", "replace")
    streams = [(kind, rest) for kind, rest in _STREAM.findall(log) if "attached pic" not in rest]
    if run.returncode != 0 or not streams:
        tail = " ".join(log.strip().splitlines()[-1:])[:160]
        raise UploadRejected("content", f"the {fmt} file could not be decoded ({tail or 'no audio or video stream'})")
    media = "video" if any(kind == "Video" for kind, _ in streams) else "audio"
    duration = _DURATION.search(log)
    seconds = _seconds(duration) if duration else None
    if seconds is None:  # streamed WebM (a browser's MediaRecorder) has no length in its header
        full = _ffmpeg(["-i", str(path), "-t", f"{max_seconds + 1:.0f}", "-f", "null", "-"])
        times = list(_TIME.finditer(full.stderr.decode("utf-8", "replace")))
        seconds = _seconds(times[-1]) if times else 0.0
    if seconds <= 0:
        raise UploadRejected("content", f"the {fmt} file has no playable length")
    if seconds > max_seconds:
        raise UploadRejected("duration", f"{seconds:.1f} s is longer than the {max_seconds:.0f} s this studio takes")
    return MediaInfo(media=media, format=fmt, duration_s=round(seconds, 3))
