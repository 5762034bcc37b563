"""The Celery worker's entry point (Flask's Celery pattern): the same app as the server, built
from the same environment, so a worker runs jobs with the same settings, store and folders.

    TRENDTOK_BROKER_URL=redis://host:6379/0 celery -A make_celery worker --pool threads --concurrency 1

One job already uses every core of a small machine, hence one thread per worker; give a
GPU machine its own worker. Server and workers must share ``TRENDTOK_DB``, the run folder
and the uploads folder (or S3).
"""
import os
import sys

# Celery puts the current folder on sys.path only while it imports this module; the
# stages import their backends lazily, at a job's first use, so keep the project there.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from celery.signals import worker_ready  # noqa: E402

from app import create_app, serve  # noqa: E402
from settings import SettingsError  # noqa: E402

try:
    flask_app = create_app()
except SettingsError as exc:  # the worker refuses to start, as the server does, naming the setting
    raise SystemExit(f"make_celery: the studio cannot start: {exc}") from None
if "celery" not in flask_app.extensions:
    raise SystemExit("make_celery: TRENDTOK_BROKER_URL is not set, so there is no Celery app to run")
celery_app = flask_app.extensions["celery"]


@worker_ready.connect(weak=False)
def _serve(sender, **_) -> None:
    """A ready worker serves as the web server does: warm models, upload sweeps, and settling dead runners' jobs."""
    if sender.app is celery_app:
        serve(flask_app)
