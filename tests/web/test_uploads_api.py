"""Seed 000's flow on the session's real studio: upload URL → PUT → poll → a studio job on the clip."""
from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import studio_config
from tiktok_videos import LIBRARY_DIR, probe_duration


@pytest.fixture(scope="module")
def app(module_app):
    """One app for this module: its tests share its API keys."""
    return module_app


@pytest.fixture(scope="module")
def key(app):
    return app.test_cli_runner().invoke(args=["api-key", "create", "upload-tests"]).output.strip()


@pytest.fixture(scope="module")
def other_key(app):
    return app.test_cli_runner().invoke(args=["api-key", "create", "upload-stranger"]).output.strip()


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clips") / "whatever.name"
    shutil.copyfile(next(LIBRARY_DIR.glob("#Travel*/*.mp4")), path)
    return path


def _upload(client, key, data: bytes, *, content_type="video/mp4", filename="Trip to Lisbon.mp4"):
    created = client.post("/api/uploads", json={"filename": filename, "content_type": content_type,
                                                "size": len(data)}, headers={"X-API-Key": key})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    put = client.put(body["upload_url"], data=data, headers={"Content-Type": content_type})  # no key: the URL is it
    return body, put




@pytest.mark.slow  # a whole clip run
def test_the_studio_on_my_own_clip_matches_the_soundtrack_to_it(wait_job, client, key, clip):
    body, put = _upload(client, key, clip.read_bytes())
    assert body["method"] == "PUT" and "signature=" in body["upload_url"] and body["expires_at"] > time.time()
    assert put.status_code == 200, put.get_data(as_text=True)
    status = client.get(body["status_url"], headers={"X-API-Key": key}).get_json()
    assert status["arrived"] and (status["status"], status["media"]) == ("ready", "video")

    created = client.post("/api/jobs", json={"kind": "studio", "upload_id": body["upload_id"], "duration": "match"},
                          headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    job = wait_job(client, key, created.get_json()["job_id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["params"]["title"] == "Trip to Lisbon" and job["params"]["duration"] == "match"
    result = job["result"]
    assert result["upload_id"] == body["upload_id"] and result["videos"][0]["source"] == "upload"
    assert result["music"]["duration_s"] == pytest.approx(probe_duration(clip), abs=1e-3)
    assert result["videos"][0]["transcript"].strip() and result["summary"].strip()
    video = client.get(result["videos"][0]["video_url"])
    assert video.data == clip.read_bytes() and video.mimetype == "video/mp4"  # a type every <video> plays
    assert client.get(result["cover_url"]).status_code == 200


def test_a_put_is_single_use_and_needs_its_signature(client, key, clip):
    data = clip.read_bytes()
    body, put = _upload(client, key, data)
    again = client.put(body["upload_url"], data=data)
    assert again.status_code == 409 and again.get_json()["error"].startswith("upload_id: already ready")
    created = client.post("/api/uploads", json={"filename": "a.mp4", "content_type": "video/mp4", "size": len(data)},
                          headers={"X-API-Key": key}).get_json()
    unsigned = created["upload_url"].split("?")[0]
    refused = client.put(unsigned, data=data)
    assert refused.status_code == 403 and refused.get_json()["error"].startswith("signature:")
    forged = client.put(created["upload_url"].replace("signature=", "signature=0"), data=data)
    assert forged.status_code == 403
    odd = client.put(created["upload_url"].split("signature=")[0] + "signature=%C3%A9", data=data)
    assert odd.status_code == 403 and odd.get_json()["error"].startswith("signature:")


def test_what_is_not_a_video_is_refused_with_a_reason(client, key, other_key, tmp_path):
    body, put = _upload(client, key, b"%PDF-1.7\n" + bytes(4000), filename="clip.mp4")
    assert put.status_code == 422 and put.get_json()["error"].startswith("content: not a video or audio file")
    job = client.post("/api/jobs", json={"kind": "studio", "upload_id": body["upload_id"]},
                      headers={"X-API-Key": key})
    assert job.status_code == 400 and job.get_json()["error"].startswith("upload_id: the upload is rejected")
    assert client.get(body["status_url"], headers={"X-API-Key": other_key}).status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"content_type": "video/mp4", "size": 10}, "filename"),
    ({"filename": "x.mp4", "content_type": "text/html", "size": 10}, "content_type"),
    ({"filename": "x.mp4", "content_type": "video/mp4", "size": -1}, "size"),
    ({"filename": "x.mp4", "content_type": "video/mp4", "size": 1 << 40}, "size"),
    ([], "body"),
])
def test_a_bad_upload_request_names_its_field(client, key, payload, field):
    response = client.post("/api/uploads", json=payload, headers={"X-API-Key": key})
    assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}:")


@pytest.mark.parametrize("payload, field", [
    ({"kind": ["studio"]}, "kind"),
    ({"kind": "studio"}, "upload_id"),
    ({"kind": "studio", "upload_id": "0" * 32}, "upload_id"),
    ({"kind": "studio", "upload_id": "../../etc/passwd"}, "upload_id"),
])
def test_a_studio_job_without_a_usable_upload_names_the_upload(client, key, payload, field):
    response = client.post("/api/jobs", json=payload, headers={"X-API-Key": key})
    assert response.status_code == 400 and response.get_json()["error"].startswith(f"{field}:")


def test_someone_elses_upload_cannot_be_used(client, key, other_key, clip):
    body, _ = _upload(client, key, clip.read_bytes())
    response = client.post("/api/jobs", json={"kind": "studio", "upload_id": body["upload_id"], "duration": 10},
                           headers={"X-API-Key": other_key})
    assert response.status_code == 400 and response.get_json()["error"].startswith("upload_id: no upload")


def test_a_long_file_name_makes_a_short_title_not_an_error(client, key, clip):
    body, _ = _upload(client, key, clip.read_bytes(), filename="x" * 250 + ".mp4")
    created = client.post("/api/jobs", json={"kind": "studio", "upload_id": body["upload_id"], "duration": 5},
                          headers={"X-API-Key": key, "Idempotency-Key": "long-name"})
    assert created.status_code == 202, created.get_data(as_text=True)
    job = client.get(created.get_json()["status_url"], headers={"X-API-Key": key}).get_json()
    assert job["params"]["title"] == "x" * 80
    client.delete(created.get_json()["status_url"], headers={"X-API-Key": key})


def test_a_bad_clip_duration_names_the_duration(client, key, clip):
    body, _ = _upload(client, key, clip.read_bytes())
    for duration in ("long", 7, 65):
        response = client.post("/api/jobs", json={"kind": "studio", "upload_id": body["upload_id"],
                                                  "duration": duration}, headers={"X-API-Key": key})
        assert response.status_code == 400 and response.get_json()["error"].startswith("duration:")


def test_a_body_bigger_than_declared_is_refused(client, key, clip):
    created = client.post("/api/uploads", json={"filename": "a.mp4", "content_type": "video/mp4", "size": 100},
                          headers={"X-API-Key": key}).get_json()
    response = client.put(created["upload_url"], data=clip.read_bytes())
    assert response.status_code == 400 and response.get_json()["error"].startswith("size: 100 bytes were declared")


def test_behind_a_proxy_the_upload_url_names_the_address_creators_use(tmp_path):
    from app import create_app

    def upload_url(hops):
        app = create_app(studio_config(tmp_path / str(hops), TRENDTOK_PROXY_HOPS=hops))
        key = app.test_cli_runner().invoke(args=["api-key", "create", "proxy"]).output.strip()
        created = app.test_client().post(
            "/api/uploads", json={"filename": "a.mp4", "content_type": "video/mp4", "size": 10},
            headers={"X-API-Key": key, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "studio.example"})
        app.extensions["jobs"].close()
        return created.get_json()["upload_url"]

    assert upload_url(1).startswith("https://studio.example/api/uploads/")
    assert upload_url(0).startswith("http://localhost/api/uploads/")  # no proxy: a forged header is ignored


def test_over_the_callers_quota_an_upload_url_is_a_429_naming_size(tmp_path):
    from app import create_app

    app = create_app(studio_config(tmp_path, TRENDTOK_UPLOAD_QUOTA_MB=300))
    key = app.test_cli_runner().invoke(args=["api-key", "create", "quota"]).output.strip()
    client = app.test_client()
    body = {"filename": "a.mp4", "content_type": "video/mp4", "size": 200 << 20}
    assert client.post("/api/uploads", json=body, headers={"X-API-Key": key}).status_code == 201
    refused = client.post("/api/uploads", json=body, headers={"X-API-Key": key})
    assert refused.status_code == 429 and refused.get_json()["error"].startswith("size: your unused uploads already hold")
    app.extensions["jobs"].close()


# -- exports for the trend lake ---------------------------------------------------------------------

@pytest.mark.parametrize("data, content_type, fmt", [
    (b'[{"id": "7000000000000000001", "desc": "#Foodie", "stats": {"playCount": 5}}]', "application/json", "json"),
    ("track_name,artist_name,track_pop\nCaf\u00e9 del Mar,Energy 52,70\n".encode(), "text/csv", "csv"),
    (b"authorMeta/name,text,diggCount\r\ncook,pasta #Foodie,3\r\n", "text/plain", "csv"),
])
def test_an_export_upload_is_checked_by_its_bytes_and_ready_as_an_export(client, key, data, content_type, fmt):
    body, put = _upload(client, key, data, content_type=content_type, filename="export.bin")
    assert put.status_code == 200, put.get_data(as_text=True)
    status = client.get(body["status_url"], headers={"X-API-Key": key}).get_json()
    assert (status["status"], status["media"], status["format"], status["duration_s"]) == ("ready", "export", fmt, None)


def test_a_binary_file_named_json_is_refused_naming_the_content_then_the_upload(client, key):
    png = b"\x89PNG\r\n\x1a\n" + bytes(4000)
    body, put = _upload(client, key, png, content_type="application/json", filename="posts.json")
    assert put.status_code == 422 and put.get_json()["error"].startswith("content: not a JSON or CSV export: byte 0")
    job = client.post("/api/jobs", json={"kind": "lake_import", "upload_id": body["upload_id"], "profile": "cooks"},
                      headers={"X-API-Key": key})
    assert job.status_code == 400 and job.get_json()["error"].startswith("upload_id: the upload is rejected")


def test_an_export_is_capped_as_the_lake_caps_it_not_as_a_clip(client, key):
    from trend_lake.importers import MAX_EXPORT_BYTES

    def ask(size, content_type):
        return client.post("/api/uploads", json={"filename": "posts.csv", "content_type": content_type, "size": size},
                           headers={"X-API-Key": key})

    over = ask(MAX_EXPORT_BYTES + 1, "text/csv")
    assert over.status_code == 400 and over.get_json()["error"].startswith(f"size: a whole number of bytes from 1 to "
                                                                           f"{MAX_EXPORT_BYTES}")
    clip_cap = client.application.extensions["uploads"].max_bytes
    assert ask(clip_cap + 1, "video/mp4").status_code == 400  # over a clip's cap, within an export's
    assert ask(clip_cap + 1, "text/csv").status_code == 201


def test_an_export_cannot_feed_a_studio_job_nor_a_clip_an_import(client, key, clip):
    export, _ = _upload(client, key, b'[{"id": "7000000000000000001", "stats": {}}]', content_type="application/json")
    studio = client.post("/api/jobs", json={"kind": "studio", "upload_id": export["upload_id"]},
                         headers={"X-API-Key": key})
    assert studio.status_code == 400 and studio.get_json()["error"] == "upload_id: the upload is export; this needs video"
    video, _ = _upload(client, key, clip.read_bytes())
    lake = client.post("/api/jobs", json={"kind": "lake_import", "upload_id": video["upload_id"], "profile": "cooks"},
                       headers={"X-API-Key": key})
    assert lake.status_code == 400 and lake.get_json()["error"] == "upload_id: the upload is video; this needs export"
