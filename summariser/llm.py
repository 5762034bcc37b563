"""Llama backends: an OpenAI-compatible server, Meta's Llama API SDK, a local GGUF file.

All three send the same prompt, read the reply through the same checks and repairs, and
fall back to the offline MiniLM summariser (with a warning) when no usable reply comes.
An API key is kept private: it never appears in results, warnings, logs or errors.
"""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Callable, Sequence

from ._passages import validate_inputs
from ._prompt import build_messages
from ._reply import UnusableReply, extract_json_object, repair_reply
from ._types import Passage, Summary, SummaryError
from .minilm import MiniLMSummariser, content_seed

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 30.0
MAX_RETRIES = 2
DEFAULT_LLAMA_API_URL = "https://api.llama-api.com"


class _CallFailed(Exception):
    """One request failed; ``reason`` is safe to show (no key, no reply text)."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def validate_call_settings(*, timeout_s: float, retries: int) -> tuple[float, int]:
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not 0 < timeout_s <= 600:
        raise SummaryError("timeout_s", f"timeout_s must be a number of seconds in (0, 600], not {timeout_s!r}")
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
        raise SummaryError("retries", f"retries must be an integer from 0 to {MAX_RETRIES}, not {retries!r}")
    return float(timeout_s), retries


class ChatError(SummaryError):
    """``chat`` got no reply from the model; the message says why (never the key, never a reply)."""


class _ChatSummariser:
    """Shared call logic: prompt, bounded retries, reply repair, offline fallback."""

    backend = "llm"

    def __init__(self, *, fallback: MiniLMSummariser, timeout_s: float = DEFAULT_TIMEOUT_S,
                 retries: int = MAX_RETRIES, secret: str | None = None, temperature: float = 0.4):
        self.timeout_s, self.retries = validate_call_settings(timeout_s=timeout_s, retries=retries)
        self.warnings: list[str] = []
        self.temperature = temperature
        self._fallback = fallback
        self._secret = secret or None

    def _complete(self, messages: list[dict[str, str]], *, temperature: float) -> str:
        """The reply text for ``messages``; raises ``_CallFailed``."""
        raise NotImplementedError

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    @property
    def offline(self) -> MiniLMSummariser:
        """The offline MiniLM summariser this one falls back on (and grounds its replies with)."""
        return self._fallback

    def chat(self, messages: Sequence[dict[str, str]], *, temperature: float = 0.0) -> str:
        """The model's reply text to ``messages`` (``[{"role", "content"}, ...]``, OpenAI's chat
        format), through this backend's client, time-out and bounded retries, asking for JSON
        where the backend can (so the messages should ask for a JSON object). The caller reads
        the reply. Raises ``ChatError`` (with every attempt's reason, redacted) when none comes.
        """
        if not messages or not all(isinstance(m, dict) and isinstance(m.get("role"), str)
                                   and isinstance(m.get("content"), str) for m in messages):
            raise SummaryError("messages", "a non-empty list of {'role': str, 'content': str}")
        messages = [{"role": m["role"], "content": m["content"]} for m in messages]
        failures: list[str] = []
        for attempt in range(1 + self.retries):
            try:
                return self._complete(messages, temperature=float(temperature))
            except _CallFailed as failure:
                failures.append(self._redact(failure.reason))
                logger.warning("%s chat: attempt %d failed: %s", self.backend, attempt + 1, failures[-1])
                if not failure.retryable:
                    break
        raise ChatError(None, f"{self.backend} gave no reply ({'; '.join(failures)})")

    def __call__(self, *, documents: Sequence[str | Passage], tags: Sequence[str],
                 progress: Callable[[int, int], None] | None = None) -> Summary:
        """Summarise with the model; on failure, the offline MiniLM result plus a warning.

        ``documents``: ``Passage``s, or strings read as transcripts. At most ``1 + retries``
        requests: a connection error, an HTTP 5xx/429 or an unusable reply is retried; a
        time-out is not (the wait would only multiply). The model's summary and keywords are
        grounded afterwards on the passages (``Summary.evidence``) with the offline
        summariser's MiniLM model.
        """
        documents, tags = validate_inputs(documents, tags)
        report = progress or (lambda done, total: None)
        messages = build_messages(documents, tags)
        failures: list[str] = []
        total = 2 + self.retries  # the requests, then the reply check or the offline fallback
        for attempt in range(1 + self.retries):
            report(attempt, total)
            try:
                reply = self._complete(messages, temperature=self.temperature)
            except _CallFailed as failure:
                failures.append(self._redact(failure.reason))
                logger.warning("%s summariser: attempt %d failed: %s", self.backend, attempt + 1, failures[-1])
                if failure.retryable:
                    continue
                break
            data = extract_json_object(reply)
            if data is None:
                failures.append("the reply held no JSON object")
                continue
            try:
                fields, notes = repair_reply(data, tags=tags, seed=content_seed(documents, tags))
            except UnusableReply as unusable:
                failures.append(f"the reply was unusable ({unusable})")
                continue
            evidence = self._fallback.ground(summary=fields["summary"], keywords=fields["keywords"],
                                             documents=documents, tags=tags)
            report(total, total)
            return Summary(**fields, backend=self.backend, evidence=evidence,
                           warnings=[self._redact(f"{self.backend} reply repaired: {n}") for n in notes])
        result = self._fallback(documents=documents, tags=tags)
        warning = self._redact(f"{self.backend} gave no usable result ({'; '.join(failures)}); "
                               f"used the offline minilm summariser")
        logger.warning("%s", warning)
        result.warnings.insert(0, warning)
        report(total, total)
        return result


class OpenAISummariser(_ChatSummariser):
    """Any OpenAI-compatible ``/v1/chat/completions`` server: Ollama, llama.cpp server,
    vLLM, Groq, Meta's Llama API. ``base_url`` ends before ``/chat/completions``
    (e.g. ``http://localhost:11434/v1``)."""

    backend = "openai"

    def __init__(self, *, base_url: str, model: str, api_key: str | None = None,
                 fallback: MiniLMSummariser, timeout_s: float = DEFAULT_TIMEOUT_S,
                 retries: int = MAX_RETRIES):
        if not isinstance(base_url, str) or not re.match(r"^https?://", base_url):
            raise SummaryError("openai_base_url", "openai_base_url must start with http:// or https://")
        super().__init__(fallback=fallback, timeout_s=timeout_s, retries=retries, secret=api_key)
        import requests

        self._requests = requests
        self._url = base_url.rstrip("/") + "/chat/completions"
        self.model = model

    def _complete(self, messages, *, temperature):
        requests = self._requests
        headers = {"Content-Type": "application/json"}
        if self._secret:
            headers["Authorization"] = f"Bearer {self._secret}"
        payload = {"model": self.model, "messages": messages, "temperature": temperature,
                   "response_format": {"type": "json_object"}}
        try:
            response = requests.post(self._url, json=payload, headers=headers,
                                     timeout=(min(5.0, self.timeout_s), self.timeout_s))
        except requests.Timeout:
            raise _CallFailed(f"no reply within {self.timeout_s:g} s", retryable=False) from None
        except requests.ConnectionError:
            raise _CallFailed("could not connect to the server", retryable=True) from None
        except requests.RequestException as error:
            raise _CallFailed(f"request failed ({type(error).__name__})", retryable=False) from None
        if response.status_code != 200:
            code = response.status_code
            raise _CallFailed(f"HTTP {code}", retryable=code >= 500 or code == 429)
        return _completion_text(response)


class LlamaAPISummariser(_ChatSummariser):
    """Meta's Llama API through the ``llamaapi`` SDK (``LlamaAPI(token).run(request)``).

    The SDK posts with ``requests`` and no time-out, so each request runs in a daemon
    thread that is abandoned after ``timeout_s``.
    """

    backend = "llamaapi"

    def __init__(self, *, api_key: str, model: str, base_url: str = DEFAULT_LLAMA_API_URL,
                 fallback: MiniLMSummariser, timeout_s: float = DEFAULT_TIMEOUT_S,
                 retries: int = MAX_RETRIES):
        if not isinstance(api_key, str) or not api_key.strip():
            raise SummaryError("llama_api_key", "llama_api_key must be a non-empty string")
        super().__init__(fallback=fallback, timeout_s=timeout_s, retries=retries, secret=api_key)
        from llamaapi import LlamaAPI

        self._client = LlamaAPI(api_key, hostname=base_url.rstrip("/"))
        self.model = model

    def _complete(self, messages, *, temperature):
        request = {"model": self.model, "messages": messages, "temperature": temperature, "stream": False}
        outcome: dict = {}

        def send():
            try:
                outcome["response"] = self._client.run(request)
            except Exception as error:  # the SDK raises bare Exception("POST <code> <detail>")
                outcome["error"] = error

        worker = threading.Thread(target=send, name="llamaapi-request", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            raise _CallFailed(f"no reply within {self.timeout_s:g} s", retryable=False)
        if "error" in outcome:
            # Never the SDK's message itself: it quotes the server's "detail", which may echo the key.
            status = re.match(r"POST (\d{3})\b", str(outcome["error"]))
            if status:
                code = int(status.group(1))
                raise _CallFailed(f"HTTP {code}", retryable=code >= 500 or code == 429)
            name = type(outcome["error"]).__name__
            retryable = name in ("ConnectionError", "JSONDecodeError")
            raise _CallFailed(f"request failed ({name})", retryable=retryable)
        return _completion_text(outcome["response"])


class LlamaCppSummariser(_ChatSummariser):
    """A local GGUF model through ``llama-cpp-python`` (an optional extra), loaded once."""

    backend = "llamacpp"

    def __init__(self, *, gguf_path: str | Path, fallback: MiniLMSummariser, device: str = "cpu",
                 n_ctx: int = 8192, retries: int = MAX_RETRIES, timeout_s: float = DEFAULT_TIMEOUT_S):
        super().__init__(fallback=fallback, timeout_s=timeout_s, retries=retries)
        import llama_cpp

        self._lock = threading.Lock()  # one Llama context: one generation at a time
        self._llm = llama_cpp.Llama(model_path=str(gguf_path), n_ctx=n_ctx, verbose=False,
                                    n_gpu_layers=-1 if device in ("cuda", "mps") else 0)

    def _complete(self, messages, *, temperature):
        try:
            with self._lock:
                out = self._llm.create_chat_completion(
                    messages=messages, temperature=temperature, max_tokens=800,
                    response_format={"type": "json_object"})
        except Exception as error:  # llama_cpp raises ValueError/RuntimeError on context overflow etc.
            raise _CallFailed(f"generation failed ({type(error).__name__})", retryable=False) from None
        try:
            return out["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise _CallFailed("the model returned no message", retryable=True) from None


def _completion_text(response) -> str:
    """``choices[0].message.content`` of a chat-completions HTTP response."""
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _CallFailed("the reply was not a chat completion", retryable=True) from None
    if not isinstance(content, str):
        raise _CallFailed("the reply had no text content", retryable=True)
    return content
