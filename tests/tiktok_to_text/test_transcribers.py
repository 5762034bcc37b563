"""Real PocketSphinx on the shared speech recordings."""
from statistics import mean

from tiktok_to_text import word_error_rate
from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.transcribers import SphinxTranscriber


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
