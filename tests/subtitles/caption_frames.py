"""Reading burned-in captions back off a frame: where they are, their colours, their contrast.

The caption's pixels are those that differ from the same frame drawn without captions; the
letters are the bright ones among them (every style draws light letters on a dark outline or
box); what is "directly behind" a letter is the ring of pixels just outside it.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from subtitles.burn import contrast_ratio

#: A channel difference above this is the caption, not the encoder's noise (H.264 at veryfast moves
#: untouched pixels by a few levels; an outline or a box moves them by 60 or more).
DIFF = 40


def caption_mask(with_captions: np.ndarray, without: np.ndarray) -> np.ndarray:
    """Pixels the captions changed, specks of encoder noise (under 3×3 pixels) opened away."""
    changed = np.abs(with_captions.astype(np.int16) - without.astype(np.int16)).max(axis=2) > DIFF
    return ndimage.binary_opening(changed, structure=np.ones((3, 3)))


def box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(left, top, right, bottom)`` of the mask's pixels (right and bottom exclusive), None when empty."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def luminance(frame: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of every pixel of an RGB frame."""
    c = frame.astype(np.float64) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def letters(frame: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The caption's letters: its pixels as bright as the greyest letter colour (luminance ≥ 0.4),
    cores only (one pixel eroded off, where letter and outline blend)."""
    return ndimage.binary_erosion(mask & (luminance(frame) >= 0.4))


def letter_contrast(frame: np.ndarray, mask: np.ndarray) -> float:
    """The contrast between the letters' median colour and the median colour of the ring 2-4 pixels
    outside them (what a reader's eye sets each letter against)."""
    core = letters(frame, mask)
    grown = ndimage.binary_dilation(core, iterations=4)
    ring = grown & ~ndimage.binary_dilation(core, iterations=2)
    assert core.sum() > 200 and ring.sum() > 200, "no caption letters found"
    return contrast_ratio(np.median(frame[core], axis=0), np.median(frame[ring], axis=0))


def colour_pixels(frame: np.ndarray, mask: np.ndarray, rgb: tuple[int, int, int], *, within: float = 60) -> int:
    """How many of the caption's letter pixels are within ``within`` (RGB distance) of ``rgb``."""
    core = letters(frame, mask)
    distance = np.linalg.norm(frame.astype(np.float64) - np.array(rgb, dtype=np.float64), axis=2)
    return int((core & (distance < within)).sum())
