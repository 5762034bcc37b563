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
from .lease import Lease
from .runner import Handler, Runner, ThreadRunner, notify
from .store import JobStore

log = logging.getLogger(__name__)


class JobQueue:
    """Submit, read, watch and cancel jobs; ``runner`` decides where they run.

    ``handlers`` and ``on_finished`` are what a worker in another process (Celery) needs to
    run a job this queue's process submitted. ``lease`` is this process's claim on the jobs it
    runs; it starts with the first job submitted here, or with ``serve``.

    Only a process that serves jobs (the web server, a Celery worker) calls ``serve``: from then
    on it also settles the jobs of runners that died and takes their queued jobs. Any other
    process (a CLI command) reads and writes the store but never touches another's work.
    """

    def __init__(self, store: JobStore, runner: Runner, *, handlers: Mapping[str, Handler] | None = None,
                 callback_hosts: frozenset[str] = frozenset(), on_finished: Callable[[Job], None] | None = None,
                 lease: Lease | None = None):
        self.store = store
        self.runner = runner
        self.handlers = dict(handlers or {})
        self.callback_hosts = callback_hosts  # what a job's callback_url may name (check_params)
        self.on_finished = on_finished
        self.lease = lease
        self.serving = False

    def serve(self) -> None:
        """Make this process one that serves jobs: settle what dead runners left (now and at every
        heartbeat) and, with a broker, send again what waited too long. Idempotent."""
        if self.serving:
            return
        self.serving = True
        if self.lease is not None:
            self.lease.on_beat = self.settle
            self.lease.start()
            self.settle()
        if hasattr(self.runner, "resend_stale"):
            self.runner.resend_stale()

    def settle(self) -> None:
        """Fail the running jobs of runners whose lease went silent and take their queued jobs."""
        if self.lease is None:
            return
        adopt = self.lease.token if self.runner.runs_here else None
        interrupted, adopted = self.store.settle_dead_runners(
            beat_before=time.time() - self.lease.stale_after_s, adopt_for=adopt)
        if interrupted:
            log.warning("%d job(s) of a stopped server or worker were running: marked failed (interrupted)",
                        len(interrupted))
        refused = []
        for job_id in adopted:
            try:
                self.runner.submit(job_id)
            except QueueFull:
                self.store.finish(job_id, JobStatus.FAILED, error="interrupted: the server restarted with a full queue")
                refused.append(job_id)
        if adopted:
            log.info("took %d queued job(s) of a stopped server", len(adopted) - len(refused))
        notify(self.store, interrupted + refused, self.on_finished)

    def submit(self, kind: str, params: dict[str, Any], *, owner: str,
               idempotency_key: str | None = None) -> tuple[Job, bool]:
        """Queue a job (``params`` already checked); ``(job, created)``. Raises ``QueueFull`` or
        ``BrokerUnavailable``, having queued nothing.

        With an ``idempotency_key`` the owner's earlier job with that key is returned
        instead of a new one (``created`` False).
        """
        runner = None
        if self.runner.runs_here and self.lease is not None:
            self.lease.start()  # before the job names it: a lease must exist for as long as its jobs do
            runner = self.lease.token
        job, created = self.store.create(kind=kind, owner=owner, params=params, idempotency_key=idempotency_key,
                                         runner=runner)
        if created:
            try:
                self.runner.submit(job.id)
            except (QueueFull, BrokerUnavailable):
                self.store.discard(job.id)  # refused: as if it had never been asked for
                raise
        return job, created

    def get(self, job_id: str, *, owner: str | None = None) -> Job:
        """The job; a queued one with its ``queue_position`` and ``eta_s`` (``jobs.places``)."""
        return self.store.placed(job_id, owner=owner, concurrency=self._concurrency)

    def list(self, *, owner: str, limit: int = 20) -> list[Job]:
        return self.store.list(owner=owner, limit=limit, concurrency=self._concurrency)

    @property
    def _concurrency(self) -> int | None:
        return getattr(self.runner, "concurrency", None)

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

    def stream(self, job_id: str, *, after: int = 0, interval: float = 0.1,
               heartbeat: float = 15.0) -> Iterator[dict[str, Any] | None]:
        """``events`` for a reader that stays (the SSE stream): each with ``queue_position`` and
        ``eta_s`` (the job's place now on a ``queued`` event, null on the others), and ``None``
        after each ``heartbeat`` seconds in which nothing came; it ends after the ending event.

        While the job waits, its last event comes again (same ``seq``) whenever its place changed:
        at once for a reader resuming after it, then as jobs ahead start or end. That is learnt
        from one one-row read per poll (``JobStore.queue_tick``); the place is read again only
        when the clock moved, and sent only when it differs from the one sent last.
        """
        last = self.store.events(job_id, after=after - 1)[-1:] if after > 0 else []
        last_event: dict[str, Any] | None = last[0] if last else None
        sent: tuple[int | None, float | None] | None = None
        tick = None
        quiet_until = time.monotonic() + heartbeat
        while True:
            new = self.store.events(job_id, after=after)
            waiting = last_event is not None and last_event["status"] == JobStatus.QUEUED.value
            if new or waiting:
                moved = self.store.queue_tick()  # read before the place: a change meanwhile shows next time
                if new or moved != tick:
                    tick = moved
                    queued = [e["status"] == JobStatus.QUEUED.value for e in new]
                    job = self.get(job_id) if not new or any(queued) else None
                    place = (job.queue_position, job.eta_s) if job is not None else (None, None)
                    for event, is_queued in zip(new, queued):
                        after = event["seq"]
                        last_event = {**event, "queue_position": place[0] if is_queued else None,
                                      "eta_s": place[1] if is_queued else None}
                        quiet_until = time.monotonic() + heartbeat
                        yield last_event
                        if JobStatus(event["status"]).finished:
                            return
                    if not new and job is not None and job.status is JobStatus.QUEUED and place != sent:
                        last_event = {**last_event, "queue_position": place[0], "eta_s": place[1]}
                        quiet_until = time.monotonic() + heartbeat
                        yield last_event
                    sent = place
            if time.monotonic() >= quiet_until:
                quiet_until = time.monotonic() + heartbeat
                yield None
            time.sleep(interval)

    def wait(self, job_id: str, *, timeout: float | None = None) -> Job:
        """The job once it has ended (or as it is when ``timeout`` runs out)."""
        for _ in self.events(job_id, timeout=timeout):
            pass
        return self.store.get(job_id)

    def close(self) -> None:
        self.runner.close()
        if self.lease is not None:
            self.lease.close()


def callback_secret(app: Flask) -> bytes:
    """``TRENDTOK_CALLBACK_SECRET``, or a key derived from the secret key: receivers are given this,
    never the key that signs sessions and upload URLs."""
    if app.config.get("TRENDTOK_CALLBACK_SECRET"):
        return app.config["TRENDTOK_CALLBACK_SECRET"].encode()
    key = app.secret_key.encode() if isinstance(app.secret_key, str) else app.secret_key
    return hmac.new(key, b"trendtok callbacks", hashlib.sha256).hexdigest().encode()


def init_app(app: Flask) -> JobQueue:
    """Open the job store and set up the runner; nothing runs and nothing is settled until a job
    is submitted here or the process serves (``JobQueue.serve``, called by ``app.serve``).

    Needs the studio (``app.extensions["studio"]``), whose searches the handlers run, and the
    uploads (``uploads.init_app``) when clips or exports are to be taken; the lake's jobs work on
    ``TRENDTOK_LAKE``. With ``TRENDTOK_BROKER_URL`` jobs go to Celery workers (``jobs.broker``);
    else to ``TRENDTOK_JOB_THREADS`` threads here.
    """
    store = JobStore(app.config["TRENDTOK_DB"])
    lease = Lease(store, interval_s=app.config["TRENDTOK_JOB_HEARTBEAT_S"])
    callbacks = Callbacks(secret=callback_secret(app),
                          status_url=lambda job_id: f"/api/jobs/{job_id}")
    # The lake (and the sounds' settings) are read from the app's settings as each job starts, as
    # the /lake and /sounds pages read them per request.
    kinds = handlers(app.extensions["studio"], app.extensions.get("uploads"),
                     lake=lambda: open_lake(app.config), settings=lambda: app.config)
    queue_size = app.config["TRENDTOK_QUEUE_SIZE"]
    runner: Runner
    if app.config.get("TRENDTOK_BROKER_URL"):
        from .broker import CeleryRunner, celery_init_app  # Celery loads only where it is used

        runner = CeleryRunner(celery_init_app(app, app.config["TRENDTOK_BROKER_URL"]), store,
                              queue_size=queue_size)
    else:
        runner = ThreadRunner(store, kinds, threads=app.config["TRENDTOK_JOB_THREADS"],
                              queue_size=queue_size, on_finished=callbacks, lease=lease.token)
    jobs = JobQueue(store, runner, handlers=kinds,
                    callback_hosts=allowed_hosts(app.config.get("TRENDTOK_CALLBACK_HOSTS")),
                    on_finished=callbacks, lease=lease)
    app.extensions["jobs"] = jobs
    atexit.register(jobs.close)
    return jobs


def get_jobs() -> JobQueue:
    """The app's job queue (inside an app context)."""
    return current_app.extensions["jobs"]
