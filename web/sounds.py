"""The ``/sounds`` page: trending sounds for hashtags with a music player, sound suggestions for
a clip, similar music for a track, and "try it on my clip" — plus ``GET /api/sounds/trending``
(on the API blueprint, with its keys and sessions) and the local audio of catalog sounds.

The page draws the trending list on the server; the uploads and jobs run from the page with its
session through ``/api`` (``web/static/sounds.js``), as the lake page's import does.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file, url_for

import sound_service
from sound_service.wire import trending_json
from sounds import SoundsError
from trend_lake import LakeError, Window, parse_window
from uploads import AUDIO_FORMATS

from .api import bp as api_bp

bp = Blueprint("sounds", __name__, template_folder="templates")

DEFAULT_TAGS = "foodie, recipeoftheday"


def _audio_url(sound_id: str) -> str:
    return url_for("sounds.audio", sound_id=sound_id)


def _tags(raw: str) -> list[str]:
    return [t for t in (part.strip() for part in raw.replace(",", " ").split()) if t]


def _window() -> Window | None:
    """The request's ``since``/``until``, checked before any other work (a ``LakeError`` naming the
    field), resolved against the catalog the list is drawn from."""
    query = parse_window(since=request.args.get("since"), until=request.args.get("until"))
    return sound_service.trending_window(current_app.config, query)


def _trending(raw_tags: str, limit: object, sort: str, window: Window | None = None) -> list[dict]:
    tags = _tags(raw_tags)
    if not tags:
        raise SoundsError("tags", "one or more hashtags, such as fitness,workout")
    try:
        limit = int(limit)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SoundsError("limit", f"a whole number from 1 to 100, not {str(limit)[:20]!r}") from None
    found = sound_service.trending(current_app.config, tags=tags, limit=limit, sort=sort, window=window)
    return trending_json(found, current_app.config, audio_url=_audio_url)


@bp.get("/sounds")
def page():
    raw = request.args.get("tags", DEFAULT_TAGS)
    sort = request.args.get("sort", "score")
    sounds, error, window = [], None, None
    try:
        window = _window()
        sounds = _trending(raw, request.args.get("limit", 10), sort, window)
    except (SoundsError, LakeError) as exc:
        error = str(exc)
    return render_template("sounds.html", tags=raw, sort=sort, sounds=sounds, error=error,
                           window=window.to_dict() if window else None,
                           since=request.args.get("since", ""), until=request.args.get("until", ""),
                           demo_shown=current_app.config["TRENDTOK_SOUNDS_DEMO"],
                           audio_formats=AUDIO_FORMATS,
                           max_upload_mb=current_app.config["TRENDTOK_UPLOAD_MAX_MB"]), 400 if error else 200


@bp.get("/sounds/audio/<path:sound_id>")  # an indexed track's id is "<folder>/<file>"
def audio(sound_id: str):
    """A catalog sound's local audio; 404 when it has none (the id is looked up, never a path)."""
    path = sound_service.audio_of(sound_id, current_app.config)
    if path is None:
        abort(404)
    return send_file(path, conditional=True, max_age=3600)


@api_bp.get("/sounds/trending")
def api_trending():
    """``?tags=fitness,workout&limit=10&sort=score|rising&since=30d&until=2025-10-01`` →
    ``{"tags", "sort", "window", "sounds": [...]}`` (``window``: the resolved one in ISO, or null)."""
    raw = request.args.get("tags", "")
    sort = request.args.get("sort", "score")
    window = _window()  # a StudioError answers 400 (web/errors.py)
    sounds = _trending(raw, request.args.get("limit", 10), sort, window)
    return jsonify(tags=_tags(raw), sort=sort, window=window.to_dict() if window else None, sounds=sounds)
