"""Soundtracks for TrendTok Studio: a song description in, a loopable WAV out.

``load_music_generator(backend)`` picks the algorithmic composer (offline, always available) or
MusicGen (when its weights are on disk); the returned object is called once per soundtrack.
"""
from .factory import load_music_generator
from .soundtrack import DURATIONS, MusicGenError, Soundtrack

__all__ = ["load_music_generator", "Soundtrack", "MusicGenError", "DURATIONS"]
