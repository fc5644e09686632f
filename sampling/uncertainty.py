"""How sure is a rating? Intervals and band probabilities for each key question, cases to the next
boundary, and exact distributions of standard ratings, the 0-36 score and the overall rating.

Every figure assumes a simple random sample of the eligible cases. ``select`` draws balanced
samples, which can only reduce the variance (for outcomes related to the balancing variables), so
for them these figures are conservative (``methodology/band-uncertainty.md`` section 1).

Two kinds of uncertainty, named plainly throughout (``methodology/band-uncertainty.md``):

* **finite**: the n inspected cases are n of the N eligible cases, and the question is the
  proportion among all N (hypergeometric; none at all when n = N);
* **process**: the cases are a draw from the service's underlying practice, and the question is
  its true rate (binomial).

The band of a *true* proportion is the band the rules would give it if every case were seen:
that of its percentage printed half up (:func:`sampling.framework.band_of_proportion`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np

from . import _validation as check
from ._errors import SamplingError
from .evidence import implied_populations_of
from .evidence import key_question_population as _share_of_population
from .framework import (
    Rating,
    band,
    band_indices,
    overall_probabilities,
    percent,
    percents,
    proportion_cutoffs,
    standard_cases_to_band,
)
from .reports import KeyQuestion, Report, Standard, load_report, rate_report
from .size import populations_for_sample_size

__all__ = [
    "INTERVAL_METHODS",
    "Interval",
    "interval",
    "band_probabilities",
    "CasesToBoundary",
    "cases_to_boundary",
    "RatingDistribution",
    "rating_distribution",
    "default_populations",
    "key_question_population",
    "monte_carlo_score",
    "ReportUncertainty",
    "report_uncertainty",
    "Explanation",
    "interval_table",
    "LOW_PROBABILITY",
    "hypergeometric_pmf",
]

INTERVAL_METHODS = ("wilson", "clopper-pearson", "jeffreys", "agresti-coull", "hypergeometric")
_STATSMODELS_NAMES = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys",
                      "agresti-coull": "agresti_coull"}
_MODES = ("process", "finite")
_LABELS = Rating.labels()


# --------------------------------------------------------------------------------------------
# intervals


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a proportion, with the inputs that produced it.

    Made by :func:`interval`; each parameter is also an attribute. ``kind`` is "finite" for the
    hypergeometric interval (the proportion among the N eligible cases) and "process" for the
    binomial ones (the service's underlying rate); ``p in result`` tests a proportion.

    Parameters
    ----------
    low, high : float
        The bounds, proportions.
    method : str
        One of :data:`INTERVAL_METHODS`.
    k : int
        "Yes" judgements.
    n : int
        Cases judged.
    population : int or None
        N, the eligible cases (for the hypergeometric interval), or None.
    confidence : float
        The confidence level, a proportion.

    Examples
    --------
    >>> result = interval(5, 11)
    >>> round(result.low, 3), round(result.high, 3), result.kind, 0.5 in result
    (0.281, 0.64, 'process', True)
    """

    low: float
    high: float
    method: str
    k: int
    n: int
    population: int | None
    confidence: float

    @property
    def estimate(self) -> float:
        """The sample proportion k / n.

        Examples
        --------
        >>> round(interval(5, 11).estimate, 4)
        0.4545
        """
        return self.k / self.n

    @property
    def kind(self) -> str:
        """"finite" for the hypergeometric interval, "process" for the binomial ones.

        Examples
        --------
        >>> interval(13, 20, population=40).kind, interval(13, 20).kind
        ('finite', 'process')
        """
        return "finite" if self.method == "hypergeometric" else "process"

    def __contains__(self, proportion: float) -> bool:
        return self.low - 1e-12 <= proportion <= self.high + 1e-12

    def to_dict(self) -> dict:
        """The fields, the estimate and the kind as a dict, as ``--json`` prints them.

        Returns
        -------
        dict
            ``low``, ``high``, ``method``, ``k``, ``n``, ``population``, ``confidence``,
            ``estimate`` and ``kind``.

        Examples
        --------
        >>> data = interval(13, 20, population=40).to_dict()
        >>> data["low"], data["high"], data["kind"]
        (0.525, 0.75, 'finite')
        """
        return {**asdict(self), "estimate": self.estimate, "kind": self.kind}

    def to_frame(self):
        """The interval as a one-row table.

        Returns
        -------
        pandas.DataFrame
            One row; the columns are the keys of :meth:`to_dict`.

        Examples
        --------
        >>> interval(5, 11).to_frame()[["low", "high", "kind"]].round(3)
             low  high     kind
        0  0.281  0.64  process
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


def interval(
    k: int,
    n: int,
    *,
    population: int | None = None,
    confidence: float = 0.80,
    method: str | None = None,
) -> Interval:
    """A two-sided confidence interval for a key question's proportion of "yes", from a simple
    random sample.

    Parameters
    ----------
    k, n : int
        "Yes" judgements and cases judged.
    population : int, optional
        N, the eligible cases the n were drawn from (for the finite interval).
    confidence : float, default 0.80
        0.80 by default, as the reports' sample sizes. For the hypergeometric and Clopper-Pearson
        intervals it is a floor on the coverage at every true value; for Wilson, Jeffreys and
        Agresti-Coull it is the coverage *on average* over true rates (at some rates it is well
        below: ``methodology/band-uncertainty.md`` section 2 tabulates it).
    method : str, optional
        "wilson", "clopper-pearson", "jeffreys", "agresti-coull" (binomial, process uncertainty;
        computed by ``statsmodels.stats.proportion.proportion_confint``) or "hypergeometric"
        (finite). Default: "hypergeometric" when ``population`` is given, else "wilson".

    Returns
    -------
    Interval
        The bounds as proportions, with the inputs and the method used.

    Raises
    ------
    SamplingError
        For counts that are not whole numbers (or k > n), a population below n, a confidence
        not strictly between 0 and 1, or an unknown method (or "hypergeometric" without a
        population).

    Notes
    -----
    Every method assumes a simple random sample of the cases. ``select`` draws *balanced*
    samples; balancing cannot increase the variance of an estimate and reduces it for outcomes
    related to the balancing variables (Deville and Tillé 2004), so these intervals are then
    conservative.

    The hypergeometric interval is the Clopper-Pearson-type exact interval for K/N, by inverting
    the two hypergeometric tails (Konijn 1973; Wright 1991; samplingbook ``Sprop`` as in its
    R/Sprop.R): with alpha = 1 - confidence,
    L = min{K : P(X >= k | K) > alpha/2} and U = max{K : P(X <= k | K) > alpha/2},
    X ~ Hypergeometric(N, K, n). A tail within a relative 1e-9 of alpha/2 counts as equal to it
    (a tie, excluded), so that ``1 - 0.8 = 0.19999999999999996`` does not widen the interval by a
    case. Each tail is monotone in K, so L and U are found by bisection over K (about log2 N
    evaluations, whatever N); each pmf is computed from sums of logarithms of the falling
    factorials, accurate to about n x 1e-15 relative for any N. Its coverage is at least the
    confidence for every K (checked exhaustively in ``tests/test_uncertainty.py``). With n = N it
    is the single point k/N. The binomial methods ignore ``population``.

    The Jeffreys interval is the equal-tailed Beta(k + 1/2, n - k + 1/2) interval with the
    end-point adjustment of Brown, Cai and DasGupta (2001, section 4.1.2): the lower bound is 0
    when k = 0 and the upper bound 1 when k = n.

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
           proportion. Statistical Science 16(2), 101-133.
    .. [2] Wright, T. (1991). Exact Confidence Bounds when Sampling from Small Finite Universes.
           Lecture Notes in Statistics 66, Springer.
    .. [3] Deville, J.-C. and Tillé, Y. (2004). Efficient balanced sampling: the cube method.
           Biometrika 91(4), 893-912.

    Examples
    --------
    13 of 20 cases from 40 eligible ([0.525, 0.750] by enumeration with scipy 1.17.1 ``hypergeom``):

    >>> result = interval(13, 20, population=40)
    >>> result.method, result.low, result.high
    ('hypergeometric', 0.525, 0.75)
    >>> result = interval(5, 11)          # Calderdale 2.3.2, process uncertainty
    >>> result.method, round(result.low, 3), round(result.high, 3)
    ('wilson', 0.281, 0.64)
    >>> interval(5, 5, method="jeffreys").high   # five of five cannot exclude 100 %
    1.0
    """
    k, n, population = check.counts(k, n, population)
    confidence = check.confidence(confidence)
    if method is None:
        method = "hypergeometric" if population is not None else "wilson"
    method = check.choice(method, "method", INTERVAL_METHODS)
    if method == "hypergeometric":
        if population is None:
            raise SamplingError("method 'hypergeometric' needs population= (the eligible cases N)")
        low, high = _hypergeometric_bounds(np.array([k]), n, population, confidence)
        return Interval(int(low[0]) / population, int(high[0]) / population, method, k, n, population,
                        confidence)
    low, high = _binomial_bounds(np.array([k]), n, confidence, method)
    return Interval(float(low[0]), float(high[0]), method, k, n, population, confidence)


def interval_table(n: int, *, population: int | None = None, confidence: float = 0.80,
                   method: str | None = None):
    """Every interval n cases can give: :func:`interval` for k = 0, 1, ..., n at once.

    The same definitions as :func:`interval` (and the same numbers), computed together: the
    discretion rule ``interval(0.8)`` reads this table, and a lesson can show how the interval
    moves one case at a time. Like :func:`interval` it assumes a simple random sample (and a Wilson
    "80 %" interval covers 80 % on average over true rates, not at each). The sources of each
    method are in :func:`interval`'s References (Brown, Cai and DasGupta 2001; Wright 1991).

    Parameters
    ----------
    n : int
        Cases judged, at least 1.
    population : int, optional
        N, the eligible cases (for the hypergeometric interval), at least n.
    confidence : float, default 0.80
        The confidence level, a proportion.
    method : str, optional
        As in :func:`interval`; default "hypergeometric" with a population, else "wilson".

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k``; columns ``low``, ``high`` (proportions) and ``method``.

    Raises
    ------
    SamplingError
        As :func:`interval`: a bad n, population, confidence or method.

    Examples
    --------
    >>> table = interval_table(8, population=16)
    >>> table.loc[5, ["low", "high"]].tolist()    # 5 of 8 from 16: [7/16, 12/16]
    [0.4375, 0.75]
    """
    import pandas as pd

    n = check.count(n, "n", low=1)
    population = check.optional_population(population, n)
    confidence = check.confidence(confidence)
    if method is None:
        method = "hypergeometric" if population is not None else "wilson"
    method = check.choice(method, "method", INTERVAL_METHODS)
    ks = np.arange(n + 1)
    if method == "hypergeometric":
        if population is None:
            raise SamplingError("method 'hypergeometric' needs population= (the eligible cases N)")
        low, high = _hypergeometric_bounds(ks, n, population, confidence)
        low, high = low / population, high / population
    else:
        low, high = _binomial_bounds(ks, n, confidence, method)
    return pd.DataFrame({"low": low, "high": high, "method": method}, index=pd.Index(ks, name="k"))


def _wilson_bounds(ks: np.ndarray, n: int, confidence: float):
    """Wilson's interval as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``
    evaluates it, step for step (its critical value ``norm.isf`` is ``-ndtri``), so that the
    interval rules and the band ladder import neither statsmodels nor scipy.stats (1-3 s)."""
    from scipy.special import ndtri

    count, nobs = np.asarray(ks), np.asarray(n)
    q = count / nobs
    crit = -ndtri((1 - confidence) / 2.0)
    crit2 = crit**2
    denom = 1 + crit2 / nobs
    center = (q + crit2 / (2 * nobs)) / denom
    dist = crit * np.sqrt(q * (1.0 - q) / nobs + crit2 / (4.0 * nobs**2))
    dist /= denom
    low, high = np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def _binomial_bounds(ks: np.ndarray, n: int, confidence: float, method: str):
    """The binomial methods' bounds for counts ``ks`` of n (statsmodels, clipped to [0, 1])."""
    if method == "wilson":  # statsmodels' own expression (the same bits) without importing statsmodels
        return _wilson_bounds(ks, n, confidence)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(ks, n, alpha=1 - confidence, method=_STATSMODELS_NAMES[method])
    low, high = np.clip(np.asarray(low, dtype=float), 0, 1), np.clip(np.asarray(high, dtype=float), 0, 1)
    if method == "jeffreys":  # Brown, Cai and DasGupta (2001), section 4.1.2: the end-point adjustment
        low = np.where(ks == 0, 0.0, low)
        high = np.where(ks == n, 1.0, high)
    return low, high


#: A tail probability within this relative distance of alpha/2 is a tie (counted as equal).
_TIE = 1e-9


def _log_falling(top: np.ndarray, n: int) -> np.ndarray:
    """[row, j] = log(top (top - 1) ... (top - j + 1)) for j = 0..n, summed term by term (no lgamma
    of a large number, whose rounding would be of order top x 1e-16); -inf where top < j."""
    terms = top[:, None] - np.arange(n, dtype=float)[None, :]
    positive = terms > 0
    logs = np.log(np.where(positive, terms, 1.0))
    logs[~positive] = -np.inf
    result = np.empty((top.shape[0], n + 1))
    result[:, 0] = 0.0
    np.cumsum(logs, axis=1, out=result[:, 1:])
    return result


def hypergeometric_pmf(n: int, good, population: int) -> np.ndarray:
    """P(X = x) for x = 0..n, X ~ Hypergeometric(N, K, n), one row per K in ``good``: the "yes" in a
    simple random sample of n of N cases, K of which are "yes".

    P(X = x) = C(n, x) K_(x) (N - K)_(n - x) / N_(n), with the falling factorials
    m_(j) = m (m - 1) ... (m - j + 1) added up as logarithms: accurate to about n x 1e-15
    relative for any N (scipy's ``hypergeom`` loses digits and time as N grows: at N = 10^9 it
    is off by about 1e-7 and takes seconds a value). The pmf is the textbook one (Johnson, Kemp
    and Kotz 2005, *Univariate Discrete Distributions*, 3rd ed., ch. 6).

    Parameters
    ----------
    n : int
        Cases drawn, at least 1.
    good : int or sequence of int
        K, the "yes" among the N cases; one row of the result per value.
    population : int
        N, the cases drawn from, at least n.

    Returns
    -------
    numpy.ndarray
        Shape (len(good), n + 1): row i is P(X = 0), ..., P(X = n) for K = good[i].

    Raises
    ------
    SamplingError
        For an n or population that is not a whole number, n below 1, or a population below n.

    Examples
    --------
    >>> hypergeometric_pmf(3, [2], 5).round(3).tolist()    # 2 "yes" of 5, 3 drawn
    [[0.1, 0.6, 0.3, 0.0]]
    """
    from scipy.special import gammaln

    n = check.count(n, "n", low=1)
    population = check.optional_population(population, n)
    good = np.atleast_1d(np.asarray(good, dtype=float))
    x = np.arange(n + 1)
    log_choose = gammaln(n + 1) - gammaln(x + 1) - gammaln(n - x + 1)
    whole = float(np.sum(np.log(population - np.arange(n, dtype=float))))
    log_pmf = log_choose[None, :] + _log_falling(good, n) + _log_falling(population - good, n)[:, ::-1]
    return np.exp(log_pmf - whole)


def _upper_tails(population: int, good: np.ndarray, ks: np.ndarray, n: int) -> np.ndarray:
    """P(X >= k | K) for paired arrays ``good`` (K) and ``ks``."""
    pmf = hypergeometric_pmf(n, good, population)
    pmf[np.arange(n + 1)[None, :] < ks[:, None]] = 0.0
    return pmf.sum(axis=1)


def _smallest_true(predicate, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per entry, the smallest integer in [low, high] where the monotone ``predicate`` holds
    (it must hold at ``high``): bisection, vectorised over the entries still open.
    ``predicate(values, rows)`` answers for the entries ``rows`` (a boolean mask)."""
    low, high = low.astype(np.int64).copy(), high.astype(np.int64).copy()
    open_ = low < high
    while open_.any():
        middle = (low[open_] + high[open_]) // 2
        holds = predicate(middle, open_)
        high[open_] = np.where(holds, middle, high[open_])
        low[open_] = np.where(holds, low[open_], middle + 1)
        open_ = low < high
    return low


def _bracket(predicate, guess: np.ndarray, low: np.ndarray, high: np.ndarray):
    """A bracket [lo, hi] around the smallest integer in [low, high] where the monotone
    ``predicate`` holds (true at ``high``), galloping from ``guess`` in doubling steps, so that a
    good guess costs a few evaluations whatever the range."""
    guess = np.clip(guess, low, high).astype(np.int64)
    everywhere = np.ones(guess.shape, dtype=bool)
    holds = predicate(guess, everywhere)
    lo, hi = np.where(holds, low, guess + 1), np.where(holds, guess, high)
    step = np.ones(guess.shape, dtype=np.int64)
    probe = guess.copy()
    open_ = lo < hi
    while open_.any():
        probe = np.where(holds, np.maximum(probe - step, low), np.minimum(probe + step, high))
        answer = predicate(probe[open_], open_)
        result = np.zeros(guess.shape, dtype=bool)
        result[open_] = answer
        # going down: a true probe lowers hi, a false one fixes lo; going up: the reverse
        hi = np.where(open_ & result, np.minimum(hi, probe), hi)
        lo = np.where(open_ & ~result, np.maximum(lo, probe + 1), lo)
        done = (holds & ~result) | (~holds & result) | (probe == low) | (probe == high)
        open_ = open_ & ~done & (lo < hi)
        step *= 2
    return lo, hi


def _hypergeometric_bounds(ks: np.ndarray, n: int, population: int, confidence: float):
    """The exact finite bounds L and U (as counts K of N) for each k in ``ks``.

    L_k = min{K : P(X >= k | K) > alpha/2}, by bisection (the tail grows with K and is 1 at
    K = N), started from a bracket around N times the binomial (Clopper-Pearson) lower bound;
    U_k = N - L_{n-k}, because n - X ~ Hypergeometric(N, N - K, n) turns the lower tail at k
    into the upper tail at n - k.
    """
    from scipy.special import betaincinv

    threshold = (1 - confidence) / 2 * (1 + _TIE)
    ks = np.asarray(ks, dtype=np.int64)
    wanted, where = np.unique(np.concatenate([ks, n - ks]), return_inverse=True)

    def exceeds(good, rows):
        return _upper_tails(population, good, wanted[rows], n) > threshold

    with np.errstate(invalid="ignore"):
        rate = np.where(wanted > 0, betaincinv(np.maximum(wanted, 1), n - wanted + 1, threshold), 0.0)
    top = np.full(wanted.shape, population, dtype=np.int64)
    lo, hi = _bracket(exceeds, np.floor(rate * population), wanted, top)
    found = _smallest_true(exceeds, lo, hi)[where]
    return found[: ks.size], population - found[ks.size:]


# --------------------------------------------------------------------------------------------
# band probabilities

#: Up to this many unseen cases the finite band probabilities sum the beta-binomial pmf case by case;
#: beyond it they integrate (below): the same numbers to about 1e-10, in bounded time.
_EXACT_UNSEEN = 20_000


def _count_thresholds(population: int, bounds: tuple[int, ...] | None = None) -> np.ndarray:
    """The smallest "yes" count K of N printed in each band above the lowest (N + 1 if none).

    Found by bisection on the framework's own rounding and bands (``percents``, ``band_indices``
    with the framework's lower bounds ``bounds``).
    """
    targets = np.arange(1, len(_LABELS))

    def reaches(count, rows):
        inside = np.minimum(count, population)
        banded = band_indices(percents(inside, population), bounds=bounds)
        return (banded >= targets[rows]) | (count > population)

    zeros = np.zeros(targets.shape, dtype=np.int64)
    return _smallest_true(reaches, zeros, np.full(targets.shape, population + 1, dtype=np.int64))


def _graded_edges(start: float, stop: float, at_start: bool, at_stop: bool) -> np.ndarray:
    """Panel edges from ``start`` to ``stop``: 8 equal panels, and each end panel that touches 0 or 1
    (``at_start``, ``at_stop``) cut geometrically towards that end (40 halvings), where the Beta cdf
    may have an infinite slope (a or b below 1) and equal panels would converge slowly."""
    edges = np.linspace(start, stop, 9)
    width = edges[1] - edges[0]
    halvings = width * 2.0 ** -np.arange(1, 41)
    if at_start:
        edges = np.concatenate([[start], start + halvings[::-1], edges[1:]])
    if at_stop:
        edges = np.concatenate([edges[:-1], stop - halvings, [stop]])
    return edges


def _beta_binomial_at_least(y: int, unseen: int, a: float, b: float) -> float:
    """P(Y >= y) for Y ~ BetaBinomial(unseen, a, b), for a large number of unseen cases.

    P(Binomial(M, p) >= y) = P(B <= p) with B ~ Beta(y, M - y + 1) (the order-statistic identity),
    so P(Y >= y) = 1 - E[I_B(a, b)], I the regularised incomplete beta (the Beta(a, b) cdf).
    The expectation over B is a Gauss-Legendre quadrature (32 nodes a panel) over B's mean
    +/- 40 standard deviations, with B's density written relative to its mean so that its
    narrowness (sd about 1/sqrt(M)) costs no precision, and normalised on the nodes.
    """
    from scipy.special import betainc

    if y <= 0:
        return 1.0
    if y > unseen:
        return 0.0
    alpha, beta = float(y), float(unseen - y + 1)
    mean = alpha / (alpha + beta)
    sd = np.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)))
    start, stop = max(-mean, -40 * sd), min(1 - mean, 40 * sd)
    edges = _graded_edges(start, stop, start == -mean, stop == 1 - mean)
    nodes, weights = np.polynomial.legendre.leggauss(32)
    half = np.diff(edges)[:, None] / 2
    offsets = ((edges[:-1, None] + edges[1:, None]) / 2 + half * nodes[None, :]).ravel()
    weights = (half * weights[None, :]).ravel()
    log_density = np.zeros_like(offsets)
    if alpha > 1:
        log_density += (alpha - 1) * np.log1p(np.maximum(offsets / mean, -1 + 1e-300))
    if beta > 1:
        log_density += (beta - 1) * np.log1p(np.maximum(-offsets / (1 - mean), -1 + 1e-300))
    density = np.exp(log_density - np.max(log_density)) * weights
    cdf = betainc(a, b, np.clip(mean + offsets, 0.0, 1.0))
    return float(1.0 - np.sum(density * cdf) / np.sum(density))


def _beta_binomial_pmf(x: np.ndarray, n: int, a: float, b: float) -> np.ndarray:
    """The beta-binomial pmf as scipy.stats.betabinom computes it (the same expression, so the same
    bits), without importing scipy.stats (0.5-2 s) for it."""
    from scipy.special import betaln

    combiln = -np.log(n + 1) - betaln(n - x + 1, x + 1)
    return np.exp(combiln + betaln(x + a, n - x + b) - betaln(a, b))


def _band_probability_array(k: int, n: int, population: int | None, a: float, b: float,
                            bounds: tuple[int, ...] | None = None) -> np.ndarray:
    """P(true band = each rating), worst first, as a numpy array of four."""
    if population is None:
        from scipy.special import betainc  # the regularised incomplete beta: the Beta cdf

        below = betainc(a + k, b + n - k, np.array(proportion_cutoffs(bounds)))
        return np.diff(np.concatenate(([0.0], below, [1.0])))
    unseen = population - n
    result = np.zeros(len(_LABELS))
    if unseen == 0:
        result[band_indices(np.array([percent(k, n)]), bounds=bounds)[0]] = 1.0
        return result
    if unseen > _EXACT_UNSEEN:
        at_least = [_beta_binomial_at_least(int(t) - k, unseen, a + k, b + n - k)
                    for t in _count_thresholds(population, bounds)]
        at_least = np.clip(np.array([1.0, *at_least, 0.0]), 0.0, 1.0)
        return np.clip(-np.diff(at_least), 0.0, 1.0)
    extra = np.arange(unseen + 1)
    weights = _beta_binomial_pmf(extra, unseen, a + k, b + n - k)
    totals = k + extra
    printed = percents(totals, population)
    np.add.at(result, band_indices(printed, bounds=bounds), weights)
    return result / result.sum()


def band_probabilities(k: int, n: int, *, population: int | None = None, prior="jeffreys"):
    """The Bayesian probability, under a Beta prior (Jeffreys by default), that the true
    proportion lies in each band, given k "yes" of n cases from a simple random sample.

    Parameters
    ----------
    k, n : int
        "Yes" judgements and cases judged.
    population : int, optional
        N. Given: **finite** uncertainty about the proportion K/N among the eligible cases.
        Omitted: **process** uncertainty about the underlying rate.
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        Beta prior for the rate: Jeffreys Beta(1/2, 1/2) by default, uniform Beta(1, 1), or any
        pair of positive numbers.

    Returns
    -------
    pandas.Series
        Indexed by the four ratings (worst first), summing to 1. A posterior probability: it
        depends on the prior, and is not a frequency over repeated inspections.

    Raises
    ------
    SamplingError
        For counts that are not whole numbers (or k > n), a population below n, or a prior that
        is neither a known name nor a pair of positive finite numbers.

    Notes
    -----
    Process: the posterior of the rate is Beta(a + k, b + n - k) and a rate's band is that of
    its printed percentage, so the cut-offs are 0.495, 0.645 and 0.795
    (:func:`sampling.framework.proportion_cutoffs`). Finite: the N - n unseen cases hold
    Y ~ BetaBinomial(N - n, a + k, b + n - k) "yes" (the posterior predictive), and the band is
    that of percent(k + Y, N); with n = N it is certain (Gelman et al. 2013, *Bayesian Data
    Analysis*, 3rd ed., section 2.4 on the beta-binomial predictive). Up to 20,000 unseen cases
    the predictive is summed case by case; beyond, P(Y >= y) = P(B <= p) with
    B ~ Beta(y, N - n - y + 1) and p ~ Beta(a + k, b + n - k) is integrated numerically (the same
    probabilities to about 1e-10, in bounded time for any N).

    The likelihood is that of a simple random sample. ``select`` draws balanced samples, which
    are at least as informative for outcomes related to the balancing variables; these
    probabilities are then on the cautious side.

    Examples
    --------
    >>> band_probabilities(13, 20, population=40).round(4).tolist()   # BetaBinom predictive, scipy 1.17.1
    [0.0192, 0.4157, 0.5504, 0.0147]
    >>> band_probabilities(5, 8, population=8).tolist()               # a census is certain
    [0.0, 1.0, 0.0, 0.0]
    """
    import pandas as pd

    k, n, population = check.counts(k, n, population)
    a, b = check.prior(prior)
    values = _band_probability_array(k, n, population, a, b)
    return pd.Series(values, index=pd.Index(_LABELS, name="rating"), name="probability")


# --------------------------------------------------------------------------------------------
# cases to the boundary


@dataclass(frozen=True)
class CasesToBoundary:
    """How many case judgements must change to move a key question or a standard one band.

    Made by :func:`cases_to_boundary`; each parameter is also an attribute. For a standard, the
    counts are summed over the key questions that must move (up) or taken from the nearest one
    (down).

    Parameters
    ----------
    id : str or None
        The key question's or standard's id (None for bare counts).
    rating : Rating
        The band now (for a standard, its rating by the lowest-key-question rule).
    up : int or None
        The "no" judgements that must become "yes" for the band above (None at Outstanding or
        when no change of cases reaches it).
    down : int or None
        The "yes" judgements that must become "no" for the band below (None at Inadequate).
    k, n : int or None, default None
        A key question's "yes" and cases judged (None for a standard).
    percent : int or None, default None
        A key question's printed percentage (None for a standard).
    key_questions : tuple of CasesToBoundary, default ()
        For a standard, one result per key question.

    Examples
    --------
    >>> result = cases_to_boundary(5, 11)
    >>> result.rating.label, result.percent, result.up, result.down
    ('Inadequate', 45, 1, None)
    """

    id: str | None
    rating: Rating
    up: int | None
    down: int | None
    k: int | None = None
    n: int | None = None
    percent: int | None = None
    key_questions: tuple[CasesToBoundary, ...] = field(default=())

    @property
    def up_rating(self) -> Rating | None:
        """The band ``up`` cases reach (None when ``up`` is None).

        Examples
        --------
        >>> cases_to_boundary(5, 11).up_rating
        <Rating.REQUIRES_IMPROVEMENT: 1>
        """
        return None if self.up is None else Rating(self.rating + 1)

    @property
    def down_rating(self) -> Rating | None:
        """The band ``down`` cases reach (None when ``down`` is None).

        Examples
        --------
        >>> cases_to_boundary(7, 11).down_rating
        <Rating.INADEQUATE: 0>
        """
        return None if self.down is None else Rating(self.rating - 1)

    def to_dict(self) -> dict:
        """The result as a dict, as ``--json`` prints it (without the per-key-question parts).

        Returns
        -------
        dict
            ``id``, ``rating`` (its label), ``up``, ``down``, ``k``, ``n`` and ``percent``.

        Examples
        --------
        >>> cases_to_boundary(5, 11).to_dict()
        {'id': None, 'rating': 'Inadequate', 'up': 1, 'down': None, 'k': 5, 'n': 11, 'percent': 45}
        """
        return {"id": self.id, "rating": self.rating.label, "up": self.up, "down": self.down,
                "k": self.k, "n": self.n, "percent": self.percent}

    def to_frame(self):
        """One row for the result, then one per key question of a standard.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`to_dict`.

        Examples
        --------
        >>> cases_to_boundary(5, 11).to_frame()[["rating", "up", "percent"]].to_dict("records")
        [{'rating': 'Inadequate', 'up': 1, 'percent': 45}]
        """
        import pandas as pd

        rows = [self.to_dict(), *(kq.to_dict() for kq in self.key_questions)]
        return pd.DataFrame(rows, columns=list(rows[0])).astype({"up": "object", "down": "object"})


def cases_to_boundary(k, n: int | None = None) -> CasesToBoundary:
    """Cases that must change for a key question (``k``, ``n``) or a standard to change band.

    Parameters
    ----------
    k : int, KeyQuestion or Standard
        With ``n``: k of n "yes". A :class:`~sampling.reports.KeyQuestion` uses its k and n. A
        :class:`~sampling.reports.Standard` (from a report) is assessed as a whole under the
        lowest-key-question rule.
    n : int, optional
        Cases judged, with ``k`` a count; leave it out for a key question or a standard.

    Returns
    -------
    CasesToBoundary
        ``up`` and ``down``, the cases to the bands either side (None where there is none).

    Raises
    ------
    SamplingError
        For counts that are not whole numbers (or k > n), ``k`` a count without ``n``, a
        qualitative standard, or more than
        ``MAX_CASES_JUDGED`` (1,000) cases judged in a key question (the count
        walks one case at a time; a larger sample is not a plausible inspection).

    Examples
    --------
    Calderdale 2.3.2, 5 of 11 (45 %): one more "yes" gives 6 of 11 = 55 %, Requires improvement
    ("a shift of one case makes a difference of 10 per cent", footnote 17):

    >>> cases_to_boundary(5, 11).up
    1
    >>> from sampling import load_report
    >>> report = load_report("calderdale-2022")
    >>> cases_to_boundary(report.standard("2.3")).up, cases_to_boundary(report.standard("2.4")).up
    (1, 2)
    """
    if isinstance(k, Standard):
        for kq in k.key_questions:
            check.cases_judged(kq.n, f"key question {kq.id}: n")
        return _standard_cases(k)
    if isinstance(k, KeyQuestion):
        check.cases_judged(k.n, f"key question {k.id}: n")
        return _key_question_cases(k.k, k.n, k.id)
    if n is None:
        raise SamplingError("cases_to_boundary needs k and n, a KeyQuestion or a Standard")
    k, n, _ = check.counts(k, n)
    check.cases_judged(n)
    return _key_question_cases(k, n, None)


def _key_question_cases(k: int, n: int, kq_id: str | None) -> CasesToBoundary:
    rating = band(percent(k, n))
    up = _reach([(k, n)], rating, +1)
    down = _reach([(k, n)], rating, -1)
    return CasesToBoundary(kq_id, rating, up, down, k, n, percent(k, n))


def _reach(key_questions, rating: Rating, direction: int) -> int | None:
    """Cases to the band next to ``rating`` in ``direction`` (None beyond the top or bottom)."""
    target = int(rating) + direction
    if not 0 <= target < len(Rating):
        return None
    return standard_cases_to_band(key_questions, Rating(target), direction)


def _standard_cases(standard: Standard) -> CasesToBoundary:
    if standard.qualitative:
        raise SamplingError(f"standard {standard.id} is qualitative: it has no key questions to move")
    rating = standard.rule_rating
    parts = tuple(_key_question_cases(kq.k, kq.n, kq.id) for kq in standard.key_questions)
    pairs = [(kq.k, kq.n) for kq in standard.key_questions]
    return CasesToBoundary(standard.id, rating, _reach(pairs, rating, +1), _reach(pairs, rating, -1),
                           key_questions=parts)


# --------------------------------------------------------------------------------------------
# rating distributions


@dataclass(frozen=True)
class RatingDistribution:
    """Exact distributions of each standard's rating, the 0-36 score and the overall rating.

    The probability is that of the rating the rules would give *if the true rates were known*
    (process) or *if every eligible case were inspected* (finite), given what was seen. Key
    questions are treated as independent; qualitative standards are fixed at their published
    rating. Made by :func:`rating_distribution` (where the method and its sources are); each
    parameter is also an attribute.

    Parameters
    ----------
    report : str
        The report's id.
    mode : {"process", "finite"}
        The kind of uncertainty.
    prior : str
        The beta prior's name ("jeffreys", "uniform", or "beta(a, b)").
    populations : mapping of str to int or None
        The eligible cases per sample used by the finite view (None for process).
    key_questions : pandas.DataFrame
        One row per key question: ``k``, ``n``, ``percent``, ``population``, then P(each band),
        one column per rating.
    standards : pandas.DataFrame
        One row per standard: P(each rating), one column per rating, and ``published``.
    score : pandas.Series
        P(each score), indexed 0 to the framework's maximum (36).
    overall : pandas.Series
        P(each overall rating), indexed by the four ratings.
    published_overall : Rating
        The report's published overall rating.
    populations_source : {"given", "plan", "implied"} or None, default None
        Where the finite view's populations came from (None for process).

    Examples
    --------
    >>> dist = rating_distribution("calderdale-2022")
    >>> dist.mode, dist.prior, round(float(dist.standards.loc["2.4", "Inadequate"]), 3)
    ('process', 'jeffreys', 0.901)
    """

    report: str
    mode: str
    prior: str
    populations: Mapping[str, int] | None
    key_questions: object  # DataFrame: k, n, population, then one column per rating
    standards: object  # DataFrame: one row per standard, one column per rating
    score: object  # Series over 0..36
    overall: object  # Series over the four ratings
    published_overall: Rating
    populations_source: str | None = None  # "given", "plan" or "implied" (finite mode), None (process)

    @property
    def p_published_overall(self) -> float:
        """The probability of the published overall rating.

        Examples
        --------
        >>> round(rating_distribution("calderdale-2022").p_published_overall, 3)
        0.99
        """
        return float(self.overall[self.published_overall.label])

    def to_dict(self) -> dict:
        """The distributions as a dict of plain numbers, as ``--json`` prints them.

        Returns
        -------
        dict
            ``report``, ``mode``, ``prior``, ``populations``, ``populations_source``,
            ``standards`` (a list of ``{"id", "probabilities"}``), ``score`` (keyed by the
            score as text) and ``overall`` (keyed by rating).

        Examples
        --------
        >>> data = rating_distribution("calderdale-2022").to_dict()
        >>> data["standards"][0]["id"], round(data["overall"]["Requires improvement"], 3)
        ('1.1', 0.99)
        """
        return {
            "report": self.report,
            "mode": self.mode,
            "prior": self.prior,
            "populations": None if self.populations is None else dict(self.populations),
            "populations_source": self.populations_source,
            "standards": [{"id": sid, "probabilities": {r: float(row[r]) for r in _LABELS}}
                          for sid, row in self.standards[_LABELS].iterrows()],
            "score": {str(int(s)): float(p) for s, p in self.score.items()},
            "overall": {r: float(self.overall[r]) for r in _LABELS},
        }

    def to_frame(self):
        """One row per standard and one for the overall rating: the probability of each band.

        Returns
        -------
        pandas.DataFrame
            Indexed by standard id, then "overall"; a column per rating.

        Examples
        --------
        >>> frame = rating_distribution("calderdale-2022").to_frame()
        >>> frame.index[-1], round(float(frame.loc["overall", "Requires improvement"]), 3)
        ('overall', 0.99)
        """
        import pandas as pd

        frame = self.standards[_LABELS].copy()
        frame.loc["overall"] = [float(self.overall[r]) for r in _LABELS]
        frame.index = pd.Index([str(i) for i in frame.index], name="standard")
        return frame

    def _repr_html_(self) -> str:
        return self.standards._repr_html_()


def default_populations(report: Report) -> dict[str, int]:
    """The eligible populations a report's samples imply (the smallest N giving each n).

    Uses :func:`sampling.size.populations_for_sample_size` with the reports' 80 % and 5 points;
    a sample the formula cannot give (above 165) is taken as drawn from an unlimited population
    and left out. (The same as :func:`sampling.evidence.implied_populations_of`.)

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.

    Returns
    -------
    dict of str to int
        The smallest eligible population per sample.

    Raises
    ------
    ReportError
        For an unknown id or a bad report file.

    Examples
    --------
    >>> default_populations("calderdale-2022")
    {'court': 11, 'out_of_court': 18, 'resettlement': 2}
    """
    return implied_populations_of(load_report(report))


def key_question_population(kq: KeyQuestion, report: Report, populations: Mapping[str, int]) -> int:
    """N for one key question: its n plus the unseen cases, in the share its n is of the sample.

    See :func:`sampling.evidence.key_question_population`, the one place this share is computed.

    Parameters
    ----------
    kq : KeyQuestion
        The key question (its id's domain names its sample).
    report : Report
        The report it belongs to (for the sample's size).
    populations : mapping of str to int
        Eligible cases per sample.

    Returns
    -------
    int
        The key question's eligible population.

    Raises
    ------
    SamplingError
        If ``populations`` has no entry for the key question's sample.

    Examples
    --------
    >>> report = load_report("calderdale-2022")
    >>> key_question_population(report.key_question("2.3.2"), report, {"court": 30, "out_of_court": 40})
    30
    """
    sample_name = report.framework.sample_of(kq.id)
    if sample_name not in populations:
        raise SamplingError(f"populations: give the eligible cases for the {sample_name} sample "
                            f"(e.g. populations={{'{sample_name}': N}})")
    return _share_of_population(kq.n, report.samples.get(sample_name, kq.n), int(populations[sample_name]))


#: Where a finite analysis's populations came from, in words.
_WHERE = {"given": "given", "plan": "of the plan", "implied": "the samples imply"}


def _finite_populations(report: Report, populations) -> tuple[dict[str, int], str]:
    """The populations a finite analysis uses and where they came from: "given", "plan" (the
    inspection's record, carried by its answers workbook) or "implied" by the sample sizes."""
    if populations is not None:
        return check.populations(populations), "given"
    if report.populations:
        implied = implied_populations_of(report)
        return {**implied, **report.populations}, "plan"
    return implied_populations_of(report), "implied"


def rating_distribution(report, *, mode: str = "process", populations=None, prior="jeffreys"):
    """Per standard, P(each rating); the exact 0-36 score distribution; P(each overall rating).

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    mode : {"process", "finite"}, default "process"
        The kind of uncertainty (see the module docstring).
    populations : mapping, optional
        For "finite": eligible cases per sample, e.g. ``{"court": 57, "out_of_court": 33}``.
        Default: the populations the published samples imply (:func:`default_populations`), and
        the result says so (``populations_source`` is "implied" rather than "given"). A key
        question with fewer relevant cases than its sample is given unseen relevant cases in the
        same share (:func:`sampling.evidence.key_question_population`).
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        The beta prior of each key question's rate, as in :func:`band_probabilities`.

    Returns
    -------
    RatingDistribution
        P(each rating) per standard, the score's distribution and P(each overall rating).

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For an unknown mode, a bad prior, or populations that are not whole numbers per sample
        (or miss a sample).

    Notes
    -----
    The probabilities are Bayesian: each key question's band probabilities come from
    :func:`band_probabilities` under ``prior``, and the analysis assumes each sample is a simple
    random sample (a balanced sample, as ``select`` draws, is at least as informative). Key
    questions are taken as independent. They are judged on the same cases, and shared case quality
    makes their results move together, so that a low result on one comes with low results on the
    others: independence makes the lowest-band rule look *harsher* than it is (the professional
    discretion module simulates shared case quality). Under the lowest-band rule
    P(standard >= r) = prod over its key questions of P(key question >= r); qualitative
    standards are fixed at their published rating. The score's distribution is the convolution
    of the scored standards' distributions (exact, no simulation); the overall rating applies the
    framework's score bands and limiting judgements to it
    (:func:`sampling.framework.overall_probabilities`).

    Examples
    --------
    >>> dist = rating_distribution("calderdale-2022")
    >>> float(round(dist.score.sum(), 12)), dist.overall.idxmax()
    (1.0, 'Requires improvement')
    """
    import pandas as pd

    report = load_report(report)
    mode = check.choice(mode, "mode", _MODES)
    a, b = check.prior(prior)
    source = None
    if mode == "finite":
        populations, source = _finite_populations(report, populations)
    else:
        populations = None
    evidence = {}
    for row in report.evidence_rows(populations):
        evidence.setdefault(row.standard, []).append(row)
    kq_rows, std_rows, by_standard = [], [], {}
    for standard in report.standards:
        probs = _standard_probabilities(standard, evidence.get(standard.id, ()), a, b, kq_rows,
                                        report.framework.band_lower_bounds)
        by_standard[standard.id] = probs
        std_rows.append({"standard": standard.id, **dict(zip(_LABELS, probs, strict=True)),
                         "published": standard.rating.label})
    score, overall = _overall_distribution(report, by_standard)
    return RatingDistribution(
        report=report.id,
        mode=mode,
        prior=check.prior_name(prior),
        populations=populations,
        key_questions=pd.DataFrame(kq_rows).set_index("key_question") if kq_rows else pd.DataFrame(),
        standards=pd.DataFrame(std_rows).set_index("standard"),
        score=score,
        overall=pd.Series(overall, index=pd.Index(_LABELS, name="rating"), name="probability"),
        published_overall=report.overall,
        populations_source=source,
    )


def _overall_distribution(report: Report, by_standard: Mapping[str, np.ndarray]):
    """The score's distribution (a convolution of each scored standard's points) and P(each overall
    rating) by the framework's method; for areas, the lowest of independent standards."""
    import pandas as pd

    framework = report.framework
    score_pmf = np.array([1.0])
    for standard in report.standards:
        if standard.scored and framework.overall_method != "areas":
            points = np.zeros(framework.points[-1] + 1)
            np.add.at(points, np.array(framework.points), by_standard[standard.id])
            score_pmf = np.convolve(score_pmf, points)
    max_score = framework.max_score
    score = pd.Series(np.pad(score_pmf, (0, max_score + 1 - len(score_pmf)))[: max_score + 1],
                      index=pd.RangeIndex(max_score + 1, name="score"), name="probability")
    if framework.overall_method != "areas":
        return score, overall_probabilities(score.to_numpy(), framework, report.limiting)
    at_least = np.ones(len(_LABELS))
    for standard in report.standards:
        if framework.standard(standard.id).area is not None:
            at_least *= np.cumsum(by_standard[standard.id][::-1])[::-1]  # P(standard >= r)
    return score, at_least - np.append(at_least[1:], 0.0)


def _standard_probabilities(standard: Standard, rows, a: float, b: float, kq_rows: list,
                            bounds: tuple[int, ...] | None = None) -> np.ndarray:
    """P(each rating) of one standard from its evidence rows (lowest-band rule, independence)."""
    probs = np.zeros(len(_LABELS))
    if standard.qualitative:
        probs[int(standard.rating)] = 1.0
        return probs
    at_least = np.ones(len(_LABELS))
    for row in rows:
        p = _band_probability_array(row.yes, row.relevant, row.population, a, b, bounds)
        kq_rows.append({"key_question": row.key_question, "k": row.yes, "n": row.relevant,
                        "percent": row.percent, "population": row.population,
                        **dict(zip(_LABELS, p, strict=True))})
        at_least *= np.cumsum(p[::-1])[::-1]  # P(band >= r)
    return at_least - np.append(at_least[1:], 0.0)


def monte_carlo_score(report, *, reps: int = 100_000, rng=None, prior="jeffreys", mode: str = "process",
                      populations=None):
    """A Monte Carlo estimate of the score distribution that :func:`rating_distribution` computes
    exactly: draw each key question's rate from its Beta posterior, rate every standard by the
    lowest-band rule, add the points.

    Process mode rates the drawn rate p itself; finite mode draws the unseen cases' "yes" as
    Binomial(N - n, p) (so that k + Y is a beta-binomial predictive draw) and rates percent(k + Y, N),
    with ``populations`` as in :func:`rating_distribution` (default: those the samples imply).
    Kept to check the exact convolution (``tests/test_uncertainty.py``) and to time it against
    (``benchmarks/bench_uncertainty.py``); use :func:`rating_distribution` for answers. Like it,
    it assumes simple random samples and independent key questions.

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    reps : int, default 100_000
        Posterior draws, from 1 to ``MAX_REPS`` (200,000).
    rng : int or numpy.random.Generator, optional
        The seed or generator of the draws.
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        As in :func:`rating_distribution`.
    mode : {"process", "finite"}, default "process"
        As in :func:`rating_distribution`.
    populations : mapping of str to int, optional
        As in :func:`rating_distribution`.

    Returns
    -------
    pandas.Series
        The share of draws at each score, indexed 0 to the framework's maximum.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For reps below 1 or above 200,000, a bad rng, prior, mode or populations.

    Examples
    --------
    >>> estimate = monte_carlo_score("calderdale-2022", reps=20_000, rng=1)
    >>> abs(float(estimate.sum()) - 1.0) < 1e-12
    True
    """
    import pandas as pd

    report = load_report(report)
    reps = check.reps(reps)
    a, b = check.prior(prior)
    mode = check.choice(mode, "mode", _MODES)
    generator = check.generator(rng)
    if mode == "finite":
        populations, _ = _finite_populations(report, populations)
    else:
        populations = None
    rows: dict[str, list] = {}
    for row in report.evidence_rows(populations):
        rows.setdefault(row.standard, []).append(row)
    points, bounds = np.array(report.framework.points), report.framework.band_lower_bounds
    score = np.zeros(reps, dtype=np.int64)
    for standard in report.standards:
        if not standard.scored:
            continue
        if standard.qualitative:
            score += report.framework.score_of(standard.rating)
            continue
        lowest = np.full(reps, len(_LABELS) - 1)
        for row in rows[standard.id]:
            lowest = np.minimum(lowest, _drawn_bands(row, a, b, reps, generator, bounds))
        score += points[lowest]
    max_score = report.framework.max_score
    return pd.Series(np.bincount(score, minlength=max_score + 1)[: max_score + 1] / reps,
                     index=pd.RangeIndex(max_score + 1, name="score"), name="probability")


def _drawn_bands(row, a: float, b: float, reps: int, generator, bounds=None) -> np.ndarray:
    """One key question's true band in each of ``reps`` posterior draws (process or finite), under
    the framework's band lower bounds ``bounds``."""
    rate = generator.beta(a + row.yes, b + row.relevant - row.yes, size=reps)
    if row.population is None:
        return np.searchsorted(np.array(proportion_cutoffs(bounds)), rate, side="right")
    unseen = row.population - row.relevant
    total = row.yes + generator.binomial(unseen, rate)
    return band_indices(percents(total, row.population), bounds=bounds)


# --------------------------------------------------------------------------------------------
# a whole report


#: A published rating less likely than this, under either view, is explained in words.
LOW_PROBABILITY = 0.5
_AVERAGE_METHODS = ("wilson", "jeffreys", "agresti-coull")
_METHOD_NAMES = {"wilson": "Wilson", "clopper-pearson": "Clopper-Pearson", "jeffreys": "Jeffreys",
                 "agresti-coull": "Agresti-Coull", "hypergeometric": "hypergeometric"}


@dataclass(frozen=True)
class Explanation:
    """Why a published rating has a low probability: the rule score, the discretion behind it and
    the key questions it rests on, in figures and in one paragraph (``text``).

    One of ``ReportUncertainty.explanations``; each parameter is also an attribute.

    Parameters
    ----------
    id : str
        "overall" or a standard's id.
    published : Rating
        The published rating.
    mode : {"process", "finite"}
        The chosen view.
    probability : float
        P(published rating) under the chosen view.
    process_probability : float
        P(published rating) under the process view.
    rule_rating : Rating
        The rating the rules give (for "overall", from the rule score).
    rule_score : int or None
        The score by the rules (overall only).
    published_score : int or None
        The published score (overall only).
    discretion : tuple of str
        The standards raised or lowered by professional discretion that the rating rests on.
    at_risk : tuple of str
        The standards most likely to be truly in another band (overall only).
    text : str
        The explanation in one paragraph.

    Examples
    --------
    >>> first = report_uncertainty("cambridgeshire-2023").explanations[0]
    >>> first.id, first.published.label, round(first.probability, 3), first.at_risk
    ('overall', 'Good', 0.106, ('2.1', '2.2', '3.1'))
    """

    id: str
    published: Rating
    mode: str
    probability: float
    process_probability: float
    rule_rating: Rating
    rule_score: int | None
    published_score: int | None
    discretion: tuple[str, ...]
    at_risk: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        """The explanation as a dict, ratings by label, as ``--json`` prints it.

        Returns
        -------
        dict
            One entry per field; ``discretion`` and ``at_risk`` as lists.

        Examples
        --------
        >>> report_uncertainty("cambridgeshire-2023").explanations[0].to_dict()["rule_score"]
        19
        """
        return {"id": self.id, "published": self.published.label, "mode": self.mode,
                "probability": self.probability, "process_probability": self.process_probability,
                "rule_rating": self.rule_rating.label, "rule_score": self.rule_score,
                "published_score": self.published_score, "discretion": list(self.discretion),
                "at_risk": list(self.at_risk), "text": self.text}

    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row.

        Examples
        --------
        >>> report_uncertainty("cambridgeshire-2023").explanations[0].to_frame().shape[0]
        1
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


@dataclass(frozen=True)
class ReportUncertainty:
    """How sure each rating of a report is: per key question its interval and band probabilities,
    the rating distributions under the chosen view, and the process view beside a finite one.

    ``intervals`` are keyed by key question; ``distribution`` is the :class:`RatingDistribution`
    of ``mode``; ``process`` the process one (the same object when ``mode`` is "process").
    ``population_ranges`` (finite view) gives, per sample, the eligible populations that the
    reports' sample-size formula maps to that sample size
    (:func:`sampling.size.populations_for_sample_size`); ``explanations`` says in words why a
    published rating has a probability below :data:`LOW_PROBABILITY` under either view, and why a
    standard raised by professional discretion is less likely than its rule's rating. Made by
    :func:`report_uncertainty`; each parameter is also an attribute.

    Parameters
    ----------
    report : str
        The report's id.
    mode : {"process", "finite"}
        The chosen view.
    method : str
        The interval method (:data:`INTERVAL_METHODS`).
    confidence : float
        The intervals' confidence level.
    intervals : mapping of str to Interval
        One interval per key question.
    distribution : RatingDistribution
        The rating distributions of ``mode``.
    process : RatingDistribution
        The process view's (``distribution`` itself when ``mode`` is "process").
    population_ranges : mapping of str to PopulationRange or None, default None
        Finite view: per sample, the populations the sample-size formula maps to its size.
    explanations : tuple of Explanation, default ()
        Why each unlikely published rating is unlikely, in words.

    Examples
    --------
    >>> result = report_uncertainty("calderdale-2022")
    >>> result.method, len(result.intervals), result.distribution is result.process
    ('wilson', 21, True)
    """

    report: str
    mode: str
    method: str
    confidence: float
    intervals: Mapping[str, Interval]
    distribution: RatingDistribution
    process: RatingDistribution
    population_ranges: Mapping[str, object] | None = None
    explanations: tuple[Explanation, ...] = ()

    @property
    def populations(self) -> Mapping[str, int] | None:
        """The eligible cases per sample of the finite view (None for process).

        Examples
        --------
        >>> report_uncertainty("calderdale-2022", mode="finite").populations["court"]
        11
        """
        return self.distribution.populations

    @property
    def populations_source(self) -> str | None:
        """Where the finite view's populations came from: "given", "plan" or "implied" (None for process).

        Examples
        --------
        >>> report_uncertainty("calderdale-2022", mode="finite").populations_source
        'implied'
        """
        return self.distribution.populations_source

    @property
    def caption(self) -> str:
        """One sentence on what each view means, for the caption of a table of these figures.

        Examples
        --------
        >>> print(report_uncertainty("calderdale-2022").caption)  # doctest: +NORMALIZE_WHITESPACE
        finite = the band of all eligible cases in the period, as if every one were inspected
        (from the populations the samples imply); process = the band of the service's practice,
        of which the period's cases are one sample; probabilities are Bayesian (jeffreys prior)
        and assume a simple random sample; Wilson intervals cover 80% on average over true
        rates, lower at some.
        """
        avg = (f"{self.confidence:.0%} on average over true rates, lower at some"
               if self.method in _AVERAGE_METHODS else f"at least {self.confidence:.0%} at every true value")
        where = _WHERE.get(self.populations_source, "the samples imply")
        return (f"finite = the band of all eligible cases in the period, as if every one were inspected "
                f"(from the populations {where}); "
                "process = the band of the service's practice, of which the period's cases are one "
                f"sample; probabilities are Bayesian ({self.distribution.prior} prior) and assume a simple "
                f"random sample; {_METHOD_NAMES[self.method]} intervals cover {avg}.")

    def published_probabilities(self) -> list[dict]:
        """P(published rating) of the overall rating and each standard, in both views.

        Returns
        -------
        list of dict
            One ``{"id", "published", "probability", "process_probability"}`` per rating, the
            overall rating first.

        Examples
        --------
        >>> row = report_uncertainty("cambridgeshire-2023").published_probabilities()[0]
        >>> row["id"], row["published"], round(row["probability"], 3)
        ('overall', 'Good', 0.106)
        """
        rows = [{"id": "overall", "published": self.distribution.published_overall.label,
                 "probability": self.distribution.p_published_overall,
                 "process_probability": self.process.p_published_overall}]
        for sid, row in self.distribution.standards.iterrows():
            label = row["published"]
            rows.append({"id": sid, "published": label, "probability": float(row[label]),
                         "process_probability": float(self.process.standards.loc[sid, label])})
        return rows

    def to_frame(self):
        """One row per key question: k, n, percent, population, interval, P(each band).

        Returns
        -------
        pandas.DataFrame
            Indexed by key question; columns ``k``, ``n``, ``percent``, ``population``, one per
            rating, then ``low``, ``high`` and ``method``.

        Examples
        --------
        >>> table = report_uncertainty("calderdale-2022").to_frame()
        >>> table.loc["2.3.2", ["k", "n", "percent", "method"]].to_dict()
        {'k': 5, 'n': 11, 'percent': 45, 'method': 'wilson'}
        """
        import pandas as pd

        table = self.distribution.key_questions.copy()
        table["low"] = [self.intervals[kq].low for kq in table.index]
        table["high"] = [self.intervals[kq].high for kq in table.index]
        table["method"] = [self.intervals[kq].method for kq in table.index]
        return pd.DataFrame(table)

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling uncertainty --json`` (keys fixed; context added).

        Returns
        -------
        dict
            ``report``, ``mode``, ``method``, ``confidence``, ``prior``, ``populations``,
            ``populations_source``, ``population_ranges``, ``caption``, ``key_questions``,
            ``standards``, ``standards_process``, ``published_probabilities``, ``score``,
            ``overall``, ``overall_process`` and ``explanations``.

        Examples
        --------
        >>> data = report_uncertainty("calderdale-2022").to_dict()
        >>> data["key_questions"][0]["id"], data["populations"]
        ('2.1.1', None)
        """
        bands = self.distribution.key_questions
        data = self.distribution.to_dict()
        return {
            "report": self.report,
            "mode": self.mode,
            "method": self.method,
            "confidence": self.confidence,
            "prior": self.distribution.prior,
            "populations": data["populations"],
            "populations_source": data["populations_source"],
            "population_ranges": _ranges_dict(self.population_ranges),
            "caption": self.caption,
            "key_questions": [
                {"id": kq, "k": result.k, "n": result.n, "percent": percent(result.k, result.n),
                 "population": result.population, "low": result.low, "high": result.high,
                 "bands": {r: float(bands.loc[kq, r]) for r in _LABELS}}
                for kq, result in self.intervals.items()
            ],
            "standards": data["standards"],
            "standards_process": self.process.to_dict()["standards"],
            "published_probabilities": self.published_probabilities(),
            "score": data["score"],
            "overall": data["overall"],
            "overall_process": {r: float(self.process.overall[r]) for r in _LABELS},
            "explanations": [e.to_dict() for e in self.explanations],
        }


def _ranges_dict(ranges) -> dict | None:
    if ranges is None:
        return None
    return {name: {"sample": found.n, "low": found.low, "high": found.high, "text": str(found)}
            for name, found in ranges.items()}


def report_uncertainty(report, *, mode: str = "process", confidence: float = 0.80, method: str | None = None,
                       populations=None, prior="jeffreys") -> ReportUncertainty:
    """Intervals, band probabilities and rating distributions for every key question of a report,
    both views side by side, and in words why a published rating is unlikely where it is.

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.
    mode : {"process", "finite"}, default "process"
        The view: the service's underlying practice (binomial), or all eligible cases in the
        period (hypergeometric, from ``populations`` or the ones the samples imply, and said so).
    confidence : float, default 0.80
        Of the intervals.
    method : str, optional
        Interval method (:func:`interval`); default Wilson for process, hypergeometric for finite.
    populations : mapping, optional
        Eligible cases per sample, for the finite view.
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        The beta prior of the band probabilities.

    Returns
    -------
    ReportUncertainty
        The intervals, both views' rating distributions, the population ranges (finite view)
        and the explanations.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For a bad mode, confidence, method, populations or prior.

    Notes
    -----
    Everything assumes simple random samples; ``select``'s balanced samples make the figures
    conservative for outcomes related to the balancing variables (``interval``, Notes). The
    explanations read the rule score and the reasons for discretion from
    :func:`sampling.rate_report` and the report's own ``discretion`` text.

    Examples
    --------
    >>> result = report_uncertainty("calderdale-2022", mode="finite")
    >>> result.populations_source, round(result.intervals["2.3.2"].low, 3)
    ('implied', 0.455)
    >>> result.population_ranges["court"].low, result.population_ranges["court"].high
    (11, 11)
    >>> [e.id for e in report_uncertainty("cambridgeshire-2023").explanations]
    ['overall', '2.1']
    """
    report = load_report(report)
    confidence = check.confidence(confidence)
    if method is not None:
        check.choice(method, "method", INTERVAL_METHODS)
    dist = rating_distribution(report, mode=mode, populations=populations, prior=prior)
    process = dist if mode == "process" else rating_distribution(report, mode="process", prior=prior)
    intervals = {row.key_question: interval(row.yes, row.relevant, population=row.population,
                                            confidence=confidence, method=method)
                 for row in report.evidence_rows(dist.populations)}
    chosen = method or ("hypergeometric" if mode == "finite" else "wilson")
    ranges = None if dist.populations is None else _population_ranges(report, dist.populations)
    return ReportUncertainty(report.id, mode, chosen, confidence, intervals, dist, process, ranges,
                             _explanations(report, dist, process))


def _population_ranges(report: Report, populations: Mapping[str, int]) -> dict:
    """Per sample with a population, the populations the reports' formula maps to its size."""

    return {name: populations_for_sample_size(report.samples[name]) for name in populations
            if report.samples.get(name, 0) >= 1}


# --------------------------------------------------------------------------------------------
# explanations in words


def _lowest_key_question(standard: Standard) -> KeyQuestion:
    """The key question the lowest-band rule reads (the first of equal lowest percentages)."""
    return min(standard.key_questions, key=lambda kq: kq.percent)


def _key_question_words(kq: KeyQuestion, direction: int) -> str:
    """'2.1.2, 11 of 17 = 65 %, 1 case above Requires improvement' (direction -1: the band below)."""
    if kq.n > check.MAX_CASES_JUDGED:  # cases to a boundary are counted one by one: not for a typo's n
        return f"{kq.id}, {kq.k} of {kq.n} = {kq.percent} %"
    moved = cases_to_boundary(kq.k, kq.n)
    cases, rating = (moved.down, moved.down_rating) if direction < 0 else (moved.up, moved.up_rating)
    where = "" if cases is None else (f", {cases} case{'s' if cases != 1 else ''} "
                                      f"{'above' if direction < 0 else 'below'} {rating.label}")
    return f"{kq.id}, {kq.k} of {kq.n} = {kq.percent} %{where}"


def _views(dist: RatingDistribution, process: RatingDistribution, p: float, p_process: float,
           label: str) -> str:
    if dist is process:
        return f"P(published {label}) = {p:.3f} (process)"
    return f"P(published {label}) = {p:.3f} ({dist.mode}), {p_process:.3f} (process)"


def _explanations(report: Report, dist: RatingDistribution, process: RatingDistribution) -> tuple:
    """The overall rating's explanation (where unlikely) and each doubtful standard's."""

    table = rate_report(report)
    result = []
    if min(dist.p_published_overall, process.p_published_overall) < LOW_PROBABILITY:
        result.append(_overall_explanation(report, table, dist, process))
    for standard in report.standards:
        if standard.qualitative:
            continue
        p = float(dist.standards.loc[standard.id, standard.rating.label])
        p_process = float(process.standards.loc[standard.id, standard.rating.label])
        raised = standard.rating != standard.rule_rating
        if raised or min(p, p_process) < LOW_PROBABILITY / 2:
            result.append(_standard_explanation(standard, dist, process, p, p_process))
    return tuple(result)


def _census_words(dist: RatingDistribution, standard: Standard) -> str:
    """A note where the finite view is certain because the sample is every eligible case."""
    if dist.mode != "finite" or dist.key_questions.empty:
        return ""
    rows = dist.key_questions.loc[[kq.id for kq in standard.key_questions]]
    if (rows["population"] == rows["n"]).all():
        where = _WHERE.get(dist.populations_source, "the samples imply")
        return (f" In the finite view the sample is every eligible case (from the populations {where}), "
                "so the rules' band is certain there.")
    return ""


def _standard_explanation(standard: Standard, dist, process, p: float, p_process: float) -> Explanation:
    published, rule = standard.rating, standard.rule_rating
    lowest = _lowest_key_question(standard)
    if published != rule:
        direction = +1 if published > rule else -1
        text = (f"{standard.id}: {_views(dist, process, p, p_process, published.label)}. The rules give "
                f"{rule.label} (lowest key question {_key_question_words(lowest, direction)}); the report "
                f"published a band {'higher' if published > rule else 'lower'} by professional discretion. "
                f"The report: \"{standard.discretion}\"" + _census_words(dist, standard))
    else:
        text = (f"{standard.id}: {_views(dist, process, p, p_process, published.label)}. Its lowest key "
                f"question is {_key_question_words(lowest, -1)}: the true band is likely to be lower.")
    reasons = (standard.discretion,) if standard.discretion else ()
    return Explanation(standard.id, published, dist.mode, p, p_process, rule, None, None, reasons, (), text)


def _overall_explanation(report: Report, table, dist, process) -> Explanation:
    published = dist.published_overall
    p, p_process = dist.p_published_overall, process.p_published_overall
    parts = [f"Overall: {_views(dist, process, p, p_process, published.label)}."]
    parts.append(_score_words(report, table))
    lower = float(dist.overall.iloc[: int(published)].sum())
    direction = -1 if lower >= float(dist.overall.iloc[int(published) + 1:].sum()) else +1
    at_risk = _standards_at_risk(report, dist, direction)
    if at_risk:
        listed = "; ".join(_at_risk_words(report.standard(sid), q, direction) for sid, q in at_risk)
        parts.append(f"Most likely {'lower' if direction < 0 else 'higher'} than published: {listed}.")
    reasons = tuple(row.reason for row in table.differences if row.reason)
    return Explanation("overall", published, dist.mode, p, p_process, table.rule_overall, table.rule_score,
                       table.published_score, reasons, tuple(sid for sid, _ in at_risk), " ".join(parts))


def _at_risk_words(standard: Standard, q: float, direction: int) -> str:
    lowest = _lowest_key_question(standard)
    if standard.rating != standard.rule_rating:
        return (f"{standard.id} {standard.rating.label} (P = {q:.2f}; raised from "
                f"{standard.rule_rating.label} by professional discretion; lowest key question "
                f"{lowest.id}, {lowest.k} of {lowest.n} = {lowest.percent} %)")
    return (f"{standard.id} {standard.rating.label} (P = {q:.2f}; lowest key question "
            f"{_key_question_words(lowest, direction)})")


def _score_words(report: Report, table) -> str:
    """The rule score, the discretion that moved it, and where it sits in its score band."""
    framework = report.framework
    top = framework.max_score
    if table.rule_score == table.published_score:
        words = f"The rules give the published score, {table.published_score} of {top}"
    else:
        moved = ", ".join(f"{row.id} ({row.rule_rating.label} -> {row.published_rating.label}: "
                          f"\"{row.reason}\")" for row in table.differences)
        words = (f"The rules give {table.rule_score} of {top} ({table.rule_overall.label}); professional "
                 f"discretion on {moved} makes the published {table.published_score}")
    if framework.overall_method != "score":
        return words + "."
    low, high = framework.score_bands[int(table.published_overall)]
    label = table.published_overall.label
    if table.published_score == low and low > 0:
        return (f"{words}, the lowest score rated {label} ({low} to {high}): one scored standard truly a "
                f"band lower makes it {Rating(int(table.published_overall) - 1).label}.")
    return f"{words}, {table.published_score - low} above the lowest score rated {label} ({low} to {high})."


def _standards_at_risk(report: Report, dist: RatingDistribution, direction: int, most: int = 3):
    """The scored quantitative standards most likely to be truly a band lower (or higher)."""
    found = []
    for standard in report.standards:
        if standard.qualitative or not standard.scored:
            continue
        probs = dist.standards.loc[standard.id, _LABELS].to_numpy(dtype=float)
        r = int(standard.rating)
        q = float(probs[:r].sum() if direction < 0 else probs[r + 1:].sum())
        if q >= 0.2:
            found.append((standard.id, q))
    return sorted(found, key=lambda item: -item[1])[:most]
