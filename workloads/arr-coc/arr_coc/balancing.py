"""Opponent processing (upstream balancing.py) and the guide's exploit <-> explore weight."""

import numpy as np

from .layers import init_linear

_MINMAX_EPS = 1e-8


def map_summaries(score_map: np.ndarray) -> np.ndarray:
    """(B, G, G) -> (B, 3): mean, max and unbiased std, as upstream's compute_score_summaries."""
    flat = score_map.reshape(score_map.shape[0], -1)
    return np.stack([flat.mean(axis=1), flat.max(axis=1), flat.std(axis=1, ddof=1)], axis=1)


class TensionBalancer:
    """Weights the three ways of knowing from their map statistics and the query.

    Upstream: [9 statistics | query] -> Linear(9+D, 128), ReLU, Linear(128, 128), ReLU,
    Linear(128, 3), softmax; the weighted sum of the maps is then min-max normalised over the batch.
    """

    hidden = 128

    def __init__(self, query_dim: int, seed: int = 0):
        rng = np.random.default_rng([seed, 2])
        self.query_dim = query_dim
        self.w1, self.b1 = init_linear(rng, 9 + query_dim, self.hidden)
        self.w2, self.b2 = init_linear(rng, self.hidden, self.hidden)
        self.w3, self.b3 = init_linear(rng, self.hidden, 3)

    def weights(self, info, persp, partic, queries) -> np.ndarray:
        """(B, G, G) x3, (B, D) -> (B, 3) softmax weights for (info, persp, partic)."""
        summaries = np.concatenate([map_summaries(info), map_summaries(persp), map_summaries(partic)], axis=1)
        x = np.concatenate([summaries, queries], axis=1)
        x = np.maximum(x @ self.w1.T + self.b1, 0.0)
        x = np.maximum(x @ self.w2.T + self.b2, 0.0)
        logits = x @ self.w3.T + self.b3
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def balance(self, info, persp, partic, queries) -> tuple[np.ndarray, np.ndarray]:
        """-> (balanced (B, G, G) in [0, 1], weights (B, 3))."""
        w = self.weights(info, persp, partic, queries)[:, :, None, None]
        combined = w[:, 0] * info + w[:, 1] * persp + w[:, 2] * partic
        balanced = (combined - combined.min()) / (combined.max() - combined.min() + _MINMAX_EPS)
        return balanced, w[:, :, 0, 0]


def explore_exploit(relevance: np.ndarray, exploration_weight: float) -> np.ndarray:
    """The guide's exploit <-> explore tension (upstream only has a constant 0.5 placeholder).

    Exploit (weight 0) keeps the balanced relevance; explore (weight 1) treats every patch as fully
    worth a look. In between, relevance is pulled towards 1, which shrinks the ratios between patches,
    so tokens spread more evenly (and, under a total budget, the budget is spent more evenly).
    """
    if not 0.0 <= exploration_weight <= 1.0:
        raise ValueError(f"exploration_weight must be in [0, 1], got {exploration_weight}")
    return (1.0 - exploration_weight) * relevance + exploration_weight
