"""Cues as files: WebVTT (what a browser's <track> reads) and SRT (what editors import)."""
from __future__ import annotations

from typing import Iterable

from ._cues import Cue


def _stamp(seconds: float, separator: str) -> str:
    # Whole milliseconds, rounded once: rounding is monotonic, so a cue that ends where the next
    # starts still does after formatting, and none overlaps.
    total = max(0, round(seconds * 1000))
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _vtt_escape(text: str) -> str:
    # WebVTT cue text is markup: & and < start entities and tags, and "-->" would end the timing.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT document of ``cues``: the header, then each cue's ``HH:MM:SS.mmm --> HH:MM:SS.mmm``
    and its lines, with ``& < >`` escaped."""
    blocks = ["WEBVTT"]
    for cue in cues:
        blocks.append(f"{_stamp(cue.start_s, '.')} --> {_stamp(cue.end_s, '.')}\n{_vtt_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Iterable[Cue]) -> str:
    """An SRT document of ``cues``: numbered from 1, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, the lines."""
    blocks = [f"{n}\n{_stamp(cue.start_s, ',')} --> {_stamp(cue.end_s, ',')}\n{cue.text}"
              for n, cue in enumerate(cues, start=1)]
    return "\n\n".join(blocks) + "\n" if blocks else ""
