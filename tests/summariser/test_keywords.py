"""Keyword candidates, weights and spelling (the ranking itself runs on the model in test_minilm)."""
from summariser import Passage
from summariser._keywords import MIN_REPEATED, candidates, display, pad, surface_forms, weight
from summariser._passages import sentence_units


def _units(*passages):
    return sentence_units(list(passages))


def test_a_passing_mention_drops_out_once_enough_phrases_repeat():
    said = "AI tools grow my community membership with weekly coaching calls and paid templates."
    units = _units(Passage(f"I am not a dev but {said}", "transcript", "v", 0.0),
                   Passage(said, "transcript", "v", 3.0))
    counts = candidates(units, [])
    assert counts["ai"] == 2 and counts["community"] == 2 and counts["membership"] == 2
    assert len([p for p, n in counts.items() if n >= 2]) >= MIN_REPEATED
    assert "dev" not in counts
    # One short clip names its topic once: with few repeats, single sightings stay.
    once = candidates(_units(Passage("I am not a dev but I use AI for my community.", "transcript", "v", 0.0),
                             Passage("AI helps the community.", "transcript", "v", 3.0)), [])
    assert once["ai"] == 2 and "dev" in once
    short = candidates(_units(Passage("Easy dinner recipe", "title", "v")), [])
    assert set(short) >= {"easy dinner recipe", "dinner", "recipe"}  # a short input keeps single sightings


def test_ocr_noise_feeds_no_candidate_and_hashtags_count_twice():
    units = _units(Passage("Joined Oct 16,2023", "caption", "v", 1.0),
                   Passage("ThePorwththerihtarkinhat sfwarerpdidyouguysseto", "caption", "v", 2.0),
                   Passage("Paid membership tips", "title", "v"))
    counts = candidates(units, ["side hustle"])
    assert not {"joined", "oct", "theporwththerihtarkinhat"} & set(counts)
    assert counts["side hustle"] == 2


def test_over_speech_a_caption_nobody_says_needs_a_second_sighting_and_banners_never_count():
    # What the real clip shows over its speech: a reaction overlay and TikTok's stitch banner.
    talk = [Passage("If you go watch the movie Barbie you are a beta.", "transcript", "v", 0.0),
            Passage("I can't come see the new Barbie movie.", "transcript", "v", 3.0)]
    overlays = [Passage("BUCK ITS", "caption", "v", 1.0), Passage("Incoming Stitch!!", "caption", "v", 2.0),
                Passage("BARBIE", "caption", "v", 4.0)]
    counts = candidates(_units(*talk, *overlays), [])
    assert "buck" not in counts and not {"incoming", "stitch", "incoming stitch"} & set(counts)
    assert counts["barbie"] == 3  # a caption that repeats what is said still counts
    # Without speech the captions are all there is: one sighting is enough, but a banner is still a banner.
    silent = candidates(_units(*overlays), [])
    assert "buck" in silent and "barbie" in silent and "stitch" not in silent
    # Per video: in a search, a silent video's captions keep their weight beside a talking one.
    units = _units(*talk, *overlays)
    mixed = candidates(units, [], talks=[u.kind == "transcript" or "BUCK" in u.text.upper() for u in units])
    assert "buck" not in mixed and "barbie" in mixed


def test_a_banner_is_cut_out_of_a_caption_and_the_rest_still_counts():
    counts = candidates(_units(Passage("Part 2: easy sourdough", "caption", "v", 1.0),
                              Passage("Replying to @maria sourdough starter", "caption", "v", 3.0)), [])
    assert counts["sourdough"] == 2 and "part" not in counts and "replying" not in counts


def test_weight_favours_repeated_specific_words():
    assert weight("membership", 2) > weight("dev", 1)
    assert weight("people", 3) < weight("community", 3)


def test_acronyms_keep_their_capitals_but_shouting_does_not_count():
    units = _units(Passage("I use AI and ChatGPT every day.", "transcript", "v", 0.0),
                   Passage("SAVE THIS FOR LATER", "caption", "v", 1.0))
    forms = surface_forms(units, ["#ASMR", "CookingHacks"])
    assert forms == {"ai": "AI", "chatgpt": "ChatGPT", "asmr": "ASMR"}
    assert display("ai tools", forms) == "AI tools" and display("later", forms) == "later"


def test_pad_tops_up_to_three_and_cuts_at_ten():
    assert pad(["ai"]) == ["ai", "short video", "creator trend"]
    assert len(pad([str(i) for i in range(12)])) == 10
