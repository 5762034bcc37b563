"""On-screen text: RapidOCR on about one frame a second, cheaply.

Where the time goes (2 CPU cores, measured on the demo library and a real clip):
recognition costs about 0.12 ms per pixel of text-line width at the model's 48 px
height, so a caption line is 40-90 ms; detection on a 320 px frame is 15-25 ms;
decoding a 30 fps H.264 file is 10-30 ms per second of video. So detection runs on a
small copy of the frame, a box is recognised only when its pixels changed since the
last frame (a caption stays up for seconds), boxes too small to be captions
(watermarks, handles) are never recognised, and the decoder skips the frames nothing
refers to. Frames whose text bands did not change are not OCR'd at all.
"""
from __future__ import annotations

import math
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

import ffmpeg_io

from ._errors import TranscriptionError
from ._types import Caption
from .caption_lines import CaptionLines, TextBox, WordSplitter, lines_from_boxes, merge_lines
from .media import MediaInfo, frame_size

__all__ = ["CaptionReader", "WordSplitter", "caption_change", "decode_frames", "lines_from_boxes", "merge_lines"]

_REC_HEIGHT = 48  # the PP-OCRv4 recogniser's input height
_SMALL_CHANGE = 0.03  # below this a skipped frame shows nothing new worth holding


def _thumbnail(frame: np.ndarray, squares: int = 120) -> np.ndarray:
    """Grey means of squares, ``squares`` along the longer side: small sparkles and
    colour drift average out, a caption does not. ``frame`` is grey or RGB."""
    block = max(1, max(frame.shape[:2]) // squares)
    height, width = frame.shape[0] // block, frame.shape[1] // block
    grey = frame.mean(axis=2, dtype=np.float32) if frame.ndim == 3 else frame.astype(np.float32)
    return cv2.resize(grey[:height * block, :width * block], (width, height), interpolation=cv2.INTER_AREA)


def caption_change(before: np.ndarray, after: np.ndarray, *, min_step: float = 40.0) -> float:
    """How much a line of text changed between two thumbnails, 0..1: the largest share
    of squares that moved over ``min_step`` grey levels in any band of 3 square rows.

    Captions are horizontal, so a new one changes most of a band; background motion
    changes squares scattered over the whole frame.
    """
    rows = (np.abs(after - before) > min_step).mean(axis=1)
    if rows.size < 3:
        return float(rows.max(initial=0.0))
    return float(np.convolve(rows, np.ones(3) / 3, mode="valid").max())


def decode_frames(path: Path, *, ffmpeg: str | None = None, size: tuple[int, int],
                  fps: float) -> Iterator[tuple[float, np.ndarray]]:
    """``(time_s, RGB frame)`` sampled ``fps`` times a second, at ``size`` (width, height).

    The decoder skips frames no other frame refers to (most B-frames: up to 3 in 4 on
    TikTok exports), which the 1 frame/s sample does not need, and a thread reads ahead
    so decoding overlaps OCR.
    """
    width, height = size
    frame_bytes = width * height * 3
    proc = ffmpeg_io.open_pipe(
        ["-v", "error", "-skip_frame", "noref", "-threads", "1", "-an", "-i", str(path),
         "-vf", f"fps={fps},scale={width}:{height}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        exe=ffmpeg,
    )
    ahead: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                buf = proc.stdout.read(frame_bytes)
                if len(buf) < frame_bytes:
                    break
                ahead.put(buf)
        finally:
            ahead.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    finished = False
    try:
        index = 0
        while (buf := ahead.get()) is not None:
            yield index / fps, np.frombuffer(buf, dtype=np.uint8).reshape(height, width, 3)
            index += 1
        finished = True
    finally:
        stop.set()
        proc.kill()
        while not finished:  # a consumer that stopped early: drain so the reader can end
            finished = ahead.get() is None
        reader.join()
        proc.stdout.close()
        proc.wait()


@dataclass
class _Read:
    """A recognised box, kept so the next frame can reuse its text."""

    box: tuple[float, float, float, float]
    text: str
    score: float


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


class CaptionReader:
    """Reads burned-in text of a video; the RapidOCR model is loaded once per object.

    ``min_score`` drops low-confidence boxes. A frame is OCR'd only when its
    ``caption_change`` from the last OCR'd frame exceeds ``change_threshold``: with
    background motion at 0.02-0.27 on the demo library and a caption change at
    0.32-0.89, the bar sits low, since an extra OCR costs little and a skipped
    caption is lost. ``det_side`` is the longer side detection sees; ``min_height``
    the smallest box (share of frame height) worth recognising: app watermarks and
    handles are smaller than any caption. ``threads`` is for onnxruntime.
    """

    def __init__(self, *, min_score: float = 0.6, change_threshold: float = 0.15, max_side: int = 640,
                 det_side: int = 320, min_height: float = 0.03, fps: float = 1.0, threads: int = 1) -> None:
        if not 0.0 <= min_score <= 1.0:
            raise TranscriptionError("min_score", f"min_score must be between 0 and 1, not {min_score!r}")
        if not 0.0 <= change_threshold < 1.0:
            raise TranscriptionError(
                "change_threshold", f"change_threshold must be in [0, 1), not {change_threshold!r}")
        if not (isinstance(max_side, int) and isinstance(det_side, int) and 64 <= det_side <= max_side):
            raise TranscriptionError(
                "det_side", f"det_side and max_side must be whole pixels, 64 <= det_side <= max_side, "
                            f"not {det_side!r} and {max_side!r}")
        if not 0.0 <= min_height < 1.0:
            raise TranscriptionError(
                "min_height", f"min_height must be a share of the frame height in [0, 1), not {min_height!r}")
        if not fps > 0:
            raise TranscriptionError("fps", f"fps must be positive, not {fps!r}")
        if not (isinstance(threads, int) and threads >= 1):
            raise TranscriptionError("threads", f"threads must be a positive whole number, not {threads!r}")
        from rapidocr_onnxruntime import RapidOCR

        # Captions are upright: the angle classifier only costs time. limit_side_len 32 with
        # type "min" makes the detector take our small frame as it is (it never shrinks).
        self._engine = RapidOCR(use_cls=False, det_limit_side_len=32, det_limit_type="min",
                                intra_op_num_threads=threads, inter_op_num_threads=1)
        self._split_words = WordSplitter()
        self.min_score = min_score
        self.change_threshold = change_threshold
        self.max_side = max_side
        self.det_side = det_side
        self.min_height = min_height
        self.fps = fps
        self.frames_read = 0
        self.frames_ocred = 0
        self.boxes_recognised = 0

    def _detect(self, frame: np.ndarray) -> list[np.ndarray]:
        scale = self.det_side / max(frame.shape[:2])
        det_h = max(32, round(frame.shape[0] * scale / 32) * 32)
        det_w = max(32, round(frame.shape[1] * scale / 32) * 32)
        small = cv2.resize(frame, (det_w, det_h), interpolation=cv2.INTER_AREA)
        boxes, _ = self._engine.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        ratio = np.array([frame.shape[1] / det_w, frame.shape[0] / det_h], dtype=np.float32)
        return [box.astype(np.float32) * ratio for box in self._engine.sorted_boxes(boxes)]

    def _recognise(self, crop: np.ndarray) -> tuple[str, float]:
        """RapidOCR pads every crop to 320 px wide; cost grows with width, so feed the
        crop at its own width instead."""
        rec = self._engine.text_rec
        width = max(16, math.ceil(_REC_HEIGHT * crop.shape[1] / max(1, crop.shape[0]) / 8) * 8)
        batch = cv2.resize(crop, (width, _REC_HEIGHT)).astype(np.float32).transpose(2, 0, 1)[None] / 127.5 - 1.0
        text, score = rec.postprocess_op(rec.session(batch)[0])[0][:2]
        self.boxes_recognised += 1
        return str(text), float(score)

    def _read_frame(self, frame: np.ndarray, grey: np.ndarray, cache: list[_Read],
                    last_grey: np.ndarray | None) -> list[_Read]:
        """Boxes of ``frame`` with their texts. A box over a cached one (IoU >= 0.7: the
        detector at 320 px jitters a few pixels) whose pixels, over both boxes, barely
        changed since the last OCR'd frame keeps the cached text: no edge moved more than
        half the box height and at most 3 % of the pixels moved more than 60 grey
        levels. A new word moves an edge and changes its strokes by 100+ levels;
        moving stripes behind plain text change 2-3 %."""
        reads: list[_Read] = []
        quads = self._detect(frame)
        crops = self._engine.get_crop_img_list(frame, quads) if quads else []
        for quad, crop in zip(quads, crops):
            box = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))
            if box[3] - box[1] < self.min_height * frame.shape[0] or crop.size == 0:
                continue
            hit = None
            for cached in cache if last_grey is not None else ():
                slack = 0.5 * (box[3] - box[1])  # a new word moves an edge by more
                if _iou(cached.box, box) < 0.7 or max(abs(a - b) for a, b in zip(cached.box, box)) > slack:
                    continue
                x0, y0 = int(min(box[0], cached.box[0])), int(min(box[1], cached.box[1]))
                x1, y1 = int(math.ceil(max(box[2], cached.box[2]))), int(math.ceil(max(box[3], cached.box[3])))
                before, after = last_grey[max(0, y0):y1, max(0, x0):x1], grey[max(0, y0):y1, max(0, x0):x1]
                if before.size and float((np.abs(after - before) > 60).mean()) <= 0.03:
                    hit = cached
                    break
            text, score = (hit.text, hit.score) if hit else self._recognise(crop)
            reads.append(_Read(box, text, score))
        return reads

    def __call__(self, path: Path, info: MediaInfo, *, ffmpeg: str | None = None) -> list[Caption]:
        """Caption lines of the video at ``path``: reading order within a frame, order of
        first appearance across frames, each at the first sampled time it was seen."""
        if not info.has_video:
            return []
        lines = CaptionLines(split_words=self._split_words)
        last: np.ndarray | None = None  # thumbnail of the last OCR'd frame
        last_grey: np.ndarray | None = None
        cache: list[_Read] = []
        # The last skipped frame that differs a little from the last OCR'd one. A karaoke
        # caption grows by one word (a small change) until it is replaced (a big one):
        # OCR'ing this frame before the big change reads the line whole.
        held: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None

        def ocr(time_s: float, frame: np.ndarray, grey: np.ndarray) -> None:
            nonlocal cache, last_grey
            self.frames_ocred += 1
            cache = self._read_frame(frame, grey, cache, last_grey)
            last_grey = grey
            boxes = [TextBox(r.text, *r.box) for r in cache if r.score >= self.min_score]
            lines.add(lines_from_boxes(boxes), time_s=time_s)

        size = frame_size(info, max_side=self.max_side)
        for time_s, frame in decode_frames(path, ffmpeg=ffmpeg, size=size, fps=self.fps):
            self.frames_read += 1
            grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.int16)
            thumb = _thumbnail(grey)
            change = 1.0 if last is None else caption_change(last, thumb)
            if change <= self.change_threshold:
                held = (time_s, frame, grey, thumb) if change > _SMALL_CHANGE else held
                continue
            if held is not None:
                ocr(*held[:3])
                held = None
            last = thumb
            ocr(time_s, frame, grey)
        if held is not None:
            ocr(*held[:3])
        return lines.captions()
