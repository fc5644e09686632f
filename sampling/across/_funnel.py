"""Many services at once: funnel plots with exact binomial limits, and an empirical-Bayes prior."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._errors import SamplingError
from ._checks import (
    check_confidence,
    evidence,
    framework_warning,
    json_number,
    key_question_ids,
    load_many,
    warn,
)

__all__ = ["Funnel", "funnel", "funnel_limits", "EmpiricalPrior", "empirical_prior"]

DEFAULT_LEVELS = (0.8, 0.95, 0.998)
LIMITS_METHOD = "exact binomial quantiles with Spiegelhalter's (2005) interpolation"


def _check_levels(levels) -> tuple[float, ...]:
    if isinstance(levels, numbers.Real):
        levels = (levels,)
    try:
        values = [check_confidence(v, "levels") for v in levels]
    except TypeError:
        raise SamplingError(f"levels must be a list of proportions such as (0.8, 0.95, 0.998), "
                            f"got {levels!r}") from None
    if not values or len(set(values)) != len(values):
        raise SamplingError(f"levels must be distinct proportions such as (0.8, 0.95, 0.998), got {levels!r}")
    return tuple(sorted(values))


def _interpolated_quantile(p: float, n: np.ndarray, rate: float) -> np.ndarray:
    """Spiegelhalter's (2005) interpolated p-quantile of Binomial(n, rate), as a proportion."""
    from scipy.stats import binom

    r = binom.ppf(p, n, rate)
    at = binom.cdf(r, n, rate)
    below = binom.cdf(r - 1, n, rate)
    step = at - below
    alpha = np.divide(at - p, step, out=np.zeros_like(step), where=step > 0)
    return np.clip((r - alpha) / n, 0.0, 1.0)


def funnel_limits(rate: float, n, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (proportions) of a funnel at ``level``, for each n.

    Parameters
    ----------
    rate : float
        The target (here the pooled rate), from 0 to 1.
    n : int or array of int
        Denominators (cases judged), at least 1.
    level : float
        Two-sided level: each limit leaves at most (1 - level) / 2 beyond it.

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The lower and upper limits, one per n, as proportions.

    Notes
    -----
    Exact binomial limits with Spiegelhalter's (2005, Appendix A.1.1) interpolation. For the
    p-quantile, r_p is the smallest count with P(R <= r_p) >= p, R ~ Binomial(n, rate)
    (``scipy.stats.binom.ppf``); to draw a smooth funnel through the steps of the discrete
    quantile the limit is (r_p - alpha) / n, alpha = (P(R <= r_p) - p) / (P(R <= r_p) -
    P(R <= r_p - 1)), which lies in ((r_p - 1) / n, r_p / n].

    The lower limit is that interpolated quantile of the "yes" count at p = (1 - level) / 2;
    the upper limit is the same construction on the "no" count, 1 - (lower limit at 1 - rate),
    so that the two tails are treated alike. Then a count y is below the lower limit exactly
    when P(R <= y) < (1 - level) / 2 and above the upper limit exactly when P(R >= y) <
    (1 - level) / 2: a service is flagged only when its exact one-sided tail is beyond the
    level. (The interpolation applied to the upper quantile itself would flag one more count
    on the upper side: at n = 1 and a rate of 0.91 it would put 1 of 1 above the 80 % limit.)

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
           Statistics in Medicine 24, 1185-1202.

    Examples
    --------
    >>> low, high = funnel_limits(0.7, [10, 40], 0.95)
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.339, 0.54], [1.0, 0.849])
    """
    n = np.atleast_1d(np.asarray(n, dtype=np.int64))
    tail = (1 - level) / 2
    return _interpolated_quantile(tail, n, rate), 1 - _interpolated_quantile(tail, n, 1 - rate)


@dataclass(frozen=True)
class Funnel:
    """Each service's key-question result against its denominator, with control limits.

    ``points``: one row per service and key question (``key_question``, ``name`` (the report
    id), ``service``, ``yes``, ``relevant``, ``percent``, ``proportion``, ``outside`` (the widest
    level whose limits it falls outside, or NaN), ``direction`` ("above", "below" or "") and
    the two exact tail probabilities under the pooled rate). ``pooled``: one row per key
    question (pooled rate, totals, services, the dispersion ratio). ``limits``: the limits at
    each level for every denominator from 1 to the largest. Made by :func:`funnel`; each
    parameter is also an attribute.

    Parameters
    ----------
    key_question : str or None
        The key question asked for (None: every key question two or more reports have).
    levels : tuple of float
        The two-sided levels of the limits, narrowest first.
    points : pandas.DataFrame
        One row per service and key question, as above.
    pooled : pandas.DataFrame
        One row per key question: ``pooled_rate``, ``yes``, ``relevant``, ``services`` and
        ``dispersion``.
    limits : pandas.DataFrame
        ``key_question``, ``level``, ``n``, ``low`` and ``high`` (proportions).
    method : str, default LIMITS_METHOD
        How the limits were computed.
    frameworks : mapping of str to str, default {}
        Each report's framework, by report id.
    warnings : tuple of str, default ()
        What was warned of (a :class:`sampling.SamplingWarning` each), e.g. several frameworks.

    Examples
    --------
    >>> from sampling import synthetic
    >>> result = funnel(synthetic.reports(8, rng=3), "2.1.1")
    >>> result.levels, round(float(result.pooled.loc["2.1.1", "dispersion"]), 3)
    ((0.8, 0.95, 0.998), 1.345)
    """

    key_question: str | None
    levels: tuple[float, ...]
    points: object
    pooled: object
    limits: object
    method: str = LIMITS_METHOD
    frameworks: object = None  # report id -> framework name
    warnings: tuple[str, ...] = ()

    @property
    def outside(self):
        """The points outside the limits of at least one level.

        Examples
        --------
        >>> from sampling import synthetic
        >>> outside = funnel(synthetic.reports(8, rng=3), "2.1.1").outside
        >>> outside[["name", "yes", "relevant", "outside", "direction"]]
                    name  yes  relevant  outside direction
        2  synthetic-003   26        26     0.95     above
        5  synthetic-006   26        36     0.80     below
        """
        return self.points[self.points["outside"].notna()]

    def to_frame(self):
        """The points, one row per service and key question.

        Returns
        -------
        pandas.DataFrame
            ``points`` itself.

        Examples
        --------
        >>> from sampling import synthetic
        >>> funnel(synthetic.reports(8, rng=3), "2.1.1").to_frame()["name"].tolist()[:2]
        ['synthetic-001', 'synthetic-002']
        """
        return self.points

    def _repr_html_(self) -> str:
        return self.points._repr_html_()

    def plot(self, key_question: str | None = None, ax=None):
        """Draw the funnel plot (:func:`sampling.plots.funnel_plot`).

        Parameters
        ----------
        key_question : str, optional
            The key question to draw; by default all, one small panel each.
        ax : matplotlib.axes.Axes, optional
            The axes to draw on; a new figure by default.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on.

        Raises
        ------
        SamplingError
            For a key question the funnel does not have, or an ``ax`` for several key questions.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sampling import synthetic
        >>> fig = funnel(synthetic.reports(8, rng=3), "2.1.1").plot()
        >>> fig.axes[0].get_xlabel(), fig.axes[0].get_title()
        ('relevant cases', '2.1.1')
        >>> plt.close(fig)
        """
        from ..plots import funnel_plot

        return funnel_plot(self, key_question=key_question, ax=ax)

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling funnel --json`` (keys fixed).

        Returns
        -------
        dict
            ``levels``, ``method``, ``key_questions`` (per key question its pooled rate,
            totals, services, dispersion, points, and the limits at each level for every
            denominator from 1 to the largest: enough to draw the plot again), ``frameworks``
            (per report) and ``warnings``. Rates and limits are proportions (0 to 1); each
            point's ``percent`` is the printed percentage.

        Examples
        --------
        >>> from sampling import synthetic
        >>> data = funnel(synthetic.reports(8, rng=3), "2.1.1").to_dict()
        >>> entry = data["key_questions"][0]
        >>> entry["key_question"], entry["services"], entry["points"][2]["direction"]
        ('2.1.1', 8, 'above')
        """
        entries = []
        for kq, summary in self.pooled.iterrows():
            points = self.points[self.points["key_question"] == kq]
            limits = self.limits[self.limits["key_question"] == kq]
            entries.append({
                "key_question": kq,
                "pooled_rate": float(summary.pooled_rate),
                "pooled_rate_proportion": float(summary.pooled_rate),
                "yes": int(summary.yes), "relevant": int(summary.relevant),
                "services": int(summary.services),
                "dispersion": json_number(summary.dispersion),
                "points": [{"name": p["name"], "service": p["service"], "yes": int(p["yes"]),
                            "relevant": int(p["relevant"]), "percent": int(p["percent"]),
                            "proportion": float(p["proportion"]),
                            "outside": json_number(p["outside"]), "direction": p["direction"] or None}
                           for _, p in points.iterrows()],
                "limits": [{"level": level,
                            "n": [int(v) for v in group["n"]],
                            "low": [float(v) for v in group["low"]],
                            "high": [float(v) for v in group["high"]]}
                           for level, group in limits.groupby("level", sort=True)],
            })
        return {"levels": list(self.levels), "method": self.method, "key_questions": entries,
                "frameworks": dict(self.frameworks or {}), "warnings": list(self.warnings)}


def _units(reports, key_question: str | None, shared: bool = True) -> tuple[list[str], list[dict]]:
    """(key questions, one row per report and key question); with ``shared``, only the key
    questions that two or more reports have."""
    wanted = key_question_ids(reports) if key_question is None else [key_question]
    rows = []
    for kq_id in wanted:
        found = [(r, row) for r in reports for row in evidence(r) if row.key_question == kq_id]
        if len(found) < (2 if shared or key_question is not None else 1):
            if key_question is not None:
                have = [r.id for r, _ in found]
                raise SamplingError(f"key_question: {kq_id!r} is in {len(have)} of the reports "
                                    f"({', '.join(have) or 'none'}); a comparison needs it in at least two")
            continue
        rows += [{"key_question": kq_id, "name": r.id, "service": r.service, "yes": row.yes,
                  "relevant": row.relevant, "percent": row.percent} for r, row in found]
    kqs = list(dict.fromkeys(row["key_question"] for row in rows))
    if not kqs:
        raise SamplingError("reports: no key question is in two or more of the reports; give "
                            "reports whose frameworks share key questions")
    return kqs, rows


def _classify(yes, relevant, rate: float, levels) -> tuple[np.ndarray, np.ndarray]:
    outside = np.full(yes.size, np.nan)
    direction = np.full(yes.size, "", dtype=object)
    for level in levels:  # narrowest first: a wider level overwrites
        low, high = funnel_limits(rate, relevant, level)
        below = yes < low * relevant - 1e-9
        above = yes > high * relevant + 1e-9
        outside[below | above] = level
        direction[below] = "below"
        direction[above] = "above"
    return outside, direction


def funnel(reports, key_question: str | None = None, *, levels=DEFAULT_LEVELS) -> Funnel:
    """Each service's result against its number of cases, with exact binomial control limits.

    Parameters
    ----------
    reports : list of Report, str or path
        At least two inspections (each once), as reports, bundled ids or report files.
    key_question : str, optional
        One key question (e.g. "2.1.1"). Default: every key question that two or more of the
        reports have, each against its own pooled rate.
    levels : sequence of float, default (0.8, 0.95, 0.998)
        Two-sided levels of the limits (80 %, 95 % and 99.8 %).

    Returns
    -------
    Funnel
        The points, the pooled rates and the limits.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        Fewer than two reports, a report given twice, a key question fewer than two reports
        have, or levels outside (0, 1).

    Warns
    -----
    SamplingWarning
        In one line, when the reports are of more than one framework (``youth-2018`` with
        ``youth-2021``): key questions are pooled by id across them.

    Notes
    -----
    The target of each key question is the pooled rate sum(y) / sum(n) over the services; the
    limits at each level are exact binomial quantiles around it, interpolated as Spiegelhalter
    (2005) describes (:func:`funnel_limits`). A service is outside a level when its count lies
    beyond that level's limits, which happens exactly when its one-sided binomial tail,
    P(Y <= y) below or P(Y >= y) above (``p_lower_tail``, ``p_upper_tail``), is less than
    (1 - level) / 2; ``outside`` is the widest such level. ``dispersion`` is
    Spiegelhalter's overdispersion ratio: the mean of z^2, z = (y - n p) / sqrt(n p (1 - p));
    near 1 when services differ only by sampling, well above 1 when they truly differ (then the
    limits are too narrow and too many services fall outside; see
    ``methodology/across-inspections.md``).

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
           Statistics in Medicine 24, 1185-1202.
    .. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
           Quality and Safety in Health Care 14, 347-351.

    Examples
    --------
    >>> from sampling import synthetic
    >>> result = funnel(synthetic.reports(30, rng=3), "2.1.1")
    >>> round(float(result.pooled.loc["2.1.1", "pooled_rate"]), 3), len(result.points)
    (0.805, 30)
    """
    import pandas as pd

    reports = load_many(reports)
    levels = _check_levels(levels)
    kqs, rows = _units(reports, key_question)
    warned = framework_warning(reports, "funnelled together")
    points = pd.DataFrame(rows)
    points["proportion"] = points["yes"] / points["relevant"]
    summaries, limits, parts = [], [], []
    for kq in kqs:
        part = points[points["key_question"] == kq].copy()
        yes, relevant = part["yes"].to_numpy(), part["relevant"].to_numpy()
        rate = yes.sum() / relevant.sum()
        part["outside"], part["direction"] = _classify(yes, relevant, rate, levels)
        part["p_lower_tail"], part["p_upper_tail"] = _tails(yes, relevant, rate)
        parts.append(part)
        summaries.append({"key_question": kq, "pooled_rate": rate, "yes": int(yes.sum()),
                          "relevant": int(relevant.sum()), "services": len(part),
                          "dispersion": _dispersion(yes, relevant, rate)})
        n_grid = np.arange(1, relevant.max() + 1)
        for level in levels:
            low, high = funnel_limits(rate, n_grid, level)
            limits.append(pd.DataFrame({"key_question": kq, "level": level, "n": n_grid,
                                        "low": low, "high": high}))
    return Funnel(key_question=key_question, levels=levels,
                  points=pd.concat(parts, ignore_index=True),
                  pooled=pd.DataFrame(summaries).set_index("key_question"),
                  limits=pd.concat(limits, ignore_index=True),
                  frameworks={r.id: r.framework.name for r in reports}, warnings=warned)


def _tails(yes, relevant, rate) -> tuple[np.ndarray, np.ndarray]:
    from scipy.stats import binom

    return binom.cdf(yes, relevant, rate), binom.sf(yes - 1, relevant, rate)


def _dispersion(yes, relevant, rate) -> float:
    if not 0 < rate < 1:
        return float("nan")
    z = (yes - relevant * rate) / np.sqrt(relevant * rate * (1 - rate))
    return float(np.mean(z ** 2))


# --------------------------------------------------------------------------------------------
# the empirical-Bayes prior


@dataclass(frozen=True)
class EmpiricalPrior:
    """A Beta(a, b) prior for key-question rates fitted to many services (beta-binomial ML).

    Use it wherever the toolkit takes a prior: ``band_probabilities(k, n, prior=result.prior)``
    or ``rating_distribution(report, prior=result.prior)``; the result itself also unpacks as
    ``a, b = result``. ``table`` holds each service's raw rate beside its shrunken estimate, the
    posterior mean (a + y) / (a + b + n), and the weight n / (a + b + n) its own cases carry.
    Made by :func:`empirical_prior` (where the method and its sources are); each parameter is
    also an attribute.

    Parameters
    ----------
    a, b : float
        The Beta prior's parameters.
    key_question : str or None
        The key question fitted (None: every key question pooled).
    units : int
        The results fitted (services x key questions).
    services : int
        The services.
    log_likelihood : float
        The beta-binomial log-likelihood at (a, b).
    at_boundary : bool
        Whether the fit lies on the edge of the search box (a warning was given): at a + b =
        1e6 (no spread beyond sampling), at a + b = 1e-2, or every result 0 % or every one 100 %
        (the mean at expit(-12) or expit(12)). Decided by the sign of a rational score, not by
        where an optimiser stopped.
    table : pandas.DataFrame
        One row per service and key question: ``key_question``, ``report``, ``service``,
        ``yes``, ``relevant``, ``percent``, ``raw``, ``shrunken`` and ``weight``.
    method : str, default "beta-binomial maximum likelihood"
        How (a, b) were found.

    Examples
    --------
    >>> from sampling import synthetic
    >>> fitted = empirical_prior(synthetic.reports(8, rng=3), "2.1.1")
    >>> round(fitted.a, 2), round(fitted.b, 2), fitted.units, fitted.at_boundary
    (38.55, 7.46, 8, False)
    >>> a, b = fitted
    >>> round(a / (a + b), 3)
    0.838
    """

    a: float
    b: float
    key_question: str | None
    units: int
    services: int
    log_likelihood: float
    at_boundary: bool
    table: object
    method: str = "beta-binomial maximum likelihood"

    @property
    def prior(self) -> tuple[float, float]:
        """(a, b), as the toolkit's ``prior=`` arguments take it.

        Examples
        --------
        >>> from sampling import synthetic
        >>> [round(v, 2) for v in empirical_prior(synthetic.reports(8, rng=3), "2.1.1").prior]
        [38.55, 7.46]
        """
        return (self.a, self.b)

    @property
    def mean(self) -> float:
        """a / (a + b): the prior mean rate.

        Examples
        --------
        >>> from sampling import synthetic
        >>> round(empirical_prior(synthetic.reports(8, rng=3), "2.1.1").mean, 3)
        0.838
        """
        return self.a / (self.a + self.b)

    @property
    def concentration(self) -> float:
        """a + b: how many cases' worth of information the prior carries.

        Examples
        --------
        >>> from sampling import synthetic
        >>> round(empirical_prior(synthetic.reports(8, rng=3), "2.1.1").concentration, 1)
        46.0
        """
        return self.a + self.b

    def __iter__(self):
        return iter(self.prior)

    def to_frame(self):
        """Each service's raw rate beside its shrunken estimate.

        Returns
        -------
        pandas.DataFrame
            ``table`` itself.

        Examples
        --------
        >>> from sampling import synthetic
        >>> table = empirical_prior(synthetic.reports(8, rng=3), "2.1.1").to_frame()
        >>> table[["report", "raw", "shrunken", "weight"]].head(2).round(3)
                  report    raw  shrunken  weight
        0  synthetic-001  0.778     0.812   0.439
        1  synthetic-002  0.828     0.834   0.387
        """
        return self.table

    def _repr_html_(self) -> str:
        return self.table._repr_html_()

    def to_dict(self) -> dict:
        """The fit as a dict of plain values, as ``--json`` prints it.

        Returns
        -------
        dict
            The fields, ``mean`` and ``concentration``, and ``table`` as a list of rows.

        Examples
        --------
        >>> from sampling import synthetic
        >>> data = empirical_prior(synthetic.reports(8, rng=3), "2.1.1").to_dict()
        >>> data["method"], data["services"], data["table"][0]["report"]
        ('beta-binomial maximum likelihood', 8, 'synthetic-001')
        """
        return {"a": self.a, "b": self.b, "mean": self.mean, "concentration": self.concentration,
                "key_question": self.key_question, "units": self.units, "services": self.services,
                "log_likelihood": self.log_likelihood, "at_boundary": self.at_boundary,
                "method": self.method,
                "table": [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                          for row in self.table.to_dict("records")]}


#: Search box for the fit: the concentration a + b from 1e-2 to 1e6, i.e. Griffiths' (1973)
#: theta = 1 / (a + b) from 1e-6 to 1e2. When every result is 0 % (or every one 100 %) the
#: mean is set at expit(-12) (or expit(12)), the edge of the means searched before.
_LOGIT_BOUNDS = (-12.0, 12.0)
_LOG_CONCENTRATION_BOUNDS = (float(np.log(1e-2)), float(np.log(1e6)))
_THETA_LOW, _THETA_HIGH = 1e-6, 1e2


def beta_binomial_log_likelihood(a, b, yes, relevant):
    """sum_i log BetaBinomial(y_i | n_i, a, b), for scalar or broadcast arrays a and b.

    log C(n, y) + log B(y + a, n - y + b) - log B(a, b), summed over the last axis.
    """
    from scipy.special import betaln, gammaln

    yes, relevant = np.asarray(yes, float), np.asarray(relevant, float)
    a, b = np.asarray(a, float)[..., None], np.asarray(b, float)[..., None]
    choose = gammaln(relevant + 1) - gammaln(yes + 1) - gammaln(relevant - yes + 1)
    return (choose + betaln(yes + a, relevant - yes + b) - betaln(a, b)).sum(axis=-1)


class _Counts:
    """The data as Griffiths' (1973) counts: for j = 0, 1, ..., A_j services have more than j
    "yes", B_j more than j "no" and C_j more than j cases judged.

    With m = a / (a + b) and theta = 1 / (a + b), the log-likelihood is, up to the constant
    sum_i log C(n_i, y_i),

        l(m, theta) = sum_j A_j log(m + j theta) + B_j log(1 - m + j theta) - C_j log(1 + j theta),

    whose two scores are rational functions of (m, theta). They are evaluated with IEEE
    arithmetic element by element and summed with ``math.fsum`` (exactly rounded), so that no
    BLAS kernel, thread count or order of addition enters: the same data give the same bits on
    every processor.
    """

    def __init__(self, yes: np.ndarray, relevant: np.ndarray):
        def more_than(values):
            counts = np.bincount(values, minlength=int(relevant.max()) + 1)
            return (counts.sum() - np.cumsum(counts))[:-1].astype(float)  # #{i: value_i > j}

        self.A, self.B, self.C = more_than(yes), more_than(relevant - yes), more_than(relevant)
        self.j = np.arange(self.C.size, dtype=float)

    def score_mean(self, m: float, theta: float) -> float:
        """dl/dm, strictly decreasing in m on (0, 1)."""
        jt = self.j * theta
        return math.fsum((self.A / (m + jt)).tolist() + (-self.B / ((1 - m) + jt)).tolist())

    def mean(self, theta: float) -> float:
        """The m that maximises l(m, theta) for this theta: the root of dl/dm, by bisection to
        the last bit (the score falls from +inf at 0 to -inf at 1 when 0 < sum y < sum n)."""
        low, high = 0.0, 1.0
        while True:
            middle = 0.5 * (low + high)
            if not low < middle < high:
                return middle
            if self.score_mean(middle, theta) > 0:
                low = middle
            else:
                high = middle

    def score_theta(self, m: float, theta: float) -> float:
        """dl/dtheta; at m = mean(theta) it is the slope of the profile log-likelihood."""
        jt = self.j * theta
        return math.fsum((self.j * self.A / (m + jt)).tolist() + (self.j * self.B / ((1 - m) + jt)).tolist()
                         + (-self.j * self.C / (1 + jt)).tolist())

    def profile_score(self, theta: float) -> float:
        return self.score_theta(self.mean(theta), theta)

    def log_likelihood(self, m: float, theta: float, constant: float) -> float:
        jt = self.j * theta
        with np.errstate(divide="ignore"):
            terms = (self.A * np.log(m + jt)).tolist() + (self.B * np.log((1 - m) + jt)).tolist() \
                + (-self.C * np.log1p(jt)).tolist()
        return math.fsum([constant, *(t for t in terms if t == t)])  # 0 * log 0 counts as 0


def _theta_grid() -> list[float]:
    """theta from 1e-6 to 1e2 in steps of a factor sqrt(2), by IEEE multiplication only."""
    grid, step = [_THETA_LOW], math.sqrt(2.0)
    while grid[-1] * step < _THETA_HIGH:
        grid.append(grid[-1] * step)
    return [*grid, _THETA_HIGH]


def _fit(yes: np.ndarray, relevant: np.ndarray) -> tuple[float, float, float, bool]:
    """Maximum likelihood (a, b) over the search box, and whether it lies on the box's edge.

    The profile likelihood in theta = 1 / (a + b): for each theta the mean is the root of its
    score (bisection), and the profile's slope is the theta-score there. Its sign on a fixed
    grid of theta brackets every local maximum; each is refined by bisection on the slope to the
    last bit, and the most likely is kept. An end of the box is a candidate when the profile
    falls away from it. No optimiser, BLAS or LAPACK call is involved.
    """
    from scipy.special import expit, gammaln

    yes, relevant = np.asarray(yes, np.int64), np.asarray(relevant, np.int64)
    choose = gammaln(relevant + 1.0) - gammaln(yes + 1.0) - gammaln(relevant - yes + 1.0)
    constant = math.fsum(choose.tolist())
    total_yes, total = int(yes.sum()), int(relevant.sum())
    concentration_high = 1 / _THETA_LOW
    if total_yes in (0, total):  # every result 0 % (or every one 100 %): the mean at the edge,
        m = float(expit(_LOGIT_BOUNDS[0] if total_yes == 0 else _LOGIT_BOUNDS[1]))  # a point mass
        a, b = m * concentration_high, (1 - m) * concentration_high
        return a, b, float(beta_binomial_log_likelihood(a, b, yes, relevant)), True
    counts = _Counts(yes, relevant)
    grid = _theta_grid()
    slopes = [counts.profile_score(theta) for theta in grid]
    candidates = []  # (theta, on the edge)
    if slopes[0] <= 0:  # falls away from the binomial end: a maximum at a + b = 1e6
        candidates.append((grid[0], True))
    for k in range(len(grid) - 1):
        if slopes[k] > 0 >= slopes[k + 1]:  # a local maximum in (grid[k], grid[k + 1]]
            low, high = grid[k], grid[k + 1]
            while True:
                middle = math.sqrt(low * high)
                if not low < middle < high:
                    break
                if counts.profile_score(middle) > 0:
                    low = middle
                else:
                    high = middle
            candidates.append((high, high == _THETA_HIGH))
    if slopes[-1] > 0:  # still rising at a + b = 1e-2
        candidates.append((grid[-1], True))
    best = None
    for theta, edge in candidates:  # the most likely; a tie keeps the first (the binomial end)
        m = counts.mean(theta)
        value = counts.log_likelihood(m, theta, constant)
        if best is None or value > best[0]:
            best = (value, m, theta, edge)
    value, m, theta, edge = best
    return m / theta, (1 - m) / theta, value, edge


def empirical_prior(reports, key_question: str | None = None) -> EmpiricalPrior:
    """A Beta(a, b) prior for key-question rates, fitted to many services by maximum likelihood.

    Parameters
    ----------
    reports : list of Report, str or path
        At least two inspections (each once), as reports, bundled ids or report files.
    key_question : str, optional
        Fit to one key question across the services. Default: pooled, every key question of
        every report as one draw from the same Beta.

    Returns
    -------
    EmpiricalPrior
        ``prior`` is the pair (a, b) that ``band_probabilities`` and ``rating_distribution``
        take as ``prior=``; ``to_frame()`` gives each service's shrunken estimate beside its raw
        one.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        Fewer than two reports, a report given twice, or a key question fewer than two reports
        have.

    Warns
    -----
    SamplingWarning
        When the maximum lies on the edge of the search box: the services differ no more than
        sampling alone explains (the prior is then close to a point mass at the pooled rate), or
        every result is 0 % or 100 %.

    Notes
    -----
    The beta-binomial model: service i's true rate is theta_i ~ Beta(a, b) and its y_i "yes" of
    n_i cases are Binomial(n_i, theta_i), so y_i ~ BetaBinomial(n_i, a, b). (a, b) maximise
    sum_i log BetaBinomial(y_i | n_i, a, b) (Skellam 1948; Griffiths 1973) over a box: the
    concentration a + b from 1e-2 to 1e6, any mean. The search is deterministic, so that the fit
    is a property of the data and not of where an optimiser stopped or which BLAS kernel ran. In
    Griffiths' (1973) parameters m = a / (a + b) and phi = 1 / (a + b) the log-likelihood is
    sum_j A_j log(m + j phi) + B_j log(1 - m + j phi) - C_j log(1 + j phi) plus a
    constant, where A_j, B_j and C_j count the services with more than j "yes", more than j "no"
    and more than j cases. For each phi the mean is the root of the m-score, which falls
    strictly from +inf to -inf (bisection to the last bit); the slope of this profile
    likelihood is the phi-score there. Its sign on a fixed grid of phi (factors of sqrt 2)
    brackets every local maximum, each is refined by bisection on the slope, and the most
    likely is the fit. The scores are rational, evaluated with IEEE arithmetic and summed with
    ``math.fsum``, so neither the estimate nor the edge decision rests on a BLAS or LAPACK
    result or on the order of additions.

    The fit is on the edge (``at_boundary``, and a warning) when the profile still falls away
    from a + b = 1e6, the binomial end: the services differ no more than sampling explains (at
    phi = 0 the slope is proportional to Tarone's (1979) statistic
    sum_i (y_i - n_i p)^2 / (p (1 - p)) - sum_i n_i, p the pooled rate); the fit is then a + b =
    1e6 exactly with the mean that maximises the likelihood there (within about 1e-6 of the
    pooled rate). It is also on the edge when the profile still rises at a + b = 1e-2 (every
    result 0 % or 100 %, some of each), and when every result is 0 % (or every one 100 %): the
    likelihood has no maximum, and the fit is the closed form a + b = 1e6 with the mean
    expit(-12) (or expit(12)), a point mass at the pooled rate.

    The shrunken estimate of service i is its posterior
    mean (a + y_i) / (a + b + n_i): its own rate pulled towards the mean, the more the fewer its
    cases (empirical Bayes; Efron and Morris 1975). Key questions judged on the same cases are
    not independent, so the pooled fit counts each service's evidence several times over.

    References
    ----------
    .. [1] Skellam, J. G. (1948). A probability distribution derived from the binomial
           distribution by regarding the probability of success as variable between the sets
           of trials. Journal of the Royal Statistical Society B 10, 257-261.
    .. [2] Griffiths, D. A. (1973). Maximum likelihood estimation for the beta-binomial
           distribution and an application to the household distribution of the total number
           of cases of a disease. Biometrics 29, 637-648.
    .. [3] Efron, B. and Morris, C. (1975). Data analysis using Stein's estimator and its
           generalizations. Journal of the American Statistical Association 70, 311-319.
    .. [4] Tarone, R. E. (1979). Testing the goodness of fit of the binomial distribution.
           Biometrika 66, 585-590.

    Examples
    --------
    >>> from sampling import band_probabilities, synthetic
    >>> fitted = empirical_prior(synthetic.reports(40, rng=5), "2.1.1")
    >>> round(fitted.mean, 3), round(fitted.concentration, 1)
    (0.84, 12.6)
    >>> band_probabilities(5, 11, prior=fitted.prior).round(3).tolist()
    [0.05, 0.37, 0.507, 0.073]
    """
    import pandas as pd

    reports = load_many(reports)
    _, rows = _units(reports, key_question, shared=False)
    table = pd.DataFrame(rows).rename(columns={"name": "report"})
    yes, relevant = table["yes"].to_numpy(), table["relevant"].to_numpy()
    a, b, log_likelihood, edge = _fit(yes, relevant)
    if edge:
        warn(f"empirical_prior: the best fit lies on the edge of the search (mean {a / (a + b):.3f}, "
             f"a + b = {a + b:.3g}): the services differ no more than sampling explains, or every "
             "result is 0% or 100%; the prior is close to a point mass")
    table["raw"] = yes / relevant
    table["shrunken"] = (a + yes) / (a + b + relevant)
    table["weight"] = relevant / (a + b + relevant)
    return EmpiricalPrior(a=float(a), b=float(b), key_question=key_question, units=len(table),
                          services=int(table["report"].nunique()), log_likelihood=float(log_likelihood),
                          at_boundary=bool(edge), table=table)
