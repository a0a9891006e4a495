"""Three ways of knowing (upstream knowing.py): propositional, perspectival, participatory relevance."""

import numpy as np

from .layers import init_linear

_MINMAX_EPS = 1e-8
_NORMALIZE_EPS = 1e-12  # torch.nn.functional.normalize's default


def information_score(textures: np.ndarray) -> np.ndarray:
    """Propositional: entropy of the softmax over the 13 channels per cell, min-max over the batch.

    (B, 13, G, G) -> (B, G, G) in [0, 1].
    """
    shifted = textures - textures.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    entropy = -(probs * np.log(probs + 1e-10)).sum(axis=1)
    return (entropy - entropy.min()) / (entropy.max() - entropy.min() + _MINMAX_EPS)


def perspectival_score(textures: np.ndarray) -> np.ndarray:
    """Perspectival: the normalised Sobel magnitude (channel 7). (B, 13, G, G) -> (B, G, G)."""
    return textures[:, 7]


class ParticipatoryScorer:
    """Participatory: cosine between a learned per-cell projection of the textures and the query.

    Upstream: Conv1x1(13->64), ReLU, Conv1x1(64->D); L2-normalise features and query over D;
    score = (cos + 1) / 2.
    """

    hidden = 64

    def __init__(self, query_dim: int, seed: int = 0, channels: int = 13):
        rng = np.random.default_rng([seed, 1])
        self.query_dim = query_dim
        self.w1, self.b1 = init_linear(rng, channels, self.hidden)
        self.w2, self.b2 = init_linear(rng, self.hidden, query_dim)
        # The D-dimensional features are never materialised: with F = h W2^T + b2,
        # |F|^2 = h G h^T + 2 h (W2^T b2) + |b2|^2 where G = W2^T W2 is 64x64. Same maths, ~30x cheaper.
        self._gram = self.w2.T @ self.w2
        self._w2_b2 = self.w2.T @ self.b2
        self._b2_sq = float(self.b2 @ self.b2)

    def hidden_features(self, textures: np.ndarray) -> np.ndarray:
        """(B, 13, G, G) -> (B, G*G, 64), the ReLU layer."""
        count, channels, rows, cols = textures.shape
        cells = textures.reshape(count, channels, rows * cols).transpose(0, 2, 1).reshape(-1, channels)
        hidden = np.maximum(cells @ self.w1.T + self.b1, 0.0)
        return hidden.reshape(count, rows * cols, self.hidden)

    def score(self, textures: np.ndarray, queries: np.ndarray) -> np.ndarray:
        """(B, 13, G, G), (B, D) -> (B, G, G) in [0, 1]."""
        count, _, rows, cols = textures.shape
        h = self.hidden_features(textures)
        projected_query = queries @ self.w2  # (B, 64): W2^T q
        dot = np.einsum("bnk,bk->bn", h, projected_query) + (queries @ self.b2)[:, None]
        flat = h.reshape(-1, self.hidden)
        norm_sq = ((flat @ self._gram) * flat).sum(axis=1).reshape(count, -1)
        norm_sq += 2.0 * (h @ self._w2_b2) + self._b2_sq
        feature_norm = np.maximum(np.sqrt(np.maximum(norm_sq, 0.0)), _NORMALIZE_EPS)
        query_norm = np.maximum(np.linalg.norm(queries, axis=1), _NORMALIZE_EPS)[:, None]
        cosine = dot / (feature_norm * query_norm)
        return ((cosine + 1.0) / 2.0).reshape(count, rows, cols)

    def score_direct(self, textures: np.ndarray, queries: np.ndarray) -> np.ndarray:
        """The same score with the D-dimensional features built explicitly (a reference for tests)."""
        count, _, rows, cols = textures.shape
        features = self.hidden_features(textures) @ self.w2.T + self.b2
        features /= np.maximum(np.linalg.norm(features, axis=2, keepdims=True), _NORMALIZE_EPS)
        unit_queries = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), _NORMALIZE_EPS)
        cosine = np.einsum("bnd,bd->bn", features, unit_queries)
        return ((cosine + 1.0) / 2.0).reshape(count, rows, cols)
