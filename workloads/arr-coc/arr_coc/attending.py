"""Relevance -> token budgets per patch (the guide's variable level of detail).

Upstream attending.py only takes the top 200 patches with a uniform budget; its docstring and the
design notes (Part 38) give the curve used here: budget = min + (max - min) * relevance ** 3.2,
scaled down to a total budget when it would exceed it.
"""

from dataclasses import dataclass

import numpy as np

STEEPNESS = 3.2


@dataclass(frozen=True)
class LodRange:
    min_lod: int
    max_lod: int

    def __post_init__(self):
        if not 0 < self.min_lod <= self.max_lod:
            raise ValueError(f"need 0 < min_lod <= max_lod, got {self.min_lod}, {self.max_lod}")


def default_total_budget(patches: int, lod: LodRange) -> int:
    """Every patch at the middle of the LOD range."""
    return patches * (lod.min_lod + lod.max_lod) // 2


def allocate(relevance: np.ndarray, lod: LodRange, total_budget: int | None = None,
             steepness: float = STEEPNESS) -> np.ndarray:
    """Relevance in [0, 1] (any shape) -> integer budgets of the same shape.

    Every budget lies in [min_lod, max_lod] and their sum never exceeds total_budget. When the curve
    asks for more than the total, only the part above min_lod is scaled down, so the floor holds.
    """
    patches = relevance.size
    if total_budget is None:
        total_budget = default_total_budget(patches, lod)
    if total_budget < patches * lod.min_lod:
        raise ValueError(f"total_budget {total_budget} cannot give {patches} patches {lod.min_lod} tokens each")

    extra = (lod.max_lod - lod.min_lod) * np.clip(relevance, 0.0, 1.0).ravel() ** steepness
    room = total_budget - patches * lod.min_lod
    if extra.sum() > room:
        extra *= room / extra.sum()
    # Round without overshooting: floor, then hand the tokens lost to flooring to the largest
    # fractions (each such patch is below max_lod, so +1 keeps it in range).
    whole = np.floor(extra).astype(np.int64)
    leftover = max(min(room, int(round(extra.sum()))) - int(whole.sum()), 0)
    order = np.argsort(-(extra - whole), kind="stable")
    whole[order[:leftover]] += 1
    budgets = lod.min_lod + whole
    budgets = np.minimum(budgets, lod.max_lod)
    return budgets.reshape(relevance.shape)


def allocation_entropy(budgets: np.ndarray) -> float:
    """Shannon entropy (nats) of the share of tokens each patch gets; higher means more spread."""
    share = budgets.ravel() / budgets.sum()
    share = share[share > 0]
    return float(-(share * np.log(share)).sum())


def detail_counts(budgets: np.ndarray, lod: LodRange) -> dict[str, int]:
    """Patches in the top, middle and bottom third of the LOD range."""
    span = lod.max_lod - lod.min_lod
    low_edge = lod.min_lod + span / 3.0
    high_edge = lod.min_lod + 2.0 * span / 3.0
    high = int((budgets >= high_edge).sum())
    low = int((budgets < low_edge).sum())
    if span == 0:
        high, low = budgets.size, 0
    return {"high": high, "medium": int(budgets.size - high - low), "low": low}
