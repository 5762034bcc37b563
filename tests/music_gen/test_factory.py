import pytest

from music_gen import MusicGenError, load_music_generator


def test_composer_is_always_available():
    gen = load_music_generator("composer")
    assert gen.backend == "composer" and gen.warnings == []


@pytest.mark.parametrize("name", ["", "Composer", "jukebox", None])
def test_unknown_backend_is_refused(name):
    with pytest.raises(MusicGenError, match="backend"):
        load_music_generator(name)
