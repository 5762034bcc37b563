"""MusicGen backend on a tiny random-weight model built here, saved, and loaded back through our loader."""
import time

import numpy as np
import pytest

import utils
from music_gen import MusicGenError, load_music_generator
from music_gen.audio import PEAK_DBFS, read_wav
from music_gen.musicgen import MusicGenGenerator

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

RATE = 2000  # tiny EnCodec: 2 kHz audio, hop 200 -> 10 frames per second, 2 codebooks
POP = "A happy pop track at 120 BPM in a major key with piano, bass and drums."


def _tiny_tokenizer():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    words = "a happy dark chill pop track at bpm in major minor key with piano bass drums and".split()
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [("\u2581" + w, -1.0) for w in words]
    vocab += [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz0123456789,.-\u2581"]
    tok = Tokenizer(models.Unigram(vocab, unk_id=2))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    return transformers.T5TokenizerFast(tokenizer_object=tok, extra_ids=0, pad_token="<pad>", eos_token="</s>",
                                        unk_token="<unk>")


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A random-weight MusicGen (T5 text encoder, EnCodec, decoder) with its processor, on disk."""
    from transformers import (EncodecConfig, EncodecFeatureExtractor, MusicgenConfig, MusicgenDecoderConfig,
                              MusicgenForConditionalGeneration, MusicgenProcessor, T5Config)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: extra threads only fight the other processes on the machine
    folder = tmp_path_factory.mktemp("tiny-musicgen")
    tokenizer = _tiny_tokenizer()
    text = T5Config(vocab_size=len(tokenizer), d_model=16, d_ff=16, num_layers=1, num_heads=2, d_kv=8)
    codec = EncodecConfig(sampling_rate=RATE, upsampling_ratios=[5, 5, 4, 2], hidden_size=16, num_filters=2,
                          codebook_size=64, codebook_dim=16, compress=1, num_lstm_layers=1, target_bandwidths=[0.12],
                          norm_type="time_group_norm", last_kernel_size=31)
    decoder = MusicgenDecoderConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                    ffn_dim=16, pad_token_id=64, decoder_start_token_id=64, bos_token_id=64,
                                    num_codebooks=2, tie_word_embeddings=False, audio_channels=1,
                                    max_position_embeddings=256)
    torch.manual_seed(0)
    model = MusicgenForConditionalGeneration(MusicgenConfig.from_sub_models_config(text, codec, decoder))
    model.generation_config.pad_token_id = model.generation_config.decoder_start_token_id = 64
    with torch.no_grad():
        for layer in model.audio_encoder.quantizer.layers:
            # EnCodec starts with all-zero codebooks (real ones are trained): every code would decode alike.
            layer.codebook.embed.copy_(torch.randn_like(layer.codebook.embed))
            layer.codebook.embed_avg.copy_(layer.codebook.embed)
        # Random weights decode to white noise, in which a hard cut cannot be told from a sample step.
        # A low-pass output layer makes the audio smooth like music, so a bad join would show as a jump.
        last = model.audio_encoder.decoder.layers[-1].conv
        window = torch.hann_window(last.weight.shape[-1] + 2)[1:-1]
        last.weight.copy_((window / window.sum()).expand_as(last.weight) / last.weight.shape[1])
        last.bias.zero_()
    model.save_pretrained(folder)
    MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=RATE),
                      tokenizer=tokenizer).save_pretrained(folder)
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
    with pytest.raises(MusicGenError, match="duration"):
        generator(description=POP, duration=12, out_dir=tmp_path)
    with pytest.raises(MusicGenError, match="description"):
        generator(description="", out_dir=tmp_path)


def test_missing_weights_fall_back_to_the_composer(tmp_path):
    missing = tmp_path / "no-such-model"
    for backend in ("auto", "musicgen"):
        gen = load_music_generator(backend, model=missing)
        assert gen.backend == "composer"
        assert len(gen.warnings) == 1 and str(missing) in gen.warnings[0]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "config.json" in load_music_generator("musicgen", model=empty).warnings[0]
    uncached = load_music_generator("auto", model="nobody-here/musicgen-nothing")
    assert uncached.backend == "composer" and "local Hugging Face cache" in uncached.warnings[0]


def test_bad_settings_are_refused(tiny_model_dir):
    with pytest.raises(MusicGenError, match="overlap_s"):
        MusicGenGenerator(model=tiny_model_dir, device="cpu", window_s=5.0, overlap_s=5.0)
    with pytest.raises(MusicGenError, match="window_s"):
        MusicGenGenerator(model=tiny_model_dir, device="cpu", window_s=30.0, overlap_s=5.0)  # 256 positions
    with pytest.raises(MusicGenError, match="device"):
        MusicGenGenerator(model=tiny_model_dir, device="tpu")
