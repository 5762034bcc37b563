"""The licence badge in a real browser (conftest.py's headless Chromium on a live studio): every
trending row on the sounds page, a similar track drawn by sounds.js, and a real run's soundtrack
show their kind, the note as the badge's title (hover), and the note as text after a tap, hidden
again by a second tap (a phone has no hover)."""
from __future__ import annotations

from pathlib import Path

import pytest

import licences

TRACK = Path("music") / "Kevin_MacLeod_-_Vibe_Ace.ogg"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture
def real_lake(app, tmp_path, monkeypatch, exports):
    """The page's lake for this test: the demo (seeded on the first view) and the real Apify export."""
    from trend_lake import Lake

    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    monkeypatch.setitem(app.config, "TRENDTOK_CACHE_DIR", str(tmp_path / "cache"))
    Lake(tmp_path / "lake").ingest(exports / "apify_trending.csv", profile="apify")


def _badges(scope):
    from selenium.webdriver.common.by import By

    return scope.find_elements(By.CSS_SELECTOR, ".licence")


def _tap_shows_then_hides_the_note(browser, box):
    """The badge in ``box`` (a ``.licence``) says its kind, has the kind's note as its title, and a
    tap shows that note as text; a second tap hides it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    kind = box.get_attribute("data-kind")
    badge, note = box.find_element(By.CSS_SELECTOR, "button.licence-badge"), box.find_element(By.CSS_SELECTOR,
                                                                                            ".licence-note")
    assert badge.is_displayed() and badge.text == kind and badge.get_attribute("title") == licences.NOTES[kind]
    assert not note.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", badge)
    badge.click()
    WebDriverWait(browser, 10).until(lambda d: note.is_displayed())
    assert note.text == licences.NOTES[kind] and badge.get_attribute("aria-expanded") == "true"
    badge.click()
    WebDriverWait(browser, 10).until(lambda d: not note.is_displayed())
    return kind


def test_trending_rows_and_a_similar_track_show_their_licence(browser, base_url, real_lake, shared_data):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/sounds?tags=fyp&limit=40")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trending-list li.sound"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#trending-list li.sound")
    assert all(len(_badges(row)) == 1 for row in rows)
    kinds = {box.get_attribute("data-kind") for box in _badges(browser.find_element(By.ID, "trending-list"))}
    assert {"original", "commercial"} <= kinds, kinds  # the real export has both
    tapped = set()
    for row in rows:  # one row of each kind is enough to tap
        box = _badges(row)[0]
        if box.get_attribute("data-kind") not in tapped:
            tapped.add(_tap_shows_then_hides_the_note(browser, box))

    # A similar track, drawn by sounds.js from the job's JSON, gets the same badge.
    browser.find_element(By.ID, "similar-file").send_keys(str(shared_data / TRACK))
    button = browser.find_element(By.ID, "similar-go")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    result, error = browser.find_element(By.ID, "similar-result"), browser.find_element(By.ID, "similar-error")
    WebDriverWait(browser, 300).until(lambda d: result.is_displayed() or error.is_displayed())
    assert not error.is_displayed(), error.text
    track = result.find_element(By.CSS_SELECTOR, "li.sound")
    assert _tap_shows_then_hides_the_note(browser, _badges(track)[0]) in licences.KINDS


@pytest.mark.slow
def test_a_runs_soundtrack_shows_generated(browser, base_url, app, wait_job):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import create_key

    key, client = create_key(app, "licence-browser"), app.test_client()
    created = client.post("/api/jobs", json={"kind": "search", "tags": ["Beauty"], "duration": 5},
                          headers={"X-API-Key": key})
    job = wait_job(client, key, created.get_json()["job_id"], timeout=400)
    assert job["status"] == "succeeded", job.get("error")
    browser.get(f"{base_url}/runs/{job['result']['run_id']}")
    WebDriverWait(browser, 30).until(lambda d: _badges(d))
    (box,) = _badges(browser)
    assert _tap_shows_then_hides_the_note(browser, box) == "generated"
