"""Fixtures shared by every test package: the real shared data, the Flask app, a
loopback chat-completions server standing in for an LLM host (Ollama, llama.cpp, vLLM), and a
loopback webhook receiver for job callbacks."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SHARED_DATA = ROOT.parent / "shared" / "data"

#: The lanes a fixture puts its tests in (pytest.ini's markers): taking it is what makes a test a
#: browser or Redis test (or a slow one: the real MiniLM of tests/summariser/conftest.py), so the
#: mark follows the fixture and a new test cannot forget it.
LANE_OF_FIXTURE = {"browser": "browser", "redis_server": "redis", "minilm": "slow"}


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in set(LANE_OF_FIXTURE).intersection(getattr(item, "fixturenames", ())):
            item.add_marker(LANE_OF_FIXTURE[fixture])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (a fresh clone): shared-data test skipped")
    return SHARED_DATA


@pytest.fixture(scope="session")
def exports(shared_data) -> Path:
    """The real TikTok exports (``../shared/data/tiktok``): the trend lake's and the sounds' samples."""
    return shared_data / "tiktok"


@pytest.fixture
def lake(tmp_path):
    """A fresh, empty trend lake in the test's folder."""
    from trend_lake import Lake

    return Lake(tmp_path / "lake")


def studio_config(work: Path, **overrides) -> dict:
    """A test studio's settings: every folder and the database under ``work``, a fixed secret
    key, the embedded summary, music and cover; ``overrides`` on top."""
    return {
        "TESTING": True,
        "TRENDTOK_RUNS_DIR": str(work / "runs"),
        "TRENDTOK_CACHE_DIR": str(work / "cache"),
        "TRENDTOK_DB": str(work / "studio.sqlite3"),
        "TRENDTOK_LAKE": str(work / "lake"),
        "TRENDTOK_SECRET_KEY": "test-only-secret",
        "TRENDTOK_SUMMARISER": "minilm",
        "TRENDTOK_MUSIC": "composer",
        "TRENDTOK_COVER": "poster",
        **overrides,
    }


def create_key(app, name: str) -> str:
    """A new API key for ``app`` (``flask api-key create NAME``), as a script would get one."""
    out = app.test_cli_runner().invoke(args=["api-key", "create", name])
    assert out.exit_code == 0, out.output
    return out.output.strip()


#: The settings the model-holding stages are built from (``pipeline_stages.loaders``): an app given
#: one of them loads models of its own rather than borrowing the session's.
MODEL_SETTINGS = frozenset({
    "TRENDTOK_TRANSCRIBER", "TRENDTOK_OCR", "TRENDTOK_WORKERS", "TRENDTOK_POOL", "WHISPER_MODEL", "TRENDTOK_DEVICE",
    "TRENDTOK_SUMMARISER", "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "LLAMA_API_KEY", "LLAMA_GGUF",
    "TRENDTOK_MUSIC", "MUSICGEN_MODEL", "TRENDTOK_COVER", "SD_MODEL", "SD_STEPS", "SD_SIZE",
})


@contextmanager
def own_studio(work: Path, models=None, **overrides) -> Iterator:
    """A studio app of its own under ``work`` (its lake, job queue and uploads hold only what a
    test puts there), closed afterwards. It borrows the loaded ``models`` (the session's
    ``models`` fixture) unless ``overrides`` name a model setting; without them it loads its own."""
    from app import create_app

    borrowed = None if MODEL_SETTINGS.intersection(overrides) else models
    flask_app = create_app(studio_config(work, **overrides), models=borrowed)
    try:
        yield flask_app
    finally:
        flask_app.extensions["jobs"].close()
        flask_app.extensions["studio"].close()  # its own stage objects only: borrowed ones stay open


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    """The session's models: a studio on the default transcriber (Whisper when its pip-installed
    weights are here, else sphinx) and the embedded summary, music and cover, each loaded when a
    test first needs it; every test app borrows them, so they load once."""
    with own_studio(tmp_path_factory.mktemp("models")) as flask_app:
        yield flask_app.extensions["studio"]


@pytest.fixture
def app(tmp_path_factory, models):
    """A fresh studio app for one test: its own folders and database, the session's models."""
    with own_studio(tmp_path_factory.mktemp("studio"), models) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, models):
    """One studio app for a module whose tests build on shared state (its API keys, a finished
    run, the server a browser test talks to); such a module names it its ``app``::

        @pytest.fixture(scope="module")
        def app(module_app):
            return module_app
    """
    with own_studio(tmp_path_factory.mktemp("studio"), models) as flask_app:
        yield flask_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class ChatServer(ThreadingHTTPServer):
    """Speaks POST /v1/chat/completions on loopback, answering with ``answer`` as JSON text.

    ``replies`` is a queue of behaviours (valid, fenced, prose, prose_only, malformed,
    http500, hang); the last one repeats. ``requests`` records what each call sent.
    """

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.answer: dict = {}
        self.replies: list[str] = ["valid"]
        self.requests: list[dict] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _ChatHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def _send(self, code: int, body: dict | str):
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        server: ChatServer = self.server
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        auth = self.headers.get("Authorization")
        server.requests.append({"path": self.path, "auth": auth, "json": payload})
        mode = server.replies.pop(0) if len(server.replies) > 1 else server.replies[0]
        answer = json.dumps(server.answer)
        content = {
            "valid": answer,
            "fenced": "```json\n" + answer + "\n```",
            "prose": "Sure! Here is the plan you asked for:\n" + answer + "\nEnjoy!",
            "prose_only": "I think the video is about pasta and you should make a pasta video.",
            "malformed": '{"summary": "pasta", "keywords": ["pasta", "garlic"',
        }.get(mode)
        if mode == "http500":  # echoes the credentials, as careless upstream errors do
            return self._send(500, {"detail": f"upstream exploded for {auth}"})
        if mode == "hang":
            time.sleep(4)
            content = answer
        self._send(200, {"id": "chatcmpl-1", "object": "chat.completion", "model": payload.get("model"),
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": content}}]})


def _serving(server: ThreadingHTTPServer):
    """Run ``server`` on a thread for one test, then stop it and free its port."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def chat_server():
    """A running ``ChatServer``; set ``.answer`` (the JSON the model 'writes') and ``.replies``."""
    yield from _serving(ChatServer())


class CallbackReceiver(ThreadingHTTPServer):
    """Takes POSTs on loopback, as a creator's webhook endpoint would; ``answers`` is a queue of status codes
    (the last repeats); ``received`` records each call; ``arrived`` is set on a 2xx."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _CallbackHandler)
        self.answers: list[int] = [200]
        self.received: list[dict] = []
        self.arrived = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _CallbackHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        server: CallbackReceiver = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.received.append({"path": self.path, "body": body, "headers": self.headers})  # case-insensitive, as HTTP is
        code = server.answers.pop(0) if len(server.answers) > 1 else server.answers[0]
        self.send_response(code)
        if code in (301, 302, 307):
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()
        if 200 <= code < 300:
            server.arrived.set()


@pytest.fixture
def callback_receiver():
    yield from _serving(CallbackReceiver())


def free_port() -> int:
    """A loopback port nobody listens on now (for servers that cannot be told to pick one)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """Debian's ``redis-server`` on a free loopback port, without persistence; its ``redis://`` URL.

    Skipped where redis-server is not installed (``.ci/run`` installs it)."""
    import shutil
    import subprocess

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    work = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(work)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    client.close()
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's real S3 server on a free loopback port, with the test credentials in the environment."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture(scope="session")
def wait_job():
    """``wait_job(client, key, job_id, timeout=180)``: poll ``/api/jobs/<id>`` until the job ends; its JSON."""
    def wait(client, key, job_id, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = client.get(f"/api/jobs/{job_id}", headers={"X-API-Key": key}).get_json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job['status']}")

    return wait


#: The skips a missing system package causes, as the end of the run counts them: how the skip's
#: reason starts (tests/web/conftest.py's NO_CHROMIUM; redis_server's skip above), the group, what
#: is missing, and the Debian packages that bring it.
MISSING_TOOLS = (
    ("no chromium/chromedriver on PATH", "browser test", "no chromium/chromedriver", ("chromium", "chromium-driver")),
    ("redis-server is not installed", "Redis test", "no redis-server", ("redis-server",)),
)


def skipped_for_missing_tools(reports) -> str:
    """One line for the skipped ``reports`` that a missing package caused: how many of each group,
    why, and the one command that installs them all; "" when none was."""
    counts = [0] * len(MISSING_TOOLS)
    for report in reports:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
        reason = reason.removeprefix("Skipped: ")
        for i, (start, *_rest) in enumerate(MISSING_TOOLS):
            if reason.startswith(start):
                counts[i] += 1
    groups = [(n, tool) for n, tool in zip(counts, MISSING_TOOLS) if n]
    if not groups:
        return ""
    said = ", ".join(f"{n} {group}{'' if n == 1 else 's'} ({why})" for n, (_start, group, why, _packages) in groups)
    packages = " ".join(package for _n, tool in groups for package in tool[3])
    return f"skipped: {said} — install with: apt-get install -y {packages}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """After the short summary (``-ra``), just above the final counts: which groups a missing
    package skipped, and the command that installs what they need. Silent when none was."""
    try:
        return (yield)
    finally:
        line = skipped_for_missing_tools(terminalreporter.stats.get("skipped", []))
        if line:
            terminalreporter.write_line(line, yellow=True, bold=True)
