"""Importers for the TikTok exports people actually have, each picked by what the file holds
(never by its name), each mapping its rows onto the lake's columns.

- ``tiktokapi``: TikTok-Api's item JSON (a list of items with ``stats``, ``author``, ``music``).
- ``scraper``: tiktok-scraper's ``{"collector": [...]}``; other top-level keys are ignored
  (exports can carry the request headers, cookies included: they are never read into a row).
- ``apify``: Apify's TikTok scraper as a flattened CSV (``authorMeta/name``, ``hashtags/0/name``…).
- ``ytdlp``: yt-dlp info JSON (one video, or a playlist with ``entries``), ``yt-dlp -j``'s
  JSON lines (one video per line), a folder of ``.info.json`` files, or a
  profile/hashtag/playlist URL read through yt-dlp's Python API.
- ``songs``: the songs CSVs (``track_name``, ``artist_name``, ``track_pop``, ``tempo``…) → ``sounds``.

``read_export(source)`` returns ``(format, table, rows)`` where each row is a mapping of
column names, or raises ``ExportError`` when the source as a whole is unreadable.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from ._types import UNREADABLE, ExportError

MAX_EXPORT_BYTES = 512 << 20
_APIFY_COLUMNS = {"id", "text", "diggCount", "playCount", "shareCount", "commentCount"}
_SONG_COLUMNS = {"track_name", "artist_name"}


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise ExportError("source", f"source: {path.name} is larger than {MAX_EXPORT_BYTES >> 20} MiB")
    return path.read_bytes()


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("source", f"source: {name} is not UTF-8 text") from None


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: an export's sub-object of the wrong
    shape means its fields are missing, not that the import fails."""
    return value if isinstance(value, dict) else {}


def _each(mapper, items: Iterable[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        if isinstance(item, dict) and UNREADABLE in item:  # the reader's own verdict (a broken line)
            rows.append(item)
            continue
        try:
            rows.append(mapper(item) if isinstance(item, dict) else {UNREADABLE: "row: not a JSON object"})
        except Exception as exc:  # one strange row must not sink the export: it is skipped, with why
            rows.append({UNREADABLE: f"row: unreadable ({type(exc).__name__}: {str(exc)[:60]})"})
    return rows


# -- TikTok-Api ---------------------------------------------------------------------------
def _tiktokapi(item: dict[str, Any]) -> dict[str, Any]:
    author, music = _obj(item.get("author")), _obj(item.get("music"))
    stats, video = _obj(item.get("stats")), _obj(item.get("video"))
    handle = author.get("uniqueId")
    extra = item.get("textExtra")
    tags = [t.get("hashtagName") for t in extra if isinstance(t, dict)] if isinstance(extra, list) else []
    return {
        "id": item.get("id"), "title": None, "description": item.get("desc"),
        "like_count": stats.get("diggCount"), "repost_count": stats.get("shareCount"),
        "comment_count": stats.get("commentCount"), "view_count": stats.get("playCount"),
        "duration": video.get("duration"), "timestamp": item.get("createTime"),
        "webpage_url": f"https://www.tiktok.com/@{handle}/video/{item.get('id')}" if handle else None,
        "channel": author.get("nickname"), "uploader": handle,
        "track": music.get("title"), "artist": music.get("authorName"), "music_id": music.get("id"),
        "music_original": music.get("original"), "music_url": music.get("playUrl"), "hashtags": tags,
    }


# -- tiktok-scraper -------------------------------------------------------------------------
def _scraper(item: dict[str, Any]) -> dict[str, Any]:
    author, music, video = _obj(item.get("authorMeta")), _obj(item.get("musicMeta")), _obj(item.get("videoMeta"))
    listed = item.get("hashtags")
    tags = [t.get("name") if isinstance(t, dict) else t for t in listed] if isinstance(listed, list) else listed
    return {
        "id": item.get("id"), "title": None, "description": item.get("text"),
        "like_count": item.get("diggCount"), "repost_count": item.get("shareCount"),
        "comment_count": item.get("commentCount"), "view_count": item.get("playCount"),
        "duration": video.get("duration"), "timestamp": item.get("createTime"),
        "webpage_url": item.get("webVideoUrl"), "channel": author.get("nickName"), "uploader": author.get("name"),
        "track": music.get("musicName"), "artist": music.get("musicAuthor"), "music_id": music.get("musicId"),
        "music_original": music.get("musicOriginal"), "music_url": music.get("playUrl"), "hashtags": tags,
    }


def _apify(row: dict[str, str]) -> dict[str, Any]:
    # csv puts a row's surplus fields (an unquoted comma in a caption) under the key None.
    tags = [row[k] for k in sorted((k for k in row if isinstance(k, str) and k.startswith("hashtags/")
                                    and k.endswith("/name")),
                                   key=lambda k: int(k.split("/")[1]) if k.split("/")[1].isdigit() else 0)
            if row[k]]
    return {
        "id": row.get("id"), "title": None, "description": row.get("text"),
        "like_count": row.get("diggCount"), "repost_count": row.get("shareCount"),
        "comment_count": row.get("commentCount"), "view_count": row.get("playCount"),
        "duration": row.get("videoMeta/duration"), "timestamp": row.get("createTime"),
        "webpage_url": row.get("webVideoUrl"), "channel": row.get("authorMeta/nickName"),
        "uploader": row.get("authorMeta/name"), "track": row.get("musicMeta/musicName"),
        "artist": row.get("musicMeta/musicAuthor"), "music_id": row.get("musicMeta/musicId"),
        "music_original": row.get("musicMeta/musicOriginal"), "music_url": row.get("musicMeta/playUrl"),
        "hashtags": tags,
    }


# -- yt-dlp ------------------------------------------------------------------------------------
def _ytdlp(info: dict[str, Any]) -> dict[str, Any]:
    duration = info.get("duration")
    return {
        "id": info.get("id"), "title": info.get("title"), "description": info.get("description"),
        "upload_date": info.get("upload_date"), "like_count": info.get("like_count"),
        "repost_count": info.get("repost_count"), "comment_count": info.get("comment_count"),
        "view_count": info.get("view_count"),
        "duration": round(duration) if isinstance(duration, (int, float)) and not isinstance(duration, bool)
        and math.isfinite(duration) else duration,
        "webpage_url": info.get("webpage_url"), "channel": info.get("channel"), "timestamp": info.get("timestamp"),
        "track": info.get("track"), "artists": info.get("artists"), "artist": info.get("artist"),
        "uploader": info.get("uploader"), "hashtags": info.get("tags"),
    }


def _ytdlp_entries(info: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(info.get("entries"), list):
        for entry in info["entries"]:
            if isinstance(entry, dict):
                yield from _ytdlp_entries(entry)
    else:
        yield info


def _ytdlp_url(url: str) -> list[dict[str, Any]]:
    import yt_dlp

    options = {"quiet": True, "no_warnings": True, "skip_download": True, "extract_flat": False,
               "ignoreerrors": True}
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
    except Exception as exc:  # yt-dlp raises its own DownloadError and plain network errors
        raise ExportError("source", f"yt-dlp could not read {url}: {exc}") from None
    if not info:
        raise ExportError("source", f"yt-dlp found nothing at {url}")
    return _each(_ytdlp, _ytdlp_entries(info))


# -- songs CSV ---------------------------------------------------------------------------------
def song_id(title: str, artist: str) -> str:
    """A stable id for a song that has none: its title and artist, case-folded."""
    key = f"{title.strip().casefold()}\x1f{artist.strip().casefold()}".encode()
    return "song-" + hashlib.sha256(key).hexdigest()[:20]


def _song(row: dict[str, str]) -> dict[str, Any]:
    title, artist = (row.get("track_name") or "").strip(), (row.get("artist_name") or "").strip()
    return {"id": song_id(title, artist) if title else None, "title": title or None, "artist": artist or None,
            "album": row.get("album"), **{k: row.get(k) for k in (
                "artist_pop", "track_pop", "danceability", "energy", "loudness", "mode", "key", "speechiness",
                "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature",
                "duration_ms")}}


# -- choosing ----------------------------------------------------------------------------------
def _json_export(value: Any, name: str) -> tuple[str, str, list[dict[str, Any]]]:
    if isinstance(value, dict) and isinstance(value.get("collector"), list):
        return "scraper", "metadata", _each(_scraper, value["collector"])
    if isinstance(value, dict) and ("webpage_url" in value or "extractor" in value or "entries" in value):
        return "ytdlp", "metadata", _each(_ytdlp, _ytdlp_entries(value))
    if isinstance(value, dict) and isinstance(value.get("itemList") or value.get("items"), list):
        value = value.get("itemList") or value.get("items")
    if isinstance(value, dict) and "stats" in value and "id" in value:  # one item on its own
        value = [value]
    if isinstance(value, list) and any(isinstance(i, dict) and "stats" in i for i in value):
        return "tiktokapi", "metadata", _each(_tiktokapi, value)
    if isinstance(value, list) and any(isinstance(i, dict) and "authorMeta" in i for i in value):
        return "scraper", "metadata", _each(_scraper, value)
    if isinstance(value, list) and any(isinstance(i, dict) and ("webpage_url" in i or "extractor" in i)
                                       for i in value):  # yt-dlp -j: one info JSON per line
        return "ytdlp", "metadata", _each(_ytdlp, (entry for item in value for entry in
                                                   (_ytdlp_entries(item) if isinstance(item, dict) else [item])))
    raise ExportError("source", f"source: {name} is JSON but not a TikTok-Api, tiktok-scraper or yt-dlp export")


def _csv_export(content: str, name: str) -> tuple[str, str, list[dict[str, Any]]]:
    csv.field_size_limit(MAX_EXPORT_BYTES)
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        columns = set(reader.fieldnames or [])
        if _SONG_COLUMNS <= columns:
            return "songs", "sounds", _each(_song, reader)
        if _APIFY_COLUMNS <= columns:
            return "apify", "metadata", _each(_apify, reader)
    except csv.Error as exc:
        raise ExportError("source", f"source: {name} is not a readable CSV ({exc})") from None
    wanted = f"{', '.join(sorted(_APIFY_COLUMNS))} (Apify) or {', '.join(sorted(_SONG_COLUMNS))} (songs)"
    raise ExportError("source", f"source: {name} lacks the columns of a known export: {wanted}")


def read_export(source: str | os.PathLike) -> tuple[str, str, list[dict[str, Any]]]:
    """``(format, table, rows)`` of one source: a file, a folder of ``.info.json`` files, or a URL."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return "ytdlp", "metadata", _ytdlp_url(text)
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.info.json"))
        if not files:
            raise ExportError("source", f"source: {path.name or path} holds no .info.json files")
        rows: list[dict[str, Any]] = []
        for file in files:
            fmt, _, found = _json_export(_parse_json(file), file.name)
            if fmt != "ytdlp":
                raise ExportError("source", f"source: {file.name} is not yt-dlp info JSON")
            rows += found
        return "ytdlp", "metadata", rows
    if not path.is_file():
        raise ExportError("source", f"no file or folder {text!r}")
    content = _decode(_read_bytes(path), path.name)
    if content.lstrip()[:1] in ("{", "["):
        try:
            return _json_export(_loads(content, path.name), path.name)
        except ExportError:
            lines = _json_lines(content)
            if lines is None:
                raise
            return _json_export(lines, path.name)
    return _csv_export(content, path.name)


def _json_lines(content: str) -> list[Any] | None:
    """The objects of a JSON-lines file (``yt-dlp -j``: one info JSON per line), a broken line
    becoming an unreadable row; None when the file is not JSON lines (its first line is no object)."""
    lines = [line for line in content.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            rows.append(json.loads(line))
        except ValueError:
            if number == 1:
                return None
            rows.append({UNREADABLE: f"row: line {number} is broken JSON"})
    return rows if isinstance(rows[0], dict) else None


def _loads(content: str, name: str) -> Any:
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise ExportError("source", f"source: {name} is broken JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:  # a 5 000-digit number, say
        raise ExportError("source", f"source: {name} is JSON this importer cannot read ({str(exc)[:80]})") from None


def _parse_json(path: Path) -> Any:
    return _loads(_decode(_read_bytes(path), path.name), path.name)
