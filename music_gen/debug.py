"""Random-weight MusicGen models, built and saved locally, for tests and benchmarks.

audiocraft ships a debug model the same way. Random weights make noise-like audio:
``"tiny"`` proves the plumbing (loading, windows, crossfades, progress, seeds) in a
second; ``"small"`` has musicgen-small's shapes (588 M parameters, 32 kHz EnCodec),
so it times the real architecture on this machine without its weights. Neither says
anything about the music.
"""
from __future__ import annotations

import os
from pathlib import Path

DEBUG_SAMPLE_RATE = 2000   # EnCodec hop 5*5*4*2 = 200 samples -> 10 frames per second
DEBUG_FRAME_RATE = 10
DEBUG_POSITIONS = 512      # decoder positions: a 30 s window (300 frames + delay) fits, as in the real model
ARCHITECTURES = ("tiny", "small")
_WORDS = "a happy dark chill pop track at bpm in major minor key with piano bass drums and".split()


def _tokenizer():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers
    from transformers import T5TokenizerFast

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [("\u2581" + w, -1.0) for w in _WORDS]
    vocab += [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz0123456789,.-\u2581"]
    tok = Tokenizer(models.Unigram(vocab, unk_id=2))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    return T5TokenizerFast(tokenizer_object=tok, extra_ids=0, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def save_debug_musicgen(folder: str | os.PathLike, *, architecture: str = "tiny", max_positions: int | None = None,
                        seed: int = 0) -> Path:
    """Write a random-weight MusicGen (T5 text encoder, EnCodec, decoder) and its processor to ``folder``.

    ``"tiny"``: mono, ``DEBUG_SAMPLE_RATE`` Hz, ``DEBUG_FRAME_RATE`` frames per second, 2 codebooks;
    ``"small"``: musicgen-small's shapes, 32 kHz, 50 frames per second, 4 codebooks.
    ``max_positions`` decoder positions bound the window (default 512 tiny, 2048 small). Returns ``folder``.
    """
    import torch
    from transformers import (EncodecConfig, EncodecFeatureExtractor, MusicgenConfig, MusicgenDecoderConfig,
                              MusicgenForConditionalGeneration, MusicgenProcessor, T5Config)

    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}")
    folder = Path(folder)
    tokenizer = _tokenizer()
    if architecture == "tiny":
        text = T5Config(vocab_size=len(tokenizer), d_model=16, d_ff=16, num_layers=1, num_heads=2, d_kv=8)
        codec = EncodecConfig(sampling_rate=DEBUG_SAMPLE_RATE, upsampling_ratios=[5, 5, 4, 2], hidden_size=16,
                              num_filters=2, codebook_size=64, codebook_dim=16, compress=1, num_lstm_layers=1,
                              target_bandwidths=[0.12], norm_type="time_group_norm", last_kernel_size=31)
        decoder = MusicgenDecoderConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                        ffn_dim=16, pad_token_id=64, decoder_start_token_id=64, bos_token_id=64,
                                        num_codebooks=2, tie_word_embeddings=False, audio_channels=1,
                                        max_position_embeddings=max_positions or DEBUG_POSITIONS)
    else:  # t5-base's encoder, EnCodec 32 kHz (hop 640), and the 24-layer 1024-wide decoder
        text = T5Config(vocab_size=32128, d_model=768, d_ff=3072, num_layers=12, num_heads=12, d_kv=64)
        codec = EncodecConfig(sampling_rate=32000, upsampling_ratios=[8, 5, 4, 4], num_filters=64,
                              codebook_size=2048, target_bandwidths=[2.2], compress=2, num_lstm_layers=2,
                              norm_type="weight_norm", use_causal_conv=False, normalize=False)
        decoder = MusicgenDecoderConfig(max_position_embeddings=max_positions or 2048)
    pad = decoder.pad_token_id
    torch.manual_seed(seed)
    model = MusicgenForConditionalGeneration(MusicgenConfig.from_sub_models_config(text, codec, decoder))
    model.generation_config.pad_token_id = model.generation_config.decoder_start_token_id = pad
    with torch.no_grad():
        for layer in model.audio_encoder.quantizer.layers:
            # EnCodec starts with all-zero codebooks (real ones are trained): every code would decode alike.
            layer.codebook.embed.copy_(torch.randn_like(layer.codebook.embed))
            layer.codebook.embed_avg.copy_(layer.codebook.embed)
        if architecture == "tiny":
            # Random weights decode to white noise, in which a hard cut cannot be told from a sample step.
            # A low-pass output layer makes the audio smooth like music, so a bad join shows as a jump.
            last = model.audio_encoder.decoder.layers[-1].conv
            window = torch.hann_window(last.weight.shape[-1] + 2)[1:-1]
            last.weight.copy_((window / window.sum()).expand_as(last.weight) / last.weight.shape[1])
            last.bias.zero_()
    model.save_pretrained(folder)
    MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=codec.sampling_rate),
                      tokenizer=tokenizer).save_pretrained(folder)
    return folder
