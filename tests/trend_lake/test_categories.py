"""The lake's category: the documented taxonomy is the code's, the zero-shot pick (its tie rule
on made-up vectors, its picks with the real MiniLM), and the LLM categoriser against a real
chat-completions server on loopback: a listed name is kept, anything else falls back to the
zero-shot MiniLM with its reason counted."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from trend_lake import Lake, run_query
from trend_lake import stages
from trend_lake.categories import (CATEGORIES, NO_CATEGORY, NO_REPLY, NO_TEXT, NOT_LISTED, PHRASINGS, SEVERAL,
                                   LLMCategoriser, UnusableCategory, ZeroShot, categorise, category_messages,
                                   parse_category)

README = Path(__file__).resolve().parents[2] / "README.md"
CAT_TEXT = "My cat knocks everything off the table"


# -- the taxonomy --------------------------------------------------------------------------
def test_the_documented_taxonomy_is_the_one_the_code_uses():
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert ", ".join(CATEGORIES) in readme  # the README names every category, in the code's order
    assert stages.CATEGORIES is CATEGORIES and stages.categorise is categorise
    assert list(PHRASINGS) == list(CATEGORIES)
    assert all(PHRASINGS[name][0] == description for name, description in CATEGORIES.items())
    system = category_messages("a post")[0]["content"]
    assert all(f"- {name}: {description}" in system for name, description in CATEGORIES.items())


# -- zero-shot -----------------------------------------------------------------------------
def _basis_embed(text_vectors: dict[str, list[float]]):
    """An embedder over len(CATEGORIES) dimensions: each category's phrasings point along its
    own axis, the given texts where the test says."""
    axes = {name: i for i, name in enumerate(CATEGORIES)}

    def embed(texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            if text in text_vectors:
                rows.append(text_vectors[text])
                continue
            name = next(n for n in CATEGORIES if any(text == f"A TikTok video about {p}." for p in PHRASINGS[n]))
            rows.append(np.eye(len(CATEGORIES))[axes[name]])
        return np.asarray(rows, dtype=np.float32)

    return embed


def test_a_near_tie_goes_to_the_category_listed_first_never_to_float_noise():
    comedy, dance, music = (list(CATEGORIES).index(n) for n in ("comedy", "dance", "music"))
    tied = np.zeros(len(CATEGORIES))
    tied[[comedy, dance]] = [0.7, 0.7 + 3e-7]        # dance "wins" by float noise only
    clear = np.zeros(len(CATEGORIES))
    clear[[comedy, music]] = [0.6, 0.8]
    embed = _basis_embed({"tied": tied.tolist(), "clear": clear.tolist()})
    assert categorise(["tied", "clear"], embed=embed) == ["comedy", "music"]


def test_a_category_scores_its_closest_phrasing():
    dance = list(CATEGORIES).index("dance")
    vector = np.zeros(len(CATEGORIES))
    vector[dance] = 1.0
    zero_shot = ZeroShot(_basis_embed({"moves": vector.tolist()}))
    scores = zero_shot.scores(["moves"])
    assert scores.shape == (1, len(CATEGORIES)) and scores[0, dance] == pytest.approx(1.0)
    assert zero_shot([]) == [] and zero_shot.scores([]).shape == (0, len(CATEGORIES))


def test_phrasings_must_cover_the_taxonomy_exactly():
    with pytest.raises(ValueError, match="phrasings"):
        ZeroShot(lambda texts: np.zeros((len(texts), 2)), phrasings={"comedy": ("a joke",)})


@pytest.mark.slow  # the studio's real MiniLM
def test_zero_shot_with_the_real_minilm(app):
    embed = app.extensions["studio"].summariser.embed
    texts = ["Three easy pasta recipes for dinner tonight", CAT_TEXT, "Full body workout at the gym, no equipment",
             "Unboxing the new phone and its camera app", "Five facts about the Roman empire you never learned",
             "Ranked match in my favourite video game, the last round was insane"]
    assert ZeroShot(embed)(texts) == ["food", "animals", "fitness", "tech", "education", "gaming"]
    # The margin is wide: no pick here hangs on rounding.
    scores = np.sort(ZeroShot(embed).scores(texts), axis=1)
    assert (scores[:, -1] - scores[:, -2] > 0.02).all()


# -- reading a reply -----------------------------------------------------------------------
@pytest.mark.parametrize("reply, name", [
    ('{"category": "food"}', "food"), ('```json\n{"category": "Food"}\n```', "food"),
    ('Sure! {"category": " GAMING. "}', "gaming"), ("animals", "animals"), ('"Dance"', "dance"),
    ("Category: music.", "music"), ('{"label": "travel"}', "travel"), ('{"category": "music performance"}', "music"),
])
def test_a_reply_naming_one_listed_category_is_read(reply, name):
    assert parse_category(reply) == name


@pytest.mark.parametrize("reply, reason", [
    ('{"category": "cooking"}', NOT_LISTED), ("Cooking", NOT_LISTED), ('{"category": "comedy or dance"}', SEVERAL),
    ('{"category": ""}', NO_CATEGORY), ('{"category": 3}', NO_CATEGORY), ('{"a": "x", "b": "y"}', NO_CATEGORY),
    ("I think the video is about pasta and you should make a pasta video.", NO_CATEGORY),
    ('{"summary": "pasta", "keywords": ["pasta", "garlic"', NO_CATEGORY), ("", NO_CATEGORY),
])
def test_an_unusable_reply_says_why(reply, reason):
    with pytest.raises(UnusableCategory) as raised:
        parse_category(reply)
    assert raised.value.reason == reason


# -- the LLM against a loopback server -------------------------------------------------------
@pytest.fixture
def llm(app, chat_server):
    """The LLM categoriser on the summariser's own client (OpenAISummariser.chat), falling back
    to the zero-shot pick with the studio's MiniLM."""
    from summariser.llm import OpenAISummariser

    minilm = app.extensions["studio"].summariser
    summariser = OpenAISummariser(base_url=chat_server.base_url, model="llama3.1:8b", api_key="sk-test",
                                  fallback=minilm, timeout_s=2.0, retries=0)
    return SimpleNamespace(server=chat_server, summariser=summariser,
                           categoriser=LLMCategoriser(summariser.chat, fallback=ZeroShot(minilm.embed),
                                                      backend="openai"))


@pytest.mark.slow  # the studio's real MiniLM
def test_the_llm_names_a_listed_category(llm):
    llm.server.answer = {"category": "comedy"}  # not what zero-shot would say: the LLM's pick is kept
    assert llm.categoriser([CAT_TEXT]) == ["comedy"]
    assert llm.categoriser.answered == 1 and not llm.categoriser.fallbacks
    (request,) = llm.server.requests
    body = request["json"]
    assert request["path"] == "/v1/chat/completions" and body["temperature"] == 0.0
    assert body["response_format"] == {"type": "json_object"}
    assert all(name in body["messages"][0]["content"] for name in CATEGORIES)
    assert CAT_TEXT in body["messages"][1]["content"]


@pytest.mark.parametrize("mode, answer, reason", [
    ("valid", {"category": "cooking"}, NOT_LISTED),     # a name outside the list
    ("malformed", {}, NO_CATEGORY),                     # garbage: broken JSON
    ("prose_only", {}, NO_CATEGORY),                    # garbage: prose naming nothing
    ("http500", {}, NO_REPLY),
])
@pytest.mark.slow  # the studio's real MiniLM
def test_an_unusable_answer_falls_back_to_zero_shot_and_is_counted(llm, mode, answer, reason, caplog):
    llm.server.replies, llm.server.answer = [mode], answer
    assert llm.categoriser([CAT_TEXT, ""]) == ["animals", ZeroShot(llm.summariser.offline.embed)([""])[0]]
    assert llm.categoriser.fallbacks == {reason: 1, NO_TEXT: 1} and llm.categoriser.answered == 0
    assert len(llm.server.requests) == 1                # an empty text is not sent
    assert reason in caplog.text and "sk-test" not in caplog.text
    assert re.search(rf"openai filed 0, the zero-shot MiniLM 2 \(.*{reason}: 1", llm.categoriser.report())


@pytest.mark.slow  # the studio's real MiniLM
def test_a_long_post_is_cut_before_it_is_sent(llm):
    llm.server.answer = {"category": "education"}
    assert llm.categoriser(["a lesson " * 2000]) == ["education"]
    assert len(llm.server.requests[0]["json"]["messages"][1]["content"]) < 4200


# -- the stage picks the categoriser from the studio -------------------------------------------
def _transcribed_lake(tmp_path) -> Lake:
    lake = Lake(tmp_path / "lake")
    info = tmp_path / "post.info.json"
    info.write_text(json.dumps({"id": "7300000000000000001", "title": "Cat vs. table", "uploader": "someone",
                                "description": "she did it again", "extractor": "TikTok",
                                "webpage_url": "https://www.tiktok.com/@someone/video/7300000000000000001"}))
    lake.ingest(info, profile="someone")
    (key,) = lake.partitions("metadata")
    lake.write("transcripts", key[0], [{"id": "7300000000000000001", "transcript": CAT_TEXT, "language": "en",
                                        "backend": "test"}], processed_at=key[1])
    return lake


@pytest.mark.slow  # the studio's real MiniLM
def test_analyse_asks_the_llm_when_the_summariser_is_one(llm, tmp_path):
    lake = _transcribed_lake(tmp_path)
    llm.server.answer = {"category": "lifestyle"}      # no summary in it: the summary falls back to MiniLM
    assert stages.run_stage(lake, "analyse", studio=SimpleNamespace(summariser=llm.summariser, embed=llm.summariser.offline.embed)) == 1
    row = run_query(lake, "SELECT * FROM text_analysis").table.to_pylist()[0]
    assert row["category"] == "lifestyle" and row["summary"]
    prompts = [r["json"]["messages"][0]["content"] for r in llm.server.requests]
    assert sum("exactly one category" in p for p in prompts) == 1


@pytest.mark.slow  # the studio's real MiniLM
def test_analyse_falls_back_per_post_and_logs_the_count(llm, tmp_path, caplog):
    lake = _transcribed_lake(tmp_path)
    llm.server.answer = {"category": "cats"}
    assert stages.run_stage(lake, "analyse", studio=SimpleNamespace(summariser=llm.summariser, embed=llm.summariser.offline.embed)) == 1
    assert run_query(lake, "SELECT category FROM text_analysis").table.to_pylist() == [{"category": "animals"}]
    assert f"the zero-shot MiniLM 1 ({NOT_LISTED}: 1)" in caplog.text


def test_analyse_needs_a_way_to_file_categories(tmp_path):
    from trend_lake import LakeError

    with pytest.raises(LakeError, match="categoriser"):
        stages.analyse(Lake(tmp_path / "lake"), summarise=lambda **kw: None)
