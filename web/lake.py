"""The ``/lake`` page: a SQL box over the trend lake with a results table and downloads, and
the charts people would rather look at than read (server-rendered SVG, no chart library).

The page also starts the lake's jobs through ``/api`` with its session (``web/static/lake.js``):
an uploaded export → a ``lake_import`` job → its counts; and a ``lake_stages`` job on a
stage-by-stage bar. Both then redraw the partitions, results and charts from this page."""
from __future__ import annotations

import io
import json

from flask import Blueprint, Response, current_app, render_template, request

from trend_lake import Lake, LakeError, open_lake, run_query
from trend_lake.stages import STAGES
from uploads import EXPORT_TYPES

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
               "SELECT coalesce(track, 'unknown') || ' — ' || coalesce(artist, '?') AS label, "
               "sum(coalesce(view_count, 0) + 2 * coalesce(like_count, 0) + 3 * coalesce(comment_count, 0) "
               "+ 4 * coalesce(repost_count, 0)) AS value FROM metadata GROUP BY coalesce(music_id, track, artist), "
               "label ORDER BY value DESC, label LIMIT 12", "score"),
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


def _lake() -> Lake:
    return open_lake(current_app.config)  # as the lake's jobs open it


def _chart(name: str) -> dict:
    title, sql, unit = CHARTS[name]
    try:
        rows = [r for r in run_query(_lake(), sql).table.to_pylist() if r["value"]]
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
    result = error = None
    status = 200
    if sql:
        try:
            result = run_query(_lake(), sql)
        except LakeError as exc:
            error, status = str(exc), 400
    rows = result.table.slice(0, SHOWN_ROWS).to_pylist() if result else []
    return render_template("lake.html", sql=sql or EXAMPLE, ran=bool(sql), error=error, rows=rows,
                           columns=result.table.column_names if result else [],
                           total=result.table.num_rows if result else 0, truncated=bool(result and result.truncated),
                           shown=SHOWN_ROWS, charts=[_chart(name) for name in CHARTS],
                           partitions={t: len(_lake().partitions(t)) for t in ("metadata", "transcripts", "text",
                                                                                "sounds")},
                           stages={name: STAGE_LABELS.get(name, name) for name in STAGES}, export_types=list(EXPORT_TYPES),
                           max_export_bytes=current_app.extensions["uploads"].max_export_bytes), status


@bp.get("/lake/query.<fmt>")
def download(fmt: str):
    if fmt not in ("csv", "json"):
        return Response("format: csv or json\n", status=404, mimetype="text/plain")
    try:
        table = run_query(_lake(), request.args.get("sql", "")).table
    except LakeError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    if fmt == "csv":
        import pyarrow.csv as pacsv

        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer)
        body, mimetype = buffer.getvalue(), "text/csv"
    else:
        body, mimetype = json.dumps(table.to_pylist(), ensure_ascii=False, default=str).encode(), "application/json"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=lake-query.{fmt}"})
