"""Leases: two job queues on one store settle only each other's jobs once a lease has gone silent,
and a queue that never serves (a CLI command) settles nobody's."""
import threading
import time

import pytest

from jobs import INTERRUPTED, JobQueue, JobStatus, JobStore, Lease, ThreadRunner

BEAT_S = 0.2


class Gate:
    """A job kind that runs until ``open`` is set."""

    def __init__(self):
        self.open = threading.Event()
        self.started = threading.Event()

    def __call__(self, job, context):
        self.started.set()
        assert self.open.wait(30)
        return {"ran_under": context.job_id}


def _queue(path, gate: Gate) -> JobQueue:
    store = JobStore(path)
    lease = Lease(store, interval_s=BEAT_S)
    runner = ThreadRunner(store, {"gate": gate}, threads=1, queue_size=4, lease=lease.token)
    return JobQueue(store, runner, lease=lease)


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.02)
    raise AssertionError(f"waited {timeout} s for {what}")


@pytest.fixture
def gates():
    made = [Gate(), Gate()]
    yield made
    for gate in made:
        gate.open.set()


def test_a_second_server_leaves_the_first_servers_live_jobs_alone(tmp_path, gates):
    first, second = _queue(tmp_path / "jobs.sqlite3", gates[0]), _queue(tmp_path / "jobs.sqlite3", gates[1])
    try:
        first.serve()
        running, _ = first.submit("gate", {}, owner="o")
        assert gates[0].started.wait(10)
        waiting, _ = first.submit("gate", {}, owner="o")
        settled = []
        settle = second.settle
        second.settle = lambda: (settle(), settled.append(time.monotonic()))
        second.serve()  # settles now, then at each of its heartbeats
        # Eight of the second server's settlings (more than the three beats a lease may miss) go by.
        _until(lambda: len(settled) >= 8, 10, "the second server's heartbeats")
        assert first.get(running.id).status is JobStatus.RUNNING
        assert first.store.runner_of(waiting.id) == first.lease.token
        assert not gates[1].started.is_set()
        gates[0].open.set()
        assert first.wait(running.id, timeout=10).status is JobStatus.SUCCEEDED
        assert first.wait(waiting.id, timeout=10).status is JobStatus.SUCCEEDED
        assert first.store.runner_of(waiting.id) == first.lease.token
        assert not gates[1].started.is_set()
    finally:
        first.close()
        second.close()


def test_a_dead_servers_jobs_are_settled_after_three_silent_beats(tmp_path, gates):
    path = tmp_path / "jobs.sqlite3"
    dead = _queue(path, gates[0])
    running, _ = dead.submit("gate", {}, owner="o")
    assert gates[0].started.wait(10)
    waiting, _ = dead.submit("gate", {}, owner="o")
    dead.lease._stop.set()  # its heartbeat stops as a SIGKILLed process's would; its lease row stays
    dead.lease._thread.join(5)

    alive = _queue(path, gates[1])
    try:
        alive.serve()
        job = _until(lambda: (j := alive.get(running.id)).status.finished and j, 10, "the dead job to be settled")
        assert job.status is JobStatus.FAILED and job.error == INTERRUPTED
        # Not before its lease had been silent for three beats.
        assert job.finished_at - job.started_at >= 3 * BEAT_S
        # Its waiting job runs on the live server instead.
        assert gates[1].started.wait(10)
        gates[1].open.set()
        assert alive.wait(waiting.id, timeout=10).status is JobStatus.SUCCEEDED
        assert alive.store.runner_of(waiting.id) == alive.lease.token
    finally:
        gates[0].open.set()
        alive.close()


def test_a_clean_stop_hands_its_queued_jobs_to_the_next_server_at_once(tmp_path, gates):
    path = tmp_path / "jobs.sqlite3"
    before = _queue(path, gates[0])
    busy, _ = before.submit("gate", {}, owner="o")
    assert gates[0].started.wait(10)
    waiting, _ = before.submit("gate", {}, owner="o")
    gates[0].open.set()  # the job in hand finishes during close; the waiting one stays queued
    before.runner._queue.queue.clear()
    before.close()
    assert before.get(waiting.id).status is JobStatus.QUEUED

    after = _queue(path, gates[1])
    try:
        gates[1].open.set()
        after.serve()
        assert after.wait(waiting.id, timeout=10).status is JobStatus.SUCCEEDED
    finally:
        after.close()


def test_a_queue_that_never_serves_settles_nothing(tmp_path, gates):
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    orphan, _ = store.create(kind="gate", owner="o", params={}, runner="gone:1:abc")
    store.start(orphan.id, runner="gone:1:abc")
    cli = _queue(path, gates[1])  # what `flask --app app api-key list` builds
    try:
        assert cli.get(orphan.id).status is JobStatus.RUNNING
        assert not cli.lease.started  # nothing was submitted: no lease, no threads
        assert not cli.runner._threads
    finally:
        cli.close()
    assert store.get(orphan.id).status is JobStatus.RUNNING
