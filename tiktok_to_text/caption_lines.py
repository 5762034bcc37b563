"""From OCR boxes to clean caption lines: reading order, platform chrome, words the OCR
ran together, and karaoke captions that grow or repeat across frames."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

import utils

from ._types import Caption

_SPACE = re.compile(r"\s+")
_LETTER_RUN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_HANDLE = re.compile(r"^@[\w.]{2,}$")
_WATERMARK = "tiktok"
_SAME_LINE = 0.85  # normalised texts this alike are one line read twice (OCR noise)


@dataclass(frozen=True)
class TextBox:
    """One recognised OCR box, in pixels of the frame it was read from."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _normalise(line: str) -> str:
    """Letters and digits only: OCR drops and inserts spaces and punctuation freely."""
    return re.sub(r"[\W_]+", "", line.lower())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _is_watermark(token: str) -> bool:
    # OCR reads the logo's text as "TikTol", "TikT0k", "ikTo": close enough is enough.
    word = re.sub(r"[^a-z0-9]", "", token.lower())
    return len(word) >= 4 and difflib.SequenceMatcher(None, word, _WATERMARK).ratio() >= 0.75


def is_chrome(text: str) -> bool:
    """True for text the app draws rather than the creator: the ``TikTok`` watermark,
    an ``@handle``, "Joined Apr 20, 2024", follower/like counts, isolated numbers and
    fragments with fewer than 3 letters."""
    line = _SPACE.sub(" ", text).strip()
    tokens = line.split()
    if _letters(line) < 3 or not tokens:
        return True
    if all(_HANDLE.match(t) or _is_watermark(t) for t in tokens):
        return True
    return bool(utils.COUNTS_ONLY.match(line) or utils.PROFILE_CHROME.search(line))


def strip_chrome(text: str) -> str:
    """``text`` without the handle and watermark tokens the app lays beside a caption."""
    return " ".join(t for t in text.split() if not (_HANDLE.match(t) or _is_watermark(t)))


class WordSplitter:
    """Re-inserts spaces that the OCR model dropped between English words.

    RapidOCR's recogniser reads outlined caption text "ONLY THREE" as "ONLYTHREE".
    A letter run of ``min_length`` or more that is not itself a word is split where
    wordninja's word-frequency model says, but only when every piece is a common word
    (cost at most ``max_cost``, about the 40 000 most frequent) or a contraction: an
    OCR misread such as "mornlng" has no such split and stays as read. In an
    upper-case run an unknown 2-4 letter prefix counts as an acronym ("SPFEVERYDAY").
    """

    def __init__(self, *, min_length: int = 7, max_cost: float = 13.0) -> None:
        import wordninja

        self._model = wordninja.DEFAULT_LANGUAGE_MODEL
        self._cost = self._model._wordcost  # wordninja has no public look-up
        self.min_length = min_length
        self.max_cost = max_cost

    def _common(self, piece: str) -> bool:
        word = piece.lower()
        if len(word) < 2 and word not in ("a", "i"):
            return False
        cost = self._cost.get(word)
        if cost is None:
            return False
        if len(word) <= 2:  # "in", "to", "an" yes; "ea", "gs" (from a misread "CONCEALER") no
            return cost <= 9.0
        # Contractions sit at the end of wordninja's list, so they look rare.
        return cost <= self.max_cost or "'" in word

    def _clean_split(self, run: str) -> list[str] | None:
        pieces = self._model.split(run)
        if len(pieces) >= 2 and "".join(pieces) == run and all(self._common(p) for p in pieces):
            return pieces
        return None

    def _split_run(self, run: str) -> str:
        if len(run) < self.min_length or run.lower() in self._cost:
            return run
        pieces = self._clean_split(run)
        if pieces is None and run.isupper():
            for cut in (2, 3, 4):
                rest = run[cut:]
                tail = [rest] if rest.lower() in self._cost and self._common(rest) else self._clean_split(rest)
                if tail:
                    pieces = [run[:cut], *tail]
                    break
        return " ".join(pieces) if pieces else run

    def _split_token(self, token: str) -> str:
        if token[:1] in "#@" or "/" in token or ".com" in token.lower():
            return token
        return _LETTER_RUN.sub(lambda m: self._split_run(m.group(0)), token)

    def __call__(self, line: str) -> str:
        return " ".join(self._split_token(token) for token in line.split())


def lines_from_boxes(boxes: Iterable[TextBox], *, max_gap: float = 2.0) -> list[str]:
    """Box texts joined into lines in reading order: rows top to bottom, boxes left to
    right. Boxes share a row when they overlap vertically by half the smaller height;
    a horizontal gap over ``max_gap`` row heights starts a separate line (two columns)."""
    rows: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        for row in rows:
            top, bottom = min(b.top for b in row), max(b.bottom for b in row)
            overlap = min(bottom, box.bottom) - max(top, box.top)
            if overlap >= 0.5 * min(box.height, bottom - top):
                row.append(box)
                break
        else:
            rows.append([box])
    rows.sort(key=lambda row: min(b.top for b in row))
    lines: list[str] = []
    for row in rows:
        row.sort(key=lambda b: b.left)
        height = max(b.height for b in row)
        words, right = [], None
        for box in row:
            if right is not None and box.left - right > max_gap * height:
                lines.append(" ".join(words))
                words = []
            words.append(box.text.strip())
            right = box.right if right is None else max(right, box.right)
        lines.append(" ".join(words))
    return [_SPACE.sub(" ", line).strip() for line in lines if line.strip()]


def _contains(long: str, short: str) -> bool:
    """``short`` appears in ``long``, allowing a few misread characters: 85 % of it
    matches within a stretch of ``long`` not much longer than itself."""
    if short in long:
        return True
    blocks = [b for b in difflib.SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks() if b.size]
    if not blocks or sum(b.size for b in blocks) < _SAME_LINE * len(short):
        return False
    return blocks[-1].b + blocks[-1].size - blocks[0].b <= 1.2 * len(short) + 2


class CaptionLines:
    """Collects the lines of each OCR'd frame and keeps each caption once.

    A karaoke caption grows word by word ("IMAGINE" -> "IMAGINE BANKING"), repeats,
    and is re-read with small OCR differences from frame to frame: all are one line,
    kept in its fullest version at the time it first appeared. Lines keep the order
    of their first appearance.
    """

    def __init__(self, *, split_words: WordSplitter | None = None) -> None:
        self._split = split_words or WordSplitter()
        self._texts: list[str] = []
        self._norms: list[str] = []
        self._starts: list[float] = []

    def add(self, lines: Iterable[str], *, time_s: float) -> None:
        """Lines of one frame, in reading order, seen ``time_s`` seconds into the video."""
        for raw in lines:
            line = self._split(strip_chrome(_SPACE.sub(" ", raw).strip()))
            if is_chrome(line):
                continue
            norm = _normalise(line)
            if not norm:
                continue
            for index, kept in enumerate(self._norms):
                inside, grew = _contains(kept, norm), _contains(norm, kept)
                if grew and (not inside or len(line.split()) > len(self._texts[index].split())):
                    # It grew, or is the same line read with its spaces: keep the fuller
                    # text at the time the line first appeared.
                    self._texts[index], self._norms[index] = line, norm
                if inside or grew:
                    break
            else:
                self._texts.append(line)
                self._norms.append(norm)
                self._starts.append(time_s)

    def captions(self) -> list[Caption]:
        return [Caption(text, start) for text, start in zip(self._texts, self._starts)]


def merge_lines(frames: Iterable[tuple[float, Iterable[str]]]) -> list[Caption]:
    """Clean caption lines of ``(time_s, lines)`` frames in time order (see CaptionLines)."""
    merged = CaptionLines()
    for time_s, lines in frames:
        merged.add(lines, time_s=time_s)
    return merged.captions()
