"""The whole studio on its neural backends: tiny random-weight Whisper, MusicGen and Stable
Diffusion saved to disk, and a loopback chat-completions server for Llama, reached through
the same POST /search and CLI a creator uses. The weights are random, so this checks what
each backend is asked and what the result records, never the quality of the words, music or art.
"""
from __future__ import annotations

import io
import json
from importlib.util import find_spec

import pytest
from PIL import Image

from animate_text.debug import DEBUG_SIZE, save_debug_stable_diffusion
from music_gen.debug import DEBUG_SAMPLE_RATE, save_debug_musicgen
from tiktok_to_text.debug import save_debug_whisper

# Checked without importing them: torch and diffusers load in the test, not at collection (seconds).
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (find_spec("torch") and find_spec("diffusers")),
                                                 reason="torch and diffusers are not installed")]

ANSWER = {
    "summary": "Three quick pasta recipes, each made in one pan in under ten minutes.",
    "keywords": ["pasta", "one pan", "quick dinner", "garlic"],
    "idea": {"title": "One-Pan Pasta Race", "concept": "Cook the same pasta three ways against a timer.",
             "twist_title": "Blindfolded round", "twist_concept": "The last pan is cooked by touch and smell."},
    "mood": "energetic",
    "song_description": "An energetic pop track at 124 BPM in a major key with piano, bass and drums.",
}


@pytest.fixture()
def neural_app(tmp_path_factory, chat_server):
    import torch

    from app import create_app

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: threads only spin against the rest of the machine
    models = tmp_path_factory.mktemp("models")
    work = tmp_path_factory.mktemp("neural-studio")
    chat_server.answer = ANSWER
    flask_app = create_app({
        "TESTING": True,
        "TRENDTOK_RUNS_DIR": str(work / "runs"),
        "TRENDTOK_CACHE_DIR": str(work / "cache"),
        "TRENDTOK_DB": str(work / "studio.sqlite3"),
        "TRENDTOK_SECRET_KEY": "test-only-secret",
        "TRENDTOK_POOL": "thread",
        "WHISPER_MODEL": str(save_debug_whisper(models / "whisper")),
        "MUSICGEN_MODEL": str(save_debug_musicgen(models / "musicgen")),
        "SD_MODEL": str(save_debug_stable_diffusion(models / "sd")),
        "SD_STEPS": 2,
        "SD_SIZE": "{}x{}".format(*DEBUG_SIZE),  # the tiny VAE scales by 2, not 8: 512x896 would need 50 GB
        "OPENAI_BASE_URL": chat_server.base_url,
        "OPENAI_API_KEY": "sk-never-shown",
        "OPENAI_MODEL": "llama3.1:8b",
        # Every backend setting stays "auto": the weights on disk and the server decide.
    })
    yield flask_app
    flask_app.extensions["studio"].close()
    torch.set_num_threads(threads)


def test_search_and_cli_run_every_neural_backend(neural_app, chat_server):
    client = neural_app.test_client()
    response = client.post("/search", json={"tags": ["Foodie"], "duration": 5, "seed": 11},
                           headers={"Accept": "application/x-ndjson"})
    events = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    result = events[-1]["result"]

    assert result["backends"] == {"videos": "library", "text": "whisper", "summary": "openai",
                                  "music": "musicgen", "cover": "stable-diffusion"}
    assert result["warnings"] == [], result["warnings"]
    # Llama's answer is the result, and the server was asked with the configured model and key.
    assert (result["summary"], result["keywords"], result["idea"]) == (
        ANSWER["summary"], ANSWER["keywords"], ANSWER["idea"])
    assert result["song_description"] == ANSWER["song_description"]
    sent = chat_server.requests[-1]
    assert sent["json"]["model"] == "llama3.1:8b" and sent["auth"] == "Bearer sk-never-shown"
    assert "sk-never-shown" not in json.dumps(result)
    assert all(isinstance(video["transcript"], str) for video in result["videos"]) and result["videos"]

    # MusicGen reports each decoding step; SD each of its 2 denoising steps.
    music_steps = [e for e in events if e.get("stage") == "music" and e["event"] == "progress"]
    image_steps = {(e["done"], e["total"]) for e in events if e.get("stage") == "cover" and e["event"] == "progress"}
    assert len(music_steps) > 50 and {(1, 2), (2, 2)} <= image_steps
    assert result["music"]["midi_url"] is None and result["music"]["duration_s"] == 5

    wav = client.get(result["music_url"]).data
    assert wav[:4] == b"RIFF"
    assert int.from_bytes(wav[24:28], "little") == DEBUG_SAMPLE_RATE
    png = client.get(result["cover_url"]).data
    page = client.get(f"/runs/{result['run_id']}").get_data(as_text=True)
    assert result["music_url"] in page and "Download MIDI" not in page  # MusicGen writes no MIDI
    assert Image.open(io.BytesIO(png)).size == (1080, 1920)

    cli = neural_app.test_cli_runner().invoke(args=["search", "Foodie", "--duration", "5", "--seed", "11"])
    assert cli.exit_code == 0, cli.output
    again = json.loads(cli.stdout)
    assert again["backends"] == result["backends"] and again["summary"] == result["summary"]
    # The same seed gives the same soundtrack through either door.
    assert client.get(again["music_url"]).data == wav
