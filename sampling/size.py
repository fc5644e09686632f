"""Sample size and margin of error for a proportion from a small finite population.

Every report says "The sample size was set to achieve a confidence level of 80 per cent (with a
margin of error of 5)". This module sets n from the number of eligible cases N the way the
reports do (the normal approximation with a finite-population correction), offers the two
corrections in use, an exact hypergeometric method whose size never goes backwards, the
inverses (the margin an n achieves, the populations a published n implies), allocation of a
total by largest remainder, the margins of sub-samples, the inspectorate's sampling policies as
data, and the size that gets the rating band right (``sample_size_for_bands``). See
``methodology/sample-size.md`` for the formulas and sources.

Only the band-accuracy functions know about ratings, and only through ``sampling.framework``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from . import _exact_size as _engine
from . import _validation
from ._errors import SamplingError
from ._exact_tables import BAND_TABLES, MARGIN_TABLES
from ._policies import SamplingPolicy, get_policy, list_policies
from .framework import band_of_proportion

__all__ = [
    "SampleSize",
    "PopulationRange",
    "SizeComparison",
    "BandSampleSize",
    "BandAccuracy",
    "SamplingPolicy",
    "sample_size",
    "compare_sample_sizes",
    "size_summary",
    "sample_size_for_bands",
    "band_accuracy",
    "get_policy",
    "list_policies",
    "margin_of_error",
    "populations_for_sample_size",
    "allocate",
    "subgroup_margins",
    "exact_coverage",
    "exact_unavailable",
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
    if not 0 < value < 1:  # also refuses NaN
        raise SamplingError(f"{name} must be between 0 and 1 (a proportion, e.g. {example}), got {value:g}")
    return value


def _check_population(value: object) -> int | None:
    if value is None or (isinstance(value, numbers.Real) and not isinstance(value, bool)
                         and math.isinf(value) and value > 0):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value != int(value):
        raise SamplingError(f"population must be a whole number of cases (or None for unlimited), "
                            f"got {value!r}")
    if value < 1:
        raise SamplingError(f"population must be at least 1 case, got {value!r}")
    return _validation.population_size(int(value))


def _check_n(value: object, population: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value != int(value):
        raise SamplingError(f"n must be a whole number of cases, got {value!r}")
    value = int(value)
    if value < 1:
        raise SamplingError(f"n must be at least 1 case, got {value}")
    if population is not None and value > population:
        raise SamplingError(f"n = {value} is more than the population of {population}; "
                            "a sample cannot be larger than the eligible cases")
    return value


def _check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise SamplingError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _check_distance(value: object) -> Fraction:
    """Points from a band boundary: more than the half point that printing rounds by (0.5), and
    no more than the widest distance any rate can be from every boundary (50)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise SamplingError(f"distance must be a number of percentage points (e.g. 5), got {value!r}")
    low, high = _engine.rounding_points(), _engine.widest_distance()
    if not low < value <= high:
        raise SamplingError(f"distance must be more than {float(low):g} and at most {float(high):g} "
                            f"percentage points (e.g. 5), got {value:g}; within {float(low):g} points of a "
                            "boundary the printed band is decided by rounding: no sample makes it reliable")
    return Fraction(value).limit_denominator(1000)


def _z(confidence: float) -> float:
    # scipy.special.ndtri is what scipy.stats.norm.ppf computes (the same bits), without importing
    # scipy.stats (0.7-2 s), which nothing else on the annexe's path needs
    from scipy.special import ndtri

    return float(ndtri(0.5 + confidence / 2))


# --------------------------------------------------------------------------------------------
# results


class _OneRow:
    """A result that is one record: its fields as a dict (``--json``), a one-row table, and that
    table in Jupyter."""

    def to_dict(self) -> dict:
        """The result's fields as a dict, as ``--json`` prints them.

        Returns
        -------
        dict
            One entry per field, in the order of the class's Parameters.

        Examples
        --------
        >>> sample_size(57).to_dict()["n"]
        43
        """
        return asdict(self)

    def to_frame(self):
        """The result as a one-row table, one column per field.

        Returns
        -------
        pandas.DataFrame
            One row; the columns are the keys of :meth:`to_dict`.

        Examples
        --------
        >>> sample_size(57).to_frame()[["n", "population", "method"]]
            n  population  method
        0  43          57  normal
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


@dataclass(frozen=True)
class SampleSize(_OneRow):
    """A sample size and the inputs that produced it.

    Made by :func:`sample_size`; each parameter is also an attribute of the same name.
    ``to_dict()`` and ``to_frame()`` give the fields as a dict (``--json``) and a one-row table.

    Parameters
    ----------
    n : int
        The whole number of cases (rounded up, never above the population).
    n_unrounded : float
        The formula's value before rounding (for ``method="exact"``, equal to ``n``; under a
        policy, the formula's value before the limits).
    population : int or None
        N, the eligible cases; None for an unlimited population.
    confidence : float
        The two-sided confidence level, a proportion (0.80).
    margin : float
        The target margin of error, a proportion (0.05).
    proportion : float
        The anticipated proportion p (0.5).
    method : {"normal", "exact"}
        How ``n`` was found (see :func:`sample_size`).
    correction : {"cochran", "simple"}
        The finite-population correction of the normal method.
    achieved_margin : float
        The margin of error that ``n`` achieves by the same method, a proportion.
    policy : str or None, default None
        The sampling policy applied (:func:`get_policy`), or None.
    within_margin : bool, default True
        Whether ``achieved_margin`` is within ``margin``.
    note : str, default ""
        A sentence on what was guaranteed, limited or assumed.

    Examples
    --------
    >>> result = sample_size(57)
    >>> result.n, round(result.n_unrounded, 2), round(result.achieved_margin, 4), result.within_margin
    (43, 42.51, 0.0489, True)
    >>> print(result)  # doctest: +NORMALIZE_WHITESPACE
    n = 43 from 57 cases at 80% confidence and a 5-point margin (normal approximation,
    cochran correction; achieved margin 4.89 points)
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
    policy: str | None = None
    within_margin: bool = True
    note: str = ""

    def __str__(self) -> str:
        pop = "an unlimited population" if self.population is None else f"{self.population} cases"
        how = ("exact hypergeometric method" if self.method == "exact" and self.population
               else "exact binomial method" if self.method == "exact"
               else f"normal approximation, {self.correction} correction")
        text = (f"n = {self.n} from {pop} at {self.confidence:.0%} confidence and a "
                f"{self.margin * 100:g}-point margin ({how}; achieved margin "
                f"{self.achieved_margin * 100:.2f} points)")
        return f"{text}; {self.note}" if self.policy else text


@dataclass(frozen=True)
class SizeComparison:
    """The normal (Cochran and simple corrections) and exact sizes for one population, side by side.

    Made by :func:`compare_sample_sizes`; each parameter is also an attribute.

    Parameters
    ----------
    population : int or None
        N, the eligible cases; None for an unlimited population.
    confidence : float
        The two-sided confidence level, a proportion.
    margin : float
        The target margin of error, a proportion.
    proportion : float
        The anticipated proportion p.
    cochran : SampleSize
        The normal method with the Cochran correction.
    simple : SampleSize
        The normal method with the simple correction.
    exact : SampleSize or None
        The exact hypergeometric method (binomial for an unlimited population); None where its
        search would not answer within seconds (a narrow margin: ``exact_unavailable``).
    exact_reason : str or None, default None
        Why ``exact`` is None, saying from which margin up it is offered.

    Examples
    --------
    >>> sizes = compare_sample_sizes(60)
    >>> sizes.cochran.n, sizes.simple.n, sizes.exact.n
    (45, 44, 48)
    """

    population: int | None
    confidence: float
    margin: float
    proportion: float
    cochran: SampleSize
    simple: SampleSize
    exact: SampleSize | None
    exact_reason: str | None = None

    def pick(self, method: str = "normal", correction: str = "cochran") -> SampleSize:
        """The size of one method.

        Parameters
        ----------
        method : {"normal", "exact"}, default "normal"
            The method, as in :func:`sample_size`.
        correction : {"cochran", "simple"}, default "cochran"
            Chooses between the normal forms (ignored by "exact").

        Returns
        -------
        SampleSize
            ``exact``, ``cochran`` or ``simple``.

        Raises
        ------
        SamplingError
            For an unknown method or correction, or "exact" where it was not computed (the
            message is ``exact_reason``).

        Examples
        --------
        >>> compare_sample_sizes(60).pick("normal", "simple").n
        44
        """
        method = _check_choice(method, "method", _METHODS)
        correction = _check_choice(correction, "correction", _CORRECTIONS)
        if method == "exact" and self.exact is None:
            raise SamplingError(f"margin = {self.margin:g} with method 'exact': {self.exact_reason}; give a "
                                "wider margin, or use the normal method")
        return self.exact if method == "exact" else getattr(self, correction)

    def to_dict(self) -> dict:
        """The three sizes and their achieved margins as a flat dict, as ``--json`` prints them.

        Returns
        -------
        dict
            ``population``, ``confidence``, ``margin``, then ``n_cochran``, ``n_simple``,
            ``n_exact`` and ``margin_cochran``, ``margin_simple``, ``margin_exact`` (proportions),
            and ``exact_reason``: None, or why ``n_exact`` and ``margin_exact`` are None.

        Examples
        --------
        >>> compare_sample_sizes(57).to_dict()["n_exact"]
        45
        """
        exact = self.exact
        return {"population": self.population, "confidence": self.confidence, "margin": self.margin,
                "n_cochran": self.cochran.n, "n_simple": self.simple.n, "n_exact": exact and exact.n,
                "margin_cochran": self.cochran.achieved_margin, "margin_simple": self.simple.achieved_margin,
                "margin_exact": exact and exact.achieved_margin, "exact_reason": self.exact_reason}

    def to_frame(self):
        """The three sizes as a table, one row per method.

        Returns
        -------
        pandas.DataFrame
            Indexed by method (``cochran``, ``simple``, ``exact``), with columns ``n``,
            ``achieved_margin`` (a proportion) and ``note`` (the exact row's ``n`` and
            ``achieved_margin`` are missing and its note is ``exact_reason`` where it was not
            computed).

        Examples
        --------
        >>> compare_sample_sizes(57).to_frame()["n"].to_dict()
        {'cochran': 43, 'simple': 43, 'exact': 45}
        """
        import pandas as pd

        rows = [{"method": name, "n": r.n, "achieved_margin": r.achieved_margin, "note": r.note}
                for name, r in (("cochran", self.cochran), ("simple", self.simple))]
        exact = self.exact
        rows.append({"method": "exact", "n": exact.n if exact else None,
                     "achieved_margin": exact.achieved_margin if exact else None,
                     "note": exact.note if exact else self.exact_reason})
        return pd.DataFrame(rows).set_index("method")

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def __str__(self) -> str:
        exact = f"exact {self.exact.n}" if self.exact else "exact not given"
        return f"cochran {self.cochran.n}, simple {self.simple.n}, {exact}"


@dataclass(frozen=True)
class BandSampleSize(_OneRow):
    """The sample size that gives the right rating band, and what it guarantees.

    Made by :func:`sample_size_for_bands`; each parameter is also an attribute, and
    ``to_dict()`` and ``to_frame()`` give them as a dict and a one-row table.

    Parameters
    ----------
    n : int or None
        The sample size; None when the ``model`` cannot reach ``accuracy`` within the
        population (the process view of a small population).
    population : int or None
        N, the eligible cases; None for an unlimited population.
    model : {"finite", "process"}
        The view of the true rate (see :func:`sample_size_for_bands`).
    accuracy : float
        The probability of the right band asked for, a proportion.
    distance : float
        Points from a band boundary beyond which a true rate must be rated right.
    worst_rate : float or None
        The eligible true rate (a proportion, at least ``distance`` points from every band
        boundary) where the accuracy is lowest: at ``n``, or with all of the population when
        ``n`` is None.
    worst_accuracy : float or None
        The accuracy at ``worst_rate``.
    reachable : bool
        Whether ``accuracy`` can be reached (``n`` is not None).
    note : str
        A sentence saying what the size promises; also ``str()`` of the result.

    Examples
    --------
    >>> result = sample_size_for_bands(57)
    >>> result.n, result.model, result.reachable, round(result.worst_accuracy, 3)
    (38, 'finite', True, 0.846)
    """

    n: int | None
    population: int | None
    model: str
    accuracy: float
    distance: float
    worst_rate: float | None
    worst_accuracy: float | None
    reachable: bool
    note: str

    def __str__(self) -> str:
        return self.note


@dataclass(frozen=True)
class BandAccuracy:
    """The probability that the printed band is the true rate's band, for each true rate.

    Made by :func:`band_accuracy`; each parameter is also an attribute. ``to_frame()`` has one
    row per true rate: ``rate`` (a proportion), ``band`` (the true rate's band) and
    ``accuracy``.

    Parameters
    ----------
    n : int
        Cases in the sample.
    population : int or None
        N, the eligible cases; None for the process view.
    model : {"finite", "process"}
        "finite" (hypergeometric) with a population, "process" (binomial) without.
    distance : float
        Points from a band boundary that ``worst_rate`` is at least.
    rates : tuple of float
        The true rates of the rows, proportions.
    bands : tuple of str
        The band of each true rate, as printed ("Good").
    accuracy : tuple of float
        The probability of the right band at each true rate.
    worst_rate : float
        The true rate, at least ``distance`` points from every band boundary, where the
        accuracy is lowest (over every such rate, not only the rows).
    worst_accuracy : float
        The accuracy at ``worst_rate``.

    Examples
    --------
    >>> result = band_accuracy(43, 57)
    >>> result.model, len(result.rates), round(result.worst_accuracy, 3)
    ('finite', 58, 0.874)
    """

    n: int
    population: int | None
    model: str
    distance: float
    rates: tuple[float, ...]
    bands: tuple[str, ...]
    accuracy: tuple[float, ...]
    worst_rate: float
    worst_accuracy: float

    def to_frame(self):
        """The accuracy at each true rate, one row per rate.

        Returns
        -------
        pandas.DataFrame
            Columns ``rate`` (a proportion), ``band`` (the true rate's band) and ``accuracy``.

        Examples
        --------
        >>> row = band_accuracy(43, 57).to_frame().iloc[40]
        >>> round(float(row["rate"]), 3), row["band"], round(float(row["accuracy"]), 3)
        (0.702, 'Good', 0.968)
        """
        import pandas as pd

        return pd.DataFrame({"rate": self.rates, "band": self.bands, "accuracy": self.accuracy})

    def to_dict(self) -> dict:
        """The result as a dict, as ``--json`` prints it.

        Returns
        -------
        dict
            ``n``, ``population``, ``model``, ``distance``, ``worst_rate``, ``worst_accuracy``
            and ``rows``, a list of ``{"rate", "band", "accuracy"}`` dicts.

        Examples
        --------
        >>> data = band_accuracy(43, 57).to_dict()
        >>> data["model"], len(data["rows"]), data["rows"][0]
        ('finite', 58, {'rate': 0.0, 'band': 'Inadequate', 'accuracy': 1.0})
        """
        return {"n": self.n, "population": self.population, "model": self.model, "distance": self.distance,
                "worst_rate": self.worst_rate, "worst_accuracy": self.worst_accuracy,
                "rows": [{"rate": r, "band": b, "accuracy": a}
                         for r, b, a in zip(self.rates, self.bands, self.accuracy, strict=True)]}

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def plot(self, ax=None):
        """Draw the accuracy against the true rate over the bands.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            The axes to draw on; a new figure by default.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`sampling.plots.band_accuracy_curve`).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> fig = band_accuracy(43, 57).plot()
        >>> fig.axes[0].get_ylabel()
        'P(printed band = true band)'
        >>> plt.close(fig)
        """
        from .plots import band_accuracy_curve

        return band_accuracy_curve(self, ax=ax)


@dataclass(frozen=True)
class PopulationRange:
    """The eligible populations N whose sample size is exactly ``n``: ``low`` to ``high``.

    Made by :func:`populations_for_sample_size`; each parameter is also an attribute. ``N in
    result`` tests a population, ``list(result)`` lists them (an error if unbounded), and
    ``str(result)`` reads "57", "57 to 58", "112748 or more" or "none".

    Parameters
    ----------
    n : int
        The sample size.
    low : int or None
        The smallest population giving ``n``; None when no N gives ``n``.
    high : int or None
        The largest; None when every N from ``low`` up gives ``n`` (the unlimited-population
        size), or when ``low`` is None.
    confidence : float
        The two-sided confidence level, a proportion.
    margin : float
        The margin of error, a proportion.
    proportion : float
        The anticipated proportion p.
    correction : {"cochran", "simple"}
        The finite-population correction.

    Examples
    --------
    >>> found = populations_for_sample_size(43, correction="simple")
    >>> found.low, found.high, 58 in found, list(found)
    (57, 58, True, [57, 58])
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
        """True when no population gives ``n``.

        Examples
        --------
        >>> populations_for_sample_size(166).empty, populations_for_sample_size(43).empty
        (True, False)
        """
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
        """The fields as a dict, as ``--json`` prints them.

        Returns
        -------
        dict
            One entry per field, in the order of the class's Parameters.

        Examples
        --------
        >>> populations_for_sample_size(43).to_dict()["low"]
        57
        """
        return asdict(self)
    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row.

        Examples
        --------
        >>> populations_for_sample_size(43).to_frame()["low"].tolist()
        [57]
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])



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
    infimum over P in [0, 1]. This is the raw criterion of ``sample_size(method="exact")``; it is
    not monotone in n (see ``methodology/sample-size.md`` section 3).

    The acceptance set ``{x : |x/n - P| <= margin}`` is constant between break points, and within
    such a stretch P(X in set) is unimodal in the parameter (the hypergeometric and binomial
    families are totally positive; Karlin 1968, *Total Positivity*, ch. 3), so the minimum lies
    at a stretch's ends: about 2n values of K whatever N, so N = 10**9 costs what N = 1000 does.
    ``tests/test_size.py`` checks this against every K with scipy.stats.hypergeom, and against a
    plain enumeration in integers.

    Parameters
    ----------
    n : int
        Cases in the sample, at least 1 and at most ``population``.
    population : int or None
        N, the eligible cases; None for an unlimited population.
    margin : float
        The margin of error e, a proportion (0.05).

    Returns
    -------
    float
        The worst-case coverage, a probability (1.0 for a census).

    Raises
    ------
    SamplingError
        For a population or n that is not a whole number of at least 1, n above the
        population, or a margin outside (0, 1).

    Examples
    --------
    Essex's 43 of 57 miss 80 per cent for some population proportions; 45 of 57 do not:

    >>> round(exact_coverage(43, 57, 0.05), 4), round(exact_coverage(45, 57, 0.05), 4)
    (0.7815, 0.8047)
    """
    population = _check_population(population)
    n = _check_n(n, population)
    margin = _check_probability(margin, "margin", "0.05")
    if population is not None and n >= population:
        return 1.0
    if population is None:
        return _engine.binomial_margin_coverage(n, margin)
    return float(_engine.margin_coverage(n, [population], margin)[0])


def _hypergeom_window(big_n: int, k, n: int, low, high):
    """P(low <= X <= high) for X ~ Hypergeometric(N, K, n), vectorised over K, low, high.

    Sums the probability mass over the window from log-binomial terms and term ratios, which is
    fast for N = 100,000 where scipy's cdf is slow; tests compare it with scipy.stats.hypergeom.
    """
    return _engine.hypergeom_interval(big_n, np.asarray(k), n, np.asarray(low), np.asarray(high))


#: A design not in the generated tables is searched on first use, over populations up to the
#: power of two above N but at most this; above it the binomial limit stands in (and says so).
_SCAN_LIMIT = 256


@lru_cache(maxsize=64)
def _searched_steps(criterion, upto: int):
    return _engine.compute_steps(criterion, upto=upto)


def _steps(criterion, entry, population: int) -> tuple[tuple, int | None]:
    """The steps of a design valid for ``population``, and the population above which they are
    the binomial limit's stand-ins rather than searched (None: searched everywhere)."""
    if entry is not None:
        return entry["steps"], None
    upto = min(_SCAN_LIMIT, max(64, 1 << (population - 1).bit_length()))
    steps, bounded = _searched_steps(criterion, upto)
    return steps, (upto if bounded and population > upto else None)


def _points_up(proportion: float) -> float:
    """A proportion in percentage points, rounded up to the hundredth shown (so that the margin
    printed is one that is offered)."""
    return math.ceil(proportion * 10_000 - 1e-6) / 100


def exact_unavailable(confidence: float, margin: float) -> str | None:
    """Why the exact size of this design is not computed (None: it is).

    The exact search walks every sample size up to the unlimited population's tail bound
    (Serfling 1974; Hoeffding 1963), about log(2 / (1 - confidence)) / (2 margin^2) of them, each
    at a cost that grows with n, whatever the population. Past ``_exact_size.SEARCH_LIMITS``
    (measured by ``benchmarks/bench_exact_bound.py``) it would take from several seconds to hours,
    so it is not started: a cheap bound on the work, decided before any search, never a timer.

    Parameters
    ----------
    confidence : float
        The two-sided confidence level, a proportion (0.80).
    margin : float
        The margin of error, a proportion (0.05).

    Returns
    -------
    str or None
        None where the exact size is computed; otherwise one sentence saying why not and from
        which margin up it is offered.

    Examples
    --------
    >>> exact_unavailable(0.80, 0.05) is None
    True
    >>> print(exact_unavailable(0.80, 0.005))  # doctest: +NORMALIZE_WHITESPACE
    at 80% confidence the exact search would not answer within seconds below a margin of 3.10 points
    (the exact size is offered from 3.10 points up)
    """
    criterion = _engine.Criterion("margin", confidence, margin)
    if criterion.searchable:
        return None
    floor = _points_up(_engine.smallest_deviation("margin", confidence))
    return (f"at {confidence:.0%} confidence the exact search would not answer within seconds below a "
            f"margin of {floor:.2f} points (the exact size is offered from {floor:.2f} points up)")


def _exact_size(population: int | None, confidence: float, margin: float) -> tuple[int, str]:
    """The exact size and a sentence saying what it guarantees (see :func:`sample_size`)."""

    criterion = _engine.Criterion("margin", confidence, margin)
    entry = MARGIN_TABLES.get((confidence, margin))
    target = f"{confidence:.0%} coverage of +-{margin * 100:g} points for every population proportion"
    if population is None:
        unlimited = entry["unlimited"] if entry else _engine.process_failures(criterion)[0]
        return unlimited, (f"exact (binomial): every sample of {unlimited} cases or more has at least "
                           f"{target}")
    steps, limit = _steps(criterion, entry, population)
    n = _engine.lookup(steps, population)
    if not (entry and entry["certified"]):  # a certified table needs no check at N
        n = _engine.stable_size(criterion, population, n)
    note = (f"exact (hypergeometric): every sample of {n} to {population} of the {population} cases has "
            f"at least {target}, and no smaller population needs more")
    if entry and population >= steps[-1][0] and n == entry["unlimited"]:
        note += f"; from {steps[-1][0]:,} cases up this is the unlimited-population size"
    if limit is not None:
        note += (f"; populations from {limit:,} to {population:,} were not searched for a larger size: "
                 "there a size short of the target for an unlimited population is taken to fail only "
                 "from where the binomial limit (Ehm's bound) says it must")
    return n, note


def _exact_margin(n: int, population: int | None, confidence: float) -> float:
    return _engine.exact_margin(n, population, confidence)


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
    policy: str | None = None,
) -> SampleSize:
    """The sample size for estimating a proportion within ``margin`` at ``confidence``.

    Parameters
    ----------
    population : int or None
        N, the number of eligible cases; None (or ``math.inf``) for an unlimited population.
    confidence : float
        Two-sided confidence level as a proportion (0.80 for the reports' 80 per cent).
    margin : float
        Margin of error as a proportion (0.05 for the reports' "margin of error of 5").
    proportion : float
        The anticipated proportion p; 0.5 gives the largest n.
    method : {"normal", "exact"}
        "normal": the normal approximation with a finite-population correction. "exact": a size
        that cannot go backwards, defined in the Notes. ``proportion`` does not enter it.
    correction : {"cochran", "simple"}
        The finite-population correction of the normal method (ignored by "exact").
    policy : str, optional
        A bundled sampling policy (:func:`list_policies`), e.g. ``"hmip-2025-children"``: the
        normal size of the policy's design kept within its minimum and maximum number of cases,
        a population below the minimum taken whole. The policy fixes the design, so the other
        arguments must be left at (or equal to) its values.

    Returns
    -------
    SampleSize
        With ``achieved_margin`` (a proportion) and ``within_margin``; under a policy, ``note``
        says whether a limit applied and how the achieved margin compares with ``margin``.

    Raises
    ------
    SamplingError
        For a population below 1 or not a whole number (NaN included), a confidence, margin or
        proportion outside (0, 1) (a margin of 5 instead of 0.05 is named as such), an unknown
        method, correction or policy, or a policy with a different design.

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

    Exact method. The criterion at n cases of N is the worst-case coverage
    ``C(n, N) = min over K = 0..N of P(|X/n - K/N| <= e)``, X ~ Hypergeometric(N, K, n): the
    probability that the sample proportion is within e of the population proportion, at the
    population count K where it is lowest (the binomial infimum over P in [0, 1] for an
    unlimited population). It is a coverage, not an interval: the interval is p-hat +- e and
    the guarantee is that it covers K/N with probability at least ``confidence`` whatever K is.
    C(n, N) is not monotone in n (a saw-tooth: 68 of 102 meets 80 %, 69 does not), so

    1. s(N) = the smallest n such that C(n', N) >= confidence for *every* n' from n to N;
    2. the exact size is max(s(M) for M = 1..N): non-decreasing in N, and s(N) <= it, so every
       n' from it up to N meets the criterion at N. For an unlimited population it is s with
       the binomial criterion (180 at 80 %, 5 points: 176 to 179 fail).

    n' above the bound of Serfling (1974; Hoeffding 1963 for an unlimited population) meet the
    criterion without computation; below it C is computed exactly. The maximum over smaller
    populations comes from tables made by ``scripts/make_exact_tables.py`` for the common
    designs (other designs are searched on first use). Every population costs the same:
    N = 10**9 is exact, with no binomial approximation.

    References
    ----------
    .. [1] Cochran, W. G. (1977). Sampling Techniques, 3rd ed. Wiley, section 4.4.
    .. [2] Manitz, J. et al. R package samplingbook, ``sample.size.prop``.
    .. [3] Calderdale (2022), Annexe 1: "The sample size was set to achieve a confidence level of
           80 per cent (with a margin of error of five)".
    .. [4] Serfling, R. J. (1974). Probability inequalities for the sum in sampling without
           replacement. Annals of Statistics 2(1), 39-48.
    .. [5] Ehm, W. (1991). Binomial approximation to the Polya distribution. Statistics &
           Probability Letters 11, 7-16.

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
    >>> sample_size(102, method="exact").n, sample_size(None, method="exact").n
    (70, 180)

    Under the 2025 children's policy 1,000 cases give the maximum of 91, about 6.4 points:

    >>> capped = sample_size(1000, policy="hmip-2025-children")
    >>> capped.n, round(capped.achieved_margin * 100, 2), capped.within_margin
    (91, 6.41, False)
    """
    population = _check_population(population)
    confidence = _check_probability(confidence, "confidence", "0.80")
    margin = _check_probability(margin, "margin", "0.05")
    proportion = _check_probability(proportion, "proportion", "0.5")
    method = _check_choice(method, "method", _METHODS)
    correction = _check_choice(correction, "correction", _CORRECTIONS)
    if policy is not None:
        return _policy_size(population, get_policy(policy),
                            dict(confidence=confidence, margin=margin, proportion=proportion,
                                 method=method, correction=correction))
    note = ""
    if method == "normal":
        z = _z(confidence)
        raw = _corrected(_n0(z, margin, proportion), population, correction)
        n = _ceil(raw)
        if population is not None:
            n = min(n, population)
        achieved = _normal_margin(n, population, z, proportion, correction)
    else:
        unavailable = exact_unavailable(confidence, margin)
        if unavailable is not None:
            raise SamplingError(f"margin = {margin:g} with method 'exact': {unavailable}; give a wider "
                                "margin, or use the normal method")
        n, note = _exact_size(population, confidence, margin)
        raw = float(n)
        achieved = _exact_margin(n, population, confidence)
    return SampleSize(n, raw, population, confidence, margin, proportion, method, correction, achieved,
                      within_margin=achieved <= margin + _TOL, note=note)


def _policy_size(population: int | None, policy: SamplingPolicy, given: dict) -> SampleSize:
    """A policy's size: its design's normal size within its limits, with the margin achieved."""
    design = dict(confidence=policy.confidence, margin=policy.margin, proportion=policy.proportion,
                  method="normal", correction=policy.correction)
    for key, value in given.items():
        if value != design[key]:
            raise SamplingError(f"policy {policy.name!r} fixes {key} at {design[key]!r}; leave {key} out "
                                f"(got {value!r}) or leave out the policy")
    base = sample_size(population, **design)
    if population is not None and population < policy.minimum:
        n, how = population, (f"fewer cases than the minimum of {policy.minimum}, so all {population} "
                               "are taken")
    elif base.n > policy.maximum:
        n, how = policy.maximum, f"the formula's {base.n} capped at the maximum of {policy.maximum}"
    elif base.n < policy.minimum:
        n, how = policy.minimum, f"the formula's {base.n} raised to the minimum of {policy.minimum}"
    else:
        n, how = base.n, f"the formula's {base.n}, within the limits {policy.minimum} to {policy.maximum}"
    achieved = margin_of_error(n, population, confidence=policy.confidence, proportion=policy.proportion,
                               correction=policy.correction)
    within = achieved <= policy.margin + _TOL
    verdict = "within" if within else "wider than"
    note = (f"{policy.name}: {how}; the margin achieved is {achieved * 100:.2f} points, {verdict} the "
            f"{policy.margin * 100:g}-point target")
    return SampleSize(n, base.n_unrounded, population, policy.confidence, policy.margin, policy.proportion,
                      "normal", policy.correction, achieved, policy=policy.name, within_margin=within,
                      note=note)


def compare_sample_sizes(
    population: int | None,
    *,
    confidence: float = 0.80,
    margin: float = 0.05,
    proportion: float = 0.5,
) -> SizeComparison:
    """The Cochran, simple and exact sample sizes for one population, side by side.

    Each is :func:`sample_size` with that method; see there for the formulas and their sources
    (Cochran 1977, section 4.4; R samplingbook's ``sample.size.prop`` for the simple form). Where
    the exact search would not answer within seconds (a narrow margin, ``exact_unavailable``)
    the normal sizes are given at once and ``exact`` is None, ``exact_reason`` saying why.

    Parameters
    ----------
    population : int or None
        N, the number of eligible cases; None (or ``math.inf``) for an unlimited population.
    confidence : float, default 0.80
        Two-sided confidence level as a proportion.
    margin : float, default 0.05
        Margin of error as a proportion.
    proportion : float, default 0.5
        The anticipated proportion p (not used by the exact method).

    Returns
    -------
    SizeComparison
        The three :class:`SampleSize` results, as ``cochran``, ``simple`` and ``exact``.

    Raises
    ------
    SamplingError
        As :func:`sample_size`: a bad population, confidence, margin or proportion.

    Examples
    --------
    >>> sizes = compare_sample_sizes(57)
    >>> str(sizes)
    'cochran 43, simple 43, exact 45'
    >>> compare_sample_sizes(102).to_dict()["n_exact"]
    70
    >>> narrow = compare_sample_sizes(1000, margin=0.001)
    >>> narrow.cochran.n, narrow.exact, "offered from 3.10 points up" in narrow.exact_reason
    (998, None, True)
    """
    common = dict(confidence=confidence, margin=margin, proportion=proportion)
    cochran = sample_size(population, correction="cochran", **common)
    simple = sample_size(population, correction="simple", **common)
    reason = exact_unavailable(cochran.confidence, cochran.margin)
    exact = None if reason else sample_size(population, method="exact", **common)
    return SizeComparison(cochran.population, cochran.confidence, cochran.margin, cochran.proportion,
                          cochran=cochran, simple=simple, exact=exact, exact_reason=reason)


def size_summary(
    population: int | None,
    *,
    confidence: float = 0.80,
    margin: float = 0.05,
    method: str = "normal",
    correction: str = "cochran",
    policy: str | None = None,
    criterion: str = "margin",
    accuracy: float = 0.8,
    distance: float = 5,
    model: str | None = None,
) -> dict:
    """What ``python -m sampling size --json`` prints for these options, as a dict.

    One of three shapes, chosen as the command chooses them:

    * ``criterion="bands"``: :func:`sample_size_for_bands` (``accuracy``, ``distance``,
      ``model``), its ``to_dict()``; ``policy`` and the margin's options do not enter it;
    * a ``policy``: :func:`sample_size` under that policy, its ``to_dict()`` with the policy's
      ``minimum``, ``maximum``, ``cases`` and ``source`` (:func:`get_policy`);
    * otherwise: :func:`sample_size` of ``method`` and ``correction`` with the Cochran, simple and
      exact sizes and margins side by side (:func:`compare_sample_sizes`, its ``to_dict()``).

    The command line and the app (:mod:`sampling.app`) both print this, so that they agree.

    Examples
    --------
    >>> summary = size_summary(57)
    >>> summary["n"], summary["n_cochran"], summary["n_simple"], summary["n_exact"]
    (43, 43, 43, 45)
    >>> size_summary(1000, policy="hmip-2025-children")["n"], size_summary(57, criterion="bands")["n"]
    (91, 38)
    """
    criterion = _check_choice(criterion, "criterion", ("margin", "bands"))
    if criterion == "bands":
        return sample_size_for_bands(population, accuracy=accuracy, distance=distance, model=model).to_dict()
    if policy is not None:
        result = sample_size(population, confidence=confidence, margin=margin, method=method,
                             correction=correction, policy=policy)
        chosen = get_policy(policy)
        return {**result.to_dict(), "minimum": chosen.minimum, "maximum": chosen.maximum,
                "cases": chosen.cases, "source": chosen.source}
    sizes = compare_sample_sizes(population, confidence=confidence, margin=margin)
    result = sizes.pick(method, correction)
    return {**result.to_dict(), **sizes.to_dict(), "population": result.population}


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
    section 4.4). "exact": the smallest margin e at which P(``|p-hat - P|`` <= e) >= confidence for
    every population proportion (found by bisection on e; the coverage is non-decreasing in e).
    A census (n = N) has margin 0.

    Parameters
    ----------
    n : int
        Cases in the sample, at least 1 and at most ``population``.
    population : int or None, default None
        N, the eligible cases; None (or ``math.inf``) for an unlimited population.
    confidence : float, default 0.80
        Two-sided confidence level as a proportion.
    proportion : float, default 0.5
        The anticipated proportion p (not used by the exact method).
    method : {"normal", "exact"}, default "normal"
        As in :func:`sample_size`.
    correction : {"cochran", "simple"}, default "cochran"
        The finite-population factor of the normal method.

    Returns
    -------
    float
        The margin of error, a proportion (0.05 for 5 points).

    Raises
    ------
    SamplingError
        For an n or population that is not a whole number of at least 1, n above the
        population, a confidence or proportion outside (0, 1), or an unknown method or
        correction.

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
    some point up gives the unlimited-population size ceil(n0). The formulas are those of
    :func:`sample_size` (Cochran 1977, section 4.4).

    Parameters
    ----------
    n : int
        A published sample size, at least 1.
    confidence : float, default 0.80
        Two-sided confidence level as a proportion.
    margin : float, default 0.05
        Margin of error as a proportion.
    proportion : float, default 0.5
        The anticipated proportion p.
    correction : {"cochran", "simple"}, default "cochran"
        The finite-population correction.

    Returns
    -------
    PopulationRange
        ``low`` to ``high`` (``high`` None: every N from ``low`` up; ``low`` None: no N).

    Raises
    ------
    SamplingError
        For an n that is not a whole number of at least 1, a confidence, margin or proportion
        outside (0, 1), or an unknown correction.

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
    list of int, dict or pandas.Series
        The parts, in the order of ``sizes``: a list for a sequence, a dict or Series with the
        same keys for a mapping or Series.

    Raises
    ------
    SamplingError
        For a total that is not a whole number of at least 0, or sizes that are empty, not
        numbers, negative, not finite or all zero.

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
    sample : mapping or pandas.Series
        Each subgroup's number of cases in the sample ({"male": 37, "female": 6}), or a Series
        of category labels, one per sampled case.
    population : mapping, pandas.Series or None, default None
        Each subgroup's eligible cases N, as a mapping or a Series of labels (one per eligible
        case); None for unlimited populations.
    confidence : float, default 0.80
        Two-sided confidence level as a proportion.
    margin : float, default 0.05
        The target margin, a proportion: ``within_target`` compares each margin with it.
    proportion : float, default 0.5
        The anticipated proportion p.
    method : {"normal", "exact"}, default "normal"
        As in :func:`margin_of_error`.
    correction : {"cochran", "simple"}, default "cochran"
        As in :func:`margin_of_error`.

    Returns
    -------
    pandas.DataFrame
        Indexed by subgroup, with columns ``n``, ``population``, ``margin`` (a proportion),
        ``target`` and ``within_target``.

    Raises
    ------
    SamplingError
        For a sample or population that is not a mapping or Series, a subgroup of the sample
        with no population, or any bad argument of :func:`margin_of_error`.

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

    The populations come from :func:`populations_for_sample_size` and the margins from
    :func:`margin_of_error` (Cochran 1977, section 4.4; the exact method of :func:`sample_size`).

    Parameters
    ----------
    samples : mapping of str to int
        Each sample's number of cases, for example a report's ``samples``
        ({"court": 43, "out_of_court": 28}).
    confidence : float, default 0.80
        Two-sided confidence level as a proportion.
    margin : float, default 0.05
        Margin of error as a proportion.

    Returns
    -------
    pandas.DataFrame
        Indexed by sample: ``n``, ``population`` (the range as text, Cochran form),
        ``population_simple`` (simple form), ``N`` (the smallest such population), and at that N
        the ``margin`` (normal) and ``margin_exact`` (exact hypergeometric), as proportions.

    Raises
    ------
    SamplingError
        For samples that are not a mapping, or a sample size or design that
        :func:`populations_for_sample_size` refuses.

    Examples
    --------
    >>> table = implied_populations({"court": 43, "out_of_court": 28})
    >>> table[["n", "population", "population_simple", "N"]].to_dict("index")["court"]
    {'n': 43, 'population': '57', 'population_simple': '57 to 58', 'N': 57}
    """
    import pandas as pd

    if not isinstance(samples, Mapping):
        raise SamplingError(f"samples must map each sample to its number of cases, such as "
                            f"{{'court': 43, 'out_of_court': 28}}, got {samples!r}")
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


# --------------------------------------------------------------------------------------------
# the size that gets the band right


_MODELS = ("finite", "process")


def _band_design(accuracy: float, distance: Fraction):
    """(criterion, table entry or None) of a band-accuracy design."""

    entry = BAND_TABLES.get((accuracy, float(distance)))
    return _engine.Criterion("bands", accuracy, distance=distance), entry


def _band_args(population, accuracy, distance, model):
    population = _check_population(population)
    accuracy = _check_probability(accuracy, "accuracy", "0.8")
    exact_distance = _check_distance(distance)
    model = "finite" if model is None and population is not None else "process" if model is None else model
    model = _check_choice(model, "model", _MODELS)
    if model == "finite" and population is None:
        raise SamplingError("model 'finite' needs a population: give population=N, or use model='process'")
    return population, accuracy, exact_distance, model


def sample_size_for_bands(
    population: int | None = None,
    accuracy: float = 0.8,
    distance: float = 5,
    model: str | None = None,
) -> BandSampleSize:
    """The smallest sample that prints the true rate's band with probability ``accuracy``.

    For every true rate at least ``distance`` points from the nearest band boundary (the
    framework's 50, 65 and 80), the printed percentage of the sample (rounded half up, as the
    reports print it) must fall in the true rate's band with probability at least ``accuracy``.

    Parameters
    ----------
    population : int, optional
        N, the eligible cases. None: an unlimited population (the process view).
    accuracy : float
        The probability of the right band, a proportion (0.8).
    distance : float
        Points from a boundary beyond which a rate must be rated right, inclusive: 45 % is 5
        points from 50 (compared in whole cases, never in floating point). More than 0.5.
    model : {"finite", "process"}, optional
        "finite" (default with a population): the true rate is the share of the N eligible cases
        that meet the question, X ~ Hypergeometric(N, K, n), K eligible when
        ``|100 K - b N| >= distance x N`` for each boundary b. "process" (default without one): the
        true rate is the service's underlying rate P, X ~ Binomial(n, P), for every eligible P.

    Returns
    -------
    BandSampleSize
        ``n`` (None when the process view cannot reach ``accuracy`` within the population: the
        result then gives what all of the population achieves), the worst eligible true rate at
        that n and its accuracy, and a sentence saying what the size promises.

    Raises
    ------
    SamplingError
        For a bad population, an accuracy outside (0, 1), a distance not above 0.5 points or
        above 50, an unknown model (or "finite" without a population), or a distance so near a
        boundary (for the accuracy) that the search would not answer within seconds (its tail
        bound beyond ``_exact_size.SEARCH_LIMITS``; the message gives the nearest distance offered).

    Notes
    -----
    Stable in the sense of :func:`sample_size`'s exact method: the smallest n such that every
    n' from n up to N meets the criterion, raised to the largest such n over smaller
    populations, so that adding a case, or an eligible case, never loses the guarantee. The
    worst true rate of each band lies at an end of its eligible stretch, because the
    probability of a fixed set of printed counts is unimodal in the rate (Karlin 1968); above
    the bound of Serfling (1974) with deviation distance - 0.5 points every n' meets it.

    Examples
    --------
    Essex's 57 eligible court cases: 38 give 80 % accuracy at 5 points (the +-5 rule asks 43);
    the process view asks 111, more than there are:

    >>> sample_size_for_bands(57).n, sample_size_for_bands().n
    (38, 111)
    >>> process = sample_size_for_bands(57, model="process")
    >>> process.n, process.reachable, round(process.worst_accuracy, 3)
    (None, False, 0.668)
    """
    population, accuracy, exact_distance, model = _band_args(population, accuracy, distance, model)
    criterion, entry = _band_design(accuracy, exact_distance)
    if entry is None and not criterion.searchable:  # a cheap bound on the search's work, as the exact size's
        floor = _points_up(_engine.smallest_deviation("bands", accuracy)) + float(_engine.rounding_points())
        raise SamplingError(f"distance = {float(exact_distance):g}: at accuracy {accuracy:.0%} the "
                            "band-accuracy search would not answer within seconds nearer a boundary than "
                            f"{floor:.2f} points; give a distance of at least {floor:.2f} points")
    if model == "process":
        return _process_band_size(criterion, population, float(exact_distance))
    steps, limit = _steps(criterion, entry, population)
    n = _engine.lookup(steps, population)
    if not (entry and entry["certified"]):  # a certified table needs no check at N
        n = _engine.stable_size(criterion, population, n)
    worst, k = _engine.band_accuracy_finite(n, [population], exact_distance)
    rate = None if k[0] < 0 else int(k[0]) / population
    where = ("" if rate is None
             else f" (worst {worst[0]:.1%} when {int(k[0])} of {population} meet the question)")
    note = (f"finite view: {n} of the {population} eligible cases print the band of the share of all "
            f"{population} with at least {accuracy:.0%} probability, for every share at least "
            f"{float(exact_distance):g} points from a band boundary{where}; every larger sample does too")
    if limit is not None:
        note += (f" (populations from {limit:,} to {population:,} were not searched for a larger size: "
                 "there a size short of the target for an unlimited population is taken to fail only "
                 "from where the binomial limit, Ehm's bound, says it must)")
    return BandSampleSize(n, population, model, accuracy, float(exact_distance), rate, float(worst[0]),
                          True, note)


def _process_band_size(criterion, population: int | None, distance: float) -> BandSampleSize:
    n = _engine.stable_size(criterion, None)
    promise = (f"at least {criterion.target:.0%} probability, for every underlying rate at least "
               f"{distance:g} points from a band boundary")
    if population is not None and population < n:
        worst, rate = _engine.band_accuracy_process(population, criterion.distance)
        note = (f"process view: no sample from {population} cases prints the service's band with {promise}: "
                f"{n} cases are needed, and all {population} reach only {worst:.1%} (at a rate of "
                f"{rate:.0%})")
        return BandSampleSize(None, population, "process", criterion.target, distance, rate, worst, False,
                              note)
    worst, rate = _engine.band_accuracy_process(n, criterion.distance)
    note = (f"process view: {n} cases print the band of the service's underlying rate with {promise} "
            f"(worst {worst:.1%} at {rate:.0%}), whatever the population; every larger sample does too")
    return BandSampleSize(n, population, "process", criterion.target, distance, rate, worst, True, note)


def _check_rates(rates) -> np.ndarray:
    if isinstance(rates, str | bytes) or not hasattr(rates, "__iter__"):
        raise SamplingError(f"rates must be a list of proportions between 0 and 1, got {rates!r}")
    values = list(rates)
    if not values or any(isinstance(r, bool) or not isinstance(r, numbers.Real) for r in values):
        raise SamplingError(f"rates must be a non-empty list of proportions between 0 and 1, got {values!r}")
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)) or np.any((array < 0) | (array > 1)):
        raise SamplingError(f"rates must be proportions between 0 and 1 (e.g. 0.65), got {values!r}")
    return array


def band_accuracy(n: int, population: int | None = None, *, distance: float = 5, rates=None) -> BandAccuracy:
    """The probability of the right band for each true rate: the rating's operating characteristic.

    Parameters
    ----------
    n : int
        Cases in the sample.
    population : int, optional
        N: the finite view (the true rate is a share K/N of the eligible cases, hypergeometric).
        None: the process view (binomial).
    distance : float
        For ``worst_rate`` and ``worst_accuracy``: the lowest accuracy over the true rates at
        least this many points from a boundary (inclusive, exact).
    rates : sequence of proportions, optional
        The true rates of the table's rows. By default every 0.001 from 0 to 1, or with a
        population of at most 2,000 every share K/N (above, the grid's rates as the nearest
        share, K = floor(rate x N + 1/2)).

    Returns
    -------
    BandAccuracy
        ``to_frame()``: ``rate``, ``band`` (of the true rate, :func:`sampling.framework.band_of_proportion`)
        and ``accuracy``; ``plot()`` draws it.

    Notes
    -----
    accuracy(rate) = P(band(percent(X, n)) = band(rate)), X ~ Binomial(n, rate) or
    Hypergeometric(N, K, n); the printed percentage is rounded half up (``framework.percents``),
    and the bands are the framework's (Calderdale 2022, Annexe 2: 50, 65 and 80 per cent).

    Raises
    ------
    SamplingError
        For an n or population that is not a whole number of at least 1, n above the
        population, a distance not above 0.5 or above 50 points, or rates that are not
        proportions.

    Examples
    --------
    >>> table = band_accuracy(43, 57).to_frame()
    >>> list(table.columns), len(table)
    (['rate', 'band', 'accuracy'], 58)
    >>> round(band_accuracy(43, 57).worst_accuracy, 3), round(band_accuracy(43).worst_accuracy, 3)
    (0.874, 0.607)
    """

    population = _check_population(population)
    n = _check_n(n, population)
    exact_distance = _check_distance(distance)
    if rates is None:
        grid = np.arange(1001) / 1000
        rates = (np.arange(population + 1) / population if population is not None and population <= 2000
                 else grid)
    rates = _check_rates(rates)
    if population is not None:
        counts = np.unique(np.floor(rates * population + 0.5).astype(np.int64))
        rates = counts / population
    ranges = _engine.band_x_ranges(n)
    bands = [band_of_proportion(float(r)) for r in rates]
    low = np.array([ranges[int(b)][0] for b in bands])
    high = np.array([ranges[int(b)][1] for b in bands])
    if population is None:
        values = _engine.binom_interval(n, rates, low, high)
        worst, worst_rate = _engine.band_accuracy_process(n, exact_distance)
    else:
        values = _engine.hypergeom_interval(population, counts, n, low, high)
        worst_arr, k = _engine.band_accuracy_finite(n, [population], exact_distance)
        worst, worst_rate = float(worst_arr[0]), (int(k[0]) / population if k[0] >= 0 else float("nan"))
    return BandAccuracy(n, population, "process" if population is None else "finite", float(exact_distance),
                        tuple(float(r) for r in rates), tuple(b.label for b in bands),
                        tuple(float(v) for v in values), float(worst_rate), float(worst))
