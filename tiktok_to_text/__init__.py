"""Speech-to-text and on-screen text (OCR) of short videos.

>>> with TextExtractor(transcriber="sphinx", workers=2) as extractor:
...     texts = extractor([Path("clip.mp4")])          # list[VideoText], same order
...     texts[0].transcript, texts[0].captions

Plain audio files (WAV, OGG, ...) are accepted too and simply have no captions.
"""
from ._errors import TranscriptionError
from .extractor import TextExtractor, VideoText
from .wer import word_error_rate

__all__ = ["TextExtractor", "VideoText", "TranscriptionError", "word_error_rate"]
