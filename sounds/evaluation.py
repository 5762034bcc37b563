"""The leave-one-out measure of sound suggestions (the issue's evaluation): hide each post,
suggest from its caption and hashtags only, and see where the sound it used lands — for the
shipped weights and any other ranking (``POPULARITY_ONLY`` is the baseline).

    measured = leave_one_out(posts=catalog, embed=embed)          # {"suggestions": …, "popularity": …}
    measured["suggestions"].recall(findable=True), .hit1(findable=True)

``bench/eval_suggest.py`` prints the table; the test holds the suggestions above popularity.
"""
from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .suggest import _CACHE_SIZE, POPULARITY_ONLY, WEIGHTS, Embed, _embed_key, post_text, suggest_sounds

@dataclass(frozen=True)
class LeaveOneOut:
    """Leave-one-out figures of one ranking: per measured post, whether its sound was findable
    and where the ranking put it. Each post has one true sound, so Recall@k is the share of posts
    whose sound is among the top k (Hit@k). A post is findable when another post uses its sound:
    a sound used once leaves the catalog with its post, so no ranking can find it."""

    k: int
    outcomes: tuple[tuple[str, bool, int | None], ...]   # (post id, findable, 1-based rank or None)

    @property
    def posts(self) -> int:
        return len(self.outcomes)

    @property
    def findable(self) -> int:
        return sum(f for _, f, _ in self.outcomes)

    def _share(self, top: int, findable_only: bool) -> float:
        rows = [r for _, f, r in self.outcomes if f or not findable_only]
        return sum(r is not None and r <= top for r in rows) / len(rows) if rows else 0.0

    @property
    def recall_at_k(self) -> float:
        return self._share(self.k, False)

    @property
    def hit_at_1(self) -> float:
        return self._share(1, False)

    @property
    def findable_recall_at_k(self) -> float:
        return self._share(self.k, True)

    @property
    def findable_hit_at_1(self) -> float:
        return self._share(1, True)

    def only(self, post_ids: Iterable[str]) -> LeaveOneOut:
        """The same figures on some of the posts (a half, a category)."""
        wanted = {str(p) for p in post_ids}
        return LeaveOneOut(self.k, tuple(o for o in self.outcomes if o[0] in wanted))


class _Remembered:
    """``embed`` that computes each distinct text once: a held-out post's query is its own
    text, already embedded with the catalog."""

    def __init__(self, embed: Embed):
        self.embed, self.seen = embed, {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if new:
            self.seen.update(zip(new, np.asarray(self.embed(new), dtype=np.float32)))
        return np.stack([self.seen[t] for t in texts]) if texts else np.asarray(self.embed([]))


_REMEMBERED: OrderedDict[tuple, _Remembered] = OrderedDict()


def leave_one_out(*, posts: pa.Table, embed: Embed, methods: Mapping[str, Mapping[str, float]] | None = None,
                  k: int = 10, post_ids: Iterable[str] | None = None) -> dict[str, LeaveOneOut]:
    """For each post (of ``post_ids``, default all) that names a sound and says something: hide
    it, suggest ``k`` sounds from its caption and hashtags alone (no video), and note where its
    own sound ranks. ``methods``: name → weights (default the shipped ``WEIGHTS`` as "suggest"
    and ``POPULARITY_ONLY`` as "popularity"). Repeated calls with the same ``embed`` reuse its
    embeddings."""
    methods = dict(methods or {"suggest": WEIGHTS, "popularity": POPULARITY_ONLY})
    key = _embed_key(embed)
    if key not in _REMEMBERED:
        _REMEMBERED[key] = _Remembered(embed)
        while len(_REMEMBERED) > _CACHE_SIZE:
            _REMEMBERED.popitem(last=False)
    embed = _REMEMBERED[key]
    rows = [r for r in posts.select(["id", "title", "description", "hashtags", "music_id"]).to_pylist()
            if r["music_id"] and post_text(r)]
    if post_ids is not None:
        wanted = {str(p) for p in post_ids}
        rows = [r for r in rows if str(r["id"]) in wanted]
    users = Counter(str(r) for r in posts.column("music_id").to_pylist() if r)
    outcomes: dict[str, list] = {name: [] for name in methods}
    for row in rows:
        sound = str(row["music_id"])
        for name, weights in methods.items():
            if users[sound] < 2:  # hidden with its post, the sound is no candidate: a miss, not worth asking
                outcomes[name].append((str(row["id"]), False, None))
                continue
            ranked = [s.sound_id for s in suggest_sounds(text=post_text(row), video=None, posts=posts, embed=embed,
                                                         limit=k, exclude_post_ids=[row["id"]], weights=weights)]
            rank = ranked.index(sound) + 1 if sound in ranked else None
            outcomes[name].append((str(row["id"]), users[sound] > 1, rank))
    return {name: LeaveOneOut(k, tuple(found)) for name, found in outcomes.items()}
