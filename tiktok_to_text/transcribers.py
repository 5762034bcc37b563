"""Offline and online speech-to-text backends: one class each, called on 16 kHz mono int16 samples."""
from __future__ import annotations

import os

import numpy as np

from errors import Unavailable

from ._types import Segment, Transcription, Word, spread_words
from .media import SAMPLE_RATE

# Sphinx marks silences and noises as "words" in angle or square brackets.
_FILLERS = ("<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "[BREATH]", "[COUGH]", "[SMACK]", "[UH]", "[UM]")
_SPHINX_FRAMES_PER_S = 100
_PAUSE_S = 0.5  # a pause this long starts a new segment


class BackendUnavailable(Unavailable):
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

    def __call__(self, samples: np.ndarray) -> Transcription:
        """What ``samples`` (int16, shape ``(n,)``, 16 kHz) say, in segments split at pauses of
        0.5 s or more, each word timed by the decoder's own alignment (its frames); no segments
        when nothing was recognised."""
        if samples.size == 0:
            return Transcription(language="en")
        self._decoder.start_utt()
        self._decoder.process_raw(np.ascontiguousarray(samples, dtype="<i2").tobytes(), False, True)
        self._decoder.end_utt()
        if self._decoder.hyp() is None:
            return Transcription(language="en")
        segments: list[Segment] = []
        timed: list[Word] = []
        words: list[str] = []
        start = end = 0.0
        for item in self._decoder.seg():
            word = item.word.split("(")[0]  # "read(2)" is the second pronunciation of "read"
            begin, finish = item.start_frame / _SPHINX_FRAMES_PER_S, (item.end_frame + 1) / _SPHINX_FRAMES_PER_S
            if word in _FILLERS or word.startswith(("[", "<")):
                continue
            if words and begin - end >= _PAUSE_S:
                segments.append(Segment(round(start, 2), round(end, 2), " ".join(words)))
                words = []
            if not words:
                start = begin
            words.append(word)
            timed.append(Word(word, round(begin, 2), round(finish, 2)))
            end = finish
        if words:
            segments.append(Segment(round(start, 2), round(end, 2), " ".join(words)))
        return Transcription(tuple(segments), language="en", words=tuple(timed),
                             word_timing="word" if timed else "none")


class GoogleTranscriber:
    """Google's free web speech API through ``Recognizer.recognize_google`` (needs the network)."""

    backend = "google"

    def __init__(self, *, language: str = "en-US", timeout_s: float = 30.0) -> None:
        import speech_recognition

        self._sr = speech_recognition
        self._recognizer = speech_recognition.Recognizer()
        self._recognizer.operation_timeout = timeout_s
        self._language = language

    def __call__(self, samples: np.ndarray) -> Transcription:
        """What ``samples`` (int16, shape ``(n,)``, 16 kHz) say, as one segment (the web API gives
        no times), its words spread evenly over it; raises ``BackendUnavailable`` offline."""
        language = self._language.split("-")[0]
        if samples.size == 0:
            return Transcription(language=language)
        audio = self._sr.AudioData(np.ascontiguousarray(samples, dtype="<i2").tobytes(), SAMPLE_RATE, 2)
        try:
            text = self._recognizer.recognize_google(audio, language=self._language).strip()
        except self._sr.UnknownValueError:
            return Transcription(language=language)
        except self._sr.RequestError as exc:
            raise BackendUnavailable("Google", f"Google speech recognition failed: {exc}") from exc
        duration = round(samples.size / SAMPLE_RATE, 2)
        segments = (Segment(0.0, duration, text),) if text else ()
        words = spread_words(segments)
        return Transcription(segments, language=language, words=words, word_timing="segment" if words else "none")
