"""Uploads into an S3 bucket: the client PUTs to a presigned URL; we fetch the object to check it.

Any S3-compatible store works (AWS, MinIO, Ceph; moto in the tests) through ``endpoint_url``.
Credentials come the way boto3 always finds them (environment, config files, instance role).
"""
from __future__ import annotations

from pathlib import Path

import utils

PREFIX = "uploads/"


class S3Storage:
    """``bucket``: where uploads go, under ``uploads/<upload id>``; ``endpoint_url``: a non-AWS store."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=Config(signature_version="s3v4"))

    def key(self, upload_id: str) -> str:
        return PREFIX + upload_id

    def presign(self, upload_id: str, *, content_type: str, size: int, expires_in: int) -> str:
        """A URL that takes one PUT of exactly this content type and length, valid ``expires_in`` seconds."""
        return self.client.generate_presigned_url(
            "put_object", ExpiresIn=expires_in, HttpMethod="PUT",
            Params={"Bucket": self.bucket, "Key": self.key(upload_id), "ContentType": content_type,
                    "ContentLength": size})

    def fetch(self, upload_id: str, dest: Path, *, limit: int) -> bool:
        """Download the object to ``dest`` (temp + rename) if it is there and no bigger than ``limit``
        bytes; False when it has not arrived."""
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key(upload_id))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        if head["ContentLength"] > limit:
            from ._types import UploadRefused

            self.delete(upload_id)
            raise UploadRefused("size", f"{limit} bytes were declared, {head['ContentLength']} arrived")
        with utils.atomic_path(dest) as tmp:
            self.client.download_file(self.bucket, self.key(upload_id), str(tmp))
        return True

    def delete(self, upload_id: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(upload_id))
