"""Running jobs: the one function that runs a job, and the in-process thread runner.

``run_job`` is the whole life of a job once a worker picks it up, whoever the
worker is (a thread here, a Celery worker elsewhere): it marks the job running,
calls the handler for its kind, and records how it ended. The handler reports
progress and is stopped at a stage boundary when its owner cancels.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Mapping, Protocol

from ._types import Job, JobCancelled, JobStatus, QueueFull
from .store import JobStore

log = logging.getLogger(__name__)


class JobContext:
    """What a handler gets beside its job: a way to report progress and to learn of a cancel."""

    def __init__(self, store: JobStore, job_id: str):
        self._store = store
        self.job_id = job_id

    def progress(self, stage: str, done: int, total: int, fraction: float) -> None:
        self._store.progress(self.job_id, stage=stage, done=done, total=total, fraction=fraction)

    def should_stop(self) -> bool:
        return self._store.cancel_requested(self.job_id)


#: A job kind's work: gets the job and its context, returns the JSON-safe result.
Handler = Callable[[Job, JobContext], dict[str, Any]]


def run_job(store: JobStore, handlers: Mapping[str, Handler], job_id: str,
            on_finished: Callable[[Job], None] | None = None, *, worker: str | None = None,
            runner: str | None = None) -> None:
    """Run the queued job ``job_id`` to its end; nothing it raises escapes.

    ``worker`` names who runs it (a Celery worker's hostname), so that worker can settle
    the job when it restarts after dying mid-job; ``runner`` is the lease token (``jobs.lease``)
    whose heartbeat says the job is still alive.
    """
    if not store.start(job_id, worker=worker, runner=runner):
        return  # cancelled while it waited, or another runner took it first
    job = store.get(job_id)
    try:
        result = handlers[job.kind](job, JobContext(store, job_id))
    except JobCancelled as exc:
        ended = store.finish(job_id, JobStatus.CANCELLED, error=str(exc) or "cancelled")
    except Exception as exc:  # the job fails; the worker goes on to the next one
        log.exception("job %s (%s) failed", job_id, job.kind)
        ended = store.finish(job_id, JobStatus.FAILED, error=str(exc) or type(exc).__name__)
    else:
        ended = store.finish(job_id, JobStatus.SUCCEEDED, result=result)
    # Only whoever ended the job notifies: a returning worker of the same name may have settled it first.
    if ended and on_finished is not None:
        try:
            on_finished(store.get(job_id))
        except Exception:  # a failed notification must not kill the worker
            log.exception("after job %s", job_id)


def notify(store: JobStore, job_ids: list[str], on_finished: Callable[[Job], None] | None) -> None:
    """Tell ``on_finished`` of each job in ``job_ids`` that ended outside a runner; a failure is logged."""
    for job_id in job_ids if on_finished is not None else ():
        try:
            on_finished(store.get(job_id))
        except Exception:
            log.exception("after job %s", job_id)


class Runner(Protocol):
    """Where queued jobs go: ``submit`` a stored job's id, or raise ``QueueFull``.

    ``runs_here`` says whether this process's threads run what it submits (so the jobs carry
    this process's lease), or a broker hands them to workers elsewhere. ``concurrency`` is how
    many jobs it runs at once (``None``: not known here, as with Celery workers): what a queued
    job's ``eta_s`` divides the work ahead by (``jobs.places``).
    """

    runs_here: bool
    concurrency: int | None

    def submit(self, job_id: str) -> None: ...

    def close(self) -> None: ...


class ThreadRunner:
    """Runs jobs in ``threads`` worker threads of this process, at most ``queue_size`` waiting.

    The threads start with the first job, so a process that never submits one (a CLI command)
    starts none. ``retry_after`` (seconds) is what a refused caller is told to wait: about one
    cold search on a 2-core machine. ``lease`` is the token the jobs run under (``jobs.lease``).

    Waiting jobs start oldest first by the store's order (``JobStore.queue_order``), not by when
    they were submitted here: a job taken over from a stopped server, or one whose request was
    slower to submit, still starts in the order its ``queue_position`` counts.
    """

    runs_here = True

    def __init__(self, store: JobStore, handlers: Mapping[str, Handler], *, threads: int = 1,
                 queue_size: int = 32, retry_after: int = 30, on_finished: Callable[[Job], None] | None = None,
                 lease: str | None = None):
        if threads < 1:
            raise ValueError("threads: at least 1")
        if queue_size < 1:
            raise ValueError("queue_size: at least 1")
        self.store = store
        self.handlers = dict(handlers)
        self.on_finished = on_finished
        self.retry_after = retry_after
        self.lease = lease
        self._count = self.concurrency = threads
        # (created_at, rowid, job id), or (-inf, n, None) to stop a worker before any job.
        self._queue: queue.PriorityQueue[tuple[float, int, str | None]] = queue.PriorityQueue(maxsize=queue_size)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _start_threads(self) -> None:
        with self._lock:
            if not self._threads:
                self._threads = [threading.Thread(target=self._work, name=f"job-worker-{i}", daemon=True)
                                 for i in range(self._count)]
                for thread in self._threads:
                    thread.start()

    def submit(self, job_id: str) -> None:
        self._start_threads()
        created_at, order = self.store.queue_order(job_id)
        try:
            self._queue.put_nowait((created_at, order, job_id))
        except queue.Full:
            raise QueueFull("queue", f"the job queue is full ({self._queue.maxsize} waiting); try again later",
                            retry_after=self.retry_after) from None

    def _work(self) -> None:
        while True:
            _, _, job_id = self._queue.get()
            if job_id is None:
                return
            run_job(self.store, self.handlers, job_id, self.on_finished, runner=self.lease)

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking jobs; workers finish the job in hand (up to ``timeout`` seconds each)."""
        while True:  # what still waits stays queued in the store, for the next server to run
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        for number, _ in enumerate(self._threads):
            self._queue.put((float("-inf"), number, None))
        for thread in self._threads:
            thread.join(timeout)
