"""The demo-library generator's helpers, and the committed library it produced."""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "tiktok_videos" / "library"
SIDECAR_TYPES = {"title": str, "description": str, "narration": str, "captions": list, "author": str,
                 "plays": int, "duration_s": float}


@pytest.fixture(scope="module")
def mdl():
    """The script as a module (scripts/ is not a package)."""
    name = "make_demo_library_under_test"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_demo_library.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(name, None)


def test_word_error_rate_counts_word_edits(mdl):
    assert mdl.word_error_rate("One two three four.", "one too three") == (0.5, 4)  # 1 swap + 1 drop
    assert mdl.word_error_rate("Hello, World!", "hello world") == (0.0, 2)
    assert mdl.word_error_rate("a b", "x a b y") == (1.0, 2)  # 2 insertions
    with pytest.raises(mdl.DemoLibraryError, match="reference"):
        mdl.word_error_rate("...", "anything")


def test_caption_schedule_tiles_the_video_and_rejects_bad_pacing(mdl):
    slots = mdl.caption_schedule(4, 12.0)
    assert slots == [(0.0, 3.0), (3.0, 6.0), (6.0, 9.0), (9.0, 12.0)]
    with pytest.raises(mdl.DemoLibraryError, match="captions"):
        mdl.caption_schedule(4, 20.0)  # 5 s each: too slow to read as TikTok captions
    with pytest.raises(mdl.DemoLibraryError, match="captions"):
        mdl.caption_schedule(6, 9.0)


def test_content_covers_five_categories_of_three_videos(mdl):
    keys = [c.key for c in mdl.CATEGORIES]
    assert {"food", "beauty", "travel", "fashion", "tech"} <= set(keys)
    slugs = [v.slug for c in mdl.CATEGORIES for v in c.videos]
    assert len(slugs) == len(set(slugs)) == 3 * len(keys)
    for category in mdl.CATEGORIES:
        assert 3 <= len(category.hashtags) <= 4
        assert category.folder == " - ".join("#" + tag for tag in category.hashtags)
        for video in category.videos:
            assert 2 <= len(mdl._sentences(video.narration)) <= 4, video.slug
            assert all(f"#{tag}" in video.description for tag in category.hashtags), video.slug
            assert all(caption.strip() for caption in video.captions), video.slug


def test_frame_renderer_is_deterministic_and_draws_a_boxed_white_caption(mdl):
    category = mdl.CATEGORIES[0]
    video = category.videos[0]
    render = mdl.FrameRenderer(category, video, duration_s=12.0)
    frame = render(1.0)
    assert frame.shape == (mdl.HEIGHT, mdl.WIDTH, 3) and frame.dtype == np.uint8
    assert np.array_equal(frame, mdl.FrameRenderer(category, video, duration_s=12.0)(1.0))
    assert not np.array_equal(frame, render(1.5))  # the background moves
    band = frame[int(mdl.HEIGHT * 0.62):int(mdl.HEIGHT * 0.78)]
    white = (band.min(axis=2) > 235).mean()
    dark = (band.max(axis=2) < 90).mean()
    assert white > 0.02 and dark > 0.05, (white, dark)
    with pytest.raises(mdl.DemoLibraryError, match="motif"):
        mdl.FrameRenderer(mdl.DemoCategory("x", ("X",), category.palette, "confetti", ()), video, duration_s=12.0)


@pytest.mark.slow  # renders a demo video and reads it back with OCR
def test_rendered_caption_is_read_back_by_ocr(mdl):
    from rapidocr_onnxruntime import RapidOCR

    category = mdl.CATEGORIES[1]
    video = category.videos[1]  # "5-MINUTE MAKEUP" first
    frame = mdl.FrameRenderer(category, video, duration_s=12.0)(1.0)
    result, _ = RapidOCR()(frame[:, :, ::-1].copy())  # rapidocr takes OpenCV's BGR order
    text = mdl.caption_text(result)  # the title says "5-minute makeup" too: look only where captions go
    assert text.split() == video.captions[0].split(), text


@pytest.mark.skipif(shutil.which("flite") is None, reason="Debian package flite is not installed")
def test_synthesised_narration_is_padded_and_understood_by_sphinx(mdl, tmp_path):
    import speech_recognition as sr

    text = "Bake it for thirty minutes. You only have one pan to wash."
    seconds = mdl.synthesise(text, tmp_path / "n.wav")
    with wave.open(str(tmp_path / "n.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert wav.getnframes() / wav.getframerate() == pytest.approx(seconds)
    assert seconds == pytest.approx(mdl.MIN_DURATION_S)  # short text is padded up to the minimum length
    recognizer = sr.Recognizer()
    with sr.AudioFile(str(tmp_path / "n.wav")) as source:
        heard = recognizer.recognize_sphinx(recognizer.record(source))
    wer, _ = mdl.word_error_rate(text, heard)
    assert wer < 0.5, heard


def _probe(path: Path) -> str:
    import imageio_ffmpeg

    run = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True)
    return run.stderr


def test_committed_library_follows_the_layout_contract(mdl):
    total = 0
    for category in mdl.CATEGORIES:
        folder = LIBRARY / category.folder
        assert all(tag.startswith("#") and " " not in tag for tag in folder.name.split(" - "))
        for video in category.videos:
            mp4, sidecar_path = folder / f"{video.slug}.mp4", folder / f"{video.slug}.json"
            sidecar = json.loads(sidecar_path.read_text("utf-8"))
            assert {k: type(v) for k, v in sidecar.items()} == SIDECAR_TYPES, video.slug
            assert sidecar["narration"] == video.narration and sidecar["captions"] == list(video.captions)
            assert sidecar["author"] == "TrendTok demo"
            assert 8.0 <= sidecar["duration_s"] <= 20.0
            info = _probe(mp4)
            assert re.search(r"Video: h264 .*yuv420p.*540x960", info), info
            assert "Audio: aac" in info, info
            seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
            assert float(seconds[2]) + 60 * int(seconds[1]) == pytest.approx(sidecar["duration_s"], abs=0.1)
            head = mp4.read_bytes()[:4096]
            assert 0 <= head.find(b"moov") < 64, video.slug  # faststart: the index comes first
            total += mp4.stat().st_size + sidecar_path.stat().st_size
    assert total < 8 * 1024 * 1024, total
