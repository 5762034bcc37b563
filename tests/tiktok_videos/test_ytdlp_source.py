"""The yt-dlp source run for real, offline, on ``file://`` URLs (the generic extractor).

A single video file stands for a video page; an HTML page of ``<video>`` tags with
absolute ``file://`` sources stands for a hashtag page (yt-dlp lists it as a playlist).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tiktok_videos import VideoSourceError, load_source

NAME = re.compile(r"ytdlp-[0-9a-f]{16}\.mp4")


@pytest.fixture()
def site(tmp_path, mp4_1s, mp4_2s) -> Path:
    """A folder standing in for a web site: two clips and a hashtag page listing three."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "pasta.mp4").write_bytes(mp4_1s)
    (root / "eggs.mp4").write_bytes(mp4_2s)
    sources = [(root / n).as_uri() for n in ("pasta.mp4", "removed.mp4", "eggs.mp4")]
    videos = "\n".join(f'<video src="{s}"></video>' for s in sources)
    (root / "Foodie.html").write_text(f"<!DOCTYPE html><html><head><title>#Foodie</title></head>"
                                      f"<body>{videos}</body></html>", "utf-8")
    return root


def test_single_video_url(site, tmp_path, mp4_1s):
    source = load_source("ytdlp", url_template=site.as_uri() + "/{tag}.mp4")
    dest = tmp_path / "run" / "videos"
    videos, warnings = source.fetch("pasta", limit=3, dest=dest)
    assert warnings == []
    [video] = videos
    assert video.source == "ytdlp" and video.tag == "pasta" and video.title == "pasta"
    assert video.url == (site / "pasta.mp4").as_uri()
    assert NAME.fullmatch(video.path.name) and video.path.parent == dest
    assert video.path.read_bytes() == mp4_1s
    assert video.duration_s == pytest.approx(1.0, abs=0.1)
    assert video.description == "pasta"
    assert [p.name for p in dest.iterdir()] == [video.path.name]  # no work folder or .part left


def test_missing_file_is_a_warning(site, tmp_path):
    source = load_source("ytdlp", url_template=site.as_uri() + "/{tag}.mp4")
    videos, warnings = source.fetch("nothere", dest=tmp_path / "videos")
    assert videos == []
    assert len(warnings) == 1 and warnings[0].startswith("#nothere: yt-dlp could not read")


def test_hashtag_page_is_a_playlist_and_a_failed_entry_is_skipped(site, tmp_path, mp4_1s, mp4_2s):
    source = load_source("ytdlp", url_template=site.as_uri() + "/{tag}.html")
    dest = tmp_path / "videos"
    videos, warnings = source.fetch("Foodie", limit=3, dest=dest)
    assert [v.path.read_bytes() for v in videos] == [mp4_1s, mp4_2s]  # page order, the removed one skipped
    assert len(warnings) == 1 and "removed.mp4" in warnings[0] and warnings[0].startswith("#Foodie:")
    assert [v.duration_s for v in videos] == [pytest.approx(1.0, abs=0.1), pytest.approx(2.0, abs=0.1)]
    assert len({v.id for v in videos}) == 2 and all(NAME.fullmatch(v.path.name) for v in videos)
    assert sorted(p.name for p in dest.iterdir()) == sorted(v.path.name for v in videos)

    # limit stops at the first entry; the same video asked again keeps its id, and the
    # file already in dest (fetched for another hashtag of the run) is reused, not fetched again
    inode = videos[0].path.stat().st_ino
    [again], warnings = source.fetch("Foodie", limit=1, dest=dest)
    assert warnings == [] and again.id == videos[0].id and again.path == videos[0].path
    assert again.path.stat().st_ino == inode


def test_tag_is_url_quoted(site, tmp_path, mp4_1s):
    (site / "ข้าวผัด.mp4").write_bytes(mp4_1s)  # Thai, with combining vowel and tone marks
    source = load_source("ytdlp", url_template=site.as_uri() + "/{tag}.mp4")
    videos, warnings = source.fetch("ข้าวผัด", dest=tmp_path / "videos")
    assert warnings == [] and len(videos) == 1 and NAME.fullmatch(videos[0].path.name)


def test_settings_are_checked(tmp_path):
    assert load_source("ytdlp").available_tags() == []
    for template, match in [("https://www.tiktok.com/tag/", r"\{tag\}"), ("https://x/{tag}/{page}", "braces"),
                            ("ftp://host/{tag}", "https://"), (42, "TRENDTOK_YTDLP_URL")]:
        with pytest.raises(VideoSourceError, match=match):
            load_source("ytdlp", url_template=template)
    with pytest.raises(VideoSourceError, match="ydl_options"):
        load_source("ytdlp", ydl_options=["quiet"])
    with pytest.raises(VideoSourceError, match="dest"):
        load_source("ytdlp").fetch("Foodie")
    assert load_source("ytdlp").fetch("Foodie", limit=0, dest=tmp_path) == ([], [])
