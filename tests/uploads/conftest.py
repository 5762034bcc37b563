"""Files a creator might send: real clips and music, and things that only look like them."""
from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from tiktok_videos import LIBRARY_DIR


@pytest.fixture(scope="session")
def media(tmp_path_factory, shared_data_or_none) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    files: dict[str, Path] = {}
    demo = next(LIBRARY_DIR.glob("#Foodie*/*.mp4"))
    files["mp4"] = folder / "clip.bin"  # the stored name says nothing; the bytes do
    shutil.copyfile(demo, files["mp4"])
    files["wav"] = folder / "tone.wav"
    with wave.open(str(files["wav"]), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        t = np.arange(16000 * 2) / 16000
        out.writeframes((np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes())
    files["text"] = folder / "notes.mp4"
    files["text"].write_text("this is a text file named like a video\n" * 20)
    files["png"] = folder / "cover.mp4"
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    data = demo.read_bytes()
    files["truncated"] = folder / "truncated.mp4"  # a valid header and no body: a transfer cut short
    files["truncated"].write_bytes(data[:2048])
    if shared_data_or_none is not None:
        files["ogg"] = shared_data_or_none / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg"
        files["real"] = next((shared_data_or_none / "tiktok" / "videos").glob("*.mp4"))
    return files


@pytest.fixture(scope="session")
def shared_data_or_none():
    from tests.conftest import SHARED_DATA

    return SHARED_DATA if SHARED_DATA.is_dir() else None
