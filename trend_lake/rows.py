"""One catalog row from whatever an export says: ids, counts, text and hashtags checked and
normalised, or a reason to skip the row (``BadRow``), never a half-right row."""
from __future__ import annotations

import functools
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from search_input import InputError, hashtags_in, normalise_tag

from ._types import UNREADABLE

MAX_TEXT = 10_000        # characters of a title or description; TikTok allows 4 000
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COUNTS = ("like_count", "repost_count", "comment_count", "view_count")


class BadRow(ValueError):
    """This row cannot be imported; the message is the reason, starting with the column."""


def readable(raw: Any) -> None:
    """Raise ``BadRow`` for a row the importer could not map (``UNREADABLE``)."""
    if UNREADABLE in raw:
        raise BadRow(raw[UNREADABLE])


def post_id(raw: Any) -> str:
    value = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not _ID.match(value):
        raise BadRow("id: missing or not an id" if not value else f"id: {value[:20]!r} is not an id")
    return value


def count(column: str, raw: Any) -> int | None:
    """A non-negative whole number from an int, a float or a numeric string ("1.2M" is not one)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise BadRow(f"{column}: {str(raw)[:20]!r} is not a count")
    try:  # a whole number as written first: through float, ids above 2**53 would round
        value = int(raw.strip()) if isinstance(raw, str) else raw
    except ValueError:
        try:
            value = float(raw)
        except ValueError:
            raise BadRow(f"{column}: {str(raw)[:20]!r} is not a number") from None
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise BadRow(f"{column}: {str(raw)[:20]!r} is not a whole number")
    if value < 0:
        raise BadRow(f"{column}: {raw!r} is negative")
    if value >= 2 ** 63:
        raise BadRow(f"{column}: {raw!r} is too large")
    return int(value)


def text(column: str, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, (dict, list)):
        raise BadRow(f"{column}: an object where text belongs")
    if not isinstance(raw, str):
        raw = str(raw)
    if len(raw) > MAX_TEXT:
        raise BadRow(f"{column}: longer than {MAX_TEXT} characters")
    return raw


def flag(raw: Any) -> bool | None:
    if isinstance(raw, bool) or raw is None:
        return raw
    lowered = str(raw).strip().lower()
    return True if lowered in ("true", "1", "yes") else False if lowered in ("false", "0", "no") else None


def hashtag(raw: Any) -> str | None:
    """A hashtag as the studio matches tags (NFKC, no ``#``, case-folded); None when it is not one."""
    return _hashtag(raw) if isinstance(raw, str) else None


@functools.lru_cache(maxsize=1 << 16)  # a million posts share a few thousand hashtags
def _hashtag(raw: str) -> str | None:
    try:
        return normalise_tag(raw).casefold()
    except InputError:
        return None


def hashtags(*sources: Any, description: str | None = None) -> list[str]:
    """The post's hashtags, deduplicated in order: from lists of names, then ``#words`` in its text."""
    found: list[str] = []
    for source in sources:
        if isinstance(source, str):  # one tag given as a string, not its characters
            source = [source]
        for item in source if isinstance(source, list) else []:
            tag = hashtag(item)
            if tag and tag not in found:
                found.append(tag)
    for word in hashtags_in(description or ""):
        tag = hashtag(word)
        if tag and tag not in found:
            found.append(tag)
    return found


def upload_date(timestamp: int | None) -> int | None:
    """yt-dlp's ``upload_date`` (YYYYMMDD, UTC) as a number, from a UNIX time."""
    if timestamp is None:
        return None
    try:
        return _day(timestamp // 86400)
    except (OverflowError, OSError, ValueError):
        raise BadRow(f"timestamp: {timestamp!r} is not a time") from None


@functools.lru_cache(maxsize=1 << 14)  # posts of one export fall on a few hundred days
def _day(days: int) -> int:
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(days=days)
    return moment.year * 10000 + moment.month * 100 + moment.day


def metadata_row(raw: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """The metadata columns from ``raw`` (already mapped to column names); raises ``BadRow``."""
    readable(raw)
    row: dict[str, Any] = {"id": post_id(raw.get("id")), "source": source}
    for column in ("title", "description", "webpage_url", "channel", "track", "artist", "uploader",
                   "music_id", "music_url"):
        row[column] = text(column, raw.get(column))
    if row["music_id"] is not None and not row["music_id"].strip():
        row["music_id"] = None
    for column in (*COUNTS, "duration", "timestamp"):
        row[column] = count(column, raw.get(column))
    date = raw.get("upload_date")
    row["upload_date"] = count("upload_date", date) if date not in (None, "") else upload_date(row["timestamp"])
    artists = raw.get("artists")
    row["artists"] = [str(a) for a in artists if isinstance(a, str) and a] if isinstance(artists, list) else \
        ([row["artist"]] if row["artist"] else [])
    row["music_original"] = flag(raw.get("music_original"))
    row["hashtags"] = hashtags(raw.get("hashtags"), description=row["description"])
    return row
