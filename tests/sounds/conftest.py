"""The real exports of ../shared/data/tiktok (skipped when absent), and a fresh lake per test."""
from __future__ import annotations

import pytest

from trend_lake import Lake


@pytest.fixture
def lake(tmp_path) -> Lake:
    return Lake(tmp_path / "lake")


@pytest.fixture(scope="session")
def exports(shared_data):
    return shared_data / "tiktok"
