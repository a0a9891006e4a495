"""Seeded initialisation shared by the learned layers.

Upstream never loads trained weights: its scorers start random at every launch. Here they start from a
seed, drawn like PyTorch's default for Linear/Conv (uniform in +-1/sqrt(fan_in)), so results repeat.
"""

import numpy as np


def init_linear(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Weight (fan_out, fan_in) and bias (fan_out,), both uniform in +-1/sqrt(fan_in)."""
    bound = 1.0 / np.sqrt(fan_in)
    weight = rng.uniform(-bound, bound, size=(fan_out, fan_in))
    bias = rng.uniform(-bound, bound, size=fan_out)
    return weight, bias
