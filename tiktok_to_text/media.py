"""Reading a video file with the ffmpeg binary that imageio-ffmpeg ships: streams, audio, frames.

The binary is driven directly (not through moviepy) because all we need is
16 kHz mono PCM and a frame a second, and ffmpeg's own probe tells us which
streams exist without a second tool.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

SAMPLE_RATE = 16_000
_TIMEOUT_S = 600
_STREAM = re.compile(r"Stream #\d+:\d+.*?: (Video|Audio): (.*)")
_SIZE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?)")
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class MediaInfo:
    """What ffmpeg found in a file; ``width``/``height`` are as displayed (rotation applied)."""

    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    duration_s: float = 0.0


def probe(path: Path, *, ffmpeg: str) -> MediaInfo:
    """Streams of ``path``; a file ffmpeg cannot parse gives a MediaInfo with neither stream."""
    # Without an output ffmpeg exits 1 after printing the input's streams: that is the probe.
    run = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True, timeout=_TIMEOUT_S,
    )
    log = run.stderr.decode("utf-8", "replace")
    has_video = has_audio = False
    width = height = 0
    for kind, rest in _STREAM.findall(log):
        if kind == "Audio":
            has_audio = True
        # Cover art in an audio file is a "Video" stream too; it is flagged attached_pic.
        elif not has_video and "attached pic" not in rest:
            size = _SIZE.search(rest)
            if size:
                has_video = True
                width, height = int(size.group(1)), int(size.group(2))
    rotation = _ROTATION.search(log)
    if rotation and round(abs(float(rotation.group(1)))) % 180 == 90:
        width, height = height, width
    duration = _DURATION.search(log)
    seconds = 0.0
    if duration:
        h, m, s = duration.groups()
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
    return MediaInfo(has_video, has_audio, width, height, seconds)


def decode_audio(path: Path, *, ffmpeg: str) -> np.ndarray:
    """The first audio stream as 16 kHz mono int16 samples, shape ``(n,)``."""
    run = subprocess.run(
        [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-vn", "-ac", "1",
         "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "-"],
        capture_output=True, timeout=_TIMEOUT_S,
    )
    if run.returncode != 0:
        raise OSError(f"ffmpeg could not decode the audio: {run.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    return np.frombuffer(run.stdout, dtype=np.int16)


def frame_size(info: MediaInfo, *, max_side: int) -> tuple[int, int]:
    """Display size scaled down so the longer side is at most ``max_side``; both sides even."""
    scale = min(1.0, max_side / max(info.width, info.height))
    width = max(2, int(info.width * scale) // 2 * 2)
    height = max(2, int(info.height * scale) // 2 * 2)
    return width, height


def iter_frames(path: Path, *, ffmpeg: str, size: tuple[int, int], fps: float = 1.0) -> Iterator[np.ndarray]:
    """Frames sampled ``fps`` times a second, each RGB uint8 of shape ``(height, width, 3)``."""
    width, height = size
    frame_bytes = width * height * 3
    proc = subprocess.Popen(
        [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-an",
         "-vf", f"fps={fps},scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            buf = proc.stdout.read(frame_bytes)
            if len(buf) < frame_bytes:
                break
            yield np.frombuffer(buf, dtype=np.uint8).reshape(height, width, 3)
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
