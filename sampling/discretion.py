"""Professional discretion: which standards were within reach of the next band, what the reports
did, and what each candidate rule does to the chance of a wrong rating.

* :func:`assess_discretion` reads a report: per standard, the rule's rating and the published one,
  the cases to the next band, P(higher band), each rule's verdict and whether discretion was used.
* :func:`simulate` runs many inspections of a standard or a whole report with known true rates,
  optionally with cases that share quality across key questions (``case_correlation``) and
  inspectors who disagree (``judgement_error``), and counts right and wrong ratings with and
  without a rule.
* :func:`operating_characteristic` gives, exactly, P(each awarded band) as a function of the true
  rate under the independent model (the operating-characteristic curves of lot quality assurance
  sampling); :func:`compare_rules` tabulates error rates per rule over a range or a prior of rates.

The rules themselves live in :mod:`sampling.rules`. See ``methodology/professional-discretion.md``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from . import rules as rules_module
from ._errors import SamplingError
from .framework import (
    DOMAIN_SAMPLES,
    Rating,
    band_indices,
    band_of_proportion,
    overall_rating,
    percents,
)
from .reports import Report, load_report
from .rules import Rule, StandardEvidence

__all__ = [
    "DiscretionAssessment",
    "assess_discretion",
    "SimulationResult",
    "simulate",
    "operating_characteristic",
    "compare_rules",
    "fit_rate_prior",
]

_LABELS = Rating.labels()


def _as_rules(rules) -> tuple[Rule, ...]:
    if rules is None:
        return rules_module.default_rules()
    if isinstance(rules, Rule | str) or callable(rules):
        rules = [rules]
    result = []
    for rule in rules:
        if isinstance(rule, str):
            result.append(rules_module.parse(rule))
        elif isinstance(rule, Rule):
            result.append(rule)
        else:
            result.append(rules_module.custom(rule))
    names = [r.name for r in result]
    if len(set(names)) != len(names):
        raise SamplingError(f"rules must have distinct names, got {names}")
    return tuple(result)


def _as_rule(rule) -> Rule | None:
    if rule is None:
        return None
    return _as_rules([rule])[0]


# --------------------------------------------------------------------------------------------
# what the reports did


@dataclass(frozen=True)
class DiscretionRow:
    """One quantitative standard of a discretion assessment."""

    id: str
    rule_rating: Rating
    published_rating: Rating
    cases_to_next: int | None
    p_higher: float
    eligible: dict[str, bool]
    cited_rule: str | None
    reason: str | None

    @property
    def applied(self) -> bool:
        """The report published a rating above the rule's: discretion was used (upwards)."""
        return self.published_rating > self.rule_rating


@dataclass(frozen=True)
class DiscretionAssessment:
    """Per standard: rule and published ratings, reach of the next band, each rule's verdict."""

    report: str
    service: str
    mode: str
    rules: tuple[str, ...]
    rows: tuple[DiscretionRow, ...]

    def to_frame(self):
        import pandas as pd

        records = []
        for row in self.rows:
            records.append({
                "standard": row.id,
                "rule_rating": row.rule_rating.label,
                "published_rating": row.published_rating.label,
                "cases_to_next": row.cases_to_next,
                "p_higher": row.p_higher,
                **{f"eligible {name}": row.eligible[name] for name in self.rules},
                "applied": row.applied,
                "cited_rule": row.cited_rule or "",
            })
        return pd.DataFrame(records).set_index("standard")

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling discretion --json`` (keys fixed)."""
        return {
            "report": self.report,
            "standards": [
                {"id": r.id, "rule_rating": r.rule_rating.label, "published_rating": r.published_rating.label,
                 "cases_to_next": r.cases_to_next, "p_higher": r.p_higher, "eligible": dict(r.eligible),
                 "applied": r.applied}
                for r in self.rows
            ],
        }

    @property
    def applied(self) -> tuple[DiscretionRow, ...]:
        return tuple(r for r in self.rows if r.applied)

    def eligible_not_applied(self, rule: str) -> tuple[DiscretionRow, ...]:
        """Standards the named rule would have raised, where the report did not."""
        return tuple(r for r in self.rows if r.eligible[rule] and not r.applied)

    def facts(self) -> list[str]:
        """The assessment stated as facts, one sentence each."""
        lines = []
        for row in self.applied:
            under = [name for name, ok in row.eligible.items() if ok]
            cited = (f"; the report's reason matches {row.cited_rule}, under which it is "
                     f"{'eligible' if row.eligible.get(row.cited_rule) else 'NOT eligible'}"
                     if row.cited_rule else "")
            moved = f"{row.rule_rating.label} -> {row.published_rating.label}"
            lines.append(f"{row.id}: discretion applied, {moved}"
                         f" ({row.cases_to_next} case(s) from the next band, "
                         f"P(higher) = {row.p_higher:.2f}); "
                         f"eligible under {', '.join(under) or 'no rule'}{cited}.")
        for row in self.rows:
            if row.applied:
                continue
            under = [name for name, ok in row.eligible.items() if ok]
            if under:
                lines.append(f"{row.id}: {row.rule_rating.label} as the rule gives; eligible under "
                             f"{', '.join(under)} ({row.cases_to_next} case(s) from the next band, "
                             f"P(higher) = {row.p_higher:.2f}); not applied.")
        return lines


def assess_discretion(report, *, rules=None, mode: str = "process", populations=None, prior="jeffreys"):
    """Which standards were within reach of the next band, under each rule, and what was done.

    Parameters
    ----------
    report : Report, bundled id or path
    rules : rule, name, callable or a sequence of them
        Default: :func:`sampling.rules.default_rules` (strict, within_points(5), cases(1),
        interval(0.8), posterior(0.5)).
    mode : {"process", "finite"}
        The uncertainty behind ``p_higher`` and the interval and posterior rules
        (:mod:`sampling.uncertainty`).

    Returns
    -------
    DiscretionAssessment
        One row per standard rated from key questions; ``p_higher`` is P(true band above the
        rule's rating) from :func:`sampling.uncertainty.rating_distribution` (key questions
        independent); ``applied`` is True where the published rating is above the rule's.

    Examples
    --------
    >>> result = assess_discretion("calderdale-2022")
    >>> row = next(r for r in result.rows if r.id == "2.3")
    >>> row.applied, row.cases_to_next, row.eligible["cases(1)"], row.cited_rule
    (True, 1, True, 'cases(1)')
    """
    from .uncertainty import cases_to_boundary, key_question_population, rating_distribution

    report = load_report(report)
    chosen = _as_rules(rules)
    cited = {s.discretion_rule for s in report.standards if s.discretion_rule}
    chosen += tuple(rules_module.parse(name) for name in sorted(cited - {r.name for r in chosen}))
    dist = rating_distribution(report, mode=mode, populations=populations, prior=prior)
    rows = []
    for standard in report.standards:
        if standard.qualitative:
            continue
        pops = None
        if mode == "finite":
            pops = [key_question_population(kq, report, dist.populations) for kq in standard.key_questions]
        evidence = StandardEvidence.from_standard(standard, pops)
        rule_rating = standard.rule_rating
        probabilities = dist.standards.loc[standard.id, _LABELS].to_numpy(dtype=float)
        rows.append(DiscretionRow(
            id=standard.id,
            rule_rating=rule_rating,
            published_rating=standard.rating,
            cases_to_next=cases_to_boundary(standard).up,
            p_higher=float(probabilities[int(rule_rating) + 1:].sum()),
            eligible={rule.name: bool(rule(evidence)) for rule in chosen},
            cited_rule=standard.discretion_rule,
            reason=standard.discretion,
        ))
    return DiscretionAssessment(report.id, report.service, mode, tuple(r.name for r in chosen), tuple(rows))


# --------------------------------------------------------------------------------------------
# simulation


@dataclass(frozen=True)
class _StandardPlan:
    id: str
    rates: np.ndarray  # true rate of each key question
    n: np.ndarray  # cases judged per key question
    populations: np.ndarray | None  # eligible cases per key question, or None (process)


def _check_rate(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise SamplingError(f"{where}: a true rate must be a proportion from 0 to 1, got {value!r}")
    return float(value)


def _check_whole(value, name: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise SamplingError(f"{name} must be a whole number, at least {low}, got {value!r}")
    return int(value)


def _plans(true_rates, n, population) -> tuple[list[_StandardPlan], Report | None]:
    """Turn the accepted forms of ``true_rates`` into per-standard plans."""
    report = None
    if isinstance(true_rates, Report) or (isinstance(true_rates, str) and not _is_number(true_rates)):
        report = load_report(true_rates)
        plans = []
        for standard in report.standards:
            if standard.qualitative:
                continue
            rates = np.array([kq.k / kq.n for kq in standard.key_questions])
            ns = np.array([kq.n if n is None else _check_whole(n, "n") for kq in standard.key_questions])
            pops = None
            if population is not None:
                pops = np.array([_report_population(report, kq, population, nj)
                                 for kq, nj in zip(standard.key_questions, ns, strict=True)])
            plans.append(_StandardPlan(standard.id, rates, ns, pops))
        return plans, report
    if isinstance(true_rates, Mapping):
        items = list(true_rates.items())
    else:
        items = [("standard", true_rates)]
    plans = []
    for sid, rates in items:
        if isinstance(rates, numbers.Real):
            rates = [rates]
        rates = np.array([_check_rate(r, f"true rate of {sid}") for r in rates])
        if rates.size == 0:
            raise SamplingError(f"{sid}: give at least one key question's true rate")
        if n is None:
            raise SamplingError("n: give the number of cases judged per key question")
        ns = np.full(rates.size, _check_whole(n, "n")) if isinstance(n, numbers.Integral) \
            else np.array([_check_whole(v, "n") for v in n])
        if ns.size != rates.size:
            raise SamplingError(f"n: {ns.size} denominators for {rates.size} key questions")
        pops = None
        if population is not None:
            big_n = _check_whole(population, "population")
            if big_n < ns.max():
                raise SamplingError(f"population = {big_n} is smaller than n = {ns.max()}")
            pops = np.full(rates.size, big_n)
        plans.append(_StandardPlan(str(sid), rates, ns, pops))
    return plans, None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _report_population(report: Report, kq, population, n_kq: int) -> int:
    if isinstance(population, Mapping):
        name = DOMAIN_SAMPLES[kq.id.split(".")[0]]
        if name not in population:
            raise SamplingError(f"population: give the eligible cases for the {name} sample")
        big_n = _check_whole(population[name], f"population[{name!r}]")
        sample = report.samples.get(name, n_kq)
        return n_kq + int(round((big_n - sample) * n_kq / sample)) if big_n >= sample else big_n
    big_n = _check_whole(population, "population")
    if big_n < n_kq:
        raise SamplingError(f"population = {big_n} is smaller than n = {n_kq}")
    return big_n


def _true_band(plan: _StandardPlan, realised: np.ndarray | None = None) -> int:
    if plan.populations is None:
        return min(int(band_of_proportion(r)) for r in plan.rates)
    counts = realised if realised is not None else np.round(plan.rates * plan.populations).astype(int)
    return int(band_indices(percents(counts, plan.populations)).min())


def _count_cdfs(plan: _StandardPlan, error: float) -> list[np.ndarray]:
    """Each key question's exact cdf of the observed "yes" count (independent key questions)."""
    from scipy.stats import binom, hypergeom

    tables = []
    for j, (rate, n) in enumerate(zip(plan.rates, plan.n, strict=True)):
        k = np.arange(n + 1)
        if plan.populations is None:
            pmf = binom.pmf(k, n, rate * (1 - error) + (1 - rate) * error)
        else:
            big_n = int(plan.populations[j])
            pmf = hypergeom.pmf(k, big_n, int(round(rate * big_n)), n)
            if error > 0:
                pmf = pmf @ _flip_matrix(int(n), error)
        tables.append(np.cumsum(pmf))
    return tables


def _draw(plan: _StandardPlan, reps: int, rho: float, error: float, rng, population_cases=None,
          cdfs=None) -> np.ndarray:
    """Simulated "yes" counts, reps x key questions."""
    m = plan.rates.size
    if population_cases is None and (plan.populations is not None or rho == 0):
        # independent key questions: exact inverse-cdf sampling, one uniform per key question per
        # inspection (about twice as fast as numpy's binomial generator)
        counts = np.empty((reps, m), dtype=np.int64)
        for j, cdf in enumerate(cdfs if cdfs is not None else _count_cdfs(plan, error)):
            counts[:, j] = np.minimum(np.searchsorted(cdf, rng.random(reps), side="right"), cdf.size - 1)
        return counts
    if plan.populations is None:
        from scipy.stats import norm

        n_max = int(plan.n.max())
        thresholds = norm.ppf(plan.rates)
        shared = rng.standard_normal((reps, n_max, 1))
        own = rng.standard_normal((reps, n_max, m))
        yes = math.sqrt(rho) * shared + math.sqrt(1 - rho) * own < thresholds[None, None, :]
        if error > 0:
            yes ^= rng.random(yes.shape) < error
        relevant = np.arange(n_max)[None, :, None] < plan.n[None, None, :]
        return (yes & relevant).sum(axis=1)
    # a fixed population of cases (N x m booleans); each inspection samples n without replacement
    cases = population_cases
    big_n = cases.shape[0]
    n_max = int(plan.n.max())
    order = np.argsort(rng.random((reps, big_n)), axis=1)[:, :n_max]
    picked = cases[order]  # reps x n_max x m
    if error > 0:
        picked = picked ^ (rng.random(picked.shape) < error)
    relevant = np.arange(n_max)[None, :, None] < plan.n[None, None, :]
    return (picked & relevant).sum(axis=1)


def _population_cases(plan: _StandardPlan, rho: float, rng) -> np.ndarray:
    """A finite population of cases with correlated key questions (Gaussian copula)."""
    from scipy.stats import norm

    big_n = int(plan.populations.max())
    shared = rng.standard_normal((big_n, 1))
    own = rng.standard_normal((big_n, plan.rates.size))
    return math.sqrt(rho) * shared + math.sqrt(1 - rho) * own < norm.ppf(plan.rates)[None, :]


@dataclass(frozen=True)
class SimulationResult:
    """Simulated inspections: awarded against true bands, without and with a rule."""

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
        return self._rates(self.confusion)

    @property
    def with_rule(self) -> dict[str, float]:
        return self._rates(self.confusion_with_rule)

    @property
    def p_correct(self) -> float:
        return self.with_rule["p_correct"] if self.rule else self.without_rule["p_correct"]

    @property
    def p_too_high(self) -> float:
        return self.with_rule["p_too_high"] if self.rule else self.without_rule["p_too_high"]

    @property
    def p_too_low(self) -> float:
        return self.with_rule["p_too_low"] if self.rule else self.without_rule["p_too_low"]

    def summary(self):
        """A table: P(correct), P(too high), P(too low), fire rate, without and with the rule."""
        import pandas as pd

        rows = {"without rule": {**self.without_rule, "fire_rate": 0.0}}
        if self.rule:
            rows[f"with {self.rule}"] = {**self.with_rule, "fire_rate": self.fire_rate}
        return pd.DataFrame(rows).T

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_dict(self) -> dict:
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
    case_correlation : float in [0, 1)
        Correlation of the latent quality that the key questions of one case share (Gaussian
        copula: a case says "yes" to key question j when sqrt(rho) U + sqrt(1 - rho) E_j <
        Phi^-1(rate_j), U shared by the case). Each key question keeps its true rate; 0 gives
        independent key questions.
    judgement_error : float in [0, 0.5)
        Each yes/no judgement is flipped with this probability (inspectors who disagree).
    rule : rule, name or callable, optional
        A discretion rule (:mod:`sampling.rules`); the awarded band moves one band when it fires.
    reps : int
        Simulated inspections.
    rng : int, numpy.random.Generator or None
        The source of randomness; the same seed gives the same result.
    progress : callable(done, total), optional
        Called after each chunk of simulated inspections (the CLI draws a progress bar with it).

    Returns
    -------
    SimulationResult

    Notes
    -----
    The true band of a standard is the lowest band of its key questions' true rates
    (:func:`sampling.framework.band_of_proportion`), or, with a finite population, of the
    population's own proportions. With a finite population and ``case_correlation`` > 0, one
    population of cases is drawn (from ``rng``) with the given rates and the inspections sample
    from it; its own proportions are then the truth. Independent key questions without a
    population use one binomial draw per key question per inspection (vectorised numpy).

    Examples
    --------
    >>> result = simulate([0.62, 0.70, 0.80], 11, rule="cases(1)", reps=20_000, rng=1)
    >>> result.true_bands["standard"].label
    'Requires improvement'
    >>> round(result.without_rule["p_correct"], 2), round(result.with_rule["p_correct"], 2)
    (0.56, 0.52)
    """
    import pandas as pd

    seed = int(rng) if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) else None
    rng = np.random.default_rng(rng)
    if isinstance(case_correlation, bool) or not isinstance(case_correlation, numbers.Real) \
            or not 0 <= case_correlation < 1:
        raise SamplingError(f"case_correlation must be from 0 to below 1, got {case_correlation!r}")
    if isinstance(judgement_error, bool) or not isinstance(judgement_error, numbers.Real) \
            or not 0 <= judgement_error < 0.5:
        raise SamplingError(
            f"judgement_error must be from 0 to below 0.5 (a probability), got {judgement_error!r}")
    reps = _check_whole(reps, "reps")
    chosen = _as_rule(rule)
    plans, report = _plans(true_rates, n, population)

    fixed_score = 0
    if report is not None:
        fixed_score = sum(int(s.rating) for s in report.standards if s.scored and s.qualitative)
    population_cases = {}
    true_bands = {}
    for plan in plans:
        if plan.populations is not None and case_correlation > 0:
            cases = _population_cases(plan, float(case_correlation), rng)
            population_cases[plan.id] = cases
            true_bands[plan.id] = Rating(_true_band(plan, cases.sum(axis=0)))
        else:
            true_bands[plan.id] = Rating(_true_band(plan))

    bands = len(Rating)
    top = bands - 1
    confusion = np.zeros((bands, bands), dtype=np.int64)
    confusion_rule = np.zeros((bands, bands), dtype=np.int64)
    fired = 0
    per_std = {plan.id: [0, 0, 0] for plan in plans}  # correct without, correct with, fired
    overall_counts = np.zeros((len(Rating), 2), dtype=np.int64)
    chunk = max(1, min(reps, 2_000_000 // max(1, sum(int(p.n.max()) * p.rates.size for p in plans))))
    if case_correlation == 0 and all(p.populations is None for p in plans):
        chunk = max(chunk, min(reps, 200_000))
    cdfs = {plan.id: _count_cdfs(plan, float(judgement_error)) for plan in plans
            if plan.id not in population_cases and (plan.populations is not None or case_correlation == 0)}
    done = 0
    judgements = case_judgements = 0
    while done < reps:
        size = min(chunk, reps - done)
        score = np.full(size, fixed_score, dtype=np.int64)
        score_rule = score.copy()
        for plan in plans:
            counts = _draw(plan, size, float(case_correlation), float(judgement_error), rng,
                           population_cases.get(plan.id), cdfs.get(plan.id))
            judgements += counts.size
            case_judgements += int(plan.n.sum()) * size
            awarded = rules_module._lowest_band(counts, plan.n)
            moved = awarded.copy()
            if chosen is not None:
                fires = chosen.eligible_many(counts, tuple(int(v) for v in plan.n),
                                             None if plan.populations is None
                                             else tuple(int(v) for v in plan.populations))
                step = 1 if chosen.direction == "up" else -1
                moved = np.clip(awarded + step * fires, 0, top)
                fires = moved != awarded
                fired += int(fires.sum())
                per_std[plan.id][2] += int(fires.sum())
            truth = int(true_bands[plan.id])
            confusion[truth] += np.bincount(awarded, minlength=bands)
            confusion_rule[truth] += np.bincount(moved, minlength=bands)
            per_std[plan.id][0] += int((awarded == truth).sum())
            per_std[plan.id][1] += int((moved == truth).sum())
            score += awarded
            score_rule += moved
        if report is not None:
            settle = report.resettlement
            for column, values in ((0, score), (1, score_rule)):
                scores = range(report.framework.max_score + 1)
                ratings = np.array([int(overall_rating(s, settle)) for s in scores])[values]
                overall_counts[:, column] += np.bincount(ratings, minlength=bands)
        done += size
        if progress is not None:
            progress(done, reps)

    index = pd.Index(_LABELS, name="true")
    columns = pd.Index(_LABELS, name="awarded")
    total_ratings = reps * len(plans)
    per_standard = pd.DataFrame(
        [{"standard": sid, "true_band": true_bands[sid].label, "p_correct": v[0] / reps,
          "p_correct_with_rule": v[1] / reps, "fire_rate": v[2] / reps} for sid, v in per_std.items()]
    ).set_index("standard")
    overall = true_overall = None
    if report is not None:
        true_score = fixed_score + sum(int(b) for b in true_bands.values())
        true_overall = overall_rating(true_score, report.resettlement)
        overall = pd.DataFrame(overall_counts / reps, index=pd.Index(_LABELS, name="overall"),
                               columns=["without rule", "with rule"])
    return SimulationResult(
        rule=None if chosen is None else chosen.name,
        reps=reps,
        case_correlation=float(case_correlation),
        judgement_error=float(judgement_error),
        seed=seed,
        true_bands=true_bands,
        confusion=pd.DataFrame(confusion, index=index, columns=columns),
        confusion_with_rule=pd.DataFrame(confusion_rule, index=index, columns=columns),
        fire_rate=fired / total_ratings,
        overall=overall,
        true_overall=true_overall,
        judgements=judgements,
        case_judgements=case_judgements,
        per_standard=per_standard,
    )


# --------------------------------------------------------------------------------------------
# operating characteristics (exact, independent model)


def _pmf_table(n: int, rates: np.ndarray, population: int | None,
               error: float) -> tuple[np.ndarray, np.ndarray]:
    """P(k observed | rate) for k = 0..n (rows: rates), and each rate's true band."""
    from scipy.stats import binom, hypergeom

    k = np.arange(n + 1)
    if population is None:
        p = rates * (1 - error) + (1 - rates) * error
        table = binom.pmf(k[None, :], n, p[:, None])
        truth = np.array([int(band_of_proportion(r)) for r in rates])
        return table, truth
    good = np.round(rates * population).astype(int)
    table = hypergeom.pmf(k[None, :], population, good[:, None], n)
    if error > 0:
        table = table @ _flip_matrix(n, error)
    return table, band_indices(percents(good, population))


def _flip_matrix(n: int, error: float) -> np.ndarray:
    """M[x, y] = P(y observed "yes" | x true "yes"), each judgement flipped with prob. error."""
    from scipy.stats import binom

    matrix = np.zeros((n + 1, n + 1))
    for x in range(n + 1):
        lost = binom.pmf(np.arange(x + 1), x, error)  # true yes turned no
        gained = binom.pmf(np.arange(n - x + 1), n - x, error)  # true no turned yes
        matrix[x, x - np.arange(x + 1)[:, None] + np.arange(n - x + 1)[None, :]] += np.outer(lost, gained)
    return matrix


def _default_rates() -> np.ndarray:
    return np.round(np.linspace(0.0, 1.0, 201), 6)


def operating_characteristic(
    n: int,
    *,
    rule=None,
    population: int | None = None,
    rates=None,
    key_questions: int = 1,
    judgement_error: float = 0.0,
):
    """P(each awarded band) as a function of the true rate, exactly, under the independent model.

    A standard of ``key_questions`` key questions, each with the same true rate and ``n``
    cases, judged independently (binomial; hypergeometric from ``population``); the awarded
    band is the lowest key question's band, moved by ``rule`` when it fires. Every outcome
    (k_1, ..., k_m) is enumerated, so the curves are exact; this is the operating characteristic
    of lot quality assurance sampling with four classes (Olives et al. 2012).

    Returns
    -------
    pandas.DataFrame
        Indexed by the true rate; columns the four ratings (P(awarded)), ``true_band``,
        ``p_correct``, ``p_too_high``, ``p_too_low`` and ``fire_rate``.

    Examples
    --------
    >>> oc = operating_characteristic(11, rates=[0.45, 0.55])
    >>> oc["p_correct"].round(3).tolist()
    [0.633, 0.442]
    """
    import pandas as pd

    n = _check_whole(n, "n")
    m = _check_whole(key_questions, "key_questions")
    if (n + 1) ** m > 3_000_000:
        raise SamplingError(f"{m} key questions of {n} cases have {(n + 1) ** m:,} outcomes to enumerate; "
                            "use simulate() for that size")
    if population is not None:
        population = _check_whole(population, "population")
        if population < n:
            raise SamplingError(f"population = {population} is smaller than n = {n}")
    rates = _default_rates() if rates is None else np.asarray([_check_rate(r, "rates") for r in rates])
    chosen = _as_rule(rule)
    table, truth = _pmf_table(n, rates, population, float(judgement_error))

    outcomes = np.stack(np.meshgrid(*[np.arange(n + 1)] * m, indexing="ij"), axis=-1).reshape(-1, m)
    awarded = band_indices(percents(outcomes, n)).min(axis=1)
    fires = np.zeros(outcomes.shape[0], dtype=bool)
    if chosen is not None:
        fires = chosen.eligible_many(outcomes, (n,) * m, None if population is None else (population,) * m)
        step = 1 if chosen.direction == "up" else -1
        moved = np.clip(awarded + step * fires, 0, len(Rating) - 1)
        fires = moved != awarded
        awarded = moved
    # P(outcome | rate) = prod_j table[rate, k_j]
    prob = np.ones((rates.size, outcomes.shape[0]))
    for j in range(m):
        prob *= table[:, outcomes[:, j]]
    result = pd.DataFrame(index=pd.Index(rates, name="true_rate"))
    for r, label in enumerate(_LABELS):
        result[label] = prob[:, awarded == r].sum(axis=1)
    result["true_band"] = [Rating(t).label for t in truth]
    columns = np.arange(4)[None, :]
    awarded_p = result[_LABELS].to_numpy()
    result["p_correct"] = (awarded_p * (columns == truth[:, None])).sum(axis=1)
    result["p_too_high"] = (awarded_p * (columns > truth[:, None])).sum(axis=1)
    result["p_too_low"] = (awarded_p * (columns < truth[:, None])).sum(axis=1)
    result["fire_rate"] = prob[:, fires].sum(axis=1)
    return result


def fit_rate_prior() -> tuple[float, float]:
    """A Beta(a, b) prior for true rates, fitted by moments to the bundled reports' key questions.

    Every key question's k/n in the five bundled reports is taken as one draw; a and b match
    their mean and variance (method of moments). A rough, honest summary of where inspected
    practice lies, for averaging error rates over (:func:`compare_rules`).

    >>> a, b = fit_rate_prior()
    >>> round(a / (a + b), 3)
    0.744
    """
    from .reports import list_reports

    values = np.array([kq.k / kq.n for rid in list_reports() for kq in load_report(rid).key_questions])
    mean, var = values.mean(), values.var(ddof=1)
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
):
    """Error rates of each rule, averaged over true rates.

    Parameters
    ----------
    rules : rules, names or callables (default: :func:`sampling.rules.default_rules`)
    n, population, key_questions, judgement_error : as :func:`operating_characteristic`
    rates : sequence of float, optional
        The true rates to average over (default: 0 to 1 in steps of 0.005).
    prior : None, "reports" or (a, b)
        Weights over the rates: None for equal weights, a Beta(a, b) density, or "reports" for
        the Beta fitted to the bundled reports (:func:`fit_rate_prior`).

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``p_correct``, ``p_too_high``, ``p_too_low``, ``fire_rate``.

    Examples
    --------
    >>> table = compare_rules(["strict", "cases(1)"], n=11, prior="reports")
    >>> bool(table.loc["cases(1)", "p_too_high"] > table.loc["strict", "p_too_high"])
    True
    """
    import pandas as pd

    chosen = _as_rules(rules)
    rates = _default_rates() if rates is None else np.asarray([_check_rate(r, "rates") for r in rates])
    if prior is None:
        weights = np.ones(rates.size)
    else:
        from scipy.stats import beta

        a, b = fit_rate_prior() if prior == "reports" else prior
        weights = beta.pdf(np.clip(rates, 1e-9, 1 - 1e-9), a, b)
    weights = weights / weights.sum()
    rows = []
    for rule in chosen:
        oc = operating_characteristic(n, rule=rule, population=population, rates=rates,
                                      key_questions=key_questions, judgement_error=judgement_error)
        rows.append({"rule": rule.name, **{c: float((oc[c] * weights).sum())
                                           for c in ("p_correct", "p_too_high", "p_too_low", "fire_rate")}})
    return pd.DataFrame(rows).set_index("rule")
