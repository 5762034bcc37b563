"""Real RapidOCR on a video rendered in the test."""
import numpy as np

from tiktok_to_text.captions import CaptionReader, WordSplitter, caption_change, dedupe_lines
from tiktok_to_text.media import ffmpeg_exe, probe


def test_dedupe_keeps_first_appearance_and_drops_near_duplicates():
    lines = ["Banana Bread", "banana  bread!", "ONLY THREE", "Banana Bread.", "0NLY THREE", "ingredients"]
    assert dedupe_lines(lines) == ["Banana Bread", "ONLY THREE", "ingredients"]


def test_word_splitter_restores_dropped_spaces_only_between_known_words():
    split = WordSplitter()
    assert split("ONLYTHREE INGREDIENTS") == "ONLY THREE INGREDIENTS"
    assert split("3-STEPMORNING") == "3-STEP MORNING"
    assert split("SPFEVERYDAY!") == "SPF EVERYDAY!"
    # Real words, hashtags, short acronyms and lower-case misreads stay as read.
    assert split("Moisturizer #fyp GRWM mornlng") == "Moisturizer #fyp GRWM mornlng"


def test_caption_change_sees_a_text_band_not_scattered_noise():
    rng = np.random.default_rng(0)
    still = np.full((120, 68), 100.0, dtype=np.float32)
    sparkles = still.copy()
    sparkles[rng.integers(0, 120, 60), rng.integers(0, 68, 60)] = 255.0  # 60 scattered specks
    caption = still.copy()
    caption[60:63, 10:58] = 255.0  # one line of new text across most of the width
    assert caption_change(still, sparkles) < 0.25 < caption_change(still, caption)


def test_reads_burned_in_captions_in_order_and_skips_unchanged_frames(caption_video):
    ffmpeg = ffmpeg_exe()
    reader = CaptionReader()
    captions = reader(caption_video, probe(caption_video, ffmpeg=ffmpeg), ffmpeg=ffmpeg)
    words = " ".join(captions).lower().split()
    print("captions:", captions, "frames read/OCR'd:", reader.frames_read, reader.frames_ocred)
    for word in ("banana", "bread", "only", "three", "ingredients"):
        assert word in words
    assert words.index("banana") < words.index("ingredients")
    assert len(captions) == len({c.lower() for c in captions}) <= 3
    # 6 s at 1 frame/s, two distinct captions: most frames must be skipped.
    assert reader.frames_read >= 5
    assert reader.frames_ocred <= 3
