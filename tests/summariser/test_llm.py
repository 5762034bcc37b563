"""The Llama backends against a real chat-completions HTTP server on loopback."""
from __future__ import annotations

import json
import logging
import time

import pytest

from summariser import MOODS, SummaryError, load_summariser
from summariser._song import parse_song_description
from summariser.llm import LlamaAPISummariser, OpenAISummariser

DOCUMENTS = ["so today i am going to show you my five minute garlic pasta boil the pasta melt butter "
             "add garlic and cream then toss it all together", "Garlic pasta in 5 minutes #pasta"]
TAGS = ["pasta", "CookingHacks"]
GOOD = {
    "summary": "A quick garlic pasta: boil, melt butter with garlic, add cream and toss.",
    "keywords": ["garlic pasta", "butter", "cream", "quick dinner"],
    "idea": {"title": "POV: five-minute pasta", "concept": "Cook garlic pasta in first person.",
             "twist_title": "Played in reverse", "twist_concept": "Start from the plate and rewind."},
    "mood": "happy",
    "song_description": "A happy pop track at 118 BPM in a major key with acoustic guitar, bass and claps.",
}
SECRET = "sk-secret-123"


@pytest.fixture()
def server(chat_server):
    chat_server.answer = GOOD
    return chat_server


def openai(server, minilm, **kw):
    settings = dict(base_url=server.base_url, model="llama3.1:8b", api_key=SECRET, fallback=minilm,
                    timeout_s=1.0, retries=0)
    settings.update(kw)
    return OpenAISummariser(**settings)


def timed(summariser):
    started = time.perf_counter()
    result = summariser(documents=DOCUMENTS, tags=TAGS)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("mode", ["valid", "fenced", "prose"])
def test_openai_usable_replies_become_the_result(server, minilm, mode):
    server.replies = [mode]
    result, elapsed = timed(openai(server, minilm))
    assert result.backend == "openai"
    assert result.summary == GOOD["summary"] and result.keywords == GOOD["keywords"]
    assert result.idea == GOOD["idea"] and result.song_description == GOOD["song_description"]
    assert result.warnings == []
    assert elapsed < 3


def test_openai_speaks_the_chat_completions_protocol(server, minilm):
    openai(server, minilm)(documents=DOCUMENTS, tags=TAGS)
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == f"Bearer {SECRET}"
    body = request["json"]
    assert body["model"] == "llama3.1:8b"
    assert body["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "#CookingHacks" in body["messages"][1]["content"] and "garlic pasta" in body["messages"][1]["content"]
    assert all(mood in body["messages"][0]["content"] for mood in MOODS)
    assert isinstance(body["temperature"], float)


@pytest.mark.parametrize("mode, reason", [
    ("malformed", "no JSON object"), ("prose_only", "no JSON object"), ("http500", "HTTP 500"),
    ("hang", "no reply within 1 s"),
])
def test_openai_failures_fall_back_to_minilm_with_a_warning(server, minilm, mode, reason):
    server.replies = [mode]
    result, elapsed = timed(openai(server, minilm))
    assert result.backend == "minilm"
    assert reason in result.warnings[0] and "offline minilm" in result.warnings[0]
    assert result.summary and result.mood in MOODS and parse_song_description(result.song_description)
    assert elapsed < 8  # 1 s time-out + the offline summary on a busy 2-core machine


def test_retries_are_bounded_and_recover(server, minilm):
    server.replies = ["http500", "malformed", "valid"]
    result, _ = timed(openai(server, minilm, retries=2))
    assert result.backend == "openai" and len(server.requests) == 3

    server.requests.clear()
    server.replies = ["http500"]
    result, _ = timed(openai(server, minilm, retries=2))
    assert result.backend == "minilm" and len(server.requests) == 3
    assert result.warnings[0].count("HTTP 500") == 3


def test_a_timeout_is_not_retried(server, minilm):
    server.replies = ["hang"]
    result, elapsed = timed(openai(server, minilm, retries=2))
    assert len(server.requests) == 1 and result.backend == "minilm"
    assert elapsed < 8


def test_a_refused_connection_falls_back(minilm):
    summariser = OpenAISummariser(base_url="http://127.0.0.1:9/v1", model="m", fallback=minilm,
                                  timeout_s=1.0, retries=1)
    result, elapsed = timed(summariser)
    assert result.backend == "minilm" and "could not connect" in result.warnings[0]
    assert elapsed < 8


def test_the_api_key_never_leaks(server, minilm, caplog):
    caplog.set_level(logging.DEBUG)
    server.replies = ["http500"]
    for summariser in (openai(server, minilm, retries=1),
                       LlamaAPISummariser(api_key=SECRET, model="llama3.1-8b", base_url=server.base_url,
                                          fallback=minilm, timeout_s=1.0, retries=1)):
        result = summariser(documents=DOCUMENTS, tags=TAGS)
        assert result.backend == "minilm" and "HTTP 500" in result.warnings[0]
        assert SECRET not in json.dumps(result.to_dict())
        assert SECRET not in repr(summariser) and SECRET not in str(vars(summariser).get("warnings"))
    assert server.requests and all(r["auth"] == f"Bearer {SECRET}" for r in server.requests)
    assert "HTTP 500" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.parametrize("mode, backend", [("valid", "llamaapi"), ("prose", "llamaapi"), ("malformed", "minilm"),
                                           ("http500", "minilm"), ("hang", "minilm")])
def test_llamaapi_sdk_against_the_loopback_server(server, minilm, mode, backend):
    server.replies = [mode]
    summariser = LlamaAPISummariser(api_key=SECRET, model="llama3.1-8b", base_url=server.base_url,
                                    fallback=minilm, timeout_s=1.0, retries=0)
    result, elapsed = timed(summariser)
    assert result.backend == backend
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert server.requests[0]["json"]["model"] == "llama3.1-8b"
    if backend == "llamaapi":
        assert result.summary == GOOD["summary"]
    else:
        assert "offline minilm" in result.warnings[0]
    assert elapsed < 8


@pytest.mark.slow  # loads a MiniLM of its own
def test_factory_openai_and_auto_pick_the_configured_server(server):
    server.replies = ["valid"]
    summariser = load_summariser("auto", openai_base_url=server.base_url, openai_api_key=SECRET,
                                 llama_api_key="other", timeout_s=2, retries=0, device="cpu")
    assert summariser.backend == "openai" and summariser.warnings == []
    assert summariser(documents=DOCUMENTS, tags=TAGS).backend == "openai"


@pytest.mark.slow  # loads a MiniLM of its own
def test_factory_llamacpp_without_the_extra_or_file_falls_back(tmp_path):
    missing = load_summariser("llamacpp", gguf_path=str(tmp_path / "nope.gguf"), device="cpu")
    assert missing.backend == "minilm" and "not found" in missing.warnings[0]
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF")
    present = load_summariser("llamacpp", gguf_path=str(fake), device="cpu")
    assert present.backend == "minilm"
    assert "llama-cpp-python" in present.warnings[0] or "could not load" in present.warnings[0]
    auto = load_summariser("auto", gguf_path=str(fake), device="cpu")
    assert auto.backend == "minilm" and "llamacpp skipped" in auto.warnings[0]


@pytest.mark.slow  # loads a MiniLM of its own
def test_factory_named_backends_without_settings_fall_back():
    assert load_summariser("openai", device="cpu").warnings[0].startswith("openai unavailable")
    assert load_summariser("llamaapi", device="cpu").warnings[0].startswith("llamaapi unavailable")


@pytest.mark.parametrize("settings, field", [({"timeout_s": 0}, "timeout_s"), ({"retries": 3}, "retries"),
                                             ({"openai_base_url": "localhost:1234"}, "openai_base_url")])
def test_factory_rejects_bad_call_settings(settings, field):
    with pytest.raises(SummaryError, match=field):
        load_summariser("openai", **settings)


def test_progress_ends_with_done_equal_total(server, minilm):
    calls = []
    server.replies = ["malformed", "valid"]
    openai(server, minilm, retries=1)(documents=DOCUMENTS, tags=TAGS, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (3, 3) and len({t for _, t in calls}) == 1


CLIP_ANSWER = {
    "summary": "This creator explains how AI tools and a paid membership turn an online community into side "
               "income. The weather in Paris is lovely in spring.",
    "keywords": ["AI tools", "membership", "MoneyTok"],
    "idea": GOOD["idea"], "mood": "confident",
    "song_description": "A confident hip hop track at 96 BPM in a minor key with synth bass, drums and claps.",
}


def test_a_llm_result_is_grounded_on_the_passages(server, minilm, clip):
    server.answer = CLIP_ANSWER
    result = openai(server, minilm)(documents=clip.passages, tags=["MoneyTok"])
    assert result.backend == "openai"
    summary, keywords = result.evidence["summary"], result.evidence["keywords"]
    assert [e["text"] for e in summary] == [
        "This creator explains how AI tools and a paid membership turn an online community into side income.",
        "The weather in Paris is lovely in spring."]
    assert summary[0]["sources"] and all(s["video_id"] == clip.video_id for s in summary[0]["sources"])
    assert summary[1]["sources"] == []      # nothing in the clip says so
    assert [e["text"] for e in keywords] == result.keywords == CLIP_ANSWER["keywords"]
    assert [s["start_s"] for s in keywords[0]["sources"]] == [3.2, None]
    assert keywords[2]["sources"] == []     # the hashtag alone
    # The prompt put speech first, labelled, and the captions last.
    user = server.requests[0]["json"]["messages"][1]["content"]
    assert user.index("] transcript (video") < user.index("] title (video") < user.index("] on-screen text")


def test_the_fallback_result_carries_evidence_too(server, minilm, clip):
    server.replies = ["malformed"]
    result = openai(server, minilm)(documents=clip.passages, tags=[])
    assert result.backend == "minilm"
    assert len(result.evidence["summary"]) >= 1 and len(result.evidence["keywords"]) == len(result.keywords)


# -- chat: the same client for other questions (the lake's category) ----------------------
CHAT = [{"role": "system", "content": "Answer with a JSON object."}, {"role": "user", "content": "Which one?"}]


def test_chat_returns_the_reply_text_through_the_same_client(server, minilm):
    server.answer = {"category": "food"}
    summariser = openai(server, minilm)
    assert json.loads(summariser.chat(CHAT)) == {"category": "food"}
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == f"Bearer {SECRET}"
    body = request["json"]
    assert body["messages"] == CHAT and body["temperature"] == 0.0
    assert body["response_format"] == {"type": "json_object"}
    assert summariser.offline is minilm


def test_chat_retries_are_bounded_and_the_error_names_each_reason_without_the_key(server, minilm):
    from summariser.llm import ChatError

    server.replies = ["http500"]
    with pytest.raises(ChatError) as raised:
        openai(server, minilm, retries=2).chat(CHAT)
    assert len(server.requests) == 3 and str(raised.value).count("HTTP 500") == 3
    assert SECRET not in str(raised.value)
    server.requests.clear()
    server.replies = ["http500", "valid"]
    assert openai(server, minilm, retries=1).chat(CHAT) and len(server.requests) == 2


def test_chat_does_not_retry_a_timeout_and_refuses_malformed_messages(server, minilm):
    from summariser.llm import ChatError

    server.replies = ["hang"]
    with pytest.raises(ChatError, match="no reply within 1 s"):
        openai(server, minilm, retries=2).chat(CHAT)
    assert len(server.requests) == 1
    with pytest.raises(SummaryError, match="messages"):
        openai(server, minilm).chat([{"role": "user"}])
