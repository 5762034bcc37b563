"""``load_summariser``: pick a backend by name, or the best one available ("auto")."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from settings import SETTINGS

from ._types import SummaryError
from .llm import (DEFAULT_LLAMA_API_URL, DEFAULT_TIMEOUT_S, MAX_RETRIES, LlamaAPISummariser,
                  LlamaCppSummariser, OpenAISummariser, validate_call_settings)
from .minilm import MiniLMSummariser

BACKENDS = SETTINGS["TRENDTOK_SUMMARISER"].choices
DEFAULT_OPENAI_MODEL = SETTINGS["OPENAI_MODEL"].default
"""The model an OpenAI-compatible host (Ollama, vLLM, llama.cpp server) is asked for by default."""
SETTINGS = {
    "openai_base_url": None, "openai_api_key": None, "openai_model": DEFAULT_OPENAI_MODEL,
    "llama_api_key": None, "llama_model": "llama3.1-8b", "llama_base_url": DEFAULT_LLAMA_API_URL,
    "gguf_path": None, "timeout_s": DEFAULT_TIMEOUT_S, "retries": MAX_RETRIES, "device": None,
}


def _llamacpp_problem(gguf_path) -> str | None:
    """Why the llamacpp backend cannot run, or ``None`` when it can."""
    if not gguf_path:
        return "no gguf_path set"
    if not Path(gguf_path).is_file():
        return f"GGUF file not found at {gguf_path}"
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install llama-cpp-python)"
    return None


def load_summariser(backend: str = "auto", **settings):
    """A summariser: ``summariser(documents=[Passage | str, ...], tags=[...]) -> Summary``,
    with ``Summary.evidence`` naming the passages behind each sentence and keyword.

    ``backend``: ``"auto"`` (llamacpp when ``gguf_path`` exists and llama-cpp-python
    imports, else openai when ``openai_base_url`` is set, else llamaapi when
    ``llama_api_key`` is set, else minilm), or one of ``"minilm"``, ``"llamaapi"``,
    ``"openai"``, ``"llamacpp"``. A Llama backend that cannot run falls back to minilm;
    the object's ``backend`` names what is used and ``warnings`` say why.
    Settings: ``openai_base_url``, ``openai_api_key``, ``openai_model``,
    ``llama_api_key``, ``llama_model``, ``llama_base_url``, ``gguf_path``,
    ``timeout_s`` (default 30), ``retries`` (0–2, default 2), ``device``.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise SummaryError("backend", f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise SummaryError(unknown[0], f"{unknown[0]}: unknown summariser setting (known: {', '.join(SETTINGS)})")
    config = {**SETTINGS, **{k: v for k, v in settings.items() if v is not None}}
    call = dict(zip(("timeout_s", "retries"),
                    validate_call_settings(timeout_s=config["timeout_s"], retries=config["retries"])))
    for name in ("openai_base_url", "llama_base_url"):
        url = config[name]
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            raise SummaryError(name, f"{name} must start with http:// or https://")
    warnings: list[str] = []

    if backend == "auto":
        problem = _llamacpp_problem(config["gguf_path"])
        if problem is None:
            backend = "llamacpp"
        else:
            if config["gguf_path"]:
                warnings.append(f"llamacpp skipped: {problem}")
            backend = ("openai" if config["openai_base_url"] else
                       "llamaapi" if config["llama_api_key"] else "minilm")

    offline = MiniLMSummariser(device=config["device"])
    chosen = None
    if backend == "llamacpp":
        problem = _llamacpp_problem(config["gguf_path"])
        if problem is None:
            try:
                chosen = LlamaCppSummariser(gguf_path=config["gguf_path"], fallback=offline,
                                            device=offline.device, **call)
            except Exception as error:  # a corrupt or unsupported GGUF must not stop the studio
                problem = f"could not load {Path(config['gguf_path']).name} ({type(error).__name__})"
        if chosen is None:
            warnings.append(f"llamacpp unavailable: {problem}; using the offline minilm summariser")
    elif backend == "openai":
        if config["openai_base_url"]:
            chosen = OpenAISummariser(base_url=config["openai_base_url"], api_key=config["openai_api_key"],
                                      model=config["openai_model"], fallback=offline, **call)
        else:
            warnings.append("openai unavailable: no openai_base_url set; using the offline minilm summariser")
    elif backend == "llamaapi":
        if config["llama_api_key"]:
            chosen = LlamaAPISummariser(api_key=config["llama_api_key"], model=config["llama_model"],
                                        base_url=config["llama_base_url"], fallback=offline, **call)
        else:
            warnings.append("llamaapi unavailable: no llama_api_key set; using the offline minilm summariser")
    summariser = chosen or offline
    summariser.warnings = warnings
    return summariser
