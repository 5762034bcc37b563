import pytest

from tiktok_to_text import TranscriptionError, word_error_rate


def test_identical_texts_ignore_case_and_punctuation():
    assert word_error_rate("One, two -- three!", "one two three") == 0.0


def test_numbers_and_spellings_count_as_the_same_words():
    # Whisper writes digits where the reference spells them out, and British spellings.
    assert word_error_rate("one two three", "1, 2, 3") == 0.0
    assert word_error_rate("I earn ten thousand dollars a month", "I earn $10,000 a month") == 0.0
    assert word_error_rate("my favourite colour", "my favorite color") == 0.0
    # A lone "one" is a pronoun, not a digit: it is not merged with its neighbours.
    assert word_error_rate("one of them has one dog", "one of them has one dog") == 0.0


def test_counts_substitution_deletion_insertion():
    assert word_error_rate("red green blue gold", "red grin blue") == pytest.approx(2 / 4)
    assert word_error_rate("a cat", "a cat sat down") == pytest.approx(1.0)
    assert word_error_rate("the cat sat", "") == 1.0


def test_empty_reference_is_an_error():
    with pytest.raises(TranscriptionError, match="reference"):
        word_error_rate("  ...", "anything")
    with pytest.raises(TranscriptionError, match="str"):
        word_error_rate("words", None)
