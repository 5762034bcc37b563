"""Cost of each stage backend that can run on this machine, embedded default beside neural.

    make bench            # or: python bench/bench_backends.py [--repeats 3] [--full-size]

The neural backends run on the packages' tiny random-weight debug models (saved to a temp
folder first), so their figures are our overhead — loading code, windowing, crossfades,
resizing, typesetting — and not what a real checkpoint costs. ``--full-size`` adds
random-weight models with musicgen-small's and SD 1.5's real shapes, timed once (minutes
on a CPU): compute does not depend on the weights' values, so these do give a real
checkpoint's speed here, though never its output. Prints one table:

* speech: seconds of compute per second of audio, over the bundled demo videos' narration;
* soundtrack: seconds of compute per generated second (15 s, and 35 s for MusicGen's windows);
* cover: seconds per 1080x1920 image;
* for each: model load time, and a request's cost when the model is loaded once per process
  (what the studio does) against loading it for every request.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DESCRIPTION = "An energetic pop track at 124 BPM in a major key with piano, bass and drums."
COVER = dict(title="One-Pan Pasta Race", keywords=["pasta", "one pan", "quick dinner"], mood="energetic")


def _seconds(work: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _library_audio() -> list:
    from tiktok_to_text.media import decode_audio, ffmpeg_exe

    ffmpeg = ffmpeg_exe()
    videos = sorted((ROOT / "tiktok_videos" / "library").glob("*/*.mp4"))[:6]
    return [decode_audio(v, ffmpeg=ffmpeg) for v in videos]


def _speech_rows(models: Path, repeats: int) -> list[tuple]:
    from tiktok_to_text.debug import save_debug_whisper
    from tiktok_to_text.media import SAMPLE_RATE
    from tiktok_to_text.transcribers import SphinxTranscriber
    from tiktok_to_text.whisper import load_whisper
    from tiktok_to_text.whisper_weights import find_whisper, locate_whisper

    clips = _library_audio()
    audio_s = sum(len(c) for c in clips) / SAMPLE_RATE
    debug = locate_whisper(str(save_debug_whisper(models / "whisper")))
    candidates = [("sphinx", SphinxTranscriber),
                  ("whisper (tiny transformers debug)", lambda: load_whisper(debug, device="cpu"))]
    # The pip-installed weights are real models: their rows are real speeds.
    for model in ("tiny.en", "base"):
        weights = find_whisper(model, cache_dir=models)
        if weights is not None:
            candidates.append((f"whisper {model} (faster-whisper int8)",
                               lambda weights=weights: load_whisper(weights, device="cpu")))
    rows = []
    for name, load in candidates:
        load_s = _seconds(load, repeats)
        transcribe = load()
        run_s = _seconds(lambda: [transcribe(c) for c in clips], repeats)
        rows.append(("speech", name, load_s, run_s / audio_s, "s per audio s",
                     run_s / len(clips), (load_s + run_s / len(clips))))
    return rows


def _music_rows(models: Path, work: Path, repeats: int) -> list[tuple]:
    from music_gen import load_music_generator
    from music_gen.debug import save_debug_musicgen

    folder = save_debug_musicgen(models / "musicgen")
    rows = []
    for name, load in (("composer", lambda: load_music_generator("composer")),
                       ("musicgen (tiny debug)", lambda: load_music_generator("musicgen", model=folder, device="cpu"))):
        load_s = _seconds(load, repeats)
        generate = load()
        assert generate.backend == name.split()[0], generate.warnings
        for duration in (15, 35):
            run_s = _seconds(lambda: generate(description=DESCRIPTION, duration=duration, seed=1,
                                              out_dir=work / f"{generate.backend}-{duration}"), repeats)
            rows.append((f"soundtrack {duration} s", name, load_s, run_s / duration, "s per generated s",
                         run_s, load_s + run_s))
    return rows


def _cover_rows(models: Path, work: Path, repeats: int) -> list[tuple]:
    from animate_text import load_cover_generator
    from animate_text.debug import DEBUG_SIZE, save_debug_stable_diffusion

    folder = save_debug_stable_diffusion(models / "sd")
    rows = []
    for name, load in (("poster", lambda: load_cover_generator("poster")),
                       ("stable-diffusion (tiny debug, 25 steps)",
                        lambda: load_cover_generator("stable-diffusion", model=str(folder), device="cpu", steps=25,
                                                   size=DEBUG_SIZE))):
        load_s = _seconds(load, repeats)
        draw = load()
        assert draw.backend == name.split()[0], draw.warnings
        run_s = _seconds(lambda: draw(**COVER, seed=1, out_path=work / f"{draw.backend}.png"), repeats)
        rows.append(("cover 1080x1920", name, load_s, run_s, "s per image", run_s, load_s + run_s))
    return rows


def _full_size_rows(models: Path, work: Path) -> list[tuple]:
    """musicgen-small's and SD 1.5's architectures with random weights, one timed request each."""
    from animate_text import load_cover_generator
    from animate_text.debug import save_debug_stable_diffusion
    from music_gen import load_music_generator
    from music_gen.debug import save_debug_musicgen

    rows = []
    folder = save_debug_musicgen(models / "musicgen-small", architecture="small")
    load_s = _seconds(lambda: load_music_generator("musicgen", model=folder, device="cpu"), 1)
    generate = load_music_generator("musicgen", model=folder, device="cpu")
    run_s = _seconds(lambda: generate(description=DESCRIPTION, duration=5, seed=1, out_dir=work / "mg-small"), 1)
    rows.append(("soundtrack 5 s", "musicgen (small's shape)", load_s, run_s / 5, "s per generated s",
                 run_s, load_s + run_s))
    del generate

    folder = save_debug_stable_diffusion(models / "sd15", architecture="sd15")
    load_s = _seconds(lambda: load_cover_generator("stable-diffusion", model=str(folder), device="cpu"), 1)
    steps = 2
    draw = load_cover_generator("stable-diffusion", model=str(folder), device="cpu", steps=steps)
    unet_s: list[float] = []
    started: list[float] = []
    draw.pipe.unet.register_forward_pre_hook(lambda *_: started.append(time.perf_counter()))
    draw.pipe.unet.register_forward_hook(lambda *_: unet_s.append(time.perf_counter() - started[-1]))
    run_s = _seconds(lambda: draw(**COVER, seed=1, out_path=work / "sd15.png"), 1)
    step_s = statistics.median(unet_s)
    rest_s = run_s - sum(unet_s)  # text encoding, VAE decode, fit to 1080x1920, typesetting
    name = f"stable-diffusion (1.5's shape, {draw.size[0]}x{draw.size[1]})"
    rows.append((f"cover, {steps} steps", name, load_s, step_s, "s per denoising step", run_s, load_s + run_s))
    # PNDM runs steps + 1 UNet passes; the rest (VAE decode, fitting, typesetting) does not grow with steps.
    rows.append(("cover, 25 steps (est.)", name, load_s, rest_s, "s outside the UNet", 26 * step_s + rest_s,
                 load_s + 26 * step_s + rest_s))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is shown")
    parser.add_argument("--full-size", action="store_true",
                        help="also time musicgen-small's and SD 1.5's shapes with random weights (minutes)")
    args = parser.parse_args()
    import torch

    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as tmp:
        models, work = Path(tmp) / "models", Path(tmp) / "work"
        work.mkdir(parents=True)
        rows += _speech_rows(models, args.repeats)
        rows += _music_rows(models, work, args.repeats)
        rows += _cover_rows(models, work, args.repeats)
        if args.full_size:
            rows += _full_size_rows(models, work)

    header = ("stage", "backend", "load", "unit cost", "request, loaded once", "request, loaded per request")
    print(f"CPU, torch {torch.__version__}, {torch.get_num_threads()} threads, median of {args.repeats}; "
          "tiny debug models measure overhead only")
    print_table(header, [(stage, name, f"{load:.2f} s", f"{unit:.3f} {unit_name}", f"{once:.2f} s", f"{each:.2f} s")
                         for stage, name, load, unit, unit_name, once, each in rows], right=range(2, len(header)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
