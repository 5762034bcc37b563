"""``flask --app app sounds …``: trending sounds for hashtags, similar music for a file, and the
similar-music index — the same answers as the ``/sounds`` page and the API."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from sounds import SoundsError
from utils import text_table

sounds_cli = AppGroup("sounds", help="Sounds: trending songs for hashtags, similar music, and its index.")
_FORMAT = click.Choice(["table", "json"])


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc))


@sounds_cli.command("trending")
@click.argument("tags", nargs=-1, required=True)
@click.option("--limit", type=int, default=10, show_default=True, help="How many sounds (1–100).")
@click.option("--sort", type=click.Choice(["score", "rising"]), default="score", show_default=True,
              help="score: seed 001's engagement score; rising: growth per day between the latest two snapshots.")
@click.option("--since", default=None, help="Only posts created from then: 2025-09-01, a date-time, or 7d / 24h "
                                           "counted back from --until (else from the newest post).")
@click.option("--until", default=None, help="Only posts created before then (a date: that day included).")
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
def trending_command(tags: tuple[str, ...], limit: int, sort: str, since: str | None, until: str | None,
                     fmt: str) -> None:
    """The sounds most used by posts with any of TAGS, ranked as GET /api/sounds/trending ranks them."""
    from trend_lake import LakeError, parse_window

    from .service import trending, trending_window
    from .wire import trending_json

    try:
        window = trending_window(current_app.config, parse_window(since=since, until=until))
        found = trending(current_app.config, tags=list(tags), limit=limit, sort=sort, window=window)
    except (SoundsError, LakeError) as exc:
        _fail(exc)
    data = trending_json(found, current_app.config)
    if fmt == "json":
        click.echo(json.dumps({"tags": list(tags), "sort": sort, "window": window.to_dict() if window else None,
                               "sounds": data}, ensure_ascii=False, indent=1))
        return
    if not data:
        click.echo(f"no sounds for {' '.join('#' + t.lstrip('#') for t in tags)} in the catalog")
        return
    rows = [(n, s["title"] or "?", s["author"] or "?", f"{s['score']:,}", s["posts"],
             f"{s['engagement_per_day']:,.0f}/day" if sort == "rising" and s.get("engagement_per_day") is not None
             else "", "new" if s.get("is_new") else "", "demo" if s["demo"] else "",
             "playable" if s["playable"] else "no audio")
            for n, s in enumerate(data, start=1)]
    click.echo(text_table(("#", "title", "author", "score", "posts", "growth", "", "", "audio"), rows))


@sounds_cli.command("similar")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--limit", type=int, default=10, show_default=True, help="How many tracks (1–100).")
@click.option("--genre", default=None, help="Only tracks of this genre (the folder they were indexed from).")
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
def similar_command(file: str, limit: int, genre: str | None, fmt: str) -> None:
    """Tracks that sound like FILE, and the TikTok posts that use them."""
    from .service import similar

    try:
        found = similar(current_app.config, Path(file), limit=limit, genre=genre)
    except SoundsError as exc:
        _fail(exc)
    data = [match.to_dict() for match in found]
    if fmt == "json":
        click.echo(json.dumps({"similar": data}, ensure_ascii=False, indent=1))
        return
    rows = [(n, m["title"] or "?", m["artist"] or "?", m.get("genre") or "", f"{m['similarity']:.3f}",
             "; ".join(f"{p['title']} ({p['total_score']:.2f})" for p in m["tiktok"]) or "none")
            for n, m in enumerate(data, start=1)]
    click.echo(text_table(("#", "title", "artist", "genre", "similarity", "TikTok sounds using it"), rows) if rows
               else "no similar tracks indexed")


@sounds_cli.command("index")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, exists=True))
def index_command(folders: tuple[str, ...]) -> None:
    """Index FOLDERS' audio files (and the demo sounds) for similar-music search."""
    from tqdm import tqdm

    from .service import build_index

    bar = tqdm(unit="file", file=sys.stderr, leave=False)

    def progress(step: str, done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.set_description(step[:40])
        bar.refresh()

    try:
        index, skipped = build_index(current_app.config, [Path(f) for f in folders], progress=progress)
    except SoundsError as exc:
        bar.close()
        _fail(exc)
    bar.close()
    click.echo(f"indexed {len(index)} track(s), skipped {len(skipped)}")
    for name, reason in skipped:
        click.echo(f"  skipped {name}: {reason}", err=True)
