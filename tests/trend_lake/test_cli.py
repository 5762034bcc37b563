"""``flask --app app lake ingest|query`` on the session's app, with its own lake folder."""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def runner(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", str(tmp_path / "lake"))
    return app.test_cli_runner()


def test_ingest_reports_counts_and_query_prints_every_format(runner, exports, tmp_path):
    out = runner.invoke(args=["lake", "ingest", str(exports / "trending_tiktokapi.json"),
                              str(exports / "TikTok_songs_2021.csv"), "--profile", "trending"])
    assert out.exit_code == 0, out.output
    assert "trending_tiktokapi.json (tiktokapi → metadata): read 10, imported 10, skipped 0" in out.output
    assert "TikTok_songs_2021.csv (songs → sounds)" in out.output

    sql = "SELECT uploader, view_count FROM metadata ORDER BY view_count DESC LIMIT 3"
    table = runner.invoke(args=["lake", "query", sql])
    assert table.exit_code == 0 and table.output.splitlines()[0].split() == ["uploader", "view_count"]
    as_json = json.loads(runner.invoke(args=["lake", "query", sql, "--format", "json"]).output)
    assert len(as_json) == 3 and as_json[0]["view_count"] >= as_json[1]["view_count"]
    as_csv = runner.invoke(args=["lake", "query", sql, "--format", "csv"]).output.splitlines()
    assert as_csv[0] == '"uploader","view_count"' and len(as_csv) == 4
    target = tmp_path / "top.parquet"
    assert runner.invoke(args=["lake", "query", sql, "--format", "parquet", "--out", str(target)]).exit_code == 0
    import pyarrow.parquet as pq

    assert pq.read_table(target).num_rows == 3


def test_bad_input_is_a_readable_message_and_a_failing_exit(runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    out = runner.invoke(args=["lake", "ingest", str(broken), "--profile", "p"])
    assert out.exit_code == 1 and "nothing imported: source: broken.json is broken JSON" in out.output
    refused = runner.invoke(args=["lake", "query", "DROP VIEW metadata"])
    assert refused.exit_code == 2 and "sql: only SELECT" in refused.output
    assert "Error: --out" in runner.invoke(args=["lake", "query", "SELECT 1", "--format", "parquet"]).output


def test_ddl_describes_every_table_with_string_partition_keys(runner):
    out = runner.invoke(args=["lake", "ddl", "--location", "s3://team-lake/tiktok/"]).output
    for view, folder in (("metadata", "metadata"), ("transcripts", "transcripts"), ("text_analysis", "text"),
                         ("sounds", "sounds")):
        assert f"CREATE EXTERNAL TABLE IF NOT EXISTS {view} (" in out
        assert f"LOCATION 's3://team-lake/tiktok/videos/{folder}/';" in out
    assert out.count("PARTITIONED BY (profile string, processed_at string)") == 4
    assert "`artists` array<string>" in out and "`view_count` bigint" in out and "`tempo` double" in out


@pytest.mark.slow  # every lake stage on real exports
def test_ingest_keeps_videos_and_run_does_each_stage_once(runner, exports, tmp_path):
    info = tmp_path / "clip.info.json"
    info.write_text(json.dumps({"id": "7261314534885870894", "title": "I just be like that sometimes",
                                "uploader": "malwaretech", "extractor": "TikTok", "webpage_url": "https://x"}))
    out = runner.invoke(args=["lake", "ingest", str(info), "--profile", "mt", "--videos", str(exports / "videos")])
    assert out.exit_code == 0 and "kept 1 video(s) for transcribe" in out.output, out.output
    first = runner.invoke(args=["lake", "run"])
    assert first.exit_code == 0 and "transcribe: 1 partition(s)" in first.output and "analyse: 1 partition(s)" in first.output
    again = runner.invoke(args=["lake", "run"])
    assert "transcribe: 0 partition(s)" in again.output and "analyse: 0 partition(s)" in again.output
    row = json.loads(runner.invoke(args=["lake", "query", "SELECT category, keywords FROM text_analysis",
                                         "--format", "json"]).output)[0]
    assert row["category"] and row["keywords"]


@pytest.mark.slow  # every lake stage on real exports
def test_watch_runs_the_stages_when_a_partition_lands(tmp_path, exports):
    """``flask lake watch`` in its own process, as it runs beside the studio: an import made
    while it waits is transcribed and analysed on its next poll, and Ctrl+C stops it cleanly."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from trend_lake import Lake

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "TRENDTOK_LAKE": str(tmp_path / "lake"),
           "TRENDTOK_RUNS_DIR": str(tmp_path / "runs"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"),
           "TRENDTOK_DB": str(tmp_path / "studio.sqlite3")}
    watcher = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "lake", "watch", "--interval", "0.2"],
                               cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = iter(watcher.stderr.readline, "")  # start-up may log a warning or two first
        assert any(line.startswith("watching ") for line in said)  # the app is up and polling
        Lake(tmp_path / "lake").ingest(exports / "trending_tiktokapi.json", profile="trending")
        lines = [watcher.stdout.readline().strip() for _ in range(2)]
        assert lines == ["transcribe: 1 partition(s)", "analyse: 1 partition(s)"]
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0 and "stopped" in err, err
    assert out == ""  # idle polls print nothing
    lake = Lake(tmp_path / "lake")
    assert lake.partitions("text") == lake.partitions("metadata")
