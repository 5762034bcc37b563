from __future__ import annotations

import pytest

from animate_text import ArtError, load_art_generator


@pytest.mark.parametrize("kwargs, field", [
    ({"backend": "dall-e"}, "backend"), ({"backend": None}, "backend"),
    ({"steps": 0}, "steps"), ({"steps": 2.5}, "steps"), ({"model": ""}, "model"),
])
def test_bad_settings_raise_art_error_naming_the_field(kwargs, field):
    with pytest.raises(ArtError, match=field):
        load_art_generator(**kwargs)


def test_poster_backend_by_name_has_no_warnings():
    art = load_art_generator(" Poster ")
    assert (art.backend, art.warnings) == ("poster", [])
