"""The sounds features over the trend lake: the sources they read (the lake's catalog of posts,
the embedded demo posts, local audio, the similar-music index) and each feature end to end, for
the ``/sounds`` page, the jobs and ``flask --app app sounds …`` alike.

The ``sounds`` package ranks and matches what it is given; this package reads the lake.
"""
from __future__ import annotations

from .sources import DEMO_PROFILE, audio_of, catalog_posts, demo_sounds, seed_demo
from .service import SimilarMatch, build_index, similar, suggest, trending, trending_window, try_on

__all__ = ["DEMO_PROFILE", "SimilarMatch", "audio_of", "build_index", "catalog_posts", "demo_sounds", "init_app",
           "seed_demo", "similar", "suggest", "trending", "trending_window", "try_on"]


def init_app(app) -> None:
    """The ``sounds`` commands on the app's CLI."""
    from .cli import sounds_cli

    app.cli.add_command(sounds_cli)
