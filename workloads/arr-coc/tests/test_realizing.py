"""The whole pipeline: determinism by seed, exploration spreads tokens, the summary the app returns."""

import numpy as np
import pytest
from conftest import scene

from arr_coc.attending import allocation_entropy
from arr_coc.realizing import RelevanceRealizer

QUESTION = "Where is the bright round object?"


def test_same_seed_same_allocation(scene_image):
    first = RelevanceRealizer(seed=7).realize(scene_image, QUESTION, 64, 400, 0.3)
    second = RelevanceRealizer(seed=7).realize(scene_image, QUESTION, 64, 400, 0.3)
    assert np.array_equal(first.budgets, second.budgets)
    assert np.array_equal(first.relevance, second.relevance)
    assert np.array_equal(first.weights, second.weights)


def test_different_seed_changes_the_learned_layers(scene_image):
    first = RelevanceRealizer(seed=1).realize(scene_image, QUESTION)
    second = RelevanceRealizer(seed=2).realize(scene_image, QUESTION)
    assert not np.allclose(first.participatory, second.participatory)
    assert not np.array_equal(first.weights, second.weights)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_exploration_spreads_tokens_more(seed):
    image = scene(seed)
    realizer = RelevanceRealizer(seed=seed)
    weights = [0.0, 0.25, 0.5, 0.75, 1.0]
    entropies = [allocation_entropy(realizer.realize(image, QUESTION, 64, 400, w).budgets) for w in weights]
    assert all(later > earlier for earlier, later in zip(entropies, entropies[1:])), entropies
    assert entropies[-1] == pytest.approx(np.log(1024), abs=1e-3)  # full exploration: near-uniform


def test_budgets_respect_the_sliders(scene_image):
    realizer = RelevanceRealizer()
    for min_lod, max_lod, explore in [(64, 400, 0.0), (128, 256, 0.5), (100, 300, 1.0)]:
        allocation = realizer.realize(scene_image, QUESTION, min_lod, max_lod, explore)
        assert allocation.budgets.min() >= min_lod and allocation.budgets.max() <= max_lod
        assert allocation.total_tokens <= 1024 * (min_lod + max_lod) // 2


def test_summary_fields(scene_image):
    allocation = RelevanceRealizer().realize(scene_image, QUESTION, 64, 400, 0.2)
    summary = allocation.summary()
    assert len(summary["budgets"]) == 1024
    assert summary["budgets"][33] == allocation.budgets[1, 1]  # row-major
    assert summary["total_tokens"] == sum(summary["budgets"])
    assert summary["high"] + summary["medium"] + summary["low"] == 1024
    assert summary["compression_ratio"] == pytest.approx(1024 * 400 / summary["total_tokens"], rel=1e-3)
    assert summary["processing_ms"] > 0


def test_question_changes_relevance(scene_image):
    realizer = RelevanceRealizer()
    a = realizer.realize(scene_image, "read the small text")
    b = realizer.realize(scene_image, "count the circles")
    assert not np.allclose(a.participatory, b.participatory)
