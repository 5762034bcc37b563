"""Choices among scores that never fall to rounding noise.

Two scores that are equal by construction (two tags and their mean, a symmetric LexRank
graph) come out of float arithmetic a few ulps apart, differently on another CPU or BLAS.
Scores within ``TIE`` of the best are treated as equal and the earlier index wins, so the
input order (reading order, the creator's tag order, the order of ``MOODS``) decides.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

TIE = 1e-6   # cosines and LexRank scores that differ by less are the same (float32 noise is ~1e-7)


def argmax_first(scores: Sequence[float] | np.ndarray, *, tie: float = TIE) -> int:
    """The first index whose score is within ``tie`` of the maximum."""
    values = np.asarray(scores, dtype=np.float64)
    return int(np.flatnonzero(values >= values.max() - tie)[0])


def ranked(scores: Sequence[float] | np.ndarray, *, tie: float = TIE) -> list[int]:
    """Indices from the best score down; a run of scores within ``tie`` of the run's best
    is in index order."""
    values = np.asarray(scores, dtype=np.float64)
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    out: list[int] = []
    start = 0
    while start < len(order):
        best = values[order[start]]
        end = start + 1
        while end < len(order) and values[order[end]] >= best - tie:
            end += 1
        out.extend(sorted(order[start:end]))
        start = end
    return out
