"""The Stable Diffusion cover backend: paint a 9:16 background, fit it to the cover, typeset the title."""
from __future__ import annotations

import logging
import threading

import torch
from diffusers import StableDiffusionPipeline
from PIL import Image, ImageOps

import utils
from settings import SETTINGS, parse_size
from utils import Progress

from .cover import POSTER_SIZE, CoverError, Cover, check_request, check_size
from .palette import palette_for
from .prompt import build_prompt
from .typeset import typeset_chips, typeset_title

log = logging.getLogger(__name__)

SD15_SIZE = parse_size("SD_SIZE", SETTINGS["SD_SIZE"].default)
"""Generation size (width, height) for SD 1.5: 9:16-ish, both multiples of 64 as its UNet wants."""


class StableDiffusionCover:
    """Cover backend on a local Stable Diffusion checkpoint (never downloaded).

    model: a folder saved with ``save_pretrained`` or a Hub id already in the local HF cache.
    The pipeline is loaded once here and keeps its own safety-checker setting.
    """

    backend = "stable-diffusion"

    def __init__(self, model: str, *, device: str | None = None, steps: int = SETTINGS["SD_STEPS"].default,
                 size: tuple[int, int] = SD15_SIZE, warnings: list[str] | None = None):
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise CoverError("steps", f"steps must be a positive int, not {steps!r}")
        self.size = check_size(size)
        self.steps = steps
        self.model = str(model)
        self.device = utils.pick_device(device)
        self.warnings: list[str] = list(warnings or [])
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        pipe = StableDiffusionPipeline.from_pretrained(self.model, local_files_only=True, torch_dtype=dtype)
        pipe.enable_attention_slicing()
        pipe.set_progress_bar_config(disable=True)
        self.pipe = pipe.to(self.device)
        self._lock = threading.Lock()  # one pipeline, one denoising loop at a time

    def _generator(self, seed: int) -> torch.Generator:
        # MPS generators are not reproducible across runs; a CPU generator is what diffusers recommends there.
        device = "cpu" if self.device == "mps" else self.device
        return torch.Generator(device).manual_seed(seed % 2**63)

    def paint(self, *, title: str, keywords: tuple[str, ...], mood: str, seed: int,
              progress: Progress | None = None) -> Image.Image:
        """The raw background at ``self.size`` (width, height), before fitting and text.

        progress(done, steps) is called once per requested step up to ``steps - 1``; the caller reports the end.
        """
        prompt, negative = build_prompt(title=title, keywords=keywords, mood=mood)
        reported = 0

        def on_step_end(pipe, index, _timestep, tensors):
            # Some schedulers run more timesteps than requested steps (PNDM runs steps + 1):
            # report in units of requested steps so the bar always counts to ``steps``.
            nonlocal reported
            done = min(self.steps - 1, (index + 1) * self.steps // max(pipe.num_timesteps, 1))
            if progress:
                for step in range(reported + 1, done + 1):
                    progress(step, self.steps)
            reported = max(reported, done)
            return tensors

        width, height = self.size
        with self._lock, torch.inference_mode():
            result = self.pipe(prompt=prompt, negative_prompt=negative, width=width, height=height,
                               num_inference_steps=self.steps, generator=self._generator(seed),
                               callback_on_step_end=on_step_end, output_type="pil")
        flagged = getattr(result, "nsfw_content_detected", None)
        if flagged and any(flagged):
            log.warning("the safety checker blanked the cover background for %r", title)
        return result.images[0].convert("RGB")

    def __call__(self, *, title: str, keywords: list[str], mood: str, seed: int = 0, out_path,
                 progress: Progress | None = None) -> Cover:
        """Paint, fit to 1080x1920 (resize + centre crop), typeset title and hashtags, write the PNG atomically."""
        request = check_request(title=title, keywords=keywords, mood=mood, seed=seed, out_path=out_path)
        painted = self.paint(title=request.title, keywords=request.keywords, mood=request.mood,
                             seed=request.seed, progress=progress)
        image = ImageOps.fit(painted, POSTER_SIZE, method=Image.Resampling.LANCZOS)
        palette = palette_for(request.mood, keywords=request.keywords)
        image = typeset_title(image, request.title, ink=palette.ink, paper=palette.paper, accent=palette.accents[0])
        image = typeset_chips(image, request.keywords, ink=palette.ink, paper=palette.paper)
        with utils.atomic_path(request.out_path) as tmp:
            image.save(tmp, format="PNG", compress_level=1)
        if progress:
            progress(self.steps, self.steps)
        return Cover(request.out_path, image.width, image.height, self.backend)
