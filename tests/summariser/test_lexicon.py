"""Word frequency and the line rules: what may stand in a summary, what is OCR noise."""
import pytest

from summariser import _lexicon


def test_everyday_words_are_less_specific_than_topic_words():
    s = _lexicon.specificity
    assert s("people") < s("community") < s("membership") < s("ai")
    assert s("later") < s("membership") and s("direction") < s("membership")
    assert s("chatgpt") == 1.0  # not in the list: a brand or coinage
    assert s("social media") == max(s("social"), s("media"))


@pytest.mark.parametrize("line", [
    "Op po unity ThePorwththerihtarkinhat sfwarerpdidyouguysseto.",  # run-together OCR
    "Joined Oct 16,2023.",                                           # profile chrome
    "800k+.", "12.3K followers on this account.", "16,2023 800k+ 2.1M.",
    "LINK IN BIO FOR THE MEMBERSHIP.",
    "Thsi wrk fdsa gfhj is here.",                                   # too many unknown words
])
def test_ocr_noise_and_chrome_are_garbled(line):
    assert _lexicon.is_garbled(line)
    assert not _lexicon.is_well_formed(line)


@pytest.mark.parametrize("line", [
    "I use AI to draft my posts and edit my videos.",
    "Finish with a hyaluronic acid serum and a thick moisturizer.",   # one unknown word is fine
    "สวัสดีค่ะ วันนี้เราจะมาทำต้มยำกุ้งกัน อร่อยมาก.",                      # not English: not judged by the list
    "Here's how I'd start, honestly.",
])
def test_ordinary_sentences_are_well_formed(line):
    assert not _lexicon.is_garbled(line)
    assert _lexicon.is_well_formed(line)


@pytest.mark.parametrize("line", [
    "I went from 200 followers to 10k followers in one month.",
    "My first video got 500 views and I almost gave up.",
])
def test_counts_said_or_written_by_the_creator_are_the_topic_not_chrome(line):
    assert not _lexicon.is_garbled(line, on_screen=False)
    assert _lexicon.is_well_formed(line, on_screen=False)
    assert _lexicon.is_garbled(line)  # the same words among on-screen text are a profile line


def test_profile_text_is_noise_even_read_as_speech():
    for line in ("Joined Oct 16,2023.", "Our page 800k+ strong."):
        assert _lexicon.is_garbled(line, on_screen=False), line


def test_shouted_short_and_unterminated_lines_are_not_summary_sentences():
    assert _lexicon.is_shouted("HERE'SY OUR INVITE.") and not _lexicon.is_well_formed("HERE'SY OUR INVITE.")
    assert not _lexicon.is_shouted("I use AI and GPT daily.")
    assert not _lexicon.is_well_formed("Creamy pasta.")          # two words
    assert not _lexicon.is_well_formed("Build the community first")  # no end punctuation


def test_words_split_by_ocr_are_found_but_acronyms_and_stop_words_are_not():
    assert _lexicon.has_split_word("Di nero.")            # "dinero"
    assert not _lexicon.has_split_word("Three AI tools that pay my rent.")
    assert not _lexicon.has_split_word("Link in the description.")
    assert not _lexicon.has_split_word("Cats vs dogs.")
