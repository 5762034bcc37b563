from music_gen.description import INSTRUMENTS, MOODS, parse_description


def test_summariser_template_is_read_field_by_field():
    brief = parse_description("A nostalgic synthwave track at 104 BPM in a major key with electric piano, synth bass and drums.")
    assert brief.mood == "nostalgic"
    assert brief.genre == "synthwave"
    assert brief.bpm == 104.0 and brief.bpm_from_text
    assert brief.mode == "major"  # the text overrides the mood's usual minor
    assert brief.instruments == ("electric piano", "synth bass", "drums")
    assert brief.drums


def test_every_template_mood_and_instrument_is_understood():
    for mood in MOODS:
        for a, b, c in zip(INSTRUMENTS[0::3], INSTRUMENTS[1::3], INSTRUMENTS[2::3]):
            text = f"A {mood} pop track at 100 BPM in a minor key with {a}, {b} and {c}."
            brief = parse_description(text)
            assert brief.mood == mood, text
            assert brief.instruments == (a, b, c), text


def test_free_text_fills_the_rest_from_the_mood():
    brief = parse_description("dreamy lo-fi with piano, 80 bpm")
    assert (brief.mood, brief.genre, brief.bpm, brief.instruments) == ("dreamy", "lo-fi", 80.0, ("piano",))
    assert brief.mode == "major"  # dreamy's default
    assert brief.drums  # lo-fi is a beat genre

    vague = parse_description("something spooky for halloween")
    assert vague.mood == "dark" and vague.mode == "minor" and not vague.bpm_from_text
    assert 50 <= vague.bpm <= 200

    nothing = parse_description("for my cat video")
    assert nothing.mood == "happy" and nothing.instruments == ()


def test_longest_instrument_name_wins_and_no_drums_is_respected():
    brief = parse_description("epic trailer with no drums, a synth bass and strings")
    assert brief.instruments == ("synth bass", "strings")  # not also "bass", and drums dropped
    assert not brief.drums


def test_tempo_is_clamped_to_a_playable_range():
    assert parse_description("happy 400 bpm polka").bpm == 200.0
    assert parse_description("chill 20 bpm drone").bpm == 50.0


def test_a_named_key_is_read_but_the_template_article_is_not():
    assert parse_description("A happy pop track at 120 BPM in a minor key with piano.").tonic is None
    assert parse_description("A chill track in a major key").tonic is None
    named = parse_description("chill beat in F# minor, 90 bpm")
    assert (named.tonic, named.mode) == ("F#", "minor")
    assert parse_description("romantic piano ballad in Db major").tonic == "C#"
    assert parse_description("epic theme in A minor").tonic == "A"
    assert parse_description("Bb major funk").tonic == "Bb"
