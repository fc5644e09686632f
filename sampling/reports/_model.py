"""The report model: key questions, standards and the report, as frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .._errors import SamplingError
from ..evidence import EvidenceRow, evidence_frame, evidence_rows
from ..framework import Framework, Rating, band, standard_rating

__all__ = ["KeyQuestion", "Standard", "Report"]


@dataclass(frozen=True)
class KeyQuestion:
    """One key question: its printed percentage and the cases behind it.

    ``denominator`` says where ``n`` came from: ``"sample"`` (the domain's sample, the default),
    ``"stated"`` (the report states it: ``cases``), ``"assumed"`` (the file's ``assumed_cases``),
    ``"inferred"`` (the largest n that prints the percentage; a warning was given) or
    ``"answers"`` (counted from case-level answers). ``k`` is the "yes" count that prints as
    ``percent`` from ``n`` (exact when the counts were given). Each parameter is also an
    attribute.

    Parameters
    ----------
    id : str
        The key question's id, e.g. "2.3.2".
    percent : int
        The percentage as printed, 0 to 100.
    n : int
        Cases judged (the denominator).
    k : int
        "Yes" judgements: the count that prints as ``percent`` from ``n``.
    denominator : {"sample", "stated", "assumed", "inferred", "answers"}, default "sample"
        Where ``n`` came from.
    bounds : tuple of int or None, default None
        The framework's band lower bounds (None: the youth frameworks' 50, 65 and 80).

    Examples
    --------
    >>> from sampling import load_report
    >>> kq = load_report("calderdale-2022").key_question("2.3.2")
    >>> kq.percent, kq.k, kq.n, kq.denominator
    (45, 5, 11, 'sample')
    """

    id: str
    percent: int
    n: int
    k: int
    denominator: str = "sample"
    bounds: tuple[int, ...] | None = None  # the framework's band thresholds (None: the youth ones)

    @property
    def rating(self) -> Rating:
        """The band of the printed percentage (:func:`sampling.band`).

        Examples
        --------
        >>> KeyQuestion("2.3.2", 45, 11, 5).rating
        <Rating.INADEQUATE: 0>
        """
        return band(self.percent, bounds=self.bounds)


@dataclass(frozen=True)
class Standard:
    """A standard as published: its rating and, unless qualitative, its key questions.

    Each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The standard's id, e.g. "2.3".
    name : str
        Its name in the framework.
    rating : Rating
        The published rating.
    key_questions : tuple of KeyQuestion, default ()
        Its key questions (none for a qualitative standard).
    scored : bool, default True
        Whether its rating counts towards the score (resettlement's does not).
    discretion : str or None, default None
        The report's reason, where its rating was moved by professional discretion.
    discretion_rule : str or None, default None
        The candidate rule (:mod:`sampling.rules`) the report's reason matches.

    Examples
    --------
    >>> from sampling import load_report
    >>> standard = load_report("calderdale-2022").standard("2.3")
    >>> standard.rating.label, standard.rule_rating.label, standard.discretion_rule
    ('Requires improvement', 'Inadequate', 'cases(1)')
    """

    id: str
    name: str
    rating: Rating
    key_questions: tuple[KeyQuestion, ...] = ()
    scored: bool = True
    discretion: str | None = None
    discretion_rule: str | None = None  # the candidate rule the report's reason matches

    @property
    def qualitative(self) -> bool:
        """True for a standard rated without key questions (domain one, for example).

        Examples
        --------
        >>> from sampling import load_report
        >>> report = load_report("calderdale-2022")
        >>> report.standard("1.1").qualitative, report.standard("2.3").qualitative
        (True, False)
        """
        return not self.key_questions

    @property
    def lowest_percent(self) -> int | None:
        """The lowest printed percentage of its key questions (None when qualitative).

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").standard("2.3").lowest_percent
        45
        """
        return min(kq.percent for kq in self.key_questions) if self.key_questions else None

    @property
    def rule_rating(self) -> Rating:
        """The lowest-key-question rule's rating (the published one when qualitative).

        The rule is the framework's: a standard takes the band of its lowest key question
        (:func:`sampling.standard_rating`).

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").standard("2.3").rule_rating
        <Rating.INADEQUATE: 0>
        """
        if self.qualitative:
            return self.rating
        return standard_rating((kq.percent for kq in self.key_questions), bounds=self.key_questions[0].bounds)


@dataclass(frozen=True)
class Report:
    """A published inspection report (or one built from case-level answers).

    Made by :func:`sampling.load_report` (validated field by field) or
    :func:`sampling.report_from_answers`; each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The report's id, e.g. "calderdale-2022".
    service : str
        The service inspected.
    published : str
        When it was published, as the report says.
    framework : Framework
        The inspection framework it was rated under.
    overall : Rating
        The published overall rating.
    standards : tuple of Standard
        The standards it rates.
    samples : mapping of str to int, default {}
        Cases examined per sample (``court``, ``out_of_court``, ``resettlement``).
    score : int or None, default None
        The score as printed, where the report prints it.
    source : str or None, default None
        Where in the report the figures come from.
    path : str or None, default None
        The file it was read from (None for a bundled report).
    populations : mapping of str to int, default {}
        Eligible cases per sample where the inspection recorded them (a report made from an
        answers workbook takes its plan's); the finite analyses use them when none are given.

    Examples
    --------
    >>> from sampling import load_report
    >>> report = load_report("calderdale-2022")
    >>> report
    Report('calderdale-2022', 'Calderdale Youth Justice Service', overall='Requires improvement')
    >>> report.framework.name, report.samples, report.score
    ('youth-2021', {'court': 11, 'out_of_court': 17, 'resettlement': 2}, 18)
    """

    id: str
    service: str
    published: str
    framework: Framework
    overall: Rating
    standards: tuple[Standard, ...]
    samples: Mapping[str, int] = field(default_factory=dict)
    score: int | None = None  # as printed, where the report prints it
    source: str | None = None
    path: str | None = None
    populations: Mapping[str, int] = field(default_factory=dict)  # eligible cases, where recorded

    def standard(self, standard_id: str) -> Standard:
        """The standard with this id.

        Parameters
        ----------
        standard_id : str
            E.g. "2.3".

        Returns
        -------
        Standard
            The report's standard.

        Raises
        ------
        SamplingError
            If the report has no such standard.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").standard("2.3").name
        'Implementation and delivery'
        """
        for s in self.standards:
            if s.id == standard_id:
                return s
        raise SamplingError(f"report {self.id!r} has no standard {standard_id!r}")

    def key_question(self, key_question_id: str) -> KeyQuestion:
        """The key question with this id.

        Parameters
        ----------
        key_question_id : str
            E.g. "2.3.2".

        Returns
        -------
        KeyQuestion
            The report's key question.

        Raises
        ------
        SamplingError
            If the report has no such key question.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").key_question("2.3.2")
        KeyQuestion(id='2.3.2', percent=45, n=11, k=5, denominator='sample', bounds=None)
        """
        for s in self.standards:
            for kq in s.key_questions:
                if kq.id == key_question_id:
                    return kq
        raise SamplingError(f"report {self.id!r} has no key question {key_question_id!r}")

    @property
    def key_questions(self) -> tuple[KeyQuestion, ...]:
        """Every key question of the report, standard by standard.

        Examples
        --------
        >>> from sampling import load_report
        >>> questions = load_report("calderdale-2022").key_questions
        >>> len(questions), questions[0].id
        (21, '2.1.1')
        """
        return tuple(kq for s in self.standards for kq in s.key_questions)

    @property
    def limiting(self) -> dict[str, Rating]:
        """The ratings of the framework's limiting standards that this report rates.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").limiting
        {'4.1': <Rating.GOOD: 2>}
        """
        present = {s.id: s.rating for s in self.standards}
        return {j.standard: present[j.standard] for j in self.framework.limiting if j.standard in present}

    @property
    def not_rated(self) -> tuple[tuple[str, str, str], ...]:
        """(id, name, reason) of each of the framework's standards that this report does not rate.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("sunderland-2022").not_rated
        (('4.1', 'Resettlement policy and provision', 'no resettlement cases to inspect'),)
        """
        present = {s.id for s in self.standards}
        result = []
        for spec in self.framework.standards:
            if spec.id in present:
                continue
            sample = self.framework.sample_names.get(spec.domain, "")
            reason = (sample and self.framework.too_small(sample, self.samples.get(sample))) \
                or ("no rating given" if spec.qualitative else "not rated in this report")
            result.append((spec.id, spec.name, reason))
        return tuple(result)

    @property
    def resettlement(self) -> Rating | None:
        """The rating of the unscored (resettlement) standard, or None when there is none.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").resettlement, load_report("essex-2018").resettlement
        (<Rating.GOOD: 2>, None)
        """
        for s in self.standards:
            if not s.scored:
                return s.rating
        return None

    @property
    def published_score(self) -> int:
        """The sum of the points of the published ratings of the scored standards.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").published_score
        18
        """
        return sum(self.framework.score_of(s.rating) for s in self.standards if s.scored)

    def evidence_rows(self, populations: Mapping[str, int] | None = None) -> tuple[EvidenceRow, ...]:
        """The frozen records behind :meth:`evidence`, one per key question.

        Parameters
        ----------
        populations : mapping of str to int, optional
            Eligible cases per sample, as in :meth:`evidence`.

        Returns
        -------
        tuple of EvidenceRow
            One per key question, in the report's order.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").evidence_rows()[0]  # doctest: +NORMALIZE_WHITESPACE
        EvidenceRow(domain='court', standard='2.1', key_question='2.1.1', yes=8, relevant=11,
                    population=None, percent=73, band=<Rating.GOOD: 2>)
        """
        return evidence_rows(self, populations)

    def evidence(self, populations: Mapping[str, int] | None = None):
        """One tidy table of what the key questions say: the shape every analysis reads.

        Parameters
        ----------
        populations : mapping of str to int, optional
            Eligible cases per sample (``{"court": 57, "out_of_court": 33}``). Without it the
            ``population`` column is NA: the populations a sample implies are never filled in
            silently (:func:`sampling.implied_populations` gives them, for a caller who says so).

        Returns
        -------
        pandas.DataFrame
            One row per key question, columns ``domain`` (its sample), ``standard``,
            ``key_question``, ``yes``, ``relevant``, ``population`` (NA when unknown),
            ``percent`` (as printed) and ``band``.

        Examples
        --------
        >>> from sampling import load_report
        >>> table = load_report("calderdale-2022").evidence({"court": 12, "out_of_court": 20})
        >>> table.loc[table.key_question == "2.3.2"].iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'domain': 'court', 'standard': '2.3', 'key_question': '2.3.2', 'yes': 5, 'relevant': 11,
         'population': 12, 'percent': 45, 'band': 'Inadequate'}
        """
        return evidence_frame(self.evidence_rows(populations))

    def __repr__(self) -> str:
        return f"Report({self.id!r}, {self.service!r}, overall={self.overall.label!r})"
