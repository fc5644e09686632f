"""Time rating_distribution for a whole report (bar: 10 ms median) beside a Monte Carlo estimate
of the same distribution to three decimals.

    python benchmarks/bench_uncertainty.py

Three decimals of a probability need a standard error of about 0.0005/2, i.e. some 10^6 draws
for p near 1/2; the Monte Carlo here draws each key question's rate from its Beta posterior and
applies the rules, vectorised in numpy. Prints medians and the ratio.
"""

from __future__ import annotations

import numpy as np
from _timing import median_seconds

from sampling import load_report
from sampling.uncertainty import monte_carlo_score, rating_distribution

REPS = 1_000_000


def main() -> None:
    rng = np.random.default_rng(1)
    for report_id in ("essex-2018", "cambridgeshire-2023"):
        report = load_report(report_id)
        rating_distribution(report)  # warm imports
        exact_s = median_seconds(lambda r=report: rating_distribution(r), 51)
        finite_s = median_seconds(lambda r=report: rating_distribution(r, mode="finite"), 21)
        mc_s = median_seconds(lambda r=report: monte_carlo_score(r, reps=REPS, rng=rng), 3)
        exact = rating_distribution(report).score.to_numpy()
        mc = monte_carlo_score(report, reps=REPS, rng=rng).to_numpy()
        print(f"{report_id}: exact {exact_s * 1000:.2f} ms (median of 51; finite mode "
              f"{finite_s * 1000:.2f} ms); Monte Carlo ({REPS:,} draws) {mc_s * 1000:.0f} ms; "
              f"ratio {mc_s / exact_s:,.0f}x; largest |exact - MC| over the score = "
              f"{np.abs(exact - mc).max():.4f}")
        print(f"  bar: 10 ms median -> {'met' if exact_s < 0.010 else 'MISSED'}")


if __name__ == "__main__":
    main()
