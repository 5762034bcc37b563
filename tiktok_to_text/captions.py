"""On-screen text: RapidOCR on about one frame a second, skipping frames that did not change."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Iterable

import numpy as np

from .media import MediaInfo, frame_size, iter_frames

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]+")


def _normalise(line: str) -> str:
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", line.lower())).strip()


def _thumbnail(frame: np.ndarray) -> np.ndarray:
    """A ~32-pixel-wide grey copy: enough to see a caption change, cheap to compare."""
    step = max(1, frame.shape[1] // 32)
    return frame[::step, ::step].mean(axis=2, dtype=np.float32)


class WordSplitter:
    """Re-inserts spaces that the OCR model dropped between English words.

    RapidOCR's bundled recogniser is trained mostly on Chinese and often reads
    outlined caption text "ONLY THREE" as "ONLYTHREE". A token that is not an
    English word but splits into the fewest known words is split there. The word
    list is the pronunciation dictionary shipped with SpeechRecognition (133k words).
    """

    def __init__(self, *, min_length: int = 6) -> None:
        import speech_recognition

        dictionary = Path(speech_recognition.__file__).parent / "pocketsphinx-data" / "en-US" / "pronounciation-dictionary.dict"
        with open(dictionary, encoding="utf-8", errors="replace") as fh:
            self._words = frozenset(line.split(" ", 1)[0] for line in fh if "(" not in line.split(" ", 1)[0])
        self._longest = max(map(len, self._words))
        self.min_length = min_length

    def _split_token(self, token: str) -> str:
        word = token.lower()
        if len(word) < self.min_length or not word.isalpha() or word in self._words:
            return token
        # best[i]: fewest known words spelling word[:i], and where the last one starts.
        best: list[tuple[int, int] | None] = [(0, 0)] + [None] * len(word)
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - self._longest), end):
                piece = word[start:end]
                if best[start] is None or piece not in self._words or (len(piece) == 1 and piece not in "ai"):
                    continue
                if best[end] is None or best[start][0] + 1 < best[end][0]:
                    best[end] = (best[start][0] + 1, start)
        if best[-1] is None or best[-1][0] > 3:
            return token
        cuts, end = [], len(word)
        while end > 0:
            start = best[end][1]
            cuts.append(token[start:end])
            end = start
        return " ".join(reversed(cuts))

    def __call__(self, line: str) -> str:
        return " ".join(self._split_token(token) for token in line.split())


def dedupe_lines(lines: Iterable[str], *, similarity: float = 0.85) -> list[str]:
    """Lines in order of first appearance, dropping repeats that differ only in case,
    spacing, punctuation or a few OCR-misread characters (``similarity`` of the
    normalised texts, 0..1)."""
    kept: list[str] = []
    seen: list[str] = []
    for line in lines:
        norm = _normalise(line)
        if not norm:
            continue
        if any(norm == s or difflib.SequenceMatcher(None, norm, s).ratio() >= similarity for s in seen):
            continue
        seen.append(norm)
        kept.append(_SPACE.sub(" ", line).strip())
    return kept


class CaptionReader:
    """Reads burned-in text of a video; the RapidOCR model is loaded once per object.

    ``min_score`` drops low-confidence lines; a frame whose thumbnail differs from
    the last OCR'd one by less than ``change_threshold`` (mean absolute grey level,
    0..255) is skipped, since captions stay up for several seconds.
    """

    def __init__(self, *, min_score: float = 0.6, change_threshold: float = 3.0,
                 max_side: int = 640, fps: float = 1.0, threads: int = 1) -> None:
        from rapidocr_onnxruntime import RapidOCR

        # Captions are upright: the angle classifier only costs time. The detector's
        # default upscales the short side to 736 px; our frames are already legible.
        self._engine = RapidOCR(
            use_cls=False, det_limit_side_len=360, text_score=min_score,
            intra_op_num_threads=threads, inter_op_num_threads=1,
        )
        self._split_words = WordSplitter()
        self.min_score = min_score
        self.change_threshold = change_threshold
        self.max_side = max_side
        self.fps = fps
        self.frames_read = 0
        self.frames_ocred = 0

    def __call__(self, path: Path, info: MediaInfo, *, ffmpeg: str) -> list[str]:
        """De-duplicated text lines of the video at ``path``, in order of first appearance."""
        if not info.has_video:
            return []
        lines: list[str] = []
        last: np.ndarray | None = None
        for frame in iter_frames(path, ffmpeg=ffmpeg, size=frame_size(info, max_side=self.max_side), fps=self.fps):
            self.frames_read += 1
            thumb = _thumbnail(frame)
            if last is not None and float(np.abs(thumb - last).mean()) < self.change_threshold:
                continue
            last = thumb
            self.frames_ocred += 1
            result, _ = self._engine(frame)
            for _box, text, score in result or ():
                if float(score) >= self.min_score:
                    lines.append(self._split_words(str(text)))
        return dedupe_lines(lines)
