"""Grounding a summary written elsewhere (a Llama reply) on the passages, post hoc."""
import pytest

from summariser import Passage
from summariser._evidence import containing, matchable, summary_sentences

LLM_SUMMARY = ("This creator explains how AI tools and a paid membership turn an online community into "
               "side income. Growth comes from posting on social media daily. The weather in Paris is "
               "lovely in spring.")


def test_containment_is_whole_words_any_case_and_reads_hashtags():
    texts = matchable([Passage("I use AI-powered tools #SideHustle"), Passage("Said: ai."),
                       Passage("maintain the rain")])
    assert containing(texts, "AI") == [0, 1]
    assert containing(texts, "side hustle") == [0]
    assert containing(texts, "rain") == [2] and containing(texts, "ai tools") == []


def test_summary_sentences_are_kept_as_written():
    assert summary_sentences(" One. Two!  Three? ") == ["One.", "Two!", "Three?"]


@pytest.mark.slow  # the real MiniLM over the clip
def test_a_llm_summary_is_grounded_by_similarity_above_the_bar(minilm, clip):
    evidence = minilm.ground(summary=LLM_SUMMARY, keywords=["AI tools", "membership", "MoneyTok", "SideHustle"],
                             documents=clip.passages, tags=["MoneyTok"])
    first, second, off_topic = evidence["summary"]
    assert first["text"].startswith("This creator explains") and first["sources"]
    assert all(s["video_id"] == clip.video_id and s["kind"] != "caption" for s in first["sources"])
    assert len(first["sources"]) <= 3
    assert [s["start_s"] for s in second["sources"]] == [24.0]   # "Post on social media every day…"
    assert off_topic["sources"] == []
    keywords = {e["text"]: e["sources"] for e in evidence["keywords"]}
    assert [(s["kind"], s["start_s"]) for s in keywords["AI tools"]] == [("transcript", 3.2), ("title", None)]
    assert [s["start_s"] for s in keywords["membership"]][:2] == [10.5, 14.1]
    assert keywords["MoneyTok"] == []                               # a hashtag no passage holds
    assert [s["kind"] for s in keywords["SideHustle"]] == ["description"]


def test_ocr_noise_is_never_evidence(minilm, clip):
    evidence = minilm.ground(summary="Op po unity sfwarerpdidyouguysseto. Joined Oct 16, 2023.",
                             keywords=["invite"], documents=clip.passages, tags=[])
    for entry in evidence["summary"]:
        assert all(s["kind"] != "caption" or s["start_s"] not in (1.0, 2.0, 2.5) for s in entry["sources"])
