"""May I use this sound? One answer per kind of sound the studio shows or returns, written for a
creator: every trending row, suggestion, similar track and generated soundtrack carries
``{"kind", "note"}`` from ``licence(kind)``.

    licence("original")        # {"kind": "original", "note": "Another creator's original sound: …"}
    kind_of_posts(demo=False, original=True, commercial=True)   # "commercial"
    kind_of_backend("musicgen")                                  # "generated-nc"

This is what the studio can tell from what it holds, not legal advice: TikTok's own flag on a
post's sound (``music.original``), the profile the post was imported as, and which backend made
a soundtrack. A bottom module: it imports nothing of ours but ``errors``.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any

from errors import StudioError

#: The kinds, from the most to the least known.
KINDS = ("original", "commercial", "generated", "generated-nc", "demo", "unknown")

NOTES = MappingProxyType({
    "original": "Another creator's original sound: you may use it in your TikToks, "
                "but not download it and post it anywhere else.",
    "commercial": "A released track: TikTok's licence covers using it inside the TikTok app only. "
                  "A business account may only use tracks from TikTok's Commercial Music Library.",
    "generated": "Made here by the studio's composer: free to use, on TikTok and anywhere else, "
                 "ads and business accounts included.",
    "generated-nc": "Made here by MusicGen, whose weights are licensed CC-BY-NC: fine for your own posts, "
                    "not for commercial use (ads, sponsored posts, business accounts).",
    "demo": "A demo sound that ships with the studio so its features work out of the box: its posts and "
            "numbers are made up, not TikTok's.",
    "unknown": "Nothing here says who owns this sound: check its rights before you use it, "
               "and do not use it on a business account.",
})

#: The JSON shape of ``licence(kind)``, for the OpenAPI document and the run JSON's schema.
SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["kind", "note"], "additionalProperties": False,
    "description": "May this sound be used, and where: " + "; ".join(f"{k}: {NOTES[k]}" for k in KINDS),
    "properties": {"kind": {"type": "string", "enum": list(KINDS)}, "note": {"type": "string"}},
}

#: The music backends whose output is free to use; every other one is MusicGen-like (CC-BY-NC
#: weights) only when named so, else unknown.
_FREE_BACKENDS = ("composer",)
_NC_BACKENDS = ("musicgen",)


def licence(kind: str) -> dict[str, str]:
    """``{"kind", "note"}`` for one of ``KINDS``; ``StudioError("licence", …)`` for anything else."""
    if not isinstance(kind, str) or kind not in NOTES:
        raise StudioError("licence", f"one of {', '.join(KINDS)}, not {str(kind)[:40]!r}")
    return {"kind": kind, "note": NOTES[kind]}


def kind_of_posts(*, demo: bool, original: bool, commercial: bool) -> str:
    """A catalog sound's kind from its posts: ``demo``, some post is the studio's demo data;
    ``original``, some post's export flags the sound as the creator's own (``music.original``
    true); ``commercial``, some post's flags it as not original (false). No flag at all (yt-dlp
    gives none) is ``unknown``.

    Posts of one sound that disagree count as commercial: TikTok flips the flag when it matches
    an "original sound" to a released recording (an upload of a hit), hardly ever back, and
    calling a released track "original" would tell a business account it may use it, the
    costly mistake; the stricter reading costs only a creator who would have been allowed."""
    if demo:
        return "demo"
    if commercial:
        return "commercial"
    return "original" if original else "unknown"


def kind_of_backend(backend: str | None) -> str:
    """A generated soundtrack's kind from the backend its record names."""
    if backend in _FREE_BACKENDS:
        return "generated"
    return "generated-nc" if backend in _NC_BACKENDS else "unknown"
