import pytest

from tiktok_to_text import TranscriptionError, word_error_rate


def test_identical_texts_ignore_case_and_punctuation():
    assert word_error_rate("One, two -- three!", "one two three") == 0.0


def test_counts_substitution_deletion_insertion():
    assert word_error_rate("one two three four", "one too three") == pytest.approx(2 / 4)
    assert word_error_rate("a b", "a b c d") == pytest.approx(1.0)
    assert word_error_rate("the cat sat", "") == 1.0


def test_empty_reference_is_an_error():
    with pytest.raises(TranscriptionError, match="reference"):
        word_error_rate("  ...", "anything")
