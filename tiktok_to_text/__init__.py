"""Speech-to-text and on-screen text (OCR) of short videos.

>>> with TextExtractor(transcriber="auto", workers=2) as extractor:
...     texts = extractor([Path("clip.mp4")])          # list[VideoText], same order
...     texts[0].segments, texts[0].language, texts[0].captions  # Segment / Caption, with times
...     texts[0].words, texts[0].word_timing  # Word (text, start_s, end_s); "word" | "segment" | "none"

Plain audio files (WAV, OGG, ...) are accepted too and simply have no captions.
"""
from ._errors import TranscriptionError
from ._types import WORD_TIMINGS, Caption, Segment, VideoText, Word
from .extractor import TextExtractor
from .wer import word_error_rate
from .whisper_weights import DEFAULT_WHISPER_MODEL, PACKAGED as PACKAGED_WHISPER_MODELS, find_whisper

__all__ = ["TextExtractor", "VideoText", "Segment", "Word", "WORD_TIMINGS", "Caption", "TranscriptionError", "word_error_rate",
           "DEFAULT_WHISPER_MODEL", "PACKAGED_WHISPER_MODELS", "find_whisper"]
