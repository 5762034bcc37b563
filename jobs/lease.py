"""A runner's lease on its jobs: who it is (host, pid, a token made at start) and a heartbeat.

A process that runs jobs registers one lease in the store and refreshes it every ``interval_s``
seconds; each job it queued or started carries the lease's token (``jobs.runner``). A lease
silent for ``STALE_BEATS`` intervals belongs to a process that died (``kill -9``, an OOM kill, a
lost machine): only then may a process that serves jobs fail its running jobs (``interrupted``)
and take its queued ones. Two servers on one ``TRENDTOK_DB`` therefore never settle each other's
live jobs, and a CLI command, which never serves, settles nobody's.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from typing import Callable

from .store import JobStore

log = logging.getLogger(__name__)

#: Beats a lease may miss before its process counts as dead.
STALE_BEATS = 3


class Lease:
    """This process's lease in ``store``; ``start`` registers it and begins the heartbeat.

    ``on_beat`` runs after each beat on the heartbeat thread (a serving process settles dead
    runners' jobs there); what it raises is logged and the beats go on.
    """

    def __init__(self, store: JobStore, *, interval_s: float = 5.0):
        if not interval_s > 0:
            raise ValueError("interval_s: more than 0 seconds")
        self.store = store
        self.interval_s = float(interval_s)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.token = f"{self.host}:{self.pid}:{secrets.token_hex(6)}"
        self.on_beat: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def stale_after_s(self) -> float:
        return STALE_BEATS * self.interval_s

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Register the lease and start beating (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self.store.register_runner(self.token, host=self.host, pid=self.pid)
            self._thread = threading.Thread(target=self._beat, name="job-lease", daemon=True)
            self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.store.beat(self.token)
                if self.on_beat is not None:
                    self.on_beat()
            except Exception:  # a locked database: the next beat tries again, well inside the stale time
                log.exception("job lease %s: heartbeat failed", self.token)

    def close(self) -> None:
        """Stop beating and give the lease up: jobs still queued here are the next server's at once."""
        with self._lock:
            if self._thread is None:
                return
            self._stop.set()
            self._thread.join(self.interval_s + 1)
            self._thread = None
        try:
            self.store.release_runner(self.token)
        except Exception:
            log.exception("job lease %s: could not release it", self.token)
