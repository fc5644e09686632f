"""The methodology annexe: one parameterised notebook, executed for an inspection or a bundled report.

The template ``sampling/templates/annexe.ipynb`` has a cell tagged ``parameters`` (papermill's
convention) naming its source: a bundled report id, a report TOML file, or an answers workbook
(:mod:`sampling.answers`). :func:`execute_annexe` copies the template, puts a cell tagged
``injected-parameters`` after that cell with the values for this run, and executes it (nbclient);
:func:`write_annexe` exports the executed notebook without its code as one self-contained HTML
file (nbconvert), figures embedded as base64 images. The five report notebooks in
``notebooks/reports/`` are the same template executed on the bundled reports.

The template only calls the package: what it shows is computed here, from the public functions
of the toolkit (``methodology/report-format.md`` describes the sections).
"""

from __future__ import annotations

import copy
import html
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ._errors import SamplingError
from .framework import BAND_LOWER_BOUNDS, Rating

__all__ = [
    "AnnexeText",
    "Draw",
    "AnnexeResult",
    "template_path",
    "annexe_report",
    "finite_populations",
    "heading",
    "sample_table",
    "illustrative_draw",
    "rules_text",
    "key_question_table",
    "score_summary",
    "certainty_table",
    "overall_table",
    "discretion_assessment",
    "discretion_table",
    "discretion_text",
    "notable_facts",
    "conclusion",
    "execute_annexe",
    "annexe_html",
    "write_annexe",
]

_LABELS = Rating.labels()


# the youth bands (Essex 2018, Annex 1), the ones the discretion rules are written for
_YOUTH_BOUNDS = tuple(BAND_LOWER_BOUNDS.values())


def _lower_bounds(framework) -> dict[Rating, int]:
    """The lowest printed percentage of Requires improvement, Good and Outstanding."""
    return dict(zip(list(Rating)[1:], framework.band_lower_bounds, strict=True))


def _score_bands(framework) -> dict[Rating, tuple[int, int]]:
    return dict(zip(Rating, framework.score_bands, strict=True))


def _scored(framework) -> bool:
    """Whether the framework's overall rating comes from a score (not from areas)."""
    return framework.overall_method != "areas"


def _overall_of(report, ratings) -> Rating:
    """The overall rating of these standards' ratings by the report's framework's method."""
    return report.framework.overall_from_ratings(ratings)


def _score_of(report, ratings) -> int:
    framework = report.framework
    return sum(framework.score_of(ratings[s.id]) for s in framework.scored_standards if s.id in ratings)


def _display(sample: str) -> str:
    return sample.replace("_", "-")


def _html_escape(text: str) -> str:
    """Text for Markdown that becomes HTML: ``&``, ``<`` and ``>`` as entities, so that no string
    (a service's name, a file's name) can open a tag or a script."""
    return html.escape(str(text), quote=False)


def _literal(text) -> str:
    """A user's string (a service's name, a report id) as literal Markdown: its Markdown
    punctuation escaped, so that ``*`` or ``_`` in a name neither bolds nor italicises."""
    return re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", str(text))


@dataclass(frozen=True)
class AnnexeText:
    """Sentences for the annexe: Markdown in a notebook and in the HTML, plain text elsewhere."""

    title: str
    lines: tuple[str, ...]
    bullets: bool = True

    def _repr_markdown_(self) -> str:
        lines = [_html_escape(line) for line in self.lines]
        body = "\n".join(f"- {line}" for line in lines) if self.bullets else "\n\n".join(lines)
        return (f"**{_html_escape(self.title)}**\n\n" if self.title else "") + body

    def __repr__(self) -> str:
        head = [self.title] if self.title else []
        return "\n".join(head + [("- " if self.bullets else "") + line.replace("**", "")
                                 for line in self.lines])

    def to_dict(self) -> dict:
        return {"title": self.title, "lines": list(self.lines)}


# --------------------------------------------------------------------------------------------
# the source and its populations


def template_path() -> Path:
    """The annexe template, as installed with the package."""
    return Path(str(resources.files("sampling") / "templates" / "annexe.ipynb"))


def annexe_report(source, *, service: str | None = None):
    """The report an annexe is about: a bundled id or a .toml file (:func:`sampling.load_report`),
    or an answers workbook (.xlsx: :func:`sampling.answers.read_answers`, then its report).

    >>> annexe_report("essex-2018").service
    'Essex Youth Offending Service'
    """
    from .reports import Report, load_report

    if isinstance(source, Report):
        return source
    if hasattr(source, "report") and hasattr(source, "frame"):  # sampling.answers.Answers
        return source.report(service=service)
    if str(source).lower().endswith(".xlsx"):
        from .answers import read_answers

        return read_answers(source).report(service=service)
    return load_report(source)


def finite_populations(report, populations: Mapping[str, int] | None = None) -> dict[str, int]:
    """The eligible cases behind each sample for the finite analyses: those given, else those the
    sample implies (the smallest N for which the reports' formula gives n).

    Raises
    ------
    SamplingError
        Listing every given population that is not a whole number of cases at least its sample,
        or names no sample of the report; and any sample that implies no population (above 165)
        and has none given.

    Examples
    --------
    >>> finite_populations(annexe_report("essex-2018"))
    {'court': 57, 'out_of_court': 33}
    >>> finite_populations(annexe_report("essex-2018"), {"out-of-court": 40})
    {'court': 57, 'out_of_court': 40}
    """
    from .size import populations_for_sample_size

    given = {str(k).strip().lower().replace("-", "_").replace(" ", "_"): v
             for k, v in (populations or {}).items()}
    problems = []
    for name, value in given.items():
        if name not in report.samples:
            problems.append(f"{_display(name)} is not a sample of this report (samples: "
                            + ", ".join(_display(s) for s in report.samples) + ")")
        elif isinstance(value, bool) or not isinstance(value, int) or value < report.samples[name]:
            problems.append(f"{_display(name)} = {value!r} must be a whole number of eligible cases, at "
                            f"least its sample of {report.samples[name]}")
    result = {}
    for name, n in report.samples.items():
        if not n:
            continue  # a domain with no cases (Sunderland 2022: no resettlement cases) has none to imply
        if name in given:
            result[name] = given[name]
            continue
        if name in report.populations:  # the plan's count of eligible cases
            result[name] = report.populations[name]
            continue
        implied = populations_for_sample_size(n)
        if implied.empty:
            problems.append(f"the {_display(name)} sample of {n} implies no population; give it, "
                            f"e.g. {_display(name)}=N")
        else:
            result[name] = implied.low
    if problems:
        raise SamplingError("populations: " + "; ".join(problems))
    return result


def heading(report) -> AnnexeText:
    """The annexe's first lines: the service, when, the framework and the samples."""
    samples = ", ".join(f"{_display(k)} {v}" for k, v in report.samples.items())
    published = ("not published: rated from the inspectors' case answers"
                 if report.published == "unpublished" else f"published {report.published}")
    return AnnexeText(f"{_literal(report.service)}: methodology annexe", (
        f"Source: {_literal(report.id)}, {published}.",
        f"Framework: {report.framework.name} ({report.framework.description}).",
        f"Cases inspected: {samples}.",
    ))


def sample_table(report, populations: Mapping[str, int] | None = None):
    """Per sample: n, the eligible population (given, the plan's, or implied by the formula), the margin the
    sample achieves there (normal and exact), whether it is a census, and what one case is worth.

    Returns
    -------
    pandas.DataFrame
        Indexed by sample: ``n``, ``population``, ``population_from`` ("given", "the plan" or
        "implied"),
        ``margin`` and ``margin_exact`` (proportions, at 80 % confidence), ``census``,
        ``points_per_case`` (100 / n, unrounded).

    Examples
    --------
    >>> table = sample_table(annexe_report("calderdale-2022"))
    >>> row = table.loc["court"]
    >>> int(row.n), int(row.population), row.population_from, bool(row.census)
    (11, 11, 'implied', True)
    """
    import pandas as pd

    from .size import margin_of_error

    used = finite_populations(report, populations)
    given = {str(k).strip().lower().replace("-", "_").replace(" ", "_") for k in (populations or {})}
    rows = []
    for name, n in report.samples.items():
        if name not in used:
            continue  # a sample of 0
        big_n = used[name]
        rows.append({"sample": _display(name), "n": int(n), "population": int(big_n),
                     "population_from": "given" if name in given else
                     "the plan" if name in report.populations else "implied",
                     "margin": margin_of_error(n, big_n),
                     "margin_exact": margin_of_error(n, big_n, method="exact"),
                     "census": bool(n == big_n), "points_per_case": 100 / n})
    return pd.DataFrame(rows).set_index("sample")


# --------------------------------------------------------------------------------------------
# an illustrative draw


@dataclass(frozen=True)
class Draw:
    """A balanced draw of each sample from a synthetic case list of its population (or nothing,
    when no seed was given: a real inspection's sample is drawn by ``python -m sampling plan``)."""

    seed: int | None
    populations: Mapping[str, int]
    samples: Mapping[str, int]
    balance: object = field(repr=False)  # DataFrame: domain, variable, category -> population, target, sample
    subgroups: object = field(repr=False)  # DataFrame: margins of boys and girls in each sample
    balanced: bool = True

    def _summary(self) -> str:
        if self.seed is None:
            return ("No illustrative draw: this inspection's sample was drawn by "
                    "`python -m sampling plan`, whose workbook records the seed and the balance.")
        parts = ", ".join(f"{n} of {self.populations[k]} {_display(k)} cases"
                          for k, n in self.samples.items())
        verdict = ("every category's sample count is the floor or the ceiling of its target"
                   if self.balanced else "some category missed its target by more than a case")
        return f"Synthetic case lists drawn with seed {self.seed}: {parts}; {verdict}."

    def __repr__(self) -> str:
        if self.seed is None:
            return self._summary()
        return "\n\n".join([self._summary(), self.balance.to_string(), self.subgroups.to_string()])

    def _repr_html_(self) -> str:
        if self.seed is None:
            return f"<p>{self._summary()}</p>"
        return (f"<p>{self._summary()}</p>" + self.balance._repr_html_()
                + "<p>Sub-samples have wider margins: boys and girls in each sample drawn.</p>"
                + self.subgroups._repr_html_())


def _synthetic_cases(populations: Mapping[str, int], seed: int):
    """A synthetic case list with exactly ``populations[d]`` cases of each sample d: court and
    out-of-court cases of their own domain; a 2025 children's sample of any domain, kept as its
    ``case_type``; victims' cases as synthetic ids."""
    import pandas as pd

    from .synthetic import case_list

    size = 2 * sum(populations.values()) + 20
    while True:
        cases = case_list(size, rng=seed)
        counts = cases["domain"].value_counts()
        if all(counts.get(d, 0) >= n for d, n in populations.items() if d in ("court", "out_of_court")):
            break
        size *= 2
    parts = []
    for d, n in populations.items():
        if d in ("court", "out_of_court"):
            parts.append(cases[cases["domain"] == d].head(n))
        elif d == "victims":
            parts.append(pd.DataFrame({"case_id": [f"V-{i + 1:05d}" for i in range(n)], "domain": d}))
        else:
            pooled = case_list(n, rng=seed)
            parts.append(pooled.assign(case_type=pooled["domain"], domain=d))
    return pd.concat(parts, ignore_index=True)


def _draw_strata(sample: str) -> tuple[str, ...]:
    """What a sample of the plan is balanced on (as :func:`sampling.plan` balances it)."""
    from .selection import DEFAULT_STRATA

    return {"victims": ("domain",), "children": ("case_type", *DEFAULT_STRATA)}.get(sample, DEFAULT_STRATA)


def illustrative_draw(report, *, seed: int | None, populations=None, reserves: int = 3) -> Draw:
    """Draw each sample of ``report`` that its key questions are judged on from a synthetic case
    list of its population, balanced as :func:`sampling.plan` balances it: court and out-of-court
    samples on the four variables (:func:`sampling.select`), a 2025 children's sample on its case
    type too, a victims' sample at random.

    Parameters
    ----------
    seed : int or None
        A whole number from 0 (the same seed, the same draw); None draws nothing.
    populations : mapping, optional
        As :func:`finite_populations`.
    reserves : int
        Reserves per sample (fewer where the population has fewer cases left).

    Examples
    --------
    >>> draw = illustrative_draw(annexe_report("essex-2018"), seed=2018)
    >>> dict(draw.samples), dict(draw.populations), draw.balanced
    ({'court': 43, 'out_of_court': 28}, {'court': 57, 'out_of_court': 33}, True)
    """
    import pandas as pd

    from .selection import select
    from .size import subgroup_margins

    used = finite_populations(report, populations)
    judged = {report.framework.sample_of(kq.id) for kq in report.key_questions}
    wanted = {d: n for d, n in report.samples.items() if d in judged and d in used}
    used = {d: used[d] for d in wanted}
    if seed is None:
        return Draw(None, used, wanted, pd.DataFrame(), pd.DataFrame())
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SamplingError(f"seed must be a whole number from 0, got {seed!r}")
    cases = _synthetic_cases(used, seed)
    balance, groups, balanced = [], [], True
    for domain, n in wanted.items():
        part = cases[cases["domain"] == domain]
        chosen = select(part, n, strata=_draw_strata(domain), reserves=min(reserves, len(part) - n), rng=seed)
        balanced = balanced and chosen.balanced
        table = chosen.balance[["variable", "category", "population", "target", "sample"]]
        balance.append(table.assign(domain=_display(domain)))
        if "gender" in part.columns and part["gender"].notna().all():
            margins = subgroup_margins(chosen.sample["gender"], part["gender"])
            groups.append(margins.assign(domain=_display(domain)).reset_index())
    balance = pd.concat(balance, ignore_index=True).set_index(["domain", "variable", "category"])
    groups = pd.concat(groups, ignore_index=True).set_index(["domain", "subgroup"])
    return Draw(seed, used, wanted, balance.round(2), groups.round(4), balanced)


# --------------------------------------------------------------------------------------------
# the ratings


def rules_text(report) -> AnnexeText:
    """The rating rules the annexe applies, stated from the report's framework (its file)."""
    framework = report.framework
    lowers = list(_lower_bounds(framework).items())
    bands = [f"{Rating.INADEQUATE.label} below {lowers[0][1]} %"]
    for (rating, low), upper in zip(lowers, [b for _, b in lowers[1:]] + [None], strict=True):
        bands.append(f"{rating.label} {low}-{upper - 1} %" if upper else f"{rating.label} {low} % and over")
    qualitative = ", ".join(s.id for s in framework.standards if s.qualitative)
    lines = ["A key question's percentage is its yes answers out of its relevant cases (yes and no), "
             "printed as a whole number rounded half up.",
             "Bands of the printed percentage: " + "; ".join(bands) + ".",
             "A standard takes the band of its lowest key question"
             + (f"; qualitative standards ({qualitative}) are rated from other evidence." if qualitative
                else ".")]
    if framework.overall_method == "areas":
        areas = ", ".join(framework.areas)
        lines.append(f"Each area ({areas}) takes the lowest rating of its rated standards; the overall "
                     "rating is the lowest area's. No score is formed.")
    elif framework.overall_method == "percent":
        lows = ", ".join(f"{rating.label} from {low} %" for rating, low in
                         zip(list(Rating)[1:], framework.percent_bounds, strict=True))
        lines.append(f"The overall rating is from the score as a percentage of the highest possible "
                     f"({framework.max_score}): {lows}.")
    else:
        scores = ", ".join(f"{low}-{high} {rating.label}" for rating, (low, high)
                           in _score_bands(framework).items())
        lines.append(f"Each scored standard gives {framework.points[0]}-{framework.points[-1]} points; the "
                     f"overall rating of the 0-{framework.max_score} score: {scores}.")
    for judgement in framework.limiting:
        lines.append(f"A {judgement.when.label} rating of {judgement.standard} "
                     f"({framework.standard(judgement.standard).name}) bars an overall rating above "
                     f"{judgement.cap.label}.")
    if framework.assumptions:
        lines.append(f"The framework file ({framework.name}) marks what it assumes where the public "
                     "record is "
                     "silent: " + " ".join(framework.assumptions))
    return AnnexeText("The rules", tuple(lines))


def key_question_table(report):
    """One row per key question: its wording, yes, relevant cases, printed %, band, and where its
    denominator came from ("answers", "stated", "sample", "assumed" or "inferred").

    >>> table = key_question_table(annexe_report("nottingham-city-2020"))
    >>> table.loc["2.4.3", ["yes", "relevant", "percent", "band", "denominator"]].astype(str).tolist()
    ['5', '11', '45', 'Inadequate', 'stated']
    """
    import pandas as pd

    from .answers import key_question_wording

    wording = key_question_wording(report.framework.path or report.framework.name)
    rows = [{"key_question": kq.id, "standard": s.id, "question": wording[kq.id], "yes": kq.k,
             "relevant": kq.n, "percent": kq.percent, "band": report.framework.band(kq.percent).label,
             "denominator": kq.denominator}
            for s in report.standards for kq in s.key_questions]
    return pd.DataFrame(rows).set_index("key_question")


def _position(score: int, framework) -> str:
    bands = _score_bands(framework)
    rating = next(r for r, (low, high) in bands.items() if low <= score <= high)
    low, high = bands[rating]
    if score == low:
        return f"the lowest score that is {rating.label} ({low}-{high})"
    if score == high:
        return f"the highest score that is {rating.label} ({low}-{high})"
    return f"{score - low} above the lowest and {high - score} below the highest {rating.label} score"


def _area_lines(report, ratings) -> list[str]:
    """Each area's rating (the lowest of its rated standards) and the standards not rated."""
    framework = report.framework
    lines = []
    for area in framework.areas:
        rated = [ratings[s.id] for s in framework.standards if s.area == area and s.id in ratings]
        why = [reason for sid, _, reason in report.not_rated if framework.standard(sid).area == area]
        lines.append(f"{area}: **{min(rated).label}**" if rated
                     else f"{area}: not rated" + (f" ({why[0]})" if why else ""))
    return lines


def score_summary(table) -> AnnexeText:
    """The score (or, for a framework rated by areas, each area's rating) and the overall rating,
    by the rules and as published (a :class:`RatingTable`)."""
    report, top = table.report, table.report.framework.max_score
    framework = report.framework
    unpublished = report.published == "unpublished"
    rules = {s.id: s.rule_rating for s in report.standards}
    if _scored(framework):
        where = _position(table.rule_score, framework)
        lines = [f"Score by the rules: **{table.rule_score}/{top}**, {where}."]
    else:
        lines = ["Areas by the rules: " + "; ".join(_area_lines(report, rules)) + "."]
    lines.append(f"Overall rating by the rules: **{table.rule_overall.label}**.")
    if unpublished:
        lines.append("Every quantitative standard is rated by the rules from the case answers; "
                     "qualitative standards as the inspectors rated them.")
    else:
        published = (f"Published: {table.published_score}/{top}, " if _scored(framework) else "Published: ")
        printed = ((f" (printed score {report.score}/{top})" if report.score is not None else
                    " (the report prints no score; the published ratings sum to it)") if _scored(framework)
                   else "")
        lines += [published + f"**{table.published_overall.label}**" + printed + ".",
                  "Every published rating follows from the rules or from a reason the report states: "
                  + ("yes." if table.reproduced else "NO: see the standards whose rating differs.")]
    if report.not_rated:
        lines.append("Not rated: " + "; ".join(f"{name} ({reason})" for _, name, reason in report.not_rated)
                     + ".")
    title = "Score and overall rating" if _scored(framework) else "Areas and overall rating"
    return AnnexeText(title, tuple(lines))


def certainty_table(report, populations: Mapping[str, int] | None = None):
    """Per standard rated from key questions: the rules' rating, P(each band) under process
    uncertainty, P(that same rating) under process and finite uncertainty, and the cases that
    must change for the band above and below (:func:`sampling.cases_to_boundary`).

    >>> import pandas as pd
    >>> table = certainty_table(annexe_report("calderdale-2022"))
    >>> row = table.loc["2.3"]
    >>> row.rating, int(row.cases_up), row.cases_down is pd.NA   # Inadequate: no band below
    ('Inadequate', 1, True)
    """
    import pandas as pd

    from .uncertainty import cases_to_boundary, rating_distribution

    process = rating_distribution(report).standards
    finite = rating_distribution(report, mode="finite",
                                 populations=finite_populations(report, populations)).standards
    rows = []
    for standard in report.standards:
        if standard.qualitative:
            continue
        rating = standard.rule_rating.label
        reach = cases_to_boundary(standard)
        rows.append({"standard": standard.id, "rating": rating,
                     **{f"P({label})": float(process.loc[standard.id, label]) for label in _LABELS},
                     "p_rating_process": float(process.loc[standard.id, rating]),
                     "p_rating_finite": float(finite.loc[standard.id, rating]),
                     "cases_up": reach.up, "cases_down": reach.down})
    return pd.DataFrame(rows).set_index("standard").astype({"cases_up": "Int64", "cases_down": "Int64"})


def overall_table(process, finite):
    """P(each overall rating) under both kinds of uncertainty (two :class:`RatingDistribution`)."""
    import pandas as pd

    rows = []
    for dist in (process, finite):
        pops = ", ".join(f"{_display(k)} {v}" for k, v in (dist.populations or {}).items())
        rows.append({"uncertainty": dist.mode, **{label: float(dist.overall[label]) for label in _LABELS},
                     "populations": pops or "(underlying practice)"})
    return pd.DataFrame(rows).set_index("uncertainty")


def discretion_assessment(report):
    """:func:`sampling.assess_discretion` of the report, or None where its framework bands key
    questions other than at 50, 65 and 80 % (the candidate rules are written for those bands).

    Parameters
    ----------
    report : Report
        The report (:func:`annexe_report`).

    Returns
    -------
    DiscretionAssessment or None
        None where the framework's bands are not the youth bands.

    Examples
    --------
    >>> discretion_assessment(annexe_report("calderdale-2022")).applied[0].id
    '2.3'
    """
    from .discretion import assess_discretion

    if tuple(report.framework.band_lower_bounds) != _YOUTH_BOUNDS:
        return None
    return assess_discretion(report)


def discretion_table(assessment):
    """The assessment's table, rounded to three places; empty without one.

    Parameters
    ----------
    assessment : DiscretionAssessment or None
        From :func:`discretion_assessment`.

    Returns
    -------
    pandas.DataFrame
        ``assessment.to_frame()`` rounded, or an empty frame for None.

    Examples
    --------
    >>> discretion_table(None).empty
    True
    """
    import pandas as pd

    return pd.DataFrame() if assessment is None else assessment.to_frame().round(3)


def discretion_text(report, assessment) -> AnnexeText:
    """The report's own reasons for each discretion decision, then the assessment as facts."""
    lines = [f"{s.id} ({s.name}): the report's reason: \u201c{s.discretion}\u201d"
             for s in report.standards if s.discretion]
    if assessment is None:
        bounds = ", ".join(map(str, report.framework.band_lower_bounds))
        youth = ", ".join(map(str, _YOUTH_BOUNDS))
        lines.append(f"The candidate discretion rules are written for the youth bands ({youth} %); "
                     f"{report.framework.name} bands key questions from {bounds} %, so they are not "
                     "assessed here.")
        return AnnexeText("Professional discretion", tuple(lines))
    facts = assessment.facts()
    lines += facts
    lines += _what_if_lines(report, assessment)
    if not lines:
        lines = ["No standard was within reach of the band above under any candidate rule, and no "
                 "discretion was used."]
    elif not facts:
        lines.append("No other standard was within reach of the band above under any candidate rule.")
    return AnnexeText("Professional discretion", tuple(lines))


def _what_if_lines(report, assessment) -> list[str]:
    """The score (or overall rating) if each candidate rule raised every standard it makes eligible."""
    rows = {row.id: row for row in assessment.rows}
    if not rows:
        return []
    outcomes = []
    for rule in assessment.rules:
        ratings = {s.id: s.rating for s in report.standards}
        ratings.update({sid: Rating(int(row.rule_rating) + int(row.eligible[rule]))
                        for sid, row in rows.items()})
        overall = _overall_of(report, ratings).label
        outcomes.append(f"{rule} {_score_of(report, ratings)} ({overall})" if _scored(report.framework)
                        else f"{rule} {overall}")
    what = "the score" if _scored(report.framework) else "the overall rating"
    return [f"Had each candidate rule raised every standard it makes eligible, and no other, {what} "
            "would be: " + "; ".join(outcomes) + "."]


# --------------------------------------------------------------------------------------------
# what to notice


def _unrounded_band(k: int, n: int, framework) -> Rating:
    """The band of the share k / n itself, not of its printed percentage (integer arithmetic)."""
    result = Rating.INADEQUATE
    for rating, lower in _lower_bounds(framework).items():
        if 100 * k >= lower * n:
            result = rating
    return result


def _rounding_facts(report) -> list[str]:
    framework = report.framework
    lines, unrounded, changed = [], {}, False
    for standard in report.standards:
        if standard.qualitative:
            unrounded[standard.id] = standard.rating
            continue
        unrounded[standard.id] = min(_unrounded_band(kq.k, kq.n, framework) for kq in standard.key_questions)
        for kq in standard.key_questions:
            share = _unrounded_band(kq.k, kq.n, framework)
            if share < framework.band(kq.percent):
                changed = True
                lines.append(f"{kq.id}: {kq.k} of {kq.n} is {100 * kq.k / kq.n:.2f} %, printed "
                             f"{kq.percent} % and so {framework.band(kq.percent).label}; the unrounded "
                             "share is "
                             f"{share.label}. The bands apply to the printed percentage.")
            if round(100 * kq.k / kq.n) != kq.percent:
                lines.append(f"{kq.id}: {kq.k} of {kq.n} is exactly {100 * kq.k / kq.n:.1f} %, printed "
                             f"{kq.percent} % (half up); Python's round() would print "
                             f"{round(100 * kq.k / kq.n)} %.")
    if changed:
        rules = {s.id: s.rule_rating for s in report.standards}
        if _scored(framework):
            lines.append(f"Had the bands applied to unrounded shares, the score would be "
                         f"{_score_of(report, unrounded)} ({_overall_of(report, unrounded).label}) "
                         "rather than "
                         f"{_score_of(report, rules)} ({_overall_of(report, rules).label}).")
        else:
            lines.append(f"Had the bands applied to unrounded shares, the overall rating would be "
                         f"{_overall_of(report, unrounded).label} rather than "
                         f"{_overall_of(report, rules).label}.")
    return lines


def _denominator_facts(report) -> list[str]:
    from .reports import feasible_denominators

    lines, fewer = [], []
    for kq in report.key_questions:
        sample_name = report.framework.sample_of(kq.id)
        sample = report.samples.get(sample_name)
        if kq.denominator == "answers":
            if sample and kq.n < sample:
                fewer.append(f"{kq.id} ({kq.n} of {sample})")
            continue
        if kq.denominator == "sample" or sample is None:
            continue
        feasible = feasible_denominators(kq.percent, sample)
        whole = (f"{kq.percent} % cannot come from the {_display(sample_name)} sample of {sample}"
                 if sample not in feasible else f"the {_display(sample_name)} sample is {sample}")
        origin = {"stated": "the report states the denominator",
                  "assumed": "the file assumes the largest denominator that prints it (an analyst's "
                             "assumption, not the report's figure)",
                  "inferred": "the toolkit inferred the largest denominator that prints it"}[kq.denominator]
        lines.append(f"{kq.id}: {kq.k} of {kq.n}; {whole} (denominators up to {sample} that print "
                     f"{kq.percent} %: {', '.join(map(str, feasible))}); {origin}.")
    if fewer:
        lines.append("Key questions judged on fewer cases than their sample (the rest not relevant): "
                     + ", ".join(fewer) + ".")
    return lines


def _sample_facts(report, populations) -> list[str]:
    table = sample_table(report, populations)
    rated = {_display(report.framework.sample_of(kq.id)) for kq in report.key_questions}
    lines = []
    for name, row in table[table.index.isin(rated)].iterrows():
        lines.append(f"One case of the {name} sample of {row.n} moves a key question by "
                     f"{row.points_per_case:.1f} percentage points (more where fewer cases are relevant).")
        if row.census:
            lines.append(f"The {name} sample of {row.n} is the whole eligible population "
                         f"({row.population_from}): there is no finite uncertainty about those cases, "
                         "only process uncertainty about the service's practice.")
    return lines


def _discretion_margin_facts(report, populations) -> list[str]:
    from .size import margin_of_error
    from .uncertainty import interval

    used = finite_populations(report, populations)
    lines = []
    for standard in report.standards:
        if standard.qualitative or standard.rating <= standard.rule_rating:
            continue
        kq = min(standard.key_questions, key=lambda q: q.percent)
        sample_name = report.framework.sample_of(kq.id)
        found = interval(kq.k, kq.n)
        n, big_n = report.samples[sample_name], used[sample_name]
        design = (f"the whole {_display(sample_name)} sample's design margin at {big_n} eligible cases is "
                  f"\u00b1{100 * margin_of_error(n, big_n):.1f} points" if n < big_n else
                  f"the {_display(sample_name)} sample is a census of the {big_n} eligible cases it implies")
        lines.append(f"{standard.id} was raised from {standard.rule_rating.label} to "
                     f"{standard.rating.label}. Its lowest key question, {kq.id} ({kq.k} of {kq.n}), has "
                     f"a {found.method.capitalize()} interval at {found.confidence:.0%} confidence"
                     f"{' on average' if found.method == 'wilson' else ''} from "
                     f"{100 * found.low:.1f} to {100 * found.high:.1f} %, "
                     f"{100 * (found.high - found.low):.1f} points wide, for the service's practice; "
                     f"{design}.")
    return lines


def notable_facts(report, populations: Mapping[str, int] | None = None) -> AnnexeText:
    """What is particular to this report or inspection, found from its figures: where rounding
    decides a band, denominators that are not the sample, what one case is worth, census samples,
    where the score sits in its band, and discretion decisions against the margins.

    >>> facts = notable_facts(annexe_report("cambridgeshire-2023"))
    >>> print(facts.lines[0])  # doctest: +ELLIPSIS
    2.1.2: 11 of 17 is 64.71 %, printed 65 % and so Good; the unrounded share is Requires improvement. ...
    """
    from .reports import rate_report

    table = rate_report(report)
    lines = _rounding_facts(report) + _denominator_facts(report) + _sample_facts(report, populations)
    if _scored(report.framework):
        lines.append(f"The score by the rules, {table.rule_score}, is "
                     f"{_position(table.rule_score, report.framework)}.")
    else:
        rules = {s.id: s.rule_rating for s in report.standards}
        lines.append(f"The overall rating by the rules, {table.rule_overall.label}, is the lowest of the "
                     "areas' "
                     "ratings: " + "; ".join(x.replace("**", "") for x in _area_lines(report, rules)) + ".")
    lines += _discretion_margin_facts(report, populations)
    return AnnexeText("What to notice", tuple(lines))


def conclusion(report, populations: Mapping[str, int] | None = None) -> AnnexeText:
    """The annexe's conclusion, in figures: the rating, how likely the rules would give it with
    full knowledge, the standards one case from another band, and what discretion changed."""
    from .reports import rate_report
    from .uncertainty import cases_to_boundary, rating_distribution

    table = rate_report(report)
    rated = table.published_overall
    process = rating_distribution(report)
    finite = rating_distribution(report, mode="finite", populations=finite_populations(report, populations))
    if _scored(report.framework):
        headline = (f"**{rated.label}**, score {table.published_score}/{report.framework.max_score}"
                    + ("" if table.rule_score == table.published_score
                       else f" ({table.rule_score} by the rules)")
                    + ".")
    else:
        published = {s.id: s.rating for s in report.standards}
        headline = (f"**{rated.label}** overall: "
                    + "; ".join(x.replace("**", "") for x in _area_lines(report, published)) + ".")
    lines = [headline,
             f"The probability that the rules would give {rated.label} if the service's underlying practice "
             f"were known is {float(process.overall[rated.label]):.2f} (process uncertainty); if every "
             f"eligible case were inspected, {float(finite.overall[rated.label]):.2f} (finite uncertainty).",
             ]
    near = []
    for standard in report.standards:
        reach = None if standard.qualitative else cases_to_boundary(standard)
        moves = [word for word, count in (("up", reach and reach.up), ("down", reach and reach.down))
                 if count == 1]
        if moves:
            near.append(f"{standard.id} ({' or '.join(moves)})")
    if near:
        lines.append("One changed judgement would move the band of: " + ", ".join(near) + ".")
    assessment = discretion_assessment(report)
    applied = () if assessment is None else assessment.applied
    if applied:
        changed = "changes" if table.rule_overall is not table.published_overall else "does not change"
        lines.append(f"Professional discretion raised {', '.join(r.id for r in applied)}; it {changed} the "
                     f"overall rating ({table.rule_overall.label} by the rules).")
    return AnnexeText("Conclusion", tuple(lines), bullets=False)


# --------------------------------------------------------------------------------------------
# executing the template


def _notebook_tools():
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        raise SamplingError("the annexe needs nbformat, nbclient, nbconvert and ipykernel: "
                            "pip install 'inspection-sampling[annexe]'") from None
    return nbformat, NotebookClient


def _parameter_lines(parameters: Mapping[str, object]) -> str:
    lines = ["# Parameters injected for this run"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    return "\n".join(lines) + "\n"


def execute_annexe(source, *, service: str | None = None, populations: Mapping[str, int] | None = None,
                   draw_seed: int | None = None, timeout: int = 600, template=None):
    """The annexe template executed for ``source``, as an nbformat notebook.

    The template's cell tagged ``parameters`` is followed by a copy of it tagged
    ``injected-parameters`` holding this run's values (papermill's convention), and the notebook
    is executed with nbclient in a kernel of the current Python environment.

    Parameters
    ----------
    source : str or Path
        A bundled report id, a report .toml file or an answers workbook (.xlsx). Paths are made
        absolute.
    service : str, optional
        The service's name (answers workbooks).
    populations : mapping, optional
        Eligible cases per sample for the finite analyses (default: implied by the samples).
    draw_seed : int, optional
        Seed of the illustrative synthetic draw; None (default) draws nothing.
    timeout : int, default 600
        Seconds each cell may run before nbclient stops it.
    template : str or Path, optional
        Another notebook to execute in place of the bundled template (:func:`template_path`);
        it needs a cell tagged ``parameters``.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, the injected cell after the ``parameters`` cell.

    Raises
    ------
    SamplingError
        If nbformat, nbclient, nbconvert or ipykernel is not installed (the ``annexe`` extra),
        or the template has no cell tagged ``parameters``.
    nbclient.exceptions.CellExecutionError
        When a cell of the notebook raises (the error is the cell's).

    Examples
    --------
    The bundled template takes a while to run; a two-cell template shows what is injected:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> folder = Path(tempfile.mkdtemp())
    >>> nbformat.write(new_notebook(cells=[
    ...     new_code_cell("source = None", metadata={"tags": ["parameters"]}),
    ...     new_code_cell("print(source)")]), folder / "tiny.ipynb")
    >>> done = execute_annexe("calderdale-2022", template=folder / "tiny.ipynb", timeout=60)
    >>> print(done.cells[1].source)
    # Parameters injected for this run
    source = 'calderdale-2022'
    service = None
    populations = None
    draw_seed = None
    <BLANKLINE>
    >>> print(done.cells[2].outputs[0]["text"].strip())
    calderdale-2022
    """
    nbformat, client = _notebook_tools()
    path = Path(template) if template is not None else template_path()
    notebook = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    index = tagged[0] if tagged else None
    if index is None:
        raise SamplingError(f"{path.name}: no cell tagged 'parameters'; the template needs one")
    text = str(source)
    if text.lower().endswith((".toml", ".xlsx")):
        text = str(Path(text).resolve())
    injected = copy.deepcopy(notebook.cells[index])
    injected.metadata["tags"] = ["injected-parameters"]
    injected["id"] = "injected-parameters"
    injected.source = _parameter_lines({"source": text, "service": service,
                                        "populations": dict(populations) if populations else None,
                                        "draw_seed": draw_seed})
    injected.outputs, injected.execution_count = [], None
    notebook.cells.insert(index + 1, injected)
    with tempfile.TemporaryDirectory(prefix="sampling-annexe-") as folder:
        client(notebook, timeout=timeout, kernel_name="python3",
               resources={"metadata": {"path": folder}}).execute()
    return notebook


def annexe_html(notebook) -> str:
    """An executed annexe notebook as one self-contained HTML page without its code.

    nbconvert's ``HTMLExporter`` (lab template) with ``exclude_input``: figures are embedded as
    base64 PNG images and the styles inline; the scripts it would load from the web (require.js
    and MathJax, which the annexe does not use) are left out, so the page reads offline.
    """
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise SamplingError("the annexe needs nbconvert: pip install 'inspection-sampling[annexe]'") from None
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(notebook)
    return re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", html)


@dataclass(frozen=True)
class AnnexeResult:
    """What :func:`write_annexe` wrote, and the ratings in it.

    Each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The HTML annexe written.
    toml : str or None
        The report file written too, if any.
    report : str
        The report's id.
    service : str
        The service's name.
    ratings : mapping of str to str
        Each standard's rating (the rules', and published where published), by id.
    score : int or None
        The score (None where the framework rates by areas, forming no score).
    overall : str
        The overall rating.
    areas : mapping of str to str, default {}
        Each area's rating, or "not rated" (frameworks rated by areas).

    Examples
    --------
    :func:`write_annexe` fills it from the report's rating table, as here:

    >>> from sampling import rate_report
    >>> table = rate_report("calderdale-2022")
    >>> result = AnnexeResult("annexe.html", None, table.report.id, table.report.service,
    ...                       {row.id: row.published_rating.label for row in table.rows},
    ...                       table.published_score, table.published_overall.label)
    >>> result.ratings["2.3"], result.score, result.overall
    ('Requires improvement', 18, 'Requires improvement')
    """

    path: str
    toml: str | None
    report: str
    service: str
    ratings: Mapping[str, str]  # standard id -> rating (the rules', and published where published)
    score: int | None  # None where the framework rates by areas (no score is formed)
    overall: str
    areas: Mapping[str, str] = field(default_factory=dict)  # area -> rating, or "not rated"

    def to_dict(self) -> dict:
        """What was written, as ``--json`` prints it (``areas`` only where there are areas).

        Returns
        -------
        dict
            ``path``, ``toml``, ``report``, ``service``, ``ratings``, ``score``, ``overall`` and,
            for a framework rated by areas, ``areas``.

        Examples
        --------
        >>> result = AnnexeResult("annexe.html", None, "calderdale-2022", "Calderdale Youth Justice Service",
        ...                       {"2.3": "Requires improvement"}, 18, "Requires improvement")
        >>> result.to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'path': 'annexe.html', 'toml': None, 'report': 'calderdale-2022',
         'service': 'Calderdale Youth Justice Service', 'ratings': {'2.3': 'Requires improvement'},
         'score': 18, 'overall': 'Requires improvement'}
        """
        data = {"path": self.path, "toml": self.toml, "report": self.report, "service": self.service,
                "ratings": dict(self.ratings), "score": self.score, "overall": self.overall}
        if self.areas:
            data["areas"] = dict(self.areas)
        return data


def _check_target(path, suffix: str, option: str, force: bool, inputs=()) -> Path | None:
    if path is None:
        return None
    from ._files import output_path

    return output_path(path, option=option, suffixes=(suffix,), force=force, inputs=inputs)


def _write_text(path: Path, text: str) -> None:
    from ._files import write_bytes

    write_bytes(path, text.encode("utf-8"))


def write_annexe(source, out, *, service: str | None = None, populations: Mapping[str, int] | None = None,
                 toml=None, force: bool = False, timeout: int = 600) -> AnnexeResult:
    """Check the source, execute the annexe template for it, and write the HTML annexe.

    Parameters
    ----------
    source : str, Path or Report
        An answers workbook (.xlsx, :func:`sampling.answers.read_answers`), a report .toml file or
        a bundled report id.
    out : str or Path
        The HTML file to write.
    service : str, optional
        The service's name, for an answers workbook.
    populations : mapping of str to int, optional
        Eligible cases per sample, e.g. ``{"court": 57, "out-of-court": 33}``; default the
        populations the samples imply (the annexe says which it used).
    toml : str or Path, optional
        Also write the report as a report file (:func:`sampling.answers.report_toml`).
    force : bool, default False
        Overwrite ``out`` and ``toml`` if they exist.
    timeout : int, default 600
        Seconds each cell of the template may run (:func:`execute_annexe`).

    Returns
    -------
    AnnexeResult
        The files written, the report's id and service, and the ratings in the annexe.

    Raises
    ------
    SamplingError
        Before anything is written: every problem of an answers workbook at once
        (:class:`~sampling.AnswersError`), bad populations, an output that exists without
        ``force``.

    Examples
    --------
    Writing an annexe executes the whole template in a kernel (:func:`execute_annexe`), which
    takes a while; everything that can be wrong with the inputs is refused first, and nothing is
    written:

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> try:
    ...     write_annexe("calderdale-2022", folder / "annexe.html", populations={"court": 5})
    ... except SamplingError as error:
    ...     print(error)
    populations: court = 5 must be a whole number of eligible cases, at least its sample of 11
    >>> list(folder.iterdir())
    []
    """
    from .answers import report_toml
    from .reports import rate_report

    inputs = [source] if isinstance(source, str | Path) else []
    out_path = _check_target(out, ".html", "--out", force, inputs)
    toml_path = _check_target(toml, ".toml", "--toml", force, [*inputs, out])
    report = annexe_report(source, service=service)
    finite_populations(report, populations)
    with tempfile.TemporaryDirectory(prefix="sampling-annexe-") as folder:
        if hasattr(source, "report") and hasattr(source, "path"):  # sampling.answers.Answers
            source = source.path
        elif not isinstance(source, str | Path):  # a Report built in memory
            source = Path(folder) / f"{report.id}.toml"
            source.write_text(report_toml(report), encoding="utf-8")
        notebook = execute_annexe(source, service=service, populations=populations, timeout=timeout)
    html = annexe_html(notebook)
    if toml_path is not None:
        _write_text(toml_path, report_toml(report))
    _write_text(out_path, html)
    table = rate_report(report)
    ratings = {row.id: row.published_rating.label for row in table.rows}
    scored = _scored(report.framework)
    published = {s.id: s.rating for s in report.standards}
    areas = {} if scored else {line.split(": ", 1)[0]: line.split(": ", 1)[1].replace("**", "").split(" (")[0]
                               for line in _area_lines(report, published)}
    return AnnexeResult(str(out_path), None if toml_path is None else str(toml_path), report.id,
                        report.service, ratings, table.published_score if scored else None,
                        table.published_overall.label, areas)
