"""Settings: environment overrides, typed conversion, and errors that name the setting."""
import pytest

from settings import DEFAULTS, SettingsError, load_settings, parse_size


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
