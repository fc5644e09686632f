"""What the reports did: which standards were within reach of the next band, under each rule."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _validation as check
from .. import rules as rules_module
from ..framework import Rating
from ..reports import load_report
from ..rules import StandardEvidence
from ._common import LABELS, as_rules, check_youth_bands

__all__ = ["DiscretionRow", "DiscretionAssessment", "assess_discretion"]


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
    populations: dict[str, int] | None = None  # finite mode: the eligible cases used
    populations_source: str | None = None  # "given" or "implied" (finite mode)

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
    populations : mapping, optional
        Eligible cases per sample for the finite view (default: those the samples imply).
    prior : "jeffreys", "uniform" or (a, b)
        The beta prior behind ``p_higher`` (a Bayesian probability; simple random samples).

    Returns
    -------
    DiscretionAssessment
        One row per standard rated from key questions; ``p_higher`` is P(true band above the
        rule's rating) from :func:`sampling.uncertainty.rating_distribution` (key questions
        independent); ``applied`` is True where the published rating is above the rule's.

    Raises
    ------
    SamplingError
        For an unknown rule, mode or prior, populations that are not whole numbers of cases (or
        below their samples), or a key question with more than
        :data:`sampling._validation.MAX_CASES_JUDGED` cases (a typo in a report's samples).

    Examples
    --------
    >>> result = assess_discretion("calderdale-2022")
    >>> row = next(r for r in result.rows if r.id == "2.3")
    >>> row.applied, row.cases_to_next, row.eligible["cases(1)"], row.cited_rule
    (True, 1, True, 'cases(1)')
    """
    from ..uncertainty import cases_to_boundary, rating_distribution

    report = load_report(report)
    check_youth_bands(report)
    for kq in report.key_questions:  # the rules walk case by case: refuse an implausible sample first
        check.cases_judged(kq.n, f"key question {kq.id}: n")
    chosen = as_rules(rules)
    cited = {s.discretion_rule for s in report.standards if s.discretion_rule}
    chosen += tuple(rules_module.parse(name) for name in sorted(cited - {r.name for r in chosen}))
    dist = rating_distribution(report, mode=mode, populations=populations, prior=prior)
    evidence: dict[str, list] = {}
    for row in report.evidence_rows(dist.populations):
        evidence.setdefault(row.standard, []).append(row)
    rows = []
    for standard in report.standards:
        if standard.qualitative:
            continue
        weighed = StandardEvidence.from_rows(evidence[standard.id])
        rule_rating = standard.rule_rating
        probabilities = dist.standards.loc[standard.id, LABELS].to_numpy(dtype=float)
        rows.append(DiscretionRow(
            id=standard.id,
            rule_rating=rule_rating,
            published_rating=standard.rating,
            cases_to_next=cases_to_boundary(standard).up,
            p_higher=float(probabilities[int(rule_rating) + 1:].sum()),
            eligible={rule.name: bool(rule(weighed)) for rule in chosen},
            cited_rule=standard.discretion_rule,
            reason=standard.discretion,
        ))
    return DiscretionAssessment(report.id, report.service, mode, tuple(r.name for r in chosen), tuple(rows),
                                dist.populations, dist.populations_source)
