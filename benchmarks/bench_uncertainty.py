"""Time rating_distribution for a whole report (bar: 10 ms median) beside a Monte Carlo estimate
of the same distribution to three decimals; and the large inputs that must answer in about a
second whatever the population (bar: 1 s median each).

    python benchmarks/bench_uncertainty.py

Three decimals of a probability need a standard error of about 0.0005/2, i.e. some 10^6 draws
for p near 1/2; the Monte Carlo here draws each key question's rate from its Beta posterior and
applies the rules, vectorised in numpy. Prints medians and the ratio.
"""

from __future__ import annotations

import numpy as np
from _timing import median_seconds

from sampling import load_report
from sampling.discretion import assess_discretion, compare_rules
from sampling.uncertainty import (
    band_probabilities,
    interval,
    interval_table,
    monte_carlo_score,
    rating_distribution,
)

REPS = 1_000_000

#: Calls that once ran out of memory or time with a large population (an audit: 24 GB and killed,
#: over a minute, over five minutes); each must now answer in about a second.
LARGE = {
    "interval(5, 11, population=10**9)": lambda: interval(5, 11, population=10**9),
    "band_probabilities(13, 20, population=10**9)": lambda: band_probabilities(13, 20, population=10**9),
    "compare_rules(n=11, population=10**9)": lambda: compare_rules(n=11, population=10**9),
    "interval_table(45, population=10**9)": lambda: interval_table(45, population=10**9),
    "rating_distribution(essex-2018, finite, populations 10**9)":
        lambda: rating_distribution("essex-2018", mode="finite",
                                    populations={"court": 10**9, "out_of_court": 10**9}),
    "assess_discretion(essex-2018, finite, populations 10**9)":
        lambda: assess_discretion("essex-2018", mode="finite",
                                  populations={"court": 10**9, "out_of_court": 10**9}),
}


def _typo_report() -> str:
    """Cambridgeshire 2023 with ``court = 100000000`` (a typo), written to a temporary file."""
    import tempfile
    from pathlib import Path

    reports = Path(__file__).resolve().parents[1] / "sampling" / "data" / "reports"
    source = reports / "cambridgeshire-2023.toml"
    text = source.read_text(encoding="utf-8").replace("court = 17", "court = 100000000")
    handle = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, encoding="utf-8")
    handle.write(text.replace('id = "cambridgeshire-2023"', 'id = "typo"'))
    handle.close()
    return handle.name


def large_inputs() -> None:
    import time

    from sampling import SamplingError

    interval(1, 2, population=5), band_probabilities(1, 2, population=5), compare_rules(n=3)  # imports
    for name, call in LARGE.items():
        start = time.perf_counter()
        call()  # the first call fills the rules' lookup tables
        first = time.perf_counter() - start
        seconds = median_seconds(call, 5)
        print(f"{name}: first call {first * 1000:.1f} ms, then {seconds * 1000:.1f} ms (median of 5; "
              f"bar 1 s: {'met' if max(first, seconds) < 1 else 'MISSED'})")
    typo = _typo_report()

    def refused():
        try:
            assess_discretion(typo)
        except SamplingError:
            return
        raise AssertionError("the typo was not refused")

    seconds = median_seconds(refused, 5)
    print(f"discretion on a report with court = 100000000: refused in {seconds * 1000:.1f} ms "
          "(an implausible sample)")


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
    large_inputs()


if __name__ == "__main__":
    main()
