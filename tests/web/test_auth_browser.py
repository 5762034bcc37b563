"""Signing in to an exposed studio (TRENDTOK_REQUIRE_KEY=1) in Debian's Chromium: a stranger lands on
the sign-in page, a wrong key is told so, the right one opens the page it asked for, the pages work
under the Content-Security-Policy, and signing out closes them again."""
from __future__ import annotations

import threading

import pytest

from tests.conftest import create_key, own_studio
from tests.web.conftest import csp_violations


@pytest.fixture(scope="module")
def exposed_url(tmp_path_factory, models):
    from werkzeug.serving import make_server

    with own_studio(tmp_path_factory.mktemp("exposed-browser"), models, TRENDTOK_REQUIRE_KEY=True) as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", create_key(app, "browser")
        finally:
            server.shutdown()


def test_sign_in_opens_the_studio_and_sign_out_closes_it(browser, exposed_url, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, key = exposed_url
    browser.delete_all_cookies()
    browser.get(url + "/lake")
    WebDriverWait(browser, 10).until(lambda d: "/signin" in d.current_url)
    browser.find_element(By.ID, "key").send_keys("tt_wrong")
    browser.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    error = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "signin-error"))[0]
    assert "not an active API key" in error.text

    browser.find_element(By.ID, "key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == url + "/lake")
    assert browser.find_element(By.ID, "sql")
    screenshot("signed-in-lake.png")
    for path, ready in (("/", "search-form"), ("/sounds", "trending-form"), ("/lake", "lake-form")):
        browser.get(url + path)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, ready))
        # The page's own script ran under the policy: it read the session's CSRF token from the page.
        assert browser.execute_script("return document.querySelector('meta[name=csrf-token]').content")
        assert csp_violations(browser) == [], path

    # The recorder sees what the policy blocks: an inline script added to the page is refused.
    browser.execute_script("const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                           "document.body.append(s);")
    blocked = WebDriverWait(browser, 10).until(lambda d: csp_violations(d))
    assert "script-src" in blocked[0] and not browser.execute_script("return window.ran")

    browser.find_element(By.CSS_SELECTOR, ".signout button").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/signin"))
    browser.get(url + "/sounds")
    WebDriverWait(browser, 10).until(lambda d: "/signin?next=/sounds" in d.current_url)
