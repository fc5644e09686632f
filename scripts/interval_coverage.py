"""Coverage of each interval method at 80 %, by enumeration, for n = 5 to 60 cases.

    PYTHONPATH=$PWD python scripts/interval_coverage.py

For a binomial method the coverage at a true rate p is
C(p) = sum over k of P(X = k | n, p) 1[p in interval(k, n)], X ~ Binomial(n, p) (Brown, Cai and
DasGupta 2001, section 2), on the grid p = 0.001, 0.002, ..., 0.999. For the hypergeometric
interval the truth is a count K of N eligible cases, C(K) = sum over x of P(X = x | N, K, n)
1[K/N in interval(x, n, N)], for every K = 0..N and N = 2n and 4n. Every coverage is exact (no
simulation); the script prints, per method, the minimum and the mean over all the (n, truth)
pairs, and where the minimum falls. ``methodology/band-uncertainty.md`` quotes its output, and
``tests/test_cross_checks.py`` checks the quote against it.
"""

from __future__ import annotations

import numpy as np

from sampling.uncertainty import hypergeometric_pmf, interval_table

CONFIDENCE = 0.80
SIZES = range(5, 61)
RATES = np.round(np.arange(1, 1000) / 1000, 3)
BINOMIAL_METHODS = ("wilson", "agresti-coull", "jeffreys", "jeffreys-unadjusted", "clopper-pearson")


def binomial_coverage(method: str, n: int, rates: np.ndarray = RATES) -> np.ndarray:
    """C(p) for each rate p: the probability that the interval from k of n covers p.

    ``method`` "jeffreys-unadjusted" is statsmodels' Jeffreys interval without the end-point
    adjustment (shown for comparison: its coverage falls towards 0 near p = 0 and 1).
    """
    from scipy.stats import binom
    from statsmodels.stats.proportion import proportion_confint

    if method == "jeffreys-unadjusted":
        low, high = proportion_confint(np.arange(n + 1), n, alpha=1 - CONFIDENCE, method="jeffreys")
    else:
        table = interval_table(n, confidence=CONFIDENCE, method=method)
        low, high = table["low"].to_numpy(), table["high"].to_numpy()
    k = np.arange(n + 1)
    pmf = binom.pmf(k[None, :], n, rates[:, None])
    covered = (low[None, :] - 1e-12 <= rates[:, None]) & (rates[:, None] <= high[None, :] + 1e-12)
    return (pmf * covered).sum(axis=1)


def hypergeometric_coverage(n: int, population: int) -> np.ndarray:
    """C(K) for each K = 0..N: the probability that the interval from x of n (of N) covers K/N."""
    table = interval_table(n, population=population, confidence=CONFIDENCE)
    low = np.round(table["low"].to_numpy() * population).astype(int)
    high = np.round(table["high"].to_numpy() * population).astype(int)
    good = np.arange(population + 1)
    pmf = hypergeometric_pmf(n, good, population)
    covered = (low[None, :] <= good[:, None]) & (good[:, None] <= high[None, :])
    return (pmf * covered).sum(axis=1)


def summary() -> list[dict]:
    """Per method: the minimum and mean coverage, and the (n, truth) of the minimum."""
    rows = []
    for method in BINOMIAL_METHODS:
        values = np.array([binomial_coverage(method, n) for n in SIZES])  # sizes x rates
        where = np.unravel_index(values.argmin(), values.shape)
        rows.append({"method": method, "minimum": float(values.min()), "mean": float(values.mean()),
                     "at": f"n = {SIZES[where[0]]}, p = {RATES[where[1]]:g}"})
    values, worst = [], (2.0, "")
    for n in SIZES:
        for population in (2 * n, 4 * n):
            coverage = hypergeometric_coverage(n, population)
            values.append(coverage)
            if coverage.min() < worst[0]:
                worst = (float(coverage.min()), f"n = {n}, N = {population}, K = {int(coverage.argmin())}")
    every = np.concatenate(values)
    rows.append({"method": "hypergeometric", "minimum": float(every.min()), "mean": float(every.mean()),
                 "at": worst[1]})
    return rows


def main() -> None:
    print(f"coverage at {CONFIDENCE:.0%}, n = {SIZES[0]} to {SIZES[-1]}; binomial methods on "
          "p = 0.001..0.999, hypergeometric on every K of N = 2n and 4n")
    print("| method | minimum | mean | minimum at |")
    print("|---|---|---|---|")
    for row in summary():
        print(f"| {row['method']} | {row['minimum']:.3f} | {row['mean']:.3f} | {row['at']} |")


if __name__ == "__main__":
    main()
