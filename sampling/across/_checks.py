"""Input checks shared by the across-inspections functions (validate once, at the door)."""

from __future__ import annotations

import warnings

import numpy as np

from .._errors import ReportError, SamplingError, SamplingWarning
from .._validation import confidence as checked
from ..reports import Report, load_report


def check_confidence(confidence: object, name: str = "confidence") -> float:
    """A two-sided confidence level strictly between 0 and 1 (the shared wording)."""

    return checked(confidence, name)


def load(report, where: str):
    """A report given by bundled id, path or object, with ``where`` named in any error."""

    if isinstance(report, Report):
        return report
    if not isinstance(report, str) and not hasattr(report, "__fspath__"):
        raise SamplingError(f"{where} must be a bundled report id, a .toml path or a Report, "
                            f"got {type(report).__name__}")
    try:
        return load_report(report)
    except ReportError as exc:
        raise ReportError(f"{where}: {exc}") from None


def load_many(reports, where: str = "reports", minimum: int = 2) -> list:
    """Several distinct reports (by id, path or object); at least ``minimum`` of them."""
    if isinstance(reports, str) or hasattr(reports, "__fspath__") or not hasattr(reports, "__iter__"):
        raise SamplingError(f"{where} must be a list of reports (ids, .toml paths or Report objects), "
                            f"at least {minimum}, got {reports!r}")
    loaded = [load(r, f"{where}[{i}]") for i, r in enumerate(reports)]
    if len(loaded) < minimum:
        raise SamplingError(f"{where}: give at least {minimum} reports to compare services, "
                            f"got {len(loaded)}")
    ids = [r.id for r in loaded]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise SamplingError(f"{where}: report {twice[0]!r} is given more than once; give each "
                            "inspection once")
    return loaded


def evidence(report) -> tuple:
    """The report's evidence rows (key_question, yes, relevant, percent, band, ...), no populations."""
    return report.evidence_rows()


def key_question_ids(reports) -> list[str]:
    """Every key question id that any of the reports has, in framework order of first sight."""
    seen: dict[str, None] = {}
    for report in reports:
        for row in evidence(report):
            seen.setdefault(row.key_question, None)
    return list(seen)


def json_number(value):
    """A float for JSON, or None where the value is undefined (NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def warn(message: str, stacklevel: int = 3) -> None:

    warnings.warn(message, SamplingWarning, stacklevel=stacklevel)


def framework_warning(reports, verb: str) -> tuple[str, ...]:
    """Warn in one line (a SamplingWarning) when the reports are of more than one framework, and
    return what was warned, for the result's ``warnings``."""
    by_framework: dict[str, list[str]] = {}
    for report in reports:
        by_framework.setdefault(report.framework.name, []).append(report.id)
    if len(by_framework) < 2:
        return ()
    named = "; ".join(f"{name}: {', '.join(ids)}" for name, ids in by_framework.items())
    message = (f"reports of different frameworks {verb} ({named}): key questions are matched by id, "
               "but their wording and the cases they ask about may differ between frameworks")
    warn(message, stacklevel=4)
    return (message,)
