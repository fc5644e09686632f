"""Every interval method, band probability and rating distribution against an independent
computation: statsmodels' ``proportion_confint`` for the binomial intervals, exact rational
enumeration of the hypergeometric for the finite ones, a plain enumeration of the beta-binomial
(and mpmath at 30 digits) for the finite band probabilities, a Monte Carlo of 200,000 draws for the
overall rating distribution of each bundled report, closed-form binomial sums for the probability
that a discretion rule fires; the coverage that ``methodology/band-uncertainty.md`` quotes; and
answers for very large populations against their binomial limit."""

from __future__ import annotations

import importlib.util
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import beta as beta_distribution
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint

from sampling import Rating, SamplingError, load_report, rules
from sampling.discretion import assess_discretion, compare_rules, operating_characteristic, simulate
from sampling.framework import BAND_LOWER_BOUNDS, band, overall_probabilities, percent, proportion_cutoffs
from sampling.uncertainty import (
    band_probabilities,
    hypergeometric_pmf,
    interval,
    interval_table,
    monte_carlo_score,
    rating_distribution,
    report_uncertainty,
)

ROOT = Path(__file__).resolve().parents[1]
LABELS = Rating.labels()
STATSMODELS = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys",
               "agresti-coull": "agresti_coull"}

# --------------------------------------------------------------------------------------------
# binomial intervals: statsmodels 0.15 proportion_confint


@pytest.mark.parametrize("confidence", [0.80, 0.90, 0.95])
@pytest.mark.parametrize("method", STATSMODELS)
def test_binomial_intervals_against_statsmodels_for_every_count(method, confidence):
    for n in range(1, 61):
        table = interval_table(n, method=method, confidence=confidence)
        k = np.arange(n + 1)
        low, high = proportion_confint(k, n, alpha=1 - confidence, method=STATSMODELS[method])
        low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
        if method == "jeffreys":  # Brown, Cai and DasGupta (2001), section 4.1.2: the end-point adjustment
            low, high = np.where(k == 0, 0.0, low), np.where(k == n, 1.0, high)
        assert table["low"].to_numpy() == pytest.approx(low, abs=1e-12)
        assert table["high"].to_numpy() == pytest.approx(high, abs=1e-12)
        for kk in (0, n // 3, n):  # the one-count function gives the same numbers
            one = interval(kk, n, method=method, confidence=confidence)
            assert (one.low, one.high) == (table.loc[kk, "low"], table.loc[kk, "high"])


def test_jeffreys_end_points():
    assert interval(5, 5, method="jeffreys").high == 1.0  # statsmodels gives 0.9985: excludes 5 of 5
    assert interval(0, 5, method="jeffreys").low == 0.0


# --------------------------------------------------------------------------------------------
# finite intervals: the definition enumerated in exact rational arithmetic


def _exact_bounds(k: int, n: int, population: int, half_alpha: Fraction) -> tuple[int, int]:
    """L = min{K : P(X >= k | K) > alpha/2}, U = max{K : P(X <= k | K) > alpha/2}, in Fractions."""
    total = math.comb(population, n)
    upper, lower = [], []
    for good in range(population + 1):
        pmf = [Fraction(math.comb(good, x) * math.comb(population - good, n - x), total) for x in range(n + 1)]
        upper.append(sum(pmf[k:]))
        lower.append(sum(pmf[: k + 1]))
    return (min(K for K in range(population + 1) if upper[K] > half_alpha),
            max(K for K in range(population + 1) if lower[K] > half_alpha))


def test_finite_interval_ties_are_not_widened():
    # 1 - 0.8 is 0.19999999999999996 in floating point; the definition's tails at a tie are equal to
    # alpha/2 and must be excluded: 5 of 8 from 16 tops at 12/16, 0 of 3 from 5 is [0, 0.2]
    assert interval(5, 8, population=16).high == 12 / 16
    got = interval(0, 3, population=5)
    assert (got.low, got.high) == (0.0, 0.2)
    assert _exact_bounds(5, 8, 16, Fraction(1, 10))[1] == 12
    assert _exact_bounds(0, 3, 5, Fraction(1, 10)) == (0, 1)


@pytest.mark.parametrize(("confidence", "half_alpha"), [(0.80, Fraction(1, 10)), (0.90, Fraction(1, 20))])
def test_finite_intervals_equal_exact_rational_enumeration(confidence, half_alpha):
    for population in range(1, 21):
        for n in range(1, population + 1):
            table = interval_table(n, population=population, confidence=confidence)
            for k in range(n + 1):
                low, high = _exact_bounds(k, n, population, half_alpha)
                assert round(table.loc[k, "low"] * population) == low, (k, n, population)
                assert round(table.loc[k, "high"] * population) == high, (k, n, population)


def test_finite_interval_for_a_larger_population_by_exact_enumeration():
    table = interval_table(25, population=300)
    for k in (0, 3, 12, 20, 25):
        assert (round(table.loc[k, "low"] * 300), round(table.loc[k, "high"] * 300)) == \
            _exact_bounds(k, 25, 300, Fraction(1, 10))


def test_hypergeometric_pmf_against_exact_fractions():
    for population, good, n in [(16, 7, 8), (300, 120, 25), (10**6, 412_345, 11)]:
        exact = [Fraction(math.comb(good, x) * math.comb(population - good, n - x), math.comb(population, n))
                 for x in range(n + 1)]
        got = hypergeometric_pmf(n, [good], population)[0]
        assert got == pytest.approx([float(v) for v in exact], rel=1e-12, abs=1e-300)


# --------------------------------------------------------------------------------------------
# band probabilities: the beta-binomial predictive enumerated by hand


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _finite_bands_by_enumeration(k: int, n: int, population: int, a: float, b: float) -> np.ndarray:
    unseen = population - n
    result = np.zeros(4)
    for y in range(unseen + 1):
        log_w = (math.lgamma(unseen + 1) - math.lgamma(y + 1) - math.lgamma(unseen - y + 1)
                 + _log_beta(a + k + y, b + n - k + unseen - y) - _log_beta(a + k, b + n - k))
        result[int(band(percent(k + y, population)))] += math.exp(log_w)
    return result


def test_finite_band_probabilities_by_enumeration_on_a_grid():
    for population in (9, 20, 41, 60):
        for n in sorted({1, population // 3, population - 1, population}):
            for k in sorted({0, n // 2, n}):
                for prior, (a, b) in (("jeffreys", (0.5, 0.5)), ("uniform", (1.0, 1.0)), ((2.0, 3.0), (2.0, 3.0))):
                    got = band_probabilities(k, n, population=population, prior=prior)
                    assert got.sum() == pytest.approx(1.0, abs=1e-12)
                    expected = _finite_bands_by_enumeration(k, n, population, a, b)
                    assert got.to_numpy() == pytest.approx(expected, abs=1e-11), (k, n, population, prior)


def test_finite_band_probabilities_beyond_the_case_by_case_sum():
    # above 20,000 unseen cases the predictive is integrated; the plain sum still agrees
    for k, n, population in [(13, 20, 20_100), (3, 11, 30_011), (40, 45, 25_045)]:
        got = band_probabilities(k, n, population=population)
        assert got.sum() == pytest.approx(1.0, abs=1e-12)
        assert got.to_numpy() == pytest.approx(_finite_bands_by_enumeration(k, n, population, 0.5, 0.5), abs=1e-9)


def test_beta_binomial_tail_against_mpmath():
    import mpmath

    from sampling.uncertainty import _beta_binomial_at_least

    mpmath.mp.dps = 30
    for y, unseen, a, b in [(15_000, 30_000, 13.5, 7.5), (29_990, 30_000, 0.5, 40.5), (3, 30_000, 0.5, 20.5)]:
        p = mpmath.binomial(unseen, y) * mpmath.beta(y + a, unseen - y + b) / mpmath.beta(a, b)
        total = p
        for j in range(y, unseen):
            p = p * (unseen - j) / (j + 1) * (j + a) / (unseen - j - 1 + b)
            total += p
        assert _beta_binomial_at_least(y, unseen, a, b) == pytest.approx(float(total), abs=1e-13)


def test_process_band_probabilities_are_beta_posterior_on_a_grid():
    cuts = proportion_cutoffs()
    for n in (1, 8, 11, 17, 45):
        for k in range(n + 1):
            expected = np.diff([0.0, *beta_distribution.cdf(cuts, k + 0.5, n - k + 0.5), 1.0])
            assert band_probabilities(k, n).to_numpy() == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------------
# the overall rating of each bundled report: 200,000 Monte Carlo draws


@pytest.mark.parametrize("mode", ["process", "finite"])
def test_overall_rating_distribution_against_monte_carlo(report_id, mode):
    reps = 200_000
    exact = rating_distribution(report_id, mode=mode)
    report = load_report(report_id)
    score = monte_carlo_score(report_id, reps=reps, rng=20_231_023, mode=mode).to_numpy()
    simulated = overall_probabilities(score, report.framework, report.limiting)
    assert exact.overall.sum() == pytest.approx(1.0, abs=1e-12)
    for p, q in zip(exact.overall.to_numpy(), simulated, strict=True):
        assert abs(p - q) <= 5 * math.sqrt(p * (1 - p) / reps) + 1e-9, (report_id, mode)


# --------------------------------------------------------------------------------------------
# the probability that a rule fires: closed-form binomial sums


def _fires_by_hand(name: str, k: int, n: int) -> bool:
    """Whether the rule fires upwards on k of n, from the framework's rounding and bands only."""
    rating = int(band(percent(k, n)))
    if rating == len(Rating) - 1 or name == "strict":
        return False
    next_lower = list(BAND_LOWER_BOUNDS.values())[rating]
    cut = proportion_cutoffs()[rating]
    if name == "within_points(5)":
        return next_lower - percent(k, n) <= 5
    if name == "cases(1)":
        return k < n and int(band(percent(k + 1, n))) > rating
    if name == "interval(0.8)":
        return proportion_confint(k, n, alpha=0.2, method="wilson")[1] >= cut - 1e-12
    return beta_distribution.sf(cut, k + 0.5, n - k + 0.5) >= 0.5 - 1e-12  # posterior(0.5)


@pytest.mark.parametrize("name", [rule.name for rule in rules.default_rules()])
def test_fire_rate_is_a_binomial_sum(name):
    rates = [0.3, 0.47, 0.5, 0.62, 0.66, 0.78, 0.9]
    for n in (8, 11, 17):
        oc = operating_characteristic(n, rule=name, rates=rates)
        for rate in rates:
            expected = sum(math.comb(n, k) * rate**k * (1 - rate) ** (n - k)
                           for k in range(n + 1) if _fires_by_hand(name, k, n))
            assert oc.loc[rate, "fire_rate"] == pytest.approx(expected, abs=1e-12), (n, rate)


def test_fire_rate_of_the_cases_rule_for_two_key_questions():
    # cases(1) fires on (k1, k2) when the changes the key questions below the next band need add up to 1
    n, rate = 11, 0.62
    pmf = binom.pmf(np.arange(n + 1), n, rate)
    expected = 0.0
    for k1 in range(n + 1):
        for k2 in range(n + 1):
            rating = min(int(band(percent(k1, n))), int(band(percent(k2, n))))
            if rating == len(Rating) - 1:
                continue
            needed = 0
            for k in (k1, k2):
                if int(band(percent(k, n))) <= rating:
                    needed += min((j for j in range(k, n + 1) if int(band(percent(j, n))) > rating), default=99) - k
            if needed <= 1:
                expected += pmf[k1] * pmf[k2]
    oc = operating_characteristic(n, rule="cases(1)", rates=[rate], key_questions=2)
    assert oc["fire_rate"].iloc[0] == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------------
# coverage: the numbers the methodology quotes come from the committed script


def _coverage_script():
    spec = importlib.util.spec_from_file_location("interval_coverage", ROOT / "scripts" / "interval_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_quoted_in_the_methodology_is_the_scripts():
    rows = {row["method"]: row for row in _coverage_script().summary()}
    text = (ROOT / "methodology" / "band-uncertainty.md").read_text(encoding="utf-8")
    for method, row in rows.items():
        found = re.search(rf"^\| {re.escape(method)} \| ([0-9.]+) \| ([0-9.]+) \|", text, flags=re.MULTILINE)
        assert found, method
        assert (float(found.group(1)), float(found.group(2))) == (round(row["minimum"], 3), round(row["mean"], 3))
    assert rows["clopper-pearson"]["minimum"] >= 0.80 - 1e-9
    assert rows["hypergeometric"]["minimum"] >= 0.80 - 1e-9
    assert rows["wilson"]["minimum"] < 0.70 < rows["wilson"]["mean"]  # 80 % on average only
    assert rows["jeffreys"]["minimum"] > 0.5 > rows["jeffreys-unadjusted"]["minimum"]


# --------------------------------------------------------------------------------------------
# very large populations: bounded, and equal to the binomial limit


def test_finite_interval_of_a_huge_population_is_the_binomial_limit():
    got = interval(5, 11, population=10**9)
    limit = interval(5, 11, method="clopper-pearson")
    assert (got.low, got.high) == pytest.approx((limit.low, limit.high), abs=1e-6)
    table = interval_table(11, population=10**9)
    limits = interval_table(11, method="clopper-pearson")
    assert np.allclose(table[["low", "high"]].to_numpy(), limits[["low", "high"]].to_numpy(), atol=1e-6)


def test_band_probabilities_of_a_huge_population_are_the_process_limit():
    got = band_probabilities(13, 20, population=10**9)
    assert got.sum() == pytest.approx(1.0, abs=1e-12)
    assert got.to_numpy() == pytest.approx(band_probabilities(13, 20).to_numpy(), abs=1e-6)
    dist = rating_distribution("essex-2018", mode="finite", populations={"court": 10**9, "out_of_court": 10**9})
    assert dist.overall.to_numpy() == pytest.approx(rating_distribution("essex-2018").overall.to_numpy(), abs=1e-6)


def test_rules_and_curves_of_a_huge_population_are_the_binomial_limit():
    names = ["strict", "within_points(5)", "cases(1)", "posterior(0.5)"]
    huge = compare_rules([*names, "interval(0.8)"], n=11, population=10**9)
    limit = compare_rules([*names, rules.interval(0.8, "clopper-pearson")], n=11)
    assert np.allclose(huge.to_numpy(), limit.to_numpy(), atol=1e-6)
    oc = operating_characteristic(11, population=10**9, judgement_error=0.1, rates=[0.3, 0.62, 0.9])
    process = operating_characteristic(11, judgement_error=0.1, rates=[0.3, 0.62, 0.9])
    assert np.allclose(oc[LABELS].to_numpy(), process[LABELS].to_numpy(), atol=1e-6)
    result = simulate([0.6, 0.7], 11, population=10**9, case_correlation=0.3, reps=2_000, rng=1)
    assert int(result.confusion.to_numpy().sum()) == 2_000


def test_an_implausible_sample_is_refused_clearly(write_toml):
    text = (ROOT / "sampling" / "data" / "reports" / "cambridgeshire-2023.toml").read_text(encoding="utf-8")
    typo = write_toml(text.replace("court = 17", "court = 100000000").replace('id = "cambridgeshire-2023"',
                                                                           'id = "typo"'))
    # refused when the file is loaded, so that every analysis agrees
    for analysis in (assess_discretion, report_uncertainty, lambda r: simulate(r, reps=10)):
        with pytest.raises(SamplingError, match=r"samples\.court: 100,000,000 cases is not a plausible inspection "
                                                r"sample"):
            analysis(typo)
    with pytest.raises(SamplingError, match="not a plausible inspection sample"):
        operating_characteristic(1001)
