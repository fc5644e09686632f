"""The published rating rules, as data plus small pure functions.

Everything that is a *rule* of the inspectorate lives here and nowhere else: the key-question
bands (50 / 65 / 80), the 0-3 score of each rating, the 0-36 overall bands, which standards are
qualitative, the resettlement limiting judgement, and the two framework versions.

Sources (see ``methodology/rating-rules.md`` for the sentences quoted):

* Annexe 2 of Nottingham City (2020) and Calderdale (2022): the four bands of "% Yes", the
  lowest-key-question rule, the 0-3 scores and the 0-36 overall bands.
* Calderdale (2022), Annexe 2: the resettlement standard "is rated separately, and does not
  influence the overall YOT rating", with a limiting judgement that an Inadequate resettlement
  rating bars an overall Outstanding; "Where there are no relevant resettlement cases, we do not
  apply a rating".
* Cambridgeshire (2023) 2.1: 11 of 17 cases (64.7 %) is printed as 65 % and rated Good, so bands
  apply to the whole-number percentage as printed, rounded half up.
"""

from __future__ import annotations

import difflib
import enum
import numbers
from dataclasses import dataclass

from ._errors import SamplingError

__all__ = [
    "Rating",
    "BAND_LOWER_BOUNDS",
    "SCORE_BANDS",
    "Framework",
    "StandardSpec",
    "FRAMEWORKS",
    "get_framework",
    "percent",
    "band",
    "standard_rating",
    "overall_rating",
    "DOMAIN_SAMPLES",
    "proportion_cutoffs",
    "band_of_proportion",
    "percents",
    "band_indices",
]


class Rating(enum.IntEnum):
    """A rating, ordered from worst to best; its value is its score (0-3).

    ``str(rating)`` and ``rating.label`` give the name exactly as the reports print it.

    >>> Rating.GOOD > Rating.REQUIRES_IMPROVEMENT
    True
    >>> int(Rating.OUTSTANDING), str(Rating.REQUIRES_IMPROVEMENT)
    (3, 'Requires improvement')
    >>> Rating.from_label("Good")
    <Rating.GOOD: 2>
    """

    INADEQUATE = 0
    REQUIRES_IMPROVEMENT = 1
    GOOD = 2
    OUTSTANDING = 3

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def score(self) -> int:
        return int(self)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_label(cls, text: object, *, where: str = "rating") -> Rating:
        """The rating printed as ``text``; a clear error (with the nearest name) otherwise."""
        if isinstance(text, Rating):
            return text
        if isinstance(text, str):
            for rating, label in _LABELS.items():
                if text == label:
                    return rating
            close = difflib.get_close_matches(text, _LABELS.values(), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SamplingError(
                f"{where}: unknown rating {text!r}{hint}; use one of "
                + ", ".join(repr(v) for v in _LABELS.values())
                + " exactly as printed"
            )
        raise SamplingError(f"{where}: a rating must be a name such as 'Good', got {text!r}")

    @classmethod
    def labels(cls) -> list[str]:
        """The four names, worst first."""
        return [r.label for r in cls]


_LABELS = {
    Rating.INADEQUATE: "Inadequate",
    Rating.REQUIRES_IMPROVEMENT: "Requires improvement",
    Rating.GOOD: "Good",
    Rating.OUTSTANDING: "Outstanding",
}

#: Lowest printed percentage of each band above Inadequate (Calderdale 2022, Annexe 2:
#: "Minority: <50%", "Too few: 50-64%", "Reasonable majority: 65-79%", "Large majority: 80%+").
BAND_LOWER_BOUNDS: dict[Rating, int] = {
    Rating.REQUIRES_IMPROVEMENT: 50,
    Rating.GOOD: 65,
    Rating.OUTSTANDING: 80,
}

#: Overall bands of the 0-36 score, inclusive (Nottingham City 2020 and Calderdale 2022, Annexe 2:
#: "0-6 = Inadequate, 7-18 = Requires improvement, 19-30 = Good, 31-36 = Outstanding").
SCORE_BANDS: dict[Rating, tuple[int, int]] = {
    Rating.INADEQUATE: (0, 6),
    Rating.REQUIRES_IMPROVEMENT: (7, 18),
    Rating.GOOD: (19, 30),
    Rating.OUTSTANDING: (31, 36),
}

#: Which sample a key question's cases come from, by domain (the first digit of its id).
DOMAIN_SAMPLES: dict[str, str] = {"2": "court", "3": "out_of_court", "4": "resettlement"}


@dataclass(frozen=True)
class StandardSpec:
    """One standard of a framework: its id, printed name, and how it is rated."""

    id: str
    name: str
    key_questions: tuple[str, ...]  # empty for a qualitative standard
    scored: bool = True  # counts towards the 0-36 score
    optional: bool = False  # may be absent (resettlement, where there were no cases)

    @property
    def qualitative(self) -> bool:
        """Rated from qualitative evidence: the rating is taken as published."""
        return not self.key_questions

    @property
    def domain(self) -> str:
        return self.id.split(".")[0]


@dataclass(frozen=True)
class Framework:
    """A version of the inspection framework: its standards in order."""

    name: str
    standards: tuple[StandardSpec, ...]
    description: str

    def standard(self, standard_id: str) -> StandardSpec:
        for spec in self.standards:
            if spec.id == standard_id:
                return spec
        raise SamplingError(
            f"framework {self.name!r} has no standard {standard_id!r}; "
            f"its standards are {', '.join(s.id for s in self.standards)}"
        )

    @property
    def scored_standards(self) -> tuple[StandardSpec, ...]:
        return tuple(s for s in self.standards if s.scored)

    @property
    def max_score(self) -> int:
        return len(self.scored_standards) * int(max(Rating))


def _kq(standard_id: str, count: int = 3) -> tuple[str, ...]:
    return tuple(f"{standard_id}.{i}" for i in range(1, count + 1))


_DOMAIN_ONE = (
    StandardSpec("1.1", "Governance and leadership", ()),
    StandardSpec("1.2", "Staff", ()),
    StandardSpec("1.3", "Partnerships and services", ()),
    StandardSpec("1.4", "Information and facilities", ()),
)
_CASEWORK = (
    StandardSpec("2.1", "Assessment", _kq("2.1")),
    StandardSpec("2.2", "Planning", _kq("2.2")),
    StandardSpec("2.3", "Implementation and delivery", _kq("2.3")),
    StandardSpec("2.4", "Reviewing", _kq("2.4")),
    StandardSpec("3.1", "Assessment", _kq("3.1")),
    StandardSpec("3.2", "Planning", _kq("3.2")),
    StandardSpec("3.3", "Implementation and delivery", _kq("3.3")),
)

FRAMEWORKS: dict[str, Framework] = {
    "youth-2018": Framework(
        "youth-2018",
        _DOMAIN_ONE + _CASEWORK + (StandardSpec("3.4", "Joint working", _kq("3.4", 2)),),
        "2018 youth framework: 3.4 'Joint working' rated from two key questions "
        "(Essex 2018, Nottingham City 2020)",
    ),
    "youth-2021": Framework(
        "youth-2021",
        _DOMAIN_ONE
        + _CASEWORK
        + (
            StandardSpec("3.4", "Out-of-court disposal policy and provision", ()),
            StandardSpec(
                "4.1", "Resettlement policy and provision", (), scored=False, optional=True
            ),
        ),
        "2021 youth framework: 3.4 out-of-court policy and provision is qualitative; "
        "4.1 resettlement is rated separately (Cambridgeshire 2023, Calderdale 2022, "
        "Sunderland 2022)",
    ),
}


def get_framework(name: str) -> Framework:
    """The framework called ``name`` ('youth-2018' or 'youth-2021')."""
    try:
        return FRAMEWORKS[name]
    except (KeyError, TypeError):
        raise SamplingError(
            f"framework: unknown framework {name!r}; use one of {', '.join(map(repr, FRAMEWORKS))}"
        ) from None


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SamplingError(f"{name} must be a whole number of cases, got {value!r}")
    return int(value)


def percent(k: int, n: int) -> int:
    """The whole-number percentage of ``k`` out of ``n``, rounded half up as the reports print it.

    Computed in integers, ``floor((200 k + n) / (2 n))``, so there is no floating-point doubt at
    the half. Python's ``round`` rounds half to even and would print 5/8 as 62 %.

    Parameters
    ----------
    k : int
        Cases judged "yes".
    n : int
        Cases judged (yes or no), at least 1.

    Returns
    -------
    int
        The printed percentage, 0 to 100.

    Raises
    ------
    SamplingError
        If ``n`` < 1, ``k`` is negative or above ``n``, or either is not a whole number.

    Notes
    -----
    Source: Cambridgeshire (2023) 3.1 prints 10 of 16 (62.5 %) as 63 %; 2.1 prints 11 of 17
    (64.7 %) as 65 % and rates it Good.

    Examples
    --------
    >>> percent(5, 8), percent(7, 8), percent(11, 17), percent(1, 8)
    (63, 88, 65, 13)
    """
    k = _check_count(k, "k")
    n = _check_count(n, "n")
    if n < 1:
        raise SamplingError(f"n must be at least 1 case, got {n}")
    if not 0 <= k <= n:
        raise SamplingError(f"k must be between 0 and n = {n}, got {k}")
    return (200 * k + n) // (2 * n)


def band(printed_percent: int | float) -> Rating:
    """The rating band of a printed whole-number percentage.

    Inadequate below 50, Requires improvement 50-64, Good 65-79, Outstanding 80 and over
    (Calderdale 2022, Annexe 2). The band applies to the percentage *as printed*: round first
    with :func:`percent`.

    Examples
    --------
    >>> [band(p).label for p in (49, 50, 64, 65, 79, 80)]
    ['Inadequate', 'Requires improvement', 'Requires improvement', 'Good', 'Good', 'Outstanding']
    """
    if isinstance(printed_percent, bool) or not isinstance(printed_percent, numbers.Real):
        raise SamplingError(f"percent must be a number from 0 to 100, got {printed_percent!r}")
    if not 0 <= printed_percent <= 100:
        raise SamplingError(
            f"percent must be from 0 to 100 (a percentage, not a proportion), got {printed_percent}"
        )
    if printed_percent != int(printed_percent):
        raise SamplingError(
            f"percent must be a whole number as the reports print it, got {printed_percent}; "
            "round it half up first with percent(k, n)"
        )
    result = Rating.INADEQUATE
    for rating, lower in BAND_LOWER_BOUNDS.items():
        if printed_percent >= lower:
            result = rating
    return result


def standard_rating(key_question_percents) -> Rating:
    """A standard's rating: the band of its lowest key question.

    Nottingham City (2020), Annexe 2: "The rating at the standard level is aligned to the lowest
    banding at the key question level".

    >>> standard_rating([73, 73, 45]).label
    'Inadequate'
    """
    values = list(key_question_percents)
    if not values:
        raise SamplingError("a standard rated from key questions needs at least one percentage")
    return band(min(values))


def overall_rating(score: int, resettlement: Rating | None = None) -> Rating:
    """The overall rating of a 0-36 score, with the resettlement limiting judgement.

    Calderdale (2022), Annexe 2: any service "that receives an 'Inadequate' rating for the
    resettlement standard is unable to receive an overall 'Outstanding' rating"; the highest
    rating it can then receive is Good.

    >>> overall_rating(19).label, overall_rating(18).label
    ('Good', 'Requires improvement')
    >>> overall_rating(33, resettlement=Rating.INADEQUATE).label
    'Good'
    """
    score = _check_count(score, "score")
    top = max(high for _, high in SCORE_BANDS.values())
    if not 0 <= score <= top:
        raise SamplingError(f"score must be between 0 and {top}, got {score}")
    result = next(r for r, (low, high) in SCORE_BANDS.items() if low <= score <= high)
    if resettlement is Rating.INADEQUATE and result is Rating.OUTSTANDING:
        result = Rating.GOOD
    return result


def proportion_cutoffs() -> tuple[float, ...]:
    """The true proportions at which the printed percentage enters each band above Inadequate.

    A true rate p is printed as its percentage rounded half up, so it is rated Requires
    improvement from p = 0.495 (printed 50 %), Good from 0.645, Outstanding from 0.795: the
    band lower bounds less half a point. These are the cut-offs for the band of a *true*
    proportion (what the rules would say if every case were seen), used by the uncertainty
    module.

    >>> proportion_cutoffs()
    (0.495, 0.645, 0.795)
    """
    return tuple((lower - 0.5) / 100 for lower in BAND_LOWER_BOUNDS.values())


def band_of_proportion(p: float) -> Rating:
    """The band the rules give a true proportion ``p`` (0-1): that of its printed percentage.

    >>> band_of_proportion(0.647).label, band_of_proportion(0.644).label
    ('Good', 'Requires improvement')
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
        raise SamplingError(f"p must be a proportion from 0 to 1, got {p!r}")
    result = Rating.INADEQUATE
    for rating, cut in zip(BAND_LOWER_BOUNDS, proportion_cutoffs(), strict=True):
        if p >= cut - 1e-12:
            result = rating
    return result


def percents(k, n):
    """Vectorised :func:`percent` for numpy arrays of counts (no validation: for inner loops).

    >>> import numpy as np
    >>> percents(np.array([5, 7, 11]), np.array([8, 8, 17])).tolist()
    [63, 88, 65]
    """
    import numpy as np

    k, n = np.asarray(k), np.asarray(n)
    return (200 * k + n) // (2 * n)


def band_indices(printed_percents):
    """Vectorised :func:`band` as scores (0 Inadequate ... 3 Outstanding) for an array.

    >>> band_indices([49, 50, 64, 65, 79, 80]).tolist()
    [0, 1, 1, 2, 2, 3]
    """
    import numpy as np

    return np.searchsorted(np.array(list(BAND_LOWER_BOUNDS.values())), printed_percents, side="right")
