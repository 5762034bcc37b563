"""to_vtt and to_srt: the files say what the cues say, read back by a strict little parser."""
from __future__ import annotations

import random
import re

from subtitles import Cue, make_cues, to_srt, to_vtt
from tiktok_to_text import Word

VTT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")
SRT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2}):(\d{2}):(\d{2}),(\d{3})$")


def _ms(h, m, s, ms) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def parse_vtt(document: str) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) per cue, as the WebVTT spec reads a file without cue ids or settings."""
    assert document.startswith("WEBVTT\n") and document.endswith("\n")
    blocks = document.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        timing, *lines = block.split("\n")
        match = VTT_TIMING.match(timing)
        assert match and lines and all(lines), block
        text = "\n".join(lines)
        assert "<" not in text and "-->" not in text and not re.search(r"&(?!amp;|lt;|gt;)", text)
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append((_ms(*match.groups()[:4]), _ms(*match.groups()[4:]), text))
    return cues


def parse_srt(document: str) -> list[tuple[int, int, str]]:
    cues = []
    for n, block in enumerate(document.rstrip("\n").split("\n\n"), start=1):
        number, timing, *lines = block.split("\n")
        match = SRT_TIMING.match(timing)
        assert number == str(n) and match and lines and all(lines), block
        cues.append((_ms(*match.groups()[:4]), _ms(*match.groups()[4:]), "\n".join(lines)))
    return cues


def test_vtt_reads_back_as_the_cues_with_markup_escaped():
    cues = [Cue(0.0, 0.8, ((Word(" Tom", 0.0, 0.3), Word(" &", 0.3, 0.4), Word(" <Jerry>", 0.4, 0.7)),)),
            Cue(3661.2344, 3662.5, ((Word(" a-->b", 3661.2344, 3662.0),), (Word(" next", 3662.0, 3662.5),)))]
    document = to_vtt(cues)
    assert "Tom &amp; &lt;Jerry&gt;" in document and "01:01:01.234 --> 01:01:02.500" in document
    assert parse_vtt(document) == [(0, 800, "Tom & <Jerry>"), (3661234, 3662500, "a-->b\nnext")]
    assert to_vtt([]) == "WEBVTT\n"


def test_srt_is_numbered_with_comma_milliseconds():
    cues = make_cues([Word(" Hello", 0.0, 0.5), Word(" there.", 0.5, 1.0), Word(" Bye", 1.25, 1.6)])
    assert to_srt(cues) == "1\n00:00:00,000 --> 00:00:01,000\nHello there.\n\n2\n00:00:01,250 --> 00:00:02,050\nBye\n"
    assert to_srt([]) == ""


def test_both_formats_read_back_on_random_cues_without_overlap():
    rng = random.Random(7)
    for _ in range(200):
        words, t = [], rng.uniform(0, 5000)
        for _ in range(rng.randint(1, 30)):
            length = rng.uniform(0, 0.7)
            words.append(Word(" " + rng.choice(["a", "b&c", "<i>", "end.", "x" * 35, "ok?"]), t, t + length))
            t += length + rng.choice([0.0, rng.uniform(0, 2)])
        cues = make_cues(words)
        for parsed in (parse_vtt(to_vtt(cues)), parse_srt(to_srt(cues))):
            assert [text for *_, text in parsed] == [cue.text for cue in cues]
            assert all(abs(start - cue.start_s * 1000) <= 0.5 + 1e-6 and abs(end - cue.end_s * 1000) <= 0.5 + 1e-6
                       for (start, end, _), cue in zip(parsed, cues))
            # Rounding to milliseconds keeps the order: no cue overlaps the next in the file either.
            assert all(parsed[i][0] <= parsed[i][1] <= parsed[i + 1][0] for i in range(len(parsed) - 1))
