"""Operating characteristics, exactly: P(each awarded band) as a function of the true rate, and the
error rates of each rule averaged over rates (the evaluation of lot quality assurance sampling)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import _validation as check
from .._errors import SamplingError
from ..framework import Rating, band_indices, band_of_proportion, lowest_bands, percents
from ..reports import list_reports, load_report
from ..uncertainty import hypergeometric_pmf
from ._common import LABELS, as_rule, as_rules
from ._plans import StandardPlan, case_patterns, flipped, joint_count_pmf, true_counts

__all__ = ["operating_characteristic", "compare_rules", "fit_rate_prior"]


def _pmf_table(n: int, rates: np.ndarray, population: int | None,
               error: float) -> tuple[np.ndarray, np.ndarray]:
    """P(k observed | rate) for k = 0..n (rows: rates), and each rate's true band.

    Process: Binomial(n, p') with p' = p (1 - e) + (1 - p) e, each judgement flipped with
    probability e. Finite: Hypergeometric(N, K, n) with K = p N rounded half up, then the flips
    (:func:`~sampling.discretion._plans.flipped`, the convolution of the two binomials of flips).
    """
    from scipy.stats import binom


    k = np.arange(n + 1)
    if population is None:
        p = rates * (1 - error) + (1 - rates) * error
        table = binom.pmf(k[None, :], n, p[:, None])
        truth = np.array([int(band_of_proportion(r)) for r in rates])
        return table, truth
    plan = StandardPlan("", rates, np.full(rates.size, n), np.full(rates.size, population))
    good = true_counts(plan)
    table = hypergeometric_pmf(n, good, population)
    if error > 0:
        table = flipped(table, n, error)
    return table, band_indices(percents(good, population))


def _default_rates() -> np.ndarray:
    return np.round(np.linspace(0.0, 1.0, 201), 6)


#: The most joint outcomes, and outcomes x rates, that an operating characteristic enumerates.
MAX_OUTCOMES = 1_000_000
MAX_WORK = 100_000_000


def _design(n, key_questions, population, rates, judgement_error, case_correlation):
    """The checked arguments of an operating characteristic."""
    n = check.cases_judged(n)
    m = check.count(key_questions, "key_questions", low=1)
    population = check.optional_population(population, n)
    rates = _default_rates() if rates is None else check.probabilities(rates, "rates")
    error = check.judgement_error(judgement_error)
    rho = check.correlation(case_correlation)
    if rho > 0 and population is not None:
        raise SamplingError("case_correlation with a population has no exact curve (the population's own "
                            "cases are random); use simulate(..., population=N, case_correlation=...)")
    outcomes = (n + 1) ** m
    if outcomes > MAX_OUTCOMES or outcomes * rates.size > MAX_WORK:
        raise SamplingError(f"key_questions: {m} key questions of {n} cases have {outcomes:,} outcomes to "
                            f"enumerate at {rates.size} rates; use simulate() for that size, or fewer rates")
    return n, m, population, rates, error, rho


def _awarded(outcomes: np.ndarray, n: int, m: int, population, chosen):
    """The awarded band of every outcome, and whether the rule moved it."""
    awarded = lowest_bands(outcomes, (n,) * m)
    fires = np.zeros(outcomes.shape[0], dtype=bool)
    if chosen is not None:
        fires = chosen.eligible_many(outcomes, (n,) * m, None if population is None else (population,) * m)
        step = 1 if chosen.direction == "up" else -1
        moved = np.clip(awarded + step * fires, 0, len(Rating) - 1)
        fires = moved != awarded
        awarded = moved
    return awarded, fires


def _outcome_probabilities(n, m, rates, population, error, rho):
    """Yield (rows, P(outcome | rate) for those rows) in chunks, and the true bands (first)."""
    table, truth = _pmf_table(n, rates, population, error)
    yield truth
    outcomes = np.stack(np.meshgrid(*[np.arange(n + 1)] * m, indexing="ij"), axis=-1).reshape(-1, m)
    if rho > 0 and m > 1:
        patterns = case_patterns(np.repeat(rates[:, None], m, axis=1), rho, error)
        for r in range(rates.size):
            yield slice(r, r + 1), joint_count_pmf(patterns[r], (n,) * m).ravel()[None, :]
        return
    chunk = max(1, 2_000_000 // outcomes.shape[0])
    for start in range(0, rates.size, chunk):
        rows = slice(start, min(start + chunk, rates.size))
        prob = np.ones((rows.stop - rows.start, outcomes.shape[0]))
        for j in range(m):  # P(outcome | rate) = prod_j table[rate, k_j]
            prob *= table[rows, outcomes[:, j]]
        yield rows, prob


def operating_characteristic(
    n: int,
    *,
    rule=None,
    population: int | None = None,
    rates=None,
    key_questions: int = 1,
    judgement_error: float = 0.0,
    case_correlation: float = 0.0,
):
    """P(each awarded band) as a function of the true rate, exactly.

    A standard of ``key_questions`` key questions, each with the same true rate and ``n``
    cases from a simple random sample (binomial; hypergeometric from ``population``); the
    awarded band is the lowest key question's band, moved by ``rule`` when it fires. Every
    outcome (k_1, ..., k_m) is enumerated, so the curves are exact; this is the operating
    characteristic of lot quality assurance sampling with four classes (Olives et al. 2012).

    Parameters
    ----------
    n : int
        Cases judged per key question (at most ``MAX_CASES_JUDGED`` (1,000)).
    rule : rule, name or callable, optional
        A discretion rule (:mod:`sampling.rules`), e.g. ``"cases(1)"``; None: the rule's rating
        as it is.
    population : int, optional
        Eligible cases (finite population); a true rate becomes K = rate x N rounded half up.
    rates : sequence of float, optional
        True rates (default 0 to 1 in steps of 0.005).
    key_questions : int, default 1
        m, the key questions of the standard (at most a million outcomes (n + 1)^m).
    judgement_error : float in [0, 0.5), default 0.0
        Each judgement flipped with this probability.
    case_correlation : float in [0, 1), default 0.0
        Shared case quality (the Gaussian copula of :func:`simulate`), process sampling only: the
        counts' joint distribution is computed exactly from the case-pattern probabilities.

    Returns
    -------
    pandas.DataFrame
        Indexed by the true rate; columns the four ratings (P(awarded)), ``true_band``,
        ``p_correct``, ``p_too_high``, ``p_too_low`` and ``fire_rate``.

    Raises
    ------
    SamplingError
        For a meaningless argument (naming it), too many outcomes to enumerate, or a correlation
        with a population.

    References
    ----------
    .. [1] Olives, C., Valadez, J. J., Brooker, S. J. and Pagano, M. (2012). Multiple
           category-lot quality assurance sampling: a new classification system with
           application to schistosomiasis control. PLoS Neglected Tropical Diseases 6(9): e1806.

    Examples
    --------
    >>> oc = operating_characteristic(11, rates=[0.45, 0.55])
    >>> oc["p_correct"].round(3).tolist()
    [0.633, 0.442]
    """
    import pandas as pd

    n, m, population, rates, error, rho = _design(n, key_questions, population, rates, judgement_error,
                                                  case_correlation)
    chosen = as_rule(rule)
    outcomes = np.stack(np.meshgrid(*[np.arange(n + 1)] * m, indexing="ij"), axis=-1).reshape(-1, m)
    awarded, fires = _awarded(outcomes, n, m, population, chosen)
    awarded_p = np.zeros((rates.size, len(Rating)))
    fire_p = np.zeros(rates.size)
    chunks = _outcome_probabilities(n, m, rates, population, error, rho)
    truth = next(chunks)
    for rows, prob in chunks:
        for r in range(len(Rating)):
            awarded_p[rows, r] = prob[:, awarded == r].sum(axis=1)
        fire_p[rows] = prob[:, fires].sum(axis=1)
    result = pd.DataFrame(awarded_p, index=pd.Index(rates, name="true_rate"), columns=LABELS)
    result["true_band"] = [Rating(t).label for t in truth]
    columns = np.arange(len(Rating))[None, :]
    result["p_correct"] = (awarded_p * (columns == truth[:, None])).sum(axis=1)
    result["p_too_high"] = (awarded_p * (columns > truth[:, None])).sum(axis=1)
    result["p_too_low"] = (awarded_p * (columns < truth[:, None])).sum(axis=1)
    result["fire_rate"] = fire_p
    return result


def fit_rate_prior() -> tuple[float, float]:
    """A Beta(a, b) prior for true rates, fitted by moments to the bundled reports' key questions.

    Every key question's k/n in the five bundled reports is taken as one draw; a and b match
    their mean and variance (method of moments). A rough, honest summary of where inspected
    practice lies, for averaging error rates over (:func:`compare_rules`). The moments: with
    mean m and variance v, a = m c and b = (1 - m) c for c = m (1 - m) / v - 1 (Johnson, Kotz
    and Balakrishnan 1995, *Continuous Univariate Distributions* 2, ch. 25). The mean and the
    variance (divisor one less than the count) are computed exactly in rational arithmetic from
    the counts k/n and rounded once to floats, so the fit is the same on every processor: no
    order of addition or BLAS kernel enters.

    Returns
    -------
    tuple of (float, float)
        a and b.

    Examples
    --------
    >>> a, b = fit_rate_prior()
    >>> round(a / (a + b), 3)
    0.744
    """

    values = [Fraction(int(kq.k), int(kq.n))
              for rid in list_reports() for kq in load_report(rid).key_questions]
    mean = sum(values, Fraction(0)) / len(values)
    var = sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1)
    common = mean * (1 - mean) / var - 1
    return float(mean * common), float((1 - mean) * common)


def compare_rules(
    rules=None,
    n: int = 11,
    *,
    population: int | None = None,
    rates=None,
    prior=None,
    key_questions: int = 1,
    judgement_error: float = 0.0,
    case_correlation: float = 0.0,
):
    """Error rates of each rule, averaged over true rates (exact: :func:`operating_characteristic`).

    Parameters
    ----------
    rules : rule, name, callable or a sequence of them, optional
        The rules to compare (default: :func:`sampling.rules.default_rules`).
    n : int, default 11
        Cases judged per key question, as in :func:`operating_characteristic`.
    population : int, optional
        Eligible cases, as in :func:`operating_characteristic`.
    rates : sequence of float, optional
        The true rates to average over (default: 0 to 1 in steps of 0.005).
    prior : {None, "reports", "uniform", "jeffreys"} or tuple of float, default None
        Weights over the rates: None for equal weights, a Beta(a, b) density ("uniform" is
        Beta(1, 1), "jeffreys" Beta(1/2, 1/2)), or "reports" for the Beta fitted to the bundled
        reports (:func:`fit_rate_prior`).
    key_questions : int, default 1
        As in :func:`operating_characteristic`.
    judgement_error : float, default 0.0
        As in :func:`operating_characteristic`.
    case_correlation : float, default 0.0
        As in :func:`operating_characteristic`.

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``p_correct``, ``p_too_high``, ``p_too_low``, ``fire_rate``.

    Raises
    ------
    SamplingError
        For an unknown rule or prior, a prior with no weight on the rates, or any argument
        :func:`operating_characteristic` refuses.

    Examples
    --------
    >>> table = compare_rules(["strict", "cases(1)"], n=11, prior="reports")
    >>> bool(table.loc["cases(1)", "p_too_high"] > table.loc["strict", "p_too_high"])
    True
    """
    import pandas as pd

    chosen = as_rules(rules)
    _, _, _, rates, _, _ = _design(n, key_questions, population, rates, judgement_error, case_correlation)
    weights = _weights(rates, prior)
    rows = []
    for rule in chosen:
        oc = operating_characteristic(n, rule=rule, population=population, rates=rates,
                                      key_questions=key_questions, judgement_error=judgement_error,
                                      case_correlation=case_correlation)
        rows.append({"rule": rule.name, **{c: float((oc[c] * weights).sum())
                                           for c in ("p_correct", "p_too_high", "p_too_low", "fire_rate")}})
    return pd.DataFrame(rows).set_index("rule")


def _weights(rates: np.ndarray, prior) -> np.ndarray:
    """Weights over the true rates: equal, or a Beta density (named, fitted or a pair)."""
    if prior is None:
        weights = np.ones(rates.size)
    elif isinstance(prior, str) and prior not in ("reports", *check.NAMED_PRIORS):
        raise SamplingError(f"prior must be 'reports', {', '.join(map(repr, check.NAMED_PRIORS))}, None or a "
                            f"pair (a, b) of positive numbers, got {prior!r}")
    else:
        from scipy.stats import beta

        a, b = fit_rate_prior() if isinstance(prior, str) and prior == "reports" else check.prior(prior)
        weights = beta.pdf(np.clip(rates, 1e-9, 1 - 1e-9), a, b)
    if not weights.sum() > 0:
        raise SamplingError("prior gives no weight to any of the rates; widen rates or change the prior")
    return weights / weights.sum()
