"""Each importer on its real sample: what it read, imported and skipped, what the views then
hold, and engagement sums checked against an independent reading of the source file."""
from __future__ import annotations

import csv
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from search_input import InputError, normalise_tag
from trend_lake import ExportError, run_query


def _rows(lake, sql):
    return run_query(lake, sql).table.to_pylist()


def _score(views, likes, comments, shares):
    return views + 2 * likes + 3 * comments + 4 * shares


def test_tiktokapi_items_map_onto_the_seed_columns(lake, exports):
    report = lake.ingest(exports / "trending_tiktokapi.json", profile="trending")
    items = json.loads((exports / "trending_tiktokapi.json").read_text())
    assert (report.format, report.table, report.read, report.imported, report.skipped_total) == \
        ("tiktokapi", "metadata", len(items), len(items), 0)
    first = items[1]
    row = _rows(lake, f"SELECT * FROM metadata WHERE id = '{first['id']}'")[0]
    assert row["view_count"] == first["stats"]["playCount"] and row["like_count"] == first["stats"]["diggCount"]
    assert row["repost_count"] == first["stats"]["shareCount"]
    assert row["uploader"] == first["author"]["uniqueId"] and row["music_id"] == first["music"]["id"]
    assert row["music_original"] is first["music"]["original"] and row["timestamp"] == first["createTime"]
    assert row["hashtags"] == ["foryou", "funny", "cat", "dog"]  # textExtra, normalised, each once
    assert row["profile"] == "trending" and isinstance(row["processed_at"], str)  # partition keys stay strings


def test_apify_csv_engagement_per_hashtag_equals_the_source(lake, exports):
    path = exports / "apify_trending.csv"
    report = lake.ingest(path, profile="apify")
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    latest = {r["id"]: r for r in source}  # a post listed twice counts once, its later row
    assert (report.format, report.read, report.imported) == ("apify", len(source), len(latest))
    assert report.skipped == Counter({"id: repeated in this export (the later row is kept)":
                                      len(source) - len(latest)})
    def as_tag(raw):  # the studio's rule; what it refuses (a 60-character "hashtag") is no hashtag
        try:
            return normalise_tag(raw).casefold()
        except InputError:
            return None

    expected: dict[str, int] = defaultdict(int)
    for r in latest.values():
        # The flattened columns stop at hashtags/7/name; the caption holds the rest as #words.
        # A hashtag runs while letters, marks, digits or _ go on, as the export's own columns show
        # ("#fypシ゚viral" is one tag: the sound mark is a combining character).
        written = re.findall(r"#([^\s#]+)", unicodedata.normalize("NFKC", r["text"]))
        written = ["".join(itertools.takewhile(
            lambda c: unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Nd" or c == "_", w))
            for w in written]
        tags = {as_tag(r[k]) for k in r if k.startswith("hashtags/") and r[k]} | {as_tag(w) for w in written}
        tags.discard(None)
        for tag in tags:
            expected[tag] += _score(int(r["playCount"]), int(r["diggCount"]), int(r["commentCount"]),
                                    int(r["shareCount"]))
    got = {r["tag"]: r["score"] for r in _rows(lake, """
        SELECT tag, sum(view_count + 2 * like_count + 3 * comment_count + 4 * repost_count)::BIGINT AS score
        FROM (SELECT unnest(hashtags) AS tag, view_count, like_count, comment_count, repost_count
              FROM metadata) GROUP BY tag""")}
    assert _rows(lake, "SELECT count(*) AS n FROM metadata") == [{"n": len(latest)}]
    assert got == dict(expected)


def test_songs_csvs_land_in_sounds_with_their_audio_features(lake, exports):
    reports = [lake.ingest(p, profile="songs") for p in sorted(exports.glob("TikTok_songs_20*.csv"))]
    assert {r.format for r in reports} == {"songs"} and {r.table for r in reports} == {"sounds"}
    with open(exports / "TikTok_songs_2019.csv", newline="", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    row = _rows(lake, f"SELECT * FROM sounds WHERE title = '{first['track_name']}'")[0]
    assert row["artist"] == first["artist_name"] and row["tempo"] == pytest.approx(float(first["tempo"]))
    assert row["track_pop"] == int(first["track_pop"]) and row["energy"] == pytest.approx(float(first["energy"]))
    # A song charting in two years is one sound, with the latest import's numbers.
    latest: dict[tuple[str, str], dict] = {}
    for path in sorted(exports.glob("TikTok_songs_20*.csv")):  # imported in this order above
        with open(path, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                latest[(r["track_name"].strip().casefold(), r["artist_name"].strip().casefold())] = r
    assert _rows(lake, "SELECT count(*) AS n FROM sounds") == [{"n": len(latest)}]
    got = {(r["title"].casefold(), r["artist"].casefold()): r["track_pop"]
           for r in _rows(lake, "SELECT title, artist, track_pop FROM sounds")}
    assert got == {key: int(r["track_pop"]) for key, r in latest.items()}


def test_a_reimport_updates_and_never_duplicates(lake, exports):
    path = exports / "trending_tiktokapi.json"
    lake.ingest(path, profile="trending", now=1_700_000_000)
    before = _rows(lake, "SELECT count(*) AS n, sum(view_count) AS v FROM metadata")[0]
    lake.ingest(path, profile="trending", now=1_700_000_100)
    assert _rows(lake, "SELECT count(*) AS n, sum(view_count) AS v FROM metadata")[0] == before
    assert len(lake.partitions("metadata")) == 2
    # The newest partition wins: a later export with new stats replaces the old numbers.
    items = json.loads(path.read_text())
    items[0]["stats"]["playCount"] += 1000
    edited = lake.root.parent / "later.json"
    edited.write_text(json.dumps(items))
    lake.ingest(edited, profile="trending", now=1_700_000_200)
    after = _rows(lake, "SELECT count(*) AS n, sum(view_count) AS v FROM metadata")[0]
    assert after == {"n": before["n"], "v": before["v"] + 1000}


def test_a_scraper_export_keeps_its_posts_and_never_its_request_headers(lake, tmp_path):
    export = {"headers": {"cookie": "sid_tt=SECRET-SESSION", "user-agent": "x"}, "collector": [
        {"id": "7000000000000000001", "text": "Leg day #GymTok #fitness", "createTime": 1700000000,
         "authorMeta": {"name": "coach", "nickName": "Coach"}, "musicMeta": {"musicId": "m1", "musicName": "Pump",
                                                                            "musicAuthor": "DJ", "musicOriginal": False},
         "diggCount": 10, "shareCount": 2, "playCount": 100, "commentCount": 3,
         "hashtags": [{"name": "GymTok"}, {"name": "fitness"}], "webVideoUrl": "https://www.tiktok.com/@coach/video/1"},
    ]}
    path = tmp_path / "scrape.json"
    path.write_text(json.dumps(export))
    report = lake.ingest(path, profile="gym")
    assert (report.format, report.imported) == ("scraper", 1)
    row = _rows(lake, "SELECT * FROM metadata")[0]
    assert row["hashtags"] == ["gymtok", "fitness"] and row["track"] == "Pump" and row["music_id"] == "m1"
    stored = b"".join(p.read_bytes() for p in lake.root.rglob("*") if p.is_file())
    assert b"SECRET-SESSION" not in stored and b"cookie" not in stored


def test_yt_dlp_info_json_files_and_folders(lake, tmp_path):
    folder = tmp_path / "infos"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"{n}.info.json").write_text(json.dumps({
            "id": f"72000000000000000{n}", "title": f"Clip {n}", "description": "Try this #FoodTok",
            "upload_date": "20240102", "like_count": n, "repost_count": 0, "comment_count": 0, "view_count": 10 * n,
            "duration": 12.4, "webpage_url": f"https://www.tiktok.com/@a/video/{n}", "channel": "A",
            "timestamp": 1704153600, "track": "Song", "artists": ["Singer"], "artist": "Singer", "uploader": "a",
            "extractor": "TikTok"}))
    report = lake.ingest(folder, profile="a")
    assert (report.format, report.imported) == ("ytdlp", 2)
    row = _rows(lake, "SELECT * FROM metadata ORDER BY id LIMIT 1")[0]
    assert (row["upload_date"], row["duration"], row["artists"], row["hashtags"]) == (20240102, 12, ["Singer"],
                                                                                       ["foodtok"])


def test_yt_dlp_json_lines_one_video_per_line_and_a_broken_line_skipped(lake, tmp_path):
    lines = [json.dumps({"id": f"73000000000000000{n}", "title": f"Clip {n}", "view_count": n, "extractor": "TikTok",
                         "webpage_url": f"https://www.tiktok.com/@a/video/{n}", "tags": ["Dance"]}) for n in (1, 2, 3)]
    lines.insert(2, '{"id": "broken", "title": ')
    path = tmp_path / "videos.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = lake.ingest(path, profile="a")
    assert (report.format, report.read, report.imported) == ("ytdlp", 4, 3)
    assert dict(report.skipped) == {"row: line 3 is broken JSON": 1}
    assert _rows(lake, "SELECT count(*) AS n, min(hashtags[1]) AS tag FROM metadata") == [{"n": 3, "tag": "dance"}]


@pytest.mark.parametrize("content, name, message", [
    ('{"id": "1", "stats": {\n{"id": "2"}', "broken.jsonl", "broken JSON"),
    ('[{"id": "1", "stats": {', "broken.json", "broken JSON"),
    ("a,b,c\n1,2,3\n", "other.csv", "lacks the columns of a known export"),
    ('{"hello": "world"}', "odd.json", "not a TikTok-Api, tiktok-scraper or yt-dlp export"),
    ("\xff\xfe\x00garbage", "binary.csv", None),
])
def test_a_broken_export_imports_nothing(lake, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if message is None else content.encode())
    with pytest.raises(ExportError, match="^source: "):
        lake.ingest(path, profile="x")
    assert not lake.partitions("metadata") and not lake.partitions("sounds")
