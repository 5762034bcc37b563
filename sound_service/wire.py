"""The sounds features' answers as JSON, one shape for the API, the page and the CLI's
``--format json``: each sound says whether it can be played here, and where."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Callable, Mapping, Sequence

from .sources import audio_of

AudioUrl = Callable[[str], str]


def _web(url: str | None) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def trending_json(found: Sequence[Any], config: Mapping[str, Any], *, audio_url: AudioUrl | None = None) -> list[dict]:
    """``TrendingSound``s as dicts, with ``playable`` and ``audio_url`` (the local audio's URL when
    the sound has some, else None: a real export's ``play_url`` is kept, but it usually expired)."""
    out = []
    for sound in found:
        data = asdict(sound)
        # Objects in JSON, not arrays; a link only when it is a web address: an export's webpage_url
        # is whatever the file said, and "javascript:…" in an href would run on the page.
        data["top_posts"] = [{**post._asdict(), "url": _web(post.url)} for post in sound.top_posts]
        data["play_url"] = _web(sound.play_url)
        playable = audio_of(sound.sound_id, config) is not None
        data["playable"] = playable
        data["audio_url"] = audio_url(sound.sound_id) if playable and audio_url else None
        out.append(data)
    return out
