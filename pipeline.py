"""The studio's one readable orchestration: tags → videos → text → summary → soundtrack + cover.

``Studio`` owns one instance of each stage (models load once per process) and runs a
search into its own run folder. Every stage reports ``progress(stage, done, total)``
so the web UI and the CLI can show a stage-by-stage bar. A failure inside one video
or one generated artifact becomes a warning; the rest of the search carries on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import utils
from search_input import SearchRequest
from settings import models_dir, parse_size

log = logging.getLogger(__name__)

#: Stages in order, with their share of the overall progress bar (sums to 1).
STAGES: dict[str, float] = {"videos": 0.10, "text": 0.45, "summary": 0.10, "music": 0.20, "image": 0.15}
STAGE_LABELS = {
    "videos": "Finding trending videos",
    "text": "Transcribing speech and reading on-screen text",
    "summary": "Summarising and writing the trend idea",
    "music": "Composing the soundtrack",
    "image": "Rendering the cover art",
}

Progress = Callable[[str, int, int], None]


class SearchCancelled(Exception):
    """The caller's ``should_stop`` said stop; raised at the boundary before ``stage``."""

    def __init__(self, stage: str):
        super().__init__(f"cancelled before the {stage} stage")
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


def _publish(src: Path, dest: Path) -> None:
    """Make ``src`` servable from the run folder: a hard link when possible, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        with utils.atomic_path(dest) as tmp:
            shutil.copyfile(src, tmp)


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
        self._search_lock = threading.Lock()

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
                return load_source("library", library_dir=c.get("TRENDTOK_LIBRARY") or None)
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
            whisper_model=c.get("WHISPER_MODEL") or None,
            device=c.get("TRENDTOK_DEVICE") or None,
            models_dir=models_dir(c),
        ))

    @property
    def summariser(self):
        from summariser import load_summariser

        c = self.config
        return self._stage("summary", lambda: load_summariser(
            c["TRENDTOK_SUMMARISER"],
            openai_base_url=c.get("OPENAI_BASE_URL") or None,
            openai_api_key=c.get("OPENAI_API_KEY") or None,
            openai_model=c.get("OPENAI_MODEL") or None,
            llama_api_key=c.get("LLAMA_API_KEY") or None,
            gguf_path=c.get("LLAMA_GGUF") or None,
            device=c.get("TRENDTOK_DEVICE") or None,
        ))

    @property
    def music(self):
        from music_gen import load_music_generator

        c = self.config
        return self._stage("music", lambda: load_music_generator(
            c["TRENDTOK_MUSIC"], model=c.get("MUSICGEN_MODEL") or None, device=c.get("TRENDTOK_DEVICE") or None,
        ))

    @property
    def art(self):
        from animate_text import load_art_generator

        c = self.config
        return self._stage("image", lambda: load_art_generator(
            c["TRENDTOK_IMAGE"], model=c.get("SD_MODEL") or None, device=c.get("TRENDTOK_DEVICE") or None,
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

    # -- the search ----------------------------------------------------------------
    def search(self, request: SearchRequest, *, progress: Progress | None = None,
               should_stop: Callable[[], bool] | None = None, url_prefix: str = "/runs") -> dict[str, Any]:
        """Run one search into a fresh run folder and return the JSON-safe result.

        ``should_stop`` is asked before each stage; when it answers True the search
        raises ``SearchCancelled`` and its run folder is removed.
        """
        report = progress or (lambda stage, done, total: None)
        with self._search_lock:
            run = _Run(self, request, report, url_prefix, should_stop or (lambda: False))
            try:
                return run.execute()
            except SearchCancelled:
                shutil.rmtree(run.run_dir, ignore_errors=True)
                raise


class _Run:
    """One search: its run folder, warnings and timings."""

    def __init__(self, studio: Studio, request: SearchRequest, report: Progress, url_prefix: str,
                 should_stop: Callable[[], bool]):
        self.studio = studio
        self.should_stop = should_stop
        self.request = request
        self.report = report
        self.run_id = utils.new_run_id()
        self.run_dir = studio.runs_dir / self.run_id
        self.url_prefix = f"{url_prefix.rstrip('/')}/{self.run_id}"
        self.warnings: list[str] = []
        self.timings: dict[str, float] = {}
        self.seed = request.seed if request.seed is not None else derive_seed(request.tags)

    def _url(self, relative: str) -> str:
        return f"{self.url_prefix}/{relative}"

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

    def execute(self) -> dict[str, Any]:
        self.run_dir.mkdir(parents=True)
        videos = self._timed("videos", self._find_videos)
        texts = self._timed("text", lambda: self._read_texts(videos))
        summary = self._timed("summary", lambda: self._summarise(videos, texts))
        music = self._timed("music", lambda: self._compose(summary))
        image = self._timed("image", lambda: self._draw(summary))
        self.timings["total"] = round(sum(self.timings.values()), 3)
        notes: dict[str, str] = {}
        for stage in ("text", "summary", "music", "image"):
            stage_object = self.studio._stages.get(stage)
            self.warnings.extend(getattr(stage_object, "warnings", None) or [])
            # "auto" choosing the embedded default is how the studio is meant to run without
            # the neural weights: a note for the page footer, never a warning.
            if getattr(stage_object, "note", None):
                notes[stage] = stage_object.note
        result = {
            "run_id": self.run_id,
            "input_tags": list(self.request.tags),
            "summary": summary.summary,
            "evidence": summary.evidence,
            "tags": ", ".join(summary.keywords),
            "keywords": list(summary.keywords),
            "idea": dict(summary.idea),
            "song_description": summary.song_description,
            "mood": summary.mood,
            "videos": [self._video_entry(v, t) for v, t in zip(videos, texts)],
            "music": music,
            "music_url": music["url"] if music else None,
            "image": image,
            "image_url": image["url"] if image else None,
            "seed": self.seed,
            "backends": {
                "videos": self.studio.source.name,
                "text": getattr(self.studio._stages.get("text"), "backend", None),
                "summary": summary.backend,
                "music": music["backend"] if music else None,
                "image": image["backend"] if image else None,
            },
            "notes": notes,
            "warnings": list(dict.fromkeys(self.warnings + list(summary.warnings))),
            "timings": self.timings,
        }
        utils.atomic_write_json(self.run_dir / "result.json", result)
        return result

    # -- stages ----------------------------------------------------------------------
    def _find_videos(self) -> list:
        from tiktok_videos import VideoSourceError

        source = self.studio.source
        limit = int(self.studio.config["TRENDTOK_VIDEOS_PER_TAG"])
        found: dict[str, Any] = {}
        tags = self.request.tags
        for done, tag in enumerate(tags, start=1):
            try:
                videos, warnings = source.fetch(tag, limit=limit, dest=self.run_dir / "videos")
            except VideoSourceError as exc:
                videos, warnings = [], [str(exc)]
            self.warnings.extend(warnings)
            if not videos:
                self.warnings.append(f"#{tag}: no videos found; the result is built from the tag text")
            for video in videos:
                found.setdefault(video.id, video)
            self.report("videos", done, len(tags))
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
            passages += [Passage(video.title, "title", video.id), Passage(video.description, "description", video.id)]
        for video, text in zip(videos, texts):
            passages += [Passage(c.text, "caption", video.id, c.start_s) for c in text.unspoken_captions]
        return self.studio.summariser(documents=[p for p in passages if p.text and p.text.strip()],
                                      tags=list(self.request.tags))

    def _compose(self, summary) -> dict[str, Any] | None:
        def on_step(done: int, total: int) -> None:
            self.report("music", done, total)

        try:
            track = self.studio.music(description=summary.song_description, duration=self.request.duration,
                                      seed=self.seed, out_dir=self.run_dir, progress=on_step)
        except Exception as exc:  # the summary and cover are still worth returning
            log.exception("soundtrack failed")
            self.warnings.append(f"soundtrack: {exc}")
            return None
        return {
            "url": self._url(track.wav_path.name),
            "midi_url": self._url(track.midi_path.name) if track.midi_path else None,
            "duration_s": track.duration_s,
            "bpm": track.bpm,
            "key": track.key,
            "backend": track.backend,
        }

    def _draw(self, summary) -> dict[str, Any] | None:
        try:
            artwork = self.studio.art(title=summary.idea["title"], keywords=list(summary.keywords),
                                      mood=summary.mood, seed=self.seed, out_path=self.run_dir / "cover.png",
                                      progress=lambda done, total: self.report("image", done, total))
        except Exception as exc:
            log.exception("cover art failed")
            self.warnings.append(f"cover art: {exc}")
            return None
        return {"url": self._url(artwork.path.name), "width": artwork.width, "height": artwork.height,
                "backend": artwork.backend}

    def _video_entry(self, video, text) -> dict[str, Any]:
        from tiktok_videos import write_poster_frame

        local = Path(video.path)
        published = self.run_dir / "videos" / local.name
        if local.resolve().parent != published.parent.resolve():
            # Library videos live outside the run folder; give each its own generated name.
            published = self.run_dir / "videos" / f"library-{video.id[:16]}{local.suffix.lower()}"
            try:
                _publish(local, published)
            except OSError as exc:
                self.warnings.append(f"{video.title}: could not publish the video for playback ({exc})")
        poster = published.with_suffix(".jpg")
        try:
            write_poster_frame(local, poster, at_s=min(1.0, float(video.duration_s) / 2))
        except (OSError, subprocess.SubprocessError):
            poster = None  # the player still works; it just starts as a dark box
        return {
            "id": video.id,
            "title": video.title,
            "tag": video.tag,
            "source": video.source,
            "url": video.url,
            "video_url": self._url(f"videos/{published.name}"),
            "poster_url": self._url(f"videos/{poster.name}") if poster else None,
            "duration_s": round(float(video.duration_s), 2),
            "description": video.description,
            "transcript": text.transcript,
            "language": text.language,
            "segments": [dataclasses.asdict(s) for s in text.segments],
            "captions": [dataclasses.asdict(c) for c in text.captions],
        }
