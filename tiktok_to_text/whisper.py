"""Whisper from local weights only: faster-whisper (CTranslate2) or transformers, by the weights' format.

``load_whisper(weights, device=…)`` picks the engine from ``WhisperWeights.engine``;
both engines are called on 16 kHz mono int16 samples and return a ``Transcription``.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from ._types import Segment, Transcription, Word, spread_words
from .media import SAMPLE_RATE
from .onsets import snap_starts
from .vad import has_voice, looks_like_speech
from .whisper_weights import WhisperWeights


class FasterWhisperTranscriber:
    """Whisper on CTranslate2, int8 on the CPU and float16 on CUDA, loaded once.

    Greedy decoding (``beam_size=1``) and Silero VAD (bundled in faster-whisper):
    only stretches that hold a voice reach the model, so music-only audio gives no
    text and speech over music still does. Each segment keeps its start and end.

    ``workers`` calls may run at once from as many threads, sharing the cores: on 2
    cores, two clips at one thread each went through 1.3x faster than one at a time on
    two threads (9 demo clips: 11.2 s against 14.9 s).
    """

    backend = "whisper"

    def __init__(self, model_dir: str | os.PathLike, *, device: str = "cpu", workers: int = 1) -> None:
        from faster_whisper import WhisperModel

        self.model_dir = Path(model_dir)
        # CTranslate2 has no MPS kernels: on a Mac, the CPU's int8 path is the fast one.
        self.device = "cuda" if device == "cuda" else "cpu"
        self._model = WhisperModel(
            str(self.model_dir), device=self.device,
            compute_type="float16" if self.device == "cuda" else "int8",
            cpu_threads=max(1, (os.cpu_count() or 1) // workers), num_workers=workers,
        )
        self.multilingual = bool(self._model.model.is_multilingual)

    def __call__(self, samples: np.ndarray) -> Transcription:
        """What ``samples`` (int16, shape ``(n,)``, 16 kHz) say; no segments when no voice is heard."""
        if samples.size == 0 or not has_voice(samples):
            return Transcription()
        audio = samples.astype(np.float32) / 32768.0
        pieces, info = self._model.transcribe(
            audio, beam_size=1, vad_filter=True,
            # Each 30 s window on its own: a misheard window cannot prime the next into a loop.
            condition_on_previous_text=False,
            language=None if self.multilingual else "en",
            # Each word's times from the cross-attention alignment: what word-timed captions are cut from.
            word_timestamps=True,
        )
        pieces = [p for p in pieces if p.text.strip()]
        segments = tuple(Segment(round(p.start, 2), round(p.end, 2), p.text.strip()) for p in pieces)
        # Whisper cannot see a pause: its word after one starts where the last ended (onsets.py).
        words = snap_starts(timed_words(((w.word, w.start, w.end) for p in pieces for w in p.words or ()),
                                        length_s=samples.size / SAMPLE_RATE), samples)
        return Transcription(segments, language=info.language if segments else None,
                             words=words, word_timing="word" if words else "none")


class TransformersWhisperTranscriber:
    """A Hugging Face Whisper checkpoint through transformers' speech-recognition pipeline.

    ``device`` is a torch device name ("cuda" runs in float16). The language is
    detected by the model but not reported (the pipeline does not return it). Clips
    that do not look like speech (see ``vad.looks_like_speech``) give no text without
    running the model, because Whisper invents lyrics and subtitle credits on music.
    One call at a time: a transformers pipeline is not safe to share between threads.
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
        # Word times come from the cross-attention heads a checkpoint names as aligned; one that
        # names none (fine-tunes often drop them) gets its words spread over the segment instead.
        self._word_times = bool(getattr(self._pipe.model.generation_config, "alignment_heads", None))
        self._lock = threading.Lock()

    def __call__(self, samples: np.ndarray) -> Transcription:
        """What ``samples`` (int16, shape ``(n,)``, 16 kHz) say, as one segment, with its words
        timed by the model ("word") or, without alignment heads, spread over it ("segment")."""
        if samples.size == 0 or not looks_like_speech(samples):
            return Transcription()
        audio = samples.astype(np.float32) / 32768.0
        length_s = samples.size / SAMPLE_RATE
        with self._lock:
            result, timed = None, self._word_times
            if timed:
                try:
                    result = self._pipe({"raw": audio, "sampling_rate": SAMPLE_RATE},
                                        generate_kwargs=dict(self._generate_kwargs), return_timestamps="word")
                except (RuntimeError, ValueError):
                    # Heads that do not align (a broken or pruned config): spread from now on, not
                    # fail every clip.
                    self._word_times = timed = False
            if result is None:
                result = self._pipe({"raw": audio, "sampling_rate": SAMPLE_RATE},
                                    generate_kwargs=dict(self._generate_kwargs))
        text = str(result["text"]).strip()
        segments = (Segment(0.0, round(length_s, 2), text),) if text else ()
        if timed:
            words = snap_starts(timed_words(((c["text"], *c["timestamp"]) for c in result.get("chunks") or ()),
                                            length_s=length_s), samples)
            return Transcription(segments, words=words, word_timing="word" if words else "none")
        words = spread_words(segments)
        return Transcription(segments, words=words, word_timing="segment" if words else "none")


def timed_words(pieces, *, length_s: float) -> tuple[Word, ...]:
    """``(text, start_s, end_s)`` word pieces as ``Word``s, in order, inside ``[0, length_s]``.

    Whisper's tokens split "ill-disposed" into " ill" and "-disposed": a piece with no leading
    space that starts with a hyphen, apostrophe or punctuation joins the word before it (a piece
    starting with a letter stays a word: languages written without spaces have only those).
    A missing end (the pipeline's last word can have none) is the clip's end; times never go back.
    """
    words: list[Word] = []
    for raw, start, end in pieces:
        text = str(raw).strip()
        if not text:
            continue
        start = min(max(0.0, float(start if start is not None else 0.0)), length_s)
        end = min(max(start, float(end) if end is not None else length_s), length_s)
        if words:
            start, end = max(start, words[-1].start_s), max(end, words[-1].end_s)
        if words and not str(raw)[:1].isspace() and not text[0].isalnum():
            words[-1] = Word(words[-1].text + text, words[-1].start_s, round(end, 2))
            continue
        words.append(Word(text, round(start, 2), round(end, 2)))
    return tuple(words)


def load_whisper(weights: WhisperWeights, *, device: str = "cpu", workers: int = 1):
    """The transcriber for ``weights``, loaded now, for up to ``workers`` calls at once."""
    if weights.engine == "ctranslate2":
        return FasterWhisperTranscriber(weights.folder, device=device, workers=workers)
    return TransformersWhisperTranscriber(weights.folder, device=device)
