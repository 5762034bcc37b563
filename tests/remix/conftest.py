"""Runs to remix, made by a real studio on the session's models: one search and one clip of the creator's own."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import runs
from pipeline import Studio
from search_input import ClipRequest, SearchRequest
from tests.conftest import SHARED_DATA
from tiktok_videos import LIBRARY_DIR


@pytest.fixture(scope="session")
def studio(models, tmp_path_factory):
    """A studio whose runs folder holds only the remix tests' runs, on the session's models."""
    runs_dir = tmp_path_factory.mktemp("remix") / "runs"
    return Studio({**models.config, "TRENDTOK_RUNS_DIR": str(runs_dir)}, models=models)


@pytest.fixture(scope="session")
def search_run(studio) -> dict:
    return runs.publish(studio.search(SearchRequest(tags=("Foodie",), duration=10, seed=3)))


@pytest.fixture(scope="session")
def clip_path(tmp_path_factory) -> Path:
    """The real TikTok clip when ../shared is here (speech over music, app overlays), else a demo clip."""
    real = sorted((SHARED_DATA / "tiktok" / "videos").glob("*.mp4")) if SHARED_DATA.is_dir() else []
    source = real[0] if real else next(LIBRARY_DIR.glob("#Tech*/*.mp4"))
    path = tmp_path_factory.mktemp("upload") / "5f0c1a"  # stored as uploads are: a bare id, no extension
    shutil.copyfile(source, path)
    return path


@pytest.fixture(scope="session")
def clip_run(studio, clip_path) -> dict:
    return runs.publish(studio.clip(ClipRequest(path=clip_path, duration="match", seed=5, tags=(), name="5f0c1a",
                                                title="My clip")))
