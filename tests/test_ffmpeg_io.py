"""The one door to ffmpeg, on clips the bundled binary builds here: the probe and its parser,
PCM decoding, counting a streamed file's length, frames through a pipe, and its errors."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

import ffmpeg_io
from errors import StudioError, Unavailable, Unusable


def _make(dest, *args):
    subprocess.run([ffmpeg_io.ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args, str(dest)],
                   check=True, capture_output=True, timeout=60)
    return dest


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ffmpeg_io")
    return {
        "clip": _make(folder / "clip.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2",
                      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
                      "-c:v", "mpeg4", "-c:a", "aac", "-shortest"),
        "silent_clip": _make(folder / "silent.mp4", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1",
                             "-c:v", "mpeg4"),
        "stereo": _make(folder / "stereo.wav", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1",
                        "-f", "lavfi", "-i", "anullsrc=channel_layout=mono:sample_rate=16000",
                        "-filter_complex", "[0:a][1:a]amerge=inputs=2[a]", "-map", "[a]", "-t", "1",
                        "-metadata", "title=A Tone", "-metadata", "artist=Test Band"),
    }


def test_probe_reads_streams_size_codec_length_and_tags(clips):
    clip = ffmpeg_io.probe(clips["clip"])
    assert clip.has_video and clip.has_audio and (clip.width, clip.height) == (320, 240)
    assert clip.video_codec == "mpeg4" and clip.duration_s == pytest.approx(2.0, abs=0.1)
    song = ffmpeg_io.probe(clips["stereo"])
    assert song.has_audio and not song.has_video and song.video_codec is None and song.width == 0
    assert song.tags == {"title": "A Tone", "artist": "Test Band"}
    assert song.duration_s == pytest.approx(1.0, abs=0.01)


def test_a_file_ffmpeg_cannot_parse_has_neither_stream(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    info = ffmpeg_io.probe(junk)
    assert not info.has_video and not info.has_audio and info.duration_s == 0.0


def test_the_parser_turns_a_rotated_picture_and_skips_cover_art():
    report = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 900 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 1280x720, 800 kb/s, 30 fps
      Side data:
        displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s
"""
    info = ffmpeg_io.parse_report(report)
    assert (info.width, info.height) == (720, 1280) and info.video_codec == "h264"
    assert info.duration_s == pytest.approx(62.5) and info.has_audio
    art = ffmpeg_io.parse_report("  Duration: 00:00:03.00, start: 0\n"
                                 "  Stream #0:0: Audio: mp3, 44100 Hz, stereo\n"
                                 "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p, 500x500 (attached pic)\n")
    assert art.has_audio and not art.has_video and art.video_codec is None
    assert ffmpeg_io.progress_time("frame=1 time=00:00:01.00 x\nframe=9 time=00:00:04.20 y") == pytest.approx(4.2)
    assert ffmpeg_io.progress_time("no progress here") is None


def test_decode_pcm_gives_float_or_int16_mono_or_channels(clips):
    mono = ffmpeg_io.decode_pcm(clips["stereo"], sr=16_000)
    assert mono.dtype == np.float32 and mono.shape == (16_000,)
    both = ffmpeg_io.decode_pcm(clips["stereo"], sr=16_000, channels=2)
    assert both.shape == (2, 16_000) and float(np.abs(both[1]).max()) == 0.0  # the right channel is silent
    assert float(np.abs(both[0]).max()) == pytest.approx(0.125, abs=0.01)  # lavfi's sine is at 1/8
    average = ffmpeg_io.decode_pcm(clips["stereo"], sr=16_000, average=True)
    np.testing.assert_allclose(average, both.mean(axis=0), atol=1e-3)
    ints = ffmpeg_io.decode_pcm(clips["stereo"], sr=8_000, sample_format="s16", seconds=0.5)
    assert ints.dtype == np.int16 and ints.shape == (4_000,)


def test_decoding_a_clip_without_sound_names_the_file_not_its_path(clips):
    with pytest.raises(ffmpeg_io.FfmpegError) as caught:
        ffmpeg_io.decode_pcm(clips["silent_clip"], sr=16_000, field="video")
    error = caught.value
    assert isinstance(error, Unusable) and isinstance(error, StudioError) and error.field == "video"
    assert "silent.mp4 could not be decoded" in str(error) and str(clips["silent_clip"].parent) not in str(error)
    assert not error.timed_out


def test_a_streamed_file_names_no_length_and_count_length_finds_it(clips, tmp_path):
    # Written to a pipe, the WebM muxer cannot go back to write the length into the header.
    streamed = subprocess.run(ffmpeg_io.command(["-v", "error", "-f", "lavfi", "-i",
                                                 "testsrc=size=160x120:rate=10:duration=3",
                                                 "-c:v", "libvpx", "-f", "webm", "pipe:1"]),
                              capture_output=True, check=True, timeout=120).stdout
    path = tmp_path / "streamed.webm"
    path.write_bytes(streamed)
    info = ffmpeg_io.probe(path)
    assert info.has_video and info.video_codec == "vp8" and info.duration_s == 0.0
    assert ffmpeg_io.count_length(path) == pytest.approx(3.0, abs=0.15)
    assert ffmpeg_io.count_length(path, stream=None, copy=False, max_seconds=2) == pytest.approx(2.0, abs=0.15)


def test_frames_come_through_a_pipe(clips):
    with ffmpeg_io.open_pipe(["-v", "error", "-i", str(clips["clip"]), "-vf", "fps=2,scale=32:24",
                              "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]) as proc:
        data = proc.stdout.read()
    assert proc.returncode == 0 and len(data) == 4 * 32 * 24 * 3  # 2 s at 2 frames a second


def test_run_past_its_limit_and_a_missing_binary_are_studio_errors(tmp_path):
    with pytest.raises(ffmpeg_io.FfmpegError) as caught:
        ffmpeg_io.run(["-f", "lavfi", "-i", "sine=duration=600", "-f", "null", "-"], timeout_s=0.3, field="song")
    assert caught.value.timed_out and caught.value.field == "song" and "longer than 0.3 s" in str(caught.value)
    with pytest.raises(Unavailable) as missing:
        ffmpeg_io.run(["-version"], exe=str(tmp_path / "no-ffmpeg-here"))
    assert missing.value.field == "ffmpeg"


def test_last_line_hides_server_paths(tmp_path):
    path = tmp_path / "deep" / "clip.mp4"
    stderr = f"some noise\n{path}: Invalid data found when processing input\n".encode()
    assert ffmpeg_io.last_line(stderr, paths=[path]) == "clip.mp4: Invalid data found when processing input"
    assert ffmpeg_io.last_line(b"") == "" and len(ffmpeg_io.last_line("x" * 500)) == 160
