"""Simulation plans: each standard's true rates, cases per key question and eligible populations,
read from a report's evidence or from the rates a user gives; and the simulated "yes" counts."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import _validation as check
from .._errors import SamplingError
from ..framework import band_indices, band_of_proportion, percents
from ..reports import Report, load_report
from ..uncertainty import hypergeometric_pmf
from ._common import check_youth_bands


@dataclass(frozen=True)
class StandardPlan:
    """One standard to simulate: the true rate, cases and population of each key question."""

    id: str
    rates: np.ndarray  # true rate of each key question
    n: np.ndarray  # cases judged per key question
    populations: np.ndarray | None  # eligible cases per key question, or None (process)


def plans(true_rates, n, population) -> tuple[list[StandardPlan], Report | None]:
    """Turn the accepted forms of ``true_rates`` into per-standard plans."""
    named = isinstance(true_rates, str) and not _is_number(true_rates)
    if isinstance(true_rates, Report | os.PathLike) or named:
        report = load_report(true_rates)
        check_youth_bands(report)
        return _report_plans(report, n, population), report
    if isinstance(true_rates, Mapping):
        items = list(true_rates.items())
    else:
        items = [("standard", true_rates)]
    if n is None:
        raise SamplingError("n: give the number of cases judged per key question")
    return [_rates_plan(str(sid), rates, n, population) for sid, rates in items], None


def _report_plans(report: Report, n, population) -> list[StandardPlan]:
    """Plans from a report's evidence: its k/n as the true rates (qualitative standards left out)."""
    by_standard: dict[str, list] = {}
    mapping = check.populations(population) if isinstance(population, Mapping) else None
    for row in report.evidence_rows(mapping):
        by_standard.setdefault(row.standard, []).append(row)
    result = []
    for sid, rows in by_standard.items():
        rates = np.array([row.yes / row.relevant for row in rows])
        ns = np.array([check.cases_judged(row.relevant, f"key question {row.key_question}: n") if n is None
                       else check.cases_judged(n) for row in rows])
        pops = None
        if mapping is not None:
            pops = np.array([row.population for row in rows])
        elif population is not None:
            pops = np.full(len(rows), check.optional_population(population))
        if pops is not None and (pops < ns).any():
            raise SamplingError(f"population = {int(pops.min())} is smaller than n = {int(ns.max())}")
        result.append(StandardPlan(sid, rates, ns, pops))
    return result


def _rates_plan(sid: str, rates, n, population) -> StandardPlan:
    if isinstance(rates, numbers.Real):
        rates = [rates]
    name = "true_rates" if sid == "standard" else f"true_rates[{sid!r}]"
    if isinstance(rates, str | bytes) or not hasattr(rates, "__iter__"):
        raise SamplingError(f"{name} must be a list of proportions (one per key question), got {rates!r}")
    rates = np.array([check.probability(r, f"{name}: a true rate") for r in rates], dtype=float)
    if rates.size == 0:
        raise SamplingError(f"{name}: give at least one key question's true rate")
    if isinstance(n, str | bytes) or not (isinstance(n, numbers.Integral) or hasattr(n, "__iter__")):
        raise SamplingError(f"n must be a whole number of cases (or one per key question), got {n!r}")
    ns = np.full(rates.size, check.cases_judged(n)) if not hasattr(n, "__iter__") \
        else np.array([check.cases_judged(v) for v in n], dtype=np.int64)
    if ns.size != rates.size:
        raise SamplingError(f"n: {ns.size} denominators for {rates.size} key questions")
    pops = None
    if population is not None:
        pops = np.full(rates.size, check.optional_population(population, int(ns.max())))
    return StandardPlan(sid, rates, ns, pops)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def true_counts(plan: StandardPlan) -> np.ndarray:
    """The "yes" cases among each key question's population: rate x N rounded half up.

    The toolkit's one rounding (as :func:`sampling.framework.percent` prints a percentage):
    0.625 x 20 = 12.5 is 13 "yes", not Python's round-half-to-even 12. A product that floating
    point leaves a hair below a half (0.575 x 20 = 11.499999999999998) counts as the half it
    stands for (a tolerance of 1e-9 of a case).
    """
    return np.floor(plan.rates * plan.populations + 0.5 + 1e-9).astype(np.int64)


def true_band(plan: StandardPlan, realised: np.ndarray | None = None) -> int:
    """The standard's true band: the lowest of its key questions' true bands.

    ``realised``: the "yes" counts of a drawn population of N = the largest population (the
    correlated finite path), else the rates' counts in each key question's own population.
    """
    if plan.populations is None:
        return min(int(band_of_proportion(r)) for r in plan.rates)
    if realised is not None:
        return int(band_indices(percents(realised, int(plan.populations.max()))).min())
    return int(band_indices(percents(true_counts(plan), plan.populations)).min())


def flip_matrix(n: int, error: float) -> np.ndarray:
    """M[x, y] = P(y observed "yes" | x true "yes"), each judgement flipped with prob. ``error``.

    y = x - lost + gained with lost ~ Binomial(x, e) and gained ~ Binomial(n - x, e), independent,
    so row x is the convolution of the two pmfs (each row sums to 1).
    """
    from scipy.stats import binom

    matrix = np.zeros((n + 1, n + 1))
    for x in range(n + 1):
        kept = binom.pmf(np.arange(x + 1)[::-1], x, error)  # index i: P(i of x true "yes" kept)
        gained = binom.pmf(np.arange(n - x + 1), n - x, error)  # index j: P(j true "no" read "yes")
        matrix[x] = np.convolve(kept, gained)  # index y = i + j
    return matrix


def flipped(pmf: np.ndarray, n: int, error: float) -> np.ndarray:
    """The observed count's pmf from the true count's (rows of ``pmf``), judgements flipped with
    probability ``error``: sum over x of pmf[x] M[x, :], added row by row (no matrix product, whose
    BLAS kernel may round differently on another processor)."""
    matrix = flip_matrix(n, error)
    pmf = np.atleast_2d(pmf)
    result = np.zeros((pmf.shape[0], n + 1))
    for x in range(n + 1):
        result += pmf[:, x: x + 1] * matrix[x][None, :]
    return result


def count_cdfs(plan: StandardPlan, error: float) -> list[np.ndarray]:
    """Each key question's exact cdf of the observed "yes" count (independent key questions)."""
    from scipy.stats import binom


    tables = []
    for j, (rate, n) in enumerate(zip(plan.rates, plan.n, strict=True)):
        k = np.arange(n + 1)
        if plan.populations is None:
            pmf = binom.pmf(k, n, rate * (1 - error) + (1 - rate) * error)
        else:
            big_n = int(plan.populations[j])
            pmf = hypergeometric_pmf(int(n), [int(true_counts(plan)[j])], big_n)[0]
            if error > 0:
                pmf = flipped(pmf, int(n), error)[0]
        tables.append(np.cumsum(pmf))
    return tables


def draw_independent(cdfs, reps: int, rng) -> np.ndarray:
    """Counts by inverse-cdf sampling: one uniform per key question per inspection."""
    counts = np.empty((reps, len(cdfs)), dtype=np.int64)
    for j, cdf in enumerate(cdfs):
        counts[:, j] = np.minimum(np.searchsorted(cdf, rng.random(reps), side="right"), cdf.size - 1)
    return counts


# --------------------------------------------------------------------------------------------
# shared case quality


def case_patterns(rates, rho: float, error: float) -> np.ndarray:
    """P(each yes/no pattern) of one case over the key questions, for each row of ``rates``.

    ``rates`` is (key questions,) or (rows, key questions); the result has 2^m columns, pattern
    sum_j y_j 2^j. The model (a Gaussian copula, Nelsen 2006): a case has a latent quality U ~ N(0, 1)
    shared by its key questions, and says "yes" to key question j when
    sqrt(rho) U + sqrt(1 - rho) E_j < Phi^-1(rate_j), E_j independent N(0, 1); each judgement is
    then flipped with probability e. Given U = u the judgements are independent with
    P(observed yes) = e + (1 - 2e) Phi((Phi^-1(rate_j) - sqrt(rho) u) / sqrt(1 - rho)), so each
    pattern's probability is an integral over u against the normal density: composite 8-point
    Gauss-Legendre on [-9, 9] (the normal mass outside is 2e-19) in panels no wider than half the
    width sqrt((1 - rho) / rho) over which Phi(...) turns from 0 to 1, nor than 1/2. Accurate to
    about 1e-13 (checked against adaptive quadrature in ``tests/test_invariants.py``); each key
    question keeps its rate.
    """
    from scipy.special import ndtr, ndtri

    rates = np.atleast_2d(np.asarray(rates, dtype=float))
    if rho == 0:
        return _patterns(error + (1 - 2 * error) * rates)
    width = math.sqrt((1 - rho) / rho)
    panels = int(math.ceil(18 / min(0.5, width / 2)))
    nodes, weights = np.polynomial.legendre.leggauss(8)
    half = 9.0 / panels
    centres = -9.0 + half * (2 * np.arange(panels) + 1)
    u = (centres[:, None] + half * nodes[None, :]).ravel()
    w = np.tile(half * weights, panels) * np.exp(-u * u / 2) / math.sqrt(2 * math.pi)
    with np.errstate(invalid="ignore"):  # a rate of 0 or 1: Phi^-1 is -inf or inf, Phi(...) 0 or 1
        p = ndtr((ndtri(rates)[:, None, :] - math.sqrt(rho) * u[None, :, None]) / math.sqrt(1 - rho))
    observed = error + (1 - 2 * error) * p  # rows x nodes x key questions
    values = _patterns(observed.reshape(-1, rates.shape[1])).reshape(rates.shape[0], u.size, -1)
    result = (values * w[None, :, None]).sum(axis=1)
    return result / result.sum(axis=1, keepdims=True)


def _patterns(p: np.ndarray) -> np.ndarray:
    """Independent judgements with P(yes) = p[row, j]: P(pattern) with pattern sum_j y_j 2^j."""
    result = np.ones((p.shape[0], 1))
    for j in range(p.shape[1]):
        result = np.concatenate([result * (1 - p[:, j: j + 1]), result * p[:, j: j + 1]], axis=1)
    return result


def _segments(n) -> list[tuple[int, np.ndarray]]:
    """The cases in runs judged on the same key questions: key question j is judged on the first
    n_j cases, so the runs end at the distinct n_j; each run is (cases, relevant key questions)."""
    n = np.asarray(n)
    result, done = [], 0
    for end in np.unique(n):
        result.append((int(end) - done, n >= end))
        done = int(end)
    return result


def joint_count_pmf(patterns: np.ndarray, n) -> np.ndarray:
    """The exact joint pmf of the key questions' "yes" counts (shape n_1 + 1 x ... x n_m + 1) when
    cases are independent and each has pattern probabilities ``patterns`` (2^m of them).

    Each run of cases judged on the same key questions multiplies the probability generating
    function by G_S(w)^cases, G_S(w) = sum over patterns of P(pattern) prod_{j in S} w_j^{y_j};
    the pmf is the inverse discrete Fourier transform of the product on the grid of
    (n_j + 1)-th roots of unity (exact up to rounding, about 1e-15; negative rounding is set to 0).
    """
    n = tuple(int(v) for v in n)
    m = len(n)
    roots = [np.exp(-2j * np.pi * np.arange(size + 1) / (size + 1)) for size in n]
    transform = np.ones(tuple(size + 1 for size in n), dtype=complex)
    for cases, relevant in _segments(n):
        pgf = np.zeros(transform.shape, dtype=complex)
        for pattern, probability in enumerate(patterns):
            term = np.array(probability, dtype=complex)
            for j in range(m):
                if relevant[j] and (pattern >> j) & 1:
                    shape = [1] * m
                    shape[j] = n[j] + 1
                    term = term * roots[j].reshape(shape)
            pgf = pgf + term
        transform *= pgf ** cases
    pmf = np.clip(np.fft.ifftn(transform).real, 0.0, None)
    return pmf / pmf.sum()


#: Up to this many joint outcomes the correlated counts are drawn from their exact joint pmf (one
#: uniform per standard per inspection); beyond, run by run from the multinomial of case patterns.
JOINT_OUTCOMES = 1_000_000


def correlated_sampler(plan: StandardPlan, rho: float, error: float):
    """A function ``draw(reps, rng) -> counts`` for shared case quality, process sampling."""
    patterns = case_patterns(plan.rates, rho, error)[0]
    shape = tuple(int(v) + 1 for v in plan.n)
    if math.prod(shape) <= JOINT_OUTCOMES:
        cdf = np.cumsum(joint_count_pmf(patterns, plan.n).ravel())

        def draw(reps, rng):
            index = np.minimum(np.searchsorted(cdf, rng.random(reps) * cdf[-1], side="right"), cdf.size - 1)
            return np.stack(np.unravel_index(index, shape), axis=1).astype(np.int64)

        return draw
    return lambda reps, rng: draw_patterns(patterns, plan.n, reps, rng)


def draw_patterns(patterns: np.ndarray, n, reps: int, rng) -> np.ndarray:
    """Counts from the multinomial of case patterns, run by run (any number of key questions)."""
    m = len(n)
    bits = (np.arange(patterns.size)[:, None] >> np.arange(m)[None, :]) & 1  # pattern x key question
    counts = np.zeros((reps, m), dtype=np.int64)
    for cases, relevant in _segments(n):
        drawn = rng.multinomial(cases, patterns, size=reps)  # reps x patterns
        for j in np.flatnonzero(relevant):
            counts[:, j] += drawn[:, bits[:, j] == 1].sum(axis=1)
    return counts


def population_patterns(plan: StandardPlan, rho: float, rng) -> np.ndarray:
    """A finite population of cases with shared case quality, as the number of cases with each
    true yes/no pattern: Multinomial(N, P(pattern)) with the judgements unflipped (N the largest
    of the key questions' populations; every case is eligible for every key question)."""
    patterns = case_patterns(plan.rates, rho, 0.0)[0]
    return rng.multinomial(int(plan.populations.max()), patterns)


def pattern_totals(pattern_counts: np.ndarray, m: int) -> np.ndarray:
    """Each key question's "yes" among cases counted by pattern."""
    bits = (np.arange(pattern_counts.size)[:, None] >> np.arange(m)[None, :]) & 1
    return np.array([int(pattern_counts[bits[:, j] == 1].sum()) for j in range(m)], dtype=np.int64)


def draw_from_population(plan: StandardPlan, pattern_counts: np.ndarray, reps: int, error: float,
                         rng) -> np.ndarray:
    """Counts from a fixed population of cases (counted by pattern), n drawn without replacement.

    Case by case: the c-th drawn case has pattern p with probability (remaining cases of p) /
    (N - c), chosen by a uniform whole number below N - c compared with the running totals
    (integer arithmetic throughout); key question j counts the first n_j cases. Flips follow.
    """
    m, big_n = plan.rates.size, int(pattern_counts.sum())
    bits = (np.arange(pattern_counts.size)[:, None] >> np.arange(m)[None, :]) & 1
    remaining = np.tile(pattern_counts.astype(np.int64), (reps, 1))
    rows = np.arange(reps)
    counts = np.zeros((reps, m), dtype=np.int64)
    for case in range(int(plan.n.max())):
        pick = rng.integers(0, big_n - case, size=reps)
        chosen = (np.cumsum(remaining, axis=1) <= pick[:, None]).sum(axis=1)
        remaining[rows, chosen] -= 1
        counts += bits[chosen] * (plan.n > case)[None, :]
    if error > 0:
        counts = rng.binomial(counts, 1 - error) + rng.binomial(plan.n[None, :] - counts, error)
    return counts
