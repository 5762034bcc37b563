"""The lake's stages after ingest: ``transcribe`` (metadata → transcripts) and ``analyse``
(transcripts → text analysis), each run over exactly the partitions it has not done yet.

A stage's output partition has the same ``profile`` and ``processed_at`` as the partition it
came from, so "not done yet" is "no partition of that key in my table": running a stage twice
does the work once, and a stage killed mid-way leaves no partition (``Lake.write`` renames a
whole one into place) and is finished by the next run. A partition with nothing to do still
gets an (empty) output partition, which marks it done.

The stages get the studio's parts as arguments, never import the pipeline: ``extract`` is the
text stage (paths → objects with ``transcript``, ``language``, ``backend``), ``summarise`` the
summariser (``documents=``, ``tags=`` → an object with ``summary``, ``keywords``) and
``embed`` a sentence embedder (texts → unit vectors) for the zero-shot category.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ._types import LakeError
from .store import Lake

#: The fixed taxonomy ``analyse`` files every post under, each with the description it is
#: compared with (zero-shot: the closest description to the post's text wins).
CATEGORIES: dict[str, str] = {
    "comedy": "a funny skit, a prank, a joke or a meme",
    "dance": "a dance, a choreography or a dance challenge",
    "music": "singing, a song cover, an instrument or a music performance",
    "food": "cooking, a recipe, food, a restaurant or a drink",
    "beauty": "makeup, skincare, hair or nails",
    "fashion": "an outfit, clothes, style or shopping haul",
    "fitness": "a workout, the gym, sport or health",
    "tech": "technology: a phone, a gadget, an unboxing, an app, software or a computer",
    "education": "a lesson, facts, science, history or advice that teaches something",
    "travel": "travel, a trip, a city, a beach or a landscape",
    "animals": "a pet, a dog, a cat or wild animals",
    "gaming": "a video game, gameplay or esports",
    "relationships": "dating, a couple, friends, family or opinions on men and women",
    "lifestyle": "a day in the life, a vlog, a routine or home",
}
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv", ".m4v")

Progress = Callable[[int, int], None]


def media_dir(lake: Lake) -> Path:
    """Where the videos of posts are kept for ``transcribe``: ``<lake>/media/<post id>.<ext>``."""
    return lake.root / "media"


def keep_videos(lake: Lake, folder: str | os.PathLike, ids: Sequence[str]) -> int:
    """Link (or copy) each video in ``folder`` whose file name contains one of ``ids`` into the
    lake's media folder as ``<id><suffix>``; how many. Names come from our ids, never the files."""
    target = media_dir(lake)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {i for i in ids if len(i) >= 6}  # a short id would match too many names
    kept = 0
    for path in sorted(Path(folder).iterdir()):
        suffix = path.suffix.lower()
        if suffix not in VIDEO_SUFFIXES or not path.is_file():
            continue
        match = next((i for i in wanted if i in path.stem), None)
        if match is None:
            continue
        dest = target / f"{match}{suffix}"
        if dest.exists():
            continue
        try:
            os.link(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
        kept += 1
    return kept


def video_of(lake: Lake, post_id: str) -> Path | None:
    for suffix in VIDEO_SUFFIXES:
        path = media_dir(lake) / f"{post_id}{suffix}"
        if path.is_file():
            return path
    return None


def pending(lake: Lake, source: str, target: str) -> list[tuple[str, str]]:
    """Partitions of ``source`` with no partition of the same key in ``target``, oldest first."""
    done = set(lake.partitions(target))
    return [key for key in lake.partitions(source) if key not in done]


def transcribe(lake: Lake, *, extract: Callable[..., list], progress: Progress | None = None) -> int:
    """Transcribe the posts of every metadata partition not transcribed yet whose video is in
    the lake's media folder; how many partitions were done."""
    todo = pending(lake, "metadata", "transcripts")
    for done, key in enumerate(todo, start=1):
        rows = [(row["id"], video_of(lake, row["id"])) for row in lake.read("metadata", key)]
        rows = [(post_id, path) for post_id, path in rows if path is not None]
        texts = extract([path for _, path in rows]) if rows else []
        out = [{"id": post_id, "transcript": text.transcript, "language": text.language, "backend": text.backend}
               for (post_id, _), text in zip(rows, texts)]
        lake.write("transcripts", key[0], out, processed_at=key[1])
        if progress:
            progress(done, len(todo))
    return len(todo)


def categorise(texts: Sequence[str], *, embed: Callable[[list[str]], np.ndarray]) -> list[str]:
    """The closest ``CATEGORIES`` entry to each text (cosine of unit vectors; ties to the first listed)."""
    names = list(CATEGORIES)
    labels = embed([f"A TikTok video about {d}." for d in CATEGORIES.values()])
    if not texts:
        return []
    scores = embed(list(texts)) @ labels.T
    return [names[int(np.argmax(row))] for row in scores]


def analyse(lake: Lake, *, summarise: Callable[..., Any], embed: Callable[[list[str]], np.ndarray],
            progress: Progress | None = None) -> int:
    """Category, summary and keywords for the posts of every transcripts partition not analysed
    yet, with their metadata (title, description, hashtags); how many partitions were done."""
    from summariser import Passage

    todo = pending(lake, "transcripts", "text")
    for done, key in enumerate(todo, start=1):
        transcripts = {row["id"]: row for row in lake.read("transcripts", key)}
        posts = {row["id"]: row for row in lake.read("metadata", key) if row["id"] in transcripts}
        out = []
        for post_id, said in transcripts.items():
            post = posts.get(post_id, {})
            documents = [Passage(t, kind, post_id) for t, kind in ((said.get("transcript"), "transcript"),
                                                                   (post.get("title"), "title"),
                                                                   (post.get("description"), "description"))
                         if t and t.strip()]
            result = summarise(documents=documents, tags=list(post.get("hashtags") or []))
            text = " ".join(p.text for p in documents) or " ".join(post.get("hashtags") or [])
            out.append({"id": post_id, "uploader": post.get("uploader"), "description": post.get("description"),
                        "title": post.get("title"), "transcript": said.get("transcript"),
                        "language": said.get("language"), "category": categorise([text], embed=embed)[0],
                        "summary": result.summary, "keywords": list(result.keywords)})
        lake.write("text", key[0], out, processed_at=key[1])
        if progress:
            progress(done, len(todo))
    return len(todo)


#: The stages after ingest, in the order ``lake run`` takes them.
STAGES = ("transcribe", "analyse")


def run_stage(lake: Lake, name: str, *, studio: Any, progress: Progress | None = None) -> int:
    """Run stage ``name`` (one of ``STAGES``) with the studio's parts (``studio.extractor``,
    ``studio.summariser``); how many partitions it did. The one door the CLI and the jobs use."""
    if name == "transcribe":
        return transcribe(lake, extract=studio.extractor, progress=progress)
    if name != "analyse":
        raise LakeError(f"stage: one of {', '.join(STAGES)}, not {name!r}")
    summariser = studio.summariser
    embed = getattr(summariser, "embed", None)
    if embed is None:  # an LLM summariser: the packaged MiniLM still files the categories
        from summariser import load_summariser

        embed = load_summariser("minilm").embed
    return analyse(lake, summarise=summariser, embed=embed, progress=progress)
