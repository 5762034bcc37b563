"""Fixtures for the pages in a real browser (Debian's Chromium, driven by Selenium through
chromedriver), shared by every browser test file here: the session's studio served on loopback,
one headless Chromium per module, a downloads folder, and screenshots on request.

A test that takes ``browser`` is skipped where Chromium is not installed (.ci/run installs it
from Debian's packages). Set ``TRENDTOK_SCREENSHOTS`` to a folder to keep the screenshots."""
from __future__ import annotations

import os
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
#: The browser tests' skip reason; tests/conftest.py's summary counts the skips that give it.
NO_CHROMIUM = "no chromium/chromedriver on PATH (apt-get install -y chromium chromium-driver)"


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests up front where there is no Chromium, before their studio starts."""
    if CHROMIUM and CHROMEDRIVER:
        return
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="module")
def base_url(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(NO_CHROMIUM)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Audio and video may play without a click first: the tests start players from script too.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,2000", "--autoplay-policy=no-user-gesture-required",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    # Every page records what its Content-Security-Policy blocked (a script added this way is not
    # subject to the policy), in this tab's sessionStorage so a navigation keeps the record.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_RECORDER})
    yield driver
    driver.quit()


CSP_RECORDER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const seen = JSON.parse(sessionStorage.getItem("cspViolations") || "[]");
  seen.push(`${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
  sessionStorage.setItem("cspViolations", JSON.stringify(seen));
});
"""


def csp_violations(driver) -> list[str]:
    """What the policy blocked on this tab's pages of the current origin since the last call (then forgotten)."""
    try:
        return driver.execute_script(
            "const v = JSON.parse(sessionStorage.getItem('cspViolations') || '[]');"
            "sessionStorage.removeItem('cspViolations'); return v;")
    except Exception:  # a page with no storage (about:blank, a download)
        return []


@pytest.fixture(autouse=True)
def _pages_keep_their_policy(request):
    """A browser test fails when any page it opened had something blocked by the CSP."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    csp_violations(driver)
    yield
    assert csp_violations(driver) == [], "the Content-Security-Policy blocked part of a page"


@pytest.fixture
def screenshot(browser):
    """``screenshot("name.png")``: the browser's window saved to ``$TRENDTOK_SCREENSHOTS`` when set."""
    def shoot(name: str) -> None:
        folder = os.environ.get("TRENDTOK_SCREENSHOTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            browser.save_screenshot(os.path.join(folder, name))

    return shoot
