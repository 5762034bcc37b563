"""TrendTok Studio: the Flask application factory and the ``search`` CLI command.

    flask --app app run --port 8888          # the studio in a browser
    flask --app app search Foodie CookingHacks --duration 15

Building the app opens its stores and starts nothing. A process that serves (``serve``: the web
server at start or on its first request, a Celery worker when it is ready) also warms the models,
sweeps old uploads and settles the jobs of servers that died; a CLI command never does, so
``flask --app app api-key list`` beside a running server leaves the server's jobs alone.
"""
from __future__ import annotations

import atexit
import json
import logging
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

import pipeline
import runs
import stages
from search_input import InputError, SearchRequest, parse_duration, parse_seed, parse_tags
from settings import SettingsError, check, load_settings, resolve_folders


def create_app(test_config: dict | None = None, *, models: pipeline.Studio | None = None) -> Flask:
    """Build the studio app; ``test_config`` overrides the environment. A bad setting in either
    raises ``SettingsError`` before anything is opened (a ``flask`` command prints it and exits 1).
    ``models``: a studio whose loaded models this app borrows (``pipeline.Studio``'s ``models``)."""
    environment, overrides = _checked_settings(test_config)
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(resolve_folders(environment, app.instance_path))
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    app.config.update(overrides)
    Path(app.config["TRENDTOK_RUNS_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    hops = app.config["TRENDTOK_PROXY_HOPS"]
    if hops > 0:  # upload URLs are absolute: behind a proxy they must name the proxy's scheme and host
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

    init_studio(app, models=models)
    import jobs
    import uploads
    from web import api, api_keys, auth, errors as web_errors, sessions
    from web import studio as studio_views

    sessions.init_app(app)
    api_keys.init_app(app)
    auth.init_app(app)  # after both: it reads the session and verifies keys for every request
    uploads.init_app(app)  # after sessions: the secret key signs upload URLs
    jobs.init_app(app)
    import sound_service
    import trend_lake

    from web import lake as lake_views
    from web import sounds as sounds_views  # adds GET /api/sounds/trending to api.bp: imported before it registers

    trend_lake.init_app(app)
    sound_service.init_app(app)
    web_errors.init_app(app)  # every StudioError a view lets out answers by its type
    app.register_blueprint(studio_views.bp)
    app.register_blueprint(lake_views.bp)
    app.register_blueprint(sounds_views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(search_command)
    app.before_request(lambda: serve(app))  # a server whose start we could not see serves from its first request
    if _started_as_server():
        serve(app)
    return app


def _checked_settings(test_config: dict | None) -> tuple[dict, dict]:
    """The environment's settings and ``test_config``, each validated and typed."""
    try:
        return load_settings(), check(test_config or {})
    except SettingsError as exc:
        if click.get_current_context(silent=True) is not None:  # a CLI command: one line, no traceback
            raise click.ClickException(f"the studio cannot start: {exc}") from None
        raise


_serve_lock = threading.Lock()


def serve(app: Flask) -> None:
    """Make this process one that serves the studio (once): warm the models, sweep expired uploads,
    and own jobs: settle what dead servers and workers left and take their queued jobs."""
    if app.extensions.get("serving"):
        return
    with _serve_lock:
        if app.extensions.get("serving"):
            return
        import uploads

        studio = app.extensions["studio"]
        if app.config["TRENDTOK_WARM_UP"] and not app.testing:
            threading.Thread(target=studio.warm_up, name="studio-warm-up", daemon=True).start()
        uploads.serve(app)
        app.extensions["jobs"].serve()
        app.extensions["serving"] = True


def _started_as_server() -> bool:
    """Whether this process was started to serve: ``flask run`` (the app is built inside that command)
    or gunicorn. Every other CLI command builds the app from its own command or the group."""
    context = click.get_current_context(silent=True)
    return (context is not None and context.info_name == "run") or "gunicorn.arbiter" in sys.modules


def init_studio(app: Flask, *, models: pipeline.Studio | None = None) -> None:
    """Attach one ``pipeline.Studio`` to the app (models load once per process, or come from ``models``)."""
    studio = pipeline.Studio(app.config, models=models)
    app.extensions["studio"] = studio
    if models is None:  # borrowed models are closed by the studio that loaded them
        atexit.register(studio.close)  # stops the transcription worker processes with the server


def get_studio() -> pipeline.Studio:
    return current_app.extensions["studio"]


@click.command("search")
@with_appcontext
@click.argument("tags", nargs=-1)
@click.option("--duration", default=None, help="Soundtrack length in seconds: 5 to 60 in steps of 5 (default 15).")
@click.option("--seed", default=None, help="Random seed for music and art (default: derived from the tags).")
def search_command(tags: tuple[str, ...], duration: str | None, seed: str | None) -> None:
    """Search TAGS (1 to 5 hashtags) and print the studio's result as JSON."""
    from tqdm import tqdm

    try:
        request = SearchRequest(tags=parse_tags(list(tags)), duration=parse_duration(duration),
                                seed=parse_seed(seed))
    except InputError as exc:
        raise click.UsageError(str(exc)) from None

    with tqdm(total=100, unit="%", file=sys.stderr, bar_format="{l_bar}{bar}| {n:.0f}%") as bar:
        def progress(stage: str, done: int, total: int) -> None:
            bar.set_description(stages.labels()[stage][:40].ljust(40))
            bar.n = 100 * stages.overall_fraction(stage, done, total)
            bar.refresh()

        result = runs.publish(get_studio().search(request, progress=progress))
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=8888)
