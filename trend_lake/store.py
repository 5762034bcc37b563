"""The lake on disk: Hive-partitioned Parquet, one partition per import or stage run.

    <lake>/videos/<table>/profile=<profile>/processed_at=<timestamp>/<file>.parquet

A partition is written whole into ``<lake>/.staging/`` and renamed into place, so a reader
(or a crash) never sees half of one. ``processed_at`` is a sortable UTC string
(``20261124T161500123456Z``), never a date the engine could reinterpret.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from search_input import InputError, normalise_tag

from ._types import SCHEMAS, TABLES, ImportReport, LakeError
from .importers import read_export
from .rows import check_metadata, check_sounds


def check_profile(raw: Any) -> str:
    """A profile name as a path segment: a hashtag-shaped name (letters, digits, _), case kept."""
    if not isinstance(raw, str):
        raise LakeError("profile: a name is required, such as the account or the hashtag crawled")
    try:
        return normalise_tag(raw)
    except InputError as exc:
        raise LakeError(f"profile: {str(exc).removeprefix('tags: ')}") from None


def _stamp(now: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


class Lake:
    """The lake rooted at ``root`` (a local folder)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def table_dir(self, table: str) -> Path:
        if table not in TABLES:
            raise LakeError(f"table: one of {', '.join(TABLES)}, not {table!r}")
        return self.root / "videos" / table

    def glob(self, table: str) -> str:
        """The pattern DuckDB reads the table with."""
        return str(self.table_dir(table) / "*" / "*" / TABLES[table])

    def partitions(self, table: str) -> list[tuple[str, str]]:
        """``(profile, processed_at)`` of every complete partition of ``table``, oldest first."""
        found = []
        base = self.table_dir(table)
        for path in base.glob(f"profile=*/processed_at=*/{TABLES[table]}"):
            found.append((path.parent.parent.name.split("=", 1)[1], path.parent.name.split("=", 1)[1]))
        return sorted(found, key=lambda p: (p[1], p[0]))

    def read(self, table: str, key: tuple[str, str], *, columns: list[str] | None = None) -> list[dict[str, Any]]:
        """The rows of one partition ``key`` = ``(profile, processed_at)`` of ``table``."""
        profile, stamp = key
        path = self.table_dir(table) / f"profile={profile}" / f"processed_at={stamp}" / TABLES[table]
        return pq.read_table(path, columns=columns).to_pylist()

    def write(self, table: str, profile: str, rows: Sequence[Mapping[str, Any]] | Mapping[str, list[Any]], *,
              now: float | None = None, processed_at: str | None = None) -> str:
        """Write ``rows`` (row mappings, or columns: name → values) as a new partition of ``table``
        for ``profile``; its folder, relative to the lake.

        A stage passes the ``processed_at`` of the partition it worked from: if that partition
        already exists (another run finished first), this one is dropped and that one kept.
        """
        profile = check_profile(profile)
        schema = SCHEMAS[table]
        # Column by column: a list per column converts several times faster than a dict per row.
        if isinstance(rows, Mapping):
            size = len(next(iter(rows.values()), []))
            batch = pa.table({name: rows.get(name, [None] * size) for name in schema.names}, schema=schema)
        else:
            batch = pa.table({name: [row.get(name) for row in rows] for name in schema.names}, schema=schema)
        self._clear_abandoned()
        staging = self.root / ".staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            pq.write_table(batch, staging / TABLES[table], compression="zstd")
            _fsync(staging / TABLES[table])
            _fsync(staging)  # the file and its folder entry reach the disk before the rename publishes them
            stamp = processed_at or _stamp(now)
            parent = self.table_dir(table) / f"profile={profile}"
            parent.mkdir(parents=True, exist_ok=True)
            while True:
                target = parent / f"processed_at={stamp}"
                try:
                    os.rename(staging, target)  # atomic; fails if a partition of the same instant exists
                    _fsync(parent)
                    break
                except OSError:
                    if not target.exists():
                        raise
                    if processed_at is not None:  # the stage's output for that partition is there already
                        shutil.rmtree(staging, ignore_errors=True)
                        break
                    stamp = _stamp(datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ")
                                         .replace(tzinfo=timezone.utc).timestamp() + 1e-3)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target.relative_to(self.root).as_posix()

    def _clear_abandoned(self, older_than_s: float = 3600) -> None:
        """Remove what writers killed mid-write left in staging (never visible in any view)."""
        cutoff = time.time() - older_than_s
        for left in (self.root / ".staging").glob("*"):
            try:
                if left.stat().st_mtime < cutoff:
                    shutil.rmtree(left, ignore_errors=True)
            except FileNotFoundError:
                pass

    def ingest(self, source: str | os.PathLike, *, profile: str, now: float | None = None) -> ImportReport:
        """Import one export into the lake as one partition; the report says what was read,
        imported and skipped (with reasons). A source that is unreadable as a whole raises
        ``ExportError`` and writes nothing."""
        profile = check_profile(profile)
        fmt, table, raw_rows = read_export(source)
        report = ImportReport(source=Path(str(source)).name or str(source), format=fmt, table=table,
                              read=len(raw_rows))
        checked = (check_metadata if table == "metadata" else check_sounds)(raw_rows, source=fmt)
        skipped = list(checked.bad)
        latest: dict[str, int] = {}
        for at, post in enumerate(checked.columns.get("id", [])):
            if post in latest:
                skipped.append((checked.index[at], "id: repeated in this export (the later row is kept)"))
            latest[post] = at
        for at, reason in sorted(skipped):
            report.skip(reason, f"row {at + 1}")
        report.imported = len(latest)
        if len(latest) < len(checked.index):
            keep = sorted(latest.values())
            checked.columns = {name: [values[i] for i in keep] for name, values in checked.columns.items()}
        if latest:
            report.partition = self.write(table, profile, checked.columns, now=now)
        return report

    def ingest_many(self, sources: Iterable[str | os.PathLike], *, profile: str) -> list[ImportReport]:
        return [self.ingest(source, profile=profile) for source in sources]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
