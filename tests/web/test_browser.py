"""The studio in a real browser: Debian's Chromium, driven by Selenium through chromedriver.

Skipped where Chromium is not installed (.ci/run installs it from Debian's packages); the
browser, the live server and screenshots are conftest.py's fixtures, shared with the other pages' tests.
"""
import shutil

import pytest

#: Installed in a page before its job starts: every stage the progress panel marks under way or done
#: and every step count it shows ("2/3") is kept in sessionStorage as it happens, so that the test
#: reads them all on the run's page the job opens, however fast the stages went by.
RECORD_STAGES = """
const panel = document.getElementById('progress'), seen = {stages: [], counts: []};
const keep = (list, value) => { if (value && !list.includes(value)) list.push(value); };
const look = () => {
  panel.querySelectorAll('.stages li.active, .stages li.done').forEach((li) => keep(seen.stages, li.dataset.stage));
  panel.querySelectorAll('.stages .count').forEach((c) => keep(seen.counts, c.textContent));
  sessionStorage.setItem('trendtok-test-stages', JSON.stringify(seen));
};
new MutationObserver(look).observe(panel, {subtree: true, childList: true, characterData: true, attributes: true});
look();
"""


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: the server its browser talks to, and what each page left there."""
    return module_app


def _recorded_stages(browser):
    """What RECORD_STAGES saw in this tab: ``(stages, counts)``, as sets."""
    seen = browser.execute_script("return JSON.parse(sessionStorage.getItem('trendtok-test-stages') || 'null')")
    assert seen is not None, "the stage recorder was not installed in this tab"
    return set(seen["stages"]), set(seen["counts"])


def _until_run_page(browser, timeout, *, error_box=None, shoot_when=None, shoot=None):
    """Wait until the page has gone on to a run's page. It fails at once when ``error_box`` (an id)
    shows; ``shoot()`` is called once, the first time ``shoot_when`` (a CSS selector) matches."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shot = []

    def arrived(d):
        if "/runs/" in d.current_url:
            return True
        if error_box:
            box = d.find_element(By.ID, error_box)
            assert not box.is_displayed(), box.text
        if shoot and not shot and d.find_elements(By.CSS_SELECTOR, shoot_when):
            shot.append(shoot())
        return False

    WebDriverWait(browser, timeout, poll_frequency=0.1,  # the page navigates away between two reads
                  ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(arrived)


def test_tag_form_shows_stage_progress_then_the_result(browser, base_url, downloads, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base_url + "/")
    browser.execute_script(RECORD_STAGES)
    browser.find_element(By.CSS_SELECTOR, '.chip[data-tag="Travel"]').click()
    field = browser.find_element(By.ID, "tags")
    WebDriverWait(browser, 10).until(lambda d: field.get_attribute("value") == "Travel")
    Select(browser.find_element(By.ID, "duration")).select_by_value("5")
    browser.find_element(By.ID, "go").click()

    panel = browser.find_element(By.ID, "progress")
    WebDriverWait(browser, 10).until(lambda d: "/runs/" in d.current_url or panel.is_displayed())
    _until_run_page(browser, 300, error_box="error", shoot_when=".stages li.done + li.active",
                    shoot=lambda: screenshot("progress.png"))
    seen_stages, _ = _recorded_stages(browser)
    assert "videos" in seen_stages and "text" in seen_stages, seen_stages

    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("const i = document.querySelector('.cover img'); return i && i.naturalWidth"))
    assert browser.find_element(By.CSS_SELECTOR, ".idea-title").text
    assert browser.execute_script("return document.querySelector('.cover img').naturalHeight") == 1920
    assert browser.find_elements(By.CSS_SELECTOR, "audio[src$='soundtrack.wav']")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".video video")) >= 1
    # Each video shows its poster frame before it plays.
    assert all(v.get_attribute("poster") for v in browser.find_elements(By.CSS_SELECTOR, ".video video"))
    screenshot("result.png")

    assert len(browser.find_element(By.CSS_SELECTOR, ".summary").text.split()) >= 5

    # The soundtrack plays: its clock moves.
    browser.execute_script("document.querySelector(\"audio[src$='soundtrack.wav']\").play()")
    clock = "return document.querySelector(\"audio[src$='soundtrack.wav']\").currentTime"
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(clock) > 0.3)
    browser.execute_script("document.querySelector(\"audio[src$='soundtrack.wav']\").pause()")

    # "Download WAV" saves the soundtrack itself.
    link = browser.find_element(By.LINK_TEXT, "Download WAV")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    # Done once Chromium has renamed its .crdownload to the file's own name and nothing is in flight.
    saved = downloads / "soundtrack.wav"
    WebDriverWait(browser, 20).until(lambda d: saved.exists() and not list(downloads.glob("*.crdownload")))
    saved = saved.read_bytes()
    assert saved[:4] == b"RIFF" and saved[8:12] == b"WAVE" and len(saved) > 44 + 5 * 44100

    # A timestamp beside a transcript segment plays its video from that second.
    stamps = browser.find_elements(By.CSS_SELECTOR, ".video details[open] .ts")  # the transcripts are open
    stamp = next(s for s in stamps if float(s.get_attribute("data-t")) > 1)
    video_id, second = stamp.get_attribute("data-video"), float(stamp.get_attribute("data-t"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", stamp)
    stamp.click()
    position = f"return document.querySelector('video[data-video-id=\"{video_id}\"]').currentTime"
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(position) >= second - 0.1)


def test_bad_tags_show_a_readable_message(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/")
    jobs_before = len(browser.find_elements(By.CSS_SELECTOR, "#history li"))
    browser.find_element(By.ID, "tags").send_keys("../secrets")
    browser.find_element(By.ID, "go").click()
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, 10).until(lambda d: error.is_displayed())
    assert "tags: '../secrets' may contain only letters, digits and _" in error.text
    assert browser.current_url.rstrip("/") == base_url
    browser.refresh()  # nothing was started: the history is as it was
    assert len(browser.find_elements(By.CSS_SELECTOR, "#history li")) == jobs_before


@pytest.fixture(scope="module")
def own_clip(tmp_path_factory):
    """A creator's clip as their phone names it (the page never relies on the name)."""
    from tiktok_videos import LIBRARY_DIR

    path = tmp_path_factory.mktemp("phone") / "VID_20261124_101500.mp4"
    shutil.copyfile(next(LIBRARY_DIR.glob("#Fashion*/*.mp4")), path)
    return path


def test_my_own_clip_uploads_then_shows_stages_then_a_soundtrack_as_long_as_the_clip(browser, base_url, own_clip,
                                                                                     screenshot):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tiktok_videos import probe_duration

    browser.get(base_url + "/")
    browser.execute_script(RECORD_STAGES)
    browser.find_element(By.ID, "clip").send_keys(str(own_clip))
    browser.find_element(By.ID, "clip-go").click()
    _until_run_page(browser, 300, error_box="clip-error",
                    shoot_when='.stages li[data-stage="music"]:is(.active, .done)',
                    shoot=lambda: screenshot("clip-progress.png"))
    seen_stages, counts = _recorded_stages(browser)
    assert {"text", "music"} <= seen_stages, seen_stages
    assert any("/" in c for c in counts), counts  # the soundtrack's steps were counted ("2/3")
    length = "const a = document.querySelector(\"audio[src$='soundtrack.wav']\"); return a && a.duration"
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script(length) or 0) > 0)
    assert abs(browser.execute_script(length) - probe_duration(own_clip)) < 0.01
    assert browser.find_element(By.CSS_SELECTOR, ".idea-title").text
    screenshot("clip-result.png")

    # Render preview video: a job on the run page, then the clip with its soundtrack, in the page.
    clip_run = browser.current_url
    button = browser.find_element(By.CSS_SELECTOR, '#remix button[data-kind="preview"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(browser, 120).until(lambda d: d.current_url.endswith("#preview") or
                                      d.find_element(By.ID, "remix-error").is_displayed())
    assert browser.current_url.endswith("#preview"), browser.find_element(By.ID, "remix-error").text
    assert browser.current_url.split("#")[0] != clip_run  # a new run; the clip's run is unchanged
    preview_length = "const v = document.querySelector('#preview video'); return v && v.duration"
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script(preview_length) or 0) > 0)
    assert abs(browser.execute_script(preview_length) - probe_duration(own_clip)) < 0.1
    screenshot("clip-preview.png")

    # Regenerate soundtrack: a new run of the same clip, still exactly as long as the clip.
    browser.get(clip_run)
    button = browser.find_element(By.CSS_SELECTOR, '#remix button[data-part="music"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(browser, 120).until(lambda d: d.current_url.split("?")[0] != clip_run)
    WebDriverWait(browser, 20, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: "remixed from" in d.find_element(By.CSS_SELECTOR, ".crumbs").text)
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script(length) or 0) > 0)
    assert abs(browser.execute_script(length) - probe_duration(own_clip)) < 0.01

    browser.refresh()
    browser.get(base_url + "/")  # after a reload, every job is in this browser's history
    history = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#history li.succeeded a")]
    assert "VID_20261124_101500" in history and "Preview video" in history and "New soundtrack" in history


def test_a_file_that_is_not_a_video_gets_the_servers_reason(browser, base_url, tmp_path, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    fake = tmp_path / "holiday.mp4"
    fake.write_text("not a video, whatever the name says\n" * 50)
    browser.get(base_url + "/")
    jobs_before = len(browser.find_elements(By.CSS_SELECTOR, "#history li"))
    browser.find_element(By.ID, "clip").send_keys(str(fake))
    browser.find_element(By.ID, "clip-go").click()
    error = browser.find_element(By.ID, "clip-error")
    WebDriverWait(browser, 30).until(lambda d: error.is_displayed())
    assert error.text.startswith("content: not a video or audio file"), error.text
    assert browser.find_element(By.ID, "clip-go").is_enabled()
    screenshot("clip-error.png")
    browser.refresh()  # no job was started
    assert len(browser.find_elements(By.CSS_SELECTOR, "#history li")) == jobs_before


def test_the_studio_fits_a_phone_screen(browser, base_url, screenshot):
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        browser.get(base_url + "/")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot("phone.png")
        browser.get(base_url + "/lake")  # the lake's SQL box and charts fit too
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        browser.get(base_url + "/")
        runs = browser.find_elements(By.CSS_SELECTOR, "#history li.succeeded a")
        if runs:  # a run page, with its players and remix buttons, fits too
            browser.get(runs[0].get_attribute("href"))
            assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
            screenshot("phone-run.png")
    finally:
        browser.set_window_size(1200, 2000)


@pytest.fixture
def page_lake(app, tmp_path, monkeypatch):
    """A lake of this test's own for the /lake page and the jobs it starts (they read TRENDTOK_LAKE as they run)."""
    from trend_lake import Lake

    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    return Lake(tmp_path / "lake")


def test_the_lake_page_imports_an_export_then_runs_the_stages(browser, base_url, page_lake, shared_data, tmp_path,
                                                               screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from trend_lake import Lake
    from trend_lake.stages import STAGES

    source = shared_data / "tiktok" / "trending_tiktokapi.json"
    expected = Lake(tmp_path / "direct").ingest(source, profile="trending").to_dict()
    browser.get(base_url + "/lake")
    assert "Nothing yet" in browser.find_element(By.ID, "chart-hashtags").text
    browser.find_element(By.ID, "export-file").send_keys(str(source))
    browser.find_element(By.ID, "export-profile").send_keys("trending")
    button = browser.find_element(By.ID, "import-go")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    report, error = browser.find_element(By.ID, "import-report"), browser.find_element(By.ID, "import-error")
    WebDriverWait(browser, 120).until(lambda d: report.is_displayed() or error.is_displayed())
    assert not error.is_displayed(), error.text
    counts = {name: int(browser.find_element(By.ID, f"import-{name}").text) for name in ("read", "imported", "skipped")}
    assert counts == {name: expected[name] for name in ("read", "imported", "skipped")}
    assert "trending_tiktokapi.json (tiktokapi → metadata)" in browser.find_element(By.ID, "import-counts").text
    reasons = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#import-reasons li")]
    assert len(reasons) == len(expected["reasons"])
    for reason, n in expected["reasons"].items():
        assert any(text.startswith(f"{n} row") and reason in text for text in reasons), (reason, reasons)
    # The partitions and the charts are redrawn from the lake as it is now, with the report still shown.
    WebDriverWait(browser, 30).until(lambda d: "metadata 1" in d.find_element(By.ID, "lake-partitions").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-hashtags rect.bar")
    assert report.is_displayed() and page_lake.partitions("metadata")
    screenshot("lake-import.png")
    browser.set_window_size(390, 844)
    try:  # the report and both job cards fit a phone too
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot("lake-phone.png")
    finally:
        browser.set_window_size(1200, 2000)

    # Run stages: no videos are kept, so each stage marks the partition done with no rows.
    button = browser.find_element(By.ID, "stages-go")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    result, error = browser.find_element(By.ID, "stages-result"), browser.find_element(By.ID, "stages-error")
    WebDriverWait(browser, 120).until(lambda d: result.is_displayed() or error.is_displayed())
    assert not error.is_displayed(), error.text
    assert result.text == " · ".join(f"{stage}: 1 partition" for stage in STAGES)
    done = browser.find_elements(By.CSS_SELECTOR, "#stages-progress .stages li.done")
    assert [li.get_attribute("data-stage") for li in done] == list(STAGES)
    assert browser.find_element(By.CSS_SELECTOR, "#stages-progress .bar").get_attribute("aria-valuenow") == "100"
    assert page_lake.partitions("text") == page_lake.partitions("metadata")
    WebDriverWait(browser, 30).until(lambda d: "text 1" in d.find_element(By.ID, "lake-partitions").text)
    screenshot("lake-stages.png")


def test_the_lake_page_shows_the_apis_reason_for_a_bad_export_or_profile(browser, base_url, page_lake, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def attempt(path, profile):
        browser.get(base_url + "/lake")
        browser.find_element(By.ID, "export-file").send_keys(str(path))
        browser.find_element(By.ID, "export-profile").send_keys(profile)
        button = browser.find_element(By.ID, "import-go")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        error = browser.find_element(By.ID, "import-error")
        WebDriverWait(browser, 60).until(lambda d: error.is_displayed())
        assert button.is_enabled() and not browser.find_element(By.ID, "import-report").is_displayed()
        return error.text

    picture = tmp_path / "posts.json"  # a PNG, whatever the name says
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    assert attempt(picture, "trending").startswith("content: not a JSON or CSV export"), "by its bytes"
    export = tmp_path / "songs.csv"
    export.write_text("track_name,artist_name,track_pop\nSay So,Doja Cat,80\n")
    assert attempt(export, "../up").startswith("profile: '../up' may contain only letters, digits and _")
    broken = tmp_path / "cut.json"
    broken.write_text('[{"id": "7000000000000000001", "stats": {}},')
    assert attempt(broken, "trending").startswith("Nothing was imported: source: 'cut.json' is broken JSON")
    assert page_lake.partitions("metadata") == [] and page_lake.partitions("sounds") == []
