"""Choices by construction: scores equal up to float noise go to the earlier index."""
import numpy as np

from summariser._ranking import argmax_first, ranked


def test_a_float_tie_goes_to_the_first_index_whichever_side_the_noise_falls():
    for noise in (1e-9, -1e-9, 0.0, 3e-8):
        assert argmax_first([0.2, 0.5, 0.5 + noise, 0.1]) == 1
        assert ranked([0.5 + noise, 0.5, 0.1]) == [0, 1, 2]
        assert ranked([0.1, 0.5, 0.5 + noise]) == [1, 2, 0]


def test_real_differences_still_decide():
    assert argmax_first(np.array([0.1, 0.3, 0.2], dtype=np.float32)) == 1
    assert ranked([0.1, 0.3, 0.2, 0.3 - 1e-3]) == [1, 3, 2, 0]


def test_two_tags_and_their_mean_are_a_structural_tie():
    rng = np.random.default_rng(0)
    a, b = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 384)).astype(np.float32))
    centre = (a + b) / np.linalg.norm(a + b)
    scores = np.stack([a, b]) @ centre   # equal in exact arithmetic, not in float32
    assert argmax_first(scores) == 0 and ranked(scores) == [0, 1]
    assert argmax_first(np.stack([b, a]) @ centre) == 0
