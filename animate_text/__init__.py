"""Cover art for a trend idea: a 1080x1920 PNG with the idea's title set legibly on it.

Two backends behind ``load_art_generator``: ``"poster"`` (offline, Pillow + numpy, the default)
and ``"stable-diffusion"`` (diffusers, used when the weights are already on disk).
"""
from .artwork import POSTER_SIZE, ImageError, Artwork
from .factory import DEFAULT_SD_MODEL, load_art_generator
from .typeset import typeset_title

__all__ = ["DEFAULT_SD_MODEL", "POSTER_SIZE", "ImageError", "Artwork", "load_art_generator", "typeset_title"]
