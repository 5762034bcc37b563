"""Uploads are judged by their bytes: magic numbers first, then ffmpeg decoding them."""
from __future__ import annotations

import pytest

from uploads import MediaInfo, UploadRejected, inspect, inspect_export, sniff, sniff_export


@pytest.mark.parametrize("head, fmt", [
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "mov"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "m4a"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "webm"),
    (b"RIFF\x24\x08\x00\x00WAVEfmt ", "wav"),
    (b"RIFF\x24\x08\x00\x00AVI LIST", "avi"),
    (b"OggS\x00\x02\x00\x00", "ogg"),
    (b"fLaC\x00\x00\x00\x22", "flac"),
    (b"ID3\x04\x00\x00\x00\x00", "mp3"),
    (b"\xff\xfb\x90\x64\x00", "mp3"),
    (b"PK\x03\x04\x14\x00", None),
    (b"\x89PNG\r\n\x1a\n", None),
    (b"<!DOCTYPE html>", None),
    (b"\x7fELF\x02\x01", None),
    (b"", None),
])
def test_sniff_names_containers_by_their_magic_bytes(head, fmt):
    assert sniff(head) == fmt


def test_a_video_whose_name_says_nothing_is_a_video(media):
    info = inspect(media["mp4"], max_seconds=180)
    assert (info.media, info.format) == ("video", "mp4") and 5 < info.duration_s < 30


def test_a_wav_is_audio_with_its_length(media):
    info = inspect(media["wav"], max_seconds=180)
    assert (info.media, info.format) == ("audio", "wav") and info.duration_s == pytest.approx(2.0, abs=0.05)


def test_real_music_and_a_real_tiktok_clip(media):
    if "ogg" not in media:
        pytest.skip("../shared/data is absent")
    assert inspect(media["ogg"], max_seconds=600).media == "audio"
    real = inspect(media["real"], max_seconds=600)
    assert real.media == "video" and real.duration_s > 1


@pytest.mark.parametrize("name, field", [("text", "content"), ("png", "content"), ("truncated", "content")])
def test_files_that_only_look_like_clips_are_rejected_naming_the_content(media, name, field):
    with pytest.raises(UploadRejected) as caught:
        inspect(media[name], max_seconds=180)
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")


def test_a_clip_longer_than_the_cap_is_rejected_naming_the_duration(media):
    with pytest.raises(UploadRejected, match=r"^duration: .* longer than the 5 s"):
        inspect(media["mp4"], max_seconds=5)


# -- exports for the trend lake: UTF-8 text opening as JSON or with a CSV header ---------------------

@pytest.mark.parametrize("head, fmt", [
    ('[{"id": "7000", "stats": {}}]', "json"),
    ('\n  {"collector": []}', "json"),
    ("track_name,artist_name,track_pop\nSay So,Doja Cat,80\n", "csv"),
    ("authorMeta/name,text,diggCount\r\nx,y,1\r\n", "csv"),
    (',track_name,artist_name\n0,a,b\n', "csv"),  # pandas' unnamed index column
    ('"a, quoted",b\n', "csv"),
    ("id\n1\n", None),  # one column is a list, not a table we can tell from prose
    ("Dear diary, today\n", "csv"),  # looks like a header; the importer says it is no known export
    ("<!DOCTYPE html><html>", None),
    ("just some words\n", None),
    ("x" * 300 + ",y\n", None),  # a 300-character "column name" is prose
    ("", None),
])
def test_sniff_export_names_json_and_csv_by_how_the_text_opens(head, fmt):
    assert sniff_export(head) == fmt


@pytest.fixture
def exports(tmp_path):
    files = {
        "json": b'\xef\xbb\xbf[{"id": "7000000000000000001", "desc": "caf\xc3\xa9 #Foodie", "stats": {}}]',
        "csv": "track_name,artist_name,track_pop\nCaf\u00e9 del Mar,Energy 52,70\n".encode(),
        "png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "zip": b"PK\x03\x04\x14\x00" + bytes(100),
        "latin1": "track_name,artist_name\nCaf\u00e9,x\n".encode("latin-1"),
        "utf16": "[{}]".encode("utf-16"),
        "nul": b'[{"id": "1"}]\x00\x00',
        "blank": b"  \n\n ",
        "prose": b"this is a text file named like an export\n" * 20,
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.json"  # every name says JSON; only the bytes count
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("name, fmt", [("json", "json"), ("csv", "csv")])
def test_an_export_is_known_by_its_bytes(exports, name, fmt):
    assert inspect_export(exports[name]) == MediaInfo(media="export", format=fmt, duration_s=None)


@pytest.mark.parametrize("name, says", [
    ("png", "byte 0 is not UTF-8"), ("zip", "NUL bytes"), ("latin1", "is not UTF-8"), ("utf16", "is not UTF-8"),
    ("nul", "NUL bytes"), ("blank", "the export is empty"), ("prose", "opens neither with '{' or '['"),
])
def test_what_only_looks_like_an_export_is_rejected_naming_the_content(exports, name, says):
    with pytest.raises(UploadRejected) as caught:
        inspect_export(exports[name])
    assert caught.value.field == "content" and says in str(caught.value), str(caught.value)


def test_a_non_utf8_byte_past_the_first_chunk_is_found(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 400_000 + b"\xff,3\n")  # 1.6 MB: past the first 1 MiB read
    with pytest.raises(UploadRejected, match=f"byte {path.stat().st_size - 4} is not UTF-8"):
        inspect_export(path)


def test_the_real_exports_are_exports(shared_data):
    found = {path.name: inspect_export(path).format for path in sorted((shared_data / "tiktok").glob("*.*"))}
    assert found["trending_tiktokapi.json"] == "json" and found["apify_trending.csv"] == "csv"
    assert set(found.values()) == {"json", "csv"} and len(found) == 6
