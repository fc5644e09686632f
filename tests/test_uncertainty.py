"""Intervals, band probabilities, cases to the boundary and exact rating distributions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest, hypergeom
from statsmodels.stats.proportion import proportion_confint

from sampling import SamplingError, load_report
from sampling.framework import Rating, band, percent
from sampling.uncertainty import (
    band_probabilities,
    cases_to_boundary,
    interval,
    rating_distribution,
)

STATSMODELS_METHODS = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys",
                       "agresti-coull": "agresti_coull"}


@pytest.mark.parametrize("method", STATSMODELS_METHODS)
@pytest.mark.parametrize(("k", "n"), [(0, 8), (5, 8), (8, 8), (5, 11), (11, 17), (29, 45)])
def test_binomial_intervals_equal_statsmodels(method, k, n):
    got = interval(k, n, method=method, confidence=0.80)
    low, high = proportion_confint(k, n, alpha=0.20, method=STATSMODELS_METHODS[method])
    if method == "jeffreys":
        # Changed with the bug fix: statsmodels 0.15 gives the plain Beta(k + 1/2, n - k + 1/2) quantiles;
        # the toolkit adds the end-point adjustment of Brown, Cai and DasGupta (2001), section 4.1.2,
        # that its methodology cites (lower bound 0 at k = 0, upper bound 1 at k = n).
        low = 0.0 if k == 0 else low
        high = 1.0 if k == n else high
    assert got.low == pytest.approx(max(low, 0.0), abs=1e-12)
    assert got.high == pytest.approx(min(high, 1.0), abs=1e-12)
    assert got.kind == "process"


def test_binomial_intervals_against_scipy():
    # scipy.stats.binomtest(7, 50).proportion_ci (its documented example, scipy 1.17.1): an implementation
    # independent of statsmodels
    exact = binomtest(7, 50).proportion_ci(confidence_level=0.95, method="exact")
    got = interval(7, 50, confidence=0.95, method="clopper-pearson")
    assert (got.low, got.high) == pytest.approx((exact.low, exact.high), rel=1e-9)
    assert (got.low, got.high) == pytest.approx((0.05819170033997342, 0.26739600249700846), rel=1e-9)
    got = interval(7, 50, confidence=0.95, method="wilson")
    assert (got.low, got.high) == pytest.approx((0.0695083, 0.2618619), abs=1e-7)


@pytest.mark.parametrize(
    ("k", "n", "population", "confidence", "bounds"),
    [
        # samplingbook Sprop, the standard definition (R/Sprop.R at commit 230463b), counts M as
        # recomputed with scipy 1.17.1 from that definition: Sprop(m=45, n=100, N=300) -> [111, 160];
        # Sprop(m=2, n=100, N=300) -> [2, 18]; Sprop(m=50, n=60, N=61) -> [50, 51]
        (45, 100, 300, 0.95, (111, 160)),
        (2, 100, 300, 0.95, (2, 18)),
        (50, 60, 61, 0.95, (50, 51)),
        # the same definition enumerated with scipy 1.17.1 hypergeom: 13/20 of 40 at 80 % -> [21, 30]; 95 % -> [19, 31]
        (13, 20, 40, 0.80, (21, 30)),
        (13, 20, 40, 0.95, (19, 31)),
        (10, 20, 40, 0.80, (16, 24)),
        (16, 20, 40, 0.80, (28, 35)),
        (3, 10, 50, 0.95, (5, 31)),  # samplingbook vignette example, current code (7.2-D)
    ],
)
def test_hypergeometric_interval_reference_values(k, n, population, confidence, bounds):
    got = interval(k, n, population=population, confidence=confidence)
    assert got.method == "hypergeometric" and got.kind == "finite"
    assert (round(got.low * population), round(got.high * population)) == bounds


def test_hypergeometric_coverage_by_exhaustive_enumeration():
    # For every N <= 40, every n, every K: P(K/N in interval(X)) >= confidence.
    worst = 1.0
    for population in range(1, 41):
        for n in range(1, population + 1):
            bounds = [interval(x, n, population=population) for x in range(n + 1)]
            for big_k in range(population + 1):
                x = np.arange(n + 1)
                pmf = hypergeom.pmf(x, population, big_k, n)
                covered = sum(p for xi, p in zip(x, pmf, strict=True) if big_k / population in bounds[xi])
                worst = min(worst, covered)
                assert covered >= 0.80 - 1e-9, (population, n, big_k)
    assert worst < 1.0  # the check is not vacuous


def test_census_interval_is_a_point():
    got = interval(5, 8, population=8)
    assert got.low == got.high == 5 / 8


def test_default_method_and_errors():
    assert interval(5, 11).method == "wilson"
    assert interval(5, 11, population=20).method == "hypergeometric"
    with pytest.raises(SamplingError, match="needs population"):
        interval(5, 11, method="hypergeometric")
    with pytest.raises(SamplingError, match="method must be one of"):
        interval(5, 11, method="wald")
    with pytest.raises(SamplingError, match="population = 10 is smaller than n = 11"):
        interval(5, 11, population=10)
    with pytest.raises(SamplingError, match="confidence must be between 0 and 1"):
        interval(5, 11, confidence=80)


@pytest.mark.parametrize(
    ("k", "n", "population", "prior", "expected"),
    [
        # recomputed with scipy 1.17.1 betabinom: posterior predictive M - x ~ BetaBinom(N - n, a + x, b + n - x)
        (13, 20, 40, "uniform", [0.0203, 0.4324, 0.5349, 0.0125]),
        (13, 20, 40, "jeffreys", [0.0192, 0.4157, 0.5504, 0.0147]),
        (10, 20, 40, "uniform", [0.4366, 0.5305, 0.0329, 0.0000]),
        (16, 20, 40, "jeffreys", [0.0000, 0.0154, 0.4085, 0.5761]),
        (29, 45, 60, "uniform", [0.0000, 0.4718, 0.5282, 0.0000]),
    ],
)
def test_finite_band_probabilities_reference(k, n, population, prior, expected):
    got = band_probabilities(k, n, population=population, prior=prior)
    assert list(got.index) == Rating.labels()
    assert got.to_numpy() == pytest.approx(expected, abs=6e-5)


def test_finite_band_probabilities_by_enumeration():
    # independent: enumerate K with the beta-binomial weights written out by hand
    from math import comb

    from scipy.special import beta as beta_fn

    k, n, population, a, b = 7, 11, 25, 0.5, 0.5
    unseen = population - n
    weights = np.array([comb(unseen, y) * beta_fn(a + k + y, b + n - k + unseen - y) / beta_fn(a + k, b + n - k)
                        for y in range(unseen + 1)])
    expected = np.zeros(4)
    for y, w in enumerate(weights):
        expected[int(band(percent(k + y, population)))] += w
    got = band_probabilities(k, n, population=population)
    assert got.to_numpy() == pytest.approx(expected, abs=1e-12)


def test_process_band_probabilities_are_beta_posterior():
    from scipy.stats import beta

    got = band_probabilities(5, 11)
    cdf = beta.cdf([0.495, 0.645, 0.795], 5.5, 6.5)
    assert got.to_numpy() == pytest.approx(np.diff([0, *cdf, 1]), abs=1e-12)
    assert got.sum() == pytest.approx(1.0)


def test_census_is_certain():
    got = band_probabilities(5, 8, population=8)
    assert got.to_dict() == {"Inadequate": 0.0, "Requires improvement": 1.0, "Good": 0.0, "Outstanding": 0.0}
    dist = rating_distribution("sunderland-2022", mode="finite", populations={"court": 8, "out_of_court": 12})
    assert dist.p_published_overall == 1.0
    assert dist.score[26] == pytest.approx(1.0)


def test_cases_to_boundary_for_report_cases():
    calderdale = load_report("calderdale-2022")
    # footnote 17: "a shift of one case makes a difference of 10 per cent": 5/11 -> 6/11
    assert cases_to_boundary(calderdale.standard("2.3")).up == 1
    # 2.4: two key questions at 45 % (5/11 each): two case judgements
    assert cases_to_boundary(calderdale.standard("2.4")).up == 2
    # Nottingham City 2.4.3: 5 of 11 -> 6 of 11 = 55 %: "related to only one case"
    notts = load_report("nottingham-city-2020")
    assert cases_to_boundary(notts.standard("2.4")).up == 1
    # Sunderland 2.1, 2.3 and 2.4: each one case short of Good (5/8 = 63 % -> 6/8 = 75 %)
    sunderland = load_report("sunderland-2022")
    for sid in ("2.1", "2.3", "2.4"):
        assert cases_to_boundary(sunderland.standard(sid)).up == 1
    assert cases_to_boundary(sunderland.standard("2.2")).up == 2  # 2.2.1 and 2.2.3 at 63 %
    # Essex 3.4.2, 63 % assumed 17 of 27: 18/27 = 66.7 %
    assert cases_to_boundary(load_report("essex-2018").standard("3.4")).up == 1


def test_cases_to_boundary_key_question_by_brute_force():
    for n in range(1, 46):
        for k in range(n + 1):
            got = cases_to_boundary(k, n)
            rating = band(percent(k, n))
            ups = [j for j in range(1, n - k + 1) if band(percent(k + j, n)) > rating]
            downs = [j for j in range(1, k + 1) if band(percent(k - j, n)) < rating]
            assert got.up == (min(ups) if ups else None)
            assert got.down == (min(downs) if downs else None)


def test_cases_to_boundary_down_and_edges():
    assert cases_to_boundary(8, 8).up is None  # Outstanding has no band above
    assert cases_to_boundary(0, 8).down is None
    got = cases_to_boundary(11, 17)  # 65 %: one "yes" fewer is 59 %, Requires improvement
    assert (got.rating, got.down, got.down_rating) == (Rating.GOOD, 1, Rating.REQUIRES_IMPROVEMENT)
    with pytest.raises(SamplingError, match="qualitative"):
        cases_to_boundary(load_report("essex-2018").standard("1.1"))


def test_rating_distribution_sums_and_shapes(report_id):
    for mode in ("process", "finite"):
        dist = rating_distribution(report_id, mode=mode)
        assert dist.score.sum() == pytest.approx(1.0, abs=1e-12)
        assert dist.overall.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.allclose(dist.standards[Rating.labels()].sum(axis=1), 1.0)
        assert list(dist.score.index) == list(range(37))
        data = dist.to_dict()
        assert set(data) >= {"standards", "score", "overall"}


def test_exact_score_distribution_agrees_with_monte_carlo():
    # Draw each key question's rate from its Beta posterior, rate by the rules, sum the scores:
    # the seeded Monte Carlo must agree with the exact convolution within 5 standard errors.
    from sampling.uncertainty import monte_carlo_score

    for report_id in ("cambridgeshire-2023", "essex-2018"):
        exact = rating_distribution(report_id).score.to_numpy()
        reps = 200_000
        simulated = monte_carlo_score(report_id, reps=reps, rng=20231023).to_numpy()
        se = np.sqrt(exact * (1 - exact) / reps)
        assert np.all(np.abs(simulated - exact) <= 5 * se + 1e-4)


def test_resettlement_limiting_judgement_in_distribution(write_toml):
    # A copy of Essex's ratings in the 2021 shape with an Inadequate resettlement rating: the
    # Outstanding probability must move to Good.
    dist = rating_distribution("essex-2018")
    assert dist.overall["Outstanding"] > 0.4
    text = """
    id = "limited"
    service = "Test"
    published = "2024"
    framework = "youth-2021"
    overall = "Good"
    [samples]
    court = 20
    out_of_court = 20
    """
    for sid in ("1.1", "1.2", "1.3", "1.4", "3.4"):
        text += f'[standards."{sid}"]\nrating = "Outstanding"\n'
    text += '[standards."4.1"]\nrating = "Inadequate"\n'
    for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"):
        kqs = ", ".join(f'"{sid}.{i}" = 95' for i in (1, 2, 3))
        text += f'[standards."{sid}"]\nrating = "Outstanding"\nkey_questions = {{ {kqs} }}\n'
    import textwrap
    dist = rating_distribution(load_report(write_toml(textwrap.dedent(text))))
    assert dist.overall["Outstanding"] == 0.0
    assert dist.overall["Good"] == pytest.approx(1.0)


def test_finite_needs_populations_for_each_sample():
    with pytest.raises(SamplingError, match="give the eligible cases for the out_of_court sample"):
        rating_distribution("essex-2018", mode="finite", populations={"court": 57})
    with pytest.raises(SamplingError, match="mode must be 'process' or 'finite'"):
        rating_distribution("essex-2018", mode="bayes")
