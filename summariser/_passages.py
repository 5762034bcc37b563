"""Input passages: checking them, putting them in reading order, and cutting them into
sentence units that remember which passages they came from."""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from . import _lexicon, _text
from ._types import PASSAGE_KINDS, Passage, Source, SummaryError

MAX_SOURCES = 3
_PRONOUN_I = re.compile(r"^I(?:'[a-z]+)?[,.!?]?$")


def validate_inputs(documents: Sequence[str | Passage], tags: Sequence[str]) -> tuple[list[Passage], list[str]]:
    """Check ``documents`` (``str`` or ``Passage``) and ``tags`` (``str``); returns the
    documents as Passages (a ``str`` is a transcript) and the tags as a list."""
    for name, value in (("documents", documents), ("tags", tags)):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise SummaryError(name, f"{name} must be a list of strings, not {type(value).__name__}")
    passages = []
    for i, item in enumerate(documents):
        if isinstance(item, str):
            passages.append(Passage(item))
            continue
        if not isinstance(item, Passage):
            raise SummaryError("documents", f"documents[{i}] must be a string or a Passage, not {type(item).__name__}")
        if not isinstance(item.text, str):
            raise SummaryError("documents", f"documents[{i}].text must be a string, not {type(item.text).__name__}")
        if item.kind not in PASSAGE_KINDS:
            raise SummaryError(
                "documents", f"documents[{i}].kind must be one of {', '.join(PASSAGE_KINDS)}, not {item.kind!r}")
        if not isinstance(item.video_id, str):
            raise SummaryError(
                "documents", f"documents[{i}].video_id must be a string, not {type(item.video_id).__name__}")
        start = item.start_s
        if start is not None and (isinstance(start, bool) or not isinstance(start, (int, float))
                                  or not math.isfinite(start) or start < 0):
            raise SummaryError("documents", f"documents[{i}].start_s must be None or seconds >= 0, not {start!r}")
        passages.append(item)
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise SummaryError("tags", f"tags[{i}] must be a string, not {type(tag).__name__}")
    return passages, list(tags)


def reading_order(passages: list[Passage]) -> list[Passage]:
    """Transcripts first, then titles, descriptions, then on-screen captions (the order of
    ``PASSAGE_KINDS``); within a kind, video by video (in the order each video first
    appears) and in time order (``start_s``), else as given. Blank passages are dropped."""
    kept = [p for p in passages if p.text.strip()]
    videos: dict[str, int] = {}
    for passage in kept:
        videos.setdefault(passage.video_id, len(videos))

    def key(passage: Passage) -> tuple:
        return (PASSAGE_KINDS.index(passage.kind), videos[passage.video_id],
                -1.0 if passage.start_s is None else float(passage.start_s))

    return sorted(kept, key=key)  # sorted() is stable: equal keys keep the given order


def source(passage: Passage) -> dict[str, Any]:
    """A passage's evidence entry: ``asdict(Source)``."""
    return dataclasses.asdict(Source(video_id=passage.video_id, kind=passage.kind, start_s=passage.start_s))


@dataclass(frozen=True)
class Unit:
    """One sentence of the input. ``passages``: indices into the reading-ordered passages it
    came from (several when a sentence runs across transcript segments, or the same line
    appears twice), in reading order. ``garbled``: OCR noise or chrome (feeds nothing);
    ``well_formed``: may stand in a summary (``_lexicon.is_well_formed``)."""

    text: str
    kind: str
    passages: tuple[int, ...]
    garbled: bool
    well_formed: bool

    @property
    def speech(self) -> bool:
        return self.kind == "transcript"


def _streams(passages: list[Passage]) -> list[list[int]]:
    """Passage indices grouped into streams read as one text: consecutive timed transcript
    segments of one video are one stretch of speech (a sentence may run across segments);
    every other passage is a stream of its own."""
    streams: list[list[int]] = []
    for i, passage in enumerate(passages):
        previous = passages[streams[-1][-1]] if streams else None
        if (previous is not None and passage.kind == "transcript" and passage.start_s is not None
                and previous.kind == "transcript" and previous.start_s is not None
                and previous.video_id == passage.video_id):
            streams[-1].append(i)
        else:
            streams.append([i])
    return streams


def sentence_units(passages: list[Passage]) -> list[Unit]:
    """The sentences of reading-ordered ``passages``, hashtags and @mentions removed, each
    once (a repeat merges its passages into the first), in reading order."""
    units: dict[str, Unit] = {}
    for stream in _streams(passages):
        texts = [_text.without_hashtags(_text.clean_text(passages[i].text)) for i in stream]
        # An ASR that writes in capitals is not shouting: fold a wholly upper-case transcript.
        if passages[stream[0]].kind == "transcript" and not any(c.islower() for t in texts for c in t):
            texts = [t.lower() for t in texts]
        for k in range(len(texts) - 1):
            # Whisper starts a new sentence on a new segment with a capital ("Then I..."):
            # end the previous one there. Not before "I", which is capitalised anyway.
            before, after = texts[k].rstrip(), texts[k + 1].split()
            if (before and before[-1] not in _text.TERMINAL and after and after[0][:1].isupper()
                    and not _PRONOUN_I.match(after[0])):
                texts[k] = before + "."
        owner: list[int] = []  # word index in the joined text → passage index
        breaks = set()
        for i, text in zip(stream, texts):
            breaks.add(len(owner))
            owner.extend([i] * len(text.split()))
        kind = passages[stream[0]].kind
        for first, end, sentence in _text.sentence_spans(" ".join(texts), breaks=frozenset(breaks)):
            mine = tuple(sorted(set(owner[first:end])))
            key = " ".join(_text.tokens(sentence)) or sentence
            if key in units:
                unit = units[key]
                merged = tuple(sorted(set(unit.passages) | set(mine)))
                units[key] = dataclasses.replace(unit, passages=merged)
                continue
            # OCR splits words in stylised fonts; in speech "a round" is two words.
            on_screen = kind == "caption"
            garbled = _lexicon.is_garbled(sentence, on_screen=on_screen) or (
                on_screen and _lexicon.has_split_word(sentence))
            units[key] = Unit(text=sentence, kind=kind, passages=mine, garbled=garbled,
                              well_formed=not garbled and _lexicon.is_well_formed(sentence, on_screen=on_screen))
    return list(units.values())


def sources_of(passages: list[Passage], indices: Sequence[int], *, limit: int = MAX_SOURCES) -> list[dict[str, Any]]:
    """Evidence entries for passage ``indices``: reading order, one per distinct source, at most ``limit``."""
    out: list[dict[str, Any]] = []
    for i in sorted(set(indices)):
        entry = source(passages[i])
        if entry not in out:
            out.append(entry)
        if len(out) >= limit:
            break
    return out
