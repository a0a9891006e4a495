"""Propositional, perspectival and participatory scores, and the balancer."""

import numpy as np
import pytest

from arr_coc.balancing import TensionBalancer, explore_exploit, map_summaries
from arr_coc.knowing import ParticipatoryScorer, information_score, perspectival_score
from arr_coc.query import HashedQuery
from arr_coc.texture import texture_array


def test_information_score_is_channel_entropy_min_max_normalised():
    textures = np.zeros((1, 13, 2, 2))
    textures[0, 0, 0, 0] = 50.0  # one dominant channel: entropy ~0
    textures[0, :, 1, 1] = 0.3  # all channels equal: entropy log(13), the maximum
    textures[0, :3, 0, 1] = 1.0  # three of 13 channels up: in between
    scores = information_score(textures)[0]
    assert scores[0, 0] == pytest.approx(0.0)
    assert scores[1, 1] == pytest.approx(1.0, abs=1e-6)
    probs = np.exp(textures[0, :, 0, 1]) / np.exp(textures[0, :, 0, 1]).sum()
    entropy = -(probs * np.log(probs + 1e-10)).sum()
    assert scores[0, 1] == pytest.approx(entropy / np.log(13), abs=1e-6)


def test_perspectival_is_the_sobel_magnitude_channel(scene_image):
    textures = texture_array(scene_image)[None]
    assert np.array_equal(perspectival_score(textures), textures[:, 7])


def test_parameter_counts_match_upstream_for_qwen_width():
    scorer, balancer = ParticipatoryScorer(2048), TensionBalancer(2048)
    assert sum(a.size for a in (scorer.w1, scorer.b1, scorer.w2, scorer.b2)) == 134_016
    layers = (balancer.w1, balancer.b1, balancer.w2, balancer.b2, balancer.w3, balancer.b3)
    assert sum(a.size for a in layers) == 280_323


def test_participatory_shortcut_equals_explicit_features(scene_image):
    scorer = ParticipatoryScorer(2048, seed=5)
    textures = np.stack([texture_array(scene_image), texture_array(scene_image[::-1].copy())])
    queries = np.stack([HashedQuery().encode("red ball"), HashedQuery().encode("sky")])
    fast, direct = scorer.score(textures, queries), scorer.score_direct(textures, queries)
    np.testing.assert_allclose(fast, direct, atol=1e-12)
    assert fast.min() >= 0.0 and fast.max() <= 1.0


def test_participatory_depends_on_the_query(scene_image):
    scorer = ParticipatoryScorer(2048)
    textures = texture_array(scene_image)[None]
    a = scorer.score(textures, HashedQuery().encode("where is the dog")[None])
    b = scorer.score(textures, HashedQuery().encode("read the sign")[None])
    assert np.abs(a - b).max() > 1e-3


def test_balancer_weights_and_output_range(scene_image):
    textures = texture_array(scene_image)[None]
    query = HashedQuery().encode("what is this")[None]
    info, persp = information_score(textures), perspectival_score(textures)
    partic = ParticipatoryScorer(2048).score(textures, query)
    balanced, weights = TensionBalancer(2048).balance(info, persp, partic, query)
    assert weights.shape == (1, 3) and weights.sum() == pytest.approx(1.0) and np.all(weights > 0)
    expected = weights[0, 0] * info + weights[0, 1] * persp + weights[0, 2] * partic
    expected = (expected - expected.min()) / (expected.max() - expected.min() + 1e-8)
    np.testing.assert_allclose(balanced, expected, atol=1e-12)
    assert balanced.min() == pytest.approx(0.0) and balanced.max() == pytest.approx(1.0, abs=1e-6)


def test_map_summaries_use_unbiased_std():
    values = np.arange(4.0).reshape(1, 2, 2)
    assert np.allclose(map_summaries(values), [[1.5, 3.0, np.std(np.arange(4.0), ddof=1)]])


def test_explore_exploit_ends_and_validation():
    relevance = np.linspace(0, 1, 10)
    assert np.array_equal(explore_exploit(relevance, 0.0), relevance)
    assert np.allclose(explore_exploit(relevance, 1.0), 1.0)
    with pytest.raises(ValueError):
        explore_exploit(relevance, 1.5)
