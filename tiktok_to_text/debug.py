"""A tiny random-weight Whisper, built and saved locally, for tests and benchmarks.

Random weights transcribe garbage: the model proves the plumbing (local-only loading,
one load per extractor, chunking, the music gate) and measures our overhead, never words.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

_SPECIAL_TOKENS = ["<|startoftranscript|>", "<|en|>", "<|translate|>", "<|transcribe|>",
                   "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]


def save_debug_whisper(folder: str | os.PathLike, *, seed: int = 0) -> Path:
    """Write a multilingual-style Whisper (d_model 16, one layer each side, byte-level vocabulary,
    at most 24 tokens per 30 s chunk) with its processor. Returns ``folder``."""
    import torch
    from transformers import (GenerationConfig, WhisperConfig, WhisperFeatureExtractor,
                              WhisperForConditionalGeneration, WhisperProcessor, WhisperTokenizer)
    from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {char: index for index, char in enumerate(bytes_to_unicode().values())}
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = WhisperTokenizer(
        vocab_file=str(folder / "vocab.json"), merges_file=str(folder / "merges.txt"),
        unk_token="<|endoftext|>", bos_token="<|endoftext|>", eos_token="<|endoftext|>", pad_token="<|endoftext|>",
    )
    tokenizer.add_special_tokens({"additional_special_tokens": _SPECIAL_TOKENS})
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in ["<|endoftext|>", *_SPECIAL_TOKENS]}
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        num_mel_bins=80, max_source_positions=1500, max_target_positions=64,
        decoder_start_token_id=sot, eos_token_id=eot, pad_token_id=eot, bos_token_id=eot,
    )
    torch.manual_seed(seed)
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
