"""Licence on every sound (issue 21): the kinds and their notes, the rule for a sound's posts and a
soundtrack's backend; then every kind of row the studio returns, from the shared real exports
through the real lake import and the real endpoints: trending rows (API and page), suggestions
and similar tracks (their jobs), and a real composer run's soundtrack (its JSON and its page).

What a sound's kind should be is worked out here from the export files themselves (their own
``music.original`` / ``musicMeta/musicOriginal`` fields), not from the lake, so the import and
the ranking are checked, not restated."""
from __future__ import annotations

import csv
import json
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import imageio_ffmpeg
import jsonschema
import pytest
from markupsafe import Markup, escape

import licences
from errors import StudioError
from tests.conftest import create_key, own_studio
from trend_lake import Lake

CLIP = "tiktok/videos/malwaretech-7261314534885870894.mp4"
EXPORTS = ("apify_trending.csv", "trending_tiktokapi.json")


# -- the kinds ----------------------------------------------------------------------------------
def test_every_kind_has_a_note_that_fits_the_schema():
    assert licences.KINDS == ("original", "commercial", "generated", "generated-nc", "demo", "unknown")
    notes = set()
    for kind in licences.KINDS:
        answer = licences.licence(kind)
        jsonschema.validate(answer, licences.SCHEMA)
        assert answer["kind"] == kind and len(answer["note"]) > 40
        notes.add(answer["note"])
    assert len(notes) == len(licences.KINDS)
    assert "Commercial Music Library" in licences.licence("commercial")["note"]
    assert "CC-BY-NC" in licences.licence("generated-nc")["note"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "free", "note": "x"}, licences.SCHEMA)


@pytest.mark.parametrize("bad", ["free", "", None, 3, "Original"])
def test_an_unknown_kind_names_the_field(bad):
    with pytest.raises(StudioError) as caught:
        licences.licence(bad)
    assert caught.value.field == "licence"


@pytest.mark.parametrize("demo, original, commercial, kind", [
    (False, True, False, "original"), (False, False, True, "commercial"),
    (False, True, True, "commercial"),  # posts that disagree: the stricter reading
    (False, False, False, "unknown"), (True, True, False, "demo"), (True, False, True, "demo"),
])
def test_a_sounds_kind_from_its_posts(demo, original, commercial, kind):
    assert licences.kind_of_posts(demo=demo, original=original, commercial=commercial) == kind


def test_a_soundtracks_kind_from_its_backend():
    assert [licences.kind_of_backend(b) for b in ("composer", "musicgen", "something-else", None)] == \
        ["generated", "generated-nc", "unknown", "unknown"]


# -- trending rows from the real exports, through the real import and endpoint -------------------
def _raw_kinds(exports: Path) -> dict[str, str]:
    """Each real sound's kind, from the export files' own flags."""
    flags: dict[str, set] = defaultdict(set)
    with open(exports / "apify_trending.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("musicMeta/musicId"):
                flags[row["musicMeta/musicId"]].add({"true": True, "false": False}.get(row["musicMeta/musicOriginal"]))
    for item in json.loads((exports / "trending_tiktokapi.json").read_text(encoding="utf-8")):
        music = item.get("music") or {}
        if music.get("id"):
            flags[str(music["id"])].add(music.get("original"))
    return {sound: licences.kind_of_posts(demo=False, original=True in said, commercial=False in said)
            for sound, said in flags.items()}


def _expected(sound_id: str, raw: dict[str, str]) -> str:
    return "demo" if sound_id.startswith("demo-") else raw[sound_id]


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def real_app(app, tmp_path_factory, exports):
    """The module's app on a lake holding the shared exports beside the demo (seeded on first read)."""
    folder = tmp_path_factory.mktemp("licence-lake")
    lake = Lake(folder / "lake")
    for name in EXPORTS:
        lake.ingest(exports / name, profile="shared")
    before = {k: app.config[k] for k in ("TRENDTOK_LAKE", "TRENDTOK_CACHE_DIR")}
    app.config.update(TRENDTOK_LAKE=str(folder / "lake"), TRENDTOK_CACHE_DIR=str(folder / "cache"))
    yield app
    app.config.update(before)


@pytest.fixture(scope="module")
def key(app):
    return create_key(app, "licence-tests")


def _top_tags(app, n: int) -> list[str]:
    from sound_service import catalog_posts

    posts = catalog_posts({**app.config, "TRENDTOK_SOUNDS_DEMO": False})
    counted = Counter(tag for tags in posts.column("hashtags").to_pylist() for tag in tags)
    return [tag for tag, _ in counted.most_common(n)]


def test_every_trending_row_says_the_licence_its_exports_give(real_app, key, exports):
    raw = _raw_kinds(exports)
    client, seen = real_app.test_client(), Counter()
    for tags in [[tag] for tag in _top_tags(real_app, 8)] + [["foodie", "fashion"]]:
        answer = client.get("/api/sounds/trending", query_string={"tags": ",".join(tags), "limit": 100},
                            headers={"X-API-Key": key})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        for row in answer.get_json()["sounds"]:
            assert row["licence"] == licences.licence(_expected(row["sound_id"], raw)), row["sound_id"]
            assert row["licence"]["kind"] != "original" or row["original"] is True
            seen[row["licence"]["kind"]] += 1
    assert seen["original"] and seen["commercial"] and seen["demo"], seen


def test_the_page_shows_each_rows_licence_as_a_badge_with_its_note(real_app, exports):
    raw = _raw_kinds(exports)
    tag = _top_tags(real_app, 1)[0]
    html = real_app.test_client().get("/sounds", query_string={"tags": tag, "limit": 30}).get_data(as_text=True)
    listing = html[html.index('id="trending-list"'):]
    rows = re.findall(r'<li class="sound" data-sound-id="([^"]+)".*?</li>', listing, re.S)
    badges = re.findall(r'<span class="licence" data-kind="([^"]+)"><button type="button" class="badge licence-badge"'
                        r'\s+title="([^"]+)"', listing)
    assert rows and len(badges) == len(rows)
    for sound_id, (kind, title) in zip(rows, badges):
        assert kind == _expected(sound_id, raw)
        assert Markup(title).unescape() == licences.NOTES[kind]


def test_the_openapi_document_describes_the_licence(client):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["Licence"]["properties"]["kind"]["enum"] == list(licences.KINDS)
    row = schemas["TrendingSounds"]["properties"]["sounds"]["items"]
    assert "licence" in row["required"] and row["properties"]["licence"] == {"$ref": "#/components/schemas/Licence"}
    assert schemas["RunResult"]["properties"]["music"]["properties"]["licence"] == licences.SCHEMA


@pytest.fixture
def client(app):
    return app.test_client()


# -- the rule on exports that disagree or say nothing -----------------------------------------
def test_a_sound_whose_posts_disagree_is_commercial_and_one_without_a_flag_unknown(tmp_path):
    """TikTok-Api items as the lake imports them: one sound flagged original by one post and not by
    another, one never flagged (an export without ``music.original``)."""
    import sound_service
    from sound_service.service import catalog_sounds

    def item(n, sound, original):
        music = {"id": sound, "title": f"Song {sound}", "authorName": "someone",
                 **({} if original is None else {"original": original})}
        return {"id": f"7200000000000000{n:03d}", "desc": f"take {n} #licencetest", "createTime": 1_760_000_000 + n,
                "author": {"uniqueId": "maker"}, "music": music,
                "stats": {"playCount": 1000 + n, "diggCount": 1, "commentCount": 1, "shareCount": 1}}

    export = tmp_path / "mixed.json"
    export.write_text(json.dumps([item(1, "flipped", True), item(2, "flipped", False), item(3, "silent", None)]))
    Lake(tmp_path / "lake").ingest(export, profile="mine")
    config = {"TRENDTOK_LAKE": str(tmp_path / "lake"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"),
              "TRENDTOK_SOUNDS_DEMO": False}
    found = {s.sound_id: s.licence["kind"] for s in sound_service.trending(config, tags=["licencetest"])}
    assert found == {"flipped": "commercial", "silent": "unknown"}
    assert {k: catalog_sounds(config).kinds[k] for k in found} == found  # what similar's TikTok sounds say

    from sounds.suggest import suggest_sounds
    import numpy as np

    def embed(texts):  # the suggestion's ranking is not under test here, only the licence it carries
        return np.ones((len(texts), 4), np.float32) / 2

    posts = sound_service.catalog_posts(config)
    said = {s.sound_id: s.as_dict()["licence"]["kind"] for s in
            suggest_sounds(text="#licencetest", video=None, posts=posts, embed=embed, limit=5)}
    assert said == found


# -- the jobs and a real run, on a studio of their own -----------------------------------------
@pytest.fixture(scope="module")
def studio(tmp_path_factory, models, exports):
    work = tmp_path_factory.mktemp("licence-studio")
    lake = Lake(work / "lake")
    for name in EXPORTS:
        lake.ingest(exports / name, profile="shared")
    for songs in sorted(exports.glob("TikTok_songs_*.csv")):
        lake.ingest(songs, profile="songs")
    with own_studio(work, models) as flask_app:
        yield flask_app


def _job(client, key, body, wait_job):
    created = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    job = wait_job(client, key, created.get_json()["job_id"], timeout=400)
    assert job["status"] == "succeeded", job.get("error")
    return job["result"]


def _upload(client, key, data: bytes, *, filename: str, content_type: str) -> str:
    created = client.post("/api/uploads", json={"filename": filename, "content_type": content_type,
                                                "size": len(data)}, headers={"X-API-Key": key})
    assert created.status_code == 201, created.get_data(as_text=True)
    client.put(created.get_json()["upload_url"], data=data, headers={"Content-Type": content_type})
    status = client.get(created.get_json()["status_url"], headers={"X-API-Key": key}).get_json()
    assert status["status"] == "ready", status
    return status["upload_id"]


@pytest.mark.slow
def test_suggestions_say_their_sounds_licence(studio, wait_job, shared_data, exports):
    raw, key, client = _raw_kinds(exports), create_key(studio, "licence-suggest"), studio.test_client()
    clip = _upload(client, key, (shared_data / CLIP).read_bytes(), filename="clip.mp4", content_type="video/mp4")
    found = _job(client, key, {"kind": "suggest", "upload_id": clip, "limit": 20}, wait_job)["suggestions"]
    assert found
    for suggestion in found:
        assert suggestion["licence"] == licences.licence(_expected(suggestion["sound_id"], raw))


@pytest.mark.slow
def test_similar_tracks_and_their_tiktok_sounds_say_their_licence(studio, wait_job, shared_data, exports, tmp_path):
    """An indexed folder's file named after a released track of the songs CSVs is commercial; a file
    the studio knows nothing of is unknown; the demo's own tracks are demo."""
    raw, key, client = _raw_kinds(exports), create_key(studio, "licence-similar"), studio.test_client()
    folder = tmp_path / "tracks"
    folder.mkdir()
    # A real recording tagged as a released track ("Say So" by Doja Cat is in TikTok_songs_2020.csv): the
    # index reads a file's tags before its name, so the audio is re-encoded (FLAC, lossless) with new tags.
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(shared_data / "music" /
                    "Kevin_MacLeod_-_Vibe_Ace.ogg"), "-map_metadata", "-1", "-metadata", "title=Say So",
                    "-metadata", "artist=Doja Cat", "-c:a", "flac", str(folder / "Doja_Cat_-_Say_So.flac")], check=True)
    for name in ("admiralbob77_-_Choice_-_Drum-bass.ogg", "sorohanro_-_solo-trumpet-06.ogg"):
        (folder / name).write_bytes((shared_data / "music" / name).read_bytes())
    indexed = studio.test_cli_runner().invoke(args=["sounds", "index", str(folder)])
    assert indexed.exit_code == 0, indexed.output
    query = _upload(client, key, (shared_data / "music" / "Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.ogg")
                    .read_bytes(), filename="query.ogg", content_type="audio/ogg")
    tracks = _job(client, key, {"kind": "similar", "upload_id": query, "limit": 20}, wait_job)["similar"]
    kinds = {t["id"]: t["licence"]["kind"] for t in tracks}
    assert kinds["tracks/Doja_Cat_-_Say_So.flac"] == "commercial"
    assert kinds["tracks/admiralbob77_-_Choice_-_Drum-bass.ogg"] == "unknown"
    assert all(kind == "demo" for track, kind in kinds.items() if track.startswith("demo-")) and "demo" in kinds.values()
    for track in tracks:
        jsonschema.validate(track["licence"], licences.SCHEMA)
        for post in track["tiktok"]:
            assert post["licence"] == licences.licence(_expected(post["sound_id"], raw))


@pytest.mark.slow
def test_a_composer_runs_soundtrack_is_generated_on_its_json_and_its_page(studio, wait_job):
    import runs

    key, client = create_key(studio, "licence-run"), studio.test_client()
    result = _job(client, key, {"kind": "search", "tags": ["Beauty"], "duration": 5}, wait_job)
    assert result["music"]["backend"] == "composer"
    assert result["music"]["licence"] == licences.licence("generated")
    jsonschema.validate(result["music"], runs.openapi_schemas()["RunResult"]["properties"]["music"])
    on_disk = json.loads((Path(studio.config["TRENDTOK_RUNS_DIR"]) / result["run_id"] / runs.RESULT_NAME).read_text())
    assert on_disk["music"]["licence"]["kind"] == "generated"
    page = client.get(f"/runs/{result['run_id']}").get_data(as_text=True)
    assert '<span class="licence" data-kind="generated">' in page and str(escape(licences.NOTES["generated"])) in page

    # A run written before soundtracks said their licence reads with the one its backend gives.
    old = {**on_disk, "music": {k: v for k, v in on_disk["music"].items() if k != "licence"}}
    runs.save(studio.config["TRENDTOK_RUNS_DIR"], old)
    assert runs.load(studio.config["TRENDTOK_RUNS_DIR"], result["run_id"])["music"]["licence"]["kind"] == "generated"
    old["music"]["backend"] = "musicgen"
    runs.save(studio.config["TRENDTOK_RUNS_DIR"], old)
    assert runs.load(studio.config["TRENDTOK_RUNS_DIR"], result["run_id"])["music"]["licence"] == \
        licences.licence("generated-nc")


def test_a_trending_sounds_licence_is_the_sounds_whatever_the_tags_and_window_pick(tmp_path):
    """One sound flagged original on its #one post and not on its (later) #two post: asked for #one alone,
    or over a window holding only that post, it is still commercial, as its posts together say."""
    import sound_service
    from trend_lake import parse_window

    def item(n, tag, original):
        return {"id": f"7300000000000000{n:03d}", "desc": f"take {n} #{tag}", "createTime": 1_760_000_000 + n * 86_400,
                "author": {"uniqueId": "maker"},
                "music": {"id": "flipped", "title": "Song", "authorName": "someone", "original": original},
                "stats": {"playCount": 1000 + n, "diggCount": 1, "commentCount": 1, "shareCount": 1}}

    export = tmp_path / "split.json"
    export.write_text(json.dumps([item(1, "one", True), item(20, "two", False)]))
    Lake(tmp_path / "lake").ingest(export, profile="mine")
    config = {"TRENDTOK_LAKE": str(tmp_path / "lake"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"),
              "TRENDTOK_SOUNDS_DEMO": False}
    for tags in (["one"], ["two"], ["one", "two"]):
        assert [s.licence["kind"] for s in sound_service.trending(config, tags=tags)] == ["commercial"], tags
    # Only the #one post (2025-10-10; #two's is 2025-10-29).
    early = sound_service.trending_window(config, parse_window(since="2025-10-09", until="2025-10-11"))
    rows = sound_service.trending(config, tags=["one", "two"], window=early)
    assert [(s.posts, s.licence["kind"]) for s in rows] == [(1, "commercial")]
