"""Worker processes that die with the process that started them.

A ``concurrent.futures.ProcessPoolExecutor`` worker waits on its call queue, but every
worker holds that queue's write end too, so a parent killed by ``kill -9`` (or the OOM
killer) never closes it: the workers, each with its models loaded, would wait forever.

``process_pool`` gives each worker a watchdog thread, started by the pool's initializer
before the real one runs, that ends the worker (``os._exit``) as soon as either

* a lifeline pipe reaches EOF: the parent alone holds its write end, so the kernel
  closes it the moment the parent dies, however it dies; or
* ``os.getppid()`` is no longer the parent that spawned the worker (checked every
  ``CHECK_S`` seconds): the fallback if some forked process kept the write end open.

``prctl(PR_SET_PDEATHSIG)`` is not used: it fires when the *thread* that spawned the
child ends, and the pool spawns workers from whichever thread submits (a request or a
warm-up thread that is soon gone), which would kill healthy workers.

multiprocessing's ``resource_tracker`` (started for the pool's semaphores) needs nothing:
it exits when the last holder of its pipe (the parent and each worker) is gone.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import select
import threading
import time
import weakref
from multiprocessing import reduction
from typing import Any, Callable

#: How often (seconds) a worker also checks that its parent is still its parent.
CHECK_S = 1.0
#: A worker's exit status when its parent is gone (EX_SOFTWARE).
ORPHAN_EXIT = 70


class Lifeline:
    """A pipe whose write end only this (parent) process holds; workers watch its read end."""

    def __init__(self) -> None:
        self.parent_pid = os.getpid()
        self._read, self._write = os.pipe()  # both close-on-exec: no subprocess inherits them
        self._lock = threading.Lock()
        self.closed = False
        _open_lifelines.add(self)

    def child_end(self) -> "_ChildEnd":
        """What a spawned worker gets (as an initializer argument) to watch its parent by."""
        if self.closed:
            raise ValueError("the lifeline is closed")
        return _ChildEnd(self._read, self.parent_pid)

    def close(self) -> None:
        """Close both ends: any worker still running then ends, as if the parent had died."""
        with self._lock:
            if self.closed:
                return
            self._close_fds()
        _open_lifelines.discard(self)

    def _forget_in_fork(self) -> None:
        # A child forked (not spawned) from the parent must not keep the workers' parent alive
        # in their eyes: it drops the write end (its copy of the fds) straight after the fork.
        self._lock = threading.Lock()  # another thread may have held it at the fork
        self._close_fds()

    def _close_fds(self) -> None:
        self.closed = True
        for fd in (self._write, self._read):
            try:
                os.close(fd)
            except OSError:
                pass


_open_lifelines: "weakref.WeakSet[Lifeline]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for lifeline in list(_open_lifelines):
        lifeline._forget_in_fork()
    _open_lifelines.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _ChildEnd:
    """The read end and the parent's pid, as pickled into a spawned worker.

    Pickled while multiprocessing spawns the worker, ``reduction.DupFd`` hands the fd to
    that child (as the resource tracker's fd is handed over); in the child it is the fd.
    """

    def __init__(self, fd: int, parent_pid: int) -> None:
        self.fd, self.parent_pid = fd, parent_pid

    def __reduce__(self):
        return _rebuild_child_end, (reduction.DupFd(self.fd), self.parent_pid)


def _rebuild_child_end(dup, parent_pid: int) -> _ChildEnd:
    return _ChildEnd(dup.detach(), parent_pid)


def _parent_gone(end: _ChildEnd) -> bool:
    """Whether the parent is gone, waiting up to ``CHECK_S`` seconds for its pipe to say so."""
    if os.getppid() != end.parent_pid:  # re-parented (to init or a subreaper): the parent died
        return True
    try:
        ready, _, _ = select.select([end.fd], [], [], CHECK_S)
        # The parent never writes: a readable pipe is one at EOF, its write end closed.
        return bool(ready) and os.read(end.fd, 1) == b""
    except (OSError, ValueError):  # an unusable fd cannot vouch either way: getppid alone decides
        time.sleep(CHECK_S)
        return False


def _watch(end: _ChildEnd) -> None:
    while not _parent_gone(end):
        pass
    try:
        os.write(2, f"tiktok_to_text worker {os.getpid()}: its parent (pid {end.parent_pid}) is gone; "
                    f"exiting\n".encode())
    except OSError:  # the parent's log may be a pipe nobody reads any more
        pass
    os._exit(ORPHAN_EXIT)


def start_watchdog(end: _ChildEnd) -> threading.Thread:
    """In a worker: a daemon thread that ends this process when its parent is gone."""
    try:
        os.set_inheritable(end.fd, False)  # the worker's own subprocesses (ffmpeg) need not hold it
    except OSError:
        pass
    watchdog = threading.Thread(target=_watch, args=(end,), name="parent-watchdog", daemon=True)
    watchdog.start()
    return watchdog


def _init_worker(end: _ChildEnd, initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    start_watchdog(end)  # first: a parent that dies while the models load is noticed too
    if initializer is not None:
        initializer(*initargs)


class ChildPool(cf.ProcessPoolExecutor):
    """A spawn-context ProcessPoolExecutor whose workers end when this process ends.

    ``shutdown(wait=True)`` closes the lifeline once the workers are done; after
    ``shutdown(wait=False)`` it is closed when the pool is garbage collected, so workers
    still finishing their tasks are not cut short.
    """

    def __init__(self, max_workers: int, *, initializer: Callable[..., Any] | None = None,
                 initargs: tuple = ()) -> None:
        self.lifeline = Lifeline()
        super().__init__(max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"),
                         initializer=_init_worker, initargs=(self.lifeline.child_end(), initializer, initargs))
        weakref.finalize(self, self.lifeline.close)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            self.lifeline.close()


def process_pool(max_workers: int, *, initializer: Callable[..., Any] | None = None,
                 initargs: tuple = ()) -> ChildPool:
    """A pool of ``max_workers`` spawned processes that die with this one (see the module)."""
    return ChildPool(max_workers, initializer=initializer, initargs=initargs)
