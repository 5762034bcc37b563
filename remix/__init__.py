"""Remix a finished run: a new soundtrack or cover for the same content, or a preview video.

    from remix import regenerate, render_preview
    document = regenerate(studio, run_id=run_id, part="music", seed=7)   # a new run, new soundtrack
    document = render_preview(studio.runs_dir, run_id=document["run_id"])  # and a preview.mp4 of it

Each makes a new run (its files linked from the first, the remade part or the preview new),
so a run never changes once finished: a run id is a link anyone may be given, and whoever
holds it may remix it but not rewrite it. Both return the new run's result JSON, as a search does. Errors are ``RemixError`` naming the field.
"""
from ._types import PARTS, RemixError
from .preview import PREVIEW_LABEL, PREVIEW_NAME, captions_by_default, render_preview
from .regenerate import regenerate

__all__ = ["PARTS", "PREVIEW_LABEL", "PREVIEW_NAME", "RemixError", "captions_by_default", "regenerate", "render_preview"]
