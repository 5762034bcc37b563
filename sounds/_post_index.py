"""The catalog reduced to integer arrays for ``trending``: one ``PostIndex`` per Arrow table of
posts (or of their history), built on the table's first query and kept while the table lives.

Building is the one pass over strings (hashtags, sound ids, import stamps, dictionary-encoded);
a ranking afterwards is slices and array lookups (``sounds.trending``).
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._types import DEMO_PROFILE, CatalogError
from .score import post_scores

_STAMP = "%Y%m%dT%H%M%S%fZ"  # the lake's processed_at: a sortable UTC stamp


@dataclass(frozen=True)
class PostIndex:
    """A catalog table reduced to integer columns, once per table: each row's sound (code into
    ``sounds``; -1 for none), score, ``demo`` flag and ``original`` (the export's flag on its
    sound: 1 true, 0 false, -1 not said; absent column: all -1), and for each of ``tags`` the rows carrying
    it (``tag_rows[tag_starts[t]:tag_starts[t + 1]]``). A query then is slices and array lookups:
    no string is compared per post. For a history also each row's post (code), import (``snap``:
    rank by time; ``seconds``: each import's stamp) and ``order``, the rows by post then import."""

    tags: pa.Array
    tag_starts: np.ndarray
    tag_rows: np.ndarray
    sounds: pa.Array
    sound: np.ndarray
    score: np.ndarray
    demo: np.ndarray
    original: np.ndarray | None = None
    #: Per sound (by code), over every row: any post of it flagged original, not original, or demo.
    #: A licence is the sound's, not a ranking's, so these never depend on the tags or window asked.
    sound_flags: dict[str, np.ndarray] | None = None
    post: np.ndarray | None = None
    snap: np.ndarray | None = None
    seconds: np.ndarray | None = None
    order: np.ndarray | None = None

    def carrying(self, wanted: list[str]) -> np.ndarray:
        """Which rows carry any of ``wanted`` and have a sound (bool per row)."""
        mask = np.zeros(len(self.sound), bool)
        for code in pc.index_in(pa.array(wanted, pa.string()), value_set=self.tags).drop_null().to_numpy():
            mask[self.tag_rows[self.tag_starts[code]:self.tag_starts[code + 1]]] = True
        return mask & (self.sound >= 0)


#: Tables already indexed ((id, as history) → (weak reference, index)): the lake hands the same
#: snapshot object over until a partition lands, so a warm call indexes nothing.
_indexes: dict[tuple[int, bool], tuple[weakref.ref, PostIndex]] = {}
_indexes_lock = threading.Lock()


def post_index(table: pa.Table, *, history: bool) -> PostIndex:
    key = (id(table), history)
    with _indexes_lock:
        known = _indexes.get(key)
    if known is not None and known[0]() is table:
        return known[1]
    index = _build(table, history=history)
    with _indexes_lock:  # forgotten with the table (an id is reused only after that)
        _indexes[key] = (weakref.ref(table, lambda _, key=key: _indexes.pop(key, None)), index)
    return index


def _build(table: pa.Table, *, history: bool) -> PostIndex:
    tags = table.column("hashtags")
    flat = [pc.list_flatten(chunk) for chunk in tags.chunks]
    rows, offset = [], 0
    for chunk in tags.chunks:  # a list chunk's parent indices count from its own start
        rows.append(pc.list_parent_indices(chunk).to_numpy() + offset)
        offset += len(chunk)
    flat = pc.dictionary_encode(pa.concat_arrays(flat) if flat else pa.array([], pa.string()))
    sounds = pc.dictionary_encode(table.column("music_id").combine_chunks())
    sound = pc.fill_null(sounds.indices, -1).to_numpy().astype(np.int64)
    empty = pc.index_in(pa.array([""]), value_set=sounds.dictionary)[0].as_py()
    if empty is not None:  # "" is no sound: the code stays (no renumbering), its rows go
        sound[sound == empty] = -1
    extra = {}
    if history:
        stamps = pc.dictionary_encode(table.column("processed_at").combine_chunks())
        if stamps.null_count:
            raise CatalogError("history", "processed_at is missing on some rows")
        seconds = np.array([_seconds(stamp) for stamp in stamps.dictionary.to_pylist()])
        rank = np.empty(len(seconds), np.int64)
        rank[np.argsort(seconds, kind="stable")] = np.arange(len(seconds))
        post = pc.fill_null(pc.dictionary_encode(table.column("id").combine_chunks()).indices, -1).to_numpy()
        snap = rank[stamps.indices.to_numpy()]
        extra = {"post": post, "snap": snap, "seconds": np.sort(seconds), "order": np.lexsort((snap, post))}
    codes = pc.fill_null(flat.indices, -1).to_numpy()  # a null hashtag sorts first and is never asked for
    by_tag = np.argsort(codes, kind="stable")
    rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    demo = (_bools(pc.equal(table.column("profile"), DEMO_PROFILE)) if "profile" in table.column_names
            else np.zeros(table.num_rows, bool))
    original = (pc.fill_null(pc.cast(table.column("music_original"), pa.int8()), -1).to_numpy(zero_copy_only=False)
                if "music_original" in table.column_names else np.full(table.num_rows, -1, np.int8))
    said = sound >= 0

    def any_of(rows: np.ndarray) -> np.ndarray:
        return np.bincount(sound[said & rows], minlength=len(sounds.dictionary)) > 0

    flags = {"original": any_of(original == 1), "commercial": any_of(original == 0), "demo": any_of(demo)}
    return PostIndex(tags=flat.dictionary, tag_starts=np.searchsorted(codes[by_tag], np.arange(len(flat.dictionary) + 1)),
                  tag_rows=rows[by_tag], sounds=sounds.dictionary, sound=sound, score=post_scores(table), demo=demo,
                  original=original, sound_flags=flags, **extra)


def _bools(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return pc.fill_null(column, False).to_numpy(zero_copy_only=False)


def _seconds(stamp: str) -> float:
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        raise CatalogError("history", f"processed_at {stamp!r} is not a lake stamp such as "
                                      "20261124T201041392483Z") from None
