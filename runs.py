"""Run folders: a ``StudioResult`` made servable (its files published, its JSON written), and read back.

A run folder is ``<TRENDTOK_RUNS_DIR>/<run_id>/``: the soundtrack and cover the stages wrote,
``videos/`` with every video the run read and a poster frame of each, ``captions/`` with the
word-timed captions (WebVTT and SRT) of each video that has words and ``captions.vtt`` / ``.srt``
beside them for the run (the uploaded clip's, else the first captioned video's), and ``result.json`` —
the JSON ``POST /search`` answers and a job's result carries, with URLs under ``url_prefix``.
``result.json`` is written last (temp + rename), so a run folder without it is unfinished.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import licences
import stages
import utils
from errors import NotFound, StudioError
from pipeline import StudioResult, VideoResult

if TYPE_CHECKING:
    from animate_text import Cover
    from music_gen import Soundtrack
    from tiktok_to_text import VideoText

RESULT_NAME = "result.json"
#: Where a run keeps each video's word-timed captions (``<video file stem>.vtt`` and ``.srt``).
CAPTIONS_DIR = "captions"


class RunNotFound(NotFound):
    """No finished run has this id (``run_id``); callers say so in their own words."""

    def __init__(self, run_id: str):
        super().__init__("run_id", f"run_id: no finished run {run_id!r}")
        self.run_id = run_id


def _publish_file(src: Path, dest: Path) -> None:
    """Make ``src`` servable from the run folder: a hard link when possible, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except FileExistsError:
        pass
    except OSError:
        with utils.atomic_path(dest) as tmp:
            shutil.copyfile(src, tmp)


def _sniffed_suffix(path: Path) -> str:
    """``.mp4``, ``.webm``… from the file's magic bytes, so the server sends a type a browser plays."""
    from uploads import sniff

    try:
        with open(path, "rb") as handle:
            fmt = sniff(handle.read(64))
    except OSError:
        return ""
    return f".{fmt}" if fmt else ""


URL_PREFIX = "/runs"


def url(run_id: str, relative: str, *, url_prefix: str = URL_PREFIX) -> str:
    """The URL the studio serves a run-folder file at (``web.studio.run_file``)."""
    return f"{url_prefix.rstrip('/')}/{run_id}/{relative}"


class _Publisher:
    def __init__(self, result: StudioResult, url_prefix: str):
        self.result = result
        self.url_prefix = url_prefix
        self.warnings: list[str] = []
        self.written: dict[str, bytes] = {}  # each captions file's bytes by its URL, for the run's own copy

    def url(self, relative: str) -> str:
        return url(self.result.run_id, relative, url_prefix=self.url_prefix)

    def video(self, entry: VideoResult) -> dict[str, Any]:
        from tiktok_videos import write_poster_frame

        video, text = entry.video, entry.text
        local = Path(video.path)
        published = self.result.run_dir / "videos" / local.name
        if local.resolve().parent != published.parent.resolve():
            # Library videos and uploads live outside the run folder; each gets a generated name.
            suffix = local.suffix.lower() or _sniffed_suffix(local)  # uploads are stored under a bare id
            published = self.result.run_dir / "videos" / f"{video.source}-{video.id[:16]}{suffix}"
            try:
                _publish_file(local, published)
            except OSError as exc:
                self.warnings.append(f"{video.title}: could not publish the video for playback ({exc})")
        poster: Path | None = published.with_suffix(".jpg")
        try:
            write_poster_frame(local, poster, at_s=min(1.0, float(video.duration_s) / 2))
        except (OSError, StudioError):  # ffmpeg_io's: no frame there, or ffmpeg would not start
            poster = None  # the player still works; it just starts as a dark box
        return {
            "id": video.id,
            "title": video.title,
            "tag": video.tag,
            "source": video.source,
            "url": video.url,
            "video_url": self.url(f"videos/{published.name}"),
            "poster_url": self.url(f"videos/{poster.name}") if poster else None,
            "duration_s": round(float(video.duration_s), 2),
            "description": video.description,
            "transcript": text.transcript,
            "language": text.language,
            "segments": [dataclasses.asdict(s) for s in text.segments],
            "captions": [dataclasses.asdict(c) for c in text.captions],
            **self.words(published.stem, text),
        }

    def words(self, stem: str, text: "VideoText") -> dict[str, Any]:
        """The video's timed words and, when it has any, its ``captions/<stem>.vtt`` and ``.srt``."""
        import subtitles

        words = [{"text": w.text, "start_s": round(w.start_s, 2), "end_s": round(w.end_s, 2)} for w in text.words]
        made = {"words": words, "word_timing": text.word_timing if words else "none",
                "captions_vtt_url": None, "captions_srt_url": None}
        if not words:
            return made
        try:
            cues = subtitles.make_cues(text.words)
            for fmt, write in (("vtt", subtitles.to_vtt), ("srt", subtitles.to_srt)):
                relative, data = f"{CAPTIONS_DIR}/{stem}.{fmt}", write(cues).encode("utf-8")
                utils.atomic_write_bytes(self.result.run_dir / relative, data)
                made[f"captions_{fmt}_url"] = self.url(relative)
                self.written[made[f"captions_{fmt}_url"]] = data
        except (OSError, StudioError) as exc:
            self.warnings.append(f"{stem}: could not write its captions ({exc})")
        return made

    def captions(self, videos: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The run's own ``captions.vtt`` / ``.srt``: the uploaded clip's, else the first captioned video's."""
        captioned = [v for v in videos if v.get("captions_vtt_url") and v.get("captions_srt_url")]
        if not captioned:
            return None
        chosen = next((v for v in captioned if v["source"] == "upload"), captioned[0])
        try:
            for fmt in ("vtt", "srt"):
                utils.atomic_write_bytes(self.result.run_dir / f"captions.{fmt}",
                                         self.written[chosen[f"captions_{fmt}_url"]])
        except OSError as exc:
            self.warnings.append(f"the run's captions could not be written ({exc})")
            return None
        return {"vtt_url": self.url("captions.vtt"), "srt_url": self.url("captions.srt"),
                "video_url": chosen["video_url"]}

    def parts(self) -> dict[str, Any]:
        """Each stage's file-made part (``music``, ``cover`` ...) by its spec's ``to_json``, and its
        ``<part>_url``, in stage order."""
        r, made = self.result, {}
        outputs = {"music": r.soundtrack, "cover": r.cover, **r.outputs}
        for spec in stages.specs():
            if spec.to_json is None or spec.part is None:
                continue
            part = stages.resolve(spec.to_json)(outputs.get(spec.name), self.url, seed=r.seed)
            made[spec.part] = part
            made[f"{spec.part}_url"] = part.get("url") if part else None
        return made

    def to_json(self) -> dict[str, Any]:
        r, summary = self.result, self.result.summary
        videos = [self.video(v) for v in r.videos]
        return {
            "run_id": r.run_id,
            "input_tags": list(r.tags),
            "summary": summary.summary,
            "evidence": summary.evidence,
            "tags": ", ".join(summary.keywords),
            "keywords": list(summary.keywords),
            "idea": dict(summary.idea),
            "song_description": summary.song_description,
            "mood": summary.mood,
            "videos": videos,
            "captions": self.captions(videos),
            **self.parts(),
            "seed": r.seed,
            "duration": r.duration,
            "backends": r.backends,
            "notes": r.notes,
            "warnings": list(dict.fromkeys([*r.warnings, *self.warnings])),
            "timings": r.timings,
        }


def music_json(track: "Soundtrack | None", url: Callable[[str], str], *, seed: int) -> dict[str, Any] | None:
    """A soundtrack as the result JSON shows it; ``url`` maps a run-folder file name to its URL."""
    return None if track is None else {
        "url": url(track.wav_path.name),
        "midi_url": url(track.midi_path.name) if track.midi_path else None,
        "duration_s": track.duration_s,
        "bpm": track.bpm,
        "key": track.key,
        "backend": track.backend,
        "seed": seed,
        "licence": licences.licence(licences.kind_of_backend(track.backend)),
    }


def cover_json(cover: "Cover | None", url: Callable[[str], str], *, seed: int) -> dict[str, Any] | None:
    """A cover as the result JSON shows it."""
    return None if cover is None else {
        "url": url(cover.path.name), "width": cover.width, "height": cover.height, "backend": cover.backend,
        "seed": seed,
    }


def publish(result: StudioResult, *, url_prefix: str = URL_PREFIX) -> dict[str, Any]:
    """Publish ``result``'s videos and poster frames into its run folder, write ``result.json``
    and return that JSON (URLs under ``url_prefix``)."""
    document = _Publisher(result, url_prefix).to_json()
    utils.atomic_write_json(result.run_dir / RESULT_NAME, document)
    return document


def load(runs_dir: str | os.PathLike, run_id: str) -> dict[str, Any]:
    """The ``result.json`` of a finished run; ``RunNotFound`` for an unknown, unfinished or malformed id."""
    if not utils.is_run_id(run_id):
        raise RunNotFound(run_id)
    try:
        return _licensed(_renamed(json.loads((Path(runs_dir) / run_id / RESULT_NAME).read_text("utf-8"))))
    except FileNotFoundError:
        raise RunNotFound(run_id) from None


def _licensed(document: dict[str, Any]) -> dict[str, Any]:
    """A run written before soundtracks said their licence, read with it (from the backend it names)."""
    music = document.get("music")
    if isinstance(music, dict) and "licence" not in music:
        document["music"] = {**music, "licence": licences.licence(licences.kind_of_backend(music.get("backend")))}
    return document


def _renamed(document: dict[str, Any]) -> dict[str, Any]:
    """A run written when the cover stage was called "image", read with today's names, so an older
    run's page, remixes and preview still find its cover."""
    if "image" not in document or "cover" in document:
        return document
    cover = {"cover" if k == "image" else "cover_url" if k == "image_url" else k: v for k, v in document.items()}
    for key in ("backends", "notes", "timings"):
        if isinstance(cover.get(key), dict):
            cover[key] = {"cover" if k == "image" else k: v for k, v in cover[key].items()}
    cover["warnings"] = [f"cover: {w[len('image: '):]}" if isinstance(w, str) and w.startswith("image: ") else w
                         for w in cover.get("warnings") or []]
    return cover


def openapi_schemas() -> dict[str, Any]:
    """The stage names and the run JSON as OpenAPI components (``web.openapi`` adds them): each
    stage's part from its spec's ``schema``, so a registered stage shows in the document."""
    from tiktok_to_text import WORD_TIMINGS

    every = stages.specs()
    per_stage = {"type": "object", "propertyNames": {"enum": [s.name for s in every] + ["total"]}}
    parts: dict[str, Any] = {}
    for spec in every:
        if spec.part and spec.schema is not None:
            parts[spec.part] = dict(spec.schema)
            parts[f"{spec.part}_url"] = {"type": ["string", "null"]}
    text = {"type": "string"}
    url_or_null = {"type": ["string", "null"]}
    second = {"type": "number", "description": "seconds into the video, 2 decimals"}
    video = {
        "type": "object", "description": "A video the run read (source \"upload\" for your own clip)",
        "properties": {
            "id": text, "title": text, "source": text, "video_url": text, "poster_url": url_or_null,
            "duration_s": {"type": "number"}, "transcript": text, "language": {"type": ["string", "null"]},
            "words": {"type": "array", "description": "The transcript's words in time order",
                      "items": {"type": "object", "required": ["text", "start_s", "end_s"],
                                "properties": {"text": text, "start_s": second, "end_s": second}}},
            "word_timing": {"type": "string", "enum": list(WORD_TIMINGS),
                            "description": "word: timed by the recogniser (Whisper, sphinx); segment: spread "
                                           "evenly over the segment heard (a backend without word times); none: "
                                           "no words. Absent in runs made before word timing."},
            "captions_vtt_url": {**url_or_null, "description": "This video's word-timed captions as WebVTT"},
            "captions_srt_url": {**url_or_null, "description": "The same captions as SRT"},
        },
    }
    captions = {
        "type": ["object", "null"], "required": ["vtt_url", "srt_url", "video_url"],
        "description": "The run's captions.vtt and captions.srt: the uploaded clip's, else the first video "
                       "with words; null when no video has words",
        "properties": {"vtt_url": text, "srt_url": text, "video_url": text},
    }
    return {
        "Stage": {"type": "string", "enum": [s.name for s in every],
                  "description": "A studio run's stages, in order: " + "; ".join(s.label for s in every)},
        "RunResult": {
            "type": "object", "required": ["run_id", "summary", "videos", "backends", "timings"],
            "description": "A run's result.json (POST /search's answer, a search or studio job's result)",
            "properties": {
                "run_id": text, "parent_run_id": text, "input_tags": {"type": "array", "items": text},
                "summary": text, "keywords": {"type": "array", "items": text}, "idea": {"type": "object"},
                "song_description": text, "mood": text, "videos": {"type": "array", "items": video},
                "captions": captions,
                "preview": {
                    "type": "object", "description": "A preview job's MP4 (only in the run it made)",
                    "properties": {
                        "url": text, "source": {"type": "string", "enum": ["clip", "video", "cover"]},
                        "duration_s": {"type": "number"}, "width": {"type": "integer"}, "height": {"type": "integer"},
                        "captions": {"type": "boolean", "description": "Whether the spoken words are burned in"},
                        "caption_style": {"type": ["string", "null"],
                                          "description": "Their style (null without captions)"}}},
                **parts,
                "seed": {"type": "integer"}, "backends": {**per_stage, "additionalProperties": {"type": ["string", "null"]}},
                "notes": {**per_stage, "additionalProperties": text}, "warnings": {"type": "array", "items": text},
                "timings": {**per_stage, "additionalProperties": {"type": "number"}},
            },
        },
    }


def save(runs_dir: str | os.PathLike, document: dict[str, Any]) -> None:
    """Write (or rewrite) a run's ``result.json``, atomically: readers see the old or the new one."""
    utils.atomic_write_json(Path(runs_dir) / document["run_id"] / RESULT_NAME, document)


def file_path(runs_dir: str | os.PathLike, document: dict[str, Any], url: str | None) -> Path | None:
    """The run-folder file a URL of ``document`` names, or None when it names none there."""
    prefix = f"/{document['run_id']}/"
    if not url or prefix not in url:
        return None
    relative = url.split(prefix, 1)[1]
    folder = (Path(runs_dir) / document["run_id"]).resolve()
    path = (folder / relative).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def derive(runs_dir: str | os.PathLike, parent: dict[str, Any], *,
           leave_out: set[str] = frozenset()) -> tuple[dict[str, Any], Path]:
    """A new run made from ``parent``'s JSON: a fresh run folder holding the parent's files
    (hard links, so nothing is copied) except ``leave_out`` (paths relative to the folder),
    and the parent's JSON with its URLs pointing into the new folder and ``parent_run_id`` set.

    The new folder has no ``result.json`` until ``save``: until then it is an unfinished run.
    """
    run_id = utils.new_run_id()
    source, target = Path(runs_dir) / parent["run_id"], Path(runs_dir) / run_id
    target.mkdir(parents=True)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        # A dot-name is a file still being written (a preview render's temp): never part of a run.
        if path.is_file() and relative != RESULT_NAME and relative not in leave_out and not path.name.startswith("."):
            _publish_file(path, target / relative)
    old, new = f"/{parent['run_id']}/", f"/{run_id}/"

    def moved(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: moved(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [moved(v) for v in value]
        if isinstance(value, str) and (key == "url" or key.endswith("_url")) and old in value:
            return value.replace(old, new, 1)
        return value

    return {**moved(parent), "run_id": run_id, "parent_run_id": parent["run_id"]}, target
