"""Token budgets: inside [min LOD, max LOD], under the total budget, monotone in relevance."""

import numpy as np
import pytest

from arr_coc.attending import LodRange, allocate, allocation_entropy, default_total_budget, detail_counts

LOD_PAIRS = [(64, 400), (128, 256), (100, 300), (64, 64)]


@pytest.mark.parametrize("min_lod,max_lod", LOD_PAIRS)
@pytest.mark.parametrize("seed", range(5))
def test_budgets_within_range_and_total(min_lod, max_lod, seed):
    rng = np.random.default_rng(seed)
    relevance = rng.random((32, 32)) ** rng.uniform(0.2, 3.0)
    lod = LodRange(min_lod, max_lod)
    for total in (None, 1024 * min_lod, 1024 * min_lod + 777, max(1024 * min_lod, 1024 * (min_lod + max_lod) // 3), 1024 * max_lod):
        budgets = allocate(relevance, lod, total)
        limit = default_total_budget(1024, lod) if total is None else total
        assert budgets.shape == (32, 32) and budgets.dtype.kind == "i"
        assert budgets.min() >= min_lod and budgets.max() <= max_lod
        assert budgets.sum() <= limit


def test_binding_total_is_spent_and_ranks_kept():
    relevance = np.random.default_rng(1).random((32, 32))
    lod = LodRange(64, 400)
    total = 1024 * 64 + 5000
    budgets = allocate(relevance, lod, total)
    assert budgets.sum() == total
    order = np.argsort(relevance.ravel())
    assert np.all(np.diff(budgets.ravel()[order]) >= 0)  # more relevant never gets fewer tokens


def test_curve_when_unconstrained():
    relevance = np.array([[0.0, 0.5, 1.0]])
    budgets = allocate(relevance, LodRange(64, 400), total_budget=10_000)
    assert budgets.tolist() == [[64, 64 + round(336 * 0.5**3.2), 400]]


def test_impossible_total_and_bad_range_are_rejected():
    with pytest.raises(ValueError):
        allocate(np.ones((32, 32)), LodRange(64, 400), total_budget=1024 * 64 - 1)
    with pytest.raises(ValueError):
        LodRange(300, 200)


def test_entropy_and_counts():
    assert allocation_entropy(np.full(16, 7)) == pytest.approx(np.log(16))
    assert allocation_entropy(np.array([100, 1, 1, 1])) < np.log(4)
    counts = detail_counts(np.array([64, 100, 200, 300, 400]), LodRange(64, 400))
    assert counts == {"high": 2, "medium": 1, "low": 2}
