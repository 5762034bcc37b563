"""A new soundtrack or cover for a finished run: a new run, the first one untouched."""
from __future__ import annotations

import hashlib
import wave

import pytest

import runs
from music_gen import MusicError
from pipeline import Studio
from remix import RemixError, regenerate
from tiktok_videos import probe_duration

pytestmark = pytest.mark.slow  # remixes a whole search run and a whole clip run


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file(studio, document, url):
    path = runs.file_path(studio.runs_dir, document, url)
    assert path is not None, url
    return path


def test_a_new_soundtrack_is_a_new_run_with_the_same_content_and_the_first_run_untouched(studio, search_run):
    first_json = (studio.runs_dir / search_run["run_id"] / "result.json").read_bytes()
    first_wav = _digest(_file(studio, search_run, search_run["music"]["url"]))

    remixed = regenerate(studio, run_id=search_run["run_id"], part="music", seed=1234)

    assert remixed["run_id"] != search_run["run_id"] and remixed["parent_run_id"] == search_run["run_id"]
    for same in ("summary", "keywords", "idea", "song_description", "input_tags", "duration"):
        assert remixed[same] == search_run[same], same
    assert [v["transcript"] for v in remixed["videos"]] == [v["transcript"] for v in search_run["videos"]]
    assert remixed["music"]["seed"] == 1234 and remixed["music"]["duration_s"] == search_run["music"]["duration_s"]
    assert _digest(_file(studio, remixed, remixed["music"]["url"])) != first_wav
    # The cover and the videos are the first run's files, linked into the new run and served from it.
    assert f"/runs/{remixed['run_id']}/" in remixed["cover"]["url"]
    assert _digest(_file(studio, remixed, remixed["cover"]["url"])) == \
        _digest(_file(studio, search_run, search_run["cover"]["url"]))
    for video in remixed["videos"]:
        assert _file(studio, remixed, video["video_url"]).stat().st_size > 0
    assert runs.load(studio.runs_dir, remixed["run_id"]) == remixed
    # The first run is byte for byte what it was.
    assert (studio.runs_dir / search_run["run_id"] / "result.json").read_bytes() == first_json
    assert _digest(_file(studio, search_run, search_run["music"]["url"])) == first_wav


def test_a_new_cover_keeps_the_soundtrack(studio, search_run):
    remixed = regenerate(studio, run_id=search_run["run_id"], part="cover", seed=99)
    assert remixed["cover"]["seed"] == 99 and (remixed["cover"]["width"], remixed["cover"]["height"]) == (1080, 1920)
    assert _digest(_file(studio, remixed, remixed["cover"]["url"])) != \
        _digest(_file(studio, search_run, search_run["cover"]["url"]))
    assert _digest(_file(studio, remixed, remixed["music"]["url"])) == \
        _digest(_file(studio, search_run, search_run["music"]["url"]))
    assert remixed["timings"]["cover"] > 0 and remixed["backends"]["cover"] == "poster"


def test_a_new_soundtrack_for_my_clip_is_still_exactly_as_long_as_the_clip(studio, clip_run, clip_path):
    remixed = regenerate(studio, run_id=clip_run["run_id"], part="music", seed=7)
    with wave.open(str(_file(studio, remixed, remixed["music"]["url"]))) as wav:
        frames, rate = wav.getnframes(), wav.getframerate()
    assert abs(frames - probe_duration(clip_path) * rate) < 1  # to the sample
    assert remixed["music"]["seed"] == 7 and remixed["duration"] == "match"


@pytest.mark.parametrize("run_id, part, field", [
    ("0" * 32, "music", "run_id"),       # no such run
    ("../../etc", "music", "run_id"),     # not even a run id
    (None, "music", "run_id"),
    ("RUN", "video", "part"),            # RUN: the search run, filled in below
    ("RUN", None, "part"),
])
def test_a_bad_request_names_its_field_and_makes_no_run(studio, search_run, run_id, part, field):
    before = set(studio.runs_dir.iterdir())
    with pytest.raises(RemixError, match=f"^{field}: "):
        regenerate(studio, run_id=search_run["run_id"] if run_id == "RUN" else run_id, part=part, seed=1)
    assert set(studio.runs_dir.iterdir()) == before


def test_a_stage_that_fails_leaves_no_half_made_run(studio, search_run):
    # A studio whose soundtrack stage cannot load (a backend it does not know); same runs folder.
    broken = Studio({**studio.config, "TRENDTOK_MUSIC": "theremin"})
    before = set(studio.runs_dir.iterdir())
    with pytest.raises(MusicError, match="backend must be one of"):
        regenerate(broken, run_id=search_run["run_id"], part="music", seed=1)
    assert set(studio.runs_dir.iterdir()) == before
