"""Real PocketSphinx on the shared speech recordings."""
from statistics import mean

import pytest

from tiktok_to_text import word_error_rate
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.transcribers import SphinxTranscriber

pytestmark = pytest.mark.slow  # sphinx's word error rate over the shared speech


def test_sphinx_word_error_rate_on_shared_speech(shared_data):
    ffmpeg = ffmpeg_exe()
    transcribe = SphinxTranscriber()  # one decoder for all four clips
    rates = {}
    for wav in sorted((shared_data / "speech").glob("*.wav")):
        heard = transcribe(decode_audio(wav, ffmpeg=ffmpeg))
        rates[wav.name] = word_error_rate(wav.with_suffix(".txt").read_text(), heard.text)
        print(f"{wav.name}: WER {rates[wav.name]:.3f}  {heard.text!r}")
        # Segments in time order, inside the clip, split only at pauses.
        assert heard.language == "en" and heard.segments
        assert all(a.end_s <= b.start_s for a, b in zip(heard.segments, heard.segments[1:]))
    print(f"mean WER {mean(rates.values()):.3f}")
    assert len(rates) >= 4
    assert mean(rates.values()) < 0.45
