"""The shared vocabulary: moods (``utils.MOODS``, the one list) and instruments (the composer
imports these), and the per-mood musical choices behind a song description."""
from __future__ import annotations

from utils import MOODS  # noqa: F401  (the package's modules and its public face read it here)

INSTRUMENTS: tuple[str, ...] = (
    "piano", "electric piano", "acoustic guitar", "electric guitar", "bass", "synth bass",
    "strings", "synth pad", "synth lead", "marimba", "flute", "trumpet", "saxophone",
    "vibraphone", "organ", "violin", "cello", "bells", "drums", "claps",
)

# Several short pictures of each mood: their mean embedding is what content is compared to.
MOOD_PROTOTYPES: dict[str, tuple[str, ...]] = {
    "happy": (
        "a joyful, cheerful, sunny feel-good moment full of smiles",
        "good news, celebration, a happy family day, laughing with friends",
        "a delicious home-cooked meal, tasty food and a fun recipe to share",
    ),
    "energetic": (
        "an intense, fast, high-energy workout that pumps you up",
        "sport, gym training, running, sweat, push harder, dance hype",
    ),
    "chill": (
        "a calm, relaxed, slow and peaceful moment",
        "meditation, deep breathing, cozy rest, lo-fi study session, unwind",
    ),
    "dreamy": (
        "a soft, ethereal, floating, magical and hazy atmosphere",
        "daydreams, clouds, starry night skies, pastel colours, fairy lights",
    ),
    "romantic": (
        "love, a date night, a couple in love, tenderness and affection",
        "a wedding, a crush, a proposal, heartfelt romance",
    ),
    "dark": (
        "a dark, eerie, scary and mysterious story",
        "horror, true crime, danger, tension, a sad and gloomy night",
    ),
    "epic": (
        "a grand, cinematic, heroic and triumphant moment",
        "breathtaking travel vistas, mountains, a huge achievement, a big reveal",
    ),
    "playful": (
        "a funny, silly, quirky and cute moment",
        "pranks, pets doing goofy things, jokes, a comedy skit",
    ),
    "nostalgic": (
        "memories of the past, childhood and how things used to be",
        "throwback, retro, vintage, old photos, the nineties",
    ),
    "confident": (
        "a bold, stylish, self-assured attitude",
        "fashion, a glow up, beauty, makeup, boss energy, success",
    ),
}

# mood -> (genres, (lowest bpm, highest bpm), key mode, instrument palette)
MOOD_MUSIC: dict[str, tuple[tuple[str, ...], tuple[int, int], str, tuple[str, ...]]] = {
    "happy": (("pop", "indie pop", "funk"), (108, 126), "major",
              ("acoustic guitar", "piano", "bass", "drums", "claps", "marimba", "bells")),
    "energetic": (("EDM", "dance pop", "electro house"), (124, 150), "minor",
                  ("synth lead", "synth bass", "drums", "claps", "electric guitar", "synth pad")),
    "chill": (("lo-fi hip hop", "chillhop", "ambient"), (70, 90), "major",
              ("electric piano", "bass", "drums", "synth pad", "vibraphone", "acoustic guitar")),
    "dreamy": (("dream pop", "ambient", "chillwave"), (72, 96), "major",
               ("synth pad", "bells", "electric piano", "strings", "flute", "vibraphone")),
    "romantic": (("soul", "soft pop", "acoustic ballad"), (68, 92), "major",
                 ("piano", "strings", "acoustic guitar", "electric piano", "bass", "violin")),
    "dark": (("dark trap", "cinematic", "darkwave"), (70, 100), "minor",
             ("synth bass", "synth pad", "cello", "organ", "drums", "strings")),
    "epic": (("orchestral", "cinematic", "anthemic pop"), (90, 120), "minor",
             ("strings", "drums", "trumpet", "cello", "piano", "bells")),
    "playful": (("bubblegum pop", "ukulele pop", "funk"), (112, 132), "major",
                ("marimba", "claps", "bass", "flute", "bells", "acoustic guitar", "drums")),
    "nostalgic": (("synthwave", "indie folk", "retro pop"), (84, 110), "minor",
                  ("electric piano", "synth pad", "acoustic guitar", "bass", "drums", "saxophone")),
    "confident": (("hip hop", "trap", "funk"), (88, 104), "minor",
                  ("synth bass", "drums", "claps", "electric guitar", "saxophone", "piano")),
}
