"""Trending sounds for hashtags: the ranking on the real exports against a computation by hand
from the files themselves, the arguments the studio refuses, and the rising view over dated
snapshots."""
from __future__ import annotations

import csv
import json

import pyarrow as pa
import pytest

from search_input import hashtags_in, normalise_tag
from sounds import CatalogError, SoundsError
from sounds.trending import TopPost, trending_sounds
from trend_lake import Lake
from trend_lake.catalog import post_history, posts

DAY = 86_400
T0 = 1_700_000_000


# -- the real exports, by hand ----------------------------------------------------------------
def _tag_set(listed, text):
    """The post's tags as the studio matches them: listed names and #words, NFKC, case-folded."""
    found = set()
    for raw in [*listed, *hashtags_in(text or "")]:
        try:
            found.add(normalise_tag(raw).casefold())
        except ValueError:
            pass
    return found


def _score(views, likes, comments, shares):
    return sum(weight * int(value or 0) for weight, value in zip((1, 2, 3, 4), (views, likes, comments, shares)))


def _apify(path):
    """id → (tags, music id, score); a repeated id keeps its later row, as a re-crawl would."""
    posts_by_id = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            listed = [row[k] for k in row if k.startswith("hashtags/") and k.endswith("/name") and row[k]]
            score = _score(row["playCount"], row["diggCount"], row["commentCount"], row["shareCount"])
            posts_by_id[row["id"]] = (_tag_set(listed, row["text"]), row["musicMeta/musicId"], score)
    return posts_by_id


def _tiktokapi(path):
    posts_by_id = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        stats = item.get("stats", {})
        listed = [t["hashtagName"] for t in item.get("textExtra", []) if t.get("hashtagName")]
        posts_by_id[item["id"]] = (_tag_set(listed, item.get("desc")), item.get("music", {}).get("id"),
                                   _score(stats.get("playCount"), stats.get("diggCount"),
                                          stats.get("commentCount"), stats.get("shareCount")))
    return posts_by_id


def _by_hand(posts_by_id, tags):
    """The top 10 (sound id, score, posts) and each sound's best post, as seed 001 defines them."""
    totals, counts, best = {}, {}, {}
    for post, (found, sound, score) in posts_by_id.items():
        if sound and found & set(tags):
            totals[sound] = totals.get(sound, 0) + score
            counts[sound] = counts.get(sound, 0) + 1
            best[sound] = min(best.get(sound, (0, post)), (-score, post))
    ranked = sorted(totals, key=lambda sound: (-totals[sound], sound))[:10]
    return [(sound, totals[sound], counts[sound], best[sound][1]) for sound in ranked]


@pytest.fixture(scope="module")
def real(exports, tmp_path_factory):
    lake = Lake(tmp_path_factory.mktemp("real") / "lake")
    lake.ingest(exports / "apify_trending.csv", profile="apify", now=T0)
    lake.ingest(exports / "trending_tiktokapi.json", profile="tiktokapi", now=T0 + DAY)
    table = posts(lake)
    return {"apify": table.filter(pa.compute.equal(table.column("profile"), "apify")),
            "tiktokapi": table.filter(pa.compute.equal(table.column("profile"), "tiktokapi")),
            "lake": lake}


@pytest.mark.parametrize("source, tags", [
    ("apify", ["fyp"]), ("apify", ["dance"]), ("apify", ["funny"]), ("apify", ["foryou", "viral", "trending"]),
    ("tiktokapi", ["foryou"]), ("tiktokapi", ["funny", "fyp", "tiktok"]),
])
def test_the_ranking_equals_seed_001_computed_by_hand_from_the_export(real, exports, source, tags):
    by_hand = (_apify(exports / "apify_trending.csv") if source == "apify"
               else _tiktokapi(exports / "trending_tiktokapi.json"))
    expected = _by_hand(by_hand, tags)
    assert expected, f"no post carries {tags} in the {source} sample"
    found = trending_sounds(real[source], tags=tags, limit=10, top_posts=1)
    assert [(s.sound_id, s.score, s.posts, s.top_posts[0].post_id) for s in found] == expected


def test_a_top_sound_names_its_track_and_best_posts(real):
    [sound] = trending_sounds(real["tiktokapi"], tags=["diy"], limit=1)
    assert (sound.sound_id, sound.title, sound.author, sound.original) == (
        "6782913875441371138", "Astronaut In The Ocean", "Masked Wolf", False)
    assert sound.top_posts == (TopPost("6963483766354431234",
                                       "https://www.tiktok.com/@non.tachi/video/6963483766354431234",
                                       13_700_000 + 2 * 319_800 + 3 * 1377 + 4 * 57_700),)
    assert sound.play_url and not sound.demo


def test_hashtags_match_as_the_studio_matches_tags(real):
    same = [trending_sounds(real["apify"], tags=[tag]) for tag in ("fyp", "#FYP", "ｆｙｐ", " #Fyp ")]
    assert same[0] and all(result == same[0] for result in same)
    assert trending_sounds(real["apify"], tags=["fyp", "FYP"]) == same[0]  # one tag, counted once


def test_an_unknown_hashtag_is_an_empty_list(real):
    assert trending_sounds(real["apify"], tags=["nosuchtagineitherexport"]) == []


def test_top_posts_are_the_best_first_and_limit_holds(real):
    found = trending_sounds(real["apify"], tags=["fyp"], limit=100, top_posts=10)
    assert len(found) == 100
    assert [(-s.score, s.sound_id) for s in found] == sorted((-s.score, s.sound_id) for s in found)
    for sound in found:
        assert len(sound.top_posts) == min(sound.posts, 10)
        ranked = [(-post.score, post.post_id) for post in sound.top_posts]
        assert ranked == sorted(ranked)
        assert sum(p.score for p in sound.top_posts) <= sound.score
    assert all(s.top_posts == () for s in trending_sounds(real["apify"], tags=["fyp"], top_posts=0))


@pytest.mark.parametrize("arguments, field", [
    ({"limit": 0}, "limit"), ({"limit": 10_000}, "limit"), ({"limit": True}, "limit"), ({"limit": "5"}, "limit"),
    ({"sort": "views"}, "sort"), ({"tags": []}, "tags"), ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
    ({"tags": ["fy p!"]}, "tags"), ({"tags": [7]}, "tags"), ({"tags": None}, "tags"), ({"top_posts": 11}, "top_posts"),
    ({"sort": "rising"}, "history"),
])
def test_bad_arguments_name_their_field(real, arguments, field):
    with pytest.raises(SoundsError) as caught:
        trending_sounds(real["apify"], **{"tags": ["fyp"], **arguments})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_rows_without_the_columns_are_a_catalog_error(real):
    with pytest.raises(CatalogError, match="posts: .*music_id"):
        trending_sounds(real["apify"].drop_columns(["music_id"]), tags=["fyp"])
    as_text = real["apify"].set_column(real["apify"].schema.get_field_index("hashtags"), "hashtags",
                                       pa.array(["fyp"] * real["apify"].num_rows))
    with pytest.raises(CatalogError, match="posts: hashtags must be lists of strings"):
        trending_sounds(as_text, tags=["fyp"])
    with pytest.raises(CatalogError, match="history: .*processed_at"):
        trending_sounds(real["apify"], tags=["fyp"], history=real["apify"].drop_columns(["processed_at"]))


# -- small lakes --------------------------------------------------------------------------------
def _item(post, sound, *, views, likes=0, tags="#dance", title="original sound", author="someone"):
    return {"id": post, "desc": tags, "stats": {"playCount": views, "diggCount": likes},
            "author": {"uniqueId": "creator"},
            "music": {"id": sound, "title": title, "authorName": author, "original": title == "original sound"}}


def _ingest(lake, tmp_path, items, *, now, profile="trending"):
    path = tmp_path / f"export-{now}.json"
    path.write_text(json.dumps(items))
    lake.ingest(path, profile=profile, now=now)


def test_two_original_sounds_stay_apart_and_posts_without_a_sound_are_left_out(lake, tmp_path):
    items = [_item("p1", "s1", views=10), _item("p2", "s2", views=20), _item("p3", "s1", views=5),
             {"id": "p4", "desc": "#dance", "stats": {"playCount": 1000}}]
    _ingest(lake, tmp_path, items, now=T0)
    found = trending_sounds(posts(lake), tags=["dance"])
    assert [(s.sound_id, s.title, s.score, s.posts) for s in found] == [
        ("s2", "original sound", 20, 1), ("s1", "original sound", 15, 2)]


def test_equal_scores_are_ordered_by_sound_id(lake, tmp_path):
    _ingest(lake, tmp_path, [_item(f"p{n}", sound, views=50) for n, sound in enumerate(["s9", "s10", "s1"])], now=T0)
    assert [s.sound_id for s in trending_sounds(posts(lake), tags=["dance"])] == ["s1", "s10", "s9"]


def test_demo_posts_mark_their_sound(lake, tmp_path):
    _ingest(lake, tmp_path, [_item("p1", "s1", views=10)], now=T0)
    _ingest(lake, tmp_path, [_item("p2", "s2", views=20)], now=T0 + 1, profile="demo")
    assert [(s.sound_id, s.demo) for s in trending_sounds(posts(lake), tags=["dance"])] == [
        ("s2", True), ("s1", False)]


def test_rising_measures_growth_per_day_between_the_latest_two_snapshots(lake, tmp_path):
    # Day 0: a and b. Day 2: a re-crawled (+600) with a new post, c new, b not crawled again.
    _ingest(lake, tmp_path, [_item("a1", "A", views=100), _item("b1", "B", views=1000)], now=T0)
    _ingest(lake, tmp_path, [_item("a1", "A", views=600, likes=50), _item("a2", "A", views=100),
                             _item("c1", "C", views=50)], now=T0 + 2 * DAY)
    _ingest(lake, tmp_path, [_item("x1", "X", views=10 ** 9, tags="#cooking")], now=T0 + 3 * DAY)  # other tags
    rows, history = posts(lake), post_history(lake)
    found = {s.sound_id: s for s in trending_sounds(rows, tags=["dance"], history=history)}
    assert (found["A"].engagement_per_day, found["A"].posts_per_day, found["A"].is_new) == (
        (600 + 2 * 50 + 100 - 100) / 2, 1 / 2, False)
    assert (found["C"].engagement_per_day, found["C"].posts_per_day, found["C"].is_new) == (50 / 2, 1 / 2, True)
    # b was seen once, in the first crawl of #dance: nothing before it to grow from.
    assert (found["B"].engagement_per_day, found["B"].posts_per_day, found["B"].is_new) == (None, None, False)
    rising = trending_sounds(rows, tags=["dance"], sort="rising", history=history)
    assert [s.sound_id for s in rising] == ["A", "C", "B"]
    assert [s.sound_id for s in trending_sounds(rows, tags=["dance"], history=history)] == ["B", "A", "C"]

    # Day 3: a re-crawled again (+300 in a day); c now grows from the crawl before its first.
    _ingest(lake, tmp_path, [_item("a1", "A", views=900, likes=50)], now=T0 + 3 * DAY + 1)
    rows, history = posts(lake), post_history(lake)
    found = {s.sound_id: s for s in trending_sounds(rows, tags=["dance"], sort="rising", history=history)}
    assert found["A"].posts_per_day == 0
    assert found["A"].engagement_per_day == pytest.approx(300 / (1 + 1 / DAY))
    assert (found["C"].engagement_per_day, found["C"].is_new) == (50 / 2, False)


def test_a_single_crawl_measures_no_growth_and_nothing_is_new(lake, tmp_path):
    _ingest(lake, tmp_path, [_item("a1", "A", views=100), _item("b1", "B", views=300)], now=T0)
    found = trending_sounds(posts(lake), tags=["dance"], sort="rising", history=post_history(lake))
    assert [(s.sound_id, s.engagement_per_day, s.is_new) for s in found] == [("B", None, False), ("A", None, False)]


def test_a_post_that_moves_to_another_sound_leaves_the_first(lake, tmp_path):
    _ingest(lake, tmp_path, [_item("p1", "A", views=100), _item("p2", "A", views=10)], now=T0)
    _ingest(lake, tmp_path, [_item("p1", "B", views=150), _item("p2", "A", views=30)], now=T0 + DAY)
    found = {s.sound_id: s for s in trending_sounds(posts(lake), tags=["dance"], sort="rising",
                                                     history=post_history(lake))}
    assert (found["A"].score, found["A"].engagement_per_day, found["A"].posts_per_day) == (30, -80.0, -1.0)
    assert (found["B"].score, found["B"].engagement_per_day, found["B"].is_new) == (150, 150.0, True)


# -- a window of post creation times (issue 21) -------------------------------------------------
def _by_sql(lake, tags, window, limit=100):
    """The window's ranking straight from the lake's Parquet files (DuckDB, not the snapshots the
    studio reads): the latest row per post, the posts created in the window carrying any of
    ``tags``, then sounds.score's own SQL over them."""
    import duckdb

    from sounds.score import sound_scores_sql

    files = f"read_parquet('{lake.root.as_posix()}/videos/metadata/**/*.parquet', hive_partitioning = true)"
    wanted = "[" + ", ".join(f"'{tag}'" for tag in tags) + "]"
    rows = (f"(SELECT * FROM {files} WHERE {window.where_sql('timestamp')} AND list_has_any(hashtags, {wanted}) "
            "QUALIFY row_number() OVER (PARTITION BY id ORDER BY processed_at DESC, profile DESC) = 1)")
    sql = f"SELECT * FROM ({sound_scores_sql(rows)}) ORDER BY score DESC, sound_id LIMIT {limit}"
    return [(sound, int(score), int(count)) for sound, score, count in duckdb.sql(sql).fetchall()]


@pytest.mark.parametrize("since, until, tags", [
    ("30d", None, ["fyp"]), ("7d", None, ["fyp", "viral"]), ("2025-09-01", "2025-09-15", ["fyp"]),
    ("90d", "30d", ["foryou", "viral", "trending"]), (None, "2024-12-31", ["fyp"]),
    ("2021-05-01", "2021-08-31", ["foryou", "fyp"]), ("24h", None, ["fyp"]),
])
def test_a_window_counts_exactly_what_sql_over_the_lakes_parquet_counts(real, since, until, tags):
    from trend_lake import newest_post, parse_window

    table = posts(real["lake"])
    window = parse_window(since=since, until=until).resolve(newest=newest_post(table))
    expected = _by_sql(real["lake"], tags, window)
    assert expected, f"no post carries {tags} in {window.to_dict()}"
    found = trending_sounds(table, tags=tags, limit=100, window=window)
    assert [(s.sound_id, s.score, s.posts) for s in found] == expected
    whole = trending_sounds(table, tags=tags, limit=100)
    assert sum(s.posts for s in found) < sum(s.posts for s in whole)  # the window left posts out


def _dated(post, sound, day, *, views, tags="#dance"):
    """A post created at midnight UTC of 2023-01-``day`` (a day past 31 runs on into February)."""
    return {**_item(post, sound, views=views, tags=tags), "createTime": _JAN1 + (day - 1) * DAY}


_JAN1 = 1_672_531_200  # 2023-01-01T00:00:00Z


@pytest.fixture
def weeks(lake, tmp_path):
    """Two weeks of #dance posts: 1–7 January (the previous window) and 8–14 January (the window)."""
    _ingest(lake, tmp_path, [
        _dated("a0", "A", 3, views=100), _dated("a1", "A", 8, views=300), _dated("a2", "A", 14, views=400),
        _dated("b0", "B", 1, views=1000), _dated("b1", "B", 10, views=1050),
        _dated("c1", "C", 9, views=350),
        _dated("d0", "D", 7, views=500),                        # the previous window only: not listed
        _dated("e1", "E", 9, views=90_000, tags="#cooking"),    # another hashtag
        _dated("f1", "F", 15, views=10 ** 6),                   # created at the window's end: outside it
        {**_item("f0", "F", views=10 ** 6), "createTime": _JAN1 - 1},  # before the previous window
        _item("u1", "U", views=10 ** 6),                        # no creation time: in no window
    ], now=T0)
    return posts(lake)


def _week(since="2023-01-08", until="2023-01-14"):
    from trend_lake import parse_window

    return parse_window(since=since, until=until).resolve(newest=None)


def test_rising_over_a_window_is_the_change_from_the_window_before_it(weeks):
    window = _week()
    assert window.to_dict() == {"since": "2023-01-08T00:00:00Z", "until": "2023-01-15T00:00:00Z", "days": 7.0,
                                "relative_to": None}
    found = trending_sounds(weeks, tags=["dance"], sort="rising", window=window)
    assert [(s.sound_id, s.score, s.posts, s.engagement_per_day, s.posts_per_day, s.is_new) for s in found] == [
        ("A", 700, 2, (700 - 100) / 7, (2 - 1) / 7, False),
        ("C", 350, 1, 350 / 7, 1 / 7, True),
        ("B", 1050, 1, (1050 - 1000) / 7, 0.0, False)]
    assert [p.post_id for p in found[0].top_posts] == ["a2", "a1"]  # the window's posts only
    by_score = trending_sounds(weeks, tags=["dance"], window=window)
    assert [(s.sound_id, s.engagement_per_day) for s in by_score] == [("B", 50 / 7), ("A", 600 / 7), ("C", 50.0)]


def test_a_window_whose_previous_one_is_empty_measures_growth_from_nothing_and_nothing_is_new(weeks):
    window = _week("2022-12-01", "2022-12-31")  # holds f0 only; December before it holds nothing
    [sound] = trending_sounds(weeks, tags=["dance"], sort="rising", window=window)
    assert (sound.sound_id, sound.score, sound.engagement_per_day, sound.is_new) == ("F", 10 ** 6, 10 ** 6 / 31, False)


def test_without_a_window_every_dated_and_undated_post_counts(weeks):
    assert {s.sound_id: s.posts for s in trending_sounds(weeks, tags=["dance"])} == {
        "A": 3, "B": 2, "C": 1, "D": 1, "F": 2, "U": 1}


def test_rising_over_a_window_needs_its_start_and_the_rows_their_creation_time(weeks):
    from trend_lake import parse_window

    open_ended = parse_window(until="2023-01-14").resolve(newest=None)
    with pytest.raises(SoundsError) as caught:
        trending_sounds(weeks, tags=["dance"], sort="rising", window=open_ended)
    assert caught.value.field == "since"
    # From the first post on: f0 of December, not f1 (the 15th) or the undated u1.
    assert [(s.sound_id, s.score) for s in trending_sounds(weeks, tags=["dance"], window=open_ended)] == [
        ("F", 10 ** 6), ("B", 2050), ("A", 800), ("D", 500), ("C", 350)]
    with pytest.raises(CatalogError, match="posts: .*timestamp"):
        trending_sounds(weeks.drop_columns(["timestamp"]), tags=["dance"], window=_week())
    with pytest.raises(SoundsError, match="^window: "):
        trending_sounds(weeks, tags=["dance"], window=("2023-01-08", "2023-01-14"))
