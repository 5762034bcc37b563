"""An s3:// lake against moto's real S3 server on loopback: the same imports, views and stages
as a folder, through pyarrow's S3 filesystem; and the commands with ``TRENDTOK_LAKE=s3://…``."""
from __future__ import annotations

import json
import time
import uuid

import pytest

from trend_lake import Lake, LakeError, run_query
from trend_lake.stages import pending, transcribe

ENGAGEMENT = ("SELECT tag, count(*) AS posts, sum(view_count + 2 * like_count + 3 * comment_count "
              "+ 4 * repost_count) AS score FROM (SELECT unnest(hashtags) AS tag, * FROM metadata) "
              "GROUP BY tag ORDER BY tag")


@pytest.fixture
def bucket(s3_endpoint):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    name = f"lake-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield name, client
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_lake(bucket, s3_endpoint):
    return Lake(f"s3://{bucket[0]}/trends", endpoint_url=s3_endpoint)


def _keys(bucket):
    name, client = bucket
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_an_s3_lake_imports_and_answers_like_a_folder(s3_lake, bucket, lake, exports):
    for target in (s3_lake, lake):
        report = target.ingest(exports / "apify_trending.csv", profile="trending")
        target.ingest(exports / "TikTok_songs_2022.csv", profile="charts")
    assert report.read == 981 and report.imported > 900
    assert run_query(s3_lake, ENGAGEMENT).table.to_pylist() == run_query(lake, ENGAGEMENT).table.to_pylist()
    assert run_query(s3_lake, "SELECT count(*) AS n FROM sounds").table.to_pylist() == \
        run_query(lake, "SELECT count(*) AS n FROM sounds").table.to_pylist()
    # One object per partition, Hive-named under the prefix.
    keys = _keys(bucket)
    assert len(keys) == 2 and keys[0].startswith("trends/videos/metadata/profile=trending/processed_at=")
    # Re-importing changes no count in the views.
    s3_lake.ingest(exports / "apify_trending.csv", profile="trending")
    assert run_query(s3_lake, ENGAGEMENT).table.to_pylist() == run_query(lake, ENGAGEMENT).table.to_pylist()


def test_a_broken_export_leaves_no_object(s3_lake, bucket, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "1", "stats": {}}, {')
    with pytest.raises(LakeError, match="broken JSON"):
        s3_lake.ingest(broken, profile="p")
    assert _keys(bucket) == []


def test_a_stage_runs_each_s3_partition_once(s3_lake, exports):
    s3_lake.ingest(exports / "trending_tiktokapi.json", profile="trending")
    assert transcribe(s3_lake, extract=lambda paths: []) == 1  # no videos kept: an empty partition marks it done
    assert pending(s3_lake, "metadata", "transcripts") == []
    assert transcribe(s3_lake, extract=lambda paths: []) == 0


def test_an_unreachable_store_is_a_clear_error_within_seconds(free_tcp_port):
    lake = Lake("s3://nowhere/lake", endpoint_url=f"http://127.0.0.1:{free_tcp_port}")
    started = time.monotonic()
    with pytest.raises(LakeError, match="^lake: s3://nowhere/lake cannot be listed"):
        lake.partitions("metadata")
    assert time.monotonic() - started < 20


def test_the_commands_work_on_an_s3_lake(app, bucket, s3_endpoint, exports, monkeypatch):
    monkeypatch.setitem(app.config, "TRENDTOK_LAKE", f"s3://{bucket[0]}/cli")
    monkeypatch.setitem(app.config, "TRENDTOK_S3_ENDPOINT_URL", s3_endpoint)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["lake", "ingest", str(exports / "trending_tiktokapi.json"), "--profile", "trending"])
    assert out.exit_code == 0 and "read 10, imported 10, skipped 0" in out.output, out.output
    answer = runner.invoke(args=["lake", "query", "SELECT count(*) AS n FROM metadata", "--format", "json"])
    assert json.loads(answer.output) == [{"n": 10}]
