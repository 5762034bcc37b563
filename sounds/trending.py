"""Trending sounds for hashtags (issue 10, seed 001): the sounds of the posts that carry any of
a creator's hashtags, ranked by those posts' engagement, or by how fast it grows.

    rows = trend_lake.catalog.posts(lake)                      # the lake layer reads
    trending_sounds(rows, tags=["fyp", "dance"], limit=10)     # → [TrendingSound, …]
    trending_sounds(rows, tags=["fyp"], sort="rising", history=trend_lake.catalog.post_history(lake))

A post's score is seed 001's ``view_count + 2·like_count + 3·comment_count + 4·repost_count``
(``sounds.score``; a missing or negative count is 0); a sound's score is the sum over the posts carrying
any of the tags (each post once, however many of the tags it carries). A sound is its
``music_id``: two "original sound"s of two creators are two sounds; a post with no
``music_id`` is left out. Everything is array arithmetic over an index of the table built on
its first call (``sounds._post_index``; numpy, pyarrow.compute): no Python loop runs over
posts, only over the ``limit`` sounds returned. This module ranks; the index module indexes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from licences import kind_of_posts, licence
from search_input import InputError, parse_tags

from ._post_index import PostIndex, post_index
from ._types import CatalogError, SoundsError
from .score import SCORE_WEIGHTS

if TYPE_CHECKING:  # the type only: the lake (DuckDB) is not loaded to rank sounds
    from trend_lake import Window

SORTS = ("score", "rising")
MAX_LIMIT = 100
MAX_TOP_POSTS = 10
#: The columns read from the ``posts`` rows and from the ``history`` rows.
POST_COLUMNS = ("id", "hashtags", "music_id", *SCORE_WEIGHTS, "track", "artist", "music_original", "music_url",
                "webpage_url", "profile")
HISTORY_COLUMNS = ("id", "hashtags", "music_id", *SCORE_WEIGHTS, "processed_at")
_DAY_S = 86_400.0


class TopPost(NamedTuple):
    """One of a sound's highest-scored posts carrying the tags."""

    post_id: str
    url: str | None
    score: int


@dataclass(frozen=True)
class TrendingSound:
    """A sound and what the posts carrying the tags did with it.

    ``score``: the sum of those posts' seed-001 scores; ``posts``: how many; ``top_posts``: the
    highest-scored of them first (ties by post id); ``title``/``author``/``original``/
    ``play_url``: the track as its highest-scored post names it; ``demo``: some of the posts
    counted are in the ``demo`` profile (demo data, not a crawl).

    With ``history`` (see ``trending_sounds``): ``posts_per_day`` and ``engagement_per_day``, the
    growth in posts and in score per day between the sound's two latest snapshots (None when it
    cannot be measured), and ``is_new``.

    ``licence``: ``licences.licence`` of the kind the counted posts give (``kind_of_posts``: demo
    when any is demo, else commercial when any export flags the sound not original, else original
    when any flags it original, else unknown).
    """

    sound_id: str
    title: str | None
    author: str | None
    original: bool | None
    score: int
    posts: int
    top_posts: tuple[TopPost, ...]
    play_url: str | None
    demo: bool
    posts_per_day: float | None = None
    engagement_per_day: float | None = None
    is_new: bool = False
    licence: dict[str, str] = field(default_factory=lambda: licence("unknown"))


def trending_sounds(posts: pa.Table, *, tags: Sequence[str], limit: int = 10, sort: str = "score",
                    history: pa.Table | None = None, top_posts: int = 3,
                    window: "Window | None" = None) -> list[TrendingSound]:
    """The ``limit`` sounds of the ``posts`` carrying any of ``tags``, best first.

    ``posts``: the catalog, one row per post (the lake's ``metadata`` columns ``POST_COLUMNS``);
    ``tags``: 1–5 hashtags as the studio takes them (``#FYP``, ``fyp`` and full-width ``ｆｙｐ``
    are one tag); ``limit``: 1–100; ``top_posts``: 0–10 posts listed per sound.

    ``sort="score"``: by score, then by sound id. ``sort="rising"`` needs ``history``: every
    import's rows (``HISTORY_COLUMNS``, one row per (import, post); each import, named by its
    ``processed_at`` stamp, is a dated snapshot). Only the posts carrying the tags count, and the
    *tag snapshots* are the imports holding any of them. A sound's engagement at a snapshot is
    the sum over its posts of each post's latest counts up to that snapshot (a post not crawled
    again keeps its counts: a partial crawl is no decline); its growth is the change between
    the two latest snapshots holding it, per day between their stamps. A sound held by one
    snapshot only grows from nothing since the tag snapshot before it. ``is_new``: its first
    snapshot is the latest tag snapshot and an earlier one exists — a creator reads it as "not
    in the last crawl of these hashtags, in this one"; with a single crawl nothing is new and no
    growth can be measured (None). Rising ranks by ``engagement_per_day`` (unmeasured last),
    then score, then sound id.

    ``window`` (a resolved ``trend_lake.Window``): only the posts created in it count (the
    ``timestamp`` column, TikTok's createTime), for the score, the posts and the top posts alike.
    With a window that has a start, growth is measured between windows instead of imports
    (``history`` is not read): ``engagement_per_day`` and ``posts_per_day`` are the change from the
    window of the same length just before it, per day of the window's length; ``is_new``: no post
    of the sound carrying the tags in that previous window, while some post carrying them is.
    ``sort="rising"`` then needs no history, but it needs the window's start.

    An unknown hashtag gives an empty list. ``SoundsError`` names a bad argument; ``CatalogError``
    rows without the needed columns.
    """
    wanted = _tags(tags)
    limit = _whole("limit", limit, 1, MAX_LIMIT)
    top_posts = _whole("top_posts", top_posts, 0, MAX_TOP_POSTS)
    if sort not in SORTS:
        raise SoundsError("sort", f"one of {', '.join(SORTS)}, not {sort!r}")
    _check(posts, "posts", POST_COLUMNS + (("timestamp",) if window is not None else ()))
    if window is not None:
        if not callable(getattr(window, "mask", None)):
            raise SoundsError("window", f"a trend_lake.Window, not {type(window).__name__}")
        if sort == "rising" and window.since_s is None:
            raise SoundsError("since", "rising compares the window with the one before it of the same length: "
                                       "give since as well as until")
        history = None  # growth between windows, not imports
    elif history is not None:
        _check(history, "history", HISTORY_COLUMNS)
    elif sort == "rising":
        raise SoundsError("history", "sort='rising' needs the history of the imports (every partition's rows)")

    index = post_index(posts, history=False)
    carrying = index.carrying(wanted)
    matched = np.flatnonzero(carrying & window.mask(posts.column("timestamp")) if window is not None else carrying)
    if len(matched) == 0:
        return []
    codes, scores = index.sound[matched], index.score[matched]
    sounds = index.sounds
    totals = np.zeros(len(sounds), np.int64)
    np.add.at(totals, codes, scores)
    counts = np.bincount(codes, minlength=len(sounds))

    growth = (_window_growth(index, carrying, posts, window, totals, counts)
              if window is not None and window.since_s is not None
              else _growth(post_index(history, history=True), wanted, sounds) if history is not None else None)
    present = np.flatnonzero(counts)  # the index knows every sound of the table; these are the tags'
    primary = np.nan_to_num(growth[1], nan=-np.inf)[present] if sort == "rising" else totals[present]
    chosen = present[_top(primary, totals[present], sounds.take(present), limit)]

    # The chosen sounds' posts, grouped in ranking order (a radix sort: fewer than 128 groups),
    # then per group only the best few sorted, by score then post id.
    position = np.full(len(sounds), -1, np.int8)
    position[chosen] = np.arange(len(chosen))
    picked = position[codes] >= 0
    rows, scores = matched[picked], scores[picked]
    order = np.argsort(position[codes[picked]], kind="stable")
    rows, scores = rows[order], scores[order]
    bounds = np.append(np.searchsorted(position[codes[picked]][order], np.arange(len(chosen))), len(rows))
    # A licence is the sound's (index.sound_flags, over every post of it), not only the picked posts'.
    flags = index.sound_flags
    demo, kinds, listed = [], [], []
    for n, (start, end) in enumerate(zip(bounds[:-1], bounds[1:])):
        sound = chosen[n]
        demo.append(bool(index.demo[rows[start:end]].any()))
        kinds.append(kind_of_posts(demo=bool(flags["demo"][sound]), original=bool(flags["original"][sound]),
                                   commercial=bool(flags["commercial"][sound])))
        listed.append(start + _best(scores[start:end], posts, rows[start:end], max(top_posts, 1)))
    shown = [len(best) for best in listed]  # one at least: it names the track
    listed = np.concatenate(listed)
    details = _take(posts.select(["id", "webpage_url", "track", "artist", "music_original", "music_url"]),
                    rows[listed]).to_pydict()

    result, at = [], 0
    for n, sound in enumerate(chosen):
        first = at
        at += shown[n]
        best = [TopPost(details["id"][i], details["webpage_url"][i], int(scores[listed[i]]))
                for i in range(first, first + min(shown[n], top_posts))]
        result.append(TrendingSound(
            sound_id=sounds[sound].as_py(), title=details["track"][first], author=details["artist"][first],
            original=details["music_original"][first], score=int(totals[sound]), posts=int(counts[sound]),
            top_posts=tuple(best), play_url=details["music_url"][first], demo=demo[n],
            posts_per_day=_float(growth[0][sound]) if growth else None,
            engagement_per_day=_float(growth[1][sound]) if growth else None,
            is_new=bool(growth[2][sound]) if growth else False, licence=licence(kinds[n])))
    return result


def _growth(index: PostIndex, wanted: list[str], sounds: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per sound of ``sounds``: posts per day, engagement per day (NaN: unmeasured), is new."""
    n = len(sounds)
    # The history's rows carrying the tags, ordered by post then import (the order is the index's).
    rows = index.order[index.carrying(wanted)[index.order]]
    if len(rows) == 0:
        return np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, bool)
    # The tag snapshots: the imports holding any of these rows, ranked 0, 1, … by time.
    taken = np.zeros(len(index.seconds), bool)
    taken[index.snap[rows]] = True
    rank = np.cumsum(taken) - 1
    seconds = index.seconds[taken]
    snapshots = len(seconds)
    to_posts = pc.fill_null(pc.index_in(index.sounds, value_set=sounds), -1).to_numpy()
    post, snap = index.post[rows], rank[index.snap[rows]]
    sound, score = np.append(to_posts, -1)[index.sound[rows]], index.score[rows]  # -1 stays -1

    # Each row adds its post's counts to its sound at its snapshot and takes back what the
    # post's previous row (the one before it in time) had added, to that row's sound.
    again = np.flatnonzero(post[1:] == post[:-1]) + 1
    ev_sound = np.concatenate([sound, sound[again - 1]])
    ev_snap = np.concatenate([snap, snap[again]])
    ev_score = np.concatenate([score, -score[again - 1]])
    ev_posts = np.concatenate([np.ones(len(sound), np.int64), -np.ones(len(again), np.int64)])

    # The snapshots holding each sound: the latest (t1) and the one before it (t0), or, for a
    # sound held once, the tag snapshot before that one (-1: none). Sorted distinct keys through
    # a bitmap when it is small (no sort), else np.unique.
    keys = sound[sound >= 0] * snapshots + snap[sound >= 0]
    if n * snapshots <= 1 << 25:
        present = np.zeros(n * snapshots, bool)
        present[keys] = True
        held = np.flatnonzero(present)
    else:
        held = np.unique(keys)
    held_sound, held_snap = held // snapshots, held % snapshots
    last = np.flatnonzero(np.append(held_sound[1:] != held_sound[:-1], True))
    first = np.flatnonzero(np.insert(held_sound[1:] != held_sound[:-1], 0, True))
    t1 = np.full(n, -1, np.int64)
    t0 = np.full(n, -1, np.int64)
    t1[held_sound[last]] = held_snap[last]
    twice = (last > 0) & (held_sound[np.maximum(last - 1, 0)] == held_sound[last])
    t0[held_sound[last]] = np.where(twice, held_snap[np.maximum(last - 1, 0)], held_snap[last] - 1)
    is_new = np.zeros(n, bool)
    is_new[held_sound[first]] = (held_snap[first] == snapshots - 1) & (snapshots > 1)

    keep = ev_sound >= 0
    ev_sound, ev_snap, ev_score, ev_posts = ev_sound[keep], ev_snap[keep], ev_score[keep], ev_posts[keep]
    window = (t0[ev_sound] >= 0) & (ev_snap > t0[ev_sound]) & (ev_snap <= t1[ev_sound])
    grown_score = np.zeros(n, np.int64)
    grown_posts = np.zeros(n, np.int64)
    np.add.at(grown_score, ev_sound[window], ev_score[window])
    np.add.at(grown_posts, ev_sound[window], ev_posts[window])
    measured = t0 >= 0
    days = np.full(n, np.nan)
    days[measured] = (seconds[t1[measured]] - seconds[t0[measured]]) / _DAY_S
    return grown_posts / days, grown_score / days, is_new


def _window_growth(index: PostIndex, carrying: np.ndarray, posts: pa.Table, window: "Window", totals: np.ndarray,
                   counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As ``_growth``, between ``window`` and the one of the same length before it: the change in
    score and in posts (the posts carrying the tags, created in each), per day of its length."""
    before = np.flatnonzero(carrying & window.previous().mask(posts.column("timestamp")))
    n = len(index.sounds)
    then = np.zeros(n, np.int64)
    np.add.at(then, index.sound[before], index.score[before])
    then_posts = np.bincount(index.sound[before], minlength=n)
    days = window.length_s / _DAY_S
    return (counts - then_posts) / days, (totals - then) / days, (then_posts == 0) & (len(before) > 0)


def _best(scores: np.ndarray, posts: pa.Table, rows: np.ndarray, k: int) -> np.ndarray:
    """The places of the ``k`` highest ``scores``, ties by post id (the ``rows`` of ``posts``):
    a partition finds the cut, and only the posts at or over it are sorted."""
    if len(scores) > k:
        candidates = np.flatnonzero(scores >= np.partition(scores, len(scores) - k)[len(scores) - k])
    else:
        candidates = np.arange(len(scores))
    ids = _take(posts.select(["id"]), rows[candidates]).column(0)
    order = np.lexsort((_ranks(ids), -scores[candidates]))
    return candidates[order][:k]


def _take(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """``table.take(rows)`` for a few rows of a long chunked table, chunk by chunk: Arrow's take
    on chunked columns first concatenates each whole column (13 ms for a million posts)."""
    batches = table.to_batches()
    if len(batches) <= 1:
        return table.take(rows)
    starts = np.cumsum([0] + [batch.num_rows for batch in batches])
    chunk = np.searchsorted(starts, rows, side="right") - 1
    order = np.argsort(chunk, kind="stable")
    pieces = [batches[c].take(pa.array(rows[order][chunk[order] == c] - starts[c])) for c in np.unique(chunk)]
    taken = pa.Table.from_batches(pieces, schema=table.schema) if pieces else table.schema.empty_table()
    return taken.take(np.argsort(order))  # back to the order asked: a small table, one chunk per piece


def _top(primary: np.ndarray, score: np.ndarray, sounds: pa.Array, limit: int) -> np.ndarray:
    """The places of the ``limit`` best sounds: ``primary`` descending, then score descending,
    then sound id ascending. Only the sounds tied with the last place or above are sorted."""
    if len(primary) > limit:
        cut = np.partition(primary, len(primary) - limit)[len(primary) - limit]
        candidates = np.flatnonzero(primary >= cut)
    else:
        candidates = np.arange(len(primary))
    order = np.lexsort((_ranks(sounds.take(candidates)), -score[candidates], -primary[candidates]))
    return candidates[order][:limit]


def _ranks(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each string's place in sorted order (ties share none: a stable sort)."""
    ranks = np.empty(len(strings), np.int64)
    ranks[pc.sort_indices(strings).to_numpy()] = np.arange(len(strings))
    return ranks


def _tags(raw: Sequence[str]) -> list[str]:
    """The studio's tags (1–5, normalised as search_input does), case-folded as the lake stores them."""
    if raw is None or isinstance(raw, (bytes, bytearray)):
        raise SoundsError("tags", "give 1 to 5 hashtags, e.g. fyp dance")
    try:
        return [tag.casefold() for tag in parse_tags(list(raw) if not isinstance(raw, str) else raw)]
    except InputError as exc:
        raise SoundsError("tags", exc.text) from None
    except TypeError:
        raise SoundsError("tags", f"a list of hashtags, not {type(raw).__name__}") from None


def _whole(field: str, raw: int, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, np.integer)):
        raise SoundsError(field, f"a whole number from {low} to {high}, not {raw!r}")
    if not low <= raw <= high:
        raise SoundsError(field, f"from {low} to {high}, got {raw}")
    return int(raw)


def _check(table: pa.Table, field: str, columns: Sequence[str]) -> None:
    if not isinstance(table, pa.Table):
        raise CatalogError(field, f"a pyarrow Table of catalog rows, not {type(table).__name__}")
    missing = [name for name in columns if name not in table.column_names]
    if missing:
        raise CatalogError(field, f"the rows lack the column(s) {', '.join(missing)}")
    for name in ("hashtags", "id", "music_id", "processed_at")[:4 if "processed_at" in columns else 3]:
        kind = table.schema.field(name).type
        if not (pa.types.is_list(kind) and pa.types.is_string(kind.value_type) if name == "hashtags"
                else pa.types.is_string(kind)):
            raise CatalogError(field, f"{name} must be {'lists of ' * (name == 'hashtags')}strings, not {kind}")


def _float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
