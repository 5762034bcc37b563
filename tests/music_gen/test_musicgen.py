"""MusicGen backend on a tiny random-weight model built here, saved, and loaded back through our loader."""
import time
from importlib.util import find_spec

import numpy as np
import pytest

import utils
from music_gen import MusicError, load_music_generator
from music_gen.audio import PEAK_DBFS, read_wav
from music_gen.debug import DEBUG_SAMPLE_RATE, save_debug_musicgen
from music_gen.musicgen import MusicGenGenerator

# Checked without importing them: torch and transformers load in the tests, not at collection (seconds).
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (find_spec("torch") and find_spec("transformers")),
                                                 reason="torch and transformers are not installed")]

RATE = DEBUG_SAMPLE_RATE  # 2 kHz audio, hop 200 -> 10 frames per second, 2 codebooks
POP = "A happy pop track at 120 BPM in a major key with piano, bass and drums."


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """The package's random-weight debug MusicGen, saved to a temp folder (256 decoder positions)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: extra threads only fight the other processes on the machine
    folder = save_debug_musicgen(tmp_path_factory.mktemp("tiny-musicgen"), max_positions=256)
    yield folder
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def generator(tiny_model_dir):
    # A 12 s window with 3 s overlap makes a 35 s request take four passes.
    gen = load_music_generator("musicgen", model=tiny_model_dir, device="cpu", window_s=12.0, overlap_s=3.0)
    assert isinstance(gen, MusicGenGenerator)
    return gen


def test_loads_the_local_folder(generator, tiny_model_dir):
    assert generator.backend == "musicgen" and generator.warnings == []
    assert generator.sample_rate == RATE and generator.frame_rate == 10 and generator.device == "cpu"
    auto = load_music_generator("auto", model=tiny_model_dir, device="cpu", window_s=12.0, overlap_s=3.0)
    assert auto.backend == "musicgen"


@pytest.mark.parametrize("duration", [5, 10, 35])
def test_exact_length_peak_and_progress(generator, tmp_path, duration):
    calls = []
    start = time.perf_counter()
    track = generator(description=POP, duration=duration, seed=0, out_dir=tmp_path,
                      progress=lambda d, t: calls.append((d, t)))
    seconds = time.perf_counter() - start
    print(f"tiny MusicGen: {duration} s in {seconds:.2f} s ({seconds / duration:.3f} s per generated second)")
    audio, rate = read_wav(track.wav_path)
    assert rate == RATE and audio.shape == (1, duration * RATE)
    assert track.duration_s == duration and track.midi_path is None and track.backend == "musicgen"
    assert (track.bpm, track.key) == (120.0, "major")  # what the description asked for
    assert track.to_dict()["wav_path"] == "soundtrack.wav" and track.to_dict()["midi_path"] is None
    assert 20 * np.log10(np.abs(audio).max()) <= PEAK_DBFS
    frames = duration * 10 + 10  # the loop seam needs a second past the end (a quarter of 5 s here)
    assert calls[-1] == (calls[-1][1], calls[-1][1]) and calls[-1][1] >= frames
    assert all(d < t for d, t in calls[:-1]) and len(calls) >= frames


def test_windows_join_and_loop_without_jumps(generator, tmp_path):
    track = generator(description=POP, duration=35, seed=3, out_dir=tmp_path)
    audio, rate = read_wav(track.wav_path)
    steps = np.abs(np.diff(audio[0]))
    typical = np.percentile(steps, 99.9)
    # Joins of the 12 s windows (3 s overlaps): 12 s, 21 s, 30 s; the crossfades end there.
    for join_s in (9.0, 12.0, 18.0, 21.0, 27.0, 30.0):
        i = int(join_s * rate)
        assert steps[i - 5:i + 5].max() <= typical, f"jump at the {join_s} s window join"
    assert abs(audio[0, -1] - audio[0, 0]) <= typical, "jump at the loop seam"


def test_same_seed_same_bytes_other_seed_other_audio(generator, tmp_path):
    a = generator(description=POP, duration=5, seed=7, out_dir=tmp_path / "a")
    b = generator(description=POP, duration=5, seed=7, out_dir=tmp_path / "b")
    c = generator(description=POP, duration=5, seed=8, out_dir=tmp_path / "c")
    assert utils.sha256_file(a.wav_path) == utils.sha256_file(b.wav_path)
    assert utils.sha256_file(a.wav_path) != utils.sha256_file(c.wav_path)


def test_invalid_request_names_the_field(generator, tmp_path):
    with pytest.raises(MusicError, match="duration"):
        generator(description=POP, duration=12, out_dir=tmp_path)
    with pytest.raises(MusicError, match="description"):
        generator(description="", out_dir=tmp_path)


def test_missing_weights_fall_back_to_the_composer(tmp_path):
    missing = tmp_path / "no-such-model"
    asked = load_music_generator("musicgen", model=missing)
    assert asked.backend == "composer"
    assert len(asked.warnings) == 1 and str(missing) in asked.warnings[0]
    auto = load_music_generator("auto", model=missing)
    assert auto.backend == "composer" and auto.warnings == [] and str(missing) in auto.note
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "config.json" in load_music_generator("musicgen", model=empty).warnings[0]
    uncached = load_music_generator("auto", model="nobody-here/musicgen-nothing")
    assert uncached.backend == "composer" and "local Hugging Face cache" in uncached.note


def test_bad_settings_are_refused(tiny_model_dir):
    with pytest.raises(MusicError, match="overlap_s"):
        MusicGenGenerator(model=tiny_model_dir, device="cpu", window_s=5.0, overlap_s=5.0)
    with pytest.raises(MusicError, match="window_s"):
        MusicGenGenerator(model=tiny_model_dir, device="cpu", window_s=30.0, overlap_s=5.0)  # 256 positions
    with pytest.raises(MusicError, match="device"):
        MusicGenGenerator(model=tiny_model_dir, device="tpu")
