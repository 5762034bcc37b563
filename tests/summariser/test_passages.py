"""Passages: checked, put in reading order, cut into sentences that remember their sources."""
import re

import pytest

from summariser import Passage, SummaryError
from summariser._passages import reading_order, sentence_units, sources_of, validate_inputs


def test_strings_are_transcripts_and_bad_passages_name_the_field():
    passages, tags = validate_inputs(["said this", Passage("Title", "title", "v1")], ("a",))
    assert passages[0] == Passage("said this", "transcript") and tags == ["a"]
    for bad, field in [([Passage("x", "ocr")], "documents[0].kind"),
                       ([Passage(3, "title")], "documents[0].text"),
                       (["ok", Passage("x", "caption", "v", float("nan"))], "documents[1].start_s"),
                       ([Passage("x", "caption", 7)], "documents[0].video_id"),
                       ([b"bytes"], "documents[0]")]:
        with pytest.raises(SummaryError, match=re.escape(field)):
            validate_inputs(bad, [])


def test_reading_order_is_kind_then_video_then_time():
    given = [Passage("cap", "caption", "b", 3.0), Passage("t2", "transcript", "b", 5.0),
             Passage("desc", "description", "a"), Passage("t1", "transcript", "b", 1.0),
             Passage("ta", "transcript", "a", 9.0), Passage("title", "title", "b"), Passage("  ", "title", "a")]
    # Transcripts, titles, descriptions, captions; video "b" first (it appears first); time order.
    assert [p.text for p in reading_order(given)] == ["t1", "t2", "ta", "title", "desc", "cap"]


def test_a_sentence_across_segments_keeps_both_and_a_capital_starts_a_new_one():
    passages = [Passage("the membership gives people weekly prompts", "transcript", "v", 14.1),
                Passage("and the community helps each other grow", "transcript", "v", 17.0),
                Passage("Then I post every single day.", "transcript", "v", 20.0)]
    units = sentence_units(passages)
    assert [u.text for u in units] == [
        "The membership gives people weekly prompts and the community helps each other grow.",
        "Then I post every single day."]
    assert [u.passages for u in units] == [(0, 1), (2,)]
    assert [s["start_s"] for s in sources_of(passages, units[0].passages)] == [14.1, 17.0]


def test_a_repeated_line_is_one_unit_citing_both_passages_and_noise_is_marked():
    passages = [Passage("Build the community first.", "transcript", "v", 0.0),
                Passage("build the community first", "caption", "v", 4.0),
                Passage("Joined Oct 16,2023", "caption", "v", 5.0)]
    first, noise = sentence_units(passages)
    assert first.passages == (0, 1) and first.speech and first.well_formed
    assert noise.garbled and not noise.well_formed
    assert sources_of(passages, first.passages) == [
        {"video_id": "v", "kind": "transcript", "start_s": 0.0}, {"video_id": "v", "kind": "caption", "start_s": 4.0}]
