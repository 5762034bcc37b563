"""web.slots: one bounded count per key, taken without waiting, each slot given back once."""
from __future__ import annotations

import threading

import pytest
from flask import Flask

from web.slots import Slots, slots_of


def test_each_key_has_its_own_count_and_none_is_left_behind():
    slots = Slots(2)
    assert slots.try_take("a") and slots.try_take("a") and not slots.try_take("a")
    assert slots.try_take("b") and slots.running == 3 and slots.held("a") == 2
    slots.give_back("a")
    assert slots.try_take("a") and not slots.try_take("a")
    for key in ("a", "a", "b"):
        slots.give_back(key)
    assert slots.running == 0 and slots._held == {}
    with pytest.raises(ValueError):
        slots.give_back("a")


def test_a_slot_is_given_back_once_however_often_it_is_released():
    slots = Slots(1)
    slot = slots.take("owner")
    assert slot is not None and slots.take("owner") is None
    for _ in range(3):
        slot.release()
    assert slots.running == 0 and slots.take("owner") is not None


def test_racing_takers_never_pass_the_limit():
    slots = Slots(3)
    taken = []
    threads = [threading.Thread(target=lambda: taken.append(slots.try_take())) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 3 and slots.running == 3


def test_an_apps_slots_are_made_once():
    app = Flask(__name__)
    first = slots_of(app, "work", limit=2)
    assert slots_of(app, "work", limit=5) is first and first.limit == 2
    assert app.extensions["work"] is first
