"""Word error rate, the measure every transcriber in this package is judged by."""
from __future__ import annotations

import re

from ._errors import TranscriptionError

_NOT_WORD = re.compile(r"[^\w\s']+")


def _words(text: str) -> list[str]:
    # Apostrophes are dropped rather than split on, so "don't" and "dont" agree.
    return _NOT_WORD.sub(" ", text.lower()).replace("'", "").split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance between the texts divided by the number of reference words.

    Both texts are lower-cased and punctuation is dropped first. 0.0 is a perfect
    match; the value can exceed 1.0 when the hypothesis adds many words. An empty
    reference has no defined rate and raises ``TranscriptionError``.
    """
    if not isinstance(reference, str) or not isinstance(hypothesis, str):
        raise TranscriptionError("reference and hypothesis must both be str")
    ref, hyp = _words(reference), _words(hypothesis)
    if not ref:
        raise TranscriptionError("reference has no words: the word error rate is undefined")
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, start=1):
            current[j] = min(
                previous[j] + 1,  # deletion
                current[j - 1] + 1,  # insertion
                previous[j - 1] + (ref_word != hyp_word),  # substitution or match
            )
        previous = current
    return previous[-1] / len(ref)
