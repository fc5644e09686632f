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
    """One standard of a rating table."""

    id: str
    name: str
    key_question_percents: dict[str, int]
    lowest_percent: int | None
    rule_rating: Rating
    published_rating: Rating
    reason: str | None

    @property
    def differs(self) -> bool:
        return self.rule_rating is not self.published_rating

    @property
    def qualitative(self) -> bool:
        return self.lowest_percent is None


@dataclass(frozen=True)
class RatingTable:
    """A report's ratings recomputed by the rules beside the published ones."""

    report: Report
    rows: tuple[RatingRow, ...]
    rule_score: int
    published_score: int
    rule_overall: Rating
    published_overall: Rating
    not_rated: tuple[tuple[str, str, str], ...] = ()  # (id, name, reason) of standards not rated

    @property
    def differences(self) -> tuple[RatingRow, ...]:
        return tuple(r for r in self.rows if r.differs)

    @property
    def reproduced(self) -> bool:
        """Every published figure follows from the rules, but for differences the report explains.

        The printed score (where printed) and overall rating agree with the published ratings
        (checked when the report was loaded), and each standard whose published rating differs
        from the rule's carries the report's stated reason, and no other standard claims one.
        """
        return all(bool(r.reason) == r.differs for r in self.rows)

    def to_frame(self):
        """One row per standard: percentages, lowest, rule and published ratings, reason."""
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
        """The JSON shape of ``python -m sampling rate --json`` (keys fixed)."""
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
    one, 2021's 3.4 and 4.1) are taken as published.

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
