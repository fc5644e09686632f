"""Simulation plans: each standard's true rates, cases per key question and eligible populations,
read from a report's evidence or from the rates a user gives; and the simulated "yes" counts."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import _validation as check
from .._errors import SamplingError
from ..framework import band_indices, band_of_proportion, percents
from ..reports import Report, load_report


@dataclass(frozen=True)
class StandardPlan:
    """One standard to simulate: the true rate, cases and population of each key question."""

    id: str
    rates: np.ndarray  # true rate of each key question
    n: np.ndarray  # cases judged per key question
    populations: np.ndarray | None  # eligible cases per key question, or None (process)


def plans(true_rates, n, population) -> tuple[list[StandardPlan], Report | None]:
    """Turn the accepted forms of ``true_rates`` into per-standard plans."""
    if isinstance(true_rates, Report) or (isinstance(true_rates, str) and not _is_number(true_rates)):
        report = load_report(true_rates)
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
    mapping = population if isinstance(population, Mapping) else None
    for row in report.evidence_rows(mapping):
        by_standard.setdefault(row.standard, []).append(row)
    result = []
    for sid, rows in by_standard.items():
        rates = np.array([row.yes / row.relevant for row in rows])
        ns = np.array([row.relevant if n is None else check.count(n, "n", low=1) for row in rows])
        pops = None
        if mapping is not None:
            pops = np.array([row.population for row in rows])
        elif population is not None:
            pops = np.full(len(rows), check.count(population, "population", low=1))
        if pops is not None and (pops < ns).any():
            raise SamplingError(f"population = {int(pops.min())} is smaller than n = {int(ns.max())}")
        result.append(StandardPlan(sid, rates, ns, pops))
    return result


def _rates_plan(sid: str, rates, n, population) -> StandardPlan:
    if isinstance(rates, numbers.Real):
        rates = [rates]
    if isinstance(rates, str) or not hasattr(rates, "__iter__"):
        raise SamplingError(f"true rates of {sid} must be a list of proportions, got {rates!r}")
    rates = np.array([check.probability(r, f"true rate of {sid}: a true rate") for r in rates], dtype=float)
    if rates.size == 0:
        raise SamplingError(f"{sid}: give at least one key question's true rate")
    if isinstance(n, str) or not (isinstance(n, numbers.Integral) or hasattr(n, "__iter__")):
        raise SamplingError(f"n must be a whole number of cases (or one per key question), got {n!r}")
    ns = np.full(rates.size, check.count(n, "n", low=1)) if not hasattr(n, "__iter__") \
        else np.array([check.count(v, "n", low=1) for v in n])
    if ns.size != rates.size:
        raise SamplingError(f"n: {ns.size} denominators for {rates.size} key questions")
    pops = None
    if population is not None:
        big_n = check.count(population, "population", low=1)
        if big_n < ns.max():
            raise SamplingError(f"population = {big_n} is smaller than n = {ns.max()}")
        pops = np.full(rates.size, big_n)
    return StandardPlan(sid, rates, ns, pops)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def true_counts(plan: StandardPlan) -> np.ndarray:
    """The "yes" cases among each key question's population: rate x N rounded half up."""
    return np.floor(plan.rates * plan.populations + 0.5 + 1e-9).astype(np.int64)


def true_band(plan: StandardPlan, realised: np.ndarray | None = None) -> int:
    """The standard's true band: the lowest of its key questions' true bands."""
    if plan.populations is None:
        return min(int(band_of_proportion(r)) for r in plan.rates)
    counts = realised if realised is not None else true_counts(plan)
    return int(band_indices(percents(counts, plan.populations)).min())


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


def count_cdfs(plan: StandardPlan, error: float) -> list[np.ndarray]:
    """Each key question's exact cdf of the observed "yes" count (independent key questions)."""
    from scipy.stats import binom, hypergeom

    tables = []
    for j, (rate, n) in enumerate(zip(plan.rates, plan.n, strict=True)):
        k = np.arange(n + 1)
        if plan.populations is None:
            pmf = binom.pmf(k, n, rate * (1 - error) + (1 - rate) * error)
        else:
            big_n = int(plan.populations[j])
            pmf = hypergeom.pmf(k, big_n, int(true_counts(plan)[j]), n)
            if error > 0:
                pmf = pmf @ flip_matrix(int(n), error)
        tables.append(np.cumsum(pmf))
    return tables


def draw_independent(cdfs, reps: int, rng) -> np.ndarray:
    """Counts by inverse-cdf sampling: one uniform per key question per inspection."""
    counts = np.empty((reps, len(cdfs)), dtype=np.int64)
    for j, cdf in enumerate(cdfs):
        counts[:, j] = np.minimum(np.searchsorted(cdf, rng.random(reps), side="right"), cdf.size - 1)
    return counts


def draw_correlated(plan: StandardPlan, reps: int, rho: float, error: float, rng) -> np.ndarray:
    """Counts with shared case quality (Gaussian copula), process sampling, case by case."""
    from scipy.stats import norm

    m = plan.rates.size
    n_max = int(plan.n.max())
    thresholds = norm.ppf(plan.rates)
    shared = rng.standard_normal((reps, n_max, 1))
    own = rng.standard_normal((reps, n_max, m))
    yes = math.sqrt(rho) * shared + math.sqrt(1 - rho) * own < thresholds[None, None, :]
    if error > 0:
        yes ^= rng.random(yes.shape) < error
    relevant = np.arange(n_max)[None, :, None] < plan.n[None, None, :]
    return (yes & relevant).sum(axis=1)


def draw_from_population(plan: StandardPlan, cases: np.ndarray, reps: int, error: float, rng) -> np.ndarray:
    """Counts from a fixed population of cases (N x key questions), n drawn without replacement."""
    big_n = cases.shape[0]
    n_max = int(plan.n.max())
    order = np.argsort(rng.random((reps, big_n)), axis=1)[:, :n_max]
    picked = cases[order]  # reps x n_max x m
    if error > 0:
        picked = picked ^ (rng.random(picked.shape) < error)
    relevant = np.arange(n_max)[None, :, None] < plan.n[None, None, :]
    return (picked & relevant).sum(axis=1)


def population_cases(plan: StandardPlan, rho: float, rng) -> np.ndarray:
    """A finite population of cases with correlated key questions (Gaussian copula)."""
    from scipy.stats import norm

    big_n = int(plan.populations.max())
    shared = rng.standard_normal((big_n, 1))
    own = rng.standard_normal((big_n, plan.rates.size))
    return math.sqrt(rho) * shared + math.sqrt(1 - rho) * own < norm.ppf(plan.rates)[None, :]
