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
    ``percent`` from ``n`` (exact when the counts were given).
    """

    id: str
    percent: int
    n: int
    k: int
    denominator: str = "sample"
    bounds: tuple[int, ...] | None = None  # the framework's band thresholds (None: the youth ones)

    @property
    def rating(self) -> Rating:
        return band(self.percent, bounds=self.bounds)


@dataclass(frozen=True)
class Standard:
    """A standard as published: its rating and, unless qualitative, its key questions."""

    id: str
    name: str
    rating: Rating
    key_questions: tuple[KeyQuestion, ...] = ()
    scored: bool = True
    discretion: str | None = None
    discretion_rule: str | None = None  # the candidate rule the report's reason matches

    @property
    def qualitative(self) -> bool:
        return not self.key_questions

    @property
    def lowest_percent(self) -> int | None:
        return min(kq.percent for kq in self.key_questions) if self.key_questions else None

    @property
    def rule_rating(self) -> Rating:
        """The lowest-key-question rule's rating (the published one when qualitative)."""
        if self.qualitative:
            return self.rating
        return standard_rating((kq.percent for kq in self.key_questions), bounds=self.key_questions[0].bounds)


@dataclass(frozen=True)
class Report:
    """A published inspection report (or one built from case-level answers)."""

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

    def standard(self, standard_id: str) -> Standard:
        for s in self.standards:
            if s.id == standard_id:
                return s
        raise SamplingError(f"report {self.id!r} has no standard {standard_id!r}")

    def key_question(self, key_question_id: str) -> KeyQuestion:
        for s in self.standards:
            for kq in s.key_questions:
                if kq.id == key_question_id:
                    return kq
        raise SamplingError(f"report {self.id!r} has no key question {key_question_id!r}")

    @property
    def key_questions(self) -> tuple[KeyQuestion, ...]:
        return tuple(kq for s in self.standards for kq in s.key_questions)

    @property
    def limiting(self) -> dict[str, Rating]:
        """The ratings of the framework's limiting standards that this report rates."""
        present = {s.id: s.rating for s in self.standards}
        return {j.standard: present[j.standard] for j in self.framework.limiting if j.standard in present}

    @property
    def not_rated(self) -> tuple[tuple[str, str, str], ...]:
        """(id, name, reason) of each of the framework's standards that this report does not rate."""
        present = {s.id for s in self.standards}
        result = []
        for spec in self.framework.standards:
            if spec.id in present:
                continue
            sample = self.framework.sample_names.get(spec.domain, "")
            reason = (sample and self.framework.too_small(sample, self.samples.get(sample))) \
                or "not rated in this report"
            result.append((spec.id, spec.name, reason))
        return tuple(result)

    @property
    def resettlement(self) -> Rating | None:
        for s in self.standards:
            if not s.scored:
                return s.rating
        return None

    @property
    def published_score(self) -> int:
        """The sum of the points of the published ratings of the scored standards."""
        return sum(self.framework.score_of(s.rating) for s in self.standards if s.scored)

    def evidence_rows(self, populations: Mapping[str, int] | None = None) -> tuple[EvidenceRow, ...]:
        """The frozen records behind :meth:`evidence`, one per key question."""
        return evidence_rows(self, populations)

    def evidence(self, populations: Mapping[str, int] | None = None):
        """One tidy table of what the key questions say: the shape every analysis reads.

        Parameters
        ----------
        populations : mapping, optional
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
