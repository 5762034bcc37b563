"""The end of a test run on a machine without Chromium or redis-server: one line naming how many
tests of each group were skipped for it and the one command that installs what they need
(tests/conftest.py's pytest_terminal_summary), and no such line where nothing was skipped for that.

Each case is a small pytest run of its own (pytester, in a subprocess) whose conftest takes the
real hook and the real skipping fixtures from tests/conftest.py and tests/web/conftest.py, on a
PATH that holds neither chromium, chromedriver nor redis-server: the skips' reasons are the real
ones, so a reworded reason that the summary no longer counts fails here."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each case is a pytest run in a subprocess

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent

CONFTEST = f'''
import importlib.util


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


studio = _load("studio_conftest", {str(TESTS / "conftest.py")!r})
web = _load("studio_web_conftest", {str(TESTS / "web" / "conftest.py")!r})
pytest_terminal_summary = studio.pytest_terminal_summary
redis_server = studio.redis_server
pytest_collection_modifyitems = web.pytest_collection_modifyitems
browser, downloads = web.browser, web.downloads
'''

BROWSER_TESTS = """
def test_the_page(browser):
    raise AssertionError("runs only with Chromium")


def test_another_page(browser):
    raise AssertionError("runs only with Chromium")
"""

REDIS_TESTS = """
def test_the_queue(redis_server):
    raise AssertionError("runs only with redis-server")
"""

OTHER_TESTS = """
import pytest


def test_plain():
    pass


def test_skipped_for_another_reason():
    pytest.skip("../shared/data is absent (a fresh clone): shared-data test skipped")
"""


@pytest.fixture
def bare_machine(pytester, monkeypatch, tmp_path):
    """A pytester folder with the conftest above, on a PATH with none of the tools."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    pytester.makeconftest(CONFTEST)
    return pytester


def _summary_lines(result):
    return [line for line in result.outlines if line.startswith("skipped: ")]


def test_the_end_names_each_skipped_group_and_the_one_install_command(bare_machine):
    bare_machine.makepyfile(test_pages=BROWSER_TESTS, test_queue=REDIS_TESTS, test_other=OTHER_TESTS)
    result = bare_machine.runpytest_subprocess("-ra", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=4)
    assert _summary_lines(result) == [
        "skipped: 2 browser tests (no chromium/chromedriver), 1 Redis test (no redis-server)"
        " — install with: apt-get install -y chromium chromium-driver redis-server"], result.outlines
    # At the end: after the short summary of skips, just before the final counts.
    at = result.outlines.index(_summary_lines(result)[0])
    assert "short test summary info" in "\n".join(result.outlines[:at])
    assert "passed" in result.outlines[at + 1] and at + 2 == len(result.outlines), result.outlines[at:]


def test_only_the_groups_skipped_are_named(bare_machine):
    bare_machine.makepyfile(test_queue=REDIS_TESTS, test_other=OTHER_TESTS)
    result = bare_machine.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=2)
    assert _summary_lines(result) == [
        "skipped: 1 Redis test (no redis-server) — install with: apt-get install -y redis-server"], result.outlines


def test_silent_when_nothing_was_skipped_for_a_missing_tool(bare_machine):
    bare_machine.makepyfile(test_other=OTHER_TESTS)
    result = bare_machine.runpytest_subprocess("-ra", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)
    assert not _summary_lines(result) and "install with" not in result.stdout.str(), result.outlines
