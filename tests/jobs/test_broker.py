"""Jobs on Celery workers: a real redis-server on loopback and real worker processes
(`celery -A make_celery worker`), sharing the job store and run folder with the server."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobs import INTERRUPTED, JobStatus
from tests.conftest import studio_config

pytestmark = pytest.mark.slow  # real Celery worker processes on a real redis-server

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """One `celery -A make_celery worker` process (and its own transcription pool) named ``name``."""

    def __init__(self, env: dict[str, str], log: Path, name: str = "trendtok-test@%h"):
        self.env, self.log, self.name = env, log, name
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "make_celery", "worker", "--pool", "threads",
                 "--concurrency", "1", "-n", self.name, "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes()[offset:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError("the worker did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and everything it started, as a crash or an OOM kill would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def config(tmp_path_factory, redis_server):
    # Strings only: the worker reads the same settings from its environment.
    config = studio_config(tmp_path_factory.mktemp("celery"), TRENDTOK_BROKER_URL=f"{redis_server}/0",
                           TRENDTOK_WORKERS="1")
    config.pop("TESTING")
    return config


@pytest.fixture(scope="module")
def worker(config, tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRENDTOK_")}
    worker = Worker({**env, **config, "HF_HUB_OFFLINE": "1"}, tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


def _server(config: dict, **overrides):
    from app import create_app

    return create_app({**config, "TESTING": True, **overrides})


@pytest.fixture(scope="module")
def server(config):
    app = _server(config)
    yield app
    app.extensions["studio"].close()


@pytest.fixture(scope="module")
def key(server):
    return server.test_cli_runner().invoke(args=["api-key", "create", "celery-tests"]).output.strip()


def _submit(app, key, **body):
    return app.test_client().post("/api/jobs", json={"kind": "search", **body}, headers={"X-API-Key": key})


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


def test_a_worker_killed_mid_job_leaves_it_failed_interrupted_once_it_starts_again(server, key, worker):
    created = _submit(server, key, tags=["#Travel"], duration=60)
    assert created.status_code == 202, created.get_data(as_text=True)
    job_id = created.get_json()["job_id"]
    store = server.extensions["jobs"].store
    _wait_for(lambda: store.get(job_id).status is JobStatus.RUNNING, 120, "the worker to take the job")
    worker.kill()

    # Nobody in the server can tell a dead worker from a slow one: the job stays running...
    assert store.get(job_id).status is JobStatus.RUNNING
    assert store.get(job_id).worker.startswith("trendtok-test@")
    worker.start()
    # ...until the worker of that name comes back and settles what it left.
    job = _wait_for(lambda: (j := store.get(job_id)).status.finished and j, 30, "the job to be settled")
    assert job.status is JobStatus.FAILED and job.error == INTERRUPTED


def test_a_search_job_runs_on_a_worker_and_lands_in_the_shared_store(server, key, worker, wait_job):
    client = server.test_client()
    created = _submit(server, key, tags=["#Foodie"], duration=5)
    assert created.status_code == 202
    job = wait_job(client, key, created.get_json()["job_id"], timeout=180)
    assert job["status"] == "succeeded", job["error"]

    stored = server.extensions["jobs"].store.get(job["job_id"])
    assert stored.worker.startswith("trendtok-test@")  # run by the worker, not a thread of this server
    result = job["result"]
    assert result["summary"] and result["input_tags"] == ["Foodie"]
    # The worker wrote the files where the server serves them from.
    audio = client.get(result["music_url"])
    assert audio.status_code == 200 and audio.data[:4] == b"RIFF"

    # The server's event stream shows the worker's progress, read back from the shared store.
    events = client.get(f"/api/jobs/{job['job_id']}/events", headers={"X-API-Key": key}).get_data(as_text=True)
    statuses = [json.loads(line[5:])["status"] for line in events.splitlines() if line.startswith("data:")]
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "succeeded"
    stages = {json.loads(line[5:])["stage"] for line in events.splitlines() if line.startswith("data:")}
    assert {"videos", "text", "summary", "music", "cover"} <= stages


def test_a_queued_job_whose_message_was_lost_runs_once_a_server_starts(server, config, worker):
    import sqlite3

    # A job the store holds as queued but Redis never got (or lost in a restart without persistence).
    store = server.extensions["jobs"].store
    lost, _ = store.create(kind="search", owner="celery-tests", params={"tags": ["Tech"], "duration": 5, "seed": 1})
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE jobs SET created_at = created_at - 3600 WHERE id = ?", (lost.id,))
    restarted = _server(config)  # a server (or a worker) starting to serve sends stale queued jobs again
    try:
        assert restarted.test_client().get("/health").status_code == 200  # its first request: it serves
        job = _wait_for(lambda: (j := store.get(lost.id)).status.finished and j, 120, "the lost job to run")
        assert job.status is JobStatus.SUCCEEDED and job.worker.startswith("trendtok-test@")
    finally:
        restarted.extensions["studio"].close()


def test_beyond_the_queue_size_a_job_is_refused_with_429_and_not_kept(config, redis_server):
    # Database 1 of the same redis: no worker listens there, so jobs stay queued.
    app = _server(config, TRENDTOK_BROKER_URL=f"{redis_server}/1", TRENDTOK_QUEUE_SIZE=1,
                  TRENDTOK_DB=config["TRENDTOK_DB"] + ".queue")
    key = app.test_cli_runner().invoke(args=["api-key", "create", "queue"]).output.strip()
    first = _submit(app, key, tags=["Tech"], duration=5)
    refused = _submit(app, key, tags=["Tech"], duration=10)
    assert first.status_code == 202
    assert refused.status_code == 429 and refused.get_json()["error"].startswith("queue:")
    assert int(refused.headers["Retry-After"]) > 0
    listed = app.test_client().get("/api/jobs", headers={"X-API-Key": key}).get_json()["jobs"]
    assert [j["job_id"] for j in listed] == [first.get_json()["job_id"]]


def test_an_unreachable_broker_is_a_503_and_nothing_is_kept(config):
    from tests.conftest import free_port

    app = _server(config, TRENDTOK_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0",
                  TRENDTOK_DB=config["TRENDTOK_DB"] + ".down")
    key = app.test_cli_runner().invoke(args=["api-key", "create", "down"]).output.strip()
    started = time.monotonic()
    response = _submit(app, key, tags=["Tech"], duration=5)
    assert response.status_code == 503 and response.get_json()["error"].startswith("queue:")
    assert time.monotonic() - started < 10  # a request does not hang on a dead broker
    assert app.test_client().get("/api/jobs", headers={"X-API-Key": key}).get_json()["jobs"] == []
