"""Video sources: find up to a few trending videos for a hashtag as local files.

>>> source = load_source("library")                      # the bundled demo library
>>> videos, warnings = source.fetch("Foodie", limit=3, dest=run_dir / "videos")

Sources: ``library`` (category folders on disk, the default), ``drive`` (Google
Drive folders named in a JSON file, a service account reads them) and ``ytdlp``
(any page yt-dlp can read, e.g. TikTok's hashtag pages). Each has ``name``,
``available_tags()`` and ``fetch(tag, *, limit, dest)`` → ``(list[Video], list[str])``.
"""
from __future__ import annotations

import inspect
from typing import Any, Protocol

from .drive_source import DriveSource
from .library_source import LIBRARY_DIR, LibrarySource
from .video import Video, VideoSourceError, probe_duration, stable_id, write_poster_frame
from .ytdlp_source import YtdlpSource

__all__ = ["LIBRARY_DIR", "Video", "VideoSource", "VideoSourceError", "load_source", "probe_duration", "stable_id",
           "write_poster_frame"]

_SOURCES = {"library": LibrarySource, "drive": DriveSource, "ytdlp": YtdlpSource}


class VideoSource(Protocol):
    """What every source returned by ``load_source`` offers."""

    name: str

    def available_tags(self) -> list[str]: ...

    def fetch(self, tag: str, *, limit: int = 3, dest: Any = None, progress: Any = None
              ) -> tuple[list[Video], list[str]]: ...


def load_source(name: str = "library", **settings: Any) -> VideoSource:
    """Build the video source called ``name`` (``"library"``, ``"drive"`` or ``"ytdlp"``).

    ``settings`` are that source's keyword options: ``library_dir`` for the library;
    ``folders_file``, ``credentials_file``, ``http`` for Drive; ``url_template``,
    ``ydl_options`` for yt-dlp. Keep the object for the life of the process: Drive
    builds its API client once. Raises ``VideoSourceError`` naming an unknown source,
    an unknown setting, or a setting whose value is unusable.
    """
    key = name.strip().lower() if isinstance(name, str) else name
    cls = _SOURCES.get(key) if isinstance(key, str) else None
    if cls is None:
        raise VideoSourceError(
            None, f"unknown video source: TRENDTOK_SOURCE={name!r} (choose one of {', '.join(_SOURCES)})"
        )
    accepted = inspect.signature(cls.__init__).parameters
    unknown = sorted(set(settings) - set(accepted) - {"self"})
    if unknown:
        raise VideoSourceError(
            None, f"unknown setting for the {key} video source: {', '.join(unknown)} "
                  f"(accepted: {', '.join(p for p in accepted if p != 'self')})"
        )
    return cls(**settings)
