"""Every studio setting in one place: its name (also its environment variable) and default.

``app.create_app`` and ``init.py`` both read settings through ``load_settings``;
``.env.example`` documents each one for creators. An optional setting left empty is ``None``
after loading (``normalise`` does it once, for the environment and for test configs alike),
so nothing downstream asks "empty or missing?" again. Model ids are owned by their stage
package and only named here.
"""
from __future__ import annotations

import math
import os
from typing import Any, Mapping

from animate_text import DEFAULT_SD_MODEL
from music_gen import DEFAULT_MUSICGEN_MODEL
from sounds.mix import DEFAULT_MUSIC_LEVEL_DB, MUSIC_LEVEL_RANGE_DB
from summariser import DEFAULT_OPENAI_MODEL
from tiktok_to_text.whisper_weights import DEFAULT_WHISPER_MODEL
from errors import SettingsError

DEFAULTS: dict[str, Any] = {
    "TRENDTOK_SOURCE": "library",            # library | drive | ytdlp
    "TRENDTOK_LIBRARY": None,                # a folder of category folders; empty = the bundled demo library
    "TRENDTOK_DRIVE_FOLDERS": None,          # JSON file mapping tag -> Google Drive folder id
    "GOOGLE_SERVICE_ACCOUNT_FILE": None,
    "TRENDTOK_YTDLP_URL": "https://www.tiktok.com/tag/{tag}",
    "TRENDTOK_VIDEOS_PER_TAG": 3,
    "TRENDTOK_RUNS_DIR": None,               # empty = <instance>/runs
    "TRENDTOK_CACHE_DIR": None,              # empty = <instance>/cache
    "TRENDTOK_DB": None,                     # jobs and API keys (SQLite); empty = <instance>/trendtok.sqlite3
    "TRENDTOK_LAKE": None,                   # the trend lake: a folder or s3://bucket/prefix; empty = <instance>/lake
    "TRENDTOK_LAKE_MAX_RESULT_MB": 50,       # a lake query's result past this many MB answers 413
    "TRENDTOK_LAKE_QUERIES": 2,              # lake queries one server process runs at once; one more is 429
    "TRENDTOK_JOB_THREADS": 1,               # jobs run at once in the server process (a search uses every core)
    "TRENDTOK_QUEUE_SIZE": 32,               # jobs that may wait; beyond that a new one gets 429 + Retry-After
    "TRENDTOK_JOB_HEARTBEAT_S": 5,           # a runner refreshes its jobs this often; 3 missed beats = its process died
    "TRENDTOK_BROKER_URL": None,             # redis://host:6379/0 = jobs run on Celery workers; empty = in the server
    "TRENDTOK_UPLOADS_DIR": None,            # creators' own clips; empty = uploads/ beside TRENDTOK_DB
    "TRENDTOK_UPLOAD_MAX_MB": 200,           # largest upload accepted
    "TRENDTOK_UPLOAD_MAX_SECONDS": 180,      # longest clip accepted (checked by decoding, not by name)
    "TRENDTOK_UPLOAD_TTL_S": 3600,           # an upload URL's life, and an unused upload's
    "TRENDTOK_UPLOAD_KEEP_S": 86400,         # a used upload is kept this long after its last job
    "TRENDTOK_UPLOAD_QUOTA_MB": 1000,        # what one caller's unused uploads may hold at once; 0 = no limit
    "TRENDTOK_S3_BUCKET": None,              # uploads go to this bucket via presigned URLs; empty = this server
    "TRENDTOK_S3_ENDPOINT_URL": None,        # an S3-compatible store (MinIO, Ceph) for uploads and the lake; empty = AWS
    "TRENDTOK_CALLBACK_HOSTS": None,         # hosts a job's callback_url may name (comma-separated); empty = none
    "TRENDTOK_CALLBACK_SECRET": None,        # signs callbacks (X-TrendTok-Signature); empty = derived from the secret key
    "TRENDTOK_PROXY_HOPS": 0,                # reverse proxies in front (X-Forwarded-*); 0 = none, trust no header
    "TRENDTOK_SECRET_KEY": None,             # signs browser sessions; empty = a key made once beside TRENDTOK_DB
    "TRENDTOK_REQUIRE_KEY": False,           # 1 = every data route needs an API key or a signed-in session (exposed)
    "TRENDTOK_COOKIE_SECURE": False,         # 1 = the session cookie is sent over HTTPS only
    "TRENDTOK_EVENT_STREAMS": 4,             # open /events streams per key or browser session; one more is 429
    "TRENDTOK_SOUNDS_DEMO": True,            # show the embedded demo sounds catalog (lake profile "demo") beside real imports
    "TRENDTOK_SOUNDS_MUSIC_DB": DEFAULT_MUSIC_LEVEL_DB,  # "try it on my clip": the song this many LU under the clip's sound
    "TRENDTOK_TRANSCRIBER": "auto",          # auto | sphinx | google | whisper
    "TRENDTOK_OCR": True,
    "TRENDTOK_WORKERS": 2,
    "TRENDTOK_POOL": "process",              # process | thread
    "TRENDTOK_SUMMARISER": "auto",           # auto | minilm | llamaapi | openai | llamacpp
    "TRENDTOK_MUSIC": "auto",                # auto | composer | musicgen
    "TRENDTOK_IMAGE": "auto",                # auto | poster | stable-diffusion
    "TRENDTOK_DEVICE": None,                 # empty = CUDA, then MPS, then CPU
    "TRENDTOK_WARM_UP": False,               # load the models when the server starts (make run sets it)
    "WHISPER_MODEL": DEFAULT_WHISPER_MODEL,  # tiny.en | base (pip-installed), a folder, or a cached HF id
    "MUSICGEN_MODEL": DEFAULT_MUSICGEN_MODEL,
    "SD_MODEL": DEFAULT_SD_MODEL,
    "SD_STEPS": 25,
    "SD_SIZE": "512x896",                    # generation size WIDTHxHEIGHT; the cover is then fitted to 1080x1920
    "OPENAI_BASE_URL": None,
    "OPENAI_API_KEY": None,
    "OPENAI_MODEL": DEFAULT_OPENAI_MODEL,
    "LLAMA_API_KEY": None,
    "LLAMA_GGUF": None,
}


#: The decimal settings' allowed ranges, from the stage that reads each.
_RANGES: dict[str, tuple[float, float]] = {"TRENDTOK_SOUNDS_MUSIC_DB": MUSIC_LEVEL_RANGE_DB}


def _convert(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() not in ("0", "false", "no", "off", "")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(name, f"{name} must be a whole number, not {raw!r}") from None
    if isinstance(default, float):
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(name, f"{name} must be a number, not {raw!r}") from None
        low, high = _RANGES.get(name, (-math.inf, math.inf))
        if not (math.isfinite(value) and low <= value <= high):
            raise SettingsError(name, f"{name} must be a number from {low:g} to {high:g}, not {raw!r}")
        return value
    if name.endswith("_SIZE"):
        parse_size(name, raw)  # refuse a bad size when the studio starts, not at its first cover
    return raw


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every empty or blank string of a known setting turned into ``None``."""
    return {name: None if name in DEFAULTS and isinstance(value, str) and not value.strip() else value
            for name, value in values.items()}


def load_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The defaults, overridden by any environment variable of the same name; empty means ``None``."""
    environ = os.environ if environ is None else environ
    return normalise({name: _convert(name, environ[name], default) if name in environ else default
                      for name, default in DEFAULTS.items()})


def resolve_folders(settings: dict[str, Any], instance_path: str | os.PathLike) -> dict[str, Any]:
    """``settings`` with the empty run folder, cache folder, database and lake set to their
    defaults under ``instance_path``."""
    return {
        **settings,
        "TRENDTOK_RUNS_DIR": settings["TRENDTOK_RUNS_DIR"] or os.path.join(instance_path, "runs"),
        "TRENDTOK_CACHE_DIR": settings["TRENDTOK_CACHE_DIR"] or os.path.join(instance_path, "cache"),
        "TRENDTOK_DB": settings["TRENDTOK_DB"] or os.path.join(instance_path, "trendtok.sqlite3"),
        "TRENDTOK_LAKE": settings["TRENDTOK_LAKE"] or os.path.join(instance_path, "lake"),
    }


def models_dir(settings: Mapping[str, Any]) -> str:
    """Where models that pip installs in pieces are put together: ``<cache>/models``."""
    return os.path.join(settings["TRENDTOK_CACHE_DIR"], "models")


def parse_size(name: str, raw: str) -> tuple[int, int]:
    """``"512x896"`` as ``(512, 896)``; else ``SettingsError`` naming the setting."""
    width, sep, height = str(raw).strip().lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise SettingsError(name, f"{name} must be WIDTHxHEIGHT in pixels, such as 512x896, not {raw!r}")
    return int(width), int(height)
