"""Seed 001's engagement score, defined once: ``playCount + 2·diggCount + 3·commentCount +
4·shareCount`` per post, summed per sound. The weights below are the only statement of it; the
Python (``post_scores``, ``sound_scores``) and the SQL (``post_score_sql``, ``sound_scores_sql``,
what the lake page's chart runs) are both generated from them, so they cannot drift apart.

The rules both sides follow:

* a missing count is 0, and so is a negative one (no real count is; a broken export's -1 must
  not take engagement away from a sound);
* a sound is its ``music_id``; a post with no ``music_id`` (null or ``""``) belongs to no sound;
* a sound's score is the sum of its posts' scores, each post counted once (the lake's
  ``metadata`` view and ``trend_lake.catalog.posts`` both hold the latest row per post).

Public (not ``_types``) because the web layer builds its chart from it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyarrow and numpy load when a score is computed, not when a weight is read
    import numpy as np
    import pyarrow as pa

#: The weight of each count, in the lake's metadata column names (TikTok's playCount,
#: diggCount, commentCount, shareCount).
SCORE_WEIGHTS: dict[str, int] = {"view_count": 1, "like_count": 2, "comment_count": 3, "repost_count": 4}
#: The column a post's sound is named by.
SOUND_COLUMN = "music_id"


def post_scores(table: "pa.Table") -> "np.ndarray":
    """Seed 001's score per row of ``table`` (int64), which holds the ``SCORE_WEIGHTS`` columns."""
    import numpy as np
    import pyarrow.compute as pc

    total = np.zeros(table.num_rows, np.int64)
    for name, weight in SCORE_WEIGHTS.items():  # not in place: a float count column makes the total float
        total = total + weight * np.maximum(pc.fill_null(table.column(name), 0).to_numpy(), 0)
    return total


def has_sound(table: "pa.Table") -> "np.ndarray":
    """Which rows of ``table`` belong to a sound (bool per row): a ``music_id`` neither null nor ``""``."""
    import pyarrow.compute as pc

    named = pc.and_(pc.is_valid(table.column(SOUND_COLUMN)), pc.not_equal(table.column(SOUND_COLUMN), ""))
    return pc.fill_null(named, False).to_numpy(zero_copy_only=False)


def sound_scores(table: "pa.Table") -> dict[str, int]:
    """Each sound's score (``music_id`` → the sum of its posts' scores) over the posts in ``table``."""
    import numpy as np

    keep = has_sound(table)
    sounds = np.asarray(table.column(SOUND_COLUMN).to_pylist(), dtype=object)[keep]
    scores = post_scores(table)[keep]
    names, codes = np.unique(sounds.astype(str), return_inverse=True)
    sums = np.bincount(codes, weights=scores, minlength=len(names)) if len(names) else np.zeros(0)
    return {str(name): int(round(total)) for name, total in zip(names, sums)}


def post_score_sql(alias: str = "") -> str:
    """The per-post score as one SQL expression (DuckDB); ``alias`` qualifies the columns (``"m"`` → ``m.view_count``)."""
    prefix = f"{alias}." if alias else ""
    return "(" + " + ".join(f"{weight} * greatest(coalesce({prefix}{name}, 0), 0)"
                            for name, weight in SCORE_WEIGHTS.items()) + ")"


def sound_filter_sql(alias: str = "") -> str:
    """The SQL condition a row must meet to belong to a sound (the same rule as ``has_sound``)."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}{SOUND_COLUMN} IS NOT NULL AND {prefix}{SOUND_COLUMN} <> ''"


def sound_scores_sql(source: str = "metadata") -> str:
    """A query giving ``(sound_id, score, posts)`` per sound over the rows of ``source``, grouped
    as ``sound_scores`` groups them."""
    return (f"SELECT {SOUND_COLUMN} AS sound_id, sum({post_score_sql()}) AS score, count(*) AS posts "
            f"FROM {source} WHERE {sound_filter_sql()} GROUP BY {SOUND_COLUMN}")
