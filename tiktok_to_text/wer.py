"""Word error rate as the speech field scores it: Whisper's English text normaliser, then jiwer."""
from __future__ import annotations

from ._errors import TranscriptionError

_normaliser = None


def normalise(text: str) -> str:
    """``text`` as Whisper's English normaliser writes it, spoken runs of digits joined."""
    global _normaliser
    if _normaliser is None:
        from whisper_normalizer.english import EnglishTextNormalizer

        _normaliser = EnglishTextNormalizer()
    text = _normaliser(text)
    # The normaliser joins a spoken run of digits ("one two three" -> "123") but leaves a
    # written one apart ("1, 2, 3" -> "one 2 3": a lone "one" stays, as the pronoun);
    # joining runs of single digits that hold a digit makes both read "123".
    words, run = [], []
    for word in [w for w in text.split() if any(c.isalnum() for c in w)] + [""]:
        if word == "one" or (len(word) == 1 and word.isdigit()):
            run.append(word)
            continue
        if len(run) > 1 and any(w.isdigit() for w in run):
            words.append("".join("1" if w == "one" else w for w in run))
        else:
            words.extend(run)
        run = []
        if word:
            words.append(word)
    return " ".join(words)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance between the texts divided by the number of reference words.

    Both texts go through Whisper's English normaliser first (case, punctuation,
    spelling variants, numbers: "1, 2, 3" and "one two three" count as the same).
    0.0 is a perfect match; the value can exceed 1.0 when the hypothesis adds many
    words. A reference with no words has no defined rate and raises ``TranscriptionError``.
    """
    if not isinstance(reference, str) or not isinstance(hypothesis, str):
        raise TranscriptionError("reference", "reference and hypothesis must both be str")
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref.split():
        raise TranscriptionError("reference", "reference has no words: the word error rate is undefined")
    if not hyp.split():
        return 1.0
    import jiwer

    return float(jiwer.wer(ref, hyp))
