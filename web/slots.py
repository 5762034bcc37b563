"""Bounded counts of work in flight, per app and per process: the lake's queries (one count for the
app) and each caller's event streams (one count per caller). Taking a slot never waits; a caller
refused one is told to come back (429 with Retry-After, said by whoever asked)."""
from __future__ import annotations

import threading
from typing import Hashable

from flask import Flask

#: Guards making an app's ``Slots`` on first use.
_MAKING = threading.Lock()


class Slots:
    """At most ``limit`` slots held at once for each key (``None``: one count for everyone)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._held: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    @property
    def running(self) -> int:
        """How many slots are held, over every key."""
        with self._lock:
            return sum(self._held.values())

    def held(self, key: Hashable = None) -> int:
        with self._lock:
            return self._held.get(key, 0)

    def try_take(self, key: Hashable = None) -> bool:
        """Take one of ``key``'s slots if one is free (``True``); ``False`` at once if all are held."""
        with self._lock:
            held = self._held.get(key, 0)
            if held >= self.limit:
                return False
            self._held[key] = held + 1
            return True

    def give_back(self, key: Hashable = None) -> None:
        """Give back one of ``key``'s slots; ``ValueError`` for a slot nobody took."""
        with self._lock:
            held = self._held.get(key, 0)
            if not held:
                raise ValueError(f"no slot of {key!r} is held")
            if held > 1:
                self._held[key] = held - 1
            else:
                del self._held[key]  # no entry left behind for every caller that ever held one

    def take(self, key: Hashable = None) -> "Slot | None":
        """One of ``key``'s slots as a ``Slot`` to give back, or ``None`` when all are held."""
        return Slot(self, key) if self.try_take(key) else None


class Slot:
    """One taken slot, given back once however often ``release`` is called (a stream's end, its
    reader going, and the response's close may each call it)."""

    def __init__(self, slots: Slots, key: Hashable):
        self._slots, self._key = slots, key
        self._lock = threading.Lock()
        self._held = True

    def release(self) -> None:
        with self._lock:
            held, self._held = self._held, False
        if held:
            self._slots.give_back(self._key)


def slots_of(app: Flask, name: str, *, limit: int) -> Slots:
    """The app's ``Slots`` called ``name`` (``app.extensions[name]``), made with ``limit`` on first use."""
    slots = app.extensions.get(name)
    if slots is None:
        with _MAKING:
            slots = app.extensions.get(name)
            if slots is None:
                slots = app.extensions[name] = Slots(limit)
    return slots
