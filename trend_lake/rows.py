"""One catalog row from whatever an export says: ids, counts, text and hashtags checked and
normalised, or a reason to skip the row (``BadRow``), never a half-right row."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from search_input import InputError, hashtags_in, normalise_tag

from ._types import UNREADABLE, LakeError

MAX_TEXT = 10_000        # characters of a title or description; TikTok allows 4 000
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COUNTS = ("like_count", "repost_count", "comment_count", "view_count")


class BadRow(LakeError, ValueError):
    """This row cannot be imported; the message is the reason, starting with the column (``field``)."""


def readable(raw: Any) -> None:
    """Raise ``BadRow`` for a row the importer could not map (``UNREADABLE``)."""
    if UNREADABLE in raw:
        raise BadRow(None, raw[UNREADABLE])


def post_id(raw: Any) -> str:
    value = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not _ID.match(value):
        raise BadRow("id", "id: missing or not an id" if not value else f"id: {value[:20]!r} is not an id")
    return value


def count(column: str, raw: Any) -> int | None:
    """A non-negative whole number from an int, a float or a numeric string ("1.2M" is not one)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise BadRow(column, f"{column}: {str(raw)[:20]!r} is not a count")
    try:  # a whole number as written first: through float, ids above 2**53 would round
        value = int(raw.strip()) if isinstance(raw, str) else raw
    except ValueError:
        try:
            value = float(raw)
        except ValueError:
            raise BadRow(column, f"{column}: {str(raw)[:20]!r} is not a number") from None
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise BadRow(column, f"{column}: {str(raw)[:20]!r} is not a whole number")
    if value < 0:
        raise BadRow(column, f"{column}: {raw!r} is negative")
    if value >= 2 ** 63:
        raise BadRow(column, f"{column}: {raw!r} is too large")
    return int(value)


def text(column: str, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, (dict, list)):
        raise BadRow(column, f"{column}: an object where text belongs")
    if not isinstance(raw, str):
        raw = str(raw)
    if len(raw) > MAX_TEXT:
        raise BadRow(column, f"{column}: longer than {MAX_TEXT} characters")
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
        raise BadRow("timestamp", f"timestamp: {timestamp!r} is not a time") from None


@functools.lru_cache(maxsize=1 << 14)  # posts of one export fall on a few hundred days
def _day(days: int) -> int:
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(days=days)
    return moment.year * 10000 + moment.month * 100 + moment.day


TEXTS = ("title", "description", "webpage_url", "channel", "track", "artist", "uploader", "music_id", "music_url")
NUMBERS = (*COUNTS, "duration", "timestamp")


@dataclass
class Checked:
    """The rows of an export after their checks: ``columns`` of the good rows, by column name, in
    the order read; ``index``, where each good row was in the export; ``bad``, ``(row index,
    reason)`` of the others."""

    columns: dict[str, list[Any]]
    index: list[int]
    bad: list[tuple[int, str]]


def _fast_strings(values: list[Any]) -> list[int] | None:
    """Indices whose value the per-value ``text`` must look at (too long), or None when Arrow
    cannot take the column as plain strings (then every value goes through ``text``)."""
    if not set(map(type, values)) <= {str, type(None)}:
        return None
    return _where(pc.greater(pc.utf8_length(pa.array(values, type=pa.string())), MAX_TEXT))


def _where(mask: pa.Array) -> list[int]:
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False)).tolist()


def _fast_counts(values: list[Any]) -> list[int] | None:
    """As ``_fast_strings`` for counts: indices of negative or too large ints, or None when the
    column holds anything but ints (floats, strings, bools: each goes through ``count``)."""
    if not set(map(type, values)) <= {int, type(None)}:
        return None
    try:
        array = pa.array(values, type=pa.int64())
    except OverflowError:  # an int past 64 bits
        return None
    return _where(pc.less(array, 0))


def _column(name: str, values: list[Any], check, fast, bad: dict[int, str]) -> list[Any]:
    """``values`` checked by ``check(name, value)``: Arrow takes the common case in one pass (a
    column of plain strings or whole numbers), the per-value check the rest, so both agree by
    construction. A row's first failing column is its reason."""
    suspects = fast(values)
    for i in range(len(values)) if suspects is None else suspects:
        try:
            values[i] = check(name, values[i])
        except BadRow as exc:
            bad.setdefault(i, str(exc))
    return values


def check_metadata(raw_rows: list[Mapping[str, Any]], *, source: str) -> Checked:
    """The metadata columns of ``raw_rows`` (each already mapped to column names), checked and
    normalised column by column; a row with any bad value is left out with its reason."""
    bad: dict[int, str] = {}
    for i, raw in enumerate(raw_rows):
        if UNREADABLE in raw:
            bad[i] = raw[UNREADABLE]
    ids = [raw.get("id") for raw in raw_rows]
    for i, value in enumerate(ids):
        if not (type(value) is str and _ID.match(value)):  # the common case needs no strip
            try:
                ids[i] = post_id(value)
            except BadRow as exc:
                bad.setdefault(i, str(exc))
    columns: dict[str, list[Any]] = {"id": ids, "source": [source] * len(raw_rows)}
    for name in TEXTS:
        columns[name] = _column(name, [raw.get(name) for raw in raw_rows], text, _fast_strings, bad)
    columns["music_id"] = [None if isinstance(v, str) and not v.strip() else v for v in columns["music_id"]]
    for name in NUMBERS:
        columns[name] = _column(name, [raw.get(name) for raw in raw_rows], count, _fast_counts, bad)
    dates = []
    for i, (raw, stamp) in enumerate(zip(raw_rows, columns["timestamp"])):
        date = raw.get("upload_date")
        try:
            dates.append(count("upload_date", date) if date not in (None, "") else
                         upload_date(stamp) if i not in bad else None)
        except BadRow as exc:
            bad.setdefault(i, str(exc))
            dates.append(None)
    columns["upload_date"] = dates
    columns["artists"] = [[a for a in artists if isinstance(a, str) and a] if isinstance(artists, list) else
                          ([artist] if artist else [])
                          for artists, artist in zip((raw.get("artists") for raw in raw_rows), columns["artist"])]
    columns["music_original"] = [flag(raw.get("music_original")) for raw in raw_rows]
    columns["hashtags"] = [hashtags(raw.get("hashtags"), description=description) if i not in bad else []
                           for i, (raw, description) in enumerate(zip(raw_rows, columns["description"]))]
    keep = [i for i in range(len(raw_rows)) if i not in bad]
    if bad:
        columns = {name: [values[i] for i in keep] for name, values in columns.items()}
    return Checked(columns, keep, sorted(bad.items()))


_SONG_NUMBERS = ("artist_pop", "track_pop", "mode", "key", "time_signature", "duration_ms")
_SONG_FLOATS = ("danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness",
                "liveness", "valence", "tempo")


def song_row(raw: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """A ``sounds`` row from a songs-CSV row; raises ``BadRow``."""
    readable(raw)
    if not raw.get("title"):
        raise BadRow("track_name", "missing")
    row: dict[str, Any] = {"id": post_id(raw.get("id")), "source": source}
    for column in ("title", "artist", "album"):
        row[column] = text(column, raw.get(column))
    for column in _SONG_NUMBERS:
        value = raw.get(column)
        # Spotify's key is -1 when no key was detected: a value, not an error.
        row[column] = None if column == "key" and str(value).strip() == "-1" else count(column, value)
    for column in _SONG_FLOATS:
        value = raw.get(column)
        try:
            number = float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            raise BadRow(column, f"{column}: {str(value)[:20]!r} is not a number") from None
        if number is not None and not math.isfinite(number):
            raise BadRow(column, f"{column}: {value!r} is not a finite number")
        row[column] = number
    return row


def check_sounds(raw_rows: list[Mapping[str, Any]], *, source: str) -> Checked:
    """As ``check_metadata`` for the songs CSVs' rows (a few thousand: row by row)."""
    good, index, bad = [], [], []
    for i, raw in enumerate(raw_rows):
        try:
            good.append(song_row(raw, source=source))
            index.append(i)
        except BadRow as exc:
            bad.append((i, str(exc)))
    return Checked({name: [row.get(name) for row in good] for name in (good[0] if good else {})}, index, bad)
