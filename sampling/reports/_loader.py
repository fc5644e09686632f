"""Reading a report: bundled ids and TOML files, validated field by field.

The file format is documented in ``methodology/report-format.md``; every validation error names
the file and the field, and says what to write instead.
"""

from __future__ import annotations

import functools
import re
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

from .. import _rule_names as rule_names
from .._errors import DenominatorWarning, ReportError, SamplingError, SamplingWarning
from .._validation import MAX_CASES_JUDGED
from ..framework import BAND_LOWER_BOUNDS, Rating, get_framework, percent
from ._denominators import check_percent, feasible_denominators, yes_count
from ._model import KeyQuestion, Report, Standard

__all__ = ["list_reports", "load_report", "build_report"]

_TOP_KEYS = {"id", "service", "published", "framework", "overall", "score", "samples",
             "standards", "source", "note"}
_REQUIRED_TOP = ("id", "service", "published", "framework", "overall", "samples", "standards")
_STANDARD_KEYS = {"rating", "key_questions", "cases", "assumed_cases", "yes", "discretion",
                  "discretion_rule", "note"}
_FORMAT = "see methodology/report-format.md"
_YOUTH_BOUNDS = tuple(BAND_LOWER_BOUNDS.values())


@functools.lru_cache(maxsize=1)
def _bundled_ids() -> tuple[str, ...]:
    folder = resources.files("sampling") / "data" / "reports"
    return tuple(sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml")))


def list_reports() -> list[str]:
    """The ids of the bundled reports.

    Returns
    -------
    list of str
        The ids :func:`load_report` accepts, sorted.

    Examples
    --------
    >>> list_reports()
    ['calderdale-2022', 'cambridgeshire-2023', 'essex-2018', 'nottingham-city-2020', 'sunderland-2022']
    """
    return list(_bundled_ids())


def load_report(id_or_path: str | Path) -> Report:
    """Load a bundled report by id, or a user's TOML file by path, and validate it.

    The file format is documented in ``methodology/report-format.md``.

    Parameters
    ----------
    id_or_path : str, path or Report
        A bundled report's id (:func:`list_reports`), the path of a ``.toml`` report, or a
        :class:`Report` (returned as it is).

    Returns
    -------
    Report
        The validated report (a bundled one is read once per process).

    Raises
    ------
    ReportError
        For a name that is neither a bundled id nor a ``.toml`` file, a missing file, a file that
        is not UTF-8 TOML, or, naming the file and the field: unknown keys, misspelled ratings,
        percentages outside 0-100, standards or key questions the framework requires but the file
        lacks (or has but should not), denominators larger than their domain's sample, a sample
        or denominator above 1,000 cases (a population, not the cases inspected), unknown
        discretion rules, a printed score the published ratings do not sum to, a standard's
        published rating more than one band from what its percentages give (no discretion moves
        a rating further), or a bundled report's id on other figures.

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
    return _build(data, where=f"{report_id}.toml", path=None)


def _parse_toml(raw: bytes, where: str) -> dict:
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))  # a byte-order mark is allowed
    except UnicodeDecodeError:
        raise ReportError(f"{where}: not UTF-8 text; save the report as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{where}: not valid TOML ({exc}); fix the syntax ({_FORMAT})") from None


class _Fail:
    """Builds the loader's errors: ``file: field: message (see the format page)``."""

    def __init__(self, where: str, prefix: str = ""):
        self.where, self.prefix = where, prefix

    def __call__(self, field_name: str, message: str) -> ReportError:
        return ReportError(f"{self.where}: {self.prefix}{field_name}: {message} ({_FORMAT})")

    def within(self, prefix: str) -> _Fail:
        return _Fail(self.where, f"{self.prefix}{prefix}")


def build_report(data: Mapping, *, where: str = "report", path: str | None = None) -> Report:
    """Validate a report given as a mapping in the file's shape and build a :class:`Report`.

    >>> report = build_report({"id": "x", "service": "A service", "published": "2024",
    ...     "framework": "youth-2018", "overall": "Good", "samples": {"court": 10, "out_of_court": 10},
    ...     "standards": {s: {"rating": "Good", **({"key_questions": dict.fromkeys(q, 70)} if q else {})}
    ...                   for s, q in [(spec.id, spec.key_questions)
    ...                                for spec in get_framework("youth-2018").standards]}})
    >>> report.published_score
    24
    """
    report = _build(data, where=where, path=path)
    _check_not_a_bundled_id(report, _Fail(where))
    return report


def _build(data: Mapping, *, where: str, path: str | None) -> Report:
    """:func:`build_report` without the check of the id against the bundled reports' (which
    loads them through here)."""
    fail = _Fail(where)
    if not isinstance(data, Mapping):
        raise ReportError(f"{where}: a report must be a table of keys, got {type(data).__name__}")
    framework = _check_top(data, fail)
    samples = _check_samples(data["samples"], framework, fail)
    standards_data = data["standards"]
    if not isinstance(standards_data, Mapping):
        raise fail("standards", 'must be tables such as [standards."2.1"]')
    known = {s.id for s in framework.standards}
    for sid in standards_data:
        if sid not in known:
            raise fail(f'standards."{sid}"', f"not a standard of {framework.name}; its standards are "
                                             + ", ".join(s.id for s in framework.standards))
    standards = []
    for spec in framework.standards:
        sample_name = framework.sample_names.get(spec.domain, "")
        too_small = framework.too_small(sample_name, samples.get(sample_name)) if sample_name else None
        if too_small:
            if spec.id in standards_data:  # "we do not apply a rating" (Calderdale 2022, Annexe 2)
                raise fail(f'standards."{spec.id}"', f"the {sample_name} sample is {samples[sample_name]} "
                                                     f"cases ({too_small}), so this standard is not rated; "
                                                     "remove it")
            continue
        if spec.id not in standards_data:
            if spec.optional:
                continue
            raise fail(f'standards."{spec.id}"',
                       f"missing; {framework.name} requires a rating for {spec.id} ({spec.name})")
        standard = _build_standard(spec, standards_data[spec.id], samples, where, sample_name)
        if framework.band_lower_bounds != _YOUTH_BOUNDS:  # the key questions band by this framework
            kqs = tuple(replace(kq, bounds=framework.band_lower_bounds) for kq in standard.key_questions)
            standard = replace(standard, key_questions=kqs)
        _check_transcription(standard, fail)
        standards.append(standard)
    report = Report(
        id=data["id"], service=data["service"], published=str(data["published"]), framework=framework,
        overall=_rating(data["overall"], where, "overall"), standards=tuple(standards), samples=dict(samples),
        score=data.get("score"), source=data.get("source"), path=path,
    )
    _check_totals(report, fail)
    return report


def _check_top(data: Mapping, fail: _Fail):
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
        framework = get_framework(_beside(data["framework"], fail.where))
    except SamplingError as exc:
        raise fail("framework", str(exc).split(": ", 1)[-1]) from None
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 0 <= score <= framework.max_score):
        raise fail("score", f"must be a whole number from 0 to {framework.max_score}, got {score!r}")
    return framework


def _check_samples(samples: object, framework, fail: _Fail) -> dict[str, int]:
    if not isinstance(samples, Mapping):
        raise fail("samples", "must be a table such as { court = 43, out_of_court = 28 }")
    known = tuple(dict.fromkeys(framework.sample_names.values()))
    for key, value in samples.items():
        if key not in known:
            raise fail(f"samples.{key}", "unknown sample; use " + (", ".join(known) or "none: "
                                                                   f"{framework.name} rates no cases"))
        # 0 is a fact where the sample feeds only optional standards ("There were no resettlement
        # cases sentenced within the timeframe", Sunderland 2022): they are then not rated
        optional = all(spec.optional for spec in framework.standards
                       if framework.sample_names.get(spec.domain) == key)
        low = 0 if optional or key in dict(framework.minimum_cases) else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise fail(f"samples.{key}", f"must be a whole number of cases, at least {low}, got {value!r}")
        _check_plausible(value, f"samples.{key}", fail)
    return dict(samples)


def _check_plausible(cases: int, field_name: str, fail: _Fail) -> None:
    """Cases inspected, at most :data:`~sampling._validation.MAX_CASES_JUDGED` (1,000): an
    inspection examines tens of cases a sample (the reports' formula never asks more than 165), so a
    larger number is a population or a typo, refused here so that every command agrees."""
    if cases > MAX_CASES_JUDGED:
        raise fail(field_name, f"{cases:,} cases is not a plausible inspection sample (at most "
                               f"{MAX_CASES_JUDGED:,}; the reports inspect tens); give the cases inspected, "
                               "not the eligible population")


def _check_transcription(standard: Standard, fail: _Fail) -> None:
    """A published standard rating that no discretion could reach is a transcription error: more
    than one band away from what its key questions' percentages give (every discretion decision
    in the reports moves one band: methodology/professional-discretion.md)."""
    if standard.qualitative:
        return
    rule = standard.rule_rating
    if abs(int(standard.rating) - int(rule)) == 1:
        _warn_far_discretion(standard, rule)
    if abs(int(standard.rating) - int(rule)) > 1:
        raise fail(f'standards."{standard.id}".rating',
                   f"{standard.rating.label!r} is more than one band from {rule.label!r}, what its key "
                   f"questions' percentages give (lowest {standard.lowest_percent}%), and discretion moves "
                   "a rating one band at most; check the rating and the percentages")


#: The farthest a standard's lowest key question lies from the band boundary that discretion
#: crossed, in percentage points, before loading says so: the five reports' discretion decisions
#: all came from within 5 points (Calderdale 2022 2.3 and Nottingham City 2020 2.4 at 45 %,
#: Essex 2018 3.4 at 63 %).
DISCRETION_REACH_POINTS = 10


def _warn_far_discretion(standard: Standard, rule: Rating) -> None:
    """A published rating one band from the rules' is discretion; from far below (or above) the
    boundary it is more likely a transcription error, so it is warned of (all 0 % and
    "Requires improvement", say)."""
    kq = standard.key_questions[0] if standard.key_questions else None
    bounds = ({Rating(i + 1): b for i, b in enumerate(kq.bounds)} if kq is not None and kq.bounds
              else BAND_LOWER_BOUNDS)
    crossed = max(standard.rating, rule)
    boundary = bounds.get(crossed)
    if boundary is None or standard.lowest_percent is None:
        return
    distance = abs(boundary - standard.lowest_percent)
    if distance > DISCRETION_REACH_POINTS:
        warnings.warn(f"standard {standard.id}: published {standard.rating.label!r} where its percentages "
                      f"give {rule.label!r}, with its lowest key question at {standard.lowest_percent}%, "
                      f"{distance:g} points from the {boundary}% boundary; the reports' discretion decisions "
                      "came from within 5 points: check the rating and the percentages", SamplingWarning,
                      stacklevel=4)


def _figures(report: Report) -> tuple:
    """What a report says: its framework, ratings, score, samples and every key question's counts."""
    return (report.framework.name, report.overall, report.score, dict(report.samples),
            tuple((s.id, s.rating, tuple((kq.id, kq.percent, kq.n, kq.k) for kq in s.key_questions))
                  for s in report.standards))


def _same_figures(report: Report, bundled: Report) -> bool:
    """The same figures; a score the bundled report does not print may be filled in (a report
    file written by ``annexe --toml`` gives the score its ratings make)."""
    ours, theirs = _figures(report), _figures(bundled)
    if bundled.score is None:
        ours, theirs = ours[:2] + ours[3:], theirs[:2] + theirs[3:]
    return ours == theirs


def _check_not_a_bundled_id(report: Report, fail: _Fail) -> None:
    """A user's report may not take a bundled report's id with other figures: it would then be
    compared with that report as if it were it."""
    if report.id in _bundled_ids() and not _same_figures(report, _load_bundled(report.id)):
        raise fail("id", f"{report.id!r} is a bundled report's id, but these figures differ from it; choose "
                         f"another id (e.g. id = \"{report.id}-own\")")


def _check_totals(report: Report, fail: _Fail) -> None:
    total = report.published_score
    if report.score is not None and report.score != total:
        raise fail("score", f"the report prints {report.score}, but the published ratings sum to {total}; "
                            "check the score and each standard's rating")
    expected = report.framework.overall_from_ratings({s.id: s.rating for s in report.standards})
    if expected is not report.overall:
        raise fail("overall", f"{report.overall.label!r} does not follow from the published ratings "
                              f"(score {total} gives {expected.label!r}); check the ratings")


def _beside(framework: object, where: str) -> object:
    """A framework file named by a relative path is read from beside the report."""
    if (isinstance(framework, str) and framework.lower().endswith(".toml")
            and not Path(framework).is_absolute()):
        candidate = Path(where).parent / framework
        if candidate.is_file():
            return str(candidate)
    return framework


def _rating(value: object, where: str, field_name: str) -> Rating:
    try:
        return Rating.from_label(value, where=f"{where}: {field_name}")
    except SamplingError as exc:
        raise ReportError(str(exc)) from None


def _build_standard(spec, raw, samples: Mapping[str, int], where: str, sample_name: str) -> Standard:
    fail = _Fail(where, f'standards."{spec.id}".')
    if not isinstance(raw, Mapping):
        raise ReportError(f'{where}: standards."{spec.id}": must be a table with at least a rating '
                          f"({_FORMAT})")
    unknown = sorted(set(raw) - _STANDARD_KEYS)
    if unknown:
        raise fail(unknown[0], "unknown key; a standard's keys are " + ", ".join(sorted(_STANDARD_KEYS)))
    if "rating" not in raw:
        raise fail("rating", "missing; give the published rating, e.g. rating = \"Good\"")
    rating = _rating(raw["rating"], where, f'standards."{spec.id}".rating')
    discretion, rule = _check_discretion(raw, fail)
    if spec.qualitative:
        for key in ("key_questions", "cases", "assumed_cases", "yes"):
            if key in raw:
                raise fail(key, f"{spec.id} ({spec.name}) is qualitative in this framework: "
                                "give only its rating")
        return Standard(spec.id, spec.name, rating, (), spec.scored, discretion, rule)
    kqs = _check_key_questions(spec, raw, fail)
    tables = _check_tables(spec, raw, fail)
    key_questions = tuple(_key_question(kq_id, kqs[kq_id], tables, samples, sample_name, fail)
                          for kq_id in spec.key_questions)
    return Standard(spec.id, spec.name, rating, key_questions, spec.scored, discretion, rule)


def _check_discretion(raw: Mapping, fail: _Fail) -> tuple[str | None, str | None]:
    discretion = raw.get("discretion")
    if discretion is not None and (not isinstance(discretion, str) or not discretion.strip()):
        raise fail("discretion", "must be the report's stated reason, as text")
    rule = raw.get("discretion_rule")
    if rule is None:
        return discretion, None
    if discretion is None:
        raise fail("discretion_rule", "names the rule a stated reason matches: give discretion too")
    if not isinstance(rule, str) or not re.fullmatch(r"[a-z_]+(\([^)]*\))?", rule):
        raise fail("discretion_rule", f"must be a rule's short name such as \"cases(1)\", got {rule!r}")
    try:
        rule_names.split(rule)
    except SamplingError as exc:
        raise fail("discretion_rule", str(exc)) from None
    return discretion, rule


def _check_key_questions(spec, raw: Mapping, fail: _Fail) -> Mapping:
    if "key_questions" not in raw:
        raise fail("key_questions", "missing; give the '% Yes' of " + ", ".join(spec.key_questions))
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
        where = fail.where + f': standards."{spec.id}".key_questions."{kq_id}"'
        check_percent(kqs[kq_id], where, ReportError)
    return kqs


def _check_tables(spec, raw: Mapping, fail: _Fail) -> dict[str, Mapping]:
    tables = {}
    for key in ("cases", "assumed_cases", "yes"):
        table = raw.get(key, {})
        if not isinstance(table, Mapping):
            raise fail(key, f'must be a table such as {{ "{spec.key_questions[0]}" = 11 }}')
        low = 0 if key == "yes" else 1
        for kq_id, value in table.items():
            if kq_id not in spec.key_questions:
                raise fail(f'{key}."{kq_id}"',
                           f"not a key question of {spec.id}; they are " + ", ".join(spec.key_questions))
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise fail(f'{key}."{kq_id}"',
                           f"must be a whole number of cases, at least {low}, got {value!r}")
            _check_plausible(value, f'{key}."{kq_id}"', fail)
        tables[key] = table
    both = set(tables["cases"]) & set(tables["assumed_cases"])
    if both:
        raise fail("assumed_cases", f"{sorted(both)[0]} is also in cases; keep the stated one only")
    for kq_id in tables["yes"]:
        if kq_id not in tables["cases"]:
            raise fail(f'yes."{kq_id}"', "needs its denominator in cases as well")
    return tables


def _key_question(kq_id: str, p: int, tables, samples, sample_name: str, fail: _Fail) -> KeyQuestion:
    sample = samples.get(sample_name)
    if sample == 0:
        raise fail(f'key_questions."{kq_id}"', f"the {sample_name} sample is 0 cases, so {kq_id} has no "
                                               "cases to rate; remove the standard or give the sample")
    for key, origin in (("cases", "stated"), ("assumed_cases", "assumed")):
        if kq_id in tables[key]:
            n = tables[key][kq_id]
            if sample is not None and n > sample:
                raise fail(f'{key}."{kq_id}"', f"{n} cases is more than the {sample_name} sample of "
                                               f"{sample}; a key question's cases are some of its "
                                               "domain's sample")
            return _counted(kq_id, p, n, tables["yes"].get(kq_id), origin, key, fail)
    if sample is None:
        raise ReportError(f"{fail.where}: samples.{sample_name}: missing; {kq_id} needs its domain's sample "
                          f"size (or cases for it) ({_FORMAT})")
    return _from_sample(kq_id, p, sample, sample_name, fail)


def _counted(kq_id: str, p: int, n: int, k: int | None, origin: str, key: str, fail: _Fail) -> KeyQuestion:
    if k is not None:
        if k > n or percent(k, n) != p:
            raise fail(f'yes."{kq_id}"', f"{k} of {n} does not print as {p}%")
        return KeyQuestion(kq_id, p, n, k, origin)
    k = yes_count(p, n)
    if k is None:
        raise fail(f'{key}."{kq_id}"', f"{p}% cannot come from {n} cases; denominators up to {n} that "
                                       f"print it: {feasible_denominators(p, n) or 'none'}")
    return KeyQuestion(kq_id, p, n, k, origin)


def _from_sample(kq_id: str, p: int, sample: int, sample_name: str, fail: _Fail) -> KeyQuestion:
    k = yes_count(p, sample)
    if k is not None:
        return KeyQuestion(kq_id, p, sample, k, "sample")
    feasible = feasible_denominators(p, sample)
    if not feasible:
        raise fail(f'key_questions."{kq_id}"', f"{p}% cannot come from any number of cases up to {sample}")
    n = feasible[-1]
    k = yes_count(p, n)
    warnings.warn(
        f"{fail.where}: {kq_id} = {p}% cannot come from the {sample_name} sample of {sample} cases; "
        f"using {k} of {n} (the largest denominator that prints it). State the real one with "
        f"cases = {{ \"{kq_id}\" = N }}.",
        DenominatorWarning,
        stacklevel=6,
    )
    return KeyQuestion(kq_id, p, n, k, "inferred")
