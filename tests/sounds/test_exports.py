"""The package's public face: every name in ``__all__`` resolves (each part loaded when first
named), and the errors share one root that names the field."""
from __future__ import annotations

import pytest

import sounds
from errors import StudioError


def test_every_export_resolves():
    for name in sounds.__all__:
        assert getattr(sounds, name) is not None, name
    assert set(sounds.__all__) <= set(dir(sounds))
    with pytest.raises(AttributeError):
        sounds.no_such_thing  # noqa: B018


def test_one_error_hierarchy_naming_the_field():
    assert issubclass(sounds.AudioError, sounds.SoundsError) and issubclass(sounds.CatalogError, sounds.SoundsError)
    assert issubclass(sounds.SoundsError, StudioError) and issubclass(sounds.SoundsError, ValueError)
    error = sounds.AudioError("song", "is silent")
    assert str(error) == "song: is silent" and error.field == "song"
