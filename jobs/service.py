"""The job system as the web layer sees it, and ``init_app`` wiring it into the app."""
from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import time
from typing import Any, Callable, Iterator, Mapping

from flask import Flask, current_app

from trend_lake import open_lake

from ._types import BrokerUnavailable, Job, JobStatus, QueueFull
from .callbacks import Callbacks, allowed_hosts
from .kinds import handlers
from .runner import Handler, Runner, ThreadRunner
from .store import JobStore

log = logging.getLogger(__name__)


class JobQueue:
    """Submit, read, watch and cancel jobs; ``runner`` decides where they run.

    ``handlers`` and ``on_finished`` are what a worker in another process (Celery) needs to
    run a job this queue's process submitted.
    """

    def __init__(self, store: JobStore, runner: Runner, *, handlers: Mapping[str, Handler] | None = None,
                 callback_hosts: frozenset[str] = frozenset(), on_finished: Callable[[Job], None] | None = None):
        self.store = store
        self.runner = runner
        self.handlers = dict(handlers or {})
        self.callback_hosts = callback_hosts  # what a job's callback_url may name (check_params)
        self.on_finished = on_finished

    def submit(self, kind: str, params: dict[str, Any], *, owner: str,
               idempotency_key: str | None = None) -> tuple[Job, bool]:
        """Queue a job (``params`` already checked); ``(job, created)``. Raises ``QueueFull`` or
        ``BrokerUnavailable``, having queued nothing.

        With an ``idempotency_key`` the owner's earlier job with that key is returned
        instead of a new one (``created`` False).
        """
        job, created = self.store.create(kind=kind, owner=owner, params=params, idempotency_key=idempotency_key)
        if created:
            try:
                self.runner.submit(job.id)
            except (QueueFull, BrokerUnavailable):
                self.store.discard(job.id)  # refused: as if it had never been asked for
                raise
        return job, created

    def get(self, job_id: str, *, owner: str | None = None) -> Job:
        return self.store.get(job_id, owner=owner)

    def list(self, *, owner: str, limit: int = 20) -> list[Job]:
        return self.store.list(owner=owner, limit=limit)

    def cancel(self, job_id: str, *, owner: str) -> Job:
        before = self.store.get(job_id, owner=owner)
        job = self.store.cancel(job_id, owner=owner)
        # A queued job cancelled here never reaches a runner; one that ended by itself already notified.
        if not before.status.finished and job.status.finished and self.on_finished is not None:
            self.on_finished(job)
        return job

    def events(self, job_id: str, *, after: int = 0, interval: float = 0.1,
               timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """Yield each of the job's events after ``after`` (``seq``), as they come, until it ends.

        Reads the store, so it sees jobs run by any runner, in this process or not; stops
        early, without an ending event, when ``timeout`` seconds pass.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            for event in self.store.events(job_id, after=after):
                after = event["seq"]
                yield event
                if JobStatus(event["status"]).finished:
                    return
            if deadline is not None and time.monotonic() >= deadline:
                return
            time.sleep(interval)

    def wait(self, job_id: str, *, timeout: float | None = None) -> Job:
        """The job once it has ended (or as it is when ``timeout`` runs out)."""
        for _ in self.events(job_id, timeout=timeout):
            pass
        return self.store.get(job_id)

    def close(self) -> None:
        self.runner.close()


def recover(store: JobStore, runner: Runner, on_finished: Callable[[Job], None] | None = None) -> None:
    """Settle what a stopped server left: running jobs fail as interrupted, waiting ones run.

    A job that ends here ends like any other: ``on_finished`` (its callback) hears of it.
    """
    interrupted = store.interrupt_running()
    if interrupted:
        log.warning("%d job(s) were running when the server stopped: marked failed (interrupted)", len(interrupted))
    refused = []
    for job_id in store.queued_ids():
        try:
            runner.submit(job_id)
        except QueueFull:
            store.finish(job_id, JobStatus.FAILED, error="interrupted: the server restarted with a full queue")
            refused.append(job_id)
    notify(store, interrupted + refused, on_finished)


def notify(store: JobStore, job_ids: list[str], on_finished: Callable[[Job], None] | None) -> None:
    """Tell ``on_finished`` of each job in ``job_ids`` that ended outside a runner; a failure is logged."""
    for job_id in job_ids if on_finished is not None else ():
        try:
            on_finished(store.get(job_id))
        except Exception:
            log.exception("after job %s", job_id)


def callback_secret(app: Flask) -> bytes:
    """``TRENDTOK_CALLBACK_SECRET``, or a key derived from the secret key: receivers are given this,
    never the key that signs sessions and upload URLs."""
    if app.config.get("TRENDTOK_CALLBACK_SECRET"):
        return app.config["TRENDTOK_CALLBACK_SECRET"].encode()
    key = app.secret_key.encode() if isinstance(app.secret_key, str) else app.secret_key
    return hmac.new(key, b"trendtok callbacks", hashlib.sha256).hexdigest().encode()


def init_app(app: Flask) -> JobQueue:
    """Open the job store, settle what a restart left behind, and start the runner.

    Needs the studio (``app.extensions["studio"]``), whose searches the handlers run, and the
    uploads (``uploads.init_app``) when clips or exports are to be taken; the lake's jobs work on
    ``TRENDTOK_LAKE``. With ``TRENDTOK_BROKER_URL`` jobs go to Celery workers (``jobs.broker``),
    which settle their own jobs when they restart; else to ``TRENDTOK_JOB_THREADS`` threads here.
    """
    store = JobStore(app.config["TRENDTOK_DB"])
    callbacks = Callbacks(secret=callback_secret(app),
                          status_url=lambda job_id: f"/api/jobs/{job_id}")
    # The lake (and the sounds' settings) are read from the app's settings as each job starts, as
    # the /lake and /sounds pages read them per request.
    kinds = handlers(app.extensions["studio"], app.extensions.get("uploads"),
                     lake=lambda: open_lake(app.config), settings=lambda: app.config)
    queue_size = int(app.config["TRENDTOK_QUEUE_SIZE"])
    runner: Runner
    if app.config.get("TRENDTOK_BROKER_URL"):
        from .broker import CeleryRunner, celery_init_app  # Celery loads only where it is used

        runner = CeleryRunner(celery_init_app(app, app.config["TRENDTOK_BROKER_URL"]), store,
                              queue_size=queue_size)
        runner.resend_stale()
    else:
        runner = ThreadRunner(store, kinds, threads=int(app.config["TRENDTOK_JOB_THREADS"]),
                              queue_size=queue_size, on_finished=callbacks)
        recover(store, runner, callbacks)
    jobs = JobQueue(store, runner, handlers=kinds,
                    callback_hosts=allowed_hosts(app.config.get("TRENDTOK_CALLBACK_HOSTS")),
                    on_finished=callbacks)
    app.extensions["jobs"] = jobs
    atexit.register(jobs.close)
    return jobs


def get_jobs() -> JobQueue:
    """The app's job queue (inside an app context)."""
    return current_app.extensions["jobs"]
