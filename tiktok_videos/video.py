"""The record every video source returns, the package error, and helpers the sources share."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import ffmpeg_io
import utils
from errors import StudioError, Unavailable

#: How long reading a video's header or one frame may take (seconds).
PROBE_TIMEOUT_S = 60


class VideoSourceError(StudioError, ValueError):
    """A video source is misconfigured; the message names the offending setting."""


@dataclass(frozen=True)
class Video:
    """One video found for a hashtag, available as a local file.

    ``id`` is stable across runs (a sha1 of the source and its own id for the video);
    ``url`` is the original web address when there is one; ``duration_s`` is in
    seconds (0.0 when it could not be read); ``description`` is extra text for the
    summariser; ``tag`` is the hashtag it was found for, as the caller spelled it.
    """

    id: str
    title: str
    source: str
    url: str | None
    path: Path
    duration_s: float
    description: str
    tag: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields: ``path`` as a string."""
        record = asdict(self)
        record["path"] = str(self.path)
        return record


def stable_id(source: str, key: str) -> str:
    """40 hex characters naming a video of ``source`` whose own id (or path) is ``key``."""
    return hashlib.sha1(f"{source}:{key}".encode("utf-8")).hexdigest()


def file_stem(source: str, key: str) -> str:
    """A download's file name without extension, ``<source>-<16 hex>``: never remote text."""
    return f"{source}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def tag_key(text: str) -> str:
    """The form tags are compared in: NFKC, without a leading ``#``, casefolded."""
    return unicodedata.normalize("NFKC", text).strip().lstrip("#").casefold()


def is_tag_text(text: str) -> bool:
    """True when ``text`` is a hashtag body: letters (any script) with their marks, digits, ``_``."""
    return bool(text) and all(
        unicodedata.category(c)[0] in ("L", "M") or unicodedata.category(c) == "Nd" or c == "_" for c in text
    )


def check_fetch_args(tag: Any, limit: Any, dest: Any, *, needs_dest: bool) -> tuple[str, int, Path | None]:
    """Validate ``fetch``'s arguments up front; return ``(tag, limit, dest)``."""
    if not isinstance(tag, str) or not tag.strip().lstrip("#"):
        raise VideoSourceError("tag", f"tag must be a non-empty hashtag string, got {tag!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise VideoSourceError("limit", f"limit must be a whole number >= 0, got {limit!r}")
    if dest is None:
        if needs_dest:
            raise VideoSourceError("dest", "dest must be the folder downloads go into, got None")
        return tag, limit, None
    if not isinstance(dest, (str, Path)):
        raise VideoSourceError("dest", f"dest must be a folder path, got {type(dest).__name__}")
    return tag, limit, Path(dest)


def probe_duration(path: Path) -> float:
    """Seconds of video in ``path``, read from the container header (``ffmpeg_io.probe``).

    Raises ``ffmpeg_io.FfmpegError`` naming ``video`` when the file is not a readable video;
    returns 0.0 when the header gives no duration.
    """
    path = Path(path)
    info = ffmpeg_io.probe(path, timeout_s=PROBE_TIMEOUT_S, field="video")
    if not info.has_video:
        raise ffmpeg_io.FfmpegError("video", f"{path.name} is not a video ffmpeg can read")
    return info.duration_s


def probe_download(path: Path) -> float | None:
    """``probe_duration`` of a file a source just downloaded; ``None`` (and the file deleted)
    when ffmpeg cannot read it, so an unreadable download never reaches the text stage."""
    try:
        return probe_duration(path)
    except (ffmpeg_io.FfmpegError, Unavailable):
        path.unlink(missing_ok=True)
        return None


def write_poster_frame(path: Path, dest: Path, *, at_s: float = 1.0, width: int = 360) -> Path:
    """A JPEG of the frame ``at_s`` seconds into the video at ``path``, ``width`` px wide, written
    atomically to ``dest``: what the page shows before the video plays (a black box otherwise).
    Raises ``ffmpeg_io.FfmpegError`` naming ``video`` when ffmpeg cannot read a frame there."""
    with utils.atomic_path(dest) as tmp:
        run = ffmpeg_io.run(["-v", "error", "-ss", f"{max(0.0, at_s):.2f}", "-i", str(path), "-frames:v", "1",
                             "-vf", f"scale={width}:-2", "-q:v", "4", "-f", "image2", str(tmp)],
                            timeout_s=PROBE_TIMEOUT_S, field="video")
        if run.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tail = ffmpeg_io.last_line(run.stderr, paths=[path, tmp], limit=200)
            raise ffmpeg_io.FfmpegError("video", f"no frame at {at_s:.1f} s: {tail}")
    return dest
