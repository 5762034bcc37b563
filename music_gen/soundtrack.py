"""The soundtrack record every backend returns, the package error, and request validation."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from errors import StudioError

DURATIONS = range(5, 61, 5)
"""Valid soundtrack lengths in seconds: 5, 10, ... 60."""

WAV_NAME = "soundtrack.wav"
MIDI_NAME = "soundtrack.mid"


class MusicError(StudioError, ValueError):
    """A soundtrack request or backend setting is invalid; the message names the field."""


@dataclass(frozen=True)
class Soundtrack:
    """One generated soundtrack.

    ``wav_path``: the loopable WAV; ``midi_path``: the score beside it (composer only, else None);
    ``duration_s``: the WAV's exact length in seconds; ``bpm`` and ``key`` (e.g. ``"A minor"``):
    the tempo and key of the music; ``backend``: the backend that made it.
    """

    wav_path: Path
    midi_path: Path | None
    duration_s: float
    bpm: float
    key: str
    backend: str

    def to_dict(self) -> dict:
        """A JSON-ready dict; paths are given as file names only (they sit in the run folder)."""
        return {
            "wav_path": self.wav_path.name,
            "midi_path": self.midi_path.name if self.midi_path is not None else None,
            "duration_s": self.duration_s,
            "bpm": self.bpm,
            "key": self.key,
            "backend": self.backend,
        }


def validate_request(*, description: object, duration: object, seed: object, out_dir: object) -> tuple[str, int, int, Path]:
    """Check one generation request up front; return ``(description, duration, seed, out_dir)``."""
    if not isinstance(description, str) or not description.strip():
        raise MusicError("description", "description must be a non-empty string")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration not in DURATIONS:
        raise MusicError(
            "duration", f"duration must be a multiple of 5 seconds from {DURATIONS.start} to {DURATIONS.stop - 1}, not {duration!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise MusicError("seed", f"seed must be a non-negative integer, not {seed!r}")
    if out_dir is None:
        raise MusicError("out_dir", "out_dir is required")
    try:
        out_path = Path(out_dir)
    except TypeError as exc:
        raise MusicError("out_dir", f"out_dir must be a path, not {out_dir!r}") from exc
    if out_path.exists() and not out_path.is_dir():
        raise MusicError("out_dir", f"out_dir {out_path} exists and is not a folder")
    return description.strip(), duration, seed, out_path
