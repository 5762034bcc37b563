"""The ``/lake`` page: a SQL box over the trend lake with a results table and downloads, and
the charts people would rather look at than read (server-rendered SVG, no chart library), over
all posts or, with ``?since=&until=`` (``trend_lake.parse_window``, as the trending list takes them),
over the posts created in that window: each chart's SQL runs unchanged over a CTE that stands in
for ``metadata`` (``trend_lake.within``). The SQL box is the caller's own query: no window there.

The page also starts the lake's jobs through ``/api`` with its session (``web/static/lake.js``):
an uploaded export → a ``lake_import`` job → its counts; and a ``lake_stages`` job on a
stage-by-stage bar. Both then redraw the partitions, results and charts from this page.

Each request's work is bounded: a query's result past ``TRENDTOK_LAKE_MAX_RESULT_MB`` is refused
with 413 before anything is converted (``run_query`` stops reading it there), downloads stream out
batch by batch, and at most ``TRENDTOK_LAKE_QUERIES`` lake queries run at once in this process
(the SQL box with the page's charts counts as one, as does each download, for as long as it
streams); one more answers 429 with ``Retry-After`` at once, never waiting."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator

from flask import Blueprint, Flask, Response, current_app, render_template, request

from errors import LimitReached
from sounds import DEMO_PROFILE
from sounds.score import SOUND_COLUMN, post_score_sql, sound_filter_sql
from trend_lake import (Lake, LakeError, Window, csv_chunks, json_chunks, latest, newest_post, open_lake, parse_window,
                        run_query, within)
from trend_lake.stages import STAGES
from uploads import EXPORT_TYPES

from .errors import headers_of, status_of
from .slots import Slot, Slots, slots_of

bp = Blueprint("lake", __name__, template_folder="templates")

SHOWN_ROWS = 200
EXAMPLE = ("SELECT unnest(hashtags) AS hashtag, count(*) AS posts, sum(view_count) AS views\n"
           "FROM metadata GROUP BY hashtag ORDER BY views DESC LIMIT 20")
#: Each chart: its title, the query behind it (label, value) and what the value is.
CHARTS = {
    "hashtags": ("Top hashtags by views",
                 "SELECT unnest(hashtags) AS label, sum(view_count) AS value FROM metadata "
                 "GROUP BY label ORDER BY value DESC NULLS LAST, label LIMIT 12", "views"),
    "tracks": ("Top sounds (plays + 2·likes + 3·comments + 4·shares)",
               # sounds.score's expression and grouping (a sound is its music_id), so the chart's
               # numbers are the trending list's; the label is the sound's highest-scored post's.
               f"SELECT arg_max(coalesce(track, 'unknown') || ' — ' || coalesce(artist, '?'), {post_score_sql()}) "
               f"AS label, sum({post_score_sql()}) AS value FROM metadata WHERE {sound_filter_sql()} "
               f"GROUP BY {SOUND_COLUMN} ORDER BY value DESC, label LIMIT 12", "score"),
    "categories": ("Views by category",
                   "SELECT t.category AS label, sum(m.view_count) AS value FROM text_analysis t "
                   "JOIN metadata m USING (id) GROUP BY label ORDER BY value DESC NULLS LAST, label", "views"),
    "months": ("Uploads per month",
               "SELECT printf('%d-%02d', upload_date // 10000, upload_date // 100 % 100) AS label, "
               "count(*) AS value FROM metadata "
               "WHERE upload_date IS NOT NULL GROUP BY label ORDER BY label DESC LIMIT 24", "posts"),
}


#: What the stage-by-stage bar calls each of the lake's stages (a stage not listed shows its name).
STAGE_LABELS = {"transcribe": "Transcribe the kept videos", "analyse": "Category, summary and keywords"}


#: What a 429 tells the caller to wait before asking again (most lake queries take well under that).
RETRY_AFTER_S = 2


class LakeBusy(LimitReached):
    """Every query slot is taken: the caller should come back after ``retry_after`` seconds."""

    def __init__(self, slots: Slots):
        super().__init__("sql", f"sql: {slots.limit} queries are running, the limit is {slots.limit}; "
                                f"try again in {RETRY_AFTER_S} s", retry_after=RETRY_AFTER_S)


def query_slots(app: Flask) -> Slots:
    """The app's lake query slots (``app.extensions["lake_queries"]``: one count for the app), made from
    ``TRENDTOK_LAKE_QUERIES`` on first use."""
    return slots_of(app, "lake_queries", limit=app.config["TRENDTOK_LAKE_QUERIES"])


def _take_slot() -> Slot:
    """One of the app's query slots, given back once however often it is released (end of stream, close)."""
    slots = query_slots(current_app)
    slot = slots.take()
    if slot is None:
        raise LakeBusy(slots)
    return slot


@contextmanager
def _query_slot() -> Iterator[None]:
    slot = _take_slot()
    try:
        yield
    finally:
        slot.release()


def _max_bytes() -> int:
    return current_app.config["TRENDTOK_LAKE_MAX_RESULT_MB"] << 20


def _lake() -> Lake:
    return open_lake(current_app.config)  # as the lake's jobs open it


def _window() -> Window | None:
    """The charts' window (``since``/``until``, as ``/api/sounds/trending`` takes them), resolved
    against the lake's newest post as the sounds list resolves it; a ``LakeError`` names the field."""
    query = parse_window(since=request.args.get("since"), until=request.args.get("until"))
    if query is None:
        return None
    return query.resolve(newest=newest_post(latest(_lake(), "metadata"), besides=(DEMO_PROFILE,)))


def _chart(name: str, window: Window | None = None) -> dict:
    title, sql, unit = CHARTS[name]
    try:
        # The chart's own SQL over only the posts created in the window (a CTE standing in for the view).
        rows = [r for r in run_query(_lake(), within(sql, window), max_bytes=_max_bytes()).table.to_pylist()
                if r["value"]]
    except LakeError as exc:
        return {"name": name, "title": title, "unit": unit, "bars": [], "error": str(exc)}
    if name == "months":
        rows.reverse()  # oldest first, as a timeline reads
    top = max((r["value"] for r in rows), default=0)
    bars = [{"label": str(r["label"]), "value": r["value"], "share": r["value"] / top if top else 0} for r in rows]
    return {"name": name, "title": title, "unit": unit, "bars": bars, "error": None}


@bp.get("/lake")
def page():
    sql = request.args.get("sql", "").strip()
    result = error = window = None
    status, headers = 200, {}
    try:
        window = _window()  # checked before any query runs
        # One slot for the SQL box and the charts together: the page's queries run one after another.
        with _query_slot():
            if sql:
                try:
                    result = run_query(_lake(), sql, max_bytes=_max_bytes())
                except LakeError as exc:
                    error, status = str(exc), status_of(exc)
            charts = [_chart(name, window) for name in CHARTS]
    except (LakeBusy, LakeError) as exc:  # every slot taken, or the window refused: no query ran
        error, status, headers = str(exc), status_of(exc), headers_of(exc)
        charts = [{"name": name, "title": title, "unit": unit, "bars": [], "error": error}
                  for name, (title, _, unit) in CHARTS.items()]
    rows = result.table.slice(0, SHOWN_ROWS).to_pylist() if result else []
    return render_template("lake.html", sql=sql or EXAMPLE, ran=bool(sql), error=error, rows=rows,
                           columns=result.table.column_names if result else [],
                           total=result.table.num_rows if result else 0, truncated=bool(result and result.truncated),
                           shown=SHOWN_ROWS, charts=charts, retry_after=headers.get("Retry-After"),
                           since=request.args.get("since", ""), until=request.args.get("until", ""),
                           window=window.to_dict() if window else None,
                           partitions={t: len(_lake().partitions(t)) for t in ("metadata", "transcripts", "text",
                                                                                "sounds")},
                           stages={name: STAGE_LABELS.get(name, name) for name in STAGES}, export_types=list(EXPORT_TYPES),
                           max_export_bytes=current_app.extensions["uploads"].max_export_bytes), status, headers


def _refused(fmt: str, message: str, status: int, headers: dict | None = None) -> Response:
    """A download's refusal: JSON ``{"error": …}`` for query.json, a line of text for query.csv."""
    if fmt == "json":
        return Response(json.dumps({"error": message}, ensure_ascii=False) + "\n", status=status,
                        mimetype="application/json", headers=headers)
    return Response(f"{message}\n", status=status, mimetype="text/plain", headers=headers)


@bp.get("/lake/query.<fmt>")
def download(fmt: str):
    if fmt not in ("csv", "json"):
        return Response("format: csv or json\n", status=404, mimetype="text/plain")
    try:
        slot = _take_slot()
    except LakeBusy as exc:
        return _refused(fmt, str(exc), status_of(exc), headers_of(exc))
    try:
        table = run_query(_lake(), request.args.get("sql", ""), max_bytes=_max_bytes()).table
        chunks = csv_chunks(table) if fmt == "csv" else json_chunks(table)
    except LakeError as exc:
        slot.release()
        return _refused(fmt, str(exc), status_of(exc))
    except BaseException:
        slot.release()
        raise

    # The slot is held while the result streams out (its table is in memory until then), and given
    # back when the last piece is written or when the server closes the response, whichever is first.
    def body() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            slot.release()

    response = Response(body(), mimetype="text/csv" if fmt == "csv" else "application/json",
                        headers={"Content-Disposition": f"attachment; filename=lake-query.{fmt}"})
    response.call_on_close(slot.release)
    return response
