"""The lake's files: Hive-partitioned Parquet, one partition per import or stage run.

    <lake>/videos/<table>/profile=<profile>/processed_at=<timestamp>/<file>.parquet

The lake is a local folder or ``s3://bucket/prefix``, both through a pyarrow filesystem. On
disk a partition is written whole into ``<lake>/.staging/`` and renamed into place; on S3 its
one object appears when its upload completes; either way a reader (or a crash) never sees
half of one. ``processed_at`` is a sortable UTC string
(``20261124T161500123456Z``), never a date the engine could reinterpret.
"""
from __future__ import annotations

import contextlib
import gc
import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from search_input import InputError, normalise_tag

from ._types import SCHEMAS, TABLES, ImportReport, LakeError
from .importers import read_export
from .rows import check_metadata, check_sounds

#: What ``Lake.ingest`` reports progress on: reading and mapping the export, checking its rows,
#: writing the partition.
INGEST_STEPS = ("read", "check", "write")
#: Row groups of 128 Ki rows: readers (DuckDB, Athena) scan a partition's row groups in parallel.
WRITE_OPTIONS = {"compression": "zstd", "row_group_size": 1 << 17}


def check_profile(raw: Any) -> str:
    """A profile name as a path segment: a hashtag-shaped name (letters, digits, _), case kept."""
    if not isinstance(raw, str):
        raise LakeError("profile", "a name is required, such as the account or the hashtag crawled")
    try:
        return normalise_tag(raw)
    except InputError as exc:
        raise LakeError("profile", exc.text) from None


def open_lake(config: Mapping[str, Any]) -> Lake:
    """The lake an app's settings name: ``TRENDTOK_LAKE`` (a folder or ``s3://bucket/prefix``)
    and, for an S3-compatible store, ``TRENDTOK_S3_ENDPOINT_URL`` (shared with uploads)."""
    return Lake(config["TRENDTOK_LAKE"], endpoint_url=config.get("TRENDTOK_S3_ENDPOINT_URL"))


def _stamp(now: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


def _later(stamp: str) -> str:
    """The stamp a millisecond after ``stamp``: a partition of the same instant exists already."""
    return _stamp(datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=timezone.utc).timestamp() + 1e-3)


class Lake:
    """The lake rooted at ``root``: a local folder, or ``s3://bucket/prefix`` (through pyarrow's
    S3 filesystem; ``endpoint_url`` for an S3-compatible store, credentials from the usual
    ``AWS_*`` variables)."""

    def __init__(self, root: str | os.PathLike, *, endpoint_url: str | None = None):
        text = str(root)
        if text.startswith("s3://"):
            bucket_path = text[len("s3://"):].strip("/")
            if not bucket_path:
                raise LakeError("lake", f"lake: {text!r} names no bucket")
            options: dict[str, Any] = {}
            if endpoint_url:
                scheme, _, host = endpoint_url.partition("://")
                options.update(endpoint_override=host.rstrip("/"), scheme=scheme)
            # A lake that cannot be reached answers within seconds, not after the SDK's minutes of retries.
            self.fs: pafs.FileSystem = pafs.S3FileSystem(connect_timeout=5, request_timeout=30,
                                                         retry_strategy=pafs.AwsStandardS3RetryStrategy(2),
                                                         **options)
            self.base, self.uri, self.root = bucket_path, f"s3://{bucket_path}", None
        elif "://" in text:
            raise LakeError("lake", f"a folder or an s3:// URI, not {text!r}")
        else:
            self.fs = pafs.LocalFileSystem()
            self.root: Path | None = Path(root).resolve()
            self.base = self.uri = str(self.root)

    @property
    def local(self) -> bool:
        return self.root is not None

    def path(self, *parts: str) -> str:
        """A path inside the lake, as its filesystem (``self.fs``) names it."""
        return "/".join((self.base, *parts))

    def table_dir(self, table: str) -> str:
        if table not in TABLES:
            raise LakeError("table", f"one of {', '.join(TABLES)}, not {table!r}")
        return self.path("videos", table)

    def partition_dir(self, table: str, key: tuple[str, str]) -> str:
        return f"{self.table_dir(table)}/profile={key[0]}/processed_at={key[1]}"

    def partitions(self, table: str) -> list[tuple[str, str]]:
        """``(profile, processed_at)`` of every complete partition of ``table``, oldest first."""
        base = self.table_dir(table)
        try:
            infos = self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True))
        except OSError as exc:
            raise LakeError("lake", f"lake: {self.uri} cannot be listed: {str(exc).splitlines()[0]}") from None
        found = []
        for info in infos:
            parts = info.path[len(base):].strip("/").split("/")
            if (info.type == pafs.FileType.File and len(parts) == 3 and parts[2] == TABLES[table]
                    and parts[0].startswith("profile=") and parts[1].startswith("processed_at=")):
                found.append((parts[0].split("=", 1)[1], parts[1].split("=", 1)[1]))
        return sorted(found, key=lambda p: (p[1], p[0]))

    def read_table(self, table: str, key: tuple[str, str], *, columns: list[str] | None = None) -> pa.Table:
        """One partition ``key`` = ``(profile, processed_at)`` of ``table`` as an Arrow table."""
        return pq.read_table(f"{self.partition_dir(table, key)}/{TABLES[table]}", columns=columns,
                             filesystem=self.fs)

    def read(self, table: str, key: tuple[str, str], *, columns: list[str] | None = None) -> list[dict[str, Any]]:
        """The rows of one partition ``key`` = ``(profile, processed_at)`` of ``table``."""
        return self.read_table(table, key, columns=columns).to_pylist()

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
        stamp = processed_at or _stamp(now)
        if self.local:
            stamp = self._write_local(table, profile, batch, stamp, fixed=processed_at is not None)
        else:
            stamp = self._write_remote(table, profile, batch, stamp, fixed=processed_at is not None)
        return f"videos/{table}/profile={profile}/processed_at={stamp}"

    def _write_local(self, table: str, profile: str, batch: pa.Table, stamp: str, *, fixed: bool) -> str:
        self._clear_abandoned()
        staging = self.root / ".staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            pq.write_table(batch, staging / TABLES[table], **WRITE_OPTIONS)
            _fsync(staging / TABLES[table])
            _fsync(staging)  # the file and its folder entry reach the disk before the rename publishes them
            parent = Path(self.table_dir(table)) / f"profile={profile}"
            parent.mkdir(parents=True, exist_ok=True)
            while True:
                target = parent / f"processed_at={stamp}"
                try:
                    os.rename(staging, target)  # atomic; fails if a partition of the same instant exists
                    _fsync(parent)
                    return stamp
                except OSError:
                    if not target.exists():
                        raise
                    if fixed:  # the stage's output for that partition is there already
                        shutil.rmtree(staging, ignore_errors=True)
                        return stamp
                    stamp = _later(stamp)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _write_remote(self, table: str, profile: str, batch: pa.Table, stamp: str, *, fixed: bool) -> str:
        # An object store has no rename: the partition's one object appears whole when its upload
        # completes (a single PUT, or a multipart upload's completion), never half-written.
        while True:
            target = f"{self.partition_dir(table, (profile, stamp))}/{TABLES[table]}"
            if self.fs.get_file_info(target).type == pafs.FileType.NotFound:
                break
            if fixed:
                return stamp
            stamp = _later(stamp)
        try:
            pq.write_table(batch, target, filesystem=self.fs, **WRITE_OPTIONS)
        except OSError as exc:
            raise LakeError("lake", f"lake: {self.uri} cannot be written: {str(exc).splitlines()[0]}") from None
        return stamp

    def _clear_abandoned(self, older_than_s: float = 3600) -> None:
        """Remove what writers killed mid-write left in staging (never visible in any view)."""
        cutoff = time.time() - older_than_s
        for left in (self.root / ".staging").glob("*"):
            try:
                if left.stat().st_mtime < cutoff:
                    shutil.rmtree(left, ignore_errors=True)
            except FileNotFoundError:
                pass

    def ingest(self, source: str | os.PathLike, *, profile: str, now: float | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> ImportReport:
        """Import one export into the lake as one partition; the report says what was read,
        imported and skipped (with reasons). A source that is unreadable as a whole raises
        ``ExportError`` and writes nothing. ``progress(step, done, total)`` hears each of the
        ``INGEST_STEPS`` as it starts (a million-post export takes a while)."""
        profile = check_profile(profile)
        tell = progress or (lambda step, done, total: None)
        tell("read", 0, len(INGEST_STEPS))
        with _collector_paused():
            fmt, table, raw_rows = read_export(source)
            tell("check", 1, len(INGEST_STEPS))
            checked = (check_metadata if table == "metadata" else check_sounds)(raw_rows, source=fmt)
        report = ImportReport(source=Path(str(source)).name or str(source), format=fmt, table=table,
                              read=len(raw_rows))
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
        tell("write", 2, len(INGEST_STEPS))
        if latest:
            report.partition = self.write(table, profile, checked.columns, now=now)
        tell("write", 3, len(INGEST_STEPS))
        return report


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an export is read and checked: it would walk the
    millions of dicts and lists being made, none of them in a cycle, again and again (it took
    40 % of the parse of a 1 M-post export)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
