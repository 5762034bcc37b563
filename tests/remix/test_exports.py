"""The remix package's public face is what __all__ says; its error is a studio error."""
import remix
import errors


def test_all_names_exist_and_are_public():
    assert sorted(remix.__all__) == remix.__all__
    for name in remix.__all__:
        assert not name.startswith("_") and getattr(remix, name) is not None
    assert issubclass(remix.RemixError, errors.StudioError)
    assert remix.PARTS == ("music", "cover")  # stage names, as in stages.names()
    import stages

    assert set(remix.PARTS) <= set(stages.names())
