"""The real MiniLM summariser, loaded once for the whole test session (~15 s on CPU), and a
realistic clip: what the pipeline hands over for one video."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from summariser import Passage

VIDEO = "7301122334455667788"

# Whisper-style segments of a creator talking about AI side income: one sentence runs
# across two segments (14.1 s and 17.0 s).
SEGMENTS = [
    (0.0, "So a lot of people ask me how I make money online without being a dev."),
    (3.2, "Honestly the answer is AI tools and a small online community."),
    (6.8, "I use AI to draft my posts and to edit my videos later in the day."),
    (10.5, "Then I turn my best tips into a paid membership for my community."),
    (14.1, "The membership gives people weekly AI prompts and templates"),
    (17.0, "and the community helps each other grow on social media."),
    (20.3, "If you want a side income, start with one AI tool and pick one direction."),
    (24.0, "Post on social media every day and invite people into the community."),
    (27.5, "Build the community first and the money follows."),
]
TITLE = "How I earn with AI tools and an online community"
DESCRIPTION = "Side income from a paid membership #AI #SideHustle"
# On-screen text nobody says, as OCR reads it off real frames: run-together tokens,
# profile chrome, a shouted call to action.
CAPTIONS = [
    (1.0, "Op po unity ThePorwththerihtarkinhat sfwarerpdidyouguysseto"),
    (2.0, "Joined Oct 16,2023"),
    (2.5, "800k+"),
    (5.0, "Di nero"),
    (8.0, "HERE'SY OUR INVITE"),
    (12.0, "LINK IN BIO FOR THE MEMBERSHIP"),
]
OCR_NOISE = ["Op po unity", "ThePorwth", "sfwarerp", "Joined", "Oct", "16,2023", "800k", "Di nero", "HERE'SY",
             "OUR INVITE", "LINK IN BIO"]
TOPIC_WORDS = {"ai", "community", "membership", "social media"}
FILLER = {"later", "people", "direction", "dev", "day", "honestly", "things", "lot", "op", "po", "unity", "di",
          "nero", "joined", "oct", "here'sy"}


def ai_clip(video_id: str = VIDEO) -> list[Passage]:
    """The clip's passages in the order a caller might give them: captions first, to show
    the summariser puts them in reading order itself."""
    return ([Passage(text, "caption", video_id, start) for start, text in CAPTIONS]
            + [Passage(DESCRIPTION, "description", video_id), Passage(TITLE, "title", video_id)]
            + [Passage(text, "transcript", video_id, start) for start, text in SEGMENTS])


@pytest.fixture(scope="session")
def minilm():
    from summariser.minilm import MiniLMSummariser

    return MiniLMSummariser(device="cpu")


@pytest.fixture()
def clip():
    """The AI side-income clip: ``passages`` and what tests check them against."""
    return SimpleNamespace(passages=ai_clip(), video_id=VIDEO, segments=SEGMENTS, captions=CAPTIONS,
                           ocr_noise=OCR_NOISE, topic_words=TOPIC_WORDS, filler=FILLER)
