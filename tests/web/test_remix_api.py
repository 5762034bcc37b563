"""Remix jobs through /api: a new soundtrack or cover as a new run, a preview MP4 in the run."""
import pytest

pytestmark = pytest.mark.slow  # a whole search, then remixes of it


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: its tests share its API key and the finished run they remix."""
    return module_app


@pytest.fixture(scope="module")
def key(app):
    return app.test_cli_runner().invoke(args=["api-key", "create", "remix-tests"]).output.strip()


@pytest.fixture(scope="module")
def run(app, key, wait_job):
    client = app.test_client()
    created = client.post("/api/jobs", json={"kind": "search", "tags": ["Beauty"], "duration": 5},
                          headers={"X-API-Key": key})
    return wait_job(client, key, created.get_json()["job_id"])["result"]


def test_regenerate_and_preview_each_make_a_new_run(client, key, run, wait_job):
    headers = {"X-API-Key": key}
    created = client.post("/api/jobs", json={"kind": "regenerate", "run_id": run["run_id"], "part": "music"},
                          headers=headers)
    assert created.status_code == 202, created.get_json()
    job = wait_job(client, key, created.get_json()["job_id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["params"]["seed"] != run["music"]["seed"]  # a new seed unless one is given
    remixed = job["result"]
    assert remixed["parent_run_id"] == run["run_id"] and remixed["music"]["seed"] == job["params"]["seed"]
    assert client.get(remixed["music_url"]).status_code == 200
    page = client.get(f"/runs/{remixed['run_id']}").get_data(as_text=True)
    assert "remixed from" in page and "Regenerate soundtrack" in page

    created = client.post("/api/jobs", json={"kind": "preview", "run_id": remixed["run_id"]}, headers=headers)
    job = wait_job(client, key, created.get_json()["job_id"])
    assert job["status"] == "succeeded", job["error"]
    previewed = job["result"]
    assert previewed["parent_run_id"] == remixed["run_id"] and previewed["music"]["seed"] == remixed["music"]["seed"]
    video = client.get(previewed["preview"]["url"])
    assert video.status_code == 200 and video.mimetype == "video/mp4" and video.data[4:8] == b"ftyp"
    assert 'id="preview"' in client.get(f"/runs/{previewed['run_id']}").get_data(as_text=True)
    assert 'id="preview"' not in client.get(f"/runs/{remixed['run_id']}").get_data(as_text=True)
    # The preview job reported its own stage, from 0 to the last frame.
    events = client.get(f"/api/jobs/{job['job_id']}/events", headers=headers).get_data(as_text=True)
    assert '"stage": "preview"' in events and '"fraction": 1.0' in events


@pytest.mark.parametrize("body, field", [
    ({"kind": "regenerate", "part": "music"}, "run_id"),
    ({"kind": "regenerate", "run_id": "0" * 32, "part": "music"}, "run_id"),
    ({"kind": "regenerate", "run_id": ["x"], "part": "music"}, "run_id"),
    ({"kind": "regenerate", "run_id": "RUN", "part": "videos"}, "part"),
    ({"kind": "regenerate", "run_id": "RUN", "part": "music", "seed": -1}, "seed"),
    ({"kind": "preview", "run_id": "../../etc/passwd"}, "run_id"),
    ({"kind": "preview", "run_id": "RUN", "caption_style": "Comic Sans"}, "caption_style"),
    ({"kind": "preview", "run_id": "RUN", "caption_style": ["bold"]}, "caption_style"),
    ({"kind": "preview", "run_id": "RUN", "captions": "yes"}, "captions"),
])
def test_bad_remix_requests_are_400_naming_the_field(client, key, run, body, field):
    body = {k: run["run_id"] if v == "RUN" else v for k, v in body.items()}
    before = client.get("/api/jobs?limit=100", headers={"X-API-Key": key}).get_json()["jobs"]
    response = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}: ")
    assert client.get("/api/jobs?limit=100", headers={"X-API-Key": key}).get_json()["jobs"] == before


def test_a_preview_takes_its_caption_options_and_says_what_it_burned(client, key, run, wait_job):
    headers = {"X-API-Key": key}
    shown = next(v for v in run["videos"] if v.get("video_url"))
    for body, expected in [({"captions": True, "caption_style": "karaoke"}, bool(shown.get("words"))), ({"captions": False}, False)]:
        created = client.post("/api/jobs", json={"kind": "preview", "run_id": run["run_id"], **body}, headers=headers)
        assert created.status_code == 202, created.get_json()
        job = wait_job(client, key, created.get_json()["job_id"])
        assert job["status"] == "succeeded", job["error"]
        preview = job["result"]["preview"]
        assert preview["captions"] is expected
        assert preview["caption_style"] == ("karaoke" if expected else None)


def test_the_run_page_starts_captions_off_for_a_video_that_already_shows_its_words(app, client, run):
    import runs

    runs_dir = app.extensions["studio"].runs_dir
    shown = next(v for v in run["videos"] if v.get("video_url"))
    if not shown.get("words"):
        pytest.skip("the shown demo video has no words")
    said = [{"text": w["text"], "start_s": w["start_s"], "spoken": True} for w in shown["words"][:2]]
    document, _ = runs.derive(runs_dir, run)
    document["videos"] = [{**v, "captions": said} if v["video_url"] == shown["video_url"] else v
                          for v in document["videos"]]
    runs.save(runs_dir, document)
    for run_id, checked in [(document["run_id"], False), (run["run_id"], None)]:
        page = client.get(f"/runs/{run_id}").get_data(as_text=True)
        box = next(line for line in page.splitlines() if 'id="preview-captions"' in line)
        if checked is False:
            assert " checked" not in box and 'id="preview-captions-note"' in page
        else:  # the original run: checked exactly when its shown video does not show its words already
            import remix
            assert (" checked" in box) is remix.captions_by_default(runs_dir, run)
