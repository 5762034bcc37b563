"""The run page's players in a real Chromium: a real clip (shared speech over shared music, built
with ffmpeg) through the real pipeline, and its word-timed captions loaded as the player's track."""
from __future__ import annotations

import shutil

import pytest

import runs
from tests.clips import make_realistic_clip

pytestmark = pytest.mark.slow  # the whole studio on a real clip, then Chromium


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def run(app, shared_data, tmp_path_factory):
    from search_input import ClipRequest

    folder = tmp_path_factory.mktemp("clip")
    clip = make_realistic_clip(folder / "built.mp4",
                               speech=[shared_data / "speech" / "english.wav", shared_data / "speech" / "librivox-0880.wav"],
                               music=shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg", title_card="MY MORNING")
    stored = folder / "c0ffee"  # an upload's stored name says nothing about its content
    shutil.copyfile(clip.path, stored)
    result = app.extensions["studio"].clip(ClipRequest(path=stored, duration="match", seed=11, tags=(), name="c0ffee"))
    return runs.publish(result)


_TRACK_STATE = """
const video = document.querySelector('video[data-video-id]');
const element = video && video.querySelector('track');
if (!element) return null;
const track = video.textTracks[0];
return {ready: element.readyState, mode: track.mode, kind: track.kind, label: track.label,
        cues: track.cues ? Array.from(track.cues, (c) => ({start: c.startTime, end: c.endTime, text: c.text})) : []};
"""


def test_the_players_track_loads_the_words_and_shows_them_while_it_plays(browser, base_url, run, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    [video] = run["videos"]
    assert video["words"], "the clip's words were not transcribed"
    browser.get(f"{base_url}/runs/{run['run_id']}")
    # readyState 2 is LOADED: the browser fetched the VTT and parsed its cues.
    state = WebDriverWait(browser, 30).until(
        lambda d: (s := d.execute_script(_TRACK_STATE)) and s["ready"] == 2 and s["cues"] and s)
    assert (state["kind"], state["label"], state["mode"]) == ("captions", "Captions", "showing")
    first_word = video["words"][0]
    assert state["cues"][0]["start"] == pytest.approx(first_word["start_s"], abs=0.01)
    assert first_word["text"] in state["cues"][0]["text"]
    heard = " ".join(c["text"].replace("\n", " ") for c in state["cues"]).split()
    assert heard == [w["text"] for w in video["words"]]

    # Seeking into the second cue makes it the one shown.
    second = state["cues"][1]
    browser.execute_script("document.querySelector('video[data-video-id]').currentTime = arguments[0];",
                           (second["start"] + second["end"]) / 2)
    shown = WebDriverWait(browser, 15).until(lambda d: d.execute_script(
        "const c = document.querySelector('video[data-video-id]').textTracks[0].activeCues;"
        "return c && c.length ? c[0].text : null;"))
    assert shown == second["text"]
    screenshot("captions-track.png")

    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#captions-downloads a")}
    assert links == {"captions.vtt": f"{base_url}{run['captions']['vtt_url']}?download=1",
                     "captions.srt": f"{base_url}{run['captions']['srt_url']}?download=1"}
