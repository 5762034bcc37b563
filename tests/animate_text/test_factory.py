from __future__ import annotations

import pytest

from animate_text import CoverError, load_cover_generator


@pytest.mark.parametrize("kwargs, field", [
    ({"backend": "dall-e"}, "backend"), ({"backend": None}, "backend"),
    ({"steps": 0}, "steps"), ({"steps": 2.5}, "steps"), ({"model": ""}, "model"),
])
def test_bad_settings_raise_art_error_naming_the_field(kwargs, field):
    with pytest.raises(CoverError, match=field):
        load_cover_generator(**kwargs)


def test_poster_backend_by_name_has_no_warnings():
    art = load_cover_generator(" Poster ")
    assert (art.backend, art.warnings) == ("poster", [])


def test_missing_weights_asked_for_by_name_fall_back_to_the_poster_with_a_warning(tmp_path):
    absent = tmp_path / "no-such-model"
    art = load_cover_generator("stable-diffusion", model=str(absent))
    assert art.backend == "poster"
    assert art.warnings == [f"Stable Diffusion weights not found at {absent}; using the poster"]


def test_auto_without_weights_uses_the_poster_and_notes_why_without_warning(tmp_path):
    absent = tmp_path / "no-such-model"
    art = load_cover_generator("auto", model=str(absent))
    assert (art.backend, art.warnings) == ("poster", [])
    assert art.note == f"Stable Diffusion weights not found at {absent}; using the poster"


def test_folder_without_model_index_is_not_a_checkpoint(tmp_path):
    art = load_cover_generator("stable-diffusion", model=str(tmp_path))
    assert art.backend == "poster" and "model_index.json" in art.warnings[0]


def test_hub_id_absent_from_the_local_cache_falls_back_without_loading():
    art = load_cover_generator("auto", model="someone/some-sd-model-that-is-not-cached")
    assert (art.backend, art.warnings) == ("poster", [])
    assert art.note == ("Stable Diffusion weights not found at someone/some-sd-model-that-is-not-cached; "
                        "using the poster")


def test_bad_size_raises_even_when_the_poster_is_used():
    with pytest.raises(CoverError, match="size"):
        load_cover_generator("poster", size=(100, 50))
