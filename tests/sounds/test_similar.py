"""SimilarityIndex and index_folder: the issue's quality check on the shared clips cut into 5-s
segments, exactness against brute force, what a query leaves out, validation, save/load and a
folder with broken files in it."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile

from sounds._types import SoundsError
from sounds.audio import load_audio
from sounds.features import FEATURE_DIM, audio_features
from sounds.similar import (DUPLICATE_DISTANCE, IndexReport, SimilarityIndex, SimilarTrack, TrackRecord,
                            index_folder, name_parts)
from utils import sha256_file

SR = 22050
SEGMENT = 5 * SR


@pytest.fixture(scope="module")
def segments(shared_data) -> list[tuple[str, TrackRecord]]:
    """Every whole 5-s segment of every shared clip, as ``(clip name, record)``."""
    cut = []
    for clip in sorted((shared_data / "music").glob("*.ogg")):
        samples = load_audio(clip)
        for k in range(len(samples) // SEGMENT):
            vector = audio_features(samples[k * SEGMENT: (k + 1) * SEGMENT], sr=SR)
            cut.append((clip.stem, TrackRecord(id=f"{clip.stem}#{k}", title=clip.stem, artist=None, vector=vector,
                                               genre="solo" if "trumpet" in clip.stem else "band")))
    return cut


def _random_index(n: int, *, seed: int = 4) -> tuple[SimilarityIndex, np.ndarray]:
    vectors = np.random.default_rng(seed).normal(size=(n, FEATURE_DIM)).astype(np.float32)
    records = [TrackRecord(id=f"t{i}", title=f"Track {i}", artist="A", vector=v, genre=("pop", "jazz")[i % 2])
               for i, v in enumerate(vectors)]
    return SimilarityIndex(records), vectors


@pytest.mark.slow  # every segment of the shared songs
def test_a_segment_finds_its_own_song_first(segments):
    clip_of = {record.id: clip for clip, record in segments}
    index = SimilarityIndex(record for _, record in segments)
    hits = 0
    for clip, record in segments:
        (best,) = index.query(record.vector, limit=1, exclude_ids=(record.id,))
        hits += clip_of[best.id] == clip
    rate = hits / len(segments)
    print(f"rank-1 same clip: {hits}/{len(segments)} = {rate:.1%}")
    assert len(segments) >= 90 and rate >= 0.80


def test_the_query_itself_never_comes_back(segments):
    records = [record for _, record in segments]
    copy = TrackRecord(id="copy", title="Same audio, other name", artist=None, vector=records[3].vector.copy(),
                       digest="d" * 64)
    index = SimilarityIndex([*records, copy])
    found = index.query(records[3].vector, limit=20)
    assert {t.id for t in found}.isdisjoint({records[3].id, "copy"})  # both lie 0 from the query
    assert [t.rank for t in found] == list(range(1, 21))
    assert all(t.distance > DUPLICATE_DISTANCE for t in found)
    assert all(a.similarity >= b.similarity for a, b in zip(found, found[1:]))
    # Half a standard deviation off in every feature (4 z-units away): no longer a duplicate of
    # either, so the original comes back and only the file digest keeps the copy out.
    shifted = records[3].vector + 0.5 * index.std.astype(np.float32)
    ids = [t.id for t in index.query(shifted, limit=100, exclude_digest="d" * 64)]
    assert records[3].id in ids and "copy" not in ids and len(ids) == len(records)


def test_exact_top_ten_matches_brute_force():
    index, vectors = _random_index(5000)
    z = (vectors.astype(np.float64) - vectors.mean(axis=0, dtype=np.float64)) / vectors.std(axis=0, dtype=np.float64)
    units = z / np.linalg.norm(z, axis=1, keepdims=True)
    for q in np.random.default_rng(5).normal(size=(20, FEATURE_DIM)):
        zq = (q - index.mean) / index.std
        expected = [f"t{i}" for i in np.argsort(-(units @ (zq / np.linalg.norm(zq))))[:10]]
        found = index.query(q, limit=10)
        assert [t.id for t in found] == expected
        assert isinstance(found[0], SimilarTrack) and -1 <= found[-1].similarity <= found[0].similarity <= 1


def test_genre_and_excluded_ids_filter():
    index, vectors = _random_index(200)
    found = index.query(vectors[0], limit=50, genre="JAZZ", exclude_ids=("t1", "t3", "nobody"))
    assert len(found) == 50 and all(t.genre == "jazz" for t in found)
    assert {"t0", "t1", "t3"}.isdisjoint(t.id for t in found)
    assert index.query(vectors[0], genre="polka") == []
    assert len(index.query(vectors[0], limit=100, genre="pop")) == 99  # t0 itself left out
    assert index.genres == ["pop", "jazz"]


@pytest.mark.parametrize("limit", [0, 101, True, 2.5, "10"])
def test_limit_must_be_1_to_100(limit):
    index, vectors = _random_index(10)
    with pytest.raises(SoundsError) as caught:
        index.query(vectors[0], limit=limit)
    assert caught.value.field == "limit"


def test_a_vector_of_the_wrong_shape_is_refused():
    index, vectors = _random_index(10)
    for bad in (vectors[0][:5], np.full(FEATURE_DIM, np.nan), "loud"):
        with pytest.raises(SoundsError) as caught:
            index.query(bad)
        assert caught.value.field == "vector"


def test_an_empty_index_answers_nothing():
    assert SimilarityIndex([]).query(np.zeros(FEATURE_DIM)) == []


def test_save_and_load_round_trip(tmp_path):
    index, vectors = _random_index(300)
    path = tmp_path / "index.npz"
    path.write_bytes(b"an older index")  # replaced whole
    index.save(path)
    loaded = SimilarityIndex.load(path)
    assert [p.name for p in tmp_path.iterdir()] == ["index.npz"]  # no temporary file left behind
    assert loaded.records[5].id == "t5" and loaded.records[5].genre == "jazz"
    assert np.array_equal(loaded.mean, index.mean) and np.array_equal(loaded.std, index.std)
    assert loaded.query(vectors[7], limit=10) == index.query(vectors[7], limit=10)
    SimilarityIndex([]).save(tmp_path / "empty.npz")
    assert len(SimilarityIndex.load(tmp_path / "empty.npz")) == 0


def test_load_refuses_what_is_not_an_index(tmp_path):
    (tmp_path / "junk.npz").write_text("not a zip")
    np.savez(tmp_path / "other.npz", vectors=np.zeros(3))
    for name, words in (("junk.npz", "not a saved"), ("other.npz", "not a saved"), ("absent.npz", "does not exist")):
        with pytest.raises(SoundsError) as caught:
            SimilarityIndex.load(tmp_path / name)
        assert caught.value.field == "path" and words in caught.value.message


def test_name_parts():
    assert name_parts("Kevin_MacLeod_-_Vibe_Ace") == ("Kevin MacLeod", "Vibe Ace")
    assert name_parts("admiralbob77_-_Choice_-_Drum-bass") == ("admiralbob77", "Choice - Drum-bass")
    assert name_parts("Daft Punk - One More Time") == ("Daft Punk", "One More Time")
    assert name_parts("147793__setuniman__sweet-waltz-0i-22mi") == ("setuniman", "sweet-waltz-0i-22mi")
    assert name_parts("untitled_take_3") == (None, "untitled take 3")


def test_index_folder_skips_broken_files_and_indexes_the_rest(shared_data, tmp_path):
    music = shared_data / "music"
    (tmp_path / "Jazz").mkdir()
    shutil.copy(music / "Kevin_MacLeod_-_Vibe_Ace.ogg", tmp_path / "Jazz" / "vibe.ogg")  # tags name it
    shutil.copy(music / "Kevin_MacLeod_-_Vibe_Ace.ogg", tmp_path / "vibe copy.ogg")  # same bytes, second name
    samples = load_audio(music / "admiralbob77_-_Choice_-_Drum-bass.ogg")[: 10 * SR]
    soundfile.write(tmp_path / "Jazz" / "admiralbob77_-_Choice.wav", samples, SR)  # no tags: the name tells
    (tmp_path / "broken.mp3").write_text("not audio at all")
    (tmp_path / "empty.flac").touch()
    (tmp_path / "notes.txt").write_text("ignored: not an audio suffix")
    (tmp_path / ".partial.ogg").write_text("ignored: hidden")
    calls = []
    index, report = index_folder(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert isinstance(report, IndexReport) and report.indexed == 3 == len(index)
    assert [path for path, _ in report.skipped] == ["broken.mp3", "empty.flac"]
    assert "not an audio file" in report.skipped[0][1] and "empty" in report.skipped[1][1]
    assert calls == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    vibe = index.record("Jazz/vibe.ogg")
    assert (vibe.title, vibe.artist, vibe.genre) == ("Vibe Ace", "Kevin MacLeod", "Jazz")
    assert vibe.digest == sha256_file(music / "Kevin_MacLeod_-_Vibe_Ace.ogg")
    choice = index.record("Jazz/admiralbob77_-_Choice.wav")
    assert (choice.title, choice.artist, choice.genre) == ("Choice", "admiralbob77", "Jazz")
    assert index.record("vibe copy.ogg").genre == "Jazz"  # at the top: its tag's genre
    assert [t.id for t in index.similar_to("Jazz/vibe.ogg")] == ["Jazz/admiralbob77_-_Choice.wav"]
    assert index.query(vibe.vector, exclude_digest=vibe.digest, genre="jazz")[0].id == "Jazz/admiralbob77_-_Choice.wav"


def test_index_folder_needs_a_folder(tmp_path):
    with pytest.raises(SoundsError) as caught:
        index_folder(tmp_path / "nowhere")
    assert caught.value.field == "folder"


def test_records_are_checked_when_the_index_is_built():
    vector = np.zeros(FEATURE_DIM, dtype=np.float32)
    for records in ([TrackRecord(id="a", title="A", artist=None, vector=vector)] * 2,
                    [TrackRecord(id="a", title="A", artist=None, vector=vector),
                     TrackRecord(id="b", title="B", artist=None, vector=vector[:3])],
                    [TrackRecord(id="a", title="A", artist=None, vector=np.full(FEATURE_DIM, np.inf))],
                    [("a", "A", None, vector)]):
        with pytest.raises(SoundsError) as caught:
            SimilarityIndex(records)
        assert caught.value.field == "records"
