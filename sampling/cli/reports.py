"""``reports``, ``rate`` and ``reproduce``: the bundled reports and their rating tables."""

from __future__ import annotations

from ._common import print_json


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
    from ..reports import rate_report

    table = rate_report(args.report)
    if args.json:
        print_json(table.to_dict())
        return 0
    print(_format_rating_table(table))
    return 0



def _short(name: str, width: int = 25) -> str:
    """A standard's name cut to fit its column (the full names are in --json and to_frame)."""
    return name if len(name) <= width else name[: width - 1] + "…"


def _format_rating_table(table) -> str:
    report = table.report
    lines = [f"{report.service} ({report.published}, {report.framework.name})",
             f"{'std':<5} {'name':<25} {'key questions':<16} {'lowest':>6}  {'rule':<20} published"]
    for row in table.rows:
        kqs = " ".join(f"{v}" for v in row.key_question_percents.values()) or "qualitative"
        lowest = "" if row.lowest_percent is None else f"{row.lowest_percent}%"
        mark = " *" if row.differs else ""
        lines.append(f"{row.id:<5} {_short(row.name):<25} {kqs:<16} {lowest:>6}  "
                     f"{row.rule_rating.label:<20} {row.published_rating.label}{mark}")
    for sid, name, reason in table.not_rated:
        lines.append(f"{sid:<5} {_short(name):<25} not rated: {reason}")
    top = table.report.framework.max_score
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
    p.add_argument("report", metavar="ID_OR_PATH", help="a bundled report id or a .toml file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_cmd_rate)

    p = sub.add_parser("reproduce", help="reproduce every bundled report's published figures",
                       description="For every bundled report: samples, rating table, score and "
                                   "overall rating, each difference with the report's reason, "
                                   "and the analyses of the other commands. Exit 0 only when "
                                   "every report reproduces.")
    p.set_defaults(func=_cmd_reproduce)
