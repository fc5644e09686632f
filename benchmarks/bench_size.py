"""Time the size functions at small and huge populations (bar: about a second each, any N).

    python benchmarks/bench_size.py

Prints the median of several runs of each call, and the ratio to the normal method. Results are
cached within a session (a repeated call is cheaper), so the first of the five runs is the cold
one and the median a warm one; the cold times are printed too. Not a test:
timings on a shared machine are noisy, so they are measured here and reported, never asserted.
"""

from __future__ import annotations

from _timing import median_seconds

from sampling import band_accuracy, compare_sample_sizes, margin_of_error, sample_size, sample_size_for_bands

CALLS = [
    ("sample_size(N, method='exact')", lambda n: sample_size(n, method="exact")),
    ("margin_of_error(min(N - 1, 180), N, method='exact')",
     lambda n: margin_of_error(min(n - 1, 180), n, method="exact")),
    ("compare_sample_sizes(N)", lambda n: compare_sample_sizes(n)),
    ("sample_size(N, policy='hmip-2025-children')", lambda n: sample_size(n, policy="hmip-2025-children")),
    ("sample_size_for_bands(N)", lambda n: sample_size_for_bands(n)),
    ("band_accuracy(min(N - 1, 111), N)", lambda n: band_accuracy(min(n - 1, 111), n)),
]


def main() -> None:
    sample_size(1000, method="exact")  # warm the imports and tables
    sample_size_for_bands(1000)
    worst = 0.0
    for population in (57, 1_000, 100_000, 10**9):
        normal = median_seconds(lambda p=population: sample_size(p), 7)
        print(f"N = {population:,}: normal sample_size {normal * 1000:.3f} ms")
        for label, call in CALLS:
            cold = median_seconds(lambda p=population, c=call: c(p), 1)
            seconds = median_seconds(lambda p=population, c=call: c(p), 5)
            worst = max(worst, cold, seconds)
            print(f"  {label:<52} cold {cold * 1000:8.1f} ms, median of 5 {seconds * 1000:8.1f} ms, "
                  f"{seconds / normal:,.0f}x normal")
    print(f"bar: every call under about 1 s -> slowest {worst:.3f} s ({'met' if worst < 1 else 'MISSED'})")


if __name__ == "__main__":
    main()
