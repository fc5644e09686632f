"""Sample size and margin of error for a proportion from a small finite population.

Every report says "The sample size was set to achieve a confidence level of 80 per cent (with a
margin of error of 5)". This module sets n from the number of eligible cases N the way the
reports do (the normal approximation with a finite-population correction), offers the two
corrections in use, an exact hypergeometric method, the inverses (the margin an n achieves, the
populations a published n implies), allocation of a total by largest remainder, and the margins
of sub-samples. See ``methodology/sample-size.md`` for the formulas and sources.

Nothing here knows about ratings.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from ._errors import SamplingError

__all__ = [
    "SampleSize",
    "PopulationRange",
    "sample_size",
    "margin_of_error",
    "populations_for_sample_size",
    "allocate",
    "subgroup_margins",
    "exact_coverage",
    "implied_populations",
]

_METHODS = ("normal", "exact")
_CORRECTIONS = ("cochran", "simple")
# |p_hat - P| <= margin is decided with this slack, so that 0.05 stored as 0.05000000000000000277
# does not turn an exact boundary case (P = 0.45, p_hat = 0.5) into a miss.
_TOL = 1e-9


# --------------------------------------------------------------------------------------------
# validation


def _check_probability(value: object, name: str, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise SamplingError(f"{name} must be a number between 0 and 1 (a proportion, e.g. {example}), "
                            f"got {value!r}")
    value = float(value)
    if not 0 < value < 1:
        raise SamplingError(f"{name} must be between 0 and 1 (a proportion, e.g. {example}), got {value:g}")
    return value


def _check_population(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isinf(value) and value > 0):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise SamplingError(f"population must be a whole number of cases (or None for unlimited), "
                            f"got {value!r}")
    if value < 1:
        raise SamplingError(f"population must be at least 1 case, got {value!r}")
    return int(value)


def _check_n(value: object, population: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise SamplingError(f"n must be a whole number of cases, got {value!r}")
    value = int(value)
    if value < 1:
        raise SamplingError(f"n must be at least 1 case, got {value}")
    if population is not None and value > population:
        raise SamplingError(f"n = {value} is more than the population of {population}; "
                            "a sample cannot be larger than the eligible cases")
    return value


def _check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SamplingError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class SampleSize:
    """A sample size and the inputs that produced it.

    ``n`` is the whole number of cases (rounded up, never above the population);
    ``n_unrounded`` the formula's value before rounding (for ``method="exact"``, equal to ``n``);
    ``achieved_margin`` the margin of error that ``n`` achieves by the same method.
    """

    n: int
    n_unrounded: float
    population: int | None
    confidence: float
    margin: float
    proportion: float
    method: str
    correction: str
    achieved_margin: float

    def to_dict(self) -> dict:
        return asdict(self)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def __str__(self) -> str:
        pop = "an unlimited population" if self.population is None else f"{self.population} cases"
        how = ("exact hypergeometric method" if self.method == "exact" and self.population
               else "exact binomial method" if self.method == "exact"
               else f"normal approximation, {self.correction} correction")
        return (f"n = {self.n} from {pop} at {self.confidence:.0%} confidence and a "
                f"{self.margin * 100:g}-point margin ({how}; achieved margin "
                f"{self.achieved_margin * 100:.2f} points)")


@dataclass(frozen=True)
class PopulationRange:
    """The eligible populations N whose sample size is exactly ``n``: ``low`` to ``high``.

    ``high`` is None when every N from ``low`` up gives ``n`` (the unlimited-population size);
    ``low`` is None when no N gives ``n``.
    """

    n: int
    low: int | None
    high: int | None
    confidence: float
    margin: float
    proportion: float
    correction: str

    @property
    def empty(self) -> bool:
        return self.low is None

    def __contains__(self, population: object) -> bool:
        if self.empty or not isinstance(population, numbers.Integral):
            return False
        return population >= self.low and (self.high is None or population <= self.high)

    def __iter__(self):
        if self.empty:
            return iter(())
        if self.high is None:
            raise SamplingError(f"the populations giving n = {self.n} are unbounded "
                                f"({self.low} or more); iterate over a slice instead")
        return iter(range(self.low, self.high + 1))

    def __str__(self) -> str:
        if self.empty:
            return "none"
        if self.high is None:
            return f"{self.low} or more"
        if self.low == self.high:
            return str(self.low)
        return f"{self.low} to {self.high}"

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# the normal approximation


def _n0(z: float, margin: float, proportion: float) -> float:
    return z * z * proportion * (1 - proportion) / (margin * margin)


def _corrected(n0: float, population: int | None, correction: str) -> float:
    if population is None:
        return n0
    if correction == "cochran":
        return n0 / (1 + (n0 - 1) / population)
    return n0 / (1 + n0 / population)


def _ceil(x: float) -> int:
    # 42.0000000001 from floating error is 42, not 43
    return math.ceil(x - _TOL)


def _normal_margin(n: int, population: int | None, z: float, proportion: float, correction: str) -> float:
    variance = proportion * (1 - proportion) / n
    if population is not None:
        if correction == "cochran":
            variance *= (population - n) / (population - 1) if population > 1 else 0.0
        else:
            variance *= (population - n) / population
    return z * math.sqrt(max(variance, 0.0))


# --------------------------------------------------------------------------------------------
# the exact method


def exact_coverage(n: int, population: int | None, margin: float) -> float:
    """The smallest probability, over every population proportion, that p-hat is within margin.

    Finite population: X ~ Hypergeometric(N, K, n) for every K = 0..N, and the coverage is
    ``min_K P(|X/n - K/N| <= margin)``. Unlimited population: X ~ Binomial(n, P), and the
    infimum over P in [0, 1].

    The acceptance set {x : |x/n - P| <= margin} is constant between break points, and within
    such a stretch P(X in set) is unimodal in the parameter (the hypergeometric and binomial
    families are totally positive; Karlin 1968, *Total Positivity*, ch. 3), so the minimum lies
    at a stretch's ends and only those parameters are evaluated. ``tests/test_size.py`` checks
    this against every K with scipy.stats.hypergeom, and against a plain enumeration for N <= 60.

    Essex's 43 of 57 miss 80 per cent for some population proportions; 45 of 57 do not:

    >>> round(exact_coverage(43, 57, 0.05), 4), round(exact_coverage(45, 57, 0.05), 4)
    (0.7815, 0.8047)
    """
    if population is not None and n >= population:
        return 1.0
    if population is None:
        return _binomial_coverage(n, margin)
    big_n = population
    k = np.arange(big_n // 2 + 1)  # coverage(K) = coverage(N - K) by symmetry (X -> n - X)
    share = k / big_n
    low = np.maximum(np.ceil(n * (share - margin) - _TOL), 0).astype(np.int64)
    high = np.minimum(np.floor(n * (share + margin) + _TOL), n).astype(np.int64)
    change = np.flatnonzero((np.diff(low) != 0) | (np.diff(high) != 0))
    candidates = np.unique(np.concatenate(([0, k[-1]], change, change + 1)))
    return float(_hypergeom_window(big_n, k[candidates], n, low[candidates], high[candidates]).min())


def _hypergeom_window(big_n: int, k, n: int, low, high):
    """P(low <= X <= high) for X ~ Hypergeometric(N, K, n), vectorised over K, low, high.

    Sums the probability mass over the window from log-gamma terms, which is fast for
    N = 100,000 where scipy's cdf is slow; tests compare it with scipy.stats.hypergeom.
    """
    from scipy.special import gammaln

    k = np.asarray(k, dtype=np.int64)[:, None]
    width = int(max(np.max(high - low) + 1, 1))
    x = np.asarray(low, dtype=np.int64)[:, None] + np.arange(width)[None, :]
    valid = (x <= np.asarray(high)[:, None]) & (x >= 0) & (x <= k) & (n - x <= big_n - k) & (x <= n)
    xs = np.where(valid, x, 0)
    ks = np.broadcast_to(k, xs.shape)

    def log_comb(a, b):
        return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

    log_p = (log_comb(ks, np.minimum(xs, ks)) + log_comb(big_n - ks, np.clip(n - xs, 0, big_n - ks))
             - log_comb(big_n, n))
    return np.where(valid, np.exp(log_p), 0.0).sum(axis=1)


def _binomial_coverage(n: int, margin: float) -> float:
    """inf over P of P(|X/n - P| <= margin), X ~ Binomial(n, P), from the break points."""
    from scipy.stats import binom

    x = np.arange(n + 1)
    ps, lows, highs = [], [], []
    # P just above x/n + margin: x has just left the set
    p = x / n + margin
    keep = p <= 1 + _TOL
    p = np.clip(p[keep], 0, 1)
    ps.append(p)
    lows.append(x[keep] + 1)
    highs.append(np.floor(n * (p + margin) + _TOL))
    # P just below x/n - margin: x has not yet entered the set
    p = x / n - margin
    keep = p >= -_TOL
    p = np.clip(p[keep], 0, 1)
    ps.append(p)
    lows.append(np.ceil(n * (p - margin) - _TOL))
    highs.append(x[keep] - 1)
    p, low, high = (np.concatenate(a) for a in (ps, lows, highs))
    low, high = np.maximum(low, 0), np.minimum(high, n)
    cover = np.where(high >= low, binom.cdf(high, n, p) - binom.cdf(low - 1, n, p), 0.0)
    return float(cover.min(initial=1.0))


def _exact_size(population: int | None, confidence: float, margin: float) -> int:
    """Scan n upwards; a cheap necessary test at P = 1/2 skips most n before the full minimum."""
    n = 1
    while True:
        if population is not None and n >= population:
            return population
        if _half_coverage(n, population, margin) >= confidence - 1e-12 and \
                exact_coverage(n, population, margin) >= confidence - 1e-12:
            return n
        n += 1


def _half_coverage(n: int, population: int | None, margin: float) -> float:
    """Coverage at the single parameter K = floor(N / 2) (or P = 1/2): an upper bound."""
    if population is None:
        from scipy.stats import binom

        low = max(math.ceil(n * (0.5 - margin) - _TOL), 0)
        high = min(math.floor(n * (0.5 + margin) + _TOL), n)
        return float(binom.cdf(high, n, 0.5) - binom.cdf(low - 1, n, 0.5))
    k = population // 2
    share = k / population
    low = max(math.ceil(n * (share - margin) - _TOL), 0)
    high = min(math.floor(n * (share + margin) + _TOL), n)
    return float(_hypergeom_window(population, [k], n, np.array([low]), np.array([high]))[0])


def _exact_margin(n: int, population: int | None, confidence: float) -> float:
    if population is not None and n >= population:
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(50):  # bisection to about 1e-15: coverage is non-decreasing in the margin
        mid = (low + high) / 2
        if exact_coverage(n, population, mid) >= confidence - 1e-12:
            high = mid
        else:
            low = mid
    return high


# --------------------------------------------------------------------------------------------
# public functions


def sample_size(
    population: int | None,
    *,
    confidence: float = 0.80,
    margin: float = 0.05,
    proportion: float = 0.5,
    method: str = "normal",
    correction: str = "cochran",
) -> SampleSize:
    """The sample size for estimating a proportion within ``margin`` at ``confidence``.

    Parameters
    ----------
    population : int or None
        N, the number of eligible cases; None for an unlimited population.
    confidence : float
        Two-sided confidence level as a proportion (0.80 for the reports' 80 per cent).
    margin : float
        Margin of error as a proportion (0.05 for the reports' "margin of error of 5").
    proportion : float
        The anticipated proportion p; 0.5 gives the largest n.
    method : {"normal", "exact"}
        "normal": the normal approximation with a finite-population correction. "exact": the
        smallest n for which, drawing n of N without replacement, P(|p-hat - P| <= margin) >=
        confidence for *every* population proportion P = K/N (hypergeometric; binomial when the
        population is unlimited). ``proportion`` does not enter the exact method.
    correction : {"cochran", "simple"}
        The finite-population correction of the normal method (ignored by "exact").

    Returns
    -------
    SampleSize

    Raises
    ------
    SamplingError
        For a population below 1, a confidence or margin outside (0, 1) (a margin of 5 instead of
        0.05 is named as such), or an unknown method or correction.

    Notes
    -----
    Normal method: n0 = z^2 p (1 - p) / e^2 with z the 1 - (1 - confidence)/2 normal quantile
    (Cochran 1977, eq. 4.2). Then

    * ``"cochran"``: n = n0 / (1 + (n0 - 1) / N) (Cochran 1977, eq. 4.3 with the (N - n)/(N - 1)
      correction; the form of Raosoft, OpenEpi and samplics);
    * ``"simple"``: n = n0 / (1 + n0 / N) (the form of R samplingbook's ``sample.size.prop``).

    n is rounded up and never exceeds N. ``achieved_margin`` inverts the same formula at the
    rounded n: e = z sqrt(p (1 - p) / n x (N - n) / (N - 1)) for "cochran", (N - n) / N for
    "simple".

    References
    ----------
    .. [1] Cochran, W. G. (1977). Sampling Techniques, 3rd ed. Wiley, section 4.4.
    .. [2] Manitz, J. et al. R package samplingbook, ``sample.size.prop``.
    .. [3] Calderdale (2022), Annexe 1: "The sample size was set to achieve a confidence level of
           80 per cent (with a margin of error of five)".

    Examples
    --------
    Essex (2018) examined 43 post-court cases; 57 eligible cases give exactly that:

    >>> sample_size(57).n
    43
    >>> result = sample_size(None)
    >>> result.n, round(result.n_unrounded, 4)
    (165, 164.2374)
    >>> sample_size(60, correction="simple").n, sample_size(60).n, sample_size(60, method="exact").n
    (44, 45, 48)
    """
    population = _check_population(population)
    confidence = _check_probability(confidence, "confidence", "0.80")
    margin = _check_probability(margin, "margin", "0.05")
    proportion = _check_probability(proportion, "proportion", "0.5")
    method = _check_choice(method, "method", _METHODS)
    correction = _check_choice(correction, "correction", _CORRECTIONS)
    if method == "normal":
        z = _z(confidence)
        raw = _corrected(_n0(z, margin, proportion), population, correction)
        n = _ceil(raw)
        if population is not None:
            n = min(n, population)
        achieved = _normal_margin(n, population, z, proportion, correction)
    else:
        n = _exact_size(population, confidence, margin)
        raw = float(n)
        achieved = _exact_margin(n, population, confidence)
    return SampleSize(n, raw, population, confidence, margin, proportion, method, correction, achieved)


def margin_of_error(
    n: int,
    population: int | None = None,
    *,
    confidence: float = 0.80,
    proportion: float = 0.5,
    method: str = "normal",
    correction: str = "cochran",
) -> float:
    """The margin of error that a sample of ``n`` from ``population`` achieves (a proportion).

    The inverse of :func:`sample_size`. "normal": e = z sqrt(p (1 - p) / n x f) with the finite
    population factor f = (N - n) / (N - 1) ("cochran") or (N - n) / N ("simple") (Cochran 1977,
    section 4.4). "exact": the smallest margin e at which P(|p-hat - P| <= e) >= confidence for
    every population proportion (found by bisection on e; the coverage is non-decreasing in e).
    A census (n = N) has margin 0.

    Examples
    --------
    Calderdale's 11 court cases, as a sample from 30 eligible cases, would have a margin of
    about 15.6 points at 80 per cent confidence:

    >>> round(margin_of_error(11, 30), 4)
    0.1564
    >>> margin_of_error(8, 8)
    0.0
    """
    population = _check_population(population)
    n = _check_n(n, population)
    confidence = _check_probability(confidence, "confidence", "0.80")
    proportion = _check_probability(proportion, "proportion", "0.5")
    method = _check_choice(method, "method", _METHODS)
    correction = _check_choice(correction, "correction", _CORRECTIONS)
    if method == "normal":
        return _normal_margin(n, population, _z(confidence), proportion, correction)
    return _exact_margin(n, population, confidence)


def populations_for_sample_size(
    n: int,
    *,
    confidence: float = 0.80,
    margin: float = 0.05,
    proportion: float = 0.5,
    correction: str = "cochran",
) -> PopulationRange:
    """The eligible populations N for which the normal method gives exactly ``n``.

    The corrected size is increasing in N (its derivative n0 (n0 - 1) / (N + n0 - 1)^2 is
    positive), so the answer is one run of consecutive N, found by bisection; every N from
    some point up gives the unlimited-population size ceil(n0).

    Examples
    --------
    >>> str(populations_for_sample_size(43)), str(populations_for_sample_size(43, correction="simple"))
    ('57', '57 to 58')
    >>> str(populations_for_sample_size(165)), str(populations_for_sample_size(166))
    ('112748 or more', 'none')
    """
    n = _check_n(n, None)
    confidence = _check_probability(confidence, "confidence", "0.80")
    margin = _check_probability(margin, "margin", "0.05")
    proportion = _check_probability(proportion, "proportion", "0.5")
    correction = _check_choice(correction, "correction", _CORRECTIONS)
    n0 = _n0(_z(confidence), margin, proportion)

    def size(population: int) -> int:
        return min(_ceil(_corrected(n0, population, correction)), population)

    def first_at_least(target: int) -> int | None:
        if target > _ceil(n0):
            return None
        low, high = 1, 2
        while size(high) < target:
            high *= 2
        while low < high:
            mid = (low + high) // 2
            if size(mid) >= target:
                high = mid
            else:
                low = mid + 1
        return low

    start = first_at_least(n)
    result = dict(n=n, confidence=confidence, margin=margin, proportion=proportion,
                  correction=correction)
    if start is None or size(start) != n:
        return PopulationRange(low=None, high=None, **result)
    after = first_at_least(n + 1)
    return PopulationRange(low=start, high=None if after is None else after - 1, **result)


def allocate(total: int, sizes):
    """Whole numbers proportional to ``sizes`` that sum exactly to ``total`` (largest remainder).

    Each part gets the floor of its quota total x size / sum(sizes); the cases left over go one
    each to the largest remainders (ties: the larger size, then the earlier part). This is
    Hamilton's method; no part drifts by rounding each up (Cochran 1977, section 5.5, for
    proportional allocation).

    Parameters
    ----------
    total : int
        The whole number to split.
    sizes : sequence or mapping of non-negative numbers
        Caseloads, shares or weights. A mapping (or pandas Series) keeps its keys.

    Returns
    -------
    list of int, or dict / Series keyed as ``sizes``

    Examples
    --------
    Calderdale set its samples in proportion to its caseloads (11 court, 17 out-of-court of 28):

    >>> allocate(28, {"court": 11, "out_of_court": 17})
    {'court': 11, 'out_of_court': 17}
    >>> allocate(39, [38, 12])
    [30, 9]
    >>> allocate(43, [0.6, 0.4])
    [26, 17]
    """
    if isinstance(total, bool) or not isinstance(total, numbers.Integral) or total < 0:
        raise SamplingError(f"total must be a whole number, at least 0, got {total!r}")
    keys = None
    series_index = None
    if hasattr(sizes, "index") and hasattr(sizes, "to_numpy"):
        series_index = sizes.index
        values = sizes.to_numpy(dtype=float)
    elif isinstance(sizes, Mapping):
        keys = list(sizes)
        values = np.asarray([sizes[k] for k in keys], dtype=float)
    else:
        try:
            values = np.asarray(list(sizes), dtype=float)
        except (TypeError, ValueError):
            raise SamplingError(f"sizes must be numbers, got {sizes!r}") from None
    if values.size == 0:
        raise SamplingError("sizes must name at least one part")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise SamplingError(f"sizes must be finite and not negative, got {values.tolist()}")
    if values.sum() <= 0:
        raise SamplingError("sizes must not all be zero")
    quota = total * values / values.sum()
    parts = np.floor(quota + _TOL).astype(int)
    left = total - int(parts.sum())
    if left > 0:
        remainder = quota - parts
        order = sorted(range(len(values)), key=lambda i: (-round(remainder[i], 12), -values[i], i))
        for i in order[:left]:
            parts[i] += 1
    result = [int(p) for p in parts]
    if series_index is not None:
        import pandas as pd

        return pd.Series(result, index=series_index, name=getattr(sizes, "name", None))
    if keys is not None:
        return dict(zip(keys, result, strict=True))
    return result


def subgroup_margins(
    sample,
    population=None,
    *,
    confidence: float = 0.80,
    margin: float = 0.05,
    proportion: float = 0.5,
    method: str = "normal",
    correction: str = "cochran",
):
    """The margin of error each subgroup of a sample achieves, as a table.

    The reports warn: "data may have been split into smaller sub-samples – for example,
    male/female cases. Where this is the case, the margin of error for the sub-sample findings
    may be higher than five" (Calderdale 2022, Annexe 1).

    Parameters
    ----------
    sample : mapping of subgroup -> n, or a pandas Series of category labels (one per case)
    population : mapping of subgroup -> N, a Series of labels, or None (unlimited)

    Returns
    -------
    pandas.DataFrame
        Indexed by subgroup, with columns ``n``, ``population``, ``margin`` (a proportion),
        ``target`` and ``within_target``.

    Examples
    --------
    >>> table = subgroup_margins({"male": 37, "female": 6}, {"male": 49, "female": 8})
    >>> table["margin"].round(3).tolist(), table["within_target"].tolist()
    ([0.053, 0.14], [False, False])
    """
    import pandas as pd

    def counts(value, name):
        if value is None:
            return None
        if isinstance(value, pd.Series) and not pd.api.types.is_numeric_dtype(value):
            return value.value_counts(sort=False).to_dict()
        if isinstance(value, Mapping | pd.Series):
            return dict(value.items())
        raise SamplingError(f"{name} must map each subgroup to a number of cases, got {value!r}")

    sizes = counts(sample, "sample")
    populations = counts(population, "population")
    margin = _check_probability(margin, "margin", "0.05")
    rows = []
    for group, n in sizes.items():
        big_n = None
        if populations is not None:
            if group not in populations:
                raise SamplingError(f"population has no subgroup {group!r}; give a population for each "
                                    "subgroup of the sample")
            big_n = populations[group]
        e = margin_of_error(n, big_n, confidence=confidence, proportion=proportion, method=method,
                            correction=correction)
        rows.append({"subgroup": group, "n": int(n), "population": big_n, "margin": e,
                     "target": margin, "within_target": bool(e <= margin + _TOL)})
    return pd.DataFrame(rows).set_index("subgroup")


def implied_populations(samples: Mapping[str, int], *, confidence: float = 0.80, margin: float = 0.05):
    """For each published sample: the populations it implies and the margins it achieves there.

    Parameters
    ----------
    samples : mapping of name -> n
        For example a report's ``samples`` ({"court": 43, "out_of_court": 28}).

    Returns
    -------
    pandas.DataFrame
        Indexed by sample: ``n``, ``population`` (the range as text, Cochran form),
        ``population_simple`` (simple form), ``N`` (the smallest such population), and at that N
        the ``margin`` (normal) and ``margin_exact`` (exact hypergeometric), as proportions.

    Examples
    --------
    >>> table = implied_populations({"court": 43, "out_of_court": 28})
    >>> table[["n", "population", "population_simple", "N"]].to_dict("index")["court"]
    {'n': 43, 'population': '57', 'population_simple': '57 to 58', 'N': 57}
    """
    import pandas as pd

    rows = []
    for name, n in samples.items():
        cochran = populations_for_sample_size(n, confidence=confidence, margin=margin)
        simple = populations_for_sample_size(n, confidence=confidence, margin=margin, correction="simple")
        big_n = cochran.low
        rows.append({
            "sample": name,
            "n": int(n),
            "population": str(cochran),
            "population_simple": str(simple),
            "N": big_n,
            "margin": None if big_n is None else margin_of_error(n, big_n, confidence=confidence),
            "margin_exact": None if big_n is None else margin_of_error(n, big_n, confidence=confidence,
                                                                       method="exact"),
        })
    return pd.DataFrame(rows).set_index("sample")
