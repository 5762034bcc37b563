"""The cover: the studio's cover stage makes it here, a 1080x1920 PNG for a trend idea with the
idea's title set legibly on it. (The package keeps the name ``animate_text`` the design card gives it;
in settings, results, labels and errors the stage and what it makes are both "cover".)

Two backends behind ``load_cover_generator``: ``"poster"`` (offline, Pillow + numpy, the default)
and ``"stable-diffusion"`` (diffusers, used when the weights are already on disk).
"""
from .cover import POSTER_SIZE, CoverError, Cover
from .factory import DEFAULT_SD_MODEL, load_cover_generator
from .typeset import FONT_PATH, typeset_title

__all__ = ["DEFAULT_SD_MODEL", "FONT_PATH", "POSTER_SIZE", "CoverError", "Cover", "load_cover_generator", "typeset_title"]
