"""Where a job stands in the queue, through /api on a real studio and its real thread runner:
``queue_position`` and ``eta_s`` on the job, in the list, and on its event stream as jobs ahead start."""
from __future__ import annotations

import json
import threading
from contextlib import ExitStack

from tests.conftest import create_key, own_studio


class _Gates:
    """A handler holding each job running until ``open(job_id)`` (or ``open()``, every one, now and later)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._gates: dict[str, tuple[threading.Event, threading.Event]] = {}
        self._all = threading.Event()

    def _pair(self, job_id: str):
        with self._lock:
            return self._gates.setdefault(job_id, (threading.Event(), threading.Event()))

    def handler(self, job, context):
        started, gate = self._pair(job.id)
        started.set()
        while not (gate.wait(0.05) or self._all.is_set()):
            pass
        return {}

    def running(self, job_id: str) -> bool:
        return self._pair(job_id)[0].wait(30)

    def open(self, job_id: str | None = None) -> None:
        if job_id is None:
            self._all.set()
        else:
            self._pair(job_id)[1].set()


def _events(chunks):
    """Each SSE event's parsed ``data`` as the chunks of a streamed response arrive."""
    buffered = ""
    for chunk in chunks:
        buffered += chunk.decode()
        while "\n\n" in buffered:
            block, buffered = buffered.split("\n\n", 1)
            for line in block.splitlines():
                if line.startswith("data: "):
                    yield json.loads(line[6:])


def test_a_queued_job_says_its_place_in_its_status_the_list_and_its_stream(tmp_path, models):
    gates = _Gates()
    with own_studio(tmp_path, models, TRENDTOK_BROKER_URL=None, TRENDTOK_JOB_THREADS=1) as studio, \
            ExitStack() as cleanup:
        jobs = studio.extensions["jobs"]
        jobs.runner.handlers = {kind: gates.handler for kind in jobs.runner.handlers}
        cleanup.callback(gates.open)
        key = create_key(studio, "queue")
        client = studio.test_client()
        headers = {"X-API-Key": key}

        def submit() -> str:
            created = client.post("/api/jobs", json={"kind": "search", "tags": ["Foodie"]}, headers=headers)
            assert created.status_code == 202, created.get_data(as_text=True)
            return created.get_json()["job_id"]

        first = submit()
        assert gates.running(first)
        second, third = submit(), submit()
        status = {j: client.get(f"/api/jobs/{j}", headers=headers).get_json() for j in (first, second, third)}
        assert [(s["status"], s["queue_position"], s["eta_s"]) for s in status.values()] == [
            ("running", None, None), ("queued", 1, None), ("queued", 2, None)]  # no search has finished yet
        listed = client.get("/api/jobs", headers=headers).get_json()["jobs"]
        assert [(j["job_id"], j["queue_position"]) for j in listed] == [(third, 2), (second, 1), (first, None)]

        stream = client.get(f"/api/jobs/{third}/events", headers=headers, buffered=False)
        cleanup.callback(stream.close)
        events = _events(stream.response)
        assert next(events)["queue_position"] == 2
        gates.open(first)  # the first ends, the second starts: the third is next
        assert gates.running(second)
        moved = next(events)
        assert (moved["status"], moved["seq"], moved["queue_position"]) == ("queued", 1, 1)
        gates.open(second)
        gates.open(third)
        rest = list(events)
        assert [e["status"] for e in rest] == ["running", "succeeded"]
        assert all(e["queue_position"] is None and e["eta_s"] is None for e in rest)

        # Three searches have run: a search queued behind a running one now has an eta.
        ran = sorted(s["finished_at"] - s["started_at"] for s in
                     (client.get(f"/api/jobs/{j}", headers=headers).get_json() for j in (first, second, third)))
        held = submit()
        assert gates.running(held)
        waiting = client.get(f"/api/jobs/{submit()}", headers=headers).get_json()
        assert waiting["queue_position"] == 1
        assert ran[1] - 0.05 <= waiting["eta_s"] <= 2 * ran[1] + 0.05
