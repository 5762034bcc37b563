"""Tiny real videos for the video-source tests, made once per session with imageio-ffmpeg."""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest


def _render(path: Path, seconds: float) -> bytes:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=size=64x112:rate=10:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-shortest", "-movflags", "+faststart", str(path)],
        check=True, timeout=60,
    )
    return path.read_bytes()


@pytest.fixture(scope="session")
def mp4_1s(tmp_path_factory) -> bytes:
    """Bytes of a 1 s, 64x112 H.264/AAC mp4 (about 16 kB)."""
    return _render(tmp_path_factory.mktemp("mp4") / "one.mp4", 1)


@pytest.fixture(scope="session")
def mp4_2s(tmp_path_factory) -> bytes:
    """Bytes of a 2 s mp4, so durations read from the file can be told apart."""
    return _render(tmp_path_factory.mktemp("mp4") / "two.mp4", 2)
