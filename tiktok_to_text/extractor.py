"""TextExtractor: transcripts and on-screen text of many videos, in a worker pool, cached."""
from __future__ import annotations

import concurrent.futures as cf
import os
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Sequence

import utils
from settings import SETTINGS

from ._errors import TranscriptionError
from ._lifetime import process_pool
from ._types import VideoText
from .reader import ReadResult, VideoReader
from .spoken import mark_spoken
from .whisper import load_whisper
from .whisper_weights import DEFAULT_WHISPER_MODEL, WhisperWeightsMissing, locate_whisper

TRANSCRIBERS = SETTINGS["TRENDTOK_TRANSCRIBER"].choices
POOLS = SETTINGS["TRENDTOK_POOL"].choices
DEVICES = SETTINGS["TRENDTOK_DEVICE"].choices
_CACHE_VERSION = 4  # 3: each text carries its timed words; 4: Whisper word starts moved past pauses


# A process pool's initializer can only hand its models to later tasks through the
# worker process's own globals; this slot is filled once in each worker process and
# never in the parent.
_process_reader: VideoReader | None = None


def _init_process(settings: dict) -> None:
    global _process_reader
    _process_reader = VideoReader(**settings)


def _read_in_process(path: Path) -> ReadResult:
    return _process_reader(path)


class TextExtractor:
    """Speech transcript and on-screen captions of videos (or plain audio files).

    ``transcriber``: "auto" | "sphinx" | "google" | "whisper". ``ocr`` turns caption
    reading on. ``workers`` videos run at once in a ``pool`` of "process"es or
    "thread"s, created on first use and kept until ``close()``; each worker loads
    its models once. With ``cache_dir`` results are kept by the file's sha256, the
    transcriber and the OCR flag, so a repeated video costs nothing.

    "auto" uses Whisper when ``whisper_model`` (default "base": see
    ``whisper_weights``) is on this machine, else sphinx; Whisper is loaded once,
    here, on ``device`` ("cuda" | "mps" | "cpu", default: the best available), and
    ``models_dir`` is where a pip-installed model is put together. ``backend``
    names the transcriber used; ``note`` says why "auto" did not use Whisper;
    ``warnings`` why an explicitly requested transcriber was not used.
    """

    def __init__(self, *, transcriber: str = "auto", ocr: bool = True,
                 workers: int = SETTINGS["TRENDTOK_WORKERS"].default, pool: str = "process",
                 cache_dir: str | os.PathLike | None = None,
                 whisper_model: str | None = None, device: str | None = None,
                 models_dir: str | os.PathLike | None = None) -> None:
        if transcriber not in TRANSCRIBERS:
            raise TranscriptionError(
                "transcriber", f"transcriber must be one of {', '.join(TRANSCRIBERS)}, not {transcriber!r}")
        if not isinstance(ocr, bool):
            raise TranscriptionError("ocr", f"ocr must be True or False, not {ocr!r}")
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise TranscriptionError("workers", f"workers must be a positive int, not {workers!r}")
        if pool not in POOLS:
            raise TranscriptionError("pool", f"pool must be one of {', '.join(POOLS)}, not {pool!r}")
        if device is not None and device not in DEVICES:
            raise TranscriptionError("device", f"device must be one of {', '.join(DEVICES)} or None, not {device!r}")
        if whisper_model is not None and (not isinstance(whisper_model, str) or not whisper_model.strip()):
            raise TranscriptionError(
                "whisper_model", f"whisper_model must be a folder or a model id, not {whisper_model!r}")
        self.ocr = ocr
        self.workers = workers
        self.pool = pool
        self.warnings: list[str] = []
        self.note: str | None = None
        self._cache = utils.DiskCache(cache_dir) if cache_dir is not None else None
        self._whisper = None
        self.whisper_model = whisper_model or DEFAULT_WHISPER_MODEL
        self.backend = self._choose_backend(transcriber, models_dir, device)
        self._settings = {
            # Whisper stays in this process (see _transcribe_in_parent); workers then
            # only decode audio and read captions.
            "transcriber": None if self._whisper is not None else self.backend,
            "ocr": ocr,
            # Each worker's OCR gets its share of the cores, so workers do not fight over them.
            "ocr_threads": max(1, (os.cpu_count() or 1) // workers),
        }
        self._executor: cf.Executor | None = None
        self._lock = threading.Lock()
        self._thread_local = threading.local()

    def _choose_backend(self, transcriber: str, models_dir, device: str | None) -> str:
        if transcriber in ("sphinx", "google"):
            return transcriber
        try:
            weights = locate_whisper(self.whisper_model, cache_dir=models_dir)
        except WhisperWeightsMissing as missing:
            reason = f"no Whisper weights for {missing}; transcribing with sphinx"
            if transcriber == "whisper":
                self.warnings.append(reason)
            else:
                self.note = reason
            return "sphinx"
        try:
            self._whisper = load_whisper(weights, device=utils.pick_device(device), workers=self.workers)
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            # Weights that are present but will not load deserve a word even under "auto".
            self.warnings.append(f"Whisper weights at {weights.folder} could not be loaded ({exc}); using sphinx")
            return "sphinx"
        return "whisper"

    # -- the pool -------------------------------------------------------------------------

    def _get_executor(self) -> cf.Executor:
        with self._lock:
            if self._executor is None:
                if self.pool == "process":
                    # spawn, not fork: the parent may hold threads (Flask) and torch state
                    # that a forked child would inherit half-locked. The workers end with this
                    # process, even a SIGKILLed one (see _lifetime).
                    self._executor = process_pool(self.workers, initializer=_init_process,
                                                  initargs=(self._settings,))
                else:
                    self._executor = cf.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tiktok_to_text")
            return self._executor

    def _read_in_thread(self, path: Path) -> ReadResult:
        reader = getattr(self._thread_local, "reader", None)
        if reader is None:
            reader = self._thread_local.reader = VideoReader(**self._settings)
        return reader(path)

    def _submit(self, path: Path) -> tuple[cf.Executor, cf.Future]:
        """The pool that took ``path`` and the future of its read."""
        executor = self._get_executor()
        if self.pool != "process":
            return executor, executor.submit(self._read_in_thread, path)
        try:
            return executor, executor.submit(_read_in_process, path)
        except BrokenProcessPool:  # a worker died between calls (OOM-killed, say): a fresh pool takes over
            self._discard_broken_pool(executor)
            executor = self._get_executor()
            return executor, executor.submit(_read_in_process, path)

    def close(self) -> None:
        """Shut the worker pool down; a later call starts a new one."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "TextExtractor":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- the work -----------------------------------------------------------------------

    def _cache_key(self, sha256: str) -> str:
        backend = f"whisper:{self.whisper_model}" if self._whisper is not None else self.backend
        return f"v{_CACHE_VERSION}|{sha256}|{backend}|ocr={int(self.ocr)}"

    def _transcribe_in_parent(self, read: ReadResult, name: str) -> None:
        """Whisper runs here, once loaded for the extractor's life: one copy of the
        weights (and of the GPU context) instead of one per worker process, while
        the workers decode audio and OCR the next videos in parallel."""
        if read.samples is None:
            return
        samples, read.samples = read.samples, None
        try:
            read.transcription = self._whisper(samples)
        except (RuntimeError, ValueError) as exc:
            read.warnings.append(f"{name}: Whisper could not transcribe the speech: {exc}")
            read.transient = True

    def __call__(self, paths: Sequence[str | os.PathLike], *,
                 progress: Callable[[int, int], None] | None = None) -> list[VideoText]:
        """Texts of each file in ``paths``, in the same order; ``progress(done, total)``
        is called as videos finish. A bad file gets warnings and empty texts; the
        others carry on."""
        if isinstance(paths, (str, os.PathLike)):
            raise TranscriptionError("paths", "paths must be a list of file paths, not one path")
        paths = list(paths)
        if not all(isinstance(p, (str, os.PathLike)) for p in paths):
            raise TranscriptionError("paths", "paths must be a list of file paths")
        paths = [Path(p) for p in paths]
        total = len(paths)
        results: list[VideoText | None] = [None] * total
        done = 0

        report_lock = threading.Lock()  # Whisper threads finish videos too

        def finished(index: int, text: VideoText) -> None:
            nonlocal done
            with report_lock:
                results[index] = text
                done += 1
                if progress is not None:
                    progress(done, total)

        if progress is not None:
            progress(0, total)
        pending: dict[str, list[int]] = {}  # sha256 -> indexes of paths with those bytes
        for index, path in enumerate(paths):
            try:
                sha256 = utils.sha256_file(path)
            except OSError as exc:
                finished(index, VideoText("", warnings=[f"{path.name} could not be read: {exc.strerror or exc}"],
                                          backend=self.backend))
                continue
            cached = self._cache.get(self._cache_key(sha256)) if self._cache is not None else None
            if cached is not None:
                finished(index, VideoText.from_dict({**cached, "cached": True}))
            else:
                pending.setdefault(sha256, []).append(index)

        def complete(sha256: str, read: ReadResult) -> None:
            indexes = pending[sha256]
            if self._whisper is not None:
                self._transcribe_in_parent(read, paths[indexes[0]].name)
            transcription = read.transcription
            text = VideoText(sha256, segments=list(transcription.segments),
                             captions=mark_spoken(read.captions, transcription.text),
                             warnings=read.warnings, backend=self.backend, language=transcription.language,
                             words=list(transcription.words), word_timing=transcription.word_timing)
            if self._cache is not None and not read.transient:
                self._cache.put(self._cache_key(sha256), text.to_dict())
            for index in indexes:
                finished(index, VideoText.from_dict(text.to_dict()))

        pools: dict[cf.Future, cf.Executor] = {}
        futures: dict[cf.Future, str] = {}
        for sha256, indexes in pending.items():
            pool, future = self._submit(paths[indexes[0]])
            pools[future], futures[future] = pool, sha256
        # Whisper transcribes up to ``workers`` videos at once, each as its worker hands
        # back the audio, while the workers go on reading the next videos' captions.
        threads = self.workers if self._whisper is not None else 1
        completions: list[cf.Future] = []
        with cf.ThreadPoolExecutor(threads, thread_name_prefix="text-complete") as completing:
            for future in cf.as_completed(futures):
                sha256 = futures[future]
                indexes = pending[sha256]
                try:
                    read = future.result()
                except BrokenProcessPool as exc:
                    self._discard_broken_pool(pools[future])
                    read = ReadResult(warnings=[f"{paths[indexes[0]].name}: the worker process died: {exc}"],
                                      transient=True)
                except Exception as exc:  # one video's failure must not sink the others
                    read = ReadResult(warnings=[f"{paths[indexes[0]].name}: text extraction failed: {exc!r}"],
                                      transient=True)
                completions.append(completing.submit(complete, sha256, read))
        for completion in completions:
            completion.result()  # every video is done; an error in our own code must not pass silently
        return results  # type: ignore[return-value]

    def _discard_broken_pool(self, broken: cf.Executor) -> None:
        """Drop the pool if it is still ``broken`` (another video or call may have replaced it)."""
        with self._lock:
            if self._executor is not broken:
                return
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
