"""Caption lines from OCR boxes, on plain strings and boxes: no OCR model needed."""
import pytest

from tiktok_to_text.caption_lines import CaptionLines, TextBox, WordSplitter, is_chrome, lines_from_boxes, merge_lines


def test_boxes_on_one_row_join_left_to_right_and_rows_read_top_to_bottom():
    boxes = [
        TextBox("PAN", 200, 300, 260, 340),
        TextBox("DINNER", 20, 352, 160, 390),   # second row
        TextBox("ONE", 40, 302, 120, 338),      # same row as PAN, a little higher
        TextBox("Title here", 30, 40, 300, 70),
    ]
    assert lines_from_boxes(boxes) == ["Title here", "ONE PAN", "DINNER"]


def test_a_wide_gap_on_a_row_starts_a_second_line():
    boxes = [TextBox("left side", 0, 100, 100, 130), TextBox("far right", 300, 100, 400, 130)]
    assert lines_from_boxes(boxes) == ["left side", "far right"]


@pytest.mark.parametrize("text", [
    "TikTok", "TikTol", "@cambe.dev", "TikTok @cambe", "Joined Apr 20, 2024", "800k+", "12.3K followers",
    "1.2M likes", "12.3K Followers 1.2M Likes", "42", "2024", "J", "ok", "#1",
])
def test_platform_chrome_numbers_and_fragments_are_dropped(text):
    assert is_chrome(text)


@pytest.mark.parametrize("text", ["SPF", "GRWM", "READY IN 10", "3 steps to glow", "Incoming Stitch!!!", "BAKE 30 MIN"])
def test_captions_are_not_chrome(text):
    assert not is_chrome(text)


def test_word_splitter_restores_dropped_spaces_only_between_common_words():
    split = WordSplitter()
    assert split("IT'SSIMPLERTHAN") == "IT'S SIMPLER THAN"
    assert split("ONLYTHREE INGREDIENTS") == "ONLY THREE INGREDIENTS"
    assert split("3-STEPMORNING") == "3-STEP MORNING"
    assert split("SPFEVERYDAY!") == "SPF EVERYDAY!"  # an acronym in front of a word
    # Real words, hashtags, handles, short acronyms and misreads stay as read.
    assert split("Moisturizer #fyp GRWM SPF mornlng CONCEALER #skincareroutine") == \
        "Moisturizer #fyp GRWM SPF mornlng CONCEALER #skincareroutine"


def test_karaoke_growth_repeats_and_misreads_are_one_line_at_its_first_time():
    captions = merge_lines([
        (0.0, ["IMAGINE"]),
        (1.0, ["IMAGINE BANKING"]),
        (2.0, ["IMAGINE BANKING AN EXTRA 10K"]),
        (3.0, ["IMAGINE BANKlNG AN EXTRA 1OK"]),          # re-read with OCR slips
        (4.0, ["TikTok", "@saver", "ONLYTHREE STEPS"]),
        (5.0, ["ONLY THREE STEPS"]),
        (6.0, ["BANKING AN EXTRA"]),                       # a part of an earlier line
        (9.0, ["IMAGINE BANKING AN EXTRA 10K"]),           # the caption again, later
    ])
    assert [(c.text, c.start_s) for c in captions] == [
        ("IMAGINE BANKING AN EXTRA 10K", 0.0), ("ONLY THREE STEPS", 4.0)]
    assert not any(c.spoken for c in captions)


def test_a_line_read_with_its_spaces_replaces_the_run_together_reading():
    lines = CaptionLines()
    lines.add(["youreaman and yougo"], time_s=1.0)
    lines.add(["you're a man and you go"], time_s=2.0)
    assert [(c.text, c.start_s) for c in lines.captions()] == [("you're a man and you go", 1.0)]


def test_distinct_lines_keep_order_of_first_appearance():
    captions = merge_lines([(0.0, ["Banana Bread", "banana  bread!"]), (1.0, ["ONLY THREE", "Banana Bread."]),
                            (2.0, ["0NLY THREE", "ingredients"])])
    assert [c.text for c in captions] == ["Banana Bread", "ONLY THREE", "ingredients"]
    assert [c.start_s for c in captions] == [0.0, 1.0, 2.0]
