"""Whisper through transformers' speech-recognition pipeline, from local weights only."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .media import SAMPLE_RATE
from .vad import looks_like_speech

DEFAULT_WHISPER_MODEL = "openai/whisper-small"  # the app's WHISPER_MODEL default
_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")


def _has_weights(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any((folder / name).is_file() for name in _WEIGHTS)


def find_local_whisper(model: str) -> Path | None:
    """The folder holding ``model``'s weights on this machine, or ``None``; never downloads.

    ``model`` is a folder, or a hub id looked up in the local Hugging Face cache only.
    """
    if os.path.isdir(model):
        return Path(model) if _has_weights(Path(model)) else None
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(repo_id=model, local_files_only=True))
    except Exception:  # not cached, a malformed id, or no huggingface_hub: all mean "not here"
        return None
    return folder if _has_weights(folder) else None


class WhisperTranscriber:
    """Whisper loaded once from a local folder; call it on 16 kHz mono int16 samples.

    ``device`` is a torch device name ("cuda" runs in float16). The language is
    detected by the model. Clips that do not look like speech (silence, music only:
    see ``vad.looks_like_speech``) return "" without running the model, because
    Whisper invents lyrics and subtitles credits on them.
    """

    backend = "whisper"

    def __init__(self, model_dir: str | os.PathLike, *, device: str = "cpu") -> None:
        import torch
        import transformers

        self.model_dir = Path(model_dir)
        self.device = device
        self._pipe = transformers.pipeline(
            "automatic-speech-recognition",
            model=str(self.model_dir),
            chunk_length_s=30,
            device=device,
            dtype=torch.float16 if device == "cuda" else torch.float32,
            model_kwargs={"local_files_only": True},
            ignore_warning=True,  # 30 s chunking is what we ask for: TikToks run up to minutes
        )
        # English-only checkpoints (*.en) reject a task; multilingual ones could otherwise translate.
        multilingual = getattr(self._pipe.model.generation_config, "is_multilingual", False)
        self._generate_kwargs = {"task": "transcribe"} if multilingual else {}

    def __call__(self, samples: np.ndarray) -> str:
        """Transcript of ``samples`` (int16, shape ``(n,)``, 16 kHz); "" when no voice is heard."""
        if samples.size == 0 or not looks_like_speech(samples):
            return ""
        audio = samples.astype(np.float32) / 32768.0
        result = self._pipe({"raw": audio, "sampling_rate": SAMPLE_RATE}, generate_kwargs=dict(self._generate_kwargs))
        return str(result["text"]).strip()
