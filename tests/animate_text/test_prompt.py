from __future__ import annotations

from animate_text.prompt import NEGATIVE_PROMPT, build_prompt


def test_prompt_leads_with_the_subject_and_carries_the_mood_style():
    prompt, negative = build_prompt(title="  Sunset   Skate Challenge ", keywords=["skate", " sunset "], mood="Happy")
    assert prompt.startswith("Sunset Skate Challenge, skate, sunset, ")
    assert "sunny" in prompt and "vertical" in prompt
    assert negative == NEGATIVE_PROMPT


def test_negative_prompt_keeps_painted_text_and_artefacts_out():
    for word in ("text", "watermark", "blurry", "low quality", "deformed"):
        assert word in NEGATIVE_PROMPT


def test_moods_change_the_style_and_unknown_moods_are_neutral():
    prompts = {mood: build_prompt(title="T", keywords=[], mood=mood)[0] for mood in ("dark", "dreamy", "mystery")}
    assert len(set(prompts.values())) == 3
    assert "natural colours" in prompts["mystery"]


def test_keywords_are_capped_and_blank_ones_dropped():
    prompt, _ = build_prompt(title="T", keywords=[f"k{i}" for i in range(10)] + ["  "], mood="chill")
    assert "k5" in prompt and "k6" not in prompt
    assert ", ," not in prompt


def test_prompt_stays_short_enough_for_clip():
    # CLIP reads 77 tokens; with ~1.3 BPE tokens per word a 45-word prompt leaves room for a long title.
    prompt, _ = build_prompt(title="Duet the Silent Dance Break", keywords=["dance", "duet", "fyp", "viral", "pov", "x"],
                             mood="energetic")
    assert len(prompt.replace(",", " ").split()) <= 45
