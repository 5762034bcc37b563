"""The job system's errors, statuses and the job record itself."""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from errors import Cancelled, LimitReached, NotFound, StudioError, Unavailable


class JobError(StudioError):
    """Base of every error the job system raises (``errors.StudioError``'s branches mixed in)."""


class JobNotFound(JobError, NotFound):
    """No job with this id belongs to the caller."""


class QueueFull(JobError, LimitReached):
    """The runner holds as many waiting jobs as it may; ``retry_after`` is a hint in seconds."""


class BrokerUnavailable(JobError, Unavailable):
    """The job could not be handed to the broker (``TRENDTOK_BROKER_URL``); nothing was queued."""


class JobCancelled(JobError, Cancelled):
    """Raised inside a running job when its owner cancelled it (at a stage boundary); the message
    ("cancelled before the music stage") says where, so it is about no field."""

    def __init__(self, message: str):
        super().__init__(None, message)


class UnknownKind(JobError, ValueError):
    """The request names a job kind nobody handles; the message lists the known ones."""


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


#: What a job left running when the server stopped says about itself after the restart.
INTERRUPTED = "interrupted: the server or worker stopped while this job was running"


@dataclass(frozen=True)
class Job:
    """One job as stored. Times are UNIX seconds; ``fraction`` is the whole job's 0–1 progress.

    ``params`` is what the job was asked to do (JSON-safe); ``result`` is set when it
    succeeded, ``error`` when it failed or was cancelled. ``queue_position`` (1 = next to start)
    and ``eta_s`` (seconds until it should be done) are set on a queued job read with its place
    (``JobStore.placed``/``list``, ``JobQueue.get``; ``jobs.places``), else ``None``.
    """

    id: str
    kind: str
    owner: str
    status: JobStatus
    params: dict[str, Any]
    created_at: float
    stage: str | None = None
    done: int = 0
    total: int = 0
    fraction: float = 0.0
    result: dict[str, Any] | None = None
    error: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    cancel_requested: bool = False
    worker: str | None = None
    runner: str | None = None
    queue_position: int | None = None
    eta_s: float | None = None

    @classmethod
    def from_row(cls, row: Any) -> "Job":
        return cls(
            id=row["id"], kind=row["kind"], owner=row["owner"], status=JobStatus(row["status"]),
            params=json.loads(row["params"]), created_at=row["created_at"], stage=row["stage"],
            done=row["done"], total=row["total"], fraction=row["fraction"],
            result=json.loads(row["result"]) if row["result"] is not None else None,
            error=row["error"], started_at=row["started_at"], finished_at=row["finished_at"],
            cancel_requested=bool(row["cancel_requested"]), worker=row["worker"],
            runner=row["runner"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The job as the API shows it; the owner stays private."""
        data = {"job_id": self.id, "kind": self.kind, "status": self.status.value, "params": self.params,
                "stage": self.stage, "done": self.done, "total": self.total, "fraction": self.fraction,
                "error": self.error, "created_at": self.created_at, "started_at": self.started_at,
                "finished_at": self.finished_at, "queue_position": self.queue_position, "eta_s": self.eta_s}
        if self.result is not None:
            data["result"] = self.result
        return data
