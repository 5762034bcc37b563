"""TrendTok Studio: the Flask application factory and the ``search`` CLI command.

    flask --app app run --port 8888          # the studio in a browser
    flask --app app search Foodie CookingHacks --duration 15
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app

import pipeline
from search_input import InputError, SearchRequest, parse_duration, parse_seed, parse_tags

#: Every setting, its environment variable of the same name, and its default.
#: ``.env.example`` documents each one for creators.
DEFAULTS: dict[str, object] = {
    "TRENDTOK_SOURCE": "library",            # library | drive | ytdlp
    "TRENDTOK_LIBRARY": "",                  # a folder of category folders; empty = the bundled demo library
    "TRENDTOK_DRIVE_FOLDERS": "",            # JSON file mapping tag -> Google Drive folder id
    "GOOGLE_SERVICE_ACCOUNT_FILE": "",
    "TRENDTOK_YTDLP_URL": "https://www.tiktok.com/tag/{tag}",
    "TRENDTOK_VIDEOS_PER_TAG": 3,
    "TRENDTOK_TRANSCRIBER": "auto",          # auto | sphinx | google | whisper
    "TRENDTOK_OCR": True,
    "TRENDTOK_WORKERS": 2,
    "TRENDTOK_POOL": "process",              # process | thread
    "TRENDTOK_SUMMARISER": "auto",           # auto | minilm | llamaapi | openai | llamacpp
    "TRENDTOK_MUSIC": "auto",                # auto | composer | musicgen
    "TRENDTOK_IMAGE": "auto",                # auto | poster | stable-diffusion
    "TRENDTOK_DEVICE": "",                   # empty = CUDA, then MPS, then CPU
    "TRENDTOK_WARM_UP": False,               # load the models when the server starts (make run sets it)
    "WHISPER_MODEL": "openai/whisper-small",
    "MUSICGEN_MODEL": "facebook/musicgen-small",
    "SD_MODEL": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "SD_STEPS": 25,
    "OPENAI_BASE_URL": "",
    "OPENAI_API_KEY": "",
    "OPENAI_MODEL": "llama3.1",
    "LLAMA_API_KEY": "",
    "LLAMA_GGUF": "",
}


def _from_env(name: str, default: object) -> object:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() not in ("0", "false", "no", "off", "")
    if isinstance(default, int):
        return int(raw)
    return raw


def create_app(test_config: dict | None = None) -> Flask:
    """Build the studio app; ``test_config`` overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update({name: _from_env(name, default) for name, default in DEFAULTS.items()})
    app.config["TRENDTOK_RUNS_DIR"] = os.environ.get("TRENDTOK_RUNS_DIR") or os.path.join(app.instance_path, "runs")
    app.config["TRENDTOK_CACHE_DIR"] = os.environ.get("TRENDTOK_CACHE_DIR") or os.path.join(app.instance_path, "cache")
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    if test_config:
        app.config.update(test_config)
    Path(app.config["TRENDTOK_RUNS_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    init_studio(app)
    from web import studio as studio_views

    app.register_blueprint(studio_views.bp)
    app.cli.add_command(search_command)
    return app


def init_studio(app: Flask) -> None:
    """Attach one ``pipeline.Studio`` to the app (models load once per process)."""
    studio = pipeline.Studio(app.config)
    app.extensions["studio"] = studio
    if app.config["TRENDTOK_WARM_UP"] and not app.testing:
        threading.Thread(target=studio.warm_up, name="studio-warm-up", daemon=True).start()


def get_studio() -> pipeline.Studio:
    return current_app.extensions["studio"]


@click.command("search")
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
            bar.set_description(pipeline.STAGE_LABELS[stage][:40].ljust(40))
            bar.n = 100 * pipeline.overall_fraction(stage, done, total)
            bar.refresh()

        result = get_studio().search(request, progress=progress)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=8888)
