"""The text stage on demo and real clips: today's path against the one before, side by side.

    make bench            # or: python bench/bench_text.py [--baseline REV]

Machines differ (the same bench runs twice as fast on one 2-core machine as on another),
so the targets are ratios between paths measured in this one run, with the absolute
figures beside them. "before" is the text stage of ``--baseline`` (default: the commit
before Whisper and the caption lines), checked out into a temporary git worktree and run
in a subprocess with this same virtualenv. Rows:

* text stage, 9 demo videos of 3 tags, cold (models loaded, no cache): before, sphinx with
  today's OCR, and the default (Whisper + today's OCR); speed-up against before;
* text stage on real clips (../shared's real TikTok clip and two realistic clips built from
  ../shared speech over music at -12 dB, with karaoke captions): seconds per video second;
* on-screen text alone: seconds per video second, frames OCR'd, demo caption words found;
* speech alone: each transcriber's word error rate on ../shared/data/speech and on the demo
  library's narration, and its seconds per audio second on the real clips.

Needs ../shared/data for the real-clip and WER rows (skipped without it).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared" / "data"
BASELINE = "fa23909"  # main before issue 7: sphinx, and OCR of every changed frame at 960 px
DEMO_TAGS = ("Foodie", "Travel", "Tech")

# Run in the baseline's worktree: its own TextExtractor on the files named in argv.
_BASELINE_SCRIPT = """
import json, sys, time
sys.path.insert(0, ".")
from tiktok_to_text import TextExtractor
paths = json.loads(sys.argv[1])
with TextExtractor(transcriber="sphinx", workers=2, pool="process") as extractor:
    extractor(paths[:1])
    started = time.perf_counter()
    extractor(paths)
    print(time.perf_counter() - started)
"""


def _demo_videos() -> list[Path]:
    from tiktok_videos import load_source

    source = load_source("library")
    videos = []
    with tempfile.TemporaryDirectory() as tmp:
        for tag in DEMO_TAGS:
            found, _ = source.fetch(tag, limit=3, dest=Path(tmp))
            videos += [v.path for v in found]
    return videos


def _real_clips(work: Path) -> list[Path]:
    if not SHARED.is_dir():
        return []
    from tests.clips import make_realistic_clip

    speech = sorted((SHARED / "speech").glob("librivox-*.wav"))
    clips = [SHARED / "tiktok" / "videos" / "malwaretech-7261314534885870894.mp4"]
    for name, music in (("vibe", "Kevin_MacLeod_-_Vibe_Ace.ogg"), ("waltz", "147793__setuniman__sweet-waltz-0i-22mi.ogg")):
        clips.append(make_realistic_clip(work / f"{name}.mp4", speech=speech, music=SHARED / "music" / music,
                                         title_card="3 CLASSICS TO READ").path)
    return clips


def _duration(paths: list[Path]) -> float:
    from tiktok_to_text.media import ffmpeg_exe, probe

    return sum(probe(p, ffmpeg=ffmpeg_exe()).duration_s for p in paths)


def _baseline(rev: str, paths: list[Path]) -> float | None:
    """Seconds the ``rev`` text stage takes on ``paths`` (models loaded first), or None."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
                               capture_output=True, text=True)
        if added.returncode != 0:
            print(f"baseline {rev} not available: {added.stderr.strip()}", file=sys.stderr)
            return None
        try:
            run = subprocess.run([sys.executable, "-c", _BASELINE_SCRIPT, json.dumps([str(p) for p in paths])],
                                 cwd=tree, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"baseline {rev} failed: {run.stderr.strip()[-500:]}", file=sys.stderr)
                return None
            return float(run.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def _text_stage(paths: list[Path], models: Path, **options) -> tuple[float, str]:
    from tiktok_to_text import TextExtractor

    with TextExtractor(workers=2, pool="process", models_dir=models, **options) as extractor:
        extractor(paths[:1])  # start the workers and load the models before timing
        started = time.perf_counter()
        extractor(paths)
        return time.perf_counter() - started, extractor.backend


def _ocr_rows(demo: list[Path], real: list[Path]) -> list[tuple[str, str, str]]:
    from tiktok_to_text.captions import CaptionReader
    from tiktok_to_text.media import ffmpeg_exe, probe

    ffmpeg, rows = ffmpeg_exe(), []
    library = sorted((ROOT / "tiktok_videos" / "library").glob("*/*.mp4"))
    for label, paths in (("15 demo videos", library), ("real clips", real)):
        if not paths:
            continue
        reader = CaptionReader(threads=2)
        words_found = words_expected = 0
        seconds = length = 0.0
        for path in paths:
            info = probe(path, ffmpeg=ffmpeg)
            started = time.perf_counter()
            captions = reader(path, info, ffmpeg=ffmpeg)
            seconds += time.perf_counter() - started
            length += info.duration_s
            sidecar = path.with_suffix(".json")
            if sidecar.is_file():
                shown = "".join(" ".join(c.text for c in captions).lower().split())
                expected = {w.strip(".,!?:;'\"") for c in json.loads(sidecar.read_text("utf-8"))["captions"]
                            for w in c.lower().split()}
                expected = {w for w in expected if w.isalpha() and len(w) > 2}
                words_expected += len(expected)
                words_found += sum(w in shown for w in expected)
        rows.append((f"on-screen text, {label}", f"{seconds / length:.3f} s per video s", "≤ 0.05 s"))
        rows.append((f"  frames OCR'd / read", f"{reader.frames_ocred} / {reader.frames_read}", ""))
        if words_expected:
            rows.append(("  demo caption words found", f"{words_found} / {words_expected}",
                         f"≥ 95 % ({100 * words_found / words_expected:.0f} %)"))
    return rows


def _speech_rows(real: list[Path], models: Path) -> list[tuple[str, str, str]]:
    from tiktok_to_text import DEFAULT_WHISPER_MODEL, find_whisper, word_error_rate
    from tiktok_to_text.media import SAMPLE_RATE, decode_audio, ffmpeg_exe
    from tiktok_to_text.transcribers import SphinxTranscriber
    from tiktok_to_text.whisper import load_whisper

    if not SHARED.is_dir():
        return []
    ffmpeg = ffmpeg_exe()
    speech = sorted((SHARED / "speech").glob("*.wav"))
    demo = [(json.loads(p.with_suffix(".json").read_text("utf-8"))["narration"], decode_audio(p, ffmpeg=ffmpeg))
            for p in sorted((ROOT / "tiktok_videos" / "library").glob("*/*.mp4"))]
    clips = [decode_audio(p, ffmpeg=ffmpeg) for p in real]
    candidates = [("sphinx", SphinxTranscriber)]
    for model in ("tiny.en", "base"):
        weights = find_whisper(model, cache_dir=models)
        if weights is not None:
            candidates.append((f"whisper {model}", lambda weights=weights: load_whisper(weights, device="cpu")))
    rows = []
    for name, load in candidates:
        transcribe = load()
        rates = [word_error_rate(w.with_suffix(".txt").read_text(), transcribe(decode_audio(w, ffmpeg=ffmpeg)).text)
                 for w in speech]
        demo_rates = [word_error_rate(narration, transcribe(audio).text) for narration, audio in demo]
        started = time.perf_counter()
        for clip in clips:
            transcribe(clip)
        rtf = (time.perf_counter() - started) / (sum(len(c) for c in clips) / SAMPLE_RATE)
        default = name == f"whisper {DEFAULT_WHISPER_MODEL}"
        rows.append((f"speech, {name}{' (default)' if default else ''}",
                     f"WER {statistics.mean(rates):.3f} / {statistics.mean(demo_rates):.3f} · {rtf:.3f} s/s",
                     "WER on shared speech / demo narration · s per audio s of the real clips"
                     + ("; target WER ≤ 0.10" if default else "")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision whose text stage is 'before'")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        models = work / "models"
        demo = _demo_videos()
        real = _real_clips(work)
        for label, paths in ((f"{len(demo)} demo videos, {len(DEMO_TAGS)} tags", demo), ("real clips", real)):
            if not paths:
                continue
            length = _duration(paths)
            before = _baseline(args.baseline, paths)
            sphinx_s, _ = _text_stage(paths, models, transcriber="sphinx")
            default_s, backend = _text_stage(paths, models)
            rows.append((f"text stage, {label} ({length:.0f} s of video)", "", ""))
            if before is not None:
                rows.append((f"  before ({args.baseline}: sphinx + OCR)", f"{before:.2f} s", f"{before / length:.3f} s/s"))
            rows.append(("  sphinx + today's OCR", f"{sphinx_s:.2f} s", f"{sphinx_s / length:.3f} s/s"))
            target = "≥ 3× faster than before" if paths is demo else "≤ 0.1 s/s"
            speed = f", ×{before / default_s:.1f} vs before" if before is not None else ""
            rows.append((f"  default ({backend} + today's OCR)", f"{default_s:.2f} s",
                         f"{default_s / length:.3f} s/s{speed}; target {target}"))
        rows += _ocr_rows(demo, real)
        rows += _speech_rows(real, models)

    print_table(("measure", "result", "note / target"), rows, right=(1,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
