"""``discretion`` and ``simulate``: professional discretion, assessed and simulated."""

from __future__ import annotations

import sys

from .._errors import SamplingError
from ._common import add_out, check_out, emit_table, float_arg, print_json, report_arg, resolve, with_context

#: The unit of each number in ``discretion --json`` and ``discretion --out``.
UNITS = {"cases_to_next": "cases", "p_higher": "probability", "populations": "cases"}


def discretion_dict(result, unpublished: bool = False) -> dict:
    """``DiscretionAssessment.to_dict()``, "not yet published" for each published rating of a
    report from answers (the keys unchanged)."""
    from ..record import NOT_PUBLISHED

    data = result.to_dict()
    if unpublished:
        for row in data["standards"]:
            row["published_rating"] = NOT_PUBLISHED
    return data


def discretion_frame(result, report, unpublished: bool = False):
    """The table ``discretion`` prints, one row per standard: the report, its service, the
    ratings, cases to the next band, P(higher), each rule's verdict and whether it was applied."""
    import pandas as pd

    from ..record import NOT_PUBLISHED

    rows = [{"report": report.id, "service": report.service, "standard": row.id,
             "rule_rating": row.rule_rating.label,
             "published_rating": NOT_PUBLISHED if unpublished else row.published_rating.label,
             "cases_to_next": row.cases_to_next, "p_higher": row.p_higher,
             **{f"eligible {name}": bool(row.eligible[name]) for name in result.rules},
             "applied": bool(row.applied)} for row in result.rows]
    columns = ["report", "service", "standard", "rule_rating", "published_rating", "cases_to_next",
               "p_higher", *(f"eligible {name}" for name in result.rules), "applied"]
    return pd.DataFrame(rows, columns=columns).astype({"cases_to_next": "Int64"})


def _cmd_discretion(args) -> int:
    from ..discretion import assess_discretion
    from ..journey import is_unpublished, report_context
    from ..record import NOT_PUBLISHED

    if args.out:
        check_out(args.out, args.force, inputs=[args.report])
    report = resolve(args.report)
    unpublished = is_unpublished(report)
    rules = None if args.rule is None else [r.strip() for r in args.rule.split(";") if r.strip()]
    result = assess_discretion(report, rules=rules, mode=args.mode)
    context = report_context(report, mode=args.mode, populations=result.populations,
                             populations_source=result.populations_source, units=UNITS)
    emit_table(discretion_frame(result, report, unpublished), args.out, context)
    if args.json:
        print_json(with_context(discretion_dict(result, unpublished), context))
        return 0
    name = f"this inspection ({result.report}, {NOT_PUBLISHED})" if unpublished else result.report
    print(f"{name}: professional discretion ({args.mode} uncertainty for P(higher))")
    names = list(result.rules)
    print(f"{'std':<5} {'rule':<21} {'published':<21} {'cases':>5} {'P(higher)':>9}  "
          + " ".join(f"{f'R{i}':>3}" for i in range(1, len(names) + 1)) + "  applied")
    for row in result.rows:
        cases = "" if row.cases_to_next is None else str(row.cases_to_next)
        published = NOT_PUBLISHED if unpublished else row.published_rating.label
        print(f"{row.id:<5} {row.rule_rating.label:<21} {published:<21} {cases:>5} "
              f"{row.p_higher:>9.3f}  "
              + " ".join(f"{('yes' if row.eligible[n] else '-'):>3}" for n in names)
              + f"  {'YES' if row.applied else ''}")
    print("key: " + "; ".join(f"R{i} {name}" for i, name in enumerate(names, 1))
          + " (yes: the rule would allow one band up). cases: changed case judgements to the next band; "
          "P(higher): the probability that the true band is above the rule's (Bayesian, Jeffreys prior; "
          "methodology/professional-discretion.md)")
    for fact in result.facts():
        print("  " + fact)
    return 0



def _cmd_simulate(args) -> int:
    import time

    from ..discretion import simulate

    try:
        rates = [float(v) for v in args.true.split(",")]
    except ValueError:
        raise SamplingError(f"--true: expected rates such as 0.62,0.7,0.8, got {args.true!r}") from None
    start = time.perf_counter()
    shown = [False]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - start > 1.0 or shown[0]:
            shown[0] = True
            width = 30
            filled = int(width * done / total)
            print(f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}",
                  end="" if done < total else "\n", file=sys.stderr, flush=True)

    result = simulate(rates, args.n, population=args.population, case_correlation=args.case_correlation,
                      judgement_error=args.judgement_error, rule=args.rule, reps=args.reps, rng=args.seed,
                      progress=progress)
    if args.json:
        print_json({"n": args.n, "true": rates, "population": args.population, **result.to_dict()})
        return 0
    truth = result.true_bands["standard"].label
    print(f"{args.reps:,} simulated inspections of {len(rates)} key question(s), n = {args.n}"
          + (f" of {args.population}" if args.population else "") + f"; true band {truth}")
    print(result.summary().round(4).to_string())
    print("awarded (with the rule, if any):")
    table = result.confusion_with_rule if result.rule else result.confusion
    print((table.loc[truth] / args.reps).round(4).to_string())
    return 0



def _reproduce_discretion(report):
    from ..discretion import assess_discretion

    result = assess_discretion(report)
    lines = ["professional discretion (rules: " + ", ".join(result.rules) + ")"]
    lines += [f"  {fact}" for fact in result.facts()] or ["  no standard within reach of any rule"]
    return lines



def register(sub) -> None:
    p = sub.add_parser("discretion", help="which standards were within reach of discretion",
                       description="Per standard: rule and published ratings, cases to the next band, "
                                   "P(higher band), each rule's verdict, and whether the report used "
                                   "discretion.")
    report_arg(p, metavar="ID_OR_PATH")
    p.add_argument("--rule", default=None, metavar="NAME",
                   help="rule(s) to apply, e.g. 'cases(1)' or 'cases(1);within_points(5)' "
                        "(default: strict, within_points(5), cases(1), interval(0.8), posterior(0.5))")
    p.add_argument("--mode", choices=("process", "finite"), default="process",
                   help="uncertainty behind P(higher) and the statistical rules (default process)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_out(p, "the table, one row per standard")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_discretion)

    p = sub.add_parser("simulate", help="simulated inspections of a standard, with and without a rule",
                       description="Simulate inspections of one standard with known true rates and count "
                                   "right and wrong ratings, with and without a discretion rule.")
    p.add_argument("--n", type=int, required=True, help="cases judged per key question")
    p.add_argument("--true", required=True, metavar="R[,R...]",
                   help="true rate of each key question, e.g. 0.62,0.7,0.8")
    p.add_argument("--population", type=int, default=None, metavar="N",
                   help="eligible cases (finite population; default: process sampling)")
    p.add_argument("--rule", default=None, metavar="NAME", help="discretion rule, e.g. cases(1)")
    p.add_argument("--reps", type=int, default=10_000, help="simulated inspections (default 10000)")
    p.add_argument("--seed", type=int, default=None, help="random seed (same seed, same answer)")
    p.add_argument("--case-correlation", type=float_arg, default=0.0, metavar="RHO",
                   help="quality shared by the key questions of a case (default 0)")
    p.add_argument("--judgement-error", type=float_arg, default=0.0, metavar="E",
                   help="probability that a judgement is flipped (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_simulate)


reproduce_lines = _reproduce_discretion
