"""Reading a video file for the text stage: streams, 16 kHz audio, the frame size OCR reads at.

ffmpeg is reached through ``ffmpeg_io`` (the studio's one door to it); this module fixes what the
text stage asks of it: 16 kHz mono int16 PCM for the transcribers and a frame size for OCR.
``ffmpeg`` arguments name the binary to use (the bundled one by default), resolved once per reader.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

import ffmpeg_io
from ffmpeg_io import MediaInfo, ffmpeg_exe

__all__ = ["SAMPLE_RATE", "MediaInfo", "decode_audio", "ffmpeg_exe", "frame_size", "probe"]

SAMPLE_RATE = 16_000
_TIMEOUT_S = 600


def probe(path: Path, *, ffmpeg: str | None = None) -> MediaInfo:
    """Streams of ``path``; a file ffmpeg cannot parse gives a MediaInfo with neither stream."""
    return ffmpeg_io.probe(path, timeout_s=_TIMEOUT_S, exe=ffmpeg)


def decode_audio(path: Path, *, ffmpeg: str | None = None) -> np.ndarray:
    """The first audio stream as 16 kHz mono int16 samples, shape ``(n,)``; ``ffmpeg_io.FfmpegError``
    when it will not decode."""
    return ffmpeg_io.decode_pcm(path, sr=SAMPLE_RATE, sample_format="s16", timeout_s=_TIMEOUT_S, exe=ffmpeg)


def frame_size(info: MediaInfo, *, max_side: int) -> tuple[int, int]:
    """Display size scaled down so the longer side is at most ``max_side``; both sides even."""
    scale = min(1.0, max_side / max(info.width, info.height))
    width = max(2, int(info.width * scale) // 2 * 2)
    height = max(2, int(info.height * scale) // 2 * 2)
    return width, height
