"""Real test media made on the fly: Pillow frames with burned-in captions, piped to ffmpeg."""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SIZE = (360, 640)  # 9:16, as TikTok
FPS = 5


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def make_video(dest: Path, captions: list[tuple[str, float]], *, audio: Path | None = None) -> Path:
    """An H.264 MP4 showing each (text, seconds) caption in turn over a slowly moving
    background; ``audio`` (any file ffmpeg reads) becomes its sound track."""
    font = _font(30)
    cmd = [FFMPEG, "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(FPS), "-i", "-"]
    if audio is not None:
        # apad + shortest: the video length rules, a short sound track is padded with silence.
        cmd += ["-i", str(audio), "-af", "apad", "-c:a", "aac", "-shortest"]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(dest)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    frame_index = 0
    for text, seconds in captions:
        for _ in range(round(seconds * FPS)):
            # A gentle colour drift: real videos are never still, captions must survive it.
            shade = 60 + (frame_index % 20)
            image = Image.new("RGB", SIZE, (30, shade, 120))
            draw = ImageDraw.Draw(image)
            for row, line in enumerate(text.split("\n")):
                draw.text((24, 280 + 44 * row), line, font=font, fill="white", stroke_width=2, stroke_fill="black")
            proc.stdin.write(np.asarray(image).tobytes())
            frame_index += 1
    proc.stdin.close()
    assert proc.wait() == 0, "ffmpeg could not encode the test video"
    return dest


@pytest.fixture(scope="session")
def caption_video(tmp_path_factory) -> Path:
    """6 s silent video: "BANANA BREAD" for 3 s, then "ONLY THREE INGREDIENTS" for 3 s."""
    return make_video(tmp_path_factory.mktemp("video") / "captions.mp4",
                      [("BANANA BREAD", 3.0), ("ONLY THREE\nINGREDIENTS", 3.0)])


@pytest.fixture(scope="session")
def speech_video(tmp_path_factory, shared_data) -> tuple[Path, str]:
    """A captioned video whose sound track is a LibriVox sentence; returns (path, transcript)."""
    wav = shared_data / "speech" / "librivox-0880.wav"
    path = make_video(tmp_path_factory.mktemp("video") / "speech.mp4",
                      [("SUNDAY RESET", 2.0), ("morning routine", 2.0)], audio=wav)
    return path, (wav.with_suffix(".txt")).read_text().strip()
