"""The posts' videos the lake keeps for ``transcribe``: ``<lake>/media/<post id><suffix>``.

In a folder lake a kept video is a hard link (or a copy) of the file given; in an S3 lake it is
uploaded, and ``local_videos`` downloads what a stage needs into a temporary folder. File names
come from our post ids, never from the files given.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

import pyarrow.fs as pafs

from .store import Lake

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv", ".m4v")


def media_dir(lake: Lake) -> str:
    """The media folder, as the lake's filesystem names it."""
    return lake.path("media")


def kept(lake: Lake) -> dict[str, str]:
    """Post id → its kept video's path in the lake (one listing, not a look per post)."""
    infos = lake.fs.get_file_info(pafs.FileSelector(media_dir(lake), allow_not_found=True))
    found = {}
    for info in infos:
        stem, dot, suffix = info.base_name.rpartition(".")
        if info.type == pafs.FileType.File and dot and f".{suffix.lower()}" in VIDEO_SUFFIXES:
            found.setdefault(stem, info.path)
    return found


def keep_videos(lake: Lake, folder: str | os.PathLike, ids: Sequence[str]) -> int:
    """Keep each video in ``folder`` whose file name contains one of ``ids`` as ``<id><suffix>``;
    how many were new."""
    wanted = {i for i in ids if len(i) >= 6}  # a short id would match too many names
    have = kept(lake)
    if lake.local:
        Path(media_dir(lake)).mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(Path(folder).iterdir()):
        suffix = path.suffix.lower()
        if suffix not in VIDEO_SUFFIXES or not path.is_file():
            continue
        match = next((i for i in wanted if i in path.stem), None)
        if match is None or match in have:
            continue
        dest = f"{media_dir(lake)}/{match}{suffix}"
        if lake.local:
            try:
                os.link(path, dest)
            except OSError:
                shutil.copyfile(path, dest)
        else:
            pafs.copy_files(str(path.resolve()), dest, source_filesystem=pafs.LocalFileSystem(),
                            destination_filesystem=lake.fs)
        have[match] = dest
        count += 1
    return count


@contextlib.contextmanager
def local_videos(lake: Lake, ids: Sequence[str]) -> Iterator[dict[str, Path]]:
    """Post id → a local file of its kept video, for the ``ids`` that have one (downloaded into
    a temporary folder, removed afterwards, when the lake is on S3)."""
    have = kept(lake)
    found = {post: have[post] for post in ids if post in have}
    if lake.local:
        yield {post: Path(path) for post, path in found.items()}
        return
    with tempfile.TemporaryDirectory(prefix="lake-media-") as scratch:
        local = {}
        for post, path in found.items():
            local[post] = Path(scratch) / f"{post}{Path(path).suffix}"
            pafs.copy_files(path, str(local[post]), source_filesystem=lake.fs,
                            destination_filesystem=pafs.LocalFileSystem())
        yield local
