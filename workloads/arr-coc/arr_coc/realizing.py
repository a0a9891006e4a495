"""The pipeline: image + question -> relevance maps -> token budgets, with the metadata the app shows."""

import time
from dataclasses import dataclass

import numpy as np

from .attending import LodRange, allocate, allocation_entropy, default_total_budget, detail_counts
from .balancing import TensionBalancer, explore_exploit
from .knowing import ParticipatoryScorer, information_score, perspectival_score
from .query import HashedQuery
from .texture import GRID, prepare_image, texture_array


@dataclass
class Allocation:
    """One image's result. Maps are (32, 32); budgets are tokens per patch, row-major when flattened."""

    information: np.ndarray
    perspectival: np.ndarray
    participatory: np.ndarray
    balanced: np.ndarray
    relevance: np.ndarray  # balanced after the exploit <-> explore tension
    weights: np.ndarray  # balancer weights for (information, perspectival, participatory)
    budgets: np.ndarray
    lod: LodRange
    total_budget: int
    processing_ms: float

    @property
    def total_tokens(self) -> int:
        return int(self.budgets.sum())

    @property
    def compression_ratio(self) -> float:
        """Tokens if every patch got max LOD, over tokens allocated."""
        return self.budgets.size * self.lod.max_lod / self.total_tokens

    def summary(self) -> dict:
        counts = detail_counts(self.budgets, self.lod)
        return {
            "budgets": self.budgets.ravel().tolist(),
            "grid": list(self.budgets.shape),
            "total_tokens": self.total_tokens,
            "total_budget": self.total_budget,
            "high": counts["high"],
            "medium": counts["medium"],
            "low": counts["low"],
            "compression_ratio": round(self.compression_ratio, 4),
            "allocation_entropy": round(allocation_entropy(self.budgets), 6),
            "weights": dict(zip(("information", "perspectival", "participatory"),
                                (round(float(w), 6) for w in self.weights))),
            "processing_ms": round(self.processing_ms, 3),
        }


class RelevanceRealizer:
    """Holds the seeded learned layers and the query encoder; realize() runs the whole pipeline."""

    def __init__(self, seed: int = 0, query_encoder=None):
        self.seed = seed
        self.query_encoder = query_encoder or HashedQuery()
        dim = self.query_encoder.dim
        self.participatory = ParticipatoryScorer(dim, seed=seed)
        self.balancer = TensionBalancer(dim, seed=seed)

    def relevance_maps(self, images: np.ndarray, queries: np.ndarray) -> dict[str, np.ndarray]:
        """Batched maths, (B, 512, 512, 3) and (B, D) -> maps (B, 32, 32) and weights (B, 3).

        Like upstream, the min-max normalisations run over the whole batch.
        """
        textures = texture_array(images)
        info = information_score(textures)
        persp = perspectival_score(textures)
        partic = self.participatory.score(textures, queries)
        balanced, weights = self.balancer.balance(info, persp, partic, queries)
        return {"textures": textures, "information": info, "perspectival": persp,
                "participatory": partic, "balanced": balanced, "weights": weights}

    def realize(self, image, question: str, min_lod: int = 64, max_lod: int = 400,
                exploration_weight: float = 0.0, total_budget: int | None = None) -> Allocation:
        started = time.perf_counter()
        lod = LodRange(int(min_lod), int(max_lod))
        if total_budget is None:
            total_budget = default_total_budget(GRID * GRID, lod)
        pixels = prepare_image(image)[None]
        queries = self.query_encoder.encode(question)[None]
        maps = self.relevance_maps(pixels, queries)
        relevance = explore_exploit(maps["balanced"][0], float(exploration_weight))
        budgets = allocate(relevance, lod, total_budget)
        return Allocation(
            information=maps["information"][0],
            perspectival=maps["perspectival"][0],
            participatory=maps["participatory"][0],
            balanced=maps["balanced"][0],
            relevance=relevance,
            weights=maps["weights"][0],
            budgets=budgets,
            lod=lod,
            total_budget=int(total_budget),
            processing_ms=(time.perf_counter() - started) * 1000.0,
        )
