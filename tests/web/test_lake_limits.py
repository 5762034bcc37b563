"""Bounded work per lake request (issue 19): a result past TRENDTOK_LAKE_MAX_RESULT_MB is 413 before
it is converted, and at most TRENDTOK_LAKE_QUERIES lake queries run at once (one more is 429)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import own_studio
from web.lake import query_slots

ROOT = Path(__file__).resolve().parents[2]
ISSUE_SQL = "SELECT repeat('x',100000) FROM range(20000)"
UNDER = "SELECT repeat('x', 1000) AS s FROM range(1000)"   # ~0.96 MB of Arrow data
OVER = "SELECT repeat('x', 1100) AS s FROM range(1000)"    # ~1.05 MB


@pytest.fixture(scope="module")
def app(tmp_path_factory, models):
    with own_studio(tmp_path_factory.mktemp("bounded"), models, TRENDTOK_LAKE_MAX_RESULT_MB=1,
                    TRENDTOK_LAKE_QUERIES=2) as studio:
        yield studio


@pytest.fixture
def client(app):
    return app.test_client()


class Held:
    """Slots this test holds itself, as running queries would; all given back after it."""

    def __init__(self, slots):
        self.slots, self.count = slots, 0

    @property
    def running(self) -> int:
        return self.slots.running

    def take(self, n: int) -> None:
        for _ in range(n):
            assert self.slots.try_take()
            self.count += 1

    def give(self, n: int) -> None:
        for _ in range(n):
            self.slots.give_back()
            self.count -= 1


@pytest.fixture
def slots(app):
    """The app's query slots (every one free before and after the test), held from the test deterministically."""
    held = Held(query_slots(app))
    assert held.slots.limit == 2 and held.running == 0
    yield held
    held.give(held.count)
    assert held.running == 0, "a request kept its slot"


def _error(html: str) -> str:
    return re.search(r'<p class="error" role="alert" id="lake-error"[^>]*>([^<]*)</p>', html).group(1)


# -- 413 -----------------------------------------------------------------------------------------------------

def test_a_result_past_the_limit_is_413_naming_its_size_and_the_limit(client, slots):
    as_json = client.get("/lake/query.json", query_string={"sql": OVER})
    assert as_json.status_code == 413 and as_json.mimetype == "application/json"
    assert re.fullmatch(r"sql: result is over 1\.\d MB, the limit is 1 MB \(ask for fewer rows or columns\)",
                        as_json.get_json()["error"])
    as_csv = client.get("/lake/query.csv", query_string={"sql": OVER})
    assert as_csv.status_code == 413 and as_csv.mimetype == "text/plain"
    assert as_csv.get_data(as_text=True) == as_json.get_json()["error"] + "\n"
    issue = client.get("/lake/query.json", query_string={"sql": ISSUE_SQL})
    assert issue.status_code == 413 and len(issue.get_data()) < 200 and "the limit is 1 MB" in issue.get_json()["error"]


def test_a_result_just_under_the_limit_downloads_whole(client, slots):
    rows = client.get("/lake/query.json", query_string={"sql": UNDER}).get_json()
    assert len(rows) == 1000 and rows[0] == {"s": "x" * 1000}
    text = client.get("/lake/query.csv", query_string={"sql": UNDER}).get_data(as_text=True)
    assert text.splitlines() == ['"s"'] + ['"' + "x" * 1000 + '"'] * 1000


def test_the_page_says_why_a_result_is_too_large(client, slots):
    page = client.get("/lake", query_string={"sql": OVER})
    html = page.get_data(as_text=True)
    assert page.status_code == 413 and re.fullmatch(r"sql: result is over 1\.\d MB, the limit is 1 MB .*", _error(html))
    assert 'id="lake-count"' not in html and 'id="chart-hashtags"' in html
    assert client.get("/lake", query_string={"sql": UNDER}).status_code == 200


@pytest.mark.slow  # a studio in a process of its own, at the 50 MB limit
def test_the_issues_query_does_not_balloon_the_servers_memory(tmp_path):
    """In a server process of its own, at the default 50 MB limit: 413, and the peak RSS grows by about
    DuckDB's one 2048-row chunk (~200 MB), not by the gigabytes the JSON of it took (~3.8 GB before)."""
    script = f"""
import json, resource, sys
sys.path.insert(0, {str(ROOT)!r})
from tests.conftest import own_studio
from pathlib import Path
with own_studio(Path({str(tmp_path)!r})) as app:
    client = app.test_client()
    client.get("/lake/query.json", query_string={{"sql": "SELECT 1 AS x"}}).get_data()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client.get("/lake/query.json", query_string={{"sql": {ISSUE_SQL!r}}})
    body = response.get_data()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({{"status": response.status_code, "body": body.decode(), "grown_mb": grown / 1024}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["status"] == 413
    assert re.fullmatch(r"sql: result is over \d+\.\d MB, the limit is 50 MB .*", json.loads(measured["body"])["error"])
    assert measured["grown_mb"] < 600, measured


# -- 429 -----------------------------------------------------------------------------------------------------

def test_one_query_more_than_the_slots_is_429_with_retry_after(client, slots):
    slots.take(2)
    as_json = client.get("/lake/query.json", query_string={"sql": "SELECT 1 AS x"})
    assert as_json.status_code == 429 and as_json.headers["Retry-After"] == "2"
    assert as_json.get_json() == {"error": "sql: 2 queries are running, the limit is 2; try again in 2 s"}
    as_csv = client.get("/lake/query.csv", query_string={"sql": "SELECT 1 AS x"})
    assert as_csv.status_code == 429 and as_csv.headers["Retry-After"] == "2"
    assert as_csv.get_data(as_text=True) == "sql: 2 queries are running, the limit is 2; try again in 2 s\n"
    page = client.get("/lake", query_string={"sql": "SELECT 1 AS x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and page.headers["Retry-After"] == "2"
    assert _error(html) == "sql: 2 queries are running, the limit is 2; try again in 2 s"
    assert 'data-retry-after="2"' in html and 'id="lake-count"' not in html
    # The charts are queries too: none ran, each says why.
    assert html.count("queries are running, the limit is 2") == 1 + 4
    assert client.get("/lake").status_code == 429  # even without SQL: the charts need a slot
    slots.give(1)
    assert client.get("/lake/query.json", query_string={"sql": "SELECT 1 AS x"}).get_json() == [{"x": 1}]
    assert client.get("/lake", query_string={"sql": "SELECT 1 AS x"}).status_code == 200
    assert slots.running == 1


def test_a_page_takes_one_slot_for_its_query_and_charts(client, slots):
    slots.take(1)  # one left: the SQL box and four charts must all run in it
    page = client.get("/lake", query_string={"sql": "SELECT 1 AS x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 row" in html and "queries are running" not in html
    assert slots.running == 1


def test_a_download_holds_its_slot_while_it_streams(client, slots):
    slots.take(1)
    streaming = client.get("/lake/query.json", query_string={"sql": "SELECT range AS n FROM range(3000)"})
    assert streaming.status_code == 200 and streaming.is_streamed and slots.running == 2
    assert client.get("/lake/query.csv", query_string={"sql": "SELECT 1 AS x"}).status_code == 429
    assert [r["n"] for r in json.loads(streaming.get_data())] == list(range(3000))  # read to its end: given back
    assert slots.running == 1
    assert client.get("/lake/query.csv", query_string={"sql": "SELECT 1 AS x"}).get_data(as_text=True) == '"x"\n1\n'
    # A response closed before it was read gives its slot back too (a client that went away).
    unread = client.get("/lake/query.json", query_string={"sql": "SELECT 1 AS x"})
    assert slots.running == 2
    unread.close()
    assert slots.running == 1


def test_a_refused_query_gives_its_slot_back(client, slots):
    for sql in ("DROP VIEW metadata", OVER):
        assert client.get("/lake/query.json", query_string={"sql": sql}).status_code in (400, 413)
        assert client.get("/lake", query_string={"sql": sql}).status_code in (400, 413)
        assert slots.running == 0
