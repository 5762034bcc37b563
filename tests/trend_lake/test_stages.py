"""transcribe → analyse on the real TikTok clip through the studio's own stages: each partition
once, a second run does nothing, and the category fits what the clip is about."""
from __future__ import annotations

import json

import pytest

from trend_lake import Lake, run_query
from trend_lake.media import keep_videos
from trend_lake.stages import analyse, categorise, pending, transcribe

CLIP_ID = "7261314534885870894"


@pytest.fixture
def clip_lake(tmp_path, exports):
    lake = Lake(tmp_path / "lake")
    info = tmp_path / "clip.info.json"
    info.write_text(json.dumps({"id": CLIP_ID, "title": "I just be like that sometimes", "uploader": "malwaretech",
                                "description": "", "view_count": 1000, "extractor": "TikTok",
                                "webpage_url": f"https://www.tiktok.com/@malwaretech/video/{CLIP_ID}"}))
    lake.ingest(info, profile="malwaretech")
    assert keep_videos(lake, exports / "videos", [CLIP_ID]) == 1
    return lake


@pytest.mark.slow  # the lake's stages on the studio's real MiniLM
def test_the_stages_run_each_partition_once_and_file_the_clip(app, clip_lake):
    studio = app.extensions["studio"]
    assert pending(clip_lake, "metadata", "transcripts") == clip_lake.partitions("metadata")
    assert transcribe(clip_lake, extract=studio.extractor) == 1
    assert transcribe(clip_lake, extract=studio.extractor) == 0  # done already: nothing again
    said = run_query(clip_lake, "SELECT * FROM transcripts").table.to_pylist()
    assert len(said) == 1 and "barbie" in said[0]["transcript"].lower() and said[0]["language"] == "en"

    summariser = studio.summariser
    assert analyse(clip_lake, summarise=summariser, embed=summariser.embed) == 1
    assert analyse(clip_lake, summarise=summariser, embed=summariser.embed) == 0
    row = run_query(clip_lake, "SELECT * FROM text_analysis").table.to_pylist()[0]
    assert row["category"] in ("relationships", "comedy") and row["uploader"] == "malwaretech"  # men vs. Barbie
    assert "barbie" in [k.lower() for k in row["keywords"]] and row["summary"]
    # Partition keys match the partition each stage worked from.
    assert clip_lake.partitions("text") == clip_lake.partitions("transcripts") == clip_lake.partitions("metadata")


def test_a_partition_without_videos_is_marked_done_with_no_rows(app, tmp_path, exports):
    lake = Lake(tmp_path / "lake")
    lake.ingest(exports / "trending_tiktokapi.json", profile="trending")
    assert transcribe(lake, extract=app.extensions["studio"].extractor) == 1
    assert pending(lake, "metadata", "transcripts") == []
    assert run_query(lake, "SELECT count(*) AS n FROM transcripts").table.to_pylist() == [{"n": 0}]


@pytest.mark.slow  # the lake's stages on the studio's real MiniLM
def test_zero_shot_categories_on_plain_descriptions(app):
    embed = app.extensions["studio"].summariser.embed
    texts = ["Three easy pasta recipes for dinner tonight", "My cat knocks everything off the table",
             "Full body workout at the gym, no equipment", "Unboxing the new phone and its camera app"]
    assert categorise(texts, embed=embed) == ["food", "animals", "fitness", "tech"]
