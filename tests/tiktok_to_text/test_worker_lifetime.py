"""Text-stage worker processes end with the process that started them, even one killed with
SIGKILL (issue 19: a crash leaves nothing behind). Real processes throughout: a parent Python
that owns a pool, and a real ``flask run`` server killed in the middle of a search's text stage."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.servers import StudioProcesses, until
from tiktok_to_text import _lifetime

pytestmark = pytest.mark.slow  # real parent and worker processes, killed

ROOT = Path(__file__).resolve().parents[2]
GONE_WITHIN_S = 10.0
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def _live_in_session(sid: int) -> dict[int, str]:
    """pid -> command line of every process of session ``sid`` that has not exited (a zombie has:
    it only waits to be reaped by whoever adopted it)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            if os.getsid(pid) != sid:
                continue
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                continue
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):  # gone meanwhile
            continue
    return found


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _rss_mb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _kill_and_time_the_end(process: subprocess.Popen, sid: int, before: dict[int, str]) -> float:
    """SIGKILL ``process`` alone; seconds until nothing of its session (nor any of ``before``) is left."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    killed = time.monotonic()
    left: dict[int, str] = {}

    def nothing_left() -> bool:
        nonlocal left
        left = {**_live_in_session(sid), **{pid: cmd for pid, cmd in before.items() if _alive(pid)}}
        return not left

    try:
        until(nothing_left, GONE_WITHIN_S, "the killed parent's processes to end")
    except AssertionError:
        raise AssertionError(f"still running {GONE_WITHIN_S} s after the SIGKILL: {left}") from None
    return time.monotonic() - killed


def _kill_session(sid: int) -> None:
    """Cleanup: whatever is left of the session's process group (its leader's pid is the sid)."""
    try:
        os.killpg(sid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# -- the watchdog itself ---------------------------------------------------------------------------

def test_the_watchdog_sees_eof_or_a_new_parent_and_nothing_else(monkeypatch):
    monkeypatch.setattr(_lifetime, "CHECK_S", 0.05)
    read, write = os.pipe()
    try:
        end = _lifetime._ChildEnd(read, os.getppid())  # this test process plays the worker
        assert not _lifetime._parent_gone(end)  # the pipe open and the parent its parent: it waits on
        assert _lifetime._parent_gone(_lifetime._ChildEnd(read, os.getppid() + 1))  # re-parented
        os.close(write)
        write = None
        assert _lifetime._parent_gone(end)  # the write end closed: EOF
    finally:
        os.close(read)
        if write is not None:
            os.close(write)


def test_a_lifeline_is_dropped_by_a_forked_child_and_closed_once():
    lifeline = _lifetime.Lifeline()
    child = os.fork()
    if child == 0:  # a forked child must not keep the workers' parent "alive" through the pipe
        try:
            os.fstat(lifeline._write)
            os._exit(1)
        except OSError:
            os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    os.fstat(lifeline._write)  # still open here
    lifeline.close()
    lifeline.close()
    assert lifeline.closed
    with pytest.raises(ValueError):
        lifeline.child_end()


# -- a parent Python that owns a pool, killed ------------------------------------------------------

_POOL_PARENT = r"""
import json, os, threading, time
from tiktok_to_text._lifetime import process_pool

pool = process_pool(2)
first = []
# Both workers are spawned from a thread that then ends: the workers must outlive it.
spawner = threading.Thread(target=lambda: first.extend(f.result() for f in [pool.submit(os.getpid) for _ in range(2)]))
spawner.start()
spawner.join()
time.sleep(2 * %(check)r)
later = [pool.submit(os.getpid).result() for _ in range(6)]
print(json.dumps({"workers": sorted(pool._processes), "first": first, "later": later}), flush=True)
time.sleep(600)
"""

_EXTRACTOR_PARENT = r"""
import json, os, sys, time
from tiktok_to_text import TextExtractor

extractor = TextExtractor(transcriber="sphinx", workers=2, pool="process")
text, _ = extractor(sys.argv[1:])
print(json.dumps({"workers": sorted(extractor._executor._processes), "captions": [c.text for c in text.captions]}),
      flush=True)
time.sleep(600)
"""


def _start_parent(script: str, *args: str) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = process.stdout.readline()
    if not line:
        process.wait(30)
        raise AssertionError(f"the parent exited ({process.returncode}) before its pool answered")
    return process, json.loads(line)


def test_workers_outlive_the_thread_that_spawned_them_and_end_with_a_killed_parent():
    process, told = _start_parent(_POOL_PARENT % {"check": _lifetime.CHECK_S})
    try:
        workers = set(told["workers"])
        assert len(workers) == 2 and set(told["first"]) <= workers
        assert set(told["later"]) <= workers  # the same workers, alive after their spawning thread ended
        before = _live_in_session(process.pid)
        assert workers <= set(before)
        assert any("resource_tracker" in cmd for cmd in before.values())  # it must go too
        took = _kill_and_time_the_end(process, process.pid, before)
        print(f"{len(before)} processes (parent, {len(workers)} workers, resource tracker); "
              f"all gone {took:.3f} s after the SIGKILL")
    finally:
        _kill_session(process.pid)
        if process.poll() is None:
            process.wait(10)


def test_an_idle_extractors_loaded_workers_end_with_a_killed_parent(caption_video, tmp_path):
    tone = tmp_path / "tone.wav"  # a second file, so that both workers are spawned and load their models
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", "1",
                    str(tone)], check=True)
    process, told = _start_parent(_EXTRACTOR_PARENT, str(caption_video), str(tone))
    try:
        assert "BANANA BREAD" in " ".join(told["captions"]).upper()  # real workers, models loaded, done
        before = _live_in_session(process.pid)
        assert len(told["workers"]) == 2 and set(told["workers"]) <= set(before)
        took = _kill_and_time_the_end(process, process.pid, before)
        print(f"{len(before)} processes; all gone {took:.3f} s after the SIGKILL")
    finally:
        _kill_session(process.pid)
        if process.poll() is None:
            process.wait(10)


# -- a real server killed mid-search ----------------------------------------------------------------

def _workers_of(pid: int) -> dict[int, str]:
    """The multiprocessing children (spawned workers, resource tracker) of process ``pid``."""
    return {child: cmd for child, cmd in _live_in_session(os.getsid(pid)).items()
            if _parent_of(child) == pid and "multiprocessing" in cmd}


def test_a_killed_server_leaves_no_process_behind(tmp_path):
    studio = StudioProcesses(tmp_path, TRENDTOK_POOL="process", TRENDTOK_WORKERS="2")
    server = studio.server()
    sid = server.pid  # start_new_session: the server leads its own session and group
    events: list[dict] = []

    def read_events() -> None:
        import urllib.request

        request = urllib.request.Request(server.url + "/search", method="POST",
                                         data=json.dumps({"tags": ["Foodie"], "duration": 5}).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Accept": "application/x-ndjson"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                for line in response:
                    events.append(json.loads(line))
        except (OSError, ValueError):  # the server is killed under it
            pass

    reader = threading.Thread(target=read_events, daemon=True)
    try:
        reader.start()
        # The pool spawns its workers as the text stage submits the videos; once one video is read,
        # they have loaded their models (and the others are being read, ffmpeg and all).
        until(lambda: any(e.get("stage") == "text" and e["done"] >= 1 for e in events), 240,
              "the search's text stage to read a video")
        until(lambda: sum("spawn_main" in cmd for cmd in _workers_of(server.pid).values()) == 2, 60,
              "the server's two text-stage worker processes")
        before = _live_in_session(sid)
        children = _workers_of(server.pid)
        rss_mb = {pid: _rss_mb(pid) for pid in before}
        assert not any(e.get("event") == "error" for e in events), events
        print(f"killed at {events[-1]}")
        took = _kill_and_time_the_end(server.process, sid, before)
        print(f"{len(before)} processes before the kill ({len(children)} multiprocessing children: "
              f"{sorted(cmd.split(' -c ')[-1][:40] for cmd in children.values())}; RSS MB {rss_mb}); "
              f"all gone {took:.3f} s after the SIGKILL")
        log = server.log.read_text(errors="replace")
        assert "is gone; exiting" in log, log[-3000:]  # the watchdogs ended them, nothing else
    finally:
        _kill_session(sid)
        server.kill_group()
        reader.join(10)
