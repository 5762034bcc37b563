"""The one error tree: every studio error derives from errors.StudioError, names its field (or None),
reads as its message; the web answers each branch with its status, in one place (web/errors.py)."""
from __future__ import annotations

import importlib
import pickle

import pytest
from flask import Flask

import errors
from web import errors as web_errors

#: Every module that defines studio errors (imported so their classes exist).
MODULES = ("jobs", "uploads", "sounds", "trend_lake", "trend_lake.rows", "trend_lake.categories", "summariser",
           "summariser.llm", "summariser._reply", "remix", "runs", "search_input", "animate_text", "music_gen",
           "music_gen.musicgen", "tiktok_to_text", "tiktok_to_text.transcribers", "tiktok_to_text.whisper_weights",
           "tiktok_videos", "web.api_keys", "web.lake", "pipeline", "settings")


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_studio_error_has_a_field_and_reads_as_its_message():
    for name in MODULES:
        importlib.import_module(name)
    classes = _subclasses(errors.StudioError)
    assert len(classes) >= 30
    for cls in classes:
        assert issubclass(cls, errors.StudioError)
    error = errors.StudioError("song", "is silent")
    assert (error.field, error.message, str(error), error.text) == ("song", "song: is silent", "song: is silent",
                                                                    "is silent")
    whole = errors.SettingsError("TRENDTOK_POOL", "TRENDTOK_POOL must be one of thread, process")
    assert str(whole) == whole.message == "TRENDTOK_POOL must be one of thread, process"
    assert str(errors.StudioError(None, "cancelled before the music stage")) == "cancelled before the music stage"
    assert str(errors.StudioError("size", "sizes differ")) == "size: sizes differ"  # a word, not a prefix


def test_the_branches_keep_what_callers_rely_on():
    import jobs
    import runs
    import sounds
    import uploads
    from tiktok_to_text.whisper_weights import WhisperWeightsMissing

    assert issubclass(errors.NotFound, LookupError) and issubclass(errors.SettingsError, ValueError)
    for cls in (jobs.JobNotFound, uploads.UploadNotFound, runs.RunNotFound):
        assert issubclass(cls, errors.NotFound)
    assert issubclass(WhisperWeightsMissing, LookupError) and issubclass(sounds.SoundsError, ValueError)
    assert issubclass(jobs.QueueFull, errors.LimitReached) and issubclass(jobs.BrokerUnavailable, errors.Unavailable)
    assert issubclass(jobs.JobCancelled, errors.Cancelled)


def test_errors_survive_pickling_whatever_their_init_takes():
    import pipeline
    from jobs import QueueFull

    for error in (QueueFull("queue", "the job queue is full (3 waiting)", retry_after=7),
                  pipeline.SearchCancelled("music"), errors.StudioError("tags", "too many")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and again.__dict__ == error.__dict__


@pytest.fixture()
def client():
    app = Flask(__name__)
    web_errors.init_app(app)
    raised = {
        "bad": errors.StudioError("tags", "one or more hashtags"),
        "missing": errors.NotFound("job_id", "no job 'x'"),
        "forbidden": errors.Forbidden("signature", "not a valid upload URL"),
        "conflict": errors.Conflict("job_id", "the job already ended (succeeded)"),
        "large": errors.TooLarge("sql", "sql: result is over 2.0 MB, the limit is 1 MB"),
        "unusable": errors.Unusable("content", "the export is empty"),
        "busy": errors.LimitReached("queue", "the job queue is full (3 waiting)", retry_after=5),
        "down": errors.Unavailable("queue", "the job broker cannot be reached", retry_after=30),
        "setting": errors.SettingsError("SD_STEPS", "SD_STEPS must be a whole number, not 'many'"),
    }

    @app.get("/api/<name>")
    @app.get("/page/<name>")
    def fail(name):
        raise raised[name]

    return app.test_client()


@pytest.mark.parametrize("name, status", [("bad", 400), ("missing", 404), ("forbidden", 403), ("conflict", 409),
                                          ("large", 413), ("unusable", 422), ("busy", 429), ("down", 503),
                                          ("setting", 500)])
def test_the_web_answers_each_branch_with_its_status(client, name, status):
    response = client.get(f"/api/{name}")
    assert response.status_code == status
    assert set(response.get_json()) == {"error"} and response.get_json()["error"].split(":")[0] in (
        "tags", "job_id", "signature", "sql", "content", "queue", "SD_STEPS must be a whole number, not 'many'")
    page = client.get(f"/page/{name}")
    assert page.status_code == status and page.mimetype == "text/html"


def test_retry_after_and_the_message_reach_the_caller(client):
    response = client.get("/api/busy")
    assert response.get_json() == {"error": "queue: the job queue is full (3 waiting)"}
    assert response.headers["Retry-After"] == "5"
    page = client.get("/page/down")
    assert b"queue: the job broker cannot be reached" in page.data and page.headers["Retry-After"] == "30"
