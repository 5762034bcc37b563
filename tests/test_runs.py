"""A run's word-timed captions: a real clip (shared speech over shared music, built with ffmpeg)
through the real pipeline, its words in the result JSON, its captions files and how they are served."""
from __future__ import annotations

import re
import shutil
import string

import pytest

import runs
from tests.clips import make_realistic_clip
from tiktok_to_text import word_error_rate

pytestmark = pytest.mark.slow  # the whole studio on a real clip


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def clip(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("clip")
    speech = [shared_data / "speech" / "english.wav", shared_data / "speech" / "librivox-0880.wav"]
    return make_realistic_clip(folder / "built.mp4", speech=speech,
                               music=shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg",
                               title_card="MY MORNING")


@pytest.fixture(scope="module")
def run(app, clip, tmp_path_factory):
    """The clip uploaded as a creator's own (stored under a bare name, as uploads are) and published."""
    from search_input import ClipRequest

    stored = tmp_path_factory.mktemp("upload") / "f00dcafe"
    shutil.copyfile(clip.path, stored)
    result = app.extensions["studio"].clip(ClipRequest(path=stored, duration="match", seed=7, tags=(),
                                                       name="f00dcafe", title="My morning"))
    return runs.publish(result)


def _folder(app, document):
    return app.extensions["studio"].runs_dir / document["run_id"]


def test_the_clips_words_are_in_its_entry_in_order_and_inside_it(run, clip):
    [video] = run["videos"]
    words = video["words"]
    assert video["source"] == "upload" and video["word_timing"] == "word"
    assert words and all(set(w) == {"text", "start_s", "end_s"} for w in words)
    assert all(round(w["start_s"], 2) == w["start_s"] and round(w["end_s"], 2) == w["end_s"] for w in words)
    assert all(0 <= w["start_s"] <= w["end_s"] <= clip.duration_s + 0.01 for w in words)
    assert all(a["start_s"] <= b["start_s"] for a, b in zip(words, words[1:]))
    # The words are what was said: the transcript, and near what the recordings hold.
    assert " ".join(w["text"] for w in words).split() == video["transcript"].split()
    said = " ".join(w["text"] for w in words).lower().replace("1", "one").replace("2", "two").replace("3", "three")
    assert word_error_rate(clip.transcript, said.translate(str.maketrans("", "", string.punctuation))) <= 0.25


def test_each_captioned_video_gets_vtt_and_srt_files_and_the_run_its_own(app, run):
    [video] = run["videos"]
    folder = _folder(app, run)
    stem = video["video_url"].rsplit("/", 1)[1].rsplit(".", 1)[0]
    assert video["captions_vtt_url"] == runs.url(run["run_id"], f"captions/{stem}.vtt")
    assert video["captions_srt_url"] == runs.url(run["run_id"], f"captions/{stem}.srt")
    vtt = (folder / "captions" / f"{stem}.vtt").read_text("utf-8")
    srt = (folder / "captions" / f"{stem}.srt").read_text("utf-8")
    assert vtt.startswith("WEBVTT") and re.search(r"(\d\d:)?\d\d:\d\d\.\d\d\d --> (\d\d:)?\d\d:\d\d\.\d\d\d", vtt)
    assert srt.startswith("1\n") and re.search(r"\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d", srt)
    # The run's captions are the uploaded clip's.
    assert run["captions"] == {"vtt_url": runs.url(run["run_id"], "captions.vtt"),
                               "srt_url": runs.url(run["run_id"], "captions.srt"), "video_url": video["video_url"]}
    assert (folder / "captions.vtt").read_text("utf-8") == vtt and (folder / "captions.srt").read_text("utf-8") == srt
    assert not [p for p in folder.rglob(".*")]  # no temp file left behind
    assert runs.load(app.extensions["studio"].runs_dir, run["run_id"]) == run


def test_captions_are_served_as_webvtt_and_srt(app, run):
    client = app.test_client()
    vtt = client.get(run["captions"]["vtt_url"])
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    assert vtt.get_data(as_text=True).startswith("WEBVTT")
    srt = client.get(run["captions"]["srt_url"] + "?download=1")
    assert srt.status_code == 200 and srt.mimetype == "application/x-subrip"
    assert "attachment" in srt.headers["Content-Disposition"] and "captions.srt" in srt.headers["Content-Disposition"]
    assert client.get(run["videos"][0]["captions_vtt_url"]).mimetype == "text/vtt"


def test_the_run_page_gives_each_player_its_track_and_offers_the_downloads(app, run):
    page = app.test_client().get(f"/runs/{run['run_id']}").get_data(as_text=True)
    [video] = run["videos"]
    track = re.search(r"<track [^>]*>", page).group(0)
    assert 'kind="captions"' in track and 'label="Captions"' in track and " default" in track
    assert f'src="{video["captions_vtt_url"]}"' in track and f'srclang="{video["language"] or "en"}"' in track
    assert f'href="{run["captions"]["vtt_url"]}?download=1"' in page and ">captions.vtt<" in page
    assert f'href="{run["captions"]["srt_url"]}?download=1"' in page and ">captions.srt<" in page


def test_a_run_from_before_words_still_loads_and_shows(app, run):
    runs_dir = app.extensions["studio"].runs_dir
    old = {k: v for k, v in run.items() if k != "captions"}
    old["videos"] = [{k: v for k, v in video.items() if k not in ("words", "word_timing", "captions_vtt_url",
                                                                    "captions_srt_url")} for video in run["videos"]]
    derived, _ = runs.derive(runs_dir, old)
    runs.save(runs_dir, derived)
    assert runs.load(runs_dir, derived["run_id"])["videos"][0]["transcript"] == run["videos"][0]["transcript"]
    page = app.test_client().get(f"/runs/{derived['run_id']}")
    assert page.status_code == 200 and "<track" not in page.get_data(as_text=True)
    assert "captions.vtt<" not in page.get_data(as_text=True)


def test_a_remix_carries_the_captions_into_its_own_folder(app, run):
    runs_dir = app.extensions["studio"].runs_dir
    child, folder = runs.derive(runs_dir, run)
    for url in (child["captions"]["vtt_url"], child["captions"]["srt_url"], child["videos"][0]["captions_vtt_url"]):
        path = runs.file_path(runs_dir, child, url)
        assert path is not None and path.is_relative_to(folder.resolve())


def test_a_run_without_speech_has_no_words_and_no_captions(app):
    from search_input import SearchRequest

    document = runs.publish(app.extensions["studio"].search(SearchRequest(tags=("Zzyzxnotatag",), duration=5, seed=2)))
    assert document["videos"] == [] and document["captions"] is None
    assert not (_folder(app, document) / "captions.vtt").exists()


def test_a_clip_with_music_and_no_speech_has_no_words_and_no_captions(app, shared_data, tmp_path):
    import subprocess

    from search_input import ClipRequest
    from tests.clips import FFMPEG

    stored = tmp_path / "0ddba11"
    subprocess.run([FFMPEG, "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=navy:s=360x640:r=10:d=5",
                    "-i", str(shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg"), "-t", "5",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mp4", str(stored)], check=True)
    result = app.extensions["studio"].clip(ClipRequest(path=stored, duration="match", seed=3, tags=(), name="0ddba11"))
    document = runs.publish(result)
    [video] = document["videos"]
    assert (video["words"], video["word_timing"]) == ([], "none")
    assert video["captions_vtt_url"] is None and document["captions"] is None
    assert not (_folder(app, document) / "captions").exists()
