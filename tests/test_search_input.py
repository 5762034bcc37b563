"""Validation of hashtags, duration and seed: every accepted shape, every refusal names its field."""
import pytest

from search_input import (InputError, normalise_tag, parse_duration, parse_optional_tags, parse_search_request,
                          parse_seed, parse_tags)


@pytest.mark.parametrize("raw, expected", [
    ("#Foodie", ("Foodie",)),
    ("foodie", ("foodie",)),
    ('[{"value":"Foodie"},{"value":"CookingHacks"}]', ("Foodie", "CookingHacks")),
    (["#Foodie", "CookingHacks"], ("Foodie", "CookingHacks")),
    ([{"value": "Travel"}], ("Travel",)),
    ("Foodie, CookingHacks  #OOTD", ("Foodie", "CookingHacks", "OOTD")),
    ("Foodie foodie FOODIE", ("Foodie",)),                       # case-insensitive duplicates collapse
    ("ＦＯＯＤＩＥ", ("FOODIE",)),                                # NFKC folds full-width letters
    ("#อาหาร", ("อาหาร",)),                                       # Thai with its combining vowels
    ("#طبخ", ("طبخ",)),                                           # Arabic
    ("#खाना", ("खाना",)),                                         # Devanagari with a matra
    ("tips_2024", ("tips_2024",)),
])
def test_accepted_tag_shapes(raw, expected):
    assert parse_tags(raw) == expected


@pytest.mark.parametrize("raw, needle", [
    (None, "give 1 to 5"),
    ("", "give 1 to 5"),
    ([], "give 1 to 5"),
    ("a b c d e f", "at most 5"),
    ("../x", "only letters"),
    ("a/b", "only letters"),
    ("#", "not a hashtag"),
    ("x" * 51, "longer than 50"),
    ("[not json", "not valid JSON"),
    ([1, 2], "must be a string"),
    (42, "expected a list"),
    ("tag<script>", "only letters"),
])
def test_refused_tags_name_the_field(raw, needle):
    with pytest.raises(InputError) as caught:
        parse_tags(raw)
    assert caught.value.field == "tags"
    assert str(caught.value).startswith("tags: ")
    assert needle in str(caught.value)


@pytest.mark.parametrize("raw", [None, "", "   ", " , ;", [], [""], ["", " "], "[]"])
def test_optional_tags_that_name_no_hashtag_are_none(raw):
    # A studio job documents "0 to 5" hashtags: a blank string or list is none, not a 400.
    assert parse_optional_tags(raw) == ()


@pytest.mark.parametrize("raw, expected", [("Foodie", ("Foodie",)), (["", "#Travel"], ("Travel",))])
def test_optional_tags_are_parsed_as_tags(raw, expected):
    assert parse_optional_tags(raw) == expected


@pytest.mark.parametrize("raw, needle", [("a b c d e f", "at most 5"), ("#", "not a hashtag"), ([1], "must be a string")])
def test_optional_tags_are_held_to_the_tag_rules(raw, needle):
    with pytest.raises(InputError, match=needle):
        parse_optional_tags(raw)


def test_normalised_tag_keeps_display_case():
    assert normalise_tag("##CookingHacks") == "CookingHacks"


@pytest.mark.parametrize("raw, expected", [(None, 15), ("", 15), (5, 5), ("60", 60), (30.0, 30)])
def test_durations(raw, expected):
    assert parse_duration(raw) == expected


@pytest.mark.parametrize("raw", [7, 600, 0, -5, "ten", True, 12.5, 65])
def test_bad_durations(raw):
    with pytest.raises(InputError) as caught:
        parse_duration(raw)
    assert caught.value.field == "duration"


def test_seed():
    assert parse_seed(None) is None
    assert parse_seed("7") == 7
    with pytest.raises(InputError, match="^seed: "):
        parse_seed(-1)
    with pytest.raises(InputError, match="^seed: "):
        parse_seed(2**31)


def test_request_body_must_be_an_object():
    with pytest.raises(InputError, match="^body: "):
        parse_search_request(["Foodie"])
    request = parse_search_request({"tags": ["Foodie"], "duration": 20})
    assert request.tags == ("Foodie",) and request.duration == 20 and request.seed is None


def test_hashtags_in_text_follow_the_tag_rules_as_tiktok_reads_them():
    from search_input import hashtags_in

    # TikTok's own parse of these captions (the Apify export's hashtag columns) is the reference.
    assert hashtags_in("Morning! #fyp #fypシ #foryoupage❤️❤️ #famous?") == ["fyp", "fypシ", "foryoupage", "famous"]
    assert hashtags_in("#fypシ゚viral #trend") == ["fypシ゚viral", "trend"]  # the sound mark combines: one tag
    assert hashtags_in("#Toothless#nightfury # alone ##") == ["Toothless", "nightfury"]
    assert hashtags_in("") == [] and hashtags_in("no tags here") == []
