"""Soundtracks for TrendTok Studio: a song description in, a loopable WAV out.

``load_music_generator(backend)`` picks the algorithmic composer (offline, always available) or
MusicGen (when its weights are on disk); the returned object is called once per soundtrack.
"""
from .factory import load_music_generator
from .musicgen import DEFAULT_MODEL as DEFAULT_MUSICGEN_MODEL
from .length import match_length
from .soundtrack import DURATIONS, MusicError, Soundtrack

__all__ = ["DEFAULT_MUSICGEN_MODEL", "load_music_generator", "match_length", "Soundtrack", "MusicError", "DURATIONS"]
