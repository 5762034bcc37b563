"""The trend lake's errors, its import report, and the tables it keeps (their Parquet schemas)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from errors import StudioError


#: A mapped row the importer could not read; ``rows`` turns it into a skip with this reason.
UNREADABLE = "__unreadable__"


class LakeError(StudioError):
    """Base of the lake's errors; ``field`` is the field or argument at fault.

        LakeError
        ├── ExportError      an export that cannot be read as a whole
        ├── QueryRefused     the query guard refused a statement, or it ran out of time or memory
        │   └── ResultTooLarge (errors.TooLarge)   the result is past the byte limit (query.py)
        ├── BadRow           one row that cannot be imported (rows.py; the importer skips it)
        └── UnusableCategory a model's reply that names no single category (categories.py)
    """


class ExportError(LakeError):
    """An export cannot be read as a whole (broken JSON, a CSV without the needed columns, an
    unknown shape): nothing of it was imported."""


class QueryRefused(LakeError):
    """The query guard refused a statement (not a single read-only query), or it ran out of
    time or memory."""


#: Table name → its folder under ``<lake>/videos/`` and its file name in each partition.
TABLES = {
    "metadata": "metadata.parquet",
    "transcripts": "transcripts.parquet",
    "text": "analysis.parquet",
    "sounds": "sounds.parquet",
}

# Seed 002's columns first, exactly; the catalog's own after them.
METADATA = pa.schema([
    ("id", pa.string()), ("title", pa.string()), ("description", pa.string()), ("upload_date", pa.int64()),
    ("like_count", pa.int64()), ("repost_count", pa.int64()), ("comment_count", pa.int64()),
    ("view_count", pa.int64()), ("duration", pa.int64()), ("webpage_url", pa.string()), ("channel", pa.string()),
    ("timestamp", pa.int64()), ("track", pa.string()), ("artists", pa.list_(pa.string())), ("artist", pa.string()),
    ("uploader", pa.string()),
    ("hashtags", pa.list_(pa.string())), ("music_id", pa.string()), ("music_original", pa.bool_()),
    ("music_url", pa.string()), ("source", pa.string()),
])
TRANSCRIPTS = pa.schema([("id", pa.string()), ("transcript", pa.string()), ("language", pa.string()),
                         ("backend", pa.string())])
TEXT_ANALYSIS = pa.schema([
    ("id", pa.string()), ("uploader", pa.string()), ("description", pa.string()), ("title", pa.string()),
    ("transcript", pa.string()), ("language", pa.string()), ("category", pa.string()), ("summary", pa.string()),
    ("keywords", pa.list_(pa.string())),
])
# Song-level data: what the songs CSVs carry (Spotify audio features), keyed by a stable id.
SOUNDS = pa.schema([
    ("id", pa.string()), ("title", pa.string()), ("artist", pa.string()), ("album", pa.string()),
    ("artist_pop", pa.int64()), ("track_pop", pa.int64()), ("danceability", pa.float64()),
    ("energy", pa.float64()), ("loudness", pa.float64()), ("mode", pa.int64()), ("key", pa.int64()),
    ("speechiness", pa.float64()), ("acousticness", pa.float64()), ("instrumentalness", pa.float64()),
    ("liveness", pa.float64()), ("valence", pa.float64()), ("tempo", pa.float64()),
    ("time_signature", pa.int64()), ("duration_ms", pa.int64()), ("source", pa.string()),
])
SCHEMAS = {"metadata": METADATA, "transcripts": TRANSCRIPTS, "text": TEXT_ANALYSIS, "sounds": SOUNDS}


@dataclass
class ImportReport:
    """What one import did: rows ``read`` from the source, ``imported`` into ``table``, and the
    skipped ones counted by reason (``skipped``), with a few examples (``examples``: reason → ids)."""

    source: str
    format: str
    table: str
    read: int = 0
    imported: int = 0
    skipped: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    partition: str | None = None

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 3:
            self.examples[reason].append(where)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def to_dict(self) -> dict:
        return {"source": self.source, "format": self.format, "table": self.table, "read": self.read,
                "imported": self.imported, "skipped": self.skipped_total, "reasons": dict(self.skipped),
                "examples": self.examples, "partition": self.partition}
