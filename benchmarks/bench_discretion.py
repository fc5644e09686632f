"""Simulation speed: key-question judgements per second, 100,000 inspections of a report, and the
correlated path (shared case quality) against the independent one.

    python benchmarks/bench_discretion.py

Targets: at least 10 million simulated key-question judgements a second on one core, so
that 100,000 simulated inspections of a whole report take under a second. A "key-question
judgement" is one key question's result in one simulated inspection (its count of "yes" among n
cases); the case-level yes/no judgements behind them are printed too. numpy's own binomial
generator is timed beside it as the reference ceiling. Medians of 7 runs.
"""

from __future__ import annotations

import numpy as np
from _timing import median_seconds

from sampling.discretion import simulate

REPS = 100_000




def main() -> None:
    rng = np.random.default_rng(0)
    draws = 2_000_000
    binom_s = median_seconds(lambda: rng.binomial(30, 0.7, size=draws))
    print(f"numpy binomial generator: {draws / binom_s / 1e6:.1f} million draws/s (reference ceiling)")
    for rule in (None, "within_points(5)", "cases(1)", "interval(0.8)", "posterior(0.5)"):
        simulate("essex-2018", rule=rule, reps=1_000, rng=1)  # warm caches and imports
        result = simulate("essex-2018", rule=rule, reps=REPS, rng=1)
        seconds = median_seconds(lambda r=rule: simulate("essex-2018", rule=r, reps=REPS, rng=1))
        rate = result.judgements / seconds / 1e6
        ceiling = draws / binom_s / 1e6
        print(f"essex-2018, rule {rule or 'none':<16}: {REPS:,} inspections in {seconds:.3f} s; "
              f"{rate:5.1f} M key-question judgements/s ({rate / ceiling:.2f}x numpy binomial); "
              f"{result.case_judgements / seconds / 1e6:,.0f} M case judgements/s")
    correlated_against_independent()


def correlated_against_independent() -> None:
    """Shared case quality (case_correlation = 0.5) against independent key questions, both for
    100,000 inspections of Essex 2018, without a rule and with cases(1): medians and the ratio
    (bar: the correlated path within 3x of the independent one)."""
    for rule in (None, "cases(1)"):
        def independent(r=rule):
            return simulate("essex-2018", rule=r, reps=REPS, rng=1)

        def correlated(r=rule):
            return simulate("essex-2018", rule=r, case_correlation=0.5, reps=REPS, rng=1)

        correlated()  # warm the caches
        plain_s, shared_s = median_seconds(independent, 7), median_seconds(correlated, 7)
        ratio = shared_s / plain_s
        print(f"essex-2018, rule {rule or 'none':<8}: independent {plain_s:.3f} s, case_correlation = 0.5 "
              f"{shared_s:.3f} s (medians of 7, {REPS:,} inspections); ratio {ratio:.2f}x "
              f"(bar 3x: {'met' if ratio <= 3 else 'MISSED'})")


if __name__ == "__main__":
    main()
