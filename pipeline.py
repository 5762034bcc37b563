"""The studio's one readable orchestration: tags → videos → text → summary → soundtrack + cover.

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
import math
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

import utils
from errors import Cancelled
from search_input import ClipRequest, SearchRequest
from settings import models_dir, parse_size

if TYPE_CHECKING:  # the stage packages load lazily: a CLI --help should not import torch
    from animate_text import Artwork
    from music_gen import Soundtrack
    from summariser import Summary
    from tiktok_to_text import VideoText
    from tiktok_videos import Video

log = logging.getLogger(__name__)

#: Stages in order, with their share of the overall progress bar (sums to 1).
STAGES: dict[str, float] = {"videos": 0.10, "text": 0.45, "summary": 0.10, "music": 0.20, "image": 0.15}
#: What the UI and CLI call each stage: its name first, so a label, a setting and an error read alike.
STAGE_LABELS = {
    "videos": "Videos: gathering the clips",
    "text": "Text: transcribing speech, reading on-screen text",
    "summary": "Summary: writing the summary and trend idea",
    "music": "Music: composing the soundtrack",
    "image": "Image: rendering the cover",
}


class SearchCancelled(Cancelled):
    """The caller's ``should_stop`` said stop; raised at the boundary before ``stage``."""

    def __init__(self, stage: str):
        super().__init__(None, f"cancelled before the {stage} stage")
        self.stage = stage


def overall_fraction(stage: str, done: int, total: int) -> float:
    """Map a stage's ``done/total`` to the 0–1 fraction of the whole search."""
    before = 0.0
    for name, weight in STAGES.items():
        if name == stage:
            return round(before + weight * (done / total if total else 1.0), 4)
        before += weight
    raise KeyError(stage)


def derive_seed(tags: tuple[str, ...]) -> int:
    """A stable seed from the tags, so one search repeated gives the same music and art."""
    key = "\n".join(sorted(t.casefold() for t in tags)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


def soundtrack_length(clip_s: float) -> int:
    """The soundtrack length to generate for a clip of ``clip_s`` seconds: rounded up to the
    5-s grid, at most 60 s (a longer clip loops the soundtrack, which is made to loop)."""
    from music_gen import DURATIONS

    steps = max(1, math.ceil(round(clip_s, 3) / DURATIONS.step))
    return min(DURATIONS[-1], max(DURATIONS[0], steps * DURATIONS.step))


@dataclass(frozen=True)
class StageRecord:
    """How one stage ran: ``backend`` it used (None when it did not run), ``seconds`` it took,
    and ``note`` (why ``auto`` chose an embedded default; shown in the page footer)."""

    name: str
    backend: str | None
    seconds: float
    note: str | None = None


@dataclass(frozen=True)
class VideoResult:
    """One video the search read, with what the text stage read from it."""

    video: "Video"
    text: "VideoText"


@dataclass(frozen=True)
class StudioResult:
    """Everything one search made, as Python objects; ``runs.publish`` turns it into files + JSON.

    ``run_dir`` holds the soundtrack and cover; ``soundtrack``/``cover`` are None when that
    stage failed (its reason is in ``warnings``); ``stages`` are in pipeline order.
    """

    run_id: str
    run_dir: Path
    tags: tuple[str, ...]
    seed: int
    duration: int | str  # the soundtrack length asked for: seconds, or "match" (the clip's length)
    videos: tuple[VideoResult, ...]
    summary: "Summary"
    soundtrack: "Soundtrack | None"
    cover: "Artwork | None"
    stages: tuple[StageRecord, ...]
    warnings: tuple[str, ...]

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


class Studio:
    """The five stages wired together, configured from a mapping (the Flask config).

    Stage objects are created on first use and kept, so a model loads once per
    process. ``search`` is serialised by a lock: on a small machine two searches
    at once would only slow each other down.
    """

    def __init__(self, config: Mapping[str, Any]):
        self.config = dict(config)
        self.runs_dir = Path(self.config["TRENDTOK_RUNS_DIR"])
        self.cache_dir = Path(self.config["TRENDTOK_CACHE_DIR"])
        self._stages: dict[str, Any] = {}
        self._load_lock = threading.Lock()
        # Re-entrant: a search holds it across its stages, and compose/draw take it when called alone.
        self._search_lock = threading.RLock()

    # -- stage objects -------------------------------------------------------------
    def _stage(self, name: str, factory: Callable[[], Any]) -> Any:
        with self._load_lock:
            if name not in self._stages:
                started = time.perf_counter()
                self._stages[name] = factory()
                log.info("loaded %s stage in %.2f s", name, time.perf_counter() - started)
            return self._stages[name]

    @property
    def source(self):
        from tiktok_videos import load_source

        def make():
            c, name = self.config, self.config["TRENDTOK_SOURCE"]
            if name == "library":
                return load_source("library", library_dir=c.get("TRENDTOK_LIBRARY"))
            if name == "drive":
                return load_source(
                    "drive",
                    folders_file=c.get("TRENDTOK_DRIVE_FOLDERS"),
                    credentials_file=c.get("GOOGLE_SERVICE_ACCOUNT_FILE"),
                )
            if name == "ytdlp":
                return load_source("ytdlp", url_template=c["TRENDTOK_YTDLP_URL"])
            return load_source(name)  # raises VideoSourceError naming the unknown source

        return self._stage("source", make)

    @property
    def extractor(self):
        from tiktok_to_text import TextExtractor

        c = self.config
        return self._stage("text", lambda: TextExtractor(
            transcriber=c["TRENDTOK_TRANSCRIBER"],
            ocr=bool(c["TRENDTOK_OCR"]),
            workers=int(c["TRENDTOK_WORKERS"]),
            pool=c["TRENDTOK_POOL"],
            cache_dir=self.cache_dir / "text",
            whisper_model=c.get("WHISPER_MODEL"),
            device=c.get("TRENDTOK_DEVICE"),
            models_dir=models_dir(c),
        ))

    @property
    def summariser(self):
        from summariser import load_summariser

        c = self.config
        return self._stage("summary", lambda: load_summariser(
            c["TRENDTOK_SUMMARISER"],
            openai_base_url=c.get("OPENAI_BASE_URL"),
            openai_api_key=c.get("OPENAI_API_KEY"),
            openai_model=c.get("OPENAI_MODEL"),
            llama_api_key=c.get("LLAMA_API_KEY"),
            gguf_path=c.get("LLAMA_GGUF"),
            device=c.get("TRENDTOK_DEVICE"),
        ))

    @property
    def embed(self):
        """The packaged MiniLM's sentence embedder (texts → unit vectors): the summariser's own, an
        LLM summariser's offline fallback's, else one loaded for it — one MiniLM in memory for the
        lake's categories and the sound suggestions alike."""
        summariser = self.summariser
        embed = getattr(summariser, "embed", None) or getattr(getattr(summariser, "offline", None), "embed", None)
        if embed is not None:
            return embed

        def make():
            from summariser import load_summariser

            return load_summariser("minilm", device=self.config.get("TRENDTOK_DEVICE")).embed

        return self._stage("embed", make)

    @property
    def music(self):
        from music_gen import load_music_generator

        c = self.config
        return self._stage("music", lambda: load_music_generator(
            c["TRENDTOK_MUSIC"], model=c.get("MUSICGEN_MODEL"), device=c.get("TRENDTOK_DEVICE"),
        ))

    @property
    def art(self):
        from animate_text import load_art_generator

        c = self.config
        return self._stage("image", lambda: load_art_generator(
            c["TRENDTOK_COVER"], model=c.get("SD_MODEL"), device=c.get("TRENDTOK_DEVICE"),
            steps=int(c["SD_STEPS"]), size=parse_size("SD_SIZE", c["SD_SIZE"]),
        ))

    def warm_up(self) -> None:
        """Load every stage now (the first search then pays no model load)."""
        for name in ("source", "extractor", "summariser", "music", "art"):
            try:
                getattr(self, name)
            except Exception:  # a broken stage reports itself at search time, with context
                log.exception("warm-up of the %s stage failed", name)

    def available_tags(self) -> list[str]:
        """Hashtags the configured source can answer, for suggestions in the UI."""
        try:
            return list(self.source.available_tags())
        except Exception as exc:
            log.warning("no tag suggestions: %s", exc)
            return []

    def close(self) -> None:
        extractor = self._stages.get("text")
        if extractor is not None:
            extractor.close()

    def stage_report(self, name: str) -> tuple[str | None, str | None, list[str]]:
        """``(backend, note, warnings)`` of a loaded stage object; Nones when it never loaded."""
        stage = self._stages.get(name)
        return getattr(stage, "backend", None), getattr(stage, "note", None) or None, \
            list(getattr(stage, "warnings", None) or [])

    # -- one artifact ----------------------------------------------------------------
    def compose(self, *, description: str, duration: int, seed: int, out_dir: Path, clip_s: float = 0.0,
                progress: Callable[[int, int], None] | None = None) -> "Soundtrack":
        """A soundtrack for ``description``: ``duration`` seconds (a 5-s step), or, with ``clip_s``
        > 0, made at ``duration`` and then trimmed (or looped) to exactly ``clip_s`` seconds."""
        from music_gen import match_length

        with self._search_lock:
            track = self.music(description=description, duration=duration, seed=seed, out_dir=out_dir,
                               progress=progress)
            return match_length(track, seconds=clip_s) if clip_s > 0 else track

    def draw(self, *, title: str, keywords: list[str], mood: str, seed: int, out_path: Path,
             progress: Callable[[int, int], None] | None = None) -> "Artwork":
        """A 9:16 cover for the idea ``title`` at ``out_path``."""
        with self._search_lock:
            return self.art(title=title, keywords=keywords, mood=mood, seed=seed, out_path=out_path,
                            progress=progress)

    # -- the search ----------------------------------------------------------------
    def search(self, request: SearchRequest, *, progress: utils.StageProgress | None = None,
               should_stop: Callable[[], bool] | None = None) -> StudioResult:
        """Run one search into a fresh run folder.

        ``should_stop`` is asked before each stage; when it answers True the search
        raises ``SearchCancelled`` and its run folder is removed.
        """
        return self._execute(_Run(self, tags=request.tags, duration=request.duration, seed=request.seed,
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
        return self._execute(_Run(self, tags=request.tags, duration=request.duration, seed=seed,
                                  report=progress, should_stop=should_stop, clip=video))

    def _execute(self, run: "_Run") -> StudioResult:
        with self._search_lock:
            try:
                return run.execute()
            except SearchCancelled:
                shutil.rmtree(run.run_dir, ignore_errors=True)
                raise


class _Run:
    """One search: its run folder, warnings and timings."""

    def __init__(self, studio: Studio, *, tags: tuple[str, ...], duration: int | str, seed: int | None,
                 report: utils.StageProgress | None, should_stop: Callable[[], bool] | None, clip: "Video | None" = None):
        self.studio = studio
        self.tags = tags
        self.duration = duration
        self.clip = clip
        self.report = report or (lambda stage, done, total: None)
        self.should_stop = should_stop or (lambda: False)
        self.run_id = utils.new_run_id()
        self.run_dir = studio.runs_dir / self.run_id
        self.warnings: list[str] = []
        self.timings: dict[str, float] = {}
        self.seed = seed if seed is not None else derive_seed(tags)

    def _timed(self, stage: str, work: Callable[[], Any]) -> Any:
        if self.should_stop():
            raise SearchCancelled(stage)
        started = time.perf_counter()
        self.report(stage, 0, 1)
        try:
            return work()
        finally:
            self.timings[stage] = round(time.perf_counter() - started, 3)
            self.report(stage, 1, 1)

    def execute(self) -> StudioResult:
        self.run_dir.mkdir(parents=True)
        videos = self._timed("videos", self._find_videos)
        texts = self._timed("text", lambda: self._read_texts(videos))
        summary = self._timed("summary", lambda: self._summarise(videos, texts))
        soundtrack = self._timed("music", lambda: self._compose(summary))
        cover = self._timed("image", lambda: self._draw(summary))
        backends = {"videos": "upload" if self.clip else self.studio.source.name, "summary": summary.backend,
                    "music": soundtrack.backend if soundtrack else None, "image": cover.backend if cover else None}
        stages = []
        for name in STAGES:
            backend, note, warnings = self.studio.stage_report(name) if name != "videos" else (None, None, [])
            self.warnings.extend(warnings)
            stages.append(StageRecord(name, backends.get(name, backend), self.timings[name], note))
        return StudioResult(
            run_id=self.run_id, run_dir=self.run_dir, tags=tuple(self.tags), seed=self.seed, duration=self.duration,
            videos=tuple(VideoResult(v, t) for v, t in zip(videos, texts)), summary=summary,
            soundtrack=soundtrack, cover=cover, stages=tuple(stages),
            warnings=tuple(dict.fromkeys(self.warnings + list(summary.warnings))),
        )

    # -- stages ----------------------------------------------------------------------
    def _find_videos(self) -> list:
        from tiktok_videos import VideoSourceError

        if self.clip is not None:
            return [self.clip]
        source = self.studio.source
        limit = int(self.studio.config["TRENDTOK_VIDEOS_PER_TAG"])
        found: dict[str, Any] = {}
        for done, tag in enumerate(self.tags, start=1):
            try:
                videos, warnings = source.fetch(tag, limit=limit, dest=self.run_dir / "videos")
            except VideoSourceError as exc:
                videos, warnings = [], [str(exc)]
            self.warnings.extend(warnings)
            if not videos:
                self.warnings.append(f"#{tag}: no videos found; the result is built from the tag text")
            for video in videos:
                found.setdefault(video.id, video)
            self.report("videos", done, len(self.tags))
        return list(found.values())

    def _read_texts(self, videos: list) -> list:
        if not videos:
            return []
        texts = self.studio.extractor(
            [v.path for v in videos], progress=lambda done, total: self.report("text", done, total)
        )
        for video, text in zip(videos, texts):
            self.warnings.extend(f"{video.title}: {w}" for w in text.warnings)
        return texts

    def _summarise(self, videos: list, texts: list):
        from summariser import Passage

        # In the order the summariser trusts them: what was said, what the creator wrote,
        # then on-screen text nobody says (spoken captions would only repeat the transcript).
        passages: list[Passage] = []
        for video, text in zip(videos, texts):
            passages += [Passage(s.text, "transcript", video.id, s.start_s) for s in text.segments]
        for video in videos:
            if video.source != "upload":  # "Your clip" is our label, not the creator's words
                passages += [Passage(video.title, "title", video.id),
                             Passage(video.description, "description", video.id)]
        for video, text in zip(videos, texts):
            passages += [Passage(c.text, "caption", video.id, c.start_s) for c in text.unspoken_captions]
        return self.studio.summariser(documents=[p for p in passages if p.text and p.text.strip()],
                                      tags=list(self.tags))

    def _compose(self, summary) -> "Soundtrack | None":
        match = self.duration == "match"
        clip_s = float(self.clip.duration_s) if match and self.clip is not None else 0.0
        if match and clip_s <= 0:
            self.warnings.append("music: the clip's length could not be read; the soundtrack is 15 s")
        duration = soundtrack_length(clip_s) if clip_s > 0 else (15 if match else int(self.duration))
        try:
            return self.studio.compose(description=summary.song_description, duration=duration, seed=self.seed,
                                       out_dir=self.run_dir, clip_s=clip_s,
                                       progress=lambda done, total: self.report("music", done, total))
        except Exception as exc:  # the summary and cover are still worth returning
            log.exception("soundtrack failed")
            self.warnings.append(f"music: {exc}")
            return None

    def _draw(self, summary) -> "Artwork | None":
        try:
            return self.studio.draw(title=summary.idea["title"], keywords=list(summary.keywords),
                                    mood=summary.mood, seed=self.seed, out_path=self.run_dir / "cover.png",
                                    progress=lambda done, total: self.report("image", done, total))
        except Exception as exc:
            log.exception("cover art failed")
            self.warnings.append(f"image: {exc}")
            return None
