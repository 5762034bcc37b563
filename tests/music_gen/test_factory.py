import pytest

from music_gen import MusicError, load_music_generator


def test_composer_is_always_available():
    gen = load_music_generator("composer")
    assert gen.backend == "composer" and gen.warnings == []


@pytest.mark.parametrize("name", ["", "Composer", "jukebox", None])
def test_unknown_backend_is_refused(name):
    with pytest.raises(MusicError, match="backend"):
        load_music_generator(name)


def test_missing_weights_are_a_note_under_auto_and_a_warning_when_asked_for(tmp_path):
    absent = str(tmp_path / "no-such-musicgen")
    auto = load_music_generator("auto", model=absent)
    assert (auto.backend, auto.warnings) == ("composer", [])
    assert absent in auto.note and "composer" in auto.note
    asked = load_music_generator("musicgen", model=absent)
    assert asked.backend == "composer" and absent in asked.warnings[0]
