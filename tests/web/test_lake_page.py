"""The /lake page: SQL box, results, downloads and charts, on a lake filled from the real exports."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from trend_lake import Lake


@pytest.fixture
def client(app, tmp_path, monkeypatch, shared_data):
    lake = Lake(tmp_path / "lake")
    lake.ingest(shared_data / "tiktok" / "apify_trending.csv", profile="trending")
    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(lake.root))
    return app.test_client()


def test_the_page_runs_a_query_and_draws_the_charts(client):
    page = client.get("/lake", query_string={"sql": "SELECT uploader, view_count FROM metadata "
                                                    "ORDER BY view_count DESC LIMIT 5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "5 rows" in html
    assert re.findall(r"<th>(\w+)</th>", html)[:2] == ["uploader", "view_count"]
    # Charts are SVG drawn on the server: one bar per hashtag, the biggest one the widest.
    hashtags = html[html.index('id="chart-hashtags"'):html.index('id="chart-tracks"')]
    widths = [float(w) for w in re.findall(r'class="bar"|width="([\d.]+)"', hashtags) if w]
    assert len(widths) == 12 and widths[0] == max(widths) == 300.0
    assert 'id="chart-months"' in html and "Nothing yet" in html[html.index('id="chart-categories"'):]


def test_downloads_carry_the_whole_result(client):
    sql = "SELECT id, view_count FROM metadata ORDER BY id"
    rows = list(csv.DictReader(io.StringIO(client.get("/lake/query.csv", query_string={"sql": sql})
                                           .get_data(as_text=True))))
    as_json = json.loads(client.get("/lake/query.json", query_string={"sql": sql}).get_data(as_text=True))
    assert len(rows) == len(as_json) == 952 and rows[0]["id"] == as_json[0]["id"]


def test_downloads_stream_the_bytes_a_whole_conversion_wrote(client, app):
    """Written batch by batch now, byte for byte what write_csv / json.dumps of the whole table gave."""
    import pyarrow.csv as pacsv

    from trend_lake import open_lake, run_query

    sql = "SELECT id, uploader, description, view_count, upload_date FROM metadata ORDER BY id"
    table = run_query(open_lake(app.config), sql).table
    whole_csv = io.BytesIO()
    pacsv.write_csv(table, whole_csv)
    for fmt, before, mimetype in (("csv", whole_csv.getvalue(), "text/csv"),
                                  ("json", json.dumps(table.to_pylist(), ensure_ascii=False, default=str).encode(),
                                   "application/json")):
        response = client.get(f"/lake/query.{fmt}", query_string={"sql": sql})
        assert response.status_code == 200 and response.mimetype == mimetype and response.is_streamed
        assert response.headers["Content-Disposition"] == f"attachment; filename=lake-query.{fmt}"
        pieces = list(response.response)
        assert len(pieces) > 3, "one piece per record batch, not one body"
        assert b"".join(pieces) == before


@pytest.mark.parametrize("sql", ["DROP VIEW metadata", "SELECT * FROM read_csv('/etc/passwd')"])
def test_a_refused_query_is_a_readable_message(client, sql):
    page = client.get("/lake", query_string={"sql": sql})
    assert page.status_code == 400 and 'id="lake-error"' in page.get_data(as_text=True)
    as_csv = client.get("/lake/query.csv", query_string={"sql": sql})
    assert as_csv.status_code == 400 and as_csv.mimetype == "text/plain" and as_csv.get_data(as_text=True).startswith("sql: ")
    as_json = client.get("/lake/query.json", query_string={"sql": sql})
    assert as_json.status_code == 400 and as_json.get_json()["error"].startswith("sql: ")


def test_a_csv_of_list_columns_is_refused_before_anything_is_sent(client):
    response = client.get("/lake/query.csv", query_string={"sql": "SELECT id, hashtags FROM metadata"})
    assert response.status_code == 400 and "download JSON" in response.get_data(as_text=True)
    assert client.get("/lake/query.json", query_string={"sql": "SELECT id, hashtags FROM metadata"}).status_code == 200


def test_the_page_imports_through_its_session_and_the_history_names_the_job(app, tmp_path, monkeypatch):
    """What lake.js does, with the page's own session and CSRF token: upload URL → PUT → lake_import → counts."""
    import time

    from trend_lake.stages import STAGES

    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    browser = app.test_client()
    html = browser.get("/lake").get_data(as_text=True)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    assert 'id="import-form"' in html and 'data-jobs="/api/jobs"' in html and 'data-uploads="/api/uploads"' in html
    assert re.findall(r'<li data-stage="(\w+)"', html) == list(STAGES)
    data = "track_name,artist_name,track_pop\nSay So,Doja Cat,80\nSay So,Doja Cat,81\n".encode()
    headers = {"X-CSRF-Token": csrf}
    assert browser.post("/api/uploads", json={"filename": "songs.csv", "content_type": "text/csv",
                                              "size": len(data)}).status_code == 403  # no token, no upload
    target = browser.post("/api/uploads", json={"filename": "songs.csv", "content_type": "text/csv",
                                                 "size": len(data)}, headers=headers).get_json()
    assert browser.put(target["upload_url"], data=data, headers={"Content-Type": "text/csv"}).status_code == 200
    job = browser.post("/api/jobs", json={"kind": "lake_import", "upload_id": target["upload_id"], "profile": "songs"},
                       headers=headers).get_json()
    deadline = time.monotonic() + 60
    while (state := browser.get(job["status_url"]).get_json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, state
        time.sleep(0.1)
    assert state["status"] == "succeeded", state["error"]
    assert {k: state["result"][k] for k in ("format", "table", "read", "imported", "skipped")} == \
        {"format": "songs", "table": "sounds", "read": 2, "imported": 1, "skipped": 1}
    history = browser.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/lake">Trend lake import: songs.csv</a>', history), "the home page's history names it"
    assert "sounds 1" in browser.get("/lake").get_data(as_text=True)


# -- the charts over a window (issue 21) --------------------------------------------------------
def _bars(html: str, chart: str) -> list[tuple[str, int]]:
    start = html.index(f'id="chart-{chart}"')
    part = html[start:html.index("</figure>", start)]
    return [(label, int(value.replace(",", ""))) for label, value in re.findall(r"<title>(.*?): ([\d,]+) ", part)]


def test_the_charts_count_only_the_posts_created_in_the_window(client, app):
    import numpy as np

    from sounds.score import post_scores
    from trend_lake import open_lake, parse_window, posts

    html = client.get("/lake", query_string={"since": "2025-09-01", "until": "2025-09-30"}).get_data(as_text=True)
    assert _bars(html, "months") == [("2025-09", 219)]
    assert "2025-09-01T00:00:00Z" in html[html.index('id="lake-window"'):]
    # The top sounds are sounds.score's, over exactly the window's posts.
    table = posts(open_lake(app.config))
    window = parse_window(since="2025-09-01", until="2025-09-30").resolve(newest=None)
    inside = table.filter(window.mask(table.column("timestamp")))
    sums: dict[str, int] = {}
    for sound, score in zip(inside.column("music_id").to_pylist(), post_scores(inside)):
        if sound:
            sums[sound] = sums.get(sound, 0) + int(score)
    assert [value for _, value in _bars(html, "tracks")] == sorted(sums.values(), reverse=True)[:12]
    whole = client.get("/lake").get_data(as_text=True)
    assert len(_bars(whole, "months")) > 1 and "lake-window" not in whole
    assert np.sum([v for _, v in _bars(html, "hashtags")]) < np.sum([v for _, v in _bars(whole, "hashtags")])


def test_a_relative_window_counts_back_from_the_newest_post_and_the_sql_box_keeps_it(client, app):
    from datetime import datetime, timezone

    from trend_lake import open_lake, run_query

    html = client.get("/lake", query_string={"since": "30d", "sql": "SELECT 1 AS one"}).get_data(as_text=True)
    said = html[html.index('id="lake-window"'):]
    assert "2025-09-02T23:25:21Z" in said and "newest post, 2025-10-02T23:25:20Z" in said
    since = int(datetime(2025, 9, 2, 23, 25, 21, tzinfo=timezone.utc).timestamp())
    count = run_query(open_lake(app.config), f"SELECT count(*) AS n FROM metadata WHERE timestamp >= {since}") \
        .table.column("n")[0].as_py()
    assert [label for label, _ in _bars(html, "months")] == ["2025-09", "2025-10"]
    assert sum(v for _, v in _bars(html, "months")) == count and 181 < count < 952
    assert '<input type="hidden" name="since" value="30d">' in html  # the SQL box's form keeps the window
    assert '<input type="hidden" name="sql" value="SELECT 1 AS one">' in html  # and the window's, the query


@pytest.mark.parametrize("query, field", [({"since": "soon"}, "since"), ({"until": "366d"}, "until"),
                                          ({"since": "2025-10-01", "until": "2025-09-01"}, "since")])
def test_a_bad_window_is_a_400_and_no_chart_is_drawn(client, query, field):
    page = client.get("/lake", query_string=query)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and f"{field}: " in html[html.index('id="lake-error"'):]
    assert "<svg" not in html[html.index('id="lake-charts"'):]
