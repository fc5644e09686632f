"""What the reports did: which standards were within reach of the next band, under each rule."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _validation as check
from .. import rules as rules_module
from ..framework import Rating
from ..reports import load_report
from ..rules import StandardEvidence
from ..uncertainty import cases_to_boundary, rating_distribution
from ._common import LABELS, as_rules, check_youth_bands

__all__ = ["DiscretionRow", "DiscretionAssessment", "assess_discretion"]


@dataclass(frozen=True)
class DiscretionRow:
    """One quantitative standard of a discretion assessment.

    Each parameter is also an attribute.

    Parameters
    ----------
    id : str
        The standard's id.
    rule_rating : Rating
        The lowest-key-question rule's rating.
    published_rating : Rating
        The published rating.
    cases_to_next : int or None
        Case judgements that would take the standard to the band above (None at the top).
    p_higher : float
        P(true band above the rule's rating), a Bayesian probability.
    eligible : dict of str to bool
        Per rule, whether it would allow the rating to move up.
    cited_rule : str or None
        The candidate rule the report's reason matches.
    reason : str or None
        The report's reason for using discretion.

    Examples
    --------
    >>> row = assess_discretion("calderdale-2022").rows[2]
    >>> row.id, row.rule_rating.label, row.published_rating.label, round(row.p_higher, 3)
    ('2.3', 'Inadequate', 'Requires improvement', 0.206)
    """

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
        """The report published a rating above the rule's: discretion was used (upwards).

        Examples
        --------
        >>> assess_discretion("calderdale-2022").rows[2].applied
        True
        """
        return self.published_rating > self.rule_rating


@dataclass(frozen=True)
class DiscretionAssessment:
    """Per standard: rule and published ratings, reach of the next band, each rule's verdict.

    Made by :func:`assess_discretion`; each parameter is also an attribute.

    Parameters
    ----------
    report : str
        The report's id.
    service : str
        The service inspected.
    mode : {"process", "finite"}
        The uncertainty behind ``p_higher``.
    rules : tuple of str
        The names of the rules weighed (with any rule the report's reasons cite).
    rows : tuple of DiscretionRow
        One per standard rated from key questions.
    populations : dict of str to int or None, default None
        Finite mode: the eligible cases per sample used.
    populations_source : {"given", "plan", "implied"} or None, default None
        Finite mode: where the populations came from.

    Examples
    --------
    >>> result = assess_discretion("calderdale-2022")
    >>> result.mode, len(result.rows), result.rules[:3]
    ('process', 7, ('strict', 'within_points(5)', 'cases(1)'))
    """

    report: str
    service: str
    mode: str
    rules: tuple[str, ...]
    rows: tuple[DiscretionRow, ...]
    populations: dict[str, int] | None = None  # finite mode: the eligible cases used
    populations_source: str | None = None  # "given", "plan" or "implied" (finite mode)

    def to_frame(self):
        """One row per standard: ratings, reach, P(higher), each rule's verdict.

        Returns
        -------
        pandas.DataFrame
            Indexed by standard; columns ``rule_rating``, ``published_rating``,
            ``cases_to_next``, ``p_higher``, one ``eligible <rule>`` per rule, ``applied`` and
            ``cited_rule``.

        Examples
        --------
        >>> table = assess_discretion("calderdale-2022").to_frame()
        >>> table.loc["2.3", ["cases_to_next", "eligible cases(1)", "applied"]].to_dict()
        {'cases_to_next': 1, 'eligible cases(1)': True, 'applied': True}
        """
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
        """The JSON shape of ``python -m sampling discretion --json`` (keys fixed).

        Returns
        -------
        dict
            ``report`` and ``standards``: per standard its ``id``, ``rule_rating``,
            ``published_rating``, ``cases_to_next``, ``p_higher``, ``eligible`` (per rule) and
            ``applied``.

        Examples
        --------
        >>> data = assess_discretion("calderdale-2022").to_dict()
        >>> data["standards"][2]["eligible"]["cases(1)"], data["standards"][2]["applied"]
        (True, True)
        """
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
        """The rows where discretion was used (the published rating above the rule's).

        Examples
        --------
        >>> [row.id for row in assess_discretion("calderdale-2022").applied]
        ['2.3']
        """
        return tuple(r for r in self.rows if r.applied)

    def eligible_not_applied(self, rule: str) -> tuple[DiscretionRow, ...]:
        """Standards the named rule would have raised, where the report did not.

        Parameters
        ----------
        rule : str
            A rule's name, one of ``rules``.

        Returns
        -------
        tuple of DiscretionRow
            The rows eligible under the rule and not raised.

        Raises
        ------
        KeyError
            If the rule was not weighed.

        Examples
        --------
        >>> result = assess_discretion("calderdale-2022")
        >>> [row.id for row in result.eligible_not_applied("within_points(5)")]
        ['2.4']
        """
        return tuple(r for r in self.rows if r.eligible[rule] and not r.applied)

    def facts(self) -> list[str]:
        """The assessment stated as facts, one sentence each.

        First each standard where discretion was applied, then each the report left as the rule
        gives although some rule would have raised it.

        Returns
        -------
        list of str
            One sentence per standard.

        Examples
        --------
        >>> print(assess_discretion("calderdale-2022").facts()[0])  # doctest: +NORMALIZE_WHITESPACE
        2.3: discretion applied, Inadequate -> Requires improvement (1 case(s) from the next band,
        P(higher) = 0.21); eligible under within_points(5), cases(1), interval(0.8); the report's
        reason matches cases(1), under which it is eligible.
        """
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
    report : Report, str or path
        A report, a bundled report's id or a report file.
    rules : rule, name, callable or a sequence of them, optional
        Default: :func:`sampling.rules.default_rules` (strict, within_points(5), cases(1),
        interval(0.8), posterior(0.5)).
    mode : {"process", "finite"}, default "process"
        The uncertainty behind ``p_higher`` and the interval and posterior rules
        (:mod:`sampling.uncertainty`).
    populations : mapping of str to int, optional
        Eligible cases per sample for the finite view (default: those the samples imply).
    prior : {"jeffreys", "uniform"} or tuple of float, default "jeffreys"
        The beta prior behind ``p_higher`` (a Bayesian probability; simple random samples).

    Returns
    -------
    DiscretionAssessment
        One row per standard rated from key questions; ``p_higher`` is P(true band above the
        rule's rating) from :func:`sampling.uncertainty.rating_distribution` (key questions
        independent); ``applied`` is True where the published rating is above the rule's.

    Raises
    ------
    ReportError
        For an unknown report id or a bad report file.
    SamplingError
        For an unknown rule, mode or prior, populations that are not whole numbers of cases (or
        below their samples), or a key question with more than
        ``MAX_CASES_JUDGED`` (1,000) cases (a typo in a report's samples).

    Examples
    --------
    >>> result = assess_discretion("calderdale-2022")
    >>> row = next(r for r in result.rows if r.id == "2.3")
    >>> row.applied, row.cases_to_next, row.eligible["cases(1)"], row.cited_rule
    (True, 1, True, 'cases(1)')
    """

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
