"""Jobs and their progress events in SQLite (WAL): one file in the instance folder, shared by
every thread and worker.

Each call is one short transaction on a per-thread connection (``utils.Database``), so worker
threads, the web threads polling a job and a Celery worker on the same file never
share a cursor. WAL lets readers go on while a worker writes progress.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from typing import Any

import utils

from ._types import INTERRUPTED, Job, JobNotFound, JobStatus
from .places import INDEXES, PLACE_COLUMN, place_of

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    owner            TEXT NOT NULL,
    status           TEXT NOT NULL,
    params           TEXT NOT NULL,
    idempotency_key  TEXT,
    stage            TEXT,
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER NOT NULL DEFAULT 0,
    fraction         REAL NOT NULL DEFAULT 0,
    result           TEXT,
    error            TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    runner           TEXT,
    created_at       REAL NOT NULL,
    started_at       REAL,
    finished_at      REAL
);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner, created_at);
CREATE INDEX IF NOT EXISTS jobs_run ON jobs (json_extract(result, '$.run_id'));
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs (owner, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- Every change of a job's status or progress, in order: what /events streams and what
-- a watcher in another process reads, so no stage is lost between two polls.
CREATE TABLE IF NOT EXISTS job_events (
    job_id   TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    at       REAL NOT NULL,
    status   TEXT NOT NULL,
    stage    TEXT,
    done     INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    fraction REAL NOT NULL,
    error    TEXT,
    PRIMARY KEY (job_id, seq)
);
-- Each live runner's lease (jobs.lease): a job's ``runner`` names the token of the process that
-- queued or runs it; a lease whose beat is old belongs to a process that died.
CREATE TABLE IF NOT EXISTS runners (
    token      TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at REAL NOT NULL,
    beat_at    REAL NOT NULL
);
-- Ticks whenever a job starts, ends or changes runner (not on progress): what a stream watching a
-- queued job's place reads, one row, to know when to read the place again (jobs.places).
CREATE TABLE IF NOT EXISTS queue_clock (
    id   INTEGER PRIMARY KEY CHECK (id = 0),
    tick INTEGER NOT NULL
);
INSERT OR IGNORE INTO queue_clock (id, tick) VALUES (0, 0);
"""


class JobStore:
    """Create, read and update jobs in the SQLite file at ``path``."""

    def __init__(self, path: str | os.PathLike):
        self.database = utils.Database(path, _SCHEMA)
        self.path = self.database.path
        self._db = self.database.read
        self._write = self.database.write
        with self._write() as db:  # a store made before jobs said which worker (and runner) ran them
            columns = {r["name"] for r in db.execute("PRAGMA table_info(jobs)")}
            for column in ("worker", "runner"):
                if column not in columns:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
            for index in INDEXES:  # they name ``runner``: only once it exists
                db.execute(index)

    # -- creating and reading -------------------------------------------------------------
    def create(self, *, kind: str, owner: str, params: dict[str, Any],
               idempotency_key: str | None = None, runner: str | None = None) -> tuple[Job, bool]:
        """A new queued job, or the caller's earlier job with the same ``idempotency_key``.

        ``runner`` is the lease token of the process whose threads will run it (``None`` when a
        broker holds it). Returns ``(job, created)``.
        """
        job_id = utils.new_run_id()
        with self._write() as db:
            if idempotency_key is not None:
                row = db.execute("SELECT * FROM jobs WHERE owner = ? AND idempotency_key = ?",
                                 (owner, idempotency_key)).fetchone()
                if row is not None:
                    return Job.from_row(row), False
            db.execute(
                "INSERT INTO jobs (id, kind, owner, status, params, idempotency_key, runner, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, owner, JobStatus.QUEUED.value, json.dumps(params), idempotency_key, runner,
                 time.time()),
            )
            _record_event(db, job_id)
        return self.get(job_id), True

    def get(self, job_id: str, *, owner: str | None = None) -> Job:
        """The job ``job_id``; with ``owner``, only if it is theirs (else ``JobNotFound``)."""
        row = self._db().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or (owner is not None and row["owner"] != owner):
            raise JobNotFound("job_id", f"no job {job_id!r}")
        return Job.from_row(row)

    def list(self, *, owner: str, limit: int = 20, concurrency: int | None = None) -> list[Job]:
        """The owner's most recent jobs, newest first, each queued one with its place (``placed``)."""
        rows = self._db().execute(f"SELECT j.*, {PLACE_COLUMN} FROM jobs j WHERE j.owner = ? "
                                  "ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?", (owner, limit)).fetchall()
        now = time.time()
        return [_placed(r, concurrency=concurrency, now=now) for r in rows]

    def placed(self, job_id: str, *, owner: str | None = None, concurrency: int | None = None) -> Job:
        """``get``, with ``queue_position`` and ``eta_s`` when it is queued, read in the same one
        statement (``jobs.places``; ``concurrency``: the slots of the runner that will run it)."""
        row = self._db().execute(f"SELECT j.*, {PLACE_COLUMN} FROM jobs j WHERE j.id = ?", (job_id,)).fetchone()
        if row is None or (owner is not None and row["owner"] != owner):
            raise JobNotFound("job_id", f"no job {job_id!r}")
        return _placed(row, concurrency=concurrency, now=time.time())

    def queue_tick(self) -> int:
        """The queue clock: changes when any job starts, ends or changes runner (one row read)."""
        return self._db().execute("SELECT tick FROM queue_clock WHERE id = 0").fetchone()[0]

    def queue_order(self, job_id: str) -> tuple[float, int]:
        """Where the job stands in its runner's order (``created_at``, insertion): what the places count."""
        row = self._db().execute("SELECT created_at, rowid FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound("job_id", f"no job {job_id!r}")
        return row[0], row[1]

    def owner_of_run(self, run_id: str) -> str | None:
        """Who made the run ``run_id``: the owner of the first job whose result names it (``None``
        for a run no job made, such as one from the ``search`` CLI command)."""
        row = self._db().execute("SELECT owner FROM jobs WHERE json_extract(result, '$.run_id') = ? "
                                 "ORDER BY created_at, rowid LIMIT 1", (run_id,)).fetchone()
        return row["owner"] if row else None

    def events(self, job_id: str, *, after: int = 0) -> list[dict[str, Any]]:
        """The job's events with ``seq`` above ``after``, oldest first."""
        rows = self._db().execute("SELECT * FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq",
                                  (job_id, after)).fetchall()
        return [dict(r) for r in rows]

    def count_queued(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM jobs WHERE status = ?",
                                  (JobStatus.QUEUED.value,)).fetchone()[0]

    def queued_ids(self, *, created_before: float | None = None) -> list[str]:
        """Queued jobs, oldest first; with ``created_before`` (UNIX seconds), only those created earlier."""
        rows = self._db().execute("SELECT id FROM jobs WHERE status = ? AND created_at < ? ORDER BY created_at, rowid",
                                  (JobStatus.QUEUED.value, float("inf") if created_before is None
                                   else created_before)).fetchall()
        return [r["id"] for r in rows]

    # -- a job's life -------------------------------------------------------------------------
    def start(self, job_id: str, *, worker: str | None = None, runner: str | None = None) -> bool:
        """Mark a queued job running on ``worker`` under the lease ``runner``; False when it is no
        longer queued (cancelled meanwhile, or another runner started it first)."""
        with self._write() as db:
            changed = db.execute("UPDATE jobs SET status = ?, started_at = ?, worker = ?, runner = ? "
                                 "WHERE id = ? AND status = ?",
                                 (JobStatus.RUNNING.value, time.time(), worker, runner, job_id,
                                  JobStatus.QUEUED.value)).rowcount
            if changed:
                _record_event(db, job_id)
        return changed == 1

    def progress(self, job_id: str, *, stage: str, done: int, total: int, fraction: float) -> None:
        with self._write() as db:
            if db.execute("UPDATE jobs SET stage = ?, done = ?, total = ?, fraction = ? WHERE id = ? AND status = ?",
                          (stage, done, total, fraction, job_id, JobStatus.RUNNING.value)).rowcount:
                _record_event(db, job_id, moved=False)

    def finish(self, job_id: str, status: JobStatus, *, result: dict[str, Any] | None = None,
               error: str | None = None) -> bool:
        """Record how a job ended; a job that already ended keeps its first ending (and this
        returns False)."""
        if not status.finished:
            raise ValueError(f"status: {status.value} is not an ending")
        with self._write() as db:
            if db.execute(
                "UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ?, "
                "fraction = CASE WHEN ? THEN 1.0 ELSE fraction END "
                "WHERE id = ? AND status IN (?, ?)",
                (status.value, json.dumps(result, ensure_ascii=False) if result is not None else None, error,
                 time.time(), status is JobStatus.SUCCEEDED, job_id, JobStatus.QUEUED.value, JobStatus.RUNNING.value),
            ).rowcount:
                _record_event(db, job_id)
                return True
        return False

    def cancel(self, job_id: str, *, owner: str) -> Job:
        """Cancel a queued job now, or ask a running one to stop at its next stage boundary."""
        job = self.get(job_id, owner=owner)
        with self._write() as db:
            if db.execute("UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = ?",
                          (JobStatus.CANCELLED.value, "cancelled before it started", time.time(), job.id,
                           JobStatus.QUEUED.value)).rowcount:
                _record_event(db, job.id)
            db.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = ?",
                       (job.id, JobStatus.RUNNING.value))
        return self.get(job_id)

    def cancel_requested(self, job_id: str) -> bool:
        row = self._db().execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    def discard(self, job_id: str) -> None:
        """Forget a job that never reached a runner (its queue was full)."""
        with self._write() as db:
            if db.execute("DELETE FROM jobs WHERE id = ? AND status = ?", (job_id, JobStatus.QUEUED.value)).rowcount:
                db.execute("DELETE FROM job_events WHERE job_id = ?", (job_id,))

    def interrupt_running(self, *, worker: str | None = None) -> list[str]:
        """After a restart: jobs left ``running`` (by ``worker``, or by anyone) failed with
        ``interrupted``. Returns their ids."""
        where, args = "status = ?", [JobStatus.RUNNING.value]
        if worker is not None:
            where, args = where + " AND worker = ?", args + [worker]
        with self._write() as db:
            ids = [r["id"] for r in db.execute(f"SELECT id FROM jobs WHERE {where}", args)]
            db.execute(f"UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE {where}",
                       [JobStatus.FAILED.value, INTERRUPTED, time.time(), *args])
            for job_id in ids:
                _record_event(db, job_id)
        return ids

    # -- runners' leases (jobs.lease) ---------------------------------------------------------
    def register_runner(self, token: str, *, host: str, pid: int) -> None:
        now = time.time()
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO runners (token, host, pid, started_at, beat_at) VALUES (?, ?, ?, ?, ?)",
                       (token, host, pid, now, now))

    def beat(self, token: str) -> None:
        """The runner ``token`` is alive now (a lease settled as dead meanwhile is registered again)."""
        with self._write() as db:
            if not db.execute("UPDATE runners SET beat_at = ? WHERE token = ?", (time.time(), token)).rowcount:
                host, _, rest = token.partition(":")
                pid = int(rest.partition(":")[0] or 0)
                db.execute("INSERT INTO runners (token, host, pid, started_at, beat_at) VALUES (?, ?, ?, ?, ?)",
                           (token, host, pid, time.time(), time.time()))

    def release_runner(self, token: str) -> None:
        """A runner that stops cleanly: what it still had queued is anyone's to take at once."""
        with self._write() as db:
            db.execute("DELETE FROM runners WHERE token = ?", (token,))

    def runners(self) -> list[dict[str, Any]]:
        """Every registered lease: token, host, pid, started_at, beat_at."""
        return [dict(r) for r in self._db().execute("SELECT * FROM runners ORDER BY started_at").fetchall()]

    def runner_of(self, job_id: str) -> str | None:
        row = self._db().execute("SELECT runner FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return row["runner"] if row else None

    def settle_dead_runners(self, *, beat_before: float, adopt_for: str | None) -> tuple[list[str], list[str]]:
        """Jobs of runners whose last beat is before ``beat_before`` (UNIX seconds), or that have no
        lease at all (a clean stop, or a store older than leases): running ones failed with
        ``interrupted``; queued ones, when ``adopt_for`` names a lease, moved to it for its threads
        to run. A job a broker holds (queued with no runner) is left to the broker.
        Returns ``(interrupted, adopted)`` ids, oldest first."""
        dead = ("j.runner IS NULL OR j.runner NOT IN (SELECT token FROM runners WHERE beat_at >= ?)")
        with self._write() as db:
            interrupted = [r["id"] for r in db.execute(
                f"SELECT j.id FROM jobs j WHERE j.status = ? AND ({dead}) ORDER BY j.created_at, j.rowid",
                (JobStatus.RUNNING.value, beat_before))]
            now = time.time()
            for job_id in interrupted:
                db.execute("UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
                           (JobStatus.FAILED.value, INTERRUPTED, now, job_id))
                _record_event(db, job_id)
            adopted: list[str] = []
            if adopt_for is not None:
                adopted = [r["id"] for r in db.execute(
                    f"SELECT j.id FROM jobs j WHERE j.status = ? AND j.runner IS NOT NULL AND j.runner != ? "
                    f"AND j.runner NOT IN (SELECT token FROM runners WHERE beat_at >= ?) ORDER BY j.created_at, j.rowid",
                    (JobStatus.QUEUED.value, adopt_for, beat_before))]
                # Queued before leases existed: waiting for the next server, as they always did.
                adopted += [r["id"] for r in db.execute(
                    "SELECT id FROM jobs WHERE status = ? AND runner IS NULL AND worker IS NULL "
                    "ORDER BY created_at, rowid", (JobStatus.QUEUED.value,))]
                db.executemany("UPDATE jobs SET runner = ? WHERE id = ?", [(adopt_for, i) for i in adopted])
                if adopted:
                    _tick(db)
            db.execute("DELETE FROM runners WHERE beat_at < ?", (beat_before,))
        return interrupted, adopted


def _placed(row: sqlite3.Row, *, concurrency: int | None, now: float) -> Job:
    place = place_of(row["queue_place"], concurrency=concurrency, now=now)
    job = Job.from_row(row)
    return job if place is None else dataclasses.replace(job, queue_position=place.position, eta_s=place.eta_s)


def _tick(db: sqlite3.Connection) -> None:
    db.execute("UPDATE queue_clock SET tick = tick + 1 WHERE id = 0")


def _record_event(db: sqlite3.Connection, job_id: str, *, moved: bool = True) -> None:
    """Append the job's state as it is now (inside the transaction that changed it); ``moved``
    (any change but progress) also ticks the queue clock."""
    if moved:
        _tick(db)
    db.execute(
        "INSERT INTO job_events (job_id, seq, at, status, stage, done, total, fraction, error) "
        "SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?), ?, "
        "status, stage, done, total, fraction, error FROM jobs WHERE id = ?",
        (job_id, time.time(), job_id),
    )
