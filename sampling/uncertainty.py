"""How sure is a rating? Intervals and band probabilities for each key question, cases to the next
boundary, and exact distributions of standard ratings, the 0-36 score and the overall rating.

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
    DOMAIN_SAMPLES,
    Rating,
    band,
    band_indices,
    overall_probabilities,
    percent,
    percents,
    proportion_cutoffs,
    standard_cases_to_band,
)
from .reports import KeyQuestion, Report, Standard, load_report

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

    ``kind`` is "finite" for the hypergeometric interval (the proportion among the N eligible
    cases) and "process" for the binomial ones (the service's underlying rate).
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
        return self.k / self.n

    @property
    def kind(self) -> str:
        return "finite" if self.method == "hypergeometric" else "process"

    def __contains__(self, proportion: float) -> bool:
        return self.low - 1e-12 <= proportion <= self.high + 1e-12

    def to_dict(self) -> dict:
        return {**asdict(self), "estimate": self.estimate, "kind": self.kind}

    def to_frame(self):
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
    """A two-sided confidence interval for a key question's proportion of "yes".

    Parameters
    ----------
    k, n : int
        "Yes" judgements and cases judged.
    population : int, optional
        N, the eligible cases the n were drawn from (for the finite interval).
    confidence : float
        0.80 by default, as the reports' sample sizes.
    method : str, optional
        "wilson", "clopper-pearson", "jeffreys", "agresti-coull" (binomial, process uncertainty;
        computed by ``statsmodels.stats.proportion.proportion_confint``) or "hypergeometric"
        (finite). Default: "hypergeometric" when ``population`` is given, else "wilson".

    Returns
    -------
    Interval

    Notes
    -----
    The hypergeometric interval is the Clopper-Pearson-type exact interval for K/N, by inverting
    the two hypergeometric tails (Konijn 1973; Wright 1991; samplingbook ``Sprop`` as in its
    R/Sprop.R): with alpha = 1 - confidence,
    L = min{K : P(X >= k | K) > alpha/2} and U = max{K : P(X <= k | K) > alpha/2},
    X ~ Hypergeometric(N, K, n), computed with ``scipy.stats.hypergeom``. Its coverage is at
    least the confidence for every K (checked exhaustively in ``tests/test_uncertainty.py``).
    With n = N it is the single point k/N. The binomial methods ignore ``population``.

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
           proportion. Statistical Science 16(2), 101-133.
    .. [2] Wright, T. (1991). Exact Confidence Bounds when Sampling from Small Finite Universes.
           Lecture Notes in Statistics 66, Springer.

    Examples
    --------
    13 of 20 cases from 40 eligible ([0.525, 0.750] by enumeration with scipy 1.17.1 ``hypergeom``):

    >>> result = interval(13, 20, population=40)
    >>> result.method, result.low, result.high
    ('hypergeometric', 0.525, 0.75)
    >>> result = interval(5, 11)          # Calderdale 2.3.2, process uncertainty
    >>> result.method, round(result.low, 3), round(result.high, 3)
    ('wilson', 0.281, 0.64)
    """
    k, n, population = check.counts(k, n, population)
    confidence = check.confidence(confidence)
    if method is None:
        method = "hypergeometric" if population is not None else "wilson"
    method = check.choice(method, "method", INTERVAL_METHODS)
    if method == "hypergeometric":
        if population is None:
            raise SamplingError("method 'hypergeometric' needs population= (the eligible cases N)")
        low, high = _hypergeometric_bounds(k, n, population, confidence)
        return Interval(low / population, high / population, method, k, n, population, confidence)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=1 - confidence, method=_STATSMODELS_NAMES[method])
    low, high = float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1))
    return Interval(low, high, method, k, n, population, confidence)


def _hypergeometric_bounds(k: int, n: int, population: int, confidence: float) -> tuple[int, int]:
    from scipy.stats import hypergeom

    alpha = 1 - confidence
    big_k = np.arange(population + 1)
    upper_tail = hypergeom.sf(k - 1, population, big_k, n)  # P(X >= k | K)
    lower_tail = hypergeom.cdf(k, population, big_k, n)  # P(X <= k | K)
    return int(big_k[upper_tail > alpha / 2].min()), int(big_k[lower_tail > alpha / 2].max())


# --------------------------------------------------------------------------------------------
# band probabilities


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
    from scipy.stats import betabinom

    extra = np.arange(unseen + 1)
    weights = betabinom.pmf(extra, unseen, a + k, b + n - k)
    totals = k + extra
    printed = percents(totals, population)
    np.add.at(result, band_indices(printed, bounds=bounds), weights)
    return result / result.sum()


def band_probabilities(k: int, n: int, *, population: int | None = None, prior="jeffreys"):
    """The probability that the true proportion lies in each band, given k of n.

    Parameters
    ----------
    k, n : int
    population : int, optional
        N. Given: **finite** uncertainty about the proportion K/N among the eligible cases.
        Omitted: **process** uncertainty about the underlying rate.
    prior : "jeffreys", "uniform" or (a, b)
        Beta prior for the rate: Jeffreys Beta(1/2, 1/2) by default.

    Returns
    -------
    pandas.Series
        Indexed by the four ratings (worst first), summing to 1.

    Notes
    -----
    Process: the posterior of the rate is Beta(a + k, b + n - k) and a rate's band is that of
    its printed percentage, so the cut-offs are 0.495, 0.645 and 0.795
    (:func:`sampling.framework.proportion_cutoffs`). Finite: the N - n unseen cases hold
    Y ~ BetaBinomial(N - n, a + k, b + n - k) "yes" (the posterior predictive), and the band is
    that of percent(k + Y, N); with n = N it is certain (Gelman et al. 2013, *Bayesian Data
    Analysis*, 3rd ed., section 2.4 on the beta-binomial predictive).

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

    ``up`` is the number of "no" judgements that must become "yes" for the band above (None at
    Outstanding or when no change of cases reaches it); ``down`` the number of "yes" that must
    become "no" for the band below. For a standard, the counts are summed over the key questions
    that must move (up) or taken from the nearest one (down).
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
        return None if self.up is None else Rating(self.rating + 1)

    @property
    def down_rating(self) -> Rating | None:
        return None if self.down is None else Rating(self.rating - 1)

    def to_dict(self) -> dict:
        return {"id": self.id, "rating": self.rating.label, "up": self.up, "down": self.down,
                "k": self.k, "n": self.n, "percent": self.percent}


def cases_to_boundary(k, n: int | None = None) -> CasesToBoundary:
    """Cases that must change for a key question (``k``, ``n``) or a standard to change band.

    Parameters
    ----------
    k : int, KeyQuestion or Standard
        With ``n``: k of n "yes". A :class:`~sampling.reports.KeyQuestion` uses its k and n. A
        :class:`~sampling.reports.Standard` (from a report) is assessed as a whole under the
        lowest-key-question rule.

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
        return _standard_cases(k)
    if isinstance(k, KeyQuestion):
        return _key_question_cases(k.k, k.n, k.id)
    if n is None:
        raise SamplingError("cases_to_boundary needs k and n, a KeyQuestion or a Standard")
    k, n, _ = check.counts(k, n)
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
    rating.
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
    populations_source: str | None = None  # "given" or "implied" (finite mode), None (process)

    @property
    def p_published_overall(self) -> float:
        return float(self.overall[self.published_overall.label])

    def to_dict(self) -> dict:
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

    def _repr_html_(self) -> str:
        return self.standards._repr_html_()


def default_populations(report: Report) -> dict[str, int]:
    """The eligible populations a report's samples imply (the smallest N giving each n).

    Uses :func:`sampling.size.populations_for_sample_size` with the reports' 80 % and 5 points;
    a sample the formula cannot give (above 165) is taken as drawn from an unlimited population
    and left out. (The same as :func:`sampling.evidence.implied_populations_of`.)
    """
    return implied_populations_of(load_report(report))


def key_question_population(kq: KeyQuestion, report: Report, populations: Mapping[str, int]) -> int:
    """N for one key question: its n plus the unseen cases, in the share its n is of the sample.

    See :func:`sampling.evidence.key_question_population`, the one place this share is computed.
    """
    sample_name = DOMAIN_SAMPLES[kq.id.split(".")[0]]
    if sample_name not in populations:
        raise SamplingError(f"populations: give the eligible cases for the {sample_name} sample "
                            f"(e.g. populations={{'{sample_name}': N}})")
    return _share_of_population(kq.n, report.samples.get(sample_name, kq.n), int(populations[sample_name]))


def _finite_populations(report: Report, populations) -> tuple[dict[str, int], str]:
    """The populations a finite analysis uses and where they came from ("given" or "implied")."""
    if populations is not None:
        return {name: check.count(value, f"populations[{name!r}]", low=1)
                for name, value in dict(populations).items()}, "given"
    return implied_populations_of(report), "implied"


def rating_distribution(report, *, mode: str = "process", populations=None, prior="jeffreys"):
    """Per standard, P(each rating); the exact 0-36 score distribution; P(each overall rating).

    Parameters
    ----------
    report : Report, bundled id or path
    mode : {"process", "finite"}
        The kind of uncertainty (see the module docstring).
    populations : mapping, optional
        For "finite": eligible cases per sample, e.g. ``{"court": 57, "out_of_court": 33}``.
        Default: the populations the published samples imply (:func:`default_populations`), and
        the result says so (``populations_source`` is "implied" rather than "given"). A key
        question with fewer relevant cases than its sample is given unseen relevant cases in the
        same share (:func:`sampling.evidence.key_question_population`).
    prior : "jeffreys", "uniform" or (a, b)

    Returns
    -------
    RatingDistribution

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


def monte_carlo_score(report, *, reps: int = 100_000, rng=None, prior="jeffreys"):
    """A Monte Carlo estimate of the score distribution that :func:`rating_distribution` computes
    exactly (process mode): draw each key question's rate from its Beta posterior, rate every
    standard by the lowest-band rule, add the scores.

    Kept to check the exact convolution (``tests/test_uncertainty.py``) and to time it against
    (``benchmarks/bench_uncertainty.py``); use :func:`rating_distribution` for answers.

    >>> estimate = monte_carlo_score("calderdale-2022", reps=20_000, rng=1)
    >>> abs(float(estimate.sum()) - 1.0) < 1e-12
    True
    """
    import pandas as pd

    report = load_report(report)
    a, b = check.prior(prior)
    generator = check.generator(rng)
    cuts = np.array(proportion_cutoffs())
    score = np.zeros(reps, dtype=np.int64)
    for standard in report.standards:
        if not standard.scored:
            continue
        if standard.qualitative:
            score += int(standard.rating)
            continue
        lowest = np.full(reps, len(_LABELS) - 1)
        for kq in standard.key_questions:
            rate = generator.beta(a + kq.k, b + kq.n - kq.k, size=reps)
            lowest = np.minimum(lowest, np.searchsorted(cuts, rate, side="right"))
        score += lowest
    max_score = report.framework.max_score
    return pd.Series(np.bincount(score, minlength=max_score + 1) / reps,
                     index=pd.RangeIndex(max_score + 1, name="score"), name="probability")


# --------------------------------------------------------------------------------------------
# a whole report


@dataclass(frozen=True)
class ReportUncertainty:
    """How sure each rating of a report is: per key question its interval and band probabilities,
    the rating distributions under the chosen view, and the process view beside a finite one.

    ``intervals`` are keyed by key question; ``distribution`` is the :class:`RatingDistribution`
    of ``mode``; ``process`` the process one (the same object when ``mode`` is "process").
    """

    report: str
    mode: str
    method: str
    confidence: float
    intervals: Mapping[str, Interval]
    distribution: RatingDistribution
    process: RatingDistribution

    @property
    def populations(self) -> Mapping[str, int] | None:
        return self.distribution.populations

    @property
    def populations_source(self) -> str | None:
        return self.distribution.populations_source

    def to_frame(self):
        """One row per key question: k, n, percent, population, interval, P(each band)."""
        import pandas as pd

        table = self.distribution.key_questions.copy()
        table["low"] = [self.intervals[kq].low for kq in table.index]
        table["high"] = [self.intervals[kq].high for kq in table.index]
        table["method"] = [self.intervals[kq].method for kq in table.index]
        return pd.DataFrame(table)

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling uncertainty --json`` (keys fixed; context added)."""
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
            "key_questions": [
                {"id": kq, "k": result.k, "n": result.n, "percent": percent(result.k, result.n),
                 "population": result.population, "low": result.low, "high": result.high,
                 "bands": {r: float(bands.loc[kq, r]) for r in _LABELS}}
                for kq, result in self.intervals.items()
            ],
            "standards": data["standards"],
            "score": data["score"],
            "overall": data["overall"],
            "overall_process": {r: float(self.process.overall[r]) for r in _LABELS},
        }


def report_uncertainty(report, *, mode: str = "process", confidence: float = 0.80, method: str | None = None,
                       populations=None, prior="jeffreys") -> ReportUncertainty:
    """Intervals, band probabilities and rating distributions for every key question of a report.

    Parameters
    ----------
    report : Report, bundled id or path
    mode : {"process", "finite"}
        The view: the service's underlying practice (binomial), or all eligible cases in the
        period (hypergeometric, from ``populations`` or the ones the samples imply, and said so).
    confidence : float
        Of the intervals (0.80 by default).
    method : str, optional
        Interval method (:func:`interval`); default Wilson for process, hypergeometric for finite.
    populations : mapping, optional
        Eligible cases per sample, for the finite view.
    prior : "jeffreys", "uniform" or (a, b)
        The beta prior of the band probabilities.

    Returns
    -------
    ReportUncertainty

    Examples
    --------
    >>> result = report_uncertainty("calderdale-2022", mode="finite")
    >>> result.populations_source, round(result.intervals["2.3.2"].low, 3)
    ('implied', 0.455)
    """
    report = load_report(report)
    confidence = check.confidence(confidence)
    dist = rating_distribution(report, mode=mode, populations=populations, prior=prior)
    process = dist if mode == "process" else rating_distribution(report, mode="process", prior=prior)
    intervals = {row.key_question: interval(row.yes, row.relevant, population=row.population,
                                            confidence=confidence, method=method)
                 for row in report.evidence_rows(dist.populations)}
    chosen = method or ("hypergeometric" if mode == "finite" else "wilson")
    return ReportUncertainty(report.id, mode, chosen, confidence, intervals, dist, process)
