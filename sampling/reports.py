"""Published reports as data: the Report model, loading and validating TOML, case-level answers,
and the rating table that recomputes a report's ratings from its key questions.

A report file has this shape (the keys are fixed; see ``methodology/rating-rules.md``)::

    id = "essex-2018"
    service = "Essex Youth Offending Service"
    published = "2018"
    framework = "youth-2018"
    overall = "Outstanding"
    # score = 33               # only where the report prints "Score N/36"
    [samples]
    court = 43
    out_of_court = 28
    [standards."2.1"]
    rating = "Outstanding"
    key_questions = { "2.1.1" = 95, "2.1.2" = 95, "2.1.3" = 98 }
    # cases = { "2.1.3" = 40 }          # denominators the report states
    # discretion = "..."               # the report's reason, where it used discretion

Optional keys beyond those: ``source`` and ``note`` (free text), per standard ``assumed_cases``
(denominators the report does not state, assumed by the analyst and labelled as such) and
``yes`` (exact "yes" counts, which need ``cases``).
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ._errors import DenominatorWarning, ReportError, SamplingError
from .framework import (
    DOMAIN_SAMPLES,
    Framework,
    Rating,
    band,
    get_framework,
    overall_rating,
    percent,
)

__all__ = [
    "KeyQuestion",
    "Standard",
    "Report",
    "RatingRow",
    "RatingTable",
    "load_report",
    "list_reports",
    "feasible_denominators",
    "report_from_answers",
    "rate_report",
]

_TOP_KEYS = {"id", "service", "published", "framework", "overall", "score", "samples",
             "standards", "source", "note"}
_REQUIRED_TOP = ("id", "service", "published", "framework", "overall", "samples", "standards")
_SAMPLE_KEYS = ("court", "out_of_court", "resettlement")
_STANDARD_KEYS = {"rating", "key_questions", "cases", "assumed_cases", "yes", "discretion",
                  "discretion_rule", "note"}


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

    @property
    def rating(self) -> Rating:
        return band(self.percent)


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
        return band(self.lowest_percent)


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
    def resettlement(self) -> Rating | None:
        for s in self.standards:
            if not s.scored:
                return s.rating
        return None

    @property
    def published_score(self) -> int:
        """The sum of the published ratings of the scored standards."""
        return sum(int(s.rating) for s in self.standards if s.scored)

    def __repr__(self) -> str:
        return f"Report({self.id!r}, {self.service!r}, overall={self.overall.label!r})"


# --------------------------------------------------------------------------------------------
# denominators


def feasible_denominators(printed_percent: int, max_n: int) -> list[int]:
    """Every n <= ``max_n`` for which some k out of n prints as ``printed_percent``.

    A printed whole-number percentage p comes from k of n exactly when
    ``percent(k, n) == p`` (half-up rounding), i.e. when the interval
    [n (p - 0.5) / 100, n (p + 0.5) / 100) holds an integer k in 0..n.

    Examples
    --------
    Nottingham City 2.4.3 prints 45 %; 30 cases cannot give it (13/30 = 43 %, 14/30 = 47 %),
    11 can (5/11 = 45.5 %):

    >>> 30 in feasible_denominators(45, 30), 11 in feasible_denominators(45, 30)
    (False, True)
    >>> feasible_denominators(63, 16)
    [8, 16]
    """
    _check_percent(printed_percent, "percent")
    if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1:
        raise SamplingError(f"max_n must be a whole number of cases, at least 1, got {max_n!r}")
    return [n for n in range(1, max_n + 1) if _yes_count(printed_percent, n) is not None]


def _yes_count(printed_percent: int, n: int) -> int | None:
    """The k that prints as ``printed_percent`` from n (nearest to p n / 100), or None."""
    centre = printed_percent * n / 100
    candidates = [k for k in range(max(0, math.floor(centre) - 1), min(n, math.ceil(centre) + 1) + 1)
                  if percent(k, n) == printed_percent]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (abs(k - centre), k))


def _check_percent(value: object, where: str, error: type[SamplingError] = SamplingError) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise error(
            f"{where}: a percentage must be a whole number from 0 to 100 (as printed), got {value!r}"
        )
    return value


# --------------------------------------------------------------------------------------------
# loading


@functools.lru_cache(maxsize=1)
def _bundled_ids() -> tuple[str, ...]:
    folder = resources.files("sampling") / "data" / "reports"
    return tuple(sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml")))


def list_reports() -> list[str]:
    """The ids of the bundled reports.

    >>> list_reports()
    ['calderdale-2022', 'cambridgeshire-2023', 'essex-2018', 'nottingham-city-2020', 'sunderland-2022']
    """
    return list(_bundled_ids())


def load_report(id_or_path: str | Path) -> Report:
    """Load a bundled report by id, or a user's TOML file by path, and validate it.

    Raises
    ------
    ReportError
        Naming the file and the field: unknown keys, misspelled ratings, percentages outside
        0-100, standards or key questions the framework requires but the file lacks (or has but
        should not), a printed score the published ratings do not sum to.

    Warns
    -----
    DenominatorWarning
        When a percentage cannot come from its default denominator (the domain's sample) and the
        file states no ``cases`` for it; the largest denominator that prints it is then used.

    Examples
    --------
    >>> report = load_report("calderdale-2022")
    >>> report.standard("2.3").rating.label, report.key_question("2.3.2").k
    ('Requires improvement', 5)
    """
    if isinstance(id_or_path, Report):
        return id_or_path
    text_id = str(id_or_path)
    if text_id in list_reports():
        return _load_bundled(text_id)
    path = Path(id_or_path)
    if path.suffix.lower() != ".toml":
        raise ReportError(
            f"{text_id}: not a bundled report id and not a .toml file; bundled ids are "
            + ", ".join(list_reports())
        )
    if not path.is_file():
        raise ReportError(f"{path}: no such file; give a bundled id or the path of a .toml report")
    data = _parse_toml(path.read_bytes(), str(path))
    return build_report(data, where=str(path), path=str(path))


@functools.cache
def _load_bundled(report_id: str) -> Report:
    # Reports are immutable, so each bundled file is read and validated once per process.
    resource = resources.files("sampling") / "data" / "reports" / f"{report_id}.toml"
    data = _parse_toml(resource.read_bytes(), f"{report_id}.toml")
    return build_report(data, where=f"{report_id}.toml", path=None)


def _parse_toml(raw: bytes, where: str) -> dict:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReportError(f"{where}: not UTF-8 text; save the report as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{where}: not valid TOML ({exc}); fix the syntax") from None


def build_report(data: Mapping, *, where: str = "report", path: str | None = None) -> Report:
    """Validate a report given as a mapping in the file's shape and build a :class:`Report`."""

    def fail(field_name: str, message: str) -> ReportError:
        return ReportError(f"{where}: {field_name}: {message}")

    if not isinstance(data, Mapping):
        raise ReportError(f"{where}: a report must be a table of keys, got {type(data).__name__}")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(unknown[0], "unknown key; the keys are " + ", ".join(sorted(_TOP_KEYS)))
    for key in _REQUIRED_TOP:
        if key not in data:
            raise fail(key, "missing; every report needs " + ", ".join(_REQUIRED_TOP))
    for key in ("id", "service"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(key, f"must be non-empty text, got {data[key]!r}")
    published = data["published"]
    if isinstance(published, bool) or not isinstance(published, str | int):
        raise fail("published", f"must be text such as \"March 2020\", got {published!r}")
    try:
        framework = get_framework(data["framework"])
    except SamplingError as exc:
        raise fail("framework", str(exc).split(": ", 1)[1]) from None
    overall = _rating(data["overall"], where, "overall")
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 0 <= score <= framework.max_score):
        raise fail("score", f"must be a whole number from 0 to {framework.max_score}, got {score!r}")

    samples = data["samples"]
    if not isinstance(samples, Mapping):
        raise fail("samples", "must be a table such as { court = 43, out_of_court = 28 }")
    for key, value in samples.items():
        if key not in _SAMPLE_KEYS:
            raise fail(f"samples.{key}", "unknown sample; use " + ", ".join(_SAMPLE_KEYS))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(f"samples.{key}", f"must be a whole number of cases, at least 1, got {value!r}")

    standards_data = data["standards"]
    if not isinstance(standards_data, Mapping):
        raise fail("standards", 'must be tables such as [standards."2.1"]')
    known = {s.id for s in framework.standards}
    for sid in standards_data:
        if sid not in known:
            raise fail(f'standards."{sid}"',
                       f"not a standard of {framework.name}; its standards are "
                       + ", ".join(s.id for s in framework.standards))

    standards: list[Standard] = []
    for spec in framework.standards:
        if spec.id not in standards_data:
            if spec.optional:
                continue
            raise fail(f'standards."{spec.id}"',
                       f"missing; {framework.name} requires a rating for {spec.id} ({spec.name})")
        standards.append(_build_standard(spec, standards_data[spec.id], samples, where))

    report = Report(
        id=data["id"], service=data["service"], published=str(published), framework=framework,
        overall=overall, standards=tuple(standards), samples=dict(samples), score=score,
        source=data.get("source"), path=path,
    )
    total = report.published_score
    if score is not None and score != total:
        raise fail("score", f"the report prints {score}, but the published ratings sum to {total}; "
                            "check the score and each standard's rating")
    expected = overall_rating(total, report.resettlement)
    if expected is not overall:
        raise fail("overall", f"{overall.label!r} does not follow from the published ratings "
                              f"(score {total} gives {expected.label!r}); check the ratings")
    return report


def _rating(value: object, where: str, field_name: str) -> Rating:
    try:
        return Rating.from_label(value, where=f"{where}: {field_name}")
    except SamplingError as exc:
        raise ReportError(str(exc)) from None


def _build_standard(spec, raw, samples, where: str) -> Standard:
    name = f'standards."{spec.id}"'

    def fail(field_name: str, message: str) -> ReportError:
        return ReportError(f"{where}: {name}.{field_name}: {message}")

    if not isinstance(raw, Mapping):
        raise ReportError(f"{where}: {name}: must be a table with at least a rating")
    unknown = sorted(set(raw) - _STANDARD_KEYS)
    if unknown:
        raise fail(unknown[0], "unknown key; a standard's keys are " + ", ".join(sorted(_STANDARD_KEYS)))
    if "rating" not in raw:
        raise fail("rating", "missing; give the published rating, e.g. rating = \"Good\"")
    rating = _rating(raw["rating"], where, f"{name}.rating")
    discretion = raw.get("discretion")
    if discretion is not None and (not isinstance(discretion, str) or not discretion.strip()):
        raise fail("discretion", "must be the report's stated reason, as text")
    discretion_rule = raw.get("discretion_rule")
    if discretion_rule is not None:
        if discretion is None:
            raise fail("discretion_rule", "names the rule a stated reason matches: give discretion too")
        if not isinstance(discretion_rule, str) or not re.fullmatch(r"[a-z_]+(\([^)]*\))?", discretion_rule):
            raise fail("discretion_rule", f"must be a rule's short name such as \"cases(1)\", "
                                          f"got {discretion_rule!r}")

    if spec.qualitative:
        for key in ("key_questions", "cases", "assumed_cases", "yes"):
            if key in raw:
                raise fail(key, f"{spec.id} ({spec.name}) is qualitative in this framework: "
                                "give only its rating")
        return Standard(spec.id, spec.name, rating, (), spec.scored, discretion, discretion_rule)

    if "key_questions" not in raw:
        raise fail("key_questions", "missing; give the '% Yes' of "
                                    + ", ".join(spec.key_questions))
    kqs = raw["key_questions"]
    if not isinstance(kqs, Mapping):
        raise fail("key_questions", 'must be a table such as { "2.1.1" = 95, ... }')
    for kq_id in kqs:
        if kq_id not in spec.key_questions:
            raise fail(f'key_questions."{kq_id}"',
                       f"not a key question of {spec.id}; they are " + ", ".join(spec.key_questions))
    for kq_id in spec.key_questions:
        if kq_id not in kqs:
            raise fail(f'key_questions."{kq_id}"', "missing; every key question needs its '% Yes'")

    tables = {}
    for key in ("cases", "assumed_cases", "yes"):
        table = raw.get(key, {})
        if not isinstance(table, Mapping):
            raise fail(key, f'must be a table such as {{ "{spec.key_questions[0]}" = 11 }}')
        for kq_id, value in table.items():
            if kq_id not in spec.key_questions:
                raise fail(f'{key}."{kq_id}"',
                           f"not a key question of {spec.id}; they are " + ", ".join(spec.key_questions))
            low = 0 if key == "yes" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise fail(f'{key}."{kq_id}"', f"must be a whole number of cases, at least {low}, "
                                               f"got {value!r}")
        tables[key] = table
    both = set(tables["cases"]) & set(tables["assumed_cases"])
    if both:
        raise fail("assumed_cases", f"{sorted(both)[0]} is also in cases; keep the stated one only")

    sample_name = DOMAIN_SAMPLES[spec.domain]
    key_questions = []
    for kq_id in spec.key_questions:
        p = _check_percent(kqs[kq_id], f'{where}: {name}.key_questions."{kq_id}"', ReportError)
        if kq_id in tables["yes"]:
            if kq_id not in tables["cases"]:
                raise fail(f'yes."{kq_id}"', "needs its denominator in cases as well")
            n, k = tables["cases"][kq_id], tables["yes"][kq_id]
            if k > n or percent(k, n) != p:
                raise fail(f'yes."{kq_id}"', f"{k} of {n} does not print as {p}%")
            key_questions.append(KeyQuestion(kq_id, p, n, k, "stated"))
            continue
        for key, origin in (("cases", "stated"), ("assumed_cases", "assumed")):
            if kq_id in tables[key]:
                n = tables[key][kq_id]
                k = _yes_count(p, n)
                if k is None:
                    raise fail(f'{key}."{kq_id}"',
                               f"{p}% cannot come from {n} cases; denominators up to {n} that "
                               f"print it: {feasible_denominators(p, n) or 'none'}")
                key_questions.append(KeyQuestion(kq_id, p, n, k, origin))
                break
        else:
            if sample_name not in samples:
                raise ReportError(f"{where}: samples.{sample_name}: missing; {kq_id} needs its "
                                  f"domain's sample size (or cases for it)")
            n = samples[sample_name]
            k = _yes_count(p, n)
            origin = "sample"
            if k is None:
                feasible = feasible_denominators(p, n)
                if not feasible:
                    raise fail(f'key_questions."{kq_id}"', f"{p}% cannot come from any number of "
                                                           f"cases up to {n}")
                n = feasible[-1]
                k = _yes_count(p, n)
                origin = "inferred"
                warnings.warn(
                    f"{where}: {kq_id} = {p}% cannot come from the {sample_name} sample of "
                    f"{samples[sample_name]} cases; using {k} of {n} (the largest denominator that "
                    f"prints it). State the real one with cases = {{ \"{kq_id}\" = N }}.",
                    DenominatorWarning,
                    stacklevel=4,
                )
            key_questions.append(KeyQuestion(kq_id, p, n, k, origin))
    return Standard(spec.id, spec.name, rating, tuple(key_questions), spec.scored, discretion,
                    discretion_rule)


# --------------------------------------------------------------------------------------------
# case-level answers


_ANSWERS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "not relevant": "not relevant",
            "n/a": "not relevant", "na": "not relevant"}


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
        "not relevant", any case). A key question's denominator is its yes and no answers.
    framework : str
        'youth-2018' or 'youth-2021'.
    qualitative : mapping
        The ratings of the qualitative standards (domain one, and 2021's 3.4 and optional 4.1),
        which case answers cannot give.

    Returns
    -------
    Report
        Its quantitative standards carry the rule's rating (no rating is published yet), its
        samples count the distinct cases of each domain, and every denominator is exact.

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
    import pandas as pd

    spec_framework = get_framework(framework)
    if not isinstance(frame, pd.DataFrame):
        raise SamplingError(f"answers must be a pandas DataFrame, got {type(frame).__name__}")
    columns = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
    for needed in ("case_id", "key_question", "answer"):
        if needed not in columns:
            raise SamplingError(f"answers: missing column {needed!r}; columns found: "
                                + ", ".join(map(str, frame.columns)))
    data = pd.DataFrame({
        "case_id": frame[columns["case_id"]],
        "key_question": frame[columns["key_question"]].astype(str).str.strip(),
        "answer": frame[columns["answer"]].astype(str).str.strip().str.lower(),
    })
    bad = data.loc[~data["answer"].isin(list(_ANSWERS)), "answer"]
    if len(bad):
        raise SamplingError(f"answers: column 'answer' has {bad.iloc[0]!r}; use yes, no or "
                            "not relevant")
    data["answer"] = data["answer"].map(_ANSWERS)
    kq_standard = {kq: s for s in spec_framework.standards for kq in s.key_questions}
    unknown = sorted(set(data["key_question"]) - set(kq_standard))
    if unknown:
        raise SamplingError(f"answers: key question {unknown[0]!r} is not in {framework}; "
                            "they are " + ", ".join(kq_standard))
    duplicated = data.duplicated(["case_id", "key_question"])
    if duplicated.any():
        row = data[duplicated].iloc[0]
        raise SamplingError(f"answers: case {row.case_id} answers {row.key_question} twice; "
                            "keep one answer per case and key question")

    samples: dict[str, int] = {}
    for domain, sample_name in DOMAIN_SAMPLES.items():
        cases = data.loc[data["key_question"].str.startswith(domain + "."), "case_id"]
        if len(cases):
            samples[sample_name] = int(cases.nunique())
    counts = (data.groupby(["key_question", "answer"]).size().unstack(fill_value=0)
              .reindex(columns=["yes", "no"], fill_value=0))

    qualitative = dict(qualitative or {})
    standards: dict[str, dict] = {}
    for spec in spec_framework.standards:
        if spec.qualitative:
            if spec.id in qualitative:
                standards[spec.id] = {"rating": qualitative.pop(spec.id)}
            elif not spec.optional:
                raise SamplingError(f"qualitative: give the rating of {spec.id} ({spec.name}); "
                                    "case answers cannot rate a qualitative standard")
            continue
        kqs, cases, yes = {}, {}, {}
        for kq in spec.key_questions:
            k = int(counts.loc[kq, "yes"]) if kq in counts.index else 0
            n = k + (int(counts.loc[kq, "no"]) if kq in counts.index else 0)
            if n == 0:
                raise SamplingError(f"answers: key question {kq} has no yes or no answer; "
                                    "a standard needs every key question answered in some case")
            kqs[kq], cases[kq], yes[kq] = percent(k, n), n, k
        rating = band(min(kqs.values())).label
        standards[spec.id] = {"rating": rating, "key_questions": kqs, "cases": cases, "yes": yes}
    if qualitative:
        raise SamplingError(f"qualitative: {sorted(qualitative)[0]} is not a qualitative standard "
                            f"of {framework}")
    resettlement = standards.get("4.1", {}).get("rating")
    total = sum(int(Rating.from_label(s["rating"])) for sid, s in standards.items()
                if spec_framework.standard(sid).scored)
    overall = overall_rating(total, Rating.from_label(resettlement) if resettlement else None)
    data_dict = {"id": id, "service": service, "published": published, "framework": framework,
                 "overall": overall.label, "samples": samples, "standards": standards}
    report = build_report(data_dict, where="answers")
    # every denominator here was counted, not stated by a report
    fixed = tuple(
        Standard(s.id, s.name, s.rating,
                 tuple(KeyQuestion(kq.id, kq.percent, kq.n, kq.k, "answers") for kq in s.key_questions),
                 s.scored, s.discretion, s.discretion_rule)
        for s in report.standards
    )
    return Report(report.id, report.service, report.published, report.framework, report.overall,
                  fixed, report.samples, None, None, None)


# --------------------------------------------------------------------------------------------
# the rating table


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
                }
                for r in self.rows
            ],
            "score": {"rule": self.rule_score, "published": self.published_score},
            "overall": {"rule": self.rule_overall.label, "published": self.published_overall.label},
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
    rule_score = sum(int(s.rule_rating) for s in report.standards if s.scored)
    return RatingTable(
        report=report,
        rows=rows,
        rule_score=rule_score,
        published_score=report.published_score,
        rule_overall=overall_rating(rule_score, report.resettlement),
        published_overall=report.overall,
    )
