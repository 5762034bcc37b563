"""The subtitles package's public face is what __all__ says."""
import subtitles


def test_all_names_exist_and_are_public():
    assert sorted(subtitles.__all__) == subtitles.__all__
    for name in subtitles.__all__:
        assert not name.startswith("_") and getattr(subtitles, name) is not None
    assert {"Cue", "make_cues", "to_srt", "to_vtt"} <= set(subtitles.__all__)
