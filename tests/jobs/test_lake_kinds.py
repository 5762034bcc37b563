"""The trend lake's job kinds on a studio of their own, through /api as a script calls them:
``lake_import`` (an uploaded export → one partition, its report as the result) and
``lake_stages`` (transcribe → analyse, one progress stage each)."""
from __future__ import annotations

import json

import pytest

from tests.conftest import create_key, own_studio
from trend_lake import Lake, run_query
from trend_lake.stages import STAGES

#: Three posts as TikTok-Api writes them (one without an id, which the importer skips).
ITEMS = [{"id": f"70000000000000000{n}", "desc": f"post {n} #Foodie", "createTime": 1700000000 + n,
          "stats": {"playCount": 100 * n, "diggCount": n, "shareCount": 0, "commentCount": 0},
          "author": {"uniqueId": "cook", "nickname": "Cook"}, "music": {"id": "1", "title": "Song"}}
         for n in (1, 2)] + [{"desc": "no id", "stats": {"playCount": 1}}]


@pytest.fixture(scope="module")
def lake_app(tmp_path_factory, models):
    with own_studio(tmp_path_factory.mktemp("lake-jobs"), models) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def key(lake_app):
    return create_key(lake_app, "lake-jobs")


@pytest.fixture
def client(lake_app):
    return lake_app.test_client()


@pytest.fixture
def lake(lake_app, tmp_path, monkeypatch) -> Lake:
    """A fresh lake for one test: the jobs read ``TRENDTOK_LAKE`` as each one starts."""
    monkeypatch.setitem(lake_app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    return Lake(tmp_path / "lake")


def _upload(client, key, data: bytes, *, filename: str, content_type: str = "application/json") -> str:
    created = client.post("/api/uploads", json={"filename": filename, "content_type": content_type,
                                                "size": len(data)}, headers={"X-API-Key": key})
    assert created.status_code == 201, created.get_data(as_text=True)
    put = client.put(created.get_json()["upload_url"], data=data, headers={"Content-Type": content_type})
    assert put.status_code == 200, put.get_data(as_text=True)
    return created.get_json()["upload_id"]


def _start(client, key, body: dict) -> str:
    created = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    return created.get_json()["job_id"]


def _job_count(client, key) -> int:
    return len(client.get("/api/jobs?limit=100", headers={"X-API-Key": key}).get_json()["jobs"])


@pytest.fixture(scope="module")
def export_id(lake_app, key):
    return _upload(lake_app.test_client(), key, json.dumps(ITEMS).encode(), filename="posts.json")


@pytest.fixture(scope="module")
def video_id(lake_app, key):
    from tiktok_videos import LIBRARY_DIR

    data = next(LIBRARY_DIR.glob("#Travel*/*.mp4")).read_bytes()
    return _upload(lake_app.test_client(), key, data, filename="trip.mp4", content_type="video/mp4")


@pytest.mark.parametrize("body, field, says", [
    ({"kind": "lake_import", "profile": "cooks"}, "upload_id", "required"),
    ({"kind": "lake_import", "upload_id": "0" * 32, "profile": "cooks"}, "upload_id", "no upload"),
    ({"kind": "lake_import", "upload_id": "../../etc/passwd", "profile": "cooks"}, "upload_id", "no upload"),
    ({"kind": "lake_import", "upload_id": "<video>", "profile": "cooks"}, "upload_id", "this needs export"),
    ({"kind": "lake_import", "upload_id": "<export>"}, "profile", "a name is required"),
    ({"kind": "lake_import", "upload_id": "<export>", "profile": "../etc"}, "profile", "letters, digits and _"),
    ({"kind": "lake_import", "upload_id": "<export>", "profile": ["cooks"]}, "profile", "a name is required"),
    ({"kind": "lake_stages", "stages": "transcribe"}, "stages", "a list"),
    ({"kind": "lake_stages", "stages": []}, "stages", "a list"),
    ({"kind": "lake_stages", "stages": None}, "stages", "a list"),
    ({"kind": "lake_stages", "stages": ["transcribe", "dance"]}, "stages", "not 'dance'"),
    ({"kind": "lake_stages", "stages": [1]}, "stages", "a list"),
])
def test_bad_params_are_a_400_naming_the_field_and_queue_nothing(client, key, export_id, video_id, body, field, says):
    ids = {"<export>": export_id, "<video>": video_id}
    body = {name: ids.get(value, value) if isinstance(value, str) else value for name, value in body.items()}
    before = _job_count(client, key)
    response = client.post("/api/jobs", json=body, headers={"X-API-Key": key})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error.startswith(f"{field}: ") and says in error, error
    assert _job_count(client, key) == before


@pytest.mark.slow  # every lake stage, zero-shot categories on the studio's MiniLM
def test_stages_run_in_the_lakes_order_each_once_and_default_to_all(client, key, lake, wait_job):
    job = wait_job(client, key, _start(client, key, {"kind": "lake_stages",
                                                     "stages": ["analyse", "transcribe", "analyse"]}), timeout=60)
    assert job["params"]["stages"] == ["transcribe", "analyse"]
    assert job["result"] == {"partitions": {"transcribe": 0, "analyse": 0}}  # an empty lake: nothing to do
    job = wait_job(client, key, _start(client, key, {"kind": "lake_stages"}), timeout=60)
    assert job["params"]["stages"] == list(STAGES) and job["status"] == "succeeded"


def test_an_import_job_imports_what_a_direct_ingest_does(lake_app, client, key, lake, shared_data, tmp_path,
                                                         wait_job):
    source = shared_data / "tiktok" / "trending_tiktokapi.json"
    upload_id = _upload(client, key, source.read_bytes(), filename="trending_tiktokapi.json")
    job = wait_job(client, key, _start(client, key, {"kind": "lake_import", "upload_id": upload_id,
                                                     "profile": "#trending"}), timeout=120)
    assert job["status"] == "succeeded", job["error"]
    direct = Lake(tmp_path / "direct").ingest(source, profile="trending").to_dict()
    result = job["result"]
    for name in ("format", "table", "read", "imported", "skipped", "reasons", "examples"):
        assert result[name] == direct[name], name
    assert (result["source"], result["profile"], job["params"]["profile"]) == \
        ("trending_tiktokapi.json", "trending", "trending")
    assert result["partition"].startswith("videos/metadata/profile=trending/processed_at=")
    assert lake.partitions("metadata") and run_query(lake, "SELECT count(*) AS n FROM metadata").table.to_pylist() \
        == [{"n": direct["imported"]}]
    assert lake_app.extensions["uploads"].get(upload_id).used_at is not None  # kept while its job is recent


def test_a_file_no_importer_reads_fails_the_job_with_the_reason_and_writes_nothing(client, key, lake, wait_job):
    broken = b'[{"id": "7000000000000000001", "stats": {"playCount": 1}},\n{"id": '  # cut short
    upload_id = _upload(client, key, broken, filename="cut short.json")
    job = wait_job(client, key, _start(client, key, {"kind": "lake_import", "upload_id": upload_id,
                                                     "profile": "cooks"}), timeout=60)
    assert job["status"] == "failed" and "result" not in job
    assert job["error"].startswith("source: 'cut short.json' is broken JSON (line 2"), job["error"]
    assert not lake.root.exists() or not list((lake.root / "videos").rglob("*.parquet"))

    not_an_export = b'{"kind": "a settings file", "theme": "dark"}'
    upload_id = _upload(client, key, not_an_export, filename="settings.json")
    job = wait_job(client, key, _start(client, key, {"kind": "lake_import", "upload_id": upload_id,
                                                     "profile": "cooks"}), timeout=60)
    assert job["status"] == "failed" and "is JSON but not a TikTok-Api" in job["error"]
    assert lake.partitions("metadata") == []


@pytest.mark.slow  # every lake stage, zero-shot categories on the studio's MiniLM
def test_the_stages_job_reports_each_stage_and_does_each_partition_once(lake_app, client, key, lake, tmp_path,
                                                                        wait_job):
    export = tmp_path / "posts.json"
    export.write_text(json.dumps(ITEMS))
    lake.ingest(export, profile="cooks")  # no videos kept: transcribe and analyse write empty partitions
    job_id = _start(client, key, {"kind": "lake_stages"})
    job = wait_job(client, key, job_id, timeout=120)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"] == {"partitions": {"transcribe": 1, "analyse": 1}}
    assert job["fraction"] == 1.0
    events = lake_app.extensions["jobs"].store.events(job_id)
    stages = [e["stage"] for e in events if e["stage"]]
    assert stages[0] == "transcribe" and stages[-1] == "analyse"
    assert stages.index("analyse") > len(stages) - 1 - stages[::-1].index("transcribe")  # one after the other
    fractions = [e["fraction"] for e in events]
    assert fractions == sorted(fractions)  # the bar only moves forward
    done = {e["stage"]: (e["done"], e["total"]) for e in events if e["stage"]}
    assert done == {"transcribe": (1, 1), "analyse": (1, 1)}
    assert lake.partitions("text") == lake.partitions("transcripts") == lake.partitions("metadata")

    again = wait_job(client, key, _start(client, key, {"kind": "lake_stages", "stages": ["transcribe"]}), timeout=60)
    assert again["status"] == "succeeded" and again["result"] == {"partitions": {"transcribe": 0}}
