"""The studio on real content: the real TikTok clip and realistic clips built here, in a library
of the creator's own, through the default backends (whatever `auto` finds installed)."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.clips import CHROME, make_realistic_clip
from tiktok_to_text import word_error_rate

REAL_CLIP = "malwaretech-7261314534885870894"


@pytest.fixture(scope="module")
def real_content(tmp_path_factory, shared_data):
    """A creator's library: the real TikTok clip and a realistic clip built from shared speech
    over shared music at -12 dB, with karaoke captions, a title card and platform chrome."""
    library = tmp_path_factory.mktemp("library")
    # Category names that do not give the topic away: keywords must come from the content.
    movies = library / "#MovieNight - #Relatable"
    books = library / "#BookTok - #ReadingList"
    movies.mkdir()
    books.mkdir()
    real = shared_data / "tiktok" / "videos" / f"{REAL_CLIP}.mp4"
    # A copy in the test's temp folder: the library ignores symlinks that leave it.
    shutil.copyfile(real, movies / real.name)
    built = make_realistic_clip(
        books / "sense-and-sensibility.mp4",
        speech=sorted((shared_data / "speech").glob("librivox-*.wav")),
        music=shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg",
        title_card="3 CLASSICS TO READ",
    )
    return library, real, built


@pytest.fixture(scope="module")
def searches(real_content, tmp_path_factory):
    """One search per clip, through the default backends: {tag: (result, run page)}."""
    from app import create_app

    library, _, _ = real_content
    work = tmp_path_factory.mktemp("studio")
    # Every stage on "auto"; MusicGen and SD pointed at a folder that is not there, so a machine
    # that has their weights cached still shows the fallback this test is about.
    app = create_app({"TESTING": True, "TRENDTOK_LIBRARY": str(library), "TRENDTOK_RUNS_DIR": str(work / "runs"),
                      "TRENDTOK_CACHE_DIR": str(work / "cache"), "TRENDTOK_DB": str(work / "studio.sqlite3"),
                      "TRENDTOK_SECRET_KEY": "test-only-secret",
                      "MUSICGEN_MODEL": str(work / "no-musicgen"), "SD_MODEL": str(work / "no-sd")})
    if app.extensions["studio"].extractor.backend != "whisper":
        app.extensions["studio"].close()
        pytest.skip("the Whisper weight packages are not installed: the real-content bar is set for Whisper")
    client = app.test_client()
    found = {}
    try:
        for tag in ("MovieNight", "BookTok"):
            response = client.post("/search", json={"tags": [tag], "duration": 5})
            assert response.status_code == 200, response.get_data(as_text=True)
            result = response.get_json()
            assert len(result["videos"]) == 1
            found[tag] = result, client.get(f"/runs/{result['run_id']}").get_data(as_text=True)
        yield found
    finally:
        app.extensions["studio"].close()


@pytest.fixture(scope="module", params=["MovieNight", "BookTok"])
def result(request, searches):
    return searches[request.param]


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _video(searches, tag: str) -> dict:
    return searches[tag][0]["videos"][0]


@pytest.mark.slow  # whole searches on real and realistic clips
def test_transcripts_of_real_and_realistic_clips(searches, real_content, shared_data):
    _, _, built = real_content
    reference = (shared_data / "tiktok" / "videos" / f"{REAL_CLIP}.txt").read_text()
    for tag, expected in (("MovieNight", reference), ("BookTok", built.transcript)):
        video = _video(searches, tag)
        print(tag, video["language"], video["transcript"])
        assert word_error_rate(expected, video["transcript"]) <= 0.15
        if searches[tag][0]["backends"]["text"] == "whisper":
            assert video["language"] == "en"
        times = [(s["start_s"], s["end_s"]) for s in video["segments"]]
        assert times and all(0 <= a < b <= video["duration_s"] + 0.5 for a, b in times)


@pytest.mark.slow  # whole searches on real and realistic clips
def test_captions_are_clean_lines_without_chrome(searches, real_content):
    _, _, built = real_content
    print("real clip:", [(c["text"], c["start_s"], c["spoken"]) for c in _video(searches, "MovieNight")["captions"]])
    for tag in ("MovieNight", "BookTok"):
        texts = [c["text"] for c in _video(searches, tag)["captions"]]
        assert not any(re.search(r"@\w|\btiktok\b|followers|joined \w+ \d", t, re.I) for t in texts), texts
        assert len({t.upper() for t in texts}) == len(texts)
    captions = _video(searches, "BookTok")["captions"]
    print([(c["text"], c["start_s"], c["spoken"]) for c in captions])
    texts = [c["text"] for c in captions]
    for chrome in CHROME:
        assert not any(chrome.lower() in t.lower() for t in texts), chrome
    # The title card is on-screen text nobody says; the karaoke lines are what is said.
    title = [c for c in captions if "CLASSICS" in c["text"].upper()]
    assert len(title) == 1 and not title[0]["spoken"]
    karaoke = [c for c in captions if c is not title[0]]
    assert karaoke and sum(c["spoken"] for c in karaoke) >= 0.8 * len(karaoke)
    assert all(0 <= c["start_s"] <= built.duration_s for c in captions)


@pytest.mark.parametrize("tag, topic", [("MovieNight", "barbie"), ("BookTok", "dashwood")])
@pytest.mark.slow  # whole searches on real and realistic clips
def test_keywords_carry_the_clips_topic(searches, tag, topic):
    result, _ = searches[tag]
    print(tag, result["keywords"])
    assert topic in " ".join(result["keywords"]).lower()


@pytest.mark.slow  # whole searches on real and realistic clips
def test_summary_sentences_come_from_speech_not_ocr(result):
    result, _ = result
    print(result["summary"])
    assert 0 < len(result["summary"].split()) <= 80
    for sentence in result["evidence"]["summary"]:
        # Sentences come from what was said or written, never from OCR fragments or chrome.
        assert sentence["sources"] and {s["kind"] for s in sentence["sources"]} <= {"transcript", "title",
                                                                                      "description"}
        assert not sentence["text"].isupper()
        assert not any(len(word) > 20 for word in sentence["text"].split())
    # Every sentence is what was said (or written by the creator), word for word.
    written = _letters(" ".join(f"{v['transcript']} {v['title']} {v['description']}" for v in result["videos"]))
    assert all(_letters(s["text"]) in written for s in result["evidence"]["summary"])


@pytest.mark.slow  # whole searches on real and realistic clips
def test_evidence_points_at_seconds_of_the_source_videos(result):
    result, page = result
    durations = {v["id"]: v["duration_s"] for v in result["videos"]}
    sources = [s for item in result["evidence"]["summary"] + result["evidence"]["keywords"] for s in item["sources"]]
    assert sources and all(s["video_id"] in durations for s in sources)
    assert all(s["start_s"] is None or 0 <= s["start_s"] <= durations[s["video_id"]] for s in sources)
    # The page: a clickable timestamp per source, and a poster frame for every video.
    assert page.count('class="ts"') >= len(sources)
    assert all(v["poster_url"] and v["poster_url"] in page for v in result["videos"])


@pytest.mark.slow  # whole searches on real and realistic clips
def test_each_library_video_gets_its_timed_words_and_captions_track(result):
    result, page = result
    [video] = result["videos"]
    words = video["words"]
    assert video["word_timing"] == "word" and len(words) >= 10
    assert all(0 <= w["start_s"] <= w["end_s"] <= video["duration_s"] + 0.01 for w in words)
    assert all(a["start_s"] <= b["start_s"] for a, b in zip(words, words[1:]))
    assert " ".join(w["text"] for w in words).split() == video["transcript"].split()
    # No upload in a search: the run's captions are its first (here its only) video's.
    assert result["captions"]["video_url"] == video["video_url"]
    assert f'src="{video["captions_vtt_url"]}"' in page and 'kind="captions"' in page


@pytest.mark.slow  # whole searches on real and realistic clips
def test_auto_fallbacks_are_notes_not_warnings(result):
    result, page = result
    assert result["backends"]["music"] == "composer" and result["backends"]["cover"] == "poster"
    assert set(result["notes"]) >= {"music", "cover"}
    assert not any("using the composer" in w or "using the poster" in w for w in result["warnings"])
    assert "python init.py" in page


@pytest.mark.slow  # whole searches on real and realistic clips
def test_a_search_asked_to_stop_stops_at_the_next_stage_and_leaves_no_run(app):
    import pipeline
    from search_input import SearchRequest

    studio = app.extensions["studio"]
    seen = []
    before = set(studio.runs_dir.iterdir())
    with pytest.raises(pipeline.SearchCancelled, match="before the summary stage"):
        studio.search(SearchRequest(tags=("Foodie",), duration=5, seed=None),
                      progress=lambda stage, done, total: seen.append(stage),
                      should_stop=lambda: "text" in seen)
    assert list(dict.fromkeys(seen)) == ["videos", "text"]
    assert set(studio.runs_dir.iterdir()) == before  # the half-made run folder is gone


@pytest.mark.parametrize("clip_s, generated", [(0.2, 5), (5.0, 5), (5.0004, 5), (11.3, 15), (59.9, 60), (75.0, 60)])
def test_a_clips_soundtrack_is_generated_at_the_grid_length_at_or_above_it(clip_s, generated):
    import pipeline

    assert pipeline.soundtrack_length(clip_s) == generated


@pytest.mark.slow  # whole searches on real and realistic clips
def test_the_studio_on_a_creators_own_clip_makes_a_soundtrack_exactly_as_long_as_the_clip(app, tmp_path):
    import dataclasses

    import pipeline
    import runs
    import stages as stages_registry
    from music_gen.audio import read_wav
    from search_input import ClipRequest
    from tiktok_videos import LIBRARY_DIR, probe_duration

    clip = tmp_path / "upload.bin"  # an upload's stored name says nothing about its content
    shutil.copyfile(next(LIBRARY_DIR.glob("#Foodie*/*.mp4")), clip)
    clip_s = probe_duration(clip)
    studio = app.extensions["studio"]
    stages = []
    result = studio.clip(ClipRequest(path=clip, duration="match", seed=None, name="up-1", title="My pasta"),
                         progress=lambda stage, done, total: stages.append(stage))
    assert isinstance(result, pipeline.StudioResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.run_id = "other"
    assert list(dict.fromkeys(stages)) == list(stages_registry.names())
    assert [v.video.source for v in result.videos] == ["upload"] and result.tags == ()
    assert result.videos[0].text.transcript.strip(), "the clip's speech was not transcribed"
    audio, rate = read_wav(result.soundtrack.wav_path)
    assert abs(audio.shape[1] / rate - clip_s) < 1 / rate + 1e-9
    assert result.soundtrack.duration_s == pytest.approx(clip_s, abs=1e-3)
    assert result.cover.path.is_file() and result.backends["videos"] == "upload"

    document = runs.publish(result)
    assert document["music"]["duration_s"] == pytest.approx(clip_s, abs=1e-3)
    assert document["videos"][0]["video_url"].startswith(f"/runs/{result.run_id}/videos/upload-")
    assert runs.load(studio.runs_dir, result.run_id) == document
    # The same clip again: the same seed (from its name), so the same music.
    again = studio.clip(ClipRequest(path=clip, duration=10, seed=None, name="up-1"))
    assert again.seed == result.seed and again.soundtrack.duration_s == 10.0


def test_an_unknown_or_malformed_run_id_is_not_found(app):
    import runs

    runs_dir = app.extensions["studio"].runs_dir
    for run_id in ("../etc", "not-a-run", "0" * 32):
        with pytest.raises(runs.RunNotFound):
            runs.load(runs_dir, run_id)
