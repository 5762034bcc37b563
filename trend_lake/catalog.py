"""The catalog of posts the sounds features read, as Arrow tables: ``posts`` (the latest row per
id, as the ``metadata`` view shows it) and ``post_history`` (every row of every import, for
growth between snapshots).

    table = posts(lake, exclude_profiles=("demo",))      # 1 row per post id, every column
    history = post_history(lake, exclude_profiles=("demo",))  # 1 row per (import, post id)

Both are kept in memory per process and read only the partitions that appeared since the last
call (a partition that disappeared is dropped), so a warm call costs nothing but the profile
filter, and that is remembered too.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ._types import METADATA, LakeError
from .snapshot import KEYS, MAX_LAKES, latest
from .store import Lake, check_profile

#: What ``post_history`` keeps of each row: what a sound's growth is computed from (its id, tags,
#: sound and the counts the score weighs). The full rows are in ``posts``; a second full copy of
#: every import would double the memory a million posts already take (~340 MiB).
HISTORY_COLUMNS = ("id", "hashtags", "music_id", "view_count", "like_count", "comment_count", "repost_count")
HISTORY_SCHEMA = pa.schema([METADATA.field(name) for name in HISTORY_COLUMNS] + list(KEYS))


@dataclass
class _History:
    parts: dict[tuple[str, str], pa.Table] = field(default_factory=dict)
    table: pa.Table | None = None
    #: excluded profiles → the history without them, for the current ``table``
    filtered: dict[frozenset[str], pa.Table] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_lock = threading.Lock()
_histories: OrderedDict[str, _History] = OrderedDict()
#: (lake, excluded profiles) → (the snapshot it was filtered from, the filtered table)
_posts: OrderedDict[tuple[str, frozenset[str]], tuple[pa.Table, pa.Table]] = OrderedDict()


def posts(lake: Lake, *, exclude_profiles: Iterable[str] = ()) -> pa.Table:
    """The latest row per post id of ``metadata`` (seed 002's columns, the catalog's, then
    ``profile`` and ``processed_at``), without the rows of ``exclude_profiles``.

    A post whose latest row is in an excluded profile is left out whole: the exclusion hides
    what those imports said, it does not fall back to an older import of the same post.
    """
    excluded = _profiles(exclude_profiles)
    table = latest(lake, "metadata")
    if not excluded:
        return table
    key = (lake.uri, excluded)
    with _lock:
        known = _posts.get(key)
    if known is not None and known[0] is table:
        return known[1]
    result = _without(table, excluded)
    with _lock:
        _posts[key] = (table, result)
        _posts.move_to_end(key)
        while len(_posts) > 2 * MAX_LAKES:
            _posts.popitem(last=False)
    return result


def post_history(lake: Lake, *, exclude_profiles: Iterable[str] = ()) -> pa.Table:
    """Every row of every ``metadata`` partition, not deduplicated: one row per (import, post),
    with ``HISTORY_COLUMNS`` then ``profile`` and ``processed_at`` (the import's UTC stamp,
    ``20261124T201041392483Z``), oldest partition first.

    Each import is a dated snapshot of the posts it crawled, so a sound's growth is the change
    between two of them. Only partitions new since the last call are read (and only these
    columns of them).
    """
    excluded = _profiles(exclude_profiles)
    keys = lake.partitions("metadata")
    with _lock:
        history = _histories.setdefault(lake.uri, _History())
        _histories.move_to_end(lake.uri)
        while len(_histories) > MAX_LAKES:
            _histories.popitem(last=False)
    with history.lock:  # one reader per lake reads new partitions; the others wait for the result
        if history.table is None or set(history.parts) != set(keys):
            parts = {key: history.parts.get(key) or _read(lake, key) for key in keys}
            history.parts = parts
            tables = [parts[key] for key in keys]
            history.table = pa.concat_tables(tables) if tables else HISTORY_SCHEMA.empty_table()
            history.filtered = {}
        if not excluded:
            return history.table
        if excluded not in history.filtered:
            history.filtered[excluded] = _without(history.table, excluded)
        return history.filtered[excluded]


def _read(lake: Lake, key: tuple[str, str]) -> pa.Table:
    try:
        part = lake.read_table("metadata", key, columns=list(HISTORY_COLUMNS))
    except pa.ArrowInvalid:  # written before one of them existed: read what it has
        part = lake.read_table("metadata", key)
    rows = part.num_rows
    columns = [part.column(name).cast(HISTORY_SCHEMA.field(name).type) if name in part.column_names
               else pa.nulls(rows, HISTORY_SCHEMA.field(name).type)
               for name in HISTORY_COLUMNS]
    columns += [pa.repeat(pa.scalar(value, pa.string()), rows) for value in key]
    return pa.Table.from_arrays(columns, schema=HISTORY_SCHEMA)


def _without(table: pa.Table, excluded: frozenset[str]) -> pa.Table:
    return table.filter(pc.invert(pc.is_in(table.column("profile"), value_set=pa.array(sorted(excluded)))))


def _profiles(raw: Iterable[str]) -> frozenset[str]:
    if isinstance(raw, str):  # one name, not its letters
        raw = (raw,)
    try:
        names = list(raw)
    except TypeError:
        raise LakeError("exclude_profiles", f"a list of profile names, not {type(raw).__name__}") from None
    try:
        return frozenset(check_profile(name) for name in names)
    except LakeError as exc:
        raise LakeError(f"exclude_{exc.field}", exc.text) from None
