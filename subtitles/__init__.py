"""Word-timed captions: cut a video's spoken words into cues, and write them as WebVTT or SRT.

    from subtitles import make_cues, to_srt, to_vtt
    cues = make_cues(video_text.words)      # list[Cue]: at most 2 lines of 32 characters, 0.8-4 s
    Path("captions.vtt").write_text(to_vtt(cues), encoding="utf-8")

A cue never crosses a sentence end and never overlaps the next one. Bad input raises
``errors.StudioError`` naming the field (``words``, ``max_chars`` ...). "Captions" in
``tiktok_to_text`` is on-screen text read by OCR; these are the spoken words, called captions only
in file names and labels (``captions.vtt``).
"""
from ._cues import Cue, make_cues
from ._formats import to_srt, to_vtt
from .burn import SAFE_AREA, STYLES, burn_filter, burned_cues, to_ass

__all__ = ["Cue", "SAFE_AREA", "STYLES", "burn_filter", "burned_cues", "make_cues", "to_ass", "to_srt", "to_vtt"]
