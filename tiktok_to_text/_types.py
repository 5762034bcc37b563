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


@dataclass(frozen=True)
class Transcription:
    """What a transcriber heard: its segments in time order and the language (ISO 639-1, or None)."""

    segments: tuple[Segment, ...] = ()
    language: str | None = None

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
    ISO 639-1 code it heard (``None`` when it does not tell, or nothing was said)."""

    sha256: str
    segments: list[Segment] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cached: bool = False
    backend: str = ""
    language: str | None = None

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
        )
