"""The neural backend: MusicGen through ``transformers``, used when its weights are on local disk.

Long tracks are generated window by window: each window after the first is conditioned on the
tail of the audio so far (MusicGen's audio-prompt continuation) and the re-decoded tail is
crossfaded with the original, so the windows join without a seam and nothing is tiled.
"""
from __future__ import annotations

import math
import os
import re
import threading
from pathlib import Path
from typing import Callable

import numpy as np

import utils
from settings import SETTINGS

from .audio import join_with_overlap, make_loopable, normalise_peak, write_wav
from .description import parse_description
from .soundtrack import WAV_NAME, MusicError, Soundtrack, validate_request

DEFAULT_MODEL = SETTINGS["MUSICGEN_MODEL"].default
# Length of the loop-seam crossfade, capped at a quarter of the track.
_SEAM_SECONDS = 1.0


class MusicGenWeightsMissing(MusicError):
    """The MusicGen weights are not on this machine (nothing is ever downloaded)."""


def _local_source(model: str | os.PathLike) -> str:
    """A folder, or a Hub id already in the local Hugging Face cache; else ``MusicGenWeightsMissing``."""
    if not isinstance(model, (str, os.PathLike)) or not str(model).strip():
        raise MusicError("model", f"model must be a folder or a Hugging Face model id, not {model!r}")
    name = str(model).strip()
    folder = Path(name).expanduser()
    if folder.is_dir():
        if not (folder / "config.json").is_file():
            raise MusicGenWeightsMissing(None, f"MusicGen weights not found at {folder} (no config.json)")
        return str(folder)
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)?", name):
        raise MusicGenWeightsMissing(None, f"MusicGen weights not found at {folder}")
    from huggingface_hub import try_to_load_from_cache

    if not isinstance(try_to_load_from_cache(name, "config.json"), str):
        raise MusicGenWeightsMissing(
            None, f"MusicGen weights not found: no folder {folder} and {name} is not in the local Hugging Face cache")
    return name


class MusicGenGenerator:
    """Text-to-music with MusicGen; the model is loaded once, on the device the caller picks.

    Output: a mono (or, for stereo checkpoints, stereo) 16-bit WAV at the model's own sampling
    rate (32 kHz for the released checkpoints); no MIDI. ``bpm`` and ``key`` in the returned
    ``Soundtrack`` are what the description asked for, parsed from it, not measured from the audio;
    ``key`` is the mode alone (e.g. ``"minor"``) unless the description names a tonic.

    ``window_s``: seconds generated per pass (MusicGen's context is ~30 s); ``overlap_s``: seconds of
    the previous audio given as the prompt of the next pass and crossfaded at the join.
    """

    backend = "musicgen"

    def __init__(self, *, model: str | os.PathLike = DEFAULT_MODEL, device: str | None = None,
                 window_s: float = 30.0, overlap_s: float = 5.0, guidance_scale: float = 3.0,
                 warnings: list[str] | None = None):
        if not 0 < overlap_s < window_s:
            raise MusicError("overlap_s", f"overlap_s must be between 0 and window_s ({window_s}), not {overlap_s}")
        if guidance_scale < 1:
            raise MusicError("guidance_scale", f"guidance_scale must be at least 1, not {guidance_scale}")
        source = _local_source(model)
        import torch
        from transformers import AutoProcessor, MusicgenForConditionalGeneration

        try:
            device = utils.pick_device(device)
        except ValueError as exc:
            raise MusicError("device", f"device: {exc}") from exc
        dtype = torch.float16 if device == "cuda" else torch.float32
        try:
            self._processor = AutoProcessor.from_pretrained(source, local_files_only=True)
            self._model = MusicgenForConditionalGeneration.from_pretrained(
                source, local_files_only=True, dtype=dtype).to(device).eval()
        except (OSError, ValueError) as exc:
            raise MusicGenWeightsMissing(None, f"MusicGen weights at {source} could not be loaded: {exc}") from exc
        if device == "mps":
            _codec_on_cpu(self._model, device)
        self.device, self.model, self.warnings = device, str(model), list(warnings or [])
        self.guidance_scale = float(guidance_scale)
        codec = self._model.config.audio_encoder
        self.sample_rate = int(codec.sampling_rate)
        self.frame_rate = float(codec.frame_rate)
        self._hop = int(np.prod(codec.upsampling_ratios))
        self.channels = int(self._model.decoder.config.audio_channels)
        # The codebook delay pattern costs (codebooks per channel - 1) extra steps per pass.
        self._delay = self._model.decoder.config.num_codebooks // self.channels - 1
        self._window = max(1, int(window_s * self.frame_rate))
        self._overlap = max(1, int(overlap_s * self.frame_rate))
        positions = self._model.decoder.config.max_position_embeddings
        if self._window + self._delay > positions:
            raise MusicError("window_s", f"window_s {window_s} needs {self._window + self._delay} decoder positions; "
                                         f"this model has {positions}")
        self._dtype = dtype
        # Calls are serialised: the seed goes into torch's global generator, and one model serves all.
        self._lock = threading.Lock()

    def __call__(self, *, description: str, duration: int = 15, seed: int = 0, out_dir: Path,
                 progress: Callable[[int, int], None] | None = None) -> Soundtrack:
        """Write ``out_dir/soundtrack.wav``, exactly ``duration`` seconds long and loopable."""
        import torch
        from transformers import LogitsProcessor, LogitsProcessorList

        description, duration, seed, out_dir = validate_request(
            description=description, duration=duration, seed=seed, out_dir=out_dir)
        brief = parse_description(description)
        length = duration * self.sample_rate
        seam = int(min(_SEAM_SECONDS, duration / 4) * self.sample_rate)
        passes = self._plan(math.ceil((length + seam) / self._hop))
        total_steps, done = sum(new + self._delay for new in passes), 0

        class _StepCounter(LogitsProcessor):
            """Reports one step per generated token (all codebooks of a frame step together)."""

            def __call__(self, input_ids, scores):
                nonlocal done
                done += 1
                if progress is not None:
                    progress(min(done, total_steps - 1), total_steps)
                return scores

        audio = None
        with self._lock:
            torch.manual_seed(seed)
            for new_frames in passes:
                prompt = None if audio is None else audio[:, -self._overlap * self._hop:]
                # A fresh list per pass: generate() appends its guidance processor to the list it is given.
                window = self._generate(description, prompt, new_frames, LogitsProcessorList([_StepCounter()]))
                audio = window if audio is None else join_with_overlap(audio, window, self._overlap * self._hop)
        audio = normalise_peak(make_loopable(audio, length=length, fade=seam))

        wav_path = write_wav(Path(out_dir) / WAV_NAME, audio, sample_rate=self.sample_rate)
        if progress is not None:
            progress(total_steps, total_steps)
        key = f"{brief.tonic} {brief.mode}" if brief.tonic else brief.mode
        return Soundtrack(wav_path=wav_path, midi_path=None, duration_s=audio.shape[1] / self.sample_rate,
                          bpm=brief.bpm, key=key, backend=self.backend)

    def _plan(self, frames: int) -> list[int]:
        """New frames per pass: a full first window, then windows less the overlap that prompts them."""
        passes = [min(self._window, frames)]
        while sum(passes) < frames:
            passes.append(min(self._window - self._overlap, frames - sum(passes)))
        return passes

    def _generate(self, description: str, prompt: np.ndarray | None, new_frames: int, processors) -> np.ndarray:
        """One pass: ``(channels, samples)`` float32 of the prompt (re-decoded) followed by ``new_frames``."""
        import torch

        kwargs = {"text": [description], "padding": True, "return_tensors": "pt"}
        if prompt is not None:
            kwargs.update(audio=[prompt[0] if self.channels == 1 else prompt], sampling_rate=self.sample_rate)
        inputs = self._processor(**kwargs).to(self.device)
        if "input_values" in inputs:
            inputs["input_values"] = inputs["input_values"].to(self._dtype)
        with torch.inference_mode():
            out = self._model.generate(**inputs, do_sample=True, guidance_scale=self.guidance_scale,
                                       max_new_tokens=new_frames + self._delay, logits_processor=processors)
        return out[0].float().cpu().numpy()


def _codec_on_cpu(model, device: str) -> None:
    """Keep EnCodec on the CPU (it garbles audio on MPS); its calls move tensors across for it."""
    import torch

    codec = model.audio_encoder.to("cpu")
    encode, decode = codec.encode, codec.decode

    def to(value, target):
        return value.to(target) if isinstance(value, torch.Tensor) else value

    def encode_on_cpu(*args, **kwargs):
        out = encode(*(to(a, "cpu") for a in args), **{k: to(v, "cpu") for k, v in kwargs.items()})
        out.audio_codes = out.audio_codes.to(device)
        return out

    def decode_on_cpu(*args, **kwargs):
        return decode(*(to(a, "cpu") for a in args), **{k: to(v, "cpu") for k, v in kwargs.items()})

    codec.encode, codec.decode = encode_on_cpu, decode_on_cpu
