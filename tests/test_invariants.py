"""Invariants of the discretion simulation and its exact twins: every distribution sums to 1, and
every exact path agrees with its simulated twin for every combination of options (population or
not, judgement error or not, shared case quality or not where an exact twin exists, each rule),
and with an independent computation (brute-force enumeration of flips, of cases and of draws).

The audit that prompted this file found ``operating_characteristic(11, rates=[0.5, 0.7],
population=30, judgement_error=0.1)`` summing to 0.0006 and 0.0145, and ``simulate([0.5, 0.6], 11,
population=30, judgement_error=0.1, reps=20000, rng=1)`` rating 19,987 of 20,000 inspections
Outstanding: the flip matrix lost mass. These tests would have caught it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sampling import Rating, operating_characteristic, rules, simulate
from sampling.discretion import _plans
from sampling.framework import band, percent
from sampling.rules import StandardEvidence

LABELS = Rating.labels()
RULES = [None, *[rule.name for rule in rules.default_rules()], "cases(2)"]


def _close(simulated: float, exact: float, reps: int, sds: float = 4.5) -> bool:
    return abs(simulated - exact) <= sds * math.sqrt(exact * (1 - exact) / reps) + 1e-9


# --------------------------------------------------------------------------------------------
# an independent exact computation: brute-force enumeration of flips and of draws


def _hypergeometric(x: int, population: int, good: int, n: int) -> float:
    return math.comb(good, x) * math.comb(population - good, n - x) / math.comb(population, n)


def _observed_pmf_by_enumeration(n: int, rate: float, population: int | None, error: float) -> np.ndarray:
    """P(observed "yes" = y) for one key question: the true "yes" X among the n cases, then every
    subset of the n judgements flipped, enumerated one by one (2^n subsets)."""
    if population is None:
        true = [math.comb(n, x) * rate**x * (1 - rate) ** (n - x) for x in range(n + 1)]
    else:
        good = math.floor(rate * population + 0.5 + 1e-9)  # half up, as the toolkit documents
        true = [_hypergeometric(x, population, good, n) for x in range(n + 1)]
    result = np.zeros(n + 1)
    for flips in itertools.product((0, 1), repeat=n):
        weight = math.prod(error if f else 1 - error for f in flips)
        for x, px in enumerate(true):
            # the first x cases are the true "yes": a flip there loses one, elsewhere gains one
            y = x - sum(flips[:x]) + sum(flips[x:])
            result[y] += px * weight
    return result


def _exact_by_enumeration(rates, n: int, population, error: float, rule):
    """P(awarded band) for key questions judged independently, every outcome enumerated and the
    rule applied one outcome at a time (the scalar form of the rule)."""
    pmfs = [_observed_pmf_by_enumeration(n, r, population, error) for r in rates]
    chosen = rules.resolve_one(rule)
    result = np.zeros(len(LABELS))
    for outcome in itertools.product(range(n + 1), repeat=len(rates)):
        p = math.prod(pmf[k] for pmf, k in zip(pmfs, outcome, strict=True))
        awarded = int(min(band(percent(k, n)) for k in outcome))
        if chosen is not None:
            pops = None if population is None else (population,) * len(rates)
            evidence = StandardEvidence("s", outcome, (n,) * len(rates), pops)
            if chosen(evidence):
                awarded = int(np.clip(awarded + (1 if chosen.direction == "up" else -1), 0, 3))
        result[awarded] += p
    return result


def test_flipped_pmfs_sum_to_one_and_match_enumeration():
    for n in (1, 5, 11):
        for error in (0.0, 0.1, 0.3):
            matrix = _plans.flip_matrix(n, error)
            assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-14)
            for population in (None, 30):
                plan = _plans.StandardPlan("s", np.array([0.6]), np.array([n]),
                                           None if population is None else np.array([population]))
                cdf = _plans.count_cdfs(plan, error)[0]
                assert cdf[-1] == pytest.approx(1.0, abs=1e-14)
                expected = _observed_pmf_by_enumeration(n, 0.6, population, error)
                assert np.diff(np.concatenate([[0.0], cdf])) == pytest.approx(expected, abs=1e-13)


def test_the_audits_example_sums_to_one_and_agrees_with_enumeration():
    oc = operating_characteristic(11, rates=[0.5, 0.7], population=30, judgement_error=0.1)
    assert oc[LABELS].sum(axis=1).to_numpy() == pytest.approx([1.0, 1.0], abs=1e-12)  # was 0.0006, 0.0145
    for rate in (0.5, 0.7):
        expected = _exact_by_enumeration([rate], 11, 30, 0.1, None)
        assert oc.loc[rate, LABELS].to_numpy(dtype=float) == pytest.approx(expected, abs=1e-12)


def test_the_audits_simulation_is_no_longer_nearly_all_outstanding():
    reps = 20_000
    result = simulate([0.5, 0.6], 11, population=30, judgement_error=0.1, reps=reps, rng=1)
    truth = result.true_bands["standard"].label
    assert truth == "Requires improvement"  # 15 and 18 of 30: 50 % and 60 %
    row = result.confusion.loc[truth] / reps
    assert row.sum() == pytest.approx(1.0)
    assert row["Outstanding"] < 0.01  # it was 19,987 of 20,000
    expected = _exact_by_enumeration([0.5, 0.6], 11, 30, 0.1, None)
    for label, p in zip(LABELS, expected, strict=True):
        assert _close(row[label], p, reps), label


@pytest.mark.parametrize("rule", [None, "cases(1)", "interval(0.8)", "posterior(0.5)"])
@pytest.mark.parametrize("population", [None, 30])
def test_operating_characteristic_equals_brute_force(rule, population):
    for rate in (0.45, 0.62, 0.7):
        oc = operating_characteristic(9, rule=rule, rates=[rate], population=population, key_questions=2,
                                      judgement_error=0.1).iloc[0]
        expected = _exact_by_enumeration([rate, rate], 9, population, 0.1, rule)
        assert oc[LABELS].to_numpy(dtype=float) == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------------
# every exact path against its simulated twin, for every combination of options

COMBINATIONS = [(population, error, rho) for population in (None, 30) for error in (0.0, 0.1)
                for rho in (0.0, 0.4) if population is None or rho == 0.0]  # no exact curve: population & rho


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(("population", "error", "rho"), COMBINATIONS)
def test_simulation_agrees_with_its_exact_twin(population, error, rho, rule):
    reps, n, rate = 40_000, 11, 0.62
    oc = operating_characteristic(n, rule=rule, population=population, rates=[rate], key_questions=2,
                                  judgement_error=error, case_correlation=rho).iloc[0]
    assert oc[LABELS].sum() == pytest.approx(1.0, abs=1e-12)
    result = simulate([rate, rate], n, population=population, judgement_error=error, case_correlation=rho,
                      rule=rule, reps=reps, rng=2024)
    table = result.confusion_with_rule if rule else result.confusion
    truth = result.true_bands["standard"].label
    assert truth == oc["true_band"]
    assert int(table.to_numpy().sum()) == reps and int(result.confusion.to_numpy().sum()) == reps
    for label in LABELS:
        assert _close(table.loc[truth, label] / reps, oc[label], reps), label
    if rule:
        assert _close(result.fire_rate, oc["fire_rate"], reps)


# --------------------------------------------------------------------------------------------
# shared case quality: the pattern probabilities, the joint pmf, and the sampler


def test_case_patterns_against_adaptive_quadrature():
    from scipy.integrate import quad
    from scipy.special import ndtr, ndtri

    for rho in (0.05, 0.5, 0.95, 0.999):
        for rates in ([0.6, 0.7, 0.8], [0.02, 0.5, 0.99], [0.0, 0.4, 1.0]):
            got = _plans.case_patterns(rates, rho, 0.1)[0]
            for pattern in range(8):
                def integrand(u, pattern=pattern, rates=rates, rho=rho):
                    p = 0.1 + 0.8 * ndtr((ndtri(np.array(rates)) - math.sqrt(rho) * u) / math.sqrt(1 - rho))
                    bits = [(pattern >> j) & 1 for j in range(3)]
                    return math.prod(q if b else 1 - q for q, b in zip(p, bits, strict=True)) * \
                        math.exp(-u * u / 2) / math.sqrt(2 * math.pi)
                centres = sorted({float(np.clip(ndtri(r) / math.sqrt(rho), -30, 30)) for r in rates})
                expected = quad(integrand, -30, 30, points=centres, limit=500, epsabs=1e-14)[0]
                assert got[pattern] == pytest.approx(expected, abs=1e-12), (rho, rates, pattern)
            # each key question keeps its rate: the margins of the pattern probabilities
            bits = (np.arange(8)[:, None] >> np.arange(3)[None, :]) & 1
            margins = [got[bits[:, j] == 1].sum() for j in range(3)]
            assert margins == pytest.approx([0.1 + 0.8 * r for r in rates], abs=1e-12)


def test_joint_count_pmf_by_enumerating_every_sequence_of_cases():
    patterns = _plans.case_patterns([0.55, 0.8], 0.6, 0.05)[0]
    n = (4, 3)  # key question 2 is judged on the first 3 cases only
    expected = np.zeros((5, 4))
    for sequence in itertools.product(range(4), repeat=4):
        p = math.prod(patterns[s] for s in sequence)
        k1 = sum(s & 1 for s in sequence)
        k2 = sum((s >> 1) & 1 for s in sequence[:3])
        expected[k1, k2] += p
    got = _plans.joint_count_pmf(patterns, n)
    assert got.sum() == pytest.approx(1.0, abs=1e-14)
    assert got == pytest.approx(expected, abs=1e-14)


def _copula_counts(rates, n, rho, reps, rng):
    """The correlated model drawn the old way, case by case (a Gaussian copula): the reference."""
    from scipy.stats import norm

    shared = rng.standard_normal((reps, n, 1))
    own = rng.standard_normal((reps, n, len(rates)))
    yes = math.sqrt(rho) * shared + math.sqrt(1 - rho) * own < norm.ppf(rates)[None, None, :]
    return yes.sum(axis=1)


@pytest.mark.parametrize("joint_outcomes", [_plans.JOINT_OUTCOMES, 0])  # 0: the multinomial fallback
def test_correlated_sampler_against_case_by_case_draws(monkeypatch, joint_outcomes):
    monkeypatch.setattr(_plans, "JOINT_OUTCOMES", joint_outcomes)
    rates, n, rho, reps = np.array([0.6, 0.7, 0.8]), 11, 0.5, 100_000
    plan = _plans.StandardPlan("s", rates, np.full(3, n), None)
    fast = _plans.correlated_sampler(plan, rho, 0.0)(reps, np.random.default_rng(5))
    slow = _copula_counts(rates, n, rho, reps, np.random.default_rng(6))
    exact = _plans.joint_count_pmf(_plans.case_patterns(rates, rho, 0.0)[0], (n,) * 3)
    # the minimum's distribution (what the lowest-band rule reads) and one key question's counts
    for counts in (fast, slow):
        for j in range(3):
            freq = np.bincount(counts[:, j], minlength=n + 1) / reps
            margin = exact.sum(axis=tuple(i for i in range(3) if i != j))
            assert all(_close(f, p, reps) for f, p in zip(freq, margin, strict=True))
        low = np.bincount(counts.min(axis=1), minlength=n + 1) / reps
        grid = np.indices(exact.shape).min(axis=0)
        expected = np.bincount(grid.ravel(), weights=exact.ravel(), minlength=n + 1)
        assert all(_close(f, p, reps) for f, p in zip(low, expected, strict=True))


def test_finite_correlated_draws_against_enumeration_of_draws():
    # a fixed population of 10 cases by pattern (two key questions), 4 drawn without replacement,
    # key question 2 judged on the first 3: every ordered draw enumerated
    pattern_counts = np.array([3, 2, 4, 1])
    cases = [p for p, c in enumerate(pattern_counts) for _ in range(c)]
    expected = np.zeros((5, 4))
    draws = list(itertools.permutations(range(10), 4))
    for draw in draws:
        k1 = sum(cases[i] & 1 for i in draw)
        k2 = sum((cases[i] >> 1) & 1 for i in draw[:3])
        expected[k1, k2] += 1 / len(draws)
    plan = _plans.StandardPlan("s", np.array([0.5, 0.5]), np.array([4, 3]), np.array([10, 10]))
    reps = 100_000
    counts = _plans.draw_from_population(plan, pattern_counts, reps, 0.0, np.random.default_rng(8))
    freq = np.zeros((5, 4))
    np.add.at(freq, (counts[:, 0], counts[:, 1]), 1 / reps)
    assert np.all(np.abs(freq - expected) <= 4.5 * np.sqrt(expected * (1 - expected) / reps) + 1e-9)


def test_finite_correlated_simulation_counts_every_inspection():
    result = simulate([0.6, 0.7], 10, population=20, case_correlation=0.5, judgement_error=0.05,
                      rule="cases(1)", reps=5_000, rng=11)
    assert int(result.confusion.to_numpy().sum()) == 5_000
    assert int(result.confusion_with_rule.to_numpy().sum()) == 5_000


def test_one_key_question_shares_nothing():
    # with a single key question, shared case quality changes nothing: the same exact curve
    plain = operating_characteristic(11, rates=[0.3, 0.62, 0.9], judgement_error=0.1)
    shared = operating_characteristic(11, rates=[0.3, 0.62, 0.9], judgement_error=0.1, case_correlation=0.7)
    assert np.allclose(plain[LABELS].to_numpy(), shared[LABELS].to_numpy(), atol=1e-12)


# --------------------------------------------------------------------------------------------
# distributions sum to 1


def test_operating_characteristic_rows_sum_to_one_in_every_combination():
    for population, error, rho in COMBINATIONS:
        for rule in RULES:
            oc = operating_characteristic(8, rule=rule, population=population, key_questions=2,
                                          judgement_error=error, case_correlation=rho)
            assert np.allclose(oc[LABELS].sum(axis=1), 1.0, atol=1e-12), (population, error, rho, rule)
            assert np.allclose(oc[["p_correct", "p_too_high", "p_too_low"]].sum(axis=1), 1.0, atol=1e-12)
            assert ((oc["fire_rate"] >= -1e-12) & (oc["fire_rate"] <= 1 + 1e-12)).all()


def test_report_simulations_count_every_inspection(report_id):
    for options in ({}, {"case_correlation": 0.4}, {"judgement_error": 0.05}):
        result = simulate(report_id, rule="cases(1)", reps=2_000, rng=3, **options)
        for table in (result.confusion, result.confusion_with_rule):
            assert int(table.to_numpy().sum()) == 2_000 * len(result.true_bands)
        if result.overall is not None:
            assert result.overall.sum().to_numpy() == pytest.approx([1.0, 1.0], abs=1e-12)


def test_true_counts_round_half_up():
    # 0.625 x 20 = 12.5 "yes" -> 13 (65 %, Good), not round-half-to-even's 12 (60 %); and
    # 0.575 x 20, which floating point makes 11.499999999999998, is the half it stands for -> 12
    plan = _plans.StandardPlan("s", np.array([0.625, 0.575, 0.7]), np.full(3, 10), np.full(3, 20))
    assert _plans.true_counts(plan).tolist() == [13, 12, 14]
    assert simulate([0.625], 10, population=20, reps=10, rng=1).true_bands["standard"] is Rating.GOOD
    assert operating_characteristic(10, rates=[0.625], population=20)["true_band"].iloc[0] == "Good"


def test_the_cases_table_equals_the_case_by_case_walk():
    # framework.cases_table is built from the band of every count (O(n)); cases_to_band walks case
    # by case: the same numbers for every n up to 120, both directions, every count and band
    from sampling.framework import _UNREACHABLE, Rating, cases_table, cases_to_band

    for n in range(1, 121):
        for direction in (1, -1):
            walked = np.array([[_UNREACHABLE if (c := cases_to_band(k, n, t, direction)) is None else c
                                for t in Rating] for k in range(n + 1)])
            assert np.array_equal(cases_table(n, direction), walked), (n, direction)
