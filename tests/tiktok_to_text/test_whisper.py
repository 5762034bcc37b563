"""The Whisper backend on a tiny random-weight model built here, loaded through our real code.

Random weights transcribe garbage, so these tests check the contract (local-only
loading, one load per extractor, strings out, the music gate), never the words.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tiktok_to_text import TextExtractor
from tiktok_to_text.debug import save_debug_whisper
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.whisper import WhisperTranscriber, find_local_whisper


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory) -> Path:
    """The package's random-weight debug Whisper, saved to a temp folder."""
    return save_debug_whisper(tmp_path_factory.mktemp("tiny-whisper"))


@pytest.fixture
def pipeline_loads(monkeypatch) -> list[str]:
    """Records every transformers.pipeline() call while still running the real one."""
    import transformers

    real, calls = transformers.pipeline, []

    def counting(*args, **kwargs):
        calls.append(kwargs.get("model"))
        return real(*args, **kwargs)

    monkeypatch.setattr(transformers, "pipeline", counting)
    return calls


def test_finds_local_folders_only(tiny_whisper, tmp_path):
    assert find_local_whisper(str(tiny_whisper)) == tiny_whisper
    assert find_local_whisper(str(tmp_path)) is None  # a folder without weights
    assert find_local_whisper("openai/whisper-no-such-model") is None  # not in the local cache: no download


def test_auto_and_explicit_whisper_fall_back_to_sphinx_when_weights_are_missing(tmp_path):
    auto = TextExtractor(transcriber="auto", whisper_model=str(tmp_path / "absent"))
    assert (auto.backend, auto.warnings) == ("sphinx", [])
    asked = TextExtractor(transcriber="whisper", whisper_model="openai/whisper-no-such-model")
    assert asked.backend == "sphinx"
    assert "openai/whisper-no-such-model" in asked.warnings[0] and "sphinx" in asked.warnings[0]


def test_music_only_audio_gives_no_text(tiny_whisper, shared_data):
    transcribe = WhisperTranscriber(tiny_whisper, device="cpu")
    for clip in sorted((shared_data / "music").glob("*.ogg")):
        assert transcribe(decode_audio(clip, ffmpeg=ffmpeg_exe())) == "", clip.name


@pytest.mark.parametrize("pool", ["thread", "process"])
def test_whisper_extractor_loads_once_and_transcribes_every_file(tiny_whisper, shared_data, pipeline_loads, pool):
    speech = sorted((shared_data / "speech").glob("*.wav"))[:3]
    music = sorted((shared_data / "music").glob("*.ogg"))[0]
    with TextExtractor(transcriber="auto", whisper_model=str(tiny_whisper), device="cpu",
                       ocr=False, workers=2, pool=pool) as extractor:
        assert (extractor.backend, extractor.warnings) == ("whisper", [])
        texts = extractor([*speech, music])
        again = extractor(speech[:1])
    assert pipeline_loads == [str(tiny_whisper)]  # once for the extractor, not per video or worker
    assert all(t.backend == "whisper" and isinstance(t.transcript, str) and t.warnings == [] for t in texts)
    assert texts[-1].transcript == ""  # the music clip never reaches the model
    assert again[0].transcript == texts[0].transcript
