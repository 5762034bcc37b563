"""The studio's one readable orchestration: tags → videos → text → summary → soundtrack + cover.

The stages are ``stages.specs()``, in order; what each one does is its spec's runner
(``pipeline_stages.runners`` for the built-in ones) and ``pipeline_stages.run`` is the loop.
``Studio`` owns one instance of each stage (models load once per process) and runs a
search (or the creator's own clip) into its own run folder, returning a frozen
``StudioResult``. Turning that into files and JSON a browser can fetch is ``runs``'s job.
Every stage reports ``progress(stage, done, total)`` so the web UI and the CLI can show a
stage-by-stage bar. A failure inside one video or one generated artifact becomes a
warning; the rest of the search carries on.
"""
from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping

import stages
import utils
from pipeline_stages.run import Run, SearchCancelled, StageRecord
from pipeline_stages.runners import soundtrack_length
from search_input import ClipRequest, SearchRequest
from stages import overall_fraction

if TYPE_CHECKING:  # the stage packages load lazily: a CLI --help should not import torch
    from animate_text import Cover
    from music_gen import Soundtrack
    from summariser import Summary
    from tiktok_to_text import VideoText
    from tiktok_videos import Video

__all__ = ["SearchCancelled", "StageRecord", "Studio", "StudioResult", "VideoResult",
           "derive_seed", "overall_fraction", "soundtrack_length"]

log = logging.getLogger(__name__)


def derive_seed(tags: tuple[str, ...]) -> int:
    """A stable seed from the tags, so one search repeated gives the same soundtrack and cover."""
    key = "\n".join(sorted(t.casefold() for t in tags)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


@dataclass(frozen=True)
class VideoResult:
    """One video the search read, with what the text stage read from it."""

    video: "Video"
    text: "VideoText"


@dataclass(frozen=True)
class StudioResult:
    """Everything one search made, as Python objects; ``runs.publish`` turns it into files + JSON.

    ``run_dir`` holds the soundtrack and cover; ``soundtrack``/``cover`` are None when that
    stage failed (its reason is in ``warnings``); ``stages`` are in pipeline order, and
    ``outputs`` holds every stage's output by its name (a registered stage's too).
    """

    run_id: str
    run_dir: Path
    tags: tuple[str, ...]
    seed: int
    duration: int | str  # the soundtrack length asked for: seconds, or "match" (the clip's length)
    videos: tuple[VideoResult, ...]
    summary: "Summary"
    soundtrack: "Soundtrack | None"
    cover: "Cover | None"
    stages: tuple[StageRecord, ...]
    warnings: tuple[str, ...]
    outputs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def backends(self) -> dict[str, str | None]:
        return {s.name: s.backend for s in self.stages}

    @property
    def notes(self) -> dict[str, str]:
        return {s.name: s.note for s in self.stages if s.note}

    @property
    def timings(self) -> dict[str, float]:
        timings = {s.name: s.seconds for s in self.stages}
        timings["total"] = round(sum(timings.values()), 3)
        return timings


def _holds_model(name: str) -> bool:
    return name == "embed" or any(backend.weights for backend in stages.get(name).backends)


class Studio:
    """The stages of ``stages`` wired together, configured from a mapping (the Flask config).

    Stage objects are created on first use and kept, so a model loads once per
    process. ``search`` is serialised by a lock: on a small machine two searches
    at once would only slow each other down.
    """

    def __init__(self, config: Mapping[str, Any], *, models: "Studio | None" = None):
        """``models``: a studio on the same model settings whose model-holding stage objects (a
        stage with weights, the embedder) this one borrows and never closes, so the tests load the
        models once while each app has its own folders, database and video source."""
        self.config = dict(config)
        self.runs_dir = Path(self.config["TRENDTOK_RUNS_DIR"])
        self.cache_dir = Path(self.config["TRENDTOK_CACHE_DIR"])
        self._stages: dict[str, Any] = {}
        self._models = models
        self._borrowed: set[str] = set()
        self._load_lock = threading.Lock()
        # Re-entrant: a search holds it across its stages, and compose/draw take it when called alone.
        self._search_lock = threading.RLock()

    # -- stage objects -------------------------------------------------------------
    def _stage(self, name: str, factory: Callable[[], Any]) -> Any:
        with self._load_lock:
            if name not in self._stages and self._models is not None and _holds_model(name):
                self._stages[name] = self._models.embed if name == "embed" else self._models.loaded(name)
                self._borrowed.add(name)
            if name not in self._stages:
                started = time.perf_counter()
                self._stages[name] = factory()
                log.info("loaded %s stage in %.2f s", name, time.perf_counter() - started)
            return self._stages[name]

    def loaded(self, name: str) -> Any:
        """Stage ``name``'s object (its spec's ``load(studio)``), made on first use and kept."""
        spec = stages.get(name)
        if spec.load is None:
            raise KeyError(f"stage {name!r} has no object to load")
        return self._stage(name, lambda: stages.resolve(spec.load)(self))

    source = property(lambda self: self.loaded("videos"), doc="The videos stage's source.")
    extractor = property(lambda self: self.loaded("text"), doc="The text stage's extractor.")
    summariser = property(lambda self: self.loaded("summary"), doc="The summary stage's summariser.")
    music = property(lambda self: self.loaded("music"), doc="The music stage's generator.")
    cover = property(lambda self: self.loaded("cover"), doc="The cover stage's generator.")

    @property
    def embed(self):
        """The packaged MiniLM's sentence embedder (texts → unit vectors): the summariser's own, an
        LLM summariser's offline fallback's, else one loaded for it — one MiniLM in memory for the
        lake's categories and the sound suggestions alike."""
        summariser = self.summariser
        embed = getattr(summariser, "embed", None) or getattr(getattr(summariser, "offline", None), "embed", None)
        if embed is not None:
            return embed
        from pipeline_stages.loaders import load_embedder

        return self._stage("embed", lambda: load_embedder(self))

    def warm_up(self) -> None:
        """Load every stage now (the first search then pays no model load)."""
        for spec in stages.specs():
            if spec.load is None:
                continue
            try:
                self.loaded(spec.name)
            except Exception:  # a broken stage reports itself at search time, with context
                log.exception("warm-up of the %s stage failed", spec.name)

    def available_tags(self) -> list[str]:
        """Hashtags the configured source can answer, for suggestions in the UI."""
        try:
            return list(self.source.available_tags())
        except Exception as exc:
            log.warning("no tag suggestions: %s", exc)
            return []

    def close(self) -> None:
        """Close every loaded stage object that holds something (the text stage's worker pool)."""
        for name, stage in list(self._stages.items()):
            close = None if name in self._borrowed else getattr(stage, "close", None)
            if callable(close):
                close()

    def stage_report(self, name: str) -> tuple[str | None, str | None, list[str]]:
        """``(backend, note, warnings)`` of a loaded stage object; Nones when it never loaded."""
        stage = self._stages.get(name)
        return getattr(stage, "backend", None), getattr(stage, "note", None) or None, \
            list(getattr(stage, "warnings", None) or [])

    # -- one artifact ----------------------------------------------------------------
    def compose(self, *, description: str, duration: int, seed: int, out_dir: Path, clip_s: float = 0.0,
                progress: utils.Progress | None = None) -> "Soundtrack":
        """A soundtrack for ``description``: ``duration`` seconds (a 5-s step), or, with ``clip_s``
        > 0, made at ``duration`` and then trimmed (or looped) to exactly ``clip_s`` seconds."""
        from music_gen import match_length

        with self._search_lock:
            track = self.music(description=description, duration=duration, seed=seed, out_dir=out_dir,
                               progress=progress)
            return match_length(track, seconds=clip_s) if clip_s > 0 else track

    def draw(self, *, title: str, keywords: list[str], mood: str, seed: int, out_path: Path,
             progress: utils.Progress | None = None) -> "Cover":
        """A 9:16 cover for the idea ``title`` at ``out_path``."""
        with self._search_lock:
            return self.cover(title=title, keywords=keywords, mood=mood, seed=seed, out_path=out_path,
                            progress=progress)

    # -- the search ----------------------------------------------------------------
    def search(self, request: SearchRequest, *, progress: utils.StageProgress | None = None,
               should_stop: Callable[[], bool] | None = None) -> StudioResult:
        """Run one search into a fresh run folder.

        ``should_stop`` is asked before each stage; when it answers True the search
        raises ``SearchCancelled`` and its run folder is removed.
        """
        seed = request.seed if request.seed is not None else derive_seed(request.tags)
        return self._execute(Run(self, tags=request.tags, duration=request.duration, seed=seed,
                                 report=progress, should_stop=should_stop))

    def clip(self, request: ClipRequest, *, progress: utils.StageProgress | None = None,
             should_stop: Callable[[], bool] | None = None) -> StudioResult:
        """The studio on the creator's own clip: its transcript, captions, summary and idea, a
        soundtrack (``duration="match"``: as long as the clip) and a cover. Its ``tags`` are optional."""
        from tiktok_videos import Video, probe_duration, stable_id

        path = Path(request.path)
        clip_s = probe_duration(path)
        video = Video(id=stable_id("upload", request.name or path.name), title=request.title or "Your clip",
                      source="upload", url=None, path=path, duration_s=clip_s, description="",
                      tag=request.tags[0] if request.tags else "")
        seed = request.seed if request.seed is not None else derive_seed((video.id,))
        return self._execute(Run(self, tags=request.tags, duration=request.duration, seed=seed,
                                 report=progress, should_stop=should_stop, clip=video))

    def _execute(self, run: Run) -> StudioResult:
        with self._search_lock:
            try:
                records = run.execute()
            except SearchCancelled:
                shutil.rmtree(run.run_dir, ignore_errors=True)
                raise
        out = run.outputs
        summary = out["summary"]
        return StudioResult(
            run_id=run.run_id, run_dir=run.run_dir, tags=tuple(run.tags), seed=run.seed, duration=run.duration,
            videos=tuple(VideoResult(v, t) for v, t in zip(out.get("videos") or [], out.get("text") or [])),
            summary=summary, soundtrack=out.get("music"), cover=out.get("cover"), stages=records,
            warnings=tuple(dict.fromkeys(run.warnings + list(summary.warnings))),
            outputs=MappingProxyType(dict(out)),
        )
