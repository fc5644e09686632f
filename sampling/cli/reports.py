"""``reports``, ``rate`` and ``reproduce``: the bundled reports and their rating tables."""

from __future__ import annotations

from ._common import add_out, check_out, emit_table, print_json, report_arg, resolve, with_context

#: The unit of each number in ``rate --json`` and ``rate --out``.
RATE_UNITS = {"lowest_percent": "percentage", "key_questions.percent": "percentage",
              "key_questions.yes": "cases", "key_questions.relevant": "cases",
              "key_questions.population": "cases", "score": "points of the framework's score"}


def _cmd_reports(args) -> int:
    from ..reports import list_reports, load_report

    for report_id in list_reports():
        r = load_report(report_id)
        score = r.published_score
        samples = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in r.samples.items())
        scored = f"{score}/{r.framework.max_score}" if r.framework.max_score else "no score"
        print(f"{r.id:<21} {scored:>6} {r.overall.label:<20} samples: {samples}")
    return 0



def _cmd_rate(args) -> int:
    from ..journey import report_context
    from ..reports import rate_report

    if args.out:
        check_out(args.out, args.force, inputs=[args.report])
    report = resolve(args.report)
    table = rate_report(report)
    context = report_context(report, units=RATE_UNITS)
    emit_table(rating_frame(table), args.out, context)
    if args.json:
        print_json(with_context(rating_dict(table), context))
        return 0
    print(_format_rating_table(table))
    return 0


def _unpublished(report) -> bool:
    from ..journey import is_unpublished

    return is_unpublished(report)


def rating_dict(table) -> dict:
    """``RatingTable.to_dict()``, with "not yet published" for every published figure of a
    report from answers (the keys unchanged)."""
    from ..record import NOT_PUBLISHED

    data = table.to_dict()
    if _unpublished(table.report):
        for row in data["standards"]:
            row["published_rating"] = NOT_PUBLISHED
        data["score"]["published"] = NOT_PUBLISHED
        data["overall"]["published"] = NOT_PUBLISHED
    return data


def rating_frame(table):
    """The rating table as printed, one row per standard (those not rated too), tidy: the report,
    its service, the standard, its key questions' percentages, the lowest, the rule's and the
    published rating ("not yet published" for a report from answers), and the reason."""
    import pandas as pd

    from ..record import NOT_PUBLISHED

    report = table.report
    unpublished = _unpublished(report)
    rows = []
    for row in table.rows:
        rows.append({"report": report.id, "service": report.service, "standard": row.id, "name": row.name,
                     "key_question_percents": ", ".join(str(v) for v in row.key_question_percents.values())
                     or "qualitative",
                     "lowest_percent": row.lowest_percent, "rule_rating": row.rule_rating.label,
                     "published_rating": NOT_PUBLISHED if unpublished else row.published_rating.label,
                     "differs": bool(row.differs), "reason": row.reason or ""})
    for sid, name, reason in table.not_rated:
        rows.append({"report": report.id, "service": report.service, "standard": sid, "name": name,
                     "key_question_percents": "", "lowest_percent": None, "rule_rating": "not rated",
                     "published_rating": "not rated", "differs": False, "reason": reason})
    return pd.DataFrame(rows, columns=["report", "service", "standard", "name", "key_question_percents",
                                       "lowest_percent", "rule_rating", "published_rating", "differs",
                                       "reason"]).astype({"lowest_percent": "Int64"})



def _short(name: str, width: int = 25) -> str:
    """A standard's name cut to fit its column (the full names are in --json and to_frame)."""
    return name if len(name) <= width else name[: width - 1] + "…"


def _format_rating_table(table) -> str:
    from ..record import NOT_PUBLISHED

    report = table.report
    unpublished = _unpublished(report)
    when = report.published
    if unpublished:  # "This inspection" names an inspection whose plan gave no service
        named = str(report.service).strip().lower() != "this inspection"
        when = f"this inspection, {NOT_PUBLISHED}" if named else NOT_PUBLISHED
    lines = [f"{report.service} ({when}, {report.framework.name})",
             f"{'std':<5} {'name':<25} {'key questions':<16} {'lowest':>6}  {'rule':<20} published"]
    for row in table.rows:
        kqs = " ".join(f"{v}" for v in row.key_question_percents.values()) or "qualitative"
        lowest = "" if row.lowest_percent is None else f"{row.lowest_percent}%"
        mark = " *" if row.differs else ""
        published = NOT_PUBLISHED if unpublished else row.published_rating.label
        lines.append(f"{row.id:<5} {_short(row.name):<25} {kqs:<16} {lowest:>6}  "
                     f"{row.rule_rating.label:<20} {published}{mark}")
    for sid, name, reason in table.not_rated:
        lines.append(f"{sid:<5} {_short(name):<25} not rated: {reason}")
    top = table.report.framework.max_score
    if unpublished:
        lines.append(f"score: rule {table.rule_score}/{top}, published: {NOT_PUBLISHED}")
        lines.append(f"overall: rule {table.rule_overall.label}, published: {NOT_PUBLISHED}")
    else:
        lines.append(f"score: rule {table.rule_score}/{top}, published {table.published_score}/{top}")
        lines.append(f"overall: rule {table.rule_overall.label}, published {table.published_overall.label}")
    for row in table.differences:
        lines.append(f"  * {row.id} {row.rule_rating.label} -> {row.published_rating.label}: "
                     f"{row.reason or 'NO REASON STATED IN THE REPORT'}")
    return "\n".join(lines)



def _cmd_reproduce(args) -> int:
    from ..reports import list_reports, rate_report
    from . import reproduce_sections

    reproduced = 0
    decisions = 0
    ids = list_reports()
    for report_id in ids:
        table = rate_report(report_id)
        report = table.report
        print("=" * 100)
        print(f"{report.id}: {report.service} ({report.published}, {report.framework.name})")
        print("samples: " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in report.samples.items()))
        print(_format_rating_table(table))
        for section in reproduce_sections():
            for line in section(report):
                print(line)
        decisions += len(table.differences)
        ok = table.reproduced
        reproduced += ok
        printed = ("no printed score" if report.score is None
                   else f"printed score {report.score}/{report.framework.max_score}")
        print(f"reproduced: {'yes' if ok else 'NO'} ({printed}; published ratings sum to "
              f"{table.published_score}; overall {table.published_overall.label})")
    print("=" * 100)
    print(f"{reproduced} of {len(ids)} reports reproduced; "
          f"{decisions} professional-discretion decisions found")
    return 0 if reproduced == len(ids) else 1



def register(sub) -> None:
    """Add ``reports``, ``rate`` and ``reproduce``."""
    p = sub.add_parser("reports", help="list the bundled reports, one line each",
                       description="List the bundled reports, one line each.")
    p.set_defaults(func=_cmd_reports)

    p = sub.add_parser("rate", help="a report's rating table: rule against published",
                       description="Recompute a report's ratings from its key questions.")
    report_arg(p, metavar="ID_OR_PATH")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_out(p, "the rating table, one row per standard")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_rate)

    p = sub.add_parser("reproduce", help="reproduce every bundled report's published figures",
                       description="For every bundled report: samples, rating table, score and "
                                   "overall rating, each difference with the report's reason, "
                                   "and the analyses of the other commands. Exit 0 only when "
                                   "every report reproduces.")
    p.set_defaults(func=_cmd_reproduce)
