"""What the package hands back: a video's transcript segments and caption lines, with times."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: ``text`` said from ``start_s`` to ``end_s`` (seconds into the video)."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Word:
    """One spoken word: ``text`` (as heard, with its punctuation) from ``start_s`` to ``end_s``
    (seconds into the video). The unit word-timed captions are cut from."""

    text: str
    start_s: float
    end_s: float


#: How a transcript's words got their times: "word" (the recogniser timed each word), "segment"
#: (spread evenly over the segment they were heard in: a backend without word times), "none" (no words).
WORD_TIMINGS = ("word", "segment", "none")


@dataclass(frozen=True)
class Transcription:
    """What a transcriber heard: its segments in time order, the language (ISO 639-1, or None),
    and each word with its times (``word_timing``: one of ``WORD_TIMINGS``)."""

    segments: tuple[Segment, ...] = ()
    language: str | None = None
    words: tuple[Word, ...] = ()
    word_timing: str = "none"

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)


@dataclass(frozen=True)
class Caption:
    """One line of burned-in text, first seen ``start_s`` seconds into the video.

    ``spoken`` is True when the transcript says the line's words (a karaoke or
    subtitle caption); False for text nobody says (a list, a price, a recipe step).
    """

    text: str
    start_s: float
    spoken: bool = False


@dataclass
class VideoText:
    """The texts of one video. ``sha256`` is of the file's bytes ("" when unreadable);
    ``backend`` is the transcriber that produced the transcript, ``language`` the
    ISO 639-1 code it heard (``None`` when it does not tell, or nothing was said); ``words``
    the transcript's words in time order, timed as ``word_timing`` says (see ``WORD_TIMINGS``)."""

    sha256: str
    segments: list[Segment] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cached: bool = False
    backend: str = ""
    language: str | None = None
    words: list[Word] = field(default_factory=list)
    word_timing: str = "none"

    @property
    def transcript(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    @property
    def unspoken_captions(self) -> list[Caption]:
        return [c for c in self.captions if not c.spoken]

    def to_dict(self) -> dict:
        return {**asdict(self), "transcript": self.transcript}

    @classmethod
    def from_dict(cls, data: dict) -> "VideoText":
        return cls(
            sha256=data["sha256"],
            segments=[Segment(**s) for s in data.get("segments", ())],
            captions=[Caption(**c) for c in data.get("captions", ())],
            warnings=list(data.get("warnings", ())),
            cached=bool(data.get("cached", False)),
            backend=data.get("backend", ""),
            language=data.get("language"),
            words=[Word(**w) for w in data.get("words", ())],
            word_timing=data.get("word_timing", "none"),
        )


def spread_words(segments: tuple[Segment, ...] | list[Segment]) -> tuple[Word, ...]:
    """Each segment's words with times spread evenly over the segment: the "segment" timing of a
    backend that times segments only. A word's end is the next one's start, so none overlap."""
    words: list[Word] = []
    for segment in segments:
        texts = segment.text.split()
        step = (segment.end_s - segment.start_s) / max(1, len(texts))
        words += [Word(text, round(segment.start_s + i * step, 2),
                       round(segment.end_s if i == len(texts) - 1 else segment.start_s + (i + 1) * step, 2))
                  for i, text in enumerate(texts)]
    return tuple(words)
