"""The /sounds page in a real browser (conftest.py's headless Chromium on a live studio): the
trending list and its music player, rising sounds, a real export's rows without audio, bad input,
the suggest / try-on / similar cards with real files, a fake video's reason, a phone's width.

Each test's page reads a lake of its own holding only the demo catalog (seeded on the first page
view) and what the test imports, and a cache folder of its own. The jobs the cards start read the
studio's settings as the app was created (``pipeline.Studio`` copies the config), so they rank and
index over the session's lake and cache, which hold the demo catalog as well."""
from __future__ import annotations

from pathlib import Path

import pytest

CLIP = Path("tiktok") / "videos" / "malwaretech-7261314534885870894.mp4"
TRACK = Path("music") / "Kevin_MacLeod_-_Vibe_Ace.ogg"
AUDIO = "document.getElementById('player-audio')"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: the server its browser talks to."""
    return module_app


@pytest.fixture
def sounds_lake(app, tmp_path, monkeypatch):
    """The page's lake and cache for this test only; the trend lake there."""
    from trend_lake import Lake

    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    monkeypatch.setitem(app.config, "TRENDTOK_CACHE_DIR", str(tmp_path / "cache"))
    return Lake(tmp_path / "lake")


def _find_sounds(browser, base_url, tags, sort=None):
    """Type ``tags`` into the page's form (and pick ``sort``) and submit it, as a creator does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/sounds")
    field = browser.find_element(By.ID, "tags")
    field.clear()
    field.send_keys(tags)
    if sort:
        browser.find_element(By.CSS_SELECTOR, f'#trending-form input[name="sort"][value="{sort}"]').click()
    old = browser.find_element(By.TAG_NAME, "html")
    button = browser.find_element(By.CSS_SELECTOR, "#trending-form button[type=submit]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)  # not under the player
    button.click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.TAG_NAME, "html") != old)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _rows(browser):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, "#trending-list li.sound")


def _player(browser):
    return browser.execute_script(
        f"const a = {AUDIO}; return {{t: a.currentTime, paused: a.paused, src: a.src,"
        " title: document.getElementById('player-title').textContent,"
        " artist: document.getElementById('player-artist').textContent,"
        " label: document.getElementById('player-toggle').getAttribute('aria-label'),"
        " icon: Array.from(document.querySelectorAll('#player-toggle svg'))"
        "   .filter((i) => i.getBoundingClientRect().width > 0).map((i) => i.getAttribute('class'))}")


def _settled(browser, what, ready, timeout=20):
    """Wait until ``ready(player)`` holds for the player's state as the page has it; that state.
    A timeout fails naming ``what`` was awaited and the last state seen."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    seen = {}

    def check(d):
        seen.update(_player(d))
        return ready(seen) and dict(seen)

    try:
        return WebDriverWait(browser, timeout).until(check)
    except TimeoutException:
        raise AssertionError(f"the player never {what}: {seen}") from None


def _playing(browser, title, after=0.3):
    """Wait until the player plays ``title``, its clock past ``after`` seconds and its toggle
    showing Pause (label and icon); that state."""
    return _settled(browser, f"played {title!r} past {after:.1f} s with its toggle on Pause",
                    lambda p: p["title"] == title and not p["paused"] and p["t"] > after
                    and p["label"] == "Pause" and p["icon"] == ["icon-pause"])


def _paused(browser):
    """Wait until the player's audio is paused and its toggle shows Play (label and icon); that state."""
    return _settled(browser, "paused with its toggle on Play",
                    lambda p: p["paused"] and p["label"] == "Play" and p["icon"] == ["icon-play"], timeout=10)


def _run_card(browser, name, file, *, timeout=300):
    """Upload ``file`` through card ``name`` and wait for its result or its error; the result box."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element(By.ID, f"{name}-file").send_keys(str(file))
    button = browser.find_element(By.ID, f"{name}-go")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    result, error = browser.find_element(By.ID, f"{name}-result"), browser.find_element(By.ID, f"{name}-error")
    WebDriverWait(browser, timeout).until(lambda d: result.is_displayed() or error.is_displayed())
    return result, error


def test_the_trending_list_plays_in_the_player_next_previous_seek_and_pause(browser, base_url, sounds_lake,
                                                                            screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _find_sounds(browser, base_url, "fashion, ootd")
    assert "tags=fashion" in browser.current_url
    rows = _rows(browser)
    assert len(rows) >= 3
    assert all(row.find_elements(By.CSS_SELECTOR, "button.play") for row in rows), "every demo sound plays"
    assert all(row.find_elements(By.CSS_SELECTOR, ".badge.demo") for row in rows)
    titles = [row.get_attribute("data-title") for row in rows]
    player = _player(browser)
    assert player["title"] == "Nothing playing" and player["label"] == "Play" and player["icon"] == ["icon-play"]
    # Previous and next are drawn icons (no font needed), as wide as they are tall.
    for name in ("player-prev", "player-next"):
        size = browser.find_element(By.CSS_SELECTOR, f"#{name} svg").size
        assert size["width"] > 10 and size["width"] == size["height"], (name, size)

    rows[0].find_element(By.CSS_SELECTOR, "button.play").click()
    player = _playing(browser, titles[0])  # the toggle shows Pause too
    assert player["artist"] == rows[0].get_attribute("data-author")
    assert "playing" in rows[0].get_attribute("class")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "player-time").text.split(" / ")[1] not in ("", "0:00"))
    screenshot("sounds-playing.png")

    browser.find_element(By.ID, "player-next").click()
    _playing(browser, titles[1], after=0.1)
    assert "playing" in rows[1].get_attribute("class") and "playing" not in rows[0].get_attribute("class")
    browser.find_element(By.ID, "player-prev").click()
    _playing(browser, titles[0], after=0.1)

    # The seek bar: a click at its middle moves the clock to about half the song.
    # (Its range is this song's once the song's metadata came: the bar kept the last song's till then.)
    duration = browser.execute_script(f"return {AUDIO}.duration")
    assert duration > 5
    WebDriverWait(browser, 10).until(
        lambda d: abs(float(d.find_element(By.ID, "player-seek").get_attribute("max")) - duration) < 0.01)
    browser.find_element(By.ID, "player-seek").click()
    WebDriverWait(browser, 10).until(lambda d: abs(_player(d)["t"] - duration / 2) < duration * 0.15)

    browser.find_element(By.ID, "player-toggle").click()
    player = _paused(browser)
    # A paused song's clock stays where it stopped: read twice in the page, half a second of the
    # page's own clock apart (a stillness takes a span to see; nothing here waits for a state).
    still = browser.execute_async_script(
        f"const done = arguments[arguments.length - 1], a = {AUDIO}, t = a.currentTime;"
        " setTimeout(() => done({before: t, after: a.currentTime, paused: a.paused}), 500);")
    assert still["paused"] and still["after"] == still["before"] == player["t"], (still, player)
    # The row's own button resumes the same song from there.
    rows[0].find_element(By.CSS_SELECTOR, "button.play").click()
    _playing(browser, titles[0], after=player["t"] + 0.1)
    browser.execute_script(f"{AUDIO}.pause()")


def test_rising_marks_the_new_sound(browser, base_url, sounds_lake):
    from selenium.webdriver.common.by import By

    _find_sounds(browser, base_url, "fashion, ootd", sort="rising")
    assert "sort=rising" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, 'input[name="sort"][value="rising"]').is_selected()
    rows = {row.get_attribute("data-title"): row for row in _rows(browser)}
    assert "Fresh Start" in rows, list(rows)
    assert rows["Fresh Start"].find_element(By.CSS_SELECTOR, ".badge.new").text == "new"
    assert "/day" in rows["Fresh Start"].find_element(By.CSS_SELECTOR, ".numbers").text


def test_a_real_exports_sounds_say_they_have_no_audio(browser, base_url, sounds_lake, shared_data):
    from selenium.webdriver.common.by import By

    sounds_lake.ingest(shared_data / "tiktok" / "trending_tiktokapi.json", profile="trending")
    _find_sounds(browser, base_url, "funny")
    rows = _rows(browser)
    assert rows
    for row in rows:
        assert row.find_element(By.CSS_SELECTOR, ".no-audio").text == "No audio here"
        assert not row.find_elements(By.CSS_SELECTOR, "button.play")
        assert not row.find_elements(By.CSS_SELECTOR, ".badge.demo")
    # Nothing to play, nor to try on a clip.
    assert not browser.find_elements(By.CSS_SELECTOR, "#tryon-sound option")
    browser.find_element(By.ID, "player-toggle").click()  # its handler runs within the click: nothing to wait for
    player = _player(browser)
    assert player["paused"] and player["title"] == "Nothing playing" and player["label"] == "Play", player


def test_bad_tags_or_limit_show_the_field_at_fault(browser, base_url, sounds_lake):
    from selenium.webdriver.common.by import By

    _find_sounds(browser, base_url, "fit/ness")
    error = browser.find_element(By.ID, "trending-error")
    assert error.is_displayed() and error.text.startswith("tags: "), error.text
    assert "fit/ness" in error.text and not _rows(browser)
    assert browser.find_element(By.ID, "tags").get_attribute("value") == "fit/ness"  # kept to be corrected
    browser.get(base_url + "/sounds?tags=fitness&limit=ten")
    assert browser.find_element(By.ID, "trending-error").text.startswith("limit: ")


def test_suggest_card_lists_sounds_with_reasons_for_a_real_clip(browser, base_url, sounds_lake, shared_data,
                                                                screenshot):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/sounds")
    result, error = _run_card(browser, "suggest", shared_data / CLIP)
    assert not error.is_displayed(), error.text
    assert browser.find_element(By.ID, "suggest-status").text == "Done"
    assert browser.find_element(By.ID, "suggest-bar").get_attribute("aria-valuenow") == "100"
    items = result.find_elements(By.CSS_SELECTOR, "li.sound")
    assert items
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".what strong").text
        assert item.find_element(By.CSS_SELECTOR, ".reason").text.strip()
    screenshot("sounds-suggest.png")
    # A suggestion with audio plays in the page's player.
    playable = [item for item in items if item.find_elements(By.CSS_SELECTOR, "button.play")]
    assert playable, "the demo sounds have audio"
    button = playable[0].find_element(By.CSS_SELECTOR, "button.play")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    _playing(browser, playable[0].get_attribute("data-title"))
    browser.execute_script(f"{AUDIO}.pause()")


def test_tryon_card_puts_the_chosen_sound_on_a_real_clip(browser, base_url, sounds_lake, shared_data, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base_url + "/sounds")
    choice = Select(browser.find_element(By.ID, "tryon-sound"))
    assert choice.options
    choice.select_by_index(0)
    assert browser.find_element(By.ID, "tryon-keep").is_selected()
    result, error = _run_card(browser, "tryon", shared_data / CLIP)
    assert not error.is_displayed(), error.text
    video = result.find_element(By.TAG_NAME, "video")
    src = video.get_attribute("src")
    assert src.endswith("/tryon.mp4")
    served = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"  # not from the media cache, which answers 206
        "fetch(arguments[0], {cache: 'no-store'}).then(async (r) => done({status: r.status,"
        " type: r.headers.get('Content-Type'), head: Array.from(new Uint8Array((await r.arrayBuffer()).slice(4, 8)))}),"
        " (e) => done({error: String(e)}));",
        src)
    assert served.get("status") == 200, served
    assert served["type"].startswith("video/mp4") and bytes(served["head"]) == b"ftyp", served
    # The browser plays it: as long as the clip, within a frame or two.
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script("return arguments[0].duration", video) or 0) > 0)
    assert abs(browser.execute_script("return arguments[0].duration", video) - 13.23) < 0.2
    assert "The sound starts at" in result.text
    link = result.find_element(By.LINK_TEXT, "Download the clip")
    assert link.get_attribute("href") == src + "?download=1"
    screenshot("sounds-tryon.png")


def test_similar_card_lists_tracks_for_a_real_song(browser, base_url, sounds_lake, shared_data):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/sounds")
    result, error = _run_card(browser, "similar", shared_data / TRACK, timeout=180)
    assert not error.is_displayed(), error.text
    items = result.find_elements(By.CSS_SELECTOR, "li.sound")
    assert items
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".what strong").text
        assert item.find_element(By.CSS_SELECTOR, ".reason").text.startswith("similarity ")


def test_a_text_file_named_like_a_video_gets_the_uploads_reason(browser, base_url, sounds_lake, tmp_path):
    from selenium.webdriver.common.by import By

    fake = tmp_path / "clip.mp4"
    fake.write_text("not a video, whatever the name says\n" * 50)
    browser.get(base_url + "/sounds")
    result, error = _run_card(browser, "suggest", fake, timeout=30)
    assert error.text.startswith("content: not a video"), error.text
    assert not result.is_displayed() and browser.find_element(By.ID, "suggest-go").is_enabled()


def test_the_sounds_page_fits_a_phone_screen(browser, base_url, sounds_lake, screenshot):
    from selenium.webdriver.common.by import By

    uncovered = ("const r = arguments[0].getBoundingClientRect();"
                 "return arguments[0].contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2))")
    browser.set_window_size(390, 844)
    try:
        _find_sounds(browser, base_url, "fashion, ootd")
        rows = _rows(browser)
        assert rows
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot("sounds-phone.png")
        # Before anything plays, the player keeps to its place: nothing at the screen's foot is under it.
        submit = browser.find_element(By.CSS_SELECTOR, "#trending-form button[type=submit]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", submit)
        assert browser.execute_script(uncovered, submit), "the player covers the form's button"
        # Playing, it stays at the screen's foot while the list scrolls under it.
        browser.execute_script("window.scrollTo(0, 0)")
        button = rows[0].find_element(By.CSS_SELECTOR, "button.play")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        _playing(browser, rows[0].get_attribute("data-title"))
        browser.execute_script("window.scrollTo(0, 0)")
        toggle = browser.find_element(By.ID, "player-toggle")
        assert browser.execute_script(uncovered, toggle), "the player is not on screen while it plays"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot("sounds-phone-playing.png")
        browser.execute_script(f"{AUDIO}.pause()")
        _find_sounds(browser, base_url, "fit/ness")  # the error too
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        browser.set_window_size(1200, 2000)
