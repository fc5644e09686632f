"""Time the exact and band-accuracy size searches against the a-priori work bound that limits them.

    python benchmarks/bench_exact_bound.py [--repeats 3] [--timeout 30]

The exact size (``sample_size(method="exact")``, beside the normal sizes in ``size``) and the
band-accuracy size (``size --criterion bands``) search every sample size up to a tail bound,
``Criterion.search_sizes`` in ``sampling/_exact_size.py``; their cost grows about as its square.
Designs whose bound exceeds ``SEARCH_LIMITS`` are not searched (``size`` says so and prints the
normal sizes). This script lifts the limits and times designs at chosen bounds, each in a fresh
process (the searches are cached within a process, so only a cold run is a fair one), and prints
the median wall time of the search: the figures from which the limits were chosen. Not a test:
timings on a shared machine are noisy, so they are measured here and reported, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# one design, cold: the search under the lifted limit, its time on the last line
_SNIPPET = """
import sys, time
from fractions import Fraction
from sampling import _exact_size as engine, sample_size
from sampling.size import _exact_margin, _exact_size, sample_size_for_bands
engine.SEARCH_LIMITS.update(margin=10**9, bands=10**9)
sample_size(57)  # the imports, outside the timing
kind, target, deviation, population = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
population = None if population == "inf" else int(population)
start = time.perf_counter()
if kind == "margin":
    n, _ = _exact_size(population, target, deviation)
    _exact_margin(n, population, target)
else:
    distance = deviation * 100 + 0.5
    sample_size_for_bands(population, accuracy=target, distance=distance)
print(time.perf_counter() - start)
"""

DESIGNS = {  # criterion: (targets, tail bounds, populations)
    "margin": ((0.8, 0.95), (1000, 1200, 1500, 2000), ("inf", "1000")),
    "bands": ((0.8,), (2000, 3000, 4000, 6000), ("inf", "1000")),
}


def deviation_at(target: float, bound: int) -> float:
    """The deviation whose tail bound (Criterion.certain(None)) is ``bound``."""
    return math.sqrt(math.log(2 / (1 - target)) / 2 / (bound - 1e-6))


def one(kind: str, target: float, deviation: float, population: str, timeout: float) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        command = [sys.executable, "-c", _SNIPPET, kind, str(target), repr(deviation), population]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
                                check=True)
    except subprocess.TimeoutExpired:
        return math.inf
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--kind", choices=tuple(DESIGNS), default=None)
    parser.add_argument("--targets", default=None, metavar="T1,T2",
                        help="only these confidences or accuracies")
    parser.add_argument("--bounds", default=None, metavar="B1,B2",
                        help="only these tail bounds (search_sizes)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sampling._exact_size import SEARCH_LIMITS

    print(f"limits now: {SEARCH_LIMITS} (search_sizes at or below them are searched)")
    for kind, (targets, bounds, populations) in DESIGNS.items():
        if args.kind not in (None, kind):
            continue
        targets = targets if args.targets is None else [float(t) for t in args.targets.split(",")]
        bounds = bounds if args.bounds is None else [int(b) for b in args.bounds.split(",")]
        for target in targets:
            for bound in bounds:
                deviation = deviation_at(target, bound)
                what = (f"margin {deviation * 100:.2f} points" if kind == "margin"
                        else f"distance {deviation * 100 + 0.5:.2f} points")
                for population in populations:
                    times = [one(kind, target, deviation, population, args.timeout)
                             for _ in range(args.repeats)]
                    median = statistics.median(times)
                    shown = f">{args.timeout:.0f}" if math.isinf(median) else f"{median:.2f}"
                    print(f"{kind:<6} target {target:<4} search_sizes {bound:>5} ({what}), "
                          f"N = {population:>4}: median of {args.repeats} {shown} s", flush=True)


if __name__ == "__main__":
    main()
