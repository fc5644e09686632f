"""Simulated inspections of a standard or a whole report, with and without a discretion rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as check
from ..framework import Rating, lowest_bands, overall_of_scores
from ._common import LABELS, as_rule
from ._plans import (
    correlated_sampler,
    count_cdfs,
    draw_from_population,
    draw_independent,
    pattern_totals,
    plans,
    population_patterns,
    true_band,
)

__all__ = ["SimulationResult", "simulate"]

_LABELS = LABELS


@dataclass(frozen=True)
class SimulationResult:
    """Simulated inspections: awarded against true bands, without and with a rule.

    Made by :func:`simulate`; each parameter is also an attribute. ``p_correct``, ``p_too_high``
    and ``p_too_low`` are with the rule when there is one, else without.

    Parameters
    ----------
    rule : str or None
        The rule's name (None: no rule).
    reps : int
        Simulated inspections.
    case_correlation : float
        The shared case quality's correlation.
    judgement_error : float
        The probability that a judgement is flipped.
    seed : int or None
        The int seed given as ``rng``, for the record (None for a Generator or no seed).
    true_bands : dict of str to Rating
        Each standard's true band.
    confusion : pandas.DataFrame
        True band (rows) by awarded band (columns), counts of standard ratings, without the rule.
    confusion_with_rule : pandas.DataFrame
        The same with the rule.
    fire_rate : float
        The share of simulated standard ratings the rule moved.
    overall : pandas.DataFrame or None, default None
        For a report: P(each overall rating), columns "without rule" and "with rule".
    true_overall : Rating or None, default None
        For a report: the overall rating of the true bands.
    judgements : int, default 0
        Simulated key-question results (one per key question per inspection).
    case_judgements : int, default 0
        Simulated case-level yes/no judgements.
    per_standard : pandas.DataFrame, optional
        Per standard: ``true_band``, ``p_correct``, ``p_correct_with_rule`` and ``fire_rate``.

    Examples
    --------
    >>> result = simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1)
    >>> result.rule, result.reps, result.seed, result.fire_rate
    ('cases(1)', 2000, 1, 0.4195)
    >>> result.confusion.loc["Requires improvement"].tolist()
    [544, 1130, 267, 59]
    """

    rule: str | None
    reps: int
    case_correlation: float
    judgement_error: float
    seed: int | None  # the int seed given as rng, for the record (None for a Generator or no seed)
    true_bands: dict[str, Rating]
    confusion: object  # DataFrame: true band x awarded band, counts, without the rule
    confusion_with_rule: object  # the same with the rule
    fire_rate: float  # share of simulated standard ratings the rule moved
    overall: object | None = None  # DataFrame: P(overall rating) without / with the rule, for a report
    true_overall: Rating | None = None
    judgements: int = 0  # simulated key-question results (one per key question per inspection)
    case_judgements: int = 0  # simulated case-level yes/no judgements
    per_standard: object = field(default=None)  # DataFrame per standard: P(correct), fire rate

    def _rates(self, table) -> dict[str, float]:
        counts = table.to_numpy(dtype=float)
        total = counts.sum()
        rows, cols = np.indices(counts.shape)
        return {"p_correct": float(counts[rows == cols].sum() / total),
                "p_too_high": float(counts[cols > rows].sum() / total),
                "p_too_low": float(counts[cols < rows].sum() / total)}

    @property
    def without_rule(self) -> dict[str, float]:
        """The shares of standard ratings right, too high and too low, without the rule.

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1).without_rule
        {'p_correct': 0.565, 'p_too_high': 0.163, 'p_too_low': 0.272}
        """
        return self._rates(self.confusion)

    @property
    def with_rule(self) -> dict[str, float]:
        """The shares of standard ratings right, too high and too low, with the rule.

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1).with_rule
        {'p_correct': 0.55, 'p_too_high': 0.344, 'p_too_low': 0.106}
        """
        return self._rates(self.confusion_with_rule)

    @property
    def p_correct(self) -> float:
        """The share of standard ratings in the true band (with the rule, if any).

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1).p_correct
        0.55
        """
        return self.with_rule["p_correct"] if self.rule else self.without_rule["p_correct"]

    @property
    def p_too_high(self) -> float:
        """The share of standard ratings above the true band (with the rule, if any).

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1).p_too_high
        0.344
        """
        return self.with_rule["p_too_high"] if self.rule else self.without_rule["p_too_high"]

    @property
    def p_too_low(self) -> float:
        """The share of standard ratings below the true band (with the rule, if any).

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, reps=2000, rng=1).p_too_low
        0.272
        """
        return self.with_rule["p_too_low"] if self.rule else self.without_rule["p_too_low"]

    def summary(self):
        """A table: P(correct), P(too high), P(too low), fire rate, without and with the rule.

        Returns
        -------
        pandas.DataFrame
            Rows "without rule" and, with a rule, "with <rule>"; columns ``p_correct``,
            ``p_too_high``, ``p_too_low`` and ``fire_rate``.

        Examples
        --------
        >>> simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=2000, rng=1).summary().round(3)
                       p_correct  p_too_high  p_too_low  fire_rate
        without rule       0.565       0.163      0.272       0.00
        with cases(1)      0.550       0.344      0.106       0.42
        """
        import pandas as pd

        rows = {"without rule": {**self.without_rule, "fire_rate": 0.0}}
        if self.rule:
            rows[f"with {self.rule}"] = {**self.with_rule, "fire_rate": self.fire_rate}
        return pd.DataFrame(rows).T

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_frame(self):
        """The summary table (:meth:`summary`): one row without the rule and one with it.

        Returns
        -------
        pandas.DataFrame
            Columns ``p_correct``, ``p_too_high``, ``p_too_low`` and ``fire_rate``.

        Examples
        --------
        >>> list(simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=200, rng=1).to_frame().index)
        ['without rule', 'with cases(1)']
        """
        return self.summary()

    def to_dict(self) -> dict:
        """The result as a dict of plain values, as ``--json`` prints it.

        Returns
        -------
        dict
            ``rule``, ``reps``, ``seed``, ``case_correlation``, ``judgement_error``,
            ``true_bands``, ``without_rule``, ``with_rule`` (None without a rule),
            ``fire_rate``, ``confusion`` and ``confusion_with_rule`` (true -> awarded -> count),
            and for a report ``true_overall`` and ``overall``.

        Examples
        --------
        >>> data = simulate("calderdale-2022", rule="cases(1)", reps=2000, rng=1).to_dict()
        >>> data["true_overall"], data["overall"]["with rule"]["Good"]
        ('Requires improvement', 0.2325)
        """
        data = {
            "rule": self.rule,
            "reps": self.reps,
            "seed": self.seed,
            "case_correlation": self.case_correlation,
            "judgement_error": self.judgement_error,
            "true_bands": {k: v.label for k, v in self.true_bands.items()},
            "without_rule": self.without_rule,
            "with_rule": self.with_rule if self.rule else None,
            "fire_rate": self.fire_rate,
            "confusion": {t: {a: int(self.confusion.loc[t, a]) for a in _LABELS} for t in _LABELS},
            "confusion_with_rule": {t: {a: int(self.confusion_with_rule.loc[t, a]) for a in _LABELS}
                                    for t in _LABELS},
        }
        if self.overall is not None:
            data["true_overall"] = self.true_overall.label
            data["overall"] = {col: {r: float(self.overall.loc[r, col]) for r in _LABELS}
                               for col in self.overall.columns}
        return data


def simulate(
    true_rates,
    n=None,
    *,
    population=None,
    case_correlation: float = 0.0,
    judgement_error: float = 0.0,
    rule=None,
    reps: int = 10_000,
    rng=None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Simulated inspections of a standard or a whole report, with and without a discretion rule.

    Parameters
    ----------
    true_rates : sequence of float, mapping, Report or report id
        A sequence: one standard's key questions' true rates. A mapping: standard id -> rates.
        A report (or bundled id): every standard rated from key questions, with its printed
        proportions (k/n) taken as the true rates and its qualitative standards fixed, so that the
        overall rating can be compared too.
    n : int, sequence of int, or None
        Cases judged per key question; for a report, None keeps each key question's own n.
    population : int, mapping or None
        Eligible cases: None for process sampling (binomial), an int (or, for a report, a mapping
        sample -> N) to draw without replacement from a finite population (hypergeometric).
    case_correlation : float in [0, 1), default 0.0
        Correlation of the latent quality that the key questions of one case share (Gaussian
        copula: a case says "yes" to key question j when sqrt(rho) U + sqrt(1 - rho) E_j <
        Phi^-1(rate_j), U shared by the case). Each key question keeps its true rate; 0 gives
        independent key questions.
    judgement_error : float in [0, 0.5), default 0.0
        Each yes/no judgement is flipped with this probability (inspectors who disagree).
    rule : rule, name or callable, optional
        A discretion rule (:mod:`sampling.rules`); the awarded band moves one band when it fires.
    reps : int, default 10_000
        Simulated inspections, from 1 to ``MAX_REPS`` (200,000).
    rng : int, numpy.random.Generator or None
        The source of randomness; the same seed gives the same result.
    progress : callable(done, total), optional
        Called after each chunk of simulated inspections (the CLI draws a progress bar with it).

    Returns
    -------
    SimulationResult
        The confusion tables of true against awarded bands, without and with the rule, and
        for a report P(each overall rating).

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For rates outside [0, 1] (or not a list), a number of cases that is not a whole number
        (or above ``MAX_CASES_JUDGED`` (1,000)), a population below n, a
        correlation outside [0, 1), a judgement error outside [0, 0.5), an unknown rule, a
        number of inspections below 1 or above 200,000, or a seed that is not a whole number from 0.

    Notes
    -----
    The true band of a standard is the lowest band of its key questions' true rates
    (:func:`sampling.framework.band_of_proportion`), or, with a finite population, of the
    population's own proportions (a rate becomes a count of N rounded half up, the toolkit's one
    rounding: 0.625 of 20 is 13). The samples are simple random samples.

    How the counts are drawn (each exact for its model):

    * independent key questions: each key question's count by inverse-cdf sampling of its exact
      distribution (binomial, or hypergeometric from the population, then the judgement flips),
      one uniform per key question per inspection;
    * ``case_correlation`` > 0, process sampling: cases are independent, so a case's yes/no
      pattern over the key questions has fixed probabilities (a one-dimensional integral over the
      shared quality U), and the counts' exact joint distribution follows by convolution over the
      cases (through the Fourier transform of its generating function). Each inspection's counts
      are then one inverse-cdf draw from that joint distribution (beyond a million joint outcomes:
      one multinomial draw of patterns per run of cases). The model is the Gaussian copula above,
      case by case as before; only the drawing changed, so that a seed gives other draws than
      earlier versions did, with the same distribution;
    * ``case_correlation`` > 0 with a population: one population of N cases is drawn by pattern
      (N the largest of the key questions' populations, every case eligible for every key question),
      its own proportions are the truth, and each inspection draws its cases without replacement.

    Examples
    --------
    >>> result = simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=20_000, rng=1)
    >>> result.true_bands["standard"].label
    'Requires improvement'
    >>> round(result.without_rule["p_correct"], 2), round(result.with_rule["p_correct"], 2)
    (0.56, 0.52)
    """
    seed = check.seed(rng)
    rng = np.random.default_rng(rng)
    rho = check.correlation(case_correlation)
    error = check.judgement_error(judgement_error)
    reps = check.reps(reps)
    chosen = as_rule(rule)
    standard_plans, report = plans(true_rates, n, population)
    fixed_score = 0 if report is None else sum(
        report.framework.score_of(s.rating) for s in report.standards if s.scored and s.qualitative)
    samplers, true_bands = {}, {}
    for plan in standard_plans:
        samplers[plan.id], true_bands[plan.id] = _sampler(plan, rho, error, rng)
    tally = _Tally(report, standard_plans, chosen)
    done = 0
    for size in _chunks(standard_plans, reps, rho):
        score = np.full(size, fixed_score, dtype=np.int64)
        score_rule = score.copy()
        for plan in standard_plans:
            counts = samplers[plan.id](size, rng)
            awarded, moved = tally.standard(plan, counts, int(true_bands[plan.id]))
            score += tally.points[awarded]
            score_rule += tally.points[moved]
        tally.overall(score, score_rule)
        done += size
        if progress is not None:
            progress(done, reps)
    return tally.result(reps, rho, error, seed, true_bands, fixed_score)


def _sampler(plan, rho: float, error: float, rng):
    """How one standard's counts are drawn, and its true band.

    Independent key questions: inverse-cdf sampling of each key question's exact count
    distribution. Shared case quality, process sampling: the exact joint distribution of the
    counts (or, for very many outcomes, the multinomial of case patterns). Shared case quality
    with a population: one population drawn (by pattern), then sampled without replacement.
    """
    if rho > 0 and plan.populations is not None:
        cases = population_patterns(plan, rho, rng)
        realised = pattern_totals(cases, plan.rates.size)
        return ((lambda reps, gen: draw_from_population(plan, cases, reps, error, gen)),
                Rating(true_band(plan, realised)))
    if rho > 0 and plan.rates.size > 1:
        return correlated_sampler(plan, rho, error), Rating(true_band(plan))
    cdfs = count_cdfs(plan, error)  # one key question shares nothing: independent is exact
    return (lambda reps, gen: draw_independent(cdfs, reps, gen)), Rating(true_band(plan))


def _chunks(standard_plans, reps: int, rho: float):
    """Sizes of the chunks of simulated inspections, bounded in memory."""
    cells = max(1, sum(int(p.n.max()) * p.rates.size for p in standard_plans))
    chunk = max(1, min(reps, 2_000_000 // cells))
    if rho == 0 or all(p.populations is None for p in standard_plans):
        chunk = max(chunk, min(reps, 200_000))
    done = 0
    while done < reps:
        size = min(chunk, reps - done)
        done += size
        yield size


class _Tally:
    """Counts of true against awarded bands, without and with the rule, as inspections run."""

    def __init__(self, report, standard_plans, rule):
        bands = len(Rating)
        self.report, self.rule = report, rule
        self.confusion = np.zeros((bands, bands), dtype=np.int64)
        self.confusion_rule = np.zeros((bands, bands), dtype=np.int64)
        self.per_standard = {plan.id: [0, 0, 0] for plan in standard_plans}  # right, right with rule, fired
        self.overall_counts = np.zeros((bands, 2), dtype=np.int64)
        self.fired = self.judgements = self.case_judgements = 0
        self.standards = len(standard_plans)
        self.points = np.array((0, 1, 2, 3) if report is None else report.framework.points)
        if report is not None and report.framework.overall_method == "areas":
            self.report = None  # an overall rating by areas is not simulated from a score
        if self.report is not None:
            rule_ratings = {sid: report.standard(sid).rating for sid in report.limiting}
            self.overall_of_score = overall_of_scores(report.framework, rule_ratings)

    def standard(self, plan, counts, truth: int):
        self.judgements += counts.size
        self.case_judgements += int(plan.n.sum()) * counts.shape[0]
        awarded = lowest_bands(counts, plan.n)
        moved = awarded
        if self.rule is not None:
            fires = self.rule.eligible_many(counts, tuple(int(v) for v in plan.n),
                                            None if plan.populations is None
                                            else tuple(int(v) for v in plan.populations))
            step = 1 if self.rule.direction == "up" else -1
            moved = np.clip(awarded + step * fires, 0, len(Rating) - 1)
            fired = int((moved != awarded).sum())
            self.fired += fired
            self.per_standard[plan.id][2] += fired
        bands = len(Rating)
        self.confusion[truth] += np.bincount(awarded, minlength=bands)
        self.confusion_rule[truth] += np.bincount(moved, minlength=bands)
        self.per_standard[plan.id][0] += int((awarded == truth).sum())
        self.per_standard[plan.id][1] += int((moved == truth).sum())
        return awarded, moved

    def overall(self, score, score_rule):
        if self.report is None:
            return
        for column, values in ((0, score), (1, score_rule)):
            ratings = self.overall_of_score[values]
            self.overall_counts[:, column] += np.bincount(ratings, minlength=len(Rating))

    def result(self, reps, rho, error, seed, true_bands, fixed_score) -> SimulationResult:
        import pandas as pd

        index = pd.Index(LABELS, name="true")
        columns = pd.Index(LABELS, name="awarded")
        per_standard = pd.DataFrame(
            [{"standard": sid, "true_band": true_bands[sid].label, "p_correct": v[0] / reps,
              "p_correct_with_rule": v[1] / reps, "fire_rate": v[2] / reps}
             for sid, v in self.per_standard.items()]
        ).set_index("standard")
        overall = true_overall = None
        if self.report is not None:
            true_score = fixed_score + sum(int(self.points[int(b)]) for b in true_bands.values())
            true_overall = Rating(int(self.overall_of_score[true_score]))
            overall = pd.DataFrame(self.overall_counts / reps, index=pd.Index(LABELS, name="overall"),
                                   columns=["without rule", "with rule"])
        return SimulationResult(
            rule=None if self.rule is None else self.rule.name, reps=reps, case_correlation=rho,
            judgement_error=error, seed=seed, true_bands=true_bands,
            confusion=pd.DataFrame(self.confusion, index=index, columns=columns),
            confusion_with_rule=pd.DataFrame(self.confusion_rule, index=index, columns=columns),
            fire_rate=self.fired / (reps * self.standards), overall=overall, true_overall=true_overall,
            judgements=self.judgements, case_judgements=self.case_judgements, per_standard=per_standard,
        )
