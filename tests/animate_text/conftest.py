"""OCR for the legibility tests: one real RapidOCR engine per session (it takes seconds to load)."""
from __future__ import annotations

import re
from typing import Callable

import numpy as np
import pytest
from PIL import Image

THUMBNAIL = (540, 960)  # covers are read at half size: a title must survive a phone-feed thumbnail


def _fold(text: str) -> str:
    """Lower-case letters and digits only, with the glyph pairs OCR confuses in a sans face (I/l, O/0) merged."""
    text = re.sub(r"[\W_]+", "", text.lower())
    return text.replace("l", "i").replace("0", "o")


@pytest.fixture(scope="session")
def ocr() -> Callable[[Image.Image], list[str]]:
    rapidocr = pytest.importorskip("rapidocr_onnxruntime")
    engine = rapidocr.RapidOCR()

    def read(image: Image.Image) -> list[str]:
        pixels = np.asarray(image.convert("RGB").resize(THUMBNAIL, Image.Resampling.LANCZOS))
        result, _ = engine(pixels, use_cls=False)
        return [text for _box, text, _score in (result or [])]

    return read


def _missing_words(title: str, lines: list[str]) -> list[str]:
    found = _fold("".join(lines))
    return [word for word in title.split() if _fold(word) and _fold(word) not in found]


@pytest.fixture(scope="session")
def missing_words() -> Callable[[str, list[str]], list[str]]:
    """``missing_words(title, ocr_lines)``: title words not in the OCR text (spaces ignored: OCR may join or split words)."""
    return _missing_words
