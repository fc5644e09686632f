"""Inclusion frequencies of select's sampler, as a ratio to n/N (methodology/stratified-selection.md).

    python benchmarks/selection_inclusion.py          # several minutes

For each synthetic case list, draws many balanced samples with the same sampler select() uses and
prints the smallest and largest inclusion frequency over the cases divided by n/N, with the Monte
Carlo standard error of that ratio.
"""

from __future__ import annotations

import time

import numpy as np

from sampling.selection import DEFAULT_STRATA, _draw
from sampling.synthetic import case_list

DESIGNS = [(57, 43, 1, 3000, DEFAULT_STRATA), (33, 28, 2, 3000, DEFAULT_STRATA),
           (200, 43, 5, 10000, DEFAULT_STRATA), (60, 20, 1, 15000, DEFAULT_STRATA),
           (60, 20, 1, 4000, ("gender", "rosh"))]


def main() -> None:
    for population, n, seed, reps, strata in DESIGNS:
        cases = case_list(population, rng=seed)
        rng = np.random.default_rng(0)
        counts = np.zeros(population)
        start = time.perf_counter()
        for _ in range(reps):
            counts[_draw(cases, list(strata), n, None, rng)] += 1
        p = n / population
        ratio = counts / reps / p
        se = np.sqrt((1 - p) / (p * reps))
        print(f"N = {population}, n = {n}, {len(strata)} variables, {reps:,} draws "
              f"({time.perf_counter() - start:.0f} s): smallest {ratio.min():.3f}, largest {ratio.max():.3f} "
              f"(standard error {se:.3f})")


if __name__ == "__main__":
    main()
