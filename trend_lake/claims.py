"""Who is working on a partition: stage runners on several workers (Celery jobs, ``lake watch``
on two machines) share out the pending partitions instead of all doing the first one.

A claim is ``<lake>/.claims/<stage>/<profile>/<processed_at>``, made before the work and removed
after the output is written. In a folder lake it is created atomically (``O_EXCL``); on S3
pyarrow has no create-if-absent, so two workers may both win a race of a few milliseconds:
that costs a duplicate piece of work, never a duplicate row (``Lake.write`` with a stage's
``processed_at`` keeps the first output). A claim older than ``ttl_s`` is a worker that died:
it is taken over.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pyarrow.fs as pafs

from .store import Lake

TTL_S = 3600.0


def _path(lake: Lake, stage: str, key: tuple[str, str]) -> str:
    return lake.path(".claims", stage, key[0], key[1])


def claim(lake: Lake, stage: str, key: tuple[str, str], *, ttl_s: float = TTL_S) -> bool:
    """Take partition ``key`` for ``stage``; False when a live claim of another runner holds it."""
    path = _path(lake, stage, key)
    owner = f"{socket.gethostname()}:{os.getpid()}:{time.time():.3f}".encode()
    info = lake.fs.get_file_info(path)
    if info.type != pafs.FileType.NotFound:
        if info.mtime is not None and time.time() - info.mtime.timestamp() < ttl_s:
            return False
        release(lake, stage, key)  # its runner died: take it over
    if lake.local:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as handle:
            handle.write(owner)
        return True
    with lake.fs.open_output_stream(path) as handle:
        handle.write(owner)
    return True


def release(lake: Lake, stage: str, key: tuple[str, str]) -> None:
    try:
        lake.fs.delete_file(_path(lake, stage, key))
    except (FileNotFoundError, OSError):
        pass
