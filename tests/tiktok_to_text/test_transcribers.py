"""Real PocketSphinx on the shared speech recordings."""
from statistics import mean

import numpy as np

from tiktok_to_text import word_error_rate
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.transcribers import SphinxTranscriber
from tiktok_to_text.vad import has_voice


def test_sphinx_word_error_rate_on_shared_speech(shared_data):
    ffmpeg = ffmpeg_exe()
    transcribe = SphinxTranscriber()  # one decoder for all four clips
    rates = {}
    for wav in sorted((shared_data / "speech").glob("*.wav")):
        hypothesis = transcribe(decode_audio(wav, ffmpeg=ffmpeg))
        rates[wav.name] = word_error_rate(wav.with_suffix(".txt").read_text(), hypothesis)
        print(f"{wav.name}: WER {rates[wav.name]:.3f}  {hypothesis!r}")
    print(f"mean WER {mean(rates.values()):.3f}")
    assert len(rates) >= 4
    assert mean(rates.values()) < 0.45


def test_voice_gate_rejects_silence_and_hiss_and_passes_speech(shared_data):
    rng = np.random.default_rng(0)
    assert not has_voice(np.zeros(32000, dtype=np.int16))
    assert not has_voice((rng.normal(0, 50, 32000)).astype(np.int16))  # hiss at about -56 dBFS
    for wav in sorted((shared_data / "speech").glob("*.wav")):
        assert has_voice(decode_audio(wav, ffmpeg=ffmpeg_exe())), wav.name
