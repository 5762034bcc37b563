"""Jobs: every search or generation is a job with a status, progress and a result.

    from jobs import get_jobs
    job, created = get_jobs().submit("search", {"tags": ["Foodie"], "duration": 15}, owner="key:1")
    get_jobs().get(job.id, owner="key:1").status        # JobStatus.QUEUED … SUCCEEDED

Jobs are stored in SQLite (``TRENDTOK_DB``) and run by a runner: by default
``TRENDTOK_JOB_THREADS`` threads inside the server, with at most ``TRENDTOK_QUEUE_SIZE``
waiting (``QueueFull`` beyond). A job belongs to the runner that queued or runs it, whose lease
(``jobs.lease``) beats every ``TRENDTOK_JOB_HEARTBEAT_S`` seconds. Only a process that serves
jobs (``JobQueue.serve``: the web server, a Celery worker) settles others' jobs, and only those of
a runner whose lease went silent: running ones are ``failed`` with ``interrupted``, waiting ones
run here. With ``TRENDTOK_BROKER_URL`` set they run on Celery workers instead (``jobs.broker``).

What each kind takes and does is one entry of ``KINDS`` (``jobs.kinds``), from which ``/api`` checks
a job's body and its OpenAPI document describes it.
"""
from __future__ import annotations

from ._types import (INTERRUPTED, BrokerUnavailable, Job, JobCancelled, JobError, JobNotFound, JobStatus,
                     QueueFull, UnknownKind)
from .lease import Lease
from .service import JobQueue, get_jobs, init_app
from .kind_spec import KindSpec
from .kinds import KINDS, check_params
from .runner import JobContext, ThreadRunner, run_job
from .store import JobStore

__all__ = [
    "BrokerUnavailable",
    "INTERRUPTED",
    "Job",
    "JobCancelled",
    "JobContext",
    "JobError",
    "JobNotFound",
    "JobQueue",
    "JobStatus",
    "JobStore",
    "KINDS",
    "KindSpec",
    "Lease",
    "QueueFull",
    "ThreadRunner",
    "UnknownKind",
    "check_params",
    "get_jobs",
    "init_app",
    "run_job",
]
