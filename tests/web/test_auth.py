"""The trust boundary (web.auth): what is open with TRENDTOK_REQUIRE_KEY 0 and 1, signing in with a
key, CSRF on a signed-in session, another key's runs and jobs as if absent, cookies and security headers."""
from __future__ import annotations

import re

import pytest

import runs
import utils
from jobs import JobStatus
from tests.conftest import create_key, own_studio

HTML = {"Accept": "text/html"}
#: A route of each kind that reads data or does work, with the method that does it.
GUARDED = [("GET", "/"), ("GET", "/lake"), ("GET", "/lake/query.json?sql=SELECT%201"), ("GET", "/sounds"),
           ("GET", "/api/sounds/trending?tags=foodie"), ("GET", "/sounds/audio/demo-001"), ("GET", "/api/jobs"),
           ("POST", "/api/jobs"), ("POST", "/api/uploads"), ("POST", "/search")]


@pytest.fixture(scope="module")
def exposed(tmp_path_factory, models):
    with own_studio(tmp_path_factory.mktemp("exposed"), models, TRENDTOK_REQUIRE_KEY=True) as app:
        yield app


@pytest.fixture(scope="module")
def keys(exposed):
    return create_key(exposed, "alice"), create_key(exposed, "bob")


def _owner(app, key: str) -> str:
    return f"key:{app.extensions['api_keys'].verify(key)}"


def _finished_run(app, owner: str) -> str:
    """A run folder with a result and a file, made by a finished job of ``owner`` (no search needed)."""
    store = app.extensions["jobs"].store
    run_id = utils.new_run_id()
    folder = app.extensions["studio"].runs_dir / run_id
    folder.mkdir(parents=True)
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    runs.save(app.extensions["studio"].runs_dir, {"run_id": run_id, "tags": ["Foodie"]})
    job, _ = store.create(kind="search", owner=owner, params={"tags": ["Foodie"]})
    store.start(job.id)
    store.finish(job.id, JobStatus.SUCCEEDED, result={"run_id": run_id})
    return run_id


def _signed_in(app, key: str):
    client = app.test_client()
    response = client.post("/signin", data={"key": key, "next": "/lake"})
    assert response.status_code == 303 and response.headers["Location"] == "/lake"
    return client


def _csrf(client) -> str:
    page = client.get("/", headers=HTML).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]*)"', page).group(1)


@pytest.mark.parametrize("method, path", GUARDED)
def test_with_a_key_required_nothing_that_reads_or_works_answers_a_stranger(exposed, method, path):
    client = exposed.test_client()
    response = client.open(path, method=method, json={} if method == "POST" else None)
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.get_json()["error"].startswith("X-API-Key: required")
    assert client.get_cookie("session") is None  # no session, so no CSRF token, was handed out


@pytest.mark.parametrize("path", ["/", "/lake", "/sounds", "/runs/" + "0" * 32])
def test_a_strangers_browser_is_sent_to_sign_in_and_back(exposed, path):
    response = exposed.test_client().get(path, headers=HTML)
    assert response.status_code == 302 and response.headers["Location"] == f"/signin?next={path}"


def test_health_static_files_the_sign_in_page_and_the_api_document_stay_open(exposed):
    client = exposed.test_client()
    assert client.get("/health").status_code == 200
    assert client.get("/static/studio/studio.css").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    page = client.get("/signin")
    assert page.status_code == 200 and 'name="key"' in page.get_data(as_text=True)
    assert 'content=""' in page.get_data(as_text=True)  # its csrf-token meta is empty before sign-in


def test_a_key_opens_everything_its_own(exposed, keys):
    headers = {"X-API-Key": keys[0]}
    client = exposed.test_client()
    assert client.get("/api/jobs", headers=headers).status_code == 200
    assert client.get("/lake", headers={**headers, **HTML}).status_code == 200
    assert client.get("/api/sounds/trending?tags=foodie", headers=headers).status_code == 200
    assert client.get("/api/jobs", headers={"X-API-Key": "tt_not-a-key"}).status_code == 401


def test_signing_in_with_a_key_gives_the_browser_that_keys_jobs(exposed, keys):
    store = exposed.extensions["jobs"].store
    made, _ = store.create(kind="search", owner=_owner(exposed, keys[0]), params={"tags": ["SignedIn"]})
    store.finish(made.id, JobStatus.CANCELLED, error="cancelled before it started")
    client = _signed_in(exposed, keys[0])
    assert "#SignedIn" in client.get("/", headers=HTML).get_data(as_text=True)  # the page's history
    listed = client.get("/api/jobs").get_json()["jobs"]
    assert made.id in [j["job_id"] for j in listed]
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert "Sign out" in page and _csrf(client)
    # bob's browser sees none of it.
    other = _signed_in(exposed, keys[1])
    assert made.id not in [j["job_id"] for j in other.get("/api/jobs").get_json()["jobs"]]
    assert other.get(f"/api/jobs/{made.id}").status_code == 404


def test_a_signed_in_session_changes_nothing_without_its_csrf_token(exposed, keys):
    client = _signed_in(exposed, keys[0])
    body = {"filename": "clip.mp4", "content_type": "video/mp4", "size": 1000}
    refused = client.post("/api/uploads", json=body)
    assert refused.status_code == 403 and refused.get_json()["error"].startswith("X-CSRF-Token:")
    assert client.post("/search", json={"tags": ["Foodie"]}).status_code == 403
    assert client.post("/api/uploads", json=body, headers={"X-CSRF-Token": _csrf(client)}).status_code == 201


def test_a_wrong_key_a_foreign_form_and_a_foreign_next_are_refused(exposed, keys):
    client = exposed.test_client()
    wrong = client.post("/signin", data={"key": "tt_guess"})
    assert wrong.status_code == 401 and "key: not an active API key" in wrong.get_data(as_text=True)
    assert client.get_cookie("session") is None
    foreign = client.post("/signin", data={"key": keys[0]}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and client.get("/api/jobs").status_code == 401
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/signin", data={"key": keys[0], "next": target})
        assert response.status_code == 303 and response.headers["Location"] == "/"


def test_signing_out_and_revoking_the_key_both_end_the_session(exposed, keys):
    client = _signed_in(exposed, keys[0])
    assert client.post("/signout", data={"csrf_token": "wrong"}).status_code == 403
    assert client.post("/signout", data={"csrf_token": _csrf(client)}).headers["Location"] == "/signin"
    assert client.get("/api/jobs").status_code == 401

    temporary = create_key(exposed, "temporary")
    client = _signed_in(exposed, temporary)
    assert client.get("/api/jobs").status_code == 200
    assert exposed.test_cli_runner().invoke(args=["api-key", "revoke", "temporary"]).exit_code == 0
    assert client.get("/api/jobs").status_code == 401


def test_another_keys_run_is_as_if_it_did_not_exist(exposed, keys):
    run_id = _finished_run(exposed, _owner(exposed, keys[0]))
    mine, theirs = {"X-API-Key": keys[0]}, {"X-API-Key": keys[1]}
    client = exposed.test_client()
    for path in (f"/runs/{run_id}/result.json", f"/runs/{run_id}/cover.png"):
        assert client.get(path, headers=mine).status_code == 200
        assert client.get(path, headers=theirs).status_code == 404
    assert client.get(f"/runs/{run_id}", headers={**theirs, **HTML}).status_code == 404
    remix = client.post("/api/jobs", json={"kind": "regenerate", "run_id": run_id, "part": "cover"}, headers=theirs)
    assert remix.status_code == 400 and remix.get_json()["error"].startswith("run_id: no finished run")


def test_the_open_studio_keeps_its_sessions_and_runs_open(tmp_path, models):
    with own_studio(tmp_path, models) as app:
        client = app.test_client()
        assert client.get("/", headers=HTML).status_code == 200
        assert client.get("/api/jobs").status_code == 200  # the page's session opens the API
        assert app.test_client().get("/api/jobs").status_code == 401  # but a script needs a key
        run_id = _finished_run(app, "key:99")
        assert client.get(f"/runs/{run_id}/result.json").status_code == 200


def test_the_session_cookie_is_lax_http_only_and_secure_when_asked(tmp_path, models):
    for secure in (False, True):
        with own_studio(tmp_path / str(secure), models, TRENDTOK_COOKIE_SECURE=secure) as app:
            cookie = app.test_client().get("/", headers=HTML).headers["Set-Cookie"]
            attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
            assert "samesite=lax" in cookie.lower() and "httponly" in attributes
            assert ("secure" in attributes) is secure


def test_every_response_carries_the_security_headers(exposed, keys):
    client = exposed.test_client()
    for response in (client.get("/health"), client.get("/signin"), client.get("/api/jobs"),
                     client.get("/lake", headers={"X-API-Key": keys[0], **HTML}), client.get("/no-such-page")):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_an_inline_script_or_style_the_policy_would_block(exposed, keys):
    client = exposed.test_client()
    headers = {"X-API-Key": keys[0], **HTML}
    for path in ("/", "/lake", "/sounds", "/signin"):
        page = client.get(path, headers=headers).get_data(as_text=True)
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
        assert scripts == [], (path, scripts)
        assert not re.search(r"\son[a-z]+\s*=", page), path   # onclick= and friends are inline script
        assert " style=" not in page and "<style" not in page, path
