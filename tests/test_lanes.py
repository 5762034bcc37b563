"""The test lanes: pytest.ini's ``browser``, ``redis`` and ``slow`` markers, and ``make test-fast``
that leaves all three out. A test that takes the browser or the Redis fixture is in that lane by
the fixture alone (tests/conftest.py's collection hook), directly or through another fixture, so
a new one cannot land in the fast lane by forgetting a marker."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

from tests.conftest import LANE_OF_FIXTURE

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
LANES = {"browser", "redis", "slow"}


def _ini() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "pytest.ini")
    return parser["pytest"]


def _markers(ini) -> set[str]:
    return {line.split(":")[0].strip() for line in ini["markers"].strip().splitlines()}


def test_every_test_here_that_takes_a_lane_fixture_carries_its_marker(request):
    """Over what this run collected (the whole suite under ``make test``)."""
    unmarked = [f"{item.nodeid} takes {fixture} but is not marked {lane}"
                for item in request.session.items for fixture, lane in LANE_OF_FIXTURE.items()
                if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(lane) is None]
    assert unmarked == []


def test_the_lanes_are_registered_strictly_and_the_fast_lane_leaves_each_out():
    ini = _ini()
    assert _markers(ini) == LANES and set(LANE_OF_FIXTURE.values()) <= LANES
    assert "--strict-markers" in ini["addopts"].split()
    assert ini["pythonpath"].strip() == "."  # the checkout imports without a sys.path edit in a conftest
    makefile = (ROOT / "Makefile").read_text()
    fast = re.search(r"^test-fast:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert fast, "the Makefile has no test-fast target"
    assert set(re.findall(r"not (\w+)", fast.group(1))) == LANES
    assert re.search(r"^\.PHONY:.*\btest-fast\b", makefile, re.M)


CONFTEST = f'''
import importlib.util

import pytest

spec = importlib.util.spec_from_file_location("studio_conftest", {str(TESTS / "conftest.py")!r})
studio = importlib.util.module_from_spec(spec)
spec.loader.exec_module(studio)
pytest_collection_modifyitems = studio.pytest_collection_modifyitems


@pytest.fixture
def browser():
    return "a browser"


@pytest.fixture
def redis_server():
    return "redis://127.0.0.1:1"


@pytest.fixture
def page(browser):
    return browser
'''

TESTS_PY = '''
def test_plain():
    pass


def test_the_page(browser):
    pass


def test_through_another_fixture(page):
    pass


def test_the_queue(redis_server):
    pass
'''


def _selected(pytester, expression: str) -> set[str]:
    result = pytester.runpytest("--collect-only", "-q", "-m", expression)
    return {line.split("::")[1] for line in result.outlines if "::" in line}


def test_taking_the_fixture_puts_a_test_in_its_lane_before_m_selects(pytester):
    """The real hook and the real markers (--strict-markers), on fixtures of the same names."""
    ini = _ini()
    markers = "".join(f"\n    {line}" for line in ini["markers"].strip().splitlines())
    pytester.makeini(f"[pytest]\naddopts = --strict-markers\nmarkers ={markers}\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_lanes_here=TESTS_PY)
    assert _selected(pytester, "not browser and not redis and not slow") == {"test_plain"}
    assert _selected(pytester, "browser") == {"test_the_page", "test_through_another_fixture"}
    assert _selected(pytester, "redis") == {"test_the_queue"}
