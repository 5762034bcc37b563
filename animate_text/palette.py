"""Mood palettes: a few colours per summariser mood, nudged in hue by the keywords."""
from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass

from utils import MOODS  # noqa: F401  (the moods the palettes below are for; callers read them here)

RGB = tuple[int, int, int]

MAX_HUE_SHIFT_DEG = 18.0
"""How far the keywords may turn the mood's hues: enough to tell two trends apart, not to change the mood."""


@dataclass(frozen=True)
class Palette:
    """Colours for one cover.

    ``stops`` run top to bottom in the background gradient, ``accents`` colour the shapes,
    ``ink`` is the dark panel behind the title and ``paper`` the light title colour.
    """

    mood: str
    stops: tuple[RGB, RGB, RGB]
    accents: tuple[RGB, RGB, RGB]
    ink: RGB
    paper: RGB


def _hex(code: str) -> RGB:
    code = code.lstrip("#")
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


def _palette(mood: str, stops: str, accents: str, ink: str, paper: str) -> Palette:
    return Palette(mood, tuple(map(_hex, stops.split())), tuple(map(_hex, accents.split())), _hex(ink), _hex(paper))


_PALETTES: dict[str, Palette] = {p.mood: p for p in (
    _palette("happy", "#ffd23f #ff9f1c #ff5d8f", "#fff275 #3bceac #ee4266", "#3d1d4f", "#fffdf5"),
    _palette("energetic", "#ff0054 #ff5400 #ffbd00", "#00f5d4 #9b5de5 #fee440", "#1a0d2e", "#ffffff"),
    _palette("chill", "#0f4c5c #2a9d8f #8ecae6", "#b8f2e6 #5e6472 #faf3dd", "#0b2530", "#f1faee"),
    _palette("dreamy", "#a594f9 #cdb4db #ffc8dd", "#bde0fe #ffafcc #e0aaff", "#2e1f4d", "#fffafe"),
    _palette("romantic", "#590d22 #c9184a #ff8fa3", "#ffccd5 #ff4d6d #fff0f3", "#2b0612", "#fff5f7"),
    _palette("dark", "#0b090a #1d1a39 #3c096c", "#7b2cbf #c77dff #e63946", "#050307", "#f5f3ff"),
    _palette("epic", "#03071e #6a040f #e85d04", "#ffba08 #dc2f02 #f48c06", "#0a0205", "#fff8e7"),
    _palette("playful", "#06d6a0 #118ab2 #ef476f", "#ffd166 #ff70a6 #70d6ff", "#1b1640", "#ffffff"),
    _palette("nostalgic", "#6b4226 #d4a373 #e9c46a", "#f4a261 #2a9d8f #fefae0", "#2b1a10", "#fffbef"),
    _palette("confident", "#10002b #240046 #5a189a", "#ffd60a #f72585 #4cc9f0", "#0a0014", "#ffffff"),
)}

_NEUTRAL = _palette("neutral", "#2b2d42 #5c677d #8d99ae", "#edf2f4 #ef233c #adb5bd", "#14151f", "#ffffff")


def keyword_hue_shift(keywords: tuple[str, ...] | list[str]) -> float:
    """A stable hue offset in degrees, in [-MAX_HUE_SHIFT_DEG, MAX_HUE_SHIFT_DEG], from the keywords."""
    key = "|".join(sorted(w.strip().lower() for w in keywords if w.strip()))
    if not key:
        return 0.0
    fraction = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") / 0xFFFFFFFF
    return (2.0 * fraction - 1.0) * MAX_HUE_SHIFT_DEG


def _turn(rgb: RGB, degrees: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb))
    r, g, b = colorsys.hsv_to_rgb((h + degrees / 360.0) % 1.0, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def palette_for(mood: str, *, keywords: tuple[str, ...] | list[str] = ()) -> Palette:
    """The palette for ``mood`` (a neutral one when unknown), hue-shifted by the keywords."""
    base = _PALETTES.get(mood.strip().lower(), _NEUTRAL)
    degrees = keyword_hue_shift(keywords)
    if degrees == 0.0:
        return base
    return Palette(
        base.mood,
        tuple(_turn(c, degrees) for c in base.stops),
        tuple(_turn(c, degrees) for c in base.accents),
        base.ink,
        base.paper,
    )
