"""load_audio on real and made files: every format through the path that reads it, and each
refusal naming the file."""
from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile

from sounds._types import AudioError, SoundsError
from sounds.audio import AUDIO_SUFFIXES, load_audio, read_audio

SR = 22050


def _tone(seconds: float, *, rate: int = SR, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _encode(source, target, *extra: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-nostdin", "-y", "-i", str(source),
                    *extra, str(target)], check=True, timeout=60)


def _refusal(path, **caps) -> str:
    with pytest.raises(AudioError) as caught:
        load_audio(path, **caps)
    assert caught.value.field == "file"
    return caught.value.message


def test_reads_a_real_ogg_with_its_tags(shared_data):
    path = shared_data / "music" / "Kevin_MacLeod_-_Vibe_Ace.ogg"
    samples, tags = read_audio(path)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) == soundfile.info(path).frames  # already 22 050 Hz mono: nothing resampled
    assert 0.1 < np.abs(samples).max() <= 1.0
    assert tags == {"title": "Vibe Ace", "artist": "Kevin MacLeod", "genre": "Jazz"}


def test_every_format_reads_as_the_same_mono_signal(tmp_path):
    # Stereo at 44.1 kHz with the tone on the left only: a mono average halves it, whichever
    # decoder (libsndfile for WAV/FLAC/MP3, ffmpeg for M4A) read the file.
    left = _tone(2.0, rate=44100)
    soundfile.write(tmp_path / "tone.wav", np.stack([left, np.zeros_like(left)], axis=1), 44100)
    _encode(tmp_path / "tone.wav", tmp_path / "tone.flac")
    _encode(tmp_path / "tone.wav", tmp_path / "tone.mp3")
    _encode(tmp_path / "tone.wav", tmp_path / "tone.m4a", "-metadata", "title=Tone", "-metadata", "artist=Lab")
    expected_rms = 0.25 / np.sqrt(2)
    for suffix in AUDIO_SUFFIXES:
        if suffix == ".ogg":
            continue
        samples, tags = read_audio(tmp_path / f"tone{suffix}", sr=SR)
        assert abs(len(samples) / SR - 2.0) < 0.1, suffix  # codecs pad a few ms
        middle = samples[SR // 2: 3 * SR // 2]
        assert abs(np.sqrt(np.mean(middle ** 2)) / expected_rms - 1) < 0.05, suffix
        if suffix == ".m4a":
            assert tags == {"title": "Tone", "artist": "Lab"}


def test_resamples_to_the_rate_asked_for(tmp_path):
    soundfile.write(tmp_path / "tone.wav", _tone(1.0, rate=44100), 44100)
    assert len(load_audio(tmp_path / "tone.wav", sr=16000)) == 16000


def test_a_text_file_named_mp3_is_not_audio(tmp_path):
    fake = tmp_path / "song.mp3"
    fake.write_text("this is a shopping list, not a song\n" * 20)
    assert "not an audio file" in _refusal(fake)


def test_an_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.touch()
    assert "empty (0 bytes)" in _refusal(empty)


def test_a_missing_file_is_refused(tmp_path):
    assert "does not exist" in _refusal(tmp_path / "nowhere.ogg")


def test_a_file_over_the_byte_cap_is_refused(tmp_path):
    soundfile.write(tmp_path / "tone.wav", _tone(1.0), SR)
    assert "over the" in _refusal(tmp_path / "tone.wav", max_bytes=10_000)


def test_a_file_over_the_length_cap_is_refused_by_either_decoder(tmp_path):
    soundfile.write(tmp_path / "long.wav", _tone(3.0), SR)
    _encode(tmp_path / "long.wav", tmp_path / "long.m4a")
    for name in ("long.wav", "long.m4a"):
        message = _refusal(tmp_path / name, max_seconds=1.0)
        assert "longer than the 1 s cap" in message, name
    assert len(load_audio(tmp_path / "long.wav", max_seconds=3.5)) == 3 * SR


def test_silence_is_refused(tmp_path):
    soundfile.write(tmp_path / "silent.wav", np.zeros(SR, dtype=np.float32), SR)
    hiss = np.random.default_rng(4).uniform(-2e-5, 2e-5, SR).astype(np.float32)
    soundfile.write(tmp_path / "hiss.wav", hiss, SR, subtype="FLOAT")
    for name in ("silent.wav", "hiss.wav"):
        assert "silent" in _refusal(tmp_path / name), name


@pytest.mark.parametrize(("caps", "field"), [({"sr": 0}, "sr"), ({"sr": 22050.0}, "sr"),
                                              ({"max_seconds": 0}, "max_seconds"), ({"max_bytes": -1}, "max_bytes")])
def test_bad_arguments_name_themselves(tmp_path, caps, field):
    with pytest.raises(SoundsError) as caught:
        load_audio(tmp_path / "any.wav", **caps)
    assert caught.value.field == field
