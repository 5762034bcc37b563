import json

import pytest

from summariser import MOODS
from summariser._reply import UnusableReply, extract_json_object, nearest_mood, repair_reply
from summariser._song import parse_song_description

GOOD = {
    "summary": "A creator shows a five-ingredient garlic pasta. She boils the pasta, melts butter with "
               "garlic, adds cream and parmesan, and tops it with basil.",
    "keywords": ["garlic pasta", "parmesan", "easy dinner"],
    "idea": {"title": "Garlic pasta, step by step", "concept": "Show the finished pasta first.",
             "twist_title": "Played in reverse", "twist_concept": "Rewind from the plate to the pot."},
    "mood": "happy",
    "song_description": "A happy pop track at 118 BPM in a major key with acoustic guitar, bass and claps.",
}


def test_code_fences_and_prose_around_the_object_are_stripped():
    text = json.dumps(GOOD)
    assert extract_json_object(f"```json\n{text}\n```") == GOOD
    assert extract_json_object(f"Sure! Here is your plan:\n{text}\nHope it helps {{smile}}") == GOOD
    assert extract_json_object("no json here, only {braces and words}") is None
    assert extract_json_object('["a list", "is not an object"]') is None


def test_a_good_reply_passes_unchanged():
    fields, notes = repair_reply(dict(GOOD), tags=[], seed=1)
    assert notes == []
    assert fields == {k: GOOD[k] for k in fields}


def test_safe_repairs():
    data = dict(GOOD, summary=" ".join(["This is one sentence of ten words in a row."] * 10),
                keywords=[f"k{i}" for i in range(14)], mood="Melancholic",
                song_description="a sad piano song")
    fields, notes = repair_reply(data, tags=[], seed=1)
    assert len(fields["summary"].split()) <= 80 and fields["summary"].endswith(".")
    assert len(fields["keywords"]) == 10
    assert fields["mood"] == "nostalgic"
    parsed = parse_song_description(fields["song_description"])
    assert parsed and parsed["mood"] == "nostalgic"
    assert len(notes) == 4


def test_few_keywords_are_padded_from_tags_and_a_string_list_is_split():
    fields, _ = repair_reply(dict(GOOD, keywords="pasta"), tags=["CookingHacks", "fyp", "DinnerIdeas"], seed=1)
    assert fields["keywords"] == ["pasta", "cooking hacks", "dinner ideas"]


def test_a_song_in_another_mood_is_rebuilt_to_match():
    fields, notes = repair_reply(dict(GOOD, mood="dark"), tags=[], seed=5)
    assert parse_song_description(fields["song_description"])["mood"] == "dark"


@pytest.mark.parametrize("change", [
    {"summary": ""}, {"summary": None}, {"idea": "just a string"},
    {"idea": dict(GOOD["idea"], twist_concept="")}, {"keywords": []}, {"keywords": 7},
])
def test_unrecoverable_replies_raise(change):
    with pytest.raises(UnusableReply):
        repair_reply(dict(GOOD, **change), tags=[], seed=1)


def test_nearest_mood_always_answers_with_a_known_mood():
    assert nearest_mood("CHILL") == "chill"
    assert nearest_mood("calm and cozy") == "chill"
    assert nearest_mood("energtic") == "energetic"
    assert nearest_mood("zzzz") in MOODS
