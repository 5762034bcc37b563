"""The title matcher: the same song under case, punctuation and "(feat. …)" variants, artist
and title scored apart, nothing unrelated over the threshold, and the songs CSVs against the
real Apify catalog."""
from __future__ import annotations

import csv

import pyarrow as pa
import pytest

from sounds import CatalogError, SoundsError
from sounds.matching import MIN_TOTAL_SCORE, TitleMatcher, normalise_title
from trend_lake import Lake
from trend_lake.catalog import posts

CATALOG = [("s1", "Blinding Lights", "The Weeknd"), ("s2", "Don't Start Now", "Dua Lipa"),
           ("s3", "Levitating (feat. DaBaby)", "Dua Lipa"), ("s4", "Anxiety", "Doechii"),
           ("s5", "original sound - Bri", "Bri"), ("s6", "Save Your Tears", "The Weeknd")]


@pytest.fixture(scope="module")
def matcher():
    ids, titles, authors = zip(*CATALOG)
    return TitleMatcher(sound_ids=ids, titles=titles, authors=authors)


def _best(matches):
    return (matches[0].sound_id, matches[0].title_score, matches[0].artist_score, matches[0].total_score)


def test_an_exact_title_and_artist_score_one(matcher):
    assert _best(matcher.match("Blinding Lights", "The Weeknd")) == ("s1", 1.0, 1.0, 1.0)


@pytest.mark.parametrize("title, artist", [
    ("BLINDING LIGHTS", "the weeknd"), ("blinding lights!!", "THE WEEKND"), ("Blinding  Lights.", "The  Weeknd"),
    ("Blinding Lights (feat. Someone Else)", "The Weeknd"), ("Blinding Lights [ft. X]", "The Weeknd"),
    ("Blinding Lights feat. X & Y", "The Weeknd feat. Z"), ("Ｂｌｉｎｄｉｎｇ Ｌｉｇｈｔｓ", "The Weeknd"),
])
def test_case_punctuation_width_and_feat_are_the_same_song(matcher, title, artist):
    assert _best(matcher.match(title, artist)) == ("s1", 1.0, 1.0, 1.0)


def test_a_feat_in_the_catalog_title_is_removed_too_and_apostrophes_do_not_count(matcher):
    assert _best(matcher.match("Levitating", "Dua Lipa")) == ("s3", 1.0, 1.0, 1.0)
    assert _best(matcher.match("Dont Start Now", "Dua Lipa")) == ("s2", 1.0, 1.0, 1.0)


def test_an_unrelated_title_is_under_the_threshold_even_by_the_same_artist(matcher):
    assert matcher.match("Completely Unrelated Words", "Dua Lipa") == []
    near = matcher.match("Completely Unrelated Words", "Dua Lipa", min_score=0.0, limit=6)
    assert {m.sound_id for m in near if m.artist_score == 1.0} == {"s2", "s3"}
    assert all(m.total_score < MIN_TOTAL_SCORE and m.title_score < 0.3 for m in near)


def test_title_and_artist_are_scored_apart(matcher):
    [other] = matcher.match("Anxiety", "Somebody Else", min_score=0.0, limit=1)
    assert (other.sound_id, other.title_score, other.artist_score, other.total_score) == ("s4", 1.0, 0.0, 0.5)
    assert matcher.match("Anxiety", "Somebody Else") == []  # the same title by another artist: another song
    assert _best(matcher.match("Anxiety", None)) == ("s4", 1.0, 0.0, 1.0)  # no artist: the title decides
    by_artist = matcher.match("Save Your Tears (Remix)", "The Weeknd", limit=2)
    assert [m.sound_id for m in by_artist] == ["s6"] and by_artist[0].artist_score == 1.0


def test_an_unseen_word_is_not_ignored(matcher):
    [best] = matcher.match("Zzqx Lights", None, min_score=0.0, limit=1)
    assert best.sound_id == "s1" and best.title_score < 0.6


def test_an_original_sound_names_no_song(matcher):
    assert normalise_title("original sound - Bri") == normalise_title("เสียงต้นฉบับ - Jarinya") == ""
    assert matcher.match("original sound - Bri", "Bri") == []
    assert matcher.match("original sound", None) == []


def test_match_many_is_match_for_each_pair(matcher):
    pairs = [("Blinding Lights", "The Weeknd"), ("Anxiety", None), ("nothing like it", "nobody"),
             ("Levitating", "Dua Lipa")]
    assert matcher.match_many(pairs, limit=3) == [matcher.match(t, a, limit=3) for t, a in pairs]
    assert matcher.match_many([], limit=3) == []


def test_ties_are_ordered_by_sound_id():
    matcher = TitleMatcher(sound_ids=["b", "c", "a"], titles=["Same Song"] * 3, authors=["Same Band"] * 3)
    assert [m.sound_id for m in matcher.match("Same Song", "Same Band")] == ["a", "b", "c"]
    assert [m.sound_id for m in matcher.match("Same Song", "Same Band", limit=2)] == ["a", "b"]


@pytest.mark.parametrize("call, field", [
    (lambda m: m.match("x", None, limit=0), "limit"), (lambda m: m.match("x", None, limit=101), "limit"),
    (lambda m: m.match("", None), "title"), (lambda m: m.match(None, None), "title"),
    (lambda m: m.match("x", 5), "artist"), (lambda m: m.match("x" * 301, None), "title"),
    (lambda m: m.match("x", None, min_score=2), "min_score"), (lambda m: m.match_many("xy"), "pairs"),
    (lambda m: m.match_many([("a", "b", "c")]), "pairs"),
])
def test_bad_arguments_name_their_field(matcher, call, field):
    with pytest.raises(SoundsError) as caught:
        call(matcher)
    assert caught.value.field == field


def test_a_bad_catalog_is_a_catalog_error():
    with pytest.raises(CatalogError, match="no sounds"):
        TitleMatcher(sound_ids=[], titles=[], authors=[])
    with pytest.raises(CatalogError, match="more than once"):
        TitleMatcher(sound_ids=["a", "a"], titles=["x", "y"], authors=[None, None])
    with pytest.raises(CatalogError, match="lack"):
        TitleMatcher.from_table(pa.table({"music_id": ["a"]}))


def test_a_catalog_of_original_sounds_only_matches_nothing():
    matcher = TitleMatcher(sound_ids=["a", "b"], titles=["original sound", None], authors=[None, None])
    assert matcher.match("Blinding Lights", "The Weeknd") == []


def test_from_table_takes_each_sound_once_named_by_its_first_row():
    table = pa.table({"music_id": ["m1", "m2", "m1", None], "track": ["Up", "Freak", "Up (remix)", "Gone"],
                      "artist": ["Cardi B", "Doja Cat", "x", "y"]})
    matcher = TitleMatcher.from_table(table)
    assert (matcher.sound_ids, matcher.titles) == (["m1", "m2"], ["Up", "Freak"])


def test_the_songs_csvs_find_their_tiktok_sounds_in_the_real_catalog(exports, tmp_path):
    lake = Lake(tmp_path / "lake")
    lake.ingest(exports / "apify_trending.csv", profile="apify")
    matcher = TitleMatcher.from_table(posts(lake))
    songs = sorted({(row["track_name"], row["artist_name"]) for year in (2019, 2020, 2021, 2022)
                    for row in csv.DictReader(open(exports / f"TikTok_songs_{year}.csv", encoding="utf-8"))})
    found = {song: matches[0] for song, matches in zip(songs, matcher.match_many(songs, limit=1)) if matches}
    named = {song: (match.title, match.author) for song, match in found.items()}
    # Each of these, checked by eye, is the song (or its TikTok version) and nothing else is found.
    assert named[("Laxed – Siren Beat", "Jawsh 685")] == ("Laxed", "Jawsh 685")
    assert named[("Savage Love (Laxed - Siren Beat)", "Jawsh 685")] == ("Laxed", "Jawsh 685")
    assert named[("Gangsta", "Kehlani")] == ("Gangsta (Harley Quinn & Joker Flashback Version)", "Kehlani")
    assert named[("Money Trees", "Kendrick Lamar")] == ("Money Trees", "Kendrick Lamar")
    assert all(m.artist_score > 0.5 for m in found.values())
    assert ("Maps", "Maroon 5") not in found and ("Paradise", "Coldplay") not in found
