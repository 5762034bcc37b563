"""The Stable Diffusion backend on diffusers' own tiny random-weight components (no hub access)."""
from __future__ import annotations

import json
import time
from importlib.util import find_spec

import pytest
from PIL import Image

from animate_text import POSTER_SIZE, load_cover_generator
from animate_text.debug import DEBUG_SIZE, save_debug_stable_diffusion

# Checked without importing them: torch and diffusers load in the tests, not at collection (seconds).
pytestmark = [pytest.mark.slow,  # torch, and a tiny Stable Diffusion built and run
              pytest.mark.skipif(not all(find_spec(name) for name in ("torch", "diffusers", "transformers")),
                                 reason="torch, diffusers and transformers are not installed")]

TINY_SIZE = DEBUG_SIZE
STEPS = 2


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """Tiny tensors gain nothing from threads, and on the shared, loaded test machine torch's
    spinning worker threads made each 2-step cover 10x slower (measured 14-20 s vs 1.7 s)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny_sd_folder(tmp_path_factory):
    """The package's debug pipeline (diffusers' dummy-components recipe), saved to a temp folder."""
    return save_debug_stable_diffusion(tmp_path_factory.mktemp("tiny-sd"))


@pytest.fixture(scope="module")
def sd_art(tiny_sd_folder):
    return load_cover_generator("stable-diffusion", model=str(tiny_sd_folder), device="cpu", steps=STEPS,
                              size=TINY_SIZE)


def _draw(art, tmp_path, name="cover.png", **overrides):
    request = dict(title="Neon Night Ride", keywords=["bike", "city", "night"], mood="energetic", seed=3)
    request.update(overrides)
    return art(out_path=tmp_path / name, **request)


def test_factory_loads_the_saved_pipeline_offline(sd_art, tiny_sd_folder):
    from animate_text.diffusion import StableDiffusionCover

    assert isinstance(sd_art, StableDiffusionCover)
    assert (sd_art.backend, sd_art.warnings) == ("stable-diffusion", [])
    assert sd_art.size == TINY_SIZE and sd_art.device == "cpu"
    assert sd_art.pipe.safety_checker is None  # the saved pipeline's own setting is kept
    auto = load_cover_generator("auto", model=str(tiny_sd_folder), device="cpu", steps=STEPS, size=TINY_SIZE)
    assert auto.backend == "stable-diffusion"


def test_cover_is_1080x1920_png_with_progress_per_step(sd_art, tmp_path):
    calls = []
    start = time.perf_counter()
    artwork = _draw(sd_art, tmp_path, progress=lambda done, total: calls.append((done, total)))
    print(f"tiny SD cover: {time.perf_counter() - start:.2f} s")
    assert calls == [(step, STEPS) for step in range(1, STEPS + 1)]
    assert (artwork.width, artwork.height, artwork.backend) == (*POSTER_SIZE, "stable-diffusion")
    with Image.open(artwork.path) as image:
        assert image.format == "PNG" and image.size == POSTER_SIZE and image.mode == "RGB"
    assert [p.name for p in tmp_path.iterdir()] == ["cover.png"]


def test_progress_counts_steps_with_a_scheduler_that_runs_exactly_steps(tiny_sd_folder, tmp_path):
    import diffusers

    from animate_text.diffusion import StableDiffusionCover

    art = StableDiffusionCover(str(tiny_sd_folder), device="cpu", steps=3, size=TINY_SIZE)
    art.pipe.scheduler = diffusers.DDIMScheduler.from_config(art.pipe.scheduler.config)
    calls = []
    _draw(art, tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_same_seed_same_bytes_other_seed_differs(sd_art, tmp_path):
    first = _draw(sd_art, tmp_path, "a.png").path.read_bytes()
    again = _draw(sd_art, tmp_path, "b.png").path.read_bytes()
    other = _draw(sd_art, tmp_path, "c.png", seed=4).path.read_bytes()
    assert first == again
    assert first != other


def test_painted_background_is_the_generation_size(sd_art):
    image = sd_art.paint(title="Neon Night Ride", keywords=("bike",), mood="energetic", seed=0)
    assert image.size == TINY_SIZE and image.mode == "RGB"


def test_title_overlay_is_legible_on_the_noise(sd_art, tmp_path, ocr, missing_words):
    title = "Neon Night Ride Challenge"
    with Image.open(_draw(sd_art, tmp_path, title=title).path) as image:
        lines = ocr(image)
    assert missing_words(title, lines) == [], lines


def test_empty_title_is_rejected_before_any_denoising(sd_art, tmp_path):
    from animate_text import CoverError

    calls = []
    with pytest.raises(CoverError, match="title"):
        _draw(sd_art, tmp_path, title="", progress=lambda done, total: calls.append(done))
    assert calls == [] and not any(tmp_path.iterdir())


def test_incomplete_checkpoint_falls_back_to_the_poster_with_a_warning(tmp_path):
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}), "utf-8")
    art = load_cover_generator("stable-diffusion", model=str(tmp_path), device="cpu")
    assert art.backend == "poster"
    assert len(art.warnings) == 1 and "could not load" in art.warnings[0] and str(tmp_path) in art.warnings[0]
