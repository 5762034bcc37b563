"""callback_url: only allowed hosts, a signed POST of the final status, retries, no redirects —
against a real HTTP server on loopback."""
from __future__ import annotations

import json

import pytest

from jobs import JobStatus
from jobs._types import Job
from jobs.callbacks import allowed_hosts, check_callback_url, send, sign
from search_input import InputError

SECRET = b"callback-secret"


def _job(status=JobStatus.SUCCEEDED) -> Job:
    return Job(id="a" * 32, kind="search", owner="key:1", status=status, params={}, stage=None, done=0, total=0,
               fraction=1.0, result=None, error=None, created_at=1.0, started_at=2.0, finished_at=3.0)


@pytest.mark.parametrize("raw, message", [
    ("ftp://hooks.example/x", "an http\\(s\\) URL"),
    ("http://user:pw@hooks.example/x", "no credentials"),
    ("http://evil.example/x", "evil.example is not one of the hosts"),
    ("http://hooks.example:99999/x", "not a valid URL"),
    ("http://127.0.0.1/x", "127.0.0.1 is not one of the hosts"),
    (42, "an http\\(s\\) URL"),
])
def test_a_callback_url_must_name_an_allowed_host(raw, message):
    hosts = allowed_hosts(" Hooks.Example , 10.0.0.5:8080 ")
    with pytest.raises(InputError, match=f"^callback_url: .*{message}") as caught:
        check_callback_url(raw, hosts)
    assert caught.value.field == "callback_url"
    assert check_callback_url("https://hooks.example/done?x=1", hosts) == "https://hooks.example/done?x=1"
    assert check_callback_url("http://10.0.0.5:8080/x", hosts) and check_callback_url(None, hosts) is None
    with pytest.raises(InputError, match="sends no callbacks"):
        check_callback_url("https://hooks.example/", frozenset())


def test_the_final_status_arrives_signed(callback_receiver):
    assert send(callback_receiver.url, _job(), secret=SECRET, status_url="/api/jobs/" + "a" * 32)
    got = callback_receiver.received[0]
    body = json.loads(got["body"])
    assert body == {"job_id": "a" * 32, "kind": "search", "status": "succeeded", "error": None,
                    "status_url": "/api/jobs/" + "a" * 32, "finished_at": 3.0}
    assert got["headers"]["X-TrendTok-Signature"] == sign(SECRET, got["headers"]["X-TrendTok-Timestamp"], got["body"])


def test_a_failing_receiver_is_tried_three_times_and_a_redirect_is_not_followed(callback_receiver):
    waits = []
    callback_receiver.answers = [500, 503, 200]
    assert send(callback_receiver.url, _job(), secret=SECRET, status_url="/x", sleep=waits.append)
    assert len(callback_receiver.received) == 3 and waits == [1, 2]
    callback_receiver.received.clear()
    callback_receiver.answers = [302]
    assert not send(callback_receiver.url, _job(), secret=SECRET, status_url="/x", sleep=waits.append)
    assert len(callback_receiver.received) == 3 and all(r["path"] == "/hook" for r in callback_receiver.received)
