"""Times sequential vs thread pool vs process pool on real files: ``python -m tiktok_to_text.benchmark FILE...``.

Each pool is timed twice: the first call includes starting the workers and
loading their models, the second is what a long-lived app sees.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from .extractor import TextExtractor
from .reader import VideoReader


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--transcriber", default="sphinx")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    reader = VideoReader(transcriber=args.transcriber, ocr=True, ocr_threads=2)
    loaded = time.perf_counter()
    for path in args.files:
        reader(path)
    end = time.perf_counter()
    print(f"sequential: {end - start:.1f} s ({loaded - start:.1f} s loading), "
          f"{reader._captions.frames_ocred}/{reader._captions.frames_read} frames OCR'd")
    for pool in ("thread", "process"):
        with TextExtractor(transcriber=args.transcriber, workers=args.workers, pool=pool) as extractor:
            for label in ("cold", "warm"):
                start = time.perf_counter()
                extractor(args.files)
                print(f"{pool} x{args.workers} {label}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
