"""Each built-in stage's model-holding object, made from a studio's settings (``studio.config``).

``stages`` names these as ``StageSpec.load``; ``Studio.loaded`` calls one once per process, so a
model loads once. The stage packages are imported here, inside each function: loading one stage
never imports another's.
"""
from __future__ import annotations

from typing import Any

from settings import models_dir, parse_size


def load_source(studio: Any):
    """The videos stage's source (``TRENDTOK_SOURCE``) with its own settings."""
    from tiktok_videos import load_source as load

    c = studio.config
    name = c["TRENDTOK_SOURCE"]
    if name == "library":
        return load("library", library_dir=c.get("TRENDTOK_LIBRARY"))
    if name == "drive":
        return load("drive", folders_file=c.get("TRENDTOK_DRIVE_FOLDERS"),
                    credentials_file=c.get("GOOGLE_SERVICE_ACCOUNT_FILE"))
    if name == "ytdlp":
        return load("ytdlp", url_template=c["TRENDTOK_YTDLP_URL"])
    return load(name)  # raises VideoSourceError naming the unknown source


def load_extractor(studio: Any):
    """The text stage's extractor: speech (``TRENDTOK_TRANSCRIBER``) and on-screen text."""
    from tiktok_to_text import TextExtractor

    c = studio.config
    return TextExtractor(
        transcriber=c["TRENDTOK_TRANSCRIBER"], ocr=c["TRENDTOK_OCR"], workers=c["TRENDTOK_WORKERS"],
        pool=c["TRENDTOK_POOL"], cache_dir=studio.cache_dir / "text", whisper_model=c.get("WHISPER_MODEL"),
        device=c.get("TRENDTOK_DEVICE"), models_dir=models_dir(c),
    )


def load_summariser(studio: Any):
    """The summary stage's summariser (``TRENDTOK_SUMMARISER``)."""
    from summariser import load_summariser as load

    c = studio.config
    return load(
        c["TRENDTOK_SUMMARISER"], openai_base_url=c.get("OPENAI_BASE_URL"), openai_api_key=c.get("OPENAI_API_KEY"),
        openai_model=c.get("OPENAI_MODEL"), llama_api_key=c.get("LLAMA_API_KEY"), gguf_path=c.get("LLAMA_GGUF"),
        device=c.get("TRENDTOK_DEVICE"),
    )


def load_music(studio: Any):
    """The music stage's generator (``TRENDTOK_MUSIC``)."""
    from music_gen import load_music_generator

    c = studio.config
    return load_music_generator(c["TRENDTOK_MUSIC"], model=c.get("MUSICGEN_MODEL"), device=c.get("TRENDTOK_DEVICE"))


def load_cover(studio: Any):
    """The cover stage's generator (``TRENDTOK_COVER``)."""
    from animate_text import load_cover_generator

    c = studio.config
    return load_cover_generator(c["TRENDTOK_COVER"], model=c.get("SD_MODEL"), device=c.get("TRENDTOK_DEVICE"),
                              steps=c["SD_STEPS"], size=parse_size("SD_SIZE", c["SD_SIZE"]))


def load_embedder(studio: Any):
    """A sentence embedder of its own, for a studio whose summariser has none (an LLM one)."""
    from summariser import load_summariser as load

    return load("minilm", device=studio.config.get("TRENDTOK_DEVICE")).embed
