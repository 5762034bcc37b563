"""The extractor end to end: real ffmpeg, sphinx and RapidOCR in a real pool."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from tiktok_to_text import TextExtractor, TranscriptionError, VideoText, word_error_rate

pytestmark = pytest.mark.slow  # whole real clips through worker processes

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extractor(tmp_path_factory):
    with TextExtractor(transcriber="sphinx", workers=2, pool="thread",
                       cache_dir=tmp_path_factory.mktemp("cache")) as ex:
        yield ex


@pytest.mark.parametrize("field, value", [
    ("transcriber", "vosk"), ("pool", "fork"), ("workers", 0), ("ocr", "yes"), ("device", "tpu"),
    ("whisper_model", ""),
])
def test_bad_settings_raise_naming_the_field(field, value):
    with pytest.raises(TranscriptionError, match=field):
        TextExtractor(**{field: value})


def test_speech_and_captions_of_one_video(extractor, speech_video):
    path, reference = speech_video
    calls = []
    [text] = extractor([path], progress=lambda done, total: calls.append((done, total)))
    print(text)
    assert isinstance(text, VideoText) and text.backend == extractor.backend == "sphinx"
    assert word_error_rate(reference, text.transcript) < 0.45
    caption_words = " ".join(c.text for c in text.captions).lower().split()
    assert {"sunday", "reset", "morning", "routine"} <= set(caption_words)
    assert text.warnings == [] and not text.cached
    assert calls[-1] == (1, 1)
    # Segments carry times inside the clip; sphinx hears English.
    assert text.language == "en" and text.segments
    assert all(0 <= s.start_s < s.end_s <= 6.0 for s in text.segments)
    # Captions nobody says are not marked spoken; their times fall inside the clip.
    assert all(not c.spoken and 0 <= c.start_s < 6.0 for c in text.captions)


def test_second_call_is_an_identical_cache_hit(extractor, caption_video):
    first = extractor([caption_video])[0]
    second = extractor([caption_video])[0]
    assert second.cached
    assert {**first.to_dict(), "cached": True} == second.to_dict()
    assert json.loads(json.dumps(second.to_dict())) == second.to_dict()


def test_bad_inputs_warn_and_the_others_carry_on(extractor, caption_video, tmp_path):
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(os.urandom(20_000))
    missing = tmp_path / "missing.mp4"
    texts = extractor([corrupt, caption_video, missing])
    assert [t.transcript for t in texts] == ["", "", ""]
    bad, good, gone = texts
    assert bad.captions == [] and "not a readable video" in bad.warnings[0]
    assert gone.sha256 == "" and "could not be read" in gone.warnings[0]
    # The caption video is silent: no audio track, captions still read.
    assert good.warnings == [f"{caption_video.name} has no audio track"]
    assert "banana" in " ".join(c.text for c in good.captions).lower()


def test_process_pool_gives_the_same_texts_and_reuses_its_workers(speech_video, caption_video):
    path, _ = speech_video
    with TextExtractor(transcriber="sphinx", workers=2, pool="process") as ex:
        first = ex([path, caption_video])
        pids = ex._executor._processes.keys() if ex._executor else set()
        pids = set(pids)
        again = ex([path])
        assert set(ex._executor._processes.keys()) == pids  # the pool lives across calls
        lifeline = ex._executor.lifeline
    # close() waits for the workers and closes the pipe they watch their parent by (test_worker_lifetime)
    assert lifeline.closed and ex._executor is None
    assert not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in pids)
    with TextExtractor(transcriber="sphinx", workers=1, pool="thread") as ex:
        reference = ex([path, caption_video])
    assert [t.transcript for t in first] == [t.transcript for t in reference]
    assert [t.captions for t in first] == [t.captions for t in reference]
    assert again[0].transcript == first[0].transcript


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def test_a_worker_killed_between_calls_costs_nothing_the_next_call_gets_a_fresh_pool(caption_video):
    import signal
    import time

    with TextExtractor(transcriber="sphinx", workers=1, pool="process") as ex:
        first = ex([caption_video])[0]
        broken = ex._executor
        [pid] = broken._processes
        os.kill(pid, signal.SIGKILL)  # as the OOM killer would, while the pool is idle
        deadline = time.monotonic() + 30
        while not broken._broken and time.monotonic() < deadline:  # the pool notices on its own thread
            time.sleep(0.05)
        assert broken._broken
        [again] = ex([caption_video])
        assert ex._executor is not broken
        assert again.warnings == first.warnings and again.captions == first.captions  # no "worker died"


def test_library_videos_match_their_sidecars(extractor):
    videos = sorted(ROOT.glob("tiktok_videos/library/*/*.mp4"))
    videos = [v for v in videos if v.with_suffix(".json").is_file()][:3]
    if len(videos) < 3:
        pytest.skip("the bundled demo library (tiktok_videos/library) is not there yet")
    texts = extractor(videos)
    for video, text in zip(videos, texts):
        sidecar = json.loads(video.with_suffix(".json").read_text("utf-8"))
        rate = word_error_rate(sidecar["narration"], text.transcript)
        expected = {w for c in sidecar["captions"] for w in c.lower().split() if w.isalpha() and len(w) > 2}
        # Substrings of the space-less text: "SPF EVERYDAY" does show "every" and "day".
        shown = "".join(" ".join(c.text for c in text.captions).lower().split())
        found = {w for w in expected if w in shown}
        print(f"{video.name}: WER {rate:.3f}, caption words found {len(found)}/{len(expected)}")
        assert rate < 0.45
        assert len(found) >= 0.8 * len(expected)


def test_silent_audio_track_gives_an_empty_transcript(extractor, tmp_path):
    silent = tmp_path / "silence.wav"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "2", str(silent)],
                   check=True)
    [text] = extractor([silent])
    assert text.transcript == "" and text.captions == [] and text.warnings == []


def test_google_without_network_warns_per_video_and_is_not_cached(shared_data, tmp_path):
    import socket

    try:
        socket.getaddrinfo("www.google.com", 80)
        pytest.skip("the network is reachable here: the offline error path cannot be exercised")
    except OSError:
        pass
    wavs = sorted((shared_data / "speech").glob("*.wav"))[:2]
    with TextExtractor(transcriber="google", ocr=False, pool="thread", cache_dir=tmp_path) as extractor:
        assert extractor.backend == "google"
        first = extractor(wavs)
        second = extractor(wavs)
    for text in first + second:
        assert text.transcript == "" and not text.cached
        assert "Google speech recognition failed" in text.warnings[0]


def test_paths_must_be_a_list_of_paths(extractor, caption_video):
    with pytest.raises(TranscriptionError, match="paths"):
        extractor(caption_video)
    with pytest.raises(TranscriptionError, match="paths"):
        extractor([caption_video, 42])
    assert extractor([], progress=lambda done, total: None) == []
