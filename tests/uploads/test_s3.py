"""Uploads into S3 through presigned URLs, against moto's real S3 server on loopback."""
from __future__ import annotations

import urllib.request

import pytest

from uploads import Uploads, UploadStatus

BUCKET = "trendtok-uploads"


@pytest.fixture
def s3_uploads(s3_endpoint, tmp_path, monkeypatch):
    import boto3

    from uploads.s3 import S3Storage

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    storage = S3Storage(BUCKET, endpoint_url=s3_endpoint)
    yield Uploads(tmp_path / "db.sqlite3", tmp_path / "uploads", secret=b"s", max_bytes=50 << 20, max_seconds=60,
                  ttl_s=600, keep_s=600, s3=storage), client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _put(url: str, data: bytes, content_type: str) -> int:
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_a_presigned_put_lands_in_the_bucket_and_is_checked_when_asked_for(s3_uploads, s3_endpoint, media):
    uploads, client = s3_uploads
    data = media["mp4"].read_bytes()
    upload = uploads.create(owner="key:1", filename="clip.mp4", content_type="video/mp4", size=len(data))
    url = uploads.upload_url(upload, local_url=lambda *_: pytest.fail("S3 uploads never go through this server"))
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/uploads/{upload.id}?") and "X-Amz-Signature=" in url
    assert uploads.get(upload.id).status is UploadStatus.WAITING  # nothing in the bucket yet
    assert _put(url, data, "video/mp4") == 200
    ready = uploads.get(upload.id, owner="key:1")
    assert (ready.status, ready.media) == (UploadStatus.READY, "video")
    assert uploads.path(upload.id).read_bytes() == data
    assert uploads.sweep(now=upload.expires_at + 1) == 1
    assert client.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0 and not uploads.path(upload.id).exists()


def test_a_non_video_in_the_bucket_is_rejected_like_a_local_one(s3_uploads, media):
    uploads, _ = s3_uploads
    data = media["text"].read_bytes()
    upload = uploads.create(owner="key:1", filename="clip.mp4", content_type="video/mp4", size=len(data))
    _put(uploads.upload_url(upload, local_url=None), data, "video/mp4")
    rejected = uploads.get(upload.id)
    assert rejected.status is UploadStatus.REJECTED and rejected.error.startswith("content:")


def test_a_store_that_is_down_is_a_503_that_names_it_and_the_upload_waits(s3_uploads, tmp_path):
    from tests.conftest import free_port
    from uploads import UploadRefused
    from uploads.s3 import S3Storage

    live, _ = s3_uploads
    down = Uploads(live.db.path, tmp_path / "down", secret=b"s", max_bytes=50 << 20, max_seconds=60,
                   ttl_s=600, keep_s=600, s3=S3Storage(BUCKET, endpoint_url=f"http://127.0.0.1:{free_port()}"))
    upload = down.create(owner="key:1", filename="clip.mp4", content_type="video/mp4", size=1000)
    with pytest.raises(UploadRefused, match="^upload_id: the upload store \\(S3\\) did not answer") as caught:
        down.get(upload.id, owner="key:1")
    assert caught.value.status == 503
    assert live.get(upload.id).status is UploadStatus.WAITING  # nothing was lost: ask again once it is back
