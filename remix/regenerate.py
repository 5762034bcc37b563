"""A new soundtrack or cover for a finished run: same content, new seed, a new run."""
from __future__ import annotations

import logging
import shutil
import time
from typing import Any

import runs
import stages
import utils

from ._types import RemixError
from .preview import PREVIEW_NAME

log = logging.getLogger(__name__)


def regenerate(studio: Any, *, run_id: str, part: str, seed: int,
               progress: utils.Progress | None = None) -> dict[str, Any]:
    """Remake ``part`` (a stage a remix can redo: ``"music"`` or ``"cover"``) of run ``run_id``
    with ``seed``, as a new run, through the stage's ``remake`` and the ``studio``
    (a ``pipeline.Studio``: its stages' models are the ones the search used).

    The new run links the first run's other files, so its videos, transcripts, summary and idea
    are the first run's; only the remade part, its backend and timing, and its seed differ. A
    preview video is not carried over (it would have the old soundtrack or cover). Returns the new
    run's result JSON; raises ``RemixError`` naming ``run_id`` or ``part``, and whatever the stage
    raises (the new run folder is then removed).
    """
    parts = stages.remixable()
    if part not in parts:
        raise RemixError("part", f"must be one of {', '.join(parts)}, not {part!r}")
    spec = stages.get(part)
    runs_dir = studio.runs_dir
    try:
        parent = runs.load(runs_dir, run_id)
    except runs.RunNotFound:
        raise RemixError("run_id", f"no finished run {run_id!r}") from None
    old = parent.get(spec.part) or {}
    leave_out = {PREVIEW_NAME}
    for key in old:
        path = runs.file_path(runs_dir, parent, old[key]) if key == "url" or key.endswith("_url") else None
        if path is not None:
            leave_out.add(path.name)
    document, run_dir = runs.derive(runs_dir, parent, leave_out=leave_out)
    def url(name: str) -> str:
        return runs.url(document["run_id"], name)

    started = time.perf_counter()
    try:
        made = stages.resolve(spec.remake)(studio, parent, run_dir=run_dir, seed=seed, progress=progress,
                                           locate=lambda url: runs.file_path(runs_dir, parent, url))
        document[spec.part] = stages.resolve(spec.to_json)(made, url, seed=seed)
        document[f"{spec.part}_url"] = document[spec.part]["url"]
        backend, _, warnings = studio.stage_report(part)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    document.pop("preview", None)
    document["backends"] = {**parent.get("backends", {}), part: document[spec.part]["backend"]}
    timings = {**parent.get("timings", {}), part: round(time.perf_counter() - started, 3)}
    timings["total"] = round(sum(v for k, v in timings.items() if k != "total"), 3)
    document["timings"] = timings
    # The first run's complaints about this part are about a file this run does not have.
    kept = [w for w in parent.get("warnings", []) if not w.startswith(f"{part}: ")]
    document["warnings"] = list(dict.fromkeys(kept + warnings))
    runs.save(runs_dir, document)
    return document
