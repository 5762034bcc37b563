"""The thread runner and the job queue on a real store, with small job kinds made here."""
import threading

import pytest

from jobs import JobCancelled, JobQueue, JobStatus, JobStore, Lease, QueueFull, ThreadRunner


class Kinds:
    """Job kinds for these tests: ``echo`` returns its params, ``boom`` fails, ``gate`` waits for
    ``open`` and then walks three stages, stopping at a boundary when cancelled."""

    def __init__(self):
        self.open = threading.Event()
        self.started = threading.Event()

    def handlers(self):
        return {"echo": self.echo, "boom": self.boom, "gate": self.gate}

    def echo(self, job, context):
        context.progress("only", 1, 1, 1.0)
        return {"echo": job.params}

    def boom(self, job, context):
        raise RuntimeError("the model ran out of memory")

    def gate(self, job, context):
        self.started.set()
        assert self.open.wait(10)
        for number, stage in enumerate(("one", "two", "three"), start=1):
            if context.should_stop():
                raise JobCancelled(f"cancelled before stage {stage}")
            context.progress(stage, number, 3, number / 3)
        return {"stages": 3}


@pytest.fixture
def kinds():
    return Kinds()


@pytest.fixture
def queue(tmp_path, kinds):
    store = JobStore(tmp_path / "jobs.sqlite3")
    jobs = JobQueue(store, ThreadRunner(store, kinds.handlers(), threads=1, queue_size=1))
    yield jobs
    kinds.open.set()
    jobs.close()


def test_jobs_run_to_their_result_and_a_failure_does_not_stop_the_worker(queue):
    failing, _ = queue.submit("boom", {}, owner="o")
    assert queue.wait(failing.id, timeout=10).status is JobStatus.FAILED
    assert queue.get(failing.id).error == "the model ran out of memory"
    echo, _ = queue.submit("echo", {"tags": ["a"]}, owner="o")
    done = queue.wait(echo.id, timeout=10)
    assert done.status is JobStatus.SUCCEEDED and done.result == {"echo": {"tags": ["a"]}}
    assert [e["status"] for e in queue.events(echo.id)] == ["queued", "running", "running", "succeeded"]


def test_a_full_queue_refuses_and_keeps_nothing_of_the_refused_job(queue, kinds):
    running, _ = queue.submit("gate", {}, owner="o")
    assert kinds.started.wait(10)  # the one thread is busy
    waiting, _ = queue.submit("echo", {}, owner="o")  # the one queue place
    with pytest.raises(QueueFull) as refused:
        queue.submit("echo", {"third": True}, owner="o")
    assert refused.value.retry_after > 0
    assert [j.id for j in queue.list(owner="o")] == [waiting.id, running.id]
    kinds.open.set()
    assert queue.wait(waiting.id, timeout=10).status is JobStatus.SUCCEEDED


def test_cancelling_a_running_job_stops_it_at_the_next_stage(queue, kinds):
    job, _ = queue.submit("gate", {}, owner="o")
    assert kinds.started.wait(10)
    assert queue.cancel(job.id, owner="o").status is JobStatus.RUNNING
    kinds.open.set()
    ended = queue.wait(job.id, timeout=10)
    assert ended.status is JobStatus.CANCELLED and ended.error == "cancelled before stage one"
    assert ended.result is None


def test_cancelling_a_queued_job_means_it_never_runs(queue, kinds):
    first, _ = queue.submit("gate", {}, owner="o")
    assert kinds.started.wait(10)
    second, _ = queue.submit("echo", {}, owner="o")
    assert queue.cancel(second.id, owner="o").status is JobStatus.CANCELLED
    kinds.open.set()
    assert queue.wait(first.id, timeout=10).status is JobStatus.SUCCEEDED
    assert queue.wait(second.id, timeout=10).status is JobStatus.CANCELLED
    assert "running" not in [e["status"] for e in queue.events(second.id)]


def test_a_restart_fails_what_was_running_and_runs_what_was_waiting(tmp_path, kinds):
    path = tmp_path / "jobs.sqlite3"
    before = JobStore(path)
    cut, _ = before.create(kind="echo", owner="o", params={})
    before.start(cut.id)
    waiting, _ = before.create(kind="echo", owner="o", params={"n": 2})

    store = JobStore(path)
    lease = Lease(store)
    runner = ThreadRunner(store, kinds.handlers(), threads=1, queue_size=4, lease=lease.token)
    told = []
    jobs = JobQueue(store, runner, lease=lease, on_finished=told.append)
    try:
        jobs.serve()
        assert jobs.get(cut.id).status is JobStatus.FAILED and "interrupted" in jobs.get(cut.id).error
        assert jobs.wait(waiting.id, timeout=10).result == {"echo": {"n": 2}}
        # The interrupted job's ending is announced like any other (its callback_url hears of it).
        assert [(j.id, j.status) for j in told] == [(cut.id, JobStatus.FAILED)]
    finally:
        jobs.close()


def test_watching_events_resumes_after_the_last_one_seen(queue):
    job, _ = queue.submit("echo", {}, owner="o")
    queue.wait(job.id, timeout=10)
    seen = [e["seq"] for e in queue.events(job.id)]
    assert [e["seq"] for e in queue.events(job.id, after=seen[1])] == seen[2:]
