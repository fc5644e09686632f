"""Candidate rules for professional discretion: when may a standard's rating move one band?

The inspectorate publishes no rule. These are the candidates the reports' own words suggest, as
small objects with a short name (used in tables and JSON) and a plain-English description:

* ``strict()``: never;
* ``within_points(5)``: the lowest key question is within 5 points of the next boundary
  (Essex 2018: "within the 5 per cent margin of error from the next grade");
* ``cases(1)``: at most one case judgement would take the standard to the next band
  (Nottingham City 2020: "related to only one case"; Calderdale 2022: "a shift of one case");
* ``interval(0.80)``: the next boundary lies inside the lowest key question's interval;
* ``posterior(0.5)``: P(true band at or above the next) >= 0.5;
* any callable taking a :class:`StandardEvidence` and returning True or False (:func:`custom`).

Upward by default, as in the reports; ``direction="down"`` asks whether a rating may move down.
Each rule answers one standard at a time (``rule(evidence)``) and, for simulation, many at once
(``rule.eligible_many``); tests check that the two agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _rule_names as rule_names
from . import _validation as check
from ._errors import SamplingError
from .framework import (
    BAND_LOWER_BOUNDS,
    Rating,
    band,
    band_indices,
    cases_table,
    lowest_bands,
    percent,
    percents,
    proportion_cutoffs,
    standard_cases_to_band,
    standard_rating,
)
from .uncertainty import band_probabilities, interval_table
from .uncertainty import interval as uncertainty_interval

__all__ = [
    "StandardEvidence",
    "Rule",
    "strict",
    "within_points",
    "cases",
    "interval",
    "boundary_in_interval",
    "posterior",
    "custom",
    "parse",
    "default_rules",
    "resolve",
    "resolve_one",
]

_LOWER = [0, *BAND_LOWER_BOUNDS.values()]  # lowest printed percentage of each band, worst first
_DIRECTIONS = ("up", "down")


@dataclass(frozen=True)
class StandardEvidence:
    """What a rule may look at for one standard: each key question's k of n (and N).

    Each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The standard's id.
    k : tuple of int
        Each key question's "yes" judgements.
    n : tuple of int
        Each key question's cases judged.
    populations : tuple of int or None, default None
        Each key question's eligible cases (for the finite view), or None.

    Examples
    --------
    >>> evidence = StandardEvidence("2.4", (6, 5, 5), (11, 11, 11))   # Calderdale 2.4
    >>> evidence.percents, evidence.rating.label
    ((55, 45, 45), 'Inadequate')
    """

    id: str
    k: tuple[int, ...]
    n: tuple[int, ...]
    populations: tuple[int, ...] | None = None

    @property
    def percents(self) -> tuple[int, ...]:
        """Each key question's printed percentage (rounded half up, as the reports print).

        Examples
        --------
        >>> StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)).percents
        (55, 45, 45)
        """
        return tuple(percent(k, n) for k, n in zip(self.k, self.n, strict=True))

    @property
    def rating(self) -> Rating:
        """The lowest-band rule's rating.

        Examples
        --------
        >>> StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)).rating
        <Rating.INADEQUATE: 0>
        """
        return standard_rating(self.percents)

    @property
    def lowest(self) -> int:
        """Index of the lowest key question (the first of equals).

        Examples
        --------
        >>> StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)).lowest
        1
        """
        return int(np.argmin(self.percents))

    @classmethod
    def from_standard(cls, standard, populations: Sequence[int] | None = None) -> StandardEvidence:
        """Evidence from a report's :class:`~sampling.reports.Standard`.

        Parameters
        ----------
        standard : Standard
            A standard rated from key questions.
        populations : sequence of int, optional
            Each key question's eligible cases.

        Returns
        -------
        StandardEvidence
            Its key questions' counts.

        Raises
        ------
        SamplingError
            For a qualitative standard.

        Examples
        --------
        >>> from sampling import load_report
        >>> StandardEvidence.from_standard(load_report("calderdale-2022").standard("2.3"))
        StandardEvidence(id='2.3', k=(6, 5, 7), n=(11, 11, 11), populations=None)
        """
        if standard.qualitative:
            raise SamplingError(f"standard {standard.id} is qualitative: no key questions to weigh")
        return cls(standard.id, tuple(kq.k for kq in standard.key_questions),
                   tuple(kq.n for kq in standard.key_questions),
                   None if populations is None else tuple(int(p) for p in populations))

    @classmethod
    def from_rows(cls, rows) -> StandardEvidence:
        """Evidence from one standard's :class:`~sampling.evidence.EvidenceRow` records.

        A view over :meth:`sampling.Report.evidence`; populations are kept when every row has
        one.

        Parameters
        ----------
        rows : iterable of EvidenceRow
            One standard's rows.

        Returns
        -------
        StandardEvidence
            Their counts (the first row's standard as the id).

        Raises
        ------
        SamplingError
            For no rows.

        Examples
        --------
        >>> from sampling import load_report
        >>> rows = load_report("calderdale-2022").evidence_rows({"court": 30, "out_of_court": 40})
        >>> StandardEvidence.from_rows(r for r in rows if r.standard == "2.3")
        StandardEvidence(id='2.3', k=(6, 5, 7), n=(11, 11, 11), populations=(30, 30, 30))
        """
        rows = tuple(rows)
        if not rows:
            raise SamplingError("a standard's evidence needs at least one key question")
        populations = tuple(r.population for r in rows)
        return cls(rows[0].standard, tuple(r.yes for r in rows), tuple(r.relevant for r in rows),
                   None if any(p is None for p in populations) else populations)


def _target(rating: int, direction: str) -> int | None:
    target = rating + (1 if direction == "up" else -1)
    return target if 0 <= target < len(Rating) else None


class Rule:
    """A discretion rule. Subclasses define ``eligible`` and may vectorise ``eligible_many``.

    Calling a rule on a :class:`StandardEvidence` (``rule(evidence)``) asks :meth:`eligible`.
    The rules are made by :func:`strict`, :func:`within_points`, :func:`cases`,
    :func:`interval`, :func:`posterior`, :func:`custom` and :func:`parse`.

    Parameters
    ----------
    direction : {"up", "down"}, default "up"
        Whether the rule asks if a rating may move up one band or down one.

    Attributes
    ----------
    name : str
        The short name used in tables and JSON, e.g. "cases(1)".
    description : str
        What the rule asks, in plain English.

    Raises
    ------
    SamplingError
        For a direction other than "up" or "down".

    Examples
    --------
    >>> rule = cases(1)
    >>> rule.name, rule.direction
    ('cases(1)', 'up')
    >>> rule
    <rule cases(1): at most 1 changed case judgement would take the standard to the band above>
    """

    name = "rule"
    description = ""

    def __init__(self, direction: str = "up"):
        if direction not in _DIRECTIONS:
            raise SamplingError(f"direction must be 'up' or 'down', got {direction!r}")
        self.direction = direction

    def __call__(self, evidence: StandardEvidence) -> bool:
        return self.eligible(evidence)

    def eligible(self, evidence: StandardEvidence) -> bool:  # pragma: no cover - abstract
        """Whether the rule allows the standard's rating to move one band.

        Parameters
        ----------
        evidence : StandardEvidence
            The standard's key questions.

        Returns
        -------
        bool
            True when the rating may move (up, or down for ``direction="down"``).

        Raises
        ------
        NotImplementedError
            In this base class; each rule defines it.

        Examples
        --------
        >>> cases(1).eligible(StandardEvidence("2.3", (6, 5, 7), (11, 11, 11)))   # Calderdale 2.3
        True
        """
        raise NotImplementedError

    def eligible_many(self, k: np.ndarray, n: Sequence[int], populations=None) -> np.ndarray:
        """Eligibility for each row of ``k`` (reps x key questions), all with denominators ``n``.

        This general version evaluates each distinct row once with :meth:`eligible`; the
        bundled rules vectorise it, and tests check that the two agree.

        Parameters
        ----------
        k : numpy.ndarray
            "Yes" counts, one row per simulated standard, one column per key question.
        n : sequence of int
            Each key question's cases judged.
        populations : sequence of int, optional
            Each key question's eligible cases.

        Returns
        -------
        numpy.ndarray of bool
            One verdict per row of ``k``.

        Examples
        --------
        >>> import numpy as np
        >>> cases(1).eligible_many(np.array([[6, 5, 5], [6, 6, 5], [5, 5, 5]]), (11, 11, 11)).tolist()
        [False, True, False]
        """
        k = np.asarray(k)
        rows, inverse = np.unique(k, axis=0, return_inverse=True)
        pops = None if populations is None else tuple(populations)
        answers = np.array([self.eligible(StandardEvidence("", tuple(int(v) for v in row), tuple(n), pops))
                            for row in rows], dtype=bool)
        return answers[np.ravel(inverse)]

    def __repr__(self) -> str:
        suffix = "" if self.direction == "up" else ", down"
        return f"<rule {self.name}{suffix}: {self.description}>"

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------
# vectorised helpers shared by the rules


class _Strict(Rule):
    name = "strict"
    description = "never: the rating is always the lowest key question's band"

    def eligible(self, evidence):
        return False

    def eligible_many(self, k, n, populations=None):
        return np.zeros(np.asarray(k).shape[0], dtype=bool)


class _WithinPoints(Rule):
    def __init__(self, points: float, direction: str = "up"):
        super().__init__(direction)
        rule_names.check("within_points", points)
        self.points = points
        self.name = f"within_points({points:g})"
        where = "below the next band's" if direction == "up" else "above the band below's"
        self.description = (f"the lowest key question is within {points:g} percentage points "
                            f"{where} boundary")

    def _distance(self, lowest_percent, rating):
        if self.direction == "up":
            target = np.minimum(rating + 1, len(_LOWER) - 1)
            return np.asarray(_LOWER)[target] - lowest_percent, rating + 1 < len(_LOWER)
        return lowest_percent - np.asarray(_LOWER)[rating] + 1, rating > 0

    def eligible(self, evidence):
        lowest = min(evidence.percents)
        distance, possible = self._distance(lowest, int(band(lowest)))
        return bool(possible and distance <= self.points)

    def eligible_many(self, k, n, populations=None):
        k = np.asarray(k)
        pct = [percents(k[:, j], nj) for j, nj in enumerate(n)]
        lowest = np.minimum.reduce(pct)
        distance, possible = self._distance(lowest, band_indices(lowest))
        return np.asarray(possible) & (distance <= self.points)


class _Cases(Rule):
    def __init__(self, count: int, direction: str = "up"):
        super().__init__(direction)
        rule_names.check("cases", count)
        self.count = count
        self.name = f"cases({count})"
        self.description = (f"at most {count} changed case judgement{'s' if count > 1 else ''} would take "
                            f"the standard to the band {'above' if direction == 'up' else 'below'}")

    def _needed(self, evidence: StandardEvidence) -> int | None:
        target = _target(int(evidence.rating), self.direction)
        if target is None:
            return None
        step = 1 if self.direction == "up" else -1
        return standard_cases_to_band(list(zip(evidence.k, evidence.n, strict=True)), Rating(target), step)

    def eligible(self, evidence):
        needed = self._needed(evidence)
        return needed is not None and needed <= self.count

    def eligible_many(self, k, n, populations=None):
        k = np.asarray(k)
        bands = [band_indices(percents(k[:, j], nj)) for j, nj in enumerate(n)]
        rating = np.minimum.reduce(bands)
        step = 1 if self.direction == "up" else -1
        possible = (rating + step >= 0) & (rating + step < len(Rating))
        target = np.clip(rating + step, 0, len(Rating) - 1)
        # needed[j] = changed judgements for key question j to reach the target band
        needed = [cases_table(int(nj), step)[k[:, j], target] for j, nj in enumerate(n)]
        if self.direction == "up":
            total = sum(np.where(band_j >= target, 0, need)
                        for band_j, need in zip(bands, needed, strict=True))
        else:
            total = np.minimum.reduce(needed)
        return possible & (total <= self.count)


class _Interval(Rule):
    def __init__(self, confidence: float = 0.80, method: str | None = None, direction: str = "up"):
        super().__init__(direction)
        rule_names.check("interval", confidence)
        self.confidence = float(confidence)
        self.method = method
        self.name = f"interval({confidence:g})" if method is None else f"interval({confidence:g}, {method})"
        floor, average = (f"at least {confidence:.0%} at every true value",
                          f"{confidence:.0%} on average over true rates")
        kind = (f"Wilson, {average}; hypergeometric with populations, {floor}" if method is None
                else f"{method}, {floor if method in ('clopper-pearson', 'hypergeometric') else average}")
        self.description = (f"the {'next' if direction == 'up' else 'lower'} boundary lies inside the lowest "
                            f"key question's {confidence:.0%} interval ({kind})")

    def _bound(self, k, n, population):
        result = uncertainty_interval(int(k), int(n), population=population, confidence=self.confidence,
                                      method=self.method)
        return result.high if self.direction == "up" else result.low

    def _crosses(self, bound, rating):
        cuts = (0.0, *proportion_cutoffs())
        if self.direction == "up":
            return rating + 1 < len(cuts) and bound >= cuts[min(rating + 1, len(cuts) - 1)] - 1e-12
        return rating > 0 and bound < cuts[rating] + 1e-12

    def eligible(self, evidence):
        j = evidence.lowest
        population = None if evidence.populations is None else evidence.populations[j]
        bound = self._bound(evidence.k[j], evidence.n[j], population)
        return bool(self._crosses(bound, int(evidence.rating)))

    def eligible_many(self, k, n, populations=None):
        k = np.asarray(k)
        pops = populations or (None,) * k.shape[1]
        tables = [_interval_table(int(nj), pop, self.confidence, self.method, self.direction)
                  for nj, pop in zip(n, pops, strict=True)]
        pct = percents(k, n)
        lowest = pct.argmin(axis=1)  # the first of equals, as StandardEvidence.lowest
        rating = lowest_bands(k, n)
        rows = np.arange(k.shape[0])
        bound = np.stack([tables[j][k[:, j]] for j in range(k.shape[1])], axis=1)[rows, lowest]
        cuts = np.array([0.0, *proportion_cutoffs(), np.inf])
        if self.direction == "up":
            return (rating + 1 < len(Rating)) & (bound >= cuts[np.minimum(rating + 1, len(Rating))] - 1e-12)
        return (rating > 0) & (bound < cuts[rating] + 1e-12)




@functools.lru_cache(maxsize=512)
def _interval_table(n: int, population: int | None, confidence: float, method: str | None,
                    direction: str) -> np.ndarray:
    """The interval bound that the interval rule reads, for k = 0..n."""

    table = interval_table(n, population=population, confidence=confidence, method=method)
    return table["high" if direction == "up" else "low"].to_numpy(dtype=float)


@functools.lru_cache(maxsize=512)
def _at_least_table(n: int, population: int | None, a: float, b: float) -> np.ndarray:
    """[k, r] = P(true band >= r | k of n), key question by key question."""

    return np.array([np.cumsum(band_probabilities(k, n, population=population, prior=(a, b)).to_numpy()[::-1])
                     [::-1] for k in range(n + 1)])


class _Posterior(Rule):
    def __init__(self, threshold: float = 0.5, prior="jeffreys", direction: str = "up"):
        super().__init__(direction)
        rule_names.check("posterior", threshold)
        self.threshold = float(threshold)
        check.prior(prior)
        self.prior = prior
        self.name = f"posterior({threshold:g})"
        self.description = (f"the probability that the true band is at or "
                            f"{'above the next' if direction == 'up' else 'below the one below'} is at "
                            f"least {threshold:g}")

    def probability(self, evidence: StandardEvidence) -> float:
        """P(true standard band >= next) (up) or <= the one below (down), key questions independent."""

        target = _target(int(evidence.rating), self.direction)
        if target is None:
            return 0.0
        pops = evidence.populations or (None,) * len(evidence.k)
        if self.direction == "up":
            p = 1.0
            for k, n, pop in zip(evidence.k, evidence.n, pops, strict=True):
                p *= float(band_probabilities(k, n, population=pop, prior=self.prior).iloc[target:].sum())
            return p
        stay = 1.0
        for k, n, pop in zip(evidence.k, evidence.n, pops, strict=True):
            stay *= float(band_probabilities(k, n, population=pop, prior=self.prior).iloc[target + 1:].sum())
        return 1.0 - stay

    def eligible(self, evidence):
        return self.probability(evidence) >= self.threshold - 1e-12

    def eligible_many(self, k, n, populations=None):
        a, b = check.prior(self.prior)
        k = np.asarray(k)
        pops = populations or (None,) * k.shape[1]
        # at_least[j][x, r] = P(key question j's true band >= r | x of n_j)
        at_least = [_at_least_table(int(nj), pop, a, b) for nj, pop in zip(n, pops, strict=True)]
        rating = lowest_bands(k, n)
        result = np.zeros(k.shape[0], dtype=bool)
        for r in range(len(Rating)):
            rows = rating == r
            target = _target(r, self.direction)
            if not rows.any() or target is None:
                continue
            column = target if self.direction == "up" else target + 1
            columns = [at_least[j][k[rows, j], column] for j in range(k.shape[1])]
            p = np.prod(np.stack(columns, axis=1), axis=1)
            if self.direction == "down":
                p = 1.0 - p
            result[rows] = p >= self.threshold - 1e-12
        return result


def strict() -> Rule:
    """Never move a rating: the lowest key question's band stands.

    Returns
    -------
    Rule
        The rule "strict".

    Examples
    --------
    >>> strict()(StandardEvidence("2.3", (6, 5, 7), (11, 11, 11)))
    False
    """
    return _Strict()


def within_points(points: float = 5, *, direction: str = "up") -> Rule:
    """The lowest key question is within ``points`` percentage points of the next boundary.

    Essex (2018): "within the 5 per cent margin of error from the next grade". The distance is
    from the printed percentage to the next band's lowest printed percentage (50, 65 or 80);
    downwards, from the band's own lowest.

    Parameters
    ----------
    points : float, default 5
        The distance, in percentage points (more than 0, less than 100).
    direction : {"up", "down"}, default "up"
        Towards the band above, or the band below.

    Returns
    -------
    Rule
        The rule "within_points(points)".

    Raises
    ------
    SamplingError
        For points outside (0, 100) or an unknown direction.

    Examples
    --------
    >>> rule = within_points(5)
    >>> rule(StandardEvidence("3.4", (26, 17), (28, 27)))   # Essex 3.4: 93 % and 63 %
    True
    """
    return _WithinPoints(points, direction)


def cases(count: int = 1, *, direction: str = "up") -> Rule:
    """At most ``count`` changed case judgements would move the standard one band.

    Nottingham City (2020): "related to only one case"; Calderdale (2022): "a shift of one
    case". Upwards, the changes are summed over every key question below the next band (the
    lowest-band rule needs them all to reach it); downwards, the nearest key question's.

    Parameters
    ----------
    count : int, default 1
        The most case judgements that may change, from 1 to ``MAX_CASES_JUDGED`` (1,000): the
        most cases one key question may judge in these analyses (an inspection judges tens, the
        reports' formula never more than 165), so a larger count is no case-level rule but a typo.
    direction : {"up", "down"}, default "up"
        Towards the band above, or the band below.

    Returns
    -------
    Rule
        The rule "cases(count)".

    Raises
    ------
    SamplingError
        For a count that is not a whole number from 1 to 1,000, or an unknown direction.

    Examples
    --------
    >>> cases(1)(StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)))   # Calderdale 2.4 needs two
    False
    """
    return _Cases(count, direction)


def interval(confidence: float = 0.80, method: str | None = None, *, direction: str = "up") -> Rule:
    """The rule "the next boundary lies inside the lowest key question's interval".

    Not to be confused with :func:`sampling.interval`, which this rule calls to compute the
    interval; :data:`boundary_in_interval` is the same rule under an unambiguous name.

    The interval is :func:`sampling.uncertainty.interval` (Wilson, or hypergeometric when the
    evidence carries populations); the boundary is the true-proportion cut-off (0.495, 0.645,
    0.795: :func:`sampling.framework.proportion_cutoffs`).

    Parameters
    ----------
    confidence : float, default 0.80
        The interval's confidence level, between 0 and 1.
    method : str, optional
        The interval method (:data:`sampling.uncertainty.INTERVAL_METHODS`); default Wilson,
        or hypergeometric when the evidence carries populations.
    direction : {"up", "down"}, default "up"
        Whether the next boundary up, or the band's own lower boundary, is looked for.

    Returns
    -------
    Rule
        The rule "interval(confidence)" (or "interval(confidence, method)").

    Raises
    ------
    SamplingError
        For a confidence outside (0, 1) or an unknown direction.

    Examples
    --------
    Calderdale 2.3's lowest key question, 5 of 11 (45 %): its 80 % Wilson interval reaches
    0.64, above the 0.495 cut-off of Requires improvement:

    >>> interval(0.8)(StandardEvidence("2.3", (6, 5, 7), (11, 11, 11)))
    True
    """
    return _Interval(confidence, method, direction)


#: The same rule as :func:`interval`, under a name that cannot be mistaken for
#: :func:`sampling.interval` (which computes an interval; this rule asks whether a boundary lies in one).
boundary_in_interval = interval


def posterior(threshold: float = 0.5, *, prior="jeffreys", direction: str = "up") -> Rule:
    """P(true band at or above the next) >= ``threshold`` (key questions independent).

    The probability is the product over the key questions of P(true band >= next) from
    :func:`sampling.band_probabilities` (a Bayesian posterior under ``prior``); downwards, one
    minus the product of P(true band >= the current).

    Parameters
    ----------
    threshold : float, default 0.5
        The probability the rule needs, between 0 and 1.
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        The beta prior of each key question's rate.
    direction : {"up", "down"}, default "up"
        Towards the band above, or the band below.

    Returns
    -------
    Rule
        The rule "posterior(threshold)".

    Raises
    ------
    SamplingError
        For a threshold outside (0, 1), a bad prior or an unknown direction.

    Examples
    --------
    Calderdale 2.3 (55 %, 45 %, 64 % of 11): P(Requires improvement or better) is about 0.21:

    >>> rule = posterior(0.5)
    >>> evidence = StandardEvidence("2.3", (6, 5, 7), (11, 11, 11))
    >>> round(rule.probability(evidence), 3), rule(evidence)
    (0.206, False)
    """
    return _Posterior(threshold, prior, direction)


class _Custom(Rule):
    def __init__(self, function: Callable[[StandardEvidence], bool], name: str, description: str,
                 direction: str):
        super().__init__(direction)
        self.function = function
        self.name = name
        self.description = description

    def eligible(self, evidence):
        return bool(self.function(evidence))


def custom(function: Callable[[StandardEvidence], bool], *, name: str | None = None,
           description: str = "a user's rule", direction: str = "up") -> Rule:
    """Wrap any callable ``function(evidence) -> bool`` as a rule.

    Parameters
    ----------
    function : callable or Rule
        Called with a :class:`StandardEvidence`; a :class:`Rule` is returned as it is.
    name : str, optional
        The rule's short name (default: the function's name).
    description : str, default "a user's rule"
        What the rule asks.
    direction : {"up", "down"}, default "up"
        Which way the rule moves a rating when it fires.

    Returns
    -------
    Rule
        The wrapped rule.

    Raises
    ------
    SamplingError
        For something neither a rule nor callable, or an unknown direction.

    Examples
    --------
    >>> rule = custom(lambda evidence: min(evidence.percents) >= 45, name="at_least_45")
    >>> rule.name, rule(StandardEvidence("2.4", (6, 5, 5), (11, 11, 11)))
    ('at_least_45', True)
    """
    if isinstance(function, Rule):
        return function
    if not callable(function):
        raise SamplingError(f"a rule must be a rule object or a callable, got {function!r}")
    return _Custom(function, name or getattr(function, "__name__", "custom"), description, direction)




def parse(text: str, *, direction: str = "up") -> Rule:
    """A rule from its short name: ``strict``, ``within_points(5)``, ``cases(1)``,
    ``interval(0.8)``, ``posterior(0.5)``.

    A name without an argument takes the maker's default (``within_points`` is
    ``within_points(5)``).

    Parameters
    ----------
    text : str or Rule
        The short name; a :class:`Rule` is returned as it is.
    direction : {"up", "down"}, default "up"
        The rule's direction.

    Returns
    -------
    Rule
        The rule named.

    Raises
    ------
    SamplingError
        For an unknown name, an argument that is not a number, or any error of the rule's
        maker.

    Examples
    --------
    >>> parse("cases(2)").name, parse("strict").name
    ('cases(2)', 'strict')
    """
    if isinstance(text, Rule):
        return text
    name, value = rule_names.split(text)
    makers = {"strict": strict, "within_points": within_points, "cases": cases, "interval": interval,
              "posterior": posterior}
    if name == "strict":
        return strict()
    if value is None:
        return makers[name](direction=direction)
    return makers[name](value, direction=direction)


def default_rules(direction: str = "up") -> tuple[Rule, ...]:
    """The candidates the reports' words suggest, and the two statistical ones.

    ``strict()``, ``within_points(5)`` (Essex 2018), ``cases(1)`` (Nottingham City 2020,
    Calderdale 2022), ``interval(0.80)`` and ``posterior(0.5)``.

    Parameters
    ----------
    direction : {"up", "down"}, default "up"
        The direction of every rule but strict.

    Returns
    -------
    tuple of Rule
        The five rules.

    Raises
    ------
    SamplingError
        For an unknown direction.

    Examples
    --------
    >>> [rule.name for rule in default_rules()]
    ['strict', 'within_points(5)', 'cases(1)', 'interval(0.8)', 'posterior(0.5)']
    """
    return (strict(), within_points(5, direction=direction), cases(1, direction=direction),
            interval(0.80, direction=direction), posterior(0.5, direction=direction))


def resolve(rules) -> tuple[Rule, ...]:
    """Rule objects from a rule, a short name, a callable or a non-empty sequence of them.

    None gives :func:`default_rules`; names must be distinct.

    Parameters
    ----------
    rules : Rule, str, callable, sequence of them, or None
        The rules; names are read by :func:`parse`, callables wrapped by :func:`custom`.

    Returns
    -------
    tuple of Rule
        The rules, in the order given.

    Raises
    ------
    SamplingError
        For an empty list, something that is not a rule, a name or a callable, an unknown
        name, or two rules with one name.

    Examples
    --------
    >>> [rule.name for rule in resolve(["strict", "cases(2)"])]
    ['strict', 'cases(2)']
    """
    if rules is None:
        return default_rules()
    if isinstance(rules, Rule | str) or callable(rules):
        rules = [rules]
    try:
        rules = list(rules)
    except TypeError:
        raise SamplingError(f"rules must be a rule, a rule's name or a list of them, got {rules!r}") from None
    if not rules:
        raise SamplingError("rules must name at least one rule, e.g. ['strict', 'cases(1)']; "
                            "got an empty list")
    result = []
    for rule in rules:
        if isinstance(rule, str):
            result.append(parse(rule))
        elif isinstance(rule, Rule):
            result.append(rule)
        else:
            result.append(custom(rule))
    names = [r.name for r in result]
    if len(set(names)) != len(names):
        raise SamplingError(f"rules must have distinct names, got {names}")
    return tuple(result)


def resolve_one(rule) -> Rule | None:
    """One rule object (or None for no rule).

    Parameters
    ----------
    rule : Rule, str, callable or None
        The rule, as :func:`resolve` takes it.

    Returns
    -------
    Rule or None
        The rule, or None.

    Raises
    ------
    SamplingError
        As :func:`resolve`.

    Examples
    --------
    >>> resolve_one("cases(2)").name, resolve_one(None)
    ('cases(2)', None)
    """
    if rule is None:
        return None
    chosen = resolve([rule])
    return chosen[0]
