"""Settings: environment overrides, typed conversion, and errors that name the setting; the app, its
commands, init.py and the Celery worker refuse to start on a bad one."""
import re
from pathlib import Path

import pytest

from settings import DEFAULTS, SettingsError, check, load_settings, parse_size

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_without_environment():
    assert load_settings({}) == DEFAULTS


def test_environment_overrides_are_converted_to_the_default_type():
    config = load_settings({"TRENDTOK_WORKERS": "4", "TRENDTOK_OCR": "off", "SD_MODEL": "/models/sd", "OTHER": "x"})
    assert config["TRENDTOK_WORKERS"] == 4 and config["TRENDTOK_OCR"] is False
    assert config["SD_MODEL"] == "/models/sd" and "OTHER" not in config


def test_a_bad_number_names_the_setting():
    with pytest.raises(SettingsError, match="SD_STEPS must be a whole number, not 'many'"):
        load_settings({"SD_STEPS": "many"})


def test_a_bad_size_is_refused_when_settings_load():
    assert load_settings({"SD_SIZE": "768x1344"})["SD_SIZE"] == "768x1344"
    with pytest.raises(SettingsError, match="SD_SIZE must be WIDTHxHEIGHT"):
        load_settings({"SD_SIZE": "big"})


@pytest.mark.parametrize("raw, size", [("512x896", (512, 896)), (" 768X1344 ", (768, 1344))])
def test_sizes_are_width_by_height(raw, size):
    assert parse_size("SD_SIZE", raw) == size


@pytest.mark.parametrize("raw", ["512", "512x", "x896", "512*896", "-512x896", "512.0x896", ""])
def test_a_bad_size_names_the_setting(raw):
    with pytest.raises(SettingsError, match="SD_SIZE must be WIDTHxHEIGHT"):
        parse_size("SD_SIZE", raw)


def test_a_decimal_setting_is_read_as_a_number_or_refused_by_name():
    assert load_settings({"TRENDTOK_SOUNDS_MUSIC_DB": "9.5"})["TRENDTOK_SOUNDS_MUSIC_DB"] == 9.5
    with pytest.raises(SettingsError, match="TRENDTOK_SOUNDS_MUSIC_DB must be a number, not 'loud'"):
        load_settings({"TRENDTOK_SOUNDS_MUSIC_DB": "loud"})
    for bad in ("nan", "inf", "-3", "100"):
        with pytest.raises(SettingsError, match="TRENDTOK_SOUNDS_MUSIC_DB must be a number from 0 to 60"):
            load_settings({"TRENDTOK_SOUNDS_MUSIC_DB": bad})


# --- The declaration -------------------------------------------------------------------------------

def test_each_setting_is_declared_once_with_a_default_of_its_type():
    from settings import SETTINGS

    for name, setting in SETTINGS.items():
        assert setting.name == name and setting.help, name
        assert setting.default is None or type(setting.default) is setting.type, name
        if setting.choices is not None:
            assert setting.default is None or setting.default in setting.choices, name
    assert DEFAULTS == {name: s.default for name, s in SETTINGS.items()}


def test_the_backend_settings_declare_their_choices():
    from settings import SETTINGS

    assert SETTINGS["TRENDTOK_SUMMARISER"].choices == ("auto", "minilm", "llamaapi", "openai", "llamacpp")
    assert SETTINGS["TRENDTOK_COVER"].choices == ("auto", "poster", "stable-diffusion")
    for name in ("TRENDTOK_TRANSCRIBER", "TRENDTOK_MUSIC", "TRENDTOK_SOURCE", "TRENDTOK_POOL"):
        assert SETTINGS[name].choices, name


def test_importing_settings_pulls_nothing_heavy():
    import subprocess
    import sys

    probe = ("import sys, settings; heavy = ('numpy', 'scipy', 'torch', 'flask', 'pyarrow', 'duckdb', 'PIL');"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- Validation: one check for the environment and for typed configs ---------------------------------

def test_a_bad_choice_names_the_setting_and_the_allowed_values():
    with pytest.raises(SettingsError) as refused:
        load_settings({"TRENDTOK_SUMMARISER": "bogus"})
    assert str(refused.value) == ("TRENDTOK_SUMMARISER must be one of auto, minilm, llamaapi, openai, llamacpp, "
                                  "not 'bogus'")
    assert refused.value.field == "TRENDTOK_SUMMARISER"
    assert load_settings({"TRENDTOK_DEVICE": "CUDA"})["TRENDTOK_DEVICE"] == "cuda"


def test_the_old_cover_setting_is_refused_naming_the_new_one():
    for values in ({"TRENDTOK_IMAGE": "poster"}, {"TRENDTOK_IMAGE": ""}):
        with pytest.raises(SettingsError, match="TRENDTOK_IMAGE is now called TRENDTOK_COVER") as refused:
            load_settings(values)
        assert refused.value.field == "TRENDTOK_IMAGE"
    with pytest.raises(SettingsError, match="TRENDTOK_COVER"):
        check({"TRENDTOK_IMAGE": "poster"})
    assert load_settings({"TRENDTOK_COVER": "poster"})["TRENDTOK_COVER"] == "poster"


@pytest.mark.parametrize("name, raw, message", [
    ("TRENDTOK_OCR", "maybe", "TRENDTOK_OCR must be 1 or 0 (or true/false, yes/no, on/off), not 'maybe'"),
    ("TRENDTOK_WORKERS", "0", "TRENDTOK_WORKERS must be a whole number of at least 1, not '0'"),
    ("TRENDTOK_PROXY_HOPS", "-1", "TRENDTOK_PROXY_HOPS must be a whole number of at least 0, not '-1'"),
    ("TRENDTOK_POOL", "fork", "TRENDTOK_POOL must be one of process, thread, not 'fork'"),
])
def test_a_bad_value_is_refused_by_name(name, raw, message):
    with pytest.raises(SettingsError) as refused:
        load_settings({name: raw})
    assert str(refused.value) == message


def test_empty_means_the_default():
    loaded = load_settings({"TRENDTOK_SUMMARISER": " ", "TRENDTOK_WORKERS": "", "TRENDTOK_LIBRARY": ""})
    assert loaded["TRENDTOK_SUMMARISER"] == "auto" and loaded["TRENDTOK_WORKERS"] == 2
    assert loaded["TRENDTOK_LIBRARY"] is None


def test_a_typed_config_is_checked_and_typed_as_the_environment_is():
    checked = check({"TRENDTOK_WORKERS": "4", "TRENDTOK_SOUNDS_MUSIC_DB": 9, "TRENDTOK_REQUIRE_KEY": True,
                     "TRENDTOK_SECRET_KEY": "", "TRENDTOK_BROKER_URL": None, "TESTING": True})
    assert checked == {"TRENDTOK_WORKERS": 4, "TRENDTOK_SOUNDS_MUSIC_DB": 9.0, "TRENDTOK_REQUIRE_KEY": True,
                       "TRENDTOK_SECRET_KEY": None, "TRENDTOK_BROKER_URL": None, "TESTING": True}
    assert type(checked["TRENDTOK_SOUNDS_MUSIC_DB"]) is float
    for bad, message in [({"TRENDTOK_WORKERS": 2.5}, "TRENDTOK_WORKERS must be a whole number, not '2.5'"),
                         ({"TRENDTOK_WORKERS": True}, "TRENDTOK_WORKERS must be a whole number, not 'True'"),
                         ({"TRENDTOK_MUSIC": "theremin"}, "TRENDTOK_MUSIC must be one of auto, composer, musicgen"),
                         ({"TRENDTOK_SOUNDS_MUSIC_DB": 61}, "TRENDTOK_SOUNDS_MUSIC_DB must be a number from 0 to 60")]:
        with pytest.raises(SettingsError, match=re.escape(message)):
            check(bad)


# --- Every way of starting the studio refuses a bad setting ------------------------------------------

def _small_config(work):
    return {"TESTING": True, "TRENDTOK_RUNS_DIR": str(work / "runs"), "TRENDTOK_CACHE_DIR": str(work / "cache"),
            "TRENDTOK_DB": str(work / "studio.sqlite3"), "TRENDTOK_LAKE": str(work / "lake")}


def test_create_app_refuses_a_bad_environment_before_opening_anything(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("TRENDTOK_SUMMARISER", "bogus")
    with pytest.raises(SettingsError, match="TRENDTOK_SUMMARISER must be one of auto, minilm"):
        create_app({**_small_config(tmp_path), "TRENDTOK_SUMMARISER": "minilm"})
    assert list(tmp_path.iterdir()) == []


def test_create_app_refuses_a_bad_test_config(tmp_path):
    from app import create_app

    with pytest.raises(SettingsError, match="TRENDTOK_MUSIC must be one of auto, composer, musicgen, not 'theremin'"):
        create_app({**_small_config(tmp_path), "TRENDTOK_MUSIC": "theremin"})
    with pytest.raises(SettingsError, match="TRENDTOK_IMAGE is now called TRENDTOK_COVER"):
        create_app({**_small_config(tmp_path), "TRENDTOK_IMAGE": "poster"})
    assert list(tmp_path.iterdir()) == []


def _start(tmp_path, argv, **env):
    import os
    import subprocess

    environ = {**os.environ, "HF_HUB_OFFLINE": "1", "TRENDTOK_DB": str(tmp_path / "studio.sqlite3"),
               "TRENDTOK_RUNS_DIR": str(tmp_path / "runs"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"), **env}
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=environ, timeout=120)


def test_a_flask_command_refuses_a_bad_setting_in_one_line(tmp_path):
    import sys

    done = _start(tmp_path, [sys.executable, "-m", "flask", "--app", "app", "api-key", "list"],
                  TRENDTOK_SUMMARISER="bogus")
    assert done.returncode == 1
    assert ("TRENDTOK_SUMMARISER must be one of auto, minilm, llamaapi, openai, llamacpp, not 'bogus'"
            in done.stderr)
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()


def test_init_refuses_a_bad_setting(tmp_path):
    import sys

    done = _start(tmp_path, [sys.executable, "init.py", "--offline"], TRENDTOK_IMAGE="poster")
    assert done.returncode == 2
    assert "TRENDTOK_IMAGE is now called TRENDTOK_COVER" in done.stderr and "Traceback" not in done.stderr


def test_a_celery_worker_refuses_a_bad_setting(tmp_path):
    import sys

    pytest.importorskip("celery")
    done = _start(tmp_path, [sys.executable, "-c", "import make_celery"], TRENDTOK_WORKERS="many",
                  TRENDTOK_BROKER_URL="redis://127.0.0.1:1/0")
    assert done.returncode == 1
    assert "make_celery: the studio cannot start: TRENDTOK_WORKERS must be a whole number, not 'many'" in done.stderr
