"""Who owns a job, with real processes: a `flask run` server, CLI commands beside it, a second server
on the same ``TRENDTOK_DB``, and a server killed with SIGKILL."""
from __future__ import annotations

import time

import pytest

from jobs import INTERRUPTED, JobStatus, JobStore
from tests.servers import StudioProcesses, until

pytestmark = pytest.mark.slow  # real flask and gunicorn server processes, killed and restarted


@pytest.fixture
def studio(tmp_path):
    processes = StudioProcesses(tmp_path, TRENDTOK_JOB_HEARTBEAT_S="1")
    yield processes
    processes.close()


def _key(studio) -> str:
    made = studio.cli("api-key", "create", "ops")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def _submit(server, key, **body) -> str:
    status, job = server.json("POST", "/api/jobs", body={"kind": "search", **body}, headers={"X-API-Key": key})
    assert status == 202, job
    return job["job_id"]


def test_cli_commands_and_a_second_server_leave_a_running_job_to_its_server(studio):
    key = _key(studio)
    first = studio.server()
    job_id = _submit(first, key, tags=["#Foodie", "#CookingHacks"], duration=60)
    store = JobStore(studio.env["TRENDTOK_DB"])
    until(lambda: store.get(job_id).status is JobStatus.RUNNING, 60, "the search to start")

    began = time.time()
    for command in (("api-key", "list"), ("lake", "query", "SELECT 1"), ("sounds", "trending", "foodie")):
        done = studio.cli(*command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    second = studio.server()
    # The second server settles dead runners as it starts and after each heartbeat: wait until its
    # lease has beaten for longer than the three beats a dead runner may miss.
    beat = float(studio.env["TRENDTOK_JOB_HEARTBEAT_S"])
    until(lambda: any(r["pid"] == second.pid and r["beat_at"] - r["started_at"] > 4 * beat
                      for r in store.runners()), 60, "four heartbeats of the second server")
    ended = time.time()

    job = until(lambda: (j := store.get(job_id)).status.finished and j, 600, "the search to end")
    assert job.status is JobStatus.SUCCEEDED, job.error
    # It was running the whole time the commands and the second server ran...
    assert job.started_at < began and job.finished_at > ended, (
        "the search ended before the commands ran beside it: nothing was tested")
    # ...and the first server ran it: the job names the first server's lease (host:pid:token).
    assert store.runner_of(job_id).split(":")[1] == str(first.pid)
    assert [e["status"] for e in store.events(job_id)].count("running") >= 1
    assert "failed" not in [e["status"] for e in store.events(job_id)]


def test_a_killed_servers_jobs_are_settled_by_the_next_start(studio):
    key = _key(studio)
    first = studio.server()
    running = _submit(first, key, tags=["#Travel"], duration=60)
    store = JobStore(studio.env["TRENDTOK_DB"])
    until(lambda: store.get(running).status is JobStatus.RUNNING, 60, "the search to start")
    waiting = _submit(first, key, tags=["#Foodie"], duration=5)
    first.kill()  # its text-stage workers go by themselves (tests/tiktok_to_text/test_worker_lifetime.py)
    assert store.get(running).status is JobStatus.RUNNING  # nobody can tell a dead server from a slow one yet

    killed_at = time.time()
    second = studio.server()
    job = until(lambda: (j := store.get(running)).status.finished and j, 60, "the dead server's job to be settled")
    assert job.status is JobStatus.FAILED and job.error == INTERRUPTED
    assert job.finished_at - killed_at < 60
    # What waited on the dead server runs on the new one.
    taken = until(lambda: (j := store.get(waiting)).status.finished and j, 600, "the waiting search to run")
    assert taken.status is JobStatus.SUCCEEDED, taken.error
    assert store.runner_of(waiting).split(":")[1] == str(second.pid)


@pytest.mark.parametrize("gunicorn", [False, True], ids=["flask-run", "gunicorn"])
def test_a_server_serves_jobs_from_its_start_before_any_request(studio, gunicorn):
    import os

    store = JobStore(studio.env["TRENDTOK_DB"])
    server = studio.server(gunicorn=gunicorn, wait=False)
    # Its lease appears (it heartbeats and settles) with no request made; gunicorn's lease is its worker's.
    family = {server.pid}

    def lease_of_the_server():
        family.update(int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(p) in family)
        return [r for r in store.runners() if r["pid"] in family]

    assert until(lease_of_the_server, 60, "the server's lease")
    assert server.request("GET", "/health")[0] == 200
    # A CLI command beside it registers no lease of its own.
    before = {r["token"] for r in store.runners()}
    assert studio.cli("api-key", "list").returncode == 0
    assert {r["token"] for r in store.runners()} == before


def _parent(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
