"""The /sounds page and GET /api/sounds/trending on a fresh lake: the demo catalog answers, with
audio to play; a real export beside it has stats but no audio, and says so; bad input names its
field; an unknown hashtag is an empty list."""
from __future__ import annotations

import re

import pytest

from trend_lake import Lake


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: its tests share its API key."""
    return module_app


@pytest.fixture
def lake_app(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    return app


@pytest.fixture
def client(lake_app):
    return lake_app.test_client()


@pytest.fixture(scope="module")
def key(app):
    out = app.test_cli_runner().invoke(args=["api-key", "create", "sounds-test"])
    assert out.exit_code == 0, out.output
    return out.output.strip()


def test_the_page_lists_the_demo_sounds_with_a_player(client):
    page = client.get("/sounds", query_string={"tags": "#Foodie, recipeoftheday"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    rows = re.findall(r'<li class="sound" data-sound-id="([^"]+)"', html)
    assert rows and rows[0] == "demo-sunday-kitchen"  # the niche's hit in the demo posts
    assert 'id="player-audio"' in html and 'id="player-seek"' in html and 'id="player-next"' in html
    assert html.count('class="badge demo"') >= len(rows)
    audio = re.search(r'data-audio="([^"]+)"', html).group(1)
    served = client.get(audio)
    assert served.status_code == 200 and served.data[:4] == b"OggS"


def test_the_api_ranks_like_the_page_and_rising_marks_new_sounds(client, key):
    headers = {"X-API-Key": key}
    answer = client.get("/api/sounds/trending", query_string={"tags": "fashion,ootd", "limit": 3}, headers=headers)
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["sort"] == "score" and len(data["sounds"]) == 3
    first = data["sounds"][0]
    assert first["demo"] and first["playable"] and first["audio_url"].endswith(f"/sounds/audio/{first['sound_id']}")
    assert [s["score"] for s in data["sounds"]] == sorted((s["score"] for s in data["sounds"]), reverse=True)
    assert {"post_id", "url", "score"} <= set(first["top_posts"][0])
    rising = client.get("/api/sounds/trending", query_string={"tags": "fashion", "sort": "rising"},
                        headers=headers).get_json()["sounds"]
    assert any(s["is_new"] and s["sound_id"] == "demo-fresh-start" for s in rising)


@pytest.mark.parametrize("query, field", [({"tags": "fitness", "limit": 0}, "limit"),
                                          ({"tags": "fitness", "limit": 10000}, "limit"),
                                          ({"tags": "fitness", "limit": "ten"}, "limit"),
                                          ({"tags": "fitness", "sort": "newest"}, "sort"),
                                          ({"tags": ""}, "tags"),
                                          ({"tags": "fit/ness"}, "tags")])
def test_bad_input_is_a_400_naming_the_field(client, key, query, field):
    answer = client.get("/api/sounds/trending", query_string=query, headers={"X-API-Key": key})
    assert answer.status_code == 400 and answer.get_json()["error"].startswith(f"{field}: ")
    page = client.get("/sounds", query_string=query)
    assert page.status_code == 400 and f"{field}: " in page.get_data(as_text=True)


def test_an_unknown_hashtag_is_an_empty_list(client, key):
    answer = client.get("/api/sounds/trending", query_string={"tags": "nosuchtagatall"}, headers={"X-API-Key": key})
    assert answer.status_code == 200 and answer.get_json()["sounds"] == []
    assert "No sounds for these hashtags" in client.get("/sounds?tags=nosuchtagatall").get_data(as_text=True)


def test_a_real_export_has_stats_but_says_it_has_no_audio(lake_app, client, shared_data):
    Lake(lake_app.config["TRENDTOK_LAKE"]).ingest(shared_data / "tiktok" / "trending_tiktokapi.json",
                                                  profile="trending")
    html = client.get("/sounds", query_string={"tags": "funny"}).get_data(as_text=True)
    listing = html[html.index('id="trending-list"'):]
    assert "No audio here" in listing and "badge demo" not in listing


def test_unknown_audio_is_a_404(client):
    assert client.get("/sounds/audio/no-such-sound").status_code == 404
    assert client.get("/sounds/audio/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_a_post_link_that_is_not_a_web_address_is_never_a_link(app):
    """An export's webpage_url and playUrl are whatever the file said: "javascript:…" must not
    reach an href on the page, nor the API's JSON."""
    from sound_service.wire import trending_json
    from sounds import TopPost, TrendingSound

    sound = TrendingSound(sound_id="m1", title="Evil", author="x", original=False, score=10, posts=1,
                          top_posts=(TopPost("1", "javascript:alert(1)", 10), TopPost("2", "https://t.co/v/2", 5)),
                          play_url="javascript:alert(2)", demo=False)
    (data,) = trending_json([sound], app.config)
    assert [p["url"] for p in data["top_posts"]] == [None, "https://t.co/v/2"] and data["play_url"] is None
    with app.test_request_context():
        from flask import render_template

        html = render_template("sounds.html", tags="x", sort="score", sounds=[data], error=None, demo_shown=False,
                               audio_formats=("mp3",), max_upload_mb=1)
    assert "javascript:" not in html and 'href="https://t.co/v/2"' in html


# -- a window of post creation times (issue 21) -------------------------------------------------
@pytest.fixture
def real_lake(lake_app, shared_data):
    """The shared exports through the real import, beside the demo (which the studio seeds itself)."""
    lake = Lake(lake_app.config["TRENDTOK_LAKE"])
    lake.ingest(shared_data / "tiktok" / "apify_trending.csv", profile="apify")
    lake.ingest(shared_data / "tiktok" / "trending_tiktokapi.json", profile="tiktokapi")
    return lake


def test_the_api_counts_a_window_back_from_the_newest_real_post_and_says_which(real_lake, client, key):
    from sounds.trending import trending_sounds
    from trend_lake import newest_post, parse_window, posts

    answer = client.get("/api/sounds/trending", query_string={"tags": "fyp", "since": "30d", "limit": 20},
                        headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    data = answer.get_json()
    # The demo posts (November 2025, dated by the studio) do not move the window over the real ones.
    assert data["window"] == {"since": "2025-09-02T23:25:21Z", "until": "2025-10-02T23:25:21Z", "days": 30.0,
                              "relative_to": "2025-10-02T23:25:20Z"}
    table = posts(real_lake)
    window = parse_window(since="30d").resolve(newest=newest_post(table, besides=("demo",)))
    expected = trending_sounds(table, tags=["fyp"], limit=20, window=window)
    assert [(s["sound_id"], s["score"], s["posts"]) for s in data["sounds"]] == [
        (s.sound_id, s.score, s.posts) for s in expected]
    whole = client.get("/api/sounds/trending", query_string={"tags": "fyp", "limit": 20},
                       headers={"X-API-Key": key}).get_json()
    assert whole["window"] is None and whole["sounds"] != data["sounds"]


def test_rising_over_a_window_compares_it_with_the_one_before(real_lake, client, key):
    data = client.get("/api/sounds/trending", query_string={"tags": "fyp", "sort": "rising", "since": "2025-09-01",
                                                            "until": "2025-09-30"}, headers={"X-API-Key": key}).get_json()
    assert data["window"]["days"] == 30.0 and data["sounds"]
    growth = [s["engagement_per_day"] for s in data["sounds"]]
    assert all(g is not None for g in growth) and growth == sorted(growth, reverse=True)


@pytest.mark.parametrize("query, field", [
    ({"since": "yesterday"}, "since"), ({"since": "0d"}, "since"), ({"since": "400d"}, "since"),
    ({"until": "2021-02-30"}, "until"), ({"until": "x" * 200}, "until"),
    ({"since": "2021-06-01", "until": "2021-05-01"}, "since"),
    ({"sort": "rising", "until": "2021-05-01"}, "since"),
])
def test_a_bad_window_is_a_400_naming_its_field(client, key, query, field):
    query = {"tags": "fyp", **query}
    answer = client.get("/api/sounds/trending", query_string=query, headers={"X-API-Key": key})
    assert answer.status_code == 400 and answer.get_json()["error"].startswith(f"{field}: ")
    page = client.get("/sounds", query_string=query)
    assert page.status_code == 400 and f"{field}: " in page.get_data(as_text=True)


def test_the_page_has_window_controls_and_says_the_window_it_counted(real_lake, client):
    html = client.get("/sounds", query_string={"tags": "fyp", "since": "7d"}).get_data(as_text=True)
    assert re.search(r'<input id="since" name="since" type="text" value="7d"', html)
    assert 'id="until" name="until"' in html
    said = re.search(r'<p class="meta" id="trending-window">(.*?)</p>', html, re.S).group(1)
    assert "2025-09-25T23:25:21Z" in said and "2025-10-02T23:25:20Z" in said
    assert "trending-window" not in client.get("/sounds", query_string={"tags": "fyp"}).get_data(as_text=True)
