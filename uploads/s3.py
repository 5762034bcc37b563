"""Uploads into an S3 bucket: the client PUTs to a presigned URL; we fetch the object to check it.

Any S3-compatible store works (AWS, MinIO, Ceph; moto in the tests) through ``endpoint_url``.
Credentials come the way boto3 always finds them (environment, config files, instance role).
"""
from __future__ import annotations

import logging
from pathlib import Path

import utils

from ._types import UploadRefused, UploadStoreUnavailable

log = logging.getLogger(__name__)

PREFIX = "uploads/"
#: What a caller is told when the store fails: the upload is fine, the store is not (503, retry).
_UNREACHABLE = "the upload store (S3) did not answer; try again shortly"


class S3Storage:
    """``bucket``: where uploads go, under ``uploads/<upload id>``; ``endpoint_url``: a non-AWS store."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # A status request waits on these calls: a store that is down fails in seconds, not minutes.
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=Config(signature_version="s3v4", connect_timeout=5, read_timeout=30,
                                                 retries={"max_attempts": 2, "mode": "standard"}))

    def key(self, upload_id: str) -> str:
        return PREFIX + upload_id

    def presign(self, upload_id: str, *, content_type: str, size: int, expires_in: int) -> str:
        """A URL that takes one PUT of exactly this content type and length, valid ``expires_in`` seconds."""
        from botocore.exceptions import BotoCoreError

        try:
            return self.client.generate_presigned_url(
                "put_object", ExpiresIn=expires_in, HttpMethod="PUT",
                Params={"Bucket": self.bucket, "Key": self.key(upload_id), "ContentType": content_type,
                        "ContentLength": size})
        except BotoCoreError as exc:  # presigning is local: this is missing credentials or a bad setting
            raise UploadStoreUnavailable(
                "upload_id", f"the upload store (S3) cannot sign uploads ({type(exc).__name__})") from None

    def fetch(self, upload_id: str, dest: Path, *, limit: int) -> bool:
        """Download the object to ``dest`` (temp + rename) if it is there and no bigger than ``limit``
        bytes; False when it has not arrived."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key(upload_id))
            if head["ContentLength"] > limit:
                self.delete(upload_id)
                raise UploadRefused("size", f"{limit} bytes were declared, {head['ContentLength']} arrived")
            with utils.atomic_path(dest) as tmp:
                self.client.download_file(self.bucket, self.key(upload_id), str(tmp))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise UploadStoreUnavailable(
                "upload_id", f"{_UNREACHABLE} ({exc.response.get('Error', {}).get('Code')})") from None
        except BotoCoreError as exc:  # no route, refused, timed out, no credentials
            raise UploadStoreUnavailable("upload_id", f"{_UNREACHABLE} ({type(exc).__name__})") from None
        return True

    def delete(self, upload_id: str) -> None:
        """Remove the object; a store that fails is logged (a bucket lifecycle rule on ``uploads/``
        is the backstop), so one unreachable store does not stop the sweep."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(upload_id))
        except (BotoCoreError, ClientError) as exc:
            log.warning("upload %s: could not delete it from S3 (%s); it stays until a lifecycle rule ends it",
                        upload_id, exc)
