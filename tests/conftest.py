"""Fixtures shared by every test package: the real shared data, and the Flask app."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (a fresh clone): shared-data test skipped")
    return SHARED_DATA


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One studio for the whole session, on the embedded defaults (models load once)."""
    from app import create_app

    work = tmp_path_factory.mktemp("studio")
    flask_app = create_app({
        "TESTING": True,
        "TRENDTOK_RUNS_DIR": str(work / "runs"),
        "TRENDTOK_CACHE_DIR": str(work / "cache"),
        "TRENDTOK_TRANSCRIBER": "sphinx",
        "TRENDTOK_SUMMARISER": "minilm",
        "TRENDTOK_MUSIC": "composer",
        "TRENDTOK_IMAGE": "poster",
    })
    yield flask_app
    flask_app.extensions["studio"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
