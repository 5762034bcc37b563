"""The lake's public face is what __all__ says; its errors share one root."""
import trend_lake
import errors


def test_all_names_exist_and_are_public():
    assert sorted(trend_lake.__all__) == trend_lake.__all__
    for name in trend_lake.__all__:
        assert not name.startswith("_") and getattr(trend_lake, name) is not None
    for error in (trend_lake.ExportError, trend_lake.QueryRefused):
        assert issubclass(error, trend_lake.LakeError) and issubclass(error, errors.StudioError)
    assert set(trend_lake.VIEWS) == {"metadata", "transcripts", "text_analysis", "sounds"}
