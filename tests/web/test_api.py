"""/api on the session's real studio: keys, jobs, their events, cancelling, and errors as JSON."""
import json
import re
import threading
import time
from contextlib import ExitStack

import pytest

from tests.conftest import create_key, own_studio


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: its tests share its API keys and the finished search."""
    return module_app


@pytest.fixture(scope="module")
def key(app):
    """A key made the way a creator makes one: the CLI prints it once."""
    out = app.test_cli_runner().invoke(args=["api-key", "create", "api-tests"])
    assert out.exit_code == 0, out.output
    return out.output.strip()


@pytest.fixture(scope="module")
def other_key(app):
    return app.test_cli_runner().invoke(args=["api-key", "create", "someone-else"]).output.strip()




@pytest.fixture(scope="module")
def finished(wait_job, app, key):
    client = app.test_client()
    created = client.post("/api/jobs", json={"kind": "search", "tags": ["#Foodie"], "duration": 5},
                          headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    return created, wait_job(client, key, created.get_json()["job_id"])


def test_key_cli_prints_the_key_once_and_stores_only_its_hash(app, key):
    assert re.fullmatch(r"tt_[A-Za-z0-9_-]{43}", key)
    listing = app.test_cli_runner().invoke(args=["api-key", "list"]).output
    assert "api-tests\tactive" in listing and key not in listing
    assert key.encode() not in open(app.config["TRENDTOK_DB"], "rb").read()
    again = app.test_cli_runner().invoke(args=["api-key", "create", "api-tests"])
    assert again.exit_code != 0 and "name: a key called 'api-tests' exists" in again.output
    bad = app.test_cli_runner().invoke(args=["api-key", "create", "../etc"])
    assert bad.exit_code != 0 and "name:" in bad.output


@pytest.mark.slow  # a whole search job on the demo clips
def test_a_search_job_runs_to_a_search_result(client, key, finished):
    created, job = finished
    body = created.get_json()
    assert body["status_url"] == f"/api/jobs/{body['job_id']}" and body["events_url"].endswith("/events")
    assert created.headers["Location"] == body["status_url"]
    assert job["status"] == "succeeded" and job["fraction"] == 1.0 and job["params"]["tags"] == ["Foodie"]
    result = job["result"]
    for field in ("run_id", "summary", "keywords", "idea", "videos", "music_url", "cover_url", "evidence"):
        assert field in result, field
    assert client.get(result["music_url"]).status_code == 200
    listed = client.get("/api/jobs?limit=5", headers={"X-API-Key": key}).get_json()["jobs"]
    assert body["job_id"] in [j["job_id"] for j in listed]


@pytest.mark.slow  # a whole search job on the demo clips
def test_events_stream_each_stage_then_the_end(client, key, finished):
    created, _ = finished
    stream = client.get(created.get_json()["events_url"], headers={"X-API-Key": key})
    assert stream.mimetype == "text/event-stream"
    events = [json.loads(line[6:]) for line in stream.get_data(as_text=True).splitlines() if line.startswith("data: ")]
    stages = list(dict.fromkeys(e["stage"] for e in events if e["stage"]))
    assert stages == ["videos", "text", "summary", "music", "cover"]
    assert events[0]["status"] == "queued" and events[-1]["status"] == "succeeded"
    resumed = client.get(created.get_json()["events_url"], headers={"X-API-Key": key, "Last-Event-ID": "3"})
    assert "id: 3\n" not in resumed.get_data(as_text=True) and "id: 4\n" in resumed.get_data(as_text=True)


@pytest.mark.parametrize("last_event_id", ["9223372036854775808", "1" + "0" * 30, "9" * 5000, "-1", "3.0"])
@pytest.mark.slow  # a whole search job on the demo clips
def test_a_last_event_id_no_event_can_have_is_ignored(client, key, finished, last_event_id):
    # Past SQLite's integers, 9223372036854775808 was an OverflowError (500); 5000 digits are past int()'s.
    url = finished[0].get_json()["events_url"]
    whole = client.get(url, headers={"X-API-Key": key}).get_data(as_text=True)
    resumed = client.get(url, headers={"X-API-Key": key, "Last-Event-ID": last_event_id})
    assert resumed.status_code == 200 and resumed.get_data(as_text=True) == whole


@pytest.mark.slow  # a whole search job on the demo clips
def test_the_largest_last_event_id_is_past_every_event(client, key, finished):
    resumed = client.get(finished[0].get_json()["events_url"],
                         headers={"X-API-Key": key, "Last-Event-ID": str(2**63 - 1)})
    assert resumed.status_code == 204


class _Gates:
    """A job handler that holds each job running until its gate opens (``open(job_id)``)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._gates: dict[str, tuple[threading.Event, threading.Event]] = {}

    def _pair(self, job_id: str) -> tuple[threading.Event, threading.Event]:
        with self._lock:
            return self._gates.setdefault(job_id, (threading.Event(), threading.Event()))

    def handler(self, job, context):
        started, gate = self._pair(job.id)
        context.progress("held", 0, 1, 0.0)
        started.set()
        gate.wait(60)
        return {}

    def running(self, job_id: str) -> bool:
        return self._pair(job_id)[0].wait(30)

    def open(self, job_id: str | None = None) -> None:
        with self._lock:
            pairs = list(self._gates.values()) if job_id is None else [self._gates[job_id]]
        for _, gate in pairs:
            gate.set()


def test_event_streams_are_capped_per_caller_and_a_slot_frees_when_a_stream_ends_or_its_reader_goes(tmp_path, models):
    gates = _Gates()
    with own_studio(tmp_path, models, TRENDTOK_BROKER_URL=None, TRENDTOK_JOB_THREADS=3,
                    TRENDTOK_EVENT_STREAMS=3) as studio, ExitStack() as cleanup:
        jobs = studio.extensions["jobs"]
        jobs.runner.handlers = {kind: gates.handler for kind in jobs.runner.handlers}
        cleanup.callback(gates.open)  # let every job end before the studio closes
        client = studio.test_client()
        key, other = create_key(studio, "streams"), create_key(studio, "streams-other")

        def start(caller: str) -> str:
            created = client.post("/api/jobs", json={"kind": "search", "tags": ["Foodie"]}, headers={"X-API-Key": caller})
            assert created.status_code == 202, created.get_data(as_text=True)
            assert gates.running(created.get_json()["job_id"])
            return created.get_json()["job_id"]

        def stream(job_id: str, caller: str = key, **headers: str):
            response = client.get(f"/api/jobs/{job_id}/events", headers={"X-API-Key": caller, **headers},
                                  buffered=False)
            cleanup.callback(response.close)
            return response

        a, b, c = start(key), start(key), start(other)
        held = [stream(a), stream(a), stream(b)]
        assert [r.status_code for r in held] == [200, 200, 200]
        refused = stream(a)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "15"
        assert refused.get_json() == {"error": "events: 3 streams are open for this caller, the limit is 3"}
        assert stream(b).status_code == 429  # per caller, whichever of its jobs
        assert stream(c, other).status_code == 200  # another caller has streams of its own

        # A reader that goes away mid-stream: the server closes the stream at its next write.
        assert next(iter(held[0].response)).startswith(b"id: ")
        held[0].close()
        assert stream(a).status_code == 200
        assert stream(a).status_code == 429
        # One that goes before reading a byte.
        held[1].close()
        assert stream(a).status_code == 200
        assert stream(a).status_code == 429
        # One that ends: its job ends.
        gates.open(b)
        ended = held[2].get_data(as_text=True)
        assert "event: end" in ended
        assert stream(a).status_code == 200
        assert stream(a).status_code == 429
        # Resumed past its end, an ended job's stream is a 204 and needs no slot.
        last = re.findall(r"^id: (\d+)$", ended, re.MULTILINE)[-1]
        assert stream(b, **{"Last-Event-ID": last}).status_code == 204
        assert stream(b).status_code == 429  # from its start, it is a stream like any other


def test_a_reader_that_disconnects_frees_its_stream_at_the_next_heartbeat(tmp_path, monkeypatch, models):
    import http.client

    from werkzeug.serving import make_server

    from web import api

    monkeypatch.setattr(api, "HEARTBEAT_S", 0.1)  # the comment that finds a gone reader, 15 s in service
    gates = _Gates()
    with own_studio(tmp_path, models, TRENDTOK_BROKER_URL=None, TRENDTOK_EVENT_STREAMS=1) as studio, \
            ExitStack() as cleanup:
        jobs = studio.extensions["jobs"]
        jobs.runner.handlers = {kind: gates.handler for kind in jobs.runner.handlers}
        cleanup.callback(gates.open)
        key = create_key(studio, "disconnects")
        client = studio.test_client()
        job_id = client.post("/api/jobs", json={"kind": "search", "tags": ["Foodie"]},
                             headers={"X-API-Key": key}).get_json()["job_id"]
        assert gates.running(job_id)
        server = make_server("127.0.0.1", 0, studio, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cleanup.callback(server.shutdown)

        def get_events() -> http.client.HTTPResponse:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            cleanup.callback(connection.close)
            connection.request("GET", f"/api/jobs/{job_id}/events", headers={"X-API-Key": key})
            return connection.getresponse()

        reader = get_events()
        assert reader.status == 200 and reader.readline().startswith(b"id: ")
        refused = get_events()
        assert refused.status == 429
        refused.read()
        reader.close()  # the reader goes; the server learns of it only when a heartbeat cannot be written
        deadline = time.monotonic() + 10
        while (again := get_events()).status == 429 and time.monotonic() < deadline:
            again.read()
        assert again.status == 200


@pytest.mark.slow  # a whole search job on the demo clips
def test_another_callers_job_is_not_found(client, other_key, finished):
    job_id = finished[0].get_json()["job_id"]
    for call in (client.get, client.delete):
        response = call(f"/api/jobs/{job_id}", headers={"X-API-Key": other_key})
        assert response.status_code == 404 and response.get_json()["error"].startswith("job_id:")
    assert client.get("/api/jobs", headers={"X-API-Key": other_key}).get_json()["jobs"] == []


@pytest.mark.slow  # a whole search job on the demo clips
def test_an_idempotency_key_returns_the_same_job(wait_job, client, key):
    body = {"kind": "search", "tags": ["Foodie"], "duration": 5}
    headers = {"X-API-Key": key, "Idempotency-Key": "retry-me-1"}
    first = client.post("/api/jobs", json=body, headers=headers)
    second = client.post("/api/jobs", json=body, headers=headers)
    assert first.get_json()["job_id"] == second.get_json()["job_id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    wait_job(client, key, first.get_json()["job_id"])


@pytest.mark.slow  # a whole search job on the demo clips
def test_a_cancelled_job_ends_cancelled_and_an_ended_one_cannot_be(wait_job, client, key, finished):
    job_id = client.post("/api/jobs", json={"kind": "search", "tags": ["Travel"], "duration": 5},
                         headers={"X-API-Key": key}).get_json()["job_id"]
    response = client.delete(f"/api/jobs/{job_id}", headers={"X-API-Key": key})
    assert response.status_code in (200, 202)  # queued: now; running: at its next stage
    ended = wait_job(client, key, job_id)
    assert ended["status"] == "cancelled" and "result" not in ended
    late = client.delete(f"/api/jobs/{finished[0].get_json()['job_id']}", headers={"X-API-Key": key})
    assert late.status_code == 409 and late.get_json()["error"] == "job_id: the job already ended (succeeded)"


@pytest.mark.parametrize("headers, status, field", [
    ({}, 401, "X-API-Key"),
    ({"X-API-Key": "tt_not-a-key"}, 401, "X-API-Key"),
    ({"X-API-Key": ""}, 401, "X-API-Key"),
])
def test_without_an_active_key_nothing_is_answered(app, headers, status, field):
    client = app.test_client()  # no session cookie either
    response = client.post("/api/jobs", json={"kind": "search", "tags": ["Foodie"]}, headers=headers)
    assert response.status_code == status and response.get_json()["error"].startswith(field + ":")


def test_a_revoked_key_stops_working(app, client):
    runner = app.test_cli_runner()
    key = runner.invoke(args=["api-key", "create", "short-lived"]).output.strip()
    assert client.get("/api/jobs", headers={"X-API-Key": key}).status_code == 200
    assert runner.invoke(args=["api-key", "revoke", "short-lived"]).exit_code == 0
    assert client.get("/api/jobs", headers={"X-API-Key": key}).status_code == 401
    assert runner.invoke(args=["api-key", "revoke", "short-lived"]).exit_code != 0


@pytest.mark.parametrize("body, field", [
    ({"tags": ["Foodie"]}, "kind"),
    ({"kind": "render", "tags": ["Foodie"]}, "kind"),
    ({"kind": "search"}, "tags"),
    ({"kind": "search", "tags": ["no spaces allowed!"]}, "tags"),
    ({"kind": "search", "tags": ["Foodie"], "duration": 7}, "duration"),
    ({"kind": "search", "tags": ["Foodie"], "seed": -1}, "seed"),
    ([1, 2], "body"),
])
def test_bad_job_requests_are_400_naming_the_field_and_queue_nothing(client, key, body, field):
    before = client.get("/api/jobs?limit=100", headers={"X-API-Key": key}).get_json()["jobs"]
    response = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert response.status_code == 400 and response.get_json()["error"].startswith(field + ":"), response.get_json()
    assert client.get("/api/jobs?limit=100", headers={"X-API-Key": key}).get_json()["jobs"] == before


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten"])
def test_a_bad_limit_is_400(client, key, query):
    response = client.get(f"/api/jobs?{query}", headers={"X-API-Key": key})
    assert response.status_code == 400 and response.get_json()["error"].startswith("limit:")


def test_unknown_api_paths_are_json_404s(client, key):
    response = client.get("/api/nothing-here", headers={"X-API-Key": key})
    assert response.status_code == 404 and "error" in response.get_json()


@pytest.mark.slow  # a whole search job on the demo clips
def test_the_page_session_may_use_the_api_with_its_csrf_token(app):
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"kind": "search", "tags": ["Foodie"], "duration": 5}
    forged = client.post("/api/jobs", json=body)
    assert forged.status_code == 403 and forged.get_json()["error"].startswith("X-CSRF-Token:")
    created = client.post("/api/jobs", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 202
    job_id = created.get_json()["job_id"]
    assert [j["job_id"] for j in client.get("/api/jobs").get_json()["jobs"]] == [job_id]
    deadline = time.monotonic() + 120
    while client.get(f"/api/jobs/{job_id}").get_json()["status"] not in ("succeeded", "failed") \
            and time.monotonic() < deadline:
        time.sleep(0.2)


def test_the_openapi_document_is_valid_and_describes_every_api_route(app, client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").get_json()
    validate(document)
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in described, (path, method)
    assert document["components"]["schemas"]["SearchJob"]["properties"]["duration"]["enum"][0] == 5


@pytest.mark.slow  # a whole search job on the demo clips
def test_a_callback_url_on_an_allowed_host_gets_the_final_status_signed(app, client, key, monkeypatch,
                                                                      callback_receiver):
    from jobs import get_jobs
    from jobs.callbacks import sign

    receiver = callback_receiver
    refused = client.post("/api/jobs", json={"kind": "search", "tags": ["Tech"], "callback_url": receiver.url},
                          headers={"X-API-Key": key})
    assert refused.status_code == 400 and refused.get_json()["error"].startswith("callback_url:")
    with app.app_context():
        monkeypatch.setattr(get_jobs(), "callback_hosts", frozenset({"127.0.0.1"}))
    created = client.post("/api/jobs", json={"kind": "search", "tags": ["Tech"], "duration": 5,
                                             "callback_url": receiver.url}, headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    assert receiver.arrived.wait(180), "no callback arrived"
    got = receiver.received[-1]
    body = json.loads(got["body"])
    assert body["job_id"] == created.get_json()["job_id"] and body["status"] == "succeeded"
    assert body["status_url"] == created.get_json()["status_url"]
    from jobs.service import callback_secret

    secret = callback_secret(app)
    assert secret != app.secret_key.encode()  # receivers never hold the key that signs sessions
    assert got["headers"]["X-TrendTok-Signature"] == sign(secret, got["headers"]["X-TrendTok-Timestamp"], got["body"])
