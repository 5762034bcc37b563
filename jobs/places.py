"""A queued job's place: how many jobs start before it (``queue_position``, 1 = next) and about how
long until it is done (``eta_s``).

The order is the one the runners use: oldest first (``created_at``, then insertion), among the jobs
the same runner will run. A job queued by a server's own threads (``runner`` = that server's lease)
waits only behind that server's queued jobs: each server runs its own queue, so with two servers
on one ``TRENDTOK_DB`` the positions are per server. A job held by a broker (``runner`` NULL) waits
behind every broker-held job: Celery workers take Redis's messages oldest first. (A message sent
again by ``resend_stale`` or one a worker prefetched can change that by a place; the position is
the store's order, not Redis's.)

``eta_s`` is seconds until the job is expected to *finish* (what "about 40 s" means to someone
waiting for their video): the time for the jobs ahead to clear on the runner's ``concurrency``
slots, plus this job's own expected duration. Every duration is the median (started → finished) of
the last 20 succeeded jobs of that job's kind; a running job is expected to need its median less
what it has run already (never below 0). A kind ahead without history counts as this job's own
median. No history of the job's own kind: ``eta_s`` is null.

Everything is read in the one statement that reads the job (``PLACE_COLUMN`` is a column of it),
through two indexes (``INDEXES``): the count ahead is one index range of queued jobs, each median
20 index entries. Bounded for a queue of thousands: the work grows with the jobs ahead, which the
queue size bounds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

#: Jobs of a kind whose median is its expected duration.
HISTORY = 20

#: The indexes the place reads through (made by ``JobStore`` after its columns exist): queued jobs
#: in runner order with their kind (covering), and each kind's successes by end (covering).
INDEXES = (
    "CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, runner, created_at, kind)",
    "CREATE INDEX IF NOT EXISTS jobs_history ON jobs (kind, status, finished_at, started_at)",
)


def _median(kind: str) -> str:
    """SQL: the median duration of the last ``HISTORY`` succeeded jobs of ``kind`` (an SQL
    expression), NULL with none (the middle two averaged for an even count)."""
    return ("(SELECT AVG(d) FROM (SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS i, COUNT(*) OVER () AS n FROM ("
            f"SELECT h.finished_at - h.started_at AS d FROM jobs h WHERE h.kind = {kind} "
            "AND h.status = 'succeeded' AND h.started_at IS NOT NULL "
            f"ORDER BY h.finished_at DESC LIMIT {HISTORY})) WHERE i IN ((n + 1) / 2, (n + 2) / 2))")


#: A column for ``SELECT j.*, PLACE_COLUMN FROM jobs j``: JSON for a queued job (what is ahead by
#: kind, what runs now, and the medians), NULL otherwise (the subqueries then never run).
#: ``json(...)`` keeps each subquery's JSON as JSON, not as a string, inside the object.
PLACE_COLUMN = (
    "CASE WHEN j.status = 'queued' THEN json_object("
    "'ahead', json((SELECT json_group_array(json_array(a.kind, a.n, " + _median("a.kind") + ")) FROM ("
    "SELECT q.kind AS kind, COUNT(*) AS n FROM jobs q WHERE q.status = 'queued' AND q.runner IS j.runner "
    "AND q.created_at <= j.created_at AND (q.created_at < j.created_at OR q.rowid < j.rowid) "
    "GROUP BY q.kind) a)), "
    # Running for the same runner: a server's own threads (no worker name), or any broker worker.
    "'busy', json((SELECT json_group_array(json_array(r.kind, r.started_at, " + _median("r.kind") + ")) "
    "FROM jobs r WHERE r.status = 'running' AND CASE WHEN j.runner IS NULL THEN r.worker IS NOT NULL "
    "ELSE r.runner = j.runner AND r.worker IS NULL END)), "
    "'median', " + _median("j.kind") + ") END AS queue_place"
)


@dataclass(frozen=True)
class Place:
    """``position``: 1 = the next job to start; ``eta_s``: seconds until it should be done (one decimal)."""

    position: int
    eta_s: float | None


def place_of(raw: str | None, *, concurrency: int | None, now: float) -> Place | None:
    """The place ``PLACE_COLUMN`` read (``raw``), for a runner of ``concurrency`` slots (``None``:
    unknown, as with Celery workers, so as many as run now, at least 1: with jobs waiting, every
    free slot would have taken one). ``None`` for a job that is not queued."""
    if raw is None:
        return None
    data = json.loads(raw)
    ahead = [(int(n), median) for _, n, median in data["ahead"] or ()]
    busy = [(started, median) for _, started, median in data["busy"] or ()]
    position = 1 + sum(n for n, _ in ahead)
    own = data["median"]
    if own is None:
        return Place(position, None)
    slots = concurrency if concurrency else max(1, len(busy))
    if len(busy) + position - 1 < slots:
        start = 0.0  # a slot is free for it
    else:
        left = sum(max(0.0, (own if median is None else median) - (now - (started or now)))
                   for started, median in busy)
        start = (left + sum(n * (own if median is None else median) for n, median in ahead)) / slots
    return Place(position, round(start + own, 1))
