"""Offline and online speech-to-text backends: one class each, called on 16 kHz mono int16 samples."""
from __future__ import annotations

import os

import numpy as np

from .media import SAMPLE_RATE


class BackendUnavailable(RuntimeError):
    """The backend could not run this time (e.g. no network); worth retrying later, so never cached."""


class SphinxTranscriber:
    """CMU PocketSphinx with the US-English model shipped inside the SpeechRecognition wheel.

    This is exactly the configuration ``Recognizer.recognize_sphinx`` builds, but
    that call re-creates the decoder (~0.5 s of model loading) for every clip; here
    the decoder is built once and reused for every clip this object transcribes.
    """

    backend = "sphinx"

    def __init__(self) -> None:
        import speech_recognition
        from pocketsphinx import pocketsphinx

        data = os.path.join(os.path.dirname(speech_recognition.__file__), "pocketsphinx-data", "en-US")
        config = pocketsphinx.Config()
        config.set_string("-hmm", os.path.join(data, "acoustic-model"))
        config.set_string("-lm", os.path.join(data, "language-model.lm.bin"))
        config.set_string("-dict", os.path.join(data, "pronounciation-dictionary.dict"))
        config.set_string("-logfn", os.devnull)
        self._decoder = pocketsphinx.Decoder(config)

    def __call__(self, samples: np.ndarray) -> str:
        """Transcript of ``samples`` (int16, shape ``(n,)``, 16 kHz); "" when nothing was recognised."""
        if samples.size == 0:
            return ""
        self._decoder.start_utt()
        self._decoder.process_raw(np.ascontiguousarray(samples, dtype="<i2").tobytes(), False, True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        return hypothesis.hypstr.strip() if hypothesis is not None else ""


class GoogleTranscriber:
    """Google's free web speech API through ``Recognizer.recognize_google`` (needs the network)."""

    backend = "google"

    def __init__(self, *, language: str = "en-US", timeout_s: float = 30.0) -> None:
        import speech_recognition

        self._sr = speech_recognition
        self._recognizer = speech_recognition.Recognizer()
        self._recognizer.operation_timeout = timeout_s
        self._language = language

    def __call__(self, samples: np.ndarray) -> str:
        """Transcript of ``samples`` (int16, shape ``(n,)``, 16 kHz); raises ``BackendUnavailable`` offline."""
        if samples.size == 0:
            return ""
        audio = self._sr.AudioData(np.ascontiguousarray(samples, dtype="<i2").tobytes(), SAMPLE_RATE, 2)
        try:
            return self._recognizer.recognize_google(audio, language=self._language).strip()
        except self._sr.UnknownValueError:
            return ""
        except self._sr.RequestError as exc:
            raise BackendUnavailable(f"Google speech recognition failed: {exc}") from exc
