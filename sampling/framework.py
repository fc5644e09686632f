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
import functools
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass

from . import _framework_files as files
from ._errors import SamplingError
from ._framework_files import bundled_framework_names, read_framework_data

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
    "lowest_bands",
    "cases_to_band",
    "standard_cases_to_band",
    "cases_table",
    "overall_probabilities",
    "overall_of_scores",
    "LimitingJudgement",
    "load_framework",
]


class Rating(enum.IntEnum):
    """A rating, ordered from worst to best; its value is its score (0-3).

    ``str(rating)`` and ``rating.label`` give the name exactly as the reports print it; the
    scores 0-3 are the reports' (Nottingham City 2020 and Calderdale 2022, Annexe 2).

    Parameters
    ----------
    value : int
        The score, 0 (Inadequate) to 3 (Outstanding): ``Rating(2)`` is ``Rating.GOOD``.

    Examples
    --------
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
        """The name as the reports print it.

        Examples
        --------
        >>> Rating.REQUIRES_IMPROVEMENT.label
        'Requires improvement'
        """
        return _LABELS[self]

    @property
    def score(self) -> int:
        """The rating's score, 0 to 3 (its value).

        Examples
        --------
        >>> Rating.GOOD.score
        2
        """
        return int(self)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_label(cls, text: object, *, where: str = "rating") -> Rating:
        """The rating printed as ``text``; a clear error (with the nearest name) otherwise.

        Parameters
        ----------
        text : str or Rating
            The name exactly as printed ("Requires improvement"); a Rating is returned as it is.
        where : str, default "rating"
            The field named in the error.

        Returns
        -------
        Rating
            The rating.

        Raises
        ------
        SamplingError
            For a name that is not one of the four as printed (with the nearest, if close), or
            something that is not a name.

        Examples
        --------
        >>> Rating.from_label("Requires improvement")
        <Rating.REQUIRES_IMPROVEMENT: 1>
        >>> try:
        ...     Rating.from_label("good")
        ... except SamplingError as error:
        ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
        rating: unknown rating 'good' (did you mean 'Good'?); use one of 'Inadequate',
        'Requires improvement', 'Good', 'Outstanding' exactly as printed
        """
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
        """The four names, worst first.

        Returns
        -------
        list of str
            The labels.

        Examples
        --------
        >>> Rating.labels()
        ['Inadequate', 'Requires improvement', 'Good', 'Outstanding']
        """
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
    """One standard of a framework: its id, printed name, and how it is rated.

    Each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The standard's id, e.g. "2.3".
    name : str
        Its printed name.
    key_questions : tuple of str
        Its key questions' ids (empty for a qualitative standard).
    scored : bool, default True
        Whether it counts towards the 0-36 score.
    optional : bool, default False
        Whether it may be absent (resettlement, where there were no cases).
    area : str or None, default None
        The broad area it is rated in, where the overall rating is by areas.

    Examples
    --------
    >>> spec = get_framework("youth-2021").standard("2.3")
    >>> spec.name, spec.key_questions, spec.scored
    ('Implementation and delivery', ('2.3.1', '2.3.2', '2.3.3'), True)
    """

    id: str
    name: str
    key_questions: tuple[str, ...]  # empty for a qualitative standard
    scored: bool = True  # counts towards the 0-36 score
    optional: bool = False  # may be absent (resettlement, where there were no cases)
    area: str | None = None  # the broad area it is rated in, where the overall rating is by areas

    @property
    def qualitative(self) -> bool:
        """Rated from qualitative evidence: the rating is taken as published.

        Examples
        --------
        >>> youth = get_framework("youth-2021")
        >>> youth.standard("1.1").qualitative, youth.standard("2.3").qualitative
        (True, False)
        """
        return not self.key_questions

    @property
    def domain(self) -> str:
        """The first part of the id: the domain, which names the sample its cases come from.

        Examples
        --------
        >>> get_framework("youth-2021").standard("3.2").domain
        '3'
        """
        return self.id.split(".")[0]


@dataclass(frozen=True)
class LimitingJudgement:
    """A standard that is not scored but caps the overall rating when it is rated ``at_most``.

    Calderdale (2022), Annexe 2: a service "that receives an 'Inadequate' rating for the
    resettlement standard is unable to receive an overall 'Outstanding' rating". Each parameter
    is also an attribute.

    Parameters
    ----------
    standard : str
        The standard's id.
    when : Rating
        The standard's rating that triggers the cap.
    cap : Rating
        The best overall rating then possible.

    Examples
    --------
    >>> get_framework("youth-2021").limiting
    (LimitingJudgement(standard='4.1', when=<Rating.INADEQUATE: 0>, cap=<Rating.GOOD: 2>),)
    """

    standard: str
    when: Rating  # the standard's rating that triggers the cap
    cap: Rating  # the best overall rating then possible


@dataclass(frozen=True)
class Framework:
    """A version of the inspection framework: its standards in order and the rules that rate them.

    The rules are data, read from a framework file (``sampling/data/frameworks/*.toml``, format in
    ``methodology/framework-format.md``): ``points`` (the score of each rating, worst first),
    ``band_lower_bounds`` (the lowest printed percentage of Requires improvement, Good and
    Outstanding), how the overall rating is formed (``overall_method``: "score" bands of the
    summed points, "percent" of the highest possible score, or the lowest of the "areas"),
    ``score_bands`` or ``percent_bounds``, and ``limiting`` judgements. The module's functions
    (:func:`band`, :func:`overall_rating`, ...) apply them; called without a framework they use the
    youth frameworks' values. Read one with :func:`get_framework` or :func:`load_framework`; each
    parameter is also an attribute.

    Parameters
    ----------
    name : str
        The framework's name, e.g. "youth-2021".
    standards : tuple of StandardSpec
        Its standards, in order.
    description : str
        One paragraph on what it is and where it comes from.
    band_lower_bounds : tuple of int, default (50, 65, 80)
        The lowest printed percentage of Requires improvement, Good and Outstanding.
    score_bands : tuple of (int, int), default ((0, 6), (7, 18), (19, 30), (31, 36))
        The overall bands of the score, inclusive, worst first ("score" method).
    limiting : tuple of LimitingJudgement, default ()
        The limiting judgements that cap the overall rating.
    points : tuple of int, default (0, 1, 2, 3)
        The score of each rating, worst first.
    overall_method : {"score", "percent", "areas"}, default "score"
        How the overall rating is formed.
    percent_bounds : tuple of int, default ()
        The overall bands' lower bounds as percentages of the highest score ("percent"
        method).
    samples : tuple of (str, str), default (("2", "court"), ("3", "out_of_court"), ("4", "resettlement"))
        (domain, sample) pairs: which sample each domain's key questions are judged on.
    key_question_text : tuple of (str, str), default ()
        (key question, wording) pairs, where the file gives the wording.
    areas : tuple of str, default ()
        The broad areas, in order ("areas" method).
    sources : tuple of str, default ()
        Where the rules come from.
    assumptions : tuple of str, default ()
        What the sources do not say and the file assumes.
    path : str or None, default None
        The file it was read from (None for a bundled framework).
    minimum_cases : tuple of (str, int), default ()
        (sample, fewest cases) pairs: below it a sample's standards are not rated.
    not_rated_reason : str, default ""
        Why a sample below its minimum is not rated.

    Examples
    --------
    >>> youth = get_framework("youth-2021")
    >>> youth.name, len(youth.standards), youth.points, youth.overall_method
    ('youth-2021', 13, (0, 1, 2, 3), 'score')
    >>> get_framework("youth-2025").areas
    ('organisational delivery', 'children', 'victims')
    """

    name: str
    standards: tuple[StandardSpec, ...]
    description: str
    band_lower_bounds: tuple[int, ...] = tuple(BAND_LOWER_BOUNDS.values())
    score_bands: tuple[tuple[int, int], ...] = tuple(SCORE_BANDS.values())
    limiting: tuple[LimitingJudgement, ...] = ()
    points: tuple[int, ...] = (0, 1, 2, 3)
    overall_method: str = "score"
    percent_bounds: tuple[int, ...] = ()
    samples: tuple[tuple[str, str], ...] = tuple(DOMAIN_SAMPLES.items())
    key_question_text: tuple[tuple[str, str], ...] = ()
    areas: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    path: str | None = None
    minimum_cases: tuple[tuple[str, int], ...] = ()
    not_rated_reason: str = ""

    def standard(self, standard_id: str) -> StandardSpec:
        """The standard with this id.

        Parameters
        ----------
        standard_id : str
            E.g. "2.3".

        Returns
        -------
        StandardSpec
            The framework's standard.

        Raises
        ------
        SamplingError
            If the framework has no such standard (its standards are listed).

        Examples
        --------
        >>> get_framework("youth-2021").standard("4.1").scored
        False
        """
        for spec in self.standards:
            if spec.id == standard_id:
                return spec
        raise SamplingError(
            f"framework {self.name!r} has no standard {standard_id!r}; "
            f"its standards are {', '.join(s.id for s in self.standards)}"
        )

    @property
    def scored_standards(self) -> tuple[StandardSpec, ...]:
        """The standards whose ratings count towards the score, in order.

        Examples
        --------
        >>> len(get_framework("youth-2021").scored_standards)
        12
        """
        return tuple(s for s in self.standards if s.scored)

    @property
    def max_score(self) -> int:
        """The highest possible score (0 when the overall rating is formed from areas).

        Examples
        --------
        >>> get_framework("youth-2021").max_score, get_framework("youth-2025").max_score
        (36, 0)
        """
        if self.overall_method == "areas":
            return 0
        return len(self.scored_standards) * self.points[-1]

    @property
    def key_questions(self) -> dict[str, StandardSpec]:
        """Each key question id and the standard it belongs to, in order.

        Examples
        --------
        >>> questions = get_framework("youth-2021").key_questions
        >>> len(questions), questions["2.3.2"].id
        (21, '2.3')
        """
        return {kq: spec for spec in self.standards for kq in spec.key_questions}

    @property
    def sample_names(self) -> dict[str, str]:
        """Which sample each domain's key questions are judged on (the first part of an id).

        Examples
        --------
        >>> get_framework("youth-2021").sample_names
        {'2': 'court', '3': 'out_of_court', '4': 'resettlement'}
        """
        return dict(self.samples)

    def sample_of(self, key_question_or_standard: str) -> str:
        """The sample a key question (or a standard's key questions) is judged on.

        Parameters
        ----------
        key_question_or_standard : str
            A key question's or a standard's id.

        Returns
        -------
        str
            The sample's name.

        Raises
        ------
        SamplingError
            If the framework maps no sample to the id's first part.

        Examples
        --------
        >>> get_framework("youth-2021").sample_of("3.1.2")
        'out_of_court'
        """
        domain = key_question_or_standard.split(".")[0]
        names = self.sample_names
        if domain not in names:
            raise SamplingError(f"framework {self.name!r} maps no sample to {key_question_or_standard!r}; "
                                "add its first part to the framework's [samples]")
        return names[domain]

    def too_small(self, sample: str, cases: int | None) -> str | None:
        """Why a sample of ``cases`` cases is too small to rate its standards, or None.

        The framework file's ``[not_rated]`` gives the fewest cases each sample needs and the
        reason; a sample of no cases is never rated.

        Parameters
        ----------
        sample : str
            The sample's name.
        cases : int or None
            Its number of cases (None: unknown, never too small).

        Returns
        -------
        str or None
            The reason it is not rated, or None when it is large enough.

        Examples
        --------
        >>> get_framework("youth-2025").too_small("victims", 0)
        'no victims cases to inspect'
        >>> get_framework("youth-2025").too_small("victims", 9) is None
        True
        """
        need = dict(self.minimum_cases).get(sample, 1)
        if cases is None or cases >= need:
            return None
        shown = sample.replace("_", "-")
        if cases == 0 or not self.not_rated_reason:
            return f"no {shown} cases to inspect" if cases == 0 else f"fewer than {need} {shown} cases"
        return f"{cases} {shown} case(s), fewer than the {need} needed: {self.not_rated_reason}"

    def wording(self, key_question: str) -> str | None:
        """The key question's wording, where the framework file gives it.

        Parameters
        ----------
        key_question : str
            The key question's id.

        Returns
        -------
        str or None
            The wording, or None when the file gives none.

        Examples
        --------
        >>> get_framework("youth-2021").wording("2.1.1") is None
        True
        >>> get_framework("youth-2025").wording("2.1.1").startswith("Does assessing")
        True
        """
        return dict(self.key_question_text).get(key_question)

    def score_of(self, rating: Rating | int) -> int:
        """The points a standard's rating adds to the score.

        Parameters
        ----------
        rating : Rating or int
            The rating (or its score 0-3).

        Returns
        -------
        int
            Its points (``points[rating]``).

        Examples
        --------
        >>> get_framework("youth-2021").score_of(Rating.GOOD)
        2
        """
        return self.points[int(rating)]

    def band(self, printed_percent: int) -> Rating:
        """The band of a printed percentage under this framework's thresholds.

        Parameters
        ----------
        printed_percent : int
            A whole-number percentage from 0 to 100, as printed.

        Returns
        -------
        Rating
            Its band (:func:`band` with ``band_lower_bounds``).

        Raises
        ------
        SamplingError
            As :func:`band`.

        Examples
        --------
        >>> get_framework("youth-2021").band(64)
        <Rating.REQUIRES_IMPROVEMENT: 1>
        """
        return band(printed_percent, bounds=self.band_lower_bounds)

    def overall_rating(self, score: int, limiting: Mapping[str, Rating] | None = None) -> Rating:
        """The overall rating of a score, with this framework's limiting judgements.

        Parameters
        ----------
        score : int
            The score, 0 to :attr:`max_score`.
        limiting : mapping of str to Rating, optional
            The ratings of the limiting standards (e.g. ``{"4.1": Rating.INADEQUATE}``).

        Returns
        -------
        Rating
            The overall rating.

        Raises
        ------
        SamplingError
            For a score outside 0 to the maximum, or a framework rated by areas.

        Examples
        --------
        >>> youth = get_framework("youth-2021")
        >>> youth.overall_rating(33).label, youth.overall_rating(33, {"4.1": Rating.INADEQUATE}).label
        ('Outstanding', 'Good')
        """
        return _overall(score, self, limiting or {})

    def overall_from_ratings(self, ratings: Mapping[str, Rating]) -> Rating:
        """The overall rating from the rated standards' ratings, by this framework's method.

        "score" and "percent": the points of the scored standards add up (:meth:`overall_rating`);
        "areas": each area takes the lowest rating of its standards, and the overall rating is
        the lowest area's.

        Parameters
        ----------
        ratings : mapping of str to Rating
            Each rated standard's rating, by id.

        Returns
        -------
        Rating
            The overall rating.

        Raises
        ------
        SamplingError
            For an "areas" framework with no rated standard in any area, or a score out of range.

        Examples
        --------
        >>> youth = get_framework("youth-2021")
        >>> youth.overall_from_ratings({spec.id: Rating.GOOD for spec in youth.standards}).label
        'Good'
        """
        if self.overall_method == "areas":
            rated = [ratings[s.id] for s in self.standards if s.id in ratings and s.area is not None]
            if not rated:
                raise SamplingError(f"framework {self.name!r}: no rated standard in any area")
            return Rating(min(int(r) for r in rated))
        total = sum(self.score_of(ratings[s.id]) for s in self.scored_standards if s.id in ratings)
        limiting = {j.standard: ratings[j.standard] for j in self.limiting if j.standard in ratings}
        return self.overall_rating(total, limiting)

    @classmethod
    def from_file(cls, name_or_path) -> Framework:
        """Read and validate a framework file (a bundled name or a path); see :func:`load_framework`.

        Parameters
        ----------
        name_or_path : str or path
            A bundled framework's name, or the path of a framework file.

        Returns
        -------
        Framework
            The validated framework.

        Raises
        ------
        SamplingError
            Naming the file and the field, for a missing file or any field that breaks the
            format (``methodology/framework-format.md``).

        Examples
        --------
        >>> Framework.from_file("youth-2018").name
        'youth-2018'
        """

        data, where = read_framework_data(name_or_path)
        return _framework_from_data(data, where)


def _framework_from_data(data: Mapping, where: str) -> Framework:
    """A :class:`Framework` from a framework file's (merged) table, validated field by field."""

    fail = files.Fail(where)
    files.check_top(data, fail)
    points = files.check_points(data.get("points", [0, 1, 2, 3]), fail)
    bounds = files.check_lower_bounds(data.get("bands", {}).get("lower_bounds", [50, 65, 80]), fail,
                                      "bands.lower_bounds")
    rule = data.get("standard_rule", {}).get("rule", "lowest")
    if rule != "lowest":
        raise fail("standard_rule.rule",
                   f"must be 'lowest' (the band of the lowest key question), got {rule!r}")
    samples = files.check_samples(data.get("samples"), fail)
    standards = tuple(
        StandardSpec(raw["id"], raw["name"], tuple(raw.get("key_questions", ())), raw.get("scored", True),
                     raw.get("optional", False), raw.get("area"))
        for raw in files.check_standards(data["standards"], fail, samples))
    overall = files.check_overall(data.get("overall", {"method": "score"}), fail)
    method = overall["method"]
    top = sum(1 for s in standards if s.scored) * points[-1]
    score_bands = tuple(SCORE_BANDS.values())
    percent_bounds: tuple[int, ...] = ()
    if method == "score":
        score_bands = files.check_score_bands(overall.get("bands"), fail, top)
    elif method == "percent":
        percent_bounds = files.check_lower_bounds(overall.get("lower_bounds"), fail, "overall.lower_bounds")
    elif not all(s.area for s in standards if not s.optional):
        raise fail("standards", 'with overall.method = "areas" every standard needs its area = "..."')
    limiting = tuple(_limiting(item, fail, {s.id for s in standards}) for item in overall.get("limiting", []))
    minimum_cases, not_rated_reason = files.check_not_rated(data.get("not_rated"), fail, samples,
                                                            data["standards"], method)
    wording = data.get("key_questions", {})
    if not isinstance(wording, Mapping) or not all(isinstance(v, str) for v in wording.values()):
        raise fail("key_questions",
                   'must map a key question id to its wording, e.g. { "2.1.1" = "Does ..." }')
    return Framework(
        name=data["name"], standards=standards, description=str(data.get("description", "")),
        band_lower_bounds=bounds, score_bands=score_bands, limiting=limiting, points=points,
        overall_method=method, percent_bounds=percent_bounds, samples=tuple(samples.items()),
        key_question_text=tuple(wording.items()),
        areas=tuple(dict.fromkeys(s.area for s in standards if s.area)),
        sources=files.text_list(data.get("sources", data.get("source")), fail, "sources"),
        assumptions=files.text_list(data.get("assumptions"), fail, "assumptions"),
        minimum_cases=minimum_cases, not_rated_reason=not_rated_reason,
        path=None if where.endswith(".toml") and "/" not in where and "\\" not in where else where,
    )


def _limiting(item: object, fail, standards: set[str]) -> LimitingJudgement:
    if not isinstance(item, Mapping) or set(item) - {"standard", "when", "cap", "note"}:
        raise fail("overall.limiting", f"each must be a table with standard, when and cap, got {item!r}")
    if item.get("standard") not in standards:
        raise fail("overall.limiting.standard",
                   f"{item.get('standard')!r} is not a standard of this framework")
    try:
        return LimitingJudgement(item["standard"], Rating.from_label(item.get("when"), where="when"),
                                 Rating.from_label(item.get("cap"), where="cap"))
    except SamplingError as exc:
        raise fail("overall.limiting", str(exc)) from None


def load_framework(name_or_path) -> Framework:
    """Read a framework: a bundled name ("youth-2021") or the path of a framework file.

    The file is validated field by field (every error names the file and the field); a file may
    ``extends = "youth-2021"`` another framework and change only what differs, and its own values
    win. The format: ``methodology/framework-format.md``.

    Parameters
    ----------
    name_or_path : str, path or Framework
        A bundled framework's name, the path of a framework file, or a :class:`Framework`
        (returned as it is).

    Returns
    -------
    Framework
        The validated framework.

    Raises
    ------
    SamplingError
        Naming the file and the field, for a missing file or any field that breaks the format.

    Examples
    --------
    >>> load_framework("youth-2021").band_lower_bounds
    (50, 65, 80)
    """
    if isinstance(name_or_path, Framework):
        return name_or_path
    return Framework.from_file(name_or_path)


def _bundled() -> dict[str, Framework]:

    return {name: Framework.from_file(name) for name in bundled_framework_names()}


#: The bundled frameworks by name, read from ``sampling/data/frameworks/*.toml``.
FRAMEWORKS: dict[str, Framework] = _bundled()

_DEFAULT = FRAMEWORKS["youth-2021"]


def get_framework(name) -> Framework:
    """The bundled framework called ``name`` ('youth-2018', 'youth-2021', ...), or a framework file.

    A path to a ``.toml`` file is read with :func:`load_framework`.

    Parameters
    ----------
    name : str, path or Framework
        A bundled framework's name (a key of :data:`FRAMEWORKS`), the path of a ``.toml``
        framework file, or a :class:`Framework` (returned as it is).

    Returns
    -------
    Framework
        The framework.

    Raises
    ------
    SamplingError
        For an unknown name (the bundled names are listed), or a bad framework file.

    Examples
    --------
    >>> list(FRAMEWORKS)
    ['youth-2018', 'youth-2021', 'youth-2025']
    >>> get_framework("youth-2018").name
    'youth-2018'
    """
    if isinstance(name, Framework):
        return name
    if isinstance(name, str) and name in FRAMEWORKS:
        return FRAMEWORKS[name]
    if isinstance(name, str | os.PathLike) and str(name).lower().endswith(".toml"):
        return load_framework(name)
    raise SamplingError(
        f"framework: unknown framework {name!r}; use one of {', '.join(map(repr, FRAMEWORKS))} "
        "or the path of a framework file"
    )


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


def band(printed_percent: int | float, *, bounds: tuple[int, ...] | None = None) -> Rating:
    """The rating band of a printed whole-number percentage.

    Inadequate below 50, Requires improvement 50-64, Good 65-79, Outstanding 80 and over
    (Calderdale 2022, Annexe 2). The band applies to the percentage *as printed*: round first
    with :func:`percent`.

    Parameters
    ----------
    printed_percent : int or float
        A whole-number percentage from 0 to 100, as printed.
    bounds : tuple of int, optional
        The three lower bounds of Requires improvement, Good and Outstanding (a framework's
        own); default (50, 65, 80).

    Returns
    -------
    Rating
        The band.

    Raises
    ------
    SamplingError
        For a value that is not a number from 0 to 100, or not a whole number.

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
    return Rating(int(band_indices(printed_percent, bounds=bounds)))


def standard_rating(key_question_percents, *, bounds: tuple[int, ...] | None = None) -> Rating:
    """A standard's rating: the band of its lowest key question.

    Nottingham City (2020), Annexe 2: "The rating at the standard level is aligned to the lowest
    banding at the key question level".

    Parameters
    ----------
    key_question_percents : iterable of int
        The key questions' printed percentages.
    bounds : tuple of int, optional
        The band lower bounds, as in :func:`band`.

    Returns
    -------
    Rating
        The band of the lowest percentage.

    Raises
    ------
    SamplingError
        For no percentages, or one :func:`band` refuses.

    Examples
    --------
    >>> standard_rating([73, 73, 45]).label
    'Inadequate'
    """
    values = list(key_question_percents)
    if not values:
        raise SamplingError("a standard rated from key questions needs at least one percentage")
    return band(min(values), bounds=bounds)


def overall_rating(score: int, resettlement: Rating | None = None, *,
                   framework: Framework | None = None) -> Rating:
    """The overall rating of a 0-36 score, with the resettlement limiting judgement.

    Calderdale (2022), Annexe 2: any service "that receives an 'Inadequate' rating for the
    resettlement standard is unable to receive an overall 'Outstanding' rating"; the highest
    rating it can then receive is Good. With ``framework``, its own score bands and limiting
    judgements apply (``resettlement`` is then the rating of its limiting standard).

    Parameters
    ----------
    score : int
        The score, 0 to 36 (0 to the framework's maximum).
    resettlement : Rating, optional
        The resettlement standard's rating (None: not rated).
    framework : Framework, optional
        The framework whose score bands and limiting judgements apply (default youth-2021).

    Returns
    -------
    Rating
        The overall rating.

    Raises
    ------
    SamplingError
        For a score that is not a whole number from 0 to the maximum, or a framework rated by
        areas.

    Examples
    --------
    >>> overall_rating(19).label, overall_rating(18).label
    ('Good', 'Requires improvement')
    >>> overall_rating(33, resettlement=Rating.INADEQUATE).label
    'Good'
    """
    framework = framework or _DEFAULT
    limiting = {} if resettlement is None else {j.standard: resettlement for j in framework.limiting}
    return _overall(score, framework, limiting)


def _overall(score: int, framework: Framework, limiting: Mapping[str, Rating]) -> Rating:
    score = _check_count(score, "score")
    top = framework.max_score
    if framework.overall_method == "areas":
        raise SamplingError(f"framework {framework.name!r} forms its overall rating from areas, not a score; "
                            "use Framework.overall_from_ratings")
    if not 0 <= score <= top:
        raise SamplingError(f"score must be between 0 and {top}, got {score}")
    return Rating(int(overall_of_scores(framework, limiting)[score]))


def overall_of_scores(framework: Framework | None = None,
                      limiting: Mapping[str, Rating] | None = None):
    """The overall rating (as a score 0-3) of every score 0..top, as an array indexed by score.

    Each score falls in one of the framework's score bands (Nottingham City 2020 and Calderdale
    2022, Annexe 2: "0-6 = Inadequate, 7-18 = Requires improvement, 19-30 = Good, 31-36 =
    Outstanding"), or, for a framework rated by the percentage of the highest possible score,
    that percentage (rounded half up) in its percent bands; then each limiting judgement caps it
    (``limiting`` maps a standard to its rating). The one place the overall rule is applied, for
    one score or a million.

    >>> overall_of_scores()[[6, 7, 18, 19, 31]].tolist()
    [0, 1, 1, 2, 3]
    >>> int(overall_of_scores(limiting={"4.1": Rating.INADEQUATE})[36])   # capped at Good
    2
    """
    import numpy as np

    framework = framework or _DEFAULT
    top = framework.max_score
    if framework.overall_method == "percent":
        result = band_indices(percents(np.arange(top + 1), top), bounds=framework.percent_bounds)
    else:
        result = np.zeros(top + 1, dtype=np.int64)
        for rating, (low, high) in enumerate(framework.score_bands):
            result[low: high + 1] = rating
    for judgement in framework.limiting:
        if (limiting or {}).get(judgement.standard) == judgement.when:
            result = np.minimum(result, int(judgement.cap))
    return result


def overall_probabilities(score_pmf, framework: Framework | None = None,
                          limiting: Mapping[str, Rating] | None = None):
    """P(each overall rating), worst first, from a distribution over the scores 0..top.

    >>> overall_probabilities([0.5] + [0.0] * 35 + [0.5]).tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    import numpy as np

    ratings = overall_of_scores(framework, limiting)
    pmf = np.zeros(ratings.size)
    values = np.asarray(score_pmf, dtype=float)
    pmf[: values.size] = values
    return np.bincount(ratings, weights=pmf, minlength=len(Rating))


def proportion_cutoffs(bounds: tuple[int, ...] | None = None) -> tuple[float, ...]:
    """The true proportions at which the printed percentage enters each band above Inadequate.

    A true rate p is printed as its percentage rounded half up, so it is rated Requires
    improvement from p = 0.495 (printed 50 %), Good from 0.645, Outstanding from 0.795: the
    band lower bounds less half a point. These are the cut-offs for the band of a *true*
    proportion (what the rules would say if every case were seen), used by the uncertainty
    module.

    >>> proportion_cutoffs()
    (0.495, 0.645, 0.795)
    """
    lower_bounds = tuple(BAND_LOWER_BOUNDS.values()) if bounds is None else bounds
    return tuple((lower - 0.5) / 100 for lower in lower_bounds)


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


def band_indices(printed_percents, *, bounds: tuple[int, ...] | None = None):
    """Vectorised :func:`band` as scores (0 Inadequate ... 3 Outstanding) for an array.

    >>> band_indices([49, 50, 64, 65, 79, 80]).tolist()
    [0, 1, 1, 2, 2, 3]
    """
    import numpy as np

    lower = np.array(tuple(BAND_LOWER_BOUNDS.values()) if bounds is None else bounds)
    return np.searchsorted(lower, printed_percents, side="right")


def lowest_bands(k, n):
    """The lowest-band rule for many outcomes at once: rows of k (reps x key questions) of n.

    ``n`` gives each key question's denominator. The band (0-3) of each row's lowest printed
    percentage, as :func:`standard_rating` gives for one.

    >>> import numpy as np
    >>> lowest_bands(np.array([[5, 10], [9, 10]]), (11, 11)).tolist()   # 45 %; 82 % and 91 %
    [0, 3]
    """
    import numpy as np

    k = np.asarray(k)
    return band_indices(percents(k, np.asarray(n)[None, :])).min(axis=1)


def cases_to_band(k: int, n: int, target: Rating | int, direction: int) -> int | None:
    """Fewest changed judgements for k of n to print in band ``target`` or beyond.

    ``direction`` +1 turns "no" into "yes" until the band is at least ``target``; -1 turns "yes"
    into "no" until it is at most ``target``. None when no number of changes reaches it. At least
    one change is counted even when k of n already prints in ``target``: this is the distance to
    a band other than the current one (:func:`standard_cases_to_band` counts 0 for a key question
    already there).

    >>> cases_to_band(5, 11, Rating.REQUIRES_IMPROVEMENT, +1)   # Calderdale 2.3.2: 45 % -> 55 %
    1
    """
    steps = range(1, n - k + 1) if direction > 0 else range(1, k + 1)
    for j in steps:
        rating = band(percent(k + direction * j, n))
        if (direction > 0 and rating >= target) or (direction < 0 and rating <= target):
            return j
    return None


def standard_cases_to_band(key_questions, target: Rating | int, direction: int) -> int | None:
    """Changed judgements for a standard (the lowest-band rule) to reach band ``target``.

    ``key_questions`` is a sequence of (k, n). Up: every key question below ``target`` must reach
    it, so the changes add up (None if one cannot). Down: one key question reaching ``target``
    is enough, so the fewest over key questions (None if none can).

    Calderdale 2.4 (6, 5 and 5 of 11: 55 %, 45 %, 45 %) needs both 45 % key questions to gain a
    case to reach Requires improvement:

    >>> standard_cases_to_band([(6, 11), (5, 11), (5, 11)], Rating.REQUIRES_IMPROVEMENT, +1)
    2
    """
    needed = []
    for k, n in key_questions:
        if direction > 0 and band(percent(k, n)) >= target:
            needed.append(0)
        else:
            needed.append(cases_to_band(k, n, target, direction))
    if direction > 0:
        return None if any(c is None for c in needed) else sum(needed)
    options = [c for c in needed if c is not None]
    return min(options) if options else None


@functools.lru_cache(maxsize=512)
def cases_table(n: int, direction: int):
    """[k, target] = :func:`cases_to_band` for k = 0..n and every band (a large number for None).

    The vectorised form of the cases rule, for simulations, built from the band of every count at
    once (O(n)): the printed band is non-decreasing in the count, so up, a count below the first
    count x_t in band t needs x_t - k changes (one if already there, none possible at k = n);
    down, a count above the last count y_t in band t needs k - y_t (one if already there, none
    possible at k = 0). ``tests/test_invariants.py`` checks it against :func:`cases_to_band`.

    >>> cases_table(11, 1)[5].tolist()   # 5 of 11: one more case for Requires improvement
    [1, 1, 3, 4]
    """
    import numpy as np

    k = np.arange(n + 1)
    bands = band_indices(percents(k, n))
    table = np.full((n + 1, len(Rating)), _UNREACHABLE, dtype=np.int64)
    for target in range(len(Rating)):
        if direction > 0:
            reach = np.flatnonzero(bands >= target)
            if reach.size:
                table[:, target] = np.where(k < reach[0], reach[0] - k, np.where(k < n, 1, _UNREACHABLE))
        else:
            reach = np.flatnonzero(bands <= target)
            if reach.size:
                table[:, target] = np.where(k > reach[-1], k - reach[-1], np.where(k > 0, 1, _UNREACHABLE))
    return table


#: Stands for "no number of changed judgements reaches that band" in :func:`cases_table`.
_UNREACHABLE = 10**6
