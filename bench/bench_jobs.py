"""The job system under load: throughput, polling latency, the queue's 429 point and memory.

    python bench/bench_jobs.py                      # about 4 to 7 minutes on 2 cores
    python bench/bench_jobs.py --jobs 6 --quiet-jobs 3 --pollers 10 --poll-seconds 5   # a smoke run

The server is ``make run``'s: ``flask --app app run`` (werkzeug's threaded server) with
TRENDTOK_WARM_UP=1, the offline backends, the default in-process thread runner
(TRENDTOK_JOB_THREADS and TRENDTOK_QUEUE_SIZE at their defaults) and every folder and the
SQLite file in a temporary directory. It runs as a subprocess, so the 50 pollers here do
not share its interpreter lock and its RSS is its own (read from /proc/<pid>/status; the
text stage's worker processes are shown beside it). Every call is real HTTP on loopback
with an API key made by ``flask api-key create``.

Search jobs ask for a 5-s soundtrack with two hashtags of the bundled demo library
(hashtag i and i+5 of its 15, so always two different categories) and seed i, so every job
composes and draws afresh. The only cache that helps is the text stage's, per video: a
category's three videos are read once, by the first job that names it.

Phases: one warm-up job (models load); ``--quiet-jobs`` jobs alone (jobs per minute, RSS);
the rest of ``--jobs`` with ``--pollers`` clients polling GET /api/jobs/<id> of the live
jobs for the first ``--poll-seconds`` (p50/p99), then RSS again; last, jobs submitted as
fast as possible until the first 429, and every one of them cancelled (DELETE).
Exits 1, with the reason, when the server does not start, a job fails or hangs, a poll
errs, or no 429 comes.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from stages import names as stage_names  # noqa: E402  (their running order: Flask's JSON sorts the keys)
from settings import DEFAULTS  # noqa: E402

DURATION = 5         # the shortest soundtrack the API takes: cheap jobs, as the memory check wants
FEED_DEPTH = 4       # jobs kept submitted at once: enough that the runner never waits for us
JOB_TIMEOUT_S = 300  # one job with nothing finishing for this long is a hang, not a slow machine


class BenchError(Exception):
    """The bench cannot go on; the message says what went wrong."""


# -- the machine and the server ---------------------------------------------------------------
def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cores} cores ({model}), load average {load} at start, Python {platform.python_version()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the text stage's pool), from /proc's parent links."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The command name may hold spaces and parentheses: the fields after the last ')' are safe.
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Server:
    """``flask --app app run`` as ``make run`` starts it, on a free loopback port, with every
    folder under ``work``; its output goes to ``work/server.log``."""

    def __init__(self, *, work: Path):
        self.work = work
        self.port = _free_port()
        self.log_path = work / "server.log"
        self.env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRENDTOK_WARM_UP": "1",
            "TRENDTOK_DB": str(work / "trendtok.sqlite3"),
            "TRENDTOK_RUNS_DIR": str(work / "runs"),
            "TRENDTOK_CACHE_DIR": str(work / "cache"),
            # The defaults, said out loud: a caller's environment or .env must not turn this into
            # another runner or another queue than the one the bench reports on.
            "TRENDTOK_JOB_THREADS": str(DEFAULTS["TRENDTOK_JOB_THREADS"]),
            "TRENDTOK_QUEUE_SIZE": str(DEFAULTS["TRENDTOK_QUEUE_SIZE"]),
            "TRENDTOK_BROKER_URL": "",
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed: {done.stderr.strip()[-800:]}")
        return done.stdout.strip()

    def start(self) -> None:
        log = open(self.log_path, "w")
        # Its own session, so the stop below can reach the text stage's pool by the group id.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.25)
        raise BenchError(f"the server did not listen on port {self.port} within 120 s:\n{self.log_tail()}")

    def rss(self) -> tuple[float, float]:
        """``(server MB, its worker processes' MB)``."""
        pid = self.process.pid
        return _rss_mb(pid), sum(_rss_mb(child) for child in _descendants(pid))

    def cpu_s(self) -> float:
        """CPU seconds the server process (every thread, not its workers) has used so far."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def complaints(self) -> list[str]:
        """The log's warnings, errors and tracebacks, each kind once, with how often it came."""
        counts: dict[str, int] = {}
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        for line in text.splitlines():
            if " WARNING " in line or " ERROR " in line or line.startswith("Traceback"):
                # Drop the timestamp so the same complaint about different jobs counts as one.
                key = line.split(" ", 2)[-1] if line[:4].isdigit() else line
                key = key[:160]
                counts[key] = counts.get(key, 0) + 1
        return [f"{n}× {line}" for line, n in counts.items()]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # Ctrl-C, as a person stops `make run`: the runner and the text stage's pool close via atexit.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # any pool worker its exit left behind
        except (ProcessLookupError, PermissionError):
            pass


# -- HTTP -----------------------------------------------------------------------------------------
class Client:
    """One keep-alive connection with the API key, as one script polling its job would hold."""

    def __init__(self, *, port: int, key: str):
        self.port = port
        self.key = key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        sent = {"X-API-Key": self.key, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, OSError):
                # The server may close an idle keep-alive connection; POSTs carry an Idempotency-Key,
                # so one retry on a fresh connection is safe for every call here.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")[:200]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload

    def close(self) -> None:
        self.conn.close()


def _demo_hashtags() -> list[str]:
    from tiktok_videos import load_source

    tags = load_source("library").available_tags()
    if len(tags) < 6:
        raise BenchError(f"the bundled demo library lists {len(tags)} hashtags; the bench needs at least 6")
    return tags


# -- feeding jobs ------------------------------------------------------------------------------
@dataclass
class Feeder:
    """Submits search jobs ``FEED_DEPTH`` at a time and collects them as they end."""

    client: Client
    tags: list[str]
    run_name: str
    live_ids: tuple[str, ...] = ()  # replaced, never mutated, so pollers on other threads can read it
    finished: list[dict] = field(default_factory=list)

    def body(self, index: int) -> dict[str, Any]:
        n = len(self.tags)
        return {"kind": "search", "tags": [self.tags[index % n], self.tags[(index + 5) % n]],
                "duration": DURATION, "seed": index}

    def submit(self, index: int) -> str:
        status, _, payload = self.client.call("POST", "/api/jobs", self.body(index),
                                              {"Idempotency-Key": f"{self.run_name}-{index}"})
        if status != 202:
            raise BenchError(f"POST /api/jobs (job {index}) answered {status}: {payload}")
        return payload["job_id"]

    def run(self, indices: range) -> list[dict]:
        """Run the jobs ``indices`` to their end; the finished jobs' JSON, in the order they ended."""
        pending = list(indices)[::-1]
        live: dict[str, int] = {}
        done: list[dict] = []
        last_progress = time.monotonic()
        while pending or live:
            while pending and len(live) < FEED_DEPTH:
                index = pending.pop()
                live[self.submit(index)] = index
            self.live_ids = tuple(live)
            time.sleep(0.25)
            # One small GET per live job, as its client would: listing every job with its result
            # would grow with the run and load the server more than the jobs do.
            for job_id in list(live):
                status, _, job = self.client.call("GET", f"/api/jobs/{job_id}")
                if status != 200:
                    raise BenchError(f"GET /api/jobs/{job_id} answered {status}: {job}")
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    if job["status"] != "succeeded":
                        raise BenchError(f"job {live[job['job_id']]} ({job['params']['tags']}) ended "
                                         f"{job['status']}: {job['error']}")
                    del live[job["job_id"]]
                    done.append(job)
                    last_progress = time.monotonic()
            if time.monotonic() - last_progress > JOB_TIMEOUT_S:
                raise BenchError(f"no job ended for {JOB_TIMEOUT_S} s; live: {sorted(live.values())}")
        self.live_ids = ()
        self.finished += done
        return done


def _per_minute(jobs: list[dict]) -> float:
    span = max(j["finished_at"] for j in jobs) - min(j["started_at"] for j in jobs)
    return 60 * len(jobs) / span if span > 0 else float("inf")


def _run_seconds(jobs: list[dict]) -> list[float]:
    return [j["finished_at"] - j["started_at"] for j in jobs]


def _cold_ids(jobs: list[dict]) -> set[str]:
    """The jobs that were first, in submission order (the seed), to read one of their videos:
    the ones whose text stage the cache did not answer."""
    seen: set[str] = set()
    cold = set()
    for job in sorted(jobs, key=lambda j: j["params"]["seed"]):
        videos = {v["id"] for v in job["result"].get("videos", [])}
        if videos - seen:
            cold.add(job["job_id"])
        seen |= videos
    return cold


def _stage_means(jobs: list[dict]) -> str:
    stages = [name for name in stage_names() if name in jobs[0]["result"].get("timings", {})]
    return ", ".join(f"{s} {statistics.mean(j['result']['timings'][s] for j in jobs):.2f}" for s in stages)


# -- polling ---------------------------------------------------------------------------------------
@dataclass
class PollResult:
    latencies_ms: list[float]
    errors: list[str]
    started: float
    ended: float
    server_cpu: float  # the server's CPU seconds per second meanwhile


def _poll(*, port: int, key: str, pollers: int, seconds: float, interval: float,
          live_ids: Callable[[], tuple[str, ...]], cpu_s: Callable[[], float]) -> PollResult:
    """``pollers`` threads, each on its own connection, GET a live job's status every ``interval``
    seconds for ``seconds``; every call's latency, and what went wrong."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def poller(number: int) -> None:
        client = Client(port=port, key=key)
        turn = number
        try:
            while not stop.is_set():
                ids = live_ids()
                if ids:
                    job_id = ids[turn % len(ids)]
                    turn += 1
                    started = time.perf_counter()
                    try:
                        status, _, payload = client.call("GET", f"/api/jobs/{job_id}")
                    except (http.client.HTTPException, OSError) as exc:
                        status, payload = None, repr(exc)
                    elapsed = 1000 * (time.perf_counter() - started)
                    with lock:
                        if status == 200:
                            latencies.append(elapsed)
                        else:
                            errors.append(f"{status}: {str(payload)[:160]}")
                stop.wait(interval)
        finally:
            client.close()

    threads = [threading.Thread(target=poller, args=(n,), name=f"poller-{n}", daemon=True) for n in range(pollers)]
    started, cpu_started = time.time(), cpu_s()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    ended, cpu_ended = time.time(), cpu_s()
    for thread in threads:
        thread.join(90)
    return PollResult(latencies, errors, started, ended, (cpu_ended - cpu_started) / (ended - started))


def _busy_seconds(jobs: list[dict], *, start: float, end: float) -> float:
    return sum(max(0.0, min(j["finished_at"], end) - max(j["started_at"], start)) for j in jobs)


# -- the 429 point -------------------------------------------------------------------------------
def _queue_limit(client: Client, *, run_name: str, tags: list[str], limit: int) -> tuple[list[str], str]:
    """Submit jobs back to back until the first 429; ``(accepted ids, its Retry-After)``."""
    accepted: list[str] = []
    for attempt in range(1, limit + 1):
        body = {"kind": "search", "tags": [tags[attempt % len(tags)]], "duration": DURATION, "seed": 10_000 + attempt}
        status, headers, payload = client.call("POST", "/api/jobs", body,
                                               {"Idempotency-Key": f"{run_name}-flood-{attempt}"})
        if status == 429:
            return accepted, headers.get("retry-after", "(none)")
        if status != 202:
            raise BenchError(f"POST /api/jobs while filling the queue answered {status}: {payload}")
        accepted.append(payload["job_id"])
    raise BenchError(f"no 429 after {limit} jobs submitted back to back (TRENDTOK_QUEUE_SIZE "
                     f"{DEFAULTS['TRENDTOK_QUEUE_SIZE']}); {len(accepted)} accepted")


def _cancel_all(client: Client, *, job_ids: list[str]) -> tuple[float, dict[str, int]]:
    """DELETE each job, then wait for the running one to stop; seconds taken and how they ended."""
    started = time.perf_counter()
    for job_id in job_ids:
        status, _, payload = client.call("DELETE", f"/api/jobs/{job_id}")
        if status not in (200, 202, 409):  # 409: it ended by itself just before
            raise BenchError(f"DELETE /api/jobs/{job_id} answered {status}: {payload}")
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        ends: dict[str, int] = {}
        for job_id in job_ids:
            _, _, job = client.call("GET", f"/api/jobs/{job_id}")
            ends[job["status"]] = ends.get(job["status"], 0) + 1
        if not {"queued", "running"} & set(ends):
            return time.perf_counter() - started, ends
        if time.monotonic() > deadline:
            raise BenchError(f"cancelled jobs still not ended after {JOB_TIMEOUT_S} s: {ends}")
        time.sleep(0.5)


# -- the bench -------------------------------------------------------------------------------------
def _mb(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.0f} MB"


def _bench(args: argparse.Namespace, *, server: Server, rows: list[tuple[str, str, str]], problems: list[str]) -> None:
    tags = _demo_hashtags()
    key = server.flask("api-key", "create", "bench")  # the key is the command's only output
    server.start()
    client = Client(port=server.port, key=key)
    run_name = f"bench-{os.getpid()}-{int(time.time())}"
    feeder = Feeder(client=client, tags=tags, run_name=run_name)
    print(f"server: pid {server.process.pid} on 127.0.0.1:{server.port}, log {server.log_path}", file=sys.stderr)
    rss_start = server.rss()

    print("warm-up job…", file=sys.stderr)
    started = time.perf_counter()
    warm = feeder.run(range(0, 1))[0]
    warm_s = time.perf_counter() - started
    rss_warm = server.rss()
    chosen = warm["result"].get("backends") or {}
    backends = " / ".join(str(chosen[s]) for s in stage_names() if s in chosen)
    rows.append(("warm-up job (models load, text cold)", f"{warm_s:.1f} s", f"backends {backends}"))

    quiet_n = args.quiet_jobs
    print(f"{quiet_n} jobs, no pollers…", file=sys.stderr)
    cpu_started, started = server.cpu_s(), time.perf_counter()
    quiet = feeder.run(range(1, 1 + quiet_n))
    quiet_cpu = (server.cpu_s() - cpu_started) / (time.perf_counter() - started)
    rss_quiet = server.rss()
    runs_s = _run_seconds(quiet)
    rows.append((f"jobs per minute, {quiet_n} jobs, no pollers", f"{_per_minute(quiet):.1f}",
                 f"{DEFAULTS['TRENDTOK_JOB_THREADS']} runner thread; job p50 {statistics.median(runs_s):.2f} s, "
                 f"max {max(runs_s):.2f} s"))
    cold = _cold_ids(feeder.finished)
    rows.append(("  mean seconds per stage", "", f"{_stage_means(quiet)}; "
                 f"{sum(j['job_id'] in cold for j in quiet)} of the {quiet_n} read new videos (text not cached)"))

    rest = range(1 + quiet_n, 1 + args.jobs)
    print(f"{len(rest)} jobs, {args.pollers} pollers for the first {args.poll_seconds:g} s…", file=sys.stderr)
    box: dict[str, PollResult] = {}
    poll_thread = threading.Thread(target=lambda: box.setdefault("r", _poll(
        port=server.port, key=key, pollers=args.pollers, seconds=args.poll_seconds,
        interval=args.poll_interval, live_ids=lambda: feeder.live_ids, cpu_s=server.cpu_s)),
        name="polling", daemon=True)
    poll_thread.start()
    loud = feeder.run(rest)
    poll_thread.join()
    rss_all = server.rss()

    polled = box.get("r")
    if polled is None:
        raise BenchError("polling: the pollers' thread ended without a result (its traceback is above)")
    window = polled.ended - polled.started
    lat = sorted(polled.latencies_ms)
    if len(lat) >= 2:
        p50, p99 = statistics.median(lat), statistics.quantiles(lat, n=100, method="inclusive")[98]
        busy = _busy_seconds(loud, start=polled.started, end=polled.ended)
        rows.append((f"GET /api/jobs/<id>, {args.pollers} pollers, {window:.0f} s: p50 / p99",
                     f"{p50:.1f} / {p99:.1f} ms",
                     f"{len(lat)} calls ({len(lat) / window:.0f}/s), every {args.poll_interval:g} s each; "
                     f"max {lat[-1]:.0f} ms; a job ran for {busy:.0f} of the {window:.0f} s"))
    else:
        problems.append(f"polling: only {len(lat)} successful calls in {window:.0f} s")
    if polled.errors:
        problems.append(f"polling: {len(polled.errors)} calls failed, e.g. {polled.errors[0]}")
    rows.append(("  server CPU while polled / quiet", f"{100 * polled.server_cpu:.0f} / {100 * quiet_cpu:.0f} %",
                 "% of one core, the server process alone (not the text stage's workers)"))
    # Like with like: a job that read new videos takes seconds longer whether polled or not.
    cold = _cold_ids(feeder.finished)
    touched = [j for j in loud if j["started_at"] < polled.ended and j["finished_at"] > polled.started]
    warm_touched = [j for j in touched if j["job_id"] not in cold]
    warm_quiet = [j for j in quiet if j["job_id"] not in cold]
    if warm_touched and warm_quiet:
        rows.append(("  cached-text job run time, polled / quiet (p50)",
                     f"{statistics.median(_run_seconds(warm_touched)):.2f} / "
                     f"{statistics.median(_run_seconds(warm_quiet)):.2f} s",
                     f"{len(warm_touched)} / {len(warm_quiet)} jobs; polled = ran at least partly while polled"))
    else:
        rows.append(("  cached-text job run time, polled / quiet", "n/a",
                     f"{len(warm_touched)} / {len(warm_quiet)} such jobs: raise --jobs or --quiet-jobs"))
    rows.append((f"jobs per minute, jobs {rest.start}–{rest.stop - 1}", f"{_per_minute(loud):.1f}",
                 f"the first {args.poll_seconds:g} s with {args.pollers} pollers"))
    total = len(feeder.finished)
    rows.append(("server RSS: before the first job", _mb(rss_start),
                 f"models still loading (warm-up thread); workers {rss_start[1]:.0f} MB"))
    rows.append(("  after the warm-up job", _mb(rss_warm), f"models loaded; workers {rss_warm[1]:.0f} MB"))
    rows.append((f"  after warm-up + {quiet_n} jobs", _mb(rss_quiet), f"workers {rss_quiet[1]:.0f} MB"))
    growth = rss_all[0] - rss_quiet[0]
    rows.append((f"  after warm-up + {total - 1} jobs", _mb(rss_all),
                 f"workers {rss_all[1]:.0f} MB; {growth:+.0f} MB over the last {len(loud)} jobs "
                 f"({growth / len(loud):+.2f} MB per job)"))

    print("filling the queue to the first 429…", file=sys.stderr)
    limit = int(DEFAULTS["TRENDTOK_QUEUE_SIZE"]) + int(DEFAULTS["TRENDTOK_JOB_THREADS"]) + 16
    accepted, retry_after = _queue_limit(client, run_name=run_name, tags=tags, limit=limit)
    cancel_s, ends = _cancel_all(client, job_ids=accepted)
    rows.append(("accepted before the first 429", f"{len(accepted)}",
                 f"TRENDTOK_QUEUE_SIZE {DEFAULTS['TRENDTOK_QUEUE_SIZE']} waiting + "
                 f"{DEFAULTS['TRENDTOK_JOB_THREADS']} running; Retry-After: {retry_after}"))
    rows.append((f"  cancel all {len(accepted)} (DELETE) until none runs", f"{cancel_s:.1f} s",
                 ", ".join(f"{n} {status}" for status, n in sorted(ends.items()))))
    client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100, help="search jobs after the warm-up one (default 100)")
    parser.add_argument("--quiet-jobs", type=int, default=20,
                        help="of those, run first with no pollers: jobs per minute and RSS (default 20)")
    parser.add_argument("--pollers", type=int, default=50, help="concurrent GET /api/jobs/<id> clients (default 50)")
    parser.add_argument("--poll-seconds", type=float, default=20, help="how long they poll (default 20)")
    parser.add_argument("--poll-interval", type=float, default=0.5,
                        help="each poller's pause between calls, 0 = back to back (default 0.5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server log, runs)")
    args = parser.parse_args()
    if not 1 <= args.quiet_jobs < args.jobs:  # the rest are the ones polled
        parser.error("--quiet-jobs must be from 1 to --jobs - 1")
    if args.pollers < 1 or args.poll_seconds <= 0 or args.poll_interval < 0:
        parser.error("--pollers ≥ 1, --poll-seconds > 0 and --poll-interval ≥ 0")

    machine = _machine()
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    server = Server(work=work)
    started = time.perf_counter()
    try:
        _bench(args, server=server, rows=rows, problems=problems)
    except BenchError as exc:
        problems.insert(0, str(exc))
    except KeyboardInterrupt:
        problems.insert(0, "interrupted")
    finally:
        server.stop()
        complaints = server.complaints()  # after the stop, so its own complaints count too
        if not args.keep and not problems:
            import shutil

            shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {machine}")
    print(f"server: flask run (werkzeug, threaded) as a subprocess; TRENDTOK_JOB_THREADS "
          f"{DEFAULTS['TRENDTOK_JOB_THREADS']}, TRENDTOK_QUEUE_SIZE {DEFAULTS['TRENDTOK_QUEUE_SIZE']}; "
          f"bench took {time.perf_counter() - started:.0f} s")
    if rows:
        print_table(("measure", "result", "note"), rows, right=(1,))
    if complaints:
        print(f"\nthe server log's warnings and errors ({work / 'server.log'}"
              f"{'' if args.keep or problems else ', removed'}):")
        for line in complaints[:15]:
            print(f"  {line}")
    if problems:
        print(f"\nbench_jobs FAILED (temporary folder kept: {work}):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
