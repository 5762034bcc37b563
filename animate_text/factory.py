"""``load_cover_generator``: pick the cover backend, falling back to the offline poster."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from settings import SETTINGS

from .cover import CoverError, check_size
from .poster import PosterArt

BACKENDS = SETTINGS["TRENDTOK_COVER"].choices
DEFAULT_SD_MODEL = SETTINGS["SD_MODEL"].default


def _weights_missing(model: str) -> str | None:
    """Why ``model`` cannot be loaded offline, or ``None`` when its files are on disk (checked without loading)."""
    folder = Path(model).expanduser()
    if folder.is_dir():
        return None if (folder / "model_index.json").is_file() else f"{folder} has no model_index.json"
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(model, "model_index.json")
    except Exception:  # an invalid repo id (e.g. a path that does not exist) is simply "not found"
        cached = None
    return None if isinstance(cached, str) else f"Stable Diffusion weights not found at {model}"


def load_cover_generator(backend: str = "auto", *, model: str | None = None, device: str | None = None,
                       steps: int = SETTINGS["SD_STEPS"].default, size: tuple[int, int] | None = None) -> Any:
    """A cover generator: call it as ``art(title=..., keywords=..., mood=..., seed=..., out_path=...)``.

    backend: ``"auto"`` (Stable Diffusion when its weights are on disk, else the poster),
    ``"poster"`` (offline Pillow/numpy) or ``"stable-diffusion"``. model: a local folder or a Hub id
    already in the local cache (default ``DEFAULT_SD_MODEL``); never downloaded. device: ``"cuda"``,
    ``"mps"`` or ``"cpu"`` (default: ``utils.pick_device``). steps: denoising steps, >= 1.
    size: Stable Diffusion generation size (width, height), multiples of 8 (default 512x896 for SD 1.5).
    The result has ``backend`` (the one actually used); when Stable Diffusion was not used,
    ``note`` says why under ``"auto"`` and ``warnings`` does when it was asked for by name.
    """
    if not isinstance(backend, str) or backend.strip().lower() not in BACKENDS:
        raise CoverError("backend", f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise CoverError("steps", f"steps must be a positive int, not {steps!r}")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise CoverError("model", f"model must be a folder or a Hub id, not {model!r}")
    sd_size = check_size(size) if size is not None else None
    backend = backend.strip().lower()
    if backend == "poster":
        return PosterArt()
    model = (model or DEFAULT_SD_MODEL).strip()
    missing = _weights_missing(model)
    if missing:
        reason = f"{missing}; using the poster"
        return PosterArt(warnings=[reason]) if backend == "stable-diffusion" else PosterArt(note=reason)
    try:
        from .diffusion import SD15_SIZE, StableDiffusionCover

        return StableDiffusionCover(model, device=device, steps=steps, size=sd_size or SD15_SIZE)
    except CoverError:
        raise
    except Exception as exc:  # incomplete download, wrong folder layout, missing torch: keep the studio working
        return PosterArt(warnings=[f"Stable Diffusion could not load from {model} ({type(exc).__name__}: {exc}); "
                                   "using the poster"])
