"""Timed words: real Whisper base and real PocketSphinx on the shared speech, the spreading of a
backend that times segments only, and the words' way through a process pool and the disk cache."""
from __future__ import annotations

import pickle
import string
from pathlib import Path

import pytest

from tiktok_to_text import WORD_TIMINGS, Segment, TextExtractor, VideoText, Word, find_whisper
from tiktok_to_text._types import spread_words
from tiktok_to_text.media import SAMPLE_RATE, decode_audio, ffmpeg_exe
from tiktok_to_text.transcribers import SphinxTranscriber
from tiktok_to_text.whisper import load_whisper, timed_words

# Whisper writes "one two three" as digits ("1, 2, 3"); either spelling is the same word here.
_SPELLED = {"1": "one", "2": "two", "3": "three"}


def _plain(word: Word) -> str:
    text = word.text.lower().strip(string.punctuation)
    return _SPELLED.get(text, text)


def _in_order_inside(words, length_s: float) -> None:
    assert words
    assert all(0 <= w.start_s <= w.end_s <= length_s + 0.01 for w in words)
    assert all(a.start_s <= b.start_s and a.end_s <= b.end_s for a, b in zip(words, words[1:]))


# -- the shapes, without a model -----------------------------------------------------------

def test_spread_words_fill_each_segment_evenly_without_overlap():
    words = spread_words([Segment(1.0, 4.0, "one two three"), Segment(5.0, 5.5, "four")])
    assert [w.text for w in words] == ["one", "two", "three", "four"]
    assert [(w.start_s, w.end_s) for w in words] == [(1.0, 2.0), (2.0, 3.0), (3.0, 4.0), (5.0, 5.5)]
    assert spread_words([]) == ()


def test_timed_words_join_word_pieces_clip_to_the_clip_and_never_go_back():
    pieces = [(" He", 0.0, 0.3), (" ill", 0.5, 0.7), ("-disposed", 0.7, 1.1), ("", 1.1, 1.2),
              (" man.", 1.0, None), (" late", 1.3, 9.0)]
    words = timed_words(pieces, length_s=2.0)
    assert [w.text for w in words] == ["He", "ill-disposed", "man.", "late"]
    assert words[1] == Word("ill-disposed", 0.5, 1.1)
    assert words[2].start_s == 1.0 and words[2].end_s == 2.0  # no end: the clip's end
    assert words[3].end_s == 2.0  # never past the clip
    _in_order_inside(words, 2.0)


def test_video_text_round_trips_its_words_and_an_old_dict_has_none():
    text = VideoText("ab", segments=[Segment(0.0, 1.0, "hi there")], words=[Word("hi", 0.0, 0.4),
                     Word("there", 0.4, 1.0)], word_timing="word")
    assert VideoText.from_dict(text.to_dict()) == text
    assert pickle.loads(pickle.dumps(text)) == text
    old = {k: v for k, v in text.to_dict().items() if k not in ("words", "word_timing")}
    assert (VideoText.from_dict(old).words, VideoText.from_dict(old).word_timing) == ([], "none")
    assert WORD_TIMINGS == ("word", "segment", "none")


# -- real models ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def whisper_base(tmp_path_factory):
    weights = find_whisper("base", cache_dir=tmp_path_factory.mktemp("models"))
    if weights is None:
        pytest.skip("the base weight packages (requirements-whisper.txt) are not installed")
    return load_whisper(weights, device="cpu")


@pytest.mark.slow
def test_whisper_base_times_one_two_three_in_order(whisper_base, shared_data):
    samples = decode_audio(shared_data / "speech" / "english.wav", ffmpeg=ffmpeg_exe())
    heard = whisper_base(samples)
    print([(w.text, w.start_s, w.end_s) for w in heard.words])
    assert heard.word_timing == "word"
    assert [_plain(w) for w in heard.words] == ["one", "two", "three"]
    _in_order_inside(heard.words, samples.size / SAMPLE_RATE)
    # The words are the transcript's words, inside the segments that hold them.
    assert " ".join(w.text for w in heard.words).split() == heard.text.split()
    assert heard.segments[0].start_s <= heard.words[0].start_s and heard.words[-1].end_s <= heard.segments[-1].end_s + 0.01


@pytest.mark.slow
def test_whisper_base_words_on_the_real_tiktok_clip(whisper_base, shared_data):
    clip = next((shared_data / "tiktok" / "videos").glob("*.mp4"))
    samples = decode_audio(clip, ffmpeg=ffmpeg_exe())
    heard = whisper_base(samples)
    assert heard.word_timing == "word" and len(heard.words) >= 20
    _in_order_inside(heard.words, samples.size / SAMPLE_RATE)
    assert " ".join(w.text for w in heard.words).split() == heard.text.split()


@pytest.mark.slow
def test_sphinx_words_are_its_decoder_frames_in_order(shared_data):
    transcribe = SphinxTranscriber()
    for wav in sorted((shared_data / "speech").glob("*.wav")):
        samples = decode_audio(wav, ffmpeg=ffmpeg_exe())
        heard = transcribe(samples)
        assert heard.word_timing == "word", wav.name
        assert [w.text for w in heard.words] == heard.text.split()
        _in_order_inside(heard.words, samples.size / SAMPLE_RATE)
        # Each word lies inside the segment it was heard in.
        for word in heard.words:
            assert any(s.start_s <= word.start_s and word.end_s <= s.end_s for s in heard.segments)


@pytest.mark.slow
def test_words_come_back_through_the_process_pool_and_the_cache(shared_data, tmp_path):
    wav = shared_data / "speech" / "librivox-0880.wav"
    with TextExtractor(transcriber="sphinx", ocr=False, workers=1, pool="process", cache_dir=tmp_path) as extractor:
        [fresh] = extractor([wav])
        [again] = extractor([wav])
    assert fresh.word_timing == "word" and fresh.words and not fresh.cached
    assert again.cached and again.words == fresh.words and again.word_timing == "word"
    assert all(isinstance(w, Word) for w in again.words)


@pytest.mark.slow
def test_a_cache_entry_from_before_words_is_recomputed(shared_data, tmp_path):
    import utils
    from tiktok_to_text import extractor as extractor_module

    wav = shared_data / "speech" / "english.wav"
    with TextExtractor(transcriber="sphinx", ocr=False, workers=1, pool="thread", cache_dir=tmp_path) as extractor:
        key = extractor._cache_key(utils.sha256_file(wav))
        old = key.replace(f"v{extractor_module._CACHE_VERSION}|", f"v{extractor_module._CACHE_VERSION - 1}|", 1)
        assert old != key
        utils.DiskCache(tmp_path).put(old, {"sha256": "x", "segments": [{"start_s": 0, "end_s": 1, "text": "stale"}]})
        [text] = extractor([wav])
    assert not text.cached and text.words and "stale" not in text.transcript


@pytest.mark.slow
def test_a_transformers_checkpoint_without_alignment_heads_spreads_its_words(tmp_path, shared_data):
    from tiktok_to_text.debug import save_debug_whisper
    from tiktok_to_text.whisper import TransformersWhisperTranscriber

    transcribe = TransformersWhisperTranscriber(save_debug_whisper(tmp_path / "tiny"), device="cpu")
    assert not transcribe._word_times  # the debug checkpoint names no alignment heads
    heard = transcribe(decode_audio(shared_data / "speech" / "librivox-0870.wav", ffmpeg=ffmpeg_exe()))
    assert heard.words == spread_words(heard.segments)
    assert heard.word_timing == ("segment" if heard.words else "none")
