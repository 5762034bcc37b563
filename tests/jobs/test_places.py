"""A queued job's place (``queue_position``, ``eta_s``) on the real store, the real thread runner
and the real Celery path on a real redis-server: positions in the runner's order, moving up as
jobs ahead start or are cancelled, null once running; the eta from the median of the last 20
successes of the kind (durations written through the store's own calls on a stepped clock, so
every number is exact and no assertion rests on a float tie)."""
from __future__ import annotations

import threading
import types

import pytest

import jobs.store as store_module
from jobs import JobQueue, JobStatus, JobStore, ThreadRunner, run_job
from jobs.places import HISTORY, place_of


class Clock:
    """The store's clock (its only time source), moved by the test in whole seconds."""

    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(store_module, "time", types.SimpleNamespace(time=clock.time))
    return clock


@pytest.fixture
def store(tmp_path):
    return JobStore(tmp_path / "jobs.sqlite3")


def _ran(store: JobStore, clock: Clock, kind: str, seconds: int, status=JobStatus.SUCCEEDED) -> None:
    """A job of ``kind`` that ran ``seconds`` and ended ``status``, through the store's own calls."""
    job, _ = store.create(kind=kind, owner="o", params={})
    clock.now += 1
    store.start(job.id)
    clock.now += seconds
    store.finish(job.id, status, result={} if status is JobStatus.SUCCEEDED else None,
                 error=None if status is JobStatus.SUCCEEDED else "x")


def _places(store: JobStore, ids, concurrency=1):
    jobs = [store.placed(i, concurrency=concurrency) for i in ids]
    return [j.queue_position for j in jobs], [j.eta_s for j in jobs]


def test_without_history_the_eta_is_null_and_positions_count_the_queue_in_order(store, clock):
    ids = []
    for _ in range(4):
        clock.now += 1
        ids.append(store.create(kind="search", owner="o", params={}, runner="L")[0].id)
    assert _places(store, ids) == ([1, 2, 3, 4], [None] * 4)
    assert store.get(ids[0]).queue_position is None  # a plain read does not say; placed/list do
    listed = {j.id: j.queue_position for j in store.list(owner="o")}
    assert listed == dict(zip(ids, [1, 2, 3, 4]))


def test_the_eta_is_the_median_of_the_last_20_successes_of_its_kind(store, clock):
    _ran(store, clock, "search", 1000)  # the 21st most recent: no longer counted
    durations = [10 + 2 * i for i in range(HISTORY)]  # 10 … 48: the median is (28 + 30) / 2
    for seconds in durations[::-1][::2] + durations[::-1][1::2]:  # not in order of size
        _ran(store, clock, "search", seconds)
    _ran(store, clock, "search", 500, JobStatus.FAILED)  # failures are not durations
    _ran(store, clock, "preview", 3)  # another kind
    job, _ = store.create(kind="search", owner="o", params={}, runner="L")
    assert _places(store, [job.id]) == ([1], [29.0])
    other, _ = store.create(kind="cover", owner="o", params={}, runner="L")
    assert _places(store, [other.id]) == ([2], [None])  # a kind with no history has no eta


def test_an_odd_history_takes_its_middle_and_the_eta_counts_the_work_ahead(store, clock):
    for seconds in (40, 10, 20):  # median 20
        _ran(store, clock, "search", seconds)
    for seconds in (5, 9, 7):  # median 7
        _ran(store, clock, "preview", seconds)
    running, _ = store.create(kind="search", owner="o", params={}, runner="L")
    ahead, _ = store.create(kind="preview", owner="o", params={}, runner="L")
    mine, _ = store.create(kind="search", owner="o", params={}, runner="L")
    store.start(running.id, runner="L")
    clock.now += 6  # the running search has 20 - 6 = 14 s left
    assert _places(store, [ahead.id, mine.id]) == ([1, 2], [14.0 + 7, 14.0 + 7 + 20])
    # Two slots: the preview starts at once on the free one, the search when the first slot frees.
    assert _places(store, [ahead.id, mine.id], concurrency=2) == ([1, 2], [7.0, (14 + 7) / 2 + 20])
    clock.now += 30  # overran its median: counted as about to end, never as negative
    assert _places(store, [ahead.id]) == ([1], [7.0])


def test_a_job_moves_up_when_one_ahead_starts_or_is_cancelled_and_is_null_once_running(store, clock):
    ids = [store.create(kind="search", owner="o", params={}, runner="L")[0].id for _ in range(4)]
    store.start(ids[0], runner="L")
    assert _places(store, ids) == ([None, 1, 2, 3], [None] * 4)
    store.cancel(ids[1], owner="o")
    assert _places(store, ids)[0] == [None, None, 1, 2]
    store.finish(ids[0], JobStatus.SUCCEEDED, result={})
    store.start(ids[2], runner="L")
    assert _places(store, ids)[0] == [None, None, None, 1]


def test_each_runner_and_the_broker_have_a_queue_of_their_own(store, clock):
    first = [store.create(kind="search", owner="o", params={}, runner="server-1")[0].id for _ in range(2)]
    second = [store.create(kind="search", owner="o", params={}, runner="server-2")[0].id for _ in range(2)]
    brokered = [store.create(kind="search", owner="o", params={})[0].id for _ in range(2)]
    assert _places(store, first + second + brokered)[0] == [1, 2, 1, 2, 1, 2]
    # Workers running broker jobs (a worker name) are the broker queue's slots, whatever their lease.
    store.start(brokered[0], worker="w@h", runner="worker-lease")
    store.start(first[0], runner="server-1")
    assert _places(store, brokered + first)[0] == [None, 1, None, 1]


def test_the_place_is_one_statement_through_the_indexes(store):
    from jobs.places import PLACE_COLUMN

    plan = " | ".join(r[3] for r in store.database.read().execute(
        f"EXPLAIN QUERY PLAN SELECT j.*, {PLACE_COLUMN} FROM jobs j WHERE j.id = ?", ("x",)))
    assert "SEARCH q USING COVERING INDEX jobs_queue (status=? AND runner=? AND created_at<?)" in plan
    assert "SEARCH h USING COVERING INDEX jobs_history (kind=? AND status=?)" in plan
    assert "SCAN j" not in plan and "SCAN q" not in plan and "SCAN h" not in plan


def test_a_job_that_is_not_queued_has_no_place():
    assert place_of(None, concurrency=1, now=0.0) is None


# -- the real thread runner ----------------------------------------------------------------------

class Gates:
    """Job kinds: ``gate`` holds a job running until ``open(name)`` (its ``name`` param); ``echo`` ends at once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._gates: dict[str, tuple[threading.Event, threading.Event]] = {}
        self._all_open = False  # after open(): gates made later are open too

    def pair(self, name: str):
        with self._lock:
            if name not in self._gates:
                self._gates[name] = (threading.Event(), threading.Event())
                if self._all_open:
                    self._gates[name][1].set()
            return self._gates[name]

    def gate(self, job, context):
        started, gate = self.pair(job.params["name"])
        started.set()
        assert gate.wait(30)
        return {}

    def echo(self, job, context):
        return {}

    def started(self, name: str) -> bool:
        return self.pair(name)[0].wait(10)

    def open(self, name: str | None = None) -> None:
        if name is not None:
            pairs = [self.pair(name)]
        else:
            with self._lock:
                self._all_open = True
                pairs = list(self._gates.values())
        for _, gate in pairs:
            gate.set()


@pytest.fixture
def gates():
    gates = Gates()
    yield gates
    gates.open()


@pytest.fixture
def queue(store, gates):
    jobs = JobQueue(store, ThreadRunner(store, {"gate": gates.gate, "echo": gates.echo}, threads=1, queue_size=10))
    yield jobs
    gates.open()
    jobs.close()


def test_the_thread_runner_starts_jobs_in_the_order_their_positions_count(queue, gates):
    held, _ = queue.submit("gate", {"name": "a"}, owner="o")
    assert gates.started("a")
    waiting = [queue.submit("gate", {"name": name}, owner="o")[0].id for name in "bcd"]
    assert [queue.get(i).queue_position for i in [held.id, *waiting]] == [None, 1, 2, 3]
    queue.cancel(waiting[0], owner="o")
    assert [queue.get(i).queue_position for i in waiting] == [None, 1, 2]
    gates.open("a")
    assert gates.started("c")  # the cancelled b is skipped; c, now first, starts
    assert [queue.get(i).queue_position for i in waiting] == [None, None, 1]
    assert [j.queue_position for j in queue.list(owner="o")] == [1, None, None, None]
    gates.open()
    assert queue.wait(waiting[2], timeout=10).status is JobStatus.SUCCEEDED
    assert queue.get(waiting[2]).queue_position is None and queue.get(waiting[2]).eta_s is None


def test_with_history_a_waiting_job_expects_the_running_one_to_finish_then_its_own_run(queue, gates, store):
    for name in ("h1", "h2", "h3"):
        job, _ = queue.submit("gate", {"name": name}, owner="o")
        gates.open(name)
        queue.wait(job.id, timeout=10)
    ran = sorted(j.finished_at - j.started_at for j in store.list(owner="o"))
    median = ran[1]
    held, _ = queue.submit("gate", {"name": "a"}, owner="o")
    assert gates.started("a")
    waiting, _ = queue.submit("gate", {"name": "b"}, owner="o")
    eta = queue.get(waiting.id).eta_s
    # What the running one has left (0 … its median) and then its own median, to one decimal.
    assert median - 0.05 <= eta <= 2 * median + 0.05


def test_a_queued_jobs_stream_shows_its_place_move_up_as_the_jobs_ahead_start(queue, gates):
    queue.submit("gate", {"name": "a"}, owner="o")
    assert gates.started("a")
    queue.submit("gate", {"name": "b"}, owner="o")
    mine, _ = queue.submit("echo", {}, owner="o")
    stream = queue.stream(mine.id, heartbeat=30)
    first = next(stream)
    assert (first["status"], first["queue_position"], first["eta_s"]) == ("queued", 2, None)
    gates.open("a")  # a ends, b starts: one ahead
    moved = next(stream)
    assert (moved["status"], moved["seq"], moved["queue_position"]) == ("queued", first["seq"], 1)
    gates.open("b")
    rest = list(stream)
    assert [e["status"] for e in rest] == ["running", "succeeded"]
    assert [e["queue_position"] for e in rest] == [None, None]


def test_a_stream_resumed_while_the_job_waits_says_its_place_at_once(queue, gates):
    queue.submit("gate", {"name": "a"}, owner="o")
    assert gates.started("a")
    mine, _ = queue.submit("echo", {}, owner="o")
    again = next(queue.stream(mine.id, after=1, heartbeat=30))
    assert (again["seq"], again["queue_position"]) == (1, 1)


# -- the Celery path on a real redis-server ------------------------------------------------------

def test_broker_jobs_wait_in_the_stores_order_and_move_up_as_a_worker_starts_one(tmp_path, redis_server, gates):
    from flask import Flask

    from jobs.broker import CeleryRunner, celery_init_app

    store = JobStore(tmp_path / "jobs.sqlite3")
    app = Flask("places-test")
    jobs = JobQueue(store, CeleryRunner(celery_init_app(app, f"{redis_server}/3"), store, queue_size=10))
    ids = [jobs.submit("gate", {"name": name}, owner="o")[0].id for name in "abc"]  # sent to Redis
    assert [jobs.get(i).queue_position for i in ids] == [1, 2, 3]
    # What the Celery task does on a worker (jobs.broker's task): run_job under the worker's name and lease.
    worker = threading.Thread(target=run_job, args=(store, {"gate": gates.gate}, ids[0]),
                              kwargs={"worker": "w1@host", "runner": "w1-lease"})
    worker.start()
    assert gates.started("a")
    assert [jobs.get(i).queue_position for i in ids] == [None, 1, 2]
    gates.open("a")
    worker.join(10)
    assert store.get(ids[0]).status is JobStatus.SUCCEEDED
    assert [jobs.get(i).queue_position for i in ids] == [None, 1, 2]  # still waiting for a worker
    app.extensions["celery"].control.purge()
