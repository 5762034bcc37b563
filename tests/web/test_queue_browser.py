"""The studio page in real Chromium says where a waiting search stands ("Next in line", then with an
eta once searches have finished), and the page's ordinal words, from jobs.js itself."""
from __future__ import annotations

import re
import threading

import pytest

from tests.conftest import own_studio


class _Held:
    """The studio's job handler for this module: each job waits until ``release()``, then succeeds."""

    def __init__(self):
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)

    def handler(self, job, context):
        self.started.release()
        assert self.gate.wait(60)
        return {}

    def release(self):
        self.gate.set()

    def hold(self):
        self.gate.clear()


@pytest.fixture(scope="module")
def held():
    held = _Held()
    yield held
    held.release()


@pytest.fixture(scope="module")
def app(tmp_path_factory, models, held):
    with own_studio(tmp_path_factory.mktemp("queue-page"), models, TRENDTOK_BROKER_URL=None,
                    TRENDTOK_JOB_THREADS=1) as studio:
        jobs = studio.extensions["jobs"]
        jobs.runner.handlers = {kind: held.handler for kind in jobs.runner.handlers}
        yield studio
        held.release()


def _search_from_the_page(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    browser.find_element(By.ID, "tags").send_keys("Foodie")
    browser.find_element(By.ID, "go").click()
    return browser.find_element(By.ID, "queue-line")


def _idle(jobs) -> bool:
    """No job of the studio's is queued or running."""
    return not jobs.store.database.read().execute(
        "SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')").fetchone()[0]


def _line(line):
    return line.text if line.is_displayed() else ""


def test_a_search_waiting_behind_another_shows_its_place_then_its_eta(app, browser, base_url, held):
    from selenium.webdriver.support.ui import WebDriverWait

    jobs = app.extensions["jobs"]
    held.hold()
    ahead, _ = jobs.submit("search", {"tags": ["Foodie"]}, owner="someone-else")
    assert held.started.acquire(timeout=30)
    line = _search_from_the_page(browser, base_url)
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: _line(line) == "Next in line")
    held.release()  # both searches run and end: the page leaves the queue behind
    assert jobs.wait(ahead.id, timeout=20).status.finished
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: "/runs/" in d.current_url or not _line(line))
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: _idle(jobs))
    while held.started.acquire(blocking=False):  # the page's own search started too
        pass

    # Searches have finished now: one waiting says about how long too.
    held.hold()
    ahead, _ = jobs.submit("search", {"tags": ["Foodie"]}, owner="someone-else")
    assert held.started.acquire(timeout=30)
    line = _search_from_the_page(browser, base_url)
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: _line(line).startswith("Next in line, about"))
    assert re.fullmatch(r"Next in line, about \d+ s", _line(line))
    held.release()
    # Both end; the page then goes to its run: let it, so no navigation is left in flight for the next test.
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: "/runs/" in d.current_url or not _line(line))
    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: _idle(jobs))


def test_the_page_says_places_in_ordinal_words(browser, base_url):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/")
    WebDriverWait(browser, 20, poll_frequency=0.1).until(
        lambda d: d.current_url.rstrip("/") == base_url and d.execute_script("return !!window.trendtokJobs"))
    words = browser.execute_script(
        "const j = window.trendtokJobs;"
        "return [[1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112, 113, 1002].map(j.ordinal),"
        " j.queueText(3, 40), j.queueText(1, null), j.queueText(12, 400), j.queueText(2, 0.2), j.queueText(null, 9)];")
    assert words == [["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
                      "111th", "112th", "113th", "1002nd"],
                     "3rd in line, about 40 s", "Next in line", "12th in line, about 7 min",
                     "2nd in line, about 1 s", ""]
