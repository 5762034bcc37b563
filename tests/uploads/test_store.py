"""The upload lifecycle on a real SQLite file and folder: URL, PUT, checks, single use, expiry."""
from __future__ import annotations

import io
import threading

import pytest

from uploads import UploadError, UploadNotFound, UploadRefused, Uploads, UploadStatus

MiB = 1 << 20


@pytest.fixture
def uploads(tmp_path) -> Uploads:
    return Uploads(tmp_path / "studio.sqlite3", tmp_path / "uploads", secret=b"test-secret", max_bytes=10 * MiB,
                   max_seconds=60, ttl_s=600, keep_s=3600)


def _signed(uploads: Uploads, upload) -> dict[str, str]:
    return {"expires": str(int(upload.expires_at)), "signature": uploads.signature(upload)}


def _put(uploads: Uploads, upload, data: bytes, **overrides):
    args = {**_signed(uploads, upload), "length": len(data), **overrides}
    return uploads.receive(upload.id, io.BytesIO(data), **args)


def _new(uploads: Uploads, path, *, owner="key:1", content_type="video/mp4", now=None):
    return uploads.create(owner=owner, filename="My Clip (final).MP4", content_type=content_type,
                          size=path.stat().st_size, now=now)


def test_a_clip_goes_from_waiting_to_ready_under_a_name_we_made(uploads, media):
    upload = _new(uploads, media["mp4"])
    assert upload.status is UploadStatus.WAITING
    url = uploads.upload_url(upload, local_url=lambda upload_id, query: f"/put/{upload_id}?{sorted(query)}")
    assert url.startswith(f"/put/{upload.id}")
    done = _put(uploads, upload, media["mp4"].read_bytes())
    assert (done.status, done.media, done.format) == (UploadStatus.READY, "video", "mp4")
    assert done.filename == "My Clip (final).MP4"  # kept for display only
    assert [p.name for p in uploads.folder.iterdir()] == [upload.id]  # no temp file left, no client name
    assert uploads.clip(upload.id, owner="key:1", media="video").id == upload.id


@pytest.mark.parametrize("field, value, message", [
    ("filename", "", "filename: 1 to 255"),
    ("filename", None, "filename: must be a string"),
    ("content_type", "application/zip", "content_type: a video/\\* or audio/\\*"),
    ("content_type", "video/../../etc", "content_type:"),
    ("size", 0, "size: a whole number of bytes"),
    ("size", 11 * MiB, "size: a whole number of bytes from 1 to 10485760"),
    ("size", "12", "size:"),
    ("size", True, "size:"),
])
def test_a_bad_declaration_names_its_field(uploads, field, value, message):
    fields = {"filename": "clip.mp4", "content_type": "video/mp4", "size": 1000, field: value}
    with pytest.raises(UploadError, match=message) as caught:
        uploads.create(owner="key:1", **fields)
    assert caught.value.field == field


@pytest.mark.parametrize("size", [4943572.0, 1.0, 10.0 * MiB])
def test_a_size_written_as_a_whole_float_is_that_many_bytes(uploads, size):
    # JSON has one number type: 4943572.0 is the integer 4943572 to JSON Schema ("type": "integer")
    # and to every client that writes numbers as floats (schemathesis found it refused).
    upload = uploads.create(owner="key:1", filename="clip.mp4", content_type="video/mp4", size=size)
    assert upload.size == int(size) and type(upload.size) is int
    assert type(uploads.get(upload.id, owner="key:1").size) is int


@pytest.mark.parametrize("size", [4943572.5, float("nan"), float("inf"), -1.0, 0.0, 1e300])
def test_a_float_size_that_is_no_whole_number_of_bytes_in_range_is_refused(uploads, size):
    with pytest.raises(UploadError, match=r"^size: a whole number of bytes from 1 to 10485760") as caught:
        uploads.create(owner="key:1", filename="clip.mp4", content_type="video/mp4", size=size)
    assert caught.value.field == "size"


def test_the_url_is_single_use_and_a_second_put_is_refused(uploads, media):
    upload = _new(uploads, media["mp4"])
    _put(uploads, upload, media["mp4"].read_bytes())
    with pytest.raises(UploadRefused, match="already ready") as caught:
        _put(uploads, upload, media["mp4"].read_bytes())
    assert caught.value.status == 409


def test_a_forged_or_expired_signature_is_refused(uploads, media):
    upload = _new(uploads, media["mp4"], now=1000.0)
    data = media["mp4"].read_bytes()
    with pytest.raises(UploadRefused, match="signature") as caught:
        _put(uploads, upload, data, signature="0" * 64)
    assert caught.value.status == 403
    with pytest.raises(UploadRefused, match="signature"):  # a later expiry cannot be written into the URL
        _put(uploads, upload, data, expires=str(int(upload.expires_at) + 3600))
    with pytest.raises(UploadRefused, match="expired"):
        _put(uploads, upload, data, now=upload.expires_at + 1)
    assert uploads.get(upload.id).status is UploadStatus.WAITING


def test_a_short_transfer_leaves_no_file_and_the_url_can_be_retried(uploads, media):
    data = media["mp4"].read_bytes()
    upload = _new(uploads, media["mp4"])
    with pytest.raises(UploadRefused, match=f"size: {len(data)} bytes were declared, 100 arrived"):
        _put(uploads, upload, data[:100], length=None)  # chunked, cut short
    with pytest.raises(UploadRefused, match="size:"):
        _put(uploads, upload, data + b"extra", length=None)
    assert list(uploads.folder.iterdir()) == []
    assert _put(uploads, upload, data).status is UploadStatus.READY


def test_bytes_that_are_not_a_clip_leave_a_rejected_upload_and_no_file(uploads, media):
    upload = _new(uploads, media["text"])
    done = _put(uploads, upload, media["text"].read_bytes())
    assert done.status is UploadStatus.REJECTED and done.error.startswith("content: not a video or audio file")
    assert list(uploads.folder.iterdir()) == []
    with pytest.raises(UploadError, match="upload_id: the upload is rejected, not ready: content:"):
        uploads.clip(upload.id)


def test_audio_declared_as_video_is_rejected_and_audio_is_no_clip(uploads, media):
    as_video = _new(uploads, media["wav"])
    assert _put(uploads, as_video, media["wav"].read_bytes()).error.startswith("content_type: declared video")
    audio = _new(uploads, media["wav"], content_type="audio/wav")
    assert _put(uploads, audio, media["wav"].read_bytes()).media == "audio"
    with pytest.raises(UploadError, match="upload_id: the upload is audio; this needs video"):
        uploads.clip(audio.id, media="video")


def test_another_owner_cannot_see_or_use_an_upload(uploads, media):
    upload = _new(uploads, media["mp4"], owner="session:a")
    with pytest.raises(UploadNotFound):
        uploads.get(upload.id, owner="session:b")
    with pytest.raises(UploadNotFound):
        uploads.clip(upload.id, owner="session:b")
    for bad in ("../../etc/passwd", "x" * 32, ""):
        with pytest.raises(UploadNotFound):
            uploads.path(bad)


def test_two_puts_at_once_store_one_file(uploads, media):
    data = media["mp4"].read_bytes()
    upload = _new(uploads, media["mp4"])
    outcomes = []

    def put():
        try:
            outcomes.append(_put(uploads, upload, data).status)
        except UploadRefused as exc:
            outcomes.append(exc.status)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == sorted(["409"] * 3 + [str(UploadStatus.READY)])
    assert [p.name for p in uploads.folder.iterdir()] == [upload.id]


def test_unused_uploads_expire_with_their_url_and_used_ones_after_keep(uploads, media):
    data = media["mp4"].read_bytes()
    unused, used = _new(uploads, media["mp4"], now=1000.0), _new(uploads, media["mp4"], now=1000.0)
    for upload in (unused, used):
        _put(uploads, upload, data, now=1001.0)
    uploads.mark_used(used.id, now=1500.0)
    assert uploads.sweep(now=1000.0 + 601) == 1
    assert uploads.get(unused.id).status is UploadStatus.EXPIRED and not uploads.path(unused.id).exists()
    assert uploads.get(used.id).status is UploadStatus.READY
    assert uploads.sweep(now=1500.0 + 3601) == 1
    assert uploads.get(used.id).status is UploadStatus.EXPIRED and list(uploads.folder.iterdir()) == []


def test_a_transfer_cut_off_by_a_dead_server_is_swept_with_its_lifetime(uploads, media):
    upload = _new(uploads, media["mp4"], now=1000.0)
    assert uploads._claim(upload.id)  # what a PUT does first; the process then dies
    assert uploads.sweep(now=upload.expires_at + 1) == 1 and uploads.get(upload.id).status is UploadStatus.EXPIRED


def test_a_checker_that_breaks_leaves_a_rejected_upload_not_a_stuck_one(uploads, media, monkeypatch):
    import subprocess

    import ffmpeg_io  # uploads.content reaches ffmpeg through it

    def timeout(*args, **kwargs):
        raise subprocess.TimeoutExpired("ffmpeg", 120)

    monkeypatch.setattr(ffmpeg_io.subprocess, "run", timeout)
    upload = _new(uploads, media["mp4"])
    done = _put(uploads, upload, media["mp4"].read_bytes())
    assert done.status is UploadStatus.REJECTED and done.error.startswith("content: could not be checked")
    assert list(uploads.folder.iterdir()) == []


def test_one_callers_live_uploads_are_capped_and_space_frees_as_they_expire(tmp_path):
    uploads = Uploads(tmp_path / "q.sqlite3", tmp_path / "q", secret=b"s", max_bytes=10 * MiB, max_seconds=60,
                      ttl_s=600, keep_s=3600, quota_bytes=25 * MiB)
    first = uploads.create(owner="key:1", filename="a.mp4", content_type="video/mp4", size=10 * MiB, now=1000)
    uploads.create(owner="key:1", filename="b.mp4", content_type="video/mp4", size=10 * MiB, now=1001)
    with pytest.raises(UploadRefused, match="^size: your unused uploads already hold 20 MiB of the 25 MiB") as caught:
        uploads.create(owner="key:1", filename="c.mp4", content_type="video/mp4", size=10 * MiB, now=1002)
    assert caught.value.status == 429
    # Another caller has a quota of their own; 5 MiB more still fits the first one's.
    uploads.create(owner="key:2", filename="c.mp4", content_type="video/mp4", size=10 * MiB, now=1002)
    uploads.create(owner="key:1", filename="d.mp4", content_type="video/mp4", size=5 * MiB, now=1003)
    # Once the first two expire unused, their space is free again (before the sweeper even runs).
    later = first.expires_at + 2
    assert uploads.create(owner="key:1", filename="e.mp4", content_type="video/mp4", size=10 * MiB, now=later)
    # An upload a job used is the job's: it no longer counts.
    for name in ("f.mp4", "g.mp4"):
        uploads.mark_used(uploads.create(owner="key:3", filename=name, content_type="video/mp4", size=10 * MiB,
                                         now=later).id, now=later)
    assert uploads.create(owner="key:3", filename="h.mp4", content_type="video/mp4", size=10 * MiB, now=later)


def test_an_export_goes_to_ready_as_an_export_under_its_own_cap(tmp_path, media):
    uploads = Uploads(tmp_path / "e.sqlite3", tmp_path / "e", secret=b"s", max_bytes=1 * MiB, max_seconds=60,
                      ttl_s=600, keep_s=3600, max_export_bytes=3 * MiB)
    data = b'[{"id": "7000000000000000001", "stats": {"playCount": 5}}]'.ljust(2 * MiB)  # bigger than a clip may be
    upload = uploads.create(owner="key:1", filename="posts.bin", content_type="application/json; charset=utf-8",
                            size=len(data))
    assert upload.content_type == "application/json" and uploads.largest == 3 * MiB
    done = _put(uploads, upload, data)
    assert (done.status, done.media, done.format, done.duration_s) == (UploadStatus.READY, "export", "json", None)
    assert uploads.clip(upload.id, owner="key:1", media="export").id == upload.id
    with pytest.raises(UploadError, match="upload_id: the upload is export; this needs video"):
        uploads.clip(upload.id, media="video")
    with pytest.raises(UploadError, match=r"^size: a whole number of bytes from 1 to 3145728 \(3 MiB for an export\)"):
        uploads.create(owner="key:1", filename="big.csv", content_type="text/csv", size=3 * MiB + 1)
    with pytest.raises(UploadError, match=r"^size: a whole number of bytes from 1 to 1048576 \(1 MiB\)"):
        uploads.create(owner="key:1", filename="big.mp4", content_type="video/mp4", size=2 * MiB)


def test_a_clip_declared_as_an_export_and_an_export_declared_as_a_clip_are_rejected(uploads, media, tmp_path):
    as_export = uploads.create(owner="key:1", filename="clip.json", content_type="application/json",
                               size=media["mp4"].stat().st_size)
    done = _put(uploads, as_export, media["mp4"].read_bytes())
    assert done.status is UploadStatus.REJECTED and done.error.startswith("content: not a JSON or CSV export")
    export = tmp_path / "songs.csv"
    export.write_text("track_name,artist_name\nSay So,Doja Cat\n")
    as_clip = _new(uploads, export)
    done = _put(uploads, as_clip, export.read_bytes())
    assert done.status is UploadStatus.REJECTED and done.error.startswith("content: not a video or audio file")
    assert list(uploads.folder.iterdir()) == []
