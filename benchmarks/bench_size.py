"""Time sample_size(method="exact") for N = 100,000 (bar: under 1 s), beside the normal method.

    python benchmarks/bench_size.py

Prints the median of several runs and the ratio exact / normal. Not a test: timings on a shared
machine are noisy, so they are measured here and reported, never asserted.
"""

from __future__ import annotations

from _timing import median_seconds

from sampling.size import sample_size


def main() -> None:
    sample_size(1000, method="exact")  # warm the imports
    for population in (1_000, 10_000, 100_000):
        exact = median_seconds(lambda p=population: sample_size(p, method="exact"), 7)
        normal = median_seconds(lambda p=population: sample_size(p), 7)
        n_exact = sample_size(population, method="exact").n
        print(f"N = {population:>7,}: exact n = {n_exact} in {exact * 1000:8.1f} ms (median of 7); "
              f"normal n = {sample_size(population).n} in {normal * 1000:.3f} ms; "
              f"ratio {exact / normal:,.0f}x")
    exact = median_seconds(lambda: sample_size(100_000, method="exact"), 7)
    print(f"bar: exact for N = 100,000 under 1 s -> {exact:.3f} s "
          f"({'met' if exact < 1 else 'MISSED'}, {1 / exact:.1f}x headroom)")


if __name__ == "__main__":
    main()
