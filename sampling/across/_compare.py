"""Change between two inspections of a service: per key question, per standard and overall."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._errors import SamplingError
from ..framework import Rating
from ..uncertainty import band_probabilities, rating_distribution
from ._checks import check_confidence, evidence, framework_warning, load

__all__ = ["Comparison", "compare", "difference_interval"]

_LABELS = Rating.labels()
INTERVAL_NAME = "Newcombe hybrid score (Newcombe 1998, method 10)"


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's (1927) score interval for k of n, without continuity correction."""
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _newcombe(k_before: int, n_before: int, k_after: int, n_after: int, z: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_after - p_before (proportions)."""
    p_after, p_before = k_after / n_after, k_before / n_before
    low_after, high_after = _wilson(k_after, n_after, z)
    low_before, high_before = _wilson(k_before, n_before, z)
    difference = p_after - p_before
    low = difference - math.sqrt((p_after - low_after) ** 2 + (high_before - p_before) ** 2)
    high = difference + math.sqrt((high_after - p_after) ** 2 + (p_before - low_before) ** 2)
    return max(-1.0, low), min(1.0, high)


def difference_interval(before_yes: int, before_relevant: int, after_yes: int, after_relevant: int, *,
                        confidence: float = 0.80) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_after - p_before (proportions, not points).

    Parameters
    ----------
    before_yes, before_relevant, after_yes, after_relevant : int
        "Yes" counts and cases judged at each inspection.
    confidence : float, default 0.80
        Two-sided.

    Returns
    -------
    tuple of (float, float)
        The lower and upper bounds of p_after - p_before, within [-1, 1].

    Raises
    ------
    SamplingError
        For counts that are not whole numbers from 0, yes above relevant, relevant below 1, or
        a confidence outside (0, 1).

    Notes
    -----
    Newcombe (1998), method 10: with Wilson's (1927) score intervals (l_1, u_1) for the later
    proportion p_1 and (l_2, u_2) for the earlier p_2, d = p_1 - p_2 and
    L = d - sqrt((p_1 - l_1)^2 + (u_2 - p_2)^2), U = d + sqrt((u_1 - p_1)^2 + (p_2 - l_2)^2).

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
           proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    Newcombe (1998), Table II, example (a), 56/70 against 48/80 at 95 %:

    >>> low, high = difference_interval(48, 80, 56, 70, confidence=0.95)
    >>> round(low, 4), round(high, 4)
    (0.0524, 0.3339)
    """
    from scipy.stats import norm

    confidence = check_confidence(confidence)
    counts = (before_yes, before_relevant, after_yes, after_relevant)
    names = ("before_yes", "before_relevant", "after_yes", "after_relevant")
    for name, value in zip(names, counts, strict=True):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise SamplingError(f"{name} must be a whole number of cases, got {value!r}")
    pairs = ((before_yes, before_relevant, "before"), (after_yes, after_relevant, "after"))
    for yes, relevant, which in pairs:
        if relevant < 1 or yes > relevant:
            raise SamplingError(f"{which}: need 0 <= yes <= relevant and relevant >= 1, "
                                f"got {yes} of {relevant}")
    z = float(norm.ppf(0.5 + confidence / 2))
    return _newcombe(int(before_yes), int(before_relevant), int(after_yes), int(after_relevant), z)


def _joint(before: np.ndarray, after: np.ndarray) -> tuple[float, float, float]:
    """P(after > before), P(same), P(after < before) for independent distributions over ratings."""
    table = np.outer(before, after)  # rows: before's rating, columns: after's
    return float(np.triu(table, 1).sum()), float(np.trace(table)), float(np.tril(table, -1).sum())


@dataclass(frozen=True)
class Comparison:
    """Two inspections of a service side by side: what changed, and how sure that is.

    ``key_questions`` has one row per key question both reports have: the counts and printed
    percentages, ``difference``, ``low`` and ``high`` (after minus before, in percentage points;
    the interval at ``confidence``), the printed bands, and the posterior probabilities that the
    true band is different (``p_band_changed``), higher or lower after. ``standards`` has one row
    per standard both reports have (same id and name), ``overall`` the joint picture of the two
    overall-rating distributions. Key questions and standards only one report has are listed in
    ``unmatched``. Made by :func:`compare`; each parameter is also an attribute.

    Parameters
    ----------
    before, after : str
        The two reports' ids.
    before_framework, after_framework : str
        Their frameworks' names.
    confidence : float
        The intervals' level, and the probability from which a change is called likely.
    prior : str or tuple of float
        The beta prior of the band probabilities.
    key_questions : pandas.DataFrame
        One row per matched key question: ``before_yes``, ``before_relevant``,
        ``before_percent``, the same ``after_``, ``difference``, ``low``, ``high`` (points),
        ``confidence``, ``before_band``, ``after_band``, ``p_band_changed``, ``p_band_up``,
        ``p_band_down`` and ``band_change_likely``.
    standards : pandas.DataFrame
        One row per matched standard: ``name``, ``before``, ``after``, ``qualitative``,
        ``p_changed``, ``p_higher`` and ``p_lower``.
    overall : dict
        ``before``, ``after``, ``p_higher``, ``p_same``, ``p_lower`` and both overall-rating
        distributions.
    unmatched : tuple of (str, str, str)
        (kind, id, the report that has it) of each key question or standard only one has.
    warnings : tuple of str, default ()
        What was warned of (a :class:`sampling.SamplingWarning` each), e.g. two frameworks.

    Examples
    --------
    >>> result = compare("calderdale-2022", "cambridgeshire-2023")
    >>> result.standards.loc["2.3", ["before", "after"]].tolist(), round(result.overall["p_same"], 3)
    (['Requires improvement', 'Good'], 0.886)
    """

    before: str
    after: str
    before_framework: str
    after_framework: str
    confidence: float
    prior: object
    key_questions: object  # DataFrame, one row per matched key question
    standards: object  # DataFrame, one row per matched standard
    overall: dict
    unmatched: tuple[tuple[str, str, str], ...]  # (kind, id, the report that has it)
    warnings: tuple[str, ...] = ()

    def to_frame(self):
        """The key-question table (indexed by key question).

        Returns
        -------
        pandas.DataFrame
            ``key_questions`` itself.

        Examples
        --------
        >>> table = compare("calderdale-2022", "cambridgeshire-2023").to_frame()
        >>> table.loc["2.3.2", ["before_band", "after_band"]].tolist()
        ['Inadequate', 'Good']
        """
        return self.key_questions

    def _repr_html_(self) -> str:
        return self.key_questions._repr_html_()

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling compare --json`` (keys fixed).

        Returns
        -------
        dict
            ``before``, ``after``, ``frameworks``, ``confidence``, ``interval`` (the method),
            ``uncertainty``, ``prior``, ``key_questions``, ``standards``, ``overall``,
            ``unmatched`` and ``warnings``. Each key question's ``difference``, ``low`` and
            ``high`` are percentage points, given again as ``difference_points``,
            ``low_points`` and ``high_points``.

        Examples
        --------
        >>> data = compare("calderdale-2022", "cambridgeshire-2023").to_dict()
        >>> data["interval"]
        'Newcombe hybrid score (Newcombe 1998, method 10)'
        """
        rows = []
        for kq, row in self.key_questions.iterrows():
            rows.append({
                "key_question": kq,
                "before": {"yes": int(row.before_yes), "relevant": int(row.before_relevant),
                           "percent": int(row.before_percent)},
                "after": {"yes": int(row.after_yes), "relevant": int(row.after_relevant),
                          "percent": int(row.after_percent)},
                "difference": float(row.difference), "low": float(row.low), "high": float(row.high),
                "difference_points": float(row.difference), "low_points": float(row.low),
                "high_points": float(row.high),
                "confidence": self.confidence,
                "before_band": row.before_band, "after_band": row.after_band,
                "p_band_changed": float(row.p_band_changed), "p_band_up": float(row.p_band_up),
                "p_band_down": float(row.p_band_down),
                "band_change_likely": bool(row.band_change_likely),
            })
        standards = [{"standard": sid, "name": row["name"], "before": row.before, "after": row.after,
                      "qualitative": bool(row.qualitative), "p_changed": float(row.p_changed),
                      "p_higher": float(row.p_higher), "p_lower": float(row.p_lower),
                      "confidence": self.confidence,
                      "change_likely": bool(row.p_changed >= self.confidence)}
                     for sid, row in self.standards.iterrows()]
        return {
            "before": self.before, "after": self.after,
            "frameworks": {"before": self.before_framework, "after": self.after_framework},
            "confidence": self.confidence, "interval": INTERVAL_NAME,
            "uncertainty": "process", "prior": _prior_text(self.prior),
            "key_questions": rows, "standards": standards,
            "overall": {**self.overall, "confidence": self.confidence,
                        "change_likely": bool(1 - self.overall["p_same"] >= self.confidence)},
            "unmatched": [{"kind": kind, "id": item, "only_in": which}
                          for kind, item, which in self.unmatched],
            "warnings": list(self.warnings),
        }


def _prior_text(prior) -> str:
    from .._validation import prior_name

    return prior_name(prior)


def _key_question_rows(before, after, confidence: float, prior) -> tuple[list[dict], list]:
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    old_rows = evidence(before)
    new_rows = {row.key_question: row for row in evidence(after)}
    old_ids = [row.key_question for row in old_rows]
    unmatched = [("key_question", row.key_question, "before") for row in old_rows
                 if row.key_question not in new_rows]
    unmatched += [("key_question", i, "after") for i in new_rows if i not in old_ids]
    rows = []
    for old in old_rows:
        new = new_rows.get(old.key_question)
        if new is None:
            continue
        low, high = _newcombe(old.yes, old.relevant, new.yes, new.relevant, z)
        p_old = band_probabilities(old.yes, old.relevant, prior=prior).to_numpy()
        p_new = band_probabilities(new.yes, new.relevant, prior=prior).to_numpy()
        up, same, down = _joint(p_old, p_new)
        rows.append({
            "key_question": old.key_question,
            "before_yes": old.yes, "before_relevant": old.relevant, "before_percent": old.percent,
            "after_yes": new.yes, "after_relevant": new.relevant, "after_percent": new.percent,
            "difference": 100 * (new.yes / new.relevant - old.yes / old.relevant),
            "low": 100 * low, "high": 100 * high, "confidence": confidence,
            "before_band": Rating(old.band).label, "after_band": Rating(new.band).label,
            "p_band_changed": 1 - same, "p_band_up": up, "p_band_down": down,
            "band_change_likely": 1 - same >= confidence,
        })
    return rows, unmatched


def _standard_rows(before, after, prior) -> tuple[list[dict], list, dict]:
    dist_before = rating_distribution(before, mode="process", prior=prior)
    dist_after = rating_distribution(after, mode="process", prior=prior)
    new = {s.id: s for s in after.standards}
    old_ids = {s.id: s for s in before.standards}
    rows, unmatched = [], []
    for old in before.standards:
        match = new.get(old.id)
        if match is None or match.name != old.name:
            unmatched.append(("standard", old.id, "before"))
            continue
        p_old = dist_before.standards.loc[old.id, _LABELS].to_numpy(dtype=float)
        p_new = dist_after.standards.loc[old.id, _LABELS].to_numpy(dtype=float)
        higher, same, lower = _joint(p_old, p_new)
        rows.append({"standard": old.id, "name": old.name, "before": old.rating.label,
                     "after": match.rating.label, "qualitative": old.qualitative or match.qualitative,
                     "p_changed": 1 - same, "p_higher": higher, "p_lower": lower})
    unmatched += [("standard", sid, "after") for sid, s in new.items()
                  if sid not in old_ids or old_ids[sid].name != s.name]
    p_old = dist_before.overall[_LABELS].to_numpy(dtype=float)
    p_new = dist_after.overall[_LABELS].to_numpy(dtype=float)
    higher, same, lower = _joint(p_old, p_new)
    overall = {
        "before": before.overall.label, "after": after.overall.label,
        "p_higher": higher, "p_same": same, "p_lower": lower,
        "before_distribution": dict(zip(_LABELS, map(float, p_old), strict=True)),
        "after_distribution": dict(zip(_LABELS, map(float, p_new), strict=True)),
    }
    return rows, unmatched, overall


def compare(before, after, *, confidence: float = 0.80, prior="jeffreys") -> Comparison:
    """What changed between two inspections of a service, and how sure the change is.

    Parameters
    ----------
    before, after : Report, str or path
        The earlier and the later inspection, each a report, a bundled id or a report file (any
        framework: key questions are matched by id, standards by id and name).
    confidence : float, default 0.80
        Of the intervals, and the probability from which a band change is called likely (0.80,
        as the reports' sample sizes).
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        Beta prior of each key question's rate for the band probabilities, e.g. the pair an
        :func:`empirical_prior` fitted to many services gives.

    Returns
    -------
    Comparison
        Per key question the difference and its interval and P(band changed); per standard and
        overall P(changed), P(higher) and P(lower).

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file (naming ``before`` or ``after``).
    SamplingError
        If the two reports have no key question in common, or an argument is out of range.

    Warns
    -----
    SamplingWarning
        In one line, when the two reports are of different frameworks (``youth-2018`` against
        ``youth-2021``): key questions are matched by id, but their wording, domains and the
        cases asked about may differ.

    Notes
    -----
    *Difference*: p_after - p_before with Newcombe's hybrid score interval (Newcombe 1998,
    method 10): with Wilson's score intervals (l_1, u_1) for after and (l_2, u_2) for before,
    L = d - sqrt((p_1 - l_1)^2 + (u_2 - p_2)^2) and U = d + sqrt((u_1 - p_1)^2 + (p_2 - l_2)^2).
    It keeps close to its nominal coverage at small n and never leaves [-1, 1].

    *Band change*: each key question's true band has the probabilities
    :func:`sampling.band_probabilities` gives (process uncertainty: the service's underlying
    rate, posterior Beta(a + k, b + n - k)); the two inspections are independent samples, so
    P(same band) = sum over r of P_before(r) P_after(r), and P(changed) = 1 - P(same). The same
    holds for each standard's and the overall rating's distributions from
    :func:`sampling.rating_distribution`; P(after higher) sums P_before(r) P_after(s) over s > r.
    These are statements about the underlying rates, not about the published ratings (which
    professional discretion can move).

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
           proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.
    .. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
           inference. Journal of the American Statistical Association 22, 209-212.

    Examples
    --------
    Calderdale (2022) against Cambridgeshire (2023), two services on the 2021 framework, as a
    worked example of the arithmetic:

    >>> result = compare("calderdale-2022", "cambridgeshire-2023")
    >>> columns = ["before_percent", "after_percent", "difference", "low", "high", "p_band_changed"]
    >>> result.key_questions.loc["2.3.2", columns].astype(float).round(2).tolist()
    [45.0, 76.0, 31.02, 7.08, 51.3, 0.91]
    """
    from .._validation import prior as check_prior

    confidence = check_confidence(confidence)
    check_prior(prior)
    before = load(before, "before")
    after = load(after, "after")
    rows, unmatched = _key_question_rows(before, after, confidence, prior)
    if not rows:
        raise SamplingError(
            f"before ({before.id}, {before.framework.name}) and after ({after.id}, "
            f"{after.framework.name}) have no key question in common; compare two inspections "
            "whose frameworks share key questions")
    warned = framework_warning([before, after], "compared")
    import pandas as pd

    standards, unmatched_standards, overall = _standard_rows(before, after, prior)
    return Comparison(
        before=before.id, after=after.id,
        before_framework=before.framework.name, after_framework=after.framework.name,
        confidence=confidence, prior=prior,
        key_questions=pd.DataFrame(rows).set_index("key_question"),
        standards=pd.DataFrame(standards, columns=["standard", "name", "before", "after", "qualitative",
                                                   "p_changed", "p_higher", "p_lower"]).set_index("standard"),
        overall=overall,
        unmatched=tuple(unmatched + unmatched_standards),
        warnings=warned,
    )
