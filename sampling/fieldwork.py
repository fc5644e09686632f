"""Fieldwork: which ratings are already settled, and what stopping when they are would save.

Midway through fieldwork some cases are read and some are not. For each key question the answers
so far give ``yes`` of ``relevant``, and each case not yet read may still turn out relevant or
not, yes or no. :func:`fieldwork_status` says, per key question and per standard:

- the bands still **reachable** whatever the remaining cases say, found by enumerating every
  completion (``a`` more yes answers among ``b`` more relevant cases, 0 <= a <= b <= m for the m
  cases left), not assumed to be an interval: with one case left and none relevant so far, 0 %
  and 100 % are reachable and nothing between. A standard's reach follows the lowest-band rule
  (the lowest band of its key questions, Calderdale 2022, Annexe 2). A rating is **settled**
  when one band only is reachable; a key question that may still end with no relevant case is
  open (a report refuses a key question with no yes or no answer);
- the **predictive probability** of each final band given the answers so far: each key
  question's relevance rate and its yes rate among relevant cases get the toolkit's prior
  (Jeffreys, Beta(1/2, 1/2), by default) updated by the answers so far, so that the cases left
  follow beta-binomial distributions; key questions are taken as independent (stated). The
  remaining cases are the rest of the sample, drawn from the population the record names: under
  exchangeable draws from a finite population with a beta prior on its composition, the
  predictive distribution of the next m cases is the same beta-binomial whatever the
  population's size (the Polya urn), so the process and finite views give the same final-band
  probabilities for the sample;
- how many more **"no"** answers would move it down a band and how many **"yes"** answers up.

:func:`curtailment` answers the design question: had the cases been read in a random order and
fieldwork stopped for a sample once all its ratings were settled, how many cases would not have
been read? By construction that rule changes no rating. Beside it, a rule that stops when every
open rating's final band has predictive probability at least ``p`` saves more and may change a
rating; both are simulated, and the settled rule is computed exactly too. The whole sample is
still read for the qualitative evidence: the savings say how many cases a rating really needed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _validation as check
from ._errors import SamplingError
from .answers import read_answers
from .framework import Rating, get_framework, percent
from .reports import answer_word

__all__ = ["fieldwork_status", "FieldworkStatus", "key_question_reach", "curtailment", "Curtailment",
           "NO_RELEVANT_CASE"]

#: The outcome of a key question that ends with no relevant case (no band: a report refuses it).
NO_RELEVANT_CASE = "no relevant case"

#: The largest number of cases left for one key question that is enumerated case by case.
MAX_OPEN_CASES = 2000


# --------------------------------------------------------------------------------------------
# one key question


def _bands(framework, yes: int, relevant: int, left: int) -> tuple[set[Rating], bool]:
    """Every band a key question can end in (enumerated), and whether it can end unrated."""
    reach: set[Rating] = set()
    for b in range(left + 1):
        n = relevant + b
        if n == 0:
            continue
        for a in range(b + 1):
            reach.add(framework.band(percent(yes + a, n)))
    return reach, relevant == 0


def key_question_reach(yes: int, relevant: int, left: int, *, framework="youth-2021") -> dict:
    """The bands a key question can still end in, by enumerating every completion.

    Parameters
    ----------
    yes, relevant : int
        The yes answers and the relevant cases (yes or no) so far.
    left : int
        The cases not yet read that answer this key question (each may be relevant or not, yes
        or no).
    framework : str or Framework, default "youth-2021"
        Whose bands.

    Returns
    -------
    dict
        ``reachable`` (the band names, lowest first), ``may_end_unrated`` (no relevant case is
        still possible) and ``settled`` (one band only, and a band for certain).

    Examples
    --------
    With one case left and none relevant so far, 0 % and 100 % are reachable and nothing between:

    >>> key_question_reach(0, 0, 1)
    {'reachable': ['Inadequate', 'Outstanding'], 'may_end_unrated': True, 'settled': False}
    >>> key_question_reach(18, 20, 2)["reachable"]  # 90 % of 20; at worst 18 of 22, 82 %
    ['Outstanding']
    """
    spec = get_framework(framework) if isinstance(framework, str) else framework
    yes, relevant, left = _counts(yes, relevant, left)
    reach, unrated = _bands(spec, yes, relevant, left)
    return {"reachable": [r.label for r in sorted(reach)], "may_end_unrated": unrated and left >= 0,
            "settled": len(reach) == 1 and not unrated}


def _counts(yes, relevant, left) -> tuple[int, int, int]:
    yes, relevant, left = (check.count(v, name) for v, name in ((yes, "yes"), (relevant, "relevant"),
                                                                   (left, "left")))
    if yes > relevant:
        raise SamplingError(f"yes = {yes} cannot be more than relevant = {relevant}")
    if left > MAX_OPEN_CASES:
        raise SamplingError(f"left = {left:,}: at most {MAX_OPEN_CASES:,} cases left per key question are "
                            "enumerated (an inspection's samples hold tens)")
    return yes, relevant, left


def _beta_binomial(m: int, a: float, b: float) -> np.ndarray:
    """P(X = x), x = 0..m, for X ~ BetaBinomial(m, a, b), in logs for stability."""
    from scipy.special import betaln, gammaln

    x = np.arange(m + 1)
    logp = (gammaln(m + 1) - gammaln(x + 1) - gammaln(m - x + 1)
            + betaln(x + a, m - x + b) - betaln(a, b))
    p = np.exp(logp - logp.max())
    return p / p.sum()


def _predictive(framework, yes: int, relevant: int, not_relevant: int, left: int,
                prior: tuple[float, float]) -> dict:
    return dict(_predictive_cached(framework, yes, relevant, not_relevant, left, prior))


@functools.lru_cache(maxsize=200_000)
def _predictive_cached(framework, yes: int, relevant: int, not_relevant: int, left: int,
                       prior: tuple[float, float]) -> tuple:
    """P(final band) for one key question: b more relevant ~ BetaBinomial(left, relevance
    posterior), a more yes ~ BetaBinomial(b, yes-rate posterior); NO_RELEVANT_CASE where the key
    question ends with none."""
    a0, b0 = prior
    relevant_p = _beta_binomial(left, a0 + relevant, b0 + not_relevant)
    result: dict = {}
    for b, pb in enumerate(relevant_p):
        n = relevant + b
        if n == 0:
            result[NO_RELEVANT_CASE] = result.get(NO_RELEVANT_CASE, 0.0) + float(pb)
            continue
        yes_p = _beta_binomial(b, a0 + yes, b0 + relevant - yes)
        for a, pa in enumerate(yes_p):
            band = framework.band(percent(yes + a, n))
            result[band] = result.get(band, 0.0) + float(pb * pa)
    return tuple(result.items())


def _moves(framework, yes: int, relevant: int, left: int) -> tuple[int | None, int | None]:
    """The fewest more "no" answers that move the band down, and "yes" answers that move it up,
    within the cases left (None where none can)."""
    if relevant == 0:
        return None, None
    now = framework.band(percent(yes, relevant))
    down = next((j for j in range(1, left + 1) if framework.band(percent(yes, relevant + j)) < now), None)
    up = next((j for j in range(1, left + 1) if framework.band(percent(yes + j, relevant + j)) > now), None)
    return down, up


# --------------------------------------------------------------------------------------------
# a standard: the lowest band of its key questions


def _lowest(distributions: Sequence[Mapping]) -> dict:
    """The distribution of the lowest band of independent key questions (NO_RELEVANT_CASE if any
    key question ends with none)."""
    result: dict = {None: 1.0}  # None: no key question yet
    for dist in distributions:
        step: dict = {}
        for low, p in result.items():
            for band, q in dist.items():
                if low == NO_RELEVANT_CASE or band == NO_RELEVANT_CASE:
                    key = NO_RELEVANT_CASE
                else:
                    key = band if low is None else min(low, band)
                step[key] = step.get(key, 0.0) + p * q
        result = step
    return result


def _ordered(probabilities: Mapping) -> dict[str, float]:
    bands = sorted(k for k in probabilities if isinstance(k, Rating))
    out = {band.label: float(probabilities[band]) for band in bands}
    if probabilities.get(NO_RELEVANT_CASE, 0.0) > 0:
        out[NO_RELEVANT_CASE] = float(probabilities[NO_RELEVANT_CASE])
    return out


# --------------------------------------------------------------------------------------------
# the status of an answers workbook


@dataclass(frozen=True)
class FieldworkStatus:
    """Which ratings are settled and which still hang on the cases left.

    Made by :func:`fieldwork_status`; each parameter is also an attribute.

    Parameters
    ----------
    framework : str
        The framework whose key questions and bands are used.
    prior : tuple of float
        The beta prior of the predictive model.
    cases : pandas.DataFrame
        Per sample (and inspector, where the workbook names one): cases ``answered`` (every key
        question answered), ``started`` and ``left``.
    key_questions : tuple of dict
        Per key question: ``key_question``, ``standard``, ``sample``, ``yes``, ``relevant``,
        ``not_relevant``, ``open`` (cases left), ``reachable``, ``settled``, ``probabilities``
        (band name to probability), ``no_to_move_down`` and ``yes_to_move_up``.
    standards : tuple of dict
        Per standard rated from key questions: ``standard``, ``sample``, ``reachable``,
        ``settled``, ``probabilities``, ``no_to_move_down`` and ``yes_to_move_up``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"case_id": ["C1", "C2"], "domain": "court", "key_question": "2.1.1",
    ...                      "answer": ["yes", None]})
    >>> fieldwork_status(rows).framework
    'youth-2021'
    """

    framework: str
    prior: tuple[float, float]
    cases: object = field(repr=False)
    key_questions: tuple[dict, ...] = field(repr=False)
    standards: tuple[dict, ...] = field(repr=False)

    @property
    def settled(self) -> list[str]:
        """The standards already settled.

        Returns
        -------
        list of str
            Their ids.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"case_id": ["C1", "C2", "C3"], "domain": "court",
        ...                      "key_question": "2.1.1", "answer": ["yes", "yes", None]})
        >>> status = fieldwork_status(rows)
        >>> status.settled  # one case left: 2 of 3 would print 67 %, Good
        []
        """
        return [s["standard"] for s in self.standards if s["settled"]]

    def to_dict(self) -> dict:
        """As ``status --json`` prints it.

        Returns
        -------
        dict
            ``key_questions`` and ``standards`` (lists of objects: ``reachable`` band names
            lowest first, ``settled``, ``probabilities`` band name to probability), the model
            (``framework``, ``prior``, ``model``) and ``cases`` per sample.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"case_id": ["C1", "C2", "C3"], "domain": "court",
        ...                      "key_question": "2.1.1", "answer": ["yes", "yes", None]})
        >>> status = fieldwork_status(rows)
        >>> item = status.to_dict()["key_questions"][0]
        >>> item["key_question"], item["yes"], item["relevant"], item["open"], item["reachable"]
        ('2.1.1', 2, 2, 1, ['Good', 'Outstanding'])
        """
        return {"framework": self.framework, "prior": list(self.prior),
                "model": "each key question's relevance and yes rates: beta prior updated by the answers so "
                         "far; key questions independent; cases left are the rest of the sample",
                "cases": self.cases.to_dict("records"),
                "key_questions": [dict(kq) for kq in self.key_questions],
                "standards": [dict(s) for s in self.standards]}

    def to_frame(self):
        """One row per standard and key question: counts, reach, settled and the probabilities.

        Returns
        -------
        pandas.DataFrame
            Columns ``standard``, ``key_question`` (blank on a standard's row), ``sample``,
            ``yes``, ``relevant``, ``open``, ``reachable``, ``settled`` ("settled" or "open"),
            ``no_to_move_down``, ``yes_to_move_up`` and ``P(band)`` for each band.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"case_id": ["C1", "C2", "C3"], "domain": "court",
        ...                      "key_question": "2.1.1", "answer": ["yes", "yes", None]})
        >>> status = fieldwork_status(rows)
        >>> row = status.to_frame().loc[1]  # P(not relevant) + P(relevant, yes) = 1/6 + (5/6)**2
        >>> row.key_question, row.settled, round(float(row["P(Outstanding)"]), 4)
        ('2.1.1', 'open', 0.8611)
        """
        import pandas as pd

        rows = []
        for item in (*self.standards, *self.key_questions):
            row = {"standard": item["standard"], "key_question": item.get("key_question", ""),
                   "sample": item["sample"], "yes": item.get("yes"), "relevant": item.get("relevant"),
                   "open": item.get("open"), "reachable": ", ".join(item["reachable"]),
                   "settled": "settled" if item["settled"] else "open",
                   "no_to_move_down": item["no_to_move_down"], "yes_to_move_up": item["yes_to_move_up"]}
            for label in [*Rating.labels(), NO_RELEVANT_CASE]:
                row[f"P({label})"] = item["probabilities"].get(label, 0.0)
            rows.append(row)
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


def fieldwork_status(answers, *, prior="jeffreys", framework: str | None = None) -> FieldworkStatus:
    """Which ratings are settled and which still hang on the cases left, from a partly answered
    workbook.

    Parameters
    ----------
    answers : str, Path, Answers or pandas.DataFrame
        An answers workbook (read with ``read_answers(path, partial=True)``: blank answers are
        cases not yet read), one read already, or a frame of its rows (``case_id``, ``domain``,
        ``key_question``, ``answer``: yes, no, not relevant, or None for not yet read).
    prior : str or (float, float), default "jeffreys"
        The beta prior of each key question's relevance and yes rates.
    framework : str, optional
        The framework of a frame of rows (default "youth-2021"); a workbook names its own.

    Returns
    -------
    FieldworkStatus
        Per sample and inspector the cases answered and left; per key question and standard the
        reachable bands, whether settled, the predictive probabilities and the answers that
        would move it.

    Notes
    -----
    Reach is enumerated over every completion of the cases left (``key_question_reach``); a
    standard's reach is every lowest band of a choice of its key questions' bands. The
    predictive probabilities assume independent key questions and exchangeable cases (see the
    module's description); with no case left they are 1 for the band the answers give.

    Examples
    --------
    A plan's answers workbook, two thirds read (the rest blank):

    >>> import tempfile, openpyxl
    >>> from pathlib import Path
    >>> from sampling import answers_template, plan
    >>> from sampling.synthetic import messy_case_list
    >>> folder = Path(tempfile.mkdtemp())
    >>> plan(messy_case_list(120, rng=2), seed=3).write(folder / "plan.xlsx")
    >>> _ = answers_template(folder / "plan.xlsx", folder / "answers.xlsx")
    >>> book = openpyxl.load_workbook(folder / "answers.xlsx")
    >>> rows = list(book["answers"].iter_rows(min_row=2))
    >>> for row in rows[: 2 * len(rows) // 3]:
    ...     row[4].value = "yes"
    >>> book.save(folder / "answers.xlsx")
    >>> status = fieldwork_status(folder / "answers.xlsx")
    >>> first = status.standards[0]
    >>> first["standard"], first["reachable"], first["settled"]
    ('2.1', ['Outstanding'], True)
    """
    import pandas as pd


    if isinstance(answers, pd.DataFrame):
        frame, name = _rows_frame(answers), framework or "youth-2021"
    else:
        read = answers if hasattr(answers, "frame") and hasattr(answers, "framework") else read_answers(
            answers, partial=True)
        frame, name = read.frame, read.framework
    pair = check.prior(prior)
    spec = get_framework(name)
    key_questions, by_standard = [], {}
    for standard in spec.standards:
        if standard.qualitative:
            continue
        for kq in standard.key_questions:
            rows = frame[frame.key_question == kq]
            if rows.empty:  # a sample this workbook has no case of
                continue
            item = _kq_status(spec, standard.id, kq, rows, pair)
            key_questions.append(item)
            by_standard.setdefault(standard.id, []).append(item)
    standards = tuple(_standard_status(spec, sid, items) for sid, items in by_standard.items())
    return FieldworkStatus(spec.path or spec.name, pair, _case_counts(frame), tuple(key_questions), standards)


def _rows_frame(frame):
    """A frame of answer rows, checked: the four columns, and each answer a word or None."""

    missing = [c for c in ("case_id", "domain", "key_question", "answer") if c not in frame.columns]
    if missing:
        raise SamplingError(f"answers: the frame has no column {missing[0]!r}; give case_id, domain, "
                            "key_question and answer")
    rows = frame[["case_id", "domain", "key_question", "answer"]].copy()
    words = [None if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""
             else answer_word(v) for v in rows["answer"]]
    bad = [v for v, w in zip(rows["answer"], words, strict=True) if w is None and v is not None
           and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() != ""]
    if bad:
        raise SamplingError(f"answers: {bad[0]!r} is not yes, no or not relevant (blank for not yet read)")
    rows["answer"] = words
    return rows


def _kq_status(spec, standard_id: str, kq: str, rows, prior) -> dict:
    answers = rows["answer"]
    yes, no = int((answers == "yes").sum()), int((answers == "no").sum())
    not_relevant, left = int((answers == "not relevant").sum()), int(answers.isna().sum())
    reach, unrated = _bands(spec, yes, yes + no, left)
    probabilities = _predictive(spec, yes, yes + no, not_relevant, left, prior)
    down, up = _moves(spec, yes, yes + no, left)
    return {"key_question": kq, "standard": standard_id, "sample": spec.sample_of(kq), "yes": yes,
            "relevant": yes + no, "not_relevant": not_relevant, "open": left,
            "reachable": [r.label for r in sorted(reach)], "may_end_unrated": unrated,
            "settled": len(reach) == 1 and not unrated, "probabilities": _ordered(probabilities),
            "no_to_move_down": down, "yes_to_move_up": up, "_dist": probabilities, "_reach": reach}


def _standard_status(spec, standard_id: str, items: list[dict]) -> dict:
    lows = {min(choice) for choice in _choices([item["_reach"] for item in items])}
    unrated = any(item["may_end_unrated"] for item in items)
    dist = _lowest([item["_dist"] for item in items])
    now = [item for item in items if item["relevant"]]
    current = min((spec.band(percent(i["yes"], i["relevant"])) for i in now), default=None)
    down = min((i["no_to_move_down"] for i in now if i["no_to_move_down"] is not None), default=None)
    lowest = [i for i in now if spec.band(percent(i["yes"], i["relevant"])) == current]
    ups = [i["yes_to_move_up"] for i in lowest]
    up = None if not lowest or any(u is None for u in ups) else sum(ups)
    for item in items:  # the working fields stay private
        item.pop("_dist"), item.pop("_reach")
    return {"standard": standard_id, "sample": items[0]["sample"],
            "reachable": [r.label for r in sorted(lows)], "may_end_unrated": unrated,
            "settled": len(lows) == 1 and not unrated, "probabilities": _ordered(dist),
            "no_to_move_down": down, "yes_to_move_up": up}


def _choices(sets: list[set]):
    """Every choice of one element from each set (a standard has a handful of key questions)."""
    import itertools

    return itertools.product(*[sorted(s) for s in sets if s]) if all(sets) else iter(())


def _case_counts(frame):
    import pandas as pd

    keys = ["domain", "inspector"] if "inspector" in frame.columns else ["domain"]
    rows = []
    for key, group in frame.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        blank = group.groupby("case_id")["answer"].apply(lambda s: s.isna().sum())
        size = group.groupby("case_id")["answer"].size()
        row = dict(zip(["sample", *keys[1:]], key, strict=True))
        row.update(answered=int((blank == 0).sum()), started=int(((blank > 0) & (blank < size)).sum()),
                   left=int((blank == size).sum()))
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# what stopping when settled would save


@dataclass(frozen=True)
class Curtailment:
    """What a sample read in a random order would not have needed, under two stopping rules.

    Made by :func:`curtailment`; each parameter is also an attribute.

    Parameters
    ----------
    framework : str
        The framework.
    sample : str
        The sample.
    n : int
        Its cases.
    settled_saving : float
        The expected cases not read when stopping once every rating of the sample is settled,
        computed exactly (the rule changes no rating).
    settled_saving_simulated : float
        The same, simulated.
    settled_saving_se : float
        The simulation's standard error.
    threshold : float
        ``p`` of the probability rule.
    threshold_saving : float
        The expected cases not read when stopping once every open rating's final band has
        predictive probability at least ``p`` (simulated).
    threshold_changed : float
        The chance that the probability rule ends on a different rating of some standard than
        the full sample gives (simulated).
    reps : int
        The simulated inspections.

    Examples
    --------
    >>> result = curtailment({"2.1.1": (1.0, 0.95)}, 12, reps=50, rng=1)
    >>> result.n, result.sample
    (12, 'court')
    """

    framework: str
    sample: str
    n: int
    settled_saving: float
    settled_saving_simulated: float
    settled_saving_se: float
    threshold: float
    threshold_saving: float
    threshold_changed: float
    reps: int

    def to_dict(self) -> dict:
        """The result as a dict (savings in cases, chances as proportions).

        Returns
        -------
        dict
            Each field, named with its unit (``settled_saving_cases``,
            ``threshold_changed_proportion``, ...).

        Examples
        --------
        >>> result = curtailment({"2.1.1": (1.0, 0.95)}, 12, reps=50, rng=1)
        >>> sorted(result.to_dict())[:3]
        ['framework', 'n', 'reps']
        """
        return {"framework": self.framework, "sample": self.sample, "n": self.n,
                "settled_saving_cases": self.settled_saving,
                "settled_saving_cases_simulated": self.settled_saving_simulated,
                "settled_saving_cases_se": self.settled_saving_se, "threshold": self.threshold,
                "threshold_saving_cases": self.threshold_saving,
                "threshold_changed_proportion": self.threshold_changed, "reps": self.reps}

    def to_frame(self):
        """One row per rule: expected cases not read and the chance of another rating.

        Returns
        -------
        pandas.DataFrame
            Columns ``rule``, ``cases_not_read`` and ``chance_of_another_rating``.

        Examples
        --------
        >>> result = curtailment({"2.1.1": (1.0, 0.95)}, 12, reps=50, rng=1)
        >>> float(result.to_frame()["chance_of_another_rating"].iloc[0])
        0.0
        """
        import pandas as pd

        return pd.DataFrame([
            {"rule": "stop when every rating is settled", "cases_not_read": self.settled_saving,
             "chance_of_another_rating": 0.0},
            {"rule": f"stop when every open rating's band has probability >= {self.threshold:g}",
             "cases_not_read": self.threshold_saving, "chance_of_another_rating": self.threshold_changed}])


def _kq_ends(spec, yes: np.ndarray, relevant: np.ndarray, left: int) -> tuple[np.ndarray, ...]:
    """Vectorised: the lowest and highest band a key question can still end in (band indices),
    and whether it can end with no relevant case, for arrays of counts so far."""
    bounds = np.asarray(spec.band_lower_bounds)

    def band_of(k, n):
        pct = np.where(n > 0, (200 * k + np.maximum(n, 1)) // (2 * np.maximum(n, 1)), 0)
        return np.searchsorted(bounds, pct, side="right")

    low = band_of(yes, relevant + left)
    high = band_of(yes + left, relevant + left)
    return low, high, relevant == 0


def _settled_probability(spec, rates, n: int, t: int) -> float:
    """P(every standard of the sample settled after t of n cases): standards are independent
    (disjoint key questions, independent cases), each settled when the lowest of its key
    questions' lowest reachable bands equals the lowest of their highest ones."""
    from scipy.stats import binom

    left = n - t
    total = 1.0
    for kqs in rates.values():
        states: dict = {(9, 9, False): 1.0}  # running min of lows, min of highs, any unrated
        for relevance, yes_rate in kqs:
            r = np.arange(t + 1)
            pr = binom.pmf(r, t, relevance)
            grid_r, grid_k = np.meshgrid(r, r, indexing="ij")
            mask = grid_k <= grid_r
            pk = np.where(mask, binom.pmf(grid_k, grid_r, yes_rate), 0.0) * pr[:, None]
            low, high, unrated = _kq_ends(spec, grid_k[mask], grid_r[mask], left)
            weights = pk[mask]
            pairs: dict = {}
            keys = zip(low.tolist(), high.tolist(), unrated.tolist(), strict=True)
            for key, w in zip(keys, weights, strict=True):
                pairs[key] = pairs.get(key, 0.0) + float(w)
            step: dict = {}
            for (lo0, hi0, u0), p in states.items():
                for (lo, hi, u), q in pairs.items():
                    key = (min(lo0, lo), min(hi0, hi), u0 or u)
                    step[key] = step.get(key, 0.0) + p * q
            states = step
        total *= sum(p for (lo, hi, u), p in states.items() if lo == hi and not u)
    return total


def curtailment(rates, n: int, *, framework="youth-2021", sample: str | None = None, threshold: float = 0.95,
                prior="jeffreys", reps: int = 2000, rng=None) -> Curtailment:
    """The cases a sample read in a random order would not have needed, had fieldwork stopped
    once every rating was settled (exactly, and simulated), or once every open rating's final
    band had predictive probability at least ``threshold`` (simulated, with the chance that it
    ends on another rating than the full sample gives).

    Parameters
    ----------
    rates : mapping of str to (float, float), or Report
        Each key question's true relevance rate (the share of cases in which it is relevant) and
        yes rate among relevant cases; or a report, whose printed percentages and denominators
        give them (relevance = relevant cases / the sample's cases).
    n : int
        The sample's cases.
    framework : str, default "youth-2021"
        The framework (taken from the report when ``rates`` is one).
    sample : str, optional
        Which sample's key questions (default: the sample of the first key question given).
    threshold : float, default 0.95
        ``p`` of the probability rule.
    prior : str or (float, float), default "jeffreys"
        The predictive model's beta prior, as :func:`fieldwork_status`.
    reps : int, default 2000
        Simulated inspections.
    rng : int, numpy Generator or None
        The seed.

    Returns
    -------
    Curtailment
        The expected savings under both rules and the probability rule's chance of another
        rating.

    Notes
    -----
    Each case is relevant to each key question independently with its relevance rate, and yes
    with its yes rate; cases are read in a random order, which for independent cases is any
    fixed order. With S_t the event that every standard is settled after t cases (settledness
    only grows as cases are read), the stop time T satisfies P(T <= t) = P(S_t), so the expected
    saving is n - E[T] = sum over t < n of P(S_t), computed exactly: standards are independent
    (disjoint key questions), and a standard is settled when the lowest of its key questions'
    lowest reachable bands equals the lowest of their highest (the lowest-band rule).

    Examples
    --------
    Two key questions of standard 2.1 answered in every case, 95 % and 90 % yes, 20 cases:

    >>> result = curtailment({"2.1.1": (1.0, 0.95), "2.1.2": (1.0, 0.9)}, 20, reps=400, rng=1)
    >>> round(result.settled_saving, 2), round(result.settled_saving_simulated, 2)
    (2.09, 2.0)
    """
    n = check.count(n, "n")
    if n < 1 or n > MAX_OPEN_CASES:
        raise SamplingError(f"n must be a whole number of cases from 1 to {MAX_OPEN_CASES:,}, got {n}")
    reps = check.count(reps, "reps")
    if not 1 <= reps <= 200_000:
        raise SamplingError(f"reps must be from 1 to 200,000, got {reps}")
    if not (isinstance(threshold, float | int) and 0.5 <= float(threshold) < 1):
        raise SamplingError(f"threshold must be a probability from 0.5 to below 1, got {threshold!r}")
    pair = check.prior(prior)
    spec, by_kq = _rates(rates, framework)
    chosen = sample or spec.sample_of(next(iter(by_kq)))
    grouped: dict[str, list[tuple[float, float]]] = {}
    for standard in spec.standards:
        if standard.qualitative:
            continue
        for kq in standard.key_questions:
            if kq in by_kq and spec.sample_of(kq) == chosen:
                grouped.setdefault(standard.id, []).append(by_kq[kq])
    if not grouped:
        raise SamplingError(f"rates name no key question of the {chosen} sample of {spec.name}")
    exact = sum(_settled_probability(spec, grouped, n, t) for t in range(n))
    generator = np.random.default_rng(rng)
    saved, saved_p, changed = _simulate(spec, grouped, n, float(threshold), pair, reps, generator)
    return Curtailment(spec.path or spec.name, chosen, n, float(exact), float(saved.mean()),
                       float(saved.std(ddof=1) / math.sqrt(reps)) if reps > 1 else math.nan,
                       float(threshold), float(saved_p.mean()), float(changed.mean()), reps)


def _rates(rates, framework):
    if hasattr(rates, "standards") and hasattr(rates, "samples"):  # a Report
        spec = rates.framework
        by_kq = {}
        for standard in rates.standards:
            for kq in standard.key_questions:
                sample = rates.samples.get(spec.sample_of(kq.id)) or kq.n
                by_kq[kq.id] = (min(kq.n / sample, 1.0), kq.k / kq.n)
        return spec, by_kq
    spec = get_framework(framework) if isinstance(framework, str) else framework
    by_kq = {}
    for kq, pair in dict(rates).items():
        try:
            relevance, yes_rate = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise SamplingError(f"rates[{kq!r}] must be (relevance rate, yes rate), got {pair!r}") from None
        if not (0 < relevance <= 1 and 0 <= yes_rate <= 1):
            raise SamplingError(f"rates[{kq!r}]: the relevance rate must be in (0, 1] and the yes rate in "
                                f"[0, 1], got {pair!r}")
        if kq not in spec.key_questions:
            raise SamplingError(f"rates: {kq!r} is not a key question of {spec.name}")
        by_kq[str(kq)] = (relevance, yes_rate)
    return spec, by_kq


def _simulate(spec, grouped, n, threshold, prior, reps, rng):
    """Read each simulated sample case by case: when is every standard settled, and when does
    every open standard's final band reach ``threshold``, and is that band the full sample's?"""
    saved = np.zeros(reps)
    saved_p = np.zeros(reps)
    changed = np.zeros(reps, dtype=bool)
    kqs = [(sid, rel, yr) for sid, pairs in grouped.items() for rel, yr in pairs]
    for rep in range(reps):
        relevant = rng.random((n, len(kqs))) < np.array([k[1] for k in kqs])
        yes = relevant & (rng.random((n, len(kqs))) < np.array([k[2] for k in kqs]))
        cum_r, cum_y = np.cumsum(relevant, axis=0), np.cumsum(yes, axis=0)
        final = _standard_bands(spec, grouped, kqs, cum_y[-1], cum_r[-1])
        stop_settled, stop_p, band_p = n, n, final
        for t in range(n):
            r, y = cum_r[t], cum_y[t]
            if stop_settled == n and _all_settled(spec, grouped, kqs, y, r, n - t - 1):
                stop_settled = t + 1
            if stop_p == n:
                sure = _all_sure(spec, grouped, kqs, y, r, t + 1, n - t - 1, threshold, prior)
                if sure is not None:
                    stop_p, band_p = t + 1, sure
            if stop_settled < n and stop_p < n:
                break
        saved[rep], saved_p[rep] = n - stop_settled, n - stop_p
        changed[rep] = band_p != final
    return saved, saved_p, changed


def _standard_bands(spec, grouped, kqs, y, r) -> tuple:
    """Each standard's band by the lowest-band rule (NO_RELEVANT_CASE where a key question has
    none)."""
    bands = []
    for sid in grouped:
        own = [spec.band(percent(int(y[j]), int(r[j]))) if r[j] else NO_RELEVANT_CASE
               for j, k in enumerate(kqs) if k[0] == sid]
        bands.append(NO_RELEVANT_CASE if NO_RELEVANT_CASE in own else min(own))
    return tuple(bands)


def _all_settled(spec, grouped, kqs, y, r, left) -> bool:
    low, high, unrated = _kq_ends(spec, np.asarray(y), np.asarray(r), left)
    for sid in grouped:
        idx = [j for j, k in enumerate(kqs) if k[0] == sid]
        if unrated[idx].any() or low[idx].min() != high[idx].min():
            return False
    return True


def _all_sure(spec, grouped, kqs, y, r, read, left, threshold, prior):
    """The bands the probability rule would stop on, or None if some open standard's likeliest
    final band is below the threshold."""
    bands = []
    for sid in grouped:
        dists = []
        for j, k in enumerate(kqs):
            if k[0] == sid:
                dists.append(_predictive(spec, int(y[j]), int(r[j]), read - int(r[j]), left, prior))
        dist = _lowest(dists)
        best = max(dist, key=dist.get)
        if dist[best] < threshold or best == NO_RELEVANT_CASE:
            return None
        bands.append(best)
    return tuple(bands)
