"""The text layer of a cover: the title on a contrast panel, keywords as hashtag chips.

Both backends share it: the poster draws its own background, Stable Diffusion paints
one, and either way the title must stay legible on top.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
"""DejaVu Sans Bold (Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt)."""

RGB = tuple[int, int, int]
_ELLIPSIS = "…"


def _font(size: int, font_path: Path | None) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path or FONT_PATH), size)


def font_covers(text: str, *, font_path: Path | None = None) -> bool:
    """True when the font has a real glyph for every visible character of ``text``.

    A missing glyph renders as the font's "notdef" box, so each character's bitmap is
    compared with the bitmap of a private-use code point the font cannot have.
    """
    font = _font(32, font_path)
    missing = bytes(font.getmask("\U0010fffd"))
    return all(bytes(font.getmask(ch)) != missing for ch in set(text) if not ch.isspace())


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and font.getlength(current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return pieces + [current] if current else pieces


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a word wider than a line is broken by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if font.getlength(word) <= width:
            current = word
        else:
            *full, current = _split_long_word(word, font, width)
            lines.extend(full)
    if current:
        lines.append(current)
    return lines


def _fit(text: str, *, width: float, max_size: int, min_size: int, max_lines: int,
         font_path: Path | None) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size whose wrap fits ``max_lines``; at ``min_size`` the tail is cut with an ellipsis."""
    size = max_size
    while True:
        font = _font(size, font_path)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
        if size <= min_size:
            break
        size = max(min_size, int(size * 0.9))
    kept = lines[:max_lines]
    last = kept[-1]
    while last and font.getlength(last + _ELLIPSIS) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + _ELLIPSIS
    return font, kept


def typeset_title(image: Image.Image, title: str, *, ink: RGB = (12, 12, 20), paper: RGB = (255, 255, 255),
                  accent: RGB | None = None, center_y: float = 0.36, width_frac: float = 0.84,
                  max_size: int | None = None, min_size: int | None = None, max_lines: int = 6,
                  panel_opacity: float = 0.84, font_path: Path | None = None) -> Image.Image:
    """Set ``title`` large and bold, wrapped to the width, on a translucent ``ink`` panel.

    image: any size, RGB or RGBA. ``center_y`` is the panel centre as a fraction of the height,
    ``width_frac`` the text width as a fraction of the image width. Font sizes default to
    11 % and 4.5 % of the width (119 px and 49 px on a 1080-wide cover).
    Returns a new RGB image of the same size; the input is not changed.
    """
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title must be a non-empty string")
    base = image.convert("RGBA")
    w, h = base.size
    max_size = max_size or max(12, round(w * 0.11))
    min_size = min(min_size or max(8, round(w * 0.045)), max_size)
    font, lines = _fit(" ".join(title.split()), width=w * width_frac, max_size=max_size,
                       min_size=min_size, max_lines=max_lines, font_path=font_path)
    ascent, descent = font.getmetrics()
    line_h = ascent + descent
    gap = round(font.size * 0.14)
    block_h = len(lines) * line_h + (len(lines) - 1) * gap
    block_w = max(font.getlength(line) for line in lines)
    pad_x, pad_y = round(font.size * 0.6), round(font.size * 0.5)
    panel_w = min(round(w * 0.94), round(block_w + 2 * pad_x))  # keep a 3 % margin: the panel never touches the edge
    pad_x = max(0, round((panel_w - block_w) / 2))
    panel_h = min(h, block_h + 2 * pad_y)
    left = (w - panel_w) // 2
    top = min(max(0, round(h * center_y - panel_h / 2)), h - panel_h)
    radius = round(font.size * 0.35)

    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rounded_rectangle((left, top, left + panel_w - 1, top + panel_h - 1), radius=radius,
                           fill=(*ink, round(255 * panel_opacity)))
    if accent is not None:
        bar = max(4, round(font.size * 0.09))
        draw.rounded_rectangle((left + pad_x, top + panel_h - bar - round(pad_y * 0.35),
                                left + pad_x + round(panel_w * 0.22), top + panel_h - round(pad_y * 0.35)),
                               radius=bar // 2, fill=(*accent, 255))
    base = Image.alpha_composite(base, overlay)

    # A soft shadow under the letters keeps their edges crisp where the panel shows through.
    # Only the panel area is drawn and blurred: a full-frame blur would cost most of the budget.
    box = (left, top, left + panel_w, top + panel_h)
    text_mask = Image.new("L", (panel_w, panel_h), 0)
    text_draw = ImageDraw.Draw(text_mask)
    y = pad_y
    for line in lines:
        text_draw.text(((panel_w - font.getlength(line)) / 2, y), line, font=font, fill=255)
        y += line_h + gap
    shift = max(1, round(font.size * 0.04))
    shadow = Image.new("L", text_mask.size, 0)
    shadow.paste(text_mask.filter(ImageFilter.GaussianBlur(max(1, font.size * 0.05))), (shift, shift))
    region = base.crop(box)
    region.paste((*ink, 255), mask=shadow)
    region.paste((*paper, 255), mask=text_mask)
    base.paste(region, box[:2])
    return base.convert("RGB")


def hashtag(word: str) -> str:
    """``"Sunset Skate!"`` -> ``"#sunsetskate"``; empty when nothing alphanumeric is left."""
    letters = "".join(ch for ch in word.lower() if ch.isalnum())
    return f"#{letters}" if letters else ""


def typeset_chips(image: Image.Image, keywords: list[str] | tuple[str, ...], *, ink: RGB = (12, 12, 20),
                  paper: RGB = (255, 255, 255), bottom_y: float = 0.9, size: int | None = None,
                  max_rows: int = 2, max_chips: int = 6, font_path: Path | None = None) -> Image.Image:
    """Keywords as small rounded hashtag chips, centred in rows that end at ``bottom_y`` (fraction of height).

    Chips that do not fit ``max_rows`` rows are dropped. Returns a new RGB image of the same size.
    """
    tags = [t for t in dict.fromkeys(hashtag(k) for k in keywords) if t][:max_chips]
    base = image.convert("RGBA")
    if not tags:
        return base.convert("RGB")
    w, h = base.size
    font = _font(size or max(10, round(w * 0.04)), font_path)
    pad_x, pad_y = round(font.size * 0.6), round(font.size * 0.32)
    spacing = round(font.size * 0.4)
    ascent, descent = font.getmetrics()
    chip_h = ascent + descent + 2 * pad_y
    usable = w * 0.86
    rows: list[list[tuple[str, int]]] = [[]]
    row_w = 0.0
    for tag in tags:
        while len(tag) > 2 and font.getlength(tag) + 2 * pad_x > usable:  # one very long keyword
            tag = tag[:-2] + _ELLIPSIS
        chip_w = round(font.getlength(tag)) + 2 * pad_x
        needed = chip_w if not rows[-1] else row_w + spacing + chip_w
        if rows[-1] and needed > usable:
            if len(rows) == max_rows:
                break
            rows.append([])
            needed = chip_w
        rows[-1].append((tag, chip_w))
        row_w = needed
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    y = round(h * bottom_y) - len(rows) * chip_h - (len(rows) - 1) * spacing
    for row in rows:
        x = (w - (sum(cw for _, cw in row) + spacing * (len(row) - 1))) / 2
        for tag, chip_w in row:
            draw.rounded_rectangle((x, y, x + chip_w, y + chip_h), radius=chip_h // 2, fill=(*ink, 200))
            draw.text((x + pad_x, y + pad_y), tag, font=font, fill=(*paper, 255))
            x += chip_w + spacing
        y += chip_h + spacing
    return Image.alpha_composite(base, overlay).convert("RGB")
