"""The Drive source against google-api-python-client's own HttpMockSequence (no network).

The drive v3 discovery document ships inside the client, so ``build`` works offline;
each mocked response answers the next HTTP request the real client makes.
"""
from __future__ import annotations

import base64
import json
import re
import urllib.parse
from pathlib import Path

import pytest
from googleapiclient.http import HttpMockSequence

from tiktok_videos import VideoSourceError, load_source

FOLDER = "1FoodieFolderId_abc-XYZ"


def _ok(body) -> tuple[dict, str]:
    return {"status": "200", "content-type": "application/json"}, json.dumps(body)


def _media(data: bytes) -> tuple[dict, bytes]:
    return {"status": "200", "content-type": "video/mp4"}, data


def _error(status: int) -> tuple[dict, str]:
    body = {"error": {"code": status, "message": f"HTTP {status}", "errors": [{"reason": "x", "message": "m"}]}}
    return {"status": str(status), "content-type": "application/json"}, json.dumps(body)


def _file(n: int, **extra) -> dict:
    return {"id": f"file{n}Id", "name": f"clip {n}.mp4", "mimeType": "video/mp4",
            "webViewLink": f"https://drive.google.com/file/d/file{n}Id/view", **extra}


@pytest.fixture()
def folders_file(tmp_path) -> Path:
    path = tmp_path / "folders.json"
    path.write_text(json.dumps({"Foodie": FOLDER, "#Dance": "https://drive.google.com/drive/folders/1DanceId"}))
    return path


def _source(folders_file, responses, **settings):
    http = HttpMockSequence(list(responses))
    return load_source("drive", folders_file=folders_file, http=http, **settings), http


def _query(uri: str) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query).items()}


def test_lists_two_pages_and_downloads_real_video_bytes(folders_file, tmp_path, mp4_1s, mp4_2s):
    source, http = _source(folders_file, [
        _ok({"files": [_file(1, description="Ten-minute pasta", videoMediaMetadata={"durationMillis": "1000"}),
                       _file(2, name="../../etc/passwd.mp4")],
             "nextPageToken": "page-2"}),
        _media(mp4_1s),
        _media(mp4_2s),
        _ok({"files": [_file(3, mimeType="video/quicktime"), _file(4)]}),
        _media(mp4_2s),
    ])
    dest = tmp_path / "run" / "videos"
    videos, warnings = source.fetch("FOODIE", limit=3, dest=dest)
    assert warnings == []
    assert [v.title for v in videos] == ["clip 1", "../../etc/passwd", "clip 3"]
    # names are ours: the remote name "../../etc/passwd.mp4" never reaches the file system
    assert sorted(p.name for p in dest.iterdir()) == sorted(v.path.name for v in videos)
    assert all(re.fullmatch(r"drive-[0-9a-f]{16}\.(mp4|mov)", v.path.name) for v in videos)
    assert videos[2].path.suffix == ".mov"  # from the MIME type
    assert videos[0].path.read_bytes() == mp4_1s and videos[1].path.read_bytes() == mp4_2s
    assert videos[0].description == "Ten-minute pasta" and videos[1].description == ""
    assert videos[0].duration_s == 1.0  # Drive's metadata
    assert videos[1].duration_s == pytest.approx(2.0, abs=0.1)  # read from the downloaded file
    assert videos[0].url == "https://drive.google.com/file/d/file1Id/view"
    assert all(v.source == "drive" and v.tag == "FOODIE" for v in videos)

    uris = [uri for uri, *_ in http.request_sequence]
    assert len(uris) == 5 and http._iterable == []  # file 4 was not needed
    first, second = _query(uris[0]), _query(uris[3])
    assert first["q"] == f"'{FOLDER}' in parents and mimeType contains 'video/' and trashed = false"
    assert "pageToken" not in first and second["pageToken"] == "page-2"
    assert "nextPageToken" in first["fields"] and "videoMediaMetadata" in first["fields"]
    assert "/files/file1Id" in uris[1] and _query(uris[1])["alt"] == "media"


def test_folder_404_is_empty_with_a_warning_naming_the_tag(folders_file, tmp_path):
    source, http = _source(folders_file, [_error(404)])
    videos, warnings = source.fetch("Foodie", dest=tmp_path)
    assert videos == []
    assert len(warnings) == 1 and "#Foodie" in warnings[0] and FOLDER in warnings[0]
    assert len(http.request_sequence) == 1  # a 404 is not retried


def test_server_errors_are_retried_a_bounded_number_of_times(folders_file, tmp_path, mp4_1s):
    never_sent = _ok({"files": [_file(1)]})
    source, http = _source(folders_file, [_error(500), _error(503), never_sent], retries=1)
    videos, warnings = source.fetch("Foodie", dest=tmp_path)
    assert videos == []
    assert len(warnings) == 1 and "#Foodie" in warnings[0] and "503" in warnings[0]
    assert len(http.request_sequence) == 2 and http._iterable == [never_sent]  # 1 try + 1 retry


def test_one_failed_download_is_a_warning_and_the_others_arrive(folders_file, tmp_path, mp4_1s, mp4_2s):
    source, _ = _source(folders_file, [
        _ok({"files": [_file(1), _file(2, name="gone.mp4"), _file(3, name="fake.mp4"), _file(4)]}),
        _media(mp4_1s),
        _error(404),
        ({"status": "200", "content-type": "text/html"}, b"<html>sign in</html>"),  # not a video
        _media(mp4_2s),
    ])
    dest = tmp_path / "videos"
    videos, warnings = source.fetch("foodie", limit=3, dest=dest)
    assert [v.title for v in videos] == ["clip 1", "clip 4"]
    assert len(warnings) == 2
    assert "gone" in warnings[0] and "404" in warnings[0]
    assert "fake" in warnings[1] and "cannot read" in warnings[1]
    assert sorted(p.name for p in dest.iterdir()) == sorted(v.path.name for v in videos)  # no partials


def test_oversized_file_is_skipped_before_download(folders_file, tmp_path, mp4_1s):
    source, http = _source(folders_file, [
        _ok({"files": [_file(1, size=str(10**9)), _file(2)]}),
        _media(mp4_1s),
    ], max_bytes=10**6)
    videos, warnings = source.fetch("foodie", limit=3, dest=tmp_path)
    assert [v.title for v in videos] == ["clip 2"]
    assert "clip 1" in warnings[0] and len(http.request_sequence) == 2


def test_tag_without_folder_and_empty_folder(folders_file, tmp_path):
    source, http = _source(folders_file, [_ok({"files": []})])
    videos, warnings = source.fetch("Gardening", dest=tmp_path)
    assert videos == [] and "#Gardening" in warnings[0] and "TRENDTOK_DRIVE_FOLDERS" in warnings[0]
    assert http.request_sequence == []  # nothing asked of Drive
    videos, warnings = source.fetch("dance", dest=tmp_path)  # folder given as a URL in the file
    assert videos == [] and "1DanceId" in warnings[0]
    assert "'1DanceId' in parents" in _query(http.request_sequence[0][0])["q"]


def test_available_tags_are_the_config_keys(folders_file):
    source, _ = _source(folders_file, [])
    assert source.name == "drive" and source.available_tags() == ["Foodie", "Dance"]


def test_service_account_signs_the_requests(folders_file, tmp_path, mp4_1s):
    import rsa

    _, key = rsa.newkeys(1024)  # small: this key only signs a token request to the mock
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "trendtok-test", "private_key_id": "k1",
        "private_key": key.save_pkcs1().decode(), "client_email": "reader@trendtok-test.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token",
    }))
    http = HttpMockSequence([
        _ok({"access_token": "ya29.test-token", "token_type": "Bearer", "expires_in": 3600}),
        _ok({"files": [_file(1)]}),
        _media(mp4_1s),
    ])
    source = load_source("drive", folders_file=folders_file, credentials_file=key_file, http=http)
    videos, warnings = source.fetch("Foodie", dest=tmp_path)
    assert warnings == [] and len(videos) == 1
    token_uri, token_method, token_body, _ = http.request_sequence[0]
    assert token_uri == "https://oauth2.googleapis.com/token" and token_method == "POST"
    form = urllib.parse.parse_qs(token_body.decode() if isinstance(token_body, bytes) else token_body)
    claims = json.loads(base64.urlsafe_b64decode(form["assertion"][0].split(".")[1] + "=="))
    assert claims["scope"] == "https://www.googleapis.com/auth/drive.readonly"
    assert claims["iss"] == "reader@trendtok-test.iam.gserviceaccount.com"
    for _, _, _, headers in http.request_sequence[1:]:
        assert headers["authorization"] == "Bearer ya29.test-token"


def test_misconfiguration_raises_naming_the_setting(folders_file, tmp_path):
    http = HttpMockSequence([])
    with pytest.raises(VideoSourceError, match="TRENDTOK_DRIVE_FOLDERS"):
        load_source("drive", folders_file=None, http=http)
    with pytest.raises(VideoSourceError, match="not found: TRENDTOK_DRIVE_FOLDERS=.*missing.json"):
        load_source("drive", folders_file=tmp_path / "missing.json", http=http)
    bad = tmp_path / "bad.json"
    for content, match in [("{nope", "not readable JSON"), ("[1, 2]", "JSON object"),
                           (json.dumps({"foodie": "x' or name contains '"}), "folder of 'foodie'"),
                           (json.dumps({"food drink": "abc"}), "not a hashtag")]:
        bad.write_text(content)
        with pytest.raises(VideoSourceError, match=match):
            load_source("drive", folders_file=bad, http=http)
    with pytest.raises(VideoSourceError, match="GOOGLE_SERVICE_ACCOUNT_FILE"):
        load_source("drive", folders_file=folders_file)  # no credentials, no http
    with pytest.raises(VideoSourceError, match="not found: GOOGLE_SERVICE_ACCOUNT_FILE"):
        load_source("drive", folders_file=folders_file, credentials_file=tmp_path / "nokey.json")
    not_a_key = tmp_path / "key.json"
    not_a_key.write_text(json.dumps({"type": "authorized_user"}))
    with pytest.raises(VideoSourceError, match="not a service-account JSON key: GOOGLE_SERVICE_ACCOUNT_FILE"):
        load_source("drive", folders_file=folders_file, credentials_file=not_a_key)
    with pytest.raises(VideoSourceError, match="retries"):
        load_source("drive", folders_file=folders_file, http=http, retries=-1)
    source = load_source("drive", folders_file=folders_file, http=http)
    with pytest.raises(VideoSourceError, match="dest"):
        source.fetch("Foodie")
