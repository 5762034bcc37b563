"""Uploads are judged by their bytes: magic numbers first, then ffmpeg decoding them."""
from __future__ import annotations

import pytest

from uploads import UploadRejected, inspect, sniff


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
