"""Backend selection: ``load_music_generator(backend="auto" | "composer" | "musicgen")``."""
from __future__ import annotations

import os

from settings import SETTINGS

from .composer import ComposerGenerator
from .musicgen import DEFAULT_MODEL, MusicGenGenerator, MusicGenWeightsMissing
from .soundtrack import MusicError

BACKENDS = SETTINGS["TRENDTOK_MUSIC"].choices


def load_music_generator(backend: str = "auto", *, model: str | os.PathLike | None = None,
                         device: str | None = None, **settings) -> ComposerGenerator | MusicGenGenerator:
    """Return a soundtrack generator: call it with ``description=, duration=, seed=, out_dir=``.

    ``auto`` uses MusicGen when its weights are on local disk (``model``: a folder or a Hub id found
    in the local Hugging Face cache, default ``facebook/musicgen-small``; nothing is downloaded),
    else the composer, and ``generator.note`` says why. ``musicgen`` with missing weights also
    falls back to the composer, with the reason in ``generator.warnings`` (it was asked for). ``device`` (cuda/mps/cpu) defaults to ``utils.pick_device``.
    ``settings`` go to ``MusicGenGenerator`` (``window_s``, ``overlap_s``, ``guidance_scale``).
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise MusicError("backend", f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "composer":
        return ComposerGenerator()
    try:
        return MusicGenGenerator(model=DEFAULT_MODEL if model is None else model, device=device, **settings)
    except MusicGenWeightsMissing as exc:
        reason = f"{exc}; using the composer"
        return ComposerGenerator(warnings=[reason]) if backend == "musicgen" else ComposerGenerator(note=reason)
