"""Text prompts for the Stable Diffusion backend, built from the idea's title, keywords and mood."""
from __future__ import annotations

#: A style per mood of ``utils.MOODS`` (tests/test_utils.py holds every per-mood table to that list).
_MOOD_STYLE = {
    "happy": "bright cheerful sunny scene, warm golden light, saturated colours",
    "energetic": "dynamic motion, bold neon colours, high contrast, action energy",
    "chill": "calm relaxed atmosphere, soft teal and blue tones, gentle light",
    "dreamy": "dreamy pastel haze, soft focus glow, ethereal clouds",
    "romantic": "romantic soft pink and red light, bokeh, intimate mood",
    "dark": "moody dark scene, deep purple shadows, dramatic rim light",
    "epic": "epic cinematic landscape, dramatic sky, fiery orange light, grand scale",
    "playful": "playful colourful pop-art scene, candy colours, whimsical",
    "nostalgic": "nostalgic retro film photo, warm faded colours, film grain",
    "confident": "confident bold fashion editorial, strong contrast, spotlight",
}
_NEUTRAL_STYLE = "balanced natural colours, soft studio light"

NEGATIVE_PROMPT = ("text, letters, words, caption, logo, watermark, signature, blurry, low quality, lowres, "
                   "jpeg artifacts, deformed, distorted, disfigured, bad anatomy, extra limbs, cropped, frame, border")
"""What the cover must not contain: the title is typeset afterwards, so painted text would clash with it."""

_MAX_KEYWORDS = 6  # CLIP reads 77 tokens; more keywords would push the style words out


def build_prompt(*, title: str, keywords: list[str] | tuple[str, ...], mood: str) -> tuple[str, str]:
    """``(prompt, negative_prompt)`` for a 9:16 cover background.

    The subject (title, then up to six keywords) comes first because CLIP weighs early tokens
    most; the mood's style and the format follow. Unknown moods get a neutral style.
    """
    subject = " ".join(title.split())
    words = [w.strip() for w in keywords if w.strip()][:_MAX_KEYWORDS]
    style = _MOOD_STYLE.get(mood.strip().lower(), _NEUTRAL_STYLE)
    parts = [subject]
    if words:
        parts.append(", ".join(words))
    parts += [style, "vertical social media cover art, striking composition, highly detailed, sharp focus"]
    return ", ".join(parts), NEGATIVE_PROMPT
