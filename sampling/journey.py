"""One way to name an inspection, and the context every output carries.

An inspection reaches the toolkit in one of three forms: a bundled report's id
(``calderdale-2022``), a report file (``.toml``, ``methodology/report-format.md``) or the answers
workbook the inspectors filled in (``.xlsx``, from ``python -m sampling template``).
:func:`resolve_report` turns any of them into a :class:`sampling.Report`, and every command
that takes a report (``rate``, ``uncertainty``, ``discretion``, ``compare``, ``funnel``) reads its
argument through it.

This module sits on the journey, above the engine: it may call :mod:`sampling.answers`, which
:mod:`sampling.reports` (the engine) never does. :func:`report_context` gives the fields that
say what a table or a JSON document is about (the service, the framework, the toolkit's
version, the populations and where they came from, the mode, and the units of its numbers);
:func:`context_rows` gives them as the ``field`` and ``value`` rows that the ``context`` sheet
of a workbook, or the ``#`` lines of a CSV, hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ._errors import ReportError
from .record import NOT_PUBLISHED

__all__ = ["resolve_report", "report_context", "context_rows", "published_label", "is_unpublished",
           "ACCEPTED"]

#: What :func:`resolve_report` accepts, in the words every refusal uses.
ACCEPTED = "a bundled report id, a report file (.toml) or an answers workbook (.xlsx)"

#: How a report from answers says that it is not yet published (``Report.published``).
_UNPUBLISHED = "unpublished"


def _refusal(source) -> str:
    from .reports import list_reports

    return (f"{source}: not {ACCEPTED}; bundled ids are {', '.join(list_reports())}; "
            "'python -m sampling annexe ANSWERS.xlsx --out ANNEXE.html --toml REPORT.toml' writes a "
            "report file from an answers workbook")


def resolve_report(source, *, service: str | None = None):
    """The report an inspection names, whichever way it is named.

    Parameters
    ----------
    source : Report, Answers, str or path
        A :class:`sampling.Report` (returned as it is); a bundled report's id
        (:func:`sampling.list_reports`); a report file ending in ``.toml``
        (:func:`sampling.load_report`); an answers workbook ending in ``.xlsx``
        (:func:`sampling.read_answers`, then its report: not yet published, with the plan's
        eligible cases as its populations); or the :class:`sampling.Answers` read from one.
    service : str, optional
        The service's name for a report from answers (default: the one its plan recorded).
        Ignored for a published report, which names its own service.

    Returns
    -------
    Report
        The report, validated as :func:`sampling.load_report` validates a file.

    Raises
    ------
    ReportError
        For anything else (a CSV, a misspelt id, a folder), saying what is accepted, listing the
        bundled ids and naming ``annexe --toml``, which writes a report file from answers; and for
        a bad report file, as :func:`sampling.load_report`.
    AnswersError
        For an answers workbook with problems (every one at once), as
        :func:`sampling.read_answers`.

    Examples
    --------
    >>> resolve_report("calderdale-2022").service
    'Calderdale Youth Justice Service'
    >>> resolve_report(resolve_report("essex-2018")).id
    'essex-2018'
    >>> try:
    ...     resolve_report("cases.csv")
    ... except ReportError as error:
    ...     print(str(error)[:60])
    cases.csv: not a bundled report id, a report file (.toml) or
    """
    from .reports import Report, list_reports, load_report

    if isinstance(source, Report):
        return source
    if hasattr(source, "report") and hasattr(source, "frame"):  # sampling.Answers
        return source.report(service=service)
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        raise ReportError(f"a report must be {ACCEPTED} (or a Report), got {type(source).__name__}")
    text = str(source)
    if text in list_reports():
        return load_report(text)
    suffix = Path(text).suffix.lower()
    if suffix == ".xlsx":
        from .answers import read_answers

        if not Path(text).is_file():
            raise ReportError(f"{text}: no such answers workbook" + (
                "" if Path(text).parent.exists() else f" (the folder {Path(text).parent} does not exist)"))
        return read_answers(text).report(service=service)
    if suffix == ".toml":
        return load_report(text)
    raise ReportError(_refusal(text))


def is_unpublished(report) -> bool:
    """Whether a report is of an inspection not yet published (made from answers).

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    bool
        True for a report from an answers workbook.

    Examples
    --------
    >>> is_unpublished(resolve_report("essex-2018"))
    False
    """
    return str(report.published).strip().lower() in (_UNPUBLISHED, NOT_PUBLISHED)


def published_label(report) -> str:
    """When a report was published, or "not yet published" for one from answers.

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    str
        ``report.published`` ("2018", "June 2022"), or "not yet published".

    Examples
    --------
    >>> published_label(resolve_report("essex-2018"))
    '2018'
    """
    return NOT_PUBLISHED if is_unpublished(report) else str(report.published)


def _version() -> str:
    from ._version import __version__

    return __version__


_OWN = object()  # report_context's default: the report's own populations


def report_context(reports=None, *, mode: str | None = None, populations=_OWN,
                   populations_source: str | None = None, units: Mapping[str, str] | None = None) -> dict:
    """What a table or a JSON document is about, in fields every command gives alike.

    Parameters
    ----------
    reports : Report, sequence of Report, or None
        The report the figures are of, or the reports (``compare``: before and after;
        ``funnel``: each service), or None (``size``, ``agreement``).
    mode : str, optional
        The view of the figures: "process" (the service's underlying rate) or "finite" (the
        eligible cases); None where there is no such choice.
    populations : mapping of str to int or None, optional
        The eligible cases per sample behind the figures (None: the figures use none, as in the
        process view). Default: for one report, the populations it records (the plan's, for a
        report from answers), else None.
    populations_source : str, optional
        Where ``populations`` came from: "given", "plan" or "implied". Default: "plan" when the
        populations are those a report from answers carries from its plan ("report" for another
        report that records its own), else None.
    units : mapping of str to str, optional
        The unit of each numeric field of the document: "proportion" (0 to 1), "percentage"
        (0 to 100), "percentage points", "probability" or "cases".

    Returns
    -------
    dict
        ``report``, ``service``, ``framework``, ``published`` (when, or "not yet published"),
        ``toolkit_version``, ``mode``, ``populations``, ``populations_source`` and ``units``. For
        several reports, ``report``, ``service``, ``framework`` and ``published`` are lists, one
        entry per report in the order given.

    Examples
    --------
    >>> context = report_context(resolve_report("essex-2018"), mode="process")
    >>> context["service"], context["framework"], context["published"], context["populations"]
    ('Essex Youth Offending Service', 'youth-2018', '2018', None)
    """
    from .reports import Report

    if reports is None:
        many, items = False, []
    elif isinstance(reports, Report):
        many, items = False, [reports]
    else:
        many, items = True, list(reports)
    if populations is _OWN:
        populations = None
        if not many and items and items[0].populations:
            populations = dict(items[0].populations)
            populations_source = populations_source or ("plan" if is_unpublished(items[0]) else "report")

    def field(get):
        values = [get(r) for r in items]
        return values if many else (values[0] if values else None)

    return {
        "report": field(lambda r: r.id),
        "service": field(lambda r: r.service),
        "framework": field(lambda r: r.framework.name),
        "published": field(published_label),
        "toolkit_version": _version(),
        "mode": mode,
        "populations": None if populations is None else dict(populations),
        "populations_source": populations_source if populations is not None else None,
        "units": dict(units or {}),
    }


def _text(value) -> object:
    if value is None:
        return "(none)"
    if isinstance(value, Mapping):
        return ", ".join(f"{str(k).replace('_', '-')} {v}" for k, v in value.items()) or "(none)"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "; ".join(str(v) for v in value) or "(none)"
    return value


def context_rows(context: Mapping) -> list[tuple[str, object]]:
    """A context as the ``field`` and ``value`` rows of a table's ``context`` sheet or ``#`` lines.

    Parameters
    ----------
    context : mapping
        A dict from :func:`report_context` (its ``units`` become one row per column:
        ``unit of low_proportion``).

    Returns
    -------
    list of (str, object)
        One row per field; lists are joined with "; ", populations written "court 57,
        out-of-court 33", and a missing value "(none)".

    Examples
    --------
    >>> rows = context_rows(report_context(resolve_report("essex-2018")))
    >>> rows[:3]
    [('report', 'essex-2018'), ('service', 'Essex Youth Offending Service'), ('framework', 'youth-2018')]
    """
    rows = [(name, _text(value)) for name, value in context.items() if name != "units"]
    rows += [(f"unit of {name}", unit) for name, unit in (context.get("units") or {}).items()]
    return rows

