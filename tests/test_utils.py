"""Shared helpers: device choice, atomic writes, the disk cache, local model lookup."""
import os
import threading

import pytest

import utils


@pytest.fixture
def no_override(monkeypatch):
    monkeypatch.delenv(utils.DEVICE_ENV, raising=False)


def _availability(monkeypatch, *, cuda: bool, mps: bool):
    import torch  # here, not at collection: importing torch takes seconds

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)


@pytest.mark.parametrize("cuda, mps, expected", [
    (True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu"),
])
def test_device_order_is_cuda_then_mps_then_cpu(monkeypatch, no_override, cuda, mps, expected):
    _availability(monkeypatch, cuda=cuda, mps=mps)
    assert utils.pick_device() == expected


def test_device_override_wins(monkeypatch):
    _availability(monkeypatch, cuda=True, mps=True)
    monkeypatch.setenv(utils.DEVICE_ENV, "CPU")
    assert utils.pick_device() == "cpu"
    assert utils.pick_device("mps") == "mps"      # an explicit argument beats the environment
    with pytest.raises(ValueError, match="TRENDTOK_DEVICE"):
        utils.pick_device("tpu")


def test_atomic_path_leaves_no_partial_file(tmp_path):
    dest = tmp_path / "out" / "song.wav"
    with pytest.raises(RuntimeError):
        with utils.atomic_path(dest) as tmp:
            tmp.write_bytes(b"half")
            assert not dest.exists()
            raise RuntimeError("renderer crashed")
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []
    utils.atomic_write_bytes(dest, b"whole")
    assert dest.read_bytes() == b"whole"
    assert [p.name for p in dest.parent.iterdir()] == ["song.wav"]


def test_disk_cache_round_trip_and_concurrent_writers(tmp_path):
    cache = utils.DiskCache(tmp_path)
    assert cache.get("../../etc/passwd") is None
    cache.put("../../etc/passwd", {"safe": True})          # keys are hashed: no path escapes
    assert cache.get("../../etc/passwd") == {"safe": True}
    assert all(p.is_relative_to(tmp_path) for p in tmp_path.rglob("*"))
    writers = [threading.Thread(target=cache.put, args=("k", {"n": n})) for n in range(8)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert cache.get("k")["n"] in range(8)


def test_sha256_and_run_ids(tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    assert utils.sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    run_id = utils.new_run_id()
    assert utils.is_run_id(run_id) and run_id != utils.new_run_id()
    assert not utils.is_run_id("../" + run_id[3:]) and not utils.is_run_id(run_id.upper())


def test_local_model_path_reads_the_hf_cache_only(tmp_path, monkeypatch):
    # A real Hugging Face cache layout, as huggingface_hub writes it.
    import huggingface_hub.constants

    # huggingface_hub reads HF_HUB_CACHE once at import; its functions read this constant per call.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    repo = tmp_path / "hub" / "models--tiny--model"
    (repo / "snapshots" / "abc123").mkdir(parents=True)
    (repo / "snapshots" / "abc123" / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert utils.local_model_path("tiny/model") == repo / "snapshots" / "abc123"
    assert utils.local_model_path("tiny/absent") is None
    assert utils.local_model_path(str(tmp_path)) == tmp_path
    assert utils.local_model_path(str(tmp_path / "missing")) is None
    assert utils.local_model_path("") is None


@pytest.mark.parametrize("text, chrome", [
    ("Joined Oct 16,2023", True), ("Joined Apr20,2024", True), ("12.3K followers", True), ("1.2M likes", True),
    ("800k+", True), ("link in bio", True), ("Imagine banking an extra 10k a month.", False),
    ("Step 1: open the app", False), ("I joined the gym in May", False),
])
def test_profile_chrome_is_told_from_speech(text, chrome):
    assert bool(utils.PROFILE_CHROME.search(text) or utils.COUNTS_ONLY.match(text)) is chrome


def test_every_per_mood_table_covers_the_one_mood_list():
    """utils.MOODS is the one list; each stage's table keyed by mood has exactly those keys."""
    from animate_text import palette, prompt
    from music_gen import arrangement, composition, description
    from summariser import MOODS as summariser_moods
    from summariser import _vocab

    assert summariser_moods is utils.MOODS and palette.MOODS is utils.MOODS and description.MOODS is utils.MOODS
    tables = {"palette": palette._PALETTES, "prompt": prompt._MOOD_STYLE, "description": description._MOODS,
              "prototypes": _vocab.MOOD_PROTOTYPES, "music": _vocab.MOOD_MUSIC,
              "progressions": composition._PROGRESSIONS, "melody": composition._MELODY_FEEL,
              "arrangement": arrangement._MOOD_DEFAULTS}
    for name, table in tables.items():
        assert set(table) == set(utils.MOODS), name
