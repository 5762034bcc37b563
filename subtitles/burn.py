"""Captions burned into a picture: cues as an ASS script that ffmpeg's ``ass`` filter (libass) draws.

    script = to_ass(cues, width=720, height=1280, style="bold")   # one event per word state
    path.write_text(script); ffmpeg ... -vf burn_filter(path) ...

Each cue shows whole, its current word in the style's highlight colour while it is spoken
(``karaoke`` also greys the words still to come), inside TikTok's safe area (``SAFE_AREA``).
libass draws the text with the font ``animate_text`` ships (found through ``fontsdir``, so no
system font is assumed). Readability on a phone is built in, not hoped for: the font is a share
of the frame's height, and every style puts a dark outline or a dark box directly behind the
letters, so the contrast between a letter and what touches it is at least ``MIN_CONTRAST``
whatever the picture is (see ``_BOX_OPACITY``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from animate_text import FONT_PATH
from errors import StudioError

from ._cues import Cue, make_cues

#: The caption styles, by the names a creator picks from; the first is the default.
STYLES = ("bold", "boxed", "karaoke")
#: WCAG 2's AA threshold for normal text, the least contrast a style may give its letters.
MIN_CONTRAST = 4.5
#: A burned line holds fewer characters than a caption file's 32: at a phone-readable size only about
#: 18 fit the safe width of a 9:16 frame (DejaVu Sans Bold, measured); ``make_cues(max_chars=...)``.
LINE_CHARS = 18
#: The font's size as a share of the frame's height (about 54 px at 1280), shrunk for a cue only as far
#: as its widest line needs to fit the safe width, never below ``MIN_FONT``.
FONT = 0.042
MIN_FONT = 0.03


@dataclass(frozen=True)
class SafeArea:
    """Shares of the frame that TikTok's own interface may cover, by edge."""

    top: float
    bottom: float
    left: float
    right: float

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The area captions may use, in pixels: ``(left, top, right, bottom)``, right and bottom exclusive."""
        return (math.ceil(width * self.left), math.ceil(height * self.top),
                math.floor(width * (1 - self.right)), math.floor(height * (1 - self.bottom)))


#: Where TikTok's player draws over a 9:16 video: the caption, user name and sound title cover the
#: bottom 20 % (the issue's figure; creator guides give 17-24 % of 1920 px), the like/comment/share
#: column the right 15 % (guides: 120-180 px of 1080), the Following/For You tabs the top 10 %
#: (180-250 px of 1920); the left 5 % is a margin so letters never touch the edge.
SAFE_AREA = SafeArea(top=0.10, bottom=0.20, left=0.05, right=0.15)


@dataclass(frozen=True)
class _Style:
    text: str        # the letters' colour, "RRGGBB"
    highlight: str   # the current word's colour
    upcoming: str    # words not yet spoken (the text colour except in karaoke)
    boxed: bool      # a translucent box behind each line instead of an outline


_STYLE = {
    "bold": _Style(text="FFFFFF", highlight="FFE600", upcoming="FFFFFF", boxed=False),
    "boxed": _Style(text="FFFFFF", highlight="FFE600", upcoming="FFFFFF", boxed=True),
    "karaoke": _Style(text="FFFFFF", highlight="4DFF4D", upcoming="C8C8C8", boxed=False),
}
#: The box's opacity over the picture. Over the worst case, a white picture, black at 0.7 leaves sRGB
#: 77/255 (relative luminance 0.074) behind the letters: 8.5:1 for white, 7.5:1 for the yellow
#: highlight, well over ``MIN_CONTRAST`` (the least opacity that keeps 4.5:1 for white is 0.54).
_BOX_OPACITY = 0.7
#: Room left between the safe area's edge and the caption's outermost pixel, as a share of the height.
_GAP = 0.01
#: The outline's width as a share of the font size: wide enough that the ring right round each letter
#: is black (contrast 21:1 with white) even after H.264's 4:2:0 chroma blurs the edge.
_OUTLINE = 0.09


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2's relative luminance of an sRGB colour given as 0-255 channels."""
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG 2's contrast ratio of two sRGB colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def highlight_rgb(style: str) -> tuple[int, int, int]:
    """The colour the current word of ``style`` is drawn in, as 0-255 channels."""
    value = _STYLE[_check(style)].highlight
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _check(style: str) -> str:
    if style not in _STYLE:
        raise StudioError("caption_style", f"must be one of {', '.join(STYLES)}, not {style!r}"[:120])
    return style


def _colour(rgb: str, alpha: float = 1.0) -> str:
    """``RRGGBB`` as ASS writes a colour: &HAABBGGRR with AA the transparency (00 opaque)."""
    return f"&H{round((1 - alpha) * 255):02X}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _inline(rgb: str) -> str:
    """``RRGGBB`` as an inline colour tag's value: &HBBGGRR&."""
    return f"&H{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}&"


def _clock(cs: int) -> str:
    """Centiseconds as ASS's H:MM:SS.cc."""
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _clean(text: str) -> str:
    """A word as plain ASS text: braces open override blocks and a backslash starts a tag."""
    return " ".join(text.replace("{", "(").replace("}", ")").replace("\\", "/").split())


@cache
def _font_scale() -> float:
    """PIL's point size for one ASS font size unit: libass sizes the font by its ascent + descent."""
    from PIL import ImageFont

    ascent, descent = ImageFont.truetype(str(FONT_PATH), 100).getmetrics()
    return 100 / (ascent + descent)


@cache
def _pil_font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), max(1, round(size * _font_scale())))


def _size_for(lines: Sequence[str], *, room: int, height: int) -> int:
    """The cue's font size: ``FONT`` of the height unless its widest line (outline included) needs less."""
    size = max(1, round(FONT * height))
    floor = max(1, round(MIN_FONT * height))
    while size > floor:
        widest = max((_pil_font(size).getlength(line) for line in lines), default=0)
        if widest + 2 * _OUTLINE * size <= room:
            break
        size -= 1
    return size


def _states(cue, *, words) -> list[tuple[int, int, int | None]]:
    """``(start_cs, end_cs, current)`` spans covering the cue: ``current`` the index of the word being
    spoken, None in a pause; neighbours with the same state are merged."""
    start, end = round(cue.start_s * 100), round(cue.end_s * 100)
    cuts = {start, end}
    for word in words:
        cuts.update(min(end, max(start, round(t * 100))) for t in (word.start_s, word.end_s))
    edges = sorted(cuts)
    spans: list[tuple[int, int, int | None]] = []
    for a, b in zip(edges, edges[1:]):
        middle = (a + b) / 200
        current = next((i for i, w in enumerate(words) if w.start_s <= middle < w.end_s), None)
        if spans and spans[-1][2] == current:
            spans[-1] = (spans[-1][0], b, current)
        else:
            spans.append((a, b, current))
    return spans


def _text(cue, *, style: _Style, current: int | None, size: int, spoken_before: float) -> str:
    """The cue's lines with inline colours: the current word highlighted, karaoke's unsaid words grey."""
    lines, index = [], 0
    for line in cue.lines:
        parts = []
        for word in line:
            colour = (style.highlight if index == current
                      else style.upcoming if word.start_s >= spoken_before else style.text)
            text = _clean(word.text)
            parts.append(text if colour == style.text else f"{{\\1c{_inline(colour)}}}{text}{{\\1c{_inline(style.text)}}}")
            index += 1
        lines.append(" ".join(parts))
    return f"{{\\fs{size}}}" + "\\N".join(lines)


def burned_cues(words: Sequence, **options) -> list[Cue]:
    """``make_cues(words)`` with lines short enough to burn in at a phone-readable size (``LINE_CHARS``)."""
    return make_cues(words, **{"max_chars": LINE_CHARS, **options})


def to_ass(cues: Sequence, *, width: int, height: int, style: str = STYLES[0]) -> str:
    """An ASS script drawing ``cues`` (``subtitles.Cue``) on a ``width``×``height`` frame in ``style``.

    One event per word state (a word starting or ending changes the highlight), so libass needs
    no karaoke timing and every frame shows exactly one state. Text is centred over the safe
    area's width with its lowest pixel (outline or box included) above its bottom edge.
    """
    look = _STYLE[_check(style)]
    left, _top, right, bottom = SAFE_AREA.box(width, height)
    size = max(1, round(FONT * height))
    # The outline (or the box's padding) grows the text outwards: the margins leave room for it, plus
    # a gap, so the encoder's blur of the edge stays inside the safe area too.
    grow = math.ceil(_OUTLINE * size) + 2
    pad = grow + math.ceil(_GAP * height)
    border = (f"3,{grow},0" if look.boxed else f"1,{_OUTLINE * size:.1f},0")
    back = _colour("000000", _BOX_OPACITY) if look.boxed else _colour("000000")
    header = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}",
        "WrapStyle: 0", "ScaledBorderAndShadow: yes", "YCbCr Matrix: None", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, "
        "MarginR, MarginV, Encoding",
        f"Style: Caption,DejaVu Sans,{size},{_colour(look.text)},{_colour(look.text)},{back},{back},-1,0,0,0,100,100,"
        f"0,0,{border},2,{left + pad},{width - right + pad},{height - bottom + pad},1", "",
        "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    room = right - left - 2 * pad
    events = []
    for cue in cues:
        words = [word for line in cue.lines for word in line]
        if not words:
            continue
        plain = [" ".join(_clean(w.text) for w in line) for line in cue.lines]
        cue_size = _size_for(plain, room=room, height=height)
        if look.boxed:
            # libass boxes each run of one colour, and where a word's box meets the next the translucent
            # boxes overlap into a dark seam; so the box is drawn once a line, from the uncoloured text with
            # invisible letters, on the layer under the letters (whose own boxes are made invisible).
            box = f"{{\\fs{cue_size}\\1a&HFF&}}" + "\\N".join(plain)
            events.append(f"Dialogue: 0,{_clock(round(cue.start_s * 100))},{_clock(round(cue.end_s * 100))},"
                          f"Caption,,0,0,0,,{box}")
        for start, end, current in _states(cue, words=words):
            if end <= start:
                continue
            said = words[current].start_s if current is not None else (start / 100 + 0.005)
            text = _text(cue, style=look, current=current, size=cue_size, spoken_before=said)
            if look.boxed:
                text = "{\\3a&HFF&\\4a&HFF&}" + text
            events.append(f"Dialogue: 1,{_clock(start)},{_clock(end)},Caption,,0,0,0,,{text}")
    return "\n".join(header + events) + "\n"


def burn_filter(ass_path: str | Path) -> str:
    """The ffmpeg video filter that draws the script at ``ass_path`` with the studio's font.

    Both paths go into a filtergraph, where ``:``, ``\\``, ``'``, ``,``, ``;`` and brackets mean
    something (a temporary folder or an install path may hold any of them), so each is escaped
    twice, as ffmpeg reads it: once as an option's value, once as part of the graph.
    """
    def quoted(path: Path) -> str:
        text = str(Path(path).resolve())
        for ch in "\\':":  # the option's value
            text = text.replace(ch, "\\" + ch)
        return "".join("\\" + ch if ch in "\\'[],;" else ch for ch in text)  # the graph

    return f"ass=filename={quoted(Path(ass_path))}:fontsdir={quoted(FONT_PATH.parent)}"
