import pytest

from summariser import INSTRUMENTS, MOODS
from summariser._song import build_song_description, parse_song_description


@pytest.mark.parametrize("mood", MOODS)
def test_every_mood_gives_a_parseable_description_for_many_seeds(mood):
    tempos = set()
    for seed in range(40):
        text = build_song_description(mood, seed=seed)
        parsed = parse_song_description(text)
        assert parsed is not None, text
        assert parsed["mood"] == mood
        assert 60 <= parsed["bpm"] <= 180
        assert all(i in INSTRUMENTS for i in parsed["instruments"])
        assert text == build_song_description(mood, seed=seed)
        tempos.add(parsed["bpm"])
    assert len(tempos) > 3  # the content varies the tempo inside the mood's range


def test_the_exact_sentence_format():
    text = build_song_description("chill", seed=7)
    assert text.startswith("A chill ") and " track at " in text and text.endswith(".")
    assert " BPM in a major key with " in text


def test_vowel_moods_take_an_and_both_articles_parse():
    from music_gen.description import parse_description

    for mood in ("energetic", "epic"):
        text = build_song_description(mood, seed=3)
        assert text.startswith(f"An {mood} ") and parse_song_description(text)["mood"] == mood
        assert parse_description(text).mood == mood  # the composer reads the same sentence
    assert parse_song_description(text.replace("An ", "A ", 1))["mood"] == "epic"


@pytest.mark.parametrize("bad", [
    "A chill lo-fi track at 300 BPM in a major key with piano, bass and drums.",
    "A chill lo-fi track at 80 BPM in a major key with kazoo, bass and drums.",
    "A sleepy lo-fi track at 80 BPM in a major key with piano, bass and drums.",
    "A chill lo-fi track at 80 BPM in a major key with piano, piano and drums.",
    "chill lo-fi, 80 bpm, piano",
    "",
])
def test_malformed_descriptions_are_rejected(bad):
    assert parse_song_description(bad) is None
