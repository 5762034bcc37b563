"""The offline summariser on the real packaged MiniLM model: invariants and content contracts."""
from __future__ import annotations

import csv
import json
import random
import re
import time

import pytest

from summariser import INSTRUMENTS, MOODS, Passage, Summary, SummaryError
from summariser._song import parse_song_description
from summariser._types import IDEA_KEYS

COOKING = [
    "so today i am going to show you how to make the creamiest garlic pasta you only need five "
    "ingredients first boil the pasta in salted water then melt butter in a pan add the garlic and "
    "cook it for one minute pour in the cream and parmesan cheese and stir until it gets thick toss "
    "the pasta in the sauce and top it with fresh basil and black pepper",
    "Creamy garlic pasta in 10 minutes! #pasta #CookingHacks",
    "Easy dinner recipe",
]
SKINCARE = [
    "this is my night time skincare routine for dry skin i start with a gentle cleanser then i use a "
    "hydrating toner and a few drops of hyaluronic acid serum after that i put on a thick moisturizer "
    "and finish with lip balm my skin has never looked this glowy",
    "Glass skin routine ✨ #skincare",
]
MEDITATION = ["close your eyes and take a slow deep breath in hold it for a moment and breathe out slowly "
              "let your shoulders relax feel the calm spreading through your body there is nowhere to be "
              "just rest here in this quiet peaceful moment"]
WORKOUT = ["come on push it push it ten more burpees go go go faster keep your heart rate up this is the "
           "hardest hiit workout you will ever do no breaks sprint sprint jump squats now give me everything"]

_WORD = re.compile(r"\w+")


def assert_complete(summary: Summary) -> None:
    """The contract every result keeps, whatever the input."""
    assert isinstance(summary, Summary)
    assert summary.summary.strip()
    assert len(summary.summary.split()) <= 80
    assert 3 <= len(summary.keywords) <= 10
    assert all(isinstance(k, str) and k.strip() for k in summary.keywords)
    assert len(set(summary.keywords)) == len(summary.keywords)
    assert set(summary.idea) == set(IDEA_KEYS)
    assert all(isinstance(v, str) and v.strip() for v in summary.idea.values())
    assert summary.mood in MOODS
    parsed = parse_song_description(summary.song_description)
    assert parsed is not None, summary.song_description
    assert parsed["mood"] == summary.mood
    assert set(parsed["instruments"]) <= set(INSTRUMENTS)
    assert summary.backend == "minilm"
    assert set(summary.to_dict()) == {"summary", "keywords", "idea", "song_description", "mood",
                                      "backend", "warnings", "evidence"}
    assert [e["text"] for e in summary.evidence["keywords"]] == summary.keywords
    assert " ".join(e["text"] for e in summary.evidence["summary"]) == summary.summary


@pytest.mark.parametrize("documents, tags", [
    ([], ["CookingHacks", "DanceChallenge"]),
    ([], []),
    (["", "  ", ""], []),
    (["pasta"], []),
    (["pasta"], ["pasta"]),
    (["🔥🔥🔥 😂😂"], ["fyp"]),
    (["สวัสดีค่ะ วันนี้เราจะมาทำต้มยำกุ้งกัน อร่อยมาก 🍤🔥"], []),
    (["صباح الخير على طريقة النتفه😂💔#يزن_الأسمر #النتفه"], []),
    (["#How #To #Make #Paper #Airplane #Fast"], []),
    (["!!! ??? ..."], ["#"]),
], ids=["tags-only", "nothing", "blank-documents", "one-word", "one-word-and-tag", "emoji", "thai",
        "arabic", "hashtags-only", "punctuation-only"])
def test_no_field_is_ever_empty(minilm, documents, tags):
    assert_complete(minilm(documents=documents, tags=tags))


def test_tags_only_keywords_come_from_the_split_tags(minilm):
    result = minilm(documents=[], tags=["CookingHacks", "#DanceChallenge"])
    assert result.keywords[:2] == ["cooking hacks", "dance challenge"]
    assert "cooking hacks" in result.summary


def test_no_text_at_all_is_generic_and_says_so(minilm):
    result = minilm(documents=[""], tags=[])
    assert any("no text" in w for w in result.warnings)


def test_a_5000_word_transcript_is_capped_and_sampled(minilm):
    rng = random.Random(3)
    vocab = ("pasta garlic butter cream cheese basil pepper salt water boil stir pan sauce dinner "
             "recipe easy quick kitchen chef taste").split()
    transcript = " ".join(rng.choice(vocab) for _ in range(5000))
    started = time.perf_counter()
    result = minilm(documents=[transcript], tags=["pasta"])
    elapsed = time.perf_counter() - started
    assert_complete(result)
    assert any("long input" in w for w in result.warnings)
    assert elapsed < 60


def test_the_80_word_cap_holds_over_many_random_inputs(minilm):
    rng = random.Random(11)
    vocab = ("the a cat dog runs jumps pasta skin glow gym dance song love night city rain coffee "
             "morning routine hack easy fast ✨ 🔥 ต้มยำ 123 #fyp @you").split()
    for _ in range(12):
        documents = []
        for _ in range(rng.randint(0, 3)):
            words = [rng.choice(vocab) for _ in range(rng.randint(0, 120))]
            for i in range(len(words)):
                if rng.random() < 0.08:
                    words[i] += rng.choice(".!?,")
            documents.append(" ".join(words))
        tags = [rng.choice(["CookingHacks", "fyp", "GlowUp", "gym", "ต้มยำ"]) for _ in range(rng.randint(0, 3))]
        assert_complete(minilm(documents=documents, tags=tags))


def test_same_input_same_output(minilm):
    first = minilm(documents=COOKING, tags=["CookingHacks"]).to_dict()
    second = minilm(documents=list(COOKING), tags=["CookingHacks"]).to_dict()
    assert first == second


def test_summary_sentences_come_from_the_documents(minilm):
    result = minilm(documents=COOKING, tags=[])
    source = " ".join(_WORD.findall(" ".join(COOKING).lower()))
    for sentence in re.split(r"(?<=[.!?])\s+", result.summary):
        words = " ".join(_WORD.findall(sentence.lower()))
        assert words and words in source, sentence


def test_a_caption_repeating_the_transcript_appears_once(minilm):
    line = "This serum changed my skin in one week and I will never go back."
    result = minilm(documents=[line, line.lower(), "This serum changed my skin in one week, I will never go back!"],
                    tags=[])
    assert result.summary.lower().count("serum changed my skin") == 1


def test_cooking_keywords_are_food_words(minilm):
    result = minilm(documents=COOKING, tags=["CookingHacks"])
    assert_complete(result)
    food = {"pasta", "garlic", "cheese", "parmesan", "cream", "creamy", "sauce", "basil", "butter", "recipe",
            "dinner", "cooking", "ingredients", "pepper"}
    hits = [k for k in result.keywords if food & set(k.split())]
    assert len(hits) >= len(result.keywords) // 2, result.keywords
    assert "pasta" in result.keywords[0]


def test_skincare_keywords_are_skin_words(minilm):
    result = minilm(documents=SKINCARE, tags=[])
    skin = {"skin", "skincare", "cleanser", "toner", "serum", "moisturizer", "hyaluronic", "balm", "glowy",
            "routine", "dry", "glass", "lip", "hydrating"}
    hits = [k for k in result.keywords if skin & set(k.split())]
    assert len(hits) >= len(result.keywords) // 2, result.keywords


def test_mood_follows_the_content(minilm):
    calm = minilm(documents=MEDITATION, tags=["meditation"])
    intense = minilm(documents=WORKOUT, tags=["workout"])
    assert calm.mood != intense.mood
    assert calm.mood in ("chill", "dreamy")
    assert intense.mood in ("energetic", "epic", "confident")
    calm_bpm = parse_song_description(calm.song_description)["bpm"]
    intense_bpm = parse_song_description(intense.song_description)["bpm"]
    assert calm_bpm < intense_bpm


def test_the_idea_mentions_the_actual_keywords(minilm):
    for documents, tags in ((COOKING, ["CookingHacks"]), (SKINCARE, []), (WORKOUT, ["workout"])):
        result = minilm(documents=documents, tags=tags)
        text = " ".join(result.idea.values()).lower()
        assert result.keywords[0].lower() in text
        assert sum(k.lower() in text for k in result.keywords[:3]) >= 2


def test_progress_reaches_done_equals_total(minilm):
    calls = []
    minilm(documents=COOKING, tags=[], progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize("documents, tags, field", [
    ("one string", [], "documents"),
    ([1, "a"], [], "documents[0]"),
    ([], "pasta", "tags"),
    ([], ["ok", None], "tags[1]"),
])
def test_bad_inputs_raise_the_package_error_naming_the_field(minilm, documents, tags, field):
    with pytest.raises(SummaryError, match=re.escape(field)):
        minilm(documents=documents, tags=tags)


def test_real_tiktok_captions(minilm, shared_data):
    items = json.loads((shared_data / "tiktok" / "trending_tiktokapi.json").read_text("utf-8"))
    documents = [item.get("desc", "") for item in items]
    tags = [c["title"] for item in items for c in item.get("challenges", [])]
    assert_complete(minilm(documents=documents, tags=tags))


def test_real_apify_captions_grouped_by_hashtag(minilm, shared_data):
    with open(shared_data / "tiktok" / "apify_trending.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows if "#food" in r["text"].lower()][:12]
    assert texts
    result = minilm(documents=texts, tags=["food"])
    assert_complete(result)


def test_real_unpunctuated_speech_transcripts(minilm, shared_data):
    documents = [p.read_text("utf-8") for p in sorted((shared_data / "speech").glob("librivox-*.txt"))]
    result = minilm(documents=documents, tags=[])
    assert_complete(result)


# -- a realistic clip: speech, a title and description, noisy unspoken on-screen text -----
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def test_clip_summary_is_well_formed_speech_without_ocr_noise(minilm, clip):
    result = minilm(documents=clip.passages, tags=[])
    assert_complete(result)
    for noise in clip.ocr_noise:
        assert noise.lower() not in result.summary.lower(), noise
    sentences = _SENTENCE.split(result.summary)
    assert all(s[-1] in ".!?…" and s[0].isupper() for s in sentences), sentences
    speech = _words(" ".join(text for _, text in clip.segments))
    for sentence in sentences:
        assert _words(sentence) in speech, sentence


def test_clip_summary_evidence_is_each_sentence_s_own_segments(minilm, clip):
    result = minilm(documents=clip.passages, tags=[])
    entries = result.evidence["summary"]
    assert [e["text"] for e in entries] == _SENTENCE.split(result.summary)
    by_start = dict(clip.segments)
    for entry in entries:
        sources = entry["sources"]
        assert sources and all(s["video_id"] == clip.video_id and s["kind"] == "transcript" for s in sources)
        starts = [s["start_s"] for s in sources]
        assert starts == sorted(starts) and set(starts) <= set(by_start)
        # The sentence is exactly what its segments say, no more and no less.
        assert _words(entry["text"]) == _words(" ".join(by_start[s] for s in starts))


def test_a_sentence_across_two_segments_cites_both(minilm, clip):
    result = minilm(documents=clip.passages, tags=[])
    (entry,) = [e for e in result.evidence["summary"] if e["text"].startswith("The membership gives")]
    assert entry["text"].endswith("grow on social media.")
    assert [s["start_s"] for s in entry["sources"]] == [14.1, 17.0]


def test_clip_keywords_are_topics_not_filler(minilm, clip):
    result = minilm(documents=clip.passages, tags=[])
    phrases = [k.lower() for k in result.keywords]
    for topic in clip.topic_words:
        assert any(re.search(rf"\b{topic}\b", p) for p in phrases), (topic, result.keywords)
    for keyword in phrases:
        assert not set(keyword.split()) & clip.filler, result.keywords
    assert "AI" in result.keywords  # an acronym keeps its capitals, and two letters are enough
    assert "side hustle" in phrases  # the creator's own hashtag, from the description


def test_clip_keyword_evidence_is_the_earliest_passages_containing_it(minilm, clip):
    result = minilm(documents=clip.passages, tags=["AI", "MoneyTok"])
    evidence = {e["text"]: e["sources"] for e in result.evidence["keywords"]}
    assert list(evidence) == result.keywords
    assert [(s["kind"], s["start_s"]) for s in evidence["AI"]] == [
        ("transcript", 3.2), ("transcript", 6.8), ("transcript", 14.1)]
    assert [(s["kind"], s["start_s"]) for s in evidence["membership"]] == [
        ("transcript", 10.5), ("transcript", 14.1), ("description", None)]
    assert [s["kind"] for s in evidence["side hustle"]] == ["description"]  # "#SideHustle"
    assert all(s["video_id"] == clip.video_id for sources in evidence.values() for s in sources)


def test_a_hashtag_only_keyword_has_no_sources(minilm):
    result = minilm(documents=[], tags=["CookingHacks", "DanceChallenge"])
    assert [e["sources"] for e in result.evidence["keywords"]][:2] == [[], []]
    assert result.evidence["summary"] == [{"text": result.summary, "sources": []}]


def test_tags_only_keywords_keep_the_creator_s_order(minilm):
    result = minilm(documents=[], tags=["#DanceChallenge", "CookingHacks", "fyp", "GlowUp"])
    assert result.keywords[:3] == ["dance challenge", "cooking hacks", "glow up"]


def test_only_on_screen_text_never_becomes_a_summary_sentence(minilm, clip):
    captions = [p for p in clip.passages if p.kind == "caption"]
    captions.append(Passage("Three AI tools that pay my rent", "caption", clip.video_id, 9.0))
    result = minilm(documents=captions, tags=[])
    assert_complete(result)
    assert result.summary.startswith("A video about ")
    for noise in clip.ocr_noise:
        assert noise.lower() not in result.summary.lower(), noise
    assert any("AI" in k.split() for k in result.keywords), result.keywords
    assert not {w for k in result.keywords for w in k.lower().split()} & clip.filler, result.keywords


def test_without_speech_the_title_and_description_are_quoted(minilm, clip):
    written = [p for p in clip.passages if p.kind != "transcript"]
    result = minilm(documents=written, tags=[])
    assert "How I earn with AI tools and an online community." in result.summary
    assert "HERE" not in result.summary and "Joined" not in result.summary
    kinds = {s["kind"] for e in result.evidence["summary"] for s in e["sources"]}
    assert kinds <= {"title", "description"}


def test_of_two_equally_central_sentences_the_first_read_wins(minilm):
    # Two near-duplicates: a symmetric LexRank graph scores them equal; only one is kept.
    first = "This serum changed my skin in one week and I will never go back."
    second = "This serum changed my skin in one week, I will never go back!"
    assert minilm(documents=[first, second], tags=[]).summary == first
    assert minilm(documents=[second, first], tags=[]).summary == second
    spoken = [Passage(second, "description", "v"), Passage(first, "transcript", "v", 0.0)]
    assert minilm(documents=spoken, tags=[]).summary == first  # speech is read first


def test_an_all_capitals_transcript_is_speech_not_shouting(minilm):
    result = minilm(documents=["I SHOW YOU HOW TO MAKE A CREAMY GARLIC PASTA IN TEN MINUTES"], tags=[])
    assert result.summary == "I show you how to make a creamy garlic pasta in ten minutes."


def test_passages_of_every_kind_are_accepted_and_checked(minilm):
    with pytest.raises(SummaryError, match=re.escape("documents[1].kind")):
        minilm(documents=["ok", Passage("x", "subtitle")], tags=[])
    with pytest.raises(SummaryError, match=re.escape("documents[0].start_s")):
        minilm(documents=[Passage("x", "caption", "v", -1.0)], tags=[])


def test_real_clip_transcript_as_segments(minilm, shared_data):
    text = (shared_data / "tiktok" / "videos" / "malwaretech-7261314534885870894.txt").read_text("utf-8")
    pieces = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    passages = [Passage(s, "transcript", "7261314534885870894", 1.5 * i) for i, s in enumerate(pieces)]
    passages.append(Passage("I just be like that sometimes", "title", "7261314534885870894"))
    passages += [Passage(t, "caption", "7261314534885870894", 2.0) for t in ("Joined Oct 16,2023", "800k+")]
    result = minilm(documents=passages, tags=[])
    assert_complete(result)
    assert "Joined" not in result.summary and "800k" not in result.summary
    assert all(s["kind"] == "transcript" for e in result.evidence["summary"] for s in e["sources"])
    # What OCR reads over the real clip (the studio's captions of it): none of it is the topic.
    passages += [Passage(t, "caption", "7261314534885870894", 3.0) for t in ("BUCK ITS", "NEVER", "Incoming Stitch.!!")]
    keywords = [k.lower() for k in minilm(documents=passages, tags=[]).keywords]
    assert "barbie" in keywords and not {"buck", "incoming stitch", "stitch", "never"} & set(keywords), keywords


REPORTED = ("Op po unity ThePorwththerihtarkinhat sfwarerpdidyouguysseto. Joined Oct 16,2023. 800k+ Di nero. "
            "HERE'SY OUR INVITE.")


def test_the_reported_summary_is_impossible_even_when_the_noise_comes_as_speech(minilm):
    # The old pipeline joined caption lines into one plain string: read as a transcript.
    for documents in ([REPORTED], [REPORTED, "I build a small online community and sell a membership with AI."]):
        result = minilm(documents=documents, tags=[])
        assert_complete(result)
        for fragment in ("Porwth", "sfwarerp", "Joined", "800k", "HERE'SY", "Op po"):
            assert fragment not in result.summary, (fragment, result.summary)
    assert result.summary == "I build a small online community and sell a membership with AI."
