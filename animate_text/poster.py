"""The offline cover renderer: layered gradients, soft blobs, a pattern, grain, then the text layer."""
from __future__ import annotations

import hashlib
import math

import numpy as np
from PIL import Image, ImageDraw

import utils
from utils import Progress

from .cover import POSTER_SIZE, Cover, check_request
from .palette import Palette, palette_for
from .typeset import typeset_chips, typeset_title

COMPOSITIONS = ("aurora", "sunburst", "halftone", "orbits")
"""Background layouts; one is picked per cover from the seed and the keywords."""

_FIELD_SCALE = 4  # smooth fields are computed at 1/4 size and upscaled: 16x fewer pixels, no visible loss
_STAGES = 4


def _rng(seed: int, keywords: tuple[str, ...], mood: str) -> np.random.Generator:
    key = f"{seed}|{mood}|{'|'.join(w.lower() for w in keywords)}".encode("utf-8")
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def _colours(rgb_list) -> np.ndarray:
    return np.asarray(rgb_list, dtype=np.float32) / 255.0


def _gradient(rng: np.random.Generator, palette: Palette, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Three-stop linear gradient at a random tilt; xs, ys in [0, 1]; returns (h, w, 3) floats."""
    angle = rng.uniform(-0.5, 0.5) + math.pi / 2  # mostly top-to-bottom, tilted up to ~30 degrees
    t = xs * math.cos(angle) + ys * math.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    stops = _colours(palette.stops)
    lower = np.clip(t * 2.0, 0.0, 1.0)[..., None]
    upper = np.clip(t * 2.0 - 1.0, 0.0, 1.0)[..., None]
    return stops[0] * (1 - lower) + stops[1] * lower * (1 - upper) + stops[2] * upper


def _blobs(rng: np.random.Generator, palette: Palette, canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray,
           count: int) -> np.ndarray:
    """Blend soft Gaussian blobs of the accent colours onto ``canvas``."""
    accents = _colours(palette.accents)
    aspect = ys.max() / max(float(xs.max()), 1e-6)
    for i in range(count):
        cx, cy = rng.uniform(-0.1, 1.1), rng.uniform(-0.05, 1.05)
        radius = rng.uniform(0.18, 0.45)
        weight = rng.uniform(0.45, 0.85) * np.exp(-((xs - cx) ** 2 + ((ys - cy) / aspect) ** 2) / radius ** 2)
        canvas = canvas * (1 - weight[..., None]) + accents[i % len(accents)] * weight[..., None]
    return canvas


def _waves(rng: np.random.Generator, canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Aurora-like bands: a gentle light ripple across the gradient."""
    freq, phase = rng.uniform(3, 7), rng.uniform(0, 2 * math.pi)
    bend = 0.08 * np.sin(xs * rng.uniform(2, 5) + phase)
    band = 0.5 + 0.5 * np.sin((ys + bend) * freq * 2 * math.pi + phase)
    return canvas * (0.88 + 0.24 * band[..., None] ** 3)


def _sunburst(rng: np.random.Generator, canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Rays from a point near the top third, alternating lighter and darker."""
    aspect = ys.max() / max(float(xs.max()), 1e-6)
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.4) * aspect
    rays = int(rng.integers(10, 22))
    angle = np.arctan2(ys * aspect - cy, xs - cx)
    # A steep clipped sine, not a hard threshold: ray edges stay smooth after the 4x upscale.
    stripe = np.clip(np.sin(angle * rays + rng.uniform(0, math.pi)) * 6.0 + 0.5, 0.0, 1.0)
    fade = np.exp(-np.hypot(xs - cx, ys * aspect - cy) * 0.6)
    return canvas * (1.0 + ((0.16 * stripe - 0.05) * fade)[..., None])


def _vignette(canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    dist = np.hypot((xs - 0.5) * 1.2, ys - 0.5)
    return canvas * (1.0 - 0.45 * np.clip(dist - 0.3, 0, 1) ** 1.5)[..., None]


def _halftone(rng: np.random.Generator, palette: Palette, image: Image.Image) -> Image.Image:
    """A dot grid whose dots grow along a diagonal, in the lightest accent, at full resolution."""
    w, h = image.size
    step = int(rng.integers(36, 60))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    local = np.hypot((xs % step) - step / 2, (ys % step) - step / 2)
    diagonal = np.clip((xs / w * 0.4 + ys / h) - rng.uniform(0.2, 0.6), 0, 1)
    dots = np.clip(diagonal * step * 0.42 - local + 1, 0, 1)  # 1-px antialiased edge
    alpha = Image.fromarray((dots * 255 * 0.35).astype(np.uint8), "L")
    image.paste(palette.accents[2], mask=alpha)
    return image


def _orbits(rng: np.random.Generator, palette: Palette, image: Image.Image) -> Image.Image:
    """Large outlined rings and a few filled discs, translucent, with softened edges."""
    w, h = image.size
    small = (w // 2, h // 2)
    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for i in range(int(rng.integers(3, 6))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.15, 0.55) * w
        colour = palette.accents[i % 3]
        if i % 2:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, int(rng.integers(50, 110))))
        else:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*colour, 170), width=int(rng.integers(6, 18)))
    # ImageDraw does not anti-alias; halving and restoring the layer is a cheap blur that softens the edges.
    overlay = overlay.resize(small, Image.Resampling.BOX).resize((w, h), Image.Resampling.BILINEAR)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _grain(rng: np.random.Generator, image: Image.Image, strength: float) -> Image.Image:
    """Monochrome film grain: one noise plane shared by the three channels."""
    pixels = np.asarray(image, dtype=np.int16)
    noise = rng.normal(0.0, strength, size=pixels.shape[:2]).astype(np.int16)
    return Image.fromarray(np.clip(pixels + noise[..., None], 0, 255).astype(np.uint8), "RGB")


class PosterArt:
    """Offline cover renderer (Pillow + numpy). Same inputs and seed give identical PNG bytes."""

    backend = "poster"

    def __init__(self, *, size: tuple[int, int] = POSTER_SIZE, warnings: list[str] | None = None,
                 note: str | None = None):
        self.size = size
        self.warnings: list[str] = list(warnings or [])
        self.note = note  # why "auto" chose the poster: information, not a warning

    def render(self, *, title: str, keywords: tuple[str, ...], mood: str, seed: int,
               progress: Progress | None = None) -> Image.Image:
        """The cover as an RGB image of ``self.size`` (width, height); progress counts 3 of 4 stages."""
        rng = _rng(seed, keywords, mood)
        palette = palette_for(mood, keywords=keywords)
        composition = COMPOSITIONS[int(rng.integers(len(COMPOSITIONS)))]
        report = progress or (lambda done, total: None)
        image = self._background(rng, palette, composition)
        report(1, _STAGES)
        image = _grain(rng, image, strength=7.0)
        report(2, _STAGES)
        # The title sits in the upper half, a little higher or lower per cover, clear of the chips.
        image = typeset_title(image, title, ink=palette.ink, paper=palette.paper, accent=palette.accents[0],
                              center_y=float(rng.uniform(0.3, 0.42)))
        image = typeset_chips(image, keywords, ink=palette.ink, paper=palette.paper)
        report(3, _STAGES)
        return image

    def _background(self, rng: np.random.Generator, palette: Palette, composition: str) -> Image.Image:
        """Gradient, blobs and the composition's pattern, without grain or text."""
        w, h = self.size
        fw, fh = max(2, w // _FIELD_SCALE), max(2, h // _FIELD_SCALE)
        ys, xs = np.mgrid[0:fh, 0:fw].astype(np.float32)
        xs /= fw - 1
        ys = ys / (fh - 1) * (h / w)  # keep circles round: y runs further than x on a portrait canvas
        canvas = _gradient(rng, palette, xs, ys / ys.max())
        canvas = _blobs(rng, palette, canvas, xs, ys, count=int(rng.integers(3, 6)))
        if composition == "aurora":
            canvas = _waves(rng, canvas, xs, ys / ys.max())
        elif composition == "sunburst":
            canvas = _sunburst(rng, canvas, xs, ys / ys.max())
        canvas = _vignette(canvas, xs, ys / ys.max())
        field = Image.fromarray((np.clip(canvas, 0, 1) * 255).astype(np.uint8), "RGB")
        image = field.resize((w, h), Image.Resampling.BICUBIC)
        if composition == "halftone":
            image = _halftone(rng, palette, image)
        elif composition == "orbits":
            image = _orbits(rng, palette, image)
        return image

    def __call__(self, *, title: str, keywords: list[str], mood: str, seed: int = 0, out_path,
                 progress: Progress | None = None) -> Cover:
        """Render the cover and write it as a PNG to ``out_path`` (atomically)."""
        request = check_request(title=title, keywords=keywords, mood=mood, seed=seed, out_path=out_path)
        image = self.render(title=request.title, keywords=request.keywords, mood=request.mood, seed=request.seed,
                            progress=progress)
        with utils.atomic_path(request.out_path) as tmp:
            # Level 1: the grain makes PNG compress poorly at any level, and higher levels cost 2-3x the time.
            image.save(tmp, format="PNG", compress_level=1)
        if progress:
            progress(_STAGES, _STAGES)
        return Cover(request.out_path, image.width, image.height, self.backend)
