"""CPU time per 512x512 image for the ARR-COC NumPy pipeline (image -> token budgets).

Usage: python bench/arr-coc/bench.py [--images 50] [--repeats 3]
Needs the workload's requirements (numpy, pillow), e.g. the venv workloads/arr-coc/test.sh builds.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# As app.py does, unless the caller says otherwise; must precede the NumPy import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "workloads" / "arr-coc"))
from arr_coc.realizing import RelevanceRealizer  # noqa: E402

GOAL_MS = 50.0
QUESTIONS = ["Where is the cat?", "What does the sign say?", "How many people are there?", "Describe the scene."]


def synthetic_image(seed: int, size: int = 512) -> np.ndarray:
    """A photo-like uint8 image: gradient background, random discs and bars, sensor noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    image = np.stack([0.2 + 0.5 * x, 0.3 + 0.4 * y, 0.5 - 0.3 * x * y], axis=-1)
    for _ in range(rng.integers(3, 9)):
        cy, cx, radius = rng.uniform(0.1, 0.9, 2).tolist() + [rng.uniform(0.03, 0.15)]
        image[(y - cy) ** 2 + (x - cx) ** 2 < radius**2] = rng.uniform(0, 1, 3)
    for _ in range(rng.integers(1, 4)):
        top, left = rng.integers(0, size - 64, 2)
        image[top:top + 16, left:left + 64] = rng.uniform(0, 1, 3)
    image += rng.normal(0, 0.03, image.shape)
    return (np.clip(image, 0, 1) * 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3, help="passes over the images; the best pass is reported")
    args = parser.parse_args()

    realizer = RelevanceRealizer(seed=0)
    images = [synthetic_image(seed) for seed in range(args.images)]
    realizer.realize(images[0], QUESTIONS[0])  # warm-up: imports, BLAS threads, caches

    passes = []
    for _ in range(args.repeats):
        cpu_ms, wall_ms = [], []
        for index, image in enumerate(images):
            wall, cpu = time.perf_counter(), time.process_time()
            realizer.realize(image, QUESTIONS[index % len(QUESTIONS)], 64, 400, 0.2)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            wall_ms.append((time.perf_counter() - wall) * 1000)
        passes.append((statistics.mean(cpu_ms), cpu_ms, wall_ms))
    _, cpu_ms, wall_ms = min(passes, key=lambda p: p[0])
    all_cpu = [value for _, values, _ in passes for value in values]

    def p95(values):
        return float(np.percentile(values, 95))

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"images: {args.images} synthetic 512x512, passes: {args.repeats} (best pass shown)")
    print(f"CPU ms/image  mean {statistics.mean(cpu_ms):.2f}  median {statistics.median(cpu_ms):.2f}  p95 {p95(cpu_ms):.2f}")
    print(f"wall ms/image mean {statistics.mean(wall_ms):.2f}  median {statistics.median(wall_ms):.2f}  p95 {p95(wall_ms):.2f}")
    print(f"CPU ms/image over all passes: mean {statistics.mean(all_cpu):.2f}  max {max(all_cpu):.2f}")
    verdict = "meets" if statistics.mean(cpu_ms) <= GOAL_MS else "MISSES"
    print(f"goal <= {GOAL_MS:.0f} ms CPU per image: {verdict}")


if __name__ == "__main__":
    main()
