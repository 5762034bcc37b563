"""Trend-idea formats that creators use, and the twists that give one an unexpected spin.

Each format carries a short description (embedded and compared with the content to pick
the format) and templates filled with the top keywords (``k1``–``k3``) and the mood.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IdeaFormat:
    name: str
    description: str
    title: str
    concept: str


FORMATS: tuple[IdeaFormat, ...] = (
    IdeaFormat(
        "tutorial",
        "a step by step tutorial, how-to, recipe or lesson that teaches a skill",
        "{K1}, step by step",
        "A fast tutorial: show the finished {k1} first, then walk through {k2} and {k3} in three "
        "quick steps with on-screen captions, all cut to a {mood} beat.",
    ),
    IdeaFormat(
        "three ways",
        "a list of tips, hacks and tricks; several ways to use or improve something",
        "3 ways to level up your {k1}",
        "Three hacks, one per cut: {k1}, then {k2}, then {k3} as the surprise finish. Number "
        "each one on screen and save the best for last.",
    ),
    IdeaFormat(
        "before and after",
        "a transformation, makeover, glow up, cleaning, renovation or progress before and after",
        "{K1}: before vs. after",
        "Open on the 'before', hide the change behind a hand-swipe transition and reveal the "
        "'after' on the beat drop, with {k2} and {k3} as the quick steps in between.",
    ),
    IdeaFormat(
        "day in the life",
        "a vlog, a day in the life, a daily or morning routine, behind the scenes",
        "A day in the life, {k1} edition",
        "Squeeze a whole day into 30 seconds: morning, noon and night clips tied together by "
        "{k1}, with quick cuts of {k2} and {k3} over a {mood} soundtrack.",
    ),
    IdeaFormat(
        "POV",
        "a relatable skit from the viewer's point of view, a funny everyday situation",
        "POV: you just discovered {k1}",
        "Shoot in first person as if the viewer is trying {k1} for the first time: the doubt, "
        "the first go with {k2}, and the 'wait, this works?' reaction when {k3} comes in.",
    ),
    IdeaFormat(
        "challenge",
        "a challenge to join, a dance trend, a competition, a duet, a fitness challenge",
        "The {k1} challenge",
        "Set one simple rule anyone can copy ({k1} with {k2}, in one take), show your own "
        "attempt, then invite viewers to stitch it with their version using {k3}.",
    ),
    IdeaFormat(
        "myth or fact",
        "myths and facts, science, explaining, educational advice, debunking misconceptions",
        "{K1}: myth or fact?",
        "Put a common claim about {k1} on screen, pause for a beat, then settle it with a quick "
        "demo using {k2}; repeat with {k3} and ask viewers which answer surprised them.",
    ),
    IdeaFormat(
        "ranking",
        "a review, rating and ranking of products, a tier list, a taste test, comparisons",
        "Ranking {k1}, {k2} and {k3}",
        "Try {k1}, {k2} and {k3} back to back, score each out of ten on screen, and keep the "
        "winner hidden until the last second.",
    ),
    IdeaFormat(
        "storytime",
        "storytime, a personal story or experience told to camera, feelings, a confession",
        "Storytime: me vs. {k1}",
        "Tell a short true story about {k1} straight to camera while your hands work on {k2}; "
        "end on the lesson you learned and a teaser about {k3}.",
    ),
    IdeaFormat(
        "get ready with me",
        "get ready with me: beauty, makeup, skincare, hair, an outfit, fashion",
        "Get ready with me: {k1} edition",
        "Chat to the camera while getting ready, each step showing off {k1}, {k2} and {k3}, and "
        "reveal the full look on the beat drop.",
    ),
)

# (twist_title, twist_concept) — reverse the format, add a constraint, swap the audience…
TWISTS: tuple[tuple[str, str], ...] = (
    ("Played in reverse",
     "Start with the finished {k1} and rewind to the beginning, so viewers see the payoff "
     "first and stay to find out how it happened."),
    ("Three things, sixty seconds",
     "Redo it under a hard limit: only three items and a visible 60-second timer. Can {k1} "
     "still work with nothing but {k2}?"),
    ("Made for a total beginner",
     "Hand the camera to someone who has never tried {k1} (a parent, a grandparent, a little "
     "sibling) and let them follow your steps; their honest reactions are the content."),
    ("No words, only the beat",
     "Tell the whole {k1} story without speaking: on-screen text and the {mood} soundtrack "
     "carry it, with every cut landing on a beat."),
    ("Expert vs. beginner",
     "Split the screen: a beginner and an expert each take on {k1} with {k2}, and the gap "
     "(or a surprise tie) is the punchline."),
    ("Cheap vs. fancy",
     "Make the cheapest possible {k1} next to a premium version with {k2} and let viewers "
     "guess in the comments which is which."),
    ("Told by the {k1} itself",
     "Narrate from the point of view of the {k1} itself, with its opinions on {k2} and {k3}, "
     "for a funny angle nobody expects."),
)


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def build_idea(fmt: IdeaFormat, twist: tuple[str, str], *, keywords: list[str], mood: str) -> dict[str, str]:
    """The idea dict ``{title, concept, twist_title, twist_concept}`` for one format/twist."""
    padded = (list(keywords) + ["the trend", "your setup", "the final result"])[:3]
    k1, k2, k3 = padded
    values = {"k1": k1, "k2": k2, "k3": k3, "K1": k1[:1].upper() + k1[1:], "mood": mood}
    return {
        "title": _fill(fmt.title, values),
        "concept": _fill(fmt.concept, values),
        "twist_title": _fill(twist[0], values),
        "twist_concept": _fill(twist[1], values),
    }
