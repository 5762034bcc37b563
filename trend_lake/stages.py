"""The lake's stages after ingest: ``transcribe`` (metadata → transcripts) and ``analyse``
(transcripts → text analysis), each run over exactly the partitions it has not done yet.

A stage's output partition has the same ``profile`` and ``processed_at`` as the partition it
came from, so "not done yet" is "no partition of that key in my table": running a stage twice
does the work once, and a stage killed mid-way leaves no partition (``Lake.write`` renames a
whole one into place) and is finished by the next run. A partition with nothing to do still
gets an (empty) output partition, which marks it done.

Several runners (``lake watch`` on two machines, Celery workers running stage jobs) share the
work: each claims a partition (``trend_lake.claims``) before working on it and passes over
those another runner holds.

The stages get the studio's parts as arguments, never import the pipeline: ``extract`` is the
text stage (paths → objects with ``transcript``, ``language``, ``backend``), ``summarise`` the
summariser (``documents=``, ``tags=`` → an object with ``summary``, ``keywords``) and
``categoriser`` a ``trend_lake.categories`` categoriser (texts → category names), or ``embed``
a sentence embedder (texts → unit vectors) for the zero-shot one.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import numpy as np

from utils import Progress

from ._types import LakeError
from .categories import CATEGORIES, Categoriser, LLMCategoriser, ZeroShot, categorise
from .claims import claim, release
from .media import local_videos
from .store import Lake

__all__ = ["CATEGORIES", "STAGES", "analyse", "categorise", "pending", "run_stage", "transcribe"]
logger = logging.getLogger(__name__)



def pending(lake: Lake, source: str, target: str) -> list[tuple[str, str]]:
    """Partitions of ``source`` with no partition of the same key in ``target``, oldest first."""
    done = set(lake.partitions(target))
    return [key for key in lake.partitions(source) if key not in done]


def _claimed(lake: Lake, stage: str, source: str, target: str,
             progress: Progress | None) -> Iterator[tuple[str, str]]:
    """Each pending partition of ``source`` that this runner claims for ``stage``, released once
    the loop body (which writes the output) is done; partitions another runner holds, or
    finished since the listing, are passed over. The bar counts both."""
    todo = pending(lake, source, target)
    for done, key in enumerate(todo, start=1):
        if claim(lake, stage, key):
            try:
                if key not in lake.partitions(target):  # another runner may have finished it meanwhile
                    yield key
            finally:
                release(lake, stage, key)
        else:
            logger.info("%s: %s/%s is another runner's, passed over", stage, *key)
        if progress:
            progress(done, len(todo))


def transcribe(lake: Lake, *, extract: Callable[..., list], progress: Progress | None = None) -> int:
    """Transcribe the posts of every metadata partition not transcribed yet whose video the lake
    keeps (``trend_lake.media``); how many partitions this runner did."""
    count = 0
    for key in _claimed(lake, "transcribe", "metadata", "transcripts", progress):
        ids = [row["id"] for row in lake.read("metadata", key)]
        with local_videos(lake, ids) as videos:
            rows = [(post_id, videos[post_id]) for post_id in ids if post_id in videos]
            texts = extract([path for _, path in rows]) if rows else []
        out = [{"id": post_id, "transcript": text.transcript, "language": text.language, "backend": text.backend}
               for (post_id, _), text in zip(rows, texts)]
        lake.write("transcripts", key[0], out, processed_at=key[1])
        count += 1
    return count


def analyse(lake: Lake, *, summarise: Callable[..., Any], categoriser: Categoriser | None = None,
            embed: Callable[[list[str]], np.ndarray] | None = None, progress: Progress | None = None) -> int:
    """Category, summary and keywords for the posts of every transcripts partition not analysed
    yet, with their metadata (title, description, hashtags); how many partitions this runner did.

    The category is ``categoriser``'s (texts → names in ``CATEGORIES``, one call per
    partition), or the zero-shot pick with ``embed`` when no categoriser is given."""
    from summariser import Passage

    if categoriser is None:
        if embed is None:
            raise LakeError("analyse", "give a categoriser or an embed function for the category")
        categoriser = ZeroShot(embed)
    count = 0
    for key in _claimed(lake, "analyse", "transcripts", "text", progress):
        transcripts = {row["id"]: row for row in lake.read("transcripts", key)}
        posts = {row["id"]: row for row in lake.read("metadata", key) if row["id"] in transcripts}
        out, texts = [], []
        for post_id, said in transcripts.items():
            post = posts.get(post_id, {})
            documents = [Passage(t, kind, post_id) for t, kind in ((said.get("transcript"), "transcript"),
                                                                   (post.get("title"), "title"),
                                                                   (post.get("description"), "description"))
                         if t and t.strip()]
            result = summarise(documents=documents, tags=list(post.get("hashtags") or []))
            texts.append(" ".join(p.text for p in documents) or " ".join(post.get("hashtags") or []))
            out.append({"id": post_id, "uploader": post.get("uploader"), "description": post.get("description"),
                        "title": post.get("title"), "transcript": said.get("transcript"),
                        "language": said.get("language"), "category": None,
                        "summary": result.summary, "keywords": list(result.keywords)})
        for row, category in zip(out, categoriser(texts) if texts else [], strict=True):
            row["category"] = category
        lake.write("text", key[0], out, processed_at=key[1])
        count += 1
    return count


#: The stages after ingest, in the order ``lake run`` takes them.
STAGES = ("transcribe", "analyse")


def run_stage(lake: Lake, name: str, *, studio: Any, progress: Progress | None = None) -> int:
    """Run stage ``name`` (one of ``STAGES``) with the studio's parts (``studio.extractor``,
    ``studio.summariser``); how many partitions it did. The one door the CLI and the jobs use.

    ``analyse`` files categories with the studio's LLM when its summariser is one (it has
    ``chat``), falling back per post to the zero-shot MiniLM, else zero-shot; a warning is
    logged for each fallback and a count at the end."""
    if name == "transcribe":
        return transcribe(lake, extract=studio.extractor, progress=progress)
    if name != "analyse":
        raise LakeError("stage", f"one of {', '.join(STAGES)}, not {name!r}")
    summariser = studio.summariser
    embed = studio.embed  # the packaged MiniLM, however the summary is made
    categoriser: Categoriser = ZeroShot(embed)
    chat = getattr(summariser, "chat", None)
    if chat is not None:
        categoriser = LLMCategoriser(chat, fallback=categoriser, backend=getattr(summariser, "backend", "llm"))
    done = analyse(lake, summarise=summariser, categoriser=categoriser, progress=progress)
    if isinstance(categoriser, LLMCategoriser) and categoriser.fallbacks:
        logger.warning("analyse categories: %s", categoriser.report())
    return done
