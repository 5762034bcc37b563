"""sounds.mix: a creator's clip with a chosen song under it, checked on what the MP4 holds.

The clip is a realistic 9:16 H.264 + AAC clip (tests/clips.py) of the shared speech over a
shared song, with 3-s stretches of music only between the recordings, so we know where it
speaks. Songs with a known shape (a hook at 40 s, a 3-s loop, a 13-kHz tone) are written here.
The tone sits above everything the clip holds (its speech is 16-kHz audio, its bed 22-kHz
audio), so the 13-kHz band of a mix is the added music alone, whatever the clip says.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from scipy import signal

from sounds._types import AudioError, SoundsError
from sounds.mix import DEFAULT_DUCK_DB, DEFAULT_MUSIC_LEVEL_DB, DEFAULT_TARGET_LUFS, put_song_on_video
from tests.clips import GAP_S, _duration, make_realistic_clip

pytestmark = pytest.mark.slow  # realistic clips built, mixed and encoded with ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SR = 44_100
SPEECH = ("librivox-0870", "librivox-0880", "librivox-0890")
PAUSE_S = 3.0  # music only between two recordings (plus the clip's own GAP_S after each)
TONE_HZ = 13_000


def _ffmpeg_log(*args: str) -> str:
    return subprocess.run([FFMPEG, "-hide_banner", "-nostdin", *args], capture_output=True).stderr.decode()


def _audio(path: Path) -> np.ndarray:
    """The file's first audio stream as mono float32 at SR."""
    run = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(SR),
                          "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(run.stdout, dtype=np.float32)


def _video_codec(path: Path) -> str:
    return re.search(r"Video: (\w+)", _ffmpeg_log("-i", str(path))).group(1)


def _video_frames_and_md5(path: Path) -> tuple[int, str]:
    """How many pictures the video stream holds and an MD5 of its packets (equal only for a copy)."""
    log = _ffmpeg_log("-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-")
    frames = re.findall(r"frame=\s*(\d+)", log)
    md5 = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "md5", "-"],
                         capture_output=True, check=True).stdout.decode().strip()
    return int(frames[-1]), md5


def _band_db(audio: np.ndarray, start_s: float, end_s: float) -> float:
    """Mean power (dB) of the 13-kHz tone's band between two times."""
    sos = signal.butter(6, [TONE_HZ - 500, TONE_HZ + 500], btype="bandpass", fs=SR, output="sos")
    band = signal.sosfiltfilt(sos, audio)[round(start_s * SR):round(end_s * SR)]
    return 10 * np.log10(np.mean(np.square(band, dtype=np.float64)))


def _write(path: Path, samples: np.ndarray) -> Path:
    sf.write(path, samples.astype(np.float32), SR)
    return path


def _beat(seconds: float, *, rng: np.random.Generator) -> np.ndarray:
    """A loud section: a kick and a noise hit on every beat at 120 bpm over a held chord."""
    t = np.arange(round(seconds * SR)) / SR
    chord = sum(0.08 * np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    phase = t % 0.5
    kick = 0.5 * np.sin(2 * np.pi * 60 * t) * np.exp(-phase * 12)
    hit = 0.2 * rng.standard_normal(t.size) * np.exp(-phase * 30)
    return chord + kick + hit


def _quiet(seconds: float) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return 0.02 * np.sin(2 * np.pi * 440 * t)


@pytest.fixture(scope="module")
def clip(shared_data, tmp_path_factory):
    """The realistic clip and where its speech is: [(start_s, end_s)] per recording."""
    work = tmp_path_factory.mktemp("mix_clip")
    pause = _write(work / "pause.wav", np.zeros(round(PAUSE_S * SR)))
    pause.with_suffix(".txt").write_text("")  # nothing said: no caption
    wavs = [shared_data / "speech" / f"{name}.wav" for name in SPEECH]
    speech = [wavs[0], pause, wavs[1], pause, wavs[2]]
    made = make_realistic_clip(work / "clip.mp4", speech=speech, title_card="TRY THIS SONG",
                               music=shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg", music_db=-18.0)
    spoken, at = [], 0.0
    for wav in speech:
        length = _duration(wav)
        if wav != pause:
            spoken.append((at, at + length))
        at += length + GAP_S
    return made.path, spoken


@pytest.fixture(scope="module")
def tone(tmp_path_factory) -> Path:
    """40 s of a steady 13-kHz tone: its band in a mix is the music and nothing else."""
    t = np.arange(40 * SR) / SR
    return _write(tmp_path_factory.mktemp("tone") / "tone.wav", 0.3 * np.sin(2 * np.pi * TONE_HZ * t))


def test_the_clip_keeps_its_picture_and_length_and_the_hook_opens_it(clip, tmp_path):
    video, _ = clip
    # Quiet for 40 s, then 40 s of loud beat: the clip (under 30 s) must start inside the beat.
    song = _write(tmp_path / "song.wav", np.concatenate([_quiet(40), _beat(40, rng=np.random.default_rng(1))]))
    seen = []
    result = put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4",
                               progress=lambda *step: seen.append(step))
    assert result.out == tmp_path / "out.mp4" and result.out.is_file()
    assert seen == [("decode", 0, 3), ("mix", 1, 3), ("encode", 2, 3), ("encode", 3, 3)]
    assert 40.0 - 0.05 <= result.hook_start_s <= 80.0 - result.duration_s
    assert not result.looped and result.video_copied
    clip_s, out_s = _duration(video), _duration(result.out)
    assert abs(out_s - clip_s) <= 0.05 and abs(result.duration_s - clip_s) <= 0.05
    assert _video_codec(result.out) == _video_codec(video) == "h264"
    assert _video_frames_and_md5(result.out) == _video_frames_and_md5(video)  # copied, bit for bit
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4", "song.wav"]  # no temp file left


def test_a_loud_section_shorter_than_the_clip_opens_it_rather_than_ending_it(clip, tmp_path):
    video, _ = clip
    rng = np.random.default_rng(2)
    song = _write(tmp_path / "song.wav", np.concatenate([_quiet(40), _beat(8, rng=rng), _quiet(40)]))
    result = put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4", keep_original=False)
    # Every window holding the whole 8-s section is about as energetic; the clip opens on its first beat.
    assert 40.0 - 0.05 <= result.hook_start_s <= 40.0 + 0.05


def test_a_short_song_is_looped_to_fill_the_clip(clip, tmp_path):
    video, _ = clip
    song = _write(tmp_path / "loop.wav", _beat(3, rng=np.random.default_rng(3)))
    result = put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4", keep_original=False)
    assert result.looped and result.hook_start_s == 0.0
    audio = _audio(result.out)
    assert abs(audio.size / SR - _duration(video)) <= 0.05
    # Every quarter second after the fade-in and before the fade-out plays the loop: no gap at a seam.
    blocks = audio[SR: audio.size - SR][: (audio.size - 2 * SR) // (SR // 4) * (SR // 4)].reshape(-1, SR // 4)
    level = 10 * np.log10(np.mean(np.square(blocks, dtype=np.float64), axis=1))
    assert level.min() > np.median(level) - 6.0


@pytest.mark.parametrize("target", [DEFAULT_TARGET_LUFS, -23.0])
def test_the_song_alone_plays_at_the_target_loudness(clip, shared_data, tmp_path, target):
    video, _ = clip
    song = shared_data / "music" / "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg"
    result = put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4", keep_original=False,
                               target_lufs=target)
    measured = pyloudnorm.Meter(SR).integrated_loudness(_audio(result.out).astype(np.float64))
    assert abs(measured - target) <= 1.0
    assert result.music_lufs == target and result.clip_lufs is None and result.ducked_s == 0.0


def test_under_the_clip_the_music_sits_its_level_below_the_clip_and_ducks_under_speech(clip, tone, tmp_path):
    video, spoken = clip
    result = put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4")
    assert result.clip_lufs is not None
    assert result.music_lufs == pytest.approx(result.clip_lufs - DEFAULT_MUSIC_LEVEL_DB)
    audio = _audio(result.out)
    # Inside each recording (0.5 s in from its ends) against the middle of each music-only pause.
    during = [_band_db(audio, start + 0.5, end - 0.5) for start, end in spoken]
    between = [_band_db(audio, end + 1.2, after - 0.6) for (_, end), (after, _) in zip(spoken, spoken[1:])]
    depth = np.mean(between) - np.mean(during)
    assert DEFAULT_DUCK_DB - 1.5 <= depth <= DEFAULT_DUCK_DB + 1.5
    assert max(during) < min(between) - DEFAULT_DUCK_DB + 2.0  # every phrase ducked, every pause not
    said = sum(end - start for start, end in spoken)
    assert said - 0.5 <= result.ducked_s <= said + 1.2 * len(spoken)


def test_the_music_level_follows_the_clip_loudness_rule(clip, tone, tmp_path):
    video, _ = clip
    result = put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4", duck_db=0.0)
    sos = signal.butter(6, [TONE_HZ - 500, TONE_HZ + 500], btype="bandpass", fs=SR, output="sos")
    music = signal.sosfiltfilt(sos, _audio(result.out).astype(np.float64))
    assert abs(pyloudnorm.Meter(SR).integrated_loudness(music) - result.music_lufs) <= 1.0
    assert result.ducked_s == 0.0  # a 0-dB duck lowers nothing


def test_without_the_original_sound_only_the_song_plays(clip, tone, tmp_path):
    video, _ = clip
    result = put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4", keep_original=False)
    audio = _audio(result.out).astype(np.float64)
    sos = signal.butter(8, 9_000, btype="lowpass", fs=SR, output="sos")
    below = np.mean(np.square(signal.sosfiltfilt(sos, audio)))
    assert 10 * np.log10(below / np.mean(np.square(audio))) < -40.0  # no speech, no bed: the tone alone
    assert result.ducked_s == 0.0 and result.clip_lufs is None


def test_a_real_tiktok_clip_gets_the_song_under_its_talk(shared_data, tmp_path):
    video = shared_data / "tiktok" / "videos" / "malwaretech-7261314534885870894.mp4"
    song = shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg"
    result = put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4")
    assert abs(_duration(result.out) - _duration(video)) <= 0.05
    assert _video_frames_and_md5(result.out) == _video_frames_and_md5(video)
    assert result.ducked_s > 0.8 * result.duration_s  # it is talk from start to end


def test_a_clip_without_sound_gets_the_song_alone(tone, tmp_path):
    video = tmp_path / "silent.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=180x320:rate=15:duration=3",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(video)], check=True)
    result = put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4")
    assert abs(_duration(result.out) - 3.0) <= 0.05
    assert abs(_audio(result.out).size / SR - 3.0) <= 0.05
    assert result.clip_lufs is None and result.ducked_s == 0.0 and result.music_lufs == DEFAULT_TARGET_LUFS


def test_a_codec_an_mp4_cannot_carry_is_re_encoded_to_h264(tone, tmp_path):
    video = tmp_path / "clip.webm"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=180x320:rate=15:duration=2",
                    "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", str(video)], check=True)
    result = put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4")
    assert not result.video_copied and _video_codec(result.out) == "h264"
    assert abs(_duration(result.out) - 2.0) <= 0.05


def test_a_text_file_as_song_is_refused_naming_the_song_and_leaves_nothing(clip, tmp_path):
    video, _ = clip
    song = tmp_path / "song.mp3"
    song.write_text("not a song at all\n" * 50)
    with pytest.raises(AudioError) as caught:
        put_song_on_video(video=video, song=song, out=tmp_path / "out.mp4")
    assert caught.value.field == "song"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


@pytest.mark.parametrize("make, field", [
    (lambda d: _write(d / "silent.wav", np.zeros(5 * SR)), "song"),
    (lambda d: (d / "empty.wav").write_bytes(b"") or d / "empty.wav", "song"),
    (lambda d: d / "missing.wav", "song"),
])
def test_an_unusable_song_is_an_audio_error(clip, tmp_path, make, field):
    video, _ = clip
    with pytest.raises(AudioError) as caught:
        put_song_on_video(video=video, song=make(tmp_path), out=tmp_path / "out.mp4")
    assert caught.value.field == field and not (tmp_path / "out.mp4").exists()


def test_an_unreadable_video_or_missing_folder_names_its_field(tone, tmp_path):
    text = tmp_path / "clip.mp4"
    text.write_text("a video this is not")
    with pytest.raises(SoundsError) as caught:
        put_song_on_video(video=text, song=tone, out=tmp_path / "out.mp4")
    assert caught.value.field == "video" and not isinstance(caught.value, AudioError)
    with pytest.raises(SoundsError) as caught:
        put_song_on_video(video=text, song=tone, out=tmp_path / "no such folder" / "out.mp4")
    assert caught.value.field == "out"
    with pytest.raises(SoundsError) as caught:
        put_song_on_video(video=text, song=tone, out=tmp_path / "out.mp4", duck_db=-3)
    assert caught.value.field == "duck_db"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_a_job_cancelled_while_encoding_leaves_no_file_behind(clip, tone, tmp_path):
    video, _ = clip

    class Cancelled(Exception):
        pass

    def cancel(stage, done, total):
        if stage == "encode":
            raise Cancelled

    with pytest.raises(Cancelled):
        put_song_on_video(video=video, song=tone, out=tmp_path / "out.mp4", progress=cancel)
    assert list(tmp_path.iterdir()) == []
