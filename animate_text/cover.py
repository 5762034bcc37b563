"""The result type, the package error and the request checks every backend shares."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errors import StudioError

POSTER_SIZE = (1080, 1920)
"""Cover size in pixels, (width, height): 9:16 portrait, TikTok's full-screen frame."""



class CoverError(StudioError, ValueError):
    """A bad request to a cover-art generator; the message names the offending field."""


@dataclass(frozen=True)
class Cover:
    """A finished cover image on disk."""

    path: Path
    width: int
    height: int
    backend: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the path is given as the file name only (it lives in the run folder)."""
        return {"path": self.path.name, "width": self.width, "height": self.height, "backend": self.backend}


@dataclass(frozen=True)
class ArtRequest:
    """A checked, normalised cover request."""

    title: str
    keywords: tuple[str, ...]
    mood: str
    seed: int
    out_path: Path


def check_request(*, title: Any, keywords: Any, mood: Any, seed: Any, out_path: Any) -> ArtRequest:
    """Validate the arguments of a generator call up front; raise ``CoverError`` naming the field."""
    if not isinstance(title, str) or not title.strip():
        raise CoverError("title", f"title must be a non-empty string, not {title!r}")
    if isinstance(keywords, str) or not isinstance(keywords, (list, tuple)):
        raise CoverError("keywords", f"keywords must be a list of strings, not {type(keywords).__name__}")
    if not all(isinstance(word, str) for word in keywords):
        raise CoverError("keywords", "keywords must contain only strings")
    if not isinstance(mood, str):
        raise CoverError("mood", f"mood must be a string, not {type(mood).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise CoverError("seed", f"seed must be an int, not {seed!r}")
    if out_path is None or not isinstance(out_path, (str, Path)):
        raise CoverError("out_path", f"out_path must be a path, not {out_path!r}")
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".png":
        raise CoverError("out_path", f"out_path must end in .png, not {out_path.name!r}")
    words = tuple(w.strip() for w in keywords if w.strip())
    return ArtRequest(" ".join(title.split()), words, mood.strip().lower(), seed, out_path)


def check_size(size: Any) -> tuple[int, int]:
    """A generation size as (width, height), both positive multiples of 8; else ``CoverError`` naming ``size``."""
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 and v % 8 == 0 for v in size)):
        raise CoverError("size", f"size must be (width, height) in positive multiples of 8, not {size!r}")
    return int(size[0]), int(size[1])
