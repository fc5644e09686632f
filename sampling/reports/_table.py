"""The rating table: a report's ratings recomputed by the rules beside the published ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..framework import Rating
from ._loader import load_report
from ._model import Report

__all__ = ["RatingRow", "RatingTable", "rate_report"]


@dataclass(frozen=True)
class RatingRow:
    """One standard of a rating table.

    Each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The standard's id.
    name : str
        Its name.
    key_question_percents : dict of str to int
        Each key question's printed percentage.
    lowest_percent : int or None
        The lowest of them (None when qualitative).
    rule_rating : Rating
        The rating the lowest-band rule gives (the published one when qualitative).
    published_rating : Rating
        The published rating.
    reason : str or None
        The report's reason for a rating that differs from the rule's (professional discretion).

    Examples
    --------
    >>> row = rate_report("calderdale-2022").differences[0]
    >>> row.id, row.lowest_percent, row.rule_rating.label, row.published_rating.label
    ('2.3', 45, 'Inadequate', 'Requires improvement')
    """

    id: str
    name: str
    key_question_percents: dict[str, int]
    lowest_percent: int | None
    rule_rating: Rating
    published_rating: Rating
    reason: str | None

    @property
    def differs(self) -> bool:
        """Whether the published rating differs from the rule's.

        Examples
        --------
        >>> {row.id: row.differs for row in rate_report("calderdale-2022").rows if row.id.startswith("2.")}
        {'2.1': False, '2.2': False, '2.3': True, '2.4': False}
        """
        return self.rule_rating is not self.published_rating

    @property
    def qualitative(self) -> bool:
        """True for a standard without key questions.

        Examples
        --------
        >>> rate_report("calderdale-2022").rows[0].qualitative
        True
        """
        return self.lowest_percent is None


@dataclass(frozen=True)
class RatingTable:
    """A report's ratings recomputed by the rules beside the published ones.

    Made by :func:`rate_report`; each parameter is also an attribute.

    Parameters
    ----------
    report : Report
        The report rated.
    rows : tuple of RatingRow
        One per standard, in the report's order.
    rule_score : int
        The score of the rule's ratings.
    published_score : int
        The score of the published ratings.
    rule_overall : Rating
        The overall rating the rule's ratings give.
    published_overall : Rating
        The published overall rating.
    not_rated : tuple of (str, str, str), default ()
        (id, name, reason) of each of the framework's standards the report does not rate.

    Examples
    --------
    >>> table = rate_report("calderdale-2022")
    >>> table.rule_score, table.published_score, table.published_overall.label
    (17, 18, 'Requires improvement')
    """

    report: Report
    rows: tuple[RatingRow, ...]
    rule_score: int
    published_score: int
    rule_overall: Rating
    published_overall: Rating
    not_rated: tuple[tuple[str, str, str], ...] = ()  # (id, name, reason) of standards not rated

    @property
    def differences(self) -> tuple[RatingRow, ...]:
        """The rows whose published rating differs from the rule's.

        Examples
        --------
        >>> [row.id for row in rate_report("calderdale-2022").differences]
        ['2.3']
        """
        return tuple(r for r in self.rows if r.differs)

    @property
    def reproduced(self) -> bool:
        """Every published figure follows from the rules, but for differences the report explains.

        The printed score (where printed) and overall rating agree with the published ratings
        (checked when the report was loaded), and each standard whose published rating differs
        from the rule's carries the report's stated reason, and no other standard claims one.

        Examples
        --------
        >>> rate_report("calderdale-2022").reproduced
        True
        """
        return all(bool(r.reason) == r.differs for r in self.rows)

    def to_frame(self):
        """One row per standard: percentages, lowest, rule and published ratings, reason.

        Returns
        -------
        pandas.DataFrame
            Indexed by standard; columns ``name``, ``key_questions`` (the percentages as text),
            ``lowest_percent``, ``rule_rating``, ``published_rating``, ``differs`` and
            ``reason``.

        Examples
        --------
        >>> table = rate_report("calderdale-2022").to_frame()
        >>> table.loc["2.3", ["key_questions", "rule_rating", "published_rating"]].tolist()
        ['55%, 45%, 64%', 'Inadequate', 'Requires improvement']
        """
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "standard": r.id,
                    "name": r.name,
                    "key_questions": ", ".join(f"{v}%" for v in r.key_question_percents.values()),
                    "lowest_percent": r.lowest_percent,
                    "rule_rating": r.rule_rating.label,
                    "published_rating": r.published_rating.label,
                    "differs": r.differs,
                    "reason": r.reason or "",
                }
                for r in self.rows
            ]
        ).set_index("standard")

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    @property
    def _evidence(self) -> dict[str, list]:
        rows: dict[str, list] = {}
        for row in self.report.evidence_rows():
            rows.setdefault(row.standard, []).append(row)
        return rows

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling rate --json`` (keys fixed).

        Returns
        -------
        dict
            ``report``, ``standards`` (per standard its ratings, ``differs``, ``reason`` and
            its key questions' evidence), ``score`` and ``overall`` (each ``{"rule",
            "published"}``) and ``not_rated``.

        Examples
        --------
        >>> data = rate_report("calderdale-2022").to_dict()
        >>> data["score"], data["overall"]["rule"]
        ({'rule': 17, 'published': 18}, 'Requires improvement')
        """
        return {
            "report": self.report.id,
            "standards": [
                {
                    "id": r.id,
                    "rule_rating": r.rule_rating.label,
                    "published_rating": r.published_rating.label,
                    "lowest_percent": r.lowest_percent,
                    "differs": r.differs,
                    "reason": r.reason,
                    "key_questions": [e.to_dict() for e in self._evidence.get(r.id, ())],
                }
                for r in self.rows
            ],
            "score": {"rule": self.rule_score, "published": self.published_score},
            "overall": {"rule": self.rule_overall.label, "published": self.published_overall.label},
            "not_rated": [{"id": sid, "name": name, "reason": reason}
                          for sid, name, reason in self.not_rated],
        }


def rate_report(report: Report | str | Path) -> RatingTable:
    """Recompute a report's ratings from its key questions by the published rules.

    Per standard: the key-question percentages, the lowest, the rating the lowest-band rule
    gives, the published rating, whether they differ and the report's stated reason; then the
    0-36 score and overall rating under the rule and as published. Qualitative standards (domain
    one, 2021's 3.4 and 4.1) are taken as published. The rules are the framework's (the reports'
    ratings annexe, e.g. Calderdale 2022, Annexe 2; ``sampling.framework``).

    Parameters
    ----------
    report : Report, str or path
        A report, a bundled report's id or a report file.

    Returns
    -------
    RatingTable
        The rule's ratings beside the published ones.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.

    Examples
    --------
    >>> table = rate_report("calderdale-2022")
    >>> table.rule_score, table.published_score, table.rule_overall.label
    (17, 18, 'Requires improvement')
    >>> [row.id for row in table.differences], table.reproduced
    (['2.3'], True)
    """
    report = load_report(report)
    rows = tuple(
        RatingRow(
            id=s.id,
            name=s.name,
            key_question_percents={kq.id: kq.percent for kq in s.key_questions},
            lowest_percent=s.lowest_percent,
            rule_rating=s.rule_rating,
            published_rating=s.rating,
            reason=s.discretion,
        )
        for s in report.standards
    )
    framework = report.framework
    rule_score = sum(framework.score_of(s.rule_rating) for s in report.standards if s.scored)
    return RatingTable(
        report=report,
        rows=rows,
        rule_score=rule_score,
        published_score=report.published_score,
        rule_overall=framework.overall_from_ratings({s.id: s.rule_rating for s in report.standards}),
        published_overall=report.overall,
        not_rated=report.not_rated,
    )
