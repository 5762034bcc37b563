"""The studio's stages, one ``StageSpec`` each, in running order: the one list that the pipeline,
``init.py``'s readiness table, the run JSON (``runs``), ``remix``, the OpenAPI document and the
run page read.

    videos → text → summary → music → cover

A spec names its code by ``"module:function"`` references, resolved on first use, so importing
this module (every CLI's ``--help``, the web layer) loads no stage package, model or torch.
Adding a stage is one ``register(StageSpec(...))``; ``tests/test_stages.py`` shows one.
"""
from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import licences
import settings


def resolve(ref: str | Callable[..., Any]) -> Callable[..., Any]:
    """The callable ``ref`` names: itself, or ``module:function`` imported now."""
    if callable(ref):
        return ref
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Weights:
    """What one backend needs on disk, as ``init.py`` shows it: ``kind`` is ``embedded`` (ships
    with pip), ``pip`` (weights in an optional pip package), ``hub`` (Hugging Face, the one kind
    ``init.py`` downloads), ``file`` or ``remote``; ``locate`` answers where they are (None: absent).
    ``configured`` is False when the backend's own settings are empty (no GGUF path, no URL)."""

    model: str
    kind: str
    locate: Callable[[], Path | None]
    configured: bool = True
    licence: str = ""
    why_missing: Callable[[], str] | None = None


@dataclass(frozen=True)
class Backend:
    """One thing a stage can run on. ``weights``: a reference to ``weights(settings) -> Weights``
    (None: it has nothing on disk to check, like a video source)."""

    name: str
    weights: str | Callable[[Mapping[str, Any]], Weights] | None = None


@dataclass(frozen=True)
class StageSpec:
    """One stage of the studio.

    ``run(run) -> output`` does the stage inside one search (``pipeline_stages.run.Run``: the
    tags, the run folder, earlier stages' ``outputs``); ``load(studio) -> object`` makes the
    stage's model-holding object, kept for the process (``Studio.loaded``). ``part`` is the key of
    the result JSON the stage fills; ``to_json(output, url, *, seed)`` writes that part when the
    stage makes a file (``part`` and ``part_url`` are then set), with ``schema`` its JSON Schema.
    ``remake(studio, parent, *, run_dir, seed, progress, locate)`` redoes it for ``remix`` (None: a remix
    cannot), and ``noun`` is what it makes, as buttons and the history say it.
    """

    name: str
    label: str
    share: float
    run: str | Callable[..., Any]
    setting: str | None = None
    backends: tuple[Backend, ...] = ()
    load: str | Callable[..., Any] | None = None
    part: str | None = None
    to_json: str | Callable[..., Any] | None = None
    schema: Mapping[str, Any] | None = field(default=None, compare=False)
    remake: str | Callable[..., Any] | None = None
    noun: str = ""

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The values its setting allows, as ``settings`` declares them (None: no setting)."""
        if self.setting is None:
            return None
        declared = settings.SETTINGS.get(self.setting)
        return tuple(declared.choices) if declared is not None and declared.choices else None

    @property
    def remixable(self) -> bool:
        return self.remake is not None


_lock = threading.Lock()
_specs: dict[str, StageSpec] = {}


def register(spec: StageSpec, *, before: str | None = None) -> StageSpec:
    """Add ``spec`` at the end (or just before stage ``before``); a name already taken is refused."""
    with _lock:
        if spec.name in _specs:
            raise ValueError(f"stage {spec.name!r} is registered already")
        if spec.share < 0:
            raise ValueError(f"stage {spec.name!r}: share must be 0 or more, not {spec.share}")
        if before is None:
            _specs[spec.name] = spec
            return spec
        if before not in _specs:
            raise KeyError(before)
        items = list(_specs.items())
        at = [name for name, _ in items].index(before)
        _specs.clear()
        _specs.update(items[:at] + [(spec.name, spec)] + items[at:])
    return spec


def unregister(name: str) -> StageSpec:
    """Take stage ``name`` out again (a test's toy stage); ``KeyError`` when there is none."""
    with _lock:
        return _specs.pop(name)


def specs() -> tuple[StageSpec, ...]:
    """Every stage, in running order."""
    with _lock:
        return tuple(_specs.values())


def get(name: str) -> StageSpec:
    """Stage ``name``'s spec; ``KeyError`` for a name no stage has."""
    with _lock:
        return _specs[name]


def names() -> tuple[str, ...]:
    return tuple(spec.name for spec in specs())


def labels() -> dict[str, str]:
    """What the UI and CLI call each stage, in running order."""
    return {spec.name: spec.label for spec in specs()}


def remixable() -> tuple[str, ...]:
    """The stages a remix can redo, in running order."""
    return tuple(spec.name for spec in specs() if spec.remixable)


def overall_fraction(stage: str, done: int, total: int) -> float:
    """Map a stage's ``done/total`` to the 0–1 fraction of the whole search (each stage weighs
    its ``share`` of the shares' sum, so a registered stage never pushes the bar past 1)."""
    every = specs()
    whole = sum(spec.share for spec in every) or 1.0
    before = 0.0
    for spec in every:
        if spec.name == stage:
            return round((before + spec.share * (done / total if total else 1.0)) / whole, 4)
        before += spec.share
    raise KeyError(stage)


def _part(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": ["object", "null"], "required": required, "properties": properties}


_NUMBER, _TEXT = {"type": "number"}, {"type": "string"}
_BUILT_IN = "pipeline_stages.runners"
_WEIGHTS = "pipeline_stages.weights"
_LOADERS = "pipeline_stages.loaders"
_REMAKE = "pipeline_stages.remakes"

register(StageSpec(
    "videos", "Videos: gathering the clips", 0.10, f"{_BUILT_IN}:find_videos", setting="TRENDTOK_SOURCE",
    backends=(Backend("library"), Backend("drive"), Backend("ytdlp")), load=f"{_LOADERS}:load_source",
    part="videos", noun="videos"))
register(StageSpec(
    "text", "Text: transcribing speech, reading on-screen text", 0.45, f"{_BUILT_IN}:read_texts",
    setting="TRENDTOK_TRANSCRIBER",
    backends=(Backend("sphinx", f"{_WEIGHTS}:sphinx"), Backend("rapidocr", f"{_WEIGHTS}:rapidocr"),
              Backend("whisper", f"{_WEIGHTS}:whisper"), Backend("google")),
    load=f"{_LOADERS}:load_extractor", part="videos", noun="transcripts"))
register(StageSpec(
    "summary", "Summary: writing the summary and trend idea", 0.10, f"{_BUILT_IN}:summarise",
    setting="TRENDTOK_SUMMARISER",
    backends=(Backend("minilm", f"{_WEIGHTS}:minilm"), Backend("llamacpp", f"{_WEIGHTS}:llamacpp"),
              Backend("openai", f"{_WEIGHTS}:openai"), Backend("llamaapi", f"{_WEIGHTS}:llamaapi")),
    load=f"{_LOADERS}:load_summariser", part="summary", noun="summary"))
register(StageSpec(
    "music", "Music: composing the soundtrack", 0.20, f"{_BUILT_IN}:compose", setting="TRENDTOK_MUSIC",
    backends=(Backend("composer", f"{_WEIGHTS}:composer"), Backend("musicgen", f"{_WEIGHTS}:musicgen")),
    load=f"{_LOADERS}:load_music", part="music", to_json="runs:music_json",
    schema=_part({"url": _TEXT, "midi_url": {"type": ["string", "null"]}, "duration_s": _NUMBER, "bpm": _NUMBER,
                  "key": _TEXT, "backend": _TEXT, "seed": {"type": "integer"}, "licence": licences.SCHEMA},
                 ["url", "duration_s", "backend", "licence"]),
    remake=f"{_REMAKE}:remake_music", noun="soundtrack"))
register(StageSpec(
    "cover", "Cover: rendering the cover", 0.15, f"{_BUILT_IN}:draw", setting="TRENDTOK_COVER",
    backends=(Backend("poster", f"{_WEIGHTS}:poster"), Backend("stable-diffusion", f"{_WEIGHTS}:stable_diffusion")),
    load=f"{_LOADERS}:load_cover", part="cover", to_json="runs:cover_json",
    schema=_part({"url": _TEXT, "width": {"type": "integer"}, "height": {"type": "integer"}, "backend": _TEXT,
                  "seed": {"type": "integer"}}, ["url", "width", "height", "backend"]),
    remake=f"{_REMAKE}:remake_cover", noun="cover"))
