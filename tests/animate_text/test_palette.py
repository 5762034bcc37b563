from __future__ import annotations

import itertools

import numpy as np
import pytest

from animate_text.palette import MAX_HUE_SHIFT_DEG, MOODS, keyword_hue_shift, palette_for

SUMMARISER_MOODS = ("happy", "energetic", "chill", "dreamy", "romantic", "dark", "epic", "playful", "nostalgic",
                    "confident")


def _colours(palette) -> np.ndarray:
    return np.asarray(palette.stops + palette.accents, dtype=np.float32)


def test_every_summariser_mood_has_its_own_palette():
    assert set(MOODS) == set(SUMMARISER_MOODS)
    for mood in SUMMARISER_MOODS:
        assert palette_for(mood).mood == mood


def test_mood_palettes_differ_clearly():
    for a, b in itertools.combinations(SUMMARISER_MOODS, 2):
        distance = np.abs(_colours(palette_for(a)) - _colours(palette_for(b))).mean()
        assert distance > 25, (a, b, distance)


def test_unknown_mood_is_neutral_and_case_is_ignored():
    assert palette_for("bittersweet").mood == "neutral"
    assert palette_for("  Happy ") == palette_for("happy")


def test_keywords_turn_the_hue_within_bounds_and_deterministically():
    shifts = [keyword_hue_shift([word]) for word in ("skate", "dance", "food", "cats", "travel", "gym")]
    assert all(abs(s) <= MAX_HUE_SHIFT_DEG for s in shifts)
    assert len(set(shifts)) == len(shifts)
    assert keyword_hue_shift(["Dance", "Duet"]) == keyword_hue_shift(["duet", "dance"])
    assert keyword_hue_shift([]) == 0.0
    assert palette_for("chill", keywords=["skate"]) != palette_for("chill", keywords=["dance"])


@pytest.mark.parametrize("mood", SUMMARISER_MOODS + ("neutral-unknown",))
def test_title_colours_have_strong_contrast(mood):
    def luminance(rgb):
        channel = np.asarray(rgb) / 255.0
        linear = np.where(channel <= 0.03928, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    palette = palette_for(mood)
    ratio = (luminance(palette.paper) + 0.05) / (luminance(palette.ink) + 0.05)
    assert ratio >= 7.0  # WCAG AAA for the title on a fully opaque panel
