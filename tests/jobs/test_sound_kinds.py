"""The sounds job kinds through /api as a script calls them, on a studio of their own: a real
TikTok clip → ``suggest`` (catalog sounds, each with its reason) and ``try_sound`` (the clip
with a demo sound, as a run's MP4); a real music clip → ``similar``. Bad input is a 400 naming
its field before anything is queued."""
from __future__ import annotations

import subprocess

import imageio_ffmpeg
import pytest

from tests.conftest import create_key, own_studio

pytestmark = pytest.mark.slow  # suggest, try-on and similar jobs on real clips and songs

CLIP = "tiktok/videos/malwaretech-7261314534885870894.mp4"
SONG = "music/Kevin_MacLeod_-_Vibe_Ace.ogg"


@pytest.fixture(scope="module")
def sounds_app(tmp_path_factory, models):
    with own_studio(tmp_path_factory.mktemp("sounds-jobs"), models) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def key(sounds_app):
    return create_key(sounds_app, "sounds-jobs")


@pytest.fixture
def client(sounds_app):
    return sounds_app.test_client()


def _upload(client, key, data: bytes, *, filename: str, content_type: str) -> dict:
    created = client.post("/api/uploads", json={"filename": filename, "content_type": content_type,
                                                "size": len(data)}, headers={"X-API-Key": key})
    assert created.status_code == 201, created.get_data(as_text=True)
    client.put(created.get_json()["upload_url"], data=data, headers={"Content-Type": content_type})
    return client.get(created.get_json()["status_url"], headers={"X-API-Key": key}).get_json()


def _job(client, key, body: dict, wait_job) -> dict:
    created = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    return wait_job(client, key, created.get_json()["job_id"], timeout=300)


@pytest.fixture(scope="module")
def clip_id(sounds_app, key, shared_data):
    upload = _upload(sounds_app.test_client(), key, (shared_data / CLIP).read_bytes(), filename="my clip.mp4",
                     content_type="video/mp4")
    assert upload["status"] == "ready", upload
    return upload["upload_id"]


def test_suggest_gives_catalog_sounds_each_with_a_reason(client, key, clip_id, wait_job):
    job = _job(client, key, {"kind": "suggest", "upload_id": clip_id, "limit": 5}, wait_job)
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    assert "barbie" in result["text"]["transcript"].lower()  # the studio's text stage heard the clip
    assert len(result["suggestions"]) == 5
    assert all(s["reason"] and s["sound_id"].startswith("demo-") and s["playable"] for s in result["suggestions"])
    assert len({s["reason"] for s in result["suggestions"]}) > 1  # reasons say what drove each one
    assert job["stage"] == "rank" and job["fraction"] == 1.0  # the last of its text → video → rank steps


def test_try_sound_puts_a_demo_sound_on_the_clip(client, key, clip_id, wait_job, shared_data):
    job = _job(client, key, {"kind": "try_sound", "upload_id": clip_id, "sound_id": "demo-golden-hour"}, wait_job)
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    video = client.get(result["video_url"])
    assert video.status_code == 200 and video.data[4:8] == b"ftyp"
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", "-"], input=video.data,
                           capture_output=True).stderr.decode()
    assert "Video: h264" in probe and "Audio: aac" in probe
    assert result["keep_original"] is True and result["hook_start_s"] >= 0


def test_similar_finds_indexed_tracks_for_an_uploaded_song(client, key, wait_job, shared_data):
    upload = _upload(client, key, (shared_data / SONG).read_bytes(), filename="song.ogg", content_type="audio/ogg")
    assert upload["status"] == "ready", upload
    job = _job(client, key, {"kind": "similar", "upload_id": upload["upload_id"], "limit": 3}, wait_job)
    assert job["status"] == "succeeded", job.get("error")
    similar = job["result"]["similar"]
    assert len(similar) == 3 and all("path" not in t for t in similar)  # no server path leaks
    assert [t["rank"] for t in similar] == [1, 2, 3]


@pytest.mark.parametrize("body, field", [
    ({"kind": "suggest"}, "upload_id"),
    ({"kind": "suggest", "upload_id": "CLIP", "limit": 0}, "limit"),
    ({"kind": "suggest", "upload_id": "CLIP", "limit": 10000}, "limit"),
    ({"kind": "try_sound", "upload_id": "CLIP"}, "sound_id"),
    ({"kind": "try_sound", "upload_id": "CLIP", "sound_id": "no-such-sound"}, "sound_id"),
    ({"kind": "try_sound", "upload_id": "CLIP", "sound_id": "demo-runway", "keep_original": "yes"}, "keep_original"),
    ({"kind": "similar", "upload_id": "CLIP"}, "upload_id"),  # a video is not the audio it reads
])
def test_bad_input_is_a_400_naming_the_field(client, key, clip_id, body, field):
    body = {k: clip_id if v == "CLIP" else v for k, v in body.items()}
    answer = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["error"].startswith(f"{field}: ")


def test_audio_that_is_not_audio_is_refused_at_the_upload(client, key, tmp_path):
    fake = _upload(client, key, b"this is a text file, not an mp3\n" * 40, filename="song.mp3",
                   content_type="audio/mpeg")
    assert fake["status"] == "rejected" and fake["error"]
    empty = client.post("/api/uploads", json={"filename": "empty.mp3", "content_type": "audio/mpeg", "size": 0},
                        headers={"X-API-Key": key})
    assert empty.status_code == 400 and empty.get_json()["error"].startswith("size: ")


def test_a_whole_valued_limit_is_a_whole_number_as_json_schema_says():
    from jobs.sound_kinds import _limit
    from search_input import InputError

    assert _limit({"limit": 10.0}) == 10 and isinstance(_limit({"limit": 10.0}), int)
    for bad in (10.5, float("nan"), float("inf"), True, "10"):
        with pytest.raises(InputError, match="limit"):
            _limit({"limit": bad})
