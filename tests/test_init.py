"""init.py: the readiness table, --offline and --strict."""
import io

import init


def _run(*argv, **env):
    out = io.StringIO()
    environ = {"HF_HUB_OFFLINE": "1", **env}
    return init.main(list(argv), environ=environ, out=out), out.getvalue()


def test_offline_report_lists_every_stage():
    code, text = _run("--offline")
    assert code == 0
    for backend in ("sphinx", "rapidocr", "minilm", "composer", "poster", "whisper", "musicgen", "stable-diffusion"):
        assert backend in text
    embedded = [line for line in text.splitlines() if line.split()[1:2] in (["sphinx"], ["minilm"], ["composer"])]
    assert len(embedded) == 3 and all(" yes " in line for line in embedded)


def test_strict_fails_on_a_missing_configured_model(tmp_path):
    code, text = _run("--offline", "--strict", MUSICGEN_MODEL=str(tmp_path / "no-such-model"))
    assert code == 1
    assert "missing: music / musicgen" in text


def test_strict_passes_when_neural_models_are_present_or_not_used(tmp_path):
    model = tmp_path / "musicgen"
    model.mkdir()
    (model / "config.json").write_text("{}" * 600)
    code, text = _run("--offline", "--strict", MUSICGEN_MODEL=str(model),
                      TRENDTOK_TRANSCRIBER="sphinx", TRENDTOK_COVER="poster")
    assert code == 0, text
    musicgen = next(line for line in text.splitlines() if " musicgen " in line)
    assert " yes " in musicgen and "1.2 KB" in musicgen
