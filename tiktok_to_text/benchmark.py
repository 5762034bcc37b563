"""Measure on real files: ``python -m tiktok_to_text.benchmark FILE...``.

First a sequential pass timing speech and OCR per file (with WER and caption
words found when a demo-library sidecar ``.json`` lies beside the file), then the
whole batch through a thread pool and a process pool, each called twice: the
first call includes starting workers and loading models, the second is what a
long-lived app sees.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from statistics import mean

from .captions import CaptionReader
from .extractor import TextExtractor
from .media import decode_audio, ffmpeg_exe, probe
from .transcribers import SphinxTranscriber
from .wer import word_error_rate


def _sequential(files: list[Path]) -> float:
    ffmpeg = ffmpeg_exe()
    start = time.perf_counter()
    transcribe, read_captions = SphinxTranscriber(), CaptionReader(threads=2)
    rates, speech_s, ocr_s = [], [], []
    for path in files:
        info = probe(path, ffmpeg=ffmpeg)
        t0 = time.perf_counter()
        transcript = transcribe(decode_audio(path, ffmpeg=ffmpeg)) if info.has_audio else ""
        t1 = time.perf_counter()
        before = read_captions.frames_ocred
        captions = read_captions(path, info, ffmpeg=ffmpeg)
        t2 = time.perf_counter()
        speech_s.append(t1 - t0)
        ocr_s.append(t2 - t1)
        line = (f"{path.name}: {info.duration_s:.1f} s long, speech {t1 - t0:.1f} s, "
                f"OCR {t2 - t1:.1f} s ({read_captions.frames_ocred - before} frames)")
        sidecar = path.with_suffix(".json")
        if sidecar.is_file():
            meta = json.loads(sidecar.read_text("utf-8"))
            rates.append(word_error_rate(meta["narration"], transcript))
            shown = "".join(" ".join(captions).lower().split())
            expected = {w for c in meta["captions"] for w in c.lower().split() if w.isalpha() and len(w) > 2}
            line += f", WER {rates[-1]:.3f}, caption words {sum(w in shown for w in expected)}/{len(expected)}"
        print(line, flush=True)
    total = time.perf_counter() - start
    print(f"sequential: {total:.1f} s; mean speech {mean(speech_s):.1f} s, mean OCR {mean(ocr_s):.1f} s per file; "
          f"{read_captions.frames_ocred}/{read_captions.frames_read} frames OCR'd"
          + (f"; mean WER {mean(rates):.3f} over {len(rates)}" if rates else ""), flush=True)
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pools", default="sequential,thread,process")
    args = parser.parse_args(argv)
    pools = args.pools.split(",")
    if "sequential" in pools:
        _sequential(args.files)
    for pool in ("thread", "process"):
        if pool not in pools:
            continue
        with TextExtractor(transcriber="sphinx", workers=args.workers, pool=pool) as extractor:
            for label in ("cold", "warm"):
                start = time.perf_counter()
                extractor(args.files)
                print(f"{pool} x{args.workers} {label}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
