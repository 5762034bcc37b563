"""The upload package's public face is what __all__ says; its errors share one root."""
import uploads
import errors


def test_all_names_exist_and_are_public():
    assert sorted(uploads.__all__) == uploads.__all__
    for name in uploads.__all__:
        assert not name.startswith("_") and getattr(uploads, name) is not None
    for error in (uploads.UploadNotFound, uploads.UploadRefused, uploads.UploadRejected):
        assert issubclass(error, uploads.UploadError) and issubclass(error, errors.StudioError)
    assert [s.value for s in uploads.UploadStatus] == ["waiting", "receiving", "ready", "rejected", "expired"]
