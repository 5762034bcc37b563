"""What an uploaded file really is: its magic bytes first, then ffmpeg reading its streams;
or, for an export meant for the trend lake, UTF-8 text that opens as JSON or a CSV header.

Names decide nothing: a ``.mp4`` that is a ZIP is refused, a ``.bin`` that is an MP4 is
accepted, a PNG named ``.json`` is refused. The declared type only says which check applies
(``is_export``): a clip's or an export's. ffmpeg decodes the first second, so a file with a
valid header and a broken body is refused here rather than halfway through a job. An export
is read whole as UTF-8 here; whether its rows are a known export is the lake importer's call.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

import ffmpeg_io

from ._types import UploadRejected

#: Formats we take, by family: what ``sniff`` can name.
VIDEO_FORMATS = ("mp4", "mov", "webm", "avi")
AUDIO_FORMATS = ("m4a", "mp3", "wav", "ogg", "flac")
SNIFF_BYTES = 64
#: Declared types that ask for the export check (the trend lake's JSON and CSV exports); the
#: bytes then decide whether it is JSON or CSV, whichever of these was declared.
EXPORT_TYPES = ("application/json", "text/csv", "text/plain")
#: How far into an export its opening (the JSON bracket, or the whole CSV header line) must come.
EXPORT_HEAD_CHARS = 64 << 10
#: A CSV header's column names are short; a longer "name" is a line of prose, not a header.
MAX_COLUMN_NAME = 200
_READ_CHUNK = 1 << 20
#: How long ffmpeg may take over one check (seconds).
FFMPEG_TIMEOUT_S = 120


@dataclass(frozen=True)
class MediaInfo:
    """``media``: ``"video"`` when a picture stream is there, else ``"audio"`` (or ``"export"`` for
    a trend-lake export); ``format`` from the magic bytes (``json`` or ``csv`` for an export);
    ``duration_s`` in seconds (``None`` for an export)."""

    media: str
    format: str
    duration_s: float | None


def sniff(head: bytes) -> str | None:
    """The container format the first bytes of a file announce (one of ``VIDEO_FORMATS`` or
    ``AUDIO_FORMATS``), or ``None`` for anything else (text, images, archives, executables)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return "mp3"
    return None


def inspect(path: Path, *, max_seconds: float) -> MediaInfo:
    """Check the file at ``path`` by content; raises ``UploadRejected`` naming ``content`` (not a
    video or audio file, unreadable) or ``duration`` (longer than ``max_seconds``)."""
    with open(path, "rb") as handle:
        fmt = sniff(handle.read(SNIFF_BYTES))
    if fmt is None:
        raise UploadRejected("content", "not a video or audio file we can read (checked by its bytes, not its name; "
                             f"we take {', '.join(VIDEO_FORMATS + AUDIO_FORMATS)})")
    # Decoding the first second proves more than the header: the report of the same run is the probe.
    run = ffmpeg_io.run(["-i", str(path), "-t", "1", "-map", "0:v:0?", "-map", "0:a:0?", "-f", "null", "-"],
                        timeout_s=FFMPEG_TIMEOUT_S, field="content")
    log = run.stderr.decode("utf-8", "replace")
    info = ffmpeg_io.parse_report(log)
    if run.returncode != 0 or not (info.has_video or info.has_audio):
        tail = ffmpeg_io.last_line(log)
        raise UploadRejected("content", f"the {fmt} file could not be decoded ({tail or 'no audio or video stream'})")
    media = "video" if info.has_video else "audio"
    seconds = info.duration_s
    if not seconds:  # streamed WebM (a browser's MediaRecorder) has no length in its header
        seconds = ffmpeg_io.count_length(path, stream=None, copy=False, max_seconds=round(max_seconds + 1),
                                         timeout_s=FFMPEG_TIMEOUT_S, field="content")
    if seconds <= 0:
        raise UploadRejected("content", f"the {fmt} file has no playable length")
    if seconds > max_seconds:
        raise UploadRejected("duration", f"{seconds:.1f} s is longer than the {max_seconds:.0f} s this studio takes")
    return MediaInfo(media=media, format=fmt, duration_s=round(seconds, 3))


def is_export(content_type: str) -> bool:
    """Whether a declared (normalised) content type asks for the export check rather than a clip's."""
    return content_type in EXPORT_TYPES


def sniff_export(head: str) -> str | None:
    """``"json"`` or ``"csv"`` for the opening of an export's text (a BOM already removed), or
    ``None``: JSON opens with ``{`` or ``[`` (after blank space); a CSV's first line is a header
    of comma-separated column names, at least two of them named and none over ``MAX_COLUMN_NAME``
    characters (an unnamed index column, as pandas writes, is allowed)."""
    if head.lstrip()[:1] in ("{", "["):
        return "json"
    line, newline, _ = head.partition("\n")
    if not newline and len(head) >= EXPORT_HEAD_CHARS:
        return None  # no header line ends within the opening
    try:
        names = next(csv.reader([line.rstrip("\r")]), [])
    except csv.Error:
        return None
    names = [name.strip() for name in names]
    if sum(1 for name in names if name) < 2 or any(len(name) > MAX_COLUMN_NAME for name in names):
        return None
    return "csv"


def inspect_export(path: Path) -> MediaInfo:
    """Check an export at ``path`` by content: UTF-8 text (a BOM allowed) with no NUL byte, opening
    as JSON or with a CSV header line (``sniff_export``). Raises ``UploadRejected`` naming
    ``content``. The size cap was held when the bytes arrived."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    head, offset = "", 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_READ_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise UploadRejected("content", f"not a JSON or CSV export: byte {offset + exc.start} is not UTF-8 "
                                     "text (checked by its bytes, not its name)") from None
            if "\x00" in text:
                raise UploadRejected("content", "not a JSON or CSV export: it holds NUL bytes, as binary files do "
                                     "(checked by its bytes, not its name)")
            if len(head) < EXPORT_HEAD_CHARS:
                head += text[:EXPORT_HEAD_CHARS - len(head)]
            if not chunk:
                break
            offset += len(chunk)
    if not head.strip():
        raise UploadRejected("content", "the export is empty")
    fmt = sniff_export(head)
    if fmt is None:
        raise UploadRejected("content", "not a JSON or CSV export: its text opens neither with '{' or '[' (JSON) "
                             "nor with a header line of comma-separated column names (CSV)")
    return MediaInfo(media="export", format=fmt, duration_s=None)
