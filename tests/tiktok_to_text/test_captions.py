"""Real RapidOCR on a video rendered in the test."""
from tiktok_to_text.captions import CaptionReader, dedupe_lines
from tiktok_to_text.media import ffmpeg_exe, probe


def test_dedupe_keeps_first_appearance_and_drops_near_duplicates():
    lines = ["Banana Bread", "banana  bread!", "ONLY THREE", "Banana Bread.", "0NLY THREE", "ingredients"]
    assert dedupe_lines(lines) == ["Banana Bread", "ONLY THREE", "ingredients"]


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
