"""Remix a finished run: a new soundtrack or cover for the same content, or a preview video.

    from remix import regenerate, render_preview
    document = regenerate(studio, run_id=run_id, part="music", seed=7)   # a new run, new soundtrack
    document = render_preview(studio.runs_dir, run_id=document["run_id"])  # preview.mp4 in that run

``regenerate`` makes a new run (its files linked from the first, the remade part new) so the
first run stays as it was; ``render_preview`` adds ``preview.mp4`` to the run it is given.
Both return the run's result JSON, as a search does. Errors are ``RemixError`` naming the field.
"""
from ._types import PARTS, RemixError
from .preview import PREVIEW_LABEL, PREVIEW_NAME, render_preview
from .regenerate import regenerate

__all__ = ["PARTS", "PREVIEW_LABEL", "PREVIEW_NAME", "RemixError", "regenerate", "render_preview"]
