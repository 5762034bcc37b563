"""The studio as real processes: ``flask --app app run`` servers and ``flask --app app …`` CLI
commands on one set of folders and one ``TRENDTOK_DB``, as an operator runs them.

    studio = StudioProcesses(tmp_path)
    server = studio.server()              # started, /health answered
    studio.cli("api-key", "list")         # a CompletedProcess
    server.kill()                         # SIGKILL to the server's whole process group
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import free_port, studio_config

ROOT = Path(__file__).resolve().parents[1]


def until(predicate, timeout: float, what: str):
    """``predicate()``'s first truthy value, polled until ``timeout`` seconds pass (then AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.1)


class Server:
    """One ``flask --app app run`` process, in a process group of its own; its log in ``log``."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log
        self.url = f"http://127.0.0.1:{port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def request(self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        """``(status, headers, body)``; an HTTP error status is returned, not raised."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            **({"Content-Type": "application/json"} if data is not None else {}), **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, method: str, path: str, **kwargs) -> tuple[int, dict]:
        status, _, body = self.request(method, path, **kwargs)
        return status, json.loads(body or b"null")

    def healthy(self) -> bool:
        try:
            return self.request("GET", "/health", timeout=2)[0] == 200
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM to its group (as Ctrl-C or `docker stop`), then SIGKILL after 30 s."""
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the server process alone, as an OOM kill or ``kill -9 <pid>`` would."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.process.wait(10)

    def kill_group(self) -> None:
        """Whatever is left of its process group, killed (cleanup after a test)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(10)


class StudioProcesses:
    """Servers and CLI commands on the studio under ``work``; ``overrides`` are extra settings.

    Settings travel as environment variables, as ``make run`` passes them.
    """

    def __init__(self, work: Path, **overrides):
        self.work = work
        config = studio_config(work, **overrides)
        config.pop("TESTING")
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("TRENDTOK_")}
        self.env = {**inherited, **{k: str(v) for k, v in config.items() if v is not None},
                    "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        self.servers: list[Server] = []

    def flask(self) -> list[str]:
        return [sys.executable, "-m", "flask", "--app", "app"]

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """``flask --app app ARGS…`` run to its end; its output as text."""
        return subprocess.run([*self.flask(), *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def server(self, *, timeout: float = 120, gunicorn: bool = False, wait: bool = True, **env: str) -> Server:
        """A ``flask run`` (or ``gunicorn``, as the Dockerfile runs it) server on a free loopback port,
        once it answers ``/health`` (with ``wait``)."""
        port = free_port()
        log = self.work / f"server-{port}.log"
        command = ([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                    "--threads", "4", "app:create_app()"] if gunicorn
                   else [*self.flask(), "run", "--host", "127.0.0.1", "--port", str(port)])
        with open(log, "wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server(process, port, log)
        self.servers.append(server)
        if not wait:
            return server
        try:
            until(lambda: server.healthy() or process.poll() is not None, timeout, f"the server on port {port}")
        except AssertionError:
            server.kill_group()
            raise AssertionError("the server did not start:\n" + log.read_text()[-3000:]) from None
        if process.poll() is not None:
            raise AssertionError("the server exited:\n" + log.read_text()[-3000:])
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()
            server.kill_group()
