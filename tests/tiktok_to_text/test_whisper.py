"""The Whisper backend on a tiny random-weight model built here, loaded through our real code.

Random weights transcribe garbage, so these tests check the contract (local-only
loading, one load per extractor, strings out, the music gate), never the words.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tiktok_to_text import TextExtractor
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.whisper import WhisperTranscriber, find_local_whisper

SPECIAL_TOKENS = ["<|startoftranscript|>", "<|en|>", "<|translate|>", "<|transcribe|>",
                  "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory) -> Path:
    """A saved Whisper with d_model=16, one layer each side, and a byte-level vocabulary."""
    import torch
    from transformers import (GenerationConfig, WhisperConfig, WhisperFeatureExtractor,
                              WhisperForConditionalGeneration, WhisperProcessor, WhisperTokenizer)
    from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

    folder = tmp_path_factory.mktemp("tiny-whisper")
    vocab = {char: index for index, char in enumerate(bytes_to_unicode().values())}
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = WhisperTokenizer(
        vocab_file=str(folder / "vocab.json"), merges_file=str(folder / "merges.txt"),
        unk_token="<|endoftext|>", bos_token="<|endoftext|>", eos_token="<|endoftext|>", pad_token="<|endoftext|>",
    )
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS})
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in ["<|endoftext|>", *SPECIAL_TOKENS]}
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        num_mel_bins=80, max_source_positions=1500, max_target_positions=64,
        decoder_start_token_id=sot, eos_token_id=eot, pad_token_id=eot, bos_token_id=eot,
    )
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=sot, eos_token_id=eot, pad_token_id=eot, bos_token_id=eot, max_length=24,
        no_timestamps_token_id=ids["<|notimestamps|>"], is_multilingual=True,
        lang_to_id={"<|en|>": ids["<|en|>"]},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        suppress_tokens=[], begin_suppress_tokens=[eot],
    )
    model.save_pretrained(folder)
    WhisperProcessor(WhisperFeatureExtractor(), tokenizer).save_pretrained(folder)
    return folder


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
