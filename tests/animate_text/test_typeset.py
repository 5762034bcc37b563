from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from animate_text import typeset_title
from animate_text.typeset import _fit, _font, font_covers, hashtag, typeset_chips


def _canvas(size=(1080, 1920), colour=(240, 200, 40)) -> Image.Image:
    return Image.new("RGB", size, colour)


def test_returns_a_new_rgb_image_and_leaves_the_input_alone():
    canvas = _canvas()
    before = canvas.tobytes()
    out = typeset_title(canvas, "Hello World")
    assert out.mode == "RGB" and out.size == canvas.size
    assert canvas.tobytes() == before
    assert out.tobytes() != before


def test_long_title_wraps_inside_the_width():
    title = "Duet the Silent Dance Break but Every Beat Is a Plot Twist Nobody Saw Coming"
    font, lines = _fit(title, width=1080 * 0.84, max_size=119, min_size=49, max_lines=6, font_path=None)
    assert len(lines) > 1
    assert " ".join(lines) == title
    assert all(font.getlength(line) <= 1080 * 0.84 for line in lines)
    # The panel keeps a 3 % margin on both sides of the frame.
    out = np.asarray(typeset_title(_canvas(), title), dtype=np.int16)
    changed = np.abs(out - np.asarray(_canvas(), dtype=np.int16)).sum(axis=2) > 0
    columns = np.flatnonzero(changed.any(axis=0))
    assert columns.min() >= 1080 * 0.03 - 1 and columns.max() <= 1080 * 0.97


def test_word_wider_than_the_line_is_broken_and_overflow_gets_an_ellipsis():
    font, lines = _fit("Supercalifragilisticexpialidocious" * 3, width=300, max_size=60, min_size=40, max_lines=3,
                       font_path=None)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= 300 for line in lines)


def test_short_title_is_set_larger_than_a_long_one():
    short, _ = _fit("Villain Era", width=900, max_size=119, min_size=49, max_lines=6, font_path=None)
    long, _ = _fit("word " * 60, width=900, max_size=119, min_size=49, max_lines=6, font_path=None)
    assert short.size == 119 and long.size < short.size


def test_panel_darkens_a_bright_background_behind_the_title():
    out = np.asarray(typeset_title(_canvas(colour=(255, 255, 255)), "Hi", ink=(0, 0, 0), center_y=0.5),
                     dtype=np.float32)
    assert out[960, 60:120].mean() > 250  # outside the panel, untouched
    assert out[:, 540].min() < 60  # the panel, or the shadow, is dark


def test_works_on_a_small_canvas():
    out = typeset_title(_canvas((64, 112)), "Tiny cover title")
    assert out.size == (64, 112)


def test_empty_title_raises():
    with pytest.raises(ValueError, match="title"):
        typeset_title(_canvas(), "  ")


def test_unicode_titles():
    # DejaVu Sans Bold covers Latin with accents, Greek and Cyrillic, but has no Thai glyphs:
    # a Thai title still renders (as boxes) rather than crashing.
    assert font_covers("Café Crème Brûlée — Ñandú ŽŠČ Ελλάδα Москва")
    assert not font_covers("สวัสดี")
    assert typeset_title(_canvas(), "สวัสดี ชาวโลก").size == (1080, 1920)
    assert typeset_title(_canvas(), "Café Crème 🎉").size == (1080, 1920)


def test_hashtags_and_chips():
    assert hashtag("Sunset Skate!") == "#sunsetskate"
    assert hashtag("Café") == "#café"
    assert hashtag("!!!") == ""
    canvas = _canvas()
    out = typeset_chips(canvas, ["skate", "sunset", "!!!", "skate"])
    assert out.size == canvas.size and out.tobytes() != canvas.tobytes()
    assert typeset_chips(canvas, []).tobytes() == canvas.tobytes()


def test_chips_stay_in_at_most_two_rows():
    out = np.asarray(typeset_chips(_canvas(), [f"keyword{i}" for i in range(20)], max_chips=20), dtype=np.int16)
    changed_rows = np.flatnonzero((np.abs(out - np.asarray(_canvas(), dtype=np.int16)).sum(axis=2) > 0).any(axis=1))
    chip_h = sum(_font(43, None).getmetrics()) + 2 * round(43 * 0.32)
    assert changed_rows.max() - changed_rows.min() <= 2 * chip_h + round(43 * 0.4) + 2


def test_a_very_long_keyword_chip_is_shortened_to_fit():
    out = np.asarray(typeset_chips(_canvas(), ["a" * 200]), dtype=np.int16)
    changed = (np.abs(out - np.asarray(_canvas(), dtype=np.int16)).sum(axis=2) > 0).any(axis=0)
    columns = np.flatnonzero(changed)
    assert columns.min() >= 1080 * 0.07 - 1 and columns.max() <= 1080 * 0.93 + 1
