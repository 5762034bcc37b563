"""The preview render with captions burned in, beside the same preview without them.

    make bench            # or: python bench/bench_preview.py [--seconds 30] [--repeat 1]

The clip is built here: 720×1280 at 30 fps, a coloured picture with ../shared/data/speech's
recordings one after another (looped to the length), and the first ../shared/data/music track as
the soundtrack. Its words are the recordings' transcripts, each spread over its recording's
length (segment-style timing: the render's cost depends on how many words and cues there are,
not on how exactly they are timed). Each row is ``remix.render_preview`` on a run holding that
clip: seconds of wall time and that as a multiple of the clip's length (the issue's target:
≤ 3× with captions on the 2-core machine). The load average is printed beside the figures,
since the machine may be shared.

Needs ../shared/data (skipped without it).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"


def _speech(seconds: float) -> tuple[list[tuple[Path, float, float]], list[dict]]:
    """The speech recordings laid end to end until ``seconds``: ``(path, start, length)`` each, and
    their transcripts' words spread evenly over each (``{"text", "start_s", "end_s"}``)."""
    import ffmpeg_io

    recordings = sorted((SHARED / "speech").glob("*.wav"))
    pieces, words, at = [], [], 0.0
    while at < seconds - 1:
        for path in recordings:
            length = min(ffmpeg_io.probe(path).duration_s, seconds - at)
            if length < 1:
                break
            pieces.append((path, at, length))
            spoken = path.with_suffix(".txt").read_text(encoding="utf-8").split()
            full = ffmpeg_io.probe(path).duration_s
            step = full / max(1, len(spoken))
            for i, text in enumerate(spoken):
                start = at + i * step
                if start + step > at + length:
                    break
                words.append({"text": text, "start_s": round(start, 2), "end_s": round(start + step * 0.9, 2)})
            at += length + 0.3
    return pieces, words


def _make_run(runs_dir: Path, seconds: float) -> str:
    """A finished run holding the built clip (with its words) and a soundtrack; its run id."""
    import ffmpeg_io
    import runs
    import utils

    run_id = utils.new_run_id()
    folder = runs_dir / run_id
    folder.mkdir(parents=True)
    pieces, words = _speech(seconds)
    inputs, delays = [], []
    for i, (path, start, _length) in enumerate(pieces):
        inputs += ["-i", str(path)]
        delays.append(f"[{i + 1}:a]aresample=44100,adelay={int(start * 1000)}:all=1[a{i}]")
    mix = ";".join(delays) + ";" + "".join(f"[a{i}]" for i in range(len(pieces))) + \
        f"amix=inputs={len(pieces)}:normalize=0,apad,atrim=0:{seconds}[a]"
    done = ffmpeg_io.run(["-f", "lavfi", "-i", f"color=c=0x3a6ea5:s=720x1280:r=30:d={seconds}", *inputs,
                          "-filter_complex", mix, "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset",
                          "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", str(seconds),
                          str(folder / "clip.mp4")], timeout_s=300)
    assert done.returncode == 0, ffmpeg_io.last_line(done.stderr)
    music = sorted((SHARED / "music").glob("*.ogg"))[0]
    done = ffmpeg_io.run(["-i", str(music), "-t", str(seconds), "-ac", "1", "-ar", "32000",
                          str(folder / "soundtrack.wav")], timeout_s=300)
    assert done.returncode == 0, ffmpeg_io.last_line(done.stderr)
    runs.save(runs_dir, {"run_id": run_id, "videos": [
        {"source": "upload", "video_url": runs.url(run_id, "clip.mp4"), "words": words, "word_timing": "segment"}],
        "music": {"url": runs.url(run_id, "soundtrack.wav"), "duration_s": seconds}, "cover": None})
    return run_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=1, help="renders of each row (the figure is the fastest)")
    args = parser.parse_args()
    if not (SHARED / "speech").is_dir():
        print("bench_preview: skipped, ../shared/data is not here")
        return
    from remix import render_preview
    from subtitles import STYLES

    scratch = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    try:
        run_id = _make_run(scratch / "runs", args.seconds)
        rows = []
        load_before = "%.2f %.2f %.2f" % os.getloadavg()
        for label, options in [("no captions", {"captions": False})] + \
                              [(f"captions, {style}", {"captions": True, "caption_style": style}) for style in STYLES]:
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                document = render_preview(scratch / "runs", run_id=run_id, **options)
                times.append(time.perf_counter() - started)
                shutil.rmtree(scratch / "runs" / document["run_id"])
            assert document["preview"]["captions"] == options["captions"]
            best = min(times)
            rows.append([label, f"{best:.1f}", f"{best / args.seconds:.2f}×",
                         "≤ 3×" if options["captions"] else "", "%.2f %.2f %.2f" % os.getloadavg()])
        print(f"preview render, {args.seconds:g}-s 720×1280 clip at 30 fps, {os.cpu_count()} CPUs, "
              f"load average before (1/5/15 min): {load_before}")
        print_table(["preview", "seconds", "× clip length", "target", "load avg after (1/5/15 min)"], rows)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
