"""Cutting words into caption cues: the rules readers of short videos expect (CapCut's, Netflix's
timed-text guide): a cue is at most ``max_lines`` lines of at most ``max_chars`` characters, is on
screen ``min_s`` to ``max_s``, holds one sentence's words at most, and is gone before the next."""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Iterable, Sequence

from errors import StudioError
from tiktok_to_text import Word

#: What may follow a sentence's final mark and still end it: `He said "no."` ends at the quote.
_CLOSERS = "\"'”’»)]}"
_SENTENCE_ENDS = (".", "?", "!", "…")
#: The least time a cue is shown (s): WebVTT wants each cue to end after it starts, and 10 ms
#: survives the files' millisecond rounding.
_SHORTEST_S = 0.01


@dataclass(frozen=True)
class Cue:
    """One caption on screen from ``start_s`` to ``end_s``: ``lines`` of the words it shows, in order."""

    start_s: float
    end_s: float
    lines: tuple[tuple[Word, ...], ...]

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(word for line in self.lines for word in line)

    @property
    def text(self) -> str:
        return "\n".join(" ".join(_clean(word.text) for word in line) for line in self.lines)


def _clean(text: str) -> str:
    # Whisper's words carry their leading space (" hello"); a caption shows single spaces.
    return " ".join(text.split())


def _ends_sentence(text: str) -> bool:
    return _clean(text).rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)


def _check_number(field: str, value, *, minimum: float, integer: bool = False) -> None:
    kind = int if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
        raise StudioError(field, f"{field} must be {'a whole number' if integer else 'a finite number'}, "
                                 f"not {value!r}")
    if value < minimum:
        raise StudioError(field, f"{field} must be at least {minimum}, not {value!r}")


def _check_words(words: Iterable[Word]) -> list[Word]:
    if isinstance(words, (str, bytes)) or not isinstance(words, Iterable):
        raise StudioError("words", f"words must be a list of tiktok_to_text.Word, not {type(words).__name__}")
    checked = list(words)
    previous = 0.0
    for i, word in enumerate(checked):
        if not isinstance(word, Word):
            raise StudioError("words", f"words[{i}] must be a tiktok_to_text.Word, not {type(word).__name__}")
        if not isinstance(word.text, str):
            raise StudioError("words", f"words[{i}].text must be a string, not {type(word.text).__name__}")
        for name in ("start_s", "end_s"):
            value = getattr(word, name)
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value < 0:
                raise StudioError("words", f"words[{i}].{name} must be a finite number of seconds >= 0, "
                                           f"not {value!r}")
        if word.end_s < word.start_s:
            raise StudioError("words", f"words[{i}] ends ({word.end_s}) before it starts ({word.start_s})")
        if word.start_s < previous:
            raise StudioError("words", f"words must be in time order: words[{i}] starts at {word.start_s}, "
                                       f"before words[{i - 1}] ({previous})")
        previous = word.start_s
    return checked


def _width(line: Sequence[Word]) -> int:
    return len(" ".join(_clean(word.text) for word in line))


def _groups(words: list[Word], *, max_lines: int, max_chars: int, max_s: float) -> list[list[list[Word]]]:
    """Greedy filling: each word goes on the current line if it fits, else a new line, else a new
    cue; a sentence end or ``max_s`` from the cue's first word start closes the cue early."""
    groups: list[list[list[Word]]] = []
    lines: list[list[Word]] = []
    for word in words:
        if lines:
            fits_line = _width(lines[-1] + [word]) <= max_chars
            fits_time = word.end_s - lines[0][0].start_s <= max_s
            if not fits_time or (not fits_line and len(lines) == max_lines):
                groups.append(lines)
                lines = []
            elif not fits_line:
                lines.append([])
        if not lines:
            lines = [[]]
        # A word wider than max_chars stays whole on a line of its own (the line above closed).
        lines[-1].append(word)
        if _ends_sentence(word.text):
            groups.append(lines)
            lines = []
    if lines:
        groups.append(lines)
    return groups


def make_cues(words: Iterable[Word], *, max_lines: int = 2, max_chars: int = 32, min_s: float = 0.8,
              max_s: float = 4.0) -> list[Cue]:
    """The cues that show ``words`` (``tiktok_to_text.Word`` in time order; blank ones are skipped).

    Each cue holds at most ``max_lines`` lines of at most ``max_chars`` characters (a single word
    wider than that gets a line of its own rather than being cut), from its first word's start to
    its last word's end but never over ``max_s`` seconds and never past the next cue's start. A
    word ending a sentence (``. ? !``) closes its cue. A cue shorter than ``min_s`` is held on
    into the silence after it, up to ``min_s`` or the next cue's start, whichever comes first.
    Every cue ends after it starts: where words share one instant, each next cue starts 10 ms later.
    """
    _check_number("max_lines", max_lines, minimum=1, integer=True)
    _check_number("max_chars", max_chars, minimum=1, integer=True)
    _check_number("min_s", min_s, minimum=0)
    _check_number("max_s", max_s, minimum=0.001)
    if min_s > max_s:
        raise StudioError("min_s", f"min_s ({min_s}) must not be over max_s ({max_s})")
    spoken = [word for word in _check_words(words) if _clean(word.text)]
    groups = _groups(spoken, max_lines=max_lines, max_chars=max_chars, max_s=max_s)
    starts = [group[0][0].start_s for group in groups]
    cues = []
    for i, group in enumerate(groups):
        start = starts[i]
        if i + 1 < len(groups) and starts[i + 1] < start + _SHORTEST_S:
            # Words at one instant (Whisper gives zero-length words; words past a clip's end are
            # pinned to it) would leave this cue no time at all: the next one waits a moment.
            starts[i + 1] = round(start + _SHORTEST_S, 3)
        end = min(max(word.end_s for line in group for word in line), start + max_s)
        following = starts[i + 1] if i + 1 < len(groups) else math.inf
        end = min(end, following)
        if end - start < min_s:
            end = min(start + min_s, following)
        end = max(end, min(start + _SHORTEST_S, following))
        cues.append(Cue(start_s=start, end_s=end, lines=tuple(tuple(line) for line in group)))
    return cues
