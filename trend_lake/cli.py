"""``flask --app app lake …``: ingest exports, and query the lake with SQL."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ._types import LakeError
from .query import run_query
from .store import Lake, open_lake

lake_cli = AppGroup("lake", help="The trend lake: TikTok posts, transcripts and analysis as Parquet, queried with SQL.")


def get_lake() -> Lake:
    return open_lake(current_app.config)


@lake_cli.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--profile", required=True, help="The account, or a name for this crawl or import (letters, digits, _).")
@click.option("--videos", type=click.Path(file_okay=False, exists=True), default=None,
              help="A folder of the posts' videos (file names containing the post id), kept for transcribe.")
def ingest_command(sources: tuple[str, ...], profile: str, videos: str | None) -> None:
    """Import SOURCES (export files, folders of .info.json, or URLs) as partitions of PROFILE."""
    from tqdm import tqdm

    from .media import keep_videos
    from .store import INGEST_STEPS

    lake, failed = get_lake(), 0
    bar = tqdm(total=len(sources) * len(INGEST_STEPS), unit="step", file=sys.stderr, leave=False)
    for number, source in enumerate(sources):
        def progress(step: str, done: int, total: int, number: int = number, source: str = source) -> None:
            bar.set_description(f"{Path(source).name or source}: {step}")
            bar.n = number * total + done
            bar.refresh()

        try:
            report = lake.ingest(source, profile=profile, progress=progress)
        except LakeError as exc:
            failed += 1
            bar.clear()
            click.echo(f"{source}: nothing imported: {exc}", err=True)
            continue
        bar.clear()
        click.echo(f"{report.source} ({report.format} → {report.table}): read {report.read}, "
                   f"imported {report.imported}, skipped {report.skipped_total}")
        for reason, n in report.skipped.most_common():
            click.echo(f"  skipped {n}: {reason} (e.g. {', '.join(report.examples[reason])})")
        if videos and report.partition and report.table == "metadata":
            key = tuple(part.split("=", 1)[1] for part in report.partition.split("/")[-2:])
            ids = [r["id"] for r in lake.read("metadata", key, columns=["id"])]
            click.echo(f"  kept {keep_videos(lake, videos, ids)} video(s) for transcribe")
    bar.close()
    if failed:
        raise SystemExit(1)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def _print_table(table) -> None:
    from utils import text_table

    click.echo(text_table(table.column_names, ([_cell(v) for v in row.values()] for row in table.to_pylist())))


@lake_cli.command("query")
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write here (needed for parquet).")
def query_command(sql: str, fmt: str, out: str | None) -> None:
    """Run one read-only SQL query over the views metadata, transcripts, text_analysis and sounds."""
    try:
        result = run_query(get_lake(), sql)
    except LakeError as exc:
        raise click.UsageError(str(exc)) from None
    table = result.table
    if fmt == "parquet":
        if not out:
            raise click.UsageError("--out: parquet is binary; give a file to write")
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer)
        _emit(buffer.getvalue().decode().rstrip("\n"), out)
    elif fmt == "json":
        _emit(json.dumps(table.to_pylist(), ensure_ascii=False, default=str, indent=1), out)
    else:
        _print_table(table)
    if result.truncated:
        click.echo(f"(only the first {table.num_rows} rows)", err=True)


def _emit(text: str, out: str | None) -> None:
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text)


@lake_cli.command("ddl")
@click.option("--location", default=None, help="The lake's root URI as Athena sees it (default: TRENDTOK_LAKE).")
def ddl_command(location: str | None) -> None:
    """Print Athena/Glue CREATE EXTERNAL TABLE statements for every table of the lake."""
    from .ddl import create_tables

    click.echo(create_tables(location or get_lake().uri), nl=False)


def _bar(label: str):
    from tqdm import tqdm

    bar = tqdm(total=0, unit="partition", desc=label, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return bar, progress


def _run_stage(name: str, *, lake: Lake | None = None, quiet: bool = False) -> int:
    from .stages import run_stage

    lake = lake or get_lake()
    if quiet:  # a watcher's idle polls draw no empty bars
        return run_stage(lake, name, studio=current_app.extensions["studio"])
    bar, progress = _bar(name)
    with bar:
        return run_stage(lake, name, studio=current_app.extensions["studio"], progress=progress)


@lake_cli.command("transcribe")
def transcribe_command() -> None:
    """Transcribe the posts of new metadata partitions whose videos the lake keeps."""
    click.echo(f"transcribe: {_run_stage('transcribe')} partition(s)")


@lake_cli.command("analyse")
def analyse_command() -> None:
    """Category, summary and keywords for new transcripts partitions."""
    click.echo(f"analyse: {_run_stage('analyse')} partition(s)")


@lake_cli.command("run")
def run_command() -> None:
    """Every stage after ingest, in order, each over the partitions it has not done yet."""
    from .stages import STAGES

    for name in STAGES:
        click.echo(f"{name}: {_run_stage(name)} partition(s)")


@lake_cli.command("watch")
@click.option("--interval", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds between looks at the lake for new partitions.")
@click.option("--once", is_flag=True, help="Run what is pending now, then stop.")
def watch_command(interval: float, once: bool) -> None:
    """Run every stage as new partitions land, until interrupted (the seed ran it on S3 events).

    Several watchers (or lake jobs on several workers) share the work: each takes partitions
    no other runner has claimed."""
    import time

    from .stages import STAGES

    lake = get_lake()
    click.echo(f"watching {lake.uri} every {interval:g} s (Ctrl+C stops)" if not once else f"running {lake.uri}",
               err=True)
    try:
        while True:
            for name in STAGES:
                done = _run_stage(name, lake=lake, quiet=True)
                if done:
                    click.echo(f"{name}: {done} partition(s)")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)