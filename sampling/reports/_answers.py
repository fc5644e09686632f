"""A report from case-level answers: one row per case and key question, yes / no / not relevant."""

from __future__ import annotations

from collections.abc import Mapping

from .._errors import SamplingError
from ..framework import Rating, get_framework, percent, standard_rating
from ._loader import build_report
from ._model import KeyQuestion, Report, Standard

__all__ = ["report_from_answers", "ANSWER_WORDS", "answer_word"]

#: How answers are written, read trimmed and in any case: each spelling and what it means.
ANSWER_WORDS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "not relevant": "not relevant",
                "n/a": "not relevant", "na": "not relevant", "nr": "not relevant"}


def answer_word(value: object) -> str | None:
    """"yes", "no" or "not relevant" for an answer as written (trimmed, any case); None if unknown.

    >>> answer_word(" Yes"), answer_word("N/A"), answer_word("maybe")
    ('yes', 'not relevant', None)
    """
    if value is None:
        return None
    return ANSWER_WORDS.get(" ".join(str(value).strip().lower().split()))


def report_from_answers(
    frame,
    *,
    framework: str = "youth-2021",
    qualitative: Mapping[str, str] | None = None,
    id: str = "answers",  # noqa: A002 - the report's own field name
    service: str = "Case-level answers",
    published: str = "unpublished",
) -> Report:
    """Build a report from case-level answers: one row per case and key question.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``case_id``, ``key_question`` (e.g. "2.1.1") and ``answer`` ("yes", "no" or
        "not relevant"; read trimmed and in any case, "y", "n" and "n/a" too). A key question's
        denominator is its yes and no answers.
    framework : str, default "youth-2021"
        A framework's name (:func:`sampling.get_framework`), e.g. "youth-2018".
    qualitative : mapping of str to str, optional
        The ratings of the qualitative standards (domain one, and 2021's 3.4 and optional 4.1),
        which case answers cannot give.
    id, service, published : str
        The report's identification (defaults "answers", "Case-level answers",
        "unpublished").

    Returns
    -------
    Report
        Its quantitative standards carry the rule's rating (no rating is published yet), its
        samples count the distinct cases of each domain, and every denominator is exact.

    Raises
    ------
    SamplingError
        Listing every unknown answer word (with its row), unknown key question and duplicated
        answer at once; a frame that is not a DataFrame or lacks a column; a key question with
        no yes or no answer; or a missing or unknown qualitative rating.

    Examples
    --------
    Ten cases answering every key question of the 2021 framework, seven "yes" each:

    >>> import pandas as pd
    >>> from sampling.framework import get_framework
    >>> rows = [(case, kq, "yes" if case < 7 else "no")
    ...         for spec in get_framework("youth-2021").standards
    ...         for kq in spec.key_questions for case in range(10)]
    >>> frame = pd.DataFrame(rows, columns=["case_id", "key_question", "answer"])
    >>> ratings = dict.fromkeys(["1.1", "1.2", "1.3", "1.4", "3.4"], "Good")
    >>> report = report_from_answers(frame, qualitative=ratings)
    >>> kq = report.key_question("2.1.1")
    >>> kq.k, kq.n, kq.percent, report.standard("2.1").rating.label, report.overall.label
    (7, 10, 70, 'Good', 'Good')
    """
    spec_framework = get_framework(framework)
    data = _read_answers(frame, spec_framework)
    counts = (data.groupby(["key_question", "answer"]).size().unstack(fill_value=0)
              .reindex(columns=["yes", "no"], fill_value=0))
    standards = _qualitative_standards(spec_framework, dict(qualitative or {}), framework)
    samples: dict[str, int] = {}
    for domain, sample_name in spec_framework.sample_names.items():
        cases = data.loc[data["key_question"].str.startswith(domain + "."), "case_id"]
        if len(cases) or sample_name in dict(spec_framework.minimum_cases):
            samples[sample_name] = samples.get(sample_name, 0) + int(cases.nunique())
    for spec in spec_framework.standards:
        if spec.qualitative:
            continue
        # a sample too small to rate leaves its standards not rated (Report.not_rated says why)
        sample = spec_framework.sample_of(spec.id)
        if not spec_framework.too_small(sample, samples.get(sample)):
            standards[spec.id] = _counted_standard(spec, counts, spec_framework.band_lower_bounds)
    ratings = {sid: Rating.from_label(s["rating"]) for sid, s in standards.items()}
    overall = spec_framework.overall_from_ratings(ratings)
    report = build_report({"id": id, "service": service, "published": published, "framework": framework,
                           "overall": overall.label, "samples": samples, "standards": standards},
                          where="answers")
    # every denominator here was counted, not stated by a report
    fixed = tuple(
        Standard(s.id, s.name, s.rating,
                 tuple(KeyQuestion(kq.id, kq.percent, kq.n, kq.k, "answers", kq.bounds)
                       for kq in s.key_questions),
                 s.scored, s.discretion, s.discretion_rule)
        for s in report.standards
    )
    return Report(report.id, report.service, report.published, report.framework, report.overall,
                  fixed, report.samples, None, None, None)


def _read_answers(frame, framework):
    """The answers as (case_id, key_question, answer) with every problem reported at once."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise SamplingError(f"answers must be a pandas DataFrame, got {type(frame).__name__}")
    columns = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
    for needed in ("case_id", "key_question", "answer"):
        if needed not in columns:
            raise SamplingError(f"answers: missing column {needed!r}; columns found: "
                                + ", ".join(map(str, frame.columns)))
    data = pd.DataFrame({
        "case_id": frame[columns["case_id"]].astype(str).str.strip(),
        "key_question": frame[columns["key_question"]].astype(str).str.strip(),
        "answer": [answer_word(v) for v in frame[columns["answer"]]],
    })
    written = frame[columns["answer"]]
    problems = [f"row {i + 2}: column 'answer' has {written.iloc[i]!r}; use yes, no or not relevant"
                for i in range(len(data)) if data["answer"].iloc[i] is None]
    known = framework.key_questions
    problems += [f"key question {kq!r} is not in {framework.name}; they are " + ", ".join(known)
                 for kq in sorted(set(data["key_question"]) - set(known))]
    twice = data[data.duplicated(["case_id", "key_question"])]
    problems += [f"case {row.case_id} answers {row.key_question} twice; keep one answer per case and "
                 "key question" for row in twice.itertuples()]
    if problems:
        raise SamplingError(f"answers: {len(problems)} problem(s): " + "; ".join(problems))
    return data


def _qualitative_standards(framework, qualitative: dict, name: str) -> dict[str, dict]:
    standards = {}
    for spec in framework.standards:
        if not spec.qualitative:
            continue
        if spec.id in qualitative:
            standards[spec.id] = {"rating": qualitative.pop(spec.id)}
        elif not spec.optional:
            raise SamplingError(f"qualitative: give the rating of {spec.id} ({spec.name}); "
                                "case answers cannot rate a qualitative standard")
    if qualitative:
        raise SamplingError(f"qualitative: {sorted(qualitative)[0]} is not a qualitative standard of {name}")
    return standards


def _counted_standard(spec, counts, bounds) -> dict:
    kqs, cases, yes = {}, {}, {}
    for kq in spec.key_questions:
        k = int(counts.loc[kq, "yes"]) if kq in counts.index else 0
        n = k + (int(counts.loc[kq, "no"]) if kq in counts.index else 0)
        if n == 0:
            raise SamplingError(f"answers: key question {kq} has no yes or no answer; "
                                "a standard needs every key question answered in some case")
        kqs[kq], cases[kq], yes[kq] = percent(k, n), n, k
    rating = standard_rating(kqs.values(), bounds=bounds)
    return {"rating": rating.label, "key_questions": kqs, "cases": cases, "yes": yes}
