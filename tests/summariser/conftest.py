"""The real MiniLM summariser, loaded once for the whole test session (~15 s on CPU)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def minilm():
    from summariser.minilm import MiniLMSummariser

    return MiniLMSummariser(device="cpu")
