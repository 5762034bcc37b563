"""Shared helpers of TrendTok Studio: device choice, atomic files, hashing, the disk cache.

Every stage package imports from here rather than keeping its own copy, so that
"where do files go" and "which device runs the model" have one answer.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

#: The one progress-callback type of a single step: ``progress(done, total)``. Stage
#: packages report with it; the callers that run several steps add the step's name.
Progress = Callable[[int, int], None]
#: ``progress(stage, done, total)``: the shape of a run of several named steps (the pipeline,
#: a mix's decode/mix/encode, the sound service's jobs). Named here once, beside ``Progress``.
StageProgress = Callable[[str, int, int], None]

#: The moods a summary may have: the summariser picks one, the song (music_gen) and the cover
#: (animate_text) each keep a table keyed by it. Here, in the bottom layer, because it is a
#: contract between three stage packages, and no stage may import another's private modules.
MOODS: tuple[str, ...] = (
    "happy", "energetic", "chill", "dreamy", "romantic",
    "dark", "epic", "playful", "nostalgic", "confident",
)

DEVICE_ENV = "TRENDTOK_DEVICE"
_DEVICES = ("cuda", "mps", "cpu")


def pick_device(override: str | None = None) -> str:
    """Return the torch device to run models on: CUDA, then MPS, then CPU.

    ``override`` (or the ``TRENDTOK_DEVICE`` environment variable) forces one of
    ``"cuda"``, ``"mps"`` or ``"cpu"``; an unknown name raises ``ValueError``.
    torch is imported only here, and only when it is installed.
    """
    choice = (override or os.environ.get(DEVICE_ENV) or "").strip().lower()
    if choice:
        if choice not in _DEVICES:
            raise ValueError(f"{DEVICE_ENV} must be one of {', '.join(_DEVICES)}, not {choice!r}")
        return choice
    try:
        import torch
    except ImportError:
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def local_model_path(name_or_path: str | os.PathLike | None) -> Path | None:
    """The folder of a model on this machine, or ``None``; never downloads.

    ``name_or_path`` is a local folder, or a Hugging Face Hub id looked up in the
    local HF cache only (``HF_HOME``). Request-time code calls this; only
    ``init.py`` downloads.
    """
    if not name_or_path:
        return None
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    name = str(name_or_path)
    if name.startswith((".", "/", "~")) or name.count("/") != 1:
        return None  # a folder that does not exist, or not a Hub id
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not in the cache (or huggingface_hub missing): not present here
        return None


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; rename it onto ``dest`` on success.

    A reader never sees a half-written file: either the old file, no file, or the
    finished one. On an exception the temporary file is removed.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Not pre-created (unlike mkstemp, whose 0600 mode would stick to the final file):
    # the writer creates it with the usual umask. The random part keeps writers apart.
    tmp_path = dest.parent / f".{dest.name}.{secrets.token_hex(6)}.part{dest.suffix}"
    try:
        yield tmp_path
        os.replace(tmp_path, dest)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write_bytes(dest: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``dest`` through a temporary file and a rename."""
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return Path(dest)


def atomic_write_json(dest: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as UTF-8 JSON to ``dest`` atomically."""
    return atomic_write_bytes(dest, json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8"))


def sha256_file(path: str | os.PathLike, *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table for a terminal: left-aligned columns two spaces apart, a dashed rule
    under the headers, no trailing spaces."""
    cells = [[str(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [list(headers), ["-" * w for w in widths], *cells]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def new_run_id() -> str:
    """An unguessable id for a run folder: 32 hex characters from ``secrets``."""
    return secrets.token_hex(16)


def is_run_id(value: object) -> bool:
    """True when ``value`` has the shape ``new_run_id`` produces (safe as a folder name)."""
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)


class DiskCache:
    """A JSON cache on disk: one file per key, written atomically.

    Keys are hashed, so any string is a safe key; values must be JSON-serialisable.
    Safe to share between threads and processes (the last finished write wins).
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _file(self, key: str) -> Path:
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.root / name[:2] / f"{name}.json"

    def get(self, key: str) -> Any | None:
        """The stored value, or ``None`` when absent or unreadable."""
        try:
            return json.loads(self._file(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        atomic_write_json(self._file(key), value)


_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
#: Profile text TikTok draws around a video, wherever it stands in a line of OCR text:
#: "Joined Oct 16,2023" (OCR drops spaces: "Joined Apr20,2024"), "800k+". Nobody says or
#: writes this about their content, so it is noise wherever it comes from. A bare count
#: without the "+" ("10k") is chrome only on a line of its own: "an extra 10k a month" is speech.
PROFILE_TEXT = re.compile(
    rf"\bjoined\s*(?:{_MONTHS})[a-z]*\.?\s*\d"
    r"|(?<![\w.])\d[\d.,]*\s*[kmb]\+(?!\w)",
    re.IGNORECASE)
#: Audience counts and calls to action the app overlays: "12.3K followers", "1.2M likes",
#: "link in bio". Chrome on screen; said or written by the creator ("from 200 followers to
#: 10k") they are the topic.
AUDIENCE_TEXT = re.compile(
    r"\blink\s+in\s+(?:my\s+|the\s+)?bio\b"
    r"|(?<![\w.])\d[\d.,]*\s*[kmb]?\+?\s*(?:followers?|following|likes?|views?|subscribers?|members?"
    r"|comments?|shares?|saves?)\b",
    re.IGNORECASE)
#: Both: what the caption reader and the summariser refuse among on-screen text.
PROFILE_CHROME = re.compile(f"{PROFILE_TEXT.pattern}|{AUDIENCE_TEXT.pattern}", re.IGNORECASE)
#: A line that is only numbers and counts: "800k+", "16,2023", "1.2M 3.4K".
COUNTS_ONLY = re.compile(r"^(?:[\s.,:%+$€£/-]*\d[\d.,:%]*\s*[kmb]?\+?)+[\s.,:%+$€£/-]*$", re.IGNORECASE)


class Database:
    """The studio's SQLite file (WAL), shared by jobs, uploads and API keys.

    ``read()`` is this thread's own connection in autocommit mode (a read is one statement);
    ``with write() as db:`` is one IMMEDIATE transaction on it, committed at the end of the
    block or rolled back on an exception. Per-thread connections mean worker threads, web
    threads and a worker in another process never share a cursor; WAL lets readers go on
    while a writer writes. ``schema`` (``CREATE … IF NOT EXISTS``) runs once on open.
    """

    def __init__(self, path: str | os.PathLike, schema: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self.read()
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)

    def read(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        db = self.read()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
