"""The trend lake (seed 002): TikTok posts, transcripts and text analysis as Hive-partitioned
Parquet, queried with SQL through DuckDB — and the one catalog of posts the sounds features read.

    lake = Lake("instance/lake")
    report = lake.ingest("trending_tiktokapi.json", profile="trending")   # ImportReport
    run_query(lake, "SELECT count(*) FROM metadata").table                  # a pyarrow Table
    run_query(lake, sql, max_bytes=50 << 20)   # ResultTooLarge past 50 MB; csv_chunks/json_chunks stream it out

``posts(lake)`` / ``post_history(lake)`` are the catalog the sounds features read, ``latest(lake,
table)`` any view as an Arrow table, and ``claim``/``release`` share work between runners;
``parse_window(since=, until=)`` is the one reader of a window of post creation times (``7d``,
``2021-05-01``), resolved against ``newest_post`` (``window.py``).
``flask --app app lake ingest|query|…`` is the command line; ``TRENDTOK_LAKE`` (default
``<instance>/lake``, or ``s3://bucket/prefix``) is where it lives: ``open_lake(app.config)``.
"""
from __future__ import annotations

from ._types import METADATA, SCHEMAS, ExportError, ImportReport, LakeError, QueryRefused
from .catalog import post_history, posts
from .claims import claim, release
from .query import VIEWS, QueryResult, ResultTooLarge, csv_chunks, json_chunks, run_query
from .snapshot import latest
from .store import Lake, check_profile, open_lake
from .window import Window, WindowQuery, newest_post, parse_window, within

__all__ = ["ExportError", "ImportReport", "Lake", "LakeError", "METADATA", "QueryRefused", "QueryResult",
           "ResultTooLarge", "SCHEMAS", "VIEWS", "Window", "WindowQuery", "check_profile", "claim", "csv_chunks",
           "init_app", "json_chunks", "latest", "newest_post", "open_lake", "parse_window", "post_history", "posts",
           "release", "run_query", "within"]


def init_app(app) -> None:
    """The ``lake`` commands on the app's CLI."""
    from .cli import lake_cli

    app.cli.add_command(lake_cli)
