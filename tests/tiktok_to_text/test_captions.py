"""Real RapidOCR on videos rendered in the test."""
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tiktok_to_text._errors import TranscriptionError
from tiktok_to_text._types import Caption
from tiktok_to_text.captions import CaptionReader, caption_change, decode_frames
from tiktok_to_text.media import ffmpeg_exe, probe

SIZE, FPS = (360, 640), 5  # 9:16, as TikTok


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _karaoke_video(dest: Path) -> Path:
    """8 s: "SAVE MORE EACH DAY" grows a word a second (the newest word yellow) and
    stays whole from 3 s; "ONLY THREE STEPS" from 5 s. A TikTok watermark and @handle
    sit bottom left, a "12.3K followers" badge top right, over a drifting background."""
    words, font = "SAVE MORE EACH DAY".split(), _font(26)
    small, badge = _font(13), _font(20)
    cmd = [ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(dest)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for index in range(8 * FPS):
        second = index // FPS
        image = Image.new("RGB", SIZE, (40, 70 + index % 20, 110))
        draw = ImageDraw.Draw(image)
        if second < 5:
            shown = words[:min(second + 1, len(words))]
            x = 24
            for n, word in enumerate(shown):
                colour = "yellow" if n == len(shown) - 1 else "white"
                draw.text((x, 300), word, font=font, fill=colour, stroke_width=2, stroke_fill="black")
                x += draw.textlength(word + " ", font=font)
        else:
            draw.text((24, 300), "ONLY THREE STEPS", font=font, fill="white", stroke_width=2, stroke_fill="black")
        draw.text((14, 560), "TikTok", font=small, fill="white")
        draw.text((14, 580), "@trendtok.demo", font=small, fill="white")
        draw.text((190, 40), "12.3K followers", font=badge, fill="white", stroke_width=1, stroke_fill="black")
        proc.stdin.write(np.asarray(image).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0, "ffmpeg could not encode the test video"
    return dest


@pytest.fixture(scope="module")
def reader() -> CaptionReader:
    return CaptionReader(threads=2)


def test_caption_change_sees_a_text_band_not_scattered_noise():
    rng = np.random.default_rng(0)
    still = np.full((120, 68), 100.0, dtype=np.float32)
    sparkles = still.copy()
    sparkles[rng.integers(0, 120, 60), rng.integers(0, 68, 60)] = 255.0  # 60 scattered specks
    caption = still.copy()
    caption[60:63, 10:58] = 255.0  # one line of new text across most of the width
    assert caption_change(still, sparkles) < 0.15 < caption_change(still, caption)


@pytest.mark.parametrize("kwargs", [{"min_score": 1.5}, {"fps": 0}, {"threads": 0}, {"det_side": 2000},
                                    {"min_height": -0.1}, {"change_threshold": 1.0}])
def test_bad_arguments_raise_the_package_error(kwargs):
    with pytest.raises(TranscriptionError):
        CaptionReader(**kwargs)


def test_decode_frames_samples_once_a_second_and_can_stop_early(caption_video):
    frames = list(decode_frames(caption_video, ffmpeg=ffmpeg_exe(), size=(180, 320), fps=1.0))
    assert [t for t, _ in frames] == [float(i) for i in range(len(frames))]
    assert 5 <= len(frames) <= 7 and frames[0][1].shape == (320, 180, 3)
    first = next(iter(decode_frames(caption_video, ffmpeg=ffmpeg_exe(), size=(180, 320), fps=1.0)))
    assert first[0] == 0.0  # a generator dropped after one frame cleans up without hanging


def test_reads_burned_in_captions_in_order_and_skips_unchanged_frames(caption_video, reader):
    ffmpeg = ffmpeg_exe()
    read_before, ocred_before = reader.frames_read, reader.frames_ocred
    captions = reader(caption_video, probe(caption_video, ffmpeg=ffmpeg), ffmpeg=ffmpeg)
    print("captions:", captions)
    assert all(isinstance(c, Caption) and not c.spoken for c in captions)
    words = " ".join(c.text for c in captions).lower().split()
    for word in ("banana", "bread", "only", "three", "ingredients"):
        assert word in words
    assert words.index("banana") < words.index("ingredients")
    assert len(captions) == len({c.text.lower() for c in captions}) <= 3
    assert captions[0].start_s == 0.0
    assert [c.start_s for c in captions] == sorted(c.start_s for c in captions)
    # 6 s at 1 frame/s, two distinct captions: most frames must be skipped.
    assert reader.frames_read - read_before >= 5
    assert reader.frames_ocred - ocred_before <= 3


@pytest.mark.slow  # OCR over every frame of a realistic clip
def test_karaoke_caption_is_one_clean_line_and_app_chrome_is_dropped(tmp_path, reader):
    video = _karaoke_video(tmp_path / "karaoke.mp4")
    ffmpeg = ffmpeg_exe()
    captions = reader(video, probe(video, ffmpeg=ffmpeg), ffmpeg=ffmpeg)
    print("captions:", captions)
    assert [c.text.split() for c in captions] == [["SAVE", "MORE", "EACH", "DAY"], ["ONLY", "THREE", "STEPS"]]
    assert captions[0].start_s == 0.0  # when "SAVE" alone appeared, not when the line was whole
    assert 4.0 <= captions[1].start_s <= 6.0
    text = " ".join(c.text for c in captions).lower()
    for chrome in ("tiktok", "@", "followers", "12.3"):
        assert chrome not in text
