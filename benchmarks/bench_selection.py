"""Selection speed and balance: N = 10,000, n = 500, four variables (bar: 0.15 s median and at most
one case of deviation), and N = 250,000 (a national case list; bar: under 5 s).

    python benchmarks/bench_selection.py

For reference, the issue reports R's sampling::samplecube at 1.5 s and 0.9 cases for the first
size on this machine (R is not installed here, so it is not re-run). Medians of several runs.
"""

from __future__ import annotations

import statistics
import time

from sampling.selection import select
from sampling.synthetic import case_list


def main() -> None:
    for population, n, repeats in ((10_000, 500, 11), (250_000, 500, 3)):
        cases = case_list(population, rng=1)
        select(cases, n, rng=0)  # warm imports
        times, deviations = [], []
        for seed in range(repeats):
            start = time.perf_counter()
            chosen = select(cases, n, rng=seed)
            times.append(time.perf_counter() - start)
            deviations.append(chosen.largest_deviation)
        median = statistics.median(times)
        bar = 0.15 if population == 10_000 else 5.0
        print(f"N = {population:>7,}, n = {n}: median {median:.3f} s over {repeats} seeds "
              f"(bar {bar} s: {'met' if median < bar else 'MISSED'}; {bar / median:.1f}x headroom); "
              f"largest marginal deviation {max(deviations):.2f} case(s) (bar 1)")
    print("reference: R sampling::samplecube, N = 10,000, n = 500: 1.5 s and 0.9 cases (quoted, not re-run)")


if __name__ == "__main__":
    main()
