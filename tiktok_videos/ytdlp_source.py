"""Videos from any page yt-dlp can read: by default TikTok's hashtag pages.

``url_template`` gets the URL-quoted hashtag as ``{tag}``. A page that lists videos
(a playlist) gives its first entries; a page that is one video gives that video.
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any, Iterable

import ffmpeg_io
from settings import SETTINGS
from utils import Progress

from .video import Video, VideoSourceError, check_fetch_args, file_stem, probe_download, stable_id

URL_SETTING = "TRENDTOK_YTDLP_URL"
DEFAULT_URL_TEMPLATE = SETTINGS["TRENDTOK_YTDLP_URL"].default
# Entries tried per wanted video: a few may be private, removed or region-locked.
_ATTEMPTS_PER_VIDEO = 3
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")

log = logging.getLogger(__name__)


class _QuietLogger:
    """yt-dlp's messages go to Python logging; its errors come back to us as exceptions."""

    def debug(self, msg: str) -> None:
        log.debug("%s", msg)

    def info(self, msg: str) -> None:
        log.debug("%s", msg)

    def warning(self, msg: str) -> None:
        log.info("%s", msg)

    def error(self, msg: str) -> None:
        log.info("%s", msg)


def _check_template(url_template: Any) -> str:
    if not isinstance(url_template, str) or "{tag}" not in url_template:
        raise VideoSourceError(
            None, f"yt-dlp URL template must be a string containing {{tag}}: {URL_SETTING}={url_template!r}")
    try:
        example = url_template.format(tag="trend")
    except (KeyError, IndexError, ValueError):
        raise VideoSourceError(
            None, f"yt-dlp URL template may hold no braces but {{tag}}: {URL_SETTING}={url_template!r}"
        ) from None
    if urllib.parse.urlsplit(example).scheme not in ("https", "http", "file"):
        raise VideoSourceError(None, f"yt-dlp URL template must start with https://, http:// or file://: "
                                     f"{URL_SETTING}={url_template!r}")
    return url_template


def _short(exc: Exception) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).replace("ERROR: ", "").strip()
    text = text.split("; please report this issue", 1)[0]
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _description(info: dict) -> str:
    parts: list[str] = []
    for field in ("title", "description"):
        value = info.get(field)
        if isinstance(value, str) and value.strip() and not any(value.strip() in p for p in parts):
            parts.append(value.strip())
    return "\n".join(parts)


class YtdlpSource:
    """Answers a hashtag with the first videos yt-dlp lists at ``url_template``.

    ``ydl_options`` are extra ``yt_dlp.YoutubeDL`` options laid over quiet, bounded
    defaults (2 retries, 20 s socket timeout, files up to 500 MB); the output names
    and folders are always this source's own. ``file://`` templates turn on
    yt-dlp's ``enable_file_urls`` (offline tests, a local mirror of a tag page).
    """

    name = "ytdlp"

    def __init__(self, *, url_template: str = DEFAULT_URL_TEMPLATE, ydl_options: dict[str, Any] | None = None):
        self.url_template = _check_template(url_template)
        if ydl_options is not None and not isinstance(ydl_options, dict):
            raise VideoSourceError(
                "ydl_options", f"ydl_options must be a dict of yt-dlp options, got {type(ydl_options).__name__}")
        self.ydl_options = dict(ydl_options or {})

    def __repr__(self) -> str:
        return f"YtdlpSource(url_template={self.url_template!r})"

    def available_tags(self) -> list[str]:
        """Any hashtag may be asked for; there is no list to offer."""
        return []

    def _options(self, **ours: Any) -> dict[str, Any]:
        options: dict[str, Any] = {
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "logger": _QuietLogger(),
            "retries": 2,
            "fragment_retries": 2,
            "extractor_retries": 1,
            "file_access_retries": 1,
            "socket_timeout": 20,
            # A ready-made single file first: merging separate streams needs ffmpeg.
            "format": "b/bv*+ba",
            "ffmpeg_location": ffmpeg_io.ffmpeg_exe(),
            "max_filesize": 500 * 1024 * 1024,
            "enable_file_urls": urllib.parse.urlsplit(self.url_template).scheme == "file",
            "color": "no_color",
        }
        options.update(self.ydl_options)
        options.update(ours)
        return options

    def fetch(
        self,
        tag: str,
        *,
        limit: int = 3,
        dest: str | os.PathLike | None = None,
        progress: Progress | None = None,
    ) -> tuple[list[Video], list[str]]:
        """Download up to ``limit`` videos listed for ``tag`` into ``dest``.

        Returns ``(videos, warnings)``. A page yt-dlp cannot read gives ``[]`` and a
        warning; a video that fails to download gives a warning and the next entry is tried.
        """
        import yt_dlp

        tag, limit, dest = check_fetch_args(tag, limit, dest, needs_dest=True)
        url = self.url_template.format(tag=urllib.parse.quote(tag, safe=""))
        videos: list[Video] = []
        warnings: list[str] = []
        if limit == 0:
            return videos, warnings
        dest.mkdir(parents=True, exist_ok=True)
        with yt_dlp.YoutubeDL(self._options(playlistend=limit * _ATTEMPTS_PER_VIDEO)) as ydl:
            try:
                page = ydl.extract_info(url, download=False, process=False)
            except (yt_dlp.utils.YoutubeDLError, OSError) as exc:
                return [], [f"#{tag}: yt-dlp could not read {url}: {_short(exc)}"]
            for entry in self._entries(page, limit * _ATTEMPTS_PER_VIDEO):
                if len(videos) >= limit:
                    break
                video = self._video(ydl, entry, tag, dest, warnings)
                if video is not None:
                    videos.append(video)
                    if progress is not None:
                        progress(len(videos), limit)
        if not videos and not warnings:
            warnings.append(f"#{tag}: yt-dlp found no videos at {url}")
        if progress is not None and len(videos) < limit:
            progress(limit, limit)  # fewer found than asked for: the work is still finished
        return videos, warnings

    @staticmethod
    def _entries(page: Any, most: int) -> Iterable[dict]:
        import yt_dlp

        if not isinstance(page, dict):
            return []
        if page.get("_type") not in ("playlist", "multi_video"):
            return [page]
        entries = page.get("entries") or []
        if isinstance(entries, yt_dlp.utils.PagedList):
            entries = entries.getslice(0, most)
        # A hashtag page may list thousands lazily: take only what we may try.
        return [e for e in itertools.islice(entries, most) if isinstance(e, dict)]

    def _video(self, ydl: Any, entry: dict, tag: str, dest: Path, warnings: list[str]) -> Video | None:
        import yt_dlp

        shown = str(entry.get("title") or entry.get("url") or entry.get("id") or "a listed video")[:120]
        try:
            info = ydl.process_ie_result(entry, download=False)  # metadata and chosen format only
            if not isinstance(info, dict) or info.get("_type", "video") != "video":
                warnings.append(f"#{tag}: skipped {shown}: it is a list of videos, not one video")
                return None
            # yt-dlp's own archive key ("<extractor> <id>") names the video however it was linked.
            key = f"{info.get('extractor_key') or info.get('extractor')} {info.get('id')}"
            stem = file_stem(self.name, key)
            path = next((p for p in sorted(dest.glob(stem + ".*")) if not p.name.startswith(".")), None)
            if path is None:  # not fetched earlier in this run under another hashtag
                path = self._download(info, dest, stem)
        except (yt_dlp.utils.YoutubeDLError, OSError) as exc:
            warnings.append(f"#{tag}: could not download {shown}: {_short(exc)}")
            return None
        probed = probe_download(path)
        if probed is None:
            warnings.append(f"#{tag}: skipped {shown}: ffmpeg cannot read the download as a video")
            return None
        duration = info.get("duration")
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
            duration = probed
        url = info.get("webpage_url") or info.get("original_url")
        title = info.get("title")
        return Video(
            id=stable_id(self.name, key),
            title=title.strip() if isinstance(title, str) and title.strip() else path.stem,
            source=self.name,
            url=url if isinstance(url, str) else None,
            path=path,
            duration_s=float(duration),
            description=_description(info),
            tag=tag,
        )

    def _download(self, info: dict, dest: Path, stem: str) -> Path:
        """Download the resolved ``info`` into a private folder inside ``dest``, then move the
        finished file to ``dest/<stem>.<ext>``: partial files, fragments and side files
        never appear under a final name, and a failure leaves nothing behind."""
        import yt_dlp

        with tempfile.TemporaryDirectory(prefix=".ytdlp-", dir=dest) as work:
            options = self._options(outtmpl={"default": "video.%(ext)s"}, paths={"home": work, "temp": work},
                                    overwrites=True)
            with yt_dlp.YoutubeDL(options) as downloader:
                done = downloader.process_ie_result(info, download=True)
            files = [Path(d["filepath"]) for d in done.get("requested_downloads") or [] if d.get("filepath")]
            files = [f for f in files if f.is_file() and f.resolve().parent == Path(work).resolve()]
            if not files:
                raise OSError("yt-dlp reported no downloaded file (too large, or filtered out)")
            ext = files[0].suffix.lstrip(".")
            final = dest / f"{stem}.{ext if _EXTENSION.fullmatch(ext) else 'mp4'}"
            os.replace(files[0], final)
        return final
