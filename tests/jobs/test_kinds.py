"""The job-kind table (jobs.kinds): one entry per kind, every handler of the same shape, the upload
fetched for a kind in one place, and a kind added to the table taken and run with nothing else edited."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import remix
import runs
from jobs import KINDS, JobStatus, KindSpec, UnknownKind, check_params
from jobs._types import Job
from jobs.kind_spec import UploadNeed
from jobs.kinds import handlers
from search_input import InputError
from uploads import Upload, UploadError, UploadStatus

ALL_KINDS = {"search", "studio", "regenerate", "preview", "lake_import", "lake_stages", "suggest", "try_sound",
             "similar"}


class FakeUploads:
    """Uploads that hold one ready upload of each media, and remember every fetch."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fetched: list[tuple[str, str | None, str | None]] = []
        self.used: list[str] = []

    def clip(self, upload_id: str, *, owner: str | None = None, media: str | None = None) -> Upload:
        self.fetched.append((upload_id, owner, media))
        if media is not None and not upload_id.startswith(media):
            raise UploadError("upload_id", f"the upload is something else; this needs {media}")
        return Upload(id=upload_id, owner="key:1", filename="my clip.mp4", content_type="video/mp4", size=1,
                      status=UploadStatus.READY, created_at=0.0, expires_at=1.0, media=media)

    def mark_used(self, upload_id: str) -> None:
        self.used.append(upload_id)

    def path(self, upload_id: str) -> Path:
        return self.folder / upload_id


class Context:
    def progress(self, stage, done, total, fraction):
        pass

    def should_stop(self):
        return False


def _job(kind: str, params: dict) -> Job:
    return Job(id="j" * 32, kind=kind, owner="key:1", status=JobStatus.RUNNING, params=params, created_at=0.0)


def test_the_table_has_every_kind_each_with_the_same_two_signatures():
    assert set(KINDS) == ALL_KINDS
    for name, spec in KINDS.items():
        assert spec.name == name
        assert list(inspect.signature(spec.params).parameters) == ["payload", "submission"], name
        assert list(inspect.signature(spec.run).parameters) == ["job", "context", "services", "upload"], name
        assert spec.returns and isinstance(spec.schema.get("properties", {}), dict)
    assert len({spec.schema_name for spec in KINDS.values()}) == len(KINDS)


def test_a_kind_takes_an_upload_exactly_when_its_schema_requires_one():
    for name, spec in KINDS.items():
        required = spec.schema.get("required", [])
        assert ("upload_id" in required) == (spec.upload is not None), name
        assert set(required) <= set(spec.schema["properties"]), name


@pytest.mark.parametrize("name", sorted(ALL_KINDS))
def test_each_required_field_left_out_is_an_input_error_naming_it(name, tmp_path):
    spec = KINDS[name]
    uploads = FakeUploads(tmp_path)
    run_id = "a" * 32
    runs.save(tmp_path / "runs", {"run_id": run_id, "music": "/runs/music.wav"})
    full = {"upload_id": f"{spec.upload.media}-1" if spec.upload else None, "tags": ["Foodie"], "run_id": run_id,
            "part": remix.PARTS[0], "profile": "cooks", "sound_id": "demo-runway"}
    for field in spec.schema.get("required", []):
        payload = {key: value for key, value in full.items() if key in spec.schema["properties"] and key != field}
        with pytest.raises(InputError) as caught:
            check_params(name, payload, owner="key:1", uploads=uploads, runs_dir=tmp_path / "runs")
        assert str(caught.value).startswith(f"{field}: "), (name, field, str(caught.value))


def test_an_unknown_kind_lists_every_kind_of_the_table():
    with pytest.raises(UnknownKind) as caught:
        check_params("render", {}, owner="key:1")
    assert str(caught.value) == f"kind: must be one of {', '.join(sorted(ALL_KINDS))}, not 'render'"


def test_the_upload_is_fetched_for_the_kind_at_submission_and_again_when_it_runs(tmp_path):
    uploads = FakeUploads(tmp_path)
    params = check_params("similar", {"upload_id": "audio-7", "limit": 3}, owner="key:1", uploads=uploads)
    assert params == {"upload_id": "audio-7", "limit": 3, "genre": None}
    assert uploads.fetched == [("audio-7", "key:1", "audio")] and uploads.used == ["audio-7"]  # the caller's only
    with pytest.raises(UploadError, match="this needs audio"):
        check_params("similar", {"upload_id": "video-7"}, owner="key:1", uploads=uploads)
    with pytest.raises(UploadError, match="upload_id: this server takes no uploads"):
        check_params("studio", {"upload_id": "video-7"}, owner="key:1", uploads=None)
    with pytest.raises(InputError, match="upload_id: required: the id POST /api/uploads gave for a JSON or CSV"):
        check_params("lake_import", {"profile": "cooks"}, owner="key:1", uploads=uploads)


def test_a_kind_added_to_the_table_is_checked_and_run_with_its_upload(tmp_path, monkeypatch):
    seen = {}

    def toy_params(payload, submission):
        seen["submission"] = submission
        return {"loud": bool(payload.get("loud"))}

    def run_toy(job, context, services, upload):
        seen["run"] = (job.params, upload.id, services.uploads.path(upload.id))
        return {"heard": upload.filename}

    monkeypatch.setitem(KINDS, "toy", KindSpec("toy", toy_params, run_toy, returns="{heard}",
                                               upload=UploadNeed("audio"), schema={"required": ["upload_id"]}))
    uploads = FakeUploads(tmp_path)
    params = check_params("toy", {"upload_id": "audio-1", "loud": 1}, owner="key:2", uploads=uploads,
                          runs_dir=tmp_path)
    assert params == {"upload_id": "audio-1", "loud": True}
    assert seen["submission"].owner == "key:2" and seen["submission"].upload.id == "audio-1"
    assert seen["submission"].runs_dir == tmp_path

    handler = handlers(object(), uploads, lake=lambda: None, settings=dict)["toy"]
    result = handler(_job("toy", params), Context())
    assert result == {"heard": "my clip.mp4", "upload_id": "audio-1"}
    assert seen["run"] == (params, "audio-1", tmp_path / "audio-1")
    assert uploads.fetched[-1] == ("audio-1", None, "audio")  # read again as it starts: it may have expired


def test_a_kind_without_an_upload_never_touches_the_uploads(tmp_path):
    uploads = FakeUploads(tmp_path)
    assert check_params("lake_stages", {}, owner="key:1", uploads=uploads) == {"stages": ["transcribe", "analyse"]}
    assert uploads.fetched == []
