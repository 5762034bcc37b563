"""Realistic TikTok-style clips built in the test from ../shared speech and music.

What real clips have and the demo library lacks: speech over background music, karaoke
captions that grow word by word with the spoken word highlighted, an on-screen title
nobody says, and platform chrome (a ``TikTok`` watermark that changes corner, an
``@handle``, a follower badge, "Joined …" profile text).
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "animate_text" / "fonts" / "DejaVuSans-Bold.ttf"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SIZE = (540, 960)  # 9:16
FPS = 10
GAP_S = 0.4        # silence between two speech recordings
CHROME = ("TikTok", "@booktok.daily", "12.3K followers", "Joined Apr 20, 2024")


@dataclass(frozen=True)
class Clip:
    path: Path
    transcript: str          # what is said, for the word error rate
    title_card: str          # on-screen text nobody says
    duration_s: float


def _duration(path: Path) -> float:
    log = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True).stderr.decode()
    h, m, s = log.split("Duration: ", 1)[1].split(",", 1)[0].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _mix(speech: list[Path], music: Path, dest: Path, *, music_db: float) -> float:
    """Speech recordings in a row with short gaps, over ``music`` ``music_db`` dB down; returns seconds."""
    inputs, labels = [], []
    for i, wav in enumerate(speech):
        inputs += ["-i", str(wav)]
        labels.append(f"[{i}:a]aresample=44100,aformat=channel_layouts=mono,apad=pad_dur={GAP_S}[s{i}]")
    chain = ";".join(labels) + ";" + "".join(f"[s{i}]" for i in range(len(speech)))
    chain += f"concat=n={len(speech)}:v=0:a=1[voice];"
    chain += (f"[{len(speech)}:a]aresample=44100,aformat=channel_layouts=mono,volume={music_db}dB[bed];"
              "[voice][bed]amix=inputs=2:duration=first:normalize=0[out]")
    subprocess.run([FFMPEG, "-y", "-v", "error", *inputs, "-stream_loop", "-1", "-i", str(music),
                    "-filter_complex", chain, "-map", "[out]", "-ac", "1", str(dest)], check=True)
    return _duration(dest)


def _timed_words(speech: list[Path]) -> list[tuple[str, float, float]]:
    """Each word with a start and end spread evenly over its recording: karaoke timing."""
    words, offset = [], 0.0
    for wav in speech:
        text = wav.with_suffix(".txt").read_text().split()
        length = _duration(wav)
        step = length / max(1, len(text))
        words += [(w.strip(".,;:!?\"").upper(), offset + i * step, offset + (i + 1) * step) for i, w in enumerate(text)]
        offset += length + GAP_S
    return words


def make_realistic_clip(dest: Path, *, speech: list[Path], music: Path, title_card: str,
                        music_db: float = -12.0, words_per_line: int = 3) -> Clip:
    """Render a 9:16 H.264 + AAC clip of ``speech`` over ``music`` with karaoke captions and chrome."""
    audio = dest.with_suffix(".wav")
    duration = _mix(speech, music, audio, music_db=music_db)
    words = _timed_words(speech)
    lines = [words[i:i + words_per_line] for i in range(0, len(words), words_per_line)]
    big, small = ImageFont.truetype(str(FONT), 36), ImageFont.truetype(str(FONT), 22)
    proc = subprocess.Popen(
        [FFMPEG, "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{SIZE[0]}x{SIZE[1]}",
         "-r", str(FPS), "-i", "-", "-i", str(audio), "-c:v", "libx264", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(dest)], stdin=subprocess.PIPE)
    for frame in range(int(duration * FPS)):
        t = frame / FPS
        # A moving gradient: real footage is never still, and captions must survive it.
        ramp = np.linspace(0, 1, SIZE[1], dtype=np.float32)[:, None]
        shade = 0.5 + 0.5 * np.sin(t / 2 + ramp * 3)
        pixels = np.stack([40 + 60 * shade, 70 + 50 * ramp + 0 * shade, 110 + 40 * shade], axis=-1)
        image = Image.fromarray(np.broadcast_to(pixels, (SIZE[1], SIZE[0], 3)).astype(np.uint8))
        draw = ImageDraw.Draw(image)
        # Chrome: the watermark jumps corner halfway, as TikTok's does.
        corner = (20, 20) if t < duration / 2 else (SIZE[0] - 180, SIZE[1] - 110)
        draw.text(corner, CHROME[0], font=big, fill="white")
        draw.text((corner[0], corner[1] + 46), CHROME[1], font=small, fill=(230, 230, 230))
        draw.text((SIZE[0] - 210, 24), CHROME[2], font=small, fill="white") if t < duration / 2 else None
        if t < 3:
            draw.text((20, SIZE[1] - 60), CHROME[3], font=small, fill=(200, 200, 200))
        draw.text((40, 170), title_card, font=big, fill=(255, 230, 0), stroke_width=3, stroke_fill="black")
        # Karaoke: the current line grows word by word; the word being said is yellow.
        current = next((line for line in lines if line[0][1] <= t < line[-1][2] + GAP_S), None)
        if current:
            x = 40
            for word, start, end in current:
                if start > t:
                    break
                fill = (255, 220, 0) if start <= t < end else "white"
                draw.text((x, 600), word, font=big, fill=fill, stroke_width=3, stroke_fill="black")
                x += int(draw.textlength(word + " ", font=big))
        proc.stdin.write(image.tobytes())
    proc.stdin.close()
    assert proc.wait() == 0, "ffmpeg could not encode the realistic clip"
    audio.unlink()
    transcript = " ".join(wav.with_suffix(".txt").read_text().strip() for wav in speech)
    return Clip(dest, transcript, title_card, duration)
