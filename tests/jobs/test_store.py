"""The job store on a real SQLite file: lifecycle, owners, idempotency, events, restarts."""
import sqlite3

import pytest

from jobs import INTERRUPTED, JobNotFound, JobStatus, JobStore


@pytest.fixture
def store(tmp_path):
    return JobStore(tmp_path / "jobs.sqlite3")


def _statuses(store, job_id):
    return [e["status"] for e in store.events(job_id)]


def test_a_job_lives_queued_running_succeeded_and_every_change_is_an_event(store):
    job, created = store.create(kind="search", owner="key:1", params={"tags": ["Foodie"]})
    assert created and job.status is JobStatus.QUEUED and job.params == {"tags": ["Foodie"]}
    assert store.start(job.id) and not store.start(job.id)  # only a queued job starts
    store.progress(job.id, stage="videos", done=1, total=2, fraction=0.05)
    store.progress(job.id, stage="text", done=0, total=9, fraction=0.1)
    store.finish(job.id, JobStatus.SUCCEEDED, result={"summary": "ok"})
    store.finish(job.id, JobStatus.FAILED, error="late")  # an ended job keeps its first ending
    done = store.get(job.id)
    assert done.status is JobStatus.SUCCEEDED and done.result == {"summary": "ok"} and done.error is None
    assert done.fraction == 1.0 and done.started_at <= done.finished_at
    events = store.events(job.id)
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert [(e["status"], e["stage"]) for e in events] == [
        ("queued", None), ("running", None), ("running", "videos"), ("running", "text"), ("succeeded", "text")]
    assert [e["seq"] for e in store.events(job.id, after=3)] == [4, 5]


def test_jobs_belong_to_their_owner(store):
    mine, _ = store.create(kind="search", owner="key:1", params={})
    store.create(kind="search", owner="key:2", params={})
    second, _ = store.create(kind="search", owner="key:1", params={})
    assert [j.id for j in store.list(owner="key:1")] == [second.id, mine.id]  # newest first
    assert [j.id for j in store.list(owner="key:1", limit=1)] == [second.id]
    with pytest.raises(JobNotFound, match="job_id"):
        store.get(mine.id, owner="key:2")
    with pytest.raises(JobNotFound):
        store.cancel(mine.id, owner="key:2")


def test_an_idempotency_key_returns_the_owners_earlier_job(store):
    first, created = store.create(kind="search", owner="key:1", params={"n": 1}, idempotency_key="abc")
    again, created_again = store.create(kind="search", owner="key:1", params={"n": 2}, idempotency_key="abc")
    other, created_other = store.create(kind="search", owner="key:2", params={"n": 1}, idempotency_key="abc")
    assert created and not created_again and created_other
    assert again.id == first.id and again.params == {"n": 1} and other.id != first.id


def test_cancel_stops_a_queued_job_now_and_asks_a_running_one(store):
    queued, _ = store.create(kind="search", owner="o", params={})
    cancelled = store.cancel(queued.id, owner="o")
    assert cancelled.status is JobStatus.CANCELLED and not store.start(queued.id)
    running, _ = store.create(kind="search", owner="o", params={})
    store.start(running.id)
    assert not store.cancel_requested(running.id)
    assert store.cancel(running.id, owner="o").status is JobStatus.RUNNING
    assert store.cancel_requested(running.id)


def test_after_a_restart_running_jobs_are_interrupted_and_finished_ones_stay(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    before = JobStore(path)
    done, _ = before.create(kind="search", owner="o", params={})
    before.start(done.id)
    before.finish(done.id, JobStatus.SUCCEEDED, result={"x": 1})
    cut, _ = before.create(kind="search", owner="o", params={})
    before.start(cut.id)
    waiting, _ = before.create(kind="search", owner="o", params={})

    after = JobStore(path)  # a new process on the same file
    assert after.interrupt_running() == [cut.id]
    assert after.get(cut.id).status is JobStatus.FAILED and after.get(cut.id).error == INTERRUPTED
    assert _statuses(after, cut.id)[-1] == "failed"
    assert after.get(done.id).result == {"x": 1}
    assert after.queued_ids() == [waiting.id]


def test_a_worker_coming_back_settles_only_the_jobs_it_was_running(store):
    mine, _ = store.create(kind="search", owner="o", params={})
    theirs, _ = store.create(kind="search", owner="o", params={})
    store.start(mine.id, worker="gpu-1@host")
    store.start(theirs.id, worker="gpu-2@host")
    assert store.count_queued() == 0
    assert store.interrupt_running(worker="gpu-1@host") == [mine.id]
    assert store.get(mine.id).status is JobStatus.FAILED and store.get(mine.id).error == INTERRUPTED
    assert store.get(theirs.id).status is JobStatus.RUNNING and store.get(theirs.id).worker == "gpu-2@host"


def test_a_store_made_before_workers_were_recorded_gains_the_column_and_keeps_its_jobs(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # the jobs table as the first release made it
        db.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner TEXT NOT NULL, "
                   "status TEXT NOT NULL, params TEXT NOT NULL, idempotency_key TEXT, stage TEXT, "
                   "done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, "
                   "fraction REAL NOT NULL DEFAULT 0, result TEXT, error TEXT, "
                   "cancel_requested INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, "
                   "started_at REAL, finished_at REAL)")
        db.execute("INSERT INTO jobs (id, kind, owner, status, params, created_at) "
                   "VALUES ('a' , 'search', 'o', 'succeeded', '{}', 1.0)")
    store = JobStore(path)
    assert store.get("a").status is JobStatus.SUCCEEDED and store.get("a").worker is None
    job, _ = store.create(kind="search", owner="o", params={})
    assert store.start(job.id, worker="w@h") and store.get(job.id).worker == "w@h"


def test_the_file_is_in_wal_mode(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_refused_job_is_forgotten_whole(store):
    job, _ = store.create(kind="search", owner="o", params={})
    store.discard(job.id)
    with pytest.raises(JobNotFound):
        store.get(job.id)
    assert store.events(job.id) == []
