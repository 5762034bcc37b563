"""Random-weight Stable Diffusion pipelines, built and saved locally, for tests and benchmarks.

``"tiny"`` follows diffusers' own dummy-components recipe for its SD pipeline tests and
proves the plumbing in seconds; ``"sd15"`` has Stable Diffusion 1.5's shapes (UNet 860 M,
VAE 84 M, CLIP ViT-L/14 text encoder 123 M parameters), so it times the real architecture
here without its weights. The CLIP tokenizer is a byte-level one written here, so nothing
is downloaded. Random weights paint noise: neither says anything about the art.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

DEBUG_SIZE = (64, 112)  # (width, height): 9:16-ish, multiples of 8; the tiny VAE halves it to 32x56 latents
ARCHITECTURES = ("tiny", "sd15")


def _byte_level_clip_tokenizer(folder: Path):
    """A CLIP tokenizer with no merges: every byte is a token."""
    from transformers import CLIPTokenizer
    from transformers.models.clip.tokenization_clip import bytes_to_unicode

    symbols = list(bytes_to_unicode().values())
    vocab = {token: i for i, token in enumerate(symbols + [s + "</w>" for s in symbols])}
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", "utf-8")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


def save_debug_stable_diffusion(folder: str | os.PathLike, *, architecture: str = "tiny", seed: int = 0) -> Path:
    """Write a random-weight ``StableDiffusionPipeline`` (no safety checker) with ``save_pretrained``.

    ``"tiny"`` paints at ``DEBUG_SIZE`` (its VAE scales by 2); ``"sd15"`` at SD 1.5 sizes (VAE
    scale 8). The scheduler is PNDM with ``skip_prk_steps``, as SD 1.5 ships it. Returns ``folder``.
    """
    import torch
    from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}")
    folder = Path(folder)
    torch.manual_seed(seed)
    if architecture == "tiny":
        unet = UNet2DConditionModel(
            block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32, norm_num_groups=2,
        )
        vae = AutoencoderKL(
            block_out_channels=[4, 8], in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=2,
            down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
            up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        )
        text_encoder = CLIPTextModel(CLIPTextConfig(
            bos_token_id=0, eos_token_id=2, hidden_size=32, intermediate_size=37, layer_norm_eps=1e-05,
            num_attention_heads=4, num_hidden_layers=2, pad_token_id=1, vocab_size=1000,
        ))
    else:  # diffusers' defaults are SD 1.x's UNet; the VAE and text encoder are spelled out
        unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768, attention_head_dim=8)
        vae = AutoencoderKL(block_out_channels=[128, 256, 512, 512], down_block_types=["DownEncoderBlock2D"] * 4,
                            up_block_types=["UpDecoderBlock2D"] * 4, layers_per_block=2, latent_channels=4,
                            sample_size=512)
        text_encoder = CLIPTextModel(CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                                                    num_hidden_layers=12, projection_dim=768, vocab_size=49408))
    scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              skip_prk_steps=True, set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(
        unet=unet, scheduler=scheduler, vae=vae, text_encoder=text_encoder,
        tokenizer=_byte_level_clip_tokenizer(folder / "tokenizer"), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return folder
