"""The model-free gates in front of the transcribers, on the real shared recordings."""
import numpy as np

from tiktok_to_text.media import decode_audio, ffmpeg_exe
from tiktok_to_text.vad import has_voice, looks_like_speech


def test_silence_and_hiss_have_no_voice():
    rng = np.random.default_rng(0)
    assert not has_voice(np.zeros(32000, dtype=np.int16))
    assert not has_voice(rng.normal(0, 50, 32000).astype(np.int16))  # hiss at about -56 dBFS
    assert not looks_like_speech(np.zeros(32000, dtype=np.int16))


def test_speech_passes_and_music_only_is_held_back(shared_data):
    ffmpeg = ffmpeg_exe()
    speech = sorted((shared_data / "speech").glob("*.wav"))
    music = sorted((shared_data / "music").glob("*.ogg"))
    assert len(speech) >= 4 and len(music) >= 8
    for wav in speech:
        assert looks_like_speech(decode_audio(wav, ffmpeg=ffmpeg)), wav.name
    for clip in music:
        assert not looks_like_speech(decode_audio(clip, ffmpeg=ffmpeg)), clip.name
