from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image

from animate_text import POSTER_SIZE, CoverError, Cover, load_cover_generator
from animate_text.poster import COMPOSITIONS, PosterArt


@pytest.fixture(scope="module")
def poster() -> PosterArt:
    return PosterArt()


def _draw(poster, tmp_path, name="cover.png", **overrides):
    request = dict(title="Sunset Skate Challenge", keywords=["skate", "sunset", "summer"], mood="happy", seed=7)
    request.update(overrides)
    return poster(out_path=tmp_path / name, **request)


def test_writes_a_1080x1920_rgb_png(poster, tmp_path):
    artwork = _draw(poster, tmp_path)
    assert isinstance(artwork, Cover)
    assert (artwork.width, artwork.height, artwork.backend) == (*POSTER_SIZE, "poster")
    with Image.open(artwork.path) as image:
        assert image.format == "PNG" and image.mode == "RGB" and image.size == POSTER_SIZE
    assert artwork.to_dict() == {"path": "cover.png", "width": 1080, "height": 1920, "backend": "poster"}
    assert [p.name for p in tmp_path.iterdir()] == ["cover.png"]  # no temporary file left behind


def test_same_seed_gives_identical_bytes_and_another_seed_differs(poster, tmp_path):
    first = _draw(poster, tmp_path, "a.png").path.read_bytes()
    again = _draw(PosterArt(), tmp_path, "b.png").path.read_bytes()
    other = _draw(poster, tmp_path, "c.png", seed=8).path.read_bytes()
    assert first == again
    assert first != other


def test_every_composition_is_reachable_from_seeds():
    from animate_text.poster import _rng

    picked = {COMPOSITIONS[int(_rng(seed, ("skate",), "happy").integers(len(COMPOSITIONS)))] for seed in range(40)}
    assert picked == set(COMPOSITIONS)


def test_background_is_not_flat(poster, tmp_path):
    with Image.open(_draw(poster, tmp_path).path) as image:
        pixels = np.asarray(image, dtype=np.float32)
    top_band = pixels[:300]  # above the title panel: background only
    assert top_band.std(axis=(0, 1)).mean() > 8.0


@pytest.mark.parametrize("title", [
    "Sunset Skate Challenge",
    "Grandma Recipe Time Machine",
    "Duet the Silent Dance Break but Every Beat Is a Plot Twist Nobody Saw Coming",
])
def test_title_is_legible_to_ocr(poster, tmp_path, ocr, missing_words, title):
    artwork = _draw(poster, tmp_path, title=title, mood="energetic", seed=len(title))
    with Image.open(artwork.path) as image:
        lines = ocr(image)
    assert missing_words(title, lines) == [], lines


def test_progress_ends_at_total(poster, tmp_path):
    calls = []
    _draw(poster, tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_unknown_mood_renders_with_a_neutral_palette(poster, tmp_path):
    artwork = _draw(poster, tmp_path, mood="melancholic-ish")
    assert artwork.path.is_file()


@pytest.mark.parametrize("field, value", [
    ("title", ""), ("title", "   "), ("title", None), ("keywords", "skate"), ("keywords", [1]),
    ("mood", None), ("seed", "1"), ("seed", True),
])
def test_bad_request_raises_art_error_naming_the_field(poster, tmp_path, field, value):
    with pytest.raises(CoverError, match=field):
        _draw(poster, tmp_path, **{field: value})
    assert not any(tmp_path.iterdir())


def test_out_path_must_be_a_png(poster, tmp_path):
    with pytest.raises(CoverError, match="out_path"):
        poster(title="x", keywords=[], mood="happy", out_path=tmp_path / "cover.jpg")


def test_renders_in_well_under_two_seconds_of_cpu_time(poster, tmp_path):
    _draw(poster, tmp_path)  # warm caches (font files, numpy)
    start = time.process_time()
    _draw(poster, tmp_path, seed=99)
    # CPU time, not wall time: the shared test machine is often loaded by other jobs.
    # Measured 0.6-0.85 s here; the 2 s bound guards against per-pixel Python, which would take tens of seconds.
    assert time.process_time() - start < 2.0


def test_factory_poster_backend(tmp_path):
    art = load_cover_generator("poster")
    assert art.backend == "poster" and art.warnings == []
    assert art(title="Hi", keywords=[], mood="chill", out_path=tmp_path / "x.png").backend == "poster"


def test_unicode_titles_render(poster, tmp_path):
    # Accented Latin is in the font; Thai is not (it shows as boxes) but must not break the render.
    for i, title in enumerate(["Café Crème Brûlée Hack", "สวัสดี ชาวโลก"]):
        artwork = _draw(poster, tmp_path, f"u{i}.png", title=title)
        assert artwork.path.is_file() and (artwork.width, artwork.height) == POSTER_SIZE


def test_moods_change_the_colours(poster, tmp_path):
    means = {}
    for mood in ("happy", "dark", "chill"):
        with Image.open(_draw(poster, tmp_path, f"{mood}.png", mood=mood).path) as image:
            means[mood] = np.asarray(image, dtype=np.float32)[:300].mean(axis=(0, 1))
    assert np.abs(means["happy"] - means["dark"]).sum() > 150
    assert np.abs(means["happy"] - means["chill"]).sum() > 60
