"""Which caption lines the speaker also says."""
from tiktok_to_text import Caption
from tiktok_to_text.spoken import mark_spoken


def test_karaoke_lines_are_spoken_and_on_screen_only_text_is_not():
    transcript = "Imagine banking an extra ten k a month just by leveraging AI. Sounds like a dream, right?"
    captions = [Caption("IMAGINE BANKING AN EXTRA", 0.0), Caption("LEVERAGlNG AI", 2.0),  # OCR misread l for I
                Caption("Step 1: open the app", 4.0), Caption("$49 / month", 5.0)]
    marked = mark_spoken(captions, transcript)
    assert [c.spoken for c in marked] == [True, True, False, False]
    assert [(c.text, c.start_s) for c in marked] == [(c.text, c.start_s) for c in captions]


def test_nothing_is_spoken_without_a_transcript():
    assert mark_spoken([Caption("HELLO THERE", 1.0)], "") == [Caption("HELLO THERE", 1.0, spoken=False)]
    assert mark_spoken([], "words") == []


def test_run_together_and_spelled_out_captions_still_match_the_speech():
    transcript = "And Mr. John Dashwood had then leisure to consider. Selfish is to be ill-disposed."
    captions = [Caption("AND MISTER", 0.0), Caption("IS TOBE", 3.0), Caption("DASHWOOD HAD", 1.0),
                Caption("NEVER", 2.0), Caption("3 CLASSICS TO READ", 0.0)]
    assert [c.spoken for c in mark_spoken(captions, transcript)] == [True, True, True, False, False]


def test_a_short_caption_must_be_whole_words_of_the_speech():
    said = "this is a lemon, and this sale ends friday"
    captions = [Caption("SALE", 1.0), Caption("LEMON", 2.0), Caption("SALEMO", 3.0)]
    # "sale" and "salemo" stand in the letters of "is a lemon", but across words: no match.
    assert [c.spoken for c in mark_spoken(captions, "this is a lemon")] == [False, True, False]
    assert [c.spoken for c in mark_spoken(captions, said)] == [True, True, False]
