"""subtitles.burn: the ASS script's word states, and what libass really draws from it (real ffmpeg)
on the worst backgrounds for contrast: where the text box lies, the highlight, the contrast."""
from __future__ import annotations

import re

import numpy as np
import pytest

import ffmpeg_io
from errors import StudioError
from subtitles import SAFE_AREA, STYLES, burn_filter, burned_cues, make_cues, to_ass
from subtitles.burn import LINE_CHARS, MIN_CONTRAST, contrast_ratio, highlight_rgb
from tests.subtitles.caption_frames import box, caption_mask, colour_pixels, letter_contrast
from tiktok_to_text import Word

W, H = 720, 1280


def spoken(text: str, *, start: float = 0.5, step: float = 0.4, length: float = 0.3) -> list[Word]:
    return [Word(" " + token, start + i * step, start + i * step + length) for i, token in enumerate(text.split())]


def _events(script: str) -> list[tuple[int, str, str, str]]:
    found = re.findall(r"^Dialogue: (\d),([\d:.]+),([\d:.]+),Caption,,0,0,0,,(.*)$", script, re.MULTILINE)
    return [(int(layer), start, end, text) for layer, start, end, text in found]


def _seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_three_named_styles_the_first_the_default():
    assert len(STYLES) == len(set(STYLES)) == 3 and STYLES[0] == "bold"
    assert len({highlight_rgb(style) for style in STYLES}) >= 2
    with pytest.raises(StudioError, match="^caption_style: must be one of bold, boxed, karaoke"):
        to_ass([], width=W, height=H, style="comic-sans")


def test_one_event_per_word_state_the_spoken_word_highlighted():
    words = spoken("we tried the viral pasta")
    cues = make_cues(words)
    script = to_ass(cues, width=W, height=H, style="bold")
    events = _events(script)
    yellow = "&H00E6FF&"  # FFE600 as ASS writes it: blue, green, red
    # Each word lights up while it is said and no other with it; in the pauses none does.
    lit = [(e[1], e[2], re.findall(r"\{\\1c" + yellow + r"\}(.*?)\{", e[3])) for e in events]
    assert [(_seconds(a), _seconds(b), w) for a, b, w in lit if w] == [
        (round(w.start_s, 2), round(w.end_s, 2), [w.text.strip()]) for w in words]
    assert all(len(w) <= 1 for _, _, w in lit)
    # Back to back, never overlapping: libass would stack overlapping events one above the other.
    times = [(_seconds(a), _seconds(b)) for _, a, b, _ in events]
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(times, times[1:])) and all(a < b for a, b in times)
    assert f"PlayResX: {W}" in script and f"PlayResY: {H}" in script


def test_karaoke_greys_the_words_still_to_come():
    words = spoken("one two three")
    events = _events(to_ass(make_cues(words), width=W, height=H, style="karaoke"))
    during_two = next(text for _, a, b, text in events if _seconds(a) <= 1.05 < _seconds(b))
    assert re.search(r"one \{\\1c&H4DFF4D&\}two\{\\1c&HFFFFFF&\} \{\\1c&HC8C8C8&\}three", during_two)


def test_braces_and_backslashes_in_words_stay_text():
    events = _events(to_ass(make_cues(spoken(r"a {\b1} b\N")), width=W, height=H))
    assert all("\\b1" not in text and "{\\b" not in text and "b\\N" not in text for *_, text in events)


def test_burned_lines_are_short_enough_to_read_on_a_phone():
    cues = burned_cues(spoken("honestly this is the best pasta I have made all year and you should try it"))
    assert all(len(" ".join(w.text.strip() for w in line)) <= LINE_CHARS for cue in cues for line in cue.lines)


def test_a_folder_named_with_the_filter_syntaxs_own_characters_still_draws(tmp_path):
    assert burn_filter(tmp_path / "captions.ass").startswith(f"ass=filename={tmp_path.resolve()}/captions.ass:fontsdir=")
    script = to_ass(burned_cues(spoken("HONESTLY the best pasta")), width=W, height=H)
    odd = tmp_path / "it's a:b,c;[d]=e\\f"
    odd.mkdir()
    plain = _draw(tmp_path, "color=c=0x336699", None, 0.5)
    drawn = _draw(tmp_path, "color=c=0x336699", script, 0.5)
    assert caption_mask(drawn, plain).sum() > 100  # the script drew something
    assert np.array_equal(_draw(odd, "color=c=0x336699", script, 0.5), drawn)


def test_contrast_ratio_is_wcags():
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def _draw(tmp_path, background: str, script: str | None, at_s: float) -> np.ndarray:
    """One RGB frame of a ``background`` lavfi source at ``at_s``, the script drawn on it by libass."""
    vf = "format=rgb24"
    if script is not None:
        (tmp_path / "c.ass").write_text(script, encoding="utf-8")
        vf += "," + burn_filter(tmp_path / "c.ass")
    done = ffmpeg_io.run(["-f", "lavfi", "-i", f"{background}{':' if '=' in background else '='}s={W}x{H}:r=10:d=5", "-ss", f"{at_s}", "-vf", vf,
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    assert done.returncode == 0, ffmpeg_io.last_line(done.stderr)
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(H, W, 3)


# The worst pictures for light letters: near white, and a busy one (every colour, hard edges).
BACKGROUNDS = ["color=c=0xF2F2F2", "testsrc2"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_libass_draws_it_inside_the_safe_area_highlighted_and_readable(tmp_path, style, background):
    words = spoken("HONESTLY the best pasta I have EVER made", step=0.5, length=0.45)
    script = to_ass(burned_cues(words), width=W, height=H, style=style)
    middle = (words[1].start_s + words[1].end_s) / 2  # "the": a word mid-cue, being said
    plain, drawn = _draw(tmp_path, background, None, middle), _draw(tmp_path, background, script, middle)
    mask = caption_mask(drawn, plain)
    left, top, right, bottom = box(mask)
    safe_left, safe_top, safe_right, safe_bottom = SAFE_AREA.box(W, H)
    assert safe_left <= left and right <= safe_right and safe_top <= top and bottom <= safe_bottom
    assert bottom > 0.6 * H  # low in the safe area, where captions sit, not over the face
    assert colour_pixels(drawn, mask, highlight_rgb(style)) > 100
    assert letter_contrast(drawn, mask) >= MIN_CONTRAST
