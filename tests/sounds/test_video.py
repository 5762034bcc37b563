"""Video features on clips built here (ffmpeg from imageio-ffmpeg, tests/clips' realistic clips
from the shared speech and music) and on the real TikTok clip in ../shared/data."""
from __future__ import annotations

import math
import subprocess

import cv2
import numpy as np
import pytest

from sounds import SoundsError
from sounds.video import VideoFeatures, video_features
from tests.clips import FFMPEG, make_realistic_clip

pytestmark = pytest.mark.slow  # tempo and faces read off real clips

SIZE = (360, 640)   # 9:16
FPS = 30


def _write(path, frames, *, fps=FPS):
    """Encode RGB frames as H.264 (no audio track)."""
    proc = subprocess.Popen([FFMPEG, "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
                             "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(fps), "-i", "-", "-c:v", "libx264",
                             "-pix_fmt", "yuv420p", str(path)], stdin=subprocess.PIPE)
    for frame in frames:
        proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    return path


def _vivid(seed: int) -> np.ndarray:
    """A frame of saturated blocks on a light pastel ground, different for each seed."""
    rng = np.random.default_rng(seed)
    hue = lambda: cv2.cvtColor(np.uint8([[[rng.integers(0, 180), 255, 255]]]), cv2.COLOR_HSV2RGB)[0, 0]
    image = np.empty((SIZE[1], SIZE[0], 3), np.uint8)
    image[:] = cv2.cvtColor(np.uint8([[[rng.integers(0, 180), 80, 255]]]), cv2.COLOR_HSV2RGB)[0, 0]
    for _ in range(8):
        x, y = rng.integers(0, SIZE[0] - 60), rng.integers(0, SIZE[1] - 60)
        image[y:y + rng.integers(60, 300), x:x + rng.integers(60, 220)] = hue()
    return image


@pytest.fixture(scope="module")
def dark_and_cut(tmp_path_factory):
    work = tmp_path_factory.mktemp("looks")
    dark = _write(work / "dark.mp4", [np.full((SIZE[1], SIZE[0], 3), 18, np.uint8)] * (4 * FPS))
    # A new shot every 0.5 s (15 frames) for 6 s: 11 hard cuts, the picture drifting within each shot.
    frames = [np.roll(_vivid(shot), 2 * i, axis=1) for shot in range(12) for i in range(FPS // 2)]
    return video_features(dark), video_features(_write(work / "cuts.mp4", frames))


def test_static_dark_clip_against_bright_colourful_cuts(dark_and_cut):
    dark, cut = dark_and_cut
    assert isinstance(dark, VideoFeatures)
    assert dark.cuts == 0 and dark.cuts_per_s == 0.0 and dark.motion < 0.005
    assert 1.5 <= cut.cuts_per_s <= 2.2 and 10 <= cut.cuts <= 12          # 11 cuts in 6 s
    assert dark.brightness < 0.15 < 0.4 < cut.brightness
    assert dark.colourfulness < 15 < 59 < cut.colourfulness
    assert (dark.pace, cut.pace) == ("slow", "fast")
    assert dark.energy == "low" and cut.energy_score > dark.energy_score + 0.4
    assert {"dark", "steady shot", "no sound"} <= set(dark.labels)
    assert {"bright", "colourful", "fast cuts", "no sound"} <= set(cut.labels)
    assert not dark.has_audio and dark.tempo_bpm is None
    assert 3.9 <= dark.duration_s <= 4.1 and 5.9 <= cut.duration_s <= 6.1


@pytest.fixture(scope="module")
def spoken(shared_data, tmp_path_factory):
    """The same realistic clip (the four shared speech recordings, karaoke captions) over Vibe
    Ace 12 dB down, and with its music 90 dB down: speech alone."""
    work = tmp_path_factory.mktemp("spoken")
    speech = sorted((shared_data / "speech").glob("*.wav"))
    music = shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg"
    with_music = make_realistic_clip(work / "music.mp4", speech=speech, music=music, title_card="VIBE CHECK")
    alone = make_realistic_clip(work / "speech.mp4", speech=speech, music=music, title_card="VIBE CHECK",
                                music_db=-90.0)
    return music, video_features(with_music.path), video_features(alone.path)


def test_music_under_speech_has_its_tempo_and_speech_alone_has_none(spoken):
    import librosa

    music, with_music, alone = spoken
    # The music's own tempo, by the same beat tracker on the same excerpt the clip plays (over a
    # whole track it may settle on half that tempo instead: beat trackers slip by octaves).
    samples, rate = librosa.load(music, sr=22050, mono=True, duration=with_music.duration_s)
    reference = float(np.atleast_1d(librosa.beat.beat_track(y=samples, sr=rate)[0])[0])
    assert with_music.has_music and "music" in with_music.labels
    assert with_music.tempo_bpm is not None and abs(math.log2(with_music.tempo_bpm / reference)) < 0.05
    assert alone.has_audio and not alone.has_music and alone.tempo_bpm is None and "music" not in alone.labels
    assert alone.tonal < 0.03 <= with_music.tonal
    # Both talk the whole way through; a steady captioned clip is not fast.
    assert alone.voice > 0.6 and with_music.voice > 0.6 and "talking" in alone.labels
    assert with_music.cuts == 0 and with_music.pace != "fast"


def test_the_real_tiktok_clip_shows_a_talking_face_and_its_stitch_cut(shared_data):
    clip = video_features(shared_data / "tiktok" / "videos" / "malwaretech-7261314534885870894.mp4")
    if clip.faces is None:
        pytest.skip(clip.notes[0])
    assert clip.faces > 0.5 and "faces" in clip.labels
    assert clip.cuts == 1                              # the stitch, about 4 s in
    assert clip.width == 576 and clip.height == 1024 and 13.0 < clip.duration_s < 13.5
    assert "talking" in clip.labels and not clip.has_music


def test_unreadable_files_name_the_file(tmp_path, shared_data):
    fake = tmp_path / "clip.mp4"
    fake.write_text("just some text, renamed to look like a video\n")
    audio_only = shared_data / "speech" / "english.wav"
    for path in (fake, audio_only, tmp_path / "missing.mp4"):
        with pytest.raises(SoundsError) as caught:
            video_features(path)
        assert caught.value.field == "file", path
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(SoundsError, match="empty"):
        video_features(tmp_path / "empty.mp4")


@pytest.mark.parametrize("kwargs, field", [({"frames_per_second": 0}, "frames_per_second"),
                                           ({"frames_per_second": True}, "frames_per_second"),
                                           ({"max_seconds": 0.5}, "max_seconds"),
                                           ({"max_seconds": 601}, "max_seconds")])
def test_sampling_arguments_are_checked(tmp_path, kwargs, field):
    clip = _write(tmp_path / "grey.mp4", [np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)] * 10)
    with pytest.raises(SoundsError) as caught:
        video_features(clip, **kwargs)
    assert caught.value.field == field


def test_max_seconds_reads_only_the_start(tmp_path):
    frames = [np.full((SIZE[1], SIZE[0], 3), 40 if i < 2 * FPS else 230, np.uint8) for i in range(4 * FPS)]
    clip = _write(tmp_path / "dark_then_bright.mp4", frames)
    start = video_features(clip, max_seconds=1.5)
    whole = video_features(clip)
    assert start.analysed_s <= 1.6 and 3.9 <= start.duration_s <= 4.1
    assert start.brightness < 0.25 < whole.brightness and start.cuts == 0 and whole.cuts == 1
