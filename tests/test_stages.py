"""stages: one StageSpec per stage. A toy stage, registered here and nowhere else, shows in the
pipeline's events and result JSON, init.py's readiness table, the OpenAPI document and the pages."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import stages

ROOT = Path(__file__).resolve().parents[1]


def _count_tags(run) -> int:
    run.report("toy", 1, 2)
    run.backends["toy"] = "abacus"
    return len(run.tags)


def _abacus_weights(settings) -> stages.Weights:
    return stages.Weights("wooden beads", "embedded", lambda: ROOT / "stages.py")


def _toy_json(count, url, *, seed: int) -> dict:
    return {"tags": count, "seed": seed}


TOY = stages.StageSpec(
    "toy", "Toy: counting the tags", 0.05, _count_tags, backends=(stages.Backend("abacus", _abacus_weights),),
    part="toy", to_json=_toy_json,
    schema={"type": ["object", "null"], "properties": {"tags": {"type": "integer"}, "seed": {"type": "integer"}}})


@pytest.fixture
def toy():
    stages.register(TOY)
    try:
        yield TOY
    finally:
        stages.unregister("toy")


def test_the_built_in_stages_in_running_order():
    assert stages.names() == ("videos", "text", "summary", "music", "cover")
    assert stages.labels()["cover"] == "Cover: rendering the cover"
    assert all(label.startswith(f"{name.capitalize()}: ") for name, label in stages.labels().items())
    assert sum(spec.share for spec in stages.specs()) == pytest.approx(1.0)
    assert stages.remixable() == ("music", "cover")
    assert stages.overall_fraction("videos", 0, 1) == 0.0 and stages.overall_fraction("cover", 1, 1) == 1.0
    assert stages.overall_fraction("text", 1, 2) == pytest.approx(0.10 + 0.45 / 2)
    with pytest.raises(KeyError):
        stages.overall_fraction("image", 1, 1)


def test_each_stage_names_its_setting_and_choices_from_settings():
    import settings

    for spec in stages.specs():
        assert spec.setting in settings.SETTINGS, spec.name
        choices = spec.choices
        assert choices == tuple(settings.SETTINGS[spec.setting].choices), spec.name
        # Every backend the stage can be set to is one of its backends.
        assert set(choices) - {"auto"} <= {b.name for b in spec.backends}, spec.name
    assert stages.get("cover").setting == "TRENDTOK_COVER"


def test_a_name_is_registered_once_and_before_puts_it_in_place():
    with pytest.raises(ValueError, match="registered already"):
        stages.register(stages.StageSpec("cover", "Cover: again", 0.1, _count_tags))
    stages.register(TOY, before="music")
    try:
        assert stages.names() == ("videos", "text", "summary", "toy", "music", "cover")
        # The shares are weighed by their sum, so the bar still ends at 1.
        assert stages.overall_fraction("cover", 1, 1) == 1.0
    finally:
        stages.unregister("toy")
    assert "toy" not in stages.names()


def test_importing_stages_loads_no_stage_package():
    code = ("import sys, stages; heavy = {'torch', 'numpy', 'scipy', 'PIL', 'pipeline', 'pipeline_stages',"
            " 'tiktok_to_text', 'summariser', 'music_gen', 'animate_text', 'tiktok_videos'};"
            " print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_registered_stage_runs_in_the_pipeline_and_shows_everywhere(app, toy):
    import init
    import runs
    from search_input import SearchRequest

    # The pipeline: its events, its record and its part of the result JSON.
    studio = app.extensions["studio"]
    events = []
    result = studio.search(SearchRequest(tags=("Zzyzxnotatag", "Nothing"), duration=5, seed=1),
                           progress=lambda stage, done, total: events.append((stage, done, total)))
    assert list(dict.fromkeys(stage for stage, _, _ in events)) == list(stages.names())
    assert ("toy", 1, 2) in events and result.outputs["toy"] == 2
    assert result.backends["toy"] == "abacus" and "toy" in result.timings
    document = runs.publish(result)
    assert document["toy"] == {"tags": 2, "seed": 1} and document["toy_url"] is None
    assert document["cover"]["backend"] == "poster"

    # init.py's readiness table.
    out = io.StringIO()
    assert init.main(["--offline"], environ={"HF_HUB_OFFLINE": "1"}, out=out) == 0
    row = next(line for line in out.getvalue().splitlines() if line.split()[:2] == ["toy", "abacus"])
    assert "wooden beads" in row and " yes " in row

    # The OpenAPI document.
    client = app.test_client()
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert schemas["Stage"]["enum"] == list(stages.names()) and "Toy: counting the tags" in schemas["Stage"]["description"]
    assert schemas["RunResult"]["properties"]["toy"] == TOY.schema

    # The pages' labels: the run page's remix bar and the search form's stage list.
    page = client.get(f"/runs/{result.run_id}").get_data(as_text=True)
    labels = json.loads(re.search(r'<script type="application/json" id="stage-labels">(.*?)</script>', page, re.S)[1])
    assert labels["toy"] == "Toy: counting the tags" and labels["cover"] == "Cover: rendering the cover"
    assert "toy abacus" in page  # the footer's "Made by"
    index = client.get("/").get_data(as_text=True)
    assert re.findall(r'<li data-stage="(\w+)"', index) == list(stages.names())


def test_the_run_page_offers_a_remake_of_each_stage_a_remix_can_redo(app):
    import runs
    from search_input import SearchRequest

    result = runs.publish(app.extensions["studio"].search(SearchRequest(tags=("Zzyzxnotatag",), duration=5, seed=2)))
    page = app.test_client().get(f"/runs/{result['run_id']}").get_data(as_text=True)
    assert re.findall(r'data-part="(\w+)">Regenerate (\w+)<', page) == [("music", "soundtrack"), ("cover", "cover")]


def test_a_run_written_with_the_old_image_names_reads_with_the_cover_names(tmp_path):
    import runs
    import utils

    run_id = utils.new_run_id()
    old = {"run_id": run_id, "image": {"url": f"/runs/{run_id}/cover.png", "backend": "poster"},
           "image_url": f"/runs/{run_id}/cover.png", "backends": {"music": "composer", "image": "poster"},
           "timings": {"image": 0.2, "total": 0.2}, "notes": {"image": "no weights"},
           "warnings": ["image: the font is missing", "music: fine"]}
    runs.save(tmp_path, old)
    document = runs.load(tmp_path, run_id)
    assert document["cover"] == old["image"] and document["cover_url"] == old["image_url"]
    assert "image" not in document and "image_url" not in document
    assert document["backends"] == {"music": "composer", "cover": "poster"} and document["timings"]["cover"] == 0.2
    assert document["notes"] == {"cover": "no weights"}
    assert document["warnings"] == ["cover: the font is missing", "music: fine"]
