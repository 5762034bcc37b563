"""``flask --app app sounds trending|similar|index`` give the same answers as the API, as a table
or as JSON, and a readable message with a failing exit for bad input."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow  # indexing real songs through the CLI


@pytest.fixture
def runner(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    monkeypatch.setitem(app.config, "TRENDTOK_CACHE_DIR", str(tmp_path / "cache"))
    return app.test_cli_runner()


def test_trending_prints_a_table_or_the_apis_json(runner, app):
    table = runner.invoke(args=["sounds", "trending", "foodie", "--limit", "3"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["#", "title", "author"] and len(lines) == 2 + 3
    assert "Sunday Kitchen" in lines[2] and "playable" in lines[2]
    as_json = json.loads(runner.invoke(args=["sounds", "trending", "#Foodie", "--limit", "3", "--format", "json"]).output)
    with app.test_request_context():
        from web.sounds import _trending

        api = _trending("#Foodie", 3, "score")
    # The same sounds, numbers and posts; only the API gives its audio a URL (the CLI has no server).
    assert [{**s, "audio_url": None} for s in api] == as_json["sounds"] and all(s["audio_url"] for s in api)


def test_bad_input_is_a_message_and_a_failing_exit(runner):
    out = runner.invoke(args=["sounds", "trending", "fit/ness"])
    assert out.exit_code == 1 and "Error: tags: " in out.output
    out = runner.invoke(args=["sounds", "trending", "fitness", "--limit", "0"])
    assert out.exit_code == 1 and "Error: limit: " in out.output
    assert "no sounds for #nosuchtag" in runner.invoke(args=["sounds", "trending", "nosuchtag"]).output


def test_index_skips_a_broken_file_and_similar_finds_the_rest(runner, tmp_path, shared_data):
    folder = tmp_path / "tracks"
    folder.mkdir()
    for name in ("Kevin_MacLeod_-_Vibe_Ace.ogg", "admiralbob77_-_Choice_-_Drum-bass.ogg"):
        (folder / name).write_bytes((shared_data / "music" / name).read_bytes())
    (folder / "broken.mp3").write_bytes(b"not audio at all\n" * 100)
    out = runner.invoke(args=["sounds", "index", str(folder)])
    assert out.exit_code == 0 and "skipped 1" in out.output and "tracks/broken.mp3" in out.output, out.output
    found = json.loads(runner.invoke(args=["sounds", "similar", str(folder / "Kevin_MacLeod_-_Vibe_Ace.ogg"),
                                           "--limit", "20", "--format", "json"]).output)["similar"]
    ids = [t["id"] for t in found]
    assert "tracks/Kevin_MacLeod_-_Vibe_Ace.ogg" not in ids  # never the query itself
    assert "tracks/admiralbob77_-_Choice_-_Drum-bass.ogg" in ids and any(i.startswith("demo-") for i in ids)
    demo = next(t for t in found if t["id"].startswith("demo-"))
    assert demo["playable"] and demo["tiktok"] and demo["tiktok"][0]["sound_id"] == demo["id"]
    bad = runner.invoke(args=["sounds", "similar", str(folder / "broken.mp3")])
    assert bad.exit_code == 1 and "Error: file: " in bad.output


def test_an_indexed_tracks_audio_plays_from_the_page(runner, app, tmp_path, shared_data):
    folder = tmp_path / "tracks"
    folder.mkdir()
    (folder / "Vibe.ogg").write_bytes((shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg").read_bytes())
    assert runner.invoke(args=["sounds", "index", str(folder)]).exit_code == 0
    client = app.test_client()
    served = client.get("/sounds/audio/tracks/Vibe.ogg")
    assert served.status_code == 200 and served.data[:4] == b"OggS"
    assert client.get("/sounds/audio/tracks/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_index_names_same_named_folders_apart_and_refuses_one_given_twice(runner, tmp_path, shared_data):
    for parent in ("a", "b"):
        folder = tmp_path / parent / "music"
        folder.mkdir(parents=True)
        (folder / "Vibe.ogg").write_bytes((shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg").read_bytes())
    out = runner.invoke(args=["sounds", "index", str(tmp_path / "a" / "music"), str(tmp_path / "b" / "music")])
    assert out.exit_code == 0 and "skipped 0" in out.output, out.output
    twice = runner.invoke(args=["sounds", "index", str(tmp_path / "a" / "music"), str(tmp_path / "a" / "music")])
    assert twice.exit_code == 1 and "Error: folders: a folder is given twice" in twice.output


def test_trending_takes_the_apis_window(runner):
    whole = json.loads(runner.invoke(args=["sounds", "trending", "foodie", "--limit", "20", "--format", "json"]).output)
    out = runner.invoke(args=["sounds", "trending", "foodie", "--limit", "20", "--since", "2025-11-20",
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    windowed = json.loads(out.output)
    assert whole["window"] is None and windowed["window"]["since"] == "2025-11-20T00:00:00Z"
    assert 0 < sum(s["posts"] for s in windowed["sounds"]) < sum(s["posts"] for s in whole["sounds"])
    bad = runner.invoke(args=["sounds", "trending", "foodie", "--since", "soon"])
    assert bad.exit_code == 1 and "Error: since: " in bad.output
