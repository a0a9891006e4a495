"""The torch path (full-resolution upstream recipe) against the NumPy path. Skipped without torch."""

import numpy as np
import pytest
from conftest import scene

torch = pytest.importorskip("torch")

from arr_coc.realizing import RelevanceRealizer  # noqa: E402
from arr_coc.torch_path import TorchRealizer  # noqa: E402


def test_torch_cpu_matches_numpy():
    realizer = RelevanceRealizer(seed=3)
    images = np.stack([scene(0), scene(1)])
    queries = np.stack([realizer.query_encoder.encode("a"), realizer.query_encoder.encode("b c")])
    expected = realizer.relevance_maps(images, queries)
    actual = TorchRealizer(realizer, device="cpu", dtype=torch.float64).relevance_maps(images, queries)
    for name, value in expected.items():
        np.testing.assert_allclose(actual[name], value, rtol=1e-9, atol=1e-9, err_msg=name)
