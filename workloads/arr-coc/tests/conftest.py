import sys
from pathlib import Path

import numpy as np
import pytest

WORKLOAD = Path(__file__).resolve().parents[1]
NETGUARD = Path(__file__).resolve().parent / "netguard"
sys.path[:0] = [str(WORKLOAD), str(NETGUARD)]

import loopback_only  # noqa: E402

loopback_only.install()


def scene(seed: int = 0, size: int = 512) -> np.ndarray:
    """A synthetic photo-like image in [0, 1]: smooth background, a few bright shapes, mild noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    image = np.stack([0.3 + 0.2 * x, 0.35 + 0.1 * y, 0.4 - 0.2 * x * y], axis=-1)
    for _ in range(4):
        cy, cx, radius = rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85), rng.uniform(0.04, 0.12)
        mask = (y - cy) ** 2 + (x - cx) ** 2 < radius**2
        image[mask] = rng.uniform(0.0, 1.0, size=3)
    image += rng.normal(0.0, 0.02, size=image.shape)
    return np.clip(image, 0.0, 1.0)


@pytest.fixture
def scene_image():
    return scene()
