"""Jobs on Celery workers, for more than one machine (``TRENDTOK_BROKER_URL=redis://…``).

Flask's documented Celery pattern: the Celery app lives in ``app.extensions["celery"]`` and
every task runs inside the Flask app's context, so a worker builds the same app as the
server (``make_celery.py``) and runs a job with the same ``run_job`` and handlers::

    celery -A make_celery worker --pool threads --concurrency 1

Only the job's id travels through the broker; params, progress, cancel requests and
results stay in the job store, and files in the run folder (or S3), which server and
workers share. A worker that dies mid-job leaves it ``running``; when a worker of the
same name starts again it marks those jobs failed (``interrupted``), and any serving process
does so once the dead worker's lease has missed three heartbeats (``jobs.lease``). Jobs still
queued a minute after they were made are sent again whenever a server or worker starts
serving (``CeleryRunner.resend_stale``), so a lost
Redis message never strands a job.
"""
from __future__ import annotations

import logging
import time

from celery import Celery, Task
from celery.signals import worker_ready
from flask import Flask, current_app
from kombu.exceptions import OperationalError

from ._types import BrokerUnavailable, QueueFull
from .runner import notify, run_job
from .store import JobStore

log = logging.getLogger(__name__)

#: The one task: run the stored job with this id.
RUN_JOB = "trendtok.run_job"
#: A job queued longer than this when a server or worker starts is sent again (its message may be lost).
STALE_S = 60


def celery_init_app(app: Flask, broker_url: str) -> Celery:
    """A Celery app for ``app`` whose tasks run inside its app context; also ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker_url,
        task_ignore_result=True,             # results go to the job store, not a result backend
        worker_prefetch_multiplier=1,        # a job takes seconds to minutes: don't hoard them on one worker
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # A request must not hang on a dead broker: two quick retries, then 503.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                   "interval_max": 0.5},
    )
    celery_app.set_default()

    @celery_app.task(name=RUN_JOB)
    def run(job_id: str) -> None:
        jobs = current_app.extensions["jobs"]
        jobs.lease.start()
        run_job(jobs.store, jobs.handlers, job_id, jobs.on_finished, worker=run.request.hostname,
                runner=jobs.lease.token)

    def settle_own_jobs(sender, **_) -> None:
        if sender.app is celery_app:
            with app.app_context():
                jobs = current_app.extensions["jobs"]
                interrupted = jobs.store.interrupt_running(worker=sender.hostname)
                notify(jobs.store, interrupted, jobs.on_finished)
                jobs.serve()  # heartbeats, settles dead runners' jobs and sends stale queued ones again
            if interrupted:
                log.warning("%d job(s) were running when worker %s stopped: marked failed (interrupted)",
                            len(interrupted), sender.hostname)

    worker_ready.connect(settle_own_jobs, weak=False)
    app.extensions["celery"] = celery_app
    return celery_app


class CeleryRunner:
    """Sends jobs to Celery workers; refuses (``QueueFull``) when ``queue_size`` jobs already wait.

    The bound counts queued jobs in the shared store, so it holds across every server that
    feeds the same workers.
    """

    runs_here = False
    #: How many workers (each ``--concurrency 1``) take jobs is not known here; a queued job's
    #: ``eta_s`` counts as many slots as jobs run now (``jobs.places``).
    concurrency = None

    def __init__(self, celery_app: Celery, store: JobStore, *, queue_size: int = 32, retry_after: int = 30):
        if queue_size < 1:
            raise ValueError("queue_size: at least 1")
        self.celery_app = celery_app
        self.store = store
        self.queue_size = queue_size
        self.retry_after = retry_after

    def submit(self, job_id: str) -> None:
        # The job itself is already stored as queued, hence "more than".
        if self.store.count_queued() > self.queue_size:
            raise QueueFull("queue", f"the job queue is full ({self.queue_size} waiting); try again later",
                            retry_after=self.retry_after)
        try:
            self.celery_app.send_task(RUN_JOB, args=[job_id], task_id=job_id)
        except OperationalError as exc:
            log.error("job %s: the broker refused it: %s", job_id, exc)
            raise BrokerUnavailable("queue", "the job broker cannot be reached; try again later", retry_after=30) from None

    def resend_stale(self, *, older_than_s: float = STALE_S) -> int:
        """Send again every job queued more than ``older_than_s`` ago; how many.

        The store, not Redis, says what is waiting: a Redis restarted without persistence, a
        flushed database or a worker killed holding a prefetched message loses the message but
        not the job. A second message for a job whose first is still in Redis is harmless: the
        first worker to start it wins (``JobStore.start``) and the other finds it taken.
        """
        stale = self.store.queued_ids(created_before=time.time() - older_than_s)
        for job_id in stale:
            try:
                self.celery_app.send_task(RUN_JOB, args=[job_id], task_id=job_id)
            except OperationalError as exc:
                log.warning("could not send queued job %s again: %s", job_id, exc)
                break
        if stale:
            log.info("sent %d queued job(s) to the workers again", len(stale))
        return len(stale)

    def close(self) -> None:
        """Nothing runs here; queued jobs wait in the broker for the workers."""
