from summariser import _text


def test_punctuated_text_splits_into_capitalised_sentences():
    text = "First boil the pasta. Then add the sauce! Is it good? yes\nnew line here"
    assert _text.split_sentences(text) == [
        "First boil the pasta.", "Then add the sauce!", "Is it good?", "Yes.", "New line here."]


def test_unpunctuated_run_is_cut_into_15_to_25_word_pieces():
    words = [f"w{i}" for i in range(203)]
    pieces = _text.split_sentences(" ".join(words))
    assert len(pieces) >= 8
    assert all(15 <= _text.word_count(p) <= 25 for p in pieces)
    assert " ".join(p.rstrip(".") for p in pieces).lower() == " ".join(words)


def test_pieces_prefer_to_start_at_a_spoken_boundary_word():
    run = ("fill a big pot with water and salt it well put the lid on and wait until the water is "
           "rolling hard then add the pasta stir it every minute or two for ten minutes taste one piece "
           "to check it is soft drain it well")
    assert _text.word_count(run) > 40
    pieces = _text.split_sentences(run)
    assert len(pieces) == 2
    assert pieces[0].endswith("rolling hard.")
    assert pieces[1].startswith("Then add the pasta")


def test_transcript_pronoun_i_is_restored():
    assert _text.split_sentences("today i think i'm ready") == ["Today I think I'm ready."]


def test_trim_keeps_whole_sentences_under_the_cap():
    sentence = "This sentence has exactly ten words in it, you see."
    text = " ".join([sentence] * 9)  # 90 words
    trimmed = _text.trim_to_words(text, 80)
    assert trimmed == " ".join([sentence] * 8)


def test_trim_cuts_one_overlong_sentence_at_a_word_with_an_ellipsis():
    text = " ".join(f"word{i}," for i in range(120)) + " end."
    trimmed = _text.trim_to_words(text, 80)
    assert _text.word_count(trimmed) == 80
    assert trimmed.endswith("word79…")


def test_tag_phrases_split_camel_case_and_separators():
    assert _text.tag_phrase("CookingHacks") == "cooking hacks"
    assert _text.tag_phrase("#skin_care") == "skin care"
    assert _text.tag_phrase("GRWMRoutine") == "grwm routine"
    assert _text.tag_phrase("#แหวนหางช้าง") == "แหวนหางช้าง"


def test_hashtags_keep_thai_marks_and_drop_trailing_punctuation():
    assert _text.hashtags("##แหวนหางช้าง wow #Oggy! #fyp,#cat") == ["แหวนหางช้าง", "Oggy", "fyp", "cat"]


def test_clean_text_drops_urls_mentions_and_emoji_but_keeps_thai():
    cleaned = _text.clean_text("ต้มยำกุ้ง 🍤🔥 by @chef.k https://x.y/z ok")
    assert cleaned.split() == ["ต้มยำกุ้ง", "by", "ok"]


def test_candidates_skip_stop_words_and_chance_phrases_from_speech():
    counts = _text.candidate_phrases(["then melt the butter in a pan add garlic", "melt the butter slowly"])
    assert counts["butter"] == 2
    assert "pan add" not in counts            # seen once: a chance neighbourhood
    assert "the" not in counts and "then" not in counts
    headline = _text.candidate_phrases(["Creamy garlic pasta"], min_phrase_count=1)
    assert headline["creamy garlic pasta"] == 1


def test_sentence_spans_give_the_words_each_sentence_came_from():
    text = "so I start here. then a long bit\nnext line"
    spans = _text.sentence_spans(text)
    words = text.split()
    assert [s for _, _, s in spans] == _text.split_sentences(text) == ["So I start here.", "Then a long bit.",
                                                                        "Next line."]
    assert [" ".join(words[a:b]) for a, b, _ in spans] == ["so I start here.", "then a long bit", "next line"]


def test_an_unpunctuated_run_is_cut_where_a_new_segment_starts():
    words = [f"w{i}" for i in range(60)]
    spans = _text.sentence_spans(" ".join(words), breaks=frozenset({22}))
    assert spans[0][:2] == (0, 22)
