"""Videos from a folder of category folders on disk: the bundled demo library or a creator's own.

Layout: ``<library>/<category>/<slug>.mp4`` (also ``.mov``, ``.webm``, ``.mkv``) with
an optional sidecar ``<slug>.json`` (``title``, ``description``, ``narration``,
``captions``, ``author``, ``plays``, ``duration_s``). The category folder's name
lists its hashtags, e.g. ``#Foodie - #RecipeOfTheDay - #CookingHacks``.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errors import Unavailable
from ffmpeg_io import FfmpegError
from utils import Progress

from .video import (
    Video,
    VideoSourceError,
    check_fetch_args,
    is_tag_text,
    probe_duration,
    stable_id,
    tag_key,
)

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv")

_TAG_SEPARATORS = re.compile(r"\s+-\s+|\s+")


@dataclass(frozen=True)
class _Candidate:
    path: Path
    relative: str  # posix path inside the library: the video's stable identity
    sidecar: dict[str, Any]
    plays: int


def _category_tags(folder_name: str) -> list[str]:
    """``"#Foodie - #RecipeOfTheDay"`` → ``["Foodie", "RecipeOfTheDay"]`` (display case)."""
    tags = []
    for token in _TAG_SEPARATORS.split(folder_name.strip()):
        token = token.strip().lstrip("#")
        if is_tag_text(token):
            tags.append(token)
    return tags


def _plays(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)) and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _title_from_name(stem: str) -> str:
    return re.sub(r"[-_]+", " ", stem).strip() or stem


class LibrarySource:
    """Answers a hashtag with the most-played videos of the category folders that list it.

    Files are returned in place (``Video.path`` lies inside the library). Hidden
    files, other suffixes and symlinks that leave the library are ignored; a video
    that ffmpeg cannot read, or a sidecar that is not JSON, becomes a warning.
    """

    name = "library"

    def __init__(self, *, library_dir: str | os.PathLike | None = None):
        folder = LIBRARY_DIR if library_dir is None else Path(library_dir).expanduser()
        if not folder.is_dir():
            raise VideoSourceError(None, f"video library folder not found: TRENDTOK_LIBRARY={folder}")
        self.library_dir = folder.resolve()

    def __repr__(self) -> str:
        return f"LibrarySource(library_dir={str(self.library_dir)!r})"

    # -- scanning --------------------------------------------------------------------
    def _inside(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.library_dir)
        except OSError:  # a symlink loop
            return False

    def _categories(self) -> list[tuple[Path, list[str]]]:
        """Category folders with their hashtags, sorted by folder name; re-read on every call
        so that videos a creator adds while the app runs are seen."""
        try:
            entries = sorted(self.library_dir.iterdir(), key=lambda p: p.name)
        except OSError:
            return []
        categories = []
        for entry in entries:
            if entry.name.startswith(".") or not self._inside(entry) or not entry.is_dir():
                continue
            tags = _category_tags(entry.name)
            if tags:
                categories.append((entry, tags))
        return categories

    def _candidates(self, folder: Path, warnings: list[str]) -> list[_Candidate]:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            warnings.append(f"library folder {folder.name!r} could not be read: {exc.strerror or exc}")
            return []
        found = []
        for entry in entries:
            if entry.name.startswith(".") or entry.suffix.lower() not in VIDEO_SUFFIXES:
                continue
            relative = entry.relative_to(self.library_dir).as_posix()
            if not self._inside(entry):
                warnings.append(f"library: skipped {relative}: it links outside the library folder")
                continue
            if not entry.is_file():
                continue
            sidecar = self._sidecar(entry, relative, warnings)
            found.append(_Candidate(entry, relative, sidecar, _plays(sidecar.get("plays"))))
        return found

    def _sidecar(self, video: Path, relative: str, warnings: list[str]) -> dict[str, Any]:
        path = video.with_suffix(".json")
        if not path.is_file() or not self._inside(path):
            return {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            warnings.append(f"library: ignored the sidecar of {relative}: {exc}")
            return {}
        if not isinstance(data, dict):
            warnings.append(f"library: ignored the sidecar of {relative}: not a JSON object")
            return {}
        return data

    # -- public ------------------------------------------------------------------------
    def available_tags(self) -> list[str]:
        """Every hashtag some category folder lists, display case, first spelling wins."""
        seen: dict[str, str] = {}
        for _, tags in self._categories():
            for tag in tags:
                seen.setdefault(tag_key(tag), tag)
        return list(seen.values())

    def fetch(
        self,
        tag: str,
        *,
        limit: int = 3,
        dest: str | os.PathLike | None = None,
        progress: Progress | None = None,
    ) -> tuple[list[Video], list[str]]:
        """Up to ``limit`` videos for ``tag``, most ``plays`` first, then by file name.

        ``dest`` is accepted for symmetry with the downloading sources and unused.
        Returns ``(videos, warnings)``; no match is ``[]`` with a warning.
        """
        tag, limit, _ = check_fetch_args(tag, limit, dest, needs_dest=False)
        if limit == 0:
            return [], []
        key = tag_key(tag)
        warnings: list[str] = []
        folders = [folder for folder, tags in self._categories() if key in {tag_key(t) for t in tags}]
        if not folders:
            warnings.append(f"#{tag}: no category folder of the video library lists this hashtag")
            return [], warnings
        candidates: dict[str, _Candidate] = {}
        for folder in folders:
            for candidate in self._candidates(folder, warnings):
                candidates.setdefault(candidate.relative, candidate)
        ranked = sorted(candidates.values(), key=lambda c: (-c.plays, c.path.name.casefold(), c.relative))

        videos: list[Video] = []
        for candidate in ranked:
            if len(videos) >= limit:
                break
            video = self._video(candidate, tag, warnings)
            if video is not None:
                videos.append(video)
                if progress is not None:
                    progress(len(videos), limit)
        if not videos:
            warnings.append(f"#{tag}: the library folder {folders[0].name!r} holds no readable video")
        if progress is not None and len(videos) < limit:
            progress(limit, limit)  # fewer found than asked for: the work is still finished
        return videos, warnings

    def _video(self, candidate: _Candidate, tag: str, warnings: list[str]) -> Video | None:
        sidecar = candidate.sidecar
        duration = sidecar.get("duration_s")
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
            duration = None
        try:
            # Read the header even when the sidecar gives a duration: it proves the file
            # is a video ffmpeg can open before the text stage spends time on it.
            probed = probe_duration(candidate.path)
        except (FfmpegError, Unavailable):
            warnings.append(f"library: skipped {candidate.relative}: ffmpeg cannot read it as a video")
            return None
        url = _text(sidecar.get("url"))
        return Video(
            id=stable_id(self.name, candidate.relative),
            title=_text(sidecar.get("title")) or _title_from_name(candidate.path.stem),
            source=self.name,
            url=url if url.startswith(("https://", "http://")) else None,
            path=candidate.path,
            duration_s=float(duration if duration is not None else probed),
            description=_text(sidecar.get("description")),
            tag=tag,
        )
