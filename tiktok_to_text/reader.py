"""One video's texts: the work a pool worker does, with its models loaded once per worker."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from errors import Unavailable
from ffmpeg_io import FfmpegError

from ._types import Caption, Transcription
from .captions import CaptionReader
from .media import decode_audio, ffmpeg_exe, probe
from .transcribers import BackendUnavailable, GoogleTranscriber, SphinxTranscriber
from .vad import has_voice

#: Backends that run inside the pool workers (whisper runs in the parent: see extractor.py).
WORKER_BACKENDS = {"sphinx": SphinxTranscriber, "google": GoogleTranscriber}


@dataclass
class ReadResult:
    """What a worker sends back. ``samples`` is set instead of ``transcription`` when the
    parent transcribes; ``transient`` marks a failure worth retrying (never cached)."""

    transcription: Transcription = field(default_factory=Transcription)
    captions: list[Caption] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    samples: np.ndarray | None = None
    transient: bool = False


class VideoReader:
    """Transcript and captions of one file at a time.

    ``transcriber`` is a worker backend name, or ``None`` to return the decoded
    16 kHz samples for a transcriber kept elsewhere. Audio-only files (e.g. WAV)
    are accepted: they simply have no captions.
    """

    def __init__(self, *, transcriber: str | None, ocr: bool, ocr_threads: int = 1) -> None:
        self._ffmpeg = ffmpeg_exe()
        self._transcribe = WORKER_BACKENDS[transcriber]() if transcriber else None
        self._captions = CaptionReader(threads=ocr_threads) if ocr else None

    def __call__(self, path: Path) -> ReadResult:
        result = ReadResult()
        try:
            info = probe(path, ffmpeg=self._ffmpeg)
        except (OSError, FfmpegError, Unavailable) as exc:
            result.warnings.append(f"{path.name} could not be read: {exc}")
            return result
        if not info.has_video and not info.has_audio:
            result.warnings.append(f"{path.name} is not a readable video or audio file")
            return result
        if not info.has_audio:
            result.warnings.append(f"{path.name} has no audio track")
        else:
            try:
                samples = decode_audio(path, ffmpeg=self._ffmpeg)
                if not has_voice(samples):
                    pass  # silence: a transcriber would only invent words
                elif self._transcribe is None:
                    result.samples = samples
                else:
                    result.transcription = self._transcribe(samples)
            except BackendUnavailable as exc:
                result.warnings.append(f"{path.name}: {exc}")
                result.transient = True
            except (OSError, FfmpegError, Unavailable, RuntimeError) as exc:
                result.warnings.append(f"{path.name}: speech could not be transcribed: {exc}")
        if self._captions is not None and info.has_video:
            try:
                result.captions = self._captions(path, info, ffmpeg=self._ffmpeg)
            except (OSError, FfmpegError, Unavailable, RuntimeError, ValueError) as exc:
                result.warnings.append(f"{path.name}: on-screen text could not be read: {exc}")
        return result
