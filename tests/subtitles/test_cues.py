"""make_cues: the caption rules (lines, widths, durations, sentences, no overlap) hold on any
word list, shown on hand-made ones and on many random ones from a fixed seed."""
from __future__ import annotations

import random

import pytest

from errors import StudioError
from subtitles import Cue, make_cues
from tiktok_to_text import Word

SENTENCE_ENDS = (".", "?", "!")
VOCABULARY = ["the", "a", "sound", "trending", "creator", "video", "I", "really", "can't", "believe",
              "extraordinarily", "it", "works", "so", "well", "today", "okay", "you", "know", "what",
              "supercalifragilisticexpialidocious-ish", "#fyp", "&", "<3", "don't"]


def words_of(spec: list[tuple[str, float, float]]) -> list[Word]:
    return [Word(text, start, end) for text, start, end in spec]


def spoken(text: str, *, start: float = 0.0, step: float = 0.3, length: float = 0.25) -> list[Word]:
    return [Word(" " + token, start + i * step, start + i * step + length) for i, token in enumerate(text.split())]


def random_words(rng: random.Random) -> list[Word]:
    """Whisper-like words: leading spaces, sentence marks now and then, gaps from none to seconds,
    the odd zero-length or overlapping word, and now and then one wider than a line."""
    words, t = [], rng.uniform(0, 2)
    for _ in range(rng.randint(0, 60)):
        text = rng.choice(VOCABULARY)
        if rng.random() < 0.15:
            text += rng.choice(SENTENCE_ENDS)
        length = rng.choice([0.0, rng.uniform(0.05, 0.6), rng.uniform(0.6, 5.0)]) if rng.random() < 0.2 \
            else rng.uniform(0.1, 0.5)
        words.append(Word(" " + text, t, t + length))
        t += max(0.0, length + rng.choice([0.0, rng.uniform(-0.1, 0.1), rng.uniform(0, 0.3), rng.uniform(0.5, 3)]))
    return words


def check_rules(words: list[Word], cues: list[Cue], *, max_lines=2, max_chars=32, min_s=0.8, max_s=4.0):
    # Every word shown once, in order; a blank one nowhere.
    assert [w for cue in cues for w in cue.words] == [w for w in words if w.text.strip()]
    for i, cue in enumerate(cues):
        following = cues[i + 1] if i + 1 < len(cues) else None
        assert 1 <= len(cue.lines) <= max_lines and all(cue.lines)
        for line in cue.lines:
            width = len(" ".join(w.text.strip() for w in line))
            assert width <= max_chars or len(line) == 1, (cue.text, width)
        # Only a cue's last word may end a sentence.
        assert not any(w.text.strip().endswith(SENTENCE_ENDS) for w in cue.words[:-1]), cue.text
        previous = cues[i - 1] if i else None
        # At its first word's start, or (words at one instant) a moment after the cue before it.
        assert cue.start_s == cue.words[0].start_s or (
            previous is not None and cue.start_s == round(previous.start_s + 0.01, 3)
            and cue.words[0].start_s < cue.start_s), (cue.start_s, cue.words[0].start_s)
        assert cue.start_s < cue.end_s <= cue.start_s + max_s + 1e-9
        ends = max(w.end_s for w in cue.words)
        if following is not None:
            assert cue.end_s <= following.start_s
        # Stretched only into silence: past its last word only when it was short, and then
        # to min_s or to the next cue's start (the very float, so no tie is compared).
        if cue.end_s > ends:
            assert cue.end_s == pytest.approx(cue.start_s + min_s) or (following and cue.end_s == following.start_s)
        if cue.end_s - cue.start_s < min_s - 1e-9:
            assert following is not None and cue.end_s == following.start_s
        # Greedy: the next cue's first word did not fit here, or a sentence ended here.
        if following is not None and not cue.words[-1].text.strip().endswith(SENTENCE_ENDS):
            first = following.words[0]
            wider = len(" ".join(w.text.strip() for w in (*cue.lines[-1], first))) > max_chars
            longer = first.end_s - cue.start_s > max_s
            assert longer or (wider and len(cue.lines) == max_lines), (cue.text, first)


def test_two_lines_of_at_most_32_characters_then_a_new_cue():
    words = spoken("one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
    cues = make_cues(words)
    check_rules(words, cues)
    assert [cue.text for cue in cues] == ["one two three four five six\nseven eight nine ten eleven",
                                         "twelve thirteen fourteen"]


def test_a_sentence_end_closes_the_cue():
    words = spoken("Hi there. Is it on? Yes! Good")
    cues = make_cues(words)
    assert [cue.text for cue in cues] == ["Hi there.", "Is it on?", "Yes!", "Good"]
    # A mark inside closing quotes ends the sentence too.
    assert [c.text for c in make_cues(spoken('He said "no." Then left'))] == ['He said "no."', "Then left"]


def test_a_cue_lasts_at_most_max_s():
    # Slow speech: one word a second, so four seconds hold at most four words.
    words = spoken("w1 w2 w3 w4 w5 w6 w7 w8 w9", step=1.0, length=0.5)
    cues = make_cues(words)
    check_rules(words, cues)
    assert all(cue.end_s - cue.start_s <= 4.0 for cue in cues) and len(cues) == 3
    # One word held longer than max_s (Whisper sometimes stretches one over a pause) is cut at it.
    assert make_cues(words_of([(" Sooo", 1.0, 9.0)])) == [Cue(1.0, 5.0, ((Word(" Sooo", 1.0, 9.0),),))]


def test_a_short_cue_is_held_into_silence_but_never_over_the_next():
    alone = make_cues(words_of([(" Hey.", 2.0, 2.2), (" You", 5.0, 5.3)]))
    assert alone[0].end_s == pytest.approx(2.8) and alone[1].end_s == pytest.approx(5.8)
    crowded = make_cues(words_of([(" Hey.", 2.0, 2.2), (" You.", 2.5, 2.7)]))
    assert crowded[0].end_s == crowded[1].start_s == 2.5
    # Words that overlap across a sentence end: the first cue ends where the next begins.
    overlap = make_cues(words_of([(" Yes.", 1.0, 1.6), (" No", 1.4, 2.0)]))
    assert overlap[0].end_s == 1.4 and overlap[0].end_s <= overlap[1].start_s


def test_words_at_one_instant_still_get_cues_that_end_after_they_start():
    # Whisper gives zero-length words, and pins words past a clip's end to its length.
    cues = make_cues(words_of([(" Hi.", 1.0, 1.0), (" Bye.", 1.0, 1.0), (" Now", 1.0, 1.0)]))
    assert [c.text for c in cues] == ["Hi.", "Bye.", "Now"]
    assert [(c.start_s, c.end_s) for c in cues] == [(1.0, 1.01), (1.01, 1.02), (1.02, pytest.approx(1.82))]
    from subtitles import to_vtt
    assert "00:00:01.000 --> 00:00:01.010" in to_vtt(cues)


def test_a_word_wider_than_a_line_gets_a_line_of_its_own():
    long = "x" * 40
    words = spoken(f"a {long} b")
    cues = make_cues(words)
    check_rules(words, cues)
    assert [cue.text for cue in cues] == [f"a\n{long}", "b"]
    assert make_cues(spoken(long))[0].text == long


def test_whisper_spacing_and_blank_words():
    words = words_of([(" hello ", 0.0, 0.4), ("  ", 0.4, 0.5), ("big\tworld", 0.5, 0.9)])
    assert [cue.text for cue in make_cues(words)] == ["hello big world"]
    assert make_cues([]) == [] and make_cues(words_of([(" ", 0.0, 1.0)])) == []


def test_other_limits_are_kept_too():
    words = spoken("a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii. jj kk")
    for max_lines, max_chars in [(1, 10), (3, 12), (1, 1)]:
        cues = make_cues(words, max_lines=max_lines, max_chars=max_chars, min_s=0.5, max_s=2.0)
        check_rules(words, cues, max_lines=max_lines, max_chars=max_chars, min_s=0.5, max_s=2.0)


def test_the_rules_hold_on_many_random_word_lists():
    rng = random.Random(21)
    seen_long = seen_stretched = seen_split = 0
    for _ in range(600):
        words = random_words(rng)
        limits = rng.choice([{}, {"max_lines": 1, "max_chars": 20}, {"max_lines": 3, "min_s": 1.5, "max_s": 2.5}])
        cues = make_cues(words, **limits)
        check_rules(words, cues, **limits)
        seen_long += any(len(line) == 1 and len(line[0].text.strip()) > limits.get("max_chars", 32)
                         for cue in cues for line in cue.lines)
        seen_stretched += any(cue.end_s > max(w.end_s for w in cue.words) for cue in cues)
        seen_split += any(len(cue.lines) > 1 for cue in cues)
    # The random lists reach the rules' corners, so the checks above were put to work.
    assert seen_long and seen_stretched and seen_split


def test_a_cue_is_frozen_and_says_its_words():
    cue = make_cues(spoken("one two"))[0]
    assert cue.words == tuple(spoken("one two")) and cue.text == "one two"
    with pytest.raises(AttributeError):
        cue.start_s = 3.0


@pytest.mark.parametrize("words, limits, field", [
    ("hello", {}, "words"),
    (None, {}, "words"),
    ([("hi", 0.0, 1.0)], {}, "words"),
    ([Word(" hi", 1.0, 0.5)], {}, "words"),
    ([Word(" hi", -1.0, 0.5)], {}, "words"),
    ([Word(" hi", float("nan"), 0.5)], {}, "words"),
    ([Word(" hi", 0.0, "1")], {}, "words"),
    ([Word(3, 0.0, 1.0)], {}, "words"),
    ([Word(" b", 2.0, 2.5), Word(" a", 1.0, 1.5)], {}, "words"),
    ([], {"max_lines": 0}, "max_lines"),
    ([], {"max_lines": 1.5}, "max_lines"),
    ([], {"max_lines": True}, "max_lines"),
    ([], {"max_chars": 0}, "max_chars"),
    ([], {"min_s": -0.1}, "min_s"),
    ([], {"min_s": 5.0}, "min_s"),
    ([], {"max_s": 0}, "max_s"),
    ([], {"max_s": float("inf")}, "max_s"),
])
def test_bad_input_names_its_field(words, limits, field):
    with pytest.raises(StudioError) as caught:
        make_cues(words, **limits)
    assert caught.value.field == field and str(caught.value).startswith(field)
